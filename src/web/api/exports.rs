//! Workbook downloads of a plan, and the offline progress workbook's round trip.

use actix_multipart::Multipart;
use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::error::AppError;
use crate::export::offline;
use crate::service::exports::{self, Export, ExportKind, OfflineResult};
use crate::web::auth::ApiUser;
use crate::web::error::ApiError;
use crate::web::AppState;

/// A plan's workbook: `ledger` (工作台账), `summary` (处室汇总, with a chart), `evaluation`
/// (年度考核) or `review-back` (回头看结果, of the review-back made into this plan).
#[utoipa::path(operation_id = "downloadPlanWorkbook", tag = "export",
    params(("id" = i32, Path, description = "plan id"),
           ("kind" = String, Path, description = "ledger | summary | evaluation | review-back")),
    responses((status = 200, description = "the workbook"), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[get("/plans/{id}/export/{kind}.xlsx", name = "downloadPlanWorkbook")]
pub async fn workbook(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(i32, String)>,
) -> Result<HttpResponse, ApiError> {
    let (plan_id, kind) = path.into_inner();
    let kind = ExportKind::parse(&kind).ok_or(AppError::NotFound("导出类型"))?;
    let what = Export::Workbook { kind, plan_id };
    Ok(super::send_export(&state, user.caller, what).await?)
}

/// Which division and period.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ProgressQuery {
    /// `YYYY-Qn`, an open period.
    pub period: String,
    /// The division (default: the caller's own).
    pub division: Option<i32>,
}

/// A division's offline progress workbook for an open period: its items and a progress
/// column to fill in Excel or WPS and upload back.
#[utoipa::path(operation_id = "downloadOfflineProgress", tag = "export",
    params(("id" = i32, Path, description = "plan id"), ProgressQuery),
    responses((status = 200, description = "the workbook"), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[get("/plans/{id}/export/progress.xlsx", name = "downloadOfflineProgress")]
pub async fn progress(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    q: web::Query<ProgressQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let what = Export::OfflineProgress {
        plan_id: id.into_inner(),
        division_id: q.division,
        period: q.period,
    };
    Ok(super::send_export(&state, user.caller, what).await?)
}

/// Reads an uploaded offline workbook and saves its rows as the division's draft reports.
pub async fn take_upload(
    state: &web::Data<AppState>,
    caller: crate::service::Caller,
    plan_id: i32,
    bytes: Vec<u8>,
) -> Result<OfflineResult, AppError> {
    let sheet = offline::read(&bytes).map_err(|e| AppError::invalid("file", e.to_string()))?;
    state
        .db
        .write(move |c| exports::take_offline(c, &caller, plan_id, &sheet))
        .await
}

/// Uploads a filled-in offline progress workbook (multipart `file`): each row with progress
/// becomes the division's draft report; the answer says, row by row, what was taken.
#[utoipa::path(operation_id = "uploadOfflineProgress", tag = "export",
    params(("id" = i32, Path, description = "plan id")),
    responses((status = 200, body = OfflineResult), (status = 403, body = super::ErrorBody),
              (status = 408, body = super::ErrorBody, description = "上传中断：在设定的秒数内没有收到数据"),
              (status = 413, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/plans/{id}/progress-upload", name = "uploadOfflineProgress")]
pub async fn upload(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    payload: Multipart,
) -> Result<HttpResponse, ApiError> {
    let plan_id = id.into_inner();
    // Refuse before reading the upload.
    user.caller.require_division_staff()?;
    let limits = crate::web::upload::UploadLimits::of(&state.config).capped(20 * 1024 * 1024);
    let file = crate::web::upload::read_upload(payload, limits).await?;
    let result = take_upload(&state, user.caller, plan_id, file.bytes).await?;
    Ok(HttpResponse::Ok().json(result))
}
