//! The annual disclosure report: read it, set figures and texts, finalise.

use actix_multipart::Multipart;
use actix_web::{get, post, put};
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::service::annual_report::{self as report, AnnualReport, TablesInput, TextsInput};
use crate::web::auth::ApiUser;
use crate::web::error::ApiError;
use crate::web::AppState;

/// Runs a change, then answers with the whole report as it now stands.
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
            report::get(c, plan_id, &clock, &rubric)
        })
        .await?;
    Ok(HttpResponse::Ok().json(doc))
}

/// The report of the plan's year: figures, broken consistency rules, text parts with their
/// drafts and source items, last year's figures.
#[utoipa::path(operation_id = "getAnnualReport", tag = "annual-report",
    params(("id" = i32, Path, description = "plan id")),
    responses((status = 200, body = AnnualReport), (status = 404, body = super::ErrorBody)), security(("bearer" = [])))]
#[get("/plans/{id}/annual-report", name = "getAnnualReport")]
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
            .read(move |c| report::get(c, id, &clock, &rubric))
            .await?,
    ))
}

/// Sets any subset of the tables' cells (office). Unknown codes and non-numbers: 422.
/// Broken consistency rules are saved and listed in `violations`.
#[utoipa::path(operation_id = "putAnnualReportTables", tag = "annual-report",
    request_body = TablesInput, params(("id" = i32, Path, description = "plan id")),
    responses((status = 200, body = AnnualReport), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[put("/plans/{id}/annual-report/tables", name = "putAnnualReportTables")]
pub async fn put_tables(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let plan_id = id.into_inner();
    let input = tables_input(body.into_inner())?;
    change(state, plan_id, user.caller.agency_id, move |c| {
        report::put_tables(c, &user.caller, plan_id, &input)
    })
    .await
}

/// Accepts both `{"tables": {...}, "version": n}` and the bare `{"table": {...}}` form.
fn tables_input(body: serde_json::Value) -> Result<TablesInput, crate::error::AppError> {
    match body.get("tables") {
        Some(_) => serde_json::from_value(body)
            .map_err(|e| crate::error::AppError::invalid("tables", format!("内容有误：{e}"))),
        None => Ok(TablesInput {
            tables: body,
            version: None,
        }),
    }
}

/// Sets text parts by key (office); an empty text returns a part to its draft.
#[utoipa::path(operation_id = "putAnnualReportTexts", tag = "annual-report",
    request_body = TextsInput, params(("id" = i32, Path, description = "plan id")),
    responses((status = 200, body = AnnualReport), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[put("/plans/{id}/annual-report/texts", name = "putAnnualReportTexts")]
pub async fn put_texts(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    body: web::Json<TextsInput>,
) -> Result<HttpResponse, ApiError> {
    let plan_id = id.into_inner();
    let input = body.into_inner();
    change(state, plan_id, user.caller.agency_id, move |c| {
        report::put_texts(c, &user.caller, plan_id, &input)
    })
    .await
}

/// The version the office read before finalising.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct FinaliseInput {
    #[serde(default)]
    pub version: Option<i32>,
}

/// Finalises the report (office); 409 while any consistency rule is broken or a text part
/// still holds a drafted prompt in 【】.
#[utoipa::path(operation_id = "finaliseAnnualReport", tag = "annual-report",
    request_body = FinaliseInput, params(("id" = i32, Path, description = "plan id")),
    responses((status = 200, body = AnnualReport), (status = 409, body = super::ErrorBody)), security(("bearer" = [])))]
#[post("/plans/{id}/annual-report/finalise", name = "finaliseAnnualReport")]
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
    change(state, plan_id, user.caller.agency_id, move |c| {
        report::finalise(c, &user.caller, plan_id, version, &clock, &rubric)
    })
    .await
}

/// The report after a workbook was imported, with notes on rows not found.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Imported {
    pub notes: Vec<String>,
    pub report: AnnualReport,
}

/// Takes the tables' figures from the agency's own filled-in workbook (multipart `file`;
/// .xlsx, .xls, .ods or .csv laid out like the national form): rows are found by their
/// printed labels, values are the cells at their right.
#[utoipa::path(operation_id = "importAnnualReportTables", tag = "annual-report",
    params(("id" = i32, Path, description = "plan id")),
    responses((status = 200, body = Imported), (status = 403, body = super::ErrorBody),
              (status = 408, body = super::ErrorBody, description = "上传中断：在设定的秒数内没有收到数据"),
              (status = 409, body = super::ErrorBody), (status = 413, body = super::ErrorBody),
              (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[post("/plans/{id}/annual-report/import", name = "importAnnualReportTables")]
pub async fn import(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
    payload: Multipart,
) -> Result<HttpResponse, ApiError> {
    let plan_id = id.into_inner();
    // Refuse before reading the upload: nobody else's file is read only to be thrown away.
    user.caller.require_office()?;
    let file = crate::web::upload::read_upload(
        payload,
        crate::web::upload::UploadLimits::of(&state.config),
    )
    .await?;
    let clock = state.config.clock();
    let rubric = state.config.rubric_for(user.caller.agency_id)?;
    let answer = state
        .db
        .write(move |c| {
            let notes =
                report::import_tables(c, &user.caller, plan_id, &file.bytes, &file.file_name)?;
            Ok::<_, crate::error::AppError>(Imported {
                notes,
                report: report::get(c, plan_id, &clock, &rubric)?,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// The broken rules of a whole form's figures.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Checked {
    pub violations: Vec<crate::domain::annual_report::Violation>,
}

/// Checks figures being typed (the whole form, `{"table": {"row": {"column": number}}}`)
/// against the consistency rules without saving them: the page's live check.
#[utoipa::path(operation_id = "checkAnnualReportTables", tag = "annual-report",
    params(("id" = i32, Path, description = "plan id")),
    responses((status = 200, body = Checked), (status = 422, body = super::ErrorBody)), security(("bearer" = [])))]
#[post("/plans/{id}/annual-report/check", name = "checkAnnualReportTables")]
pub async fn check(
    state: web::Data<AppState>,
    _user: ApiUser,
    id: web::Path<i32>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let plan_id = id.into_inner();
    let tables = body.into_inner();
    let violations = state
        .db
        .read(move |c| report::check_tables(c, plan_id, &tables))
        .await?;
    Ok(HttpResponse::Ok().json(Checked { violations }))
}

/// The report as a Word document in the official layout (title, parts, tables with merged
/// header cells, 仿宋/黑体 fonts for Chinese Word and WPS).
#[utoipa::path(operation_id = "downloadAnnualReportDocx", tag = "annual-report",
    params(("id" = i32, Path, description = "plan id")),
    responses((status = 200, description = "the .docx"), (status = 404, body = super::ErrorBody)), security(("bearer" = [])))]
#[get(
    "/plans/{id}/export/annual-report.docx",
    name = "downloadAnnualReportDocx"
)]
pub async fn docx(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    download(state, user.caller, id.into_inner(), report::FileKind::Docx).await
}

/// Writes one of the report's files and sends it.
async fn download(
    state: web::Data<AppState>,
    caller: crate::service::Caller,
    plan_id: i32,
    kind: report::FileKind,
) -> Result<HttpResponse, ApiError> {
    let what = crate::service::exports::Export::AnnualReport { plan_id, kind };
    Ok(super::send_export(&state, caller, what).await?)
}

/// The report's statistics tables as an .xlsx workbook.
#[utoipa::path(operation_id = "downloadAnnualReportXlsx", tag = "annual-report",
    params(("id" = i32, Path, description = "plan id")),
    responses((status = 200, description = "the .xlsx"), (status = 404, body = super::ErrorBody)), security(("bearer" = [])))]
#[get(
    "/plans/{id}/export/annual-report.xlsx",
    name = "downloadAnnualReportXlsx"
)]
pub async fn xlsx(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    download(state, user.caller, id.into_inner(), report::FileKind::Xlsx).await
}
