//! Login attempts, kept in the database so throttling holds across instances.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::models::NewLoginAttempt;
use crate::db::schema::login_attempts;
use crate::db::{DbConnection, WriteTx};

/// Records one attempt.
pub fn record(
    tx: &mut WriteTx<'_>,
    username: &str,
    at: NaiveDateTime,
    ok: bool,
) -> QueryResult<()> {
    let conn = tx.conn();
    diesel::insert_into(login_attempts::table)
        .values(&NewLoginAttempt {
            username,
            attempted_at: at,
            succeeded: ok,
        })
        .execute(conn)
        .map(|_| ())
}

/// Failed attempts for a name since `since`.
pub fn failures_since(
    conn: &mut DbConnection,
    username: &str,
    since: NaiveDateTime,
) -> QueryResult<Vec<NaiveDateTime>> {
    login_attempts::table
        .filter(login_attempts::username.eq(username))
        .filter(login_attempts::succeeded.eq(false))
        .filter(login_attempts::attempted_at.gt(since))
        .select(login_attempts::attempted_at)
        .load(conn)
}

/// Forgets a name's failures after it logs in, and old rows of everyone.
pub fn clear(tx: &mut WriteTx<'_>, username: &str, older_than: NaiveDateTime) -> QueryResult<()> {
    let conn = tx.conn();
    diesel::delete(
        login_attempts::table.filter(
            login_attempts::username
                .eq(username)
                .or(login_attempts::attempted_at.lt(older_than)),
        ),
    )
    .execute(conn)
    .map(|_| ())
}
