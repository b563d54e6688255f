//! The OpenAPI document, generated from the handlers' annotations so it cannot drift.

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The API description served at /api/v1/openapi.json.
#[derive(OpenApi)]
#[openapi(
    info(title = "workplan API", description = "政务公开工作要点分工方案跟踪系统接口"),
    paths(
        super::login::login, super::login::me,
        super::plans::list, super::plans::create, super::plans::get, super::imports::import,
        super::items::list, super::items::create, super::items::get, super::items::update,
        super::divisions::list, super::divisions::create, super::divisions::update,
        super::users::list, super::users::create, super::users::update,
        super::audit::list, super::calendar::feed, super::bulletin::json, super::bulletin::xlsx,
        super::supervision::acknowledge, super::supervision::acknowledge_all,
        super::supervision::dispute, super::supervision::answer_dispute,
        super::supervision::unacknowledged, super::supervision::request_extension,
        super::supervision::extensions, super::supervision::decide_extension,
        super::supervision::urge, super::supervision::urge_all, super::supervision::answer_urging,
        super::supervision::urgings, super::supervision::inbox, super::supervision::mark_read,
        super::reports::open_period, super::reports::periods, super::reports::write,
        super::reports::get, super::reports::submit, super::reports::review,
        super::reports::contribute, super::reports::add_evidence, super::reports::download,
        super::evaluation::get, super::evaluation::set_verdict, super::evaluation::comment,
        super::evaluation::summary, super::evaluation::finalise,
        super::review_back::get, super::review_back::run,
        super::exports::workbook, super::exports::progress, super::exports::upload,
        super::annual_report::get, super::annual_report::put_tables,
        super::annual_report::put_texts, super::annual_report::finalise,
        super::annual_report::import, super::annual_report::check,
        super::annual_report::docx, super::annual_report::xlsx,
    ),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// Serves the document.
pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
