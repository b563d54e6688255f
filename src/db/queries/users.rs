//! User accounts.

use diesel::prelude::*;

use crate::db::models::{NewUser, User};
use crate::db::schema::users;
use crate::db::{DbConnection, WriteTx};

/// Adds a user and returns it.
pub fn insert(tx: &mut WriteTx<'_>, new: &NewUser) -> QueryResult<User> {
    let conn = tx.conn();
    diesel::insert_into(users::table)
        .values(new)
        .execute(conn)?;
    let id = crate::db::last_insert_id(conn)?;
    users::table.find(id).select(User::as_select()).first(conn)
}

/// A user by id.
pub fn get(conn: &mut DbConnection, id: i32) -> QueryResult<Option<User>> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// What every request needs to know of its user: name, role, division and whether the
/// account is still enabled (read on every request, so it reads nothing more).
#[derive(Debug, Clone, Queryable)]
pub struct Standing {
    pub id: i32,
    pub username: String,
    pub role: String,
    pub division_id: Option<i32>,
    pub disabled: bool,
}

/// A user's standing now.
pub fn standing(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Standing>> {
    crate::on_backend!(conn, c => users::table
        .find(id)
        .select((
            users::id,
            users::username,
            users::role,
            users::division_id,
            users::disabled,
        ))
        .first(c)
        .optional())
}

/// A user by login name.
pub fn by_name(conn: &mut DbConnection, name: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::username.eq(name))
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// Every user, by name.
pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<User>> {
    users::table
        .order(users::username.asc())
        .select(User::as_select())
        .load(conn)
}

/// How many users there are.
pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

/// The fields of a user that can change.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChange<'a> {
    pub email: Option<Option<&'a str>>,
    pub display_name: Option<&'a str>,
    pub password_hash: Option<&'a str>,
    pub role: Option<&'a str>,
    pub division_id: Option<Option<i32>>,
    pub disabled: Option<bool>,
    pub must_change_password: Option<bool>,
    pub password_changed_at: Option<Option<chrono::NaiveDateTime>>,
}

/// Applies a change if the row is still at `version`; returns the new row, or `None` when
/// someone else changed it first.
pub fn update(
    tx: &mut WriteTx<'_>,
    id: i32,
    version: i32,
    change: &UserChange,
) -> QueryResult<Option<User>> {
    let conn = tx.conn();
    let changed = diesel::update(
        users::table
            .filter(users::id.eq(id))
            .filter(users::version.eq(version)),
    )
    .set((change, users::version.eq(version + 1)))
    .execute(conn)?;
    if changed == 0 {
        return Ok(None);
    }
    get(conn, id)
}

/// Replaces a user's own password if it is still `old_hash` (so two changes at once cannot
/// both win); the new one is the user's own, not temporary. Returns whether it changed.
pub fn set_own_password(
    tx: &mut WriteTx<'_>,
    id: i32,
    old_hash: &str,
    new_hash: &str,
    at: chrono::NaiveDateTime,
) -> QueryResult<bool> {
    let conn = tx.conn();
    diesel::update(
        users::table
            .filter(users::id.eq(id))
            .filter(users::password_hash.eq(old_hash)),
    )
    .set((
        users::password_hash.eq(new_hash),
        users::must_change_password.eq(false),
        users::password_changed_at.eq(Some(at)),
        users::version.eq(users::version + 1),
    ))
    .execute(conn)
    .map(|n| n > 0)
}

/// The active user a calendar feed token belongs to.
pub fn by_feed_token(conn: &mut DbConnection, token: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::feed_token.eq(token))
        .filter(users::disabled.eq(false))
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// Gives a user a new calendar feed token (the old one stops working).
pub fn set_feed_token(tx: &mut WriteTx<'_>, id: i32, token: &str) -> QueryResult<()> {
    let conn = tx.conn();
    diesel::update(users::table.filter(users::id.eq(id)))
        .set(users::feed_token.eq(token))
        .execute(conn)
        .map(|_| ())
}
