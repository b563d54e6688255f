//! Plan import: a spreadsheet or work-points document becomes a previewable draft of items
//! with row-level diagnostics. Reading and layout live here; the phrase rules (deadlines,
//! targets, division notation) are the pure functions of `domain`.

pub mod document;
pub mod report_tables;
pub mod source;
pub mod table;

use std::collections::HashMap;

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
        }
    }
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
    let (sheet_name, title, raw, columns) = if format.is_table() {
        let sheets = match format {
            Format::Csv => source::read_csv(bytes, opts.max_rows)?,
            _ => source::read_workbook(bytes, opts.max_rows)?,
        };
        let (sheet, layout) = pick_sheet(&sheets, opts.sheet.as_deref())?;
        let title = (0..layout.header_row)
            .flat_map(|r| sheet.rows[r].iter())
            .find(|c| !c.is_blank())
            .map(source::Cell::text);
        let items = table::read_items(sheet, &layout, &mut diagnostics);
        let mut columns = layout.columns.clone();
        columns.sort_by_key(|(c, _)| *c);
        let columns = columns
            .iter()
            .map(|(c, f)| SourceColumn {
                field: f.code().to_string(),
                header: sheet.rows[layout.header_row]
                    .get(*c)
                    .map(source::Cell::text)
                    .unwrap_or_default()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(""),
            })
            .collect();
        (Some(sheet.name.clone()), title, items, columns)
    } else {
        let paragraphs = match format {
            Format::Docx => source::docx_paragraphs(bytes)?,
            _ => source::decode_text(bytes)?
                .0
                .lines()
                .map(str::to_string)
                .collect(),
        };
        let (title, items) = document::read_items(&paragraphs, &mut diagnostics);
        (None, title, items, Vec::new())
    };
    if raw.is_empty() {
        return Err(ImportError::NoItems(
            "请检查文件是否为工作要点或分工方案（表格需有“工作任务/具体要求、责任处室、完成时限”等列；文档需有编号段落）".into(),
        ));
    }
    let items = understand(raw, opts, &mut diagnostics);
    Ok(PlanDraft {
        source: SourceInfo {
            file: file_name.to_string(),
            format,
            sheet: sheet_name,
            columns,
        },
        title,
        items,
        warnings: diagnostics,
        errors: Vec::new(),
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

/// Applies the phrase rules to the laid-out items.
fn understand(
    raw: Vec<RawItem>,
    opts: &ImportOptions,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<DraftItem> {
    let mut out = Vec::with_capacity(raw.len());
    // Real plans repeat the same division and deadline cells on many rows: read each once.
    let mut responsible_seen: HashMap<RawResponsible, responsible::Responsible> = HashMap::new();
    let mut deadline_seen: HashMap<String, deadline::DeadlineParse> = HashMap::new();
    for (i, r) in raw.into_iter().enumerate() {
        let number = r.number.clone().unwrap_or_else(|| {
            diagnostics.push(Diagnostic::warning(
                r.row,
                "number",
                format!("没有找到序号，已按顺序编为 {}", i + 1),
            ));
            (i + 1).to_string()
        });
        let parsed = responsible_seen
            .entry(r.responsible.clone())
            .or_insert_with(|| match &r.responsible {
                RawResponsible::Combined(cell) => responsible::parse_responsible(cell),
                RawResponsible::Columns { lead, support } => {
                    responsible::from_columns(lead, support)
                }
            })
            .clone();
        for w in &parsed.warnings {
            diagnostics.push(Diagnostic::warning(r.row, "divisions", w.clone()));
        }
        if parsed.lead.is_empty() {
            diagnostics.push(Diagnostic::warning(
                r.row,
                "divisions",
                "没有牵头处室：导入后请办公室指定",
            ));
        }
        let (deadline, inferred) = match &r.deadline {
            RawDeadline::Date(d) => (Deadline::on_date(&d.to_string(), *d), false),
            RawDeadline::Text(t) => {
                let p = deadline_seen
                    .entry(t.clone())
                    .or_insert_with(|| deadline::parse_deadline(t, opts.year, &opts.deadline))
                    .clone();
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
            RawDeadline::Empty => year_end(
                diagnostics,
                r.row,
                opts.year,
                "没有完成时限，暂按年底计，请核对",
            ),
        };
        let mut targets = targets::parse_targets(&r.task);
        targets.extend(targets::parse_targets(&r.requirement));
        out.push(DraftItem {
            number,
            section: r.section,
            task: r.task,
            requirement: r.requirement,
            lead: parsed.lead,
            support: parsed.support,
            deadline,
            deadline_inferred: inferred,
            targets,
            source: ItemSource {
                sheet: r.sheet,
                row: r.row,
            },
        });
    }
    out
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
