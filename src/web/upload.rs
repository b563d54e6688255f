//! Uploads' web plumbing, in one place: multipart forms read into memory or streamed to
//! storage, and plan files kept between the import preview and its commit. What leaves
//! here is a service input (an [`Upload`], a [`ReceivedFile`]'s evidence).
//!
//! Every multipart route checks its caller (role, division, and for a session cookie the
//! CSRF token sent in the address or a header: `auth::UploadUser`) before it hands the
//! body to these readers, so a body nobody may send is never read.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use std::future::Future;
use std::pin::Pin;

use actix_multipart::Multipart;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::{Stream, StreamExt};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::web::auth::{self, PageUser};
use crate::web::error::PageError;

use crate::error::AppError;
use crate::evidence::{self, Incoming};
use crate::service::reports::FileEvidence;

/// The caller of a page's upload form (multipart): the session, with its CSRF token checked
/// before a byte of the body is read. Such forms send the token in their address
/// (`action="…?csrf=…"`) or, from a script, in the `X-CSRF-Token` header, never as a field
/// inside the body.
pub struct UploadUser(pub PageUser);

impl std::ops::Deref for UploadUser {
    type Target = PageUser;

    fn deref(&self) -> &PageUser {
        &self.0
    }
}

#[derive(Deserialize)]
struct CsrfQuery {
    #[serde(default)]
    csrf: String,
}

impl FromRequest for UploadUser {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            // The body stays untouched: the session comes from the cookie.
            let user = PageUser::from_request(&req, &mut Payload::None).await?;
            let sent = match req.headers().get(auth::CSRF_HEADER) {
                Some(v) => v.to_str().unwrap_or_default().to_string(),
                None => web::Query::<CsrfQuery>::from_query(req.query_string())
                    .map(|q| q.into_inner().csrf)
                    .unwrap_or_default(),
            };
            auth::check_form_token(&user.claims, &sent)?;
            Ok(UploadUser(user))
        })
    }
}

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

/// How much an upload may send, and how long it may send nothing.
#[derive(Debug, Clone, Copy)]
pub struct UploadLimits {
    /// The file part's cap (413 beyond).
    pub max_bytes: u64,
    /// A read that receives nothing this long ends the upload (408).
    pub idle: Duration,
}

impl UploadLimits {
    /// The configured limits (`max_upload_bytes`, `upload_idle_secs`).
    pub fn of(config: &Config) -> Self {
        UploadLimits {
            max_bytes: config.max_upload_bytes,
            idle: config.upload_idle(),
        }
    }

    /// The same with a smaller file cap (a route that takes only small files).
    pub fn capped(self, max_bytes: u64) -> Self {
        UploadLimits {
            max_bytes: self.max_bytes.min(max_bytes),
            ..self
        }
    }
}

/// The next part or chunk of an upload, waiting at most `idle`: a client that stalls is
/// ended instead of holding the request (and its temporary file) open.
async fn next_within<S: Stream + Unpin>(
    stream: &mut S,
    idle: Duration,
) -> Result<Option<S::Item>, AppError> {
    actix_web::rt::time::timeout(idle, stream.next())
        .await
        .map_err(|_| AppError::UploadStalled {
            secs: idle.as_secs(),
        })
}

/// Reads a multipart form: the `file` part up to `limits.max_bytes` (413 beyond), the rest as
/// text up to [`MAX_FORM_TEXT`] in all and [`MAX_FORM_FIELDS`] fields (a form of thousands
/// of large fields would otherwise sit in memory whole); a pause longer than `limits.idle`
/// ends it (408).
pub async fn read_upload(mut payload: Multipart, limits: UploadLimits) -> Result<Upload, AppError> {
    let limit = limits.max_bytes;
    let mut upload = Upload::default();
    let mut fields = 0usize;
    let mut text_bytes = 0u64;
    while let Some(field) = next_within(&mut payload, limits.idle).await? {
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
        while let Some(chunk) = next_within(&mut field, limits.idle).await? {
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

/// Streams the `file` part of a multipart form to storage (other fields are skipped); a
/// pause longer than `limits.idle` ends it (408) and removes the part written so far.
pub async fn receive_file(
    mut multipart: Multipart,
    root: &std::path::Path,
    limits: UploadLimits,
) -> Result<ReceivedFile, AppError> {
    let mut skipped = 0usize;
    while let Some(field) = next_within(&mut multipart, limits.idle).await? {
        let mut field = field.map_err(|e| AppError::BadRequest(format!("表单有误：{e}")))?;
        if field.name() != Some("file") {
            skipped += 1;
            if skipped > MAX_FORM_FIELDS {
                return Err(AppError::invalid(
                    "form",
                    format!("表单字段过多（最多 {MAX_FORM_FIELDS} 个），请用页面上的表单提交"),
                ));
            }
            // Skipping a field reads it (and throws it away): the same pause limit holds.
            while next_within(&mut field, limits.idle).await?.is_some() {}
            continue;
        }
        let name = evidence::sanitise_name(
            field
                .content_disposition()
                .and_then(|cd| cd.get_filename())
                .unwrap_or_default(),
        );
        let mut incoming = Incoming::start(root, limits.max_bytes).await?;
        while let Some(chunk) = next_within(&mut field, limits.idle).await? {
            let chunk = chunk.map_err(|e| AppError::BadRequest(format!("上传中断：{e}")))?;
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
