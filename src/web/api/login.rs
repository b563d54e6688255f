//! POST /auth/login, /auth/logout, /auth/me/password; GET /auth/me.

use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::service::accounts;
use crate::web::auth::{self as web_auth, ApiSession};
use crate::web::error::ApiError;
use crate::web::AppState;

/// A name and password.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
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
}

/// Logs in and returns a token.
#[utoipa::path(operation_id = "login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse),
              (status = 401, body = super::ErrorBody, description = "用户名或密码错误"),
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
        web_auth::client(&req),
    )
    .await?;
    Ok(HttpResponse::Ok().json(LoginResponse {
        token: session.token,
        expires_in: state.keys.lifetime_secs(),
        password_change_required: session.password_change.map(str::to_string),
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
}

/// The caller's own account.
#[utoipa::path(operation_id = "getCurrentUser", tag = "auth",
    responses((status = 200, body = Me), (status = 401, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[get("/auth/me", name = "getCurrentUser")]
pub async fn me(user: ApiSession) -> HttpResponse {
    let (c, why) = (user.0.caller, user.0.password_change);
    HttpResponse::Ok().json(Me {
        id: c.user_id,
        username: c.name,
        role: c.role,
        division_id: c.division_id,
        password_change_required: why.map(str::to_string),
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
