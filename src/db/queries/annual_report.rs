//! The annual disclosure report of a plan.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{annual_reports, plans};
use crate::db::{last_insert_id, DbConnection, WriteTx};

/// A plan's stored annual report.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = annual_reports)]
pub struct AnnualReportRow {
    pub id: i32,
    pub plan_id: i32,
    pub format_version: String,
    pub figures: String,
    pub texts: String,
    pub finalised_at: Option<NaiveDateTime>,
    pub finalised_by: Option<i32>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A plan's report, if one was saved.
pub fn of_plan(conn: &mut DbConnection, plan_id: i32) -> QueryResult<Option<AnnualReportRow>> {
    annual_reports::table
        .filter(annual_reports::plan_id.eq(plan_id))
        .select(AnnualReportRow::as_select())
        .first(conn)
        .optional()
}

/// The newest report of a plan of `year` (the agency's report of that year).
pub fn of_year(conn: &mut DbConnection, year: i32) -> QueryResult<Option<AnnualReportRow>> {
    annual_reports::table
        .inner_join(plans::table)
        .filter(plans::year.eq(year))
        .order(annual_reports::id.desc())
        .select(AnnualReportRow::as_select())
        .first(conn)
        .optional()
}

/// Starts a plan's report.
pub fn insert(
    tx: &mut WriteTx<'_>,
    plan_id: i32,
    format_version: &str,
    figures: &str,
    texts: &str,
    at: NaiveDateTime,
) -> QueryResult<AnnualReportRow> {
    let conn = tx.conn();
    diesel::insert_into(annual_reports::table)
        .values((
            annual_reports::plan_id.eq(plan_id),
            annual_reports::format_version.eq(format_version),
            annual_reports::figures.eq(figures),
            annual_reports::texts.eq(texts),
            annual_reports::version.eq(1),
            annual_reports::created_at.eq(at),
            annual_reports::updated_at.eq(at),
        ))
        .execute(conn)?;
    let id = last_insert_id(conn)?;
    annual_reports::table
        .find(id)
        .select(AnnualReportRow::as_select())
        .first(conn)
}

/// Saves figures and texts if the report is still at `version` and not finalised; false
/// when it was not.
pub fn save(
    tx: &mut WriteTx<'_>,
    id: i32,
    version: i32,
    figures: &str,
    texts: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let conn = tx.conn();
    diesel::update(
        annual_reports::table
            .find(id)
            .filter(annual_reports::version.eq(version))
            .filter(annual_reports::finalised_at.is_null()),
    )
    .set((
        annual_reports::figures.eq(figures),
        annual_reports::texts.eq(texts),
        annual_reports::version.eq(version + 1),
        annual_reports::updated_at.eq(at),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Marks the report finalised.
pub fn finalise(
    tx: &mut WriteTx<'_>,
    id: i32,
    version: i32,
    by: Option<i32>,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let conn = tx.conn();
    diesel::update(
        annual_reports::table
            .find(id)
            .filter(annual_reports::version.eq(version))
            .filter(annual_reports::finalised_at.is_null()),
    )
    .set((
        annual_reports::finalised_at.eq(Some(at)),
        annual_reports::finalised_by.eq(by),
        annual_reports::version.eq(version + 1),
    ))
    .execute(conn)
    .map(|n| n == 1)
}
