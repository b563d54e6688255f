//! A plan from the plan above (承接上级计划): the upper office hands its plan down, each agency
//! below receives the items it leads or supports as the draft of its own plan, and later sees
//! which of them changed above and takes the changes it accepts.

use std::collections::HashMap;

use serde::Serialize;

use super::imports::Written;
use super::{plans, Audit, Caller};
use crate::db::models::{Item, NewItem, NewPlan, Plan};
use crate::db::queries;
use crate::db::{DbConnection, Job, WriteTx};
use crate::domain::access::Part;
use crate::domain::cascade::{self, Given, Linked, UnitAssignment};
use crate::domain::revision::ItemFacts;
use crate::domain::todo::plan_label;
use crate::error::AppError;

/// What handing down did for one agency below.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HandedDown {
    pub agency_id: i32,
    /// The agency's full name.
    pub agency: String,
    /// Its plan that carries out the upper plan (made by the first hand-down).
    pub plan_id: i32,
    pub title: String,
    /// Whether this hand-down made the plan.
    pub created: bool,
    /// Upper items copied now.
    pub added: usize,
    /// Upper items handed down before and unchanged since.
    pub already: usize,
    /// Upper items handed down before that changed above since (the agency takes them itself).
    pub changed: usize,
}

/// What handing a plan down did, agency by agency.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HandDownResult {
    pub upper_plan_id: i32,
    pub agencies: Vec<HandedDown>,
}

/// The upper items of a plan given to units standing for agencies below, per agency.
fn given_to_agencies(
    conn: &mut DbConnection,
    plan: &Plan,
    items: &[Item],
) -> Result<std::collections::BTreeMap<i32, Vec<(i32, Part)>>, AppError> {
    let units: HashMap<i32, i32> = queries::divisions::of_agency(conn, plan.agency_id)?
        .into_iter()
        .filter_map(|d| d.unit_agency_id.map(|a| (d.id, a)))
        .collect();
    let ids: Vec<i32> = items.iter().map(|i| i.id).collect();
    let position: HashMap<i32, usize> = ids.iter().enumerate().map(|(k, id)| (*id, k)).collect();
    let mut assignments: Vec<(usize, i32, UnitAssignment)> = Vec::new();
    for a in queries::items::assignments_of(conn, &ids)? {
        let (Some(unit), Some(part)) = (a.division_id, Part::parse(&a.role)) else {
            continue;
        };
        let Some(&agency_id) = units.get(&unit) else {
            continue;
        };
        assignments.push((
            position.get(&a.item_id).copied().unwrap_or(usize::MAX),
            a.position,
            UnitAssignment {
                item_id: a.item_id,
                part,
                agency_id,
            },
        ));
    }
    assignments.sort_by_key(|(p, k, _)| (*p, *k));
    let rows: Vec<UnitAssignment> = assignments.into_iter().map(|(_, _, a)| a).collect();
    Ok(cascade::recipients(&rows))
}

fn linked(item: &Item) -> Linked {
    Linked {
        item_id: item.id,
        number: item.number.clone(),
        upper_item_id: item.upper_item_id,
        upper_version: item.upper_version,
    }
}

/// Copies an upper item into `plan_id` at `position`, linked to it, without assignments.
fn copy_item(
    tx: &mut WriteTx<'_>,
    plan_id: i32,
    position: i32,
    upper: &Item,
) -> Result<i32, AppError> {
    let now = queries::now();
    let written = serde_json::to_string(&Written::default())
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let id = queries::items::insert_id(
        tx,
        &NewItem {
            plan_id,
            section_id: None,
            position,
            number: &upper.number,
            task: &upper.task,
            requirement: &upper.requirement,
            deadline_raw: &upper.deadline_raw,
            deadline_kind: &upper.deadline_kind,
            deadline_due: upper.deadline_due,
            deadline_detail: &upper.deadline_detail,
            deadline_inferred: upper.deadline_inferred,
            source_sheet: None,
            source_row: None,
            origin_item_id: None,
            version: 1,
            created_at: now,
            updated_at: now,
            divisions_written: &written,
            upper_item_id: Some(upper.id),
            upper_version: Some(upper.version),
        },
    )?;
    copy_targets(tx, id, upper.id)?;
    Ok(id)
}

/// Gives `item_id` the countable targets of the upper item.
fn copy_targets(tx: &mut WriteTx<'_>, item_id: i32, upper_id: i32) -> Result<(), AppError> {
    for t in queries::items::targets_with_counts(tx, upper_id)? {
        queries::items::insert_target(tx, item_id, &t.raw, t.min_count, &t.unit, t.per.as_deref())?;
    }
    Ok(())
}

/// Hands the caller's plan down (office of the plan's agency): each agency below whose unit
/// leads or supports items in it receives them as the draft of its own plan, numbers and
/// text kept, linked to the upper items. Again later: only upper items not handed down yet
/// are added, and nothing the agency changed is overwritten. Each agency's office is told.
pub fn hand_down(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    upper_plan_id: i32,
) -> Result<HandDownResult, AppError> {
    caller.require_office()?;
    let upper = queries::plans::get(tx, upper_plan_id)?
        .filter(|p| p.agency_id == caller.agency_id)
        .ok_or(AppError::NotFound("计划"))?;
    tx.take_turns_on(Job::HandDown, &upper.id.to_string())?;
    let upper_items = queries::items::list(tx, upper.id, None)?;
    let by_id: HashMap<i32, &Item> = upper_items.iter().map(|i| (i.id, i)).collect();
    let given = given_to_agencies(tx, &upper, &upper_items)?;
    if given.is_empty() {
        return Err(AppError::invalid(
            "plan",
            "该计划没有交给下级机关牵头或配合的事项；请先在事项的牵头、配合单位中指定下级机关",
        ));
    }
    let upper_agency = queries::agency::get(tx, upper.agency_id)?
        .map(|a| a.full_name)
        .unwrap_or_default();
    let mut result = HandDownResult {
        upper_plan_id: upper.id,
        agencies: Vec::new(),
    };
    for (agency_id, items) in &given {
        let Some(agency) = queries::agency::get(tx, *agency_id)? else {
            continue;
        };
        let (plan, created) = match queries::plans::handed_down(tx, upper.id, *agency_id)? {
            Some(p) => (p, false),
            None => (
                make_plan(
                    tx,
                    caller,
                    &upper,
                    &upper_agency,
                    &agency.full_name,
                    *agency_id,
                )?,
                true,
            ),
        };
        let own: Vec<Linked> = queries::items::list(tx, plan.id, None)?
            .iter()
            .map(linked)
            .collect();
        let wanted: Vec<Given> = items
            .iter()
            .filter_map(|(id, _)| by_id.get(id))
            .map(|i| Given {
                id: i.id,
                version: i.version,
                number: i.number.clone(),
            })
            .collect();
        let sorting = cascade::sort(&wanted, &own);
        let mut position = queries::items::next_position(tx, plan.id)?;
        for id in &sorting.to_add {
            if let Some(item) = by_id.get(id) {
                copy_item(tx, plan.id, position, item)?;
                position += 1;
            }
        }
        // Relinked items agree with no version yet: the change above shows until taken.
        for (own_id, upper_id) in &sorting.relink {
            queries::items::set_upper(tx, *own_id, Some(*upper_id), Some(0))?;
        }
        let done = HandedDown {
            agency_id: *agency_id,
            agency: agency.full_name.clone(),
            plan_id: plan.id,
            title: plan.title.clone(),
            created,
            added: sorting.to_add.len(),
            already: sorting.already,
            changed: sorting.changed.len() + sorting.relink.len(),
        };
        if created || done.added > 0 || done.changed > 0 {
            notify_office(tx, &upper, &plan, &done)?;
        }
        result.agencies.push(done);
    }
    Audit::of("plan", upper.id, "hand_down").record_after(tx, caller, &result)?;
    Ok(result)
}

/// Makes the agency's plan that carries out `upper`.
fn make_plan(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    upper: &Plan,
    upper_agency: &str,
    agency: &str,
    agency_id: i32,
) -> Result<Plan, AppError> {
    let title = cascade::handed_down_title(agency, upper.year, upper_agency, &upper.title);
    if queries::plans::by_year_and_title(tx, agency_id, upper.year, &title)?.is_some() {
        return Err(AppError::Conflict(format!(
            "{agency}已有名为“{title}”的计划，请先为其改名后再下发"
        )));
    }
    let now = queries::now();
    Ok(queries::plans::insert(
        tx,
        &NewPlan {
            year: upper.year,
            title: &title,
            document_number: None,
            source_file: None,
            source_format: None,
            source_sha256: None,
            version: 1,
            created_by: caller.user_id,
            created_at: now,
            updated_at: now,
            source_columns: "[]",
            agency_id,
            upper_plan_id: Some(upper.id),
        },
    )?)
}

/// Tells the agency's office (through its unit in the upper directory) what it received.
fn notify_office(
    tx: &mut WriteTx<'_>,
    upper: &Plan,
    plan: &Plan,
    done: &HandedDown,
) -> Result<(), AppError> {
    let Some(unit) = queries::agency::unit_of(tx, done.agency_id)? else {
        return Ok(());
    };
    let mut text = format!(
        "上级下发了{}：新增事项 {} 项",
        plan_label(upper.year, &upper.title),
        done.added
    );
    if done.changed > 0 {
        text.push_str(&format!(
            "，上级修改了 {} 项（请在本机关计划中查看并决定是否采用）",
            done.changed
        ));
    }
    text.push_str(&format!(
        "。本机关计划：{}，请为各事项指定牵头、配合处室。",
        plan_label(plan.year, &plan.title)
    ));
    queries::supervision::notify(
        tx,
        Some(unit),
        "handed_down",
        None,
        &text,
        Some(&format!("/items?plan={}", plan.id)),
        queries::now(),
    )?;
    Ok(())
}

/// One field of an item as it reads above and in the agency's own plan.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldDifference {
    /// `number`, `task`, `requirement` or `deadline`.
    pub field: String,
    /// The field's Chinese name.
    pub label: String,
    pub upper: String,
    pub own: String,
}

/// What changed above for one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UpperChangeKind {
    /// The upper item was edited since the agency's item copied it.
    Changed,
    /// The upper item was deleted above.
    Gone,
    /// An upper item newly given to the agency, not yet handed down.
    New,
}

/// One of the agency's items (or an upper item) that the plan above changed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UpperChange {
    pub kind: UpperChangeKind,
    /// The agency's item (`None` for an upper item not handed down yet).
    pub item_id: Option<i32>,
    /// The upper item (`None` once it was deleted above).
    pub upper_item_id: Option<i32>,
    /// The number as the agency's plan (else the upper plan) has it.
    pub number: String,
    pub task: String,
    /// The upper item's version now, and the one the agency's item agrees with.
    pub upper_version: Option<i32>,
    pub taken_version: Option<i32>,
    /// The fields that differ, upper text against the agency's.
    pub fields: Vec<FieldDifference>,
}

/// Where a handed-down plan stands against the plan above.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UpperChanges {
    pub plan_id: i32,
    /// The plan above (`None`: this plan was not handed down).
    pub upper_plan_id: Option<i32>,
    pub changes: Vec<UpperChange>,
}

fn facts(item: &Item) -> ItemFacts {
    ItemFacts {
        number: item.number.clone(),
        task: item.task.clone(),
        requirement: item.requirement.clone(),
        deadline: item.deadline_raw.clone(),
        lead: Vec::new(),
        support: Vec::new(),
    }
}

fn field_text<'a>(item: &'a ItemFacts, field: &str) -> &'a str {
    match field {
        "number" => &item.number,
        "task" => &item.task,
        "requirement" => &item.requirement,
        "deadline" => &item.deadline,
        _ => "",
    }
}

/// The fields in which `own` differs from `upper`, with both texts.
pub fn differences_of(upper: &ItemFacts, own: &ItemFacts) -> Vec<FieldDifference> {
    cascade::differing(upper, own)
        .into_iter()
        .map(|f| FieldDifference {
            label: cascade::field_label(&f).to_string(),
            upper: field_text(upper, &f).to_string(),
            own: field_text(own, &f).to_string(),
            field: f,
        })
        .collect()
}

/// [`differences_of`] two stored items.
pub fn differences(upper: &Item, own: &Item) -> Vec<FieldDifference> {
    differences_of(&facts(upper), &facts(own))
}

/// Which of a handed-down plan's items changed above (the agency's office): items whose
/// upper item was edited since (with the fields that now differ), items whose upper item
/// was deleted, and upper items newly given to the agency that were not handed down yet.
pub fn upper_changes(
    conn: &mut DbConnection,
    caller: &Caller,
    plan_id: i32,
) -> Result<UpperChanges, AppError> {
    caller.require_office()?;
    let plan = queries::plans::get(conn, plan_id)?
        .filter(|p| p.agency_id == caller.agency_id)
        .ok_or(AppError::NotFound("计划"))?;
    let mut out = UpperChanges {
        plan_id,
        upper_plan_id: plan.upper_plan_id,
        changes: Vec::new(),
    };
    let Some(upper_plan) = plan
        .upper_plan_id
        .map(|id| queries::plans::get(conn, id))
        .transpose()?
        .flatten()
    else {
        return Ok(out);
    };
    let upper_items = queries::items::list(conn, upper_plan.id, None)?;
    let by_id: HashMap<i32, &Item> = upper_items.iter().map(|i| (i.id, i)).collect();
    let own = queries::items::list(conn, plan.id, None)?;
    for item in &own {
        match item.upper_item_id {
            Some(u) => {
                let fetched;
                let upper = match by_id.get(&u) {
                    Some(i) => *i,
                    None => match queries::items::get(conn, u)? {
                        Some(i) => {
                            fetched = i;
                            &fetched
                        }
                        None => continue,
                    },
                };
                if upper.version <= item.upper_version.unwrap_or(0) {
                    continue;
                }
                let fields = differences(upper, item);
                if fields.is_empty() {
                    continue;
                }
                out.changes.push(UpperChange {
                    kind: UpperChangeKind::Changed,
                    item_id: Some(item.id),
                    upper_item_id: Some(upper.id),
                    number: item.number.clone(),
                    task: item.task.clone(),
                    upper_version: Some(upper.version),
                    taken_version: item.upper_version,
                    fields,
                });
            }
            None if item.upper_version.is_some() => out.changes.push(UpperChange {
                kind: UpperChangeKind::Gone,
                item_id: Some(item.id),
                upper_item_id: None,
                number: item.number.clone(),
                task: item.task.clone(),
                upper_version: None,
                taken_version: item.upper_version,
                fields: Vec::new(),
            }),
            None => {}
        }
    }
    let given = given_to_agencies(conn, &upper_plan, &upper_items)?;
    let linked: std::collections::HashSet<i32> =
        own.iter().filter_map(|i| i.upper_item_id).collect();
    for (id, _) in given.get(&plan.agency_id).into_iter().flatten() {
        let Some(upper) = by_id.get(id) else {
            continue;
        };
        if linked.contains(id) {
            continue;
        }
        out.changes.push(UpperChange {
            kind: UpperChangeKind::New,
            item_id: None,
            upper_item_id: Some(upper.id),
            number: upper.number.clone(),
            task: upper.task.clone(),
            upper_version: Some(upper.version),
            taken_version: None,
            fields: Vec::new(),
        });
    }
    Ok(out)
}

/// Copies the upper item's current number, text, deadline and targets into the agency's item
/// (its office) and records the upper version it now agrees with.
pub fn take_upper(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    item_id: i32,
) -> Result<plans::ItemView, AppError> {
    caller.require_office()?;
    let item = queries::items::get(tx, item_id)?.ok_or(AppError::NotFound("事项"))?;
    let plan = queries::plans::get(tx, item.plan_id)?
        .filter(|p| p.agency_id == caller.agency_id)
        .ok_or(AppError::NotFound("事项"))?;
    let upper = match item.upper_item_id {
        Some(u) => queries::items::get(tx, u)?,
        None => None,
    }
    .ok_or_else(|| {
        AppError::invalid(
            "item",
            "该事项没有对应的上级事项（或上级事项已删除），无可采用的上级修改",
        )
    })?;
    if plan.upper_plan_id != Some(upper.plan_id) {
        return Err(AppError::invalid(
            "item",
            "该事项对应的上级事项不在本计划所承接的上级计划中",
        ));
    }
    let before = differences(&upper, &item);
    let taken = queries::items::take_upper(
        tx,
        item.id,
        item.version,
        &queries::items::TakenFromUpper {
            number: &upper.number,
            task: &upper.task,
            requirement: &upper.requirement,
            deadline_raw: &upper.deadline_raw,
            deadline_kind: &upper.deadline_kind,
            deadline_due: upper.deadline_due,
            deadline_detail: &upper.deadline_detail,
            deadline_inferred: upper.deadline_inferred,
            upper_item_id: Some(upper.id),
            upper_version: Some(upper.version),
            updated_at: queries::now(),
        },
    )?
    .ok_or_else(|| AppError::stale("事项"))?;
    if before.iter().any(|f| f.field != "number") {
        queries::items::replace_unlogged_targets(tx, item.id)?;
        copy_targets(tx, item.id, upper.id)?;
    }
    Audit::of("item", item.id, "take_upper").record_change(
        tx,
        caller,
        &facts_json(&item),
        &facts_json(&taken),
    )?;
    plans::get_item(tx, item.id)
}

fn facts_json(item: &Item) -> serde_json::Value {
    serde_json::json!({
        "number": item.number,
        "task": item.task,
        "requirement": item.requirement,
        "deadline": item.deadline_raw,
        "upper_item_id": item.upper_item_id,
        "upper_version": item.upper_version,
    })
}

/// The upper item an item carries out, as its page names it.
#[derive(Debug, Clone)]
pub struct UpperLink {
    pub item_id: i32,
    pub number: String,
    /// Whether the agency leads or supports it above (`None`: no longer assigned to it).
    pub part: Option<Part>,
}

impl UpperLink {
    /// 牵头, 配合, or nothing.
    pub fn part_label(&self) -> &'static str {
        match self.part {
            Some(Part::Lead) => "牵头",
            Some(Part::Support) => "配合",
            None => "未再分配给本机关",
        }
    }
}

/// The upper item `item` carries out, and the part its agency plays in it above.
pub fn upper_link(conn: &mut DbConnection, item: &Item) -> Result<Option<UpperLink>, AppError> {
    let Some(upper) = item
        .upper_item_id
        .map(|u| queries::items::get(conn, u))
        .transpose()?
        .flatten()
    else {
        return Ok(None);
    };
    let agency = queries::agency::owner_of_item(conn, item.id)?;
    let unit = match agency {
        Some(a) => queries::agency::unit_of(conn, a)?,
        None => None,
    };
    let parts: Vec<Part> = queries::items::assignments_of_item(conn, upper.id)?
        .iter()
        .filter(|(a, _)| a.division_id.is_some() && a.division_id == unit)
        .filter_map(|(a, _)| Part::parse(&a.role))
        .collect();
    let part = if parts.contains(&Part::Lead) {
        Some(Part::Lead)
    } else {
        parts.first().copied()
    };
    Ok(Some(UpperLink {
        item_id: upper.id,
        number: upper.number,
        part,
    }))
}

/// Whether the agency has agencies below it (units of kind 下级机关) a plan can be handed to.
pub fn has_agencies_below(conn: &mut DbConnection, agency_id: i32) -> Result<bool, AppError> {
    Ok(queries::divisions::of_agency(conn, agency_id)?
        .iter()
        .any(|d| d.unit_agency_id.is_some()))
}

/// The plan above a handed-down plan and the upper items given to the plan's agency, in the
/// upper plan's order; `None` when the plan was not handed down.
fn upper_items_for(
    conn: &mut DbConnection,
    plan: &Plan,
) -> Result<Option<(Plan, Vec<Item>)>, AppError> {
    let Some(upper_plan) = plan
        .upper_plan_id
        .map(|id| queries::plans::get(conn, id))
        .transpose()?
        .flatten()
    else {
        return Ok(None);
    };
    let upper_items = queries::items::list(conn, upper_plan.id, None)?;
    let given = given_to_agencies(conn, &upper_plan, &upper_items)?;
    let mine: std::collections::HashSet<i32> = given
        .get(&plan.agency_id)
        .into_iter()
        .flatten()
        .map(|(id, _)| *id)
        .collect();
    let items = upper_items
        .into_iter()
        .filter(|i| mine.contains(&i.id))
        .collect();
    Ok(Some((upper_plan, items)))
}

/// An imported item and the upper item it matches.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UpperMatch {
    /// The imported item's number and task.
    pub number: String,
    pub task: String,
    pub upper_item_id: i32,
    pub upper_number: String,
    /// Matched by number, or (no upper item has its number) by the wording of the task.
    pub by: cascade::MatchedBy,
    /// Where the imported item differs from the upper item (upper text against imported).
    pub fields: Vec<FieldDifference>,
}

/// An item on one side only.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Unmatched {
    pub number: String,
    pub task: String,
    /// The upper item's id (upper items only).
    pub upper_item_id: Option<i32>,
}

/// How a division plan imported into a handed-down plan meets the upper items given to the
/// agency: every difference, before anything is written.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UpperMatchPreview {
    pub upper_plan_id: i32,
    pub upper_title: String,
    pub matched: Vec<UpperMatch>,
    /// Upper items no imported item matches.
    pub upper_unmatched: Vec<Unmatched>,
    /// Imported items that match no upper item (the agency's own items).
    pub imported_unmatched: Vec<Unmatched>,
}

/// Matches the items of a file imported into `plan` to the upper items given to its agency;
/// `None` when the plan was not handed down.
pub fn match_import(
    conn: &mut DbConnection,
    plan: &Plan,
    imported: &[ItemFacts],
) -> Result<Option<UpperMatchPreview>, AppError> {
    let Some((upper_plan, upper_items)) = upper_items_for(conn, plan)? else {
        return Ok(None);
    };
    let upper: Vec<ItemFacts> = upper_items.iter().map(facts).collect();
    let matches = cascade::match_items(imported, &upper);
    let mut out = UpperMatchPreview {
        upper_plan_id: upper_plan.id,
        upper_title: upper_plan.title.clone(),
        matched: Vec::new(),
        upper_unmatched: Vec::new(),
        imported_unmatched: Vec::new(),
    };
    let mut taken = vec![false; upper.len()];
    for (item, m) in imported.iter().zip(&matches) {
        match m {
            Some((u, by)) => {
                taken[*u] = true;
                out.matched.push(UpperMatch {
                    number: item.number.clone(),
                    task: item.task.clone(),
                    upper_item_id: upper_items[*u].id,
                    upper_number: upper[*u].number.clone(),
                    by: *by,
                    fields: differences_of(&upper[*u], item),
                });
            }
            None => out.imported_unmatched.push(Unmatched {
                number: item.number.clone(),
                task: item.task.clone(),
                upper_item_id: None,
            }),
        }
    }
    for (k, u) in upper_items.iter().enumerate() {
        if !taken[k] {
            out.upper_unmatched.push(Unmatched {
                number: u.number.clone(),
                task: u.task.clone(),
                upper_item_id: Some(u.id),
            });
        }
    }
    Ok(Some(out))
}

/// After a file was imported into a handed-down plan: each item that matches an upper item
/// keeps its link, or gains one (agreeing with the upper version it was compared with).
pub(crate) fn link_imported(
    tx: &mut WriteTx<'_>,
    plan_id: i32,
    imported: &[ItemFacts],
) -> Result<usize, AppError> {
    let Some(plan) = queries::plans::get(tx, plan_id)? else {
        return Ok(0);
    };
    let Some((_, upper_items)) = upper_items_for(tx, &plan)? else {
        return Ok(0);
    };
    let upper: Vec<ItemFacts> = upper_items.iter().map(facts).collect();
    let matches = cascade::match_items(imported, &upper);
    let own = queries::items::list(tx, plan.id, None)?;
    let mut linked = 0;
    for (item, m) in imported.iter().zip(&matches) {
        let Some((u, _)) = m else {
            continue;
        };
        let Some(mine) = own.iter().find(|o| o.number == item.number) else {
            continue;
        };
        if mine.upper_item_id.is_none() {
            let up = &upper_items[*u];
            queries::items::set_upper(tx, mine.id, Some(up.id), Some(up.version))?;
            linked += 1;
        }
    }
    Ok(linked)
}
