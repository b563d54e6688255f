//! The bulletin as an .xlsx workbook: one row per division and a 合计 row, printed one
//! page wide.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::sheet::{self, Column, FIRST_BODY_ROW};
use crate::domain::bulletin::{Bulletin, DivisionLine, TOTAL_NOTE};

/// Name of the bulletin's worksheet.
pub const SHEET: &str = "情况通报";

/// Headers and widths; the figures' columns are narrow, 逾期事项 takes the rest of A4.
/// 本期到期 is the sum of the six standings after it; 累计逾期未完成 adds earlier periods'.
const COLUMNS: [(&str, f64); 14] = [
    ("处室", 14.0),
    ("本期到期", 7.0),
    ("按时完成", 7.0),
    ("逾期完成", 7.0),
    ("未完成", 7.0),
    ("推进中", 7.0),
    ("待上级部署", 7.0),
    ("不再适用", 7.0),
    ("累计逾期未完成", 8.0),
    ("按时报送", 7.0),
    ("逾期报送", 7.0),
    ("未报送", 7.0),
    ("催办次数", 7.0),
    ("逾期事项", 36.0),
];
/// Column of 逾期事项, the one text column after 处室.
const OVERDUE_COL: u16 = 13;

/// The figures of a line, in the order of the columns after 处室.
fn figures(l: &DivisionLine) -> [usize; 12] {
    [
        l.due,
        l.items.done_on_time,
        l.items.done_late,
        l.items.not_done,
        l.items.in_progress,
        l.items.waiting_on_higher_authority,
        l.items.not_applicable,
        l.overdue,
        l.reports_on_time,
        l.reports_late,
        l.reports_missing,
        l.urgings,
    ]
}

/// Writes the bulletin: title, one row per division, 合计 (sums that follow edits), frozen
/// header and division, printed A4 landscape one page wide.
pub fn workbook(b: &Bulletin) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET)?;
    let columns: Vec<Column> = COLUMNS.iter().map(|(h, w)| Column::new(*h, *w)).collect();
    let f = sheet::begin(
        ws,
        &format!("{} {} 推进情况通报", b.plan_title, b.period_label()),
        &format!(
            "统计期 {} 至 {}，报送截止 {}，统计日 {}",
            b.start, b.end, b.report_due, b.as_of
        ),
        &columns,
    )?;
    let overdue_width = COLUMNS[OVERDUE_COL as usize].1;
    let n = u32::try_from(b.lines.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
    for (i, l) in b.lines.iter().enumerate() {
        let r = FIRST_BODY_ROW + i as u32;
        ws.write_string_with_format(r, 0, sheet::cell_text(&l.division), &f.text)?;
        for (c, v) in figures(l).iter().enumerate() {
            ws.write_number_with_format(r, 1 + c as u16, *v as f64, &f.number)?;
        }
        let items = l.overdue_items.join("\n");
        ws.write_string_with_format(r, OVERDUE_COL, sheet::cell_text(&items), &f.text)?;
        ws.set_row_height(
            r,
            sheet::row_height([
                (l.division.as_str(), COLUMNS[0].1),
                (items.as_str(), overdue_width),
            ]),
        )?;
    }

    // 合计 below the lines: SUM formulas so edits carry through, with the sums as cached
    // values for readers that do not calculate.
    let total_row = FIRST_BODY_ROW + n;
    let bold = f.text.clone().set_bold();
    let bold_number = f.number.clone().set_bold();
    ws.write_string_with_format(total_row, 0, "合计", &bold)?;
    for (c, v) in figures(&b.total()).iter().enumerate() {
        let col = 1 + c as u16;
        let sum = sheet::sum_formula(col, FIRST_BODY_ROW, n, *v);
        ws.write_formula_with_format(total_row, col, sum, &bold_number)?;
    }
    ws.write_blank(total_row, OVERDUE_COL, &f.text)?;
    ws.write_string_with_format(total_row + 1, 0, TOTAL_NOTE, &sheet::font(Format::new()))?;
    ws.set_freeze_panes(FIRST_BODY_ROW, 1)?;
    // The filter covers the divisions only, so sorting never moves 合计 into the middle.
    sheet::finish(ws, COLUMNS.len(), n)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::standing::Tally;
    use calamine::{Data, DataType, Reader, Xlsx};
    use chrono::NaiveDate;
    use std::io::{Cursor, Read};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn line(division: &str, due: usize, overdue: Vec<&str>) -> DivisionLine {
        DivisionLine {
            division: division.into(),
            due,
            items: Tally {
                done_on_time: due.saturating_sub(overdue.len()),
                not_done: overdue.len().min(due),
                ..Tally::default()
            },
            overdue: overdue.len(),
            reports_on_time: due,
            reports_late: 1,
            reports_missing: 2,
            urgings: overdue.len(),
            overdue_items: overdue.into_iter().map(String::from).collect(),
        }
    }

    fn sample() -> Bulletin {
        Bulletin {
            plan_id: 1,
            plan_title: "2021年政务公开工作要点".into(),
            period: "2021-Q3".into(),
            start: d("2021-07-01"),
            end: d("2021-09-30"),
            report_due: d("2021-10-10"),
            as_of: d("2021-10-15"),
            lines: vec![
                line("办公室", 3, vec!["3. 年报"]),
                line(
                    "法规宣传处",
                    5,
                    vec!["4. 解读", "6. 发布重大决策预公开事项", "9. 更新公开目录"],
                ),
                line("计划财务处", 0, vec![]),
            ],
        }
    }

    fn sheet_xml(bytes: &[u8]) -> String {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("zip");
        let mut xml = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .expect("sheet")
            .read_to_string(&mut xml)
            .expect("read");
        xml
    }

    #[test]
    fn the_bulletin_names_the_quarter_in_chinese_and_adds_up() {
        let b = sample();
        let bytes = workbook(&b).expect("xlsx");
        let mut x: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).expect("xlsx");
        let r = x.worksheet_range(SHEET).expect("sheet");
        let s = |row: u32, col: u32| r.get_value((row, col)).cloned().unwrap_or(Data::Empty);
        let title = s(0, 0).to_string();
        assert_eq!(title, "2021年政务公开工作要点 2021年第三季度 推进情况通报");
        assert!(!title.contains("Q3"));
        assert_eq!(s(6, 0), Data::String("合计".into()));
        // Each figure's 合计 is the sum of the lines above it.
        for col in 1..=12 {
            let above: f64 = (3..6)
                .map(|row| s(row, col).as_f64().expect("figure"))
                .sum();
            assert_eq!(s(6, col).as_f64(), Some(above), "column {col}");
        }
        assert_eq!(s(6, 1).as_f64(), Some(8.0), "本期到期 3 + 5 + 0");
        assert_eq!(s(6, 8).as_f64(), Some(4.0), "累计逾期未完成 1 + 3 + 0");
        for row in 3..=6 {
            let by_standing: f64 = (2..=7).filter_map(|c| s(row, c).as_f64()).sum();
            assert_eq!(
                s(row, 1).as_f64(),
                Some(by_standing),
                "row {row}: 本期到期 adds up"
            );
        }
        assert_eq!(s(7, 0), Data::String(TOTAL_NOTE.into()));
        let xml = sheet_xml(&bytes);
        assert!(xml.contains("<f>SUM(B4:B6)</f>"), "a live sum: {xml}");
    }

    #[test]
    fn the_bulletin_prints_one_page_wide_with_page_numbers() {
        let bytes = workbook(&sample()).expect("xlsx");
        let xml = sheet_xml(&bytes);
        assert!(xml.contains(r#"<pageSetUpPr fitToPage="1"/>"#), "{xml}");
        assert!(xml.contains(r#"fitToHeight="0""#) && !xml.contains("fitToWidth="));
        assert!(xml.contains(r#"paperSize="9""#) && xml.contains(r#"orientation="landscape""#));
        assert!(xml.contains("第 &amp;P 页 共 &amp;N 页"));
        // 法规宣传处 lists three overdue items, one a line: its row is taller than 办公室's.
        let ht = |excel_row: u32| -> f64 {
            let start = xml.find(&format!("<row r=\"{excel_row}\"")).expect("row");
            let tag = &xml[start..start + xml[start..].find('>').expect("tag")];
            tag.split(" ht=\"")
                .nth(1)
                .and_then(|h| h.split('"').next())
                .and_then(|h| h.parse().ok())
                .expect("height")
        };
        assert!(ht(5) > 2.5 * ht(4), "{} vs {}", ht(5), ht(4));
    }

    #[test]
    fn a_bulletin_without_divisions_still_has_its_total() {
        let mut b = sample();
        b.lines.clear();
        let bytes = workbook(&b).expect("xlsx");
        let mut x: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("xlsx");
        let r = x.worksheet_range(SHEET).expect("sheet");
        assert_eq!(r.get_value((3, 0)), Some(&Data::String("合计".into())));
        assert_eq!(r.get_value((3, 1)).and_then(|v| v.as_f64()), Some(0.0));
    }
}
