//! The office finishes what the import left open: real divisions for placeholders
//! (文件起草处室, 各有关处室), an item's lead and supporting divisions, and the date of an item
//! waiting on a higher authority; for one item or for many items of a plan at once. Every
//! change goes through `plans::update_item_as` (the path a dispute's reassignment takes
//! too), so it is checked, versioned and audited in one place.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::plans::{self, ItemPatch, ItemView, Responsible};
use super::Caller;
use crate::db::queries;
use crate::db::WriteTx;
use crate::domain::deadline::DeadlineKind;
use crate::domain::division::{resolve_assignment, AssignError, Entry, Named};
use crate::error::AppError;

/// An item's lead and supporting divisions, replacing the ones it has.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct DivisionsInput {
    /// The item's version as read (stale: 409).
    pub version: i32,
    /// Division names or aliases from the directory; a placeholder already on the item may
    /// stay as it is. At least one.
    pub lead: Vec<String>,
    #[serde(default)]
    pub support: Vec<String>,
}

/// The date a higher authority has set for an item waiting on it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct DueInput {
    /// The item's version as read (stale: 409).
    pub version: i32,
    pub due_on: NaiveDate,
}

/// One change for many items of a plan: their divisions, their date, or both. Each item
/// changes as it is now (no versions); the whole change is made or none of it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct BulkInput {
    /// The items' ids (all of this plan).
    pub items: Vec<i32>,
    /// New lead divisions (left as they are when absent).
    pub lead: Option<Vec<String>>,
    /// New supporting divisions (left as they are when absent; `[]` removes them).
    pub support: Option<Vec<String>>,
    /// The date a higher authority set (only for items waiting on one).
    pub due_on: Option<NaiveDate>,
}

/// What a bulk change did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BulkResult {
    pub updated: usize,
    pub items: Vec<ItemView>,
}

/// The most items one bulk change takes (a plan has a few hundred at most).
const BULK_MAX: usize = 500;

fn names(v: &[Responsible]) -> Vec<String> {
    v.iter().map(|r| r.name.clone()).collect()
}

/// Checks the names typed for an item against the directory and returns them as the
/// directory writes them (placeholders already on the item may stay).
fn checked(
    conn: &mut crate::db::DbConnection,
    item: &ItemView,
    lead: &[String],
    support: &[String],
) -> Result<(Vec<String>, Vec<String>), AppError> {
    let agency =
        queries::agency::owner_of_item(conn, item.id)?.ok_or(AppError::NotFound("事项"))?;
    let directory = queries::divisions::of_agency(conn, agency)?;
    let entries: Vec<Entry<'_>> = directory
        .iter()
        .map(|d| Entry {
            id: d.id,
            name: &d.name,
            aliases: d.alias_list(),
            active: d.active,
        })
        .collect();
    let kept: Vec<String> = item
        .lead
        .iter()
        .chain(&item.support)
        .filter(|r| r.division_id.is_none())
        .map(|r| r.name.clone())
        .collect();
    let (lead_named, support_named) =
        resolve_assignment(lead, support, &entries, &kept).map_err(|e| {
            let field = match &e {
                AssignError::NoLead => "lead",
                AssignError::Unknown(n) | AssignError::Inactive(n) | AssignError::Both(n)
                    if support.iter().any(|s| s.trim() == n) =>
                {
                    "support"
                }
                _ => "lead",
            };
            AppError::invalid(field, e.to_string())
        })?;
    let written = |v: Vec<Named>| {
        v.into_iter()
            .map(|n| match n {
                Named::Division(id) => directory
                    .iter()
                    .find(|d| d.id == id)
                    .map(|d| d.name.clone())
                    .unwrap_or_default(),
                Named::Placeholder(p) => p,
            })
            .collect::<Vec<_>>()
    };
    Ok((written(lead_named), written(support_named)))
}

/// Gives an item new lead and/or supporting divisions (the office); `None` leaves a part
/// as it is. Every name must be in the directory (or a placeholder already on the item).
pub fn assign(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    item_id: i32,
    version: i32,
    lead: Option<&[String]>,
    support: Option<&[String]>,
    action: &str,
) -> Result<ItemView, AppError> {
    caller.require_office()?;
    let item = plans::get_item(tx, item_id)?;
    let lead = lead.map_or_else(|| names(&item.lead), <[String]>::to_vec);
    let support = support.map_or_else(|| names(&item.support), <[String]>::to_vec);
    let (lead, support) = checked(tx, &item, &lead, &support)?;
    plans::update_item_as(
        tx,
        caller,
        item_id,
        &ItemPatch {
            version,
            lead: Some(lead),
            support: Some(support),
            ..Default::default()
        },
        action,
    )
}

/// Replaces an item's lead and supporting divisions (the office).
pub fn set_divisions(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    item_id: i32,
    input: &DivisionsInput,
) -> Result<ItemView, AppError> {
    assign(
        tx,
        caller,
        item_id,
        input.version,
        Some(&input.lead),
        Some(&input.support),
        "assign",
    )
}

/// Puts real divisions where an item names a placeholder (文件起草处室 → 法规宣传处、政策法规处),
/// in the part the placeholder stood in (the office).
pub fn replace_placeholder(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    item_id: i32,
    version: i32,
    placeholder: &str,
    with: &[String],
) -> Result<ItemView, AppError> {
    caller.require_office()?;
    let item = plans::get_item(tx, item_id)?;
    let placeholder = placeholder.trim();
    let with: Vec<String> = with
        .iter()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect();
    if with.is_empty() {
        return Err(AppError::invalid(
            "names",
            format!("请填写代替“{placeholder}”的处室"),
        ));
    }
    let swap = |v: &[Responsible]| -> (Vec<String>, bool) {
        let mut found = false;
        let mut out = Vec::new();
        for r in v {
            if r.division_id.is_none() && r.name == placeholder {
                found = true;
                out.extend(with.iter().cloned());
            } else {
                out.push(r.name.clone());
            }
        }
        (out, found)
    };
    let (lead, in_lead) = swap(&item.lead);
    let (support, in_support) = swap(&item.support);
    if !in_lead && !in_support {
        return Err(AppError::invalid(
            "placeholder",
            format!("本事项没有待指定的“{placeholder}”，请刷新页面后再试"),
        ));
    }
    assign(
        tx,
        caller,
        item_id,
        version,
        Some(&lead),
        Some(&support),
        "replace_placeholder",
    )
}

/// Refuses a date for an item that does not wait on a higher authority.
fn waits_on_authority(item: &crate::db::models::Item) -> bool {
    DeadlineKind::parse(&item.deadline_kind) == Some(DeadlineKind::PerHigherAuthority)
}

/// Sets the date a higher authority gave an item waiting on it (the office). The phrase as
/// written stays; the item records that the office set the date, and when.
pub fn set_due(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    item_id: i32,
    input: &DueInput,
) -> Result<ItemView, AppError> {
    caller.require_office()?;
    let item = queries::items::get(tx, item_id)?.ok_or(AppError::NotFound("事项"))?;
    if !waits_on_authority(&item) {
        return Err(AppError::invalid(
            "due_on",
            format!(
                "事项 {} 的完成时限“{}”不是按上级要求确定的，不在此设定日期",
                item.number, item.deadline_raw
            ),
        ));
    }
    plans::update_item_as(
        tx,
        caller,
        item_id,
        &ItemPatch {
            version: input.version,
            due_on: Some(input.due_on),
            ..Default::default()
        },
        "set_due",
    )
}

/// Changes many items of a plan at once (the office): their divisions, their date, or both.
/// Checked first for every item, then made for all, in one transaction.
pub fn bulk(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    plan_id: i32,
    input: &BulkInput,
) -> Result<BulkResult, AppError> {
    caller.require_office()?;
    plans::get(tx, plan_id)?;
    let mut ids = input.items.clone();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(AppError::invalid("items", "请先勾选要调整的事项"));
    }
    if ids.len() > BULK_MAX {
        return Err(AppError::invalid(
            "items",
            format!("一次最多调整 {BULK_MAX} 个事项，请分批进行"),
        ));
    }
    if input.lead.is_none() && input.support.is_none() && input.due_on.is_none() {
        return Err(AppError::invalid(
            "lead",
            "请填写要设定的牵头处室、配合处室或完成日期",
        ));
    }
    let mut items = Vec::new();
    for id in &ids {
        match queries::items::get(tx, *id)? {
            Some(i) if i.plan_id == plan_id => items.push(i),
            _ => {
                return Err(AppError::invalid(
                    "items",
                    format!("勾选的事项（编号 {id}）不在本计划中，请刷新页面后再试"),
                ))
            }
        }
    }
    if input.due_on.is_some() {
        let not_waiting: Vec<&str> = items
            .iter()
            .filter(|i| !waits_on_authority(i))
            .map(|i| i.number.as_str())
            .collect();
        if !not_waiting.is_empty() {
            return Err(AppError::invalid(
                "due_on",
                format!(
                    "事项 {} 的完成时限不是按上级要求确定的，不能设定日期；请只勾选“待上级部署”的事项",
                    not_waiting.join("、")
                ),
            ));
        }
    }
    let mut done = Vec::new();
    for item in &items {
        let mut view = None;
        if input.lead.is_some() || input.support.is_some() {
            let version = current_version(tx, item.id)?;
            view = Some(
                assign(
                    tx,
                    caller,
                    item.id,
                    version,
                    input.lead.as_deref(),
                    input.support.as_deref(),
                    "assign",
                )
                .map_err(|e| in_item(e, &item.number))?,
            );
        }
        if let Some(due_on) = input.due_on {
            let version = current_version(tx, item.id)?;
            view = Some(set_due(tx, caller, item.id, &DueInput { version, due_on })?);
        }
        done.extend(view);
    }
    Ok(BulkResult {
        updated: done.len(),
        items: done,
    })
}

fn current_version(conn: &mut crate::db::DbConnection, id: i32) -> Result<i32, AppError> {
    Ok(queries::items::get(conn, id)?
        .ok_or(AppError::NotFound("事项"))?
        .version)
}

/// A refusal for one item of a bulk change, saying which item.
fn in_item(e: AppError, number: &str) -> AppError {
    match e {
        AppError::Invalid { field, message } => AppError::Invalid {
            field,
            message: format!("事项 {number}：{message}"),
        },
        other => other,
    }
}
