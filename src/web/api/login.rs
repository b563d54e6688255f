//! POST /auth/login, GET /auth/me.

use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::service::accounts;
use crate::web::auth::ApiUser;
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
    /// Seconds until the token expires.
    pub expires_in: i64,
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
    let address = crate::web::auth::client_address(&req);
    let session = accounts::login(
        &state.db,
        &state.keys,
        &body.username,
        &body.password,
        address,
    )
    .await?;
    Ok(HttpResponse::Ok().json(LoginResponse {
        token: session.token,
        expires_in: state.keys.lifetime_secs(),
    }))
}

/// Who the token belongs to.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub id: Option<i32>,
    pub username: String,
    pub role: crate::domain::role::Role,
    pub division_id: Option<i32>,
}

/// The caller's own account.
#[utoipa::path(operation_id = "getCurrentUser", tag = "auth",
    responses((status = 200, body = Me), (status = 401, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[get("/auth/me", name = "getCurrentUser")]
pub async fn me(user: ApiUser) -> HttpResponse {
    let c = user.caller;
    HttpResponse::Ok().json(Me {
        id: c.user_id,
        username: c.name,
        role: c.role,
        division_id: c.division_id,
    })
}
