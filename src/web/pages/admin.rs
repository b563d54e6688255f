//! 系统管理: the division directory, users, the agency's names and the audit trail (office
//! only).

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{
    after_form, render, render_form_page, see_other, FormValues, Nav, Refused, RefusedForms,
};
use crate::db::DbConnection;
use crate::domain::division::{parse_aliases, DivisionKind};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::service::accounts::{self, NewUserInput, UserPatch, UserView};
use crate::service::agency::{self, AgencyBelowView, AgencyInput, AgencyView, NewAgencyInput};
use crate::service::directory::{self, DivisionPatch, DivisionView, NewDivisionInput};
use crate::service::trail::{self, AuditFilter};
use crate::service::Caller;
use crate::web::auth::{PageForm, PageUser};
use crate::web::error::PageError;
use crate::web::AppState;

/// A short confirmation shown after a form succeeded.
#[derive(Deserialize)]
pub struct Flash {
    msg: Option<String>,
}

fn flash_text(f: &Flash) -> Option<&'static str> {
    match f.msg.as_deref() {
        Some("created") => Some("已添加。"),
        Some("saved") => Some("已保存。"),
        _ => None,
    }
}

/// Whether the agency's names are still unset: every 系统管理 page then says so and where
/// to set them.
fn agency_unset(conn: &mut DbConnection, caller: &Caller) -> Result<bool, AppError> {
    Ok(agency::current(conn, caller.agency_id)?.is_none())
}

/// GET /admin.
pub async fn index(user: PageUser) -> Result<HttpResponse, PageError> {
    user.caller.require_office()?;
    Ok(see_other("/admin/divisions"))
}

#[derive(Template)]
#[template(path = "divisions.html")]
struct DivisionsPage {
    nav: Nav,
    divisions: Vec<DivisionView>,
    kinds: [DivisionKind; 3],
    agency_unset: bool,
    flash: Option<&'static str>,
    /// A form refused for what was typed: shown again with the input and the reason.
    refused: Option<Refused>,
}

impl RefusedForms for DivisionsPage {
    fn refused(&self) -> Option<&Refused> {
        self.refused.as_ref()
    }
}

impl DivisionsPage {
    /// The form id of division `id`'s row.
    fn row_form(&self, id: &i32) -> String {
        format!("division-{id}")
    }
}

/// GET /admin/divisions.
pub async fn divisions(
    state: web::Data<AppState>,
    user: PageUser,
    flash: web::Query<Flash>,
) -> Result<HttpResponse, PageError> {
    divisions_page(&state, &user, flash_text(&flash), None).await
}

/// 处室目录, with a refused form shown again as typed (422) when there is one.
async fn divisions_page(
    state: &AppState,
    user: &PageUser,
    flash: Option<&'static str>,
    refused: Option<Refused>,
) -> Result<HttpResponse, PageError> {
    user.caller.require_office()?;
    let caller = user.caller.clone();
    let (divisions, agency_unset) = state
        .db
        .read(move |c| -> Result<_, AppError> {
            Ok((directory::list(c, &caller)?, agency_unset(c, &caller)?))
        })
        .await?;
    render_form_page(&DivisionsPage {
        nav: Nav::new(user, "/admin"),
        divisions,
        kinds: DivisionKind::ADDABLE,
        agency_unset,
        flash,
        refused,
    })
}

/// After a 处室目录 form: the list with `msg`, or the page again with `form` as typed.
async fn division_answer<T>(
    state: &AppState,
    user: &PageUser,
    form: &str,
    msg: &str,
    typed: FormValues,
    result: Result<T, AppError>,
) -> Result<HttpResponse, PageError> {
    let done = |_| see_other(&format!("/admin/divisions?msg={msg}"));
    after_form(result, form, typed, done, |r| {
        divisions_page(state, user, None, Some(r))
    })
    .await
}

/// The division form's fields.
#[derive(Deserialize)]
pub struct DivisionForm {
    name: String,
    #[serde(default)]
    aliases: String,
    kind: String,
    version: Option<i32>,
    #[serde(default)]
    active: Option<String>,
}

fn kind_of(form: &DivisionForm) -> Result<DivisionKind, AppError> {
    DivisionKind::parse(&form.kind).ok_or_else(|| AppError::invalid("kind", "请选择处室类型"))
}

fn aliases_of(form: &DivisionForm) -> Result<Vec<String>, AppError> {
    parse_aliases(form.name.trim(), &form.aliases)
        .map_err(|e| AppError::invalid("aliases", e.to_string()))
}

/// POST /admin/divisions.
pub async fn create_division(
    state: web::Data<AppState>,
    user: PageUser,
    form: PageForm<DivisionForm>,
) -> Result<HttpResponse, PageError> {
    let (form, typed) = (form.0, form.1);
    let input = aliases_of(&form).and_then(|aliases| {
        Ok(NewDivisionInput {
            name: form.name.clone(),
            aliases,
            kind: kind_of(&form)?,
        })
    });
    let caller = user.caller.clone();
    let r = match input {
        Ok(input) => {
            state
                .db
                .write(move |c| directory::create(c, &caller, &input))
                .await
        }
        Err(e) => Err(e),
    };
    division_answer(&state, &user, "new-division", "created", typed, r).await
}

/// POST /admin/divisions/{id}.
pub async fn update_division(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    form: PageForm<DivisionForm>,
) -> Result<HttpResponse, PageError> {
    let (form, typed) = (form.0, form.1);
    let id = id.into_inner();
    let patch = (|| {
        Ok(DivisionPatch {
            version: form
                .version
                .ok_or_else(|| AppError::invalid("version", "缺少版本号，请刷新页面"))?,
            name: Some(form.name.clone()),
            aliases: Some(aliases_of(&form)?),
            kind: Some(kind_of(&form)?),
            active: Some(form.active.is_some()),
        })
    })();
    let caller = user.caller.clone();
    let r = match patch {
        Ok(patch) => {
            state
                .db
                .write(move |c| directory::update(c, &caller, id, &patch))
                .await
        }
        Err(e) => Err(e),
    };
    let form_id = format!("division-{id}");
    division_answer(&state, &user, &form_id, "saved", typed, r).await
}

#[derive(Template)]
#[template(path = "agency.html")]
struct AgencyPage {
    nav: Nav,
    agency: AgencyView,
    agency_unset: bool,
    flash: Option<&'static str>,
    /// The form refused for what was typed: shown again with the input and the reason.
    refused: Option<Refused>,
}

impl RefusedForms for AgencyPage {
    fn refused(&self) -> Option<&Refused> {
        self.refused.as_ref()
    }
}

/// GET /admin/agency: the agency's full name, short name and supervising disclosure office.
pub async fn agency(
    state: web::Data<AppState>,
    user: PageUser,
    flash: web::Query<Flash>,
) -> Result<HttpResponse, PageError> {
    agency_page(&state, &user, flash_text(&flash), None).await
}

/// 机关信息, with the refused form shown again as typed (422) when there is one.
async fn agency_page(
    state: &AppState,
    user: &PageUser,
    flash: Option<&'static str>,
    refused: Option<Refused>,
) -> Result<HttpResponse, PageError> {
    user.caller.require_office()?;
    let caller = user.caller.clone();
    let agency = state.db.read(move |c| agency::get(c, &caller)).await?;
    render_form_page(&AgencyPage {
        nav: Nav::new(user, "/admin"),
        agency_unset: !agency.set,
        agency,
        flash,
        refused,
    })
}

/// The agency form's fields.
#[derive(Deserialize)]
pub struct AgencyForm {
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    short_name: String,
    #[serde(default)]
    supervisor: String,
    version: Option<i32>,
}

/// POST /admin/agency.
pub async fn save_agency(
    state: web::Data<AppState>,
    user: PageUser,
    form: PageForm<AgencyForm>,
) -> Result<HttpResponse, PageError> {
    let (form, typed) = (form.0, form.1);
    let caller = user.caller.clone();
    let r = match form.version {
        Some(version) => {
            let input = AgencyInput {
                full_name: form.full_name,
                short_name: form.short_name,
                supervisor: form.supervisor,
                version,
            };
            state
                .db
                .write(move |c| agency::set(c, &caller, &input))
                .await
        }
        None => Err(AppError::invalid("version", "缺少版本号，请刷新页面")),
    };
    let done = |_| see_other("/admin/agency?msg=saved");
    after_form(r, "agency", typed, done, |r| {
        agency_page(&state, &user, None, Some(r))
    })
    .await
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    nav: Nav,
    users: Vec<UserView>,
    divisions: Vec<DivisionView>,
    roles: [Role; 4],
    agency_unset: bool,
    flash: Option<&'static str>,
    /// A form refused for what was typed: shown again with the input and the reason.
    refused: Option<Refused>,
}

impl RefusedForms for UsersPage {
    fn refused(&self) -> Option<&Refused> {
        self.refused.as_ref()
    }
}

impl UsersPage {
    /// The form id of user `id`'s row.
    fn row_form(&self, id: &i32) -> String {
        format!("user-{id}")
    }

    fn division_name(&self, id: &Option<i32>) -> String {
        id.and_then(|id| self.divisions.iter().find(|d| d.id == id))
            .map(|d| d.name.clone())
            .unwrap_or_default()
    }
}

/// GET /admin/users.
pub async fn users(
    state: web::Data<AppState>,
    user: PageUser,
    flash: web::Query<Flash>,
) -> Result<HttpResponse, PageError> {
    users_page(&state, &user, flash_text(&flash), None).await
}

/// 用户管理, with a refused form shown again as typed (422) when there is one. Passwords
/// are never shown again.
async fn users_page(
    state: &AppState,
    user: &PageUser,
    flash: Option<&'static str>,
    refused: Option<Refused>,
) -> Result<HttpResponse, PageError> {
    let caller = user.caller.clone();
    let (users, divisions, agency_unset) = state
        .db
        .read(move |c| -> Result<_, AppError> {
            Ok((
                accounts::list_users(c, &caller)?,
                directory::list(c, &caller)?,
                agency_unset(c, &caller)?,
            ))
        })
        .await?;
    render_form_page(&UsersPage {
        nav: Nav::new(user, "/admin"),
        users,
        divisions,
        roles: Role::ALL,
        agency_unset,
        flash,
        refused,
    })
}

/// After a 用户管理 form: the list with `msg`, or the page again with `form` as typed.
async fn user_answer<T>(
    state: &AppState,
    user: &PageUser,
    form: &str,
    msg: &str,
    typed: FormValues,
    result: Result<T, AppError>,
) -> Result<HttpResponse, PageError> {
    let done = |_| see_other(&format!("/admin/users?msg={msg}"));
    after_form(result, form, typed, done, |r| {
        users_page(state, user, None, Some(r))
    })
    .await
}

/// The user forms' fields.
#[derive(Deserialize)]
pub struct UserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    role: String,
    #[serde(default)]
    division_id: String,
    version: Option<i32>,
    #[serde(default)]
    disabled: Option<String>,
    #[serde(default)]
    email: String,
}

fn role_of(form: &UserForm) -> Result<Role, AppError> {
    Role::parse(&form.role).ok_or_else(|| AppError::invalid("role", "请选择角色"))
}

fn division_of(form: &UserForm) -> Result<Option<i32>, AppError> {
    let d = form.division_id.trim();
    if d.is_empty() {
        return Ok(None);
    }
    d.parse()
        .map(Some)
        .map_err(|_| AppError::invalid("division_id", "请选择处室"))
}

/// POST /admin/users.
pub async fn create_user(
    state: web::Data<AppState>,
    user: PageUser,
    form: PageForm<UserForm>,
) -> Result<HttpResponse, PageError> {
    let (form, typed) = (form.0, form.1);
    let input = (|| {
        Ok(NewUserInput {
            username: form.username.clone(),
            display_name: form.display_name.clone(),
            password: form.password.clone(),
            role: role_of(&form)?,
            division_id: division_of(&form)?,
            email: Some(form.email.clone()),
            // The office's password is always temporary (the service holds that rule).
            temporary: true,
        })
    })();
    let caller = user.caller.clone();
    let r = match input {
        Ok(input) => {
            state
                .db
                .write(move |c| accounts::create_user(c, &caller, &input))
                .await
        }
        Err(e) => Err(e),
    };
    user_answer(&state, &user, "new-user", "created", typed, r).await
}

/// POST /admin/users/{id}.
pub async fn update_user(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    form: PageForm<UserForm>,
) -> Result<HttpResponse, PageError> {
    let (form, typed) = (form.0, form.1);
    let patch = (|| {
        Ok(UserPatch {
            version: form
                .version
                .ok_or_else(|| AppError::invalid("version", "缺少版本号，请刷新页面"))?,
            display_name: Some(form.display_name.clone()),
            role: Some(role_of(&form)?),
            division_id: Some(division_of(&form)?),
            disabled: Some(form.disabled.is_some()),
            password: Some(form.password.clone()).filter(|p| !p.is_empty()),
            email: Some(form.email.clone()),
            temporary: true,
        })
    })();
    let (caller, id) = (user.caller.clone(), id.into_inner());
    let r = match patch {
        Ok(patch) => {
            state
                .db
                .write(move |c| accounts::update_user(c, &caller, id, &patch))
                .await
        }
        Err(e) => Err(e),
    };
    let form_id = format!("user-{id}");
    user_answer(&state, &user, &form_id, "saved", typed, r).await
}

#[derive(Template)]
#[template(path = "user_sessions.html")]
struct SessionsPage {
    nav: Nav,
    account: UserView,
    sessions: Vec<accounts::SessionView>,
    agency_unset: bool,
    flash: Option<String>,
}

/// `?ended=N` after ending sessions, `?reset=1` after resetting the second factor.
#[derive(Deserialize)]
pub struct EndedFlash {
    ended: Option<usize>,
    reset: Option<u8>,
}

/// GET /admin/users/{id}/sessions: where and when the user is logged in.
pub async fn sessions(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    flash: web::Query<EndedFlash>,
) -> Result<HttpResponse, PageError> {
    let (caller, id, policy) = (
        user.caller.clone(),
        id.into_inner(),
        state.config.session_policy(),
    );
    let (account, sessions, agency_unset) = state
        .db
        .read(move |c| -> Result<_, AppError> {
            let sessions = accounts::sessions_of(c, &caller, id, &policy)?;
            let account = accounts::user(c, &caller, id)?;
            Ok((account, sessions, agency_unset(c, &caller)?))
        })
        .await?;
    render(&SessionsPage {
        nav: Nav::new(&user, "/admin"),
        account,
        sessions,
        agency_unset,
        flash: match (flash.ended, flash.reset) {
            (Some(n), _) => Some(format!("已结束 {n} 个会话，对方需重新登录")),
            (None, Some(_)) => Some(
                "已重置两步验证，对方的会话已全部结束；其角色要求时，下次登录须重新设置"
                    .to_string(),
            ),
            _ => None,
        },
    })
}

async fn end_sessions(
    state: &AppState,
    caller: crate::service::Caller,
    id: i32,
    sid: Option<i32>,
) -> Result<HttpResponse, PageError> {
    let ended = state
        .db
        .write(move |c| accounts::end_sessions(c, &caller, id, sid))
        .await?;
    Ok(see_other(&format!(
        "/admin/users/{id}/sessions?ended={ended}"
    )))
}

/// POST /admin/users/{id}/second-factor/reset: removes the user's two-step verification.
pub async fn reset_second_factor(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    _form: PageForm<super::session::Empty>,
) -> Result<HttpResponse, PageError> {
    let (caller, id) = (user.caller, id.into_inner());
    state
        .db
        .write(move |c| crate::service::second_factor::reset(c, &caller, id))
        .await?;
    Ok(see_other(&format!("/admin/users/{id}/sessions?reset=1")))
}

/// POST /admin/users/{id}/sessions/end: ends every open session of the user.
pub async fn end_all_sessions(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    _form: PageForm<super::session::Empty>,
) -> Result<HttpResponse, PageError> {
    end_sessions(&state, user.caller, id.into_inner(), None).await
}

/// POST /admin/users/{id}/sessions/{sid}/end: ends one session.
pub async fn end_session(
    state: web::Data<AppState>,
    user: PageUser,
    path: web::Path<(i32, i32)>,
    _form: PageForm<super::session::Empty>,
) -> Result<HttpResponse, PageError> {
    let (id, sid) = path.into_inner();
    end_sessions(&state, user.caller, id, Some(sid)).await
}

/// An entity for the kind filter: its code, its label and its actions (code, label).
type ActionKind = (
    &'static str,
    &'static str,
    Vec<(&'static str, &'static str)>,
);

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    nav: Nav,
    trail: trail::TrailPage,
    agency_unset: bool,
    /// The filters as asked, to fill the form again.
    query: AuditPageQuery,
    /// The entities and their actions, for the kind filter.
    kinds: Vec<ActionKind>,
    /// This address with every filter but the page, for the pager's links.
    base: String,
    /// The same without the item filter.
    without_item: String,
    /// Why a filter could not be applied as given.
    problem: Option<String>,
}

impl AuditPage {
    fn chosen_person(&self, id: &i32) -> bool {
        self.query.who.trim() == id.to_string()
    }
}

/// Filters of the audit page, kept in its address: `who` (a user id), `kind` (`report`, or
/// `report.submit`), `item` (an item id), `from` and `to` (days, `2021-03-01`), `page`.
#[derive(Deserialize, Default, Clone)]
pub struct AuditPageQuery {
    #[serde(default)]
    who: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    item: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    page: Option<usize>,
}

impl AuditPageQuery {
    /// The filter the query asks for, and what in it could not be read.
    fn filter(&self, zone: crate::domain::zone::Zone) -> (AuditFilter, Vec<&'static str>) {
        let mut f = AuditFilter::default();
        let mut problems = Vec::new();
        let number = |s: &str| s.trim().parse::<i32>().ok();
        if !self.who.trim().is_empty() {
            match number(&self.who) {
                Some(id) => f.actor_id = Some(id),
                None => problems.push("操作人"),
            }
        }
        if !self.item.trim().is_empty() {
            match number(&self.item) {
                Some(id) => f.item_id = Some(id),
                None => problems.push("事项"),
            }
        }
        match self.kind.trim().split_once('.') {
            _ if self.kind.trim().is_empty() => {}
            Some((entity, action)) => {
                f.entity = Some(entity.to_string());
                f.action = Some(action.to_string());
            }
            None => f.entity = Some(self.kind.trim().to_string()),
        }
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
        if !self.from.trim().is_empty() {
            match day(&self.from) {
                Some(d) => f.from = Some(zone.day_start(d)),
                None => problems.push("起始日期"),
            }
        }
        if !self.to.trim().is_empty() {
            match day(&self.to).and_then(|d| d.succ_opt()) {
                Some(d) => f.until = Some(zone.day_start(d)),
                None => problems.push("截止日期"),
            }
        }
        (f, problems)
    }

    /// The address of the trail with these filters, ready for `page=N`.
    fn base(&self) -> String {
        let params: Vec<(&str, &str)> = [
            ("who", &self.who),
            ("kind", &self.kind),
            ("item", &self.item),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.trim()))
        .filter(|(_, v)| !v.is_empty())
        .collect();
        let query = serde_urlencoded::to_string(&params).unwrap_or_default();
        if query.is_empty() {
            "/admin/audit?".to_string()
        } else {
            format!("/admin/audit?{query}&")
        }
    }
}

/// GET /admin/audit: the trail, 50 entries a page, filtered by who, what, which item and
/// when, the filters kept in the address.
pub async fn audit(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<AuditPageQuery>,
) -> Result<HttpResponse, PageError> {
    let query = q.into_inner();
    let (filter, problems) = query.filter(user.zone);
    let page_no = query.page.unwrap_or(1);
    let caller = user.caller.clone();
    let (trail, agency_unset) = state
        .db
        .read(move |c| -> Result<_, AppError> {
            Ok((
                trail::page(c, &caller, &filter, page_no)?,
                agency_unset(c, &caller)?,
            ))
        })
        .await?;
    let kinds = crate::domain::audit::ENTITIES
        .iter()
        .map(|(entity, label)| {
            let actions = crate::domain::audit::ACTIONS
                .iter()
                .filter(|(e, _, _)| e == entity)
                .map(|(_, a, l)| (*a, *l))
                .collect();
            (*entity, *label, actions)
        })
        .collect();
    render(&AuditPage {
        nav: Nav::new(&user, "/admin"),
        trail,
        agency_unset,
        base: query.base(),
        without_item: AuditPageQuery {
            item: String::new(),
            ..query.clone()
        }
        .base(),
        kinds,
        problem: (!problems.is_empty()).then(|| {
            format!(
                "{}无法识别，已忽略该条件；日期请按 2021-03-01 的格式填写。",
                problems.join("、")
            )
        }),
        query,
    })
}

#[derive(Template)]
#[template(path = "agencies.html")]
struct AgenciesPage {
    nav: Nav,
    agencies: Vec<AgencyBelowView>,
    agency_unset: bool,
    flash: Option<&'static str>,
    /// The form refused for what was typed: shown again with the input and the reason.
    refused: Option<Refused>,
}

impl RefusedForms for AgenciesPage {
    fn refused(&self) -> Option<&Refused> {
        self.refused.as_ref()
    }
}

/// GET /admin/agencies: the agencies below this one (a city's bureaus), each with its unit
/// and its office's accounts, and the form that adds one.
pub async fn agencies(
    state: web::Data<AppState>,
    user: PageUser,
    flash: web::Query<Flash>,
) -> Result<HttpResponse, PageError> {
    agencies_page(&state, &user, flash_text(&flash), None).await
}

async fn agencies_page(
    state: &AppState,
    user: &PageUser,
    flash: Option<&'static str>,
    refused: Option<Refused>,
) -> Result<HttpResponse, PageError> {
    user.caller.require_office()?;
    let caller = user.caller.clone();
    let (agencies, agency_unset) = state
        .db
        .read(move |c| -> Result<_, AppError> {
            Ok((agency::below(c, &caller)?, agency_unset(c, &caller)?))
        })
        .await?;
    render_form_page(&AgenciesPage {
        nav: Nav::new(user, "/admin"),
        agencies,
        agency_unset,
        flash,
        refused,
    })
}

/// The add-an-agency form's fields.
#[derive(Deserialize)]
pub struct NewAgencyForm {
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    short_name: String,
    #[serde(default)]
    office_username: String,
    #[serde(default)]
    office_password: String,
}

/// POST /admin/agencies.
pub async fn add_agency(
    state: web::Data<AppState>,
    user: PageUser,
    form: PageForm<NewAgencyForm>,
) -> Result<HttpResponse, PageError> {
    let (form, typed) = (form.0, form.1);
    let caller = user.caller.clone();
    let input = NewAgencyInput {
        full_name: form.full_name,
        short_name: form.short_name,
        office_username: form.office_username,
        office_password: form.office_password,
    };
    let r = state
        .db
        .write(move |c| agency::add_below(c, &caller, &input))
        .await;
    let done = |_| see_other("/admin/agencies?msg=created");
    after_form(r, "agency-below", typed, done, |r| {
        agencies_page(&state, &user, None, Some(r))
    })
    .await
}
