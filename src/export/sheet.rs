//! The shared look of every table workbook: title, subtitle, header, print setup, body
//! formats, autofilter, and the download file name.
//!
//! The HTTP header for the download already exists: `crate::web::api::bulletin::xlsx_response`
//! sets `Content-Disposition` with an ASCII fallback and the UTF-8 `filename*`; pass it a
//! name from [`file_name`].

use chrono::NaiveDate;
use rust_xlsxwriter::{
    Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Worksheet, XlsxError,
};

/// Row of the title (bold 14pt).
pub const TITLE_ROW: u32 = 0;
/// Row of the subtitle line (as-of date, instructions).
pub const SUBTITLE_ROW: u32 = 1;
/// Row of the column headers.
pub const HEADER_ROW: u32 = 2;
/// First row of the table body.
pub const FIRST_BODY_ROW: u32 = 3;

/// Excel refuses strings longer than this (UTF-16 units); a longer cell would fail the
/// whole export, so [`cell_text`] shortens it instead.
const MAX_CELL_UTF16: usize = 32_767;

/// One column of a table sheet: its header text and width in characters.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Header text shown on the header row.
    pub header: String,
    /// Width in Excel character units (a Chinese character takes about 2).
    pub width: f64,
}

impl Column {
    /// A column with the given header and width.
    pub fn new(header: impl Into<String>, width: f64) -> Self {
        Self {
            header: header.into(),
            width,
        }
    }
}

/// Formats for body cells, created once per sheet so writing a cell never builds one.
#[derive(Debug, Clone)]
pub struct BodyFormats {
    /// Text: thin border, wrapped, aligned to the top.
    pub text: Format,
    /// Date: as `text`, shown as `yyyy-mm-dd`.
    pub date: Format,
    /// Whole number: as `text`, right-aligned by Excel.
    pub number: Format,
    /// Ratio shown as a percentage with one decimal.
    pub percent: Format,
}

/// Writes title, subtitle and header, freezes panes below the header and sets up printing
/// (A4 landscape, one page wide, header repeated); returns the body formats.
pub fn begin(
    ws: &mut Worksheet,
    title: &str,
    subtitle: &str,
    columns: &[Column],
) -> Result<BodyFormats, XlsxError> {
    let title_format = Format::new().set_bold().set_font_size(14);
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_background_color(Color::RGB(0xD9D9D9));
    ws.write_string_with_format(TITLE_ROW, 0, cell_text(title), &title_format)?;
    ws.write_string(SUBTITLE_ROW, 0, cell_text(subtitle))?;
    for (c, col) in columns.iter().enumerate() {
        let c = col_num(c)?;
        ws.write_string_with_format(HEADER_ROW, c, cell_text(&col.header), &head)?;
        ws.set_column_width(c, col.width)?;
    }
    ws.set_freeze_panes(FIRST_BODY_ROW, 0)?;
    ws.set_paper_size(9); // A4
    ws.set_landscape();
    // Height 0: as many pages down as the rows need, but never a second page across.
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    let text = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    Ok(BodyFormats {
        date: text.clone().set_num_format("yyyy-mm-dd"),
        number: text.clone().set_num_format("0"),
        percent: text.clone().set_num_format("0.0%"),
        text,
    })
}

/// Sets the autofilter over the header and `body_rows` rows below it.
pub fn finish(ws: &mut Worksheet, columns: usize, body_rows: u32) -> Result<(), XlsxError> {
    let last_col = col_num(columns.max(1) - 1)?;
    // With no body rows the filter still covers the header, so the buttons are there.
    ws.autofilter(HEADER_ROW, 0, HEADER_ROW + body_rows, last_col)?;
    Ok(())
}

/// Writes a date cell, or a bordered blank when there is no date.
pub fn write_date(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    date: Option<NaiveDate>,
    f: &BodyFormats,
) -> Result<(), XlsxError> {
    match date.and_then(excel_date) {
        Some(d) => ws.write_date_with_format(row, col, &d, &f.date)?,
        None => ws.write_blank(row, col, &f.text)?,
    };
    Ok(())
}

/// A chrono date as Excel's date (None outside 1900–9999, which Excel cannot show).
pub fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    use chrono::Datelike;
    let year = u16::try_from(d.year()).ok()?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8).ok()
}

/// The text as Excel will take it: cut (with a note) above Excel's 32,767-unit cell limit.
pub fn cell_text(s: &str) -> std::borrow::Cow<'_, str> {
    // UTF-8 bytes are never fewer than UTF-16 units, so short byte lengths need no count.
    if s.len() <= MAX_CELL_UTF16 || s.encode_utf16().count() <= MAX_CELL_UTF16 {
        return std::borrow::Cow::Borrowed(s);
    }
    const NOTE: &str = "……（内容过长，已截断）";
    let budget = MAX_CELL_UTF16 - NOTE.encode_utf16().count();
    let mut used = 0;
    let mut out = String::new();
    for ch in s.chars() {
        used += ch.len_utf16();
        if used > budget {
            break;
        }
        out.push(ch);
    }
    out.push_str(NOTE);
    std::borrow::Cow::Owned(out)
}

/// The display width of a text in Excel character units: 2 for CJK and other wide
/// characters, 1 otherwise; the longest line counts.
pub fn text_width(s: &str) -> usize {
    s.lines()
        .map(|l| l.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum())
        .max()
        .unwrap_or(0)
}

/// The download name, e.g. `2021年政务公开工作要点-工作台账-20261124.xlsx`, with
/// characters Windows and other systems refuse in file names replaced by `_`.
pub fn file_name(plan_title: &str, kind: &str, date: NaiveDate) -> String {
    let stem = format!(
        "{}-{}-{}",
        plan_title.trim(),
        kind.trim(),
        date.format("%Y%m%d")
    );
    let safe: String = stem
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    format!("{safe}.xlsx")
}

fn col_num(c: usize) -> Result<u16, XlsxError> {
    u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_chinese_and_drop_illegal_characters() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
        assert_eq!(
            file_name("2021年政务公开工作要点", "工作台账", d),
            "2021年政务公开工作要点-工作台账-20261124.xlsx"
        );
        assert_eq!(
            file_name(" a/b\\c:d*e?f\"g<h>i|j\tk\n ", "处室汇总", d),
            "a_b_c_d_e_f_g_h_i_j_k-处室汇总-20261124.xlsx"
        );
    }

    #[test]
    fn over_long_cells_are_cut_with_a_note() {
        let long = "推".repeat(40_000);
        let cut = cell_text(&long);
        assert!(cut.encode_utf16().count() <= MAX_CELL_UTF16);
        assert!(cut.ends_with("（内容过长，已截断）"));
        assert!(matches!(cell_text("短文本"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn widths_count_chinese_characters_double() {
        assert_eq!(text_width("序号"), 4);
        assert_eq!(text_width("ab\n推进情况"), 8);
        assert_eq!(text_width(""), 0);
    }
}
