//! The 待办 list: what needs the caller now, grouped by kind, each entry linking to the place
//! on an item's page where it is done. An entry leaves the list when the thing is done,
//! because the list is read afresh from the states it comes from.
//!
//! A division's list is read from its own items (a few queries, none per item); the office's
//! from what waits for it, each one indexed statement (see `db::queries::todo`). Only plans
//! whose year-end evaluation is not finalised count.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use super::plans::{item_status, Clock};
use super::Caller;
use crate::db::queries::todo::{self as q, ItemRef, PlanRef};
use crate::db::queries::{self};
use crate::db::DbConnection;
use crate::domain::lifecycle::ReportState;
use crate::domain::role::Role;
use crate::domain::todo::{item_href, plan_label, Place, TodoKind};
use crate::error::AppError;

/// Entries shown per group; the group's `total` counts them all.
pub const ENTRIES_PER_GROUP: usize = 200;

/// One thing to do.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TodoEntry {
    pub kind: TodoKind,
    pub item_id: i32,
    pub plan_id: i32,
    /// The plan as named to readers: `2021年《分工方案》`.
    pub plan: String,
    pub number: String,
    pub task: String,
    /// The division it concerns (the office's entries; a division's are its own).
    pub division: Option<String>,
    /// What else the reader needs: the period, the office's comment, the reason, the date asked.
    pub detail: Option<String>,
    /// The date it must be done by, when there is one (a report's period due date).
    pub due: Option<NaiveDate>,
    /// Where it is done: an item page and the place on it (`/items/12#report-34`).
    pub href: String,
}

/// The entries of one kind.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TodoGroup {
    pub kind: TodoKind,
    pub heading: String,
    /// How many there are (the entries stop at 200).
    pub total: usize,
    pub entries: Vec<TodoEntry>,
}

/// The caller's 待办 list: the groups that hold something, in a fixed order.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct TodoList {
    /// Everything to do (the navigation's count).
    pub total: usize,
    pub groups: Vec<TodoGroup>,
}

/// The caller's 待办 list on the clock's date, from their own agency's plans (another
/// agency's work is never theirs to do here). Leaders and auditors have none.
pub fn todo(conn: &mut DbConnection, caller: &Caller, clock: &Clock) -> Result<TodoList, AppError> {
    // Always the user's own list, whatever record the request was about.
    let caller = &caller.home();
    let mut kinds = TodoKind::of_role(caller.role);
    let entries = match (caller.role, caller.division_id) {
        (Role::Office, _) => {
            let plans = q::active_plans(conn, caller.agency_id)?;
            let mut entries = office(conn, &plans)?;
            // An agency's office also answers to the plan above for what its unit was given,
            // as a division answers to its office.
            if let Some(unit) = queries::agency::unit_of(conn, caller.agency_id)? {
                if let Some(parent) = queries::divisions::get(conn, unit)?.map(|d| d.agency_id) {
                    let above = q::active_plans(conn, parent)?;
                    entries.extend(division(conn, unit, &above, clock)?);
                    kinds = TodoKind::ALL.to_vec();
                }
            }
            entries
        }
        (Role::Division, Some(d)) => {
            let plans = q::active_plans(conn, caller.agency_id)?;
            division(conn, d, &plans, clock)?
        }
        _ => Vec::new(),
    };
    Ok(group(&kinds, entries))
}

/// Sorts entries into the groups of `kinds`, in the order of [`TodoKind::ALL`].
fn group(kinds: &[TodoKind], entries: Vec<TodoEntry>) -> TodoList {
    let mut by_kind: HashMap<TodoKind, Vec<TodoEntry>> = HashMap::new();
    for e in entries {
        by_kind.entry(e.kind).or_default().push(e);
    }
    let mut list = TodoList::default();
    for &kind in kinds {
        let Some(mut entries) = by_kind.remove(&kind) else {
            continue;
        };
        let total = entries.len();
        entries.truncate(ENTRIES_PER_GROUP);
        list.total += total;
        list.groups.push(TodoGroup {
            kind,
            heading: kind.heading().to_string(),
            total,
            entries,
        });
    }
    list
}

/// Builds entries about items of the given plans.
struct Maker<'a> {
    plans: HashMap<i32, &'a PlanRef>,
    divisions: HashMap<i32, String>,
}

impl<'a> Maker<'a> {
    fn new(conn: &mut DbConnection, plans: &'a [PlanRef]) -> Result<Self, AppError> {
        Ok(Maker {
            plans: plans.iter().map(|p| (p.id, p)).collect(),
            divisions: queries::divisions::list(conn)?
                .into_iter()
                .map(|d| (d.id, d.name))
                .collect(),
        })
    }

    fn division(&self, id: i32) -> Option<String> {
        self.divisions.get(&id).cloned()
    }

    #[allow(clippy::too_many_arguments)]
    fn entry(
        &self,
        kind: TodoKind,
        item: &ItemRef,
        place: Place,
        division: Option<String>,
        detail: Option<String>,
        due: Option<NaiveDate>,
    ) -> TodoEntry {
        TodoEntry {
            kind,
            item_id: item.id,
            plan_id: item.plan_id,
            plan: self
                .plans
                .get(&item.plan_id)
                .map(|p| plan_label(p.year, &p.title))
                .unwrap_or_default(),
            number: item.number.clone(),
            task: item.task.clone(),
            division,
            detail,
            due,
            href: item_href(item.id, place),
        }
    }
}

/// The office's list: reports to review, disputes, extension requests, placeholders, and
/// dates waiting for a higher authority.
fn office(conn: &mut DbConnection, plans: &[PlanRef]) -> Result<Vec<TodoEntry>, AppError> {
    let ids: Vec<i32> = plans.iter().map(|p| p.id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let m = Maker::new(conn, plans)?;
    let periods: HashMap<i32, (String, NaiveDate)> =
        queries::reports::periods_of_plans(conn, &ids)?
            .into_iter()
            .map(|p| (p.id, (p.period, p.due_on)))
            .collect();
    let mut out = Vec::new();
    for (report, period, division, late, _, item) in
        q::reports_in_state(conn, &ids, ReportState::Submitted)?
    {
        let (name, _) = periods.get(&period).cloned().unwrap_or_default();
        let detail = if late {
            format!("{name} 报告（逾期报送）")
        } else {
            format!("{name} 报告")
        };
        out.push(m.entry(
            TodoKind::ReviewReport,
            &item,
            Place::Report(report),
            m.division(division),
            Some(detail),
            None,
        ));
    }
    for (division, reason, item) in q::disputes(conn, &ids)? {
        out.push(m.entry(
            TodoKind::AnswerDispute,
            &item,
            Place::Supervision,
            m.division(division),
            reason.map(|r| format!("理由：{r}")),
            None,
        ));
    }
    for (division, requested, item) in q::pending_extensions(conn, &ids)? {
        let detail = match item.deadline_due {
            Some(d) => format!("申请由 {d} 延至 {requested}"),
            None => format!("申请延至 {requested}"),
        };
        out.push(m.entry(
            TodoKind::DecideExtension,
            &item,
            Place::Supervision,
            m.division(division),
            Some(detail),
            None,
        ));
    }
    // One entry per item, naming every placeholder on it.
    let mut named: Vec<(ItemRef, Vec<String>)> = Vec::new();
    for (placeholder, item) in q::placeholders(conn, &ids)? {
        let text = placeholder.unwrap_or_else(|| "（未写明）".to_string());
        match named.last_mut() {
            Some((last, names)) if last.id == item.id => {
                if !names.contains(&text) {
                    names.push(text);
                }
            }
            _ => named.push((item, vec![text])),
        }
    }
    for (item, names) in named {
        out.push(m.entry(
            TodoKind::NameDivisions,
            &item,
            Place::Assignment,
            None,
            Some(format!("写作：{}", names.join("、"))),
            None,
        ));
    }
    for item in q::waiting_on_authority(conn, &ids)? {
        out.push(m.entry(
            TodoKind::SetDate,
            &item,
            Place::Assignment,
            None,
            None,
            None,
        ));
    }
    Ok(out)
}

/// A division's list: items to acknowledge, reports owed or returned, urgings to answer,
/// contributions asked for.
fn division(
    conn: &mut DbConnection,
    division_id: i32,
    plans: &[PlanRef],
    clock: &Clock,
) -> Result<Vec<TodoEntry>, AppError> {
    let active: HashSet<i32> = plans.iter().map(|p| p.id).collect();
    let m = Maker::new(conn, plans)?;
    // The division's unfinished items of the plans in their year, with the part it plays.
    let mut led: Vec<ItemRef> = Vec::new();
    let mut supported: Vec<ItemRef> = Vec::new();
    for (item, part) in queries::items::for_division(conn, division_id)? {
        if !active.contains(&item.plan_id) || item_status(&item, clock).is_done() {
            continue;
        }
        let r = ItemRef {
            id: item.id,
            plan_id: item.plan_id,
            position: item.position,
            number: item.number,
            task: item.task,
            deadline_due: item.deadline_due,
        };
        if part == "lead" {
            led.push(r);
        } else {
            supported.push(r);
        }
    }
    let mut out = Vec::new();

    let led_ids: Vec<i32> = led.iter().map(|i| i.id).collect();
    let acknowledged: HashSet<i32> = queries::supervision::acknowledgements_of(conn, &led_ids)?
        .into_iter()
        .filter(|a| a.division_id == division_id)
        .map(|a| a.item_id)
        .collect();
    for item in led.iter().filter(|i| !acknowledged.contains(&i.id)) {
        // The item's own date is context here, not the date to acknowledge by.
        let detail = item.deadline_due.map(|d| format!("完成时限 {d}"));
        out.push(m.entry(
            TodoKind::Acknowledge,
            item,
            Place::Supervision,
            None,
            detail,
            None,
        ));
    }

    // Open periods of each plan, and the reports of the division's items in them.
    let mut open: HashMap<i32, Vec<(i32, String, NaiveDate)>> = HashMap::new();
    let plan_ids: Vec<i32> = plans.iter().map(|p| p.id).collect();
    for r in queries::reports::periods_of_plans(conn, &plan_ids)?
        .into_iter()
        .filter(|r| r.is_open)
    {
        open.entry(r.plan_id)
            .or_default()
            .push((r.id, r.period, r.due_on));
    }
    let all_ids: Vec<i32> = led.iter().chain(&supported).map(|i| i.id).collect();
    let reports: HashMap<(i32, i32), (i32, ReportState, Option<String>)> =
        q::open_reports_of(conn, &all_ids)?
            .into_iter()
            .map(|(id, item, period, state, comment)| ((item, period), (id, state, comment)))
            .collect();
    for item in &led {
        for (period, name, due) in open.get(&item.plan_id).into_iter().flatten() {
            let (kind, place, detail) = match reports.get(&(item.id, *period)) {
                None => (
                    TodoKind::WriteReport,
                    Place::ReportForm,
                    format!("{name} 进展尚未填写"),
                ),
                Some((id, ReportState::Draft, _)) => (
                    TodoKind::WriteReport,
                    Place::Report(*id),
                    format!("{name} 报告已存草稿，尚未报送"),
                ),
                Some((id, ReportState::Returned, comment)) => (
                    TodoKind::CorrectReport,
                    Place::Report(*id),
                    match comment {
                        Some(c) => format!("{name} 报告，办公室意见：{c}"),
                        None => format!("{name} 报告"),
                    },
                ),
                Some(_) => continue,
            };
            out.push(m.entry(kind, item, place, None, Some(detail), Some(*due)));
        }
    }

    // A supporting division's part is asked for in every open period whose report is not
    // accepted yet, whether or not the lead has written.
    let contributed: HashSet<(i32, i32)> =
        q::contributed_by(conn, division_id)?.into_iter().collect();
    for item in &supported {
        for (period, name, due) in open.get(&item.plan_id).into_iter().flatten() {
            if let Some((_, state, _)) = reports.get(&(item.id, *period)) {
                if !state.open_to_contributions() {
                    continue;
                }
            }
            if !contributed.contains(&(item.id, *period)) {
                out.push(m.entry(
                    TodoKind::Contribute,
                    item,
                    Place::Contribution(name.clone()),
                    None,
                    Some(format!("{name} 本处室的配合情况")),
                    Some(*due),
                ));
            }
        }
    }

    let mine: HashMap<i32, &ItemRef> = led.iter().map(|i| (i.id, i)).collect();
    let urgings: Vec<_> = queries::supervision::urgings_of(conn, None, Some(division_id))?
        .into_iter()
        .filter(|u| mine.contains_key(&u.item_id))
        .collect();
    let urging_ids: Vec<i32> = urgings.iter().map(|u| u.id).collect();
    let answered: HashSet<i32> = queries::supervision::urging_replies(conn, &urging_ids)?
        .into_iter()
        .map(|a| a.urging_id)
        .collect();
    for u in urgings.iter().rev().filter(|u| !answered.contains(&u.id)) {
        if let Some(item) = mine.get(&u.item_id) {
            out.push(m.entry(
                TodoKind::AnswerUrging,
                item,
                Place::Urging(u.id),
                None,
                Some(format!(
                    "{} 办公室催办：{}",
                    clock.zone.day(u.urged_at),
                    u.message
                )),
                None,
            ));
        }
    }
    Ok(out)
}
