//! The files of a backup: its manifest, and copying and checking files by their SHA-256.
//!
//! A backup is a folder a plain copy tool can mirror:
//!
//! ```text
//! DIR/MANIFEST.json                 written last: a folder without it is no backup
//! DIR/workplan.sqlite3              the SQLite snapshot (or workplan.pgdump, made by pg_dump)
//! DIR/evidence/ab/cd/abcd…          every evidence file, laid out as in the storage root
//! ```
//!
//! Nothing here knows the database: the caller says which hashes the database refers to.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The manifest's file name inside a backup folder.
pub const MANIFEST: &str = "MANIFEST.json";
/// The SQLite snapshot's file name inside a backup folder.
pub const SQLITE_FILE: &str = "workplan.sqlite3";
/// The file name a PostgreSQL dump is given inside a backup folder.
pub const PG_DUMP_FILE: &str = "workplan.pgdump";
/// The folder of evidence files inside a backup folder.
pub const EVIDENCE_DIR: &str = "evidence";
/// What the manifest's `format` says.
pub const FORMAT: &str = "workplan-backup";
/// The manifest layout this program writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// What a backup holds, written as `MANIFEST.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// The layout's version, [`FORMAT_VERSION`].
    pub format_version: u32,
    /// When the backup was made (RFC 3339, UTC).
    pub created_at: String,
    /// The workplan version that made it.
    pub app_version: String,
    /// `sqlite` or `postgres`: the backend the database came from.
    pub backend: String,
    /// The database file, when the backup holds one.
    pub database: Option<Entry>,
    /// Every evidence file copied, by hash.
    pub evidence: Vec<Entry>,
    /// Files the database refers to that the live store lacked or held damaged: not copied.
    #[serde(default)]
    pub not_copied: Vec<NotCopied>,
}

/// One file of a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Relative to the backup folder, with `/` separators.
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

/// A file the database refers to that the backup does not hold, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotCopied {
    pub sha256: String,
    pub problem: Problem,
    /// The evidence rows that name it.
    pub evidence_ids: Vec<i32>,
}

/// Why a file the database names is not in a backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// No file in the store.
    Missing,
    /// The store's file does not hash to its record.
    Damaged,
    /// The recorded hash is not a SHA-256.
    BadRecord,
}

impl Problem {
    /// In words the office reads.
    pub fn label(self) -> &'static str {
        match self {
            Problem::Missing => "缺失",
            Problem::Damaged => "已损坏",
            Problem::BadRecord => "记录无效",
        }
    }
}

/// How a file on disk stands against the hash (and size) recorded for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileCheck {
    /// The bytes hash to what was recorded.
    Intact,
    /// No file where it should be.
    Missing,
    /// A file whose bytes are not the recorded ones.
    Damaged { sha256: String, size: u64 },
    /// The recorded hash is not a SHA-256, so there is no place to look.
    BadRecord,
}

impl FileCheck {
    /// The problem, when there is one.
    pub fn problem(&self) -> Option<Problem> {
        match self {
            FileCheck::Intact => None,
            FileCheck::Missing => Some(Problem::Missing),
            FileCheck::Damaged { .. } => Some(Problem::Damaged),
            FileCheck::BadRecord => Some(Problem::BadRecord),
        }
    }

    /// One word or two for a list of findings.
    pub fn label(&self) -> &'static str {
        self.problem().map_or("完好", Problem::label)
    }

    /// In words the office reads, with both hashes when the bytes differ.
    pub fn describe(&self, expected_sha: &str, expected_size: Option<u64>) -> String {
        let size = expected_size
            .map(|s| format!("、{s} 字节"))
            .unwrap_or_default();
        match self {
            FileCheck::Intact => "完好".to_string(),
            FileCheck::Missing => "缺失（文件不存在）".to_string(),
            FileCheck::Damaged { sha256, size: got } => {
                format!("已损坏（应为 SHA-256 {expected_sha}{size}，实为 {sha256}、{got} 字节）")
            }
            FileCheck::BadRecord => format!("记录的 SHA-256 无效（{expected_sha}）"),
        }
    }
}

/// Compares what a file's bytes hash to (`None`: no file) with what was recorded. A size of
/// `None` is not checked (the hash decides alone).
pub fn judge(
    expected_sha: &str,
    expected_size: Option<u64>,
    found: Option<(&str, u64)>,
) -> FileCheck {
    if !is_sha256(expected_sha) {
        return FileCheck::BadRecord;
    }
    match found {
        None => FileCheck::Missing,
        Some((sha, size))
            if sha.eq_ignore_ascii_case(expected_sha)
                && expected_size.is_none_or(|s| s == size) =>
        {
            FileCheck::Intact
        }
        Some((sha, size)) => FileCheck::Damaged {
            sha256: sha.to_string(),
            size,
        },
    }
}

/// Whether `s` is written as a SHA-256 (64 hexadecimal digits).
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Where a hash's file lies inside a backup folder, as the manifest writes it.
pub fn entry_path(sha256: &str) -> Option<String> {
    is_sha256(sha256).then(|| format!("{EVIDENCE_DIR}/{}/{}/{sha256}", &sha256[..2], &sha256[2..4]))
}

/// Hashes a file as it streams by; `None` when there is no file.
pub fn hash_file(path: &Path) -> std::io::Result<Option<(String, u64)>> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    stream(file, std::io::sink()).map(Some)
}

/// Checks the file at `path` against its recorded hash and size.
pub fn check_file(path: &Path, sha256: &str, size: Option<u64>) -> std::io::Result<FileCheck> {
    if !is_sha256(sha256) {
        return Ok(FileCheck::BadRecord);
    }
    let found = hash_file(path)?;
    Ok(judge(
        sha256,
        size,
        found.as_ref().map(|(s, n)| (s.as_str(), *n)),
    ))
}

/// Copies `from` to `to` (a new file; its folder is made), hashing while copying, and makes
/// the copy durable. Returns what the bytes hash to and how many there were; `None` when
/// `from` does not exist.
pub fn copy_hashed(from: &Path, to: &Path) -> std::io::Result<Option<(String, u64)>> {
    let source = match std::fs::File::open(from) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut target = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(to)?;
    let done = stream(source, &mut target)?;
    target.sync_all()?;
    Ok(Some(done))
}

/// Reads `from` to its end into `to`, hashing; the hash and the byte count.
fn stream(mut from: impl Read, mut to: impl Write) -> std::io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = from.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        to.write_all(&buf[..n])?;
        size += n as u64;
    }
    to.flush()?;
    Ok((hex::encode(hasher.finalize()), size))
}

/// Why a folder cannot be read as a backup.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("{0} 中没有 MANIFEST.json：这不是 workplan 备份，或备份没有做完；请换一个完整的备份")]
    Absent(PathBuf),
    #[error("无法读取 {path}：{source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} 格式有误（{reason}）；备份可能已损坏，请换一个备份")]
    Invalid { path: PathBuf, reason: String },
}

impl Manifest {
    /// A manifest for a backup made now by this program.
    pub fn new(backend: &str) -> Self {
        Manifest {
            format: FORMAT.to_string(),
            format_version: FORMAT_VERSION,
            created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            app_version: env!("CARGO_PKG_VERSION").to_string(),
            backend: backend.to_string(),
            database: None,
            evidence: Vec::new(),
            not_copied: Vec::new(),
        }
    }

    /// Reads and checks `dir/MANIFEST.json`: its format, and that every path is the one its
    /// hash gives (a manifest never leads a restore outside the backup folder).
    pub fn read(dir: &Path) -> Result<Self, ManifestError> {
        let path = dir.join(MANIFEST);
        let text = match std::fs::read(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ManifestError::Absent(dir.to_path_buf()))
            }
            Err(source) => return Err(ManifestError::Read { path, source }),
        };
        let invalid = |reason: String| ManifestError::Invalid {
            path: path.clone(),
            reason,
        };
        let m: Manifest = serde_json::from_slice(&text).map_err(|e| invalid(e.to_string()))?;
        m.check().map_err(invalid)?;
        Ok(m)
    }

    /// The rules a manifest read from disk must keep.
    fn check(&self) -> Result<(), String> {
        if self.format != FORMAT {
            return Err(format!("format 应为 {FORMAT}"));
        }
        if self.format_version != FORMAT_VERSION {
            return Err(format!(
                "格式版本 {} 不是本程序能读的 {FORMAT_VERSION}，请用做备份的 workplan 版本（{}）恢复",
                self.format_version, self.app_version
            ));
        }
        if !matches!(self.backend.as_str(), "sqlite" | "postgres") {
            return Err(format!("未知的数据库类型 {}", self.backend));
        }
        if let Some(db) = &self.database {
            let want = if self.backend == "sqlite" {
                SQLITE_FILE
            } else {
                PG_DUMP_FILE
            };
            if db.path != want || !is_sha256(&db.sha256) {
                return Err(format!("数据库文件应为 {want}，并带有 SHA-256"));
            }
        }
        let mut seen = BTreeSet::new();
        for e in &self.evidence {
            if entry_path(&e.sha256).as_deref() != Some(e.path.as_str()) {
                return Err(format!("文件 {} 的路径与其 SHA-256 不符", e.path));
            }
            if !seen.insert(e.sha256.to_ascii_lowercase()) {
                return Err(format!("文件 {} 出现了两次", e.path));
            }
        }
        Ok(())
    }

    /// Writes `dir/MANIFEST.json` durably and last: to a temporary name, then renamed.
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        let tmp = dir.join(format!("{MANIFEST}.part"));
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?)?;
        f.write_all(b"\n")?;
        f.sync_all()?;
        std::fs::rename(&tmp, dir.join(MANIFEST))
    }

    /// The hashes the backup holds a copy of.
    pub fn hashes(&self) -> BTreeSet<String> {
        self.evidence
            .iter()
            .map(|e| e.sha256.to_ascii_lowercase())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    #[test]
    fn a_file_is_judged_by_its_hash_and_size() {
        let damaged = |sha: &str, size| FileCheck::Damaged {
            sha256: sha.to_string(),
            size,
        };
        /// Recorded hash and size, what the bytes hash to, the verdict.
        type Case<'a> = (&'a str, Option<u64>, Option<(&'a str, u64)>, FileCheck);
        let cases: &[Case] = &[
            (A, Some(3), Some((A, 3)), FileCheck::Intact),
            (A, None, Some((A, 3)), FileCheck::Intact),
            (A, Some(3), Some((&A.to_uppercase(), 3)), FileCheck::Intact),
            (A, Some(3), None, FileCheck::Missing),
            (A, Some(3), Some((B, 3)), damaged(B, 3)),
            (A, Some(3), Some((A, 4)), damaged(A, 4)),
            ("../x", Some(3), Some((A, 3)), FileCheck::BadRecord),
            ("", None, None, FileCheck::BadRecord),
        ];
        for (sha, size, found, want) in cases {
            assert_eq!(judge(sha, *size, *found), *want, "{sha} {size:?} {found:?}");
        }
        assert_eq!(FileCheck::Intact.problem(), None);
        assert_eq!(FileCheck::Missing.problem(), Some(Problem::Missing));
        assert_eq!(
            serde_json::to_value(Problem::BadRecord).expect("json"),
            serde_json::json!("bad_record")
        );
        assert!(damaged(B, 3).describe(A, Some(3)).contains("已损坏"));
    }

    #[test]
    fn entry_paths_mirror_the_storage_layout() {
        assert_eq!(
            entry_path(A).as_deref(),
            Some(format!("evidence/aa/aa/{A}").as_str())
        );
        assert_eq!(entry_path("../../etc/passwd"), None);
        let root = Path::new("/backup");
        let rel = entry_path(A).expect("path");
        assert_eq!(
            Some(root.join(&rel)),
            super::super::path_for(&root.join(EVIDENCE_DIR), A)
        );
    }

    #[test]
    fn copies_are_hashed_and_manifests_checked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let from = dir.path().join("a.pdf");
        std::fs::write(&from, b"%PDF-1.4 evidence").expect("write");
        let sha = hex::encode(Sha256::digest(b"%PDF-1.4 evidence"));
        let to = dir.path().join("x/y/copy");
        assert_eq!(
            copy_hashed(&from, &to).expect("copy"),
            Some((sha.clone(), 17))
        );
        assert_eq!(
            check_file(&to, &sha, Some(17)).expect("check"),
            FileCheck::Intact
        );
        assert!(copy_hashed(&from, &to).is_err(), "never over a file");
        assert_eq!(
            copy_hashed(&dir.path().join("none"), &to).expect("nothing"),
            None
        );

        let mut m = Manifest::new("sqlite");
        m.evidence.push(Entry {
            path: entry_path(&sha).expect("path"),
            size: 17,
            sha256: sha.clone(),
        });
        m.write(dir.path()).expect("write manifest");
        assert_eq!(Manifest::read(dir.path()).expect("read"), m);

        /// What the refusal says, and how the manifest is spoilt.
        type Spoil<'a> = (&'a str, fn(&mut Manifest));
        let bad: &[Spoil] = &[
            ("路径", |m| m.evidence[0].path = "evidence/../../x".into()),
            ("两次", |m| {
                let e = m.evidence[0].clone();
                m.evidence.push(e)
            }),
            ("格式版本", |m| m.format_version = 99),
            ("数据库", |m| {
                m.database = Some(Entry {
                    path: "../other.db".into(),
                    size: 1,
                    sha256: A.into(),
                })
            }),
        ];
        for (says, spoil) in bad {
            let mut spoilt = m.clone();
            spoil(&mut spoilt);
            spoilt.write(dir.path()).expect("write");
            let err = Manifest::read(dir.path())
                .expect_err("a spoilt manifest is read")
                .to_string();
            assert!(err.contains(says), "{says}: {err}");
        }
        let empty = tempfile::tempdir().expect("tempdir");
        assert!(matches!(
            Manifest::read(empty.path()),
            Err(ManifestError::Absent(_))
        ));
    }
}
