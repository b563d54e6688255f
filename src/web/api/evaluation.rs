//! The year-end evaluation: read it, decide verdicts, comment, edit the summary, finalise.

use actix_web::{get, post, put};
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::service::evaluation::{
    self as eval, ConfirmAllInput, Evaluation, SummaryInput, VerdictInput,
};
use crate::web::auth::ApiUser;
use crate::web::error::ApiError;
use crate::web::AppState;

/// A comment's text.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CommentInput {
    pub text: String,
}

/// The version the office read before finalising.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct FinaliseInput {
    #[serde(default)]
    pub version: Option<i32>,
}

/// Runs a change, then answers with the whole evaluation as it now stands.
async fn change(
    state: web::Data<AppState>,
    plan_id: i32,
    agency_id: i32,
    f: impl FnOnce(&mut crate::db::WriteTx<'_>) -> Result<(), crate::error::AppError> + Send + 'static,
) -> Result<HttpResponse, ApiError> {
    let clock = state.config.clock();
    let rubric = state.config.rubric_for(agency_id)?;
    let doc = state
        .db
        .write(move |c| {
            f(c)?;
            eval::get(c, plan_id, &clock, &rubric)
        })
        .await?;
    Ok(HttpResponse::Ok().json(doc))
}

/// A plan's evaluation: proposed and decided verdicts, division figures and scores,
/// comments and the summary text (the frozen one once finalised).
#[utoipa::path(operation_id = "getEvaluation", tag = "evaluation",
    params(("id" = i32, Path, description = "plan id")),
    responses((status = 200, body = Evaluation), (status = 404, body = super::ErrorBody)), security(("bearer" = [])))]
#[get("/plans/{id}/evaluation", name = "getEvaluation")]
pub async fn get(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let clock = state.config.clock();
    let rubric = state.config.rubric_for(user.caller.agency_id)?;
    Ok(HttpResponse::Ok().json(
        state
            .db
            .read(move |c| eval::get(c, id, &clock, &rubric))
            .await?,
    ))
}

/// The office confirms or overrides an item's verdict (a reason for any override).
#[utoipa::path(operation_id = "setEvaluationVerdict", tag = "evaluation",
    request_body = VerdictInput,
    params(("id" = i32, Path, description = "plan id"), ("item_id" = i32, Path, description = "item id")),
    responses((status = 200, body = Evaluation), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[put(
    "/plans/{id}/evaluation/items/{item_id}",
    name = "setEvaluationVerdict"
)]
pub async fn set_verdict(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(i32, i32)>,
    body: web::Json<VerdictInput>,
) -> Result<HttpResponse, ApiError> {
    let (plan_id, item_id) = path.into_inner();
    let input = body.into_inner();
    let clock = state.config.clock();
    change(state, plan_id, user.caller.agency_id, move |c| {
        eval::set_verdict(c, &user.caller, plan_id, item_id, &input, &clock)
    })
    .await
}

/// The office confirms the system's proposal for every item not decided yet, at once.
#[utoipa::path(operation_id = "confirmEvaluationProposals", tag = "evaluation",
    request_body = ConfirmAllInput,
    params(("id" = i32, Path, description = "plan id")),
    responses((status = 200, body = Evaluation), (status = 403, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post(
    "/plans/{id}/evaluation/confirm-all",
    name = "confirmEvaluationProposals"
)]
pub async fn confirm_all(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: web::Json<ConfirmAllInput>,
) -> Result<HttpResponse, ApiError> {
    let plan_id = id.into_inner();
    let input = body.into_inner();
    let clock = state.config.clock();
    change(state, plan_id, user.caller.agency_id, move |c| {
        eval::confirm_all(c, &user.caller, plan_id, &input, &clock).map(|_| ())
    })
    .await
}

/// The office or an auditor comments on the evaluation.
#[utoipa::path(operation_id = "commentOnEvaluation", tag = "evaluation",
    request_body = CommentInput, params(("id" = i32, Path, description = "plan id")),
    responses((status = 200, body = Evaluation), (status = 403, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/plans/{id}/evaluation/comments", name = "commentOnEvaluation")]
pub async fn comment(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: web::Json<CommentInput>,
) -> Result<HttpResponse, ApiError> {
    let plan_id = id.into_inner();
    let text = body.into_inner().text;
    change(state, plan_id, user.caller.agency_id, move |c| {
        eval::add_comment(c, &user.caller, plan_id, &text)
    })
    .await
}

/// The office edits the annual-report summary text (empty: back to the drafted text).
#[utoipa::path(operation_id = "putEvaluationSummary", tag = "evaluation",
    request_body = SummaryInput, params(("id" = i32, Path, description = "plan id")),
    responses((status = 200, body = Evaluation), (status = 409, body = super::ErrorBody)), security(("bearer" = [])))]
#[put("/plans/{id}/evaluation/summary", name = "putEvaluationSummary")]
pub async fn summary(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: web::Json<SummaryInput>,
) -> Result<HttpResponse, ApiError> {
    let plan_id = id.into_inner();
    let input = body.into_inner();
    change(state, plan_id, user.caller.agency_id, move |c| {
        eval::set_summary(c, &user.caller, plan_id, &input)
    })
    .await
}

/// The office finalises the evaluation; afterwards every change is refused (409).
#[utoipa::path(operation_id = "finaliseEvaluation", tag = "evaluation",
    request_body = FinaliseInput, params(("id" = i32, Path, description = "plan id")),
    responses((status = 200, body = Evaluation), (status = 409, body = super::ErrorBody)), security(("bearer" = [])))]
#[post("/plans/{id}/evaluation/finalise", name = "finaliseEvaluation")]
pub async fn finalise(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: Option<web::Json<FinaliseInput>>,
) -> Result<HttpResponse, ApiError> {
    let plan_id = id.into_inner();
    let version = body.and_then(|b| b.into_inner().version);
    let clock = state.config.clock();
    let rubric = state.config.rubric_for(user.caller.agency_id)?;
    let doc = state
        .db
        .write(move |c| eval::finalise(c, &user.caller, plan_id, version, &clock, &rubric))
        .await?;
    Ok(HttpResponse::Ok().json(doc))
}
