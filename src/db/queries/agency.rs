//! Agencies: the one a deployment was set up for (id 1, absent while not set) and the
//! agencies placed below it, and which agency owns a plan, item, report or account.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{
    agency, divisions, evidence, extension_requests, items, plans, reports, urgings, users,
};
use crate::db::{DbConnection, WriteTx};

/// The first agency's id: every row made before agencies had a tree belongs to it.
pub const FIRST: i32 = 1;

/// The stored agency.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = agency)]
pub struct AgencyRow {
    pub id: i32,
    pub parent_id: Option<i32>,
    pub full_name: String,
    pub short_name: String,
    pub supervisor: String,
    pub version: i32,
    pub updated_at: NaiveDateTime,
}

/// The agency's names as written.
#[derive(Debug, Clone, Copy)]
pub struct Names<'a> {
    pub full_name: &'a str,
    pub short_name: &'a str,
    pub supervisor: &'a str,
}

/// The stored agency, if it was set.
pub fn get(conn: &mut DbConnection, id: i32) -> QueryResult<Option<AgencyRow>> {
    agency::table
        .find(id)
        .select(AgencyRow::as_select())
        .first(conn)
        .optional()
}

/// Writes an agency's row (version 1) under `parent`; fails if the id is taken.
pub fn insert(
    tx: &mut WriteTx<'_>,
    id: i32,
    parent: Option<i32>,
    names: Names,
    at: NaiveDateTime,
) -> QueryResult<AgencyRow> {
    let conn = tx.conn();
    diesel::insert_into(agency::table)
        .values((
            agency::id.eq(id),
            agency::parent_id.eq(parent),
            agency::full_name.eq(names.full_name),
            agency::short_name.eq(names.short_name),
            agency::supervisor.eq(names.supervisor),
            agency::version.eq(1),
            agency::updated_at.eq(at),
        ))
        .execute(conn)?;
    agency::table
        .find(id)
        .select(AgencyRow::as_select())
        .first(conn)
}

/// Changes the names if the row is still at `version` (`None`: someone changed it first).
pub fn update(
    tx: &mut WriteTx<'_>,
    id: i32,
    version: i32,
    names: Names,
    at: NaiveDateTime,
) -> QueryResult<Option<AgencyRow>> {
    let conn = tx.conn();
    let changed = diesel::update(
        agency::table
            .filter(agency::id.eq(id))
            .filter(agency::version.eq(version)),
    )
    .set((
        agency::full_name.eq(names.full_name),
        agency::short_name.eq(names.short_name),
        agency::supervisor.eq(names.supervisor),
        agency::version.eq(version + 1),
        agency::updated_at.eq(at),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Ok(None);
    }
    get(conn, id)
}

/// The id the next agency gets (ids are given here, not by the database: the first agency's
/// row may not exist yet while everything already belongs to id 1).
pub fn next_id(tx: &mut WriteTx<'_>) -> QueryResult<i32> {
    let max: Option<i32> = agency::table
        .select(diesel::dsl::max(agency::id))
        .first(tx.conn())?;
    Ok(max.unwrap_or(FIRST).max(FIRST) + 1)
}

/// Every agency, in the order they were added.
pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<AgencyRow>> {
    agency::table
        .order(agency::id.asc())
        .select(AgencyRow::as_select())
        .load(conn)
}

/// The tree: each agency's id and parent.
pub fn nodes(conn: &mut DbConnection) -> QueryResult<Vec<(i32, Option<i32>)>> {
    agency::table
        .select((agency::id, agency::parent_id))
        .load(conn)
}

/// The unit (a row of its parent's directory) that stands for `agency`, if it has one.
pub fn unit_of(conn: &mut DbConnection, agency: i32) -> QueryResult<Option<i32>> {
    divisions::table
        .filter(divisions::unit_agency_id.eq(agency))
        .select(divisions::id)
        .first(conn)
        .optional()
}

/// The agency that owns a plan.
pub fn owner_of_plan(conn: &mut DbConnection, plan: i32) -> QueryResult<Option<i32>> {
    plans::table
        .find(plan)
        .select(plans::agency_id)
        .first(conn)
        .optional()
}

/// The agency that owns an item's plan.
pub fn owner_of_item(conn: &mut DbConnection, item: i32) -> QueryResult<Option<i32>> {
    items::table
        .inner_join(plans::table)
        .filter(items::id.eq(item))
        .select(plans::agency_id)
        .first(conn)
        .optional()
}

/// The item a report is on.
pub fn item_of_report(conn: &mut DbConnection, report: i32) -> QueryResult<Option<i32>> {
    reports::table
        .find(report)
        .select(reports::item_id)
        .first(conn)
        .optional()
}

/// The report a piece of evidence belongs to.
pub fn report_of_evidence(conn: &mut DbConnection, evidence_id: i32) -> QueryResult<Option<i32>> {
    evidence::table
        .find(evidence_id)
        .select(evidence::report_id)
        .first(conn)
        .optional()
}

/// The item an extension request is about.
pub fn item_of_extension(conn: &mut DbConnection, id: i32) -> QueryResult<Option<i32>> {
    extension_requests::table
        .find(id)
        .select(extension_requests::item_id)
        .first(conn)
        .optional()
}

/// The item an urging is about.
pub fn item_of_urging(conn: &mut DbConnection, id: i32) -> QueryResult<Option<i32>> {
    urgings::table
        .find(id)
        .select(urgings::item_id)
        .first(conn)
        .optional()
}

/// The agency a division (or unit) belongs to.
pub fn owner_of_division(conn: &mut DbConnection, id: i32) -> QueryResult<Option<i32>> {
    divisions::table
        .find(id)
        .select(divisions::agency_id)
        .first(conn)
        .optional()
}

/// The agency an account belongs to.
pub fn owner_of_user(conn: &mut DbConnection, id: i32) -> QueryResult<Option<i32>> {
    users::table
        .find(id)
        .select(users::agency_id)
        .first(conn)
        .optional()
}
