//! /divisions: the directory.

use actix_web::{get, patch, post};
use actix_web::{web, HttpResponse};

use crate::service::directory::{self, DivisionPatch, DivisionView, NewDivisionInput};
use crate::web::auth::ApiUser;
use crate::web::error::ApiError;
use crate::web::AppState;

/// Every unit of the caller's agency: its divisions and the agencies directly below it.
#[utoipa::path(operation_id = "listDivisions", tag = "divisions",
    responses((status = 200, body = Vec<DivisionView>)), security(("bearer" = [])))]
#[get("/divisions", name = "listDivisions")]
pub async fn list(state: web::Data<AppState>, user: ApiUser) -> Result<HttpResponse, ApiError> {
    let caller = user.caller;
    let list = state.db.read(move |c| directory::list(c, &caller)).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Adds a division (office only).
#[utoipa::path(operation_id = "createDivision", tag = "divisions", request_body = NewDivisionInput,
    responses((status = 201, body = DivisionView), (status = 403, body = super::ErrorBody),
              (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/divisions", name = "createDivision")]
pub async fn create(
    state: web::Data<AppState>,
    user: ApiUser,
    body: web::Json<NewDivisionInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let d = state
        .db
        .write(move |c| directory::create(c, &user.caller, &input))
        .await?;
    Ok(HttpResponse::Created().json(d))
}

/// Changes a division (office only); `version` must be the one read, else 409.
#[utoipa::path(operation_id = "updateDivision", tag = "divisions", request_body = DivisionPatch,
    params(("id" = i32, Path, description = "division id")),
    responses((status = 200, body = DivisionView), (status = 403, body = super::ErrorBody),
              (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[patch("/divisions/{id}", name = "updateDivision")]
pub async fn update(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: web::Json<DivisionPatch>,
) -> Result<HttpResponse, ApiError> {
    let (id, patch) = (id.into_inner(), body.into_inner());
    let d = state
        .db
        .write(move |c| directory::update(c, &user.caller, id, &patch))
        .await?;
    Ok(HttpResponse::Ok().json(d))
}
