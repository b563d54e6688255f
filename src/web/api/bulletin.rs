//! The progress bulletin: JSON and .xlsx.

use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::error::AppError;
use crate::service::bulletin::{self, Bulletin};
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
#[utoipa::path(get, path = "/api/v1/plans/{id}/bulletin", tag = "supervision",
    params(("id" = i32, Path, description = "plan id"), PeriodQuery),
    responses((status = 200, body = Bulletin), (status = 422, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn json(
    state: web::Data<AppState>,
    _user: ApiUser,
    id: web::Path<i32>,
    q: web::Query<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, period) = (id.into_inner(), q.into_inner().period);
    let today = state.config.clock().today;
    Ok(HttpResponse::Ok().json(
        state
            .db
            .read(move |c| bulletin::bulletin(c, id, &period, today))
            .await?,
    ))
}

/// Sends workbook bytes as a download named in Chinese (RFC 5987).
pub fn xlsx_response(bytes: Vec<u8>, name: &str) -> HttpResponse {
    download_response(
        bytes,
        name,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
}

/// Sends a file as a download named in Chinese (RFC 5987), with an ASCII fallback name
/// of the same extension for clients that do not read `filename*`.
pub fn download_response(bytes: Vec<u8>, name: &str, content_type: &str) -> HttpResponse {
    let ext = name.rsplit_once('.').map_or("bin", |(_, e)| e);
    let fallback = if ext.chars().all(|c| c.is_ascii_alphanumeric()) {
        format!("workplan.{ext}")
    } else {
        "workplan.bin".to_string()
    };
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![
                DispositionParam::Filename(fallback),
                DispositionParam::FilenameExt(header::ExtendedValue {
                    charset: header::Charset::Ext("UTF-8".into()),
                    language_tag: None,
                    value: name.as_bytes().to_vec(),
                }),
            ],
        })
        .body(bytes)
}

/// The bulletin of a period as an .xlsx workbook.
#[utoipa::path(get, path = "/api/v1/plans/{id}/export/bulletin.xlsx", tag = "supervision",
    params(("id" = i32, Path, description = "plan id"), PeriodQuery),
    responses((status = 200, description = "the workbook"), (status = 422, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn xlsx(
    state: web::Data<AppState>,
    _user: ApiUser,
    id: web::Path<i32>,
    q: web::Query<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, period) = (id.into_inner(), q.into_inner().period);
    let today = state.config.clock().today;
    let b = state
        .db
        .read(move |c| bulletin::bulletin(c, id, &period, today))
        .await?;
    let bytes =
        crate::export::bulletin::workbook(&b).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(xlsx_response(
        bytes,
        &format!("{} {} 情况通报 {}.xlsx", b.plan_title, b.period, b.as_of),
    ))
}
