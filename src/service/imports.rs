//! Plan import: preview a file against the directory, then commit it in one transaction.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Audit, Caller};
use crate::db::models::{Division, Item, NewAssignment, NewItem, NewPlan, NewTarget};
use crate::db::queries;
use crate::db::{DbConnection, WriteTx};
use crate::domain::division::DivisionKind;
use crate::domain::responsible::NameKind;
use crate::domain::revision::{self, Change, ItemFacts};
use crate::error::AppError;
use crate::import::{self, DraftItem, ImportError, ImportOptions, PlanDraft};

impl From<ImportError> for AppError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::TooLarge { limit } => AppError::TooLarge { limit },
            other => AppError::invalid("file", other.to_string()),
        }
    }
}

/// How a name written in the plan stands against the directory.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum NameStatus {
    /// A directory entry answers to it (by name or alias).
    Known { division_id: i32, division: String },
    /// Not in the directory: the office decides (create, map, or keep as placeholder).
    Unknown,
    /// 各处室 / 局属各单位: all divisions of a kind, expanded at commit.
    Group,
    /// 各有关处室 …: kept as written until the office names real divisions.
    Placeholder,
}

/// One distinct division name of the draft and its standing.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NameReport {
    pub name: String,
    #[serde(flatten)]
    pub status: NameStatus,
    /// How many items name it.
    pub items: usize,
}

/// The dry-run document plus how the plan's division names meet the directory.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Preview {
    #[serde(flatten)]
    pub draft: PlanDraft,
    pub divisions: Vec<NameReport>,
    /// When the plan exists already: what committing this file would change in it.
    pub revision: Option<RevisionPreview>,
}

/// What a commit would do to an existing plan.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RevisionPreview {
    pub plan_id: i32,
    pub title: String,
    /// The same file was imported before: committing changes nothing.
    pub identical: bool,
    pub changes: Vec<Change>,
}

/// The directory entry a written name means: itself, an alias, or (for 甲处（乙处）) either name.
fn lookup<'a>(directory: &'a [Division], name: &str) -> Option<&'a Division> {
    let by = |n: &str| {
        directory
            .iter()
            .find(|d| d.name == n || d.alias_list().iter().any(|a| a == n))
    };
    by(name).or_else(|| {
        let (outer, inner) = split_second_name(name)?;
        by(outer).or_else(|| by(inner))
    })
}

/// 体育产业处（保卫处） → (体育产业处, 保卫处).
fn split_second_name(name: &str) -> Option<(&str, &str)> {
    let open = name.find(['（', '('])?;
    let close = name.rfind(['）', ')'])?;
    let inner = &name[open..close];
    let inner = inner.trim_start_matches(['（', '(']);
    (close > open).then(|| (name[..open].trim(), inner.trim()))
}

fn names_of(draft: &PlanDraft) -> BTreeMap<String, usize> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for item in &draft.items {
        for n in item.lead.iter().chain(&item.support) {
            *counts.entry(n.clone()).or_default() += 1;
        }
    }
    counts
}

/// Where each written name stands against `directory`.
pub fn name_reports(draft: &PlanDraft, directory: &[Division]) -> Vec<NameReport> {
    names_of(draft)
        .into_iter()
        .map(|(name, items)| {
            let status = match import::name_kind(&name) {
                NameKind::Group => NameStatus::Group,
                NameKind::Placeholder => NameStatus::Placeholder,
                NameKind::Division => match lookup(directory, &name) {
                    Some(d) => NameStatus::Known {
                        division_id: d.id,
                        division: d.name.clone(),
                    },
                    None => NameStatus::Unknown,
                },
            };
            NameReport {
                name,
                status,
                items,
            }
        })
        .collect()
}

/// Reads a file and reports it against the directory (empty when there is none).
pub fn preview(
    bytes: &[u8],
    file_name: &str,
    opts: &ImportOptions,
    directory: &[Division],
) -> Result<Preview, ImportError> {
    // Names the directory knows are never doubted in the preview's warnings.
    let mut opts = opts.clone();
    opts.known_names = directory
        .iter()
        .flat_map(|d| std::iter::once(d.name.clone()).chain(d.alias_list().iter().cloned()))
        .collect();
    let draft = import::read_plan(bytes, file_name, &opts)?;
    let divisions = name_reports(&draft, directory);
    Ok(Preview {
        draft,
        divisions,
        revision: None,
    })
}

/// Previews against the database: the directory, and the plan this file would revise.
pub fn preview_in_db(
    conn: &mut DbConnection,
    bytes: &[u8],
    file_name: &str,
    opts: &ImportOptions,
    commit: &CommitOptions,
) -> Result<Preview, AppError> {
    let directory = queries::divisions::list(conn)?;
    let mut p = preview(bytes, file_name, opts, &directory)?;
    let title = title_of(&p.draft, opts.year, commit);
    if let Some(plan) = target_plan(conn, opts.year, &title, commit.plan_id)? {
        let sha = file_hash(bytes);
        let current: Vec<ItemFacts> = current_facts(conn, plan.id)?
            .into_iter()
            .map(|(_, f)| f)
            .collect();
        let revised: Vec<ItemFacts> = p.draft.items.iter().map(draft_facts_one).collect();
        p.revision = Some(RevisionPreview {
            plan_id: plan.id,
            title: plan.title.clone(),
            identical: plan.source_sha256.as_deref() == Some(sha.as_str()),
            changes: revision::diff(&current, &revised),
        });
    }
    Ok(p)
}

fn title_of(draft: &PlanDraft, year: i32, opts: &CommitOptions) -> String {
    opts.title
        .clone()
        .or_else(|| draft.title.clone())
        .unwrap_or_else(|| format!("{year}年政务公开工作要点"))
        .trim()
        .to_string()
}

fn target_plan(
    conn: &mut DbConnection,
    year: i32,
    title: &str,
    plan_id: Option<i32>,
) -> Result<Option<crate::db::models::Plan>, AppError> {
    match plan_id {
        Some(id) => Ok(Some(
            queries::plans::get(conn, id)?.ok_or(AppError::NotFound("要修订的计划"))?,
        )),
        None => Ok(queries::plans::by_year_and_title(conn, year, title)?),
    }
}

/// The divisions as written, stored with each item.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Written {
    pub lead: Vec<String>,
    pub support: Vec<String>,
}

fn current_facts(
    conn: &mut DbConnection,
    plan_id: i32,
) -> Result<Vec<(Item, ItemFacts)>, AppError> {
    queries::items::list(conn, plan_id, None)?
        .into_iter()
        .map(|i| {
            let w: Written = super::stored_json(&i.divisions_written, "事项原文责任单位")?;
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

/// What the office decided for a name the directory does not know.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum NameDecision {
    /// Add it to the directory as a division of this kind.
    Create { kind: DivisionKind },
    /// It is another name of this division (recorded as an alias).
    MapTo { division_id: i32 },
    /// Keep it as written, as a placeholder for the office to resolve later.
    Placeholder,
}

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
    let existing = target_plan(tx, year, &title, opts.plan_id)?;
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
                },
            )?
            .id
        }
    };
    result.id = plan_id;

    let resolved = resolve_names(tx, caller, draft, opts, &mut result)?;
    let directory = queries::divisions::list(tx)?;
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
        if queries::items::has_reports(tx, old.id)? {
            result.items_kept.push(facts.number.clone());
        } else {
            queries::items::delete(tx, old.id)?;
            result.items_removed += 1;
        }
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

fn draft_facts_one(item: &DraftItem) -> ItemFacts {
    ItemFacts {
        number: item.number.clone(),
        task: item.task.clone(),
        requirement: item.requirement.clone(),
        deadline: item.deadline.raw.clone(),
        lead: item.lead.clone(),
        support: item.support.clone(),
    }
}

/// Turns every written name into a directory id, group or placeholder, applying the
/// office's decisions (unknown names without one become internal divisions).
fn resolve_names(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    draft: &PlanDraft,
    opts: &CommitOptions,
    result: &mut CommitResult,
) -> Result<HashMap<String, Resolved>, AppError> {
    let directory = queries::divisions::list(tx)?;
    let mut resolved: HashMap<String, Resolved> = HashMap::new();
    for report in name_reports(draft, &directory) {
        let r = match report.status {
            NameStatus::Known { division_id, .. } => Resolved::Division(division_id),
            NameStatus::Group => Resolved::Group(group_kind(&report.name)),
            NameStatus::Placeholder => {
                result.placeholders.push(report.name.clone());
                Resolved::Placeholder
            }
            NameStatus::Unknown => match opts.decisions.get(&report.name) {
                Some(NameDecision::Placeholder) => {
                    result.placeholders.push(report.name.clone());
                    Resolved::Placeholder
                }
                Some(NameDecision::MapTo { division_id }) => {
                    Resolved::Division(add_alias(tx, caller, *division_id, &report.name)?)
                }
                Some(NameDecision::Create { kind }) => Resolved::Division(create_division(
                    tx,
                    caller,
                    &report.name,
                    *kind,
                    &mut result.new_divisions,
                )?),
                None => Resolved::Division(create_division(
                    tx,
                    caller,
                    &report.name,
                    DivisionKind::Internal,
                    &mut result.new_divisions,
                )?),
            },
        };
        resolved.insert(report.name, r);
    }
    Ok(resolved)
}

/// A written name after the office's decisions.
#[derive(Debug, Clone, Copy)]
enum Resolved {
    Division(i32),
    Group(DivisionKind),
    Placeholder,
}

fn group_kind(name: &str) -> DivisionKind {
    if name.contains("单位") {
        DivisionKind::Subordinate
    } else {
        DivisionKind::Internal
    }
}

fn create_division(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    name: &str,
    kind: DivisionKind,
    created: &mut Vec<String>,
) -> Result<i32, AppError> {
    // 体育产业处（保卫处） is one division with a second name: the name, and the other as alias.
    let (name, aliases) = match split_second_name(name) {
        Some((outer, inner)) if !outer.is_empty() && !inner.is_empty() => {
            (outer, vec![inner.to_string()])
        }
        _ => (name, Vec::new()),
    };
    let d = super::directory::create(
        tx,
        caller,
        &super::directory::NewDivisionInput {
            name: name.to_string(),
            aliases,
            kind,
        },
    )?;
    created.push(d.name);
    Ok(d.id)
}

fn add_alias(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    division_id: i32,
    alias: &str,
) -> Result<i32, AppError> {
    let d = queries::divisions::get(tx, division_id)?
        .ok_or_else(|| AppError::invalid("decisions", format!("“{alias}”要对应的处室不存在")))?;
    let mut aliases = d.alias_list().to_vec();
    if !aliases.iter().any(|a| a == alias) && d.name != alias {
        aliases.push(alias.to_string());
        super::directory::update(
            tx,
            caller,
            division_id,
            &super::directory::DivisionPatch {
                version: d.version,
                aliases: Some(aliases),
                ..Default::default()
            },
        )?;
    }
    Ok(division_id)
}

fn section_for(
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
fn insert_new_items(
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
    super::supervision::notify_assigned_many(tx, &notices)?;
    Ok(())
}

fn update_item_from_draft(
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

fn write_assignments(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_names() {
        assert_eq!(
            split_second_name("体育产业处（保卫处）"),
            Some(("体育产业处", "保卫处"))
        );
        assert_eq!(split_second_name("办公室"), None);
    }
}
