//! Review-back (回头看): preview, run, and read the result.

use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::error::AppError;
use crate::service::review_back::{self as rb, ReviewBack, ReviewBackInput};
use crate::web::auth::ApiUser;
use crate::web::error::ApiError;
use crate::web::AppState;

/// Which plan to preview a review-back from.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct FromQuery {
    /// Last year's plan; without it, the recorded review-back is returned.
    pub from_plan: Option<i32>,
}

/// The review-back recorded into this plan, or (with `from_plan`, before it is run) the
/// checks it would record with their proposed results.
#[utoipa::path(operation_id = "previewReviewBack", tag = "evaluation",
    params(("id" = i32, Path, description = "this year's plan"), FromQuery),
    responses((status = 200, body = ReviewBack), (status = 404, body = super::ErrorBody)), security(("bearer" = [])))]
#[get("/plans/{id}/review-back", name = "previewReviewBack")]
pub async fn get(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    q: web::Query<FromQuery>,
) -> Result<HttpResponse, ApiError> {
    let into = id.into_inner();
    let from = q.into_inner().from_plan;
    let clock = state.config.clock();
    let rubric = state.config.rubric_for(user.caller.agency_id)?;
    let doc = state
        .db
        .read(move |c| match (rb::recorded(c, into)?, from) {
            (Some(done), _) => Ok(done),
            (None, Some(from)) => rb::preview(c, from, into, &clock, &rubric),
            (None, None) => Err(AppError::NotFound("回头看结果")),
        })
        .await?;
    Ok(HttpResponse::Ok().json(doc))
}

/// Runs the review-back of `from_plan` into this plan: every item with a lead division and
/// a deadline is checked; each unfinished one becomes a rectification item here.
#[utoipa::path(operation_id = "runReviewBack", tag = "evaluation",
    request_body = ReviewBackInput, params(("id" = i32, Path, description = "this year's plan")),
    responses((status = 201, body = ReviewBack), (status = 403, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/plans/{id}/review-back", name = "runReviewBack")]
pub async fn run(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: web::Json<ReviewBackInput>,
) -> Result<HttpResponse, ApiError> {
    let into = id.into_inner();
    let input = body.into_inner();
    let clock = state.config.clock();
    let rubric = state.config.rubric_for(user.caller.agency_id)?;
    let opts = state.config.review_back_options();
    let doc = state
        .db
        .write(move |c| rb::run(c, &user.caller, into, &input, &clock, &rubric, &opts))
        .await?;
    Ok(HttpResponse::Created().json(doc))
}
