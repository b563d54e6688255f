//! Reading the audit trail (the office only; writing it is `service::audit`).

use super::Caller;
use crate::db::models::AuditEntry;
use crate::db::queries;
use crate::db::DbConnection;
use crate::domain::access;
use crate::error::AppError;

pub use crate::db::queries::audit::AuditFilter;

/// The newest entries that match, newest first, if the caller may read the trail.
pub fn list(
    conn: &mut DbConnection,
    caller: &Caller,
    filter: &AuditFilter,
) -> Result<Vec<AuditEntry>, AppError> {
    if !access::may_read_audit(caller.role) {
        return Err(AppError::Forbidden(
            "只有办公室可以查看操作记录".to_string(),
        ));
    }
    Ok(queries::audit::list(conn, filter)?)
}
