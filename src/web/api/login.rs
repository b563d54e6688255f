//! POST /auth/login, /auth/logout, /auth/me/password; GET /auth/me.

use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::service::{accounts, second_factor};
use crate::web::auth::{self as web_auth, ApiSession, ApiUser};
use crate::web::error::ApiError;
use crate::web::AppState;

/// A name and password.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// For an account with two-step verification: the 6-digit code from its authenticator
    /// app, or one of its recovery codes. Without it such a login answers 401
    /// `second_factor_required`.
    #[serde(default)]
    pub second_factor: Option<String>,
}

/// The bearer token to send as `Authorization: Bearer …`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    pub token: String,
    /// Seconds until the token expires at the latest (a session unused for the idle limit,
    /// `WORKPLAN_IDLE_MINUTES`, ends sooner).
    pub expires_in: i64,
    /// Set when the password must be changed first (temporary or too old): until it is
    /// (`POST /auth/me/password`), every other call answers 403 `password_change_required`.
    pub password_change_required: Option<String>,
    /// Set when the role requires two-step verification and it is not set up yet: until it
    /// is (`POST /auth/me/second-factor`, then `/confirm`), every other call answers 403
    /// `second_factor_setup_required`.
    pub second_factor_setup_required: Option<String>,
}

/// Logs in and returns a token.
#[utoipa::path(operation_id = "login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse),
              (status = 401, body = super::ErrorBody, description = "用户名或密码错误；或需要、或不对的两步验证口令（second_factor_required、bad_second_factor）"),
              (status = 429, body = super::ErrorBody, description = "失败过多，见 Retry-After")))]
#[post("/auth/login", name = "login")]
pub async fn login(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let session = accounts::login(
        &state.db,
        &state.keys,
        &state.config.session_policy(),
        &body.username,
        &body.password,
        body.second_factor.as_deref(),
        web_auth::client(&req),
    )
    .await?;
    Ok(HttpResponse::Ok().json(LoginResponse {
        token: session.token,
        expires_in: state.keys.lifetime_secs(),
        password_change_required: session.password_change.map(str::to_string),
        second_factor_setup_required: session.second_factor_setup.map(str::to_string),
    }))
}

/// Who the token belongs to.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub id: Option<i32>,
    pub username: String,
    pub role: crate::domain::role::Role,
    pub division_id: Option<i32>,
    /// Why the password must be changed before anything else, if it must.
    pub password_change_required: Option<String>,
    /// Why two-step verification must be set up before anything else, if it must.
    pub second_factor_setup_required: Option<String>,
}

/// The caller's own account.
#[utoipa::path(operation_id = "getCurrentUser", tag = "auth",
    responses((status = 200, body = Me), (status = 401, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[get("/auth/me", name = "getCurrentUser")]
pub async fn me(user: ApiSession) -> HttpResponse {
    let user = user.0;
    let c = user.caller;
    HttpResponse::Ok().json(Me {
        id: c.user_id,
        username: c.name,
        role: c.role,
        division_id: c.division_id,
        password_change_required: user.password_change.map(str::to_string),
        second_factor_setup_required: user.second_factor_setup.map(str::to_string),
    })
}

/// Ends the token's session: the token (and the browser cookie of the same login) stops
/// working at once, on every instance.
#[utoipa::path(operation_id = "logout", tag = "auth",
    responses((status = 204, description = "已退出"), (status = 401, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/auth/logout", name = "logout")]
pub async fn logout(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    user: ApiSession,
) -> Result<HttpResponse, ApiError> {
    let (user, address) = (user.0, web_auth::client_address(&req));
    state
        .db
        .write(move |tx| {
            accounts::logged_out(tx, &user.caller, user.session_id, address.as_deref())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Changes the caller's own password (also a temporary or expired one). The caller's other
/// sessions end; this one goes on.
#[utoipa::path(operation_id = "changeOwnPassword", tag = "auth",
    request_body = accounts::PasswordChange,
    responses((status = 204, description = "密码已修改"), (status = 401, body = super::ErrorBody),
              (status = 409, body = super::ErrorBody),
              (status = 422, body = super::ErrorBody, description = "当前密码不对，或新密码不合规则"),
              (status = 429, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/auth/me/password", name = "changeOwnPassword")]
pub async fn change_password(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    user: ApiSession,
    body: web::Json<accounts::PasswordChange>,
) -> Result<HttpResponse, ApiError> {
    let user = user.0;
    accounts::change_own_password(
        &state.db,
        &user.caller,
        user.session_id,
        body.into_inner(),
        web_auth::client_address(&req),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Where the caller's two-step verification stands.
#[utoipa::path(operation_id = "getSecondFactor", tag = "auth",
    responses((status = 200, body = second_factor::SecondFactorStatus),
              (status = 401, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[get("/auth/me/second-factor", name = "getSecondFactor")]
pub async fn second_factor_status(
    state: web::Data<AppState>,
    user: ApiSession,
) -> Result<HttpResponse, ApiError> {
    let caller = user.0.caller;
    let status = state
        .db
        .read(move |c| second_factor::status(c, &caller))
        .await?;
    Ok(HttpResponse::Ok().json(status))
}

/// Begins setting up two-step verification: a new secret and its QR code for the
/// authenticator app; `/confirm` with the app's first code finishes it.
#[utoipa::path(operation_id = "startSecondFactor", tag = "auth",
    responses((status = 200, body = second_factor::Enrolment),
              (status = 401, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/auth/me/second-factor", name = "startSecondFactor")]
pub async fn start_second_factor(
    state: web::Data<AppState>,
    user: ApiSession,
) -> Result<HttpResponse, ApiError> {
    let caller = user.0.caller;
    let enrolment = state
        .db
        .write(move |tx| second_factor::start(tx, &caller))
        .await?;
    Ok(HttpResponse::Ok().json(enrolment))
}

/// Finishes the setup with the app's current code; answers the recovery codes, shown once.
#[utoipa::path(operation_id = "confirmSecondFactor", tag = "auth",
    request_body = second_factor::CodeInput,
    responses((status = 200, body = second_factor::RecoveryCodes),
              (status = 401, body = super::ErrorBody), (status = 409, body = super::ErrorBody),
              (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/auth/me/second-factor/confirm", name = "confirmSecondFactor")]
pub async fn confirm_second_factor(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    user: ApiSession,
    body: web::Json<second_factor::CodeInput>,
) -> Result<HttpResponse, ApiError> {
    let (caller, address) = (user.0.caller, web_auth::client_address(&req));
    let codes = state
        .db
        .write(move |tx| second_factor::confirm(tx, &caller, &body.code, address.as_deref()))
        .await?;
    Ok(HttpResponse::Ok().json(codes))
}

/// Turns two-step verification off, with a current code or a recovery code (refused where
/// the role requires it).
#[utoipa::path(operation_id = "disableSecondFactor", tag = "auth",
    request_body = second_factor::CodeInput,
    responses((status = 204, description = "已关闭"), (status = 401, body = super::ErrorBody),
              (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/auth/me/second-factor/disable", name = "disableSecondFactor")]
pub async fn disable_second_factor(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    body: web::Json<second_factor::CodeInput>,
) -> Result<HttpResponse, ApiError> {
    let (caller, address) = (user.caller, web_auth::client_address(&req));
    let required = state.config.totp_required_roles.clone();
    state
        .db
        .write(move |tx| {
            second_factor::disable(tx, &caller, &body.code, &required, address.as_deref())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
