//! The annual report's tables as an .xlsx workbook, one sheet per table.

use std::collections::HashMap;

use rust_xlsxwriter::{
    utility::row_col_to_cell, Color, Format, FormatAlign, FormatBorder, Formula, Workbook,
    Worksheet, XlsxError,
};

use super::{caption, column_widths, heading, place, CellKind, Grid, ReportDoc, ReportTable};
use crate::export::sheet::{self, HEADER_ROW, SUBTITLE_ROW, TITLE_ROW};

/// Excel's limit on sheet names, in UTF-16 units.
const SHEET_NAME_MAX: usize = 31;

/// Writes the report's tables as a workbook, one sheet per table.
pub fn xlsx(doc: &ReportDoc) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let formats = SheetFormats::new();
    let mut used = Vec::new();
    let mut index = 0;
    for part in &doc.parts {
        let heading = heading(part);
        for t in &part.tables {
            index += 1;
            // A table without a caption of its own (none, or its part's title again) is
            // named by the part's heading.
            let own = caption(part, t);
            let name = sheet_name(own.unwrap_or(heading.as_str()), index, &mut used);
            let ws = wb.add_worksheet();
            ws.set_name(name)?;
            let line = match own {
                Some(c) => format!("{heading}　{c}"),
                None => heading.clone(),
            };
            table_sheet(ws, &doc.title, &line, t, &formats)?;
        }
    }
    if index == 0 {
        // A workbook needs a sheet; say why it is empty rather than hand out a blank one.
        let ws = wb.add_worksheet();
        ws.set_name("说明")?;
        ws.write_string_with_format(TITLE_ROW, 0, sheet::cell_text(&doc.title), &formats.title)?;
        ws.write_string(SUBTITLE_ROW, 0, "本报告没有表格。")?;
    }
    wb.save_to_buffer()
}

/// The formats of a table sheet, the same look as [`sheet::begin`] gives other workbooks.
struct SheetFormats {
    title: Format,
    header: Format,
    label: Format,
    value: Format,
}

impl SheetFormats {
    fn new() -> Self {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter);
        Self {
            title: Format::new().set_bold().set_font_size(14),
            header: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xD9D9D9)),
            label: cell.clone().set_align(FormatAlign::Center),
            value: cell.set_align(FormatAlign::Right),
        }
    }
}

/// One table on its sheet: title, the part's heading and caption, the header rows from
/// [`HEADER_ROW`] down, then the body; spans become merged ranges.
fn table_sheet(
    ws: &mut Worksheet,
    title: &str,
    line: &str,
    t: &ReportTable,
    f: &SheetFormats,
) -> Result<(), XlsxError> {
    let g = place(t).map_err(|e| XlsxError::CustomError(e.to_string()))?;
    ws.write_string_with_format(TITLE_ROW, 0, sheet::cell_text(title), &f.title)?;
    ws.write_string(SUBTITLE_ROW, 0, sheet::cell_text(line))?;
    let widths = column_widths(&g);
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(col_num(c)?, *w)?;
    }
    for (r, height) in row_heights(&g, &widths).into_iter().enumerate() {
        if let Some(h) = height {
            ws.set_row_height(HEADER_ROW + row_num(r)?, h)?;
        }
    }
    // Totals stay formulas, so a figure corrected in the workbook carries through.
    let totals: HashMap<(usize, usize), &[(usize, usize)]> =
        t.totals.iter().map(|x| (x.cell, x.of.as_slice())).collect();
    let figure_at = |(r, c): (usize, usize)| {
        g.owner
            .get(r)
            .and_then(|line| line.get(c).copied().flatten())
            .map(|(row, i)| &g.rows[row][i])
            .filter(|p| p.row == r && p.col == c)
            .and_then(|p| number(&p.cell.text))
            .unwrap_or(0.0)
    };
    for p in g.rows.iter().flatten() {
        let (row, col) = (HEADER_ROW + row_num(p.row)?, col_num(p.col)?);
        let format = match p.cell.kind {
            CellKind::Header => &f.header,
            CellKind::Label => &f.label,
            CellKind::Value => &f.value,
        };
        let text = sheet::cell_text(&p.cell.text);
        // Only figures become numbers: a header such as "2021" stays text.
        let value = match p.cell.kind {
            CellKind::Value => number(&p.cell.text),
            _ => None,
        };
        if p.rows > 1 || p.cols > 1 {
            let last_row = row + row_num(p.rows - 1)?;
            let last_col = col + col_num(p.cols - 1)?;
            let shown = if value.is_some() { "" } else { text.as_ref() };
            ws.merge_range(row, col, last_row, last_col, shown, format)?;
        } else if value.is_none() && text.is_empty() {
            ws.write_blank(row, col, format)?;
        } else if value.is_none() {
            ws.write_string_with_format(row, col, text.as_ref(), format)?;
        }
        if let Some(of) = totals.get(&(p.row, p.col)) {
            // The cached result is what the formula gives, for readers that do not calculate.
            let sum: f64 = of.iter().map(|&at| figure_at(at)).sum();
            let formula =
                Formula::new(sum_formula(of)?).set_result(crate::domain::annual_report::show(sum));
            ws.write_formula_with_format(row, col, formula, format)?;
        } else if let Some(v) = value {
            ws.write_number_with_format(row, col, v, format)?;
        }
    }
    // Positions no cell covers (a short row) still get their borders.
    for (r, line) in g.owner.iter().enumerate() {
        for (c, owner) in line.iter().enumerate() {
            if owner.is_none() {
                ws.write_blank(HEADER_ROW + row_num(r)?, col_num(c)?, &f.value)?;
            }
        }
    }
    let first_body = HEADER_ROW + row_num(g.header_rows)?;
    if g.header_rows > 0 {
        ws.set_freeze_panes(first_body, 0)?;
        ws.set_repeat_rows(HEADER_ROW, first_body - 1)?;
    }
    ws.set_paper_size(9); // A4
    ws.set_landscape();
    // Height 0: as many pages down as the rows need, but never a second page across.
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// Heights in points of the grid rows whose text wraps onto more than one line, None for
/// the rest. Excel and LibreOffice fit a row to wrapped text themselves, but never for a
/// merged cell, whose text would otherwise be cut off; a cell spanning several rows shares
/// its lines out among them.
fn row_heights(g: &Grid<'_>, widths: &[f64]) -> Vec<Option<f64>> {
    /// One line of the default 11 pt font.
    const LINE: f64 = 15.0;
    let mut lines = vec![1.0_f64; g.rows.len()];
    for p in g.rows.iter().flatten() {
        // A character's width less for the cell's padding.
        let room = (widths[p.col..p.col + p.cols].iter().sum::<f64>() - 1.0).max(1.0);
        let needed: f64 = p
            .cell
            .text
            .split('\n')
            .map(|l| (sheet::text_width(l) as f64 / room).ceil().max(1.0))
            .sum();
        let per_row = needed / p.rows as f64;
        for l in &mut lines[p.row..p.row + p.rows] {
            *l = l.max(per_row);
        }
    }
    lines
        .into_iter()
        .map(|l| (l > 1.0).then(|| l.ceil() * LINE))
        .collect()
}

/// `SUM(…)` over grid positions (below the header row offset), runs of neighbouring cells
/// in a column or a row written as ranges (`D8:D28`).
fn sum_formula(of: &[(usize, usize)]) -> Result<String, XlsxError> {
    let cell = |(r, c): (usize, usize)| -> Result<String, XlsxError> {
        Ok(row_col_to_cell(HEADER_ROW + row_num(r)?, col_num(c)?))
    };
    let mut runs: Vec<((usize, usize), (usize, usize))> = Vec::new();
    for &at in of {
        match runs.last_mut() {
            // Down a column: the run so far is in that column and `at` is just below.
            Some((start, end)) if start.1 == at.1 && end.1 == at.1 && at.0 == end.0 + 1 => {
                *end = at
            }
            // Along a row: the run so far is in that row and `at` is just right of it.
            Some((start, end)) if start.0 == at.0 && end.0 == at.0 && at.1 == end.1 + 1 => {
                *end = at
            }
            _ => runs.push((at, at)),
        }
    }
    let parts = runs
        .into_iter()
        .map(|(a, b)| {
            Ok(if a == b {
                cell(a)?
            } else {
                format!("{}:{}", cell(a)?, cell(b)?)
            })
        })
        .collect::<Result<Vec<_>, XlsxError>>()?;
    Ok(format!("SUM({})", parts.join(",")))
}

/// The figure a value cell's text reads as, if it reads as one.
fn number(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A sheet name Excel takes: no `[]:*?/\`, not blank, not starting or ending with an
/// apostrophe, at most 31 UTF-16 units, and unlike (ignoring case) every name in `used`.
fn sheet_name(wanted: &str, index: usize, used: &mut Vec<String>) -> String {
    let cleaned: String = wanted
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let fitted = |max: usize| {
        let cut = cut_utf16(cleaned.trim(), max);
        let cut = cut.trim().trim_matches('\'').trim();
        if cut.is_empty() {
            format!("表{index}")
        } else {
            cut.to_string()
        }
    };
    let taken = |name: &str, used: &[String]| {
        let lower = name.to_lowercase();
        // Excel keeps "History" for its change tracking.
        lower == "history" || used.iter().any(|u| u.to_lowercase() == lower)
    };
    let mut name = fitted(SHEET_NAME_MAX);
    let mut k = 2;
    while taken(&name, used) {
        let suffix = format!("（{k}）");
        name = format!(
            "{}{suffix}",
            fitted(SHEET_NAME_MAX - suffix.encode_utf16().count())
        );
        k += 1;
    }
    used.push(name.clone());
    name
}

/// The longest prefix of `s` within `max` UTF-16 units.
fn cut_utf16(s: &str, max: usize) -> &str {
    let mut used = 0;
    for (i, ch) in s.char_indices() {
        used += ch.len_utf16();
        if used > max {
            return &s[..i];
        }
    }
    s
}

fn row_num(r: usize) -> Result<u32, XlsxError> {
    u32::try_from(r).map_err(|_| XlsxError::RowColumnLimitError)
}

fn col_num(c: usize) -> Result<u16, XlsxError> {
    u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::annual_report::docx;
    use crate::export::annual_report::tests::{applications, entry, sample};
    use calamine::{Data, Reader, Xlsx};
    use std::io::Cursor;

    fn read_xlsx(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
        Xlsx::new(Cursor::new(bytes.to_vec())).expect("xlsx")
    }

    #[test]
    fn xlsx_has_a_sheet_per_table_with_numbers_and_merged_headers() {
        let bytes = xlsx(&sample()).expect("xlsx");
        let mut x = read_xlsx(&bytes);
        assert_eq!(
            x.sheet_names(),
            vec![
                "二、主动公开政府信息情况".to_string(),
                "三、收到和处理政府信息公开申请情况".to_string(),
            ],
            "captions that repeat the part's title give way to the heading"
        );
        let name = "三、收到和处理政府信息公开申请情况";
        let r = x.worksheet_range(name).expect("sheet");
        let at = |row: u32, col: u32| r.get_value((row, col)).cloned().unwrap_or(Data::Empty);
        assert_eq!(
            at(0, 0),
            Data::String("广州市体育局2021年政府信息公开工作年度报告".into())
        );
        assert_eq!(at(1, 0), Data::String(name.into()));
        assert_eq!(
            at(2, 0),
            Data::String(
                "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）".into()
            )
        );
        assert_eq!(at(2, 3), Data::String("申请人情况".into()));
        assert_eq!(at(3, 3), Data::String("自然人".into()));
        assert_eq!(at(3, 4), Data::String("法人或其他组织".into()));
        assert_eq!(at(3, 9), Data::String("总计".into()));
        assert_eq!(at(4, 8), Data::String("其他".into()));
        // Covered cells of a merge are empty.
        assert_eq!(at(2, 4), Data::Empty);
        assert_eq!(at(4, 3), Data::Empty);
        // Body from row 5: labels and numbers as numbers.
        assert_eq!(
            at(5, 0),
            Data::String("一、本年新收政府信息公开申请数量".into())
        );
        assert_eq!(at(5, 3), Data::Float(40.0));
        assert_eq!(at(5, 9), Data::Float(44.0));
        assert_eq!(at(7, 0), Data::String("三、本年度办理结果".into()));
        assert_eq!(at(9, 1), Data::String("（三）不予公开".into()));
        assert_eq!(at(9, 2), Data::String("1.属于国家秘密".into()));
        assert_eq!(at(17, 3), Data::Float(8.0), "1.本机关不掌握相关政府信息");
        assert_eq!(at(28, 1), Data::String("（七）总计".into()));
        assert_eq!(at(28, 9), Data::Float(43.0));
        assert_eq!(at(29, 9), Data::Float(3.0));
        assert_eq!(r.end(), Some((29, 9)));
        let merged = x.merge_cells_by_sheet_name(name).expect("merged");
        let has = |start: (u32, u32), end: (u32, u32)| {
            merged.iter().any(|d| d.start == start && d.end == end)
        };
        assert!(has((2, 0), (4, 2)), "the corner: 3 columns × 3 rows");
        assert!(has((2, 3), (2, 9)), "申请人情况 across 7 columns");
        assert!(has((3, 3), (4, 3)), "自然人 down 2 rows");
        assert!(has((7, 0), (28, 0)), "三、本年度办理结果 down 22 rows");
        assert!(has((9, 1), (16, 1)), "（三）不予公开 down 8 rows");
        assert!(has((5, 0), (5, 2)), "一、… across the 3 label columns");

        // Totals are formulas over the cells, with the figures cached for readers that do
        // not calculate.
        let formulas = x.worksheet_formula(name).expect("formulas");
        let formula = |row: u32, col: u32| formulas.get_value((row, col)).cloned();
        assert_eq!(formula(5, 9).as_deref(), Some("SUM(D6:I6)"), "总计 of 一");
        assert_eq!(formula(6, 9).as_deref(), Some("SUM(D7:I7)"), "总计 of 二");
        assert_eq!(formula(28, 3).as_deref(), Some("SUM(D8:D28)"), "（七）总计");
        assert_eq!(
            at(28, 3),
            Data::Float(40.0),
            "cached: the sum of the results"
        );
        assert_eq!(at(5, 9), Data::Float(44.0));
        assert_eq!(
            formula(5, 3).unwrap_or_default(),
            "",
            "an entered figure stays a number"
        );

        let name = "二、主动公开政府信息情况";
        let r = x.worksheet_range(name).expect("sheet");
        let at = |row: u32, col: u32| r.get_value((row, col)).cloned().unwrap_or(Data::Empty);
        assert_eq!(at(1, 0), Data::String(name.into()));
        assert_eq!(at(2, 0), Data::String("第二十条第（一）项".into()));
        assert_eq!(at(3, 1), Data::String("本年制发件数".into()));
        assert_eq!(at(4, 3), Data::Float(3.0));
        assert_eq!(at(5, 3), Data::Empty, "blank stays blank");
        assert_eq!(at(8, 0), Data::String("行政许可".into()));
        assert_eq!(at(8, 1), Data::Float(1280.0));
        assert_eq!(at(11, 1), Data::Float(12.35));
        let merged = x.merge_cells_by_sheet_name(name).expect("merged");
        let has = |start: (u32, u32), end: (u32, u32)| {
            merged.iter().any(|d| d.start == start && d.end == end)
        };
        assert!(has((2, 0), (2, 3)), "a group's title across the grid");
        assert!(has((11, 1), (11, 3)), "行政事业性收费's amount to the edge");
    }

    #[test]
    fn sum_formulas_write_runs_as_ranges() {
        let cases: Vec<(Vec<(usize, usize)>, &str)> = vec![
            (vec![(0, 0)], "SUM(A3)"),
            (vec![(0, 0), (1, 0), (2, 0)], "SUM(A3:A5)"),
            (vec![(0, 1), (0, 2), (0, 3)], "SUM(B3:D3)"),
            (vec![(0, 0), (2, 0), (3, 0)], "SUM(A3,A5:A6)"),
            (vec![(0, 0), (1, 0), (1, 1)], "SUM(A3:A4,B4)"),
        ];
        for (of, want) in cases {
            assert_eq!(sum_formula(&of).expect("formula"), want, "{of:?}");
        }
    }

    #[test]
    fn xlsx_rows_are_tall_enough_for_wrapped_merged_text() {
        let t = applications();
        let g = place(&t).expect("place");
        let heights = row_heights(&g, &column_widths(&g));
        // （二）部分公开（区分处理的…）: 58 units over two label columns.
        assert!(heights[3 + 3].is_some_and(|h| h >= 30.0), "{heights:?}");
        // The corner's two lines fit in the three header rows it spans.
        assert_eq!(heights[..3], [None, None, None]);
        // 1.申请人无正当理由逾期不补正…: longer than its 40-unit column.
        assert!(heights[3 + 20].is_some(), "{heights:?}");
        // A row of one-line labels keeps the default height.
        assert_eq!(heights[3 + 5], None, "2.其他法律行政法规禁止公开");
    }

    #[test]
    fn xlsx_freezes_and_repeats_the_header_rows() {
        let bytes = xlsx(&sample()).expect("xlsx");
        let sheet3 = entry(&bytes, "xl/worksheets/sheet2.xml");
        assert!(
            sheet3.contains("ySplit=\"5\""),
            "frozen below the 3 header rows"
        );
        assert!(sheet3.contains("orientation=\"landscape\""));
        assert!(sheet3.contains("paperSize=\"9\""));
        let workbook = entry(&bytes, "xl/workbook.xml");
        assert!(
            workbook.contains("$3:$5"),
            "header rows repeat when printed"
        );
    }

    #[test]
    fn sheet_names_are_cut_cleaned_and_unique() {
        let mut used = Vec::new();
        let long = "（一）主动公开政府信息情况及其他需要说明的事项和附带的很长很长的说明文字";
        let a = sheet_name(long, 1, &mut used);
        assert_eq!(a.encode_utf16().count(), 31);
        assert!(long.starts_with(&a));
        let b = sheet_name(long, 2, &mut used);
        assert!(
            b.ends_with("（2）") && b.encode_utf16().count() <= 31,
            "{b}"
        );
        assert_ne!(a, b);
        assert_eq!(
            sheet_name("a/b\\c:d*e?f[g]h", 3, &mut used),
            "a_b_c_d_e_f_g_h"
        );
        assert_eq!(sheet_name("  ", 4, &mut used), "表4");
        assert_eq!(sheet_name("'引号'", 5, &mut used), "引号");
        assert_eq!(sheet_name("History", 6, &mut used), "History（2）");
        assert_eq!(sheet_name("TABLE", 7, &mut used), "TABLE");
        assert_eq!(sheet_name("table", 8, &mut used), "table（2）");
        for n in &used {
            rust_xlsxwriter::utility::check_sheet_name(n).expect("Excel takes it");
        }
    }

    #[test]
    fn a_report_without_tables_still_makes_a_workbook() {
        let mut d = sample();
        for p in &mut d.parts {
            p.tables.clear();
        }
        let bytes = xlsx(&d).expect("xlsx");
        let x = read_xlsx(&bytes);
        assert_eq!(x.sheet_names(), vec!["说明".to_string()]);
        docx(&d).expect("docx without tables");
    }
}
