//! What is due for a division: calendar feed events and the home page's reminder list.

use crate::db::queries;
use crate::db::DbConnection;
use crate::domain::lifecycle::ReportState;
use crate::error::AppError;
use crate::export::ics::Event;
use crate::service::plans::{item_status, Clock};

/// A division's name and its upcoming deadlines and report due dates.
pub fn division_events(
    conn: &mut DbConnection,
    division_id: i32,
    clock: &Clock,
) -> Result<(String, Vec<Event>), AppError> {
    let division = queries::divisions::get(conn, division_id)?.ok_or(AppError::NotFound("处室"))?;
    let mut events = Vec::new();
    let mut seen_items = std::collections::HashSet::new();
    for (item, part) in queries::items::for_division(conn, division_id)? {
        if !seen_items.insert(item.id) || item_status(&item, clock).is_done() {
            continue;
        }
        let role = if part == "lead" { "牵头" } else { "配合" };
        if let Some(due) = item.deadline_due {
            events.push(Event {
                uid: format!("item-{}@workplan", item.id),
                date: due,
                summary: format!("【{role}】{}. {}", item.number, item.task),
                description: format!("完成时限：{}", item.deadline_raw),
            });
        }
        if part != "lead" {
            continue;
        }
        for p in queries::reports::periods(conn, item.plan_id)? {
            if !p.is_open {
                continue;
            }
            let report = queries::reports::for_item_period(conn, item.id, p.id)?;
            let pending = ReportState::still_owed(report.as_ref().map(|r| r.state));
            if pending {
                events.push(Event {
                    uid: format!("report-{}-{}@workplan", p.id, item.id),
                    date: p.due_on,
                    summary: format!("报送 {}：{}. {}", p.period, item.number, item.task),
                    description: "季度推进落实情况报送截止".to_string(),
                });
            }
        }
    }
    events.sort_by(|a, b| a.date.cmp(&b.date).then(a.uid.cmp(&b.uid)));
    Ok((division.name, events))
}
