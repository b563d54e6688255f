//! The second factor's secrets and recovery codes.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{recovery_codes, users};
use crate::db::{DbConnection, WriteTx};

/// Keeps a secret being enrolled (or forgets it with `None`).
pub fn set_pending(tx: &mut WriteTx<'_>, user_id: i32, secret: Option<&str>) -> QueryResult<()> {
    let conn = tx.conn();
    diesel::update(users::table.find(user_id))
        .set(users::totp_pending_secret.eq(secret))
        .execute(conn)
        .map(|_| ())
}

/// Makes the pending secret the user's second factor, its code of `step` used; returns
/// whether a pending secret equal to `secret` was there.
pub fn confirm(tx: &mut WriteTx<'_>, user_id: i32, secret: &str, step: i64) -> QueryResult<bool> {
    let conn = tx.conn();
    diesel::update(
        users::table
            .filter(users::id.eq(user_id))
            .filter(users::totp_pending_secret.eq(secret)),
    )
    .set((
        users::totp_secret.eq(Some(secret)),
        users::totp_pending_secret.eq(None::<String>),
        users::totp_last_step.eq(Some(step)),
        users::version.eq(users::version + 1),
    ))
    .execute(conn)
    .map(|n| n > 0)
}

/// Removes the user's second factor and recovery codes.
pub fn clear(tx: &mut WriteTx<'_>, user_id: i32) -> QueryResult<()> {
    let conn = tx.conn();
    diesel::update(users::table.find(user_id))
        .set((
            users::totp_secret.eq(None::<String>),
            users::totp_pending_secret.eq(None::<String>),
            users::totp_last_step.eq(None::<i64>),
            users::version.eq(users::version + 1),
        ))
        .execute(conn)?;
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id)))
        .execute(conn)
        .map(|_| ())
}

/// Marks the code of `step` used, unless it or a later one already was (so a code works
/// once, even when two logins send it at the same moment); returns whether it was free.
pub fn use_step(tx: &mut WriteTx<'_>, user_id: i32, step: i64) -> QueryResult<bool> {
    let conn = tx.conn();
    diesel::update(
        users::table.filter(users::id.eq(user_id)).filter(
            users::totp_last_step
                .is_null()
                .or(users::totp_last_step.lt(step)),
        ),
    )
    .set(users::totp_last_step.eq(Some(step)))
    .execute(conn)
    .map(|n| n > 0)
}

/// Replaces the user's recovery codes with these hashes.
pub fn replace_recovery_codes(
    tx: &mut WriteTx<'_>,
    user_id: i32,
    hashes: &[String],
    at: NaiveDateTime,
) -> QueryResult<()> {
    let conn = tx.conn();
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id)))
        .execute(conn)?;
    // A handful of rows, one statement each (batch inserts do not span both backends).
    for h in hashes {
        diesel::insert_into(recovery_codes::table)
            .values((
                recovery_codes::user_id.eq(user_id),
                recovery_codes::code_hash.eq(h),
                recovery_codes::created_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Uses up one unused recovery code of the user with this hash; returns whether there was one.
pub fn use_recovery_code(
    tx: &mut WriteTx<'_>,
    user_id: i32,
    hash: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let conn = tx.conn();
    diesel::update(
        recovery_codes::table
            .filter(recovery_codes::user_id.eq(user_id))
            .filter(recovery_codes::code_hash.eq(hash))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(Some(at)))
    .execute(conn)
    .map(|n| n > 0)
}

/// How many unused recovery codes the user has.
pub fn recovery_codes_left(conn: &mut DbConnection, user_id: i32) -> QueryResult<i64> {
    recovery_codes::table
        .filter(recovery_codes::user_id.eq(user_id))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)
}
