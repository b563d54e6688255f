//! Writing a plan's items: sections, the items themselves (new in bulk, revised one by
//! one), their targets, and their assignments with groups expanded.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::names::Resolved;
use crate::db::models::{Division, Item, NewAssignment, NewItem, NewTarget};
use crate::db::queries;
use crate::db::WriteTx;
use crate::error::AppError;
use crate::import::DraftItem;
use crate::service::supervision;

/// The divisions as written, stored with each item.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Written {
    pub lead: Vec<String>,
    pub support: Vec<String>,
}

pub(super) fn section_for(
    tx: &mut WriteTx<'_>,
    plan_id: i32,
    path: &[String],
    known: &mut HashMap<Vec<String>, i32>,
) -> Result<Option<i32>, AppError> {
    let mut parent = None;
    for depth in 1..=path.len() {
        let key = path[..depth].to_vec();
        let id = match known.get(&key) {
            Some(id) => *id,
            None => {
                let id = queries::items::insert_section(
                    tx,
                    plan_id,
                    parent,
                    known.len() as i32 + 1,
                    &path[depth - 1],
                )?;
                known.insert(key, id);
                id
            }
        };
        parent = Some(id);
    }
    Ok(parent)
}

struct DeadlineColumns {
    kind: String,
    raw: String,
    due: Option<chrono::NaiveDate>,
    detail: String,
}

fn deadline_columns(item: &DraftItem) -> DeadlineColumns {
    DeadlineColumns {
        kind: item.deadline.kind.as_str().to_string(),
        raw: item.deadline.raw.clone(),
        due: item.deadline.due,
        detail: serde_json::to_string(&item.deadline).unwrap_or_else(|_| "{}".to_string()),
    }
}

fn written_json(item: &DraftItem) -> String {
    serde_json::to_string(&Written {
        lead: item.lead.clone(),
        support: item.support.clone(),
    })
    .unwrap_or_else(|_| "{}".to_string())
}

/// Adds the items a commit brings, in a few multi-row statements (a 10,000-item plan was
/// 80,000 single-row statements): the items, then their assignments, targets and the lead
/// divisions' 新分工 notices. `new` holds (position, section id, item).
pub(super) fn insert_new_items(
    tx: &mut WriteTx<'_>,
    plan_id: i32,
    new: &[(i32, Option<i32>, &DraftItem)],
    resolved: &HashMap<String, Resolved>,
    directory: &[Division],
) -> Result<(), AppError> {
    if new.is_empty() {
        return Ok(());
    }
    let now = queries::now();
    let columns: Vec<(DeadlineColumns, String)> = new
        .iter()
        .map(|(_, _, item)| (deadline_columns(item), written_json(item)))
        .collect();
    let rows: Vec<NewItem> = new
        .iter()
        .zip(&columns)
        .map(|((position, section_id, item), (d, written))| NewItem {
            plan_id,
            section_id: *section_id,
            position: *position,
            number: &item.number,
            task: &item.task,
            requirement: &item.requirement,
            deadline_raw: &d.raw,
            deadline_kind: &d.kind,
            deadline_due: d.due,
            deadline_detail: &d.detail,
            deadline_inferred: item.deadline_inferred,
            source_sheet: item.source.sheet.as_deref(),
            source_row: Some(item.source.row as i32),
            origin_item_id: None,
            version: 1,
            created_at: now,
            updated_at: now,
            divisions_written: written,
            upper_item_id: None,
            upper_version: None,
        })
        .collect();
    let before = queries::items::max_id(tx)?;
    queries::items::insert_many(tx, &rows)?;
    let ids = queries::items::ids_by_position_after(tx, plan_id, before)?;
    let id_of = |position: &i32| {
        ids.get(position)
            .copied()
            .ok_or_else(|| AppError::Internal(format!("imported item at {position} not found")))
    };
    let mut assignments: Vec<(i32, i32, AssignmentRow)> = Vec::new();
    let mut notices: Vec<(i32, String, Vec<i32>)> = Vec::new();
    for (position, _, item) in new {
        let id = id_of(position)?;
        let rows = assignment_rows(item, resolved, directory);
        let leads: Vec<i32> = rows
            .iter()
            .filter(|(role, _, _)| *role == "lead")
            .filter_map(|(_, d, _)| *d)
            .collect();
        notices.push((id, format!("{}. {}", item.number, item.task), leads));
        for (k, row) in rows.into_iter().enumerate() {
            assignments.push((id, k as i32, row));
        }
    }
    let assignment_rows: Vec<NewAssignment> = assignments
        .iter()
        .map(
            |(item_id, position, (role, division_id, placeholder))| NewAssignment {
                item_id: *item_id,
                role,
                division_id: *division_id,
                placeholder: placeholder.as_deref(),
                position: *position,
            },
        )
        .collect();
    queries::items::insert_assignments(tx, &assignment_rows)?;
    let mut targets: Vec<NewTarget> = Vec::new();
    for (position, _, item) in new {
        let item_id = id_of(position)?;
        targets.extend(item.targets.iter().map(|t| NewTarget {
            item_id,
            raw: &t.raw,
            min_count: t.min_count as i32,
            unit: &t.unit,
            per: t.per.map(|p| p.as_str()),
        }));
    }
    queries::items::insert_targets(tx, &targets)?;
    supervision::notify_assigned_many(tx, plan_id, &notices)?;
    Ok(())
}

pub(super) fn update_item_from_draft(
    tx: &mut WriteTx<'_>,
    old: &Item,
    section_id: Option<i32>,
    position: i32,
    item: &DraftItem,
    content_changed: bool,
) -> Result<(), AppError> {
    let d = deadline_columns(item);
    let written = written_json(item);
    queries::items::apply_revision(
        tx,
        old.id,
        &queries::items::RevisedItem {
            section_id,
            position,
            task: &item.task,
            requirement: &item.requirement,
            deadline_raw: &d.raw,
            deadline_kind: &d.kind,
            deadline_due: d.due,
            deadline_detail: &d.detail,
            deadline_inferred: item.deadline_inferred,
            source_sheet: item.source.sheet.as_deref(),
            source_row: Some(item.source.row as i32),
            divisions_written: &written,
            updated_at: queries::now(),
        },
        content_changed,
    )?;
    if content_changed {
        queries::items::replace_unlogged_targets(tx, old.id)?;
        insert_targets(tx, old.id, item)?;
    }
    Ok(())
}

fn insert_targets(tx: &mut WriteTx<'_>, item_id: i32, item: &DraftItem) -> Result<(), AppError> {
    for t in &item.targets {
        queries::items::insert_target(
            tx,
            item_id,
            &t.raw,
            t.min_count as i32,
            &t.unit,
            t.per.map(|p| p.as_str()),
        )?;
    }
    Ok(())
}

pub(super) fn write_assignments(
    tx: &mut WriteTx<'_>,
    item_id: i32,
    item: &DraftItem,
    resolved: &HashMap<String, Resolved>,
    directory: &[Division],
) -> Result<(), AppError> {
    let rows = assignment_rows(item, resolved, directory);
    let new: Vec<NewAssignment> = rows
        .iter()
        .enumerate()
        .map(|(i, (role, division_id, placeholder))| NewAssignment {
            item_id,
            role,
            division_id: *division_id,
            placeholder: placeholder.as_deref(),
            position: i as i32,
        })
        .collect();
    queries::items::replace_assignments(tx, item_id, &new)?;
    Ok(())
}

/// One assignment of an item: role, division id or placeholder.
type AssignmentRow = (&'static str, Option<i32>, Option<String>);

/// An item's assignments in order: groups expanded to their members, each division once.
fn assignment_rows(
    item: &DraftItem,
    resolved: &HashMap<String, Resolved>,
    directory: &[Division],
) -> Vec<AssignmentRow> {
    let mut rows: Vec<AssignmentRow> = Vec::new();
    let mut taken: Vec<i32> = Vec::new();
    for (part, names) in [("lead", &item.lead), ("support", &item.support)] {
        for name in names {
            let targets: Vec<(Option<i32>, Option<String>)> = match resolved.get(name) {
                Some(Resolved::Division(id)) => vec![(Some(*id), None)],
                Some(Resolved::Group(kind)) => {
                    let members: Vec<(Option<i32>, Option<String>)> = directory
                        .iter()
                        .filter(|d| d.active && d.kind == kind.as_str())
                        .map(|d| (Some(d.id), None))
                        .collect();
                    if members.is_empty() {
                        vec![(None, Some(name.clone()))]
                    } else {
                        members
                    }
                }
                Some(Resolved::Placeholder) | None => vec![(None, Some(name.clone()))],
            };
            for (division_id, placeholder) in targets {
                if let Some(d) = division_id {
                    if taken.contains(&d) {
                        continue;
                    }
                    taken.push(d);
                }
                rows.push((part, division_id, placeholder));
            }
        }
    }
    rows
}
