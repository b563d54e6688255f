//! The actix-web application: JSON API under /api/v1, Chinese pages, static assets.

pub mod api;
pub mod auth;
pub mod error;
pub mod pages;
pub mod upload;

use std::sync::Arc;

use actix_web::middleware::DefaultHeaders;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::auth::TokenKeys;
use crate::config::Config;
use crate::db::Db;
use crate::error::AppError;

/// What every handler shares.
pub struct AppState {
    pub db: Db,
    pub keys: TokenKeys,
    pub config: Arc<Config>,
}

impl AppState {
    /// The state for a configuration whose database is already connected.
    pub fn new(db: Db, config: Config, secret: &str) -> Self {
        AppState {
            keys: TokenKeys::new(secret, config.token_minutes),
            db,
            config: Arc::new(config),
        }
    }
}

/// Security headers on every answer: no framing, no sniffing, no inline or foreign script.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "same-origin"))
        .add((
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ))
}

/// Registers every route; used by `serve` and by the tests alike.
pub fn configure(state: web::Data<AppState>) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        let json_limit = 1024 * 1024;
        cfg.app_data(state)
            .app_data(error::json_config(json_limit))
            .app_data(error::query_config())
            .app_data(error::path_config())
            .app_data(web::FormConfig::default().limit(256 * 1024))
            .route("/healthz", web::get().to(healthz))
            .service(
                utoipa_actix_web::scope("/api/v1")
                    .wrap(actix_web::middleware::from_fn(error::pages_for_browsers))
                    .configure(api::routes)
                    .default_service(web::to(api_not_found)),
            )
            .configure(pages::routes)
            .default_service(web::to(page_not_found));
    }
}

async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    if state.db.ping().await {
        HttpResponse::Ok()
            .json(serde_json::json!({"status": "ok", "database": state.db.backend().name()}))
    } else {
        HttpResponse::ServiceUnavailable().json(serde_json::json!({"status": "unavailable"}))
    }
}

async fn api_not_found(req: HttpRequest) -> Result<HttpResponse, error::ApiError> {
    // A known path asked with another method is 405 with the methods it has, not 404.
    let allow = api::openapi::methods_of(req.path());
    if !allow.is_empty() {
        return Err(error::ApiError(AppError::MethodNotAllowed {
            allow: allow.join(", "),
        }));
    }
    tracing::debug!(path = req.path(), "no API route");
    Err(error::ApiError(AppError::NotFound("接口")))
}

async fn page_not_found() -> HttpResponse {
    error::error_page(&AppError::NotFound("页面"))
}

/// Tells divisions about items due soon or overdue, every hour (once per item and kind).
async fn due_notices(db: Db, config: Config) {
    loop {
        let clock = config.clock();
        if let Err(e) = db
            .write(move |c| crate::service::supervision::notify_due(c, &clock))
            .await
        {
            tracing::warn!(error = %e, "due-date notices failed");
        }
        actix_web::rt::time::sleep(std::time::Duration::from_secs(3600)).await;
    }
}

/// Removes what crashed or dropped uploads left in the storage's tmp folder, at start and
/// then every hour.
async fn sweep_uploads(config: Config) {
    let max_idle = std::time::Duration::from_secs(config.stale_upload_minutes * 60);
    loop {
        let root = config.storage_dir.clone();
        match actix_web::web::block(move || crate::evidence::remove_stale_parts(&root, max_idle))
            .await
        {
            Ok(Ok(0)) => {}
            Ok(Ok(n)) => tracing::info!(removed = n, "removed stale upload files"),
            Ok(Err(e)) => tracing::warn!(error = %e, "sweeping stale upload files failed"),
            Err(e) => tracing::warn!(error = %e, "sweeping stale upload files failed"),
        }
        actix_web::rt::time::sleep(std::time::Duration::from_secs(3600)).await;
    }
}

/// The access log: method, path, status, time. Never the query string (a calendar feed's
/// token travels there) nor any header (tokens and cookies do).
pub fn access_log() -> actix_web::middleware::Logger {
    actix_web::middleware::Logger::new("%{method}xi %U %s %Dms")
        .custom_request_replace("method", |req| req.method().to_string())
}

/// Runs the server until interrupted.
pub async fn serve(state: AppState) -> std::io::Result<()> {
    let bind = state.config.bind.clone();
    if state.config.smtp_enabled {
        actix_web::rt::spawn(crate::mail::run(state.db.clone(), (*state.config).clone()));
    }
    actix_web::rt::spawn(due_notices(state.db.clone(), (*state.config).clone()));
    actix_web::rt::spawn(sweep_uploads((*state.config).clone()));
    let state = web::Data::new(state);
    actix_web::HttpServer::new(move || {
        actix_web::App::new()
            .wrap(security_headers())
            .wrap(access_log())
            .configure(configure(state.clone()))
    })
    // Idle connections stay open longer than a reverse proxy's or a client pool's usual
    // idle time (actix's default is 5 s): otherwise the server may close a connection just
    // as the other side sends its next request on it, which then fails with a reset.
    .keep_alive(std::time::Duration::from_secs(75))
    .bind(&bind)?
    .run()
    .await
}
