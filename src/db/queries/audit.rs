//! The append-only audit trail.

use diesel::prelude::*;

use crate::db::models::{AuditEntry, NewAuditEntry};
use crate::db::schema::audit_log;
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
    /// Only entries older than this id (paging backwards).
    pub before_id: Option<i32>,
    pub limit: i64,
}

/// The newest entries that match, newest first.
pub fn list(conn: &mut DbConnection, f: &AuditFilter) -> QueryResult<Vec<AuditEntry>> {
    let mut q = audit_log::table.into_boxed();
    if let Some(e) = &f.entity {
        q = q.filter(audit_log::entity.eq(e.clone()));
    }
    if let Some(id) = f.entity_id {
        q = q.filter(audit_log::entity_id.eq(id));
    }
    if let Some(a) = f.actor_id {
        q = q.filter(audit_log::actor_id.eq(a));
    }
    if let Some(b) = f.before_id {
        q = q.filter(audit_log::id.lt(b));
    }
    q.order(audit_log::id.desc())
        .limit(f.limit.clamp(1, 500))
        .select(AuditEntry::as_select())
        .load(conn)
}
