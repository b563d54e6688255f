//! /plans/{id}/items and /items/{id}.

use actix_web::{get, patch, post};
use actix_web::{web, HttpResponse};

use crate::service::accounts;
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
            let standing = accounts::caller_for(c, &token.claims, &policy)?;
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
