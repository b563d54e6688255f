//! Plans.

use diesel::prelude::*;

use crate::db::models::{NewPlan, Plan};
use crate::db::schema::{assignments, items, plans};
use crate::db::{DbConnection, WriteTx};

/// Adds a plan and returns it.
pub fn insert(tx: &mut WriteTx<'_>, new: &NewPlan) -> QueryResult<Plan> {
    let conn = tx.conn();
    diesel::insert_into(plans::table)
        .values(new)
        .execute(conn)?;
    let id = crate::db::last_insert_id(conn)?;
    plans::table.find(id).select(Plan::as_select()).first(conn)
}

/// A plan by id.
pub fn get(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Plan>> {
    plans::table
        .find(id)
        .select(Plan::as_select())
        .first(conn)
        .optional()
}

/// A plan with the figures the home page and the plan list show.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PlanSummary {
    #[serde(flatten)]
    pub plan: Plan,
    /// Items in the plan.
    pub item_count: i64,
    /// Items without any real lead division yet (placeholders or nothing).
    pub unassigned_count: i64,
}

/// Every plan of every agency (for the hourly due-date notices).
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<Plan>> {
    plans::table
        .order(plans::id.asc())
        .select(Plan::as_select())
        .load(conn)
}

/// The plans of `agencies`, in the order the agencies are given, each agency's newest year
/// first, with their counts.
pub fn list_with_counts(
    conn: &mut DbConnection,
    agencies: &[i32],
) -> QueryResult<Vec<PlanSummary>> {
    let mut all: Vec<Plan> = plans::table
        .filter(plans::agency_id.eq_any(agencies))
        .order((plans::year.desc(), plans::id.desc()))
        .select(Plan::as_select())
        .load(conn)?;
    all.sort_by_key(|p| agencies.iter().position(|a| *a == p.agency_id));
    let ids: Vec<i32> = all.iter().map(|p| p.id).collect();
    let counts: Vec<(i32, i64)> = items::table
        .filter(items::plan_id.eq_any(&ids))
        .group_by(items::plan_id)
        .select((items::plan_id, diesel::dsl::count_star()))
        .load(conn)?;
    // NOT EXISTS rather than `<> ALL (…)`: PostgreSQL plans the latter as a nested loop,
    // minutes for a plan of 50,000 items; the former is an anti-join on both backends.
    let led = assignments::table
        .filter(assignments::item_id.eq(items::id))
        .filter(assignments::role.eq("lead"))
        .filter(assignments::division_id.is_not_null());
    let unassigned: Vec<(i32, i64)> = items::table
        .filter(items::plan_id.eq_any(&ids))
        .filter(diesel::dsl::not(diesel::dsl::exists(led)))
        .group_by(items::plan_id)
        .select((items::plan_id, diesel::dsl::count_star()))
        .load(conn)?;
    let find = |v: &[(i32, i64)], id: i32| v.iter().find(|(p, _)| *p == id).map_or(0, |(_, n)| *n);
    Ok(all
        .into_iter()
        .map(|plan| PlanSummary {
            item_count: find(&counts, plan.id),
            unassigned_count: find(&unassigned, plan.id),
            plan,
        })
        .collect())
}

/// The plan of a year with a title, if one exists.
pub fn by_year_and_title(
    conn: &mut DbConnection,
    agency_id: i32,
    year: i32,
    title: &str,
) -> QueryResult<Option<Plan>> {
    plans::table
        .filter(plans::agency_id.eq(agency_id))
        .filter(plans::year.eq(year))
        .filter(plans::title.eq(title))
        .select(Plan::as_select())
        .first(conn)
        .optional()
}

/// Records that a revised file was imported into a plan.
pub fn record_revision(
    tx: &mut WriteTx<'_>,
    id: i32,
    source_file: &str,
    sha256: &str,
    columns: &str,
    at: chrono::NaiveDateTime,
) -> QueryResult<()> {
    let conn = tx.conn();
    diesel::update(plans::table.find(id))
        .set((
            plans::source_file.eq(source_file),
            plans::source_columns.eq(columns),
            plans::source_sha256.eq(sha256),
            plans::updated_at.eq(at),
            plans::version.eq(plans::version + 1),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The plan an agency received from an upper plan, if it has one.
pub fn handed_down(
    conn: &mut DbConnection,
    upper_plan_id: i32,
    agency_id: i32,
) -> QueryResult<Option<Plan>> {
    plans::table
        .filter(plans::upper_plan_id.eq(upper_plan_id))
        .filter(plans::agency_id.eq(agency_id))
        .order(plans::id.asc())
        .select(Plan::as_select())
        .first(conn)
        .optional()
}

/// The plans handed down from an upper plan.
pub fn handed_down_from(conn: &mut DbConnection, upper_plan_id: i32) -> QueryResult<Vec<Plan>> {
    plans::table
        .filter(plans::upper_plan_id.eq(upper_plan_id))
        .order(plans::id.asc())
        .select(Plan::as_select())
        .load(conn)
}
