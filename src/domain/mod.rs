//! The rules of the domain as pure functions: no I/O, no HTTP, no SQL.

pub mod access;
pub mod division;
pub mod role;
pub mod throttle;
