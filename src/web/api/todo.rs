//! The caller's 待办 list.

use actix_web::get;
use actix_web::{web, HttpResponse};

use crate::service::todo::{self, TodoList};
use crate::web::auth::ApiUser;
use crate::web::error::ApiError;
use crate::web::AppState;

/// What needs the caller now, grouped by kind, each entry with the page address where it
/// is done (the same list as the page `/todo`). Leaders and auditors get an empty list.
#[utoipa::path(operation_id = "getTodo", tag = "supervision",
    responses((status = 200, body = TodoList), (status = 401, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[get("/todo", name = "getTodo")]
pub async fn get(state: web::Data<AppState>, user: ApiUser) -> Result<HttpResponse, ApiError> {
    let clock = state.config.clock();
    Ok(HttpResponse::Ok().json(
        state
            .db
            .read(move |c| todo::todo(c, &user.caller, &clock))
            .await?,
    ))
}
