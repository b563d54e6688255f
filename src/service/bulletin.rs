//! The progress bulletin (情况通报) of a reporting period.

use crate::db::queries;
use crate::db::DbConnection;
use crate::domain::bulletin::{self, LedItem, ReportFact};
use crate::domain::period::PeriodId;
use crate::error::AppError;
use crate::service::plans::Clock;
use crate::service::standing::Standings;

// The view types are domain data so that export writes them without naming service.
pub use crate::domain::bulletin::Bulletin;

/// Works out the bulletin of an opened period of a plan, on the clock's date.
pub fn bulletin(
    conn: &mut DbConnection,
    plan_id: i32,
    period: &str,
    clock: &Clock,
) -> Result<Bulletin, AppError> {
    let plan = super::plans::get(conn, plan_id)?;
    let id = PeriodId::parse(period)
        .ok_or_else(|| AppError::invalid("period", "报送期须写成 2021-Q3 这样的“年-季度”"))?;
    let code = id.to_string();
    let p = queries::reports::period_by_code(conn, plan_id, &code)?
        .ok_or_else(|| AppError::invalid("period", format!("{code} 报送期尚未开启")))?;
    let (start, end) = (id.start(), id.end());
    let items = queries::items::list(conn, plan_id, None)?;
    let reports = queries::reports::of_plan(conn, plan_id)?;
    let standings = Standings::of(conn, &plan, &items, &reports, clock)?;
    let ids: Vec<i32> = items.iter().map(|i| i.id).collect();
    let assignments = queries::items::assignments_of(conn, &ids)?;
    let directory = queries::divisions::of_agency(conn, plan.agency_id)?;
    let mut led = Vec::new();
    for item in &items {
        let report = queries::reports::for_item_period(conn, item.id, p.id)?
            .map(|r| ReportFact::of(r.state, r.submitted_late));
        let urgings = queries::supervision::urgings_of(conn, Some(item.id), None)?;
        for a in assignments
            .iter()
            .filter(|a| a.item_id == item.id && a.role == "lead")
        {
            let Some(d) = a.division_id else { continue };
            led.push(LedItem {
                division: directory
                    .iter()
                    .find(|x| x.id == d)
                    .map(|x| x.name.clone())
                    .unwrap_or_default(),
                item: format!("{}. {}", item.number, item.task),
                due: item.deadline_due,
                standing: standings.get(item.id),
                report,
                urgings: urgings
                    .iter()
                    .filter(|u| {
                        u.division_id == d
                            && (u.period_id == Some(p.id) || u.urged_at.date() >= start)
                    })
                    .count(),
            });
        }
    }
    Ok(Bulletin {
        plan_id,
        plan_title: plan.title,
        period: code,
        start,
        end,
        report_due: p.due_on,
        as_of: clock.today,
        lines: bulletin::lines(&led, start, end),
    })
}
