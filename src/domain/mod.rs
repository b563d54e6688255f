//! The rules of the domain as pure functions: no I/O, no HTTP, no SQL.

pub mod access;
pub mod agency;
pub mod annual_report;
pub mod audit;
pub mod bulletin;
pub mod cascade;
pub mod deadline;
pub mod division;
pub mod evaluation;
pub mod lifecycle;
pub mod listing;
pub mod numbering;
pub mod paging;
pub mod password;
pub mod period;
pub mod person;
pub mod responsible;
pub mod review_back;
pub mod revision;
pub mod role;
pub mod session;
pub mod standing;
pub mod status;
pub mod supervision;
pub mod targets;
pub mod throttle;
pub mod todo;
pub mod totp;
pub mod unit;
pub mod workdays;
pub mod zone;

#[cfg(test)]
mod fuzz_tests;
