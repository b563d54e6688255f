//! Reporting periods, reports, their history, contributions and evidence.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::models::{Contribution, Evidence, Report, ReportHistory, ReportingPeriod};
use crate::db::schema::{
    contributions, divisions, evidence, items, report_history, report_sources, reporting_periods,
    reports,
};
use crate::db::{last_insert_id, DbConnection, WriteTx};
use crate::domain::lifecycle::{EvidenceKind, ReportState};

/// Opens a period for a plan.
pub fn insert_period(
    tx: &mut WriteTx<'_>,
    plan_id: i32,
    period: &str,
    due_on: NaiveDate,
    at: NaiveDateTime,
) -> QueryResult<ReportingPeriod> {
    let conn = tx.conn();
    diesel::insert_into(reporting_periods::table)
        .values((
            reporting_periods::plan_id.eq(plan_id),
            reporting_periods::period.eq(period),
            reporting_periods::due_on.eq(due_on),
            reporting_periods::is_open.eq(true),
            reporting_periods::created_at.eq(at),
        ))
        .execute(conn)?;
    let id = last_insert_id(conn)?;
    reporting_periods::table
        .find(id)
        .select(ReportingPeriod::as_select())
        .first(conn)
}

/// A plan's periods, in order.
pub fn periods(conn: &mut DbConnection, plan_id: i32) -> QueryResult<Vec<ReportingPeriod>> {
    reporting_periods::table
        .filter(reporting_periods::plan_id.eq(plan_id))
        .order(reporting_periods::period.asc())
        .select(ReportingPeriod::as_select())
        .load(conn)
}

/// The periods of several plans: by plan, each plan's in order.
pub fn periods_of_plans(
    conn: &mut DbConnection,
    plan_ids: &[i32],
) -> QueryResult<Vec<ReportingPeriod>> {
    reporting_periods::table
        .filter(reporting_periods::plan_id.eq_any(plan_ids))
        .order((
            reporting_periods::plan_id.asc(),
            reporting_periods::period.asc(),
        ))
        .select(ReportingPeriod::as_select())
        .load(conn)
}

/// A plan's period by its code.
pub fn period_by_code(
    conn: &mut DbConnection,
    plan_id: i32,
    code: &str,
) -> QueryResult<Option<ReportingPeriod>> {
    reporting_periods::table
        .filter(reporting_periods::plan_id.eq(plan_id))
        .filter(reporting_periods::period.eq(code))
        .select(ReportingPeriod::as_select())
        .first(conn)
        .optional()
}

/// A period by id.
pub fn period(conn: &mut DbConnection, id: i32) -> QueryResult<Option<ReportingPeriod>> {
    reporting_periods::table
        .find(id)
        .select(ReportingPeriod::as_select())
        .first(conn)
        .optional()
}

/// A report by id.
pub fn get(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Report>> {
    reports::table
        .find(id)
        .select(Report::as_select())
        .first(conn)
        .optional()
}

/// The report of an item for a period, if written.
pub fn for_item_period(
    conn: &mut DbConnection,
    item_id: i32,
    period_id: i32,
) -> QueryResult<Option<Report>> {
    reports::table
        .filter(reports::item_id.eq(item_id))
        .filter(reports::period_id.eq(period_id))
        .select(Report::as_select())
        .first(conn)
        .optional()
}

/// The reports of some items in one period (at most one each).
pub fn for_items_period(
    conn: &mut DbConnection,
    item_ids: &[i32],
    period_id: i32,
) -> QueryResult<Vec<Report>> {
    reports::table
        .filter(reports::item_id.eq_any(item_ids))
        .filter(reports::period_id.eq(period_id))
        .select(Report::as_select())
        .load(conn)
}

/// An item's reports.
pub fn for_item(conn: &mut DbConnection, item_id: i32) -> QueryResult<Vec<Report>> {
    reports::table
        .filter(reports::item_id.eq(item_id))
        .order(reports::period_id.asc())
        .select(Report::as_select())
        .load(conn)
}

/// Every report of a plan's items (one query however many items the plan has).
pub fn of_plan(conn: &mut DbConnection, plan_id: i32) -> QueryResult<Vec<Report>> {
    use crate::db::schema::items;
    reports::table
        .inner_join(items::table)
        .filter(items::plan_id.eq(plan_id))
        .order((reports::item_id.asc(), reports::period_id.asc()))
        .select(Report::as_select())
        .load(conn)
}

/// Starts a draft report.
pub fn insert(
    tx: &mut WriteTx<'_>,
    item_id: i32,
    period_id: i32,
    division_id: i32,
    summary: &str,
    completes_item: bool,
    at: NaiveDateTime,
) -> QueryResult<Report> {
    let conn = tx.conn();
    diesel::insert_into(reports::table)
        .values((
            reports::item_id.eq(item_id),
            reports::period_id.eq(period_id),
            reports::division_id.eq(division_id),
            reports::state.eq(ReportState::Draft),
            reports::summary.eq(summary),
            reports::submitted_late.eq(false),
            reports::version.eq(1),
            reports::created_at.eq(at),
            reports::updated_at.eq(at),
            reports::completes_item.eq(completes_item),
        ))
        .execute(conn)?;
    let id = last_insert_id(conn)?;
    reports::table
        .find(id)
        .select(Report::as_select())
        .first(conn)
}

/// What a report write changes.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = reports)]
pub struct ReportChange<'a> {
    pub state: Option<ReportState>,
    pub summary: Option<&'a str>,
    pub completes_item: Option<bool>,
    pub submitted_at: Option<Option<NaiveDateTime>>,
    pub submitted_late: Option<bool>,
    pub reviewed_by: Option<Option<i32>>,
    pub reviewed_at: Option<Option<NaiveDateTime>>,
    pub review_comment: Option<Option<&'a str>>,
    pub updated_at: Option<NaiveDateTime>,
}

/// Applies a change if the report is still at `version` (`None`: someone changed it first).
pub fn update(
    tx: &mut WriteTx<'_>,
    id: i32,
    version: i32,
    change: &ReportChange,
) -> QueryResult<Option<Report>> {
    let conn = tx.conn();
    let changed = diesel::update(
        reports::table
            .filter(reports::id.eq(id))
            .filter(reports::version.eq(version)),
    )
    .set((change, reports::version.eq(version + 1)))
    .execute(conn)?;
    if changed == 0 {
        return Ok(None);
    }
    get(conn, id)
}

/// Records a step of a report's life.
pub fn add_history(
    tx: &mut WriteTx<'_>,
    r: &Report,
    comment: Option<&str>,
    actor_id: Option<i32>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    let conn = tx.conn();
    diesel::insert_into(report_history::table)
        .values((
            report_history::report_id.eq(r.id),
            report_history::version.eq(r.version),
            report_history::state.eq(r.state),
            report_history::summary.eq(&r.summary),
            report_history::comment.eq(comment),
            report_history::actor_id.eq(actor_id),
            report_history::at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// A report's history, oldest first.
pub fn history(conn: &mut DbConnection, report_id: i32) -> QueryResult<Vec<ReportHistory>> {
    report_history::table
        .filter(report_history::report_id.eq(report_id))
        .order(report_history::id.asc())
        .select(ReportHistory::as_select())
        .load(conn)
}

/// Writes (or rewrites) a division's contribution to an item for a period; the row as saved.
pub fn upsert_contribution(
    tx: &mut WriteTx<'_>,
    item_id: i32,
    period_id: i32,
    division_id: i32,
    text: &str,
    author: Option<i32>,
    at: NaiveDateTime,
) -> QueryResult<Contribution> {
    let find = |conn: &mut DbConnection| {
        contributions::table
            .filter(contributions::item_id.eq(item_id))
            .filter(contributions::period_id.eq(period_id))
            .filter(contributions::division_id.eq(division_id))
            .select(Contribution::as_select())
            .first(conn)
            .optional()
    };
    let rewrite = |conn: &mut DbConnection, c: &Contribution| {
        diesel::update(contributions::table.find(c.id))
            .set((
                contributions::text.eq(text),
                contributions::author_id.eq(author),
                contributions::version.eq(c.version + 1),
                contributions::updated_at.eq(at),
            ))
            .execute(conn)
    };
    if let Some(c) = find(tx.conn())? {
        rewrite(tx.conn(), &c)?;
    } else {
        // Two of the division's staff may save the first version in the same moment: the
        // unique index decides, and the second save rewrites the first instead of failing.
        let inserted = tx.savepoint(|t| {
            diesel::insert_into(contributions::table)
                .values((
                    contributions::item_id.eq(item_id),
                    contributions::period_id.eq(period_id),
                    contributions::division_id.eq(division_id),
                    contributions::text.eq(text),
                    contributions::author_id.eq(author),
                    contributions::version.eq(1),
                    contributions::updated_at.eq(at),
                ))
                .execute(t.conn())
        });
        match inserted {
            Ok(_) => {}
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => {
                if let Some(c) = find(tx.conn())? {
                    rewrite(tx.conn(), &c)?;
                }
            }
            Err(e) => return Err(e),
        }
    }
    find(tx.conn())?.ok_or(diesel::result::Error::NotFound)
}

/// The contributions to an item for a period, each with its division's name, in the order
/// they were first written.
pub fn contributions(
    conn: &mut DbConnection,
    item_id: i32,
    period_id: i32,
) -> QueryResult<Vec<(Contribution, String)>> {
    contributions::table
        .inner_join(divisions::table)
        .filter(contributions::item_id.eq(item_id))
        .filter(contributions::period_id.eq(period_id))
        .order(contributions::id.asc())
        .select((Contribution::as_select(), divisions::name))
        .load(conn)
}

/// Every contribution to a plan's items, each with its division's name, in the order they
/// were first written (the ledger's 配合处室落实情况).
pub fn contributions_of_plan(
    conn: &mut DbConnection,
    plan_id: i32,
) -> QueryResult<Vec<(Contribution, String)>> {
    contributions::table
        .inner_join(divisions::table)
        .inner_join(items::table)
        .filter(items::plan_id.eq(plan_id))
        .order(contributions::id.asc())
        .select((Contribution::as_select(), divisions::name))
        .load(conn)
}

/// The items a division has written its contribution to for a period.
pub fn contributed_items(
    conn: &mut DbConnection,
    division_id: i32,
    period_id: i32,
) -> QueryResult<Vec<i32>> {
    contributions::table
        .filter(contributions::division_id.eq(division_id))
        .filter(contributions::period_id.eq(period_id))
        .select(contributions::item_id)
        .load(conn)
}

/// Evidence about to be recorded.
#[derive(Debug, Insertable)]
#[diesel(table_name = evidence)]
pub struct NewEvidence<'a> {
    pub report_id: i32,
    pub kind: EvidenceKind,
    pub file_name: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub size_bytes: Option<i64>,
    pub sha256: Option<&'a str>,
    pub url: Option<&'a str>,
    pub url_title: Option<&'a str>,
    pub url_date: Option<NaiveDate>,
    pub uploaded_by: Option<i32>,
    pub created_at: NaiveDateTime,
    /// The division's evidence this is carried up from (a report drafted from theirs).
    pub source_evidence_id: Option<i32>,
}

/// Records evidence.
pub fn insert_evidence(tx: &mut WriteTx<'_>, new: &NewEvidence) -> QueryResult<Evidence> {
    let conn = tx.conn();
    diesel::insert_into(evidence::table)
        .values(new)
        .execute(conn)?;
    let id = last_insert_id(conn)?;
    evidence::table
        .find(id)
        .select(Evidence::as_select())
        .first(conn)
}

/// A report's evidence.
pub fn evidence_of(conn: &mut DbConnection, report_id: i32) -> QueryResult<Vec<Evidence>> {
    evidence::table
        .filter(evidence::report_id.eq(report_id))
        .order(evidence::id.asc())
        .select(Evidence::as_select())
        .load(conn)
}

/// Evidence by id.
pub fn evidence(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Evidence>> {
    evidence::table
        .find(id)
        .select(Evidence::as_select())
        .first(conn)
        .optional()
}

/// One evidence row that names a stored file, with the report, item and plan it belongs to
/// (what backup and verify need to find the file and to tell the office where it is used).
#[derive(Debug, Clone, Queryable)]
pub struct StoredFileRow {
    pub evidence_id: i32,
    pub report_id: i32,
    pub item_id: i32,
    pub item_number: String,
    pub plan_id: i32,
    pub file_name: Option<String>,
    pub size_bytes: Option<i64>,
    pub sha256: String,
}

/// Every evidence row that names a stored file, in id order.
pub fn stored_files(conn: &mut DbConnection) -> QueryResult<Vec<StoredFileRow>> {
    use crate::db::schema::items;
    evidence::table
        .inner_join(reports::table.inner_join(items::table))
        .filter(evidence::sha256.is_not_null())
        .order(evidence::id.asc())
        .select((
            evidence::id,
            evidence::report_id,
            items::id,
            items::number,
            items::plan_id,
            evidence::file_name,
            evidence::size_bytes,
            evidence::sha256.assume_not_null(),
        ))
        .load(conn)
}

/// The reports a report sent up was drafted from, in the order they were recorded.
pub fn source_ids(conn: &mut DbConnection, report_id: i32) -> QueryResult<Vec<i32>> {
    report_sources::table
        .filter(report_sources::report_id.eq(report_id))
        .order(report_sources::id.asc())
        .select(report_sources::source_report_id)
        .load(conn)
}

/// Records `sources` as the reports `report_id` is drafted from, in place of any before.
pub fn replace_sources(tx: &mut WriteTx<'_>, report_id: i32, sources: &[i32]) -> QueryResult<()> {
    let conn = tx.conn();
    diesel::delete(report_sources::table.filter(report_sources::report_id.eq(report_id)))
        .execute(conn)?;
    for source in sources {
        diesel::insert_into(report_sources::table)
            .values((
                report_sources::report_id.eq(report_id),
                report_sources::source_report_id.eq(*source),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Removes the evidence a report carried up from its sources (what it was given directly
/// stays); the files themselves are the sources' and stay where they are.
pub fn delete_carried_evidence(tx: &mut WriteTx<'_>, report_id: i32) -> QueryResult<usize> {
    let conn = tx.conn();
    diesel::delete(
        evidence::table
            .filter(evidence::report_id.eq(report_id))
            .filter(evidence::source_evidence_id.is_not_null()),
    )
    .execute(conn)
}
