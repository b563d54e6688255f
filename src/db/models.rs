//! Rows as read from and written to the database.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::*;
use crate::domain::lifecycle::{EvidenceKind, ReportState};

/// A division in the directory.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = divisions)]
pub struct Division {
    pub id: i32,
    pub name: String,
    /// Other names (stored as a JSON array).
    #[serde(skip)]
    pub aliases: super::stored::Aliases,
    pub kind: String,
    pub active: bool,
    pub version: i32,
    #[serde(skip)]
    pub created_at: NaiveDateTime,
    /// The agency the division belongs to.
    #[serde(skip)]
    pub agency_id: i32,
    /// Set when this unit is an agency below (下级机关): that agency's id.
    #[serde(skip)]
    pub unit_agency_id: Option<i32>,
}

impl Division {
    /// The other names.
    pub fn alias_list(&self) -> &[String] {
        &self.aliases.0
    }
}

/// A division about to be added.
#[derive(Debug, Insertable)]
#[diesel(table_name = divisions)]
pub struct NewDivision<'a> {
    pub name: &'a str,
    pub aliases: String,
    pub kind: &'a str,
    pub active: bool,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub agency_id: i32,
    pub unit_agency_id: Option<i32>,
}

/// A user account.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub division_id: Option<i32>,
    pub disabled: bool,
    pub feed_token: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    /// Where e-mail copies of notifications go, if anywhere.
    pub email: Option<String>,
    /// The password was given by the office and must be changed at the next login.
    pub must_change_password: bool,
    /// When the password was last set (`None`: when the account was made).
    pub password_changed_at: Option<NaiveDateTime>,
    /// The second factor's secret (base32), once its enrolment is confirmed.
    pub totp_secret: Option<String>,
    /// A secret being enrolled, until the user confirms it with a code.
    pub totp_pending_secret: Option<String>,
    /// The last 30-second step whose code was used (a code works once).
    pub totp_last_step: Option<i64>,
    /// The agency the account belongs to.
    pub agency_id: i32,
}

/// A user about to be added.
#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub division_id: Option<i32>,
    pub disabled: bool,
    pub feed_token: &'a str,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub email: Option<&'a str>,
    pub must_change_password: bool,
    pub password_changed_at: Option<NaiveDateTime>,
    pub agency_id: i32,
}

/// One year's plan.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = plans)]
pub struct Plan {
    pub id: i32,
    pub year: i32,
    pub title: String,
    pub document_number: Option<String>,
    pub source_file: Option<String>,
    pub source_format: Option<String>,
    pub source_sha256: Option<String>,
    pub version: i32,
    pub created_by: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The column headers as imported, JSON `[{"field","header"}]` (`[]` when none).
    #[serde(skip)]
    pub source_columns: String,
    /// The agency whose plan this is.
    pub agency_id: i32,
    /// The plan above this one was handed down from, if any.
    pub upper_plan_id: Option<i32>,
}

/// A plan about to be added.
#[derive(Debug, Insertable)]
#[diesel(table_name = plans)]
pub struct NewPlan<'a> {
    pub year: i32,
    pub title: &'a str,
    pub document_number: Option<&'a str>,
    pub source_file: Option<&'a str>,
    pub source_format: Option<&'a str>,
    pub source_sha256: Option<&'a str>,
    pub version: i32,
    pub created_by: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub source_columns: &'a str,
    pub agency_id: i32,
    pub upper_plan_id: Option<i32>,
}

/// A numbered requirement of a plan.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = items)]
pub struct Item {
    pub id: i32,
    pub plan_id: i32,
    pub section_id: Option<i32>,
    pub position: i32,
    pub number: String,
    pub task: String,
    pub requirement: String,
    pub deadline_raw: String,
    pub deadline_kind: String,
    pub deadline_due: Option<NaiveDate>,
    pub deadline_detail: String,
    pub deadline_inferred: bool,
    pub event_date: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    pub source_sheet: Option<String>,
    pub source_row: Option<i32>,
    pub origin_item_id: Option<i32>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// JSON `{"lead": [...], "support": [...]}` as the plan wrote them.
    pub divisions_written: String,
    /// When the office set the due date of an item waiting on a higher authority.
    pub due_set_at: Option<NaiveDateTime>,
    /// Who set it.
    pub due_set_by: Option<i32>,
    /// The upper plan's item this one was handed down from.
    pub upper_item_id: Option<i32>,
    /// The upper item's version when it was copied (a later one: the upper item changed).
    pub upper_version: Option<i32>,
}

/// An item about to be added.
#[derive(Debug, Insertable)]
#[diesel(table_name = items, treat_none_as_default_value = false)]
pub struct NewItem<'a> {
    pub plan_id: i32,
    pub section_id: Option<i32>,
    pub position: i32,
    pub number: &'a str,
    pub task: &'a str,
    pub requirement: &'a str,
    pub deadline_raw: &'a str,
    pub deadline_kind: &'a str,
    pub deadline_due: Option<NaiveDate>,
    pub deadline_detail: &'a str,
    pub deadline_inferred: bool,
    pub source_sheet: Option<&'a str>,
    pub source_row: Option<i32>,
    pub origin_item_id: Option<i32>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub divisions_written: &'a str,
    pub upper_item_id: Option<i32>,
    pub upper_version: Option<i32>,
}

/// A countable target about to be added.
#[derive(Debug, Insertable)]
#[diesel(table_name = targets, treat_none_as_default_value = false)]
pub struct NewTarget<'a> {
    pub item_id: i32,
    pub raw: &'a str,
    pub min_count: i32,
    pub unit: &'a str,
    pub per: Option<&'a str>,
}

/// A division's (or a placeholder's) part in an item.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = assignments)]
pub struct Assignment {
    pub id: i32,
    pub item_id: i32,
    pub role: String,
    pub division_id: Option<i32>,
    pub placeholder: Option<String>,
    pub position: i32,
}

/// An assignment about to be added.
#[derive(Debug, Insertable)]
#[diesel(table_name = assignments, treat_none_as_default_value = false)]
pub struct NewAssignment<'a> {
    pub item_id: i32,
    pub role: &'a str,
    pub division_id: Option<i32>,
    pub placeholder: Option<&'a str>,
    pub position: i32,
}

/// One entry of the append-only audit trail.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: i32,
    pub at: NaiveDateTime,
    pub actor_id: Option<i32>,
    pub actor_name: String,
    pub acting_for_division_id: Option<i32>,
    pub entity: String,
    pub entity_id: Option<i32>,
    pub action: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    /// The client's address, for logins and logouts.
    pub address: Option<String>,
}

/// An audit entry about to be appended.
#[derive(Debug, Insertable)]
#[diesel(table_name = audit_log)]
pub struct NewAuditEntry<'a> {
    pub at: NaiveDateTime,
    pub actor_id: Option<i32>,
    pub actor_name: &'a str,
    pub acting_for_division_id: Option<i32>,
    pub entity: &'a str,
    pub entity_id: Option<i32>,
    pub action: &'a str,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub address: Option<&'a str>,
}

/// A login session as stored.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: i32,
    pub session_key: String,
    pub user_id: i32,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
    pub end_reason: Option<String>,
    pub address: Option<String>,
    pub user_agent: Option<String>,
}

/// A session about to start.
#[derive(Debug, Insertable)]
#[diesel(table_name = sessions)]
pub struct NewSession<'a> {
    pub session_key: &'a str,
    pub user_id: i32,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub address: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

/// One login attempt, kept for throttling across instances.
#[derive(Debug, Insertable)]
#[diesel(table_name = login_attempts)]
pub struct NewLoginAttempt<'a> {
    pub username: &'a str,
    pub attempted_at: NaiveDateTime,
    pub succeeded: bool,
}

/// A quarter the office opened for reporting.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = reporting_periods)]
pub struct ReportingPeriod {
    pub id: i32,
    pub plan_id: i32,
    /// `YYYY-Qn`.
    pub period: String,
    pub due_on: NaiveDate,
    pub is_open: bool,
    pub created_at: NaiveDateTime,
}

/// A division's progress report on an item for a period.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = reports)]
pub struct Report {
    pub id: i32,
    pub item_id: i32,
    pub period_id: i32,
    pub division_id: i32,
    pub state: ReportState,
    pub summary: String,
    pub submitted_at: Option<NaiveDateTime>,
    pub submitted_late: bool,
    pub reviewed_by: Option<i32>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub review_comment: Option<String>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The lead says the item's work is finished.
    pub completes_item: bool,
}

/// One step in a report's life, kept for good.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = report_history)]
pub struct ReportHistory {
    pub id: i32,
    pub report_id: i32,
    pub version: i32,
    pub state: ReportState,
    pub summary: String,
    pub comment: Option<String>,
    pub actor_id: Option<i32>,
    pub at: NaiveDateTime,
}

/// A supporting division's part in an item's work for a period, written whether or not the
/// lead has written the period's report yet.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = contributions)]
pub struct Contribution {
    pub id: i32,
    pub item_id: i32,
    pub period_id: i32,
    pub division_id: i32,
    pub text: String,
    pub author_id: Option<i32>,
    pub version: i32,
    pub updated_at: NaiveDateTime,
}

/// A file or web page attached to a report.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = evidence)]
pub struct Evidence {
    pub id: i32,
    pub report_id: i32,
    pub kind: EvidenceKind,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub size_bytes: Option<i64>,
    pub sha256: Option<String>,
    pub url: Option<String>,
    pub url_title: Option<String>,
    pub url_date: Option<NaiveDate>,
    pub uploaded_by: Option<i32>,
    pub created_at: NaiveDateTime,
    /// The division's evidence this was carried up from, in a report drafted from theirs.
    pub source_evidence_id: Option<i32>,
}
