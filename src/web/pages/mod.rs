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
pub mod todo;

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
        .route("/todo", web::get().to(todo::show))
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
            "/plans/{id}/evaluation/confirm-all",
            web::post().to(evaluation::confirm_all),
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
        .route("/notifications/{id}", web::get().to(notifications::open))
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
        .route("/items/{id}/divisions", web::post().to(item::set_divisions))
        .route(
            "/items/{id}/placeholder",
            web::post().to(item::replace_placeholder),
        )
        .route("/items/{id}/due", web::post().to(item::set_due))
        .route(
            "/items/{id}/contribution",
            web::post().to(item::contribute_for_period),
        )
        .route("/plans/{id}/items/bulk", web::post().to(items::bulk))
        .route("/plans/{id}/hand-down", web::post().to(items::hand_down))
        .route("/items/{id}/take-upper", web::post().to(items::take_upper))
        .route("/plans/{id}/urge", web::post().to(overview::urge_all))
        .route("/plans/{id}/periods", web::post().to(overview::open_period))
        .route(
            "/plans/{id}/acknowledge",
            web::post().to(items::acknowledge_all),
        )
        .route("/urgings/{id}/answer", web::post().to(item::answer_urging))
        .route("/items/{id}", web::get().to(item::show))
        .route("/items/{id}/report", web::post().to(item::write_report))
        .route(
            "/items/{id}/draft-from-below",
            web::post().to(item::draft_from_below),
        )
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
        .route("/admin/agency", web::get().to(admin::agency))
        .route("/admin/agency", web::post().to(admin::save_agency))
        .route("/admin/agencies", web::get().to(admin::agencies))
        .route("/admin/agencies", web::post().to(admin::add_agency))
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

/// The 待办 list, where office and division staff land after logging in.
pub const TODO_PAGE: &str = "/todo";
/// Where a login lands once nothing else must be settled: the 待办 list for those who have
/// one, the home page (the year at a glance) for leaders and auditors.
pub fn landing(role: Role) -> &'static str {
    match role {
        Role::Office | Role::Division => TODO_PAGE,
        Role::Leader | Role::Auditor => "/",
    }
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
    /// Things on the 待办 list (office and division staff; `None`: no list).
    pub todo: Option<usize>,
    /// The agency's time zone: templates show every time through [`Nav::at`].
    pub zone: Zone,
    /// Set when the page is another agency's (the plan above, or one below): how the user
    /// acts there, so no one mistakes it for their own.
    pub away: Option<&'static str>,
}

impl Nav {
    /// The navigation for this user, marking `active`.
    pub fn new(user: &PageUser, active: &'static str) -> Self {
        let link = |href, label| NavLink { href, label };
        // The navigation is the user's own, whatever agency's page this is.
        let role = user.caller.home_role;
        let office = role == Role::Office;
        let mut links = Vec::new();
        if matches!(role, Role::Office | Role::Division) {
            links.push(link(TODO_PAGE, "待办"));
        }
        links.extend([
            link("/my", "我的任务"),
            link("/items", "全部事项"),
            link("/overview", "总览"),
        ]);
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
            role_label: role.label(),
            active,
            csrf: user.claims.csrf.clone(),
            links,
            unread: user.unread,
            todo: user.todo,
            zone: user.zone,
            away: user.caller.is_away().then_some(match user.caller.role {
                Role::Division => {
                    "这是上级机关的计划：本机关以所承担单位的身份填报、报送牵头事项的进展，不能修改上级的事项"
                }
                _ => "这是下级机关的计划：上级机关只能查看，审核、催办和考核在本机关的计划中进行",
            }),
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

/// Renders a page that may be answering a refused form: with the refusal's status (422)
/// when it is, 200 otherwise.
pub fn render_form_page<T: Template + RefusedForms>(page: &T) -> Result<HttpResponse, PageError> {
    let mut resp = render(page)?;
    if let Some(r) = page.refused() {
        *resp.status_mut() = r.status();
    }
    Ok(resp)
}

/// What a page form led to: `done` on success; refused for what the user typed, `again`
/// (the same page with the input kept in `form` and the reason beside it); any other
/// failure its error page.
pub async fn after_form<T, Fut>(
    result: Result<T, AppError>,
    form: &str,
    typed: FormValues,
    done: impl FnOnce(T) -> HttpResponse,
    again: impl FnOnce(Refused) -> Fut,
) -> Result<HttpResponse, PageError>
where
    Fut: std::future::Future<Output = Result<HttpResponse, PageError>>,
{
    match result {
        Ok(v) => Ok(done(v)),
        Err(e) => match Refused::of(form, &e, typed) {
            Some(refused) => again(refused).await,
            None => Err(e.into()),
        },
    }
}

/// A 303 to `to` after a successful form.
pub fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .finish()
}

/// What the user typed into a form (every field but the CSRF token), in order.
#[derive(Debug, Clone, Default)]
pub struct FormValues(Vec<(String, String)>);

impl FormValues {
    /// The typed pairs, without the CSRF token (it is the session's, not the user's).
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        FormValues(pairs.into_iter().filter(|(k, _)| k != "csrf").collect())
    }

    /// Whether `value` was sent for `name` (a ticked box among many of one name).
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == value)
    }

    /// The first value typed into `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A form the server refused: the page is shown again with the user's input in that form
/// and the reason beside it, instead of an error page that loses what was typed.
#[derive(Debug, Clone)]
pub struct Refused {
    /// The `id` of the refused form on the page.
    pub form: String,
    /// The field the reason is about (the form as a whole when no field is named).
    pub field: &'static str,
    /// Why, in words that say what to change.
    pub message: String,
    typed: FormValues,
}

impl Refused {
    /// A refusal of form `form` for `error`, keeping `typed`; `None` when the user cannot
    /// put the error right by changing the form (no right, not found, server trouble), which
    /// keeps its own error page.
    pub fn of(form: impl Into<String>, error: &AppError, typed: FormValues) -> Option<Self> {
        let field = match error {
            AppError::Invalid { field, .. } => field,
            AppError::BadRequest(_) | AppError::Conflict(_) => "",
            _ => return None,
        };
        Some(Refused {
            form: form.into(),
            field,
            message: error.to_string(),
            typed,
        })
    }

    /// What the user typed into the refused form.
    pub fn typed(&self) -> &FormValues {
        &self.typed
    }

    /// The HTTP status the page answers with: the refusal's own.
    pub fn status(&self) -> actix_web::http::StatusCode {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// Refusal look-ups for templates: `None`/empty when the page is not answering a refusal of
/// that form, so every form reads the same whether or not it was refused.
pub trait RefusedForms {
    /// The refusal this page answers, if any.
    fn refused(&self) -> Option<&Refused>;

    /// The reason `form` was refused, if it was.
    fn refusal(&self, form: &str) -> Option<&str> {
        self.refused()
            .filter(|r| r.form == form)
            .map(|r| r.message.as_str())
    }

    /// What the user typed into `name` of `form` when it was refused, else `saved`.
    fn kept(&self, form: &str, name: &str, saved: &str) -> String {
        self.refused()
            .filter(|r| r.form == form)
            .and_then(|r| r.typed.get(name))
            .unwrap_or(saved)
            .to_string()
    }

    /// Whether a checkbox `name` of `form` stays ticked: as typed when refused, else `saved`.
    fn kept_checked(&self, form: &str, name: &str, saved: impl std::borrow::Borrow<bool>) -> bool {
        match self.refused().filter(|r| r.form == form) {
            Some(r) => r.typed.get(name).is_some(),
            None => *saved.borrow(),
        }
    }

    /// Whether `field` of `form` is the one the refusal is about (to focus and mark it).
    fn faulty(&self, form: &str, field: &str) -> bool {
        self.refused()
            .is_some_and(|r| r.form == form && r.field == field)
    }
}
