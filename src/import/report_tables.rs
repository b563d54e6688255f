//! Reading an agency's own filled-in annual-report workbook: each row of the national
//! form's tables is found by its printed label (in the form's order, so repeated words
//! such as 总计 or 其他 are told apart), and its values are the cells at the right.

use super::source::{Cell, Sheet};
use crate::domain::annual_report::{CellChange, Format, RowDef, TableDef};

/// What was read: the cells to set, and notes on rows not found.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadTables {
    pub changes: Vec<CellChange>,
    pub notes: Vec<String>,
}

/// A label as compared: no spaces, no leading numbering (一、 （一） 1. (1)).
fn normalise(text: &str) -> String {
    let t: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .collect();
    let mut s = t.as_str();
    loop {
        let before = s;
        for (open, close) in [("（", "）"), ("(", ")")] {
            if let Some(rest) = s.strip_prefix(open) {
                if let Some(i) = rest.find(close) {
                    if rest[..i].chars().count() <= 3 {
                        s = &rest[i + close.len()..];
                    }
                }
            }
        }
        let digits = s
            .char_indices()
            .take_while(|(_, c)| c.is_ascii_digit() || "一二三四五六七八九十".contains(*c))
            .last()
            .map(|(i, c)| i + c.len_utf8());
        if let Some(end) = digits {
            if let Some(rest) = s[end..].strip_prefix(['、', '.', '．']) {
                s = rest;
            }
        }
        if s == before {
            break;
        }
    }
    s.to_string()
}

/// Whether a cell's text is the printed label (long labels may be shortened at their
/// parenthesis: （二）部分公开（区分处理的…） may be written （二）部分公开).
fn is_label(cell: &str, label: &str) -> bool {
    let (c, l) = (normalise(cell), normalise(label));
    if c.is_empty() {
        return false;
    }
    c == l
        || l.split('（')
            .next()
            .is_some_and(|short| short.chars().count() >= 2 && c == short)
}

/// Text that stands for "nothing" in a figure cell.
const BLANKS: [&str; 6] = ["", "-", "—", "/", "无", "——"];

/// A figure cell: a number, a number as text, or a dash for nothing (labels are not).
fn value_like(cell: &Cell) -> bool {
    match cell {
        Cell::Number(_) => true,
        Cell::Text(t) => {
            let t = t.trim();
            !t.is_empty() && (BLANKS.contains(&t) || t.replace(',', "").parse::<f64>().is_ok())
        }
        _ => false,
    }
}

fn number(cell: &Cell, sheet: &str, row: usize, col: usize) -> Result<Option<f64>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number(n) => Ok(Some(*n)),
        Cell::Date(_) => Err(format!(
            "工作表“{sheet}”第{}行第{}列是日期，应为数字",
            row + 1,
            col + 1
        )),
        Cell::Text(t) => {
            let t = t.trim();
            if BLANKS.contains(&t) {
                return Ok(None);
            }
            t.replace(',', "")
                .parse()
                .map(Some)
                .map_err(|_| format!("工作表“{sheet}”第{}行第{}列“{t}”不是数字", row + 1, col + 1))
        }
    }
}

/// A matched row: where it is and which form row it is.
struct Found<'a> {
    sheet: &'a Sheet,
    row: usize,
    /// The label's column (None for a row without a label: its values start at A).
    label_col: Option<usize>,
    def: &'a RowDef,
}

/// Reads every table of the format from the sheets.
pub fn read_tables(format: &Format, sheets: &[Sheet]) -> Result<ReadTables, String> {
    let mut out = ReadTables {
        changes: Vec::new(),
        notes: Vec::new(),
    };
    for table in &format.tables {
        let found = find_rows(table, sheets, &mut out.notes);
        let mut groups: Vec<Vec<&Found>> = Vec::new();
        for f in &found {
            match groups.last_mut() {
                Some(g) if g[0].def.group == f.def.group && std::ptr::eq(g[0].sheet, f.sheet) => {
                    g.push(f)
                }
                _ => groups.push(vec![f]),
            }
        }
        for g in groups {
            read_group(table, &g, &mut out.changes)?;
        }
    }
    if out.changes.is_empty() {
        return Err(
            "没有找到年度报告的统计表：请使用与国家格式一致的表格（行标题如“一、本年新收政府信息公开申请数量”），并在标题右侧各列填写数字"
                .to_string(),
        );
    }
    Ok(out)
}

fn find_rows<'a>(
    table: &'a TableDef,
    sheets: &'a [Sheet],
    notes: &mut Vec<String>,
) -> Vec<Found<'a>> {
    let mut found = Vec::new();
    // Rows without labels (四 has one line of figures) sit under the header naming the
    // first column's outermost label.
    if table.rows.iter().all(|r| r.path.is_empty()) {
        let Some(anchor) = table.columns.first().and_then(|c| c.path.first()) else {
            return found;
        };
        for sheet in sheets {
            let Some((hr, _)) = position(sheet, 0, |t| normalise(t) == normalise(anchor)) else {
                continue;
            };
            let data = (hr + 1..sheet.rows.len())
                .find(|r| sheet.rows[*r].iter().any(|c| matches!(c, Cell::Number(_))));
            if let (Some(row), Some(def)) = (data, table.rows.first()) {
                found.push(Found {
                    sheet,
                    row,
                    label_col: None,
                    def,
                });
            }
            break;
        }
        return found;
    }
    let mut from: Option<(usize, usize)> = None; // (sheet index, next row)
    for def in &table.rows {
        let Some(label) = def.path.last() else {
            continue;
        };
        let mut hit = None;
        for (si, sheet) in sheets.iter().enumerate() {
            let start = match from {
                Some((s, r)) if s == si => r,
                Some((s, _)) if s > si => continue,
                _ => 0,
            };
            if let Some((r, c)) = position(sheet, start, |t| is_label(t, label)) {
                hit = Some((si, r, c));
                break;
            }
        }
        match hit {
            Some((si, r, c)) => {
                from = Some((si, r + 1));
                found.push(Found {
                    sheet: &sheets[si],
                    row: r,
                    label_col: Some(c),
                    def,
                });
            }
            None => notes.push(format!("未找到“{label}”行，该行未导入")),
        }
    }
    found
}

/// The first cell at or below `start` whose text satisfies `wanted`.
fn position(sheet: &Sheet, start: usize, wanted: impl Fn(&str) -> bool) -> Option<(usize, usize)> {
    sheet
        .rows
        .iter()
        .enumerate()
        .skip(start)
        .find_map(|(r, row)| {
            row.iter().enumerate().find_map(|(c, cell)| match cell {
                Cell::Text(t) if wanted(t) => Some((r, c)),
                _ => None,
            })
        })
}

/// Reads a group of rows: their values are the rightmost cells up to the group's last
/// column holding a number, one per column of the row.
fn read_group(table: &TableDef, rows: &[&Found], out: &mut Vec<CellChange>) -> Result<(), String> {
    let right = rows
        .iter()
        .flat_map(|f| {
            f.sheet.rows[f.row]
                .iter()
                .enumerate()
                .skip(f.label_col.map_or(0, |c| c + 1))
                .filter(|(_, c)| value_like(c))
                .map(|(i, _)| i)
        })
        .max();
    let Some(right) = right else {
        return Ok(()); // nothing filled in
    };
    for f in rows {
        let columns: Vec<&str> = table
            .columns
            .iter()
            .filter(|c| f.def.has_column(&c.code))
            .map(|c| c.code.as_str())
            .collect();
        let Some(first) = (right + 1).checked_sub(columns.len()) else {
            continue;
        };
        if f.label_col.is_some_and(|c| first <= c) {
            continue;
        }
        for (i, code) in columns.iter().enumerate() {
            let col = first + i;
            let cell = f.sheet.rows[f.row].get(col).unwrap_or(&Cell::Empty);
            out.push(CellChange {
                table: table.code.clone(),
                row: f.def.code.clone(),
                column: code.to_string(),
                value: number(cell, &f.sheet.name, f.row, col)?,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_match_without_their_numbering_or_spaces() {
        let cases = [
            (
                "一、本年新收政府信息公开申请数量",
                "一、本年新收政府信息公开申请数量",
                true,
            ),
            (
                "本年新收政府信息公开申请数量",
                "一、本年新收政府信息公开申请数量",
                true,
            ),
            (
                "（二）部分公开",
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                true,
            ),
            ("1. 属于国家秘密", "1.属于国家秘密", true),
            ("(七)总计", "（七）总计", true),
            ("总计", "（七）总计", true),
            ("其他", "3.其他", true),
            (
                "予以公开",
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                false,
            ),
            ("", "3.其他", false),
        ];
        for (cell, label, want) in cases {
            assert_eq!(is_label(cell, label), want, "{cell} ~ {label}");
        }
    }

    fn text(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }

    #[test]
    fn a_form_laid_out_like_the_national_one_reads_back_by_its_labels() {
        let format = Format::current();
        // 三 as agencies lay it out: labels over three columns, the seven values after;
        // a header row above with 总计 and 其他 in it, which must not be taken for rows.
        let mut rows: Vec<Vec<Cell>> = vec![
            vec![text("三、收到和处理政府信息公开申请情况")],
            vec![
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                text("自然人"),
                text("商业企业"),
                text("科研机构"),
                text("社会公益组织"),
                text("法律服务机构"),
                text("其他"),
                text("总计"),
            ],
        ];
        let line = |labels: [&str; 3], values: [f64; 7]| {
            let mut r: Vec<Cell> = labels
                .iter()
                .map(|l| if l.is_empty() { Cell::Empty } else { text(l) })
                .collect();
            r.extend(values.iter().map(|v| {
                if *v == 0.0 {
                    text("0")
                } else {
                    Cell::Number(*v)
                }
            }));
            r
        };
        rows.push(line(
            ["一、本年新收政府信息公开申请数量", "", ""],
            [40.0, 5.0, 0.0, 0.0, 1.0, 0.0, 46.0],
        ));
        rows.push(line(
            ["二、上年结转政府信息公开申请数量", "", ""],
            [3.0, 0.0, 0.0, 0.0, 1.0, 0.0, 4.0],
        ));
        rows.push(line(
            ["三、本年度办理结果", "（一）予以公开", ""],
            [41.0, 5.0, 0.0, 0.0, 2.0, 0.0, 48.0],
        ));
        rows.push(line(
            ["", "（七）总计", ""],
            [41.0, 5.0, 0.0, 0.0, 2.0, 0.0, 48.0],
        ));
        rows.push(line(
            ["四、结转下年度继续办理", "", ""],
            [2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0],
        ));
        rows.push(vec![]);
        rows.push(vec![
            text("行政复议"),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            text("行政诉讼"),
        ]);
        let mut appeals: Vec<Cell> = [3.0, 1.0, 0.0, 1.0, 5.0]
            .iter()
            .map(|v| Cell::Number(*v))
            .collect();
        appeals.extend((0..10).map(|_| text("-")));
        rows.push(appeals);
        let sheet = Sheet::new("年报".into(), rows, Vec::new());
        let read = read_tables(format, &[sheet]).expect("tables");
        let mut figures = crate::domain::annual_report::Figures::new();
        crate::domain::annual_report::apply(&mut figures, &read.changes);
        let v = |t: &str, r: &str, c: &str| {
            figures
                .get(t)
                .and_then(|x| x.get(r))
                .and_then(|x| x.get(c))
                .copied()
        };
        assert_eq!(v("applications", "new", "natural_person"), Some(40.0));
        assert_eq!(v("applications", "new", "total"), Some(46.0));
        assert_eq!(v("applications", "new", "research"), Some(0.0));
        assert_eq!(
            v("applications", "results_total", "total"),
            Some(48.0),
            "（七）总计 is the row, not the header"
        );
        assert_eq!(
            v("applications", "carried_forward", "natural_person"),
            Some(2.0)
        );
        assert_eq!(v("appeals", "counts", "reconsideration_total"), Some(5.0));
        assert_eq!(
            v("appeals", "counts", "direct_suit_total"),
            None,
            "dashes are empty"
        );
        assert_eq!(
            crate::domain::annual_report::check(format, &figures, None),
            vec![]
        );
        assert!(
            read.notes.iter().any(|n| n.contains("部分公开")),
            "rows not found are noted"
        );
    }

    #[test]
    fn a_workbook_without_the_tables_or_with_words_for_numbers_is_refused() {
        let format = Format::current();
        let blank = Sheet::new("Sheet1".into(), vec![vec![text("随便什么")]], Vec::new());
        assert!(read_tables(format, &[blank]).is_err());
        let words = Sheet::new(
            "年报".into(),
            vec![vec![
                text("一、本年新收政府信息公开申请数量"),
                Cell::Number(1.0),
                text("三个"),
                Cell::Number(0.0),
                Cell::Number(0.0),
                Cell::Number(0.0),
                Cell::Number(0.0),
                Cell::Number(1.0),
            ]],
            Vec::new(),
        );
        let err = read_tables(format, &[words]).expect_err("words");
        assert!(err.contains("第1行第3列“三个”不是数字"), "{err}");
    }
}
