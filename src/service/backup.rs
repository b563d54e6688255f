//! What backup, restore and verify read from the database: every stored evidence file, by
//! hash, with the evidence rows (report, item, plan) that name it.

use std::collections::BTreeMap;

use super::Caller;
use crate::db::queries;
use crate::db::queries::reports::StoredFileRow;
use crate::db::DbConnection;
use crate::error::AppError;

/// One stored file and every evidence row that names it (uploads of equal bytes share one).
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub sha256: String,
    /// The size recorded with the first row that gives one.
    pub size: Option<u64>,
    pub uses: Vec<StoredFileRow>,
}

impl StoredFile {
    /// Where the file is used, in words the office can look up: evidence, report, item, plan.
    pub fn where_used(&self) -> String {
        self.uses
            .iter()
            .map(|u| {
                format!(
                    "计划 {} 事项 {}（编号 {}）报告 {} 证明材料 {}「{}」",
                    u.plan_id,
                    u.item_id,
                    u.item_number,
                    u.report_id,
                    u.evidence_id,
                    u.file_name.as_deref().unwrap_or("附件")
                )
            })
            .collect::<Vec<_>>()
            .join("；")
    }

    /// The ids of the evidence rows that name the file.
    pub fn evidence_ids(&self) -> Vec<i32> {
        self.uses.iter().map(|u| u.evidence_id).collect()
    }
}

/// Every file the database refers to, one entry per hash in hash order (office and the
/// command line only: it names every division's evidence).
pub fn stored_files(conn: &mut DbConnection, caller: &Caller) -> Result<Vec<StoredFile>, AppError> {
    caller.require_office()?;
    Ok(group(queries::reports::stored_files(conn)?))
}

/// Groups evidence rows by the file they name.
fn group(rows: Vec<StoredFileRow>) -> Vec<StoredFile> {
    let mut by_hash: BTreeMap<String, StoredFile> = BTreeMap::new();
    for row in rows {
        let sha = row.sha256.to_ascii_lowercase();
        let entry = by_hash.entry(sha.clone()).or_insert_with(|| StoredFile {
            sha256: sha,
            size: None,
            uses: Vec::new(),
        });
        if entry.size.is_none() {
            entry.size = row.size_bytes.and_then(|s| u64::try_from(s).ok());
        }
        entry.uses.push(row);
    }
    by_hash.into_values().collect()
}
