//! The office's overview of a plan: each division's items by status, what is overdue and
//! what waits for review; and a user's reminders.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::db::queries;
use crate::db::DbConnection;
use crate::domain::standing::{Standing, Tally};
use crate::domain::status::ItemStatus;
use crate::error::AppError;
use crate::service::plans::{item_status, Clock};
use crate::service::standing::Standings;

/// One division's figures for a plan.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DivisionFigures {
    pub division_id: i32,
    pub name: String,
    /// Items it leads, by standing (adds up to `led`).
    pub items: Tally,
    pub led: usize,
    pub done: usize,
}

impl DivisionFigures {
    /// Completed share of led items, 0–100.
    pub fn percent_done(&self) -> usize {
        self.items.percent_done()
    }

    /// The count of one standing.
    pub fn count(&self, s: &Standing) -> usize {
        self.items.count(*s)
    }
}

/// A short line about an item.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemLine {
    pub item_id: i32,
    pub number: String,
    pub task: String,
    pub due: Option<chrono::NaiveDate>,
    pub status: ItemStatus,
    pub lead: String,
}

/// A report waiting for the office.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReviewLine {
    pub report_id: i32,
    pub item_id: i32,
    pub number: String,
    pub task: String,
    pub period: String,
    pub late: bool,
}

/// The overview of one plan.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Overview {
    pub plan_id: i32,
    pub divisions: Vec<DivisionFigures>,
    /// Items not done by their deadline (未完成), as the figures count them.
    pub overdue: Vec<ItemLine>,
    pub due_soon: Vec<ItemLine>,
    pub awaiting_review: Vec<ReviewLine>,
}

/// Works out a plan's overview on the clock's date.
pub fn plan_overview(
    conn: &mut DbConnection,
    plan_id: i32,
    clock: &Clock,
) -> Result<Overview, AppError> {
    let plan = super::plans::get(conn, plan_id)?;
    let items = queries::items::list(conn, plan_id, None)?;
    // Read once: the standings count accepted reports, the review list shows submitted ones.
    let reports = queries::reports::of_plan(conn, plan_id)?;
    let standings = Standings::of(conn, &plan, &items, &reports, clock)?;
    let ids: Vec<i32> = items.iter().map(|i| i.id).collect();
    let assignments = queries::items::assignments_of(conn, &ids)?;
    // A plan's leads are units of its agency: its divisions, or the agencies below it.
    let names: std::collections::HashMap<i32, String> =
        queries::divisions::of_agency(conn, plan.agency_id)?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect();
    let name_of = |id: i32| names.get(&id).cloned().unwrap_or_default();
    // Each item's lead divisions, looked up by item (a plan may hold 50,000 items).
    let mut leads_of: std::collections::HashMap<i32, Vec<i32>> = std::collections::HashMap::new();
    for a in assignments.iter().filter(|a| a.role == "lead") {
        if let Some(d) = a.division_id {
            leads_of.entry(a.item_id).or_default().push(d);
        }
    }
    let mut figures: BTreeMap<i32, DivisionFigures> = BTreeMap::new();
    let mut overdue = Vec::new();
    let mut due_soon = Vec::new();
    for item in &items {
        let status = item_status(item, clock);
        let standing = standings.get(item.id);
        let leads: &[i32] = leads_of.get(&item.id).map_or(&[], Vec::as_slice);
        for d in leads {
            let f = figures.entry(*d).or_insert_with(|| DivisionFigures {
                division_id: *d,
                name: name_of(*d),
                items: Tally::default(),
                led: 0,
                done: 0,
            });
            f.led += 1;
            f.done += usize::from(standing.is_done());
            f.items.add(standing);
        }
        let line = ItemLine {
            item_id: item.id,
            number: item.number.clone(),
            task: item.task.clone(),
            due: item.deadline_due,
            status,
            lead: leads
                .iter()
                .map(|d| name_of(*d))
                .collect::<Vec<_>>()
                .join("、"),
        };
        match (standing, status) {
            (Standing::NotDone, _) => overdue.push(line),
            (Standing::InProgress, ItemStatus::DueSoon) => due_soon.push(line),
            _ => {}
        }
    }
    overdue.sort_by_key(|l| l.due);
    due_soon.sort_by_key(|l| l.due);
    let periods: std::collections::HashMap<i32, String> = queries::reports::periods(conn, plan_id)?
        .into_iter()
        .map(|p| (p.id, p.period))
        .collect();
    // (position in the plan, item) by id: the lines keep the plan's order.
    let by_id: std::collections::HashMap<i32, (usize, &_)> = items
        .iter()
        .enumerate()
        .map(|(k, i)| (i.id, (k, i)))
        .collect();
    let mut awaiting_review = Vec::new();
    for r in reports {
        if !r.state.can_review() {
            continue;
        }
        let Some(&(position, item)) = by_id.get(&r.item_id) else {
            continue;
        };
        awaiting_review.push((
            position,
            ReviewLine {
                report_id: r.id,
                item_id: item.id,
                number: item.number.clone(),
                task: item.task.clone(),
                period: periods.get(&r.period_id).cloned().unwrap_or_default(),
                late: r.submitted_late,
            },
        ));
    }
    awaiting_review.sort_by_key(|(position, _)| *position);
    let awaiting_review: Vec<ReviewLine> = awaiting_review.into_iter().map(|(_, l)| l).collect();
    let mut divisions: Vec<DivisionFigures> = figures.into_values().collect();
    divisions.sort_by(|a, b| b.led.cmp(&a.led).then(a.name.cmp(&b.name)));
    Ok(Overview {
        plan_id,
        divisions,
        overdue,
        due_soon,
        awaiting_review,
    })
}

/// The items of a division that are overdue or due soon, across plans, soonest first.
pub fn reminders_for_division(
    conn: &mut DbConnection,
    division_id: i32,
    clock: &Clock,
) -> Result<Vec<ItemLine>, AppError> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (item, _) in queries::items::for_division(conn, division_id)? {
        if !seen.insert(item.id) {
            continue;
        }
        let status = item_status(&item, clock);
        if matches!(status, ItemStatus::Overdue | ItemStatus::DueSoon) {
            out.push(ItemLine {
                item_id: item.id,
                number: item.number.clone(),
                task: item.task.clone(),
                due: item.deadline_due,
                status,
                lead: String::new(),
            });
        }
    }
    out.sort_by_key(|l| l.due);
    Ok(out)
}
