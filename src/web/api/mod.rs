//! The JSON API under /api/v1, described by the OpenAPI document it serves.

pub mod agency;
pub mod annual_report;
pub mod audit;
pub mod bulletin;
pub mod calendar;
pub mod cascade;
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
pub mod todo;
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
    let (clock, rubric) = (
        state.config.clock(),
        state.config.rubric_for(caller.agency_id)?,
    );
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

/// Registers the API's operations (inside the /api/v1 scope). This is the one registration:
/// each handler's route comes from its `#[get(…)]`-style attribute and its
/// description from its `#[utoipa::path]`, so the served routes and the OpenAPI document
/// (`openapi::document`) cannot differ. Order matters where paths overlap: fixed paths
/// (`/plans/import`, `export/progress.xlsx`) come before the patterns that would take them.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(login::login)
        .service(login::me)
        .service(login::logout)
        .service(login::change_password)
        .service(login::second_factor_status)
        .service(login::start_second_factor)
        .service(login::confirm_second_factor)
        .service(login::disable_second_factor)
        .service(plans::list)
        .service(plans::create)
        .service(imports::import)
        .service(plans::get)
        .service(cascade::hand_down)
        .service(cascade::upper_changes)
        .service(items::list)
        .service(items::create)
        .service(items::bulk)
        .service(reports::periods)
        .service(reports::open_period)
        .service(reports::write)
        .service(reports::draft_from_below)
        .service(reports::get)
        .service(reports::submit)
        .service(reports::review)
        .service(reports::contribute)
        .service(reports::contribute_for)
        .service(reports::add_evidence)
        .service(reports::download)
        .service(supervision::acknowledge)
        .service(supervision::acknowledge_all)
        .service(supervision::dispute)
        .service(supervision::answer_dispute)
        .service(supervision::unacknowledged)
        .service(review_back::get)
        .service(review_back::run)
        .service(annual_report::get)
        .service(annual_report::put_tables)
        .service(annual_report::put_texts)
        .service(annual_report::finalise)
        .service(annual_report::import)
        .service(annual_report::check)
        .service(evaluation::get)
        .service(evaluation::set_verdict)
        .service(evaluation::confirm_all)
        .service(evaluation::comment)
        .service(evaluation::summary)
        .service(evaluation::finalise)
        .service(bulletin::json)
        .service(bulletin::xlsx)
        .service(annual_report::docx)
        .service(annual_report::xlsx)
        .service(exports::progress)
        .service(exports::workbook)
        .service(exports::upload)
        .service(supervision::request_extension)
        .service(supervision::extensions)
        .service(supervision::decide_extension)
        .service(supervision::urge)
        .service(supervision::urge_all)
        .service(supervision::answer_urging)
        .service(supervision::urgings)
        .service(supervision::inbox)
        .service(supervision::mark_read)
        .service(todo::get)
        .service(items::get)
        .service(items::update)
        .service(items::set_divisions)
        .service(items::set_due)
        .service(cascade::take_upper)
        .service(agency::get)
        .service(agency::update)
        .service(agency::below)
        .service(agency::add_below)
        .service(divisions::list)
        .service(divisions::create)
        .service(divisions::update)
        .service(calendar::feed)
        .service(calendar::rotate)
        .service(users::list)
        .service(users::create)
        .service(users::update)
        .service(users::sessions)
        .service(users::end_sessions)
        .service(users::end_session)
        .service(users::reset_second_factor)
        .service(audit::list);
    cfg.route("/openapi.json", web::get().to(openapi::document));
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
