//! The review-back result workbook (回头看结果).

use rust_xlsxwriter::{Workbook, XlsxError};

use super::sheet::{self, Column, FIRST_BODY_ROW};
use crate::domain::review_back::ReviewBack;
use crate::domain::zone::Zone;

/// Writes every check with its result, note, evidence and rectification item; the day it
/// was done is the agency's (`zone`).
pub fn workbook(r: &ReviewBack, zone: Zone) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("回头看结果")?;
    let columns = [
        Column::new("序号", 8.0),
        Column::new("工作任务", 44.0),
        Column::new("牵头处室", 18.0),
        Column::new("配合处室", 18.0),
        Column::new("完成时限", 14.0),
        Column::new("年度考核", 10.0),
        Column::new("检查结果", 10.0),
        Column::new("说明", 30.0),
        Column::new("佐证材料", 30.0),
        Column::new("整改事项", 10.0),
        Column::new("整改时限", 12.0),
    ];
    let subtitle = format!(
        "检查 {} 项，{} 项转入“{}”整改{}",
        r.checks.len(),
        r.rectifications,
        r.into_title,
        r.checked_at
            .map(|t| format!("（{}）", zone.day(t)))
            .unwrap_or_default()
    );
    let f = sheet::begin(
        ws,
        &format!("{} 回头看结果", r.from_title),
        &subtitle,
        &columns,
    )?;
    for (i, c) in r.checks.iter().enumerate() {
        let row = FIRST_BODY_ROW + i as u32;
        let cells = [
            c.number.as_str(),
            c.task.as_str(),
            &c.lead.join("、"),
            &c.support.join("、"),
            c.deadline_raw.as_str(),
            c.verdict.as_str(),
            c.result_label.as_str(),
            c.note.as_str(),
            &c.evidence.join("\n"),
            c.rectification_number.as_deref().unwrap_or(""),
        ];
        for (col, text) in cells.iter().enumerate() {
            ws.write_string_with_format(row, col as u16, sheet::cell_text(text), &f.text)?;
        }
        sheet::write_date(ws, row, 10, c.rectification_due, &f)?;
    }
    sheet::finish(ws, columns.len(), r.checks.len() as u32)?;
    wb.save_to_buffer()
}
