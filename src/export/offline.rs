//! The offline progress workbook: a division downloads its items for a reporting period,
//! fills in the progress in Excel or WPS, and uploads the file; [`read`] takes it back.
//!
//! Rows are matched back by the item id in the first column, never by their order, and the
//! workbook carries a marker (sheet "说明") naming the plan, division and period it was
//! made for, so a stray spreadsheet is refused instead of misread.

use std::io::Cursor;

use calamine::{Data, DataType, Range, Reader, Xlsx};
use chrono::NaiveDate;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, Format, ProtectionOptions,
    Workbook, Worksheet, XlsxError,
};

use super::sheet::{self, Column, FIRST_BODY_ROW};
use crate::domain::lifecycle::ReportState;

/// Name of the sheet the division fills in.
pub const SHEET: &str = "推进情况填报";
/// Name of the sheet with the instructions and the marker.
pub const INFO_SHEET: &str = "说明";
/// Identifies our offline workbooks and their layout version.
pub const MARKER: &str = "workplan-offline-progress v1";
/// Largest upload [`read`] accepts.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;
/// Longest progress text accepted per item, in characters.
pub const MAX_PROGRESS_CHARS: usize = 2000;

const MARKER_PREFIX: &str = "workplan-offline-progress";
const ID_HEADER: &str = "事项编号";
const NUMBER_HEADER: &str = "序号";
const PROGRESS_HEADER: &str = "本期推进情况";
const DONE_HEADER: &str = "是否办结";
const VERSION_HEADER: &str = "报告版本";
const STATE_HEADER: &str = "本期报告";
const PLAN_LABEL: &str = "计划编号";
const DIVISION_LABEL: &str = "处室编号";
const PERIOD_LABEL: &str = "填报期";
/// Rows searched for the header: the title rows plus any the user inserted above.
const HEADER_SEARCH_ROWS: usize = 30;

/// One division's items for one reporting period, to fill in offline.
#[derive(Debug, Clone, PartialEq)]
pub struct OfflineProgress {
    /// The plan's id (written into the marker).
    pub plan_id: i32,
    /// The plan's title.
    pub plan_title: String,
    /// The division's id (written into the marker).
    pub division_id: i32,
    /// The division's name.
    pub division: String,
    /// The reporting period, e.g. "2021-Q3".
    pub period: String,
    /// When the period's reports are due.
    pub period_due: NaiveDate,
    /// The division's items, in plan order.
    pub rows: Vec<OfflineRow>,
}

/// One item to report on.
#[derive(Debug, Clone, PartialEq)]
pub struct OfflineRow {
    /// The item's id: how the row is matched back.
    pub item_id: i32,
    /// The item's number in the plan (序号).
    pub number: String,
    /// 工作任务.
    pub task: String,
    /// 具体要求.
    pub requirement: String,
    /// The deadline as the plan wrote it (完成时限).
    pub deadline_raw: String,
    /// The deadline state as users read it, e.g. "正常推进".
    pub status: String,
    /// The division's current report text for the period, if any (pre-filled so they can edit).
    pub progress: String,
    /// Whether the current report marks the item done.
    pub completes_item: bool,
    /// The version of the period's report when the workbook was made (None: no report yet).
    /// It comes back with the upload, so a report changed meanwhile is not overwritten.
    pub version: Option<i32>,
    /// The state of the period's report (None: no report yet). A report handed in or
    /// accepted can no longer be written: its row is locked and says so.
    pub report_state: Option<ReportState>,
}

impl OfflineRow {
    /// Whether the division may still write the period's report from this row.
    pub fn open_to_writing(&self) -> bool {
        self.report_state.is_none_or(ReportState::can_edit)
    }

    /// What the 本期报告 column says.
    fn state_text(&self) -> String {
        match self.report_state {
            None => "未填写".to_string(),
            Some(s) if s.can_edit() => s.label().to_string(),
            Some(s) => format!("{}，不再填报", s.label()),
        }
    }
}

/// What came back from a filled-in offline workbook.
///
/// The caller must still check that `plan_id` and `division_id` are the uploader's and that
/// every item id belongs to them: the file is the user's and can say anything.
#[derive(Debug, Clone, PartialEq)]
pub struct OfflineUpload {
    /// The plan the workbook was made for.
    pub plan_id: i32,
    /// The division the workbook was made for.
    pub division_id: i32,
    /// The reporting period the workbook was made for.
    pub period: String,
    /// Every row with an item id or typed progress, in sheet order.
    pub rows: Vec<UploadedRow>,
}

/// One filled-in row.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadedRow {
    /// 1-based sheet row as Excel shows it.
    pub row: u32,
    /// The item id, None when the cell is empty or not a whole number.
    pub item_id: Option<i32>,
    /// 序号 as the sheet shows it.
    pub number: String,
    /// The progress text, trimmed ("" when left empty: nothing to report).
    pub progress: String,
    /// "是否办结" = 是.
    pub completes_item: bool,
    /// 报告版本: the report's version when the workbook was made (None: none then, or a
    /// workbook without the column).
    pub version: Option<i32>,
    /// What is wrong with the row, in Chinese, naming the row; None when it can be used.
    pub problem: Option<String>,
}

/// Why an uploaded file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfflineError {
    /// Larger than [`MAX_UPLOAD_BYTES`].
    #[error("文件过大（超过 {limit_mib} MiB）：请上传从本系统下载的填报表，不要在表中插入图片或其他内容")]
    TooLarge {
        /// The limit in MiB.
        limit_mib: usize,
    },
    /// Not an .xlsx workbook (or a damaged or password-protected one).
    #[error("不是可读取的 .xlsx 文件：请上传从本系统下载的填报表；在 WPS 中编辑的请“另存为”Excel 工作簿（.xlsx），设置了打开密码的请先取消密码")]
    NotXlsx,
    /// A zip bomb, or XML with DOCTYPE/ENTITY declarations: refused before reading.
    #[error("{0}")]
    Refused(String),
    /// An .xlsx without our marker.
    #[error("这不是本系统下载的离线填报表（缺少“说明”页中的文件标识）：请在系统中下载本处室本期的填报表，在其中填写后上传")]
    NotOurs,
    /// Our marker, but a layout version this build does not read.
    #[error("填报表版本（{0}）与系统不符：请重新下载本期填报表，填写后上传")]
    UnknownVersion(String),
    /// The marker is there but a value it needs is missing or altered.
    #[error("“说明”页中的“{0}”缺失或被改动：请重新下载本期填报表，填写后上传")]
    MarkerDamaged(&'static str),
    /// The fill-in sheet is gone.
    #[error("找不到“推进情况填报”工作表：请勿删除或改名该工作表，或重新下载填报表")]
    SheetMissing,
    /// The fill-in sheet's header row is gone or altered.
    #[error("“推进情况填报”表中找不到表头（事项编号、本期推进情况、是否办结）：请勿改动表头，或重新下载填报表")]
    HeaderMissing,
}

/// Writes the offline workbook: sheet "推进情况填报" (only 本期推进情况 and 是否办结 are
/// editable, and not in rows whose report is already handed in or accepted) and sheet
/// "说明" with the instructions and the marker.
pub fn workbook(o: &OfflineProgress) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET)?;
    let columns = [
        Column::new(ID_HEADER, 9.0),
        Column::new(NUMBER_HEADER, 6.0),
        Column::new("工作任务", 20.0),
        Column::new("具体要求", 36.0),
        Column::new("完成时限", 10.0),
        Column::new("当前状态", 10.0),
        Column::new(PROGRESS_HEADER, 50.0),
        Column::new(DONE_HEADER, 8.0),
        Column::new(STATE_HEADER, 12.0),
        Column::new(VERSION_HEADER, 8.0),
    ];
    let f = sheet::begin(
        ws,
        &format!("{} {} {} 推进情况填报", o.plan_title, o.division, o.period),
        &format!(
            "请于 {} 前填写黄色的“本期推进情况”和“是否办结”两列后上传；其他单元格已锁定。",
            o.period_due
        ),
        &columns,
    )?;
    // The id is for matching, not for reading: grey and narrow, locked like the rest.
    let id_format = f.number.clone().set_font_color(Color::RGB(0x808080));
    let fill_in = f
        .text
        .clone()
        .set_unlocked()
        .set_background_color(Color::RGB(0xFFF2CC));
    let fill_in_centred = fill_in
        .clone()
        .set_align(rust_xlsxwriter::FormatAlign::Center);
    // A report handed in or accepted: shown grey and locked, not offered again.
    let closed = f.text.clone().set_font_color(Color::RGB(0x808080));
    let closed_centred = closed
        .clone()
        .set_align(rust_xlsxwriter::FormatAlign::Center);

    for (i, row) in o.rows.iter().enumerate() {
        let r = FIRST_BODY_ROW + u32::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)?;
        ws.write_number_with_format(r, 0, f64::from(row.item_id), &id_format)?;
        let texts = [
            &row.number,
            &row.task,
            &row.requirement,
            &row.deadline_raw,
            &row.status,
        ];
        for (c, s) in texts.into_iter().enumerate() {
            ws.write_string_with_format(r, 1 + c as u16, sheet::cell_text(s), &f.text)?;
        }
        let (text, centred) = if row.open_to_writing() {
            (&fill_in, &fill_in_centred)
        } else {
            (&closed, &closed_centred)
        };
        ws.write_string_with_format(r, 6, sheet::cell_text(&row.progress), text)?;
        let done = if row.completes_item { "是" } else { "否" };
        ws.write_string_with_format(r, 7, done, centred)?;
        let state = row.state_text();
        ws.write_string_with_format(r, 8, &state, &f.text)?;
        if let Some(v) = row.version {
            ws.write_number_with_format(r, 9, f64::from(v), &id_format)?;
        }
        ws.set_row_height(
            r,
            sheet::row_height([
                (row.task.as_str(), columns[2].width),
                (row.requirement.as_str(), columns[3].width),
                (row.progress.as_str(), columns[6].width),
                (state.as_str(), columns[8].width),
            ]),
        )?;
    }
    let n = o.rows.len() as u32;
    if n > 0 {
        let last = FIRST_BODY_ROW + n - 1;
        ws.add_data_validation(FIRST_BODY_ROW, 6, last, 6, &progress_validation()?)?;
        ws.add_data_validation(FIRST_BODY_ROW, 7, last, 7, &done_validation()?)?;
    }
    sheet::finish(ws, columns.len(), n)?;
    // No password: the lock guards against slips, not against the division itself.
    ws.protect_with_options(&protection());

    let info = wb.add_worksheet();
    write_info_sheet(info, o)?;
    wb.save_to_buffer()
}

/// What the fill-in sheet's lock still allows besides typing into the yellow cells.
/// [`protection_note`] tells the user the same, from these settings.
fn protection() -> ProtectionOptions {
    ProtectionOptions {
        format_columns: true,
        format_rows: true,
        use_autofilter: true,
        ..ProtectionOptions::new()
    }
}

/// The instructions' sentence on the lock, written from the lock's settings so that it
/// never promises what the locked sheet refuses (sorting needs unlocked cells in Excel, so
/// it is not offered).
fn protection_note(p: &ProtectionOptions) -> String {
    let actions = [
        (p.use_autofilter, "用表头的按钮筛选"),
        (p.format_rows, "调整行高"),
        (p.format_columns, "调整列宽"),
        (p.sort, "排序"),
        (p.insert_rows, "插入行"),
        (p.delete_rows, "删除行"),
        (p.insert_columns, "插入列"),
        (p.delete_columns, "删除列"),
    ];
    let list = |allowed: bool| {
        actions
            .iter()
            .filter(|(a, _)| *a == allowed)
            .map(|(_, what)| *what)
            .collect::<Vec<_>>()
            .join("、")
    };
    let mut note =
        "“推进情况填报”表已锁定，只能在黄色的“本期推进情况”和“是否办结”两列填写".to_string();
    let (may, may_not) = (list(true), list(false));
    if !may.is_empty() {
        note.push_str(&format!("；可以{may}"));
    }
    if !may_not.is_empty() {
        note.push_str(&format!("；不能{may_not}"));
    }
    note.push('。');
    note
}

fn progress_validation() -> Result<DataValidation, XlsxError> {
    DataValidation::new()
        .allow_text_length(DataValidationRule::LessThanOrEqualTo(
            MAX_PROGRESS_CHARS as u32,
        ))
        .set_input_title("本期推进情况")?
        .set_input_message("请写明本期做了哪些工作、取得什么进展，不超过2000字。")?
        .set_error_title("内容过长")?
        .set_error_message("“本期推进情况”不能超过2000字，请精简后再填写。")
        .map(|v| v.set_error_style(DataValidationErrorStyle::Stop))
}

fn done_validation() -> Result<DataValidation, XlsxError> {
    DataValidation::new()
        .allow_list_strings(&["是", "否"])?
        .set_input_title("是否办结")?
        .set_input_message("该事项已全部完成选“是”，否则选“否”。")?
        .set_error_title("请从下拉列表中选择")?
        .set_error_message("“是否办结”只能填“是”或“否”。")
}

/// Widths of the 说明 sheet's three columns.
const INFO_WIDTHS: [f64; 3] = [12.0, 30.0, 40.0];

/// The instructions for the user and the marker [`read`] checks.
fn write_info_sheet(ws: &mut Worksheet, o: &OfflineProgress) -> Result<(), XlsxError> {
    ws.set_name(INFO_SHEET)?;
    let bold = sheet::font(Format::new()).set_bold().set_font_size(14);
    let wrap = sheet::font(Format::new())
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    sheet::print_setup(ws);
    ws.set_portrait();
    for (c, w) in INFO_WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.write_string_with_format(0, 0, "填报说明", &bold)?;
    let steps = [
        "1. 在“推进情况填报”表的“本期推进情况”列填写本期工作进展（每项不超过2000字）；事项已全部完成的，“是否办结”选“是”。本期报告已报送或已通过的事项，“本期报告”列写明“不再填报”，该行已锁定，如需更正请联系办公室退回。".to_string(),
        format!(
            "2. {}本页也已锁定。系统按“事项编号”对应事项。“报告版本”记下下载时本期报告的版本：上传时若报告已被他人（如共同牵头处室）修改，该行不会覆盖，请在系统中查看后合并。",
            protection_note(&protection())
        ),
        "3. 填好后保存为 .xlsx 格式，在系统的推进情况报送页面上传；上传后请在系统中核对、补充佐证材料并提交。".to_string(),
    ];
    let width: f64 = INFO_WIDTHS.iter().sum();
    for (i, s) in steps.iter().enumerate() {
        ws.merge_range(2 + i as u32, 0, 2 + i as u32, 2, s, &wrap)?;
        ws.set_row_height(2 + i as u32, sheet::row_height([(s.as_str(), width)]))?;
    }
    ws.write_string(6, 0, "文件标识")?;
    ws.write_string(6, 1, MARKER)?;
    ws.write_string(7, 0, PLAN_LABEL)?;
    ws.write_number(7, 1, f64::from(o.plan_id))?;
    ws.write_string(7, 2, sheet::cell_text(&o.plan_title))?;
    ws.write_string(8, 0, DIVISION_LABEL)?;
    ws.write_number(8, 1, f64::from(o.division_id))?;
    ws.write_string(8, 2, sheet::cell_text(&o.division))?;
    ws.write_string(9, 0, PERIOD_LABEL)?;
    ws.write_string(9, 1, &o.period)?;
    ws.write_string(9, 2, format!("报送截止 {}", o.period_due))?;
    ws.protect();
    Ok(())
}

/// Reads a filled-in offline workbook: the marker, then every row with an item id or typed
/// progress. Row-level mistakes become the row's `problem`; only a file that is not ours
/// (or not readable) fails as a whole.
pub fn read(bytes: &[u8]) -> Result<OfflineUpload, OfflineError> {
    crate::import::source::without_panics(|| read_workbook(bytes), || OfflineError::NotXlsx)
}

fn read_workbook(bytes: &[u8]) -> Result<OfflineUpload, OfflineError> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(OfflineError::TooLarge {
            limit_mib: MAX_UPLOAD_BYTES / (1024 * 1024),
        });
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| OfflineError::NotXlsx)?;
    crate::import::source::check_archive(&mut zip)
        .map_err(|e| OfflineError::Refused(e.to_string()))?;
    let mut x: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| OfflineError::NotXlsx)?;
    let names = x.sheet_names();
    let mut sheets = Vec::with_capacity(names.len());
    for (i, name) in names.into_iter().enumerate() {
        crate::import::source::check_xlsx_extent(&mut x, i, &name)
            .map_err(|e| OfflineError::Refused(e.to_string()))?;
        let range = x
            .worksheet_range(&name)
            .map_err(|_| OfflineError::NotXlsx)?;
        sheets.push((name, range));
    }

    // The marker may be found on any sheet, so a renamed 说明 still reads.
    let marker = sheets
        .iter()
        .find_map(|(_, r)| find_marker(r))
        .ok_or(OfflineError::NotOurs)?;
    let (plan_id, division_id, period) = marker?;

    // Prefer the sheet by name; otherwise any sheet with our header (renamed by the user).
    let sheet = sheets
        .iter()
        .find(|(n, _)| n == SHEET)
        .or_else(|| sheets.iter().find(|(_, r)| find_header(r).is_some()))
        .map(|(_, r)| r)
        .ok_or(OfflineError::SheetMissing)?;
    let header = find_header(sheet).ok_or(OfflineError::HeaderMissing)?;
    Ok(OfflineUpload {
        plan_id,
        division_id,
        period,
        rows: read_rows(sheet, &header),
    })
}

type Marker = Result<(i32, i32, String), OfflineError>;

/// The marker block: None when the sheet has no marker at all.
fn find_marker(r: &Range<Data>) -> Option<Marker> {
    let mut version = None;
    let (mut plan, mut division, mut period) = (None, None, None);
    for row in r.rows() {
        let label = row.first().map(text).unwrap_or_default();
        let value = row.get(1).unwrap_or(&Data::Empty);
        for cell in row {
            if let Data::String(s) = cell {
                if s.trim().starts_with(MARKER_PREFIX) {
                    version = Some(s.trim().to_string());
                }
            }
        }
        match label.as_str() {
            PLAN_LABEL => plan = whole_number(value),
            DIVISION_LABEL => division = whole_number(value),
            PERIOD_LABEL => period = Some(text(value)).filter(|p| !p.is_empty()),
            _ => {}
        }
    }
    let version = version?;
    Some(if version != MARKER {
        Err(OfflineError::UnknownVersion(version))
    } else {
        match (plan, division, period) {
            (Some(p), Some(d), Some(q)) => Ok((p, d, q)),
            (None, _, _) => Err(OfflineError::MarkerDamaged(PLAN_LABEL)),
            (_, None, _) => Err(OfflineError::MarkerDamaged(DIVISION_LABEL)),
            (_, _, None) => Err(OfflineError::MarkerDamaged(PERIOD_LABEL)),
        }
    })
}

/// Where the header row is and which column holds what.
struct Header {
    /// Index of the header row within the range.
    row: usize,
    id: usize,
    number: Option<usize>,
    progress: usize,
    done: usize,
    /// Absent in workbooks made before the column existed.
    version: Option<usize>,
}

fn find_header(r: &Range<Data>) -> Option<Header> {
    r.rows()
        .take(HEADER_SEARCH_ROWS)
        .enumerate()
        .find_map(|(i, row)| {
            let col = |name: &str| row.iter().position(|c| text(c) == name);
            Some(Header {
                row: i,
                id: col(ID_HEADER)?,
                number: col(NUMBER_HEADER),
                progress: col(PROGRESS_HEADER)?,
                done: col(DONE_HEADER)?,
                version: col(VERSION_HEADER),
            })
        })
}

fn read_rows(r: &Range<Data>, h: &Header) -> Vec<UploadedRow> {
    let top = r.start().map_or(0, |(row, _)| row);
    let mut out: Vec<UploadedRow> = Vec::new();
    let mut seen: std::collections::HashMap<i32, u32> = std::collections::HashMap::new();
    for (i, cells) in r.rows().enumerate().skip(h.row + 1) {
        let cell = |c: usize| cells.get(c).unwrap_or(&Data::Empty);
        let excel_row = top + i as u32 + 1;
        let id_cell = cell(h.id);
        let progress = text(cell(h.progress));
        if id_cell.is_empty() && progress.is_empty() {
            continue; // blank lines, notes under the table
        }
        let mut problems = Vec::new();
        let item_id = whole_number(id_cell).filter(|id| *id > 0);
        match item_id {
            None if id_cell.is_empty() => problems
                .push("缺少“事项编号”，无法对应到事项，请勿删除或改动“事项编号”列".to_string()),
            None => problems.push(format!(
                "“事项编号”（{}）不是系统给出的编号，请勿改动该列",
                text(id_cell)
            )),
            Some(id) => {
                if let Some(first) = seen.get(&id) {
                    problems.push(format!(
                        "事项编号 {id} 与第{first}行重复，同一事项只能填一行"
                    ));
                } else {
                    seen.insert(id, excel_row);
                }
            }
        }
        let chars = progress.chars().count();
        if chars > MAX_PROGRESS_CHARS {
            problems.push(format!(
                "“本期推进情况”超过{MAX_PROGRESS_CHARS}字（现为{chars}字），请精简"
            ));
        }
        let completes_item = match cell(h.done) {
            Data::Bool(b) => *b,
            d => match text(d).as_str() {
                "是" => true,
                "否" | "" => false,
                other => {
                    problems.push(format!("“是否办结”只能填“是”或“否”（现为“{other}”）"));
                    false
                }
            },
        };
        let version = h.version.and_then(|c| whole_number(cell(c)));
        out.push(UploadedRow {
            row: excel_row,
            item_id,
            version,
            number: h.number.map(|c| text(cell(c))).unwrap_or_default(),
            progress,
            completes_item,
            problem: (!problems.is_empty())
                .then(|| format!("第{excel_row}行：{}", problems.join("；"))),
        });
    }
    out
}

/// A cell as the user sees it, trimmed: whole numbers without ".0", dates as yyyy-mm-dd.
fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(_) | Data::DateTimeIso(_) => d
            .as_date()
            .map(|x| x.to_string())
            .unwrap_or_else(|| d.to_string()),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
        Data::Empty => String::new(),
    }
}

/// An id cell: Excel keeps numbers as floats (12 comes back as 12.0), a user may have
/// typed it as text.
fn whole_number(d: &Data) -> Option<i32> {
    match d {
        Data::Int(i) => i32::try_from(*i).ok(),
        Data::Float(f)
            if f.fract() == 0.0 && *f >= f64::from(i32::MIN) && *f <= f64::from(i32::MAX) =>
        {
            Some(*f as i32)
        }
        Data::String(s) => {
            let s = s.trim();
            s.parse::<i32>().ok().or_else(|| {
                s.parse::<f64>()
                    .ok()
                    .and_then(|f| whole_number(&Data::Float(f)))
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    fn sample() -> OfflineProgress {
        let row = |id: i32, number: &str, task: &str, progress: &str| OfflineRow {
            item_id: id,
            number: number.into(),
            task: task.into(),
            requirement: "按照要求做好相关信息公开工作".into(),
            deadline_raw: "9月底前".into(),
            status: "正常推进".into(),
            progress: progress.into(),
            completes_item: false,
            version: None,
            report_state: None,
        };
        OfflineProgress {
            plan_id: 3,
            plan_title: "2021年政务公开工作要点".into(),
            division_id: 12,
            division: "法规宣传处".into(),
            period: "2021-Q3".into(),
            period_due: NaiveDate::from_ymd_opt(2021, 9, 30).expect("date"),
            rows: vec![
                row(101, "1", "做好政策解读", ""),
                row(205, "2", "更新公开目录", "已完成目录梳理"),
                row(317, "3", "办理依申请公开", ""),
            ],
        }
    }

    /// What Excel saves after the user types into cells: each named cell of the fill-in
    /// sheet becomes an inline string, everything else in the file stays as we wrote it.
    fn typed_in_excel(bytes: &[u8], edits: &[(&str, &str)]) -> Vec<u8> {
        let mut zin = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..zin.len() {
            let mut f = zin.by_index(i).expect("entry");
            let name = f.name().expect("entry name").to_string();
            let mut data = Vec::new();
            f.read_to_end(&mut data).expect("read");
            if name == "xl/worksheets/sheet1.xml" {
                let mut xml = String::from_utf8(data).expect("utf8");
                for (cell, value) in edits {
                    xml = set_cell(&xml, cell, value);
                }
                data = xml.into_bytes();
            }
            out.start_file(name, zip::write::SimpleFileOptions::default())
                .expect("start");
            out.write_all(&data).expect("write");
        }
        out.finish().expect("finish").into_inner()
    }

    fn set_cell(xml: &str, cell: &str, value: &str) -> String {
        let open = format!("<c r=\"{cell}\"");
        let start = xml
            .find(&open)
            .unwrap_or_else(|| panic!("cell {cell} in sheet"));
        let tag_end = start + xml[start..].find('>').expect("tag end");
        let end = if xml.as_bytes()[tag_end - 1] == b'/' {
            tag_end + 1
        } else {
            tag_end + xml[tag_end..].find("</c>").expect("cell end") + 4
        };
        let style = xml[start..tag_end]
            .split_once(" s=\"")
            .and_then(|(_, s)| s.split_once('"'))
            .map(|(s, _)| format!(" s=\"{s}\""))
            .unwrap_or_default();
        let escaped = value
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        format!(
            "{}<c r=\"{cell}\"{style} t=\"inlineStr\"><is><t>{escaped}</t></is></c>{}",
            &xml[..start],
            &xml[end..]
        )
    }

    #[test]
    fn offline_sheet_shows_the_items_and_the_fill_in_columns() {
        let bytes = workbook(&sample()).expect("xlsx");
        let mut x: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).expect("xlsx");
        assert_eq!(x.sheet_names(), vec![SHEET.to_string(), INFO_SHEET.into()]);
        let r = x.worksheet_range(SHEET).expect("sheet");
        let v = |row: u32, col: u32| r.get_value((row, col)).map(text).unwrap_or_default();
        assert_eq!(
            v(0, 0),
            "2021年政务公开工作要点 法规宣传处 2021-Q3 推进情况填报"
        );
        assert_eq!(
            v(1, 0),
            "请于 2021-09-30 前填写黄色的“本期推进情况”和“是否办结”两列后上传；其他单元格已锁定。"
        );
        let headers: Vec<String> = (0..8).map(|c| v(2, c)).collect();
        assert_eq!(
            headers,
            [
                "事项编号",
                "序号",
                "工作任务",
                "具体要求",
                "完成时限",
                "当前状态",
                "本期推进情况",
                "是否办结"
            ]
        );
        assert_eq!(v(4, 0), "205");
        assert_eq!(v(4, 2), "更新公开目录");
        assert_eq!(v(4, 6), "已完成目录梳理", "current report pre-filled");
        assert_eq!(v(3, 7), "否", "是否办结 defaults to 否");
        assert_eq!(r.end().map(|(row, _)| row), Some(5));

        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
        let mut xml = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .expect("sheet")
            .read_to_string(&mut xml)
            .expect("read");
        assert!(xml.contains("<sheetProtection"), "sheet is protected");
        assert!(xml.contains(r#"type="textLength""#) && xml.contains(r#"sqref="G4:G6""#));
        assert!(xml.contains(r#"type="list""#) && xml.contains(r#"sqref="H4:H6""#));
        assert!(xml.contains(r#"<formula1>"是,否"</formula1>"#), "{xml}");
    }

    /// The fill-in sheet's XML and whether cell `r` may be typed into under the lock.
    fn unlocked(bytes: &[u8], cell: &str) -> bool {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("zip");
        let mut sheet_xml = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .expect("sheet")
            .read_to_string(&mut sheet_xml)
            .expect("read");
        let mut styles = String::new();
        zip.by_name("xl/styles.xml")
            .expect("styles")
            .read_to_string(&mut styles)
            .expect("read");
        let start = sheet_xml
            .find(&format!("<c r=\"{cell}\""))
            .unwrap_or_else(|| panic!("{cell}"));
        let tag = &sheet_xml[start..start + sheet_xml[start..].find('>').expect("tag")];
        let style: usize = tag
            .split(" s=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let xfs = styles
            .split("<cellXfs")
            .nth(1)
            .and_then(|x| x.split("</cellXfs>").next())
            .expect("cellXfs");
        let xf = xfs.split("<xf ").nth(style + 1).expect("xf");
        let xf = xf.split("</xf>").next().unwrap_or(xf);
        xf.contains(r#"<protection locked="0"/>"#)
    }

    #[test]
    fn a_handed_in_or_accepted_report_is_locked_and_marked_not_offered_again() {
        let mut o = sample();
        o.rows[0].report_state = Some(ReportState::Accepted);
        o.rows[0].progress = "已发布解读5篇".into();
        o.rows[0].version = Some(3);
        o.rows[1].report_state = Some(ReportState::Submitted);
        o.rows[2].report_state = Some(ReportState::Returned);
        o.rows[2].progress = "请补充".into();
        let bytes = workbook(&o).expect("xlsx");
        let mut x: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).expect("xlsx");
        let r = x.worksheet_range(SHEET).expect("sheet");
        let v = |row: u32, col: u32| r.get_value((row, col)).map(text).unwrap_or_default();
        assert_eq!(v(2, 8), "本期报告");
        assert_eq!(v(3, 8), "已通过，不再填报");
        assert_eq!(v(4, 8), "已报送，待审核，不再填报");
        assert_eq!(v(5, 8), "已退回，待修改");
        assert_eq!(v(3, 6), "已发布解读5篇", "the accepted text is shown");
        assert_eq!(v(3, 9), "3", "报告版本");
        // Accepted and submitted rows cannot be typed into; the returned one can.
        for cell in ["G4", "H4", "G5", "H5"] {
            assert!(!unlocked(&bytes, cell), "{cell} locked");
        }
        for cell in ["G6", "H6"] {
            assert!(unlocked(&bytes, cell), "{cell} open");
        }
        // Nothing written yet: open, and says so.
        let fresh = workbook(&sample()).expect("xlsx");
        assert!(unlocked(&fresh, "G4") && unlocked(&fresh, "H4"));
        let mut x: Xlsx<_> = Xlsx::new(Cursor::new(fresh)).expect("xlsx");
        let r = x.worksheet_range(SHEET).expect("sheet");
        assert_eq!(r.get_value((3, 8)).map(text).as_deref(), Some("未填写"));
    }

    #[test]
    fn the_instructions_promise_only_what_the_lock_allows() {
        let bytes = workbook(&sample()).expect("xlsx");
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes.clone())).expect("zip");
        let mut xml = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .expect("sheet")
            .read_to_string(&mut xml)
            .expect("read");
        let protection = xml
            .split("<sheetProtection")
            .nth(1)
            .and_then(|p| p.split("/>").next())
            .expect("the sheet is protected")
            .to_string();
        let mut x: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("xlsx");
        let info = x.worksheet_range(INFO_SHEET).expect("说明");
        let instructions: String = info
            .rows()
            .flat_map(|r| r.iter().map(text))
            .collect::<Vec<_>>()
            .join("\n");
        let step = instructions
            .lines()
            .find(|l| l.starts_with("2. "))
            .expect("step 2");
        let (may, may_not) = step
            .split_once("；不能")
            .map(|(a, b)| (a.to_string(), b.split('。').next().unwrap_or(b).to_string()))
            .expect("says what cannot be done");
        // (what the instructions call it, the OOXML attribute that allows it with "0")
        let actions = [
            ("筛选", "autoFilter"),
            ("调整行高", "formatRows"),
            ("调整列宽", "formatColumns"),
            ("排序", "sort"),
            ("插入行", "insertRows"),
            ("删除行", "deleteRows"),
            ("插入列", "insertColumns"),
            ("删除列", "deleteColumns"),
        ];
        for (word, attr) in actions {
            let allowed = protection.contains(&format!("{attr}=\"0\""));
            if allowed {
                assert!(
                    may.contains(word) && !may_not.contains(word),
                    "{word}: {step}"
                );
            } else {
                assert!(
                    may_not.contains(word) && !may.contains(word),
                    "{word}: {step}"
                );
            }
        }
        assert!(!instructions.contains("可以排序"), "{instructions}");
    }

    #[test]
    fn a_filled_in_workbook_reads_back_by_item_id() {
        let bytes = workbook(&sample()).expect("xlsx");
        let filled = typed_in_excel(
            &bytes,
            &[
                ("G4", "已发布政策解读5篇，\n开展在线访谈1次"),
                ("H4", "是"),
                ("G5", "已完成目录梳理并上线"),
                ("H6", "也许"),
            ],
        );
        let up = read(&filled).expect("our workbook");
        assert_eq!(
            (up.plan_id, up.division_id, up.period.as_str()),
            (3, 12, "2021-Q3")
        );
        let ids: Vec<Option<i32>> = up.rows.iter().map(|r| r.item_id).collect();
        assert_eq!(ids, [Some(101), Some(205), Some(317)]);
        let first = &up.rows[0];
        assert_eq!(first.row, 4);
        assert_eq!(first.number, "1");
        assert_eq!(first.progress, "已发布政策解读5篇，\n开展在线访谈1次");
        assert!(first.completes_item);
        assert_eq!(first.problem, None);
        assert_eq!(up.rows[1].progress, "已完成目录梳理并上线");
        assert!(!up.rows[1].completes_item);
        let third = &up.rows[2];
        assert_eq!(third.progress, "", "left empty: kept, nothing to report");
        assert_eq!(
            third.problem.as_deref(),
            Some("第6行：“是否办结”只能填“是”或“否”（现为“也许”）")
        );
    }

    #[test]
    fn row_problems_name_the_row_and_do_not_fail_the_file() {
        let bytes = workbook(&sample()).expect("xlsx");
        let filled = typed_in_excel(
            &bytes,
            &[
                ("A4", "205"), // typed over as text, and a duplicate of row 5
                ("A6", "abc"),
                ("G6", &"长".repeat(MAX_PROGRESS_CHARS + 1)),
            ],
        );
        let up = read(&filled).expect("our workbook");
        assert_eq!(up.rows.len(), 3);
        assert_eq!(up.rows[0].item_id, Some(205), "text id accepted");
        assert_eq!(
            up.rows[1].problem.as_deref(),
            Some("第5行：事项编号 205 与第4行重复，同一事项只能填一行")
        );
        let p = up.rows[2].problem.as_deref().expect("problem");
        assert!(p.starts_with("第6行：“事项编号”（abc）"), "{p}");
        assert!(p.contains("超过2000字（现为2001字）"), "{p}");
        assert_eq!(up.rows[2].item_id, None);
    }

    /// What Excel saves when the user inserted a blank row above the header, sorted the
    /// items in reverse and left the id as a float: the same layout shifted down one row.
    fn excel_saved_with_blank_row_and_reverse_order() -> Vec<u8> {
        let o = sample();
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(SHEET).expect("name");
        ws.write_string(0, 0, "标题").expect("w");
        ws.write_string(2, 0, "请于……前填写").expect("w");
        for (c, h) in [
            ID_HEADER,
            NUMBER_HEADER,
            "工作任务",
            "具体要求",
            "完成时限",
            "当前状态",
            PROGRESS_HEADER,
            DONE_HEADER,
        ]
        .iter()
        .enumerate()
        {
            ws.write_string(3, c as u16, *h).expect("w");
        }
        for (i, row) in o.rows.iter().rev().enumerate() {
            let r = 4 + i as u32;
            ws.write_number(r, 0, f64::from(row.item_id)).expect("w");
            ws.write_number(r, 1, row.number.parse::<f64>().expect("n"))
                .expect("w");
            ws.write_string(r, 6, format!("{}进展", row.task))
                .expect("w");
            ws.write_boolean(r, 7, i == 0).expect("w");
        }
        ws.write_string(8, 2, "注：以上为本处室事项").expect("w");
        let info = wb.add_worksheet();
        write_info_sheet(info, &o).expect("info");
        wb.save_to_buffer().expect("xlsx")
    }

    #[test]
    fn the_header_is_found_by_name_and_rows_by_id_not_position() {
        let up = read(&excel_saved_with_blank_row_and_reverse_order()).expect("ours");
        let got: Vec<(u32, Option<i32>, &str, &str, bool)> = up
            .rows
            .iter()
            .map(|r| {
                (
                    r.row,
                    r.item_id,
                    r.number.as_str(),
                    r.progress.as_str(),
                    r.completes_item,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (5, Some(317), "3", "办理依申请公开进展", true),
                (6, Some(205), "2", "更新公开目录进展", false),
                (7, Some(101), "1", "做好政策解读进展", false),
            ]
        );
        assert!(up.rows.iter().all(|r| r.problem.is_none()));
    }

    #[test]
    fn files_that_are_not_ours_are_refused_with_a_reason() {
        assert_eq!(read(b"not a workbook"), Err(OfflineError::NotXlsx));
        assert_eq!(
            read(&vec![0u8; MAX_UPLOAD_BYTES + 1]),
            Err(OfflineError::TooLarge { limit_mib: 20 })
        );
        let mut other = Workbook::new();
        other
            .add_worksheet()
            .write_string(0, 0, "事项编号")
            .expect("w");
        let other = other.save_to_buffer().expect("xlsx");
        let err = read(&other).expect_err("no marker");
        assert_eq!(err, OfflineError::NotOurs);
        assert!(err.to_string().contains("请在系统中下载"), "{err}");

        let mut o = sample();
        o.rows.clear();
        let mut newer = Workbook::new();
        newer.add_worksheet().write_string(0, 0, "x").expect("w");
        let info = newer.add_worksheet();
        write_info_sheet(info, &o).expect("info");
        info.write_string(6, 1, "workplan-offline-progress v9")
            .expect("w");
        assert_eq!(
            read(&newer.save_to_buffer().expect("xlsx")),
            Err(OfflineError::UnknownVersion(
                "workplan-offline-progress v9".into()
            ))
        );
    }

    #[test]
    fn a_workbook_missing_the_fill_in_sheet_says_so() {
        let mut wb = Workbook::new();
        let info = wb.add_worksheet();
        write_info_sheet(info, &sample()).expect("info");
        assert_eq!(
            read(&wb.save_to_buffer().expect("xlsx")),
            Err(OfflineError::SheetMissing)
        );
    }
}
