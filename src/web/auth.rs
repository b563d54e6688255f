//! Who is calling: bearer tokens for the API, the session cookie (with CSRF) for browsers.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::http::Method;
use actix_web::{web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::error::{ApiError, PageError};
use super::AppState;
use crate::auth::Claims;
// Constant-time comparison for CSRF tokens.
use crate::domain::password::same_secret as same;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::service::units::Resource;
use crate::service::{accounts, Caller};

/// The browser session cookie holding the login token.
pub const SESSION_COOKIE: &str = "workplan_session";
/// The header cookie-authenticated API writes must carry the session's CSRF token in.
pub const CSRF_HEADER: &str = "X-CSRF-Token";
/// The cookie that carries the login form's CSRF token before anyone is logged in.
pub const LOGIN_CSRF_COOKIE: &str = "workplan_login_csrf";

type BoxFuture<T, E> = Pin<Box<dyn Future<Output = Result<T, E>>>>;

fn state(req: &HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Internal("app state missing".to_string()))
}

/// Where the token came from: cookies need CSRF checks, bearer headers do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Bearer,
    Cookie,
}

fn token_of(req: &HttpRequest, allow_bearer: bool) -> Option<(String, Source)> {
    if allow_bearer {
        if let Some(v) = req.headers().get(actix_web::http::header::AUTHORIZATION) {
            let v = v.to_str().ok()?;
            let token = v
                .strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))?;
            return Some((token.trim().to_string(), Source::Bearer));
        }
    }
    req.cookie(SESSION_COOKIE)
        .map(|c| (c.value().to_string(), Source::Cookie))
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Checks a form's CSRF token against the session (for forms not read through
/// [`PageForm`], such as file uploads).
pub fn check_form_token(claims: &Claims, sent: &str) -> Result<(), AppError> {
    if same(sent, &claims.csrf) {
        Ok(())
    } else {
        Err(csrf_refused())
    }
}

fn csrf_refused() -> AppError {
    AppError::Forbidden("安全校验失败（CSRF），请刷新页面后重新提交".to_string())
}

/// The record a request is about, as its route names it: the path segment before `{id}`
/// (`/plans/{id}/…`, `/items/{id}`, `/reports/{id}/…`) or a page's `?plan=`. The caller is
/// scoped to it before any handler runs (see `service::units`).
pub fn resource_of(req: &HttpRequest) -> Option<Resource> {
    if let Some(pattern) = req.match_pattern() {
        let segments: Vec<&str> = pattern.split('/').collect();
        if let Some(at) = segments.iter().position(|s| *s == "{id}") {
            let id = req.match_info().get("id")?.parse::<i32>().ok()?;
            return segments
                .get(at.checked_sub(1)?)
                .and_then(|kind| Resource::named(kind, id));
        }
    }
    let query =
        web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
            .ok()?;
    ["plan", "from_plan"].into_iter().find_map(|key| {
        let id = query.get(key)?.trim().parse::<i32>().ok()?;
        Resource::named(key, id)
    })
}

async fn authenticate(
    req: &HttpRequest,
    allow_bearer: bool,
) -> Result<(accounts::Standing, Claims), AppError> {
    let claims = verified(req, allow_bearer)?;
    let st = state(req)?;
    let policy = st.config.session_policy();
    let c2 = claims.clone();
    let resource = resource_of(req);
    let standing = st
        .db
        .read(move |conn| accounts::caller_in(conn, &c2, &policy, resource))
        .await?;
    record_seen(&st, &standing).await;
    Ok((standing, claims))
}

/// Writes the session's last activity when it is due (once a minute at most), which keeps
/// it from ending as idle. A failure here costs the user nothing now, so it is only logged.
pub async fn record_seen(state: &AppState, standing: &accounts::Standing) {
    if let Some(id) = standing.seen_due() {
        if let Err(e) = state
            .db
            .write(move |tx| accounts::session_seen(tx, id))
            .await
        {
            tracing::warn!("could not record session activity: {e}");
        }
    }
}

/// Where the request came from: its peer address and what the client calls itself.
pub fn client(req: &HttpRequest) -> accounts::Client {
    accounts::Client {
        address: client_address(req),
        user_agent: req
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
    }
}

/// The request's token, verified (and its CSRF header, for a cookie), without asking the
/// database who its user is now.
fn verified(req: &HttpRequest, allow_bearer: bool) -> Result<Claims, AppError> {
    let st = state(req)?;
    let (token, source) = token_of(req, allow_bearer).ok_or(AppError::Unauthenticated)?;
    let claims = st.keys.verify(&token)?;
    if source == Source::Cookie && !is_safe(req.method()) && allow_bearer {
        let sent = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !same(sent, &claims.csrf) {
            return Err(csrf_refused());
        }
    }
    Ok(claims)
}

/// A verified API token whose session and user are looked up in the same trip to the
/// database as the work (`accounts::caller_for` inside the handler's read, then
/// [`record_seen`]), for the hot read routes.
pub struct ApiToken {
    pub claims: Claims,
    /// The record the request is about, to scope the caller to (see [`resource_of`]).
    pub resource: Option<Resource>,
}

impl FromRequest for ApiToken {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            verified(req, true)
                .map(|claims| ApiToken {
                    claims,
                    resource: resource_of(req),
                })
                .map_err(ApiError::from),
        )
    }
}

/// The logged-in caller of an API request (bearer token, or session cookie plus CSRF header)
/// whose password is settled: while it must be changed, every route but the change itself
/// (and logout, and who-am-I) answers 403 `password_change_required`.
pub struct ApiUser {
    pub caller: Caller,
    /// The server-side session of the request's token.
    pub session_id: i32,
    /// Why the password must be changed first, if it must (only an [`ApiSession`] sees it).
    pub password_change: Option<&'static str>,
    /// Why the second factor must be set up first, if it must (only an [`ApiSession`]).
    pub second_factor_setup: Option<&'static str>,
}

async fn api_user(req: HttpRequest, require_settled: bool) -> Result<ApiUser, ApiError> {
    let (standing, _) = authenticate(&req, true).await?;
    if require_settled {
        standing.require_settled()?;
    }
    Ok(ApiUser {
        session_id: standing.session_id,
        password_change: standing.password_change(),
        second_factor_setup: standing.second_factor_setup(),
        caller: standing.caller,
    })
}

impl FromRequest for ApiUser {
    type Error = ApiError;
    type Future = BoxFuture<Self, ApiError>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(api_user(req.clone(), true))
    }
}

/// The caller of one of the few API routes that also serve someone who must change their
/// password or set up the second factor first: doing that, logging out, asking who they are.
pub struct ApiSession(pub ApiUser);

impl FromRequest for ApiSession {
    type Error = ApiError;
    type Future = BoxFuture<Self, ApiError>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { api_user(req, false).await.map(ApiSession) })
    }
}

/// The logged-in caller of a page (session cookie); anonymous visitors go to /login, and
/// anyone who must change their password first goes to the password page.
pub struct PageUser {
    pub caller: Caller,
    pub claims: Claims,
    /// The server-side session of the cookie's token.
    pub session_id: i32,
    /// Why the password must be changed first, if it must (only a [`PageSession`] sees it).
    pub password_change: Option<&'static str>,
    /// Unread notifications, for the navigation's badge.
    pub unread: i64,
    /// How many things wait on the user's 待办 list (office and division staff only).
    pub todo: Option<usize>,
    /// The user's name as people read it (the display name, else the user name).
    pub shown_name: String,
    /// The agency's time zone, for the times the page shows.
    pub zone: crate::domain::zone::Zone,
}

async fn page_user(req: HttpRequest, require_settled: bool) -> Result<PageUser, PageError> {
    let st = state(&req)?;
    let (standing, claims) = authenticate(&req, false).await?;
    if require_settled {
        standing.require_settled()?;
    }
    // The badges are a courtesy: a failure to count them costs the page nothing.
    let (unread, todo) = match (standing.caller.user_id, require_settled) {
        (Some(id), true) => {
            // The badge counts the user's own 待办, whatever agency this page is about.
            let caller = standing.caller.home();
            let clock = st.config.clock();
            st.db
                .read(move |c| -> Result<_, AppError> {
                    let unread = crate::service::supervision::unread_count(c, id)?;
                    let todo = match caller.role {
                        Role::Office | Role::Division => {
                            Some(crate::service::todo::todo(c, &caller, &clock)?.total)
                        }
                        _ => None,
                    };
                    Ok((unread, todo))
                })
                .await
                .unwrap_or((0, None))
        }
        (Some(id), false) => (
            st.db
                .read(move |c| crate::service::supervision::unread_count(c, id))
                .await
                .unwrap_or(0),
            None,
        ),
        (None, _) => (0, None),
    };
    Ok(PageUser {
        session_id: standing.session_id,
        password_change: standing.password_change(),
        shown_name: standing.shown_name,
        caller: standing.caller,
        claims,
        unread,
        todo,
        zone: st.config.zone(),
    })
}

impl FromRequest for PageUser {
    type Error = PageError;
    type Future = BoxFuture<Self, PageError>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(page_user(req.clone(), true))
    }
}

/// The caller of the pages that also serve someone who must change their password first
/// (the password page, logout).
pub struct PageSession(pub PageUser);

impl FromRequest for PageSession {
    type Error = PageError;
    type Future = BoxFuture<Self, PageError>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { page_user(req, false).await.map(PageSession) })
    }
}

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

/// A submitted page form whose `csrf` field matched the session: every page form is read
/// through this, so none can skip the check. It also keeps what was typed, so a refused
/// form can be shown again as the user left it.
pub struct PageForm<T>(pub T, pub crate::web::pages::FormValues);

impl<T: DeserializeOwned + 'static> FromRequest for PageForm<T> {
    type Error = PageError;
    type Future = BoxFuture<Self, PageError>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let st = state(&req)?;
            let (token, _) = token_of(&req, false).ok_or(AppError::Unauthenticated)?;
            let claims = st.keys.verify(&token).map_err(AppError::from)?;
            let body = body
                .await
                .map_err(|e| AppError::BadRequest(e.to_string()))?;
            let field: CsrfField = serde_urlencoded::from_bytes(&body)
                .map_err(|e| AppError::BadRequest(e.to_string()))?;
            if !same(&field.csrf, &claims.csrf) {
                return Err(csrf_refused().into());
            }
            let form = serde_urlencoded::from_bytes(&body)
                .map_err(|e| AppError::invalid("form", format!("表单内容有误：{e}")))?;
            let typed = serde_urlencoded::from_bytes(&body).unwrap_or_default();
            Ok(PageForm(form, crate::web::pages::FormValues::new(typed)))
        })
    }
}

/// The session cookie for a fresh login.
pub fn session_cookie(token: String, max_age_secs: i64, secure: bool) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(actix_web::cookie::time::Duration::seconds(max_age_secs))
        .finish()
}

/// A cookie that removes the session at logout.
pub fn cleared_session_cookie(secure: bool) -> Cookie<'static> {
    let mut c = session_cookie(String::new(), 0, secure);
    c.make_removal();
    c
}

/// Checks the login form's CSRF token against its cookie.
pub fn login_csrf_ok(req: &HttpRequest, sent: &str) -> bool {
    req.cookie(LOGIN_CSRF_COOKIE)
        .is_some_and(|c| !c.value().is_empty() && same(c.value(), sent))
}

/// The address a request came from, as the audit trail records it: the peer of the
/// connection (behind a reverse proxy, the proxy's; forwarded headers are the client's
/// word and are not taken).
pub fn client_address(req: &actix_web::HttpRequest) -> Option<String> {
    req.peer_addr().map(|a| a.ip().to_string())
}
