//! GET /divisions/{id}/calendar.ics: a division's deadlines and report due dates.

use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::error::AppError;
use crate::service::exports::Export;
use crate::service::{accounts, units};
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
#[utoipa::path(operation_id = "getDivisionCalendar", tag = "divisions",
    params(("id" = i32, Path, description = "division id"), FeedQuery),
    responses((status = 200, description = "text/calendar"), (status = 401, body = super::ErrorBody),
              (status = 404, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[get("/divisions/{id}/calendar.ics", name = "getDivisionCalendar")]
pub async fn feed(
    state: web::Data<AppState>,
    user: Option<ApiUser>,
    id: web::Path<i32>,
    q: web::Query<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    let division_id = id.into_inner();
    let caller = match (user, q.into_inner().token) {
        (Some(u), _) => u.caller,
        // A feed token has no session for the route to scope: scope it to the division here.
        (None, Some(token)) => {
            state
                .db
                .read(move |c| {
                    let caller = accounts::caller_for_feed_token(c, &token)?;
                    units::scope(c, &caller, units::Resource::Division(division_id))
                })
                .await?
        }
        (None, None) => return Err(AppError::Unauthenticated.into()),
    };
    let mut resp = super::send_export(&state, caller, Export::Calendar { division_id }).await?;
    resp.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    Ok(resp)
}

/// Gives the caller a new calendar feed token; the old subscription address stops working.
#[utoipa::path(operation_id = "rotateFeedToken", tag = "auth",
    responses((status = 200, body = accounts::FeedToken), (status = 401, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/auth/me/feed-token", name = "rotateFeedToken")]
pub async fn rotate(state: web::Data<AppState>, user: ApiUser) -> Result<HttpResponse, ApiError> {
    let caller = user.caller;
    let token = state
        .db
        .write(move |c| accounts::rotate_feed_token(c, &caller))
        .await?;
    Ok(HttpResponse::Ok().json(token))
}
