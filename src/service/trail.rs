//! Reading the audit trail (the office only; writing it is `service::Audit`).

use std::collections::HashMap;

use serde::Serialize;

use super::Caller;
use crate::db::models::AuditEntry;
use crate::db::queries;
use crate::db::DbConnection;
use crate::domain::paging::{Page, PER_PAGE};
use crate::domain::{access, audit, person};
use crate::error::AppError;

pub use crate::db::queries::audit::AuditFilter;

fn require_reader(caller: &Caller) -> Result<(), AppError> {
    if access::may_read_audit(caller.role) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "只有办公室可以查看操作记录".to_string(),
        ))
    }
}

/// The newest entries that match, newest first, if the caller may read the trail.
pub fn list(
    conn: &mut DbConnection,
    caller: &Caller,
    filter: &AuditFilter,
) -> Result<Vec<AuditEntry>, AppError> {
    require_reader(caller)?;
    let mut f = filter.clone();
    f.agency_id = Some(caller.agency_id);
    Ok(queries::audit::list(conn, &f)?)
}

/// An item an entry is about, as a link names it.
#[derive(Debug, Clone, Serialize)]
pub struct ItemRef {
    pub id: i32,
    pub number: String,
    pub task: String,
}

/// One entry as the trail page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct TrailRow {
    pub id: i32,
    /// Stored UTC; the page shows it in the agency's zone.
    pub at: chrono::NaiveDateTime,
    /// Who did it, by name (the user's name now; the recorded name when no user).
    pub who: String,
    /// 登录, 报送报告, ….
    pub action: String,
    /// What the entry is about: 报告, 用户, ….
    pub entity: &'static str,
    pub item: Option<ItemRef>,
    /// What changed, in words.
    pub summary: String,
    /// Where a login or logout came from.
    pub address: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// One page of the trail with what its filters need.
#[derive(Debug, Clone)]
pub struct TrailPage {
    pub rows: Vec<TrailRow>,
    pub page: Page,
    /// Everyone who may appear as 操作人, by name, for the who filter.
    pub people: Vec<(i32, String)>,
    /// The item filtered on, if any.
    pub item: Option<ItemRef>,
}

fn item_ref(conn: &mut DbConnection, id: i32) -> Result<Option<ItemRef>, AppError> {
    Ok(queries::items::get(conn, id)?.map(|i| ItemRef {
        id: i.id,
        number: i.number,
        task: i.task,
    }))
}

fn json(text: Option<&str>) -> Option<serde_json::Value> {
    text.and_then(|t| serde_json::from_str(t).ok())
}

/// Page `page_no` (1-based, 50 a page) of the entries that match `filter` (its offset and
/// limit are set here), newest first, each with its operator's name, its action's label,
/// its item and a summary in words.
pub fn page(
    conn: &mut DbConnection,
    caller: &Caller,
    filter: &AuditFilter,
    page_no: usize,
) -> Result<TrailPage, AppError> {
    require_reader(caller)?;
    let mut f = filter.clone();
    f.agency_id = Some(caller.agency_id);
    let total = queries::audit::count(conn, &f)?;
    let page = Page::of(usize::try_from(total).unwrap_or(0), page_no, PER_PAGE);
    f.offset = page.start as i64;
    f.limit = PER_PAGE as i64;
    f.before_id = None;
    let entries = queries::audit::list(conn, &f)?;

    let users = queries::users::list(conn)?;
    let names: HashMap<i32, String> = users
        .iter()
        .map(|u| {
            (
                u.id,
                person::shown_name(&u.display_name, &u.username).to_string(),
            )
        })
        .collect();
    let ids_of = |entity: &str| -> Vec<i32> {
        entries
            .iter()
            .filter(|e| e.entity == entity)
            .filter_map(|e| e.entity_id)
            .collect()
    };
    let report_items: HashMap<i32, i32> =
        queries::audit::items_of_reports(conn, &ids_of("report"))?
            .into_iter()
            .collect();
    let evidence_items: HashMap<i32, i32> =
        queries::audit::items_of_evidence(conn, &ids_of("evidence"))?
            .into_iter()
            .collect();
    let mut items: HashMap<i32, Option<ItemRef>> = HashMap::new();
    let mut rows = Vec::with_capacity(entries.len());
    for e in entries {
        let (before, after) = (
            json(e.before_json.as_deref()),
            json(e.after_json.as_deref()),
        );
        let from_json = || {
            [&after, &before]
                .into_iter()
                .flatten()
                .find_map(|v| v.get("item_id").and_then(serde_json::Value::as_i64))
                .and_then(|i| i32::try_from(i).ok())
        };
        let item_id = match (e.entity.as_str(), e.entity_id) {
            ("item", id) => id,
            ("report", Some(id)) => report_items.get(&id).copied(),
            ("evidence", Some(id)) => evidence_items.get(&id).copied(),
            ("urging" | "extension" | "evaluation", _) => from_json(),
            _ => None,
        };
        let item = match item_id {
            Some(id) => {
                if let std::collections::hash_map::Entry::Vacant(slot) = items.entry(id) {
                    slot.insert(item_ref(conn, id)?);
                }
                items.get(&id).cloned().flatten()
            }
            None => None,
        };
        rows.push(TrailRow {
            id: e.id,
            at: e.at,
            who: e
                .actor_id
                .and_then(|id| names.get(&id).cloned())
                .unwrap_or_else(|| e.actor_name.clone()),
            action: audit::action_label(&e.entity, &e.action),
            entity: audit::entity_label(&e.entity),
            item,
            summary: audit::summary(before.as_ref(), after.as_ref()),
            address: e.address,
            before_json: e.before_json,
            after_json: e.after_json,
        });
    }
    let mut people: Vec<(i32, String)> = names.into_iter().collect();
    people.sort_by(|a, b| a.1.cmp(&b.1));
    let item = match filter.item_id {
        Some(id) => item_ref(conn, id)?,
        None => None,
    };
    Ok(TrailPage {
        rows,
        page,
        people,
        item,
    })
}
