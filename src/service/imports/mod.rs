//! Plan import: preview a file against the directory, then commit it in one transaction.
//!
//! preview.rs reads the file and reports it; names.rs is how written names meet the
//! directory; commit.rs writes the plan; items.rs writes its items, targets and assignments.

mod commit;
mod items;
mod names;
mod preview;

pub use commit::{commit, file_hash, CommitOptions, CommitResult};
pub use items::Written;
pub use names::{name_reports, NameDecision, NameReport, NameStatus};
pub use preview::{preview, preview_in_db, Preview, RevisionPreview};

use crate::error::AppError;
use crate::import::ImportError;

impl From<ImportError> for AppError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::TooLarge { limit } => AppError::TooLarge { limit },
            other => AppError::invalid("file", other.to_string()),
        }
    }
}
