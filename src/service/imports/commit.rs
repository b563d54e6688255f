//! The commit: a new plan or a revision of an existing one, written in the caller's
//! transaction, and what it did.

use std::collections::HashMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::items::{
    insert_new_items, section_for, update_item_from_draft, write_assignments, Written,
};
use super::names::{resolve_names, NameDecision};
use crate::db::models::{Item, NewPlan};
use crate::db::queries;
use crate::db::{DbConnection, WriteTx};
use crate::domain::revision::{self, Change, ItemFacts};
use crate::error::AppError;
use crate::import::{DraftItem, PlanDraft};
use crate::service::{stored_json, Audit, Caller};

/// The commit's settings.
#[derive(Debug, Clone, Default)]
pub struct CommitOptions {
    pub title: Option<String>,
    /// Revise this plan (default: the plan of the same year and title, if any).
    pub plan_id: Option<i32>,
    /// Decisions per unknown name; unknown names without one are created as internal divisions.
    pub decisions: HashMap<String, NameDecision>,
}

/// What a commit did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CommitResult {
    /// The plan's id.
    pub id: i32,
    pub title: String,
    pub year: i32,
    /// False when the same file had already been imported (nothing was written).
    pub changed: bool,
    /// True when an existing plan was revised rather than a new one made.
    pub revised: bool,
    pub items_added: usize,
    pub items_updated: usize,
    pub items_removed: usize,
    /// Numbers the revision drops that already have reports: kept, for the office to decide.
    pub items_kept: Vec<String>,
    /// Names added to the directory by this import.
    pub new_divisions: Vec<String>,
    /// Names kept as placeholders for the office to resolve.
    pub placeholders: Vec<String>,
    pub warnings: usize,
}

/// The file's SHA-256, which recognises a repeated import of the same file.
pub fn file_hash(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Commits a previewed draft: a new plan, or a revision of the plan of the same year and
/// title (items matched by number; reports and evidence kept). All in the caller's
/// transaction.
pub fn commit(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    draft: &PlanDraft,
    year: i32,
    sha256: &str,
    opts: &CommitOptions,
) -> Result<CommitResult, AppError> {
    caller.require_office()?;
    let title = title_of(draft, year, opts);
    let existing = target_plan(tx, caller.agency_id, year, &title, opts.plan_id)?;
    let mut result = CommitResult {
        id: 0,
        title: title.clone(),
        year,
        changed: true,
        revised: existing.is_some(),
        items_added: 0,
        items_updated: 0,
        items_removed: 0,
        items_kept: Vec::new(),
        new_divisions: Vec::new(),
        placeholders: Vec::new(),
        warnings: draft.warnings.len(),
    };
    if let Some(plan) = &existing {
        result.id = plan.id;
        result.title = plan.title.clone();
        if plan.source_sha256.as_deref() == Some(sha256) {
            result.changed = false;
            return Ok(result);
        }
    }
    let now = queries::now();
    let columns = serde_json::to_string(&draft.source.columns).unwrap_or_else(|_| "[]".to_string());
    let plan_id = match &existing {
        Some(plan) => {
            queries::plans::record_revision(
                tx,
                plan.id,
                &draft.source.file,
                sha256,
                &columns,
                now,
            )?;
            plan.id
        }
        None => {
            let format = serde_json::to_value(draft.source.format)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string));
            queries::plans::insert(
                tx,
                &NewPlan {
                    year,
                    title: &title,
                    document_number: None,
                    source_file: Some(&draft.source.file),
                    source_format: format.as_deref(),
                    source_sha256: Some(sha256),
                    version: 1,
                    created_by: caller.user_id,
                    created_at: now,
                    updated_at: now,
                    source_columns: &columns,
                    agency_id: caller.agency_id,
                    upper_plan_id: None,
                },
            )?
            .id
        }
    };
    result.id = plan_id;

    let resolved = resolve_names(tx, caller, draft, opts, &mut result)?;
    let directory = queries::divisions::of_agency(tx, caller.agency_id)?;
    let mut section_ids: HashMap<Vec<String>, i32> = HashMap::new();
    let current = if existing.is_some() {
        current_facts(tx, plan_id)?
    } else {
        Vec::new()
    };
    let current_by_number: HashMap<&str, &(Item, ItemFacts)> =
        current.iter().map(|c| (c.1.number.as_str(), c)).collect();
    let mut new_items: Vec<(i32, Option<i32>, &DraftItem)> = Vec::new();
    for (position, item) in draft.items.iter().enumerate() {
        let section_id = section_for(tx, plan_id, &item.section, &mut section_ids)?;
        let position = position as i32 + 1;
        match current_by_number.get(item.number.as_str()) {
            None => new_items.push((position, section_id, item)),
            Some((old, facts)) => {
                let new_facts = &draft_facts_one(item);
                let changes =
                    revision::diff(std::slice::from_ref(facts), std::slice::from_ref(new_facts));
                update_item_from_draft(tx, old, section_id, position, item, !changes.is_empty())?;
                if changes.iter().any(|c| matches!(c, Change::Changed { fields, .. } if fields.iter().any(|f| f == "lead" || f == "support"))) {
                    write_assignments(tx, old.id, item, &resolved, &directory)?;
                }
                if !changes.is_empty() {
                    result.items_updated += 1;
                }
            }
        }
    }
    insert_new_items(tx, plan_id, &new_items, &resolved, &directory)?;
    result.items_added += new_items.len();
    let numbers: std::collections::HashSet<&str> =
        draft.items.iter().map(|i| i.number.as_str()).collect();
    for (old, facts) in &current {
        if numbers.contains(facts.number.as_str()) {
            continue;
        }
        if queries::items::has_work(tx, old.id)? {
            result.items_kept.push(facts.number.clone());
        } else {
            queries::items::delete(tx, old.id)?;
            result.items_removed += 1;
        }
    }
    if existing.as_ref().is_some_and(|p| p.upper_plan_id.is_some()) {
        let imported: Vec<ItemFacts> = draft.items.iter().map(draft_facts_one).collect();
        crate::service::cascade::link_imported(tx, plan_id, &imported)?;
    }
    Audit::of(
        "plan",
        plan_id,
        if existing.is_some() {
            "revise"
        } else {
            "import"
        },
    )
    .record_after(tx, caller, &result)?;
    Ok(result)
}

pub(super) fn draft_facts_one(item: &DraftItem) -> ItemFacts {
    ItemFacts {
        number: item.number.clone(),
        task: item.task.clone(),
        requirement: item.requirement.clone(),
        deadline: item.deadline.raw.clone(),
        lead: item.lead.clone(),
        support: item.support.clone(),
    }
}

pub(super) fn title_of(draft: &PlanDraft, year: i32, opts: &CommitOptions) -> String {
    opts.title
        .clone()
        .or_else(|| draft.title.clone())
        .unwrap_or_else(|| format!("{year}年政务公开工作要点"))
        .trim()
        .to_string()
}

pub(super) fn target_plan(
    conn: &mut DbConnection,
    agency_id: i32,
    year: i32,
    title: &str,
    plan_id: Option<i32>,
) -> Result<Option<crate::db::models::Plan>, AppError> {
    match plan_id {
        // Only the agency's own plans can be revised; another's reads as absent.
        Some(id) => Ok(Some(
            queries::plans::get(conn, id)?
                .filter(|p| p.agency_id == agency_id)
                .ok_or(AppError::NotFound("要修订的计划"))?,
        )),
        None => Ok(queries::plans::by_year_and_title(
            conn, agency_id, year, title,
        )?),
    }
}

pub(super) fn current_facts(
    conn: &mut DbConnection,
    plan_id: i32,
) -> Result<Vec<(Item, ItemFacts)>, AppError> {
    queries::items::list(conn, plan_id, None)?
        .into_iter()
        .map(|i| {
            let w: Written = stored_json(&i.divisions_written, "事项原文责任单位")?;
            let facts = ItemFacts {
                number: i.number.clone(),
                task: i.task.clone(),
                requirement: i.requirement.clone(),
                deadline: i.deadline_raw.clone(),
                lead: w.lead,
                support: w.support,
            };
            Ok((i, facts))
        })
        .collect()
}
