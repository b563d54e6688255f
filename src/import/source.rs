//! Recognising a file and reading it into cells or paragraphs (no plan rules here).

use std::io::{Cursor, Read};

use calamine::{open_workbook_auto_from_rs, Data, DataType, Reader, Sheets};
use chrono::NaiveDate;

use super::ImportError;

/// The kinds of file a plan can come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Xlsx,
    Xls,
    Ods,
    Csv,
    Txt,
    Docx,
}

impl Format {
    /// Whether the file is a table (rather than a document of paragraphs).
    pub fn is_table(self) -> bool {
        matches!(self, Format::Xlsx | Format::Xls | Format::Ods | Format::Csv)
    }
}

const ZIP: &[u8] = b"PK\x03\x04";
const CFB: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn extension(file_name: &str) -> String {
    file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

fn contains_utf16(bytes: &[u8], needle: &str) -> bool {
    let pattern: Vec<u8> = needle
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    bytes
        .windows(pattern.len())
        .any(|w| w == pattern.as_slice())
}

/// What the parts of an uploaded .xlsx/.ods/.docx may unpack to in all. Real plans unpack
/// to a few megabytes; the zip reader also refuses a part that unpacks beyond the size it
/// declares, so declared sizes can be trusted here.
pub const MAX_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;

/// How much of an XML part's start is read to find its prolog.
const PROLOG_LIMIT: usize = 64 * 1024;

/// Refuses a zip bomb (parts that unpack to more than [`MAX_UNPACKED_BYTES`]) and XML parts
/// that declare a DOCTYPE or entities (the billion-laughs attack and its kin): Office and
/// WPS never write them. Only each part's prolog is unpacked, where a DOCTYPE must be.
pub fn check_archive<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
) -> Result<(), ImportError> {
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let part = zip
            .by_index_raw(i)
            .map_err(|e| ImportError::Corrupt(format!("压缩结构损坏（{e}）")))?;
        total = total.saturating_add(part.size());
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(ImportError::Unpacked {
            limit: MAX_UNPACKED_BYTES,
        });
    }
    for i in 0..zip.len() {
        let mut part = zip
            .by_index(i)
            .map_err(|e| ImportError::Corrupt(format!("压缩结构损坏（{e}）")))?;
        let name = part
            .name()
            .map_err(|e| ImportError::Corrupt(format!("压缩结构损坏（{e}）")))?
            .to_ascii_lowercase();
        if !(name.ends_with(".xml") || name.ends_with(".rels")) {
            continue;
        }
        let mut head = Vec::with_capacity(4096);
        (&mut part)
            .take(PROLOG_LIMIT as u64)
            .read_to_end(&mut head)
            .map_err(|e| ImportError::Corrupt(format!("{name} 无法解压（{e}）")))?;
        // The prolog ends where the first element starts (`<` then not `?`, `!` or `/`).
        let root = head
            .windows(2)
            .position(|w| w[0] == b'<' && !matches!(w[1], b'?' | b'!' | b'/'));
        let prolog = match root {
            Some(at) => &head[..at],
            None if head.len() < PROLOG_LIMIT => &head[..],
            // A prolog longer than this only hides something.
            None => return Err(ImportError::XmlDeclarations),
        };
        if prolog
            .windows(9)
            .any(|w| w.eq_ignore_ascii_case(b"<!DOCTYPE"))
            || prolog
                .windows(8)
                .any(|w| w.eq_ignore_ascii_case(b"<!ENTITY"))
        {
            return Err(ImportError::XmlDeclarations);
        }
    }
    Ok(())
}

/// Tells the format from the content (and, for plain text, the name), refusing what
/// cannot be a plan with a message that says what to send instead.
pub fn detect(bytes: &[u8], file_name: &str) -> Result<Format, ImportError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportError::Empty);
    }
    let ext = extension(file_name);
    if bytes.starts_with(ZIP) {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| ImportError::Corrupt(format!("压缩结构损坏（{e}）")))?;
        check_archive(&mut zip)?;
        let has = |zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str| zip.by_name(name).is_ok();
        if has(&mut zip, "xl/workbook.xml") {
            return Ok(Format::Xlsx);
        }
        if has(&mut zip, "word/document.xml") {
            return Ok(Format::Docx);
        }
        if has(&mut zip, "content.xml") {
            let mut mime = String::new();
            if let Ok(mut m) = zip.by_name("mimetype") {
                let _ = m.read_to_string(&mut mime);
            }
            if mime.contains("spreadsheet") {
                return Ok(Format::Ods);
            }
            return Err(ImportError::WrongFormat(
                "这是 OpenDocument 文字或演示文件；请导入表格（.ods/.xlsx）或 Word 文档（.docx）"
                    .into(),
            ));
        }
        return Err(ImportError::WrongFormat("压缩包中没有表格或文档".into()));
    }
    if bytes.starts_with(CFB) {
        if contains_utf16(bytes, "EncryptedPackage") || contains_utf16(bytes, "EncryptionInfo") {
            return Err(ImportError::Encrypted);
        }
        if ext == "doc" || contains_utf16(bytes, "WordDocument") {
            return Err(ImportError::WrongFormat(
                "旧版 Word（.doc）文件不能直接导入，请另存为 .docx 后重试".into(),
            ));
        }
        check_xls(bytes)?;
        return Ok(Format::Xls);
    }
    if bytes.starts_with(b"%PDF") {
        return Err(ImportError::WrongFormat(
            "PDF 文件不能导入，请提供 Excel/WPS 表格（.xlsx/.xls/.ods/.csv）或 Word 文档（.docx/.txt）".into(),
        ));
    }
    match ext.as_str() {
        "csv" => Ok(Format::Csv),
        "txt" | "text" | "" => Ok(Format::Txt),
        "xlsx" | "xls" | "ods" | "docx" => Err(ImportError::Corrupt(format!(
            "扩展名是 .{ext}，但内容不是该格式（文件可能已损坏或被改了扩展名）"
        ))),
        other => Err(ImportError::WrongFormat(format!(
            "不支持 .{other} 文件；请提供 .xlsx、.xls、.ods、.csv、.docx 或 .txt"
        ))),
    }
}

/// Decodes text as UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030 (what Excel
/// and Notepad write on Chinese Windows); returns the text and the encoding's name.
pub fn decode_text(bytes: &[u8]) -> Result<(String, &'static str), ImportError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(|s| (s.to_string(), "UTF-8"))
            .map_err(|_| ImportError::Corrupt("文件标明为 UTF-8 但内容不是有效的 UTF-8".into()));
    }
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _, bad) = enc.decode(bytes);
        if !bad {
            return Ok((text.into_owned(), enc.name()));
        }
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_string(), "UTF-8"));
    }
    let (text, _, bad) = encoding_rs::GB18030.decode(bytes);
    if bad {
        return Err(ImportError::Corrupt(
            "无法识别文本编码；请另存为 UTF-8 或 GBK 编码后重试".into(),
        ));
    }
    Ok((text.into_owned(), "GB18030"))
}

/// One cell's value, as the plan rules need it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

impl Cell {
    /// The cell as text ("" when empty); whole numbers lose their ".0".
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.to_string(),
        }
    }

    /// The cell as text, borrowed when it is text already.
    pub fn text_cow(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Cell::Text(s) => std::borrow::Cow::Borrowed(s),
            other => std::borrow::Cow::Owned(other.text()),
        }
    }

    /// Whether the cell holds nothing but blanks.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// A merged region, 0-based and inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    pub top: usize,
    pub left: usize,
    pub bottom: usize,
    pub right: usize,
}

/// One sheet as a grid from A1 (row and column 0), with its merged regions.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
    pub merges: Vec<Merge>,
    /// The merged regions crossing each row, so lookups stay cheap on large sheets.
    by_row: Vec<Vec<Merge>>,
}

impl Sheet {
    /// A sheet with its merged regions indexed.
    pub fn new(name: String, rows: Vec<Vec<Cell>>, merges: Vec<Merge>) -> Self {
        let mut by_row: Vec<Vec<Merge>> = vec![Vec::new(); rows.len()];
        for m in &merges {
            let end = (m.bottom + 1).min(by_row.len());
            for row in by_row.iter_mut().take(end).skip(m.top) {
                row.push(*m);
            }
        }
        Sheet {
            name,
            rows,
            merges,
            by_row,
        }
    }

    /// The cell at (row, col), Empty outside the grid.
    pub fn cell(&self, row: usize, col: usize) -> &Cell {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .unwrap_or(&Cell::Empty)
    }

    /// The merged region covering (row, col), if any.
    pub fn merge_at(&self, row: usize, col: usize) -> Option<Merge> {
        self.by_row
            .get(row)?
            .iter()
            .copied()
            .find(|m| (m.left..=m.right).contains(&col))
    }
}

fn to_cell(d: &Data) -> Cell {
    match d {
        Data::Empty | Data::Error(_) => Cell::Empty,
        Data::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(t.to_string())
            }
        }
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Text(if *b { "是" } else { "否" }.to_string()),
        Data::DateTime(_) | Data::DateTimeIso(_) => d.as_date().map_or(Cell::Empty, Cell::Date),
        Data::DurationIso(s) => Cell::Text(s.clone()),
    }
}

/// A streamed .xlsx value as a cell: shared strings (most text) are copied once, trimmed.
fn to_cell_ref(d: &calamine::DataRef<'_>) -> Cell {
    use calamine::DataRef;
    let text = |s: &str| {
        let t = s.trim();
        if t.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(t.to_string())
        }
    };
    match d {
        DataRef::Empty | DataRef::Error(_) => Cell::Empty,
        DataRef::SharedString(s) => text(s),
        DataRef::String(s) => text(s),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        other => to_cell(&Data::from(other.clone())),
    }
}

/// The most cells a sheet's bounding box may span: calamine lays every sheet out densely,
/// so one cell in the far corner of an .xls costs 16 million empty ones (about 3 GB).
pub const MAX_SHEET_CELLS: u64 = 4_000_000;

/// Refuses a legacy .xls whose cells spread over more than [`MAX_SHEET_CELLS`] in one
/// sheet, by scanning its BIFF records before calamine builds anything. A file this scan
/// cannot follow is left to calamine, which answers for damaged files itself.
pub fn check_xls(bytes: &[u8]) -> Result<(), ImportError> {
    // The cfb crate checks the container strictly (calamine's own reader follows a looping
    // sector chain until memory runs out — found by the fuzzer): what it cannot open or
    // read is damaged.
    let damaged = || {
        ImportError::Corrupt("表格文件结构损坏，无法读取；请用 Excel/WPS 打开后另存再导入".into())
    };
    let mut cfb = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|_| damaged())?;
    let Some(name) = ["/Workbook", "/Book"].into_iter().find(|n| cfb.exists(n)) else {
        return Ok(());
    };
    let mut stream = Vec::new();
    cfb.open_stream(name)
        .and_then(|mut s| s.read_to_end(&mut stream))
        .map_err(|_| damaged())?;
    // (min row, max row, min col, max col) of the current substream's cells.
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    let mut sheet = 0;
    let mut at = 0;
    while at + 4 <= stream.len() {
        let kind = u16::from_le_bytes([stream[at], stream[at + 1]]);
        let len = usize::from(u16::from_le_bytes([stream[at + 2], stream[at + 3]]));
        let Some(data) = stream.get(at + 4..at + 4 + len) else {
            break;
        };
        at += 4 + len;
        let u16_at = |i: usize| {
            data.get(i..i + 2)
                .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
        };
        let cell = match kind {
            // NUMBER, RK, LABELSST, LABEL, BLANK, BOOLERR, FORMULA, RSTRING: row, col first.
            0x0203 | 0x027E | 0x00FD | 0x0204 | 0x0201 | 0x0205 | 0x0006 | 0x00D6 => {
                u16_at(0).zip(u16_at(2)).map(|(r, c)| (r, c, c))
            }
            // MULRK, MULBLANK: row, first col, …, last col.
            0x00BD | 0x00BE if len >= 6 => u16_at(0)
                .zip(u16_at(2))
                .zip(u16_at(len - 2))
                .map(|((r, first), last)| (r, first, last.max(first))),
            // DIMENSIONS: calamine reserves room for the extent it declares, and in a
            // release build an end before the start wraps to an allocation of hundreds of
            // gigabytes that aborts the process (found by the fuzzer): refuse both.
            0x0200 => {
                let declared = dimensions_extent(data).ok_or_else(damaged)?;
                if declared > MAX_SHEET_CELLS {
                    return Err(ImportError::TooManyCells {
                        sheet: sheet.max(1) - 1,
                        cells: declared,
                    });
                }
                None
            }
            // BOF: a new substream (sheet) begins.
            0x0809 => {
                sheet += 1;
                bounds = None;
                None
            }
            _ => None,
        };
        if let Some((row, first, last)) = cell {
            let b = bounds.get_or_insert((row, row, first, last));
            *b = (b.0.min(row), b.1.max(row), b.2.min(first), b.3.max(last));
            let cells = u64::from(b.1 - b.0 + 1) * u64::from(b.3 - b.2 + 1);
            if cells > MAX_SHEET_CELLS {
                return Err(ImportError::TooManyCells {
                    sheet: sheet.max(1) - 1,
                    cells,
                });
            }
        }
    }
    Ok(())
}

/// Streams an .xlsx sheet's cells, calling `take` with each position and value, and refuses
/// the sheet once its cells spread over more than [`MAX_SHEET_CELLS`]: calamine's own
/// `worksheet_range` lays a sheet out densely, and one cell at XFD1048576 would ask for
/// half a terabyte and abort the process.
fn stream_xlsx<RS: Read + std::io::Seek>(
    x: &mut calamine::Xlsx<RS>,
    sheet: usize,
    name: &str,
    mut take: impl FnMut((u32, u32), &calamine::DataRef<'_>) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let mut cells = x
        .worksheet_cells_reader(name)
        .map_err(|e| workbook_error(e.into()))?;
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    while let Some(cell) = cells.next_cell().map_err(|e| workbook_error(e.into()))? {
        let (row, col) = cell.get_position();
        let b = bounds.get_or_insert((row, row, col, col));
        *b = (b.0.min(row), b.1.max(row), b.2.min(col), b.3.max(col));
        let extent = u64::from(b.1 - b.0 + 1) * u64::from(b.3 - b.2 + 1);
        if extent > MAX_SHEET_CELLS {
            return Err(ImportError::TooManyCells {
                sheet: sheet + 1,
                cells: extent,
            });
        }
        take((row, col), cell.get_value())?;
    }
    Ok(())
}

/// Refuses an .xlsx sheet whose cells spread too far (see [`stream_xlsx`]) without keeping
/// them, for readers that go on with calamine's own ranges.
/// The cells a BIFF DIMENSIONS record declares, read as calamine reads it; None when its end
/// lies before its start (calamine would wrap around) or its length is not a known one.
fn dimensions_extent(data: &[u8]) -> Option<u64> {
    let u16_at = |i: usize| -> Option<u32> {
        data.get(i..i + 2)
            .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u32_at = |i: usize| -> Option<u32> {
        data.get(i..i + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let (first_row, row_after, mut first_col, col_after) = match data.len() {
        10 => (u16_at(0)?, u16_at(2)?, u16_at(4)?, u16_at(6)?),
        14 | 16 => (u32_at(0)?, u32_at(4)?, u16_at(8)?, u16_at(10)?),
        // calamine refuses other lengths itself.
        _ => return Some(0),
    };
    if first_col > 0xFF || col_after < first_col {
        first_col = 0;
    }
    let (last_row, last_col) = if row_after >= 1 && col_after >= 1 {
        (row_after - 1, col_after - 1)
    } else {
        (first_row, first_col)
    };
    if last_row < first_row || last_col < first_col {
        return None;
    }
    Some(u64::from(last_row - first_row + 1) * u64::from(last_col - first_col + 1))
}

pub fn check_xlsx_extent<RS: Read + std::io::Seek>(
    x: &mut calamine::Xlsx<RS>,
    sheet: usize,
    name: &str,
) -> Result<(), ImportError> {
    stream_xlsx(x, sheet, name, |_, _| Ok(()))
}

/// An .xlsx sheet's cells as rows, at their absolute positions.
fn xlsx_rows<RS: Read + std::io::Seek>(
    x: &mut calamine::Xlsx<RS>,
    sheet: usize,
    name: &str,
    max_rows: usize,
) -> Result<Vec<Vec<Cell>>, ImportError> {
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    stream_xlsx(x, sheet, name, |(r, c), value| {
        let (r, c) = (r as usize, c as usize);
        if r >= max_rows {
            return Err(ImportError::TooManyRows {
                sheet: name.to_string(),
                limit: max_rows,
            });
        }
        let cell = to_cell_ref(value);
        if cell.is_blank() {
            return Ok(());
        }
        if rows.len() <= r {
            rows.resize_with(r + 1, Vec::new);
        }
        let row = &mut rows[r];
        if row.len() <= c {
            row.resize(c + 1, Cell::Empty);
        }
        row[c] = cell;
        Ok(())
    })?;
    Ok(rows)
}

/// Runs a third-party file reader, turning a panic inside it into `on_panic`'s error: a
/// damaged file must get a clear "cannot read" answer, never a 500. (The fuzzer found
/// calamine panicking on a truncated .xls.)
pub fn without_panics<T, E>(
    read: impl FnOnce() -> Result<T, E>,
    on_panic: impl FnOnce() -> E,
) -> Result<T, E> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|_| Err(on_panic()))
}

/// Reads every sheet of a workbook (.xlsx, .xls, .ods); formula cells give their cached
/// values and date cells come back as dates.
pub fn read_workbook(bytes: &[u8], max_rows: usize) -> Result<Vec<Sheet>, ImportError> {
    without_panics(
        || read_workbook_cells(bytes, max_rows),
        || ImportError::Corrupt("表格结构损坏，无法读取；请用 Excel/WPS 打开后另存再导入".into()),
    )
}

fn read_workbook_cells(bytes: &[u8], max_rows: usize) -> Result<Vec<Sheet>, ImportError> {
    let source = Tracked::new(bytes);
    let mut wb = open_workbook_auto_from_rs(source.clone()).map_err(workbook_error)?;
    let names = wb.sheet_names();
    if let Sheets::Xlsx(x) = &mut wb {
        let mut sheets = Vec::with_capacity(names.len());
        for (i, name) in names.into_iter().enumerate() {
            // .xlsx cells are streamed into the grid: one pass, bounded as it goes.
            source.forget_reads();
            let rows = xlsx_rows(x, i, &name, max_rows)?;
            // The merged regions follow the cells in the sheet's part; calamine would parse
            // the whole part again to reach them, so the part it just read is searched.
            let merges = match source.first_read().and_then(|at| part_at(bytes, at)) {
                Some(part) => xlsx_merges(bytes, part)?,
                None => x
                    .merge_cells_by_sheet_name(&name)
                    .map_err(|e| workbook_error(e.into()))?
                    .iter()
                    .map(merge_of)
                    .collect(),
            };
            sheets.push(Sheet::new(name, rows, merges));
        }
        return Ok(sheets);
    }
    let mut merges_by_sheet: Vec<(String, Merge)> = Vec::new();
    if let Sheets::Xls(x) = &mut wb {
        for name in &names {
            let dims = x.merge_cells_by_sheet_name(name).unwrap_or_default();
            merges_by_sheet.extend(dims.iter().map(|d| (name.clone(), merge_of(d))));
        }
    }
    // ODS covered cells arrive empty; the table rules inherit them from above instead.
    let mut sheets = Vec::new();
    for name in names {
        let merges = merges_by_sheet
            .iter()
            .filter(|(s, _)| *s == name)
            .map(|(_, m)| *m)
            .collect();
        let range = wb.worksheet_range(&name).map_err(workbook_error)?;
        let (top, left) = range
            .start()
            .map_or((0, 0), |(r, c)| (r as usize, c as usize));
        if range.height() + top > max_rows {
            return Err(ImportError::TooManyRows {
                sheet: name,
                limit: max_rows,
            });
        }
        let mut rows = vec![Vec::new(); top];
        for r in range.rows() {
            let mut row = vec![Cell::Empty; left];
            row.extend(r.iter().map(to_cell));
            rows.push(row);
        }
        sheets.push(Sheet::new(name, rows, merges));
    }
    Ok(sheets)
}

/// The workbook's bytes as calamine reads them, noting where its first read since
/// [`Tracked::forget_reads`] began: while a sheet's cells stream, that is inside the sheet's
/// own part of the archive, which calamine does not otherwise name.
#[derive(Clone)]
struct Tracked<'a> {
    bytes: Cursor<&'a [u8]>,
    first_read: std::rc::Rc<std::cell::Cell<Option<u64>>>,
}

impl<'a> Tracked<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Tracked {
            bytes: Cursor::new(bytes),
            first_read: Default::default(),
        }
    }

    fn forget_reads(&self) {
        self.first_read.set(None);
    }

    fn first_read(&self) -> Option<u64> {
        self.first_read.get()
    }
}

impl Read for Tracked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.first_read.get().is_none() {
            self.first_read.set(Some(self.bytes.position()));
        }
        self.bytes.read(buf)
    }
}

impl std::io::Seek for Tracked<'_> {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.bytes.seek(pos)
    }
}

/// The archive entry whose stored bytes hold `offset`: the one with the last local header
/// at or before it.
fn part_at(bytes: &[u8], offset: u64) -> Option<usize> {
    let zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    (0..zip.len())
        .filter_map(|i| Some((zip.by_index_data(i).ok()?.header_start(), i)))
        .filter(|(start, _)| *start <= offset)
        .max()
        .map(|(_, i)| i)
}

/// The merged regions of the sheet in archive entry `part`, as calamine reads them
/// (`<mergeCells><mergeCell ref="A1:D1"/>…`), found without parsing the cells before them.
fn xlsx_merges(bytes: &[u8], part: usize) -> Result<Vec<Merge>, ImportError> {
    let damaged = |e: &dyn std::fmt::Display| ImportError::Corrupt(format!("无法读取表格（{e}）"));
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
    let mut xml = zip.by_index(part).map_err(|e| damaged(&e))?;
    let Some(from_tag) = read_to_start_tag(&mut xml, b"mergeCells").map_err(|e| damaged(&e))?
    else {
        return Ok(Vec::new());
    };
    let mut reader =
        quick_xml::Reader::from_reader(std::io::BufReader::new(Cursor::new(from_tag).chain(xml)));
    // calamine's settings for sheet parts.
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let mut merges = Vec::new();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf).map_err(|e| damaged(&e))? {
            quick_xml::events::Event::Start(e) if e.local_name().as_ref() == "mergeCell" => {
                let mut reference = None;
                for a in e.attributes().with_checks(false) {
                    let a = a.map_err(|e| damaged(&e))?;
                    if a.key.as_ref() == "ref" {
                        reference = Some(a.value);
                        break;
                    }
                }
                if let Some(r) = reference {
                    let merge = merge_ref(&r);
                    merges.push(merge.ok_or_else(|| damaged(&"合并单元格的范围无法识别"))?);
                }
            }
            quick_xml::events::Event::End(e) if e.local_name().as_ref() == "mergeCells" => {
                return Ok(merges);
            }
            quick_xml::events::Event::Eof => return Err(damaged(&"合并单元格列表不完整")),
            _ => {}
        }
    }
}

/// `A1:D3` (or one cell, `B2`) as a merged region, as calamine reads a range.
fn merge_ref(text: &str) -> Option<Merge> {
    let mut parts = text.split(':');
    let (top, left) = cell_ref(parts.next()?)?;
    let (bottom, right) = match parts.next() {
        Some(end) => cell_ref(end)?,
        None => (top, left),
    };
    parts.next().is_none().then_some(Merge {
        top,
        left,
        bottom,
        right,
    })
}

/// `AB12` as a 0-based (row, column); both parts are needed.
fn cell_ref(text: &str) -> Option<(usize, usize)> {
    let letters = text.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (col, row) = text.split_at(letters);
    if row.is_empty() || !row.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let col = col.bytes().try_fold(0u32, |n, b| {
        n.checked_mul(26)?
            .checked_add(u32::from(b.to_ascii_uppercase() - b'A') + 1)
    })?;
    let row = row.bytes().try_fold(0u32, |n, b| {
        n.checked_mul(10)?.checked_add(u32::from(b - b'0'))
    })?;
    Some((row.checked_sub(1)? as usize, col.checked_sub(1)? as usize))
}

/// Reads `xml` up to its first start tag named `local` (under any namespace prefix) and
/// returns what was read from that tag on; None when there is none. Comments, CDATA and
/// processing instructions are stepped over whole, and quoted attribute values too: the
/// same letters there are no tag.
fn read_to_start_tag(xml: &mut impl Read, local: &[u8]) -> std::io::Result<Option<Vec<u8>>> {
    const CHUNK: usize = 64 * 1024;
    let mut held: Vec<u8> = Vec::new();
    loop {
        // Read at least as much again as is held, so that markup spanning many chunks is
        // scanned a few times, not once per chunk.
        let want = CHUNK.max(held.len());
        let got = Read::take(&mut *xml, want as u64).read_to_end(&mut held)?;
        let end = got < want;
        match scan_for_tag(&held, local, end) {
            Scan::Found(at) => {
                held.drain(..at);
                return Ok(Some(held));
            }
            Scan::Incomplete(at) if !end => {
                held.drain(..at);
            }
            _ => return Ok(None),
        }
    }
}

/// What [`scan_for_tag`] found.
#[derive(Debug, PartialEq, Eq)]
enum Scan {
    /// The tag starts here.
    Found(usize),
    /// Nothing before here: markup starting here goes on past what is held.
    Incomplete(usize),
    Absent,
}

fn scan_for_tag(xml: &[u8], local: &[u8], at_end: bool) -> Scan {
    let more = |from: usize| {
        if at_end {
            Scan::Absent
        } else {
            Scan::Incomplete(from)
        }
    };
    // Plain byte loops: a sheet's text is nearly all short tags, too short for memchr's
    // set-up to pay.
    let mut at = 0;
    while at < xml.len() {
        if xml[at] != b'<' {
            at += 1;
            continue;
        }
        let lt = at;
        let rest = &xml[lt + 1..];
        // Too little held to tell a comment or CDATA from a tag.
        if rest.len() < 8 && !at_end {
            return Scan::Incomplete(lt);
        }
        let skip_to: Option<(usize, &[u8])> = if rest.starts_with(b"!--") {
            Some((3, b"-->"))
        } else if rest.starts_with(b"![CDATA[") {
            Some((8, b"]]>"))
        } else if rest.starts_with(b"?") {
            Some((1, b"?>"))
        } else {
            None
        };
        if let Some((open, close)) = skip_to {
            match memchr::memmem::find(&rest[open..], close) {
                Some(i) => at = lt + 1 + open + i + close.len(),
                None => return more(lt),
            }
            continue;
        }
        // An end tag's name comes after its `/`, so it reads as empty here.
        let Some(name_len) = rest
            .iter()
            .position(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/'))
        else {
            return more(lt);
        };
        let name = &rest[..name_len];
        let local_name = name.rsplit(|b| *b == b':').next().unwrap_or(name);
        if local_name == local && !name.starts_with(b"!") {
            return Scan::Found(lt);
        }
        // The tag ends at the first `>` outside a quoted value.
        let mut i = name_len;
        let mut quote = 0u8;
        loop {
            let Some(&b) = rest.get(i) else {
                return more(lt);
            };
            i += 1;
            if quote != 0 {
                if b == quote {
                    quote = 0;
                }
            } else if b == b'>' {
                break;
            } else if b == b'"' || b == b'\'' {
                quote = b;
            }
        }
        at = lt + 1 + i;
    }
    more(xml.len())
}

fn merge_of(d: &calamine::Dimensions) -> Merge {
    Merge {
        top: d.start.0 as usize,
        left: d.start.1 as usize,
        bottom: d.end.0 as usize,
        right: d.end.1 as usize,
    }
}

fn workbook_error(e: calamine::Error) -> ImportError {
    let text = e.to_string();
    let lower = text.to_lowercase();
    if lower.contains("password") || lower.contains("encrypt") {
        return ImportError::Encrypted;
    }
    ImportError::Corrupt(format!("无法读取表格（{text}）"))
}

/// Reads a CSV file (comma- or tab-separated) in any encoding [`decode_text`] knows.
pub fn read_csv(bytes: &[u8], max_rows: usize) -> Result<Vec<Sheet>, ImportError> {
    let (text, _) = decode_text(bytes)?;
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.contains('\t') && !first.contains(',') {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        if i >= max_rows {
            return Err(ImportError::TooManyRows {
                sheet: "CSV".into(),
                limit: max_rows,
            });
        }
        let record = record
            .map_err(|e| ImportError::Corrupt(format!("第 {} 行 CSV 格式有误（{e}）", i + 1)))?;
        rows.push(
            record
                .iter()
                .map(|f| {
                    let t = f.trim();
                    if t.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(t.to_string())
                    }
                })
                .collect(),
        );
    }
    Ok(vec![Sheet::new("CSV".into(), rows, Vec::new())])
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use zip::write::SimpleFileOptions;

    use super::*;

    const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

    /// An .xlsx-shaped archive with the given parts.
    fn archive(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in parts {
            w.start_file(*name, SimpleFileOptions::default())
                .expect("part");
            w.write_all(data).expect("write");
        }
        w.finish().expect("finish").into_inner()
    }

    /// `copies` sheets of 1 MiB of blanks each: a few KiB of archive that unpacks to
    /// `copies` MiB.
    fn bomb(copies: usize) -> Vec<u8> {
        let mut sheet = b"<worksheet>".to_vec();
        sheet.resize(1 << 20, b' ');
        let one = archive(&[("xl/worksheets/sheet1.xml", &sheet)]);
        let mut source = zip::ZipArchive::new(Cursor::new(one)).expect("zip");
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file("xl/workbook.xml", SimpleFileOptions::default())
            .expect("workbook");
        w.write_all(SHEET_HEAD.as_bytes()).expect("write");
        for i in 0..copies {
            let part = source.by_index_raw(0).expect("part");
            w.raw_copy_file_rename(part, format!("xl/worksheets/sheet{}.xml", i + 2))
                .expect("copy");
        }
        w.finish().expect("finish").into_inner()
    }

    #[test]
    fn the_merge_list_is_found_past_what_only_looks_like_it() {
        fn found(xml: &str) -> Option<&str> {
            match scan_for_tag(xml.as_bytes(), b"mergeCells", true) {
                Scan::Found(at) => Some(&xml[at..]),
                _ => None,
            }
        }
        let tail = r#"<mergeCells count="1"><mergeCell ref="A1:D1"/></mergeCells>"#;
        let cases: &[(&str, bool)] = &[
            (r#"<worksheet><sheetData/><mergeCells count="1">"#, true),
            (r#"<x:worksheet><x:mergeCells count="1">"#, true),
            ("<worksheet><!-- <mergeCells> --><sheetData/>", false),
            ("<worksheet><![CDATA[<mergeCells>]]><sheetData/>", false),
            ("<?mergeCells x?><worksheet/>", false),
            (r#"<c t="<mergeCells>" s='<mergeCells'/>"#, false),
            ("</mergeCells><mergeCellsX/><mergeCell/>", false),
            ("<worksheet><mergeCells", false),
        ];
        for (xml, has) in cases {
            assert_eq!(found(xml).is_some(), *has, "{xml}");
        }
        let whole = format!("<worksheet><!-- x --><sheetData></sheetData>{tail}</worksheet>");
        assert_eq!(found(&whole), Some(&whole[whole.len() - tail.len() - 12..]));
        // Markup cut off at the end of what is held is read on, not judged.
        assert_eq!(
            scan_for_tag(b"<a/><!-- <mergeCells", b"mergeCells", false),
            Scan::Incomplete(4)
        );
        assert_eq!(
            scan_for_tag(b"<a/><mergeCe", b"mergeCells", false),
            Scan::Incomplete(4)
        );
    }

    #[test]
    fn merged_regions_are_read_across_chunks_and_as_calamine_reads_them() {
        // A comment longer than a chunk, and the list's tag across a chunk boundary.
        let long = format!("<!--{}-->", "<mergeCells>".repeat(20_000));
        for pad in [0, 65_530, 131_070] {
            let xml = format!(
                r#"<worksheet>{}<sheetData/>{long}<x:mergeCells count="2"><x:mergeCell ref="A1:D1"/><x:mergeCell ref="b3"/></x:mergeCells></worksheet>"#,
                " ".repeat(pad)
            );
            let bytes = archive(&[("xl/worksheets/sheet1.xml", xml.as_bytes())]);
            let got = xlsx_merges(&bytes, 0).expect("merges");
            let want = [
                Merge {
                    top: 0,
                    left: 0,
                    bottom: 0,
                    right: 3,
                },
                Merge {
                    top: 2,
                    left: 1,
                    bottom: 2,
                    right: 1,
                },
            ];
            assert_eq!(got, want, "pad {pad}");
        }
        for bad in ["A0:B1", "1:2", "A1:B2:C3", "AAAAAAAAA1", "A99999999999"] {
            assert_eq!(merge_ref(bad), None, "{bad}");
        }
        // Every workbook of the fixtures: the same regions as calamine's own reading.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
        let mut checked = 0;
        for sub in ["import", "real"] {
            for entry in std::fs::read_dir(format!("{dir}/{sub}")).expect("fixtures") {
                let path = entry.expect("entry").path();
                if path.extension().is_none_or(|e| e != "xlsx") {
                    continue;
                }
                let bytes = std::fs::read(&path).expect("fixture");
                let Ok(ours) = read_workbook(&bytes, 100_000) else {
                    continue;
                };
                let mut wb = open_workbook_auto_from_rs(Cursor::new(&bytes[..])).expect("open");
                let Sheets::Xlsx(x) = &mut wb else {
                    continue;
                };
                for sheet in ours {
                    let theirs: Vec<Merge> = x
                        .merge_cells_by_sheet_name(&sheet.name)
                        .expect("calamine")
                        .iter()
                        .map(merge_of)
                        .collect();
                    assert_eq!(sheet.merges, theirs, "{} {}", path.display(), sheet.name);
                    checked += usize::from(!theirs.is_empty());
                }
            }
        }
        assert!(checked >= 3, "only {checked} sheets with merged cells");
    }

    #[test]
    fn a_reader_that_panics_gives_a_clean_error() {
        // Found by the fuzzer: calamine 0.38 slices out of range on this damaged .xls.
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/import/fuzz-truncated-cfb.xls"
        ))
        .expect("fixture");
        let got = crate::import::read_plan(
            &bytes,
            "plan.xls",
            &crate::import::ImportOptions::for_year(2021),
        );
        match got {
            Err(ImportError::Corrupt(message)) => assert!(message.contains("另存"), "{message}"),
            other => panic!("expected a corrupt-file error, got {other:?}"),
        }
    }

    #[test]
    fn an_xls_spread_over_millions_of_cells_is_refused_before_reading() {
        let fixture = |name: &str| {
            std::fs::read(format!(
                "{}/tests/fixtures/import/{name}",
                env!("CARGO_MANIFEST_DIR")
            ))
            .expect("fixture")
        };
        // Found by the fuzzer: 15 KB that calamine would lay out as millions of cells.
        let started = std::time::Instant::now();
        let bomb = detect(&fixture("fuzz-cell-bomb.xls"), "plan.xls");
        assert!(
            matches!(bomb, Err(ImportError::TooManyCells { cells, .. }) if cells > MAX_SHEET_CELLS),
            "{bomb:?}"
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        // Found by the fuzzer: 1.8 KB whose sector chain loops; refused at once.
        let looped = detect(&fixture("fuzz-sector-loop.xls"), "plan.xls");
        assert!(matches!(looped, Err(ImportError::Corrupt(_))), "{looped:?}");
        // Found by the fuzzer: 15 KB whose DIMENSIONS record ends before it starts; a
        // release build of calamine wrapped it into a 687 GB allocation and aborted.
        let wrapped = detect(&fixture("fuzz-dimensions-wrap.xls"), "plan.xls");
        assert!(
            matches!(
                wrapped,
                Err(ImportError::Corrupt(_) | ImportError::TooManyCells { .. })
            ),
            "{wrapped:?}"
        );
        // A real Excel 97 plan passes, and so does each real plan's .xls.
        for plan in [
            "tests/fixtures/import/guangzhou-columns-excel97.xls",
            "tests/fixtures/real/jiangmen-tdcbzx-2021-tasks.xls",
            "tests/fixtures/real/weifang-zwgk-2017-plan.xls",
        ] {
            let bytes =
                std::fs::read(format!("{}/{plan}", env!("CARGO_MANIFEST_DIR"))).expect("fixture");
            assert_eq!(detect(&bytes, "plan.xls").ok(), Some(Format::Xls), "{plan}");
        }
    }

    #[test]
    fn zip_bombs_and_xml_declarations_are_refused_before_reading() {
        let laughs = format!(
            "{SHEET_HEAD}<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><worksheet>&lol2;</worksheet>"
        );
        let small = bomb(8);
        assert!(small.len() < 64 * 1024, "the bomb itself is small");
        let cases: Vec<(&str, Vec<u8>, Option<&str>)> = vec![
            ("8 MiB unpacked", small, None),
            ("300 MiB unpacked", bomb(300), Some("压缩炸弹")),
            (
                "entities in a sheet",
                archive(&[
                    ("xl/workbook.xml", SHEET_HEAD.as_bytes()),
                    ("xl/worksheets/sheet1.xml", laughs.as_bytes()),
                ]),
                Some("DOCTYPE"),
            ),
            (
                "entities in a document",
                archive(&[("word/document.xml", laughs.as_bytes())]),
                Some("DOCTYPE"),
            ),
            (
                "entities behind a long comment",
                archive(&[(
                    "word/document.xml",
                    format!("<!--{}-->{}", "x".repeat(10_000), laughs).as_bytes(),
                )]),
                Some("DOCTYPE"),
            ),
            (
                "the word DOCTYPE in the text",
                archive(&[(
                    "word/document.xml",
                    format!("{SHEET_HEAD}<w:document><w:t>&lt;!DOCTYPE&gt; &lt;!ENTITY</w:t></w:document>")
                        .as_bytes(),
                )]),
                None,
            ),
        ];
        for (what, bytes, refused) in cases {
            let got = detect(&bytes, "plan.xlsx");
            match refused {
                None => assert!(got.is_ok(), "{what}: {got:?}"),
                Some(word) => {
                    let message = got.expect_err(what).to_string();
                    assert!(message.contains(word), "{what}: {message}");
                }
            }
        }
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use crate::import::{read_plan, ImportOptions};

    fn sample(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/imports/{name}", env!("CARGO_MANIFEST_DIR"))).expect("sample")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Real plan files with bytes overwritten anywhere: the reader answers with a plan
        /// or a clean error, never a panic.
        #[test]
        fn damaged_real_files_never_panic(
            which in 0usize..3,
            edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12),
        ) {
            let (name, mut bytes) = match which {
                0 => ("plan.xlsx", sample("guangzhou-sports-2021-division-plan.xlsx")),
                1 => ("plan.docx", sample("shanghai-sports-2022-work-points.docx")),
                _ => ("plan.csv", sample("guangzhou-gbk.csv")),
            };
            for (at, byte) in edits {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            let _ = read_plan(&bytes, name, &ImportOptions::for_year(2021));
        }

        /// Arbitrary bytes under any name.
        #[test]
        fn arbitrary_bytes_never_panic(
            bytes in prop::collection::vec(any::<u8>(), 0..2048),
            name in prop::sample::select(vec!["a.xlsx", "a.xls", "a.ods", "a.csv", "a.docx", "a.txt", "a"]),
        ) {
            let _ = read_plan(&bytes, name, &ImportOptions::for_year(2021));
        }
    }
}
