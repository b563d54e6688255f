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
    // The period's reports and the items' urgings, read once for the whole plan.
    let in_period: std::collections::HashMap<i32, ReportFact> = reports
        .iter()
        .filter(|r| r.period_id == p.id)
        .map(|r| (r.item_id, ReportFact::of(r.state, r.submitted_late)))
        .collect();
    let mut urged: std::collections::HashMap<i32, Vec<_>> = std::collections::HashMap::new();
    for u in queries::supervision::urgings_of_items(conn, &ids)? {
        urged.entry(u.item_id).or_default().push(u);
    }
    // Each item's lead divisions, by item (a plan may hold 50,000 items).
    let mut leads_of: std::collections::HashMap<i32, Vec<i32>> = std::collections::HashMap::new();
    for a in assignments.iter().filter(|a| a.role == "lead") {
        if let Some(d) = a.division_id {
            leads_of.entry(a.item_id).or_default().push(d);
        }
    }
    let mut led = Vec::new();
    for item in &items {
        let report = in_period.get(&item.id).copied();
        let urgings: &[_] = urged.get(&item.id).map_or(&[], Vec::as_slice);
        for &d in leads_of.get(&item.id).map_or(&[][..], Vec::as_slice) {
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
