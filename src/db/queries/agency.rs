//! The agency this deployment serves: one row, id 1, or none while it is not set.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::agency;
use crate::db::{DbConnection, WriteTx};

/// The one row's id.
const ID: i32 = 1;

/// The stored agency.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = agency)]
pub struct AgencyRow {
    pub id: i32,
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
pub fn get(conn: &mut DbConnection) -> QueryResult<Option<AgencyRow>> {
    agency::table
        .find(ID)
        .select(AgencyRow::as_select())
        .first(conn)
        .optional()
}

/// Writes the first row (version 1); fails if one exists.
pub fn insert(tx: &mut WriteTx<'_>, names: Names, at: NaiveDateTime) -> QueryResult<AgencyRow> {
    let conn = tx.conn();
    diesel::insert_into(agency::table)
        .values((
            agency::id.eq(ID),
            agency::full_name.eq(names.full_name),
            agency::short_name.eq(names.short_name),
            agency::supervisor.eq(names.supervisor),
            agency::version.eq(1),
            agency::updated_at.eq(at),
        ))
        .execute(conn)?;
    agency::table
        .find(ID)
        .select(AgencyRow::as_select())
        .first(conn)
}

/// Changes the names if the row is still at `version` (`None`: someone changed it first).
pub fn update(
    tx: &mut WriteTx<'_>,
    version: i32,
    names: Names,
    at: NaiveDateTime,
) -> QueryResult<Option<AgencyRow>> {
    let conn = tx.conn();
    let changed = diesel::update(
        agency::table
            .filter(agency::id.eq(ID))
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
    get(conn)
}
