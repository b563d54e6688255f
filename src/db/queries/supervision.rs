//! Acknowledgements, extension requests, urgings and notifications.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{
    acknowledgements, divisions, extension_requests, notifications, urging_answers, urgings, users,
};
use crate::db::{last_insert_id, DbConnection, WriteTx};
use crate::domain::lifecycle::{AcknowledgementState, ExtensionState};

/// A division's answer to an assignment.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = acknowledgements)]
pub struct Acknowledgement {
    pub id: i32,
    pub item_id: i32,
    pub division_id: i32,
    pub state: AcknowledgementState,
    pub reason: Option<String>,
    pub reply: Option<String>,
    pub actor_id: Option<i32>,
    pub decided_by: Option<i32>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A request to move a due date.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = extension_requests)]
pub struct ExtensionRequest {
    pub id: i32,
    pub item_id: i32,
    pub division_id: i32,
    pub original_due: NaiveDate,
    pub requested_due: NaiveDate,
    pub reason: String,
    pub state: ExtensionState,
    pub reply: Option<String>,
    pub requested_by: Option<i32>,
    pub decided_by: Option<i32>,
    pub decided_at: Option<NaiveDateTime>,
    pub version: i32,
    pub created_at: NaiveDateTime,
}

/// One urging (催办) of an item to a division.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = urgings)]
pub struct Urging {
    pub id: i32,
    pub item_id: i32,
    pub division_id: i32,
    pub period_id: Option<i32>,
    pub message: String,
    pub urged_by: Option<i32>,
    pub urged_at: NaiveDateTime,
}

/// One answer of a division to an urging, with who gave it; a later answer is a new one.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UrgingReply {
    pub id: i32,
    pub urging_id: i32,
    /// The division answered for.
    pub division_id: i32,
    pub division: String,
    pub answered_by: Option<i32>,
    /// The answering user's display name (or user name).
    pub answered_by_name: Option<String>,
    pub text: String,
    pub answered_at: NaiveDateTime,
}

/// Something a user is told.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = notifications)]
pub struct Notification {
    pub id: i32,
    pub user_id: i32,
    pub kind: String,
    pub item_id: Option<i32>,
    pub text: String,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
    pub emailed_at: Option<NaiveDateTime>,
    pub email_attempts: i32,
    /// Where it leads: an item page and the place on it (older notices: none).
    pub link: Option<String>,
}

/// The acknowledgement of an item by a division.
pub fn acknowledgement(
    conn: &mut DbConnection,
    item_id: i32,
    division_id: i32,
) -> QueryResult<Option<Acknowledgement>> {
    acknowledgements::table
        .filter(acknowledgements::item_id.eq(item_id))
        .filter(acknowledgements::division_id.eq(division_id))
        .select(Acknowledgement::as_select())
        .first(conn)
        .optional()
}

/// All acknowledgements of some items.
pub fn acknowledgements_of(
    conn: &mut DbConnection,
    item_ids: &[i32],
) -> QueryResult<Vec<Acknowledgement>> {
    let mut all = Vec::new();
    for ids in item_ids.chunks(super::IDS_PER_STATEMENT) {
        all.extend(
            acknowledgements::table
                .filter(acknowledgements::item_id.eq_any(ids))
                .select(Acknowledgement::as_select())
                .load(conn)?,
        );
    }
    Ok(all)
}

/// Records a division's answer (or the office's reply) to an assignment.
#[allow(clippy::too_many_arguments)]
pub fn set_acknowledgement(
    tx: &mut WriteTx<'_>,
    item_id: i32,
    division_id: i32,
    state: AcknowledgementState,
    reason: Option<&str>,
    reply: Option<&str>,
    actor: Option<i32>,
    decided_by: Option<i32>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    let conn = tx.conn();
    match acknowledgement(conn, item_id, division_id)? {
        Some(a) => diesel::update(acknowledgements::table.find(a.id))
            .set((
                acknowledgements::state.eq(state),
                acknowledgements::reason.eq(reason.or(a.reason.as_deref())),
                acknowledgements::reply.eq(reply),
                acknowledgements::actor_id.eq(actor.or(a.actor_id)),
                acknowledgements::decided_by.eq(decided_by),
                acknowledgements::version.eq(a.version + 1),
                acknowledgements::updated_at.eq(at),
            ))
            .execute(conn)
            .map(|_| ()),
        None => diesel::insert_into(acknowledgements::table)
            .values((
                acknowledgements::item_id.eq(item_id),
                acknowledgements::division_id.eq(division_id),
                acknowledgements::state.eq(state),
                acknowledgements::reason.eq(reason),
                acknowledgements::reply.eq(reply),
                acknowledgements::actor_id.eq(actor),
                acknowledgements::decided_by.eq(decided_by),
                acknowledgements::version.eq(1),
                acknowledgements::created_at.eq(at),
                acknowledgements::updated_at.eq(at),
            ))
            .execute(conn)
            .map(|_| ()),
    }
}

/// Removes an acknowledgement (its division no longer leads the item).
pub fn delete_acknowledgement(tx: &mut WriteTx<'_>, id: i32) -> QueryResult<()> {
    diesel::delete(acknowledgements::table.find(id))
        .execute(tx.conn())
        .map(|_| ())
}

/// Records an extension request.
#[allow(clippy::too_many_arguments)]
pub fn insert_extension(
    tx: &mut WriteTx<'_>,
    item_id: i32,
    division_id: i32,
    original_due: NaiveDate,
    requested_due: NaiveDate,
    reason: &str,
    by: Option<i32>,
    at: NaiveDateTime,
) -> QueryResult<ExtensionRequest> {
    let conn = tx.conn();
    diesel::insert_into(extension_requests::table)
        .values((
            extension_requests::item_id.eq(item_id),
            extension_requests::division_id.eq(division_id),
            extension_requests::original_due.eq(original_due),
            extension_requests::requested_due.eq(requested_due),
            extension_requests::reason.eq(reason),
            extension_requests::state.eq(ExtensionState::Pending),
            extension_requests::requested_by.eq(by),
            extension_requests::version.eq(1),
            extension_requests::created_at.eq(at),
        ))
        .execute(conn)?;
    let id = last_insert_id(conn)?;
    extension(conn, id)?.ok_or(diesel::result::Error::NotFound)
}

/// An extension request by id.
pub fn extension(conn: &mut DbConnection, id: i32) -> QueryResult<Option<ExtensionRequest>> {
    extension_requests::table
        .find(id)
        .select(ExtensionRequest::as_select())
        .first(conn)
        .optional()
}

/// An item's extension requests, oldest first.
pub fn extensions_of(conn: &mut DbConnection, item_id: i32) -> QueryResult<Vec<ExtensionRequest>> {
    extension_requests::table
        .filter(extension_requests::item_id.eq(item_id))
        .order(extension_requests::id.asc())
        .select(ExtensionRequest::as_select())
        .load(conn)
}

/// Decides a pending request if still at `version` (`false`: someone decided first).
pub fn decide_extension(
    tx: &mut WriteTx<'_>,
    id: i32,
    version: i32,
    state: ExtensionState,
    reply: Option<&str>,
    by: Option<i32>,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let conn = tx.conn();
    let n = diesel::update(
        extension_requests::table
            .filter(extension_requests::id.eq(id))
            .filter(extension_requests::version.eq(version))
            .filter(extension_requests::state.eq(ExtensionState::Pending)),
    )
    .set((
        extension_requests::state.eq(state),
        extension_requests::reply.eq(reply),
        extension_requests::decided_by.eq(by),
        extension_requests::decided_at.eq(Some(at)),
        extension_requests::version.eq(version + 1),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Records an urging.
pub fn insert_urging(
    tx: &mut WriteTx<'_>,
    item_id: i32,
    division_id: i32,
    period_id: Option<i32>,
    message: &str,
    by: Option<i32>,
    at: NaiveDateTime,
) -> QueryResult<Urging> {
    let conn = tx.conn();
    diesel::insert_into(urgings::table)
        .values((
            urgings::item_id.eq(item_id),
            urgings::division_id.eq(division_id),
            urgings::period_id.eq(period_id),
            urgings::message.eq(message),
            urgings::urged_by.eq(by),
            urgings::urged_at.eq(at),
        ))
        .execute(conn)?;
    let id = last_insert_id(conn)?;
    urgings::table
        .find(id)
        .select(Urging::as_select())
        .first(conn)
}

/// An urging by id.
pub fn urging(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Urging>> {
    urgings::table
        .find(id)
        .select(Urging::as_select())
        .first(conn)
        .optional()
}

/// Urgings of an item, or of a division (newest first).
pub fn urgings_of(
    conn: &mut DbConnection,
    item_id: Option<i32>,
    division_id: Option<i32>,
) -> QueryResult<Vec<Urging>> {
    let mut q = urgings::table.into_boxed();
    if let Some(i) = item_id {
        q = q.filter(urgings::item_id.eq(i));
    }
    if let Some(d) = division_id {
        q = q.filter(urgings::division_id.eq(d));
    }
    q.order(urgings::id.desc())
        .select(Urging::as_select())
        .load(conn)
}

/// Urgings of some items (newest first).
pub fn urgings_of_items(conn: &mut DbConnection, item_ids: &[i32]) -> QueryResult<Vec<Urging>> {
    urgings::table
        .filter(urgings::item_id.eq_any(item_ids))
        .order(urgings::id.desc())
        .select(Urging::as_select())
        .load(conn)
}

/// Records one more answer to an urging (earlier answers stay as they were).
pub fn insert_urging_reply(
    tx: &mut WriteTx<'_>,
    urging_id: i32,
    division_id: i32,
    by: Option<i32>,
    text: &str,
    at: NaiveDateTime,
) -> QueryResult<i32> {
    let conn = tx.conn();
    diesel::insert_into(urging_answers::table)
        .values((
            urging_answers::urging_id.eq(urging_id),
            urging_answers::division_id.eq(division_id),
            urging_answers::answered_by.eq(by),
            urging_answers::text.eq(text),
            urging_answers::answered_at.eq(at),
        ))
        .execute(conn)?;
    last_insert_id(conn)
}

type ReplyRow = (
    i32,
    i32,
    i32,
    String,
    Option<i32>,
    Option<String>,
    Option<String>,
    String,
    NaiveDateTime,
);

/// Every answer to some urgings, oldest first, with the division's and the user's names.
pub fn urging_replies(
    conn: &mut DbConnection,
    urging_ids: &[i32],
) -> QueryResult<Vec<UrgingReply>> {
    let mut all = Vec::new();
    for ids in urging_ids.chunks(super::IDS_PER_STATEMENT) {
        all.extend(
            urging_answers::table
                .inner_join(divisions::table.on(divisions::id.eq(urging_answers::division_id)))
                .left_join(users::table.on(users::id.nullable().eq(urging_answers::answered_by)))
                .filter(urging_answers::urging_id.eq_any(ids))
                .order(urging_answers::id.asc())
                .select((
                    urging_answers::id,
                    urging_answers::urging_id,
                    urging_answers::division_id,
                    divisions::name,
                    urging_answers::answered_by,
                    users::display_name.nullable(),
                    users::username.nullable(),
                    urging_answers::text,
                    urging_answers::answered_at,
                ))
                .load::<ReplyRow>(conn)?
                .into_iter()
                .map(|r| UrgingReply {
                    id: r.0,
                    urging_id: r.1,
                    division_id: r.2,
                    division: r.3,
                    answered_by: r.4,
                    answered_by_name: r.6.map(|user| {
                        crate::domain::person::shown_name(r.5.as_deref().unwrap_or(""), &user)
                            .to_string()
                    }),
                    text: r.7,
                    answered_at: r.8,
                }),
        );
    }
    all.sort_by_key(|r| r.id);
    Ok(all)
}

/// The active users who speak for a unit: its staff, and, for a unit standing for an agency
/// below, that agency's office.
fn staff_of_unit(conn: &mut DbConnection, unit: i32) -> QueryResult<Vec<i32>> {
    let below: Option<i32> = divisions::table
        .find(unit)
        .select(divisions::unit_agency_id)
        .first::<Option<i32>>(conn)
        .optional()?
        .flatten();
    let mut ids: Vec<i32> = users::table
        .filter(users::division_id.eq(unit))
        .filter(users::disabled.eq(false))
        .select(users::id)
        .load(conn)?;
    if let Some(agency) = below {
        ids.extend(office_of(conn, agency)?);
    }
    Ok(ids)
}

/// The active office users of an agency.
fn office_of(conn: &mut DbConnection, agency: i32) -> QueryResult<Vec<i32>> {
    users::table
        .filter(users::role.eq("office"))
        .filter(users::agency_id.eq(agency))
        .filter(users::disabled.eq(false))
        .select(users::id)
        .load(conn)
}

/// Tells every active user of a unit (see [`staff_of_unit`]), or (with `None`) every active
/// office user of the agency whose plan holds the item; `link` is where opening it leads.
pub fn notify(
    tx: &mut WriteTx<'_>,
    division_id: Option<i32>,
    kind: &str,
    item_id: Option<i32>,
    text: &str,
    link: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    let conn = tx.conn();
    let targets: Vec<i32> = match division_id {
        Some(d) => staff_of_unit(conn, d)?,
        None => {
            let agency = match item_id {
                Some(item) => super::agency::owner_of_item(conn, item)?,
                None => None,
            };
            office_of(conn, agency.unwrap_or(super::agency::FIRST))?
        }
    };
    for u in &targets {
        diesel::insert_into(notifications::table)
            .values((
                notifications::user_id.eq(u),
                notifications::kind.eq(kind),
                notifications::item_id.eq(item_id),
                notifications::text.eq(text),
                notifications::link.eq(link),
                notifications::created_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(targets.len())
}

/// Tells the active users of each division at once, one notice per (division, item, text,
/// link): the many notices of an import in a few statements.
pub fn notify_divisions(
    tx: &mut WriteTx<'_>,
    kind: &str,
    notices: &[(i32, i32, String, String)],
    at: NaiveDateTime,
) -> QueryResult<usize> {
    let conn = tx.conn();
    let mut staff: std::collections::HashMap<i32, Vec<i32>> = std::collections::HashMap::new();
    for (division, user) in users::table
        .filter(users::disabled.eq(false))
        .filter(users::division_id.is_not_null())
        .select((users::division_id, users::id))
        .load::<(Option<i32>, i32)>(conn)?
    {
        if let Some(d) = division {
            staff.entry(d).or_default().push(user);
        }
    }
    // Units standing for agencies below are spoken for by those agencies' offices.
    for (unit, agency) in divisions::table
        .filter(divisions::unit_agency_id.is_not_null())
        .select((divisions::id, divisions::unit_agency_id))
        .load::<(i32, Option<i32>)>(conn)?
    {
        if let Some(agency) = agency {
            let office = office_of(conn, agency)?;
            staff.entry(unit).or_default().extend(office);
        }
    }
    let rows: Vec<_> = notices
        .iter()
        .flat_map(|(division, item, text, link)| {
            staff.get(division).into_iter().flatten().map(move |u| {
                (
                    notifications::user_id.eq(*u),
                    notifications::kind.eq(kind),
                    notifications::item_id.eq(Some(*item)),
                    notifications::text.eq(text.as_str()),
                    notifications::link.eq(Some(link.as_str())),
                    notifications::created_at.eq(at),
                )
            })
        })
        .collect();
    Ok(crate::insert_rows!(conn, notifications::table, rows, 500))
}

/// A user's notifications, newest first.
pub fn notifications_of(
    conn: &mut DbConnection,
    user_id: i32,
    unread_only: bool,
    limit: i64,
) -> QueryResult<Vec<Notification>> {
    let mut q = notifications::table
        .filter(notifications::user_id.eq(user_id))
        .into_boxed();
    if unread_only {
        q = q.filter(notifications::read_at.is_null());
    }
    q.order(notifications::id.desc())
        .limit(limit)
        .select(Notification::as_select())
        .load(conn)
}

/// One of a user's notifications.
pub fn notification_of(
    conn: &mut DbConnection,
    user_id: i32,
    id: i32,
) -> QueryResult<Option<Notification>> {
    notifications::table
        .filter(notifications::id.eq(id))
        .filter(notifications::user_id.eq(user_id))
        .select(Notification::as_select())
        .first(conn)
        .optional()
}

/// How many notifications a user has not read.
pub fn unread_count(conn: &mut DbConnection, user_id: i32) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)
}

/// Marks a user's notifications read (all of them when `ids` is empty).
pub fn mark_read(
    tx: &mut WriteTx<'_>,
    user_id: i32,
    ids: &[i32],
    at: NaiveDateTime,
) -> QueryResult<usize> {
    let conn = tx.conn();
    let base = notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null());
    if ids.is_empty() {
        diesel::update(base)
            .set(notifications::read_at.eq(Some(at)))
            .execute(conn)
    } else {
        let mut marked = 0;
        for chunk in ids.chunks(super::IDS_PER_STATEMENT) {
            marked += diesel::update(base.filter(notifications::id.eq_any(chunk)))
                .set(notifications::read_at.eq(Some(at)))
                .execute(conn)?;
        }
        Ok(marked)
    }
}

/// Notifications not yet e-mailed to users who have an address, oldest first, skipping
/// those tried `max_attempts` times.
pub fn pending_mail(
    conn: &mut DbConnection,
    max_attempts: i32,
    limit: i64,
) -> QueryResult<Vec<(Notification, String)>> {
    notifications::table
        .inner_join(users::table)
        .filter(notifications::emailed_at.is_null())
        .filter(notifications::email_attempts.lt(max_attempts))
        .filter(users::email.is_not_null())
        .filter(users::disabled.eq(false))
        .order(notifications::id.asc())
        .limit(limit)
        .select((Notification::as_select(), users::email.assume_not_null()))
        .load(conn)
}

/// Counts a delivery attempt before it is made, if nobody else has taken this one since
/// it was read (`attempts` as read): true means this caller sends it. Several instances
/// deliver from one database; only one of them wins each attempt.
pub fn claim_mail(tx: &mut WriteTx<'_>, id: i32, attempts: i32) -> QueryResult<bool> {
    let conn = tx.conn();
    diesel::update(
        notifications::table
            .find(id)
            .filter(notifications::email_attempts.eq(attempts))
            .filter(notifications::emailed_at.is_null()),
    )
    .set(notifications::email_attempts.eq(attempts + 1))
    .execute(conn)
    .map(|n| n == 1)
}

/// Records that a claimed mail was delivered.
pub fn record_mail_sent(tx: &mut WriteTx<'_>, id: i32, at: NaiveDateTime) -> QueryResult<()> {
    let conn = tx.conn();
    diesel::update(notifications::table.find(id))
        .set(notifications::emailed_at.eq(Some(at)))
        .execute(conn)
        .map(|_| ())
}

/// Whether anyone was already told this kind of thing about an item.
pub fn notified(conn: &mut DbConnection, item_id: i32, kind: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        notifications::table
            .filter(notifications::item_id.eq(item_id))
            .filter(notifications::kind.eq(kind)),
    ))
    .get_result(conn)
}
