//! What the 待办 list reads: the plans still in their year, and for the office what waits for
//! it across them. Each is one statement driven by an index (a state, a placeholder, a
//! deadline kind), so a plan of 50,000 items costs what waits, not what is there.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::{
    acknowledgements, assignments, contributions, evaluations, extension_requests, items, plans,
    reports,
};
use crate::db::DbConnection;
use crate::domain::lifecycle::{AcknowledgementState, ExtensionState, ReportState};

/// A plan as the list names it.
#[derive(Debug, Clone, Queryable)]
pub struct PlanRef {
    pub id: i32,
    pub year: i32,
    pub title: String,
}

/// An item as an entry names it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = items)]
pub struct ItemRef {
    pub id: i32,
    pub plan_id: i32,
    pub position: i32,
    pub number: String,
    pub task: String,
    pub deadline_due: Option<NaiveDate>,
}

/// One agency's plans whose year-end evaluation is not finalised: the ones work is still
/// done in.
pub fn active_plans(conn: &mut DbConnection, agency_id: i32) -> QueryResult<Vec<PlanRef>> {
    let finalised = evaluations::table
        .filter(evaluations::finalised_at.is_not_null())
        .select(evaluations::plan_id);
    plans::table
        .filter(plans::agency_id.eq(agency_id))
        .filter(plans::id.ne_all(finalised))
        .order((plans::year.desc(), plans::id.desc()))
        .select((plans::id, plans::year, plans::title))
        .load(conn)
}

/// Reports of some plans in one state, with their items: `(report id, period id, division
/// id, late, review comment, item)`.
pub type ReportRow = (i32, i32, i32, bool, Option<String>, ItemRef);

/// The reports of the plans in `state` (the office's queue: `submitted`).
pub fn reports_in_state(
    conn: &mut DbConnection,
    plan_ids: &[i32],
    state: ReportState,
) -> QueryResult<Vec<ReportRow>> {
    reports::table
        .inner_join(items::table)
        .filter(reports::state.eq(state))
        .filter(items::plan_id.eq_any(plan_ids))
        .order(reports::id.asc())
        .select((
            reports::id,
            reports::period_id,
            reports::division_id,
            reports::submitted_late,
            reports::review_comment,
            ItemRef::as_select(),
        ))
        .load(conn)
}

/// Disputed assignments of the plans: `(division id, reason, item)`.
pub fn disputes(
    conn: &mut DbConnection,
    plan_ids: &[i32],
) -> QueryResult<Vec<(i32, Option<String>, ItemRef)>> {
    acknowledgements::table
        .inner_join(items::table.on(items::id.eq(acknowledgements::item_id)))
        .filter(acknowledgements::state.eq(AcknowledgementState::Disputed))
        .filter(items::plan_id.eq_any(plan_ids))
        .order(acknowledgements::id.asc())
        .select((
            acknowledgements::division_id,
            acknowledgements::reason,
            ItemRef::as_select(),
        ))
        .load(conn)
}

/// Pending extension requests of the plans: `(division id, requested date, item)`.
pub fn pending_extensions(
    conn: &mut DbConnection,
    plan_ids: &[i32],
) -> QueryResult<Vec<(i32, NaiveDate, ItemRef)>> {
    extension_requests::table
        .inner_join(items::table.on(items::id.eq(extension_requests::item_id)))
        .filter(extension_requests::state.eq(ExtensionState::Pending))
        .filter(items::plan_id.eq_any(plan_ids))
        .order(extension_requests::id.asc())
        .select((
            extension_requests::division_id,
            extension_requests::requested_due,
            ItemRef::as_select(),
        ))
        .load(conn)
}

/// Placeholders (assignments with no division) on unfinished items of the plans:
/// `(placeholder as written, item)`, by item.
pub fn placeholders(
    conn: &mut DbConnection,
    plan_ids: &[i32],
) -> QueryResult<Vec<(Option<String>, ItemRef)>> {
    let mut rows: Vec<(Option<String>, ItemRef)> = assignments::table
        .inner_join(items::table)
        .filter(assignments::division_id.is_null())
        .filter(items::plan_id.eq_any(plan_ids))
        .filter(items::completed_on.is_null())
        .filter(items::deadline_kind.ne("done"))
        .select((assignments::placeholder, ItemRef::as_select()))
        .load(conn)?;
    rows.sort_by_key(|(_, i)| (i.plan_id, i.position, i.id));
    Ok(rows)
}

/// Unfinished items of the plans whose date waits for a higher authority and is not set.
pub fn waiting_on_authority(
    conn: &mut DbConnection,
    plan_ids: &[i32],
) -> QueryResult<Vec<ItemRef>> {
    items::table
        .filter(items::plan_id.eq_any(plan_ids))
        .filter(items::deadline_kind.eq("per_higher_authority"))
        .filter(items::deadline_due.is_null())
        .filter(items::completed_on.is_null())
        .order((items::plan_id.asc(), items::position.asc()))
        .select(ItemRef::as_select())
        .load(conn)
}

/// A report in an open period: `(report id, item id, period id, state, review comment)`.
pub type OpenReport = (i32, i32, i32, ReportState, Option<String>);

/// The reports of some items, in open periods only.
pub fn open_reports_of(conn: &mut DbConnection, item_ids: &[i32]) -> QueryResult<Vec<OpenReport>> {
    use crate::db::schema::reporting_periods;
    let mut all = Vec::new();
    for ids in item_ids.chunks(super::IDS_PER_STATEMENT) {
        all.extend(
            reports::table
                .inner_join(reporting_periods::table)
                .filter(reports::item_id.eq_any(ids))
                .filter(reporting_periods::is_open.eq(true))
                .select((
                    reports::id,
                    reports::item_id,
                    reports::period_id,
                    reports::state,
                    reports::review_comment,
                ))
                .load::<OpenReport>(conn)?,
        );
    }
    Ok(all)
}

/// The (item, period) pairs a division has written its part for.
pub fn contributed_by(conn: &mut DbConnection, division_id: i32) -> QueryResult<Vec<(i32, i32)>> {
    contributions::table
        .filter(contributions::division_id.eq(division_id))
        .select((contributions::item_id, contributions::period_id))
        .load(conn)
}
