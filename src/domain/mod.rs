//! The rules of the domain as pure functions: no I/O, no HTTP, no SQL.

pub mod access;
pub mod deadline;
pub mod division;
pub mod numbering;
pub mod responsible;
pub mod revision;
pub mod role;
pub mod targets;
pub mod throttle;

#[cfg(test)]
mod fuzz_tests;
