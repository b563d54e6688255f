//! The append-only audit trail.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::models::{AuditEntry, NewAuditEntry};
use crate::db::schema::{audit_log, evidence, extension_requests, reports, urgings, users};
use crate::db::{DbConnection, WriteTx};

/// Appends one entry.
pub fn append(tx: &mut WriteTx<'_>, entry: &NewAuditEntry) -> QueryResult<()> {
    let conn = tx.conn();
    diesel::insert_into(audit_log::table)
        .values(entry)
        .execute(conn)
        .map(|_| ())
}

/// What to list from the trail.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<i32>,
    pub actor_id: Option<i32>,
    /// Only this action (with `entity`).
    pub action: Option<String>,
    /// Only entries about this item: the item itself, its reports, their evidence, its
    /// urgings and its extension requests.
    pub item_id: Option<i32>,
    /// Only entries at or after this UTC time.
    pub from: Option<NaiveDateTime>,
    /// Only entries before this UTC time.
    pub until: Option<NaiveDateTime>,
    /// Only entries older than this id (paging backwards).
    pub before_id: Option<i32>,
    /// Entries to skip (paging by page number).
    pub offset: i64,
    pub limit: i64,
    /// Only what this agency's users did (and, for the first agency, the command line): set
    /// by the use case from the caller, never from the request.
    pub agency_id: Option<i32>,
}

fn filtered(f: &AuditFilter) -> audit_log::BoxedQuery<'static, crate::db::MultiBackend> {
    let mut q = audit_log::table.into_boxed();
    if let Some(e) = &f.entity {
        q = q.filter(audit_log::entity.eq(e.clone()));
    }
    if let Some(a) = &f.action {
        q = q.filter(audit_log::action.eq(a.clone()));
    }
    if let Some(id) = f.entity_id {
        q = q.filter(audit_log::entity_id.eq(id));
    }
    if let Some(a) = f.actor_id {
        q = q.filter(audit_log::actor_id.eq(a));
    }
    if let Some(agency) = f.agency_id {
        let staff = users::table
            .filter(users::agency_id.eq(agency))
            .select(users::id.nullable());
        q = if agency == super::agency::FIRST {
            q.filter(
                audit_log::actor_id
                    .eq_any(staff)
                    .or(audit_log::actor_id.is_null()),
            )
        } else {
            q.filter(audit_log::actor_id.eq_any(staff))
        };
    }
    if let Some(item) = f.item_id {
        let item_reports = reports::table
            .filter(reports::item_id.eq(item))
            .select(reports::id);
        q = q.filter(
            audit_log::entity
                .eq("item")
                .and(audit_log::entity_id.eq(item))
                .or(audit_log::entity
                    .eq("report")
                    .and(audit_log::entity_id.eq_any(item_reports.select(reports::id.nullable()))))
                .or(audit_log::entity.eq("evidence").and(
                    audit_log::entity_id.eq_any(
                        evidence::table
                            .filter(evidence::report_id.eq_any(item_reports))
                            .select(evidence::id.nullable()),
                    ),
                ))
                .or(audit_log::entity.eq("urging").and(
                    audit_log::entity_id.eq_any(
                        urgings::table
                            .filter(urgings::item_id.eq(item))
                            .select(urgings::id.nullable()),
                    ),
                ))
                .or(audit_log::entity.eq("extension").and(
                    audit_log::entity_id.eq_any(
                        extension_requests::table
                            .filter(extension_requests::item_id.eq(item))
                            .select(extension_requests::id.nullable()),
                    ),
                )),
        );
    }
    if let Some(t) = f.from {
        q = q.filter(audit_log::at.ge(t));
    }
    if let Some(t) = f.until {
        q = q.filter(audit_log::at.lt(t));
    }
    if let Some(b) = f.before_id {
        q = q.filter(audit_log::id.lt(b));
    }
    q
}

/// The newest entries that match, newest first.
pub fn list(conn: &mut DbConnection, f: &AuditFilter) -> QueryResult<Vec<AuditEntry>> {
    filtered(f)
        .order(audit_log::id.desc())
        .offset(f.offset.max(0))
        .limit(f.limit.clamp(1, 500))
        .select(AuditEntry::as_select())
        .load(conn)
}

/// How many entries match (ignoring `offset` and `limit`).
pub fn count(conn: &mut DbConnection, f: &AuditFilter) -> QueryResult<i64> {
    filtered(f).count().get_result(conn)
}

/// The item each of these reports belongs to.
pub fn items_of_reports(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<(i32, i32)>> {
    reports::table
        .filter(reports::id.eq_any(ids))
        .select((reports::id, reports::item_id))
        .load(conn)
}

/// The item each of these evidence entries belongs to (through its report).
pub fn items_of_evidence(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<(i32, i32)>> {
    evidence::table
        .inner_join(reports::table)
        .filter(evidence::id.eq_any(ids))
        .select((evidence::id, reports::item_id))
        .load(conn)
}
