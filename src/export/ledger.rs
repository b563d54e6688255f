//! The ledger (工作台账) as an .xlsx workbook of two sheets: "工作台账", the columns a
//! printed ledger needs, sized to print on A4 landscape at a readable scale; and "台账明细",
//! the plan's own columns with status, dates, each period's progress and the evidence.

use std::borrow::Cow;

use chrono::NaiveDate;
use rust_xlsxwriter::{
    ConditionalFormatText, ConditionalFormatTextRule, Format, Workbook, Worksheet, XlsxError,
};

use super::sheet::{self, BodyFormats, Column, FIRST_BODY_ROW};
use crate::domain::period;

/// Name of the printed ledger's worksheet (the first).
pub const SHEET: &str = "工作台账";
/// Name of the worksheet with every column (the second).
pub const DETAIL_SHEET: &str = "台账明细";

/// Everything the ledger shows, already read from the database.
#[derive(Debug, Clone, PartialEq)]
pub struct Ledger {
    /// The plan's title, e.g. "2021年政务公开工作要点".
    pub plan_title: String,
    /// The day the figures are as of.
    pub as_of: NaiveDate,
    /// The plan's own column headers as imported, in their order, 序号 first when the plan
    /// wrote its numbers inside the text (e.g. ["序号","工作任务","具体要求","责任处室","完成时限"]).
    pub columns: Vec<String>,
    /// Reporting periods shown as progress columns, e.g. ["2021-Q1","2021-Q2"].
    pub periods: Vec<String>,
    /// One row per item, in plan order.
    pub rows: Vec<LedgerRow>,
}

/// One item of the ledger.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LedgerRow {
    /// The item's number in the plan (序号).
    pub number: String,
    /// The section heading path joined with " / " ("" when none).
    pub section: String,
    /// 工作任务.
    pub task: String,
    /// 具体要求.
    pub requirement: String,
    /// The lead divisions now (placeholders as written), joined with "、".
    pub lead: String,
    /// The supporting divisions now, joined with "、".
    pub support: String,
    /// The deadline as the plan wrote it (完成时限).
    pub deadline: String,
    /// One cell per `Ledger::columns`, as the plan wrote it.
    pub plan_cells: Vec<String>,
    /// The deadline state as users read it, e.g. "按时完成", "已逾期".
    pub status: String,
    /// The date the item is due, when it has one.
    pub due: Option<NaiveDate>,
    /// The date it was completed, when it is.
    pub completed_on: Option<NaiveDate>,
    /// The accepted progress text per period, same order as `Ledger::periods` ("" when none).
    pub progress: Vec<String>,
    /// The supporting divisions' parts per period, same order as `Ledger::periods`, one
    /// "处室：内容" line each ("" when none).
    pub contributions: Vec<String>,
    /// The evidence of the accepted reports: files and web links.
    pub evidence: Vec<EvidenceEntry>,
}

/// One piece of evidence as the ledger names it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EvidenceEntry {
    /// The file's name or the web page's title.
    pub name: String,
    /// The web page's address (None for a file).
    pub address: Option<String>,
}

impl EvidenceEntry {
    /// As a person reads it: the file's name, or the page's title with its address.
    pub fn shown(&self) -> String {
        match self.address.as_deref().map(str::trim) {
            Some(a) if !a.is_empty() && self.name.trim() != a && !self.name.trim().is_empty() => {
                format!("{}（{a}）", self.name.trim())
            }
            Some(a) if !a.is_empty() => a.to_string(),
            _ => self.name.clone(),
        }
    }
}

/// The printed sheet's columns: header and width. Their widths add up to what A4
/// landscape holds at about 80% (see [`PRINT_WIDTH_BUDGET`]).
const PRINT_COLUMNS: [(&str, f64); 10] = [
    ("序号", 6.0),
    ("工作任务", 16.0),
    ("具体要求", 34.0),
    ("牵头处室", 11.0),
    ("配合处室", 11.0),
    ("完成时限", 10.0),
    ("时限状态", 9.0),
    ("推进情况", 38.0),
    ("配合处室落实情况", 22.0),
    ("佐证材料", 22.0),
];
/// Position of 时限状态 among [`PRINT_COLUMNS`].
const PRINT_STATUS_COL: u16 = 6;

/// A period's name and its lead's progress: `2021年第一季度：已发布…`.
const PROGRESS_AFTER_LABEL: &str = "：";
/// A period's name and a supporting division's part, which names its division:
/// `2021年第一季度 办公室：已审核…`.
const PARTS_AFTER_LABEL: &str = " ";

/// What a cell cut to fit the printed row ends with.
const CUT_NOTE: &str = "……（全文见“台账明细”表）";

/// Rows looked at when sizing a plan column: enough to see the column's kind, few enough
/// that a 10,000-row ledger does not pay for it.
const WIDTH_SAMPLE: usize = 200;

/// Writes the ledger workbook: "工作台账" to print, "台账明细" with every column.
pub fn workbook(l: &Ledger) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let title = format!("{} 工作台账", l.plan_title);
    let subtitle = format!("截至 {}", l.as_of);
    print_sheet(wb.add_worksheet(), l, &title, &subtitle)?;
    detail_sheet(wb.add_worksheet(), l, &title, &subtitle)?;
    wb.save_to_buffer()
}

/// The printed ledger: one line per item with the columns the office hands in, every row
/// as tall as its text.
fn print_sheet(
    ws: &mut Worksheet,
    l: &Ledger,
    title: &str,
    subtitle: &str,
) -> Result<(), XlsxError> {
    ws.set_name(SHEET)?;
    let columns: Vec<Column> = PRINT_COLUMNS
        .iter()
        .map(|(h, w)| Column::new(*h, *w))
        .collect();
    let f = sheet::begin(ws, title, subtitle, &columns)?;
    for (i, row) in l.rows.iter().enumerate() {
        let r = body_row(i)?;
        let cells = print_cells(&l.periods, row);
        let fitted: Vec<Cow<'_, str>> = cells
            .iter()
            .zip(&columns)
            .map(|(text, col)| fit_for_print(text, col.width))
            .collect();
        for (c, text) in fitted.iter().enumerate() {
            ws.write_string_with_format(r, c as u16, sheet::cell_text(text), &f.text)?;
        }
        ws.set_row_height(
            r,
            sheet::row_height(
                fitted
                    .iter()
                    .zip(&columns)
                    .map(|(t, c)| (t.as_ref(), c.width)),
            ),
        )?;
    }
    let body_rows = body_rows(l)?;
    mark_overdue(ws, PRINT_STATUS_COL, body_rows)?;
    sheet::finish(ws, columns.len(), body_rows)
}

/// Every column: the plan's own, status, dates, each period's progress, the supporting
/// divisions' parts and the evidence. Wide: printed on A3.
fn detail_sheet(
    ws: &mut Worksheet,
    l: &Ledger,
    title: &str,
    subtitle: &str,
) -> Result<(), XlsxError> {
    ws.set_name(DETAIL_SHEET)?;
    let mut columns = vec![Column::new("所属部分", 18.0)];
    for (i, h) in l.columns.iter().enumerate() {
        columns.push(Column::new(h.as_str(), plan_column_width(l, i)));
    }
    let status_col = columns.len();
    columns.push(Column::new("时限状态", 10.0));
    columns.push(Column::new("应完成日期", 12.0));
    columns.push(Column::new("完成日期", 12.0));
    for p in &l.periods {
        columns.push(Column::new(period_header(p), 40.0));
    }
    columns.push(Column::new("配合处室落实情况", 40.0));
    columns.push(Column::new("佐证材料数", 8.0));
    columns.push(Column::new("佐证材料", 30.0));
    let f = sheet::begin(ws, title, subtitle, &columns)?;
    ws.set_paper_size(sheet::A3);

    let plan_cols = l.columns.len();
    for (i, row) in l.rows.iter().enumerate() {
        let r = body_row(i)?;
        let mut texts: Vec<(u16, Cow<'_, str>)> = Vec::with_capacity(columns.len());
        let mut c: u16 = 0;
        texts.push((c, Cow::Borrowed(row.section.as_str())));
        // A row shorter than the header still gets bordered blanks; extra cells are dropped
        // since they have no header to sit under.
        for k in 0..plan_cols {
            c += 1;
            let cell = row.plan_cells.get(k).map_or("", String::as_str);
            texts.push((c, Cow::Borrowed(cell)));
        }
        texts.push((c + 1, Cow::Borrowed(row.status.as_str())));
        write_dates(ws, r, c + 2, row, &f)?;
        c += 4;
        for k in 0..l.periods.len() {
            let cell = row.progress.get(k).map_or("", String::as_str);
            texts.push((c, Cow::Borrowed(cell)));
            c += 1;
        }
        texts.push((c, Cow::Owned(parts_text(&l.periods, &row.contributions))));
        ws.write_number_with_format(r, c + 1, row.evidence.len() as f64, &f.number)?;
        texts.push((c + 2, Cow::Owned(evidence_text(&row.evidence))));
        for (col, text) in &texts {
            ws.write_string_with_format(r, *col, sheet::cell_text(text), &f.text)?;
        }
        ws.set_row_height(
            r,
            sheet::row_height(
                texts
                    .iter()
                    .map(|(col, t)| (t.as_ref(), columns[usize::from(*col)].width)),
            ),
        )?;
    }
    let body_rows = body_rows(l)?;
    mark_overdue(ws, status_col as u16, body_rows)?;
    sheet::finish(ws, columns.len(), body_rows)
}

/// The printed sheet's cells of an item, in the order of its columns, before a text too
/// long for one printed row is cut.
pub fn print_cells(periods: &[String], row: &LedgerRow) -> [String; 10] {
    [
        row.number.clone(),
        row.task.clone(),
        row.requirement.clone(),
        row.lead.clone(),
        row.support.clone(),
        row.deadline.clone(),
        row.status.clone(),
        progress_text(periods, &row.progress),
        parts_text(periods, &row.contributions),
        evidence_text(&row.evidence),
    ]
}

/// Each period's accepted progress after the period's Chinese name, one period a line.
pub fn progress_text(periods: &[String], progress: &[String]) -> String {
    by_period(periods, progress, PROGRESS_AFTER_LABEL)
}

/// Each period's supporting parts after the period's Chinese name.
pub fn parts_text(periods: &[String], parts: &[String]) -> String {
    by_period(periods, parts, PARTS_AFTER_LABEL)
}

/// The evidence, one file or page a line.
pub fn evidence_text(evidence: &[EvidenceEntry]) -> String {
    evidence
        .iter()
        .map(EvidenceEntry::shown)
        .collect::<Vec<_>>()
        .join("\n")
}

fn write_dates(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    row: &LedgerRow,
    f: &BodyFormats,
) -> Result<(), XlsxError> {
    sheet::write_date(ws, r, c, row.due, f)?;
    sheet::write_date(ws, r, c + 1, row.completed_on, f)
}

fn body_row(i: usize) -> Result<u32, XlsxError> {
    u32::try_from(i)
        .ok()
        .and_then(|i| FIRST_BODY_ROW.checked_add(i))
        .ok_or(XlsxError::RowColumnLimitError)
}

fn body_rows(l: &Ledger) -> Result<u32, XlsxError> {
    u32::try_from(l.rows.len()).map_err(|_| XlsxError::RowColumnLimitError)
}

/// Overdue items stand out in red, also after sorting or filtering.
fn mark_overdue(ws: &mut Worksheet, col: u16, body_rows: u32) -> Result<(), XlsxError> {
    if body_rows == 0 {
        return Ok(());
    }
    let red = Format::new().set_font_color(rust_xlsxwriter::Color::RGB(0xC00000));
    let overdue = ConditionalFormatText::new()
        .set_rule(ConditionalFormatTextRule::Contains("逾期".to_string()))
        .set_format(red);
    ws.add_conditional_format(
        FIRST_BODY_ROW,
        col,
        FIRST_BODY_ROW + body_rows - 1,
        col,
        &overdue,
    )?;
    Ok(())
}

/// Each period's text after its Chinese name (`2021年第一季度：…`; `after_label` is what
/// follows the name on one line), periods without text left out.
fn by_period(periods: &[String], texts: &[String], after_label: &str) -> String {
    let mut out = String::new();
    for (p, text) in periods.iter().zip(texts) {
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&period::label(p));
        // Several divisions' lines start on their own line under the period.
        out.push_str(if text.contains('\n') {
            "\n"
        } else {
            after_label
        });
        out.push_str(text);
    }
    out
}

/// The text as the printed row can show it: whole when it fits in Excel's tallest row,
/// otherwise cut where the row ends with a note that the full text is on the detail sheet,
/// so a printed page never silently drops its end.
fn fit_for_print(text: &str, width: f64) -> Cow<'_, str> {
    let max = sheet::max_lines();
    if sheet::lines_in(text, width) <= max {
        return Cow::Borrowed(text);
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    // The longest prefix that fits with the note: lines only grow with the prefix.
    let (mut lo, mut hi) = (0usize, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let end = chars.get(mid).map_or(text.len(), |(b, _)| *b);
        if sheet::lines_in(&format!("{}{CUT_NOTE}", &text[..end]), width) <= max {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let end = chars.get(lo).map_or(text.len(), |(b, _)| *b);
    Cow::Owned(format!("{}{CUT_NOTE}", text[..end].trim_end()))
}

/// "2021-Q3" → "2021年第三季度推进情况"; anything else → "{period}推进情况".
pub fn period_header(code: &str) -> String {
    format!("{}推进情况", period::label(code))
}

/// A plan column as wide as its header and its longest early cells, between 8 and 40
/// characters: 序号 stays narrow, 具体要求 gets the full 40 and wraps.
fn plan_column_width(l: &Ledger, i: usize) -> f64 {
    let header = sheet::text_width(&l.columns[i]);
    let body = l
        .rows
        .iter()
        .take(WIDTH_SAMPLE)
        .filter_map(|r| r.plan_cells.get(i))
        .map(|s| sheet::text_width(s))
        .max()
        .unwrap_or(0);
    (header.max(body) + 2).clamp(8, 40) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, DataType, Reader, Xlsx};
    use std::io::Cursor;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    const LONG_REQUIREMENT: &str = "县级以上各级政府要主动公开国民经济和社会发展的第十四个五年规划纲要、国土空间规划、专项规划和区域规划等，做好历史规划（计划）的归集整理和主动公开工作，并在政府门户网站集中公开。";

    fn sample() -> Ledger {
        Ledger {
            plan_title: "2021年政务公开工作要点".into(),
            as_of: d(2021, 10, 8),
            columns: ["序号", "工作任务", "具体要求", "责任处室", "完成时限"]
                .map(String::from)
                .to_vec(),
            periods: vec!["2021-Q2".into(), "2021-Q3".into()],
            rows: vec![
                LedgerRow {
                    number: "1".into(),
                    section: "一、加强政策解读".into(),
                    task: "做好政策解读".into(),
                    requirement: LONG_REQUIREMENT.into(),
                    lead: "法规宣传处".into(),
                    support: "办公室".into(),
                    deadline: "全年".into(),
                    plan_cells: ["1", "做好政策解读", LONG_REQUIREMENT, "法规宣传处", "全年"]
                        .map(String::from)
                        .to_vec(),
                    status: "按时完成".into(),
                    due: Some(d(2021, 12, 31)),
                    completed_on: Some(d(2021, 9, 20)),
                    progress: vec!["已制定解读方案".into(), "已发布解读8篇".into()],
                    contributions: vec![String::new(), "办公室：已审核解读稿5篇".into()],
                    evidence: vec![
                        EvidenceEntry {
                            name: "解读清单.xlsx".into(),
                            address: None,
                        },
                        EvidenceEntry {
                            name: "局网站解读专栏".into(),
                            address: Some("https://tyj.gz.gov.cn/zwgk/zcjd/".into()),
                        },
                    ],
                },
                LedgerRow {
                    number: "2".into(),
                    task: "更新公开目录".into(),
                    lead: "办公室".into(),
                    // Shorter than the header: the rest are blanks.
                    plan_cells: vec!["2".into(), "更新公开目录".into()],
                    status: "已逾期".into(),
                    due: Some(d(2021, 6, 30)),
                    progress: vec![String::new(), "正在梳理".into()],
                    contributions: vec![String::new(), String::new()],
                    ..Default::default()
                },
            ],
        }
    }

    fn read(bytes: &[u8], name: &str) -> calamine::Range<Data> {
        let mut x: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("xlsx");
        assert_eq!(
            x.sheet_names(),
            vec![SHEET.to_string(), DETAIL_SHEET.to_string()]
        );
        x.worksheet_range(name).expect("sheet")
    }

    fn sheet_xml(bytes: &[u8], n: usize) -> String {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("zip");
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut zip
                .by_name(&format!("xl/worksheets/sheet{n}.xml"))
                .expect("sheet"),
            &mut xml,
        )
        .expect("read");
        xml
    }

    /// The height a row was given, in points (None: the default height).
    fn row_ht(xml: &str, excel_row: u32) -> Option<f64> {
        let start = xml.find(&format!("<row r=\"{excel_row}\""))?;
        let tag = &xml[start..start + xml[start..].find('>')?];
        let ht = tag.split(" ht=\"").nth(1)?.split('"').next()?;
        ht.parse().ok()
    }

    #[test]
    fn the_printed_sheet_has_the_columns_the_office_hands_in() {
        let bytes = workbook(&sample()).expect("xlsx");
        let r = read(&bytes, SHEET);
        let s = |row: u32, col: u32| r.get_value((row, col)).cloned().unwrap_or(Data::Empty);
        assert_eq!(
            s(0, 0),
            Data::String("2021年政务公开工作要点 工作台账".into())
        );
        assert_eq!(s(1, 0), Data::String("截至 2021-10-08".into()));
        let headers: Vec<String> = (0..10).map(|c| s(2, c).to_string()).collect();
        assert_eq!(
            headers,
            [
                "序号",
                "工作任务",
                "具体要求",
                "牵头处室",
                "配合处室",
                "完成时限",
                "时限状态",
                "推进情况",
                "配合处室落实情况",
                "佐证材料",
            ]
        );
        assert_eq!(r.end().map(|(row, _)| row), Some(4));
        assert_eq!(s(3, 0), Data::String("1".into()));
        assert_eq!(s(3, 2), Data::String(LONG_REQUIREMENT.into()), "never cut");
        assert_eq!(s(3, 4), Data::String("办公室".into()));
        assert_eq!(
            s(3, 7),
            Data::String("2021年第二季度：已制定解读方案\n2021年第三季度：已发布解读8篇".into())
        );
        assert_eq!(
            s(3, 8),
            Data::String("2021年第三季度 办公室：已审核解读稿5篇".into())
        );
        assert_eq!(
            s(3, 9),
            Data::String(
                "解读清单.xlsx\n局网站解读专栏（https://tyj.gz.gov.cn/zwgk/zcjd/）".into()
            )
        );
        assert_eq!(s(4, 0), Data::String("2".into()));
        assert_eq!(s(4, 6), Data::String("已逾期".into()));
        assert_eq!(s(4, 7), Data::String("2021年第三季度：正在梳理".into()));
    }

    #[test]
    fn the_printed_sheet_prints_on_a4_landscape_at_a_readable_scale() {
        let bytes = workbook(&sample()).expect("xlsx");
        let xml = sheet_xml(&bytes, 1);
        assert!(xml.contains(r#"paperSize="9""#), "A4: {xml}");
        assert!(xml.contains(r#"orientation="landscape""#));
        assert!(xml.contains(r#"<pageSetUpPr fitToPage="1"/>"#));
        assert!(
            xml.contains(r#"fitToHeight="0""#) && !xml.contains("fitToWidth="),
            "one page wide (fitToWidth defaults to 1), any height"
        );
        assert!(
            xml.contains("<oddFooter>&amp;C第 &amp;P 页 共 &amp;N 页</oddFooter>"),
            "page numbers in the footer: {xml}"
        );
        assert!(xml.contains(r#"ySplit="3""#), "frozen below the header");
        assert!(xml.contains(r#"<autoFilter ref="A3:J5"/>"#), "{xml}");
        // What one page wide means in scale: the columns' width in pixels (as Excel counts
        // them: 7 per unit plus 5) against the printable width of A4 landscape at 96 dpi.
        let columns_px: f64 = PRINT_COLUMNS.iter().map(|(_, w)| w * 7.0 + 5.0).sum();
        let printable_px = (11.69 - 0.5 - 0.5) * 96.0;
        let scale = (printable_px / columns_px * 100.0).min(100.0);
        assert!(scale >= 75.0, "printed at {scale:.0}%");
        // The header row repeats on every page: a print title of row 3.
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
        let mut wb = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/workbook.xml").expect("wb"), &mut wb)
            .expect("read");
        assert!(wb.contains("工作台账!$3:$3"), "{wb}");
    }

    #[test]
    fn rows_grow_with_their_text() {
        let mut l = sample();
        let bytes = workbook(&l).expect("xlsx");
        let xml = sheet_xml(&bytes, 1);
        let first = row_ht(&xml, 4).expect("item 1's height");
        let second = row_ht(&xml, 5).expect("item 2's height");
        // Item 1's requirement takes five lines of the 34-wide column; item 2 has one line.
        assert!(first > 4.0 * second, "{first} vs {second}");
        // Excel keeps heights in whole pixels (¾ point).
        let measured = sheet::row_height([(LONG_REQUIREMENT, PRINT_COLUMNS[2].1)]);
        assert!((first - measured).abs() <= 0.75, "{first} vs {measured}");
        // Longer progress, taller row.
        l.rows[0].progress[1] = "已发布解读8篇，".repeat(20);
        let taller = row_ht(&sheet_xml(&workbook(&l).expect("xlsx"), 1), 4).expect("ht");
        assert!(taller > first, "{taller} vs {first}");
    }

    #[test]
    fn text_too_long_for_a_printed_row_is_cut_with_a_note_and_kept_whole_in_the_detail() {
        let mut l = sample();
        let huge = "已发布解读材料并在门户网站专栏集中展示。".repeat(120);
        l.rows[0].progress[1] = huge.clone();
        let bytes = workbook(&l).expect("xlsx");
        let printed = read(&bytes, SHEET);
        let cell = printed.get_value((3, 7)).expect("cell").to_string();
        assert!(cell.ends_with(CUT_NOTE), "{cell}");
        assert!(cell.starts_with("2021年第二季度：已制定解读方案\n2021年第三季度：已发布"));
        assert!(sheet::lines_in(&cell, PRINT_COLUMNS[7].1) <= sheet::max_lines());
        let detail = read(&bytes, DETAIL_SHEET);
        assert_eq!(
            detail.get_value((3, 10)),
            Some(&Data::String(huge)),
            "the detail keeps every word"
        );
    }

    #[test]
    fn the_detail_sheet_keeps_the_plan_s_own_columns_and_every_period() {
        let bytes = workbook(&sample()).expect("xlsx");
        let r = read(&bytes, DETAIL_SHEET);
        let s = |row: u32, col: u32| r.get_value((row, col)).cloned().unwrap_or(Data::Empty);
        let headers: Vec<String> = (0..15).map(|c| s(2, c).to_string()).collect();
        assert_eq!(
            headers,
            [
                "所属部分",
                "序号",
                "工作任务",
                "具体要求",
                "责任处室",
                "完成时限",
                "时限状态",
                "应完成日期",
                "完成日期",
                "2021年第二季度推进情况",
                "2021年第三季度推进情况",
                "配合处室落实情况",
                "佐证材料数",
                "佐证材料",
                "",
            ]
        );
        // Title, subtitle, header and the two items.
        assert_eq!(r.end().map(|(row, _)| row), Some(4));
        assert_eq!(s(3, 2), Data::String("做好政策解读".into()));
        assert_eq!(s(3, 7).as_date(), Some(d(2021, 12, 31)));
        assert_eq!(s(3, 8).as_date(), Some(d(2021, 9, 20)));
        assert!(s(3, 7).is_datetime(), "due date is a real date cell");
        assert_eq!(s(3, 10), Data::String("已发布解读8篇".into()));
        assert_eq!(
            s(3, 11),
            Data::String("2021年第三季度 办公室：已审核解读稿5篇".into())
        );
        assert_eq!(s(3, 12).as_f64(), Some(2.0));
        assert!(s(3, 13)
            .to_string()
            .contains("https://tyj.gz.gov.cn/zwgk/zcjd/"));
        assert_eq!(s(4, 6), Data::String("已逾期".into()));
        assert_eq!(s(4, 8), Data::Empty);
        assert_eq!(s(4, 3), Data::Empty);
        assert_eq!(s(4, 12).as_f64(), Some(0.0));
        let xml = sheet_xml(&bytes, 2);
        assert!(xml.contains(r#"paperSize="8""#), "A3 for the wide sheet");
        assert!(xml.contains(r#"<autoFilter ref="A3:N5"/>"#), "{xml}");
    }

    #[test]
    fn an_empty_ledger_is_still_a_workbook_with_its_headers() {
        let mut l = sample();
        l.rows.clear();
        l.periods.clear();
        let bytes = workbook(&l).expect("xlsx");
        let r = read(&bytes, SHEET);
        assert_eq!(r.get_value((2, 6)), Some(&Data::String("时限状态".into())));
        assert_eq!(r.end().map(|(row, _)| row), Some(2));
        let r = read(&bytes, DETAIL_SHEET);
        assert_eq!(r.get_value((2, 6)), Some(&Data::String("时限状态".into())));
    }

    #[test]
    fn evidence_reads_as_its_name_and_its_address() {
        let e = |name: &str, address: Option<&str>| EvidenceEntry {
            name: name.into(),
            address: address.map(String::from),
        };
        let cases = [
            (e("解读清单.xlsx", None), "解读清单.xlsx"),
            (
                e("政务公开专栏", Some("https://tyj.gz.gov.cn/zwgk/")),
                "政务公开专栏（https://tyj.gz.gov.cn/zwgk/）",
            ),
            (e("", Some("https://a.gov.cn/")), "https://a.gov.cn/"),
            (
                e("https://a.gov.cn/", Some("https://a.gov.cn/")),
                "https://a.gov.cn/",
            ),
        ];
        for (entry, want) in cases {
            assert_eq!(entry.shown(), want, "{entry:?}");
        }
    }

    #[test]
    fn period_headers_read_as_quarters() {
        assert_eq!(period_header("2021-Q3"), "2021年第三季度推进情况");
        assert_eq!(period_header("2022-Q1"), "2022年第一季度推进情况");
        assert_eq!(period_header("上半年"), "上半年推进情况");
    }
}
