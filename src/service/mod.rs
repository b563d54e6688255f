//! Use cases: each checks the caller's rights, does the work in one transaction and
//! appends to the audit trail. Handlers (web, CLI) call these and only render.
//!
//! A use case that writes takes `&mut WriteTx` (only `Db::write` makes one); one that reads
//! takes `&mut DbConnection` and checks the read rules of `domain::access`.

pub mod accounts;
pub mod agency;
pub mod annual_report;
pub mod assignment;
pub mod backup;
pub mod bulletin;
pub mod cascade;
pub mod directory;
pub mod evaluation;
pub mod exports;
pub mod imports;
pub mod overview;
pub mod plans;
pub mod reminders;
pub mod reports;
pub mod review_back;
pub mod rollup;
pub mod second_factor;
pub mod standing;
pub mod supervision;
pub mod todo;
pub mod trail;
pub mod units;
pub mod views;

use serde::Serialize;

use crate::db::models::NewAuditEntry;
use crate::db::queries;
use crate::db::WriteTx;
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
    /// The agency whose plans and directory the caller acts in: their own, or, for a request
    /// about another agency's plan, that plan's owner (see [`units::scope`]).
    pub agency_id: i32,
    /// The agency the user belongs to.
    pub home_agency_id: i32,
    /// The user's role in their own agency (`role` is the one they act in here).
    pub home_role: Role,
    /// The user's division in their own agency.
    pub home_division_id: Option<i32>,
}

impl Caller {
    /// The operator at the command line, who holds the office's rights.
    pub fn cli() -> Self {
        Caller {
            user_id: None,
            name: "命令行".to_string(),
            role: Role::Office,
            division_id: None,
            agency_id: units::FIRST_AGENCY,
            home_agency_id: units::FIRST_AGENCY,
            home_role: Role::Office,
            home_division_id: None,
        }
    }

    /// The operator at the command line, acting for one agency.
    pub fn cli_in(agency_id: i32) -> Self {
        Caller {
            agency_id,
            home_agency_id: agency_id,
            ..Caller::cli()
        }
    }

    /// A user acting in their own agency.
    pub fn at_home(
        user_id: i32,
        name: String,
        role: Role,
        division_id: Option<i32>,
        agency_id: i32,
    ) -> Self {
        Caller {
            user_id: Some(user_id),
            name,
            role,
            division_id,
            agency_id,
            home_agency_id: agency_id,
            home_role: role,
            home_division_id: division_id,
        }
    }

    /// The same user back in their own agency, whatever the request scoped them to.
    pub fn home(&self) -> Caller {
        Caller {
            role: self.home_role,
            division_id: self.home_division_id,
            agency_id: self.home_agency_id,
            ..self.clone()
        }
    }

    /// Whether the caller acts in an agency other than their own (a plan above or below).
    pub fn is_away(&self) -> bool {
        self.agency_id != self.home_agency_id
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
        // Leaders and auditors may carry a division; it gives them no writes for it.
        self.division_id
            .filter(|_| self.role == Role::Division)
            .ok_or_else(|| {
                AppError::Forbidden("此操作须由处室联络员用本处室的账号进行".to_string())
            })
    }
}

/// Reads a JSON column this program wrote (`what` names it for the user). One that does not
/// parse stops the request with a clear error instead of reading as empty: a save after an
/// empty read would write the empty set over what is still in the database.
pub(crate) fn stored_json<T: serde::de::DeserializeOwned>(
    text: &str,
    what: &str,
) -> Result<T, AppError> {
    serde_json::from_str(text).map_err(|e| {
        AppError::Internal(format!(
            "已保存的{what}无法读取（{e}）；为免覆盖，本次未做任何修改，请联系管理员从备份恢复"
        ))
    })
}

/// One change to record in the audit trail: `Audit::of("report", id, "submit")`, then one
/// of the `record` calls inside the change's own transaction.
pub struct Audit<'a> {
    entity: &'a str,
    entity_id: Option<i32>,
    action: &'a str,
    acting_for: Option<i32>,
    address: Option<&'a str>,
}

impl<'a> Audit<'a> {
    /// An action on one record.
    pub fn of(entity: &'a str, entity_id: i32, action: &'a str) -> Self {
        Audit {
            entity,
            entity_id: Some(entity_id),
            action,
            acting_for: None,
            address: None,
        }
    }

    /// An action on no stored record (a login under a name nobody has).
    pub fn on(entity: &'a str, action: &'a str) -> Self {
        Audit {
            entity,
            entity_id: None,
            action,
            acting_for: None,
            address: None,
        }
    }

    /// Where the request came from (logins and logouts).
    pub fn from_address(self, address: Option<&'a str>) -> Self {
        Audit { address, ..self }
    }

    /// Done for a division (its staff, or the office acting for it).
    pub fn acting_for(self, division: i32) -> Self {
        self.acting_for_opt(Some(division))
    }

    /// [`Audit::acting_for`] when the division may be absent.
    pub fn acting_for_opt(self, division: Option<i32>) -> Self {
        Audit {
            acting_for: division,
            ..self
        }
    }

    /// Appends the action alone.
    pub fn record(self, tx: &mut WriteTx<'_>, caller: &Caller) -> Result<(), AppError> {
        self.record_opt::<(), ()>(tx, caller, None, None)
    }

    /// Appends the action with what it made (a new record, a text given).
    pub fn record_after<A: Serialize>(
        self,
        tx: &mut WriteTx<'_>,
        caller: &Caller,
        after: &A,
    ) -> Result<(), AppError> {
        self.record_opt::<(), A>(tx, caller, None, Some(after))
    }

    /// Appends the action with the record before and after it.
    pub fn record_change<B: Serialize, A: Serialize>(
        self,
        tx: &mut WriteTx<'_>,
        caller: &Caller,
        before: &B,
        after: &A,
    ) -> Result<(), AppError> {
        self.record_opt(tx, caller, Some(before), Some(after))
    }

    /// Appends the action with whichever of before and after there is.
    pub fn record_opt<B: Serialize, A: Serialize>(
        self,
        tx: &mut WriteTx<'_>,
        caller: &Caller,
        before: Option<&B>,
        after: Option<&A>,
    ) -> Result<(), AppError> {
        self.record_by(tx, caller.user_id, &caller.name, before, after)
    }

    /// Appends the action done by someone who is not (yet) a caller: a login's user name.
    pub fn record_by<B: Serialize, A: Serialize>(
        self,
        tx: &mut WriteTx<'_>,
        actor_id: Option<i32>,
        actor_name: &str,
        before: Option<&B>,
        after: Option<&A>,
    ) -> Result<(), AppError> {
        let to_json =
            |v: Result<String, serde_json::Error>| v.map_err(|e| AppError::Internal(e.to_string()));
        queries::audit::append(
            tx,
            &NewAuditEntry {
                at: queries::now(),
                actor_id,
                actor_name,
                acting_for_division_id: self.acting_for,
                entity: self.entity,
                entity_id: self.entity_id,
                action: self.action,
                before_json: before
                    .map(|b| to_json(serde_json::to_string(b)))
                    .transpose()?,
                after_json: after
                    .map(|a| to_json(serde_json::to_string(a)))
                    .transpose()?,
                address: self.address,
            },
        )?;
        Ok(())
    }
}
