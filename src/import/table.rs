//! Understanding a plan laid out as a table: the header row by its names, section rows,
//! merged and blank cells, numbering, footnotes.

use chrono::NaiveDate;

use super::source::{Cell, Sheet};
use super::{Diagnostic, RawDeadline, RawItem, RawResponsible};
use crate::domain::numbering::{heading_title, leading_number, NumberStyle};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Number,
    Task,
    Requirement,
    /// Lead and supporting divisions in one cell (the seeds' convention).
    Responsible,
    Lead,
    Support,
    Deadline,
}

impl Field {
    /// The code stored with a plan's columns (`number`, `task`, …).
    pub fn code(self) -> &'static str {
        match self {
            Field::Number => "number",
            Field::Task => "task",
            Field::Requirement => "requirement",
            Field::Responsible => "responsible",
            Field::Lead => "lead",
            Field::Support => "support",
            Field::Deadline => "deadline",
        }
    }
}

/// Header names by field, most specific first (a header is matched by containment).
const HEADER_NAMES: &[(Field, &[&str])] = &[
    (Field::Number, &["序号", "编号", "序列"]),
    (
        Field::Support,
        &[
            "配合单位",
            "配合处室",
            "配合部门",
            "协办单位",
            "协办处室",
            "协办部门",
            "会办单位",
            "会办处室",
            "协助单位",
            "配合",
            "协办",
            "会办",
        ],
    ),
    (
        Field::Lead,
        &[
            "牵头单位",
            "牵头处室",
            "牵头部门",
            "主办单位",
            "主办处室",
            "主办部门",
            "主责单位",
            "主责处室",
            "牵头",
            "主办",
        ],
    ),
    (
        Field::Responsible,
        &[
            "责任处室",
            "责任单位",
            "责任部门",
            "责任主体",
            "承办单位",
            "承办处室",
            "落实单位",
            "责任科室",
        ],
    ),
    (
        Field::Deadline,
        &[
            "完成时限",
            "完成时间",
            "时间节点",
            "完成期限",
            "时间要求",
            "时间安排",
            "进度安排",
            "办结时限",
            "时限",
        ],
    ),
    (
        Field::Requirement,
        &[
            "具体要求",
            "工作内容",
            "工作要求",
            "具体内容",
            "主要内容",
            "具体措施",
            "工作措施",
            "任务要求",
            "工作举措",
            "具体任务",
        ],
    ),
    (
        Field::Task,
        &[
            "工作任务",
            "重点任务",
            "主要任务",
            "工作事项",
            "任务名称",
            "工作项目",
            "任务",
            "事项",
        ],
    ),
];

/// The field a header cell names, if any.
pub fn field_of(header: &str) -> Option<Field> {
    let h: String = header
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}' && *c != '*')
        .collect();
    if h.is_empty() || h.chars().count() > 14 {
        return None;
    }
    HEADER_NAMES
        .iter()
        .find(|(_, names)| names.iter().any(|n| h.contains(n)))
        .map(|(f, _)| *f)
}

/// Where the table's header is and which column holds what.
#[derive(Debug, Clone)]
pub struct Layout {
    pub header_row: usize,
    pub columns: Vec<(usize, Field)>,
}

impl Layout {
    fn col(&self, f: Field) -> Option<usize> {
        self.columns.iter().find(|(_, g)| *g == f).map(|(c, _)| *c)
    }

    /// How convincingly this is a plan's header: the number of kinds of column found.
    pub fn score(&self) -> usize {
        self.columns.len()
    }
}

/// Finds the header row among the first rows (below any title rows).
pub fn find_layout(sheet: &Sheet) -> Option<Layout> {
    let mut best: Option<Layout> = None;
    for (r, row) in sheet.rows.iter().enumerate().take(30) {
        let mut columns: Vec<(usize, Field)> = Vec::new();
        for (c, cell) in row.iter().enumerate() {
            if let Cell::Text(t) = cell {
                if let Some(f) = field_of(t) {
                    if !columns.iter().any(|(_, g)| *g == f) {
                        columns.push((c, f));
                    }
                }
            }
        }
        let has_text = columns
            .iter()
            .any(|(_, f)| matches!(f, Field::Task | Field::Requirement));
        if has_text && columns.len() >= 2 && best.as_ref().is_none_or(|b| columns.len() > b.score())
        {
            best = Some(Layout {
                header_row: r,
                columns,
            });
        }
    }
    best
}

/// A cell's value with merged regions resolved to their top-left cell.
struct Resolved<'a> {
    cell: &'a Cell,
    /// Came from a merged region that starts in an earlier row.
    from_above: bool,
}

static EMPTY: Cell = Cell::Empty;

fn resolve(sheet: &Sheet, row: usize, col: usize) -> Resolved<'_> {
    let own = sheet.cell(row, col);
    if !own.is_blank() {
        return Resolved {
            cell: own,
            from_above: false,
        };
    }
    match sheet.merge_at(row, col) {
        Some(m) if (m.top, m.left) != (row, col) => Resolved {
            cell: sheet.cell(m.top, m.left),
            from_above: m.top < row,
        },
        _ => Resolved {
            cell: &EMPTY,
            from_above: false,
        },
    }
}

fn is_footnote(text: &str) -> bool {
    let t = text.trim_start();
    ["备注", "注：", "注:", "说明：", "说明:", "附注", "注 :"]
        .iter()
        .any(|p| t.starts_with(p))
}

fn section_level(text: &str) -> Option<usize> {
    match leading_number(text)?.style {
        NumberStyle::ChineseComma => Some(0),
        NumberStyle::ChineseParen => Some(1),
        _ => None,
    }
}

/// Reads the items below the header, in order.
pub fn read_items(
    sheet: &Sheet,
    layout: &Layout,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<RawItem> {
    let col = |f| layout.col(f);
    let text_of = |r: usize, f: Field| -> Resolved {
        col(f).map_or(
            Resolved {
                cell: &EMPTY,
                from_above: false,
            },
            |c| resolve(sheet, r, c),
        )
    };
    let two_columns = col(Field::Support).is_some()
        && (col(Field::Lead).is_some() || col(Field::Responsible).is_some());
    let lead_field = if col(Field::Lead).is_some() {
        Field::Lead
    } else {
        Field::Responsible
    };
    let text_field = if col(Field::Requirement).is_some() {
        Field::Requirement
    } else {
        Field::Task
    };

    let mut sections: Vec<String> = Vec::new();
    let mut items: Vec<RawItem> = Vec::new();
    // The task cell of the previous item, to tell when a row continues the same task.
    let mut last_task_cell: Option<(String, Option<(usize, usize)>)> = None;

    for r in layout.header_row + 1..sheet.rows.len() {
        let row_no = r + 1;
        let mut own = sheet.rows[r].iter().filter(|c| !c.is_blank());
        let (Some(first), more) = (own.next(), own.next().is_some()) else {
            continue;
        };
        // The row's only own text, when it has just one (footnotes and section headings).
        let only_text = if more { None } else { Some(first.text()) };
        if only_text.as_deref().is_some_and(is_footnote) {
            break;
        }
        let task = text_of(r, Field::Task);
        let body = text_of(r, text_field);
        let body_text: std::borrow::Cow<str> = match body.cell {
            Cell::Text(t) => std::borrow::Cow::Borrowed(t.as_str()),
            other => std::borrow::Cow::Owned(other.text()),
        };
        // A section row: one numbered heading (一、 / （一）) is all the row holds itself,
        // whether it sits in one cell or is merged across the table.
        if let Some(t) = &only_text {
            let own_body_blank = col(text_field).is_none_or(|c| sheet.cell(r, c).is_blank());
            if let (Some(level), true) = (section_level(t), own_body_blank) {
                sections.truncate(level);
                sections.push(t.clone());
                continue;
            }
        }
        if body.cell.is_blank() || body.from_above && text_field == Field::Requirement {
            let shown: String = sheet.rows[r]
                .iter()
                .filter(|c| !c.is_blank())
                .map(Cell::text)
                .collect::<Vec<_>>()
                .join(" ")
                .chars()
                .take(30)
                .collect();
            diagnostics.push(Diagnostic::warning(
                row_no,
                "requirement",
                format!("这一行没有具体要求，已跳过：“{shown}”"),
            ));
            continue;
        }

        // The task: its own cell, its merged cell, or the previous item's (same task).
        let task_merge = col(Field::Task)
            .and_then(|c| sheet.merge_at(r, c))
            .map(|m| (m.top, m.left));
        let mut same_task = task.from_above;
        let task_cell = if task.cell.is_blank() {
            match &last_task_cell {
                Some((t, _)) if col(Field::Task).is_some() && text_field == Field::Requirement => {
                    same_task = true;
                    diagnostics.push(Diagnostic::warning(
                        row_no,
                        "task",
                        "工作任务为空，沿用上一行的工作任务",
                    ));
                    t.clone()
                }
                _ => String::new(),
            }
        } else {
            task.cell.text()
        };
        if let (Some((_, Some(prev))), Some(now)) = (&last_task_cell, task_merge) {
            same_task |= *prev == now;
        }
        last_task_cell = Some((task_cell.clone(), task_merge));

        let mut section = sections.clone();
        let task_title = match section_level(&task_cell) {
            Some(level) if text_field == Field::Requirement => {
                section.truncate(level);
                section.push(task_cell.clone());
                heading_title(&task_cell)
            }
            _ => task_cell.trim().to_string(),
        };

        // The number: its own column, else the requirement's leading "15." / "（15）".
        let mut requirement = body_text.trim().to_string();
        let mut number = col(Field::Number)
            .map(|c| {
                resolve(sheet, r, c)
                    .cell
                    .text()
                    .trim()
                    .trim_end_matches(['.', '．', '、'])
                    .to_string()
            })
            .filter(|n| !n.is_empty());
        if let Some(n) = leading_number(body_text.as_ref())
            .filter(|n| matches!(n.style, NumberStyle::ArabicDot | NumberStyle::ArabicParen))
        {
            if number.is_none() {
                number = Some(n.number.clone());
            }
            requirement = n.rest.to_string();
        }

        // A blank cell of a row that continues the task takes the previous item's value.
        let own_or_inherit = |field: Field| -> (&Cell, bool) {
            let v = text_of(r, field);
            if v.cell.is_blank() {
                (&EMPTY, same_task && col(field).is_some())
            } else {
                (v.cell, false)
            }
        };
        let (lead_cell, lead_inherit) = own_or_inherit(lead_field);
        let (support_cell, _) = own_or_inherit(Field::Support);
        let (deadline_cell, deadline_inherit) = own_or_inherit(Field::Deadline);
        let previous = items.last();
        let responsible = if lead_inherit && support_cell.is_blank() {
            match previous {
                Some(p) => {
                    diagnostics.push(Diagnostic::warning(
                        row_no,
                        "divisions",
                        "责任处室为空，沿用同一工作任务上一行的处室",
                    ));
                    p.responsible.clone()
                }
                None => RawResponsible::Combined(String::new()),
            }
        } else if two_columns {
            RawResponsible::Columns {
                lead: lead_cell.text(),
                support: support_cell.text(),
            }
        } else {
            RawResponsible::Combined(lead_cell.text())
        };
        let deadline = if deadline_inherit {
            match previous {
                Some(p) if !matches!(p.deadline, RawDeadline::Empty) => {
                    diagnostics.push(Diagnostic::warning(
                        row_no,
                        "deadline",
                        "完成时限为空，沿用同一工作任务上一行的时限",
                    ));
                    p.deadline.clone()
                }
                _ => RawDeadline::Empty,
            }
        } else {
            match deadline_cell {
                Cell::Date(d) => RawDeadline::Date(*d),
                Cell::Number(n) => excel_serial_date(*n)
                    .map_or(RawDeadline::Text(deadline_cell.text()), RawDeadline::Date),
                Cell::Empty => RawDeadline::Empty,
                Cell::Text(t) => RawDeadline::Text(t.clone()),
            }
        };
        items.push(RawItem {
            number,
            section,
            task: task_title,
            requirement,
            responsible,
            deadline,
            sheet: Some(sheet.name.clone()),
            row: row_no,
        });
    }
    items
}

/// A number that is an Excel date serial in a plausible range (a date cell saved without
/// its format, as some CSV exports do).
fn excel_serial_date(n: f64) -> Option<NaiveDate> {
    if !(36526.0..=73051.0).contains(&n) || n.fract() != 0.0 {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)
        .and_then(|d| d.checked_add_days(chrono::Days::new(n as u64)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names() {
        let cases: &[(&str, Option<Field>)] = &[
            ("序号", Some(Field::Number)),
            ("工作任务", Some(Field::Task)),
            ("重点任务", Some(Field::Task)),
            ("具体要求", Some(Field::Requirement)),
            ("工作内容", Some(Field::Requirement)),
            ("责任处室", Some(Field::Responsible)),
            ("责任单位", Some(Field::Responsible)),
            ("牵头单位", Some(Field::Lead)),
            ("主办处室", Some(Field::Lead)),
            ("配合单位", Some(Field::Support)),
            ("协办/会办处室", Some(Field::Support)),
            ("完成时限", Some(Field::Deadline)),
            ("完成 时间", Some(Field::Deadline)),
            ("时间节点", Some(Field::Deadline)),
            ("备注", None),
            ("广州市体育局2021年政务公开工作要点具体分工方案", None),
        ];
        for (h, want) in cases {
            assert_eq!(field_of(h), *want, "{h}");
        }
    }

    #[test]
    fn serial_dates() {
        assert_eq!(
            excel_serial_date(44469.0),
            NaiveDate::from_ymd_opt(2021, 9, 30)
        );
        assert_eq!(excel_serial_date(12.0), None);
        assert_eq!(excel_serial_date(44469.5), None);
    }
}
