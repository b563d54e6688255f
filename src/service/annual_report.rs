//! The annual report on government information disclosure (政府信息公开工作年度报告) of a
//! plan's year: the statistics tables with their consistency rules, the text parts drafted
//! from the year's work, last year's figures beside this year's, and finalising.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::evaluation::Evaluation;
use super::plans::Clock;
use super::{stored_json, Audit, Caller};
use crate::db::queries;
use crate::db::queries::annual_report::AnnualReportRow;
use crate::db::{DbConnection, WriteTx};
use crate::domain::annual_report::{self as rules, Figures, Format, GridKind, Violation};
use crate::domain::evaluation::Rubric;
use crate::domain::standing::Standing;
use crate::error::AppError;
use crate::export::annual_report::{CellKind, GridCell, ReportDoc, ReportPart, ReportTable, Total};

/// An item a drafted text speaks of.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SourceItem {
    pub item_id: i32,
    /// `number. task`.
    pub label: String,
}

/// One text part (一, 五, 六): the office's text, or the draft while it has none.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TextPart {
    /// `overview`, `problems` or `other`.
    pub key: String,
    pub number: String,
    pub title: String,
    /// The text that counts.
    pub text: String,
    /// What the data suggests.
    pub draft: String,
    /// The office wrote its own text.
    pub edited: bool,
    /// The items the draft is drawn from.
    pub sources: Vec<SourceItem>,
}

/// The report as the API, the page and the documents show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AnnualReport {
    pub plan_id: i32,
    pub year: i32,
    pub title: String,
    /// The national format's revision the report follows.
    pub format_version: String,
    /// `{"table": {"row": {"column": number}}}`; empty cells are absent.
    #[schema(value_type = Object)]
    pub tables: Figures,
    /// Every broken consistency rule.
    pub violations: Vec<Violation>,
    pub texts: Vec<TextPart>,
    /// Last year's report's year and figures, when there is one.
    pub previous_year: Option<i32>,
    #[schema(value_type = Option<Object>)]
    pub previous: Option<Figures>,
    /// Saved at least once.
    pub saved: bool,
    pub finalised: bool,
    pub finalised_at: Option<NaiveDateTime>,
    /// Changes name the version they read; a stale one gets 409.
    pub version: i32,
}

/// What the report stands on: the plan, its stored row, last year's figures, the agency.
struct Basis {
    plan: crate::db::models::Plan,
    agency: Option<crate::domain::agency::Agency>,
    row: Option<AnnualReportRow>,
    previous: Option<(i32, Figures)>,
}

fn basis(conn: &mut DbConnection, plan_id: i32) -> Result<Basis, AppError> {
    let plan = super::plans::get(conn, plan_id)?;
    let row = queries::annual_report::of_plan(conn, plan_id)?;
    let previous = queries::annual_report::of_year(conn, plan.year - 1)?
        .filter(|r| r.plan_id != plan_id)
        .map(|r| {
            stored_json::<Figures>(&r.figures, "上一年年度报告统计数字").map(|f| (plan.year - 1, f))
        })
        .transpose()?;
    Ok(Basis {
        agency: super::agency::current(conn, plan.agency_id)?,
        plan,
        row,
        previous,
    })
}

/// The figures of a report never saved: last year's "carried into next year" fills this
/// year's "carried over".
fn starting_figures(format: &Format, previous: Option<&Figures>) -> Figures {
    let mut f = Figures::new();
    if let (Some(carry), Some(last)) = (&format.carry, previous) {
        if let Some(row) = last.get(&carry.table).and_then(|t| t.get(&carry.last_row)) {
            f.entry(carry.table.clone())
                .or_default()
                .insert(carry.this_row.clone(), row.clone());
        }
    }
    f
}

/// The report of a plan's year (worked out, not stored, until the office first saves).
pub fn get(
    conn: &mut DbConnection,
    plan_id: i32,
    clock: &Clock,
    rubric: &Rubric,
) -> Result<AnnualReport, AppError> {
    let b = basis(conn, plan_id)?;
    let eval = super::evaluation::get(conn, plan_id, clock, rubric)?;
    let review = review_back_note(conn, plan_id)?;
    document(&b, &eval, review)
}

fn document(
    b: &Basis,
    eval: &Evaluation,
    review: Option<(String, usize)>,
) -> Result<AnnualReport, AppError> {
    let format = Format::current();
    let previous = b.previous.as_ref().map(|(_, f)| f);
    let tables = match &b.row {
        Some(r) => stored_json::<Figures>(&r.figures, "年度报告统计数字")?,
        None => starting_figures(format, previous),
    };
    let stored: BTreeMap<String, String> = match &b.row {
        Some(r) => stored_json(&r.texts, "年度报告文字部分")?,
        None => BTreeMap::new(),
    };
    let texts = format
        .parts
        .iter()
        .filter_map(|p| p.text.as_ref().map(|key| (p, key)))
        .map(|(p, key)| {
            let (draft, sources) = draft_text(key, eval, &tables, review.as_ref());
            let own = stored.get(key).filter(|t| !t.trim().is_empty()).cloned();
            TextPart {
                key: key.clone(),
                number: p.number.clone(),
                title: p.title.clone(),
                edited: own.is_some(),
                text: own.unwrap_or_else(|| draft.clone()),
                draft,
                sources,
            }
        })
        .collect();
    Ok(AnnualReport {
        plan_id: b.plan.id,
        year: b.plan.year,
        title: crate::domain::agency::titled(
            b.agency.as_ref(),
            &format!("{}年政府信息公开工作年度报告", b.plan.year),
        ),
        format_version: b
            .row
            .as_ref()
            .map_or_else(|| format.version.clone(), |r| r.format_version.clone()),
        violations: rules::check(format, &tables, previous),
        tables,
        texts,
        previous_year: b.previous.as_ref().map(|(y, _)| *y),
        previous: b.previous.as_ref().map(|(_, f)| f.clone()),
        saved: b.row.is_some(),
        finalised: b.row.as_ref().is_some_and(|r| r.finalised_at.is_some()),
        finalised_at: b.row.as_ref().and_then(|r| r.finalised_at),
        version: b.row.as_ref().map_or(0, |r| r.version),
    })
}

/// The review-back made of this plan's items, if any: the plan it went into and how many
/// items were carried over for rectification.
fn review_back_note(
    conn: &mut DbConnection,
    plan_id: i32,
) -> Result<Option<(String, usize)>, AppError> {
    let items = queries::items::list(conn, plan_id, None)?;
    let Some(first) = items.first() else {
        return Ok(None);
    };
    let Some(check) = queries::evaluation::checks_touching(conn, first.id)?
        .into_iter()
        .find(|c| c.item_id == first.id)
    else {
        return Ok(None);
    };
    let into = super::plans::get(conn, check.into_plan_id)?;
    let carried = queries::evaluation::checks_into(conn, into.id)?
        .iter()
        .filter(|c| c.rectification_item_id.is_some())
        .count();
    Ok(Some((into.title, carried)))
}

/// A figure of the tables as the text says it, or a prompt where the office has not
/// entered it yet: the draft never invents a number.
fn figure(f: &Figures, table: &str, row: &str, column: &str) -> String {
    f.get(table)
        .and_then(|t| t.get(row))
        .and_then(|r| r.get(column))
        .map_or_else(|| "【待填】".to_string(), |v| rules::show(*v))
}

/// Part 一 in the form's own structure: 主动公开 and 依申请公开 from the tables, prompts in
/// 【】 for what the product does not know, then the year's plan as its own sub-part with
/// the plan's headings renumbered so they do not read as the report's parts.
fn overview_draft(eval: &Evaluation, f: &Figures) -> String {
    let a = |row: &str, column: &str| figure(f, "active", row, column);
    let apps = |row: &str| figure(f, "applications", row, "total");
    let appeals = |column: &str| figure(f, "appeals", "counts", column);
    let mut out = String::new();
    out.push_str("（一）主动公开\n");
    out.push_str(&format!(
        "本年制发规章{}件、废止{}件，现行有效{}件；制发行政规范性文件{}件、废止{}件，现行有效{}件。\
         作出行政许可处理决定{}件、行政处罚决定{}件、行政强制决定{}件，收取行政事业性收费{}万元。\
         【请补充：本年主动公开政府信息的数量和主要渠道，政策解读、新闻发布、回应关切及重点领域信息公开情况】\n",
        a("regulations", "issued"),
        a("regulations", "repealed"),
        a("regulations", "in_force"),
        a("normative_documents", "issued"),
        a("normative_documents", "repealed"),
        a("normative_documents", "in_force"),
        a("licensing", "decisions"),
        a("penalty", "decisions"),
        a("enforcement", "decisions"),
        a("fees", "amount"),
    ));
    out.push_str("（二）依申请公开\n");
    out.push_str(&format!(
        "本年新收政府信息公开申请{}件，上年结转{}件；本年度办理答复{}件，其中予以公开{}件、部分公开{}件，\
         结转下年度继续办理{}件。因政府信息公开工作被申请行政复议{}件，未经复议直接被提起行政诉讼{}件，\
         复议后被提起行政诉讼{}件。【请补充：申请的受理渠道、办理流程和答复规范化情况】\n",
        apps("new"),
        apps("carried_over"),
        apps("results_total"),
        apps("disclosed"),
        apps("partly_disclosed"),
        apps("carried_forward"),
        appeals("reconsideration_total"),
        appeals("direct_suit_total"),
        appeals("suit_after_reconsideration_total"),
    ));
    out.push_str("（三）政府信息管理\n");
    out.push_str(
        "【请补充：政府信息公开属性源头认定、公开前审查、政府信息公开目录和指南更新、\
         行政规范性文件清理等情况】\n",
    );
    out.push_str("（四）平台建设\n");
    out.push_str(
        "【请补充：政府网站、政务新媒体、政府公报、政务公开专区等平台的建设和管理情况】\n",
    );
    out.push_str("（五）监督保障\n");
    out.push_str(
        "年度政务公开工作要点的落实情况见本部分（六）。【请补充：政务公开工作机构和人员、\
         教育培训、考核评议、社会评议和责任追究等情况】\n",
    );
    let plan = rules::demote_headings(eval.summary_text.trim());
    if !plan.is_empty() {
        out.push_str("（六）年度政务公开工作要点落实情况\n");
        out.push_str(&plan);
        out.push('\n');
    }
    out.trim_end().to_string()
}

/// Part 六: what the 2021 form asks for there, as prompts the office answers.
fn other_draft() -> String {
    "收取信息处理费的情况：【请填写：本年度是否依据《政府信息公开信息处理费管理办法》收取信息处理费；\
     收取的，写明发出收费通知的件数和实际收取的总金额（单位：万元）；未收取的，写明“本年度未收取信息处理费”】\n\
     其他事项：【请填写：本机关认为需要报告的其他事项，以及上级文件要求在年度报告中说明的事项；没有的，写明“无”】"
        .to_string()
}

/// The drafted text of a part and the items it speaks of.
fn draft_text(
    key: &str,
    eval: &Evaluation,
    figures: &Figures,
    review: Option<&(String, usize)>,
) -> (String, Vec<SourceItem>) {
    let label = |i: &super::evaluation::EvaluationItem| format!("{}. {}", i.number, i.task);
    match key {
        "overview" => {
            let sources = eval
                .items
                .iter()
                .filter(|i| i.standing.is_done())
                .map(|i| SourceItem {
                    item_id: i.item_id,
                    label: label(i),
                })
                .collect();
            (overview_draft(eval, figures), sources)
        }
        "problems" => {
            let of = |s: Standing| -> Vec<&super::evaluation::EvaluationItem> {
                eval.items.iter().filter(|i| i.standing == s).collect()
            };
            let (open, late, ongoing) = (
                of(Standing::NotDone),
                of(Standing::DoneLate),
                of(Standing::InProgress),
            );
            let groups: Vec<String> = [
                (&open, "尚未完成"),
                (&late, "逾期完成"),
                (&ongoing, "仍在推进"),
            ]
            .into_iter()
            .filter(|(items, _)| !items.is_empty())
            .map(|(items, what)| {
                format!(
                    "{}项工作{what}（{}）",
                    items.len(),
                    items
                        .iter()
                        .map(|i| label(i))
                        .collect::<Vec<_>>()
                        .join("；")
                )
            })
            .collect();
            let mut text = if groups.is_empty() {
                "存在的主要问题：年度工作要点各项任务均已按期完成。\n".to_string()
            } else {
                format!("存在的主要问题：{}。\n", groups.join("；"))
            };
            match review {
                Some((into, n)) => text.push_str(&format!(
                    "改进情况：已开展回头看，对{n}项未完成工作列入《{into}》整改，逐项明确牵头处室和完成时限。"
                )),
                None => text.push_str(
                    "改进情况：下一步将对未完成事项开展回头看，逐项明确整改责任和完成时限。",
                ),
            }
            let sources = open
                .iter()
                .chain(&late)
                .chain(&ongoing)
                .map(|i| SourceItem {
                    item_id: i.item_id,
                    label: label(i),
                })
                .collect();
            (text, sources)
        }
        "other" => (other_draft(), Vec::new()),
        _ => (String::new(), Vec::new()),
    }
}

/// The stored row, started on the first change; refused once finalised or when stale.
fn open_for_change(
    tx: &mut WriteTx<'_>,
    b: &Basis,
    version: Option<i32>,
) -> Result<AnnualReportRow, AppError> {
    let row = match &b.row {
        Some(r) => r.clone(),
        None => {
            let format = Format::current();
            let figures = starting_figures(format, b.previous.as_ref().map(|(_, f)| f));
            let json =
                serde_json::to_string(&figures).map_err(|e| AppError::Internal(e.to_string()))?;
            queries::annual_report::insert(
                tx,
                b.plan.id,
                &format.version,
                &json,
                "{}",
                queries::now(),
            )?
        }
    };
    if row.finalised_at.is_some() {
        return Err(AppError::Conflict("年度报告已定稿，不能再修改".to_string()));
    }
    if let Some(v) = version {
        // An editor who read the report before it was first saved read version 0.
        if v != row.version && !(v == 0 && b.row.is_none()) {
            return Err(AppError::stale("年度报告"));
        }
    }
    Ok(row)
}

fn save(
    tx: &mut WriteTx<'_>,
    row: &AnnualReportRow,
    figures: &Figures,
    texts: &BTreeMap<String, String>,
) -> Result<(), AppError> {
    let f = serde_json::to_string(figures).map_err(|e| AppError::Internal(e.to_string()))?;
    let t = serde_json::to_string(texts).map_err(|e| AppError::Internal(e.to_string()))?;
    if !queries::annual_report::save(tx, row.id, row.version, &f, &t, queries::now())? {
        return Err(AppError::stale("年度报告"));
    }
    Ok(())
}

/// Cells to set: any subset, `{"table": {"row": {"column": number|null}}}`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct TablesInput {
    #[schema(value_type = Object)]
    pub tables: serde_json::Value,
    #[serde(default)]
    pub version: Option<i32>,
}

/// Saves figures (office). Unknown codes and non-numbers are refused (422); broken
/// consistency rules are saved and reported in `violations`.
pub fn put_tables(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    plan_id: i32,
    input: &TablesInput,
) -> Result<(), AppError> {
    caller.require_office()?;
    let changes = Format::current()
        .read_cells(&input.tables)
        .map_err(|m| AppError::invalid("tables", m))?;
    set_cells(tx, caller, plan_id, &changes, input.version, "tables")
}

fn set_cells(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    plan_id: i32,
    changes: &[rules::CellChange],
    version: Option<i32>,
    action: &str,
) -> Result<(), AppError> {
    let b = basis(tx, plan_id)?;
    let row = open_for_change(tx, &b, version)?;
    let mut figures: Figures = stored_json(&row.figures, "年度报告统计数字")?;
    let before = figures.clone();
    rules::apply(&mut figures, changes);
    let texts: BTreeMap<String, String> = stored_json(&row.texts, "年度报告文字部分")?;
    save(tx, &row, &figures, &texts)?;
    Audit::of("annual_report", row.id, action).record_change(tx, caller, &before, &figures)
}

/// Takes the figures from the agency's own filled-in workbook (.xlsx, .xls, .ods, .csv)
/// laid out like the national form; returns notes on rows it did not find.
pub fn import_tables(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    plan_id: i32,
    bytes: &[u8],
    file_name: &str,
) -> Result<Vec<String>, AppError> {
    caller.require_office()?;
    let unusable = |e: crate::import::ImportError| AppError::invalid("file", e.to_string());
    let format = crate::import::source::detect(bytes, file_name).map_err(unusable)?;
    let sheets = match format {
        crate::import::Format::Csv => crate::import::source::read_csv(bytes, 10_000),
        f if f.is_table() => crate::import::source::read_workbook(bytes, 10_000),
        _ => {
            return Err(AppError::invalid(
                "file",
                "请上传填好统计表的工作簿（.xlsx、.xls、.ods 或 .csv）",
            ))
        }
    }
    .map_err(unusable)?;
    let read = crate::import::report_tables::read_tables(Format::current(), &sheets)
        .map_err(|m| AppError::invalid("file", m))?;
    set_cells(tx, caller, plan_id, &read.changes, None, "import_tables")?;
    Ok(read.notes)
}

/// The rules checked on figures the office is typing (the whole form; nothing saved).
pub fn check_tables(
    conn: &mut DbConnection,
    plan_id: i32,
    tables: &serde_json::Value,
) -> Result<Vec<Violation>, AppError> {
    let format = Format::current();
    let changes = format
        .read_cells(tables)
        .map_err(|m| AppError::invalid("tables", m))?;
    let b = basis(conn, plan_id)?;
    let mut figures = Figures::new();
    rules::apply(&mut figures, &changes);
    Ok(rules::check(
        format,
        &figures,
        b.previous.as_ref().map(|(_, f)| f),
    ))
}

/// Text parts to set by key (`overview`, `problems`, `other`); empty returns to the draft.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct TextsInput {
    pub texts: BTreeMap<String, String>,
    #[serde(default)]
    pub version: Option<i32>,
}

/// Saves the office's text parts.
pub fn put_texts(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    plan_id: i32,
    input: &TextsInput,
) -> Result<(), AppError> {
    caller.require_office()?;
    let format = Format::current();
    for (key, text) in &input.texts {
        if !format.parts.iter().any(|p| p.text.as_deref() == Some(key)) {
            return Err(AppError::invalid(
                "texts",
                format!("没有文字部分“{key}”；可用 overview、problems、other"),
            ));
        }
        if text.chars().count() > 50_000 {
            return Err(AppError::invalid("texts", "每部分文字不超过 50000 字"));
        }
    }
    let b = basis(tx, plan_id)?;
    let row = open_for_change(tx, &b, input.version)?;
    let figures: Figures = stored_json(&row.figures, "年度报告统计数字")?;
    let mut texts: BTreeMap<String, String> = stored_json(&row.texts, "年度报告文字部分")?;
    let before = texts.clone();
    for (key, text) in &input.texts {
        if text.trim().is_empty() {
            texts.remove(key);
        } else {
            texts.insert(key.clone(), text.trim().to_string());
        }
    }
    save(tx, &row, &figures, &texts)?;
    Audit::of("annual_report", row.id, "texts").record_change(tx, caller, &before, &texts)
}

/// Finalises the report; refused (409) while any consistency rule is broken or a text part
/// still holds a drafted prompt in 【】.
pub fn finalise(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    plan_id: i32,
    version: Option<i32>,
    clock: &Clock,
    rubric: &Rubric,
) -> Result<(), AppError> {
    caller.require_office()?;
    let b = basis(tx, plan_id)?;
    let row = open_for_change(tx, &b, version)?;
    let doc = get(tx, plan_id, clock, rubric)?;
    if !doc.violations.is_empty() {
        let first: Vec<String> = doc
            .violations
            .iter()
            .take(3)
            .map(|v| v.message.clone())
            .collect();
        return Err(AppError::Conflict(format!(
            "尚有 {} 处勾稽关系不符，不能定稿：{}",
            doc.violations.len(),
            first.join("；")
        )));
    }
    // A prompt left in 【】 would go to the supervising office as the report's text.
    let unfinished: Vec<String> = doc
        .texts
        .iter()
        .filter(|t| rules::has_prompt(&t.text))
        .map(|t| format!("{}、{}", t.number, t.title))
        .collect();
    if !unfinished.is_empty() {
        return Err(AppError::Conflict(format!(
            "{} 尚有【】中的提示未替换，不能定稿：请把提示改写为本机关的实际情况后再定稿",
            unfinished.join("、")
        )));
    }
    if !queries::annual_report::finalise(tx, row.id, row.version, caller.user_id, queries::now())? {
        return Err(AppError::stale("年度报告"));
    }
    Audit::of("annual_report", row.id, "finalise").record_after(tx, caller, &doc.tables)
}

/// The report laid out for printing: title, parts, texts and grids.
pub fn printed(report: &AnnualReport) -> ReportDoc {
    let format = Format::current();
    let parts = format
        .parts
        .iter()
        .map(|p| ReportPart {
            number: p.number.clone(),
            title: p.title.clone(),
            text: p
                .text
                .as_ref()
                .and_then(|k| report.texts.iter().find(|t| &t.key == k))
                .map(|t| t.text.clone())
                .unwrap_or_default(),
            tables: p
                .tables
                .iter()
                .filter_map(|t| format.table(t))
                .flat_map(|t| {
                    rules::grids(t, &report.tables)
                        .into_iter()
                        .map(move |g| printed_table(format, &t.code, g))
                })
                .collect(),
        })
        .collect();
    ReportDoc {
        title: report.title.clone(),
        subtitle: String::new(),
        parts,
        draft: !report.finalised,
    }
}

/// A grid as printed, with the totals the format's rules define placed on it.
fn printed_table(format: &Format, table: &str, g: rules::Grid) -> ReportTable {
    let codes: Vec<(usize, usize, String)> = g
        .body
        .iter()
        .enumerate()
        .flat_map(|(r, line)| {
            line.iter()
                .enumerate()
                .filter_map(move |(i, c)| match &c.kind {
                    GridKind::Value(Some(code)) => Some((r, i, code.clone())),
                    _ => None,
                })
        })
        .collect();
    let mut printed = ReportTable {
        caption: g.caption,
        columns: g.columns,
        header: g.header.into_iter().map(cells).collect(),
        body: g.body.into_iter().map(cells).collect(),
        totals: Vec::new(),
    };
    let at: BTreeMap<String, (usize, usize)> = codes
        .into_iter()
        .filter_map(|(r, i, code)| printed.position(r, i).map(|p| (code, p)))
        .collect();
    printed.totals = rules::totals(format, table)
        .into_iter()
        .filter_map(|(cell, of)| {
            Some(Total {
                cell: *at.get(&cell)?,
                of: of.iter().filter_map(|c| at.get(c).copied()).collect(),
            })
        })
        .collect();
    printed
}

fn cells(line: Vec<rules::GridCell>) -> Vec<GridCell> {
    line.into_iter()
        .map(|c| GridCell {
            kind: match c.kind {
                GridKind::Header => CellKind::Header,
                GridKind::Label => CellKind::Label,
                GridKind::Value(_) => CellKind::Value,
            },
            text: c.text,
            col_span: c.col_span,
            row_span: c.row_span,
        })
        .collect()
}

/// Which file of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// The whole report as a Word document.
    Docx,
    /// The statistics tables as a workbook.
    Xlsx,
}

/// A report file ready to send or save.
pub struct ReportFile {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Writes the report of a plan's year as .docx or its tables as .xlsx; refused (409) while
/// a consistency rule is broken.
pub(super) fn file(
    conn: &mut DbConnection,
    plan_id: i32,
    clock: &Clock,
    rubric: &Rubric,
    kind: FileKind,
) -> Result<ReportFile, AppError> {
    let report = get(conn, plan_id, clock, rubric)?;
    // Checked before export too: a report whose tables contradict themselves does not leave.
    if !report.violations.is_empty() {
        let first: Vec<&str> = report
            .violations
            .iter()
            .take(3)
            .map(|v| v.message.as_str())
            .collect();
        return Err(AppError::Conflict(format!(
            "统计表尚有 {} 处勾稽关系不符，请改正后再导出：{}",
            report.violations.len(),
            first.join("；")
        )));
    }
    let doc = printed(&report);
    let (bytes, ext) = match kind {
        FileKind::Docx => (
            crate::export::annual_report::docx(&doc)
                .map_err(|e| AppError::Internal(format!("生成 Word 文档失败：{e}")))?,
            "docx",
        ),
        FileKind::Xlsx => (
            crate::export::annual_report::xlsx(&doc)
                .map_err(|e| AppError::Internal(format!("生成 Excel 失败：{e}")))?,
            "xlsx",
        ),
    };
    let state = if report.finalised { "定稿" } else { "草稿" };
    let name = crate::export::sheet::file_name(&report.title, state, clock.today);
    Ok(ReportFile {
        file_name: format!("{}.{ext}", name.trim_end_matches(".xlsx")),
        bytes,
    })
}
