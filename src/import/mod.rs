//! Plan import: a spreadsheet or work-points document becomes a previewable draft of items
//! with row-level diagnostics. Reading and layout live here; the phrase rules (deadlines,
//! targets, division notation) are the pure functions of `domain`.

pub mod document;
pub mod docx;
pub mod report_tables;
pub mod source;
pub mod table;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::deadline::{self, Deadline, DeadlineOptions};
use crate::domain::responsible::{self, NameKind};
use crate::domain::targets::{self, Target};
pub use source::Format;

/// Why a file cannot be used as a plan (nothing is written when this happens).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("文件是空的（empty file）：请选择填好的计划表格或文档")]
    Empty,
    #[error("文件过大（file too large, limit {limit} bytes）：请拆分后再导入")]
    TooLarge { limit: u64 },
    #[error("工作表“{sheet}”超过 {limit} 行（too many rows）：请删去无关内容后再导入")]
    TooManyRows { sheet: String, limit: usize },
    #[error("文件格式不支持（wrong format）：{0}")]
    WrongFormat(String),
    #[error("文件已加密（password-protected）：请在 Excel/WPS 中取消打开密码后另存，再导入")]
    Encrypted,
    #[error("文件已损坏或无法读取（corrupt）：{0}")]
    Corrupt(String),
    #[error("文件解压后超过 {limit} 字节（疑似压缩炸弹，zip bomb）：请用 Excel/WPS 打开后另存为普通表格再导入")]
    Unpacked { limit: u64 },
    #[error("第 {sheet} 张工作表的单元格铺满 {cells} 格（正常计划表远小于此），疑似构造的文件：请用 Excel/WPS 打开后另存再导入")]
    TooManyCells { sheet: usize, cells: u64 },
    #[error("文件内含 XML 文档类型或实体声明（DOCTYPE/ENTITY），正常的表格和文档不会有：请用 Excel/WPS 打开后另存再导入")]
    XmlDeclarations,
    #[error("没有找到计划表（no plan table）：{0}")]
    NoTable(String),
    #[error("没有名为“{0}”的工作表（no such sheet）")]
    NoSheet(String),
    #[error("没有找到任何事项（no items）：{0}")]
    NoItems(String),
}

/// A warning or error tied to a row (or line) and field of the source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Diagnostic {
    pub row: usize,
    pub field: String,
    pub message: String,
}

impl Diagnostic {
    /// A warning about one row's field.
    pub fn warning(row: usize, field: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            row,
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// A piece of the source's text the reader did not take into any item (a row, a cell, a
/// paragraph), with why: the preview lists each so the office sees what was left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Skipped {
    /// 1-based row of a table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// The column's header (or letter) when one cell was left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// 1-based paragraph of a document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<usize>,
    pub text: String,
    pub reason: String,
}

impl Skipped {
    /// A table row left out.
    pub fn row(row: usize, text: &str, reason: &str) -> Self {
        Skipped {
            row: Some(row),
            column: None,
            paragraph: None,
            text: shorten(text),
            reason: reason.to_string(),
        }
    }

    /// One cell left out.
    pub fn cell(row: usize, column: &str, text: &str, reason: &str) -> Self {
        Skipped {
            column: Some(column.to_string()),
            ..Skipped::row(row, text, reason)
        }
    }

    /// A document paragraph left out.
    pub fn paragraph(paragraph: usize, text: &str, reason: &str) -> Self {
        Skipped {
            row: None,
            column: None,
            paragraph: Some(paragraph),
            text: shorten(text),
            reason: reason.to_string(),
        }
    }

    /// Where it was, as a user reads it.
    pub fn place(&self) -> String {
        match (self.row, &self.column, self.paragraph) {
            (Some(r), Some(c), _) => format!("第 {r} 行“{c}”列"),
            (Some(r), None, _) => format!("第 {r} 行"),
            (_, _, Some(p)) => format!("第 {p} 段"),
            _ => String::new(),
        }
    }
}

/// Long skipped text is cut for the preview (it stays in the file).
fn shorten(text: &str) -> String {
    let t = text.trim();
    if t.chars().count() <= 120 {
        t.to_string()
    } else {
        let mut s: String = t.chars().take(120).collect();
        s.push('…');
        s
    }
}

/// Divisions as a cell or columns hold them, before the notation rules are applied.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RawResponsible {
    /// One cell: lead group, then supporting after the first comma (or with markers).
    Combined(String),
    /// Separate lead and supporting columns.
    Columns { lead: String, support: String },
}

/// A deadline as the source holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawDeadline {
    Empty,
    /// A date cell.
    Date(NaiveDate),
    /// A deadline cell's text.
    Text(String),
    /// Dates to look for inside an item's own text (documents).
    InText(String),
}

/// An item as laid out in the source, before the phrase rules.
#[derive(Debug, Clone)]
pub struct RawItem {
    pub number: Option<String>,
    pub section: Vec<String>,
    pub task: String,
    pub requirement: String,
    pub responsible: RawResponsible,
    pub deadline: RawDeadline,
    pub sheet: Option<String>,
    /// 1-based row (tables) or paragraph (documents).
    pub row: usize,
}

/// Where an item came from.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemSource {
    pub sheet: Option<String>,
    pub row: usize,
}

/// One understood item, as the preview shows it and the commit stores it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DraftItem {
    pub number: String,
    pub section: Vec<String>,
    pub task: String,
    pub requirement: String,
    pub lead: Vec<String>,
    pub support: Vec<String>,
    #[schema(value_type = Object)]
    pub deadline: Deadline,
    /// The deadline was not in the source (plan year end assumed).
    pub deadline_inferred: bool,
    #[schema(value_type = Vec<Object>)]
    pub targets: Vec<Target>,
    pub source: ItemSource,
}

/// What the file is.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SourceInfo {
    pub file: String,
    pub format: Format,
    pub sheet: Option<String>,
    /// The table's columns as its header names them, left to right (none for documents);
    /// kept with the plan for its ledger, not part of the preview's contract (DESIGN §5).
    #[serde(skip)]
    pub columns: Vec<SourceColumn>,
}

/// One column of the source table: what it holds and its header as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SourceColumn {
    /// `number`, `task`, `requirement`, `responsible`, `lead`, `support` or `deadline`.
    pub field: String,
    pub header: String,
}

/// The whole preview: DESIGN §5's dry-run document.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanDraft {
    pub source: SourceInfo,
    /// A title found in the file (the table's title row or the document's first lines).
    pub title: Option<String>,
    pub items: Vec<DraftItem>,
    pub warnings: Vec<Diagnostic>,
    pub errors: Vec<Diagnostic>,
    /// Text of the source that no item took, with its place and why.
    pub skipped: Vec<Skipped>,
    /// The table's columns and what each was taken for (empty for documents).
    pub columns: Vec<table::ColumnRead>,
}

/// Settings of one import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub year: i32,
    /// The sheet to read; by default the one that looks most like a plan.
    pub sheet: Option<String>,
    pub deadline: DeadlineOptions,
    pub max_bytes: u64,
    pub max_rows: usize,
    /// The directory's names and aliases: a written name found here is never doubted.
    pub known_names: std::collections::HashSet<String>,
}

impl ImportOptions {
    /// Defaults for a plan year.
    pub fn for_year(year: i32) -> Self {
        ImportOptions {
            year,
            sheet: None,
            deadline: DeadlineOptions::default(),
            max_bytes: 50 * 1024 * 1024,
            max_rows: 100_000,
            known_names: Default::default(),
        }
    }
}

/// What a reader laid out: the sheet read (tables), the title, the items and the columns.
struct LaidOut {
    sheet: Option<String>,
    title: Option<String>,
    items: Vec<RawItem>,
    columns: Vec<SourceColumn>,
    read: Vec<table::ColumnRead>,
}

/// Reads a file into a draft plan. Errors mean the file as a whole cannot be used; problems
/// of single rows are the draft's warnings and errors.
pub fn read_plan(
    bytes: &[u8],
    file_name: &str,
    opts: &ImportOptions,
) -> Result<PlanDraft, ImportError> {
    if bytes.len() as u64 > opts.max_bytes {
        return Err(ImportError::TooLarge {
            limit: opts.max_bytes,
        });
    }
    let format = source::detect(bytes, file_name)?;
    let mut diagnostics = Vec::new();
    let mut skipped = Vec::new();
    let laid_out = match format {
        Format::Csv => {
            let sheets = source::read_csv(bytes, opts.max_rows)?;
            read_table(&sheets, opts, &mut diagnostics, &mut skipped)?
        }
        Format::Xlsx | Format::Xls | Format::Ods => {
            let sheets = source::read_workbook(bytes, opts.max_rows)?;
            read_table(&sheets, opts, &mut diagnostics, &mut skipped)?
        }
        Format::Docx => {
            let body = docx::read(bytes)?;
            // A plan circulated as a Word table is read like a sheet.
            let table = if body.tables.iter().any(|t| table::find_layout(t).is_some()) {
                let mut d = Vec::new();
                let mut s = Vec::new();
                read_table(&body.tables, opts, &mut d, &mut s)
                    .ok()
                    .filter(|t| !t.items.is_empty())
                    .map(|t| (t, d, s))
            } else {
                None
            };
            match table {
                Some((mut t, d, s)) => {
                    diagnostics = d;
                    // The notice before the table gives the title; all text outside the
                    // table is listed as not taken.
                    let first_cell = body.in_table.iter().position(|t| *t).unwrap_or(0);
                    let outside: Vec<(usize, String)> = body
                        .paragraphs
                        .iter()
                        .enumerate()
                        .filter(|(i, p)| !body.in_table[*i] && !p.trim().is_empty())
                        .map(|(i, p)| (i + 1, p.trim().to_string()))
                        .collect();
                    let (before, after): (Vec<_>, Vec<_>) =
                        outside.into_iter().partition(|(row, _)| *row <= first_cell);
                    let title = document::take_title(&before, &mut skipped);
                    for (row, p) in after {
                        skipped.push(Skipped::paragraph(row, &p, "表格之外的文字，未导入"));
                    }
                    skipped.extend(s);
                    if t.title.is_none() {
                        t.title = title.map(|t| without_attachment_label(&t));
                    }
                    t
                }
                None => read_document(&body.paragraphs, &mut diagnostics, &mut skipped),
            }
        }
        Format::Txt => {
            let lines: Vec<String> = source::decode_text(bytes)?
                .0
                .lines()
                .map(str::to_string)
                .collect();
            read_document(&lines, &mut diagnostics, &mut skipped)
        }
    };
    if laid_out.items.is_empty() {
        return Err(ImportError::NoItems(
            "请检查文件是否为工作要点或分工方案（表格需有“工作任务/具体要求、责任处室、完成时限”等列；文档需有编号段落）".into(),
        ));
    }
    let items = understand(laid_out.items, opts, &mut diagnostics);
    Ok(PlanDraft {
        source: SourceInfo {
            file: file_name.to_string(),
            format,
            sheet: laid_out.sheet,
            columns: laid_out.columns,
        },
        title: laid_out.title,
        items,
        warnings: diagnostics,
        errors: Vec::new(),
        skipped,
        columns: laid_out.read,
    })
}

/// 附件1：2016年民生实事目标任务分解表 → 2016年民生实事目标任务分解表.
fn without_attachment_label(title: &str) -> String {
    let Some(rest) = title.strip_prefix("附件") else {
        return title.to_string();
    };
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    match rest.strip_prefix(['：', ':']) {
        Some(t) => t.trim().to_string(),
        None => title.to_string(),
    }
}

fn read_document(
    paragraphs: &[String],
    diagnostics: &mut Vec<Diagnostic>,
    skipped: &mut Vec<Skipped>,
) -> LaidOut {
    let (title, items) = document::read_items(paragraphs, diagnostics, skipped);
    LaidOut {
        sheet: None,
        title,
        items,
        columns: Vec::new(),
        read: Vec::new(),
    }
}

fn read_table(
    sheets: &[source::Sheet],
    opts: &ImportOptions,
    diagnostics: &mut Vec<Diagnostic>,
    skipped: &mut Vec<Skipped>,
) -> Result<LaidOut, ImportError> {
    let (sheet, layout) = pick_sheet(sheets, opts.sheet.as_deref())?;
    // The first text above the header is the title; any other (a subtitle, 填报单位：…) is
    // listed as not taken.
    let mut title = None;
    for r in 0..layout.header_row {
        for cell in sheet.rows[r].iter().filter(|c| !c.is_blank()) {
            match title {
                None => title = Some(cell.text()),
                Some(_) => skipped.push(Skipped::row(
                    r + 1,
                    &cell.text(),
                    "表头之上的文字（标题之外），未导入",
                )),
            }
        }
    }
    let items = table::read_items(sheet, &layout, diagnostics, skipped);
    let mut columns = layout.columns.clone();
    columns.sort_by_key(|(c, _)| *c);
    let columns = columns
        .iter()
        .map(|(c, f)| SourceColumn {
            field: f.code().to_string(),
            header: layout.header_text(sheet, *c),
        })
        .collect();
    Ok(LaidOut {
        sheet: Some(sheet.name.clone()),
        title,
        items,
        columns,
        read: layout.read_columns(sheet),
    })
}

fn pick_sheet<'a>(
    sheets: &'a [source::Sheet],
    wanted: Option<&str>,
) -> Result<(&'a source::Sheet, table::Layout), ImportError> {
    if let Some(name) = wanted {
        let sheet = sheets
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| ImportError::NoSheet(name.to_string()))?;
        let layout = table::find_layout(sheet).ok_or_else(|| no_header(&sheet.name))?;
        return Ok((sheet, layout));
    }
    sheets
        .iter()
        .filter_map(|s| table::find_layout(s).map(|l| (s, l)))
        .max_by_key(|(s, l)| (l.score(), s.rows.len()))
        .ok_or_else(|| {
            no_header(
                &sheets
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join("、"),
            )
        })
}

fn no_header(where_: &str) -> ImportError {
    ImportError::NoTable(format!(
        "在“{where_}”中没有找到表头；表头应含“工作任务”或“具体要求”，以及“责任处室”“完成时限”等列名"
    ))
}

/// Item numbers as the plan prints them; when labels restart under each heading (every
/// section its own 1., 2.), each is joined to its nearest heading's number (`2.3`), and to the
/// whole chain of headings when that is still not unique (`2.1.3`). `headings` holds each
/// item's heading numbers, outermost first.
pub fn restart_numbers(own: &[Option<String>], headings: &[Vec<String>]) -> Vec<Option<String>> {
    let unique = |numbers: &[Option<String>]| {
        let given: Vec<&String> = numbers.iter().flatten().collect();
        given.iter().collect::<HashSet<_>>().len() == given.len()
    };
    if unique(own) {
        return own.to_vec();
    }
    let joined = |depth: Option<usize>| -> Vec<Option<String>> {
        own.iter()
            .zip(headings)
            .map(|(n, h)| {
                n.as_ref().map(|n| {
                    let from = depth.map_or(0, |d| h.len().saturating_sub(d));
                    let mut parts: Vec<&str> = h[from..].iter().map(String::as_str).collect();
                    parts.push(n);
                    parts.join(".")
                })
            })
            .collect()
    };
    let nearest = joined(Some(1));
    if unique(&nearest) {
        nearest
    } else {
        joined(None)
    }
}

/// Applies the phrase rules to the laid-out items. Large plans are read in a few chunks on
/// their own threads (each item's reading depends on nothing but itself); diagnostics keep
/// the items' order.
fn understand(
    mut raw: Vec<RawItem>,
    opts: &ImportOptions,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<DraftItem> {
    // A plan that numbers nothing, or gives no deadline anywhere, gets one warning for the
    // plan instead of one per row.
    let none_numbered = raw.iter().all(|r| r.number.is_none());
    let no_deadlines = raw.iter().all(|r| matches!(r.deadline, RawDeadline::Empty));
    if none_numbered {
        diagnostics.push(Diagnostic::warning(
            0,
            "number",
            format!("文件中没有序号，已按顺序编为 1–{}，请核对", raw.len()),
        ));
    }
    if no_deadlines {
        diagnostics.push(Diagnostic::warning(
            0,
            "deadline",
            "文件中没有完成时限一栏，所有事项暂按年底计，请核对",
        ));
    }
    let mut numbers = item_numbers(&mut raw, none_numbered);
    let total = raw.len();
    let threads = if total >= 2_000 {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
    } else {
        1
    };
    let chunk = total.div_ceil(threads).max(1);
    // The items are read where they lie, chunk by chunk; this thread reads the first chunk
    // itself into the one list all items end in, the others each on a thread of its own.
    let mut raw_chunks = raw.chunks_mut(chunk).zip(numbers.chunks_mut(chunk));
    let Some((first, first_numbers)) = raw_chunks.next() else {
        return Vec::new();
    };
    let (mut out, rest) = std::thread::scope(|scope| {
        let running: Vec<_> = raw_chunks
            .map(|(items, numbers)| {
                scope.spawn(move || understand_chunk(items, numbers, opts, no_deadlines, 0))
            })
            .collect();
        let own = understand_chunk(first, first_numbers, opts, no_deadlines, total);
        let rest: Vec<_> = running
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect();
        (own, rest)
    });
    diagnostics.append(&mut out.1);
    for (mut items, mut diags) in rest {
        out.0.append(&mut items);
        diagnostics.append(&mut diags);
    }
    out.0
}

/// Each item's number and the warnings it brings, in order: a repeated one depends on those
/// before it. The numbers are taken out of the items.
fn item_numbers(raw: &mut [RawItem], none_numbered: bool) -> Vec<(String, Vec<Diagnostic>)> {
    let given: Vec<Option<String>> = raw.iter_mut().map(|r| r.number.take()).collect();
    // Most plans number every item once: nothing to add.
    let mut seen: HashSet<&str> = HashSet::with_capacity(given.len());
    if given
        .iter()
        .all(|n| n.as_deref().is_some_and(|n| seen.insert(n)))
    {
        drop(seen);
        return given
            .into_iter()
            .map(|n| (n.unwrap_or_default(), Vec::new()))
            .collect();
    }
    drop(seen);
    let mut used_numbers: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(raw.len());
    for (i, (r, given)) in raw.iter().zip(given).enumerate() {
        let mut own = Vec::new();
        let mut number = given.unwrap_or_else(|| {
            if !none_numbered {
                own.push(Diagnostic::warning(
                    r.row,
                    "number",
                    format!("没有找到序号，已按顺序编为 {}", i + 1),
                ));
            }
            (i + 1).to_string()
        });
        if !used_numbers.insert(number.clone()) {
            let unique = (2..)
                .map(|k| format!("{number}-{k}"))
                .find(|n| !used_numbers.contains(n))
                .unwrap_or_default();
            own.push(Diagnostic::warning(
                r.row,
                "number",
                format!("序号 {number} 重复，本行记为 {unique}，请核对"),
            ));
            used_numbers.insert(unique.clone());
            number = unique;
        }
        out.push((number, own));
    }
    out
}

/// The phrase rules for consecutive items, with their own caches: real plans repeat the same
/// division and deadline cells on many rows, each is read once.
/// The items' texts and numbers are taken out of them (left empty); `room` is how many
/// items the returned list will have to hold in the end.
fn understand_chunk(
    items: &mut [RawItem],
    numbers: &mut [(String, Vec<Diagnostic>)],
    opts: &ImportOptions,
    no_deadlines: bool,
    room: usize,
) -> (Vec<DraftItem>, Vec<Diagnostic>) {
    let mut out = Vec::with_capacity(room.max(items.len()));
    let mut diagnostics = Vec::new();
    let diagnostics = &mut diagnostics;
    let mut responsible_seen: HashMap<RawResponsible, responsible::Responsible> = HashMap::new();
    let mut deadline_seen: HashMap<String, deadline::DeadlineParse> = HashMap::new();
    let mut doubtful_names: HashMap<String, bool> = HashMap::new();
    for (r, (number, own)) in items.iter_mut().zip(numbers) {
        let number = std::mem::take(number);
        diagnostics.append(own);
        let parsed = match responsible_seen.get(&r.responsible) {
            Some(p) => p.clone(),
            None => {
                let p = match &r.responsible {
                    RawResponsible::Combined(cell) => responsible::parse_responsible(cell),
                    RawResponsible::Columns { lead, support } => {
                        responsible::from_columns(lead, support)
                    }
                };
                responsible_seen.insert(r.responsible.clone(), p.clone());
                p
            }
        };
        for w in &parsed.warnings {
            diagnostics.push(Diagnostic::warning(r.row, "divisions", w.clone()));
        }
        for name in parsed.lead.iter().chain(&parsed.support) {
            let doubtful = match doubtful_names.get(name) {
                Some(d) => *d,
                None => {
                    let d = !opts.known_names.contains(name)
                        && responsible::classify(name) == NameKind::Division
                        && !responsible::looks_like_unit(name)
                        && responsible::leftover_marker(name).is_none();
                    doubtful_names.insert(name.clone(), d);
                    d
                }
            };
            if doubtful {
                diagnostics.push(Diagnostic::warning(
                    r.row,
                    "divisions",
                    format!("“{name}”不在处室目录中，也不像单位名称，请核对是否读错"),
                ));
            }
        }
        if parsed.lead.is_empty() {
            let written = match &r.responsible {
                RawResponsible::Combined(cell) => cell.trim().to_string(),
                RawResponsible::Columns { lead, .. } => lead.trim().to_string(),
            };
            let message = if written.is_empty() {
                "原文没有写明牵头处室：导入后请办公室指定".to_string()
            } else {
                format!("未能从“{written}”中读出牵头处室：导入后请办公室指定")
            };
            diagnostics.push(Diagnostic::warning(r.row, "divisions", message));
        }
        let (deadline, inferred) = match &r.deadline {
            RawDeadline::Date(d) => (Deadline::on_date(&d.to_string(), *d), false),
            RawDeadline::Text(t) => {
                let p = match deadline_seen.get(t) {
                    Some(p) => p.clone(),
                    None => {
                        let p = deadline::parse_deadline(t, opts.year, &opts.deadline);
                        deadline_seen.insert(t.clone(), p.clone());
                        p
                    }
                };
                for w in &p.warnings {
                    diagnostics.push(Diagnostic::warning(r.row, "deadline", w.clone()));
                }
                (p.deadline, p.inferred)
            }
            RawDeadline::InText(text) => {
                match deadline::find_dates_in_text(text, opts.year, &opts.deadline) {
                    Some(d) => (d, false),
                    None => year_end(
                        diagnostics,
                        r.row,
                        opts.year,
                        "正文中没有完成时限，暂按年底计，请核对",
                    ),
                }
            }
            RawDeadline::Empty if no_deadlines => {
                let p = deadline::parse_deadline("", opts.year, &DeadlineOptions::default());
                (p.deadline, true)
            }
            RawDeadline::Empty => year_end(
                diagnostics,
                r.row,
                opts.year,
                "没有完成时限，暂按年底计，请核对",
            ),
        };
        // A one-sentence item's task is its requirement: count its targets once.
        let mut targets = if r.requirement.contains(r.task.as_str()) {
            Vec::new()
        } else {
            targets::parse_targets(&r.task)
        };
        targets.extend(targets::parse_targets(&r.requirement));
        out.push(DraftItem {
            number,
            section: std::mem::take(&mut r.section),
            task: std::mem::take(&mut r.task),
            requirement: std::mem::take(&mut r.requirement),
            lead: parsed.lead,
            support: parsed.support,
            deadline,
            deadline_inferred: inferred,
            targets,
            source: ItemSource {
                sheet: r.sheet.take(),
                row: r.row,
            },
        });
    }
    (out, std::mem::take(diagnostics))
}

/// The plan's default deadline (year end, inferred), with the warning that says so.
fn year_end(
    diagnostics: &mut Vec<Diagnostic>,
    row: usize,
    year: i32,
    message: &str,
) -> (Deadline, bool) {
    diagnostics.push(Diagnostic::warning(row, "deadline", message));
    let p = deadline::parse_deadline("", year, &DeadlineOptions::default());
    (p.deadline, true)
}

/// Whether a name as written is a real division, a group or a placeholder.
pub fn name_kind(name: &str) -> NameKind {
    responsible::classify(name)
}
