//! 导入计划: upload, preview with row diagnostics and division decisions, then commit.

use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::Datelike;
use serde::Deserialize;

use super::{render, render_form_page, see_other, Nav, Refused, RefusedForms};
use crate::domain::division::DivisionKind;
use crate::error::AppError;
use crate::import::table::{ColumnRead, FoundBy};
use crate::import::{Diagnostic, DraftItem, Skipped};
use crate::service::directory::{self, DivisionView};
use crate::service::imports::{
    CommitResult, NameDecision, NameReport, NameStatus, Preview, RevisionPreview,
};
use crate::web::api::imports::{self as api_imports, ImportRequest};
use crate::web::auth::{PageForm, PageUser};
use crate::web::error::PageError;
use crate::web::upload::{self, Upload, UploadLimits, UploadUser};
use crate::web::AppState;

#[derive(Template)]
#[template(path = "import.html")]
struct FormPage {
    nav: Nav,
    year: i32,
}

/// GET /import.
pub async fn form(user: PageUser) -> Result<HttpResponse, PageError> {
    user.caller.require_office()?;
    render(&FormPage {
        nav: Nav::new(&user, "/import"),
        year: chrono::Local::now().year(),
    })
}

/// One row of the preview table.
struct Row<'a> {
    item: &'a DraftItem,
    warnings: Vec<&'a Diagnostic>,
}

#[derive(Template)]
#[template(path = "import_preview.html")]
struct PreviewPage<'a> {
    nav: Nav,
    token: String,
    year: i32,
    title: String,
    file: String,
    format: String,
    sheet: String,
    rows: Vec<Row<'a>>,
    other_warnings: Vec<&'a Diagnostic>,
    unknown: Vec<&'a NameReport>,
    flagged: Vec<&'a NameReport>,
    known: usize,
    directory: Vec<DivisionView>,
    revision: Option<&'a RevisionPreview>,
    /// Importing into a handed-down plan: how the file's items meet the upper items.
    upper: Option<&'a crate::service::cascade::UpperMatchPreview>,
    warning_count: usize,
    /// Warnings about the whole file (row 0).
    plan_warnings: Vec<&'a Diagnostic>,
    columns: &'a [ColumnRead],
    skipped: &'a [Skipped],
    /// A commit refused for the office's decisions: shown with them as chosen.
    refused: Option<Refused>,
}

impl RefusedForms for PreviewPage<'_> {
    fn refused(&self) -> Option<&Refused> {
        self.refused.as_ref()
    }
}

/// POST /import/preview?csrf=: keeps the upload and shows what would be imported (the
/// session's token and the office role are checked before the body is read).
pub async fn preview(
    state: web::Data<AppState>,
    user: UploadUser,
    payload: Multipart,
) -> Result<HttpResponse, PageError> {
    user.caller.require_office()?;
    let upload = upload::read_upload(payload, UploadLimits::of(&state.config)).await?;
    let req = ImportRequest::from_fields(&upload.fields, &state.config)?;
    let token = upload::stage_import(&state.config.storage_dir, &upload).await?;
    preview_page(&state, &user, upload, req, token, None).await
}

/// The preview of a staged upload; with `refused`, the office's title and decisions as they
/// chose them and why the commit was refused.
async fn preview_page(
    state: &AppState,
    user: &PageUser,
    upload: Upload,
    req: ImportRequest,
    token: String,
    refused: Option<Refused>,
) -> Result<HttpResponse, PageError> {
    let year = req.year;
    let title_field = req.commit.title.clone();
    let p: Preview = api_imports::preview(state, user.caller.agency_id, upload, req).await?;
    let caller = user.caller.clone();
    let directory = state.db.read(move |c| directory::list(c, &caller)).await?;
    let mut by_row: HashMap<usize, Vec<&Diagnostic>> = HashMap::new();
    for w in &p.draft.warnings {
        by_row.entry(w.row).or_default().push(w);
    }
    let rows: Vec<Row> = p
        .draft
        .items
        .iter()
        .map(|item| Row {
            item,
            warnings: by_row.remove(&item.source.row).unwrap_or_default(),
        })
        .collect();
    let plan_warnings = by_row.remove(&0).unwrap_or_default();
    let mut other_warnings: Vec<&Diagnostic> = by_row.into_values().flatten().collect();
    other_warnings.sort_by_key(|d| d.row);
    let page = PreviewPage {
        nav: Nav::new(user, "/import"),
        token,
        year,
        title: title_field
            .or_else(|| p.draft.title.clone())
            .unwrap_or_default(),
        file: p.draft.source.file.clone(),
        format: serde_json::to_value(p.draft.source.format)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        sheet: p.draft.source.sheet.clone().unwrap_or_default(),
        rows,
        other_warnings,
        unknown: p
            .divisions
            .iter()
            .filter(|d| d.status == NameStatus::Unknown)
            .collect(),
        flagged: p
            .divisions
            .iter()
            .filter(|d| matches!(d.status, NameStatus::Group | NameStatus::Placeholder))
            .collect(),
        known: p
            .divisions
            .iter()
            .filter(|d| matches!(d.status, NameStatus::Known { .. }))
            .count(),
        directory,
        revision: p.revision.as_ref(),
        upper: p.upper.as_ref(),
        warning_count: p.draft.warnings.len(),
        plan_warnings,
        columns: &p.draft.columns,
        skipped: &p.draft.skipped,
        refused,
    };
    render_form_page(&page)
}

impl PreviewPage<'_> {
    /// What to do with a name the directory lacks: the choices, in the order offered.
    fn actions(&self) -> [(&'static str, &'static str); 5] {
        [
            ("create_internal", "新建为内设处室"),
            ("create_subordinate", "新建为局属单位"),
            ("create_external", "新建为外部单位"),
            ("map", "对应已有处室（记为别名）"),
            ("placeholder", "保留为待定"),
        ]
    }

    /// The choice `prefix`N the office made before a refused commit ("" otherwise).
    fn kept_decision(&self, prefix: &str, n: &usize) -> String {
        self.kept("commit-form", &format!("{prefix}{n}"), "")
    }
    fn field_label(&self, c: &ColumnRead) -> &'static str {
        c.field.map_or("未使用", |f| f.label())
    }

    fn found_label(&self, c: &ColumnRead) -> &'static str {
        match c.found_by {
            Some(FoundBy::Header) => "按表头",
            Some(FoundBy::Content) => "按内容判断",
            None => "",
        }
    }

    fn due_text(&self, item: &DraftItem) -> String {
        match item.deadline.due {
            Some(d) => d.to_string(),
            None => match item.deadline.kind.as_str() {
                "per_higher_authority" => "按上级部署".to_string(),
                "ongoing" => "长期".to_string(),
                "relative" => "按事件计".to_string(),
                "done" => "已完成".to_string(),
                other => other.to_string(),
            },
        }
    }

    /// How an imported item differs from the upper item it matches, in words.
    fn upper_match_text(&self, m: &crate::service::cascade::UpperMatch) -> String {
        let by = match m.by {
            crate::domain::cascade::MatchedBy::Number => "按序号对应".to_string(),
            crate::domain::cascade::MatchedBy::Text => {
                format!("按任务内容对应上级第{}项", m.upper_number)
            }
        };
        if m.fields.is_empty() {
            return format!("{by}，内容一致");
        }
        let fields: Vec<String> = m
            .fields
            .iter()
            .map(|f| format!("{}：上级为“{}”，本文件为“{}”", f.label, f.upper, f.own))
            .collect();
        format!("{by}；{}", fields.join("；"))
    }

    fn change_text(&self, c: &crate::domain::revision::Change) -> String {
        use crate::domain::revision::Change;
        match c {
            Change::Added { number } => format!("新增事项 {number}"),
            Change::Removed { number } => format!("删除事项 {number}（已有进展报告的将保留）"),
            Change::Changed { number, fields } => {
                let names: Vec<&str> = fields
                    .iter()
                    .map(|f| match f.as_str() {
                        "task" => "工作任务",
                        "requirement" => "具体要求",
                        "deadline" => "完成时限",
                        "lead" => "牵头处室",
                        "support" => "配合处室",
                        other => other,
                    })
                    .collect();
                format!("事项 {number}：{}有变化", names.join("、"))
            }
        }
    }

    fn group_label(&self, r: &NameReport) -> &'static str {
        match r.status {
            NameStatus::Group => "分组：导入时展开为相应的全部处室或单位",
            _ => "待定：按原文保留，导入后由办公室指定",
        }
    }
}

/// The commit form: the pending upload and a decision per unknown name.
#[derive(Deserialize)]
pub struct CommitForm {
    token: String,
    #[serde(flatten)]
    rest: HashMap<String, String>,
}

/// POST /import/commit: imports the pending upload with the office's decisions.
pub async fn commit(
    state: web::Data<AppState>,
    user: PageUser,
    form: PageForm<CommitForm>,
) -> Result<HttpResponse, PageError> {
    user.caller.require_office()?;
    let (form, typed) = (form.0, form.1);
    let title = form
        .rest
        .get("title")
        .map(|t| t.trim())
        .filter(|t| !t.is_empty());
    let (upload, mut req) = staged(&state, &form.token, title).await?;
    let committed = match decisions_of(&form.rest) {
        Ok(decisions) => {
            req.commit.decisions = decisions;
            api_imports::commit(&state, user.caller.clone(), upload, req).await
        }
        Err(e) => Err(e),
    };
    let result: CommitResult = match committed {
        Ok(r) => r,
        Err(e) => {
            // Refused for the decisions or the title: the preview again, as they chose.
            let Some(refused) = Refused::of("commit-form", &e, typed) else {
                return Err(e.into());
            };
            let (upload, req) = staged(&state, &form.token, title).await?;
            return preview_page(&state, &user, upload, req, form.token, Some(refused)).await;
        }
    };
    upload::drop_staged_import(&state.config.storage_dir, &form.token).await;
    Ok(see_other(&format!(
        "/items?plan={}&imported={}",
        result.id,
        result.items_added + result.items_updated
    )))
}

/// The staged upload `token` and its import settings, with the title the office typed.
async fn staged(
    state: &AppState,
    token: &str,
    title: Option<&str>,
) -> Result<(Upload, ImportRequest), AppError> {
    let staged = upload::staged_import(&state.config.storage_dir, token).await?;
    let mut fields = staged.fields;
    if let Some(t) = title {
        fields.insert("title".into(), t.to_string());
    }
    fields.remove("dry_run");
    let req = ImportRequest::from_fields(&fields, &state.config)?;
    let upload = Upload {
        file_name: staged.file_name,
        bytes: staged.bytes,
        fields,
    };
    Ok((upload, req))
}

/// Reads `name_N` / `action_N` / `map_N` triples into decisions.
fn decisions_of(rest: &HashMap<String, String>) -> Result<HashMap<String, NameDecision>, AppError> {
    let mut out = HashMap::new();
    for (key, name) in rest.iter().filter(|(k, _)| k.starts_with("name_")) {
        let n = &key["name_".len()..];
        let action = rest
            .get(&format!("action_{n}"))
            .map(String::as_str)
            .unwrap_or("create_internal");
        let decision = match action {
            "placeholder" => NameDecision::Placeholder,
            "map" => {
                let id = rest
                    .get(&format!("map_{n}"))
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(|| {
                        AppError::invalid("decisions", format!("请为“{name}”选择对应的处室"))
                    })?;
                NameDecision::MapTo { division_id: id }
            }
            other => NameDecision::Create {
                kind: other
                    .strip_prefix("create_")
                    .and_then(DivisionKind::parse)
                    .ok_or_else(|| {
                        AppError::invalid("decisions", format!("“{name}”的处理方式无效"))
                    })?,
            },
        };
        out.insert(name.clone(), decision);
    }
    Ok(out)
}
