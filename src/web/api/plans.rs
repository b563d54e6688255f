//! /plans.

use actix_web::{get, post};
use actix_web::{web, HttpResponse};

use crate::db::models::Plan;
use crate::service::plans::PlanSummary;
use crate::service::plans::{self, NewPlanInput};
use crate::web::auth::ApiUser;
use crate::web::error::ApiError;
use crate::web::AppState;

/// Every plan, newest year first, with item counts.
#[utoipa::path(operation_id = "listPlans", tag = "plans",
    responses((status = 200, body = Vec<PlanSummary>), (status = 401, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[get("/plans", name = "listPlans")]
pub async fn list(state: web::Data<AppState>, user: ApiUser) -> Result<HttpResponse, ApiError> {
    let caller = user.caller;
    let all = state.db.read(move |c| plans::list(c, &caller)).await?;
    Ok(HttpResponse::Ok().json(all))
}

/// Starts an empty plan (office only).
#[utoipa::path(operation_id = "createPlan", tag = "plans", request_body = NewPlanInput,
    responses((status = 201, body = Plan), (status = 403, body = super::ErrorBody),
              (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/plans", name = "createPlan")]
pub async fn create(
    state: web::Data<AppState>,
    user: ApiUser,
    body: web::Json<NewPlanInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let plan = state
        .db
        .write(move |c| plans::create(c, &user.caller, &input))
        .await?;
    Ok(HttpResponse::Created().json(plan))
}

/// One plan.
#[utoipa::path(operation_id = "getPlan", tag = "plans",
    params(("id" = i32, Path, description = "plan id")),
    responses((status = 200, body = Plan), (status = 404, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[get("/plans/{id}", name = "getPlan")]
pub async fn get(
    state: web::Data<AppState>,
    _user: ApiUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let plan = state.db.read(move |c| plans::get(c, id)).await?;
    Ok(HttpResponse::Ok().json(plan))
}
