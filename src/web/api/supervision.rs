//! The supervision loop: acknowledge, dispute, extensions, urging, notifications.

use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::service::supervision::{
    self as sup, DisputeAnswer, DisputeInput, ExtensionDecision, ExtensionInput, Inbox, ReadInput,
    Unacknowledged, UrgeInput, UrgingAnswer,
};
use crate::service::supervision::{Acknowledgement, ExtensionRequest, UrgingView};
use crate::web::auth::ApiUser;
use crate::web::error::ApiError;
use crate::web::AppState;

/// How many were affected.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Count {
    pub count: usize,
}

/// The lead division acknowledges an item.
#[utoipa::path(operation_id = "acknowledgeItem", tag = "supervision",
    params(("id" = i32, Path, description = "item id")),
    responses((status = 200, body = Acknowledgement), (status = 403, body = super::ErrorBody)), security(("bearer" = [])))]
#[post("/items/{id}/acknowledge", name = "acknowledgeItem")]
pub async fn acknowledge(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(
        state
            .db
            .write(move |c| sup::acknowledge(c, &user.caller, id))
            .await?,
    ))
}

/// The lead division acknowledges all its items of a plan at once.
#[utoipa::path(operation_id = "acknowledgeAllItems", tag = "supervision",
    params(("id" = i32, Path, description = "plan id")),
    responses((status = 200, body = Count), (status = 403, body = super::ErrorBody)), security(("bearer" = [])))]
#[post("/plans/{id}/acknowledge", name = "acknowledgeAllItems")]
pub async fn acknowledge_all(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let count = state
        .db
        .write(move |c| sup::acknowledge_all(c, &user.caller, id))
        .await?;
    Ok(HttpResponse::Ok().json(Count { count }))
}

/// The lead division disputes its assignment.
#[utoipa::path(operation_id = "disputeAssignment", tag = "supervision", request_body = DisputeInput,
    params(("id" = i32, Path, description = "item id")),
    responses((status = 200, body = Acknowledgement), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/items/{id}/dispute", name = "disputeAssignment")]
pub async fn dispute(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: web::Json<DisputeInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    Ok(HttpResponse::Ok().json(
        state
            .db
            .write(move |c| sup::dispute(c, &user.caller, id, &input))
            .await?,
    ))
}

/// The office keeps or reassigns a disputed item.
#[utoipa::path(operation_id = "answerDispute", tag = "supervision", request_body = DisputeAnswer,
    params(("id" = i32, Path, description = "item id")),
    responses((status = 200, body = Acknowledgement), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/items/{id}/dispute/answer", name = "answerDispute")]
pub async fn answer_dispute(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: web::Json<DisputeAnswer>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    Ok(HttpResponse::Ok().json(
        state
            .db
            .write(move |c| sup::answer_dispute(c, &user.caller, id, &input))
            .await?,
    ))
}

/// Lead assignments not acknowledged in time.
#[utoipa::path(operation_id = "listUnacknowledged", tag = "supervision",
    params(("id" = i32, Path, description = "plan id")),
    responses((status = 200, body = Vec<Unacknowledged>)), security(("bearer" = [])))]
#[get("/plans/{id}/unacknowledged", name = "listUnacknowledged")]
pub async fn unacknowledged(
    state: web::Data<AppState>,
    _user: ApiUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (today, days) = (
        state.config.clock().today,
        state.config.acknowledge_workdays,
    );
    Ok(HttpResponse::Ok().json(
        state
            .db
            .read(move |c| sup::unacknowledged(c, id, today, days))
            .await?,
    ))
}

/// The lead division asks for a later due date (before the current one passes).
#[utoipa::path(operation_id = "requestExtension", tag = "supervision", request_body = ExtensionInput,
    params(("id" = i32, Path, description = "item id")),
    responses((status = 201, body = ExtensionRequest), (status = 403, body = super::ErrorBody),
              (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/items/{id}/extensions", name = "requestExtension")]
pub async fn request_extension(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: web::Json<ExtensionInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let today = state.config.clock().today;
    let e = state
        .db
        .write(move |c| sup::request_extension(c, &user.caller, id, &input, today))
        .await?;
    Ok(HttpResponse::Created().json(e))
}

/// An item's extension requests.
#[utoipa::path(operation_id = "listExtensions", tag = "supervision",
    params(("id" = i32, Path, description = "item id")),
    responses((status = 200, body = Vec<ExtensionRequest>)), security(("bearer" = [])))]
#[get("/items/{id}/extensions", name = "listExtensions")]
pub async fn extensions(
    state: web::Data<AppState>,
    _user: ApiUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(state.db.read(move |c| sup::extensions(c, id)).await?))
}

/// The office approves or refuses an extension request.
#[utoipa::path(operation_id = "decideExtension", tag = "supervision", request_body = ExtensionDecision,
    params(("id" = i32, Path, description = "request id")),
    responses((status = 200, body = ExtensionRequest), (status = 403, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/extensions/{id}/decide", name = "decideExtension")]
pub async fn decide_extension(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: web::Json<ExtensionDecision>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    Ok(HttpResponse::Ok().json(
        state
            .db
            .write(move |c| sup::decide_extension(c, &user.caller, id, &input))
            .await?,
    ))
}

/// The office urges one item's lead divisions.
#[utoipa::path(operation_id = "urgeItem", tag = "supervision", request_body = UrgeInput,
    params(("id" = i32, Path, description = "item id")),
    responses((status = 200, body = Count), (status = 403, body = super::ErrorBody)), security(("bearer" = [])))]
#[post("/items/{id}/urge", name = "urgeItem")]
pub async fn urge(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: Option<web::Json<UrgeInput>>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let input = body.map(|b| b.into_inner()).unwrap_or_default();
    let count = state
        .db
        .write(move |c| sup::urge(c, &user.caller, id, &input))
        .await?;
    Ok(HttpResponse::Ok().json(Count { count }))
}

/// The office urges every overdue item and missing report of a plan at once.
#[utoipa::path(operation_id = "urgeAllOverdue", tag = "supervision", request_body = UrgeInput,
    params(("id" = i32, Path, description = "plan id")),
    responses((status = 200, body = Count), (status = 403, body = super::ErrorBody)), security(("bearer" = [])))]
#[post("/plans/{id}/urge", name = "urgeAllOverdue")]
pub async fn urge_all(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: Option<web::Json<UrgeInput>>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let input = body.map(|b| b.into_inner()).unwrap_or_default();
    let clock = state.config.clock();
    let count = state
        .db
        .write(move |c| sup::urge_all(c, &user.caller, id, &clock, &input))
        .await?;
    Ok(HttpResponse::Ok().json(Count { count }))
}

/// The urged division answers; a further answer is added after the earlier ones, which
/// stay as they were. The answer is the urging with all its answers.
#[utoipa::path(operation_id = "answerUrging", tag = "supervision", request_body = UrgingAnswer,
    params(("id" = i32, Path, description = "urging id")),
    responses((status = 200, body = UrgingView), (status = 403, body = super::ErrorBody)), security(("bearer" = [])))]
#[post("/urgings/{id}/answer", name = "answerUrging")]
pub async fn answer_urging(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: web::Json<UrgingAnswer>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    Ok(HttpResponse::Ok().json(
        state
            .db
            .write(move |c| sup::answer_urging(c, &user.caller, id, &input))
            .await?,
    ))
}

/// An item's urgings, newest first, each with every answer given to it (oldest first).
#[utoipa::path(operation_id = "listUrgings", tag = "supervision",
    params(("id" = i32, Path, description = "item id")),
    responses((status = 200, body = Vec<UrgingView>)), security(("bearer" = [])))]
#[get("/items/{id}/urgings", name = "listUrgings")]
pub async fn urgings(
    state: web::Data<AppState>,
    _user: ApiUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(state.db.read(move |c| sup::urgings(c, id)).await?))
}

/// Which notifications to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct InboxQuery {
    /// Only unread ones.
    pub unread: Option<bool>,
}

/// The caller's notifications with the unread count.
#[utoipa::path(operation_id = "listNotifications", tag = "supervision", params(InboxQuery),
    responses((status = 200, body = Inbox)), security(("bearer" = [])))]
#[get("/notifications", name = "listNotifications")]
pub async fn inbox(
    state: web::Data<AppState>,
    user: ApiUser,
    q: web::Query<InboxQuery>,
) -> Result<HttpResponse, ApiError> {
    let unread = q.unread.unwrap_or(false);
    Ok(HttpResponse::Ok().json(
        state
            .db
            .read(move |c| sup::inbox(c, &user.caller, unread))
            .await?,
    ))
}

/// Marks notifications read (all when `ids` is empty).
#[utoipa::path(operation_id = "markNotificationsRead", tag = "supervision", request_body = ReadInput,
    responses((status = 200, body = Count)), security(("bearer" = [])))]
#[post("/notifications/read", name = "markNotificationsRead")]
pub async fn mark_read(
    state: web::Data<AppState>,
    user: ApiUser,
    body: Option<web::Json<ReadInput>>,
) -> Result<HttpResponse, ApiError> {
    let input = body.map(|b| b.into_inner()).unwrap_or_default();
    let count = state
        .db
        .write(move |c| sup::mark_read(c, &user.caller, &input))
        .await?;
    Ok(HttpResponse::Ok().json(Count { count }))
}
