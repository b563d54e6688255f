//! The division directory (names, aliases, kinds).

use serde::{Deserialize, Serialize};

use super::{Audit, Caller};
use crate::db::models::{Division, NewDivision};
use crate::db::queries::{self, divisions::DivisionChange};
use crate::db::stored::Aliases;
use crate::db::{DbConnection, WriteTx};
use crate::domain::division::{normalise_name, parse_aliases, DivisionKind};
use crate::error::AppError;

/// A division as the API and pages show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DivisionView {
    pub id: i32,
    pub name: String,
    pub aliases: Vec<String>,
    pub kind: DivisionKind,
    pub active: bool,
    pub version: i32,
}

impl From<&Division> for DivisionView {
    fn from(d: &Division) -> Self {
        DivisionView {
            id: d.id,
            name: d.name.clone(),
            aliases: d.alias_list().to_vec(),
            kind: DivisionKind::parse(&d.kind).unwrap_or(DivisionKind::Internal),
            active: d.active,
            version: d.version,
        }
    }
}

/// What the office fills in to add a division.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewDivisionInput {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub kind: DivisionKind,
}

/// What the office may change about a division; `version` is the one it read.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DivisionPatch {
    pub version: i32,
    pub name: Option<String>,
    pub aliases: Option<Vec<String>>,
    pub kind: Option<DivisionKind>,
    pub active: Option<bool>,
}

/// The name and aliases as stored: normalised, and the aliases split and checked.
fn clean(name: &str, aliases: &[String]) -> Result<(String, Vec<String>), AppError> {
    let name = normalise_name(name).map_err(|e| AppError::invalid("name", e.to_string()))?;
    let aliases = parse_aliases(&name, &aliases.join("、"))
        .map_err(|e| AppError::invalid("aliases", e.to_string()))?;
    Ok((name, aliases))
}

/// Refuses a name or alias that another division already answers to.
fn check_free(
    conn: &mut DbConnection,
    agency_id: i32,
    own_id: Option<i32>,
    names: impl IntoIterator<Item = String>,
) -> Result<(), AppError> {
    for n in names {
        if let Some(other) = queries::divisions::by_name_or_alias(conn, agency_id, &n)? {
            if Some(other.id) != own_id {
                return Err(AppError::Conflict(format!(
                    "“{n}”已是处室“{}”的名称或别名，请换一个",
                    other.name
                )));
            }
        }
    }
    Ok(())
}

/// Every unit in the directory of the agency the caller acts in.
pub fn list(conn: &mut DbConnection, caller: &Caller) -> Result<Vec<DivisionView>, AppError> {
    Ok(queries::divisions::of_agency(conn, caller.agency_id)?
        .iter()
        .map(DivisionView::from)
        .collect())
}

/// Adds a division.
pub fn create(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    input: &NewDivisionInput,
) -> Result<DivisionView, AppError> {
    caller.require_office()?;
    let (name, aliases) = clean(&input.name, &input.aliases)?;
    if input.kind == DivisionKind::Agency {
        return Err(AppError::invalid(
            "kind",
            "下级机关请在“系统管理 → 下级机关”中添加，会同时建立其办公室账号",
        ));
    }
    check_free(
        tx,
        caller.agency_id,
        None,
        std::iter::once(name.clone()).chain(aliases.iter().cloned()),
    )?;
    let d = queries::divisions::insert(
        tx,
        &NewDivision {
            name: &name,
            aliases: Aliases::to_json(&aliases),
            kind: input.kind.as_str(),
            active: true,
            version: 1,
            created_at: queries::now(),
            agency_id: caller.agency_id,
            unit_agency_id: None,
        },
    )?;
    let view = DivisionView::from(&d);
    Audit::of("division", d.id, "create").record_after(tx, caller, &view)?;
    Ok(view)
}

/// Changes a division, refusing a stale version.
pub fn update(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    id: i32,
    patch: &DivisionPatch,
) -> Result<DivisionView, AppError> {
    caller.require_office()?;
    let before = queries::divisions::get(tx, id)?.ok_or(AppError::NotFound("处室"))?;
    let before_view = DivisionView::from(&before);
    let name = patch.name.clone().unwrap_or_else(|| before.name.clone());
    let aliases = match &patch.aliases {
        Some(a) => a.clone(),
        None => before.alias_list().to_vec(),
    };
    let (name, aliases) = clean(&name, &aliases)?;
    if before.agency_id != caller.agency_id {
        return Err(AppError::NotFound("处室"));
    }
    let kind_of_before = DivisionKind::parse(&before.kind);
    if patch.kind.is_some_and(|k| {
        (k == DivisionKind::Agency) != (kind_of_before == Some(DivisionKind::Agency))
    }) {
        return Err(AppError::invalid(
            "kind",
            "下级机关与处室不能互相转换，请另行添加",
        ));
    }
    check_free(
        tx,
        caller.agency_id,
        Some(id),
        std::iter::once(name.clone()).chain(aliases.iter().cloned()),
    )?;
    let change = DivisionChange {
        name: Some(&name),
        aliases: Some(Aliases::to_json(&aliases)),
        kind: patch.kind.map(DivisionKind::as_str),
        active: patch.active,
    };
    let after = queries::divisions::update(tx, id, patch.version, &change)?
        .ok_or_else(|| AppError::stale("该处室"))?;
    let view = DivisionView::from(&after);
    Audit::of("division", id, "update").record_change(tx, caller, &before_view, &view)?;
    Ok(view)
}
