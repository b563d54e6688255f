//! The agency this deployment serves (机关信息): read by everyone, set once from the
//! configuration at the first start, then edited by the office under 系统管理.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{Audit, Caller};
use crate::db::queries::{self, agency::AgencyRow, agency::Names};
use crate::db::{DbConnection, Job, WriteTx};
use crate::domain::agency::{Agency, AgencyError};
use crate::domain::role::Role;
use crate::error::AppError;

/// Where the office sets the agency's names, for messages that say so.
pub const WHERE_TO_SET: &str =
    "请办公室在“系统管理 → 机关信息”中填写（首次启动前也可设置环境变量 WORKPLAN_AGENCY_NAME）";

/// Who the audit trail names for the first start's record.
const FIRST_START: &str = "首次启动（WORKPLAN_AGENCY_NAME）";

/// The agency as the API and pages show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AgencyView {
    /// Whether the names are set; while not, titles and file names carry no agency name.
    pub set: bool,
    /// 机关全称, e.g. 广州市体育局: heads report titles, workbook titles and file names.
    pub full_name: String,
    /// 机关简称, e.g. 市体育局 (may be empty).
    pub short_name: String,
    /// The supervising disclosure office, e.g. 广州市政务公开办公室 (may be empty).
    pub supervisor: String,
    /// Changes name the version they read (0 while not set); a stale one gets 409.
    pub version: i32,
    pub updated_at: Option<NaiveDateTime>,
}

impl AgencyView {
    fn unset() -> Self {
        AgencyView {
            set: false,
            full_name: String::new(),
            short_name: String::new(),
            supervisor: String::new(),
            version: 0,
            updated_at: None,
        }
    }
}

impl From<&AgencyRow> for AgencyView {
    fn from(r: &AgencyRow) -> Self {
        AgencyView {
            set: true,
            full_name: r.full_name.clone(),
            short_name: r.short_name.clone(),
            supervisor: r.supervisor.clone(),
            version: r.version,
            updated_at: Some(r.updated_at),
        }
    }
}

/// What the office fills in; `version` is the one it read (0 when none was set).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct AgencyInput {
    /// 机关全称 (required), e.g. 广州市体育局.
    pub full_name: String,
    /// 机关简称, e.g. 市体育局; empty or absent: none.
    #[serde(default)]
    pub short_name: String,
    /// The supervising disclosure office, e.g. 广州市政务公开办公室; empty or absent: none.
    #[serde(default)]
    pub supervisor: String,
    /// The version read: `AgencyView.version`, 0 while none is set.
    pub version: i32,
}

fn names_of(r: &AgencyRow) -> Agency {
    Agency {
        full_name: r.full_name.clone(),
        short_name: r.short_name.clone(),
        supervisor: r.supervisor.clone(),
    }
}

fn names(a: &Agency) -> Names<'_> {
    Names {
        full_name: &a.full_name,
        short_name: &a.short_name,
        supervisor: &a.supervisor,
    }
}

fn refused(e: AgencyError) -> AppError {
    AppError::invalid(e.field().code(), e.to_string())
}

/// An agency's names for titles and file names; `None` while not set.
pub fn current(conn: &mut DbConnection, agency_id: i32) -> Result<Option<Agency>, AppError> {
    Ok(queries::agency::get(conn, agency_id)?
        .as_ref()
        .map(names_of))
}

/// The agency the caller acts in, as stored. Every role may read it: it is printed on every
/// file they download.
pub fn get(conn: &mut DbConnection, caller: &Caller) -> Result<AgencyView, AppError> {
    Ok(queries::agency::get(conn, caller.agency_id)?
        .as_ref()
        .map_or_else(AgencyView::unset, AgencyView::from))
}

/// Sets or changes the agency's names (office only), refusing a stale version.
pub fn set(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    input: &AgencyInput,
) -> Result<AgencyView, AppError> {
    caller.require_office()?;
    let agency =
        Agency::new(&input.full_name, &input.short_name, &input.supervisor).map_err(refused)?;
    // Two first saves at once: the second waits and then finds the row (a stale version).
    tx.take_turns(Job::Agency)?;
    let now = queries::now();
    let id = caller.agency_id;
    match queries::agency::get(tx, id)? {
        None if input.version == 0 => {
            let row = queries::agency::insert(tx, id, None, names(&agency), now)?;
            Audit::of("agency", row.id, "create").record_after(tx, caller, &agency)?;
            Ok(AgencyView::from(&row))
        }
        None => Err(AppError::stale("机关信息")),
        Some(before) => {
            let row = queries::agency::update(tx, id, input.version, names(&agency), now)?
                .ok_or_else(|| AppError::stale("机关信息"))?;
            Audit::of("agency", row.id, "update").record_change(
                tx,
                caller,
                &names_of(&before),
                &agency,
            )?;
            Ok(AgencyView::from(&row))
        }
    }
}

/// What the first start did with the configured name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seeded {
    /// No record and no configured name: titles carry no agency name until the office sets it.
    Unset,
    /// The record was made from the configured name.
    Created(String),
    /// A record exists (what the office saved stays, whatever is configured).
    Kept(String),
}

/// At start: makes the record from the configured full name (`agency_name`) when there is
/// none yet; an existing record is never overwritten, so the office's edits stay.
pub fn seed(tx: &mut WriteTx<'_>, configured: &str) -> Result<Seeded, AppError> {
    // Instances starting together: one writes, the others find its row.
    tx.take_turns(Job::Agency)?;
    if let Some(row) = queries::agency::get(tx, queries::agency::FIRST)? {
        return Ok(Seeded::Kept(row.full_name));
    }
    if configured.trim().is_empty() {
        return Ok(Seeded::Unset);
    }
    let agency = Agency::new(configured, "", "").map_err(|e| {
        AppError::invalid(
            "agency_name",
            format!("环境变量 WORKPLAN_AGENCY_NAME（配置项 agency_name）：{e}"),
        )
    })?;
    let row = queries::agency::insert(
        tx,
        queries::agency::FIRST,
        None,
        names(&agency),
        queries::now(),
    )?;
    Audit::of("agency", row.id, "seed").record_by(
        tx,
        None,
        FIRST_START,
        None::<&Agency>,
        Some(&agency),
    )?;
    Ok(Seeded::Created(row.full_name))
}

/// An agency directly below the caller's, as the office sees it under 系统管理 → 下级机关.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AgencyBelowView {
    pub id: i32,
    /// 机关全称, e.g. 广州市体育局: the name its unit carries in this agency's plans.
    pub full_name: String,
    /// 机关简称, e.g. 市体育局 (also an alias of its unit).
    pub short_name: String,
    /// The unit that stands for it in this agency's directory: items are assigned to it.
    pub unit_id: i32,
    /// Its office's accounts (user names).
    pub office_users: Vec<String>,
}

/// What the upper office fills in to place an agency below it, with its first office account.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewAgencyInput {
    /// 机关全称, e.g. 广州市体育局.
    pub full_name: String,
    /// 机关简称, e.g. 市体育局; empty or absent: none.
    #[serde(default)]
    pub short_name: String,
    /// The user name of its office's first account.
    pub office_username: String,
    /// That account's first password (temporary: it must be changed at first login).
    pub office_password: String,
}

/// The agencies directly below the caller's (office only).
pub fn below(conn: &mut DbConnection, caller: &Caller) -> Result<Vec<AgencyBelowView>, AppError> {
    caller.require_office()?;
    let units: Vec<_> = queries::divisions::of_agency(conn, caller.agency_id)?
        .into_iter()
        .filter_map(|d| d.unit_agency_id.map(|a| (a, d.id)))
        .collect();
    let users = queries::users::list(conn)?;
    let mut out = Vec::new();
    for row in queries::agency::list(conn)?
        .into_iter()
        .filter(|r| r.parent_id == Some(caller.agency_id))
    {
        let Some(&(_, unit_id)) = units.iter().find(|(a, _)| *a == row.id) else {
            continue;
        };
        out.push(AgencyBelowView {
            id: row.id,
            unit_id,
            office_users: users
                .iter()
                .filter(|u| u.agency_id == row.id && u.role == Role::Office.as_str())
                .map(|u| u.username.clone())
                .collect(),
            full_name: row.full_name,
            short_name: row.short_name,
        });
    }
    Ok(out)
}

/// Places an agency below the caller's (office only): its record, the unit that stands for it
/// in the caller's directory (so the caller's plans can assign it items), and its office's
/// first account, whose password must be changed at first login.
pub fn add_below(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    input: &NewAgencyInput,
) -> Result<AgencyBelowView, AppError> {
    caller.require_office()?;
    let parent = queries::agency::get(tx, caller.agency_id)?.ok_or_else(|| {
        AppError::invalid(
            "full_name",
            format!("请先填写本机关的名称，再添加下级机关；{WHERE_TO_SET}"),
        )
    })?;
    let agency =
        Agency::new(&input.full_name, &input.short_name, &parent.full_name).map_err(refused)?;
    tx.take_turns(Job::Agency)?;
    let aliases: Vec<String> = Some(agency.short_name.clone())
        .filter(|s| !s.is_empty())
        .into_iter()
        .collect();
    for name in std::iter::once(&agency.full_name).chain(&aliases) {
        if let Some(other) = queries::divisions::by_name_or_alias(tx, caller.agency_id, name)? {
            return Err(AppError::Conflict(format!(
                "“{name}”已是“{}”的名称或别名，请换一个",
                other.name
            )));
        }
    }
    let now = queries::now();
    let id = queries::agency::next_id(tx)?;
    let row = queries::agency::insert(tx, id, Some(caller.agency_id), names(&agency), now)?;
    let unit = queries::divisions::insert(
        tx,
        &crate::db::models::NewDivision {
            name: &agency.full_name,
            aliases: crate::db::stored::Aliases::to_json(&aliases),
            kind: crate::domain::division::DivisionKind::Agency.as_str(),
            active: true,
            version: 1,
            created_at: now,
            agency_id: caller.agency_id,
            unit_agency_id: Some(id),
        },
    )?;
    // The account is made as the new agency's: the caller acts there for this one write.
    let there = Caller {
        agency_id: id,
        ..caller.clone()
    };
    let office = super::accounts::create_user(
        tx,
        &there,
        &super::accounts::NewUserInput {
            username: input.office_username.clone(),
            display_name: format!("{}办公室", display_short(&agency)),
            password: input.office_password.clone(),
            role: Role::Office,
            division_id: None,
            email: None,
            temporary: true,
        },
    )?;
    let view = AgencyBelowView {
        id: row.id,
        full_name: row.full_name,
        short_name: row.short_name,
        unit_id: unit.id,
        office_users: vec![office.username],
    };
    Audit::of("agency", id, "add_below").record_after(tx, caller, &view)?;
    Ok(view)
}

/// The name an agency's office goes by: its short name, else its full name.
fn display_short(a: &Agency) -> &str {
    if a.short_name.is_empty() {
        &a.full_name
    } else {
        &a.short_name
    }
}
