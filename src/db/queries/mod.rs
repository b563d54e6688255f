//! Blocking queries over a [`DbConnection`](super::DbConnection), one module per table group.

pub mod agency;
pub mod annual_report;
pub mod audit;
pub mod divisions;
pub mod evaluation;
pub mod items;
pub mod login;
pub mod plans;
pub mod reports;
pub mod second_factor;
pub mod sessions;
pub mod supervision;
pub mod todo;
pub mod users;

/// The current time in UTC, as stored.
pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// The most ids one statement binds: SQLite allows 32,766 variables and PostgreSQL 65,535,
/// and a plan may hold more items than either, so lists of ids go in chunks of this size.
pub const IDS_PER_STATEMENT: usize = 10_000;
