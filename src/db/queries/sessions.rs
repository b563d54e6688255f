//! Login sessions, kept on the server so that ending one holds on every instance.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::models::{NewSession, SessionRow};
use crate::db::schema::{sessions, users};
use crate::db::{DbConnection, WriteTx};

/// Starts a session and returns it.
pub fn insert(tx: &mut WriteTx<'_>, new: &NewSession) -> QueryResult<SessionRow> {
    let conn = tx.conn();
    diesel::insert_into(sessions::table)
        .values(new)
        .execute(conn)?;
    let id = crate::db::last_insert_id(conn)?;
    sessions::table
        .find(id)
        .select(SessionRow::as_select())
        .first(conn)
}

/// What every request needs to know of its session and user, in one read.
#[derive(Debug, Clone, Queryable)]
pub struct Standing {
    pub session_id: i32,
    pub user_id: i32,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub end_reason: Option<String>,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub division_id: Option<i32>,
    pub agency_id: i32,
    pub disabled: bool,
    pub must_change_password: bool,
    pub password_changed_at: Option<NaiveDateTime>,
    pub created_user_at: NaiveDateTime,
    pub totp_secret: Option<String>,
}

/// The session a token names, with its user as they are now.
pub fn standing(conn: &mut DbConnection, key: &str) -> QueryResult<Option<Standing>> {
    crate::on_backend!(conn, c => sessions::table
        .inner_join(users::table)
        .filter(sessions::session_key.eq(key))
        .select((
            sessions::id,
            sessions::user_id,
            sessions::created_at,
            sessions::last_seen_at,
            sessions::end_reason,
            users::username,
            users::display_name,
            users::role,
            users::division_id,
            users::agency_id,
            users::disabled,
            users::must_change_password,
            users::password_changed_at,
            users::created_at,
            users::totp_secret,
        ))
        .first(c)
        .optional())
}

/// Records a request in a session, unless it has ended meanwhile.
pub fn seen(tx: &mut WriteTx<'_>, id: i32, at: NaiveDateTime) -> QueryResult<()> {
    let conn = tx.conn();
    diesel::update(
        sessions::table
            .filter(sessions::id.eq(id))
            .filter(sessions::ended_at.is_null())
            .filter(sessions::last_seen_at.lt(at)),
    )
    .set(sessions::last_seen_at.eq(at))
    .execute(conn)
    .map(|_| ())
}

/// Ends one session; returns whether it was still open.
pub fn end(tx: &mut WriteTx<'_>, id: i32, reason: &str, at: NaiveDateTime) -> QueryResult<bool> {
    let conn = tx.conn();
    diesel::update(
        sessions::table
            .filter(sessions::id.eq(id))
            .filter(sessions::ended_at.is_null()),
    )
    .set((sessions::ended_at.eq(at), sessions::end_reason.eq(reason)))
    .execute(conn)
    .map(|n| n > 0)
}

/// Ends every open session of a user but `keep`; returns how many ended.
pub fn end_all_of(
    tx: &mut WriteTx<'_>,
    user_id: i32,
    keep: Option<i32>,
    reason: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    let conn = tx.conn();
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::ended_at.is_null())
            .filter(sessions::id.ne(keep.unwrap_or(-1))),
    )
    .set((sessions::ended_at.eq(at), sessions::end_reason.eq(reason)))
    .execute(conn)
}

/// A session by id.
pub fn get(conn: &mut DbConnection, id: i32) -> QueryResult<Option<SessionRow>> {
    sessions::table
        .find(id)
        .select(SessionRow::as_select())
        .first(conn)
        .optional()
}

/// A user's sessions begun since `since`, newest first (the older ones have expired).
pub fn of_user(
    conn: &mut DbConnection,
    user_id: i32,
    since: NaiveDateTime,
) -> QueryResult<Vec<SessionRow>> {
    sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::created_at.gt(since))
        .order(sessions::id.desc())
        .limit(200)
        .select(SessionRow::as_select())
        .load(conn)
}

/// Forgets sessions begun before `before` (long expired).
pub fn forget_older_than(tx: &mut WriteTx<'_>, before: NaiveDateTime) -> QueryResult<usize> {
    let conn = tx.conn();
    diesel::delete(sessions::table.filter(sessions::created_at.lt(before))).execute(conn)
}
