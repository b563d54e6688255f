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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(evidence_id: i32, sha256: &str, size_bytes: Option<i64>) -> StoredFileRow {
        StoredFileRow {
            evidence_id,
            report_id: 7,
            item_id: 3,
            item_number: "15".into(),
            plan_id: 1,
            file_name: Some("台账.pdf".into()),
            size_bytes,
            sha256: sha256.into(),
        }
    }

    #[test]
    fn rows_naming_one_file_are_one_file() {
        let (a, b) = ("a".repeat(64), "b".repeat(64));
        /// Rows read, then each file's hash, size and evidence ids.
        type Case<'a> = (Vec<StoredFileRow>, Vec<(&'a str, Option<u64>, Vec<i32>)>);
        let cases: &[Case] = &[
            (vec![], vec![]),
            (
                vec![row(1, &b, Some(5)), row(2, &a, None), row(3, &a, Some(9))],
                vec![(&a, Some(9), vec![2, 3]), (&b, Some(5), vec![1])],
            ),
            (
                vec![row(4, &a.to_uppercase(), Some(2)), row(5, &a, Some(2))],
                vec![(&a, Some(2), vec![4, 5])],
            ),
            (vec![row(6, &a, Some(-1))], vec![(&a, None, vec![6])]),
        ];
        for (rows, want) in cases {
            let got: Vec<_> = group(rows.clone())
                .into_iter()
                .map(|f| {
                    let ids = f.evidence_ids();
                    (f.sha256, f.size, ids)
                })
                .collect();
            let want: Vec<_> = want
                .iter()
                .map(|(s, n, ids)| (s.to_string(), *n, ids.clone()))
                .collect();
            assert_eq!(got, want);
        }
        let file = &group(vec![row(1, &a, Some(1))])[0];
        assert_eq!(
            file.where_used(),
            "计划 1 事项 3（编号 15）报告 7 证明材料 1「台账.pdf」"
        );
    }
}
