//! Writers of the files workplan hands out (calendar feeds; workbooks come later).

pub mod ics;
