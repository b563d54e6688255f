//! Uploads' web plumbing, in one place: multipart forms read into memory or streamed to
//! storage, and plan files kept between the import preview and its commit. What leaves
//! here is a service input (an [`Upload`], a [`ReceivedFile`]'s evidence).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use actix_multipart::Multipart;
use actix_web::web;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::evidence::{self, Incoming};
use crate::service::reports::FileEvidence;

/// An upload read from the form.
#[derive(Debug, Default)]
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub fields: HashMap<String, String>,
}

/// The most fields a form of ours may carry (ours have fewer than ten).
const MAX_FORM_FIELDS: usize = 64;
/// The most text all of a form's fields but the file may hold together (a plan's name
/// decisions are the longest: a few hundred bytes per name).
const MAX_FORM_TEXT: u64 = 1024 * 1024;

/// Reads a multipart form: the `file` part up to `limit` bytes (413 beyond), the rest as text
/// up to [`MAX_FORM_TEXT`] in all and [`MAX_FORM_FIELDS`] fields (a form of thousands of
/// large fields would otherwise sit in memory whole).
pub async fn read_upload(mut payload: Multipart, limit: u64) -> Result<Upload, AppError> {
    let mut upload = Upload::default();
    let mut fields = 0usize;
    let mut text_bytes = 0u64;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|e| AppError::BadRequest(format!("表单有误：{e}")))?;
        fields += 1;
        if fields > MAX_FORM_FIELDS {
            return Err(AppError::invalid(
                "form",
                format!("表单字段过多（最多 {MAX_FORM_FIELDS} 个），请用页面上的表单提交"),
            ));
        }
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .map(str::to_string);
        let is_file = name == "file";
        if is_file && !upload.file_name.is_empty() {
            return Err(AppError::invalid("file", "一次只能上传一个文件"));
        }
        let cap = if is_file {
            limit
        } else {
            MAX_FORM_TEXT - text_bytes
        };
        let mut data = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| AppError::BadRequest(format!("上传中断：{e}")))?;
            if (data.len() + chunk.len()) as u64 > cap {
                return Err(AppError::TooLarge {
                    limit: if is_file { limit } else { MAX_FORM_TEXT },
                });
            }
            data.extend_from_slice(&chunk);
        }
        if !is_file {
            text_bytes += data.len() as u64;
        }
        if is_file {
            upload.file_name = file_name.unwrap_or_else(|| "upload".to_string());
            upload.bytes = data;
        } else {
            let text = String::from_utf8(data)
                .map_err(|_| AppError::invalid("form", format!("字段 {name} 须为 UTF-8 文本")))?;
            upload.fields.insert(name, text);
        }
    }
    if upload.bytes.is_empty() && upload.file_name.is_empty() {
        return Err(AppError::invalid("file", "请选择要导入的文件（字段 file）"));
    }
    Ok(upload)
}

/// A file received from a form and stored under its hash.
pub struct ReceivedFile {
    pub name: String,
    pub content_type: String,
    pub stored: evidence::Stored,
}

/// Streams the `file` part of a multipart form to storage. When `csrf` is given, the form's
/// `csrf` field must match it and come before the file (as browsers send fields in order).
pub async fn receive_file(
    mut multipart: Multipart,
    root: &std::path::Path,
    limit: u64,
    csrf: Option<&crate::auth::Claims>,
) -> Result<ReceivedFile, AppError> {
    let mut token_ok = csrf.is_none();
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(|e| AppError::BadRequest(format!("表单有误：{e}")))?;
        match field.name() {
            Some("csrf") => {
                let mut sent = Vec::new();
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(|e| AppError::BadRequest(e.to_string()))?;
                    if sent.len() + chunk.len() > 256 {
                        return Err(AppError::BadRequest("csrf 字段过长".into()));
                    }
                    sent.extend_from_slice(&chunk);
                }
                if let Some(claims) = csrf {
                    crate::web::auth::check_form_token(claims, &String::from_utf8_lossy(&sent))?;
                    token_ok = true;
                }
            }
            Some("file") => {
                if !token_ok {
                    return Err(AppError::Forbidden(
                        "安全校验失败（CSRF），请刷新页面后重新提交".into(),
                    ));
                }
                let name = evidence::sanitise_name(
                    field
                        .content_disposition()
                        .and_then(|cd| cd.get_filename())
                        .unwrap_or_default(),
                );
                let mut incoming = Incoming::start(root, limit).await?;
                while let Some(chunk) = field.next().await {
                    let chunk =
                        chunk.map_err(|e| AppError::BadRequest(format!("上传中断：{e}")))?;
                    incoming.write(&chunk).await?;
                }
                let stored = incoming.finish().await?;
                let content_type = evidence::content_type_for(stored.content_type, &name);
                return Ok(ReceivedFile {
                    name,
                    content_type,
                    stored,
                });
            }
            _ => {}
        }
    }
    Err(AppError::invalid(
        "file",
        "请选择要上传的文件（字段 file），或以 JSON 提交网页地址 {url}",
    ))
}

impl ReceivedFile {
    /// The evidence record the report service writes for this file.
    pub fn evidence(&self) -> FileEvidence {
        FileEvidence {
            file_name: self.name.clone(),
            content_type: self.content_type.clone(),
            size: self.stored.size as i64,
            sha256: self.stored.sha256.clone(),
        }
    }
}

/// What is kept beside a staged plan file between preview and commit.
#[derive(Serialize, Deserialize)]
struct Pending {
    file_name: String,
    fields: HashMap<String, String>,
}

/// The staged file and its form fields, named by a token of ours.
fn pending_paths(root: &Path, token: &str) -> Result<(PathBuf, PathBuf), AppError> {
    // Tokens are our own random strings; anything else never reaches the file system.
    if token.len() != 32
        || !token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(AppError::invalid("token", "导入会话无效，请重新上传文件"));
    }
    let dir = root.join("pending-imports");
    Ok((
        dir.join(format!("{token}.bin")),
        dir.join(format!("{token}.json")),
    ))
}

/// Removes staged uploads older than a day (abandoned previews).
fn sweep(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let day = std::time::Duration::from_secs(24 * 3600);
    for e in entries.flatten() {
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > day);
        if old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Keeps a previewed plan file under the storage folder until it is committed; the token
/// names it in the commit form.
pub async fn stage_import(root: &Path, upload: &Upload) -> Result<String, AppError> {
    let token = crate::auth::random_token(32);
    let (bin, meta) = pending_paths(root, &token)?;
    let dir = root.join("pending-imports");
    let pending = Pending {
        file_name: upload.file_name.clone(),
        fields: upload.fields.clone(),
    };
    let bytes = upload.bytes.clone();
    web::block(move || -> std::io::Result<()> {
        std::fs::create_dir_all(&dir)?;
        sweep(&dir);
        std::fs::write(&bin, &bytes)?;
        std::fs::write(&meta, serde_json::to_vec(&pending).unwrap_or_default())
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(format!("pending import: {e}")))?;
    Ok(token)
}

/// The plan file staged under `token`, as it was uploaded.
pub async fn staged_import(root: &Path, token: &str) -> Result<Upload, AppError> {
    let (bin, meta) = pending_paths(root, token)?;
    web::block(move || -> Result<Upload, AppError> {
        let gone = |_| AppError::invalid("token", "预览已过期或已导入，请重新上传文件");
        let bytes = std::fs::read(&bin).map_err(gone)?;
        let pending: Pending = serde_json::from_slice(&std::fs::read(&meta).map_err(gone)?)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(Upload {
            file_name: pending.file_name,
            bytes,
            fields: pending.fields,
        })
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

/// Forgets a staged plan file (after its commit).
pub async fn drop_staged_import(root: &Path, token: &str) {
    if let Ok((bin, meta)) = pending_paths(root, token) {
        let _ = web::block(move || {
            let _ = std::fs::remove_file(bin);
            let _ = std::fs::remove_file(meta);
        })
        .await;
    }
}
