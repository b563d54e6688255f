//! The bulletin as an .xlsx workbook.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::domain::bulletin::Bulletin;

const HEADERS: [&str; 10] = [
    "处室",
    "本期到期",
    "按时完成",
    "逾期完成",
    "逾期未完成",
    "按时报送",
    "逾期报送",
    "未报送",
    "催办次数",
    "逾期事项",
];

/// Writes the bulletin: title, one row per division, frozen header, print setup.
pub fn workbook(b: &Bulletin) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("情况通报")?;
    let title = Format::new().set_bold().set_font_size(14);
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    ws.write_string_with_format(
        0,
        0,
        format!("{} {} 推进情况通报", b.plan_title, b.period),
        &title,
    )?;
    ws.write_string(
        1,
        0,
        format!(
            "统计期 {} 至 {}，报送截止 {}，统计日 {}",
            b.start, b.end, b.report_due, b.as_of
        ),
    )?;
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &head)?;
    }
    for (i, l) in b.lines.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string_with_format(r, 0, &l.division, &cell)?;
        let figures = [
            l.due,
            l.done_on_time,
            l.done_late,
            l.overdue,
            l.reports_on_time,
            l.reports_late,
            l.reports_missing,
            l.urgings,
        ];
        for (c, n) in figures.iter().enumerate() {
            ws.write_number_with_format(r, 1 + c as u16, *n as f64, &cell)?;
        }
        ws.write_string_with_format(r, 9, l.overdue_items.join("\n"), &cell)?;
    }
    ws.set_column_width(0, 16)?;
    for c in 1..=8 {
        ws.set_column_width(c, 9)?;
    }
    ws.set_column_width(9, 48)?;
    ws.set_freeze_panes(3, 1)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_repeat_rows(2, 2)?;
    wb.save_to_buffer()
}
