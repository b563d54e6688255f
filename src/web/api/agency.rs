//! /agency: the agency this deployment serves (机关信息).

use actix_web::{get, post, put};
use actix_web::{web, HttpResponse};

use crate::service::agency::{self, AgencyBelowView, AgencyInput, AgencyView, NewAgencyInput};
use crate::web::auth::ApiUser;
use crate::web::error::ApiError;
use crate::web::AppState;

/// The agency's full name, short name and supervising disclosure office (`set` is false
/// while the office has not set them).
#[utoipa::path(operation_id = "getAgency", tag = "agency",
    responses((status = 200, body = AgencyView)), security(("bearer" = [])))]
#[get("/agency", name = "getAgency")]
pub async fn get(state: web::Data<AppState>, user: ApiUser) -> Result<HttpResponse, ApiError> {
    let view = state.db.read(move |c| agency::get(c, &user.caller)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Sets or changes the agency's names (office only); `version` must be the one read (0 while
/// none is set), else 409.
#[utoipa::path(operation_id = "updateAgency", tag = "agency", request_body = AgencyInput,
    responses((status = 200, body = AgencyView), (status = 403, body = super::ErrorBody),
              (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[put("/agency", name = "updateAgency")]
pub async fn update(
    state: web::Data<AppState>,
    user: ApiUser,
    body: web::Json<AgencyInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let view = state
        .db
        .write(move |c| agency::set(c, &user.caller, &input))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The agencies directly below the caller's (office only): a city's bureaus, say, each with
/// the unit its items are assigned to and its office's accounts.
#[utoipa::path(operation_id = "listAgenciesBelow", tag = "agency",
    responses((status = 200, body = Vec<AgencyBelowView>), (status = 403, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[get("/agencies", name = "listAgenciesBelow")]
pub async fn below(state: web::Data<AppState>, user: ApiUser) -> Result<HttpResponse, ApiError> {
    let list = state
        .db
        .read(move |c| agency::below(c, &user.caller))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Places an agency below the caller's (office only): its record, its unit in the caller's
/// directory, and its office's first account (temporary password).
#[utoipa::path(operation_id = "createAgencyBelow", tag = "agency", request_body = NewAgencyInput,
    responses((status = 201, body = AgencyBelowView), (status = 403, body = super::ErrorBody),
              (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/agencies", name = "createAgencyBelow")]
pub async fn add_below(
    state: web::Data<AppState>,
    user: ApiUser,
    body: web::Json<NewAgencyInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let view = state
        .db
        .write(move |c| agency::add_below(c, &user.caller, &input))
        .await?;
    Ok(HttpResponse::Created().json(view))
}
