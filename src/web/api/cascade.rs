//! A plan from the plan above: /plans/{id}/hand-down, /plans/{id}/upper-changes and
//! /items/{id}/take-upper.

use actix_web::{get, post};
use actix_web::{web, HttpResponse};

use crate::service::cascade::{self, HandDownResult, UpperChanges};
use crate::service::plans::ItemView;
use crate::web::auth::ApiUser;
use crate::web::error::ApiError;
use crate::web::AppState;

/// Hands the plan down to the agencies below (office of the plan's agency): each agency whose
/// unit leads or supports items receives them as the draft of its own plan. Again later:
/// only what is new is added, and nothing the agencies changed is overwritten.
#[utoipa::path(operation_id = "handDownPlan", tag = "plans",
    params(("id" = i32, Path, description = "plan id")),
    responses((status = 200, body = HandDownResult), (status = 403, body = super::ErrorBody),
              (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody),
              (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/plans/{id}/hand-down", name = "handDownPlan")]
pub async fn hand_down(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let result = state
        .db
        .write(move |c| cascade::hand_down(c, &user.caller, id))
        .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// What changed above for a handed-down plan (its office): items whose upper item was edited
/// (with the fields that differ), whose upper item was deleted, and upper items newly given
/// to the agency.
#[utoipa::path(operation_id = "listUpperChanges", tag = "plans",
    params(("id" = i32, Path, description = "plan id")),
    responses((status = 200, body = UpperChanges), (status = 403, body = super::ErrorBody),
              (status = 404, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[get("/plans/{id}/upper-changes", name = "listUpperChanges")]
pub async fn upper_changes(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = state
        .db
        .read(move |c| cascade::upper_changes(c, &user.caller, id))
        .await?;
    Ok(HttpResponse::Ok().json(changes))
}

/// Takes the upper item's current text, deadline and targets into the item (office of the
/// item's agency).
#[utoipa::path(operation_id = "takeUpperItem", tag = "items",
    params(("id" = i32, Path, description = "item id")),
    responses((status = 200, body = ItemView), (status = 403, body = super::ErrorBody),
              (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody),
              (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/items/{id}/take-upper", name = "takeUpperItem")]
pub async fn take_upper(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let item = state
        .db
        .write(move |c| cascade::take_upper(c, &user.caller, id))
        .await?;
    Ok(HttpResponse::Ok().json(item))
}
