//! Evidence files: streamed to disk while hashed, checked by content, stored under their
//! SHA-256 below the storage root (no name a user sends ever becomes a path).

pub mod backup;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::error::AppError;

/// A file stored under its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub sha256: String,
    pub size: u64,
    pub content_type: &'static str,
}

/// What a file's first bytes say it is, among the kinds evidence may be.
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    let starts = |p: &[u8]| head.starts_with(p);
    if starts(b"%PDF-") {
        Some("application/pdf")
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if starts(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Some("image/gif")
    } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Some("image/webp")
    } else if starts(b"PK\x03\x04") {
        // Office Open XML, OpenDocument, OFD, WPS and plain ZIP archives all start so.
        Some("application/zip")
    } else if starts(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        // Legacy Office and WPS (.doc/.xls/.ppt/.wps/.et).
        Some("application/x-ole-storage")
    } else if starts(b"Rar!\x1a\x07") {
        Some("application/vnd.rar")
    } else if starts(&[0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) {
        Some("application/x-7z-compressed")
    } else {
        None
    }
}

/// The content type a download announces for a stored file, refined by its name.
pub fn content_type_for(sniffed: &str, file_name: &str) -> String {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let office = match ext.as_str() {
        "docx" => Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        "xlsx" => Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "pptx" => Some("application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        "doc" | "wps" => Some("application/msword"),
        "xls" | "et" => Some("application/vnd.ms-excel"),
        "odt" => Some("application/vnd.oasis.opendocument.text"),
        "ods" => Some("application/vnd.oasis.opendocument.spreadsheet"),
        "ofd" => Some("application/ofd"),
        _ => None,
    };
    match (sniffed, office) {
        ("application/zip" | "application/x-ole-storage", Some(t)) => t.to_string(),
        ("application/x-ole-storage", None) => "application/octet-stream".to_string(),
        (s, _) => s.to_string(),
    }
}

/// A display name safe to keep: the last path part, no control characters, at most 120
/// characters, never empty.
pub fn sanitise_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*'))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    let cut: String = cleaned
        .chars()
        .rev()
        .take(120)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if cut.is_empty() {
        "附件".to_string()
    } else {
        cut
    }
}

/// Where a hash's file lives: `root/ab/cd/abcd…`.
pub fn path_for(root: &Path, sha256: &str) -> Option<PathBuf> {
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(root.join(&sha256[..2]).join(&sha256[2..4]).join(sha256))
}

/// Removes upload temporary files under `root/tmp` that nobody has written to for
/// `max_idle`: what a crash or a dropped connection left behind. An upload in progress
/// writes every moment, so on storage shared by several instances only dead files go.
/// Returns how many were removed.
pub fn remove_stale_parts(root: &Path, max_idle: std::time::Duration) -> std::io::Result<usize> {
    let dir = root.join("tmp");
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let now = std::time::SystemTime::now();
    let mut removed = 0;
    for entry in entries {
        let entry = entry?;
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "part") {
            continue;
        }
        // Another instance may have just finished or swept it: skip what vanished.
        let Ok(modified) = entry.metadata().and_then(|m| m.modified()) else {
            continue;
        };
        let idle = now.duration_since(modified).unwrap_or_default();
        if idle >= max_idle && std::fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    Ok(removed)
}

/// Receives a file chunk by chunk: hashing, counting, refusing beyond `limit`, and
/// writing to a temporary file that becomes visible only when complete.
pub struct Incoming {
    root: PathBuf,
    tmp_path: PathBuf,
    file: tokio::fs::File,
    hasher: Sha256,
    size: u64,
    limit: u64,
    head: Vec<u8>,
    /// Set once the file is moved under its hash; until then dropping removes it.
    kept: bool,
}

/// An upload that ends before `finish` (the client went away, the form was refused) leaves no
/// temporary file behind, rather than one that waits for the hourly sweep.
impl Drop for Incoming {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.tmp_path);
        }
    }
}

impl Incoming {
    /// Starts a temporary file under `root/tmp`.
    pub async fn start(root: &Path, limit: u64) -> Result<Self, AppError> {
        let tmp_dir = root.join("tmp");
        tokio::fs::create_dir_all(&tmp_dir)
            .await
            .map_err(|e| AppError::Internal(format!("evidence tmp dir: {e}")))?;
        let tmp_path = tmp_dir.join(format!("{}.part", crate::auth::random_token(24)));
        let file = tokio::fs::File::create(&tmp_path)
            .await
            .map_err(|e| AppError::Internal(format!("evidence tmp file: {e}")))?;
        Ok(Incoming {
            root: root.to_path_buf(),
            tmp_path,
            file,
            hasher: Sha256::new(),
            size: 0,
            limit,
            head: Vec::new(),
            kept: false,
        })
    }

    /// Takes the next chunk; over the limit the partial file is removed and 413 returned.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), AppError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            let _ = tokio::fs::remove_file(&self.tmp_path).await;
            return Err(AppError::TooLarge { limit: self.limit });
        }
        if self.head.len() < 16 {
            let need = 16 - self.head.len();
            self.head.extend_from_slice(&chunk[..need.min(chunk.len())]);
        }
        self.hasher.update(chunk);
        if let Err(e) = self.file.write_all(chunk).await {
            let _ = tokio::fs::remove_file(&self.tmp_path).await;
            return Err(AppError::Internal(format!("evidence write: {e}")));
        }
        Ok(())
    }

    /// Checks the kind, then moves the file under its hash (one copy per content).
    /// On any refusal the temporary file goes with `self` (see the `Drop`).
    pub async fn finish(mut self) -> Result<Stored, AppError> {
        if self.size == 0 {
            return Err(AppError::invalid("file", "上传的文件是空的"));
        }
        let Some(kind) = sniff(&self.head) else {
            return Err(AppError::invalid(
                "file",
                "只能上传 PDF、图片（JPG/PNG/GIF/WebP）、Office/WPS 文档或压缩包（ZIP/RAR/7z）",
            ));
        };
        if let Err(e) = self.file.sync_all().await {
            return Err(AppError::Internal(format!("evidence sync: {e}")));
        }
        let sha256 = hex::encode(std::mem::take(&mut self.hasher).finalize());
        let target =
            path_for(&self.root, &sha256).ok_or_else(|| AppError::Internal("hash path".into()))?;
        if let Some(dir) = target.parent() {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(|e| AppError::Internal(format!("evidence dir: {e}")))?;
        }
        // Rename is atomic: a reader sees no file or the whole file, never half of one.
        tokio::fs::rename(&self.tmp_path, &target)
            .await
            .map_err(|e| AppError::Internal(format!("evidence rename: {e}")))?;
        self.kept = true;
        Ok(Stored {
            sha256,
            size: self.size,
            content_type: kind,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_content() {
        let cases: &[(&[u8], Option<&str>)] = &[
            (b"%PDF-1.7\n", Some("application/pdf")),
            (b"\x89PNG\r\n\x1a\n....", Some("image/png")),
            (&[0xFF, 0xD8, 0xFF, 0xE0], Some("image/jpeg")),
            (b"PK\x03\x04rest", Some("application/zip")),
            (b"<html><script>", None),
            (b"MZ\x90\x00", None),
            (b"", None),
        ];
        for (head, want) in cases {
            assert_eq!(sniff(head), *want, "{head:?}");
        }
        assert_eq!(
            content_type_for("application/zip", "台账.xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(content_type_for("image/png", "x.exe"), "image/png");
    }

    #[test]
    fn only_idle_temporary_files_are_swept() {
        let root = tempfile::tempdir().expect("tempdir");
        let tmp = root.path().join("tmp");
        assert_eq!(
            remove_stale_parts(root.path(), std::time::Duration::ZERO).expect("no tmp yet"),
            0
        );
        std::fs::create_dir_all(&tmp).expect("tmp");
        std::fs::write(tmp.join("a.part"), b"half").expect("part");
        std::fs::write(tmp.join("keep.txt"), b"not ours").expect("other");
        let hour = std::time::Duration::from_secs(3600);
        assert_eq!(remove_stale_parts(root.path(), hour).expect("sweep"), 0);
        assert!(tmp.join("a.part").exists(), "a fresh upload is left alone");
        assert_eq!(
            remove_stale_parts(root.path(), std::time::Duration::ZERO).expect("sweep"),
            1
        );
        assert!(!tmp.join("a.part").exists());
        assert!(tmp.join("keep.txt").exists());
    }

    #[test]
    fn names_never_become_paths() {
        let cases: &[(&str, &str)] = &[
            ("../../etc/passwd", "passwd"),
            ("C:\\Users\\a\\第三季度台账.xlsx", "第三季度台账.xlsx"),
            ("..", "附件"),
            ("", "附件"),
            ("a\u{0}b<c>.pdf", "abc.pdf"),
            (".hidden.pdf", "hidden.pdf"),
        ];
        for (raw, want) in cases {
            assert_eq!(sanitise_name(raw), *want, "{raw}");
        }
        assert_eq!(path_for(Path::new("/s"), "../x"), None);
        let sha = "a".repeat(64);
        assert_eq!(
            path_for(Path::new("/s"), &sha),
            Some(PathBuf::from(format!("/s/aa/aa/{sha}")))
        );
    }
}
