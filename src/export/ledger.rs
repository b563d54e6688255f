//! The ledger (工作台账) as an .xlsx workbook: the plan's own columns, then status, dates,
//! the accepted progress of each reporting period and the evidence.

use chrono::NaiveDate;
use rust_xlsxwriter::{
    ConditionalFormatText, ConditionalFormatTextRule, Format, Workbook, XlsxError,
};

use super::sheet::{self, Column, FIRST_BODY_ROW};
use crate::domain::period::PeriodId;

/// Name of the ledger's worksheet.
pub const SHEET: &str = "工作台账";

/// Everything the ledger shows, already read from the database.
#[derive(Debug, Clone, PartialEq)]
pub struct Ledger {
    /// The plan's title, e.g. "2021年政务公开工作要点".
    pub plan_title: String,
    /// The day the figures are as of.
    pub as_of: NaiveDate,
    /// The plan's own column headers as imported, in their order (e.g. ["序号","工作任务","具体要求","责任处室","完成时限"]).
    pub columns: Vec<String>,
    /// Reporting periods shown as progress columns, e.g. ["2021-Q1","2021-Q2"].
    pub periods: Vec<String>,
    /// One row per item, in plan order.
    pub rows: Vec<LedgerRow>,
}

/// One item of the ledger.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerRow {
    /// The section heading path joined with " / " ("" when none).
    pub section: String,
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
    /// Evidence file names and web-link titles.
    pub evidence_names: Vec<String>,
}

/// Rows looked at when sizing a plan column: enough to see the column's kind, few enough
/// that a 10,000-row ledger does not pay for it.
const WIDTH_SAMPLE: usize = 200;

/// Writes the ledger workbook (one sheet, "工作台账").
pub fn workbook(l: &Ledger) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET)?;

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
    columns.push(Column::new("佐证材料数", 8.0));
    columns.push(Column::new("佐证材料", 30.0));

    let f = sheet::begin(
        ws,
        &format!("{} 工作台账", l.plan_title),
        &format!("截至 {}", l.as_of),
        &columns,
    )?;

    let plan_cols = l.columns.len();
    for (i, row) in l.rows.iter().enumerate() {
        let r = FIRST_BODY_ROW + u32::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)?;
        let mut c: u16 = 0;
        let text = |ws: &mut rust_xlsxwriter::Worksheet, c: &mut u16, s: &str| {
            let res = ws
                .write_string_with_format(r, *c, sheet::cell_text(s), &f.text)
                .map(|_| ());
            *c += 1;
            res
        };
        text(ws, &mut c, &row.section)?;
        // A row shorter than the header still gets bordered blanks; extra cells are dropped
        // since they have no header to sit under.
        for k in 0..plan_cols {
            text(ws, &mut c, row.plan_cells.get(k).map_or("", String::as_str))?;
        }
        text(ws, &mut c, &row.status)?;
        sheet::write_date(ws, r, c, row.due, &f)?;
        sheet::write_date(ws, r, c + 1, row.completed_on, &f)?;
        c += 2;
        for k in 0..l.periods.len() {
            text(ws, &mut c, row.progress.get(k).map_or("", String::as_str))?;
        }
        ws.write_number_with_format(r, c, row.evidence_names.len() as f64, &f.number)?;
        c += 1;
        text(ws, &mut c, &row.evidence_names.join("\n"))?;
    }

    let body_rows = l.rows.len() as u32;
    if body_rows > 0 {
        // Overdue items stand out in red, also after sorting or filtering.
        let red = Format::new().set_font_color(rust_xlsxwriter::Color::RGB(0xC00000));
        let overdue = ConditionalFormatText::new()
            .set_rule(ConditionalFormatTextRule::Contains("逾期".to_string()))
            .set_format(red);
        let sc = status_col as u16;
        ws.add_conditional_format(
            FIRST_BODY_ROW,
            sc,
            FIRST_BODY_ROW + body_rows - 1,
            sc,
            &overdue,
        )?;
    }
    sheet::finish(ws, columns.len(), body_rows)?;
    wb.save_to_buffer()
}

/// "2021-Q3" → "2021年第三季度推进情况"; anything else → "{period} 推进情况".
pub fn period_header(period: &str) -> String {
    match PeriodId::parse(period) {
        Some(p) => {
            let q = ["一", "二", "三", "四"][(p.quarter as usize - 1).min(3)];
            format!("{}年第{}季度推进情况", p.year, q)
        }
        None => format!("{} 推进情况", period.trim()),
    }
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
                    section: "一、加强政策解读".into(),
                    plan_cells: [
                        "1",
                        "做好政策解读",
                        "重要政策同步解读",
                        "法规宣传处",
                        "全年",
                    ]
                    .map(String::from)
                    .to_vec(),
                    status: "按时完成".into(),
                    due: Some(d(2021, 12, 31)),
                    completed_on: Some(d(2021, 9, 20)),
                    progress: vec!["已制定解读方案".into(), "已发布解读8篇".into()],
                    evidence_names: vec!["解读清单.xlsx".into(), "局网站解读专栏".into()],
                },
                LedgerRow {
                    section: String::new(),
                    // Shorter than the header: the rest are blanks.
                    plan_cells: vec!["2".into(), "更新公开目录".into()],
                    status: "已逾期".into(),
                    due: Some(d(2021, 6, 30)),
                    completed_on: None,
                    progress: vec![String::new(), "正在梳理".into()],
                    evidence_names: vec![],
                },
            ],
        }
    }

    fn read(bytes: &[u8]) -> calamine::Range<Data> {
        let mut x: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("xlsx");
        assert_eq!(x.sheet_names(), vec![SHEET.to_string()]);
        x.worksheet_range(SHEET).expect("sheet")
    }

    #[test]
    fn ledger_reads_back_with_headers_dates_and_chinese_text() {
        let bytes = workbook(&sample()).expect("xlsx");
        let r = read(&bytes);
        let s = |row: u32, col: u32| r.get_value((row, col)).cloned().unwrap_or(Data::Empty);
        assert_eq!(
            s(0, 0),
            Data::String("2021年政务公开工作要点 工作台账".into())
        );
        assert_eq!(s(1, 0), Data::String("截至 2021-10-08".into()));
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
                "佐证材料数",
                "佐证材料",
                "",
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
        assert_eq!(s(3, 11).as_f64(), Some(2.0));
        assert_eq!(
            s(3, 12),
            Data::String("解读清单.xlsx\n局网站解读专栏".into())
        );
        assert_eq!(s(4, 6), Data::String("已逾期".into()));
        assert_eq!(s(4, 8), Data::Empty);
        assert_eq!(s(4, 3), Data::Empty);
        assert_eq!(s(4, 11).as_f64(), Some(0.0));
    }

    #[test]
    fn ledger_has_frozen_header_filter_and_a4_landscape() {
        let bytes = workbook(&sample()).expect("xlsx");
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/worksheets/sheet1.xml").expect("sheet"),
            &mut xml,
        )
        .expect("read");
        assert!(xml.contains(r#"<autoFilter ref="A3:M5"/>"#), "{xml}");
        assert!(xml.contains(r#"ySplit="3""#), "frozen below the header");
        assert!(xml.contains(r#"paperSize="9""#) && xml.contains(r#"orientation="landscape""#));
        assert!(
            xml.contains(r#"fitToHeight="0""#),
            "one page wide, any height"
        );
    }

    #[test]
    fn an_empty_ledger_is_still_a_workbook_with_its_header() {
        let mut l = sample();
        l.rows.clear();
        l.periods.clear();
        let r = read(&workbook(&l).expect("xlsx"));
        assert_eq!(r.get_value((2, 6)), Some(&Data::String("时限状态".into())));
        assert_eq!(r.end().map(|(row, _)| row), Some(2));
    }

    #[test]
    fn period_headers_read_as_quarters() {
        assert_eq!(period_header("2021-Q3"), "2021年第三季度推进情况");
        assert_eq!(period_header("2022-Q1"), "2022年第一季度推进情况");
        assert_eq!(period_header("上半年"), "上半年 推进情况");
    }
}
