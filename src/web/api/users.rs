//! /users: accounts (office only).

use actix_web::{get, patch, post};
use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::service::accounts::{self, NewUserInput, SessionView, UserPatch, UserView};
use crate::web::auth::ApiUser;
use crate::web::error::ApiError;
use crate::web::AppState;

/// Every user.
#[utoipa::path(operation_id = "listUsers", tag = "users",
    responses((status = 200, body = Vec<UserView>), (status = 403, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[get("/users", name = "listUsers")]
pub async fn list(state: web::Data<AppState>, user: ApiUser) -> Result<HttpResponse, ApiError> {
    let all = state
        .db
        .read(move |c| accounts::list_users(c, &user.caller))
        .await?;
    Ok(HttpResponse::Ok().json(all))
}

/// Adds a user.
#[utoipa::path(operation_id = "createUser", tag = "users", request_body = NewUserInput,
    responses((status = 201, body = UserView), (status = 403, body = super::ErrorBody),
              (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/users", name = "createUser")]
pub async fn create(
    state: web::Data<AppState>,
    user: ApiUser,
    body: web::Json<NewUserInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let u = state
        .db
        .write(move |c| accounts::create_user(c, &user.caller, &input))
        .await?;
    Ok(HttpResponse::Created().json(u))
}

/// Changes a user: name, role, division, disabled, password.
#[utoipa::path(operation_id = "updateUser", tag = "users", request_body = UserPatch,
    params(("id" = i32, Path, description = "user id")),
    responses((status = 200, body = UserView), (status = 403, body = super::ErrorBody),
              (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[patch("/users/{id}", name = "updateUser")]
pub async fn update(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: web::Json<UserPatch>,
) -> Result<HttpResponse, ApiError> {
    let (id, patch) = (id.into_inner(), body.into_inner());
    let u = state
        .db
        .write(move |c| accounts::update_user(c, &user.caller, id, &patch))
        .await?;
    Ok(HttpResponse::Ok().json(u))
}

/// A user's sessions of the last token lifetime, newest first: where and when each began,
/// its last request, and whether it is still open.
#[utoipa::path(operation_id = "listUserSessions", tag = "users",
    params(("id" = i32, Path, description = "user id")),
    responses((status = 200, body = Vec<SessionView>), (status = 403, body = super::ErrorBody),
              (status = 404, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[get("/users/{id}/sessions", name = "listUserSessions")]
pub async fn sessions(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let (id, policy) = (id.into_inner(), state.config.session_policy());
    let all = state
        .db
        .read(move |c| accounts::sessions_of(c, &user.caller, id, &policy))
        .await?;
    Ok(HttpResponse::Ok().json(all))
}

/// How many sessions were ended.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionsEnded {
    pub ended: usize,
}

/// Ends every open session of a user: their tokens and cookies stop working at once.
#[utoipa::path(operation_id = "endUserSessions", tag = "users",
    params(("id" = i32, Path, description = "user id")),
    responses((status = 200, body = SessionsEnded), (status = 403, body = super::ErrorBody),
              (status = 404, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/users/{id}/sessions/end", name = "endUserSessions")]
pub async fn end_sessions(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let ended = state
        .db
        .write(move |c| accounts::end_sessions(c, &user.caller, id, None))
        .await?;
    Ok(HttpResponse::Ok().json(SessionsEnded { ended }))
}

/// Ends one session of a user.
#[utoipa::path(operation_id = "endUserSession", tag = "users",
    params(("id" = i32, Path, description = "user id"),
           ("session_id" = i32, Path, description = "session id")),
    responses((status = 200, body = SessionsEnded), (status = 403, body = super::ErrorBody),
              (status = 404, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/users/{id}/sessions/{session_id}/end", name = "endUserSession")]
pub async fn end_session(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(i32, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (id, sid) = path.into_inner();
    let ended = state
        .db
        .write(move |c| accounts::end_sessions(c, &user.caller, id, Some(sid)))
        .await?;
    Ok(HttpResponse::Ok().json(SessionsEnded { ended }))
}

/// Removes a user's two-step verification (a lost phone): their sessions end, and they set
/// it up again where their role requires it.
#[utoipa::path(operation_id = "resetUserSecondFactor", tag = "users",
    params(("id" = i32, Path, description = "user id")),
    responses((status = 204, description = "已重置"), (status = 403, body = super::ErrorBody),
              (status = 404, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/users/{id}/second-factor/reset", name = "resetUserSecondFactor")]
pub async fn reset_second_factor(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    state
        .db
        .write(move |c| crate::service::second_factor::reset(c, &user.caller, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
