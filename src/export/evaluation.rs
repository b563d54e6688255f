//! The evaluation workbook: verdicts, division figures and scores, comments, and the
//! annual-report summary text.

use rust_xlsxwriter::{Workbook, XlsxError};

use super::sheet::{self, Column, FIRST_BODY_ROW};
use crate::domain::evaluation::Evaluation;
use crate::domain::zone::Zone;

/// Column of 得分 on the 处室得分 sheet.
const SCORE_COL: u16 = 13;

/// Writes the evaluation as four sheets: 考核结论, 处室得分, 考核意见, 落实情况; times in
/// the agency's `zone`.
pub fn workbook(e: &Evaluation, zone: Zone) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let state = if e.finalised {
        "已定稿"
    } else {
        "未定稿"
    };
    let subtitle = format!(
        "{state}；数据截至 {}；评分细则：基础分 {}，每项未完成扣 {}，逾期完成扣 {}，逾期报送扣 {}，未报送扣 {}，每次催办扣 {}，最低 {} 分",
        e.as_of,
        e.rubric.base,
        e.rubric.per_item_not_completed,
        e.rubric.per_item_completed_late,
        e.rubric.per_report_late,
        e.rubric.per_report_missing,
        e.rubric.per_urging,
        e.rubric.floor
    );

    let ws = wb.add_worksheet();
    ws.set_name("考核结论")?;
    let columns = [
        Column::new("序号", 8.0),
        Column::new("所属部分", 24.0),
        Column::new("工作任务", 44.0),
        Column::new("牵头处室", 18.0),
        Column::new("当前状态", 12.0),
        Column::new("系统建议", 12.0),
        Column::new("考核结论", 12.0),
        Column::new("调整理由", 30.0),
    ];
    let f = sheet::begin(
        ws,
        &format!("{} 年度考核", e.plan_title),
        &subtitle,
        &columns,
    )?;
    for (i, item) in e.items.iter().enumerate() {
        let r = FIRST_BODY_ROW + i as u32;
        let cells = [
            item.number.as_str(),
            item.section.as_str(),
            item.task.as_str(),
            &item.lead.join("、"),
            item.standing.label(),
            item.proposed.label(),
            item.verdict_label.as_str(),
            item.reason.as_deref().unwrap_or(""),
        ];
        for (c, text) in cells.iter().enumerate() {
            ws.write_string_with_format(r, c as u16, sheet::cell_text(text), &f.text)?;
        }
    }
    sheet::finish(ws, columns.len(), e.items.len() as u32)?;

    let ws = wb.add_worksheet();
    ws.set_name("处室得分")?;
    let columns = [
        Column::new("处室", 18.0),
        Column::new("牵头事项", 9.0),
        Column::new("按时完成", 9.0),
        Column::new("逾期完成", 9.0),
        Column::new("未完成", 9.0),
        Column::new("推进中", 9.0),
        Column::new("待上级部署", 10.0),
        Column::new("不再适用", 9.0),
        Column::new("按时报送", 9.0),
        Column::new("逾期报送", 9.0),
        Column::new("未报送", 9.0),
        Column::new("佐证材料", 9.0),
        Column::new("被催办", 9.0),
        Column::new("得分", 9.0),
    ];
    let f = sheet::begin(
        ws,
        &format!("{} 各处室考核得分", e.plan_title),
        &subtitle,
        &columns,
    )?;
    let score = f.number.clone().set_num_format("0.0");
    for (i, d) in e.divisions.iter().enumerate() {
        let r = FIRST_BODY_ROW + i as u32;
        ws.write_string_with_format(r, 0, &d.division, &f.text)?;
        let g = &d.figures;
        let numbers = [
            g.led,
            g.completed_on_time,
            g.completed_late,
            g.not_completed,
            g.in_progress,
            g.waiting_on_higher_authority,
            g.not_applicable,
            g.reports_on_time,
            g.reports_late,
            g.reports_missing,
            g.evidence,
            g.urgings,
        ];
        for (c, n) in numbers.iter().enumerate() {
            ws.write_number_with_format(r, 1 + c as u16, *n as f64, &f.number)?;
        }
        ws.write_number_with_format(r, SCORE_COL, d.score, &score)?;
    }
    let total_row = FIRST_BODY_ROW + e.divisions.len() as u32;
    ws.write_string_with_format(total_row, 0, "总体得分（各处室平均）", &f.text)?;
    match e.score {
        Some(s) => ws.write_number_with_format(total_row, SCORE_COL, s, &score)?,
        None => ws.write_string_with_format(total_row, SCORE_COL, "—", &f.text)?,
    };
    sheet::finish(ws, columns.len(), e.divisions.len() as u32)?;

    let ws = wb.add_worksheet();
    ws.set_name("考核意见")?;
    let columns = [
        Column::new("时间", 18.0),
        Column::new("发表人", 14.0),
        Column::new("意见", 80.0),
    ];
    let f = sheet::begin(ws, &format!("{} 考核意见", e.plan_title), state, &columns)?;
    for (i, c) in e.comments.iter().enumerate() {
        let r = FIRST_BODY_ROW + i as u32;
        ws.write_string_with_format(r, 0, zone.show(c.created_at), &f.text)?;
        ws.write_string_with_format(r, 1, &c.author, &f.text)?;
        ws.write_string_with_format(r, 2, sheet::cell_text(&c.text), &f.text)?;
        ws.set_row_height(
            r,
            sheet::row_height([
                (c.author.as_str(), columns[1].width),
                (c.text.as_str(), columns[2].width),
            ]),
        )?;
    }
    sheet::finish(ws, columns.len(), e.comments.len() as u32)?;

    let ws = wb.add_worksheet();
    ws.set_name("落实情况")?;
    let columns = [Column::new("本要点落实情况（年度报告用）", 110.0)];
    let f = sheet::begin(
        ws,
        &format!("{}落实情况", e.plan_title),
        if e.summary_edited {
            "办公室已修改"
        } else {
            "系统根据考核结论和已通过的推进情况生成"
        },
        &columns,
    )?;
    let lines: Vec<&str> = e.summary_text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        ws.write_string_with_format(
            FIRST_BODY_ROW + i as u32,
            0,
            sheet::cell_text(line),
            &f.text,
        )?;
        ws.set_row_height(
            FIRST_BODY_ROW + i as u32,
            sheet::row_height([(*line, columns[0].width)]),
        )?;
    }
    sheet::finish(ws, 1, lines.len() as u32)?;
    wb.save_to_buffer()
}
