//! Server-rendered pages in Chinese: plain forms, no script needed, no CDN.

pub mod admin;
pub mod annual_report;
pub mod bulletin;
pub mod evaluation;
pub mod export;
pub mod home;
pub mod import;
pub mod item;
pub mod items;
pub mod notifications;
pub mod overview;
pub mod session;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::auth::PageUser;
use crate::domain::role::Role;
use crate::domain::zone::Zone;
use crate::error::AppError;
use crate::web::error::PageError;

/// Registers the pages and their static assets.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/static/app.css", web::get().to(stylesheet))
        .route("/static/annual-report.js", web::get().to(report_script))
        .route("/static/copy.js", web::get().to(copy_script))
        .route("/login", web::get().to(session::login_form))
        .route("/login", web::post().to(session::login_submit))
        .route("/logout", web::post().to(session::logout))
        .route("/account/password", web::get().to(session::password_form))
        .route(
            "/account/password",
            web::post().to(session::change_password),
        )
        .route(
            "/account/second-factor",
            web::get().to(session::second_factor_form),
        )
        .route(
            "/account/second-factor/start",
            web::post().to(session::start_second_factor),
        )
        .route(
            "/account/second-factor/confirm",
            web::post().to(session::confirm_second_factor),
        )
        .route(
            "/account/second-factor/disable",
            web::post().to(session::disable_second_factor),
        )
        .route("/", web::get().to(home::home))
        .route("/my", web::get().to(items::my_items))
        .route("/my/feed-token", web::post().to(items::rotate_feed_token))
        .route("/items", web::get().to(items::all_items))
        .route("/overview", web::get().to(overview::show))
        .route("/bulletin", web::get().to(bulletin::show))
        .route("/evaluation", web::get().to(evaluation::show))
        .route(
            "/evaluation/summary",
            web::get().to(evaluation::summary_page),
        )
        .route(
            "/plans/{id}/evaluation/items/{item}",
            web::post().to(evaluation::set_verdict),
        )
        .route(
            "/plans/{id}/evaluation/comments",
            web::post().to(evaluation::comment),
        )
        .route(
            "/plans/{id}/evaluation/summary",
            web::post().to(evaluation::summary),
        )
        .route(
            "/plans/{id}/evaluation/finalise",
            web::post().to(evaluation::finalise),
        )
        .route("/review-back", web::get().to(evaluation::review_back))
        .route("/annual-report", web::get().to(annual_report::show))
        .route(
            "/plans/{id}/annual-report",
            web::post().to(annual_report::save),
        )
        .route(
            "/plans/{id}/annual-report/finalise",
            web::post().to(annual_report::finalise),
        )
        .route(
            "/plans/{id}/annual-report/import",
            web::post().to(annual_report::import),
        )
        .route("/export", web::get().to(export::show))
        .route(
            "/plans/{id}/progress-upload",
            web::post().to(export::upload),
        )
        .route(
            "/plans/{id}/review-back",
            web::post().to(evaluation::run_review_back),
        )
        .route("/notifications", web::get().to(notifications::show))
        .route(
            "/notifications/read",
            web::post().to(notifications::read_all),
        )
        .route("/items/{id}/acknowledge", web::post().to(item::acknowledge))
        .route("/items/{id}/dispute", web::post().to(item::dispute))
        .route(
            "/items/{id}/dispute/answer",
            web::post().to(item::answer_dispute),
        )
        .route(
            "/items/{id}/extension",
            web::post().to(item::request_extension),
        )
        .route(
            "/extensions/{id}/decide",
            web::post().to(item::decide_extension),
        )
        .route("/items/{id}/urge", web::post().to(item::urge))
        .route("/plans/{id}/urge", web::post().to(overview::urge_all))
        .route("/plans/{id}/periods", web::post().to(overview::open_period))
        .route(
            "/plans/{id}/acknowledge",
            web::post().to(items::acknowledge_all),
        )
        .route("/urgings/{id}/answer", web::post().to(item::answer_urging))
        .route("/items/{id}", web::get().to(item::show))
        .route("/items/{id}/report", web::post().to(item::write_report))
        .route("/reports/{id}/submit", web::post().to(item::submit))
        .route("/reports/{id}/review", web::post().to(item::review))
        .route(
            "/reports/{id}/contribution",
            web::post().to(item::contribute),
        )
        .route("/reports/{id}/link", web::post().to(item::add_link))
        .route("/reports/{id}/upload", web::post().to(item::upload))
        .route("/import", web::get().to(import::form))
        .route("/import/preview", web::post().to(import::preview))
        .route("/import/commit", web::post().to(import::commit))
        .route("/admin", web::get().to(admin::index))
        .route("/admin/divisions", web::get().to(admin::divisions))
        .route("/admin/divisions", web::post().to(admin::create_division))
        .route(
            "/admin/divisions/{id}",
            web::post().to(admin::update_division),
        )
        .route("/admin/users", web::get().to(admin::users))
        .route("/admin/users", web::post().to(admin::create_user))
        .route("/admin/users/{id}", web::post().to(admin::update_user))
        .route("/admin/users/{id}/sessions", web::get().to(admin::sessions))
        .route(
            "/admin/users/{id}/second-factor/reset",
            web::post().to(admin::reset_second_factor),
        )
        .route(
            "/admin/users/{id}/sessions/end",
            web::post().to(admin::end_all_sessions),
        )
        .route(
            "/admin/users/{id}/sessions/{sid}/end",
            web::post().to(admin::end_session),
        )
        .route("/admin/audit", web::get().to(admin::audit));
}

async fn report_script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../../static/annual-report.js"))
}

async fn copy_script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../../static/copy.js"))
}

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../../static/app.css"))
}

/// Where a user changes their own password (and is sent while they must).
pub const PASSWORD_PAGE: &str = "/account/password";
/// Where a user sets up the second factor (and is sent while their role requires it).
pub const SECOND_FACTOR_PAGE: &str = "/account/second-factor";

/// One entry of the main navigation.
pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
}

/// What the layout needs: who is logged in, where they are, the CSRF token for forms.
pub struct Nav {
    pub user: String,
    pub role_label: &'static str,
    pub active: &'static str,
    pub csrf: String,
    pub links: Vec<NavLink>,
    /// Unread notifications.
    pub unread: i64,
    /// The agency's time zone: templates show every time through [`Nav::at`].
    pub zone: Zone,
}

impl Nav {
    /// The navigation for this user, marking `active`.
    pub fn new(user: &PageUser, active: &'static str) -> Self {
        let link = |href, label| NavLink { href, label };
        let office = user.caller.role == Role::Office;
        let mut links = vec![
            link("/my", "我的任务"),
            link("/items", "全部事项"),
            link("/overview", "总览"),
        ];
        if office {
            links.push(link("/import", "导入计划"));
        }
        links.extend([
            link("/evaluation", "年度考核"),
            link("/review-back", "回头看"),
            link("/annual-report", "年度报告"),
            link("/export", "导出"),
        ]);
        if office {
            links.push(link("/admin", "系统管理"));
        }
        Nav {
            user: user.shown_name.clone(),
            role_label: user.caller.role.label(),
            active,
            csrf: user.claims.csrf.clone(),
            links,
            unread: user.unread,
            zone: user.zone,
        }
    }

    /// A stored UTC time as the reader sees it: in the agency's zone, to the minute.
    pub fn at(&self, utc: impl StoredTime) -> String {
        self.zone.show(utc.utc())
    }

    /// The agency's calendar day of a stored UTC time.
    pub fn day(&self, utc: impl StoredTime) -> chrono::NaiveDate {
        self.zone.day(utc.utc())
    }
}

/// A stored UTC time however a template holds it (by value or behind references).
pub trait StoredTime {
    /// The time, in UTC.
    fn utc(&self) -> chrono::NaiveDateTime;
}

impl StoredTime for chrono::NaiveDateTime {
    fn utc(&self) -> chrono::NaiveDateTime {
        *self
    }
}

impl<T: StoredTime + ?Sized> StoredTime for &T {
    fn utc(&self) -> chrono::NaiveDateTime {
        (**self).utc()
    }
}

/// Renders a template as an HTML answer.
pub fn render<T: Template>(page: &T) -> Result<HttpResponse, PageError> {
    let html = page
        .render()
        .map_err(|e| AppError::Internal(format!("template: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(html))
}

/// A 303 to `to` after a successful form.
pub fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .finish()
}
