//! POST /plans/import: preview (dry run) or commit a plan file.

use actix_web::post;
use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_web::{web, HttpResponse};

use crate::error::AppError;
use crate::import::{ImportOptions, PlanDraft};
use crate::service::imports::{self, CommitOptions, CommitResult, NameDecision, Preview};
use crate::service::Caller;
use crate::web::auth::ApiUser;
use crate::web::error::ApiError;
use crate::web::upload::{read_upload, Upload, UploadLimits};
use crate::web::AppState;

/// The multipart form of an import.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ImportForm {
    /// The plan file (.xlsx .xls .ods .csv .docx .txt).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// The plan's year.
    year: i32,
    /// The plan's title (default: the one found in the file).
    title: Option<String>,
    /// `true`: answer with the preview and write nothing.
    dry_run: Option<bool>,
    /// The sheet to read.
    sheet: Option<String>,
    /// JSON object: for each unknown division name, `{"action": "create", "kind": …}`,
    /// `{"action": "map_to", "division_id": …}` or `{"action": "placeholder"}`.
    decisions: Option<String>,
}

/// The import's settings taken from the form.
pub struct ImportRequest {
    pub year: i32,
    pub opts: ImportOptions,
    pub commit: CommitOptions,
    pub dry_run: bool,
}

impl ImportRequest {
    /// Reads year, title, sheet, dry_run and decisions from the form fields.
    pub fn from_fields(
        fields: &HashMap<String, String>,
        config: &crate::config::Config,
    ) -> Result<Self, AppError> {
        let year: i32 = fields
            .get("year")
            .and_then(|y| y.trim().parse().ok())
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| AppError::invalid("year", "请填写计划年度（2000–2100）"))?;
        let mut opts = config.import_options(year);
        opts.sheet = fields
            .get("sheet")
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        let decisions: HashMap<String, NameDecision> = match fields
            .get("decisions")
            .map(|d| d.trim())
            .filter(|d| !d.is_empty())
        {
            Some(d) => serde_json::from_str(d).map_err(|e| {
                AppError::invalid("decisions", format!("处室处理意见格式有误：{e}"))
            })?,
            None => HashMap::new(),
        };
        let dry_run = matches!(
            fields.get("dry_run").map(|s| s.trim()),
            Some("true" | "1" | "on" | "yes")
        );
        Ok(ImportRequest {
            year,
            opts,
            commit: CommitOptions {
                plan_id: match fields
                    .get("plan_id")
                    .map(|p| p.trim())
                    .filter(|p| !p.is_empty())
                {
                    Some(p) => {
                        Some(p.parse().map_err(|_| {
                            AppError::invalid("plan_id", "要修订的计划编号须为数字")
                        })?)
                    }
                    None => None,
                },
                title: fields
                    .get("title")
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty()),
                decisions,
            },
            dry_run,
        })
    }
}

/// Previews a file against the directory and the plan it would revise (read-only).
pub async fn preview(
    state: &AppState,
    agency_id: i32,
    upload: Upload,
    req: ImportRequest,
) -> Result<Preview, AppError> {
    state
        .db
        .read(move |c| {
            imports::preview_in_db(
                c,
                agency_id,
                &upload.bytes,
                &upload.file_name,
                &req.opts,
                &req.commit,
            )
        })
        .await
}

/// Reads and commits a file in one transaction.
pub async fn commit(
    state: &AppState,
    caller: Caller,
    upload: Upload,
    req: ImportRequest,
) -> Result<CommitResult, AppError> {
    let sha = imports::file_hash(&upload.bytes);
    let opts = req.opts.clone();
    let draft: PlanDraft =
        web::block(move || crate::import::read_plan(&upload.bytes, &upload.file_name, &opts))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??;
    let (year, commit) = (req.year, req.commit);
    state
        .db
        .write(move |c| imports::commit(c, &caller, &draft, year, &sha, &commit))
        .await
}

/// Imports a plan: with `dry_run`, the preview (DESIGN §5's document plus the directory
/// check of each division name); without, the new plan (office only).
#[utoipa::path(operation_id = "importPlan", tag = "plans",
    request_body(content = ImportForm, content_type = "multipart/form-data"),
    responses((status = 200, body = Preview, description = "预览（dry_run）"),
              (status = 201, body = CommitResult, description = "已导入"),
              (status = 403, body = super::ErrorBody),
              (status = 408, body = super::ErrorBody, description = "上传中断：在设定的秒数内没有收到数据"),
              (status = 409, body = super::ErrorBody),
              (status = 413, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/plans/import", name = "importPlan")]
pub async fn import(
    state: web::Data<AppState>,
    user: ApiUser,
    payload: Multipart,
) -> Result<HttpResponse, ApiError> {
    user.caller.require_office()?;
    let upload = read_upload(payload, UploadLimits::of(&state.config)).await?;
    let req = ImportRequest::from_fields(&upload.fields, &state.config)?;
    if req.dry_run {
        let p = preview(&state, user.caller.agency_id, upload, req).await?;
        return Ok(HttpResponse::Ok().json(p));
    }
    let result = commit(&state, user.caller, upload, req).await?;
    Ok(HttpResponse::Created().json(result))
}
