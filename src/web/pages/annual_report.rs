//! 年度报告: the annual disclosure report as a page laid out like the printed form — the
//! tables as grids to fill in, each broken rule shown on its cells, the text parts, last
//! year's figures beside this year's, finalising and the downloads.

use std::collections::{BTreeMap, HashMap};

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{render, see_other, Nav};
use crate::db::models::Plan;
use crate::domain::annual_report::{self as rules, Format, Grid, GridKind};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::service::annual_report::{self as report, AnnualReport, TablesInput, TextsInput};
use crate::service::plans;
use crate::web::auth::{PageForm, PageUser};
use crate::web::error::PageError;
use crate::web::AppState;

/// One part of the printed report.
struct PartView {
    number: String,
    title: String,
    text_key: Option<String>,
    grids: Vec<Grid>,
}

#[derive(Template)]
#[template(path = "annual_report.html")]
struct ReportPage {
    nav: Nav,
    plans: Vec<Plan>,
    report: Option<AnnualReport>,
    parts: Vec<PartView>,
    editable: bool,
    /// Messages of the broken rules by cell code.
    broken: HashMap<String, Vec<String>>,
    /// What an imported workbook gave (rows not found).
    notes: Vec<String>,
}

impl ReportPage {
    fn broken_text(&self, code: &str) -> String {
        self.broken
            .get(code)
            .map(|m| m.join("；"))
            .unwrap_or_default()
    }

    fn previous_of(&self, code: &str) -> String {
        let Some(prev) = self.report.as_ref().and_then(|r| r.previous.as_ref()) else {
            return String::new();
        };
        let mut p = code.splitn(3, '.');
        let (t, r, c) = (
            p.next().unwrap_or_default(),
            p.next().unwrap_or_default(),
            p.next().unwrap_or_default(),
        );
        prev.get(t)
            .and_then(|x| x.get(r))
            .and_then(|x| x.get(c))
            .map(|v| rules::show(*v))
            .unwrap_or_else(|| "0".to_string())
    }

    fn text_of(&self, key: &str) -> String {
        self.report
            .as_ref()
            .and_then(|r| r.texts.iter().find(|t| t.key == key))
            .map(|t| t.text.clone())
            .unwrap_or_default()
    }

    fn sources_of(&self, key: &str) -> Vec<(i32, String)> {
        self.report
            .as_ref()
            .and_then(|r| r.texts.iter().find(|t| t.key == key))
            .map(|t| {
                t.sources
                    .iter()
                    .map(|s| (s.item_id, s.label.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Which plan.
#[derive(Deserialize)]
pub struct PlanQuery {
    plan: Option<i32>,
}

/// GET /annual-report?plan=.
pub async fn show(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<PlanQuery>,
) -> Result<HttpResponse, PageError> {
    page(&state, &user, q.plan, Vec::new()).await
}

/// POST /plans/{id}/annual-report/import?csrf=: the agency's filled-in workbook; the page
/// again with notes on rows not found (token and office role checked before the body).
pub async fn import(
    state: web::Data<AppState>,
    user: crate::web::upload::UploadUser,
    id: web::Path<i32>,
    payload: actix_multipart::Multipart,
) -> Result<HttpResponse, PageError> {
    let plan_id = id.into_inner();
    user.caller.require_office()?;
    let limits = crate::web::upload::UploadLimits::of(&state.config);
    let file = crate::web::upload::read_upload(payload, limits).await?;
    let caller = user.caller.clone();
    let mut notes = state
        .db
        .write(move |c| report::import_tables(c, &caller, plan_id, &file.bytes, &file.file_name))
        .await?;
    notes.insert(0, "已从工作簿导入统计表。".to_string());
    page(&state, &user, Some(plan_id), notes).await
}

async fn page(
    state: &web::Data<AppState>,
    user: &PageUser,
    wanted: Option<i32>,
    notes: Vec<String>,
) -> Result<HttpResponse, PageError> {
    let clock = state.config.clock();
    let rubric = state.config.rubric_for(user.caller.agency_id)?;
    let caller = user.caller.clone();
    let (all, doc) = state
        .db
        .read(move |c| -> Result<_, AppError> {
            let all: Vec<Plan> = plans::list(c, &caller)?
                .into_iter()
                .map(|s| s.plan)
                .collect();
            let id = wanted.or_else(|| plans::default_of(&all, &caller).map(|p| p.id));
            let doc = match id {
                Some(id) => Some(report::get(c, id, &clock, &rubric)?),
                None => None,
            };
            Ok((all, doc))
        })
        .await?;
    let format = Format::current();
    let parts = match &doc {
        Some(d) => format
            .parts
            .iter()
            .map(|p| PartView {
                number: p.number.clone(),
                title: p.title.clone(),
                text_key: p.text.clone(),
                grids: p
                    .tables
                    .iter()
                    .filter_map(|t| format.table(t))
                    .flat_map(|t| rules::grids(t, &d.tables))
                    .collect(),
            })
            .collect(),
        None => Vec::new(),
    };
    let mut broken: HashMap<String, Vec<String>> = HashMap::new();
    for v in doc.iter().flat_map(|d| &d.violations) {
        for c in &v.cells {
            broken.entry(c.clone()).or_default().push(v.message.clone());
        }
    }
    let is_office = user.caller.role == Role::Office;
    render(&ReportPage {
        nav: Nav::new(user, "/annual-report"),
        notes,
        plans: all,
        editable: is_office && doc.as_ref().is_some_and(|d| !d.finalised),
        report: doc,
        parts,
        broken,
    })
}

/// POST /plans/{id}/annual-report: every cell (`cell:table.row.column`) and text part
/// (`text:key`) of the form, and the version read.
pub async fn save(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    f: PageForm<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let plan_id = id.into_inner();
    let form = f.0;
    let version = form.get("version").and_then(|v| v.parse().ok());
    let mut tables: BTreeMap<String, BTreeMap<String, BTreeMap<String, serde_json::Value>>> =
        BTreeMap::new();
    let mut texts = BTreeMap::new();
    for (key, value) in &form {
        if let Some(code) = key.strip_prefix("cell:") {
            let mut p = code.splitn(3, '.');
            let (t, r, c) = (
                p.next().unwrap_or_default(),
                p.next().unwrap_or_default(),
                p.next().unwrap_or_default(),
            );
            let v = value.trim();
            let number = if v.is_empty() {
                serde_json::Value::Null
            } else {
                let n: f64 = v.parse().map_err(|_| {
                    AppError::invalid("tables", format!("“{v}”不是数字，请在 {code} 填写数字"))
                })?;
                serde_json::json!(n)
            };
            tables
                .entry(t.to_string())
                .or_default()
                .entry(r.to_string())
                .or_default()
                .insert(c.to_string(), number);
        } else if let Some(k) = key.strip_prefix("text:") {
            texts.insert(k.to_string(), value.clone());
        }
    }
    let tables_input = TablesInput {
        tables: serde_json::to_value(&tables).map_err(|e| AppError::Internal(e.to_string()))?,
        version,
    };
    let texts_input = TextsInput {
        texts,
        version: None,
    };
    let caller = user.caller;
    state
        .db
        .write(move |c| {
            report::put_tables(c, &caller, plan_id, &tables_input)?;
            if !texts_input.texts.is_empty() {
                report::put_texts(c, &caller, plan_id, &texts_input)?;
            }
            Ok::<_, AppError>(())
        })
        .await?;
    Ok(see_other(&format!("/annual-report?plan={plan_id}")))
}

/// The finalise form.
#[derive(Deserialize)]
pub struct FinaliseForm {
    version: i32,
}

/// POST /plans/{id}/annual-report/finalise.
pub async fn finalise(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    f: PageForm<FinaliseForm>,
) -> Result<HttpResponse, PageError> {
    let plan_id = id.into_inner();
    let version = f.0.version;
    let clock = state.config.clock();
    let rubric = state.config.rubric_for(user.caller.agency_id)?;
    let caller = user.caller;
    state
        .db
        .write(move |c| report::finalise(c, &caller, plan_id, Some(version), &clock, &rubric))
        .await?;
    Ok(see_other(&format!("/annual-report?plan={plan_id}")))
}

/// Whether a grid cell is a value cell with a code; its code.
pub fn code_of(kind: &GridKind) -> Option<&str> {
    match kind {
        GridKind::Value(Some(code)) => Some(code),
        _ => None,
    }
}
