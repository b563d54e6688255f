//! The division directory.

use diesel::prelude::*;

use crate::db::models::{Division, NewDivision};
use crate::db::schema::divisions;
use crate::db::{DbConnection, WriteTx};

/// Adds a division and returns it.
pub fn insert(tx: &mut WriteTx<'_>, new: &NewDivision) -> QueryResult<Division> {
    let conn = tx.conn();
    diesel::insert_into(divisions::table)
        .values(new)
        .execute(conn)?;
    let id = crate::db::last_insert_id(conn)?;
    divisions::table
        .find(id)
        .select(Division::as_select())
        .first(conn)
}

/// A division by id.
pub fn get(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Division>> {
    divisions::table
        .find(id)
        .select(Division::as_select())
        .first(conn)
        .optional()
}

/// Every division of every agency (for naming divisions by id): by kind, then by name.
pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<Division>> {
    divisions::table
        .order((divisions::kind.asc(), divisions::name.asc()))
        .select(Division::as_select())
        .load(conn)
}

/// One agency's units (its divisions and the agencies directly below it): by kind, then name.
pub fn of_agency(conn: &mut DbConnection, agency_id: i32) -> QueryResult<Vec<Division>> {
    divisions::table
        .filter(divisions::agency_id.eq(agency_id))
        .order((divisions::kind.asc(), divisions::name.asc()))
        .select(Division::as_select())
        .load(conn)
}

/// The unit of `agency_id` that bears `name` as its name or as one of its aliases.
pub fn by_name_or_alias(
    conn: &mut DbConnection,
    agency_id: i32,
    name: &str,
) -> QueryResult<Option<Division>> {
    if let Some(d) = divisions::table
        .filter(divisions::agency_id.eq(agency_id))
        .filter(divisions::name.eq(name))
        .select(Division::as_select())
        .first(conn)
        .optional()?
    {
        return Ok(Some(d));
    }
    // Aliases are a short JSON list per division; a directory is small (dozens of rows).
    Ok(of_agency(conn, agency_id)?
        .into_iter()
        .find(|d| d.alias_list().iter().any(|a| a == name)))
}

/// The fields of a division that can change.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = divisions)]
pub struct DivisionChange<'a> {
    pub name: Option<&'a str>,
    pub aliases: Option<String>,
    pub kind: Option<&'a str>,
    pub active: Option<bool>,
}

/// Applies a change if the row is still at `version` (`None`: someone changed it first).
pub fn update(
    tx: &mut WriteTx<'_>,
    id: i32,
    version: i32,
    change: &DivisionChange,
) -> QueryResult<Option<Division>> {
    let conn = tx.conn();
    let changed = diesel::update(
        divisions::table
            .filter(divisions::id.eq(id))
            .filter(divisions::version.eq(version)),
    )
    .set((change, divisions::version.eq(version + 1)))
    .execute(conn)?;
    if changed == 0 {
        return Ok(None);
    }
    get(conn, id)
}
