//! The shared look of every table workbook: title, subtitle, header, print setup, body
//! formats, autofilter, and the download file name.
//!
//! The HTTP header for the download already exists: `crate::web::api::bulletin::xlsx_response`
//! sets `Content-Disposition` with an ASCII fallback and the UTF-8 `filename*`; pass it a
//! name from [`file_name`].

use chrono::NaiveDate;
use rust_xlsxwriter::{
    Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Worksheet, XlsxError,
};

/// Row of the title (bold 14pt).
pub const TITLE_ROW: u32 = 0;
/// Row of the subtitle line (as-of date, instructions).
pub const SUBTITLE_ROW: u32 = 1;
/// Row of the column headers.
pub const HEADER_ROW: u32 = 2;
/// First row of the table body.
pub const FIRST_BODY_ROW: u32 = 3;

/// The body font: 宋体, which every office's Windows and WPS has.
pub const FONT: &str = "宋体";
/// Body and header size in points: 五号, the usual size of a table in an official paper.
pub const FONT_SIZE: f64 = 10.5;
/// Title size in points.
const TITLE_FONT_SIZE: f64 = 14.0;
/// Windows' GB2312 character set, which Excel writes beside a Chinese font.
const GB2312_CHARSET: u8 = 134;
/// Excel's paper size code for A4.
pub const A4: u8 = 9;
/// Excel's paper size code for A3.
pub const A3: u8 = 8;
/// The footer: `第 3 页 共 12 页`, centred.
pub const PAGE_FOOTER: &str = "&C第 &P 页 共 &N 页";
/// A line of text takes this many times the font size: CJK fonts (宋体, and the Noto CJK
/// fonts LibreOffice puts in its place) have a tall line.
const LINE_SPACING: f64 = 1.45;
/// Points above and below the text of a row.
const ROW_PADDING: f64 = 4.0;
/// Excel's tallest row, in points.
pub const MAX_ROW_HEIGHT: f64 = 409.0;
/// Pixels Excel gives one unit of column width (the default font's widest digit).
const PIXELS_PER_WIDTH_UNIT: f64 = 7.0;
/// Pixels of a column's width the cell's padding and border take.
const CELL_PADDING_PIXELS: f64 = 3.0;

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
/// (A4 landscape, one page wide, header row on every page, page numbers in the footer);
/// returns the body formats, all in the office's [`FONT`].
pub fn begin(
    ws: &mut Worksheet,
    title: &str,
    subtitle: &str,
    columns: &[Column],
) -> Result<BodyFormats, XlsxError> {
    let title_format = font(Format::new())
        .set_bold()
        .set_font_size(TITLE_FONT_SIZE)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let head = font(Format::new())
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_background_color(Color::RGB(0xD9D9D9));
    let last_col = col_num(columns.len().max(1) - 1)?;
    // The title is centred over the table, as a printed table's title is.
    if last_col > 0 {
        ws.merge_range(
            TITLE_ROW,
            0,
            TITLE_ROW,
            last_col,
            cell_text(title).as_ref(),
            &title_format,
        )?;
    } else {
        ws.write_string_with_format(TITLE_ROW, 0, cell_text(title), &title_format)?;
    }
    ws.set_row_height(TITLE_ROW, TITLE_FONT_SIZE * LINE_SPACING + ROW_PADDING)?;
    ws.write_string_with_format(SUBTITLE_ROW, 0, cell_text(subtitle), &font(Format::new()))?;
    for (c, col) in columns.iter().enumerate() {
        let c = col_num(c)?;
        ws.write_string_with_format(HEADER_ROW, c, cell_text(&col.header), &head)?;
        ws.set_column_width(c, col.width)?;
    }
    ws.set_row_height(
        HEADER_ROW,
        row_height(columns.iter().map(|c| (c.header.as_str(), c.width))),
    )?;
    // Rows not sized by their writer still show one whole line of the body font.
    ws.set_default_row_height(row_height([("", 1.0)]));
    ws.set_freeze_panes(FIRST_BODY_ROW, 0)?;
    print_setup(ws);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    let text = font(Format::new())
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

/// A4 landscape, one page wide and as many down as needed, narrow margins and
/// `第 N 页 共 M 页` in the footer: how the office prints a table.
pub fn print_setup(ws: &mut Worksheet) {
    ws.set_paper_size(A4);
    ws.set_landscape();
    // Height 0: as many pages down as the rows need, but never a second page across.
    ws.set_print_fit_to_pages(1, 0);
    ws.set_margins(0.5, 0.5, 0.6, 0.7, 0.3, 0.3);
    ws.set_print_center_horizontally(true);
    ws.set_footer(PAGE_FOOTER);
}

/// The office's font set on a format: 宋体 with its Chinese character set, at the body
/// size (set a title's size after this).
pub fn font(f: Format) -> Format {
    f.set_font_name(FONT)
        .set_font_charset(GB2312_CHARSET)
        .set_font_size(FONT_SIZE)
}

/// Sets the autofilter over the header and `body_rows` rows below it.
pub fn finish(ws: &mut Worksheet, columns: usize, body_rows: u32) -> Result<(), XlsxError> {
    let last_col = col_num(columns.max(1) - 1)?;
    // With no body rows the filter still covers the header, so the buttons are there.
    ws.autofilter(HEADER_ROW, 0, HEADER_ROW + body_rows, last_col)?;
    Ok(())
}

/// A 合计 cell: the SUM of column `col` over the `rows` body rows from `first_row`, with
/// `value` as its cached result so readers that do not calculate see the sum too.
pub fn sum_formula(col: u16, first_row: u32, rows: u32, value: usize) -> Formula {
    let formula = if rows == 0 {
        Formula::new("0")
    } else {
        let letter = rust_xlsxwriter::utility::column_number_to_name(col);
        Formula::new(format!(
            "SUM({letter}{}:{letter}{})",
            first_row + 1,
            first_row + rows
        ))
    };
    formula.set_result(value.to_string())
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

/// The height in points that shows every line of the tallest of `cells` (text and its
/// column's width), in the body font; at most [`MAX_ROW_HEIGHT`]. Spreadsheet programs do
/// not grow a row to its wrapped text when a file is written, so the writer sets it.
pub fn row_height<'a>(cells: impl IntoIterator<Item = (&'a str, f64)>) -> f64 {
    let lines = cells
        .into_iter()
        .map(|(text, width)| lines_in(text, width))
        .max()
        .unwrap_or(1)
        .max(1);
    (lines as f64 * FONT_SIZE * LINE_SPACING + ROW_PADDING).min(MAX_ROW_HEIGHT)
}

/// The most lines of body text a row can show (the rest would be cut in print).
pub fn max_lines() -> usize {
    ((MAX_ROW_HEIGHT - ROW_PADDING) / (FONT_SIZE * LINE_SPACING)) as usize
}

/// How many lines `text` takes in a column `width` characters wide, wrapped as Excel and
/// LibreOffice wrap it: Chinese characters one by one, a run of Latin letters and digits
/// kept whole unless it is longer than a line, each `\n` starting a new line.
pub fn lines_in(text: &str, width: f64) -> usize {
    let line = line_capacity(width);
    text.split('\n').map(|p| paragraph_lines(p, line)).sum()
}

/// The width of one line of a column in half-em units of the body font, less one unit for
/// the punctuation that may not begin a line and is carried down with its character.
fn line_capacity(width: f64) -> f64 {
    let pixels = width * PIXELS_PER_WIDTH_UNIT - CELL_PADDING_PIXELS;
    let half_em = FONT_SIZE * 2.0 / 3.0; // points to pixels (×4/3), halved
    (pixels / half_em - 1.0).max(2.0)
}

/// A character's width in half-em units: 2 for Chinese and other wide characters; a little
/// more than 1 for Latin ones, which the fonts draw wider than half a Chinese character.
fn char_units(c: char) -> f64 {
    if c.is_ascii() {
        1.15
    } else {
        2.0
    }
}

fn paragraph_lines(p: &str, line: f64) -> usize {
    let mut lines = 1;
    let mut used = 0.0;
    let place = |w: f64, used: &mut f64, lines: &mut usize| {
        if *used + w > line && *used > 0.0 {
            *lines += 1;
            *used = 0.0;
        }
        *used += w;
    };
    let mut chars = p.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii() && !c.is_ascii_whitespace() {
            // A word: kept whole on a line when it fits on one.
            let mut word = char_units(c);
            while let Some(&n) = chars.peek() {
                if n.is_ascii() && !n.is_ascii_whitespace() {
                    word += char_units(n);
                    chars.next();
                } else {
                    break;
                }
            }
            if word <= line {
                place(word, &mut used, &mut lines);
            } else {
                // Longer than a line (an address): broken where the line ends.
                let mut rest = word;
                while rest > 0.0 {
                    let room = if used > 0.0 { line - used } else { line };
                    if rest <= room {
                        used += rest;
                        rest = 0.0;
                    } else {
                        rest -= room.max(0.0);
                        lines += 1;
                        used = 0.0;
                    }
                }
            }
        } else if c.is_whitespace() {
            if used > 0.0 {
                used += char_units(' ');
            }
        } else {
            place(char_units(c), &mut used, &mut lines);
        }
    }
    lines
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
    fn lines_grow_with_the_text_and_shrink_with_the_column() {
        // (text, column width, lines): a 40-wide column holds 19 Chinese characters a line
        // in 10.5pt 宋体.
        let long = "推".repeat(60);
        let cases: &[(&str, f64, usize)] = &[
            ("", 40.0, 1),
            ("已发布解读8篇", 40.0, 1),
            (&"推".repeat(19), 40.0, 1),
            (&"推".repeat(20), 40.0, 2),
            (&long, 40.0, 4),
            (&long, 20.0, 7),
            ("第一行\n第二行\n第三行", 40.0, 3),
            ("a\n\nb", 40.0, 3),
            // An address longer than the line is broken; a short word moves down whole.
            // 57 characters at 1.15 units in lines of 20.57 units.
            (
                "https://tyj.gz.gov.cn/zwgk/zcjd/content/post_7654321.html",
                22.0,
                4,
            ),
            ("推推推推推推 abcdefgh", 16.0, 2),
            ("abc defgh ij", 16.0, 1),
            ("abc defgh ijklm", 16.0, 2),
        ];
        for (text, width, want) in cases {
            assert_eq!(lines_in(text, *width), *want, "{text:?} in {width}");
        }
    }

    #[test]
    fn row_heights_follow_the_tallest_cell_up_to_excels_limit() {
        let one = row_height([("短", 10.0)]);
        let three = row_height([("短", 10.0), ("一\n二\n三", 10.0)]);
        assert!(one >= FONT_SIZE * 1.2, "{one}");
        assert!(
            (three - one - 2.0 * FONT_SIZE * LINE_SPACING).abs() < 0.01,
            "{one} {three}"
        );
        assert_eq!(
            row_height([(&"推".repeat(5000) as &str, 20.0)]),
            MAX_ROW_HEIGHT
        );
        assert!(max_lines() >= 25, "{}", max_lines());
    }

    #[test]
    fn widths_count_chinese_characters_double() {
        assert_eq!(text_width("序号"), 4);
        assert_eq!(text_width("ab\n推进情况"), 8);
        assert_eq!(text_width(""), 0);
    }
}
