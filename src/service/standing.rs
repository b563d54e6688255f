//! Every item's standing (domain::standing) on the clock's date: the one place the figures
//! of the home page, 总览, 我的任务, the workbooks, the evaluation, the bulletin and the annual
//! report are classified, so that they cannot disagree.

use std::collections::HashMap;

use crate::db::models::{Item, Plan, Report};
use crate::db::queries;
use crate::db::DbConnection;
use crate::domain::evaluation::{is_long_running, Verdict};
use crate::domain::standing::{self, Standing, StandingInput};
use crate::error::AppError;
use crate::service::plans::{item_status, Clock};

/// The standings of a plan's items, by item id.
#[derive(Debug, Clone, Default)]
pub struct Standings {
    inputs: HashMap<i32, StandingInput>,
}

impl Standings {
    /// Works out the standings of `items` (of `plan`), from their deadlines, the reports the
    /// office accepted (`reports`: the plan's) and the evaluation's recorded verdicts.
    pub fn of(
        conn: &mut DbConnection,
        plan: &Plan,
        items: &[Item],
        reports: &[Report],
        clock: &Clock,
    ) -> Result<Self, AppError> {
        let verdicts = recorded_verdicts(conn, plan.id)?;
        let mut accepted: HashMap<i32, usize> = HashMap::new();
        for r in reports.iter().filter(|r| r.state.is_accepted()) {
            *accepted.entry(r.item_id).or_default() += 1;
        }
        let year_over = clock.today > year_end(plan.year);
        let inputs = items
            .iter()
            .map(|item| {
                (
                    item.id,
                    StandingInput {
                        status: item_status(item, clock),
                        long_running: long_running(item),
                        accepted_reports: accepted.get(&item.id).copied().unwrap_or(0),
                        year_over,
                        verdict: verdicts.get(&item.id).copied(),
                    },
                )
            })
            .collect();
        Ok(Standings { inputs })
    }

    /// Loads what the standings of a whole plan need and works them out.
    pub fn of_plan(
        conn: &mut DbConnection,
        plan_id: i32,
        clock: &Clock,
    ) -> Result<(Vec<Item>, Self), AppError> {
        let plan = super::plans::get(conn, plan_id)?;
        let items = queries::items::list(conn, plan_id, None)?;
        let reports = queries::reports::of_plan(conn, plan_id)?;
        let standings = Self::of(conn, &plan, &items, &reports, clock)?;
        Ok((items, standings))
    }

    /// An item's standing (an item not of this plan counts as in progress).
    pub fn get(&self, item_id: i32) -> Standing {
        self.inputs
            .get(&item_id)
            .map_or(Standing::InProgress, |i| standing::classify(*i))
    }

    /// The verdict the data suggests for an item at year end.
    pub fn proposal(&self, item_id: i32) -> Option<Verdict> {
        self.inputs.get(&item_id).map(|i| {
            standing::propose(StandingInput {
                verdict: None,
                ..*i
            })
        })
    }
}

/// Whether an item's work runs all year (全年, 长期, 每季度…).
pub fn long_running(item: &Item) -> bool {
    crate::domain::deadline::DeadlineKind::parse(&item.deadline_kind).is_some_and(is_long_running)
}

/// The last day of a plan's year.
fn year_end(year: i32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(chrono::NaiveDate::MAX)
}

/// The verdicts the office confirmed (or the finalised evaluation fixed), by item.
fn recorded_verdicts(
    conn: &mut DbConnection,
    plan_id: i32,
) -> Result<HashMap<i32, Verdict>, AppError> {
    let Some(row) = queries::evaluation::of_plan(conn, plan_id)? else {
        return Ok(HashMap::new());
    };
    Ok(queries::evaluation::verdicts(conn, row.id)?
        .into_iter()
        .filter_map(|v| Verdict::parse(&v.verdict).map(|verdict| (v.item_id, verdict)))
        .collect())
}
