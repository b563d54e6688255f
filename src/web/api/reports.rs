//! Reporting periods, reports, review and evidence.

use actix_multipart::Multipart;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{get, post, put};
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;

use crate::db::models::{Evidence, ReportingPeriod};
use crate::error::AppError;
use crate::evidence;
use crate::service::reports::{
    self, ContributionInput, CurrentReport, OpenPeriodInput, ReportInput, ReportView, ReviewInput,
    SavedContribution, UrlEvidenceInput, VersionInput,
};
use crate::service::rollup::{self, DraftInput, DraftView};
use crate::web::auth::ApiUser;
use crate::web::error::ApiError;
use crate::web::upload::{receive_file, UploadLimits};
use crate::web::AppState;

/// A 409 of a report write: `code` is `conflict`. When the write named no version or a
/// stale one, `current` is the report as saved now (text, version, who saved it and when):
/// show it beside the user's own text, merge, and send again with `current.version`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ReportConflictBody {
    pub error: ReportConflictDetail,
}

/// The error of a report write's 409.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ReportConflictDetail {
    pub code: String,
    pub message: String,
    /// Present on a stale or missing `version`: the report as saved now.
    pub current: Option<CurrentReport>,
}

/// Opens a reporting period (office).
#[utoipa::path(operation_id = "openReportingPeriod", tag = "reports", request_body = OpenPeriodInput,
    params(("id" = i32, Path, description = "plan id")),
    responses((status = 201, body = ReportingPeriod), (status = 403, body = super::ErrorBody),
              (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/plans/{id}/periods", name = "openReportingPeriod")]
pub async fn open_period(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: web::Json<OpenPeriodInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let rule = state.config.before_month_means_previous_month_end;
    let p = state
        .db
        .write(move |c| reports::open_period(c, &user.caller, id, &input, rule))
        .await?;
    Ok(HttpResponse::Created().json(p))
}

/// A plan's reporting periods.
#[utoipa::path(operation_id = "listReportingPeriods", tag = "reports",
    params(("id" = i32, Path, description = "plan id")),
    responses((status = 200, body = Vec<ReportingPeriod>)), security(("bearer" = [])))]
#[get("/plans/{id}/periods", name = "listReportingPeriods")]
pub async fn periods(
    state: web::Data<AppState>,
    _user: ApiUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    Ok(HttpResponse::Ok().json(state.db.read(move |c| reports::periods(c, id)).await?))
}

/// Writes the lead division's report for a period (draft, or a returned one corrected).
///
/// Co-lead divisions share one report per item and period. Leave `version` out only to
/// start it; to rewrite it, send the `version` you read. A missing or stale version is 409
/// with `error.current`, the report as saved now (its text, version, who saved it and
/// when), and nothing is overwritten: merge and send again with `current.version`.
#[utoipa::path(operation_id = "writeReport", tag = "reports", request_body = ReportInput,
    params(("id" = i32, Path, description = "item id")),
    responses((status = 201, body = ReportView), (status = 403, body = super::ErrorBody),
              (status = 409, body = ReportConflictBody,
               description = "报告已被他人修改（或未带版本号）：error.current 为当前已保存的报告；或本期报告已报送、已通过、报送期已关闭"),
              (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/items/{id}/reports", name = "writeReport")]
pub async fn write(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: web::Json<ReportInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let r = state
        .db
        .write(move |c| reports::write(c, &user.caller, id, &input))
        .await?;
    Ok(HttpResponse::Created().json(r))
}

/// Drafts the agency's report on an upper plan's item from its own divisions' accepted
/// reports on the linked items (the agency's office, acting as the agency's unit in the
/// upper plan). The summary takes each source's text marked with its division and item
/// number; `sources` lists the reports drafted from, and their evidence is carried up with
/// `source_evidence_id`. A report already submitted or accepted is never touched (409); a
/// draft is replaced only with `redraft: true` (otherwise 409). No accepted source: 422
/// naming the divisions not yet accepted. The result is an ordinary draft: edit it with
/// `writeReport`, send it with `submitReport`.
#[utoipa::path(operation_id = "draftReportFromBelow", tag = "reports", request_body = DraftInput,
    params(("id" = i32, Path, description = "item id (of the upper plan)")),
    responses((status = 201, body = DraftView), (status = 403, body = super::ErrorBody),
              (status = 404, body = super::ErrorBody),
              (status = 409, body = ReportConflictBody,
               description = "本期上报报告已报送或已通过；或已有草稿而未要求重新起草"),
              (status = 422, body = super::ErrorBody,
               description = "本机关处室的报告尚无已通过审核的（列出尚未通过的处室），或报送期未开启")),
    security(("bearer" = [])))]
#[post("/items/{id}/reports/draft-from-below", name = "draftReportFromBelow")]
pub async fn draft_from_below(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: web::Json<DraftInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let r = state
        .db
        .write(move |c| rollup::draft(c, &user.caller, id, &input))
        .await?;
    Ok(HttpResponse::Created().json(r))
}

/// One report with its contributions, evidence and history.
#[utoipa::path(operation_id = "getReport", tag = "reports",
    params(("id" = i32, Path, description = "report id")),
    responses((status = 200, body = ReportView), (status = 404, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[get("/reports/{id}", name = "getReport")]
pub async fn get(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = state
        .db
        .read(move |c| reports::read(c, &user.caller, id))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Submits a report to the office (lead division). The body names the `version` read; a
/// missing or stale one is 409 with `error.current`, the report as saved now.
#[utoipa::path(operation_id = "submitReport", tag = "reports", request_body = VersionInput,
    params(("id" = i32, Path, description = "report id")),
    responses((status = 200, body = ReportView), (status = 403, body = super::ErrorBody),
              (status = 409, body = ReportConflictBody,
               description = "报告已被他人修改（或未带版本号）：error.current 为当前已保存的报告；或报告不能报送")),
    security(("bearer" = [])))]
#[post("/reports/{id}/submit", name = "submitReport")]
pub async fn submit(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: Option<web::Json<VersionInput>>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let input = body.map(|b| b.into_inner()).unwrap_or_default();
    let today = chrono::Local::now().date_naive();
    let r = state
        .db
        .write(move |c| reports::submit(c, &user.caller, id, &input, today))
        .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// Accepts or returns a submitted report (office). The body names the `version` read; a
/// missing or stale one is 409 with `error.current`, the report as saved now.
#[utoipa::path(operation_id = "reviewReport", tag = "reports", request_body = ReviewInput,
    params(("id" = i32, Path, description = "report id")),
    responses((status = 200, body = ReportView), (status = 403, body = super::ErrorBody),
              (status = 409, body = ReportConflictBody,
               description = "报告已被他人修改（或未带版本号）：error.current 为当前已保存的报告；或报告不在待审核状态"),
              (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/reports/{id}/review", name = "reviewReport")]
pub async fn review(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: web::Json<ReviewInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let r = state
        .db
        .write(move |c| reports::review(c, &user.caller, id, &input))
        .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// Adds the caller's supporting division's contribution.
#[utoipa::path(operation_id = "contributeToReport", tag = "reports", request_body = ContributionInput,
    params(("id" = i32, Path, description = "report id")),
    responses((status = 200, body = SavedContribution), (status = 403, body = super::ErrorBody),
              (status = 409, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/reports/{id}/contributions", name = "contributeToReport")]
pub async fn contribute(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: web::Json<ContributionInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let r = state
        .db
        .write(move |c| reports::contribute(c, &user.caller, id, &input))
        .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// Writes the caller's supporting division's part in an item's work for an open period, at
/// any time: before the lead has written the period's report too (the lead reads it when
/// writing). Refused once the period's report is accepted or the period is closed (409).
#[utoipa::path(operation_id = "contributeToItemPeriod", tag = "reports", request_body = ContributionInput,
    params(("id" = i32, Path, description = "item id"),
           ("period" = String, Path, description = "`YYYY-Qn`, an open period of the item's plan")),
    responses((status = 200, body = SavedContribution), (status = 403, body = super::ErrorBody),
              (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody),
              (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[put("/items/{id}/contributions/{period}", name = "contributeToItemPeriod")]
pub async fn contribute_for(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(i32, String)>,
    body: web::Json<ContributionInput>,
) -> Result<HttpResponse, ApiError> {
    let ((id, period), input) = (path.into_inner(), body.into_inner());
    let r = state
        .db
        .write(move |c| reports::contribute_for(c, &user.caller, id, &period, &input))
        .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// Attaches evidence: a file (multipart `file`, streamed to disk, answer carries its
/// `sha256`) or a web page (JSON `{url, title?, date?}`).
#[utoipa::path(operation_id = "addEvidence", tag = "reports", request_body = UrlEvidenceInput,
    params(("id" = i32, Path, description = "report id")),
    responses((status = 201, body = Evidence), (status = 403, body = super::ErrorBody),
              (status = 408, body = super::ErrorBody, description = "上传中断：在设定的秒数内没有收到数据"),
              (status = 409, body = super::ErrorBody), (status = 413, body = super::ErrorBody),
              (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/reports/{id}/evidence", name = "addEvidence")]
pub async fn add_evidence(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let caller = user.caller;
    let c2 = caller.clone();
    // Check the right to attach before reading a byte of the body.
    state
        .db
        .read(move |c| reports::authorise_evidence(c, &c2, id))
        .await?;
    let limit = state.config.max_upload_bytes;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit.saturating_add(64 * 1024)) {
        return Err(AppError::TooLarge { limit }.into());
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if content_type.starts_with("application/json") {
        let mut body = web::BytesMut::new();
        let mut payload = payload;
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| AppError::BadRequest(e.to_string()))?;
            if body.len() + chunk.len() > 64 * 1024 {
                return Err(AppError::TooLarge { limit: 64 * 1024 }.into());
            }
            body.extend_from_slice(&chunk);
        }
        let input: UrlEvidenceInput = serde_json::from_slice(&body)
            .map_err(|e| AppError::invalid("body", format!("字段有误：{e}")))?;
        let e = state
            .db
            .write(move |c| reports::add_url(c, &caller, id, &input))
            .await?;
        return Ok(HttpResponse::Created().json(e));
    }
    let multipart = Multipart::new(req.headers(), payload);
    let file = receive_file(
        multipart,
        &state.config.storage_dir,
        UploadLimits::of(&state.config),
    )
    .await?;
    let e = state
        .db
        .write(move |c| reports::add_file(c, &caller, id, &file.evidence()))
        .await?;
    Ok(HttpResponse::Created().json(e))
}

/// Downloads an evidence file with its original (Chinese) name.
#[utoipa::path(operation_id = "downloadEvidenceFile", tag = "reports",
    params(("id" = i32, Path, description = "evidence id")),
    responses((status = 200, description = "the file"), (status = 404, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[get("/evidence/{id}/file", name = "downloadEvidenceFile")]
pub async fn download(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let e = state
        .db
        .read(move |c| reports::evidence_file(c, &user.caller, id))
        .await?;
    let path = e
        .sha256
        .as_deref()
        .and_then(|s| evidence::path_for(&state.config.storage_dir, s))
        .ok_or(AppError::NotFound("佐证材料"))?;
    let file = actix_files::NamedFile::open_async(&path)
        .await
        .map_err(|_| AppError::NotFound("佐证材料文件"))?;
    let name = e.file_name.clone().unwrap_or_else(|| "附件".to_string());
    let content_type = e
        .content_type
        .clone()
        .unwrap_or_else(|| "application/octet-stream".into());
    let inline = content_type.starts_with("image/");
    let file = file
        .set_content_type(
            content_type
                .parse::<actix_web::mime::Mime>()
                .unwrap_or(actix_web::mime::APPLICATION_OCTET_STREAM),
        )
        .set_content_disposition(ContentDisposition {
            disposition: if inline {
                DispositionType::Inline
            } else {
                DispositionType::Attachment
            },
            parameters: vec![
                DispositionParam::Filename(ascii_fallback(&name)),
                DispositionParam::FilenameExt(header::ExtendedValue {
                    charset: header::Charset::Ext("UTF-8".into()),
                    language_tag: None,
                    value: name.into_bytes(),
                }),
            ],
        });
    Ok(file.into_response(&req))
}

/// An ASCII name for clients that ignore `filename*`.
fn ascii_fallback(name: &str) -> String {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e)
        .filter(|e| e.is_ascii())
        .unwrap_or("bin");
    format!("evidence.{ext}")
}
