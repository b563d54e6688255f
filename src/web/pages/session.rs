//! Login, logout and changing one's own password.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{render, see_other, Nav};
use crate::auth::random_token;
use crate::error::AppError;
use crate::service::{accounts, second_factor};
use crate::web::auth::{self as web_auth, PageForm, PageSession, LOGIN_CSRF_COOKIE};
use crate::web::error::PageError;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    username: String,
    error: Option<String>,
    no_users: bool,
}

fn login_page(
    state: &AppState,
    username: String,
    error: Option<String>,
    no_users: bool,
    status: actix_web::http::StatusCode,
) -> Result<HttpResponse, PageError> {
    let csrf = random_token(32);
    let mut resp = render(&LoginPage {
        csrf: csrf.clone(),
        username,
        error,
        no_users,
    })?;
    *resp.status_mut() = status;
    let cookie = Cookie::build(LOGIN_CSRF_COOKIE, csrf)
        .path("/login")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.production)
        .finish();
    resp.add_cookie(&cookie)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(resp)
}

async fn has_no_users(state: &AppState) -> bool {
    state
        .db
        .read(crate::service::accounts::no_users_yet)
        .await
        .unwrap_or(false)
}

/// GET /login.
pub async fn login_form(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let no_users = has_no_users(&state).await;
    login_page(
        &state,
        String::new(),
        None,
        no_users,
        actix_web::http::StatusCode::OK,
    )
}

/// The login form's fields.
#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    /// The authenticator app's code (or a recovery code), for accounts that have one.
    #[serde(default)]
    second_factor: String,
}

/// POST /login: sets the session cookie and goes home, or shows the form again.
pub async fn login_submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    if !web_auth::login_csrf_ok(&req, &form.csrf) {
        return login_page(
            &state,
            form.username,
            Some("页面已过期，请重新输入并登录".to_string()),
            false,
            actix_web::http::StatusCode::FORBIDDEN,
        );
    }
    match accounts::login(
        &state.db,
        &state.keys,
        &state.config.session_policy(),
        &form.username,
        &form.password,
        Some(form.second_factor.as_str()),
        web_auth::client(&req),
    )
    .await
    {
        Ok(session) => {
            let to = if session.password_change.is_some() {
                super::PASSWORD_PAGE
            } else if session.second_factor_setup.is_some() {
                super::SECOND_FACTOR_PAGE
            } else {
                super::landing(session.claims.role)
            };
            let mut resp = see_other(to);
            let cookie = web_auth::session_cookie(
                session.token,
                state.keys.lifetime_secs(),
                state.config.production,
            );
            resp.add_cookie(&cookie)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            Ok(resp)
        }
        Err(
            e @ (AppError::BadCredentials
            | AppError::Throttled { .. }
            | AppError::SecondFactorRequired
            | AppError::BadSecondFactor),
        ) => {
            let status = actix_web::http::StatusCode::from_u16(e.status())
                .unwrap_or(actix_web::http::StatusCode::UNAUTHORIZED);
            let mut resp = login_page(&state, form.username, Some(e.to_string()), false, status)?;
            if let AppError::Throttled { retry_after_secs } = e {
                resp.headers_mut().insert(
                    actix_web::http::header::RETRY_AFTER,
                    actix_web::http::header::HeaderValue::from(retry_after_secs.max(1)),
                );
            }
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}

/// The logout form carries only the CSRF token.
#[derive(Deserialize)]
pub struct Empty {}

/// POST /logout: ends the session on the server and removes the cookie.
pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: PageSession,
    _form: PageForm<Empty>,
) -> Result<HttpResponse, PageError> {
    let (user, address) = (user.0, web_auth::client_address(&req));
    state
        .db
        .write(move |tx| {
            accounts::logged_out(tx, &user.caller, user.session_id, address.as_deref())
        })
        .await?;
    let mut resp = see_other("/login");
    resp.add_cookie(&web_auth::cleared_session_cookie(state.config.production))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(resp)
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    nav: Nav,
    /// Why the change is asked for (temporary or too old), if it is.
    required: Option<&'static str>,
    error: Option<String>,
    done: bool,
}

/// Whether the password page was reached after a change.
#[derive(Deserialize)]
pub struct PasswordFlash {
    #[serde(default)]
    msg: String,
}

fn password_page(
    user: &web_auth::PageUser,
    error: Option<String>,
    done: bool,
) -> Result<HttpResponse, PageError> {
    render(&PasswordPage {
        nav: Nav::new(user, ""),
        required: user.password_change,
        error,
        done,
    })
}

/// GET /account/password.
pub async fn password_form(
    user: PageSession,
    flash: web::Query<PasswordFlash>,
) -> Result<HttpResponse, PageError> {
    password_page(&user.0, None, flash.msg == "changed")
}

/// The password form's fields.
#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_again: String,
}

/// POST /account/password: changes the password, or shows the form again saying why not.
pub async fn change_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: PageSession,
    form: PageForm<PasswordForm>,
) -> Result<HttpResponse, PageError> {
    let (user, form) = (user.0, form.0);
    if form.new_password != form.new_password_again {
        let why = "两次输入的新密码不一致，请重新输入".to_string();
        return password_page(&user, Some(why), false);
    }
    let change = accounts::PasswordChange {
        current_password: form.current_password,
        new_password: form.new_password,
    };
    match accounts::change_own_password(
        &state.db,
        &user.caller,
        user.session_id,
        change,
        web_auth::client_address(&req),
    )
    .await
    {
        Ok(()) => Ok(see_other("/account/password?msg=changed")),
        Err(e @ (AppError::Invalid { .. } | AppError::Throttled { .. })) => {
            let mut resp = password_page(&user, Some(e.to_string()), false)?;
            *resp.status_mut() = actix_web::http::StatusCode::from_u16(e.status())
                .unwrap_or(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY);
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "second_factor.html")]
struct SecondFactorPage {
    nav: Nav,
    status: second_factor::SecondFactorStatus,
    /// Why the setup is asked for (the role requires it), if it is.
    required: Option<&'static str>,
    /// A setup just begun: the QR code and the secret.
    enrolment: Option<second_factor::Enrolment>,
    /// A setup just finished: the recovery codes, shown this once.
    recovery_codes: Vec<String>,
    error: Option<String>,
    /// The user's role must keep it on.
    locked_on: bool,
}

async fn second_factor_page(
    state: &AppState,
    user: &web_auth::PageUser,
    enrolment: Option<second_factor::Enrolment>,
    recovery_codes: Vec<String>,
    error: Option<String>,
) -> Result<HttpResponse, PageError> {
    let caller = user.caller.clone();
    let status = state
        .db
        .read(move |c| second_factor::status(c, &caller))
        .await?;
    // Asked for while the role requires it and it is not on yet.
    let locked_on = state.config.totp_required_roles.contains(&user.caller.role);
    render(&SecondFactorPage {
        nav: Nav::new(user, ""),
        required: (locked_on && !status.enabled)
            .then(|| crate::domain::session::Unsettled::SecondFactor.reason()),
        locked_on,
        status,
        enrolment,
        recovery_codes,
        error,
    })
}

/// GET /account/second-factor.
pub async fn second_factor_form(
    state: web::Data<AppState>,
    user: PageSession,
) -> Result<HttpResponse, PageError> {
    second_factor_page(&state, &user.0, None, vec![], None).await
}

/// POST /account/second-factor/start: a new secret and its QR code.
pub async fn start_second_factor(
    state: web::Data<AppState>,
    user: PageSession,
    _form: PageForm<Empty>,
) -> Result<HttpResponse, PageError> {
    let caller = user.0.caller.clone();
    let enrolment = state
        .db
        .write(move |tx| second_factor::start(tx, &caller))
        .await?;
    second_factor_page(&state, &user.0, Some(enrolment), vec![], None).await
}

/// The code field of the second-factor forms.
#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// POST /account/second-factor/confirm: finishes the setup and shows the recovery codes.
pub async fn confirm_second_factor(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: PageSession,
    form: PageForm<CodeForm>,
) -> Result<HttpResponse, PageError> {
    let (caller, address) = (user.0.caller.clone(), web_auth::client_address(&req));
    let code = form.0.code;
    match state
        .db
        .write(move |tx| second_factor::confirm(tx, &caller, &code, address.as_deref()))
        .await
    {
        Ok(codes) => second_factor_page(&state, &user.0, None, codes.recovery_codes, None).await,
        Err(e @ AppError::Invalid { .. }) => {
            second_factor_page(&state, &user.0, None, vec![], Some(e.to_string())).await
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /account/second-factor/disable: turns it off with a current code or recovery code.
pub async fn disable_second_factor(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: web_auth::PageUser,
    form: PageForm<CodeForm>,
) -> Result<HttpResponse, PageError> {
    let (caller, address) = (user.caller.clone(), web_auth::client_address(&req));
    let (code, required) = (form.0.code, state.config.totp_required_roles.clone());
    match state
        .db
        .write(move |tx| second_factor::disable(tx, &caller, &code, &required, address.as_deref()))
        .await
    {
        Ok(()) => Ok(see_other(super::SECOND_FACTOR_PAGE)),
        Err(e @ AppError::Invalid { .. }) => {
            second_factor_page(&state, &user, None, vec![], Some(e.to_string())).await
        }
        Err(e) => Err(e.into()),
    }
}
