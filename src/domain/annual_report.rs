//! The annual report on government information disclosure (政府信息公开工作年度报告): its
//! format as data (config/annual-report/), the consistency rules (勾稽关系) over its tables,
//! and the printed grid of each table.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The figures of a report: table → row → column → value.
pub type Figures = BTreeMap<String, BTreeMap<String, BTreeMap<String, f64>>>;

/// A report format (one national revision).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Format {
    pub version: String,
    pub name: String,
    pub parts: Vec<PartDef>,
    pub tables: Vec<TableDef>,
    pub rules: Vec<RuleDef>,
    pub carry: Option<CarryDef>,
}

/// One numbered part: text the office writes, or tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartDef {
    pub number: String,
    pub title: String,
    /// The key of the part's text (`overview`, `problems`, `other`), if it is text.
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub tables: Vec<String>,
}

/// A statistics table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TableDef {
    pub code: String,
    pub caption: String,
    /// The top-left header cell above the row labels ("" for none).
    #[serde(default)]
    pub corner: String,
    pub columns: Vec<ColumnDef>,
    pub rows: Vec<RowDef>,
}

/// A column: its code and its header labels, outermost first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnDef {
    pub code: String,
    pub path: Vec<String>,
    /// Amounts (万元) may have decimals; counts may not.
    #[serde(default)]
    pub decimals: bool,
}

/// A row: its code, its labels outermost first, the printed sub-table it belongs to, and
/// the columns it has (all when absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RowDef {
    pub code: String,
    pub path: Vec<String>,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub columns: Option<Vec<String>>,
}

/// Which way a rule repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Each {
    /// `left`/`right` name rows; the rule holds in every column.
    Column,
    /// `left`/`right` name columns; the rule holds in every row.
    Row,
}

/// A consistency rule: sum(left) = sum(right), in every column (or row) of a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: String,
    pub table: String,
    pub each: Each,
    pub left: Vec<String>,
    pub right: Vec<String>,
    pub text: String,
}

/// The year-over-year rule: this year's `this_row` equals last year's `last_row`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CarryDef {
    pub id: String,
    pub table: String,
    pub this_row: String,
    pub last_row: String,
    pub text: String,
}

/// A broken rule: which, on which cells (`table.row.column`), in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Violation {
    pub rule: String,
    pub cells: Vec<String>,
    pub message: String,
}

impl Format {
    /// The current national format, shipped in config/annual-report/2021.toml.
    pub fn current() -> &'static Format {
        static CURRENT: std::sync::OnceLock<Format> = std::sync::OnceLock::new();
        CURRENT.get_or_init(|| {
            Format::parse(include_str!("../../config/annual-report/2021.toml"))
                .unwrap_or_else(|e| panic!("config/annual-report/2021.toml: {e}"))
        })
    }

    /// Reads a format file and checks that its rules name real rows and columns.
    pub fn parse(text: &str) -> Result<Format, String> {
        let f: Format = toml::from_str(text).map_err(|e| format!("年度报告格式文件有误：{e}"))?;
        for r in &f.rules {
            let t = f
                .table(&r.table)
                .ok_or_else(|| format!("规则 {} 的表 {} 不存在", r.id, r.table))?;
            for name in r.left.iter().chain(&r.right) {
                let known = match r.each {
                    Each::Column => t.rows.iter().any(|x| &x.code == name),
                    Each::Row => t.columns.iter().any(|x| &x.code == name),
                };
                if !known {
                    return Err(format!("规则 {} 引用了不存在的 {name}", r.id));
                }
            }
        }
        Ok(f)
    }

    /// A table by code.
    pub fn table(&self, code: &str) -> Option<&TableDef> {
        self.tables.iter().find(|t| t.code == code)
    }

    /// Whether `table.row.column` is a cell of the form; its column if so.
    pub fn cell(&self, table: &str, row: &str, column: &str) -> Option<&ColumnDef> {
        let t = self.table(table)?;
        let r = t.rows.iter().find(|r| r.code == row)?;
        if !r.has_column(column) {
            return None;
        }
        t.columns.iter().find(|c| c.code == column)
    }

    /// Reads cells sent as `{"table": {"row": {"column": number}}}`: every code must exist
    /// and every value be a number (or null to clear it). Errors say which cell.
    pub fn read_cells(&self, input: &serde_json::Value) -> Result<Vec<CellChange>, String> {
        let tables = input
            .as_object()
            .ok_or("表格数据应为 {\"表\": {\"行\": {\"列\": 数值}}} 形式")?;
        let mut out = Vec::new();
        for (t, rows) in tables {
            let rows = rows
                .as_object()
                .ok_or_else(|| format!("{t} 应为 {{\"行\": {{\"列\": 数值}}}}"))?;
            for (r, cols) in rows {
                let cols = cols
                    .as_object()
                    .ok_or_else(|| format!("{t}.{r} 应为 {{\"列\": 数值}}"))?;
                for (c, v) in cols {
                    if self.cell(t, r, c).is_none() {
                        return Err(format!("没有单元格 {t}.{r}.{c}，请对照报告格式填写"));
                    }
                    let value = match v {
                        serde_json::Value::Null => None,
                        serde_json::Value::Number(n) => Some(
                            n.as_f64()
                                .filter(|x| x.is_finite())
                                .ok_or_else(|| format!("{t}.{r}.{c} 的数值无效"))?,
                        ),
                        _ => return Err(format!("{t}.{r}.{c} 须为数字（现为 {v}）")),
                    };
                    out.push(CellChange {
                        table: t.clone(),
                        row: r.clone(),
                        column: c.clone(),
                        value,
                    });
                }
            }
        }
        Ok(out)
    }
}

/// One cell to set (or clear).
#[derive(Debug, Clone, PartialEq)]
pub struct CellChange {
    pub table: String,
    pub row: String,
    pub column: String,
    pub value: Option<f64>,
}

/// Applies changes to figures.
pub fn apply(figures: &mut Figures, changes: &[CellChange]) {
    for ch in changes {
        let row = figures
            .entry(ch.table.clone())
            .or_default()
            .entry(ch.row.clone())
            .or_default();
        match ch.value {
            Some(v) => {
                row.insert(ch.column.clone(), v);
            }
            None => {
                row.remove(&ch.column);
            }
        }
    }
}

impl RowDef {
    /// Whether the row has this column.
    pub fn has_column(&self, column: &str) -> bool {
        self.columns
            .as_ref()
            .is_none_or(|cs| cs.iter().any(|c| c == column))
    }
}

fn value(f: &Figures, table: &str, row: &str, column: &str) -> f64 {
    f.get(table)
        .and_then(|t| t.get(row))
        .and_then(|r| r.get(column))
        .copied()
        .unwrap_or(0.0)
}

/// Shows a number the way the form does (no trailing ".0").
pub fn show(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Every broken rule: non-negative whole counts (amounts may have decimals), each sum rule
/// in every column or row, and — when last year's report is given — the carry-over.
/// Empty cells count as 0.
pub fn check(format: &Format, f: &Figures, previous: Option<&Figures>) -> Vec<Violation> {
    let mut out = Vec::new();
    for t in &format.tables {
        for r in &t.rows {
            for c in t.columns.iter().filter(|c| r.has_column(&c.code)) {
                let Some(v) = f
                    .get(&t.code)
                    .and_then(|x| x.get(&r.code))
                    .and_then(|x| x.get(&c.code))
                else {
                    continue;
                };
                let bad = *v < 0.0 || (!c.decimals && v.fract() != 0.0);
                if bad {
                    out.push(Violation {
                        rule: format!("nonnegative.{}.{}.{}", t.code, r.code, c.code),
                        cells: vec![format!("{}.{}.{}", t.code, r.code, c.code)],
                        message: if c.decimals {
                            format!("{} 不能为负数（现为 {}）", label_of(t, r, c), show(*v))
                        } else {
                            format!("{} 应为非负整数（现为 {}）", label_of(t, r, c), show(*v))
                        },
                    });
                }
            }
        }
    }
    for rule in &format.rules {
        let Some(t) = format.table(&rule.table) else {
            continue;
        };
        let instances: Vec<(String, String, Vec<String>, Vec<String>)> = match rule.each {
            Each::Column => t
                .columns
                .iter()
                .map(|c| {
                    let cell = |row: &String| format!("{}.{row}.{}", t.code, c.code);
                    (
                        c.code.clone(),
                        c.path.join(""),
                        rule.left.iter().map(cell).collect(),
                        rule.right.iter().map(cell).collect(),
                    )
                })
                .collect(),
            Each::Row => t
                .rows
                .iter()
                .map(|r| {
                    let cell = |col: &String| format!("{}.{}.{col}", t.code, r.code);
                    (
                        r.code.clone(),
                        r.path.last().cloned().unwrap_or_default(),
                        rule.left.iter().map(cell).collect(),
                        rule.right.iter().map(cell).collect(),
                    )
                })
                .collect(),
        };
        for (at, at_label, left, right) in instances {
            let sum = |cells: &[String]| -> f64 {
                cells
                    .iter()
                    .map(|c| {
                        let mut p = c.splitn(3, '.');
                        let (tb, rw, cl) = (
                            p.next().unwrap_or_default(),
                            p.next().unwrap_or_default(),
                            p.next().unwrap_or_default(),
                        );
                        value(f, tb, rw, cl)
                    })
                    .sum()
            };
            let (l, r) = (sum(&left), sum(&right));
            if (l - r).abs() > 1e-9 {
                let place = if at_label.is_empty() {
                    String::new()
                } else {
                    format!("【{at_label}】")
                };
                out.push(Violation {
                    rule: format!("{}.{at}", rule.id),
                    cells: left.into_iter().chain(right).collect(),
                    message: format!("{place}{}：现为 {} 与 {}", rule.text, show(l), show(r)),
                });
            }
        }
    }
    if let (Some(carry), Some(last)) = (&format.carry, previous) {
        if let Some(t) = format.table(&carry.table) {
            for c in &t.columns {
                let this = value(f, &t.code, &carry.this_row, &c.code);
                let before = value(last, &t.code, &carry.last_row, &c.code);
                if (this - before).abs() > 1e-9 {
                    out.push(Violation {
                        rule: format!("{}.{}", carry.id, c.code),
                        cells: vec![format!("{}.{}.{}", t.code, carry.this_row, c.code)],
                        message: format!(
                            "【{}】{}：本年为 {}，上年报告为 {}",
                            c.path.join(""),
                            carry.text,
                            show(this),
                            show(before)
                        ),
                    });
                }
            }
        }
    }
    out
}

fn label_of(t: &TableDef, r: &RowDef, c: &ColumnDef) -> String {
    let row = r.path.last().cloned().unwrap_or_else(|| t.caption.clone());
    format!("“{}”的“{}”", row, c.path.join(""))
}

/// What a cell of a printed grid is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum GridKind {
    Header,
    Label,
    /// A value cell: its code `table.row.column`, or None where the row has no such column.
    Value(Option<String>),
}

/// One cell of a printed grid, with its spans (covered cells are not listed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GridCell {
    pub text: String,
    pub col_span: u16,
    pub row_span: u16,
    pub kind: GridKind,
}

/// A printed table: caption, header rows, body rows, and the number of grid columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grid {
    pub caption: String,
    pub columns: u16,
    pub header: Vec<Vec<GridCell>>,
    pub body: Vec<Vec<GridCell>>,
}

/// The printed grids of a table, merged headers from the column paths and merged row labels
/// from the row paths; value cells carry the figures' text. A table whose rows come in
/// groups (二: 第二十条第（一）项 …) prints as the 2021 form does: ONE grid in which each
/// group has a title row across the grid, a row of its own column headers under the corner
/// text, then its rows; a group with fewer columns widens its last column to the grid's edge.
pub fn grids(t: &TableDef, f: &Figures) -> Vec<Grid> {
    let mut groups: Vec<(&str, Vec<&RowDef>)> = Vec::new();
    for r in &t.rows {
        match groups.last_mut() {
            Some((g, rows)) if *g == r.group => rows.push(r),
            _ => groups.push((&r.group, vec![r])),
        }
    }
    let columns_of = |rows: &[&RowDef]| -> Vec<&ColumnDef> {
        t.columns
            .iter()
            .filter(|c| rows.iter().any(|r| r.has_column(&c.code)))
            .collect()
    };
    if groups.iter().all(|(g, _)| g.is_empty()) {
        let rows: Vec<&RowDef> = t.rows.iter().collect();
        return vec![grid(t, &rows, &columns_of(&rows), f)];
    }
    let label_depth = t
        .rows
        .iter()
        .map(|r| r.path.len())
        .max()
        .unwrap_or(0)
        .max(1);
    let width = groups
        .iter()
        .map(|(_, rows)| columns_of(rows).len())
        .max()
        .unwrap_or(0);
    let mut body = Vec::new();
    for (group, rows) in &groups {
        let columns = columns_of(rows);
        body.push(vec![GridCell {
            text: group.to_string(),
            col_span: span(label_depth + width),
            row_span: 1,
            kind: GridKind::Header,
        }]);
        let mut line = vec![GridCell {
            text: t.corner.clone(),
            col_span: span(label_depth),
            row_span: 1,
            kind: GridKind::Header,
        }];
        line.extend(columns.iter().enumerate().map(|(i, c)| GridCell {
            text: c.path.join(""),
            col_span: span(stretch(i, columns.len(), width)),
            row_span: 1,
            kind: GridKind::Header,
        }));
        body.push(line);
        for mut line in body_rows(t, rows, &columns, label_depth, f) {
            // The values follow the labels; the last one reaches the grid's right edge.
            let n = line.len();
            let values = line
                .iter()
                .filter(|c| matches!(c.kind, GridKind::Value(_)))
                .count();
            for (i, c) in line[n - values..].iter_mut().enumerate() {
                c.col_span = span(stretch(i, values, width));
            }
            body.push(line);
        }
    }
    vec![Grid {
        caption: t.caption.clone(),
        columns: span(label_depth + width),
        header: Vec::new(),
        body,
    }]
}

/// The columns the `i`-th of `n` cells covers when `n` cells fill `width` columns: one
/// each, the last taking what is left.
fn stretch(i: usize, n: usize, width: usize) -> usize {
    if i + 1 == n {
        width.saturating_sub(i).max(1)
    } else {
        1
    }
}

fn span(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

fn grid(t: &TableDef, rows: &[&RowDef], columns: &[&ColumnDef], f: &Figures) -> Grid {
    let label_depth = rows.iter().map(|r| r.path.len()).max().unwrap_or(0);
    let header_depth = columns.iter().map(|c| c.path.len()).max().unwrap_or(0);
    let mut header = Vec::new();
    for level in 0..header_depth {
        let mut line = Vec::new();
        if level == 0 && label_depth > 0 {
            line.push(GridCell {
                text: t.corner.clone(),
                col_span: span(label_depth),
                row_span: span(header_depth),
                kind: GridKind::Header,
            });
        }
        let mut i = 0;
        while i < columns.len() {
            let c = columns[i];
            if c.path.len() <= level {
                i += 1;
                continue;
            }
            let prefix = &c.path[..=level];
            let mut j = i + 1;
            while j < columns.len()
                && columns[j].path.len() > level
                && &columns[j].path[..=level] == prefix
                && c.path.len() > level + 1
            {
                j += 1;
            }
            line.push(GridCell {
                text: c.path[level].clone(),
                col_span: span(j - i),
                row_span: if c.path.len() == level + 1 {
                    span(header_depth - level)
                } else {
                    1
                },
                kind: GridKind::Header,
            });
            i = j;
        }
        header.push(line);
    }
    let body = body_rows(t, rows, columns, label_depth, f);
    Grid {
        caption: t.caption.clone(),
        columns: span(label_depth + columns.len()),
        header,
        body,
    }
}

/// The body rows of a grid: row labels (merged down where rows share a label), then a value
/// cell per column.
fn body_rows(
    t: &TableDef,
    rows: &[&RowDef],
    columns: &[&ColumnDef],
    label_depth: usize,
    f: &Figures,
) -> Vec<Vec<GridCell>> {
    let mut body = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let mut line = Vec::new();
        for level in 0..label_depth {
            if r.path.len() <= level {
                break;
            }
            let prefix = &r.path[..=level];
            let starts = i == 0 || rows[i - 1].path.get(..=level) != Some(prefix);
            if !starts {
                continue;
            }
            let leaf = r.path.len() == level + 1;
            let down = if leaf {
                1
            } else {
                rows[i..]
                    .iter()
                    .take_while(|x| x.path.get(..=level) == Some(prefix))
                    .count()
            };
            line.push(GridCell {
                text: r.path[level].clone(),
                col_span: if leaf { span(label_depth - level) } else { 1 },
                row_span: span(down),
                kind: GridKind::Label,
            });
        }
        for c in columns {
            let (text, code) = if r.has_column(&c.code) {
                let code = format!("{}.{}.{}", t.code, r.code, c.code);
                let v = f
                    .get(&t.code)
                    .and_then(|x| x.get(&r.code))
                    .and_then(|x| x.get(&c.code));
                (v.map(|v| show(*v)).unwrap_or_default(), Some(code))
            } else {
                (String::new(), None)
            };
            line.push(GridCell {
                text,
                col_span: 1,
                row_span: 1,
                kind: GridKind::Value(code),
            });
        }
        body.push(line);
    }
    body
}

/// The totals of a table that a workbook can keep as formulas: each rule whose left side is
/// one row (or column) makes, in every column (or row), that cell the sum of the right
/// side's cells. Cells are `table.row.column`; a balance of two sums is no total.
pub fn totals(format: &Format, table: &str) -> Vec<(String, Vec<String>)> {
    let Some(t) = format.table(table) else {
        return Vec::new();
    };
    let code = |r: &str, c: &str| format!("{table}.{r}.{c}");
    let row = |code: &str| t.rows.iter().find(|r| r.code == code);
    let mut out = Vec::new();
    for rule in format.rules.iter().filter(|r| r.table == table) {
        let [left] = rule.left.as_slice() else {
            continue;
        };
        match rule.each {
            Each::Column => {
                let Some(total) = row(left) else { continue };
                for c in t.columns.iter().filter(|c| total.has_column(&c.code)) {
                    let of: Vec<String> = rule
                        .right
                        .iter()
                        .filter(|r| row(r).is_some_and(|r| r.has_column(&c.code)))
                        .map(|r| code(r, &c.code))
                        .collect();
                    out.push((code(left, &c.code), of));
                }
            }
            Each::Row => {
                for r in t.rows.iter().filter(|r| r.has_column(left)) {
                    let of: Vec<String> = rule
                        .right
                        .iter()
                        .filter(|c| r.has_column(c))
                        .map(|c| code(&r.code, c))
                        .collect();
                    out.push((code(&r.code, left), of));
                }
            }
        }
    }
    out
}

/// The plan's own headings in a text quoted inside the report: a line opening with a
/// Chinese numeral and "、" (一、…) would read as one of the report's parts, so it becomes
/// "（1）" and so on, numbered in order: the level below the report's （一）, and unlike the
/// plan's own item numbers ("18.").
pub fn demote_headings(text: &str) -> String {
    const NUMERALS: &str = "一二三四五六七八九十";
    let mut n = 0;
    text.lines()
        .map(|line| {
            let numeral_len: usize = line
                .chars()
                .take_while(|c| NUMERALS.contains(*c))
                .map(char::len_utf8)
                .sum();
            match line[numeral_len..].strip_prefix('、') {
                Some(rest) if numeral_len > 0 => {
                    n += 1;
                    format!("（{n}）{rest}")
                }
                _ => line.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether a text still holds a prompt the draft left for the office (【请…】, 【待填】):
/// such a text is not ready to be finalised and sent.
pub fn has_prompt(text: &str) -> bool {
    text.contains("【请") || text.contains("【待填】")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A full set of figures that hold together, worked out as an agency would fill them.
    pub fn consistent() -> Figures {
        let mut f = Figures::new();
        let mut set = |t: &str, r: &str, c: &str, v: f64| {
            f.entry(t.into())
                .or_default()
                .entry(r.into())
                .or_default()
                .insert(c.into(), v);
        };
        set("active", "regulations", "issued", 2.0);
        set("active", "regulations", "repealed", 1.0);
        set("active", "regulations", "in_force", 15.0);
        set("active", "normative_documents", "issued", 6.0);
        set("active", "normative_documents", "repealed", 3.0);
        set("active", "normative_documents", "in_force", 42.0);
        set("active", "licensing", "decisions", 1280.0);
        set("active", "penalty", "decisions", 37.0);
        set("active", "enforcement", "decisions", 4.0);
        set("active", "fees", "amount", 12.35);
        // 自然人 40 new + 3 carried = 41 results + 2 forward; 商业企业 5 + 0 = 5 + 0;
        // 法律服务机构 1 + 1 = 2 + 0; the others nil.
        let people = [
            ("new", 40.0, 5.0, 1.0),
            ("carried_over", 3.0, 0.0, 1.0),
            ("disclosed", 20.0, 3.0, 1.0),
            ("partly_disclosed", 6.0, 1.0, 0.0),
            ("refused_4", 2.0, 0.0, 0.0),
            ("unavailable_1", 9.0, 1.0, 1.0),
            ("not_processed_1", 3.0, 0.0, 0.0),
            ("other_3", 1.0, 0.0, 0.0),
            ("results_total", 41.0, 5.0, 2.0),
            ("carried_forward", 2.0, 0.0, 0.0),
        ];
        for (row, natural, commercial, legal) in people {
            set("applications", row, "natural_person", natural);
            set("applications", row, "commercial", commercial);
            set("applications", row, "legal_service", legal);
            set("applications", row, "total", natural + commercial + legal);
        }
        for (prefix, upheld, corrected, pending) in [
            ("reconsideration", 3.0, 1.0, 1.0),
            ("direct_suit", 1.0, 0.0, 1.0),
            ("suit_after_reconsideration", 0.0, 0.0, 1.0),
        ] {
            set("appeals", "counts", &format!("{prefix}_upheld"), upheld);
            set(
                "appeals",
                "counts",
                &format!("{prefix}_corrected"),
                corrected,
            );
            set("appeals", "counts", &format!("{prefix}_pending"), pending);
            set(
                "appeals",
                "counts",
                &format!("{prefix}_total"),
                upheld + corrected + pending,
            );
        }
        f
    }

    fn rules_of(v: &[Violation]) -> Vec<String> {
        let mut r: Vec<String> = v.iter().map(|x| x.rule.clone()).collect();
        r.sort();
        r
    }

    #[test]
    fn the_shipped_format_reads_and_names_the_contract_s_codes() {
        let f = Format::current();
        assert_eq!(f.version, "2021");
        assert_eq!(f.parts.len(), 6);
        assert!(f
            .cell("applications", "refused_8", "legal_service")
            .is_some());
        assert!(f.cell("applications", "other_3", "total").is_some());
        assert!(f
            .cell("appeals", "counts", "suit_after_reconsideration_pending")
            .is_some());
        assert!(f
            .cell("active", "fees", "amount")
            .is_some_and(|c| c.decimals));
        assert!(
            f.cell("active", "fees", "issued").is_none(),
            "not a cell of the form"
        );
        assert!(Format::parse("version = \"x\"").is_err());
    }

    #[test]
    fn consistent_figures_break_no_rule() {
        let f = Format::current();
        assert_eq!(check(f, &consistent(), None), vec![]);
        assert_eq!(
            check(f, &Figures::new(), None),
            vec![],
            "an empty report holds"
        );
    }

    #[test]
    fn changing_any_one_cell_breaks_exactly_the_rules_that_involve_it() {
        let format = Format::current();
        let base = consistent();
        for t in &format.tables {
            for r in &t.rows {
                for c in t.columns.iter().filter(|c| r.has_column(&c.code)) {
                    let code = format!("{}.{}.{}", t.code, r.code, c.code);
                    let mut changed = base.clone();
                    apply(
                        &mut changed,
                        &[CellChange {
                            table: t.code.clone(),
                            row: r.code.clone(),
                            column: c.code.clone(),
                            value: Some(value(&base, &t.code, &r.code, &c.code) + 1.0),
                        }],
                    );
                    let broken = check(format, &changed, None);
                    // The rules whose cells include this one, from the rule definitions.
                    let mut want: Vec<String> = format
                        .rules
                        .iter()
                        .filter(|rule| rule.table == t.code)
                        .filter_map(|rule| match rule.each {
                            Each::Column
                                if rule.left.contains(&r.code) != rule.right.contains(&r.code) =>
                            {
                                Some(format!("{}.{}", rule.id, c.code))
                            }
                            Each::Row
                                if rule.left.contains(&c.code) != rule.right.contains(&c.code) =>
                            {
                                Some(format!("{}.{}", rule.id, r.code))
                            }
                            _ => None,
                        })
                        .collect();
                    want.sort();
                    assert_eq!(rules_of(&broken), want, "changing {code}");
                    for v in &broken {
                        assert!(v.cells.contains(&code), "{} names {code}", v.rule);
                        assert!(!v.message.is_empty());
                    }
                }
            }
        }
    }

    #[test]
    fn the_messages_name_the_rule_in_words() {
        let format = Format::current();
        let mut f = consistent();
        apply(
            &mut f,
            &[CellChange {
                table: "applications".into(),
                row: "new".into(),
                column: "natural_person".into(),
                value: Some(41.0),
            }],
        );
        let v = check(format, &f, None);
        assert_eq!(
            rules_of(&v),
            [
                "applications.balance.natural_person",
                "applications.total.new"
            ]
        );
        let balance = v
            .iter()
            .find(|x| x.rule == "applications.balance.natural_person")
            .expect("balance");
        assert!(
            balance
                .message
                .contains("【申请人情况自然人】第一项（本年新收）加第二项（上年结转）之和"),
            "{}",
            balance.message
        );
        assert!(
            balance.message.contains("现为 44 与 43"),
            "{}",
            balance.message
        );
    }

    #[test]
    fn counts_are_whole_and_not_negative_amounts_may_have_decimals() {
        let format = Format::current();
        let cases = [
            ("applications", "disclosed", "research", -1.0, true),
            ("applications", "disclosed", "research", 0.5, true),
            ("active", "fees", "amount", 0.5, false),
            ("active", "fees", "amount", -0.5, true),
        ];
        for (t, r, c, v, broken) in cases {
            let mut f = Figures::new();
            apply(
                &mut f,
                &[CellChange {
                    table: t.into(),
                    row: r.into(),
                    column: c.into(),
                    value: Some(v),
                }],
            );
            let hits = check(format, &f, None)
                .iter()
                .any(|x| x.rule == format!("nonnegative.{t}.{r}.{c}"));
            assert_eq!(hits, broken, "{t}.{r}.{c} = {v}");
        }
    }

    #[test]
    fn last_year_s_carried_forward_is_this_year_s_carried_over() {
        let format = Format::current();
        let mut last = Figures::new();
        apply(
            &mut last,
            &[CellChange {
                table: "applications".into(),
                row: "carried_forward".into(),
                column: "natural_person".into(),
                value: Some(3.0),
            }],
        );
        let mut this = consistent();
        // consistent() carries 3 over for natural persons, 1 for legal-service bodies.
        let v = check(format, &this, Some(&last));
        assert_eq!(
            rules_of(&v),
            [
                "applications.carried_over.legal_service",
                "applications.carried_over.total"
            ]
        );
        apply(
            &mut last,
            &[
                CellChange {
                    table: "applications".into(),
                    row: "carried_forward".into(),
                    column: "legal_service".into(),
                    value: Some(1.0),
                },
                CellChange {
                    table: "applications".into(),
                    row: "carried_forward".into(),
                    column: "total".into(),
                    value: Some(4.0),
                },
            ],
        );
        assert_eq!(check(format, &this, Some(&last)), vec![]);
        apply(
            &mut this,
            &[CellChange {
                table: "applications".into(),
                row: "carried_over".into(),
                column: "total".into(),
                value: Some(5.0),
            }],
        );
        assert!(rules_of(&check(format, &this, Some(&last)))
            .contains(&"applications.carried_over.total".to_string()));
    }

    #[test]
    fn codes_and_numbers_are_checked_on_the_way_in() {
        let format = Format::current();
        let ok = format
            .read_cells(
                &serde_json::json!({"applications": {"new": {"natural_person": 4, "total": null}}}),
            )
            .expect("cells");
        assert_eq!(ok.len(), 2);
        for bad in [
            serde_json::json!({"applications": {"new": {"nobody": 1}}}),
            serde_json::json!({"nonsense": {"new": {"natural_person": 1}}}),
            serde_json::json!({"applications": {"new": {"natural_person": "many"}}}),
            serde_json::json!({"active": {"fees": {"issued": 1}}}),
            serde_json::json!([1, 2]),
        ] {
            assert!(format.read_cells(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn printed_grids_merge_headers_and_labels_like_the_form() {
        let format = Format::current();
        let f = consistent();
        let active = grids(format.table("active").expect("active"), &f);
        assert_eq!(active.len(), 1, "二 prints one grid, as the 2021 form does");
        let g = &active[0];
        assert_eq!(g.columns, 4, "a label column and three value columns");
        assert!(g.header.is_empty(), "each group has its own header row");
        let texts: Vec<Vec<(&str, u16)>> = g
            .body
            .iter()
            .map(|l| l.iter().map(|c| (c.text.as_str(), c.col_span)).collect())
            .collect();
        assert_eq!(texts[0], vec![("第二十条第（一）项", 4)]);
        assert_eq!(
            texts[1],
            vec![
                ("信息内容", 1),
                ("本年制发件数", 1),
                ("本年废止件数", 1),
                ("现行有效件数", 1)
            ]
        );
        assert_eq!(texts[2][0], ("规章", 1));
        assert_eq!(texts[3][0], ("行政规范性文件", 1));
        assert_eq!(texts[4], vec![("第二十条第（五）项", 4)]);
        assert_eq!(texts[5], vec![("信息内容", 1), ("本年处理决定数量", 3)]);
        assert_eq!(texts[6][0], ("行政许可", 1));
        assert_eq!(texts[6][1].1, 3, "the value spans to the edge");
        assert_eq!(texts[7], vec![("第二十条第（六）项", 4)]);
        assert_eq!(texts[9][0], ("行政处罚", 1));
        assert_eq!(texts[10][0], ("行政强制", 1));
        assert_eq!(texts[11], vec![("第二十条第（八）项", 4)]);
        assert_eq!(
            texts[12],
            vec![("信息内容", 1), ("本年收费金额（单位：万元）", 3)]
        );
        assert_eq!(texts[13], vec![("行政事业性收费", 1), ("12.35", 3)]);
        assert_eq!(g.body.len(), 14);
        // Every value keeps its code, so the page and the files read and write the same cells.
        let codes: Vec<&str> = g
            .body
            .iter()
            .flatten()
            .filter_map(|c| match &c.kind {
                GridKind::Value(Some(code)) => Some(code.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(codes.len(), 2 * 3 + 1 + 2 + 1);
        assert!(codes.contains(&"active.fees.amount"));

        let apps = grids(format.table("applications").expect("applications"), &f);
        assert_eq!(apps.len(), 1);
        let g = &apps[0];
        assert_eq!(g.columns, 3 + 7, "three label levels and seven columns");
        assert_eq!(g.header.len(), 3);
        let corner = &g.header[0][0];
        assert_eq!((corner.col_span, corner.row_span), (3, 3));
        assert_eq!(
            (g.header[0][1].text.as_str(), g.header[0][1].col_span),
            ("申请人情况", 7)
        );
        assert_eq!(
            (g.header[1][0].text.as_str(), g.header[1][0].row_span),
            ("自然人", 2)
        );
        assert_eq!(
            (g.header[1][1].text.as_str(), g.header[1][1].col_span),
            ("法人或其他组织", 5)
        );
        assert_eq!(g.header[2].len(), 5);
        // 一、本年新收… spans the three label columns; 三、本年度办理结果 spans its 22 rows.
        assert_eq!((g.body[0][0].col_span, g.body[0][0].row_span), (3, 1));
        assert_eq!(g.body[0][1].text, "40");
        assert_eq!(
            (g.body[2][0].text.as_str(), g.body[2][0].row_span),
            ("三、本年度办理结果", 22)
        );
        let refused = g.body[4]
            .iter()
            .find(|c| c.text == "（三）不予公开")
            .expect("（三）");
        assert_eq!(refused.row_span, 8);
        assert_eq!(g.body.len(), 25);

        let appeals = grids(format.table("appeals").expect("appeals"), &f);
        assert_eq!(appeals[0].columns, 15);
        assert_eq!(appeals[0].header[0][0].text, "行政复议");
        assert_eq!(appeals[0].header[0][0].col_span, 5);
        assert_eq!(appeals[0].header[1][6].text, "复议后起诉");
        assert_eq!(
            appeals[0].header[1][0].row_span, 2,
            "行政复议的结果维持 spans down"
        );
        assert_eq!(appeals[0].body[0].len(), 15);
    }

    #[test]
    fn totals_are_the_rules_with_one_cell_on_the_left() {
        let format = Format::current();
        let apps = totals(format, "applications");
        let of = |cell: &str| {
            apps.iter()
                .find(|(t, _)| t == cell)
                .map(|(_, of)| of.clone())
                .unwrap_or_default()
        };
        let results = of("applications.results_total.natural_person");
        assert_eq!(results.len(), 21, "（一）至（六）");
        assert_eq!(results[0], "applications.disclosed.natural_person");
        assert_eq!(
            of("applications.new.total"),
            [
                "natural_person",
                "commercial",
                "research",
                "public_welfare",
                "legal_service",
                "other_org"
            ]
            .map(|c| format!("applications.new.{c}"))
        );
        // 7 columns of （七）总计 and the 总计 of 25 rows; the balance of two sums is none.
        assert_eq!(apps.len(), 7 + 25);
        let appeals = totals(format, "appeals");
        assert_eq!(appeals.len(), 3);
        assert!(totals(format, "active").is_empty());
        assert!(totals(format, "nothing").is_empty());
    }

    #[test]
    fn quoted_headings_are_renumbered_so_they_do_not_read_as_parts() {
        let cases = [
            (
                "一、公开重点\n内容\n二、平台",
                "（1）公开重点\n内容\n（2）平台",
            ),
            ("十一、其他", "（1）其他"),
            ("18. 不断改进政策解读", "18. 不断改进政策解读"),
            ("（一）小标题\n一般段落", "（一）小标题\n一般段落"),
            ("一些文字、不是标题", "一些文字、不是标题"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(demote_headings(input), want, "{input}");
        }
    }

    #[test]
    fn prompts_left_for_the_office_are_found() {
        let cases = [
            ("【请补充：平台建设情况】", true),
            ("作出行政许可处理决定【待填】件。", true),
            ("本年度未收取信息处理费。", false),
            ("依据【2021】3号文", false),
            ("", false),
        ];
        for (text, want) in cases {
            assert_eq!(has_prompt(text), want, "{text}");
        }
    }
}
