//! GET /divisions/{id}/calendar.ics: a division's deadlines and report due dates.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::db::queries;
use crate::error::AppError;
use crate::service::reminders;
use crate::web::auth::ApiUser;
use crate::web::error::ApiError;
use crate::web::AppState;

/// A calendar client subscribes with the user's feed token instead of logging in.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct FeedQuery {
    /// The subscribing user's feed token (shown on 我的任务).
    pub token: Option<String>,
}

/// The division's calendar (iCalendar), for a logged-in user or a feed token.
#[utoipa::path(get, path = "/api/v1/divisions/{id}/calendar.ics", tag = "divisions",
    params(("id" = i32, Path, description = "division id"), FeedQuery),
    responses((status = 200, description = "text/calendar"), (status = 401, body = super::ErrorBody),
              (status = 404, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn feed(
    state: web::Data<AppState>,
    user: Option<ApiUser>,
    id: web::Path<i32>,
    q: web::Query<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let token = q.into_inner().token;
    if user.is_none() {
        let token = token
            .filter(|t| t.len() >= 16)
            .ok_or(AppError::Unauthenticated)?;
        state
            .db
            .read(move |c| queries::users::by_feed_token(c, &token).map_err(AppError::from))
            .await?
            .ok_or(AppError::Unauthenticated)?;
    }
    let clock = state.config.clock();
    let (name, events) = state
        .db
        .read(move |c| reminders::division_events(c, id, &clock))
        .await?;
    let body = crate::export::ics::calendar(
        &format!("{name} 政务公开工作"),
        &events,
        crate::db::queries::now(),
    );
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(body))
}
