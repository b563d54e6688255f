//! The JSON API under /api/v1, described by the OpenAPI document it serves.

pub mod annual_report;
pub mod audit;
pub mod bulletin;
pub mod calendar;
pub mod divisions;
pub mod evaluation;
pub mod exports;
pub mod imports;
pub mod items;
pub mod login;
pub mod openapi;
pub mod plans;
pub mod reports;
pub mod review_back;
pub mod supervision;
pub mod users;

use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{web, HttpResponse};

use crate::error::AppError;
use crate::service::exports::{export, Export, ExportFile};
use crate::service::Caller;
use crate::web::AppState;

/// Asks the one export entry point for a file on the caller's behalf and sends it.
pub async fn send_export(
    state: &AppState,
    caller: Caller,
    what: Export,
) -> Result<HttpResponse, AppError> {
    let (clock, rubric) = (state.config.clock(), state.config.rubric()?);
    let file = state
        .db
        .read(move |c| export(c, &caller, &what, &clock, &rubric))
        .await?;
    Ok(download_response(file))
}

/// Sends a file as a download named in Chinese (RFC 5987), with an ASCII fallback name
/// of the same extension for clients that do not read `filename*`.
pub fn download_response(file: ExportFile) -> HttpResponse {
    let ext = file.file_name.rsplit_once('.').map_or("bin", |(_, e)| e);
    let fallback = if ext.chars().all(|c| c.is_ascii_alphanumeric()) {
        format!("workplan.{ext}")
    } else {
        "workplan.bin".to_string()
    };
    HttpResponse::Ok()
        .content_type(file.content_type)
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![
                DispositionParam::Filename(fallback),
                DispositionParam::FilenameExt(header::ExtendedValue {
                    charset: header::Charset::Ext("UTF-8".into()),
                    language_tag: None,
                    value: file.file_name.into_bytes(),
                }),
            ],
        })
        .body(file.bytes)
}

/// Registers the API's routes (inside the /api/v1 scope).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/auth/login", web::post().to(login::login))
        .route("/auth/me", web::get().to(login::me))
        .route("/plans", web::get().to(plans::list))
        .route("/plans", web::post().to(plans::create))
        .route("/plans/import", web::post().to(imports::import))
        .route("/plans/{id}", web::get().to(plans::get))
        .route("/plans/{id}/items", web::get().to(items::list))
        .route("/plans/{id}/items", web::post().to(items::create))
        .route("/plans/{id}/periods", web::get().to(reports::periods))
        .route("/plans/{id}/periods", web::post().to(reports::open_period))
        .route("/items/{id}/reports", web::post().to(reports::write))
        .route("/reports/{id}", web::get().to(reports::get))
        .route("/reports/{id}/submit", web::post().to(reports::submit))
        .route("/reports/{id}/review", web::post().to(reports::review))
        .route(
            "/reports/{id}/contributions",
            web::post().to(reports::contribute),
        )
        .route(
            "/reports/{id}/evidence",
            web::post().to(reports::add_evidence),
        )
        .route("/evidence/{id}/file", web::get().to(reports::download))
        .route(
            "/items/{id}/acknowledge",
            web::post().to(supervision::acknowledge),
        )
        .route(
            "/plans/{id}/acknowledge",
            web::post().to(supervision::acknowledge_all),
        )
        .route("/items/{id}/dispute", web::post().to(supervision::dispute))
        .route(
            "/items/{id}/dispute/answer",
            web::post().to(supervision::answer_dispute),
        )
        .route(
            "/plans/{id}/unacknowledged",
            web::get().to(supervision::unacknowledged),
        )
        .route("/plans/{id}/review-back", web::get().to(review_back::get))
        .route("/plans/{id}/review-back", web::post().to(review_back::run))
        .route(
            "/plans/{id}/annual-report",
            web::get().to(annual_report::get),
        )
        .route(
            "/plans/{id}/annual-report/tables",
            web::put().to(annual_report::put_tables),
        )
        .route(
            "/plans/{id}/annual-report/texts",
            web::put().to(annual_report::put_texts),
        )
        .route(
            "/plans/{id}/annual-report/finalise",
            web::post().to(annual_report::finalise),
        )
        .route(
            "/plans/{id}/annual-report/import",
            web::post().to(annual_report::import),
        )
        .route(
            "/plans/{id}/annual-report/check",
            web::post().to(annual_report::check),
        )
        .route("/plans/{id}/evaluation", web::get().to(evaluation::get))
        .route(
            "/plans/{id}/evaluation/items/{item_id}",
            web::put().to(evaluation::set_verdict),
        )
        .route(
            "/plans/{id}/evaluation/comments",
            web::post().to(evaluation::comment),
        )
        .route(
            "/plans/{id}/evaluation/summary",
            web::put().to(evaluation::summary),
        )
        .route(
            "/plans/{id}/evaluation/finalise",
            web::post().to(evaluation::finalise),
        )
        .route("/plans/{id}/bulletin", web::get().to(bulletin::json))
        .route(
            "/plans/{id}/export/bulletin.xlsx",
            web::get().to(bulletin::xlsx),
        )
        .route(
            "/plans/{id}/export/annual-report.docx",
            web::get().to(annual_report::docx),
        )
        .route(
            "/plans/{id}/export/annual-report.xlsx",
            web::get().to(annual_report::xlsx),
        )
        .route(
            "/plans/{id}/export/progress.xlsx",
            web::get().to(exports::progress),
        )
        .route(
            "/plans/{id}/export/{kind}",
            web::get().to(exports::workbook),
        )
        .route(
            "/plans/{id}/progress-upload",
            web::post().to(exports::upload),
        )
        .route(
            "/items/{id}/extensions",
            web::post().to(supervision::request_extension),
        )
        .route(
            "/items/{id}/extensions",
            web::get().to(supervision::extensions),
        )
        .route(
            "/extensions/{id}/decide",
            web::post().to(supervision::decide_extension),
        )
        .route("/items/{id}/urge", web::post().to(supervision::urge))
        .route("/plans/{id}/urge", web::post().to(supervision::urge_all))
        .route(
            "/urgings/{id}/answer",
            web::post().to(supervision::answer_urging),
        )
        .route("/items/{id}/urgings", web::get().to(supervision::urgings))
        .route("/notifications", web::get().to(supervision::inbox))
        .route(
            "/notifications/read",
            web::post().to(supervision::mark_read),
        )
        .route("/items/{id}", web::get().to(items::get))
        .route("/items/{id}", web::patch().to(items::update))
        .route("/divisions", web::get().to(divisions::list))
        .route("/divisions", web::post().to(divisions::create))
        .route("/divisions/{id}", web::patch().to(divisions::update))
        .route(
            "/divisions/{id}/calendar.ics",
            web::get().to(calendar::feed),
        )
        .route("/users", web::get().to(users::list))
        .route("/users", web::post().to(users::create))
        .route("/users/{id}", web::patch().to(users::update))
        .route("/audit", web::get().to(audit::list))
        .route("/openapi.json", web::get().to(openapi::document));
}

/// The error body every failing call answers with.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// A machine code and a Chinese message saying what to do.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
}
