//! The agency this deployment serves (机关信息): read by everyone, set once from the
//! configuration at the first start, then edited by the office under 系统管理.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{Audit, Caller};
use crate::db::queries::{self, agency::AgencyRow, agency::Names};
use crate::db::{DbConnection, Job, WriteTx};
use crate::domain::agency::{Agency, AgencyError};
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

/// The agency's names for titles and file names; `None` while not set.
pub fn current(conn: &mut DbConnection) -> Result<Option<Agency>, AppError> {
    Ok(queries::agency::get(conn)?.as_ref().map(names_of))
}

/// The agency as stored. Every role may read it: it is printed on every file they download.
pub fn get(conn: &mut DbConnection, _caller: &Caller) -> Result<AgencyView, AppError> {
    Ok(queries::agency::get(conn)?
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
    match queries::agency::get(tx)? {
        None if input.version == 0 => {
            let row = queries::agency::insert(tx, names(&agency), now)?;
            Audit::of("agency", row.id, "create").record_after(tx, caller, &agency)?;
            Ok(AgencyView::from(&row))
        }
        None => Err(AppError::stale("机关信息")),
        Some(before) => {
            let row = queries::agency::update(tx, input.version, names(&agency), now)?
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
    if let Some(row) = queries::agency::get(tx)? {
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
    let row = queries::agency::insert(tx, names(&agency), queries::now())?;
    Audit::of("agency", row.id, "seed").record_by(
        tx,
        None,
        FIRST_START,
        None::<&Agency>,
        Some(&agency),
    )?;
    Ok(Seeded::Created(row.full_name))
}
