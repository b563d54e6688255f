//! Use cases: each checks the caller's rights, does the work in one transaction and
//! appends to the audit trail. Handlers (web, CLI) call these and only render.

pub mod accounts;
pub mod annual_report;
pub mod bulletin;
pub mod directory;
pub mod evaluation;
pub mod exports;
pub mod imports;
pub mod overview;
pub mod plans;
pub mod reminders;
pub mod reports;
pub mod review_back;
pub mod supervision;
pub mod trail;
pub mod views;

use serde::Serialize;

use crate::auth::Claims;
use crate::db::models::NewAuditEntry;
use crate::db::queries;
use crate::db::DbConnection;
use crate::domain::access::{self, Actor};
use crate::domain::role::Role;
use crate::error::AppError;

/// Who is asking: a logged-in user, or the command line run by the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The user's id; `None` for the CLI operator.
    pub user_id: Option<i32>,
    /// The name recorded in the audit trail.
    pub name: String,
    pub role: Role,
    pub division_id: Option<i32>,
}

impl Caller {
    /// The operator at the command line, who holds the office's rights.
    pub fn cli() -> Self {
        Caller {
            user_id: None,
            name: "命令行".to_string(),
            role: Role::Office,
            division_id: None,
        }
    }

    /// The caller a verified token describes.
    pub fn from_claims(c: &Claims) -> Result<Self, AppError> {
        Ok(Caller {
            user_id: Some(c.user_id()?),
            name: c.name.clone(),
            role: c.role,
            division_id: c.division,
        })
    }

    /// The caller as the access rules see it.
    pub fn actor(&self) -> Actor {
        Actor {
            role: self.role,
            division_id: self.division_id,
        }
    }

    /// Refuses anyone but the office.
    pub fn require_office(&self) -> Result<(), AppError> {
        if access::may_administer(self.role) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "只有办公室可以进行此操作，如需调整请联系办公室".to_string(),
            ))
        }
    }

    /// Refuses anyone but a division's own staff; the division's id.
    pub fn require_division_staff(&self) -> Result<i32, AppError> {
        self.division_id.ok_or_else(|| {
            AppError::Forbidden("此操作须由处室联络员用本处室的账号进行".to_string())
        })
    }
}

/// One change to record in the audit trail.
pub struct Audit<'a> {
    pub entity: &'a str,
    pub entity_id: Option<i32>,
    pub action: &'a str,
    pub acting_for: Option<i32>,
}

/// Appends a change to the audit trail (inside the caller's transaction).
pub fn audit<B: Serialize, A: Serialize>(
    conn: &mut DbConnection,
    caller: &Caller,
    what: Audit,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<(), AppError> {
    let to_json =
        |v: Result<String, serde_json::Error>| v.map_err(|e| AppError::Internal(e.to_string()));
    queries::audit::append(
        conn,
        &NewAuditEntry {
            at: queries::now(),
            actor_id: caller.user_id,
            actor_name: &caller.name,
            acting_for_division_id: what.acting_for,
            entity: what.entity,
            entity_id: what.entity_id,
            action: what.action,
            before_json: before
                .map(|b| to_json(serde_json::to_string(b)))
                .transpose()?,
            after_json: after
                .map(|a| to_json(serde_json::to_string(a)))
                .transpose()?,
        },
    )?;
    Ok(())
}
