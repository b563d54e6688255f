//! Understanding a plan laid out as a table: the header row by its names and each column's
//! role by what its cells hold, section rows, merged and blank cells, numbering, footnotes
//! (DESIGN §3 "Spreadsheet layout").

use std::borrow::Cow;

use chrono::NaiveDate;
use serde::Serialize;

use super::source::{Cell, Sheet};
use super::{Diagnostic, RawDeadline, RawItem, RawResponsible, Skipped};
use crate::domain::deadline::{parse_deadline, DeadlineKind, DeadlineOptions};
use crate::domain::numbering::{heading_title, leading_number, parse_number, NumberStyle};
use crate::domain::responsible::{self, NameKind};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Number,
    /// The higher of two task levels kept in two columns (`一、…` beside `（一）…`).
    Section,
    Task,
    Requirement,
    /// Lead and supporting divisions in one cell (the seeds' convention).
    Responsible,
    Lead,
    Support,
    Deadline,
}

impl Field {
    /// The code stored with a plan's columns (`number`, `task`, …).
    pub fn code(self) -> &'static str {
        match self {
            Field::Number => "number",
            Field::Section => "section",
            Field::Task => "task",
            Field::Requirement => "requirement",
            Field::Responsible => "responsible",
            Field::Lead => "lead",
            Field::Support => "support",
            Field::Deadline => "deadline",
        }
    }

    /// What users call it.
    pub fn label(self) -> &'static str {
        match self {
            Field::Number => "序号",
            Field::Section => "上级任务",
            Field::Task => "工作任务",
            Field::Requirement => "具体要求",
            Field::Responsible => "责任单位",
            Field::Lead => "牵头单位",
            Field::Support => "配合单位",
            Field::Deadline => "完成时限",
        }
    }
}

/// Header names by field, most specific first (a header is matched by containment). No list
/// is complete: columns with other headers are found by their content.
const HEADER_NAMES: &[(Field, &[&str])] = &[
    (Field::Number, &["序号", "编号", "序列", "项目编号"]),
    (
        Field::Support,
        &[
            "配合单位",
            "配合处室",
            "配合部门",
            "配合科室",
            "协办单位",
            "协办处室",
            "协办部门",
            "会办单位",
            "会办处室",
            "协助单位",
            "参与单位",
            "参与部门",
            "协同单位",
            "配合",
            "协办",
            "会办",
            "参与",
        ],
    ),
    (
        Field::Lead,
        &[
            "牵头单位",
            "牵头处室",
            "牵头部门",
            "牵头科室",
            "主办单位",
            "主办处室",
            "主办部门",
            "主责单位",
            "主责部门",
            "牵头",
            "主办",
        ],
    ),
    (
        Field::Responsible,
        &[
            "责任处室",
            "责任单位",
            "责任部门",
            "责任主体",
            "承办单位",
            "承办处室",
            "落实单位",
            "责任科室",
            "实施单位",
            "责任股室",
            "责任分工",
            "负责单位",
            "责任",
        ],
    ),
    (
        Field::Deadline,
        &[
            "完成时限",
            "完成时间",
            "时间节点",
            "完成期限",
            "时间要求",
            "时间安排",
            "进度安排",
            "办结时限",
            "完成节点",
            "时限要求",
            "时间进度",
            "时限",
            "期限",
        ],
    ),
    (
        Field::Requirement,
        &[
            "具体要求",
            "工作内容",
            "工作要求",
            "具体内容",
            "主要内容",
            "具体措施",
            "工作措施",
            "任务要求",
            "工作举措",
            "具体任务",
            "推进措施",
            "目标要求",
            "主要举措",
            "工作目标",
            "任务内容",
            "重点工作",
            "具体工作",
            "措施",
        ],
    ),
    (
        Field::Task,
        &[
            "工作任务",
            "重点任务",
            "主要任务",
            "工作事项",
            "任务名称",
            "工作项目",
            "目标任务",
            "项目名称",
            "任务",
            "事项",
            "项目",
        ],
    ),
];

/// The field a header cell names, if any.
pub fn field_of(header: &str) -> Option<Field> {
    let h: String = header
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}' && *c != '*')
        .collect();
    if h.is_empty() || h.chars().count() > 14 {
        return None;
    }
    HEADER_NAMES
        .iter()
        .find(|(_, names)| names.iter().any(|n| h.contains(n)))
        .map(|(f, _)| *f)
}

/// How a column's role was found, for the preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FoundBy {
    /// Its header names it.
    Header,
    /// Its cells look like it (unit names, deadline phrases, long texts, short numbers).
    Content,
}

/// Where the table's header is and which column holds what.
#[derive(Debug, Clone)]
pub struct Layout {
    pub header_row: usize,
    /// The first row below the header (two-row headers take two).
    pub data_start: usize,
    pub columns: Vec<(usize, Field)>,
    pub found_by: Vec<(usize, FoundBy)>,
}

/// A column of the table as the preview shows it: where, its header, what it was taken for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ColumnRead {
    /// The column's letter (A, B, …).
    pub column: String,
    pub header: String,
    /// `number`, `section`, `task`, `requirement`, `responsible`, `lead`, `support`,
    /// `deadline`; null when the column was not taken.
    pub field: Option<Field>,
    pub found_by: Option<FoundBy>,
}

/// A column's letter as spreadsheets show it.
pub fn column_letter(c: usize) -> String {
    let mut n = c + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        s.push((b'A' + r) as char);
        n = (n - 1) / 26;
    }
    s.iter().rev().collect()
}

impl Layout {
    fn col(&self, f: Field) -> Option<usize> {
        self.columns.iter().find(|(_, g)| *g == f).map(|(c, _)| *c)
    }

    fn cols(&self, f: Field) -> Vec<usize> {
        self.columns
            .iter()
            .filter(|(_, g)| *g == f)
            .map(|(c, _)| *c)
            .collect()
    }

    fn field_at(&self, c: usize) -> Option<Field> {
        self.columns.iter().find(|(k, _)| *k == c).map(|(_, f)| *f)
    }

    /// How convincingly this is a plan's header: named columns count double.
    pub fn score(&self) -> usize {
        self.found_by
            .iter()
            .map(|(_, b)| if *b == FoundBy::Header { 2 } else { 1 })
            .sum()
    }

    /// A column's header as written (a sub-header under a merged one wins), without spaces.
    pub fn header_text(&self, sheet: &Sheet, c: usize) -> String {
        let mut text = String::new();
        for r in self.header_row..self.data_start {
            let t = resolve(sheet, r, c).cell.text();
            if !t.trim().is_empty() {
                text = t;
            }
        }
        text.split_whitespace().collect::<Vec<_>>().join("")
    }

    /// Every column of the header with what it was taken for.
    pub fn read_columns(&self, sheet: &Sheet) -> Vec<ColumnRead> {
        let width = (self.header_row..self.data_start.min(sheet.rows.len()))
            .map(|r| sheet.rows[r].len())
            .max()
            .unwrap_or(0)
            .max(self.columns.iter().map(|(c, _)| c + 1).max().unwrap_or(0));
        (0..width)
            .filter_map(|c| {
                let header = self.header_text(sheet, c);
                let field = self.field_at(c);
                (field.is_some() || !header.is_empty()).then(|| ColumnRead {
                    column: column_letter(c),
                    header,
                    field,
                    found_by: self.found_by.iter().find(|(k, _)| *k == c).map(|(_, b)| *b),
                })
            })
            .collect()
    }
}

/// What a column's cells look like.
#[derive(Debug, Default, Clone, Copy)]
struct ContentKind {
    cells: usize,
    numbers: usize,
    deadlines: usize,
    units: usize,
    long: usize,
    chars: usize,
}

impl ContentKind {
    fn share(&self, n: usize) -> f64 {
        if self.cells == 0 {
            0.0
        } else {
            n as f64 / self.cells as f64
        }
    }
}

/// A short number as plans write them: `1`, `1.`, `1、`, `１`, `（1）`, `一`.
pub fn item_number(text: &str) -> Option<String> {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > 8 {
        return None;
    }
    if let Some(n) = leading_number(t).filter(|n| n.rest.is_empty()) {
        return Some(n.number);
    }
    let bare = t.trim_end_matches(['.', '．', '、']);
    if let Some(n) = parse_number(bare) {
        return Some(n.to_string());
    }
    // 1.1, 2-3: a number of two levels, kept as written.
    (bare
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-'))
        && bare.starts_with(|c: char| c.is_ascii_digit()))
    .then(|| bare.to_string())
}

fn is_deadline_text(t: &str) -> bool {
    // Deadline cells are short; a sentence that mentions 3个工作日 is a requirement.
    t.chars().count() <= 30
        && !t.ends_with('。')
        && parse_deadline(t, 2000, &DeadlineOptions::default())
            .deadline
            .kind
            != DeadlineKind::Unspecified
}

fn is_unit_text(t: &str) -> bool {
    if t.chars().count() > 120 || t.ends_with('。') {
        return false;
    }
    let r = responsible::parse_responsible(t);
    let names: Vec<&String> = r.lead.iter().chain(&r.support).collect();
    !names.is_empty()
        && names.iter().all(|n| {
            n.chars().count() <= 30
                && (responsible::looks_like_unit(n)
                    || responsible::classify(n) != NameKind::Division)
        })
}

fn content_of(sheet: &Sheet, c: usize, from: usize) -> ContentKind {
    let mut k = ContentKind::default();
    for r in from..sheet.rows.len().min(from + 120) {
        let cell = sheet.cell(r, c);
        if cell.is_blank() {
            continue;
        }
        k.cells += 1;
        let t = cell.text();
        let t = t.trim();
        k.chars += t.chars().count();
        match cell {
            Cell::Date(_) => k.deadlines += 1,
            Cell::Number(n) if excel_serial_date(*n).is_some() => k.deadlines += 1,
            _ if item_number(t).is_some() => k.numbers += 1,
            _ if is_deadline_text(t) => k.deadlines += 1,
            _ if is_unit_text(t) => k.units += 1,
            _ if t.chars().count() >= 15 => k.long += 1,
            _ => {}
        }
    }
    k
}

/// The header rows' text of a column: the row's own (or merged) cell, then a sub-header.
fn header_cells(sheet: &Sheet, r: usize, c: usize) -> (String, Option<String>) {
    let top = resolve(sheet, r, c).cell.text();
    let below = (r + 1 < sheet.rows.len())
        .then(|| sheet.cell(r + 1, c).text())
        .filter(|t| !t.trim().is_empty());
    (top, below)
}

/// Finds the header row among the first rows (below any title rows) and each column's role.
pub fn find_layout(sheet: &Sheet) -> Option<Layout> {
    let mut best: Option<Layout> = None;
    for r in 0..sheet.rows.len().min(30) {
        if let Some(layout) = layout_at(sheet, r) {
            if best.as_ref().is_none_or(|b| layout.score() > b.score()) {
                best = Some(layout);
            }
        }
    }
    best
}

fn layout_at(sheet: &Sheet, r: usize) -> Option<Layout> {
    let width = sheet.rows[r].len();
    // A header holds names, not data: no long text, no deadline phrase.
    let looks_like_data = sheet.rows[r].iter().any(|c| {
        let t = c.text();
        let t = t.trim();
        t.chars().count() > 30
            || matches!(c, Cell::Date(_))
            || is_deadline_text(t) && field_of(t).is_none()
    });
    if looks_like_data {
        return None;
    }
    let mut named: Vec<(usize, Field)> = Vec::new();
    // A second header row: names under a merged (or blank) cell of the first.
    // The top row of a two-row header names columns itself (序号, 工作任务, 责任单位 over
    // its two parts); a title merged over the table names none.
    let top_names = (0..width).any(|c| field_of(&sheet.cell(r, c).text()).is_some());
    let sub_row = r + 1 < sheet.rows.len()
        && top_names
        && (0..width).any(|c| {
            let (top, below) = header_cells(sheet, r, c);
            let merged_over = sheet
                .merge_at(r, c)
                .is_some_and(|m| m.top == r && m.right > m.left && m.bottom == r)
                && field_of(&top).is_some();
            let blank_top = sheet.cell(r, c).is_blank() && sheet.merge_at(r, c).is_none();
            below
                .as_deref()
                .and_then(field_of)
                .is_some_and(|_| merged_over || blank_top)
        })
        && sheet.rows[r + 1]
            .iter()
            .all(|c| c.text().chars().count() <= 14);
    for c in 0..width.max(if sub_row { sheet.rows[r + 1].len() } else { 0 }) {
        let (top, below) = header_cells(sheet, r, c);
        let field = match (sub_row, below.as_deref().and_then(field_of)) {
            (true, Some(f)) => Some(f),
            _ => field_of(&top),
        };
        if let Some(f) = field {
            named.push((c, f));
        }
    }
    let named_fields: std::collections::HashSet<Field> = named.iter().map(|(_, f)| *f).collect();
    // A header needs two named kinds of column, or one beside enough short header cells.
    let short_cells = sheet.rows[r]
        .iter()
        .filter(|c| {
            let t = c.text();
            let n = t.trim().chars().count();
            (1..=12).contains(&n) && leading_number(&t).is_none()
        })
        .count();
    // A header needs two named kinds of column, or enough short cells over columns whose
    // content tells their roles.
    if named_fields.len() < 2 && short_cells < 3 {
        return None;
    }
    let data_start = r + if sub_row { 2 } else { 1 };
    if data_start >= sheet.rows.len() {
        return None;
    }
    let mut columns: Vec<(usize, Field)> = Vec::new();
    let mut found_by: Vec<(usize, FoundBy)> = Vec::new();
    let contents: Vec<ContentKind> = (0..width
        .max(named.iter().map(|(c, _)| c + 1).max().unwrap_or(0)))
        .map(|c| content_of(sheet, c, data_start))
        .collect();
    let content = |c: usize| contents.get(c).copied().unwrap_or_default();

    // One header over two columns (a merge): the column of short numbers is the number; two
    // task columns are two task levels.
    let mut i = 0;
    while i < named.len() {
        let (c, f) = named[i];
        let same: Vec<usize> = named
            .iter()
            .filter(|(_, g)| *g == f)
            .map(|(k, _)| *k)
            .collect();
        if same.len() >= 2 && same[0] == c && matches!(f, Field::Task | Field::Requirement) {
            for &k in &same {
                let ck = content(k);
                let is_number = ck.share(ck.numbers) >= 0.7;
                let field = if is_number {
                    Field::Number
                } else if f == Field::Task && k != *same.last().unwrap_or(&k) {
                    Field::Section
                } else {
                    f
                };
                if !columns
                    .iter()
                    .any(|(_, g)| *g == field && field != Field::Support)
                {
                    columns.push((k, field));
                    found_by.push((k, FoundBy::Header));
                }
            }
        } else if !columns.iter().any(|(k, _)| *k == c) {
            let repeated = columns.iter().any(|(_, g)| *g == f);
            if !repeated || f == Field::Support {
                columns.push((c, f));
                found_by.push((c, FoundBy::Header));
            }
        }
        i += 1;
    }
    // The lead column is the 牵头 one; a 责任 column beside it supports.
    let has = |cols: &[(usize, Field)], f: Field| cols.iter().any(|(_, g)| *g == f);
    if has(&columns, Field::Lead) {
        for entry in columns.iter_mut() {
            if entry.1 == Field::Responsible {
                entry.1 = Field::Support;
            }
        }
    }

    // Columns the header did not name: by what their cells hold.
    let named_cols: Vec<usize> = columns.iter().map(|(c, _)| *c).collect();
    let mut free: Vec<usize> = (0..contents.len())
        .filter(|c| !named_cols.contains(c) && content(*c).cells > 0)
        .collect();
    let units_present = |cols: &[(usize, Field)]| {
        cols.iter()
            .any(|(_, g)| matches!(g, Field::Responsible | Field::Lead))
    };
    let take = |columns: &mut Vec<(usize, Field)>,
                found_by: &mut Vec<(usize, FoundBy)>,
                free: &mut Vec<usize>,
                field: Field,
                fits: &dyn Fn(&ContentKind) -> f64| {
        let best = free
            .iter()
            .copied()
            .map(|c| (c, fits(&content(c))))
            .filter(|(_, s)| *s > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((c, _)) = best {
            columns.push((c, field));
            found_by.push((c, FoundBy::Content));
            free.retain(|k| *k != c);
        }
    };
    if !has(&columns, Field::Number) {
        take(
            &mut columns,
            &mut found_by,
            &mut free,
            Field::Number,
            &|k| {
                let s = k.share(k.numbers);
                if s >= 0.7 && k.chars <= k.cells * 6 {
                    s
                } else {
                    0.0
                }
            },
        );
    }
    // A column whose cells are mostly deadline phrases (or unit names) is that column.
    let mostly = |share: f64| if share >= 0.6 { share } else { 0.0 };
    if !has(&columns, Field::Deadline) {
        take(
            &mut columns,
            &mut found_by,
            &mut free,
            Field::Deadline,
            &|k| mostly(k.share(k.deadlines)),
        );
    }
    if !units_present(&columns) {
        take(
            &mut columns,
            &mut found_by,
            &mut free,
            Field::Responsible,
            &|k| mostly(k.share(k.units)),
        );
    }
    // The requirement: the free column of the longest texts that are neither numbers, unit
    // names nor deadlines (short ones too: 烟花爆竹 is a whole item in some tables).
    let units_named = units_present(&columns);
    let long_text = |k: &ContentKind| {
        let avg = k.chars as f64 / k.cells.max(1) as f64;
        // Items that build a 中心 or a 馆 end like units: with a unit column found, only
        // numbers and deadlines rule a column out.
        let not_units = units_named || k.share(k.units) < 0.3;
        if k.cells > 0 && k.share(k.numbers + k.deadlines) < 0.3 && not_units {
            avg
        } else {
            0.0
        }
    };
    if !has(&columns, Field::Requirement) {
        take(
            &mut columns,
            &mut found_by,
            &mut free,
            Field::Requirement,
            &long_text,
        );
    }
    if !has(&columns, Field::Task) && has(&columns, Field::Requirement) {
        let req = columns
            .iter()
            .find(|(_, g)| *g == Field::Requirement)
            .map_or(0, |(c, _)| *c);
        let short_text = |k: &ContentKind| {
            if k.cells > 0 && k.share(k.numbers + k.units + k.deadlines) < 0.3 {
                1.0
            } else {
                0.0
            }
        };
        free.retain(|c| *c < req);
        take(
            &mut columns,
            &mut found_by,
            &mut free,
            Field::Task,
            &short_text,
        );
    }
    let has_text = columns
        .iter()
        .any(|(_, f)| matches!(f, Field::Task | Field::Requirement));
    let has_units_or_time = columns.iter().any(|(_, f)| {
        matches!(
            f,
            Field::Responsible | Field::Lead | Field::Support | Field::Deadline
        )
    });
    if !has_text || columns.len() < 2 || named_fields.len() < 2 && !has_units_or_time {
        return None;
    }
    Some(Layout {
        header_row: r,
        data_start,
        columns,
        found_by,
    })
}

/// A cell's value with merged regions resolved to their top-left cell.
struct Resolved<'a> {
    cell: &'a Cell,
    /// Came from a merged region that starts in an earlier row.
    from_above: bool,
}

static EMPTY: Cell = Cell::Empty;

fn resolve(sheet: &Sheet, row: usize, col: usize) -> Resolved<'_> {
    let own = sheet.cell(row, col);
    if !own.is_blank() {
        return Resolved {
            cell: own,
            from_above: false,
        };
    }
    match sheet.merge_at(row, col) {
        Some(m) if (m.top, m.left) != (row, col) => Resolved {
            cell: sheet.cell(m.top, m.left),
            from_above: m.top < row,
        },
        _ => Resolved {
            cell: &EMPTY,
            from_above: false,
        },
    }
}

fn is_footnote(text: &str) -> bool {
    let t = text.trim_start();
    [
        "备注",
        "注：",
        "注:",
        "说明：",
        "说明:",
        "附注",
        "注 :",
        "注1",
        "注：1",
        "填报说明",
        "填表说明",
    ]
    .iter()
    .any(|p| t.starts_with(p))
}

/// 合计 / 共12项 / 总计: a row that counts the items is not one.
fn is_total(text: &str) -> bool {
    let t = text.trim_start();
    if !t.starts_with(['合', '总', '小', '共']) {
        return false;
    }
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    ["合计", "总计", "小计", "共计"]
        .iter()
        .any(|w| t.starts_with(w))
        || (t.starts_with('共') && t.contains('项') && t.chars().count() <= 12)
}

fn section_level(text: &str) -> Option<usize> {
    match leading_number(text)?.style {
        NumberStyle::ChineseComma => Some(0),
        NumberStyle::ChineseParen => Some(1),
        _ => None,
    }
}

/// The row's own cells, joined, for the skipped list.
fn row_text(sheet: &Sheet, r: usize) -> String {
    sheet.rows[r]
        .iter()
        .filter(|c| !c.is_blank())
        .map(Cell::text)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A row's task text and the top-left of the merged region it sits in.
type TaskCell<'a> = (Cow<'a, str>, Option<(usize, usize)>);

/// Reads the items below the header, in order.
pub fn read_items(
    sheet: &Sheet,
    layout: &Layout,
    diagnostics: &mut Vec<Diagnostic>,
    skipped: &mut Vec<Skipped>,
) -> Vec<RawItem> {
    let col = |f| layout.col(f);
    let text_of = |r: usize, f: Field| -> Resolved {
        col(f).map_or(
            Resolved {
                cell: &EMPTY,
                from_above: false,
            },
            |c| resolve(sheet, r, c),
        )
    };
    let support_cols = layout.cols(Field::Support);
    let two_columns = !support_cols.is_empty()
        && (col(Field::Lead).is_some() || col(Field::Responsible).is_some());
    let lead_field = if col(Field::Lead).is_some() {
        Field::Lead
    } else {
        Field::Responsible
    };
    let text_field = if col(Field::Requirement).is_some() {
        Field::Requirement
    } else {
        Field::Task
    };
    let width = sheet.rows.iter().map(Vec::len).max().unwrap_or(0);
    let untaken: Vec<usize> = (0..width)
        .filter(|c| layout.field_at(*c).is_none())
        .collect();
    let header_row: Vec<String> = (0..width).map(|c| layout.header_text(sheet, c)).collect();

    let mut sections: Vec<String> = Vec::new();
    let mut items: Vec<RawItem> =
        Vec::with_capacity(sheet.rows.len().saturating_sub(layout.data_start));
    // The task cell of the previous item, to tell when a row continues the same task.
    let mut last_task_cell: Option<TaskCell> = None;
    let mut after_table = false;
    // Each item's heading numbers, as an index into the distinct lists of them.
    let mut heading_numbers: Vec<usize> = Vec::with_capacity(items.capacity());
    let mut distinct_numbers: Vec<Vec<String>> = Vec::new();
    let mut last_section: Option<Vec<String>> = None;
    let mut task_reading: Option<(Cow<str>, Option<usize>, String)> = None;

    for r in layout.data_start..sheet.rows.len() {
        let row_no = r + 1;
        let mut own = sheet.rows[r].iter().filter(|c| !c.is_blank());
        let (Some(first), more) = (own.next(), own.next().is_some()) else {
            continue;
        };
        if after_table {
            skipped.push(Skipped::row(
                row_no,
                &row_text(sheet, r),
                "表格之后的备注或说明，不是事项",
            ));
            continue;
        }
        // The row's only own text, when it has just one (footnotes and section headings).
        let only_text = if more { None } else { Some(first.text()) };
        let first_text = first.text_cow();
        if is_footnote(&first_text) {
            after_table = true;
            skipped.push(Skipped::row(
                row_no,
                &row_text(sheet, r),
                "表格之后的备注或说明，不是事项",
            ));
            continue;
        }
        if is_total(&first_text) {
            skipped.push(Skipped::row(
                row_no,
                &row_text(sheet, r),
                "合计行，不是事项",
            ));
            continue;
        }
        // The header again (a table printed over several pages).
        let same_as_header = |c: usize| match sheet.cell(r, c) {
            Cell::Empty => true,
            Cell::Text(t) => {
                t.trim().is_empty() || t.split_whitespace().eq(header_row[c].split_whitespace())
            }
            _ => false,
        };
        let repeats_header = layout.columns.iter().all(|(c, _)| same_as_header(*c))
            && layout
                .columns
                .iter()
                .any(|(c, _)| !sheet.cell(r, *c).is_blank());
        if repeats_header {
            skipped.push(Skipped::row(row_no, &row_text(sheet, r), "重复的表头"));
            continue;
        }
        let task = text_of(r, Field::Task);
        let body = text_of(r, text_field);
        let body_text = body.cell.text_cow();
        // A section row: one heading is all the row holds itself, whether it sits in one
        // cell or is merged across the table; numbered 一、/（一） or merged over the table.
        if let Some(t) = &only_text {
            let own_body_blank = col(text_field).is_none_or(|c| sheet.cell(r, c).is_blank());
            let across = sheet.rows[r]
                .iter()
                .position(|c| !c.is_blank())
                .and_then(|c| sheet.merge_at(r, c))
                .is_some_and(|m| m.right - m.left >= 2 && m.top == r);
            if let (Some(level), true) = (section_level(t), own_body_blank || across) {
                sections.truncate(level);
                sections.push(t.clone());
                continue;
            }
            if across && leading_number(t).is_none_or(|n| n.style != NumberStyle::ArabicDot) {
                sections.truncate(0);
                sections.push(t.clone());
                continue;
            }
        }
        if body.cell.is_blank() || body.from_above && text_field == Field::Requirement {
            skipped.push(Skipped::row(
                row_no,
                &row_text(sheet, r),
                "这一行没有具体要求，不是事项",
            ));
            continue;
        }

        // The task: its own cell, its merged cell, or the previous item's (same task).
        let task_merge = col(Field::Task)
            .and_then(|c| sheet.merge_at(r, c))
            .map(|m| (m.top, m.left));
        let mut same_task = task.from_above;
        let task_cell = if task.cell.is_blank() {
            match &last_task_cell {
                Some((t, _)) if col(Field::Task).is_some() && text_field == Field::Requirement => {
                    same_task = true;
                    diagnostics.push(Diagnostic::warning(
                        row_no,
                        "task",
                        "工作任务为空，沿用上一行的工作任务",
                    ));
                    t.clone()
                }
                _ => Cow::Borrowed(""),
            }
        } else {
            task.cell.text_cow()
        };
        if let (Some((_, Some(prev))), Some(now)) = (&last_task_cell, task_merge) {
            same_task |= *prev == now;
        }
        last_task_cell = Some((task_cell.clone(), task_merge));

        let mut section = sections.clone();
        // Two task levels in two columns: the higher one is a section of the item.
        if let Some(c) = col(Field::Section) {
            let upper = resolve(sheet, r, c).cell.text();
            let upper = upper.trim();
            if !upper.is_empty() {
                section.push(upper.to_string());
            }
        }
        // A task cell merged over many rows is read once.
        if task_reading
            .as_ref()
            .is_none_or(|(cell, _, _)| *cell != task_cell)
        {
            let level = section_level(&task_cell);
            let title = match level {
                Some(_) if text_field == Field::Requirement && col(Field::Section).is_none() => {
                    heading_title(&task_cell)
                }
                _ if col(Field::Section).is_some() => heading_title(&task_cell),
                _ => task_cell.trim().to_string(),
            };
            task_reading = Some((task_cell.clone(), level, title));
        }
        let (_, level, task_title) = task_reading.as_ref().expect("read just above");
        if let (Some(level), true) = (
            level,
            text_field == Field::Requirement && col(Field::Section).is_none(),
        ) {
            section.truncate(*level);
            section.push(task_cell.to_string());
        }
        let task_title = task_title.clone();

        // The number: its own column, else the requirement's leading "15." / "（15）".
        let mut requirement = body_text.trim();
        let mut number = col(Field::Number)
            .map(|c| {
                let t = resolve(sheet, r, c).cell.text();
                item_number(&t)
                    .unwrap_or_else(|| t.trim().trim_end_matches(['.', '．', '、']).to_string())
            })
            .filter(|n| !n.is_empty());
        if let Some(n) = leading_number(body_text.as_ref())
            .filter(|n| matches!(n.style, NumberStyle::ArabicDot | NumberStyle::ArabicParen))
        {
            if number.is_none() {
                number = Some(n.number.clone());
            }
            requirement = n.rest;
        }
        let requirement = requirement.to_string();

        // A blank cell of a row that continues the task takes the previous item's value.
        let own_or_inherit = |field: Field| -> (&Cell, bool) {
            let v = text_of(r, field);
            if v.cell.is_blank() {
                (&EMPTY, same_task && col(field).is_some())
            } else {
                (v.cell, false)
            }
        };
        let (lead_cell, lead_inherit) = own_or_inherit(lead_field);
        let support_text: Vec<String> = support_cols
            .iter()
            .map(|c| resolve(sheet, r, *c).cell.text())
            .filter(|t| !t.trim().is_empty())
            .collect();
        let (deadline_cell, deadline_inherit) = own_or_inherit(Field::Deadline);
        let previous = items.last();
        let responsible = if lead_inherit && support_text.is_empty() {
            match previous {
                Some(p) => {
                    diagnostics.push(Diagnostic::warning(
                        row_no,
                        "divisions",
                        "责任处室为空，沿用同一工作任务上一行的处室",
                    ));
                    p.responsible.clone()
                }
                None => RawResponsible::Combined(String::new()),
            }
        } else if two_columns {
            RawResponsible::Columns {
                lead: lead_cell.text(),
                support: support_text.join("、"),
            }
        } else {
            RawResponsible::Combined(lead_cell.text())
        };
        let deadline = if deadline_inherit {
            match previous {
                Some(p) if !matches!(p.deadline, RawDeadline::Empty) => {
                    diagnostics.push(Diagnostic::warning(
                        row_no,
                        "deadline",
                        "完成时限为空，沿用同一工作任务上一行的时限",
                    ));
                    p.deadline.clone()
                }
                _ => RawDeadline::Empty,
            }
        } else {
            match deadline_cell {
                Cell::Date(d) => RawDeadline::Date(*d),
                Cell::Number(n) => excel_serial_date(*n)
                    .map_or(RawDeadline::Text(deadline_cell.text()), RawDeadline::Date),
                Cell::Empty => RawDeadline::Empty,
                Cell::Text(t) => RawDeadline::Text(t.clone()),
            }
        };
        // Cells of columns no role was found for: listed, not silently dropped.
        for &c in &untaken {
            let cell = sheet.cell(r, c);
            if !cell.is_blank() {
                let header = if header_row[c].is_empty() {
                    format!("{}列", column_letter(c))
                } else {
                    header_row[c].clone()
                };
                skipped.push(Skipped::cell(
                    row_no,
                    &header,
                    &cell.text(),
                    "这一列未识别为计划的任何一栏，内容未导入",
                ));
            }
        }
        // Rows under one merged number cell are one item: its requirement goes on, and
        // its deadline is the earliest of theirs.
        let number_merged_from_above =
            col(Field::Number).is_some_and(|c| resolve(sheet, r, c).from_above);
        if let (true, Some(prev)) = (number_merged_from_above, items.last_mut()) {
            if prev.number == number {
                prev.requirement.push('\n');
                prev.requirement.push_str(&requirement);
                prev.deadline = joined_deadline(&prev.deadline, &deadline);
                continue;
            }
        }
        // Most rows share the previous row's headings: number them once.
        if last_section.as_ref() != Some(&section) {
            distinct_numbers.push(
                section
                    .iter()
                    .filter_map(|s| leading_number(s).map(|n| n.number))
                    .collect(),
            );
            last_section = Some(section.clone());
        }
        heading_numbers.push(distinct_numbers.len() - 1);
        items.push(RawItem {
            number,
            section,
            task: task_title,
            requirement,
            responsible,
            deadline,
            sheet: Some(sheet.name.clone()),
            row: row_no,
        });
    }
    // Numbers that restart under each heading are joined to the headings' numbers; most
    // plans number their items once, and keep theirs.
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    if items
        .iter()
        .filter_map(|i| i.number.as_deref())
        .all(|n| seen.insert(n))
    {
        return items;
    }
    drop(seen);
    let own: Vec<Option<String>> = items.iter().map(|i| i.number.clone()).collect();
    let headings: Vec<Vec<String>> = heading_numbers
        .iter()
        .map(|&i| distinct_numbers[i].clone())
        .collect();
    for (item, number) in items
        .iter_mut()
        .zip(super::restart_numbers(&own, &headings))
    {
        item.number = number;
    }
    items
}

/// Two rows' deadlines as one phrase (the phrase rules take the earliest date).
fn joined_deadline(a: &RawDeadline, b: &RawDeadline) -> RawDeadline {
    let text = |d: &RawDeadline| match d {
        RawDeadline::Empty => None,
        RawDeadline::Date(d) => Some(d.to_string()),
        RawDeadline::Text(t) | RawDeadline::InText(t) => Some(t.clone()),
    };
    match (text(a), text(b)) {
        (Some(x), Some(y)) if x == y => a.clone(),
        (Some(x), Some(y)) => RawDeadline::Text(format!("{x}；{y}")),
        (Some(_), None) => a.clone(),
        (None, _) => b.clone(),
    }
}

/// A number that is an Excel date serial in a plausible range (a date cell saved without
/// its format, as some CSV exports do).
fn excel_serial_date(n: f64) -> Option<NaiveDate> {
    if !(36526.0..=73051.0).contains(&n) || n.fract() != 0.0 {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)
        .and_then(|d| d.checked_add_days(chrono::Days::new(n as u64)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names() {
        let cases: &[(&str, Option<Field>)] = &[
            ("序号", Some(Field::Number)),
            ("工作任务", Some(Field::Task)),
            ("重点任务", Some(Field::Task)),
            ("具体要求", Some(Field::Requirement)),
            ("工作内容", Some(Field::Requirement)),
            ("工作举措", Some(Field::Requirement)),
            ("推进措施", Some(Field::Requirement)),
            ("责任处室", Some(Field::Responsible)),
            ("责任单位", Some(Field::Responsible)),
            ("牵头单位", Some(Field::Lead)),
            ("主办处室", Some(Field::Lead)),
            ("配合单位", Some(Field::Support)),
            ("参与单位", Some(Field::Support)),
            ("协办/会办处室", Some(Field::Support)),
            ("完成时限", Some(Field::Deadline)),
            ("完成 时间", Some(Field::Deadline)),
            ("时间节点", Some(Field::Deadline)),
            ("完成节点", Some(Field::Deadline)),
            ("备注", None),
            ("广州市体育局2021年政务公开工作要点具体分工方案", None),
        ];
        for (h, want) in cases {
            assert_eq!(field_of(h), *want, "{h}");
        }
    }

    #[test]
    fn numbers_as_written() {
        let cases: &[(&str, Option<&str>)] = &[
            ("1", Some("1")),
            ("1.", Some("1")),
            ("1、", Some("1")),
            ("１", Some("1")),
            ("１２", Some("12")),
            ("（1）", Some("1")),
            ("(3)", Some("3")),
            ("十五", Some("15")),
            ("2.3", Some("2.3")),
            ("加强解读", None),
        ];
        for (t, want) in cases {
            assert_eq!(item_number(t).as_deref(), *want, "{t}");
        }
    }

    fn text(s: &str) -> Cell {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.to_string())
        }
    }

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet::new(
            "表".into(),
            rows.iter()
                .map(|r| r.iter().map(|c| text(c)).collect())
                .collect(),
            Vec::new(),
        )
    }

    #[test]
    fn unknown_headers_are_found_by_content() {
        let s = sheet(&[
            &["编码", "举措名称", "推进落实的具体安排", "主抓部门", "节点"],
            &[
                "1",
                "优化审批",
                "全面推行企业开办一网通办，压缩办理时间至1个工作日以内。",
                "市市场监管局",
                "2023年6月底前",
            ],
            &[
                "2",
                "便利纳税",
                "推行非接触式办税缴费服务，拓展网上办税事项范围。",
                "市税务局牵头，市财政局配合",
                "2023年底前",
            ],
            &[
                "3",
                "公开透明",
                "在政府网站集中公开涉企政策文件并做好政策解读工作。",
                "市政府办公室",
                "持续推进",
            ],
        ]);
        let layout = find_layout(&s).expect("layout");
        let got: Vec<(String, Option<Field>)> = layout
            .read_columns(&s)
            .into_iter()
            .map(|c| (c.column, c.field))
            .collect();
        assert_eq!(
            got,
            vec![
                ("A".into(), Some(Field::Number)),
                ("B".into(), Some(Field::Task)),
                ("C".into(), Some(Field::Requirement)),
                ("D".into(), Some(Field::Responsible)),
                ("E".into(), Some(Field::Deadline)),
            ]
        );
        let mut d = Vec::new();
        let mut sk = Vec::new();
        let items = read_items(&s, &layout, &mut d, &mut sk);
        assert_eq!(items.len(), 3);
        assert!(sk.is_empty(), "{sk:?}");
    }

    #[test]
    fn totals_and_notes_are_skipped_with_their_rows() {
        let s = sheet(&[
            &["序号", "工作任务", "责任单位", "完成时限"],
            &["1", "做好政策解读工作", "办公室", "年底前"],
            &["合计", "共1项", "", ""],
            &["备注：本表由办公室负责解释", "", "", ""],
            &["联系人：张三", "", "", ""],
        ]);
        let layout = find_layout(&s).expect("layout");
        let mut d = Vec::new();
        let mut sk = Vec::new();
        let items = read_items(&s, &layout, &mut d, &mut sk);
        assert_eq!(items.len(), 1);
        let rows: Vec<Option<usize>> = sk.iter().map(|s| s.row).collect();
        assert_eq!(rows, [Some(3), Some(4), Some(5)]);
    }

    #[test]
    fn serial_dates() {
        assert_eq!(
            excel_serial_date(44469.0),
            NaiveDate::from_ymd_opt(2021, 9, 30)
        );
        assert_eq!(excel_serial_date(12.0), None);
        assert_eq!(excel_serial_date(44469.5), None);
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(27), "AB");
    }
}
