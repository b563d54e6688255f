//! Writers of the files workplan hands out (calendar feeds; workbooks come later).

pub mod bulletin;
pub mod ics;
