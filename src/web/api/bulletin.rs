//! The progress bulletin: JSON and .xlsx.

use actix_web::get;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::service::bulletin::{self, Bulletin};
use crate::service::exports::Export;
use crate::web::auth::ApiUser;
use crate::web::error::ApiError;
use crate::web::AppState;

/// Which period.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PeriodQuery {
    /// `YYYY-Qn`.
    pub period: String,
}

/// The bulletin of a period as JSON.
#[utoipa::path(operation_id = "getBulletin", tag = "supervision",
    params(("id" = i32, Path, description = "plan id"), PeriodQuery),
    responses((status = 200, body = Bulletin), (status = 422, body = super::ErrorBody)), security(("bearer" = [])))]
#[get("/plans/{id}/bulletin", name = "getBulletin")]
pub async fn json(
    state: web::Data<AppState>,
    _user: ApiUser,
    id: web::Path<i32>,
    q: web::Query<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, period) = (id.into_inner(), q.into_inner().period);
    let clock = state.config.clock();
    Ok(HttpResponse::Ok().json(
        state
            .db
            .read(move |c| bulletin::bulletin(c, id, &period, &clock))
            .await?,
    ))
}

/// The bulletin of a period as an .xlsx workbook.
#[utoipa::path(operation_id = "downloadBulletinXlsx", tag = "supervision",
    params(("id" = i32, Path, description = "plan id"), PeriodQuery),
    responses((status = 200, description = "the workbook"), (status = 422, body = super::ErrorBody)), security(("bearer" = [])))]
#[get("/plans/{id}/export/bulletin.xlsx", name = "downloadBulletinXlsx")]
pub async fn xlsx(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    q: web::Query<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    let what = Export::Bulletin {
        plan_id: id.into_inner(),
        period: q.into_inner().period,
    };
    Ok(super::send_export(&state, user.caller, what).await?)
}
