//! /plans/{id}/items and /items/{id}.

use actix_web::{get, patch, post, put};
use actix_web::{web, HttpResponse};

use crate::service::accounts;
use crate::service::assignment::{self, BulkInput, BulkResult, DivisionsInput, DueInput};
use crate::service::plans::{self, ItemFilter, ItemPatch, ItemView, NewItemInput};
use crate::web::auth::{ApiToken, ApiUser};
use crate::web::error::ApiError;
use crate::web::AppState;

/// A plan's items, optionally only those a division leads or supports.
#[utoipa::path(operation_id = "listPlanItems", tag = "items",
    params(("id" = i32, Path, description = "plan id"), ItemFilter),
    responses((status = 200, body = Vec<ItemView>), (status = 404, body = super::ErrorBody),
              (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[get("/plans/{id}/items", name = "listPlanItems")]
pub async fn list(
    state: web::Data<AppState>,
    token: ApiToken,
    id: web::Path<i32>,
    filter: web::Query<ItemFilter>,
) -> Result<HttpResponse, ApiError> {
    let (id, filter) = (id.into_inner(), filter.into_inner());
    let (clock, policy) = (state.config.clock(), state.config.session_policy());
    // One trip: who the caller is now (an ended session or a disabled account is refused),
    // then the list.
    let (standing, items) = state
        .db
        .read(move |c| {
            let standing = accounts::caller_in(c, &token.claims, &policy, token.resource)?;
            standing.require_settled()?;
            Ok::<_, crate::error::AppError>((standing, plans::list_items(c, id, &filter, &clock)?))
        })
        .await?;
    crate::web::auth::record_seen(&state, &standing).await;
    Ok(HttpResponse::Ok().json(items))
}

/// Adds an item to a plan by hand (office only).
#[utoipa::path(operation_id = "createPlanItem", tag = "items", request_body = NewItemInput,
    params(("id" = i32, Path, description = "plan id")),
    responses((status = 201, body = ItemView), (status = 403, body = super::ErrorBody),
              (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/plans/{id}/items", name = "createPlanItem")]
pub async fn create(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: web::Json<NewItemInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let item = state
        .db
        .write(move |c| plans::create_item(c, &user.caller, id, &input))
        .await?;
    Ok(HttpResponse::Created().json(item))
}

/// One item with its divisions.
#[utoipa::path(operation_id = "getItem", tag = "items",
    params(("id" = i32, Path, description = "item id")),
    responses((status = 200, body = ItemView), (status = 404, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[get("/items/{id}", name = "getItem")]
pub async fn get(
    state: web::Data<AppState>,
    _user: ApiUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let clock = state.config.clock();
    let item = state
        .db
        .read(move |c| plans::get_item_on(c, id, &clock))
        .await?;
    Ok(HttpResponse::Ok().json(item))
}

/// Changes an item; `version` must be the one read, else 409.
#[utoipa::path(operation_id = "updateItem", tag = "items", request_body = ItemPatch,
    params(("id" = i32, Path, description = "item id")),
    responses((status = 200, body = ItemView), (status = 403, body = super::ErrorBody),
              (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody),
              (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[patch("/items/{id}", name = "updateItem")]
pub async fn update(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: web::Json<ItemPatch>,
) -> Result<HttpResponse, ApiError> {
    let (id, patch) = (id.into_inner(), body.into_inner());
    let item = state
        .db
        .write(move |c| plans::update_item(c, &user.caller, id, &patch))
        .await?;
    Ok(HttpResponse::Ok().json(item))
}

/// Replaces an item's lead and supporting divisions (office only). Names are matched against
/// the directory (names and aliases); an unknown one is refused (422) naming it. A
/// placeholder already on the item (文件起草处室) may be sent back unchanged. A division that
/// no longer leads loses its 签收; reports and contributions stay with the item.
#[utoipa::path(operation_id = "setItemDivisions", tag = "items", request_body = DivisionsInput,
    params(("id" = i32, Path, description = "item id")),
    responses((status = 200, body = ItemView), (status = 403, body = super::ErrorBody),
              (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody),
              (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[put("/items/{id}/divisions", name = "setItemDivisions")]
pub async fn set_divisions(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: web::Json<DivisionsInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let item = state
        .db
        .write(move |c| assignment::set_divisions(c, &user.caller, id, &input))
        .await?;
    Ok(HttpResponse::Ok().json(item))
}

/// Sets the date a higher authority gave an item whose deadline waits on it (office only);
/// the deadline's phrase stays, and `deadline.set_at` says when the office set the date.
#[utoipa::path(operation_id = "setItemDue", tag = "items", request_body = DueInput,
    params(("id" = i32, Path, description = "item id")),
    responses((status = 200, body = ItemView), (status = 403, body = super::ErrorBody),
              (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody),
              (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[put("/items/{id}/due", name = "setItemDue")]
pub async fn set_due(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: web::Json<DueInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let item = state
        .db
        .write(move |c| assignment::set_due(c, &user.caller, id, &input))
        .await?;
    Ok(HttpResponse::Ok().json(item))
}

/// Changes many items of a plan at once (office only): their lead and/or supporting
/// divisions, and/or the date of items waiting on a higher authority. All or nothing: a
/// refusal (422) names the item and the reason, and nothing changes.
#[utoipa::path(operation_id = "bulkUpdatePlanItems", tag = "items", request_body = BulkInput,
    params(("id" = i32, Path, description = "plan id")),
    responses((status = 200, body = BulkResult), (status = 403, body = super::ErrorBody),
              (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/plans/{id}/items/bulk", name = "bulkUpdatePlanItems")]
pub async fn bulk(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: web::Json<BulkInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let result = state
        .db
        .write(move |c| assignment::bulk(c, &user.caller, id, &input))
        .await?;
    Ok(HttpResponse::Ok().json(result))
}
