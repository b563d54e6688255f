//! Writers of the files workplan hands out: calendar feeds, workbooks and the annual report document.

pub mod annual_report;
pub mod bulletin;
pub mod evaluation;
pub mod ics;
pub mod ledger;
pub mod offline;
pub mod review_back;
pub mod sheet;
pub mod summary;
