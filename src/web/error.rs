//! The one mapping of [`AppError`] to HTTP: JSON for the API, Chinese pages for the browser.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;
use serde::Serialize;

use crate::error::AppError;

/// An error answered as `{"error": {"code", "message"}}`.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ApiError(#[from] pub AppError);

/// An error answered as an HTML page that says what to do next.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PageError(#[from] pub AppError);

#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    code: &'a str,
    message: String,
    /// On a stale write of a report: the report as saved now.
    #[serde(skip_serializing_if = "Option::is_none")]
    current: Option<&'a serde_json::Value>,
}

fn status_of(e: &AppError) -> StatusCode {
    StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn log(e: &AppError) {
    // Causes go to the log only; the body says "internal error" and nothing more.
    match e {
        AppError::Internal(cause) => tracing::error!(%cause, "internal error"),
        AppError::Unavailable(cause) => tracing::warn!(%cause, "database unavailable"),
        _ => {}
    }
}

fn retry_after(e: &AppError, resp: &mut actix_web::HttpResponseBuilder) {
    match e {
        AppError::Throttled { retry_after_secs } => {
            resp.insert_header((header::RETRY_AFTER, retry_after_secs.max(&1).to_string()));
        }
        AppError::Unavailable(_) => {
            resp.insert_header((header::RETRY_AFTER, "5"));
        }
        AppError::MethodNotAllowed { allow } => {
            resp.insert_header((header::ALLOW, allow.as_str()));
        }
        _ => {}
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        status_of(&self.0)
    }

    fn error_response(&self) -> HttpResponse {
        log(&self.0);
        let mut resp = HttpResponse::build(self.status_code());
        retry_after(&self.0, &mut resp);
        resp.json(Body {
            error: Inner {
                code: self.0.code(),
                message: self.0.to_string(),
                current: match &self.0 {
                    AppError::Stale { current, .. } => current.as_deref(),
                    _ => None,
                },
            },
        })
    }
}

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    message: String,
    advice: &'a str,
    /// The page the reader came from, when it was one of ours.
    back: Option<String>,
}

/// Renders the error page for any error (also used for 404 on unknown paths).
pub fn error_page(e: &AppError) -> HttpResponse {
    let (title, advice) = page_words(e);
    page_response(e, title, advice, None)
}

/// The error page for a file a browser asked for and could not get (a workbook, a report
/// document, an evidence file): says why, and leads back to the page of the link.
pub fn download_error_page(e: &AppError, back: Option<String>) -> HttpResponse {
    let (title, advice) = match e {
        AppError::Unauthenticated | AppError::PasswordChangeRequired(_) => page_words(e),
        AppError::NotFound(_) => (
            "无法下载",
            "文件可能已被删除或还没有生成。请返回上一页刷新后再试；如仍无法下载，请联系办公室。",
        ),
        AppError::Forbidden(_) => ("无法下载", "如需此文件，请联系办公室。"),
        AppError::Invalid { .. } | AppError::BadRequest(_) | AppError::Conflict(_) => {
            ("无法下载", "请返回上一页，按提示处理后再下载。")
        }
        _ => ("无法下载", page_words(e).1),
    };
    page_response(e, title, advice, back)
}

/// A browser that opened an API address itself (a download link, a form sending GET) and
/// met an error gets the error page, which a person can read, instead of JSON. API clients
/// keep the JSON contract: they do not ask for `text/html`, and only GETs are pages.
pub async fn pages_for_browsers(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let browser = matches!(
        *req.method(),
        actix_web::http::Method::GET | actix_web::http::Method::HEAD
    ) && req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    let back = req
        .headers()
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(own_path);
    let res = next.call(req).await?.map_into_boxed_body();
    if !browser {
        return Ok(res);
    }
    let page = res
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>())
        .map(|e| download_error_page(&e.0, back));
    Ok(match page {
        Some(page) => res.into_response(page),
        None => res,
    })
}

/// The path and query of a referring address of this site (`http://host/export?plan=1` →
/// `/export?plan=1`); `None` for anything else.
fn own_path(referer: &str) -> Option<String> {
    let rest = referer
        .strip_prefix("http://")
        .or_else(|| referer.strip_prefix("https://"))?;
    let path = &rest[rest.find('/')?..];
    (!path.starts_with("//") && !path.starts_with("/api/")).then(|| path.to_string())
}

fn page_words(e: &AppError) -> (&'static str, &'static str) {
    match e {
        AppError::Unauthenticated
        | AppError::BadCredentials
        | AppError::SecondFactorRequired
        | AppError::BadSecondFactor => ("请先登录", "请返回登录页重新登录。"),
        AppError::Throttled { .. } => ("尝试次数过多", "请稍候再试，或联系办公室重置密码。"),
        AppError::Forbidden(_) => ("没有权限", "如需办理此事，请联系办公室。"),
        AppError::PasswordChangeRequired(_) => ("请先修改密码", "请打开“修改密码”页面设置新密码。"),
        AppError::SecondFactorSetupRequired(_) => {
            ("请先开启两步验证", "请打开“两步验证”页面完成设置。")
        }
        AppError::NotFound(_) | AppError::MethodNotAllowed { .. } => {
            ("找不到页面", "请从导航重新进入，或返回首页。")
        }
        AppError::Conflict(_) | AppError::Stale { .. } => {
            ("内容已变化", "请返回上一页，刷新后再提交。")
        }
        AppError::Invalid { .. } | AppError::BadRequest(_) => {
            ("填写有误", "请返回上一页，按提示修改后再提交。")
        }
        AppError::TooLarge { .. } => ("文件过大", "请压缩或拆分文件后再上传。"),
        AppError::UploadStalled { .. } => ("上传中断", "请检查网络连接后重新上传。"),
        AppError::Unavailable(_) => ("服务暂时不可用", "请稍后刷新重试。"),
        AppError::Internal(_) => ("出错了", "请稍后重试；如果反复出现，请联系系统管理员。"),
    }
}

fn page_response(e: &AppError, title: &str, advice: &str, back: Option<String>) -> HttpResponse {
    let page = ErrorPage {
        status: e.status(),
        title,
        message: e.to_string(),
        advice,
        back,
    };
    let mut resp = HttpResponse::build(status_of(e));
    retry_after(e, &mut resp);
    match page.render() {
        Ok(html) => resp.content_type("text/html; charset=utf-8").body(html),
        Err(_) => resp
            .content_type("text/plain; charset=utf-8")
            .body(e.to_string()),
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self.0 {
            AppError::Unauthenticated
            | AppError::PasswordChangeRequired(_)
            | AppError::SecondFactorSetupRequired(_) => StatusCode::SEE_OTHER,
            _ => status_of(&self.0),
        }
    }

    fn error_response(&self) -> HttpResponse {
        log(&self.0);
        if let AppError::Unauthenticated = self.0 {
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/login"))
                .finish();
        }
        let settle_at = match self.0 {
            AppError::PasswordChangeRequired(_) => Some(super::pages::PASSWORD_PAGE),
            AppError::SecondFactorSetupRequired(_) => Some(super::pages::SECOND_FACTOR_PAGE),
            _ => None,
        };
        if let Some(to) = settle_at {
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, to))
                .finish();
        }
        error_page(&self.0)
    }
}

/// Turns body-parsing failures of JSON requests into the contract's 400/413 bodies.
pub fn json_config(limit: usize) -> actix_web::web::JsonConfig {
    actix_web::web::JsonConfig::default()
        .limit(limit)
        .error_handler(|err, _req| {
            use actix_web::error::JsonPayloadError;
            let app = match &err {
                JsonPayloadError::Overflow { limit }
                | JsonPayloadError::OverflowKnownLength { limit, .. } => AppError::TooLarge {
                    limit: *limit as u64,
                },
                JsonPayloadError::ContentType => {
                    AppError::BadRequest("请以 application/json 发送请求体".to_string())
                }
                JsonPayloadError::Deserialize(e) if e.is_data() => {
                    AppError::invalid("body", format!("字段有误：{e}"))
                }
                other => AppError::BadRequest(other.to_string()),
            };
            ApiError(app).into()
        })
}

/// Turns malformed query strings into 422s in the contract's shape.
pub fn query_config() -> actix_web::web::QueryConfig {
    actix_web::web::QueryConfig::default().error_handler(|err, _req| {
        ApiError(AppError::invalid("query", format!("查询参数有误：{err}"))).into()
    })
}

/// Turns malformed path segments (e.g. a non-numeric id) into 404s.
pub fn path_config() -> actix_web::web::PathConfig {
    actix_web::web::PathConfig::default()
        .error_handler(|_err, _req| ApiError(AppError::NotFound("资源")).into())
}
