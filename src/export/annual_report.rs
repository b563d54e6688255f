//! The annual disclosure report (政府信息公开工作年度报告) as it is printed: a .docx in the
//! official layout (GB/T 9704 page, fonts and line spacing) and its tables as an .xlsx
//! workbook, one sheet per table.
//!
//! The .docx is hand-written WordprocessingML in a zip: the report needs a handful of
//! parts and no feature a document library would add.

use std::io::{Cursor, Write};

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::sheet::{self, HEADER_ROW, SUBTITLE_ROW, TITLE_ROW};

/// The report as it is printed: title, then the six parts in order.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportDoc {
    /// e.g. "广州市体育局2021年政府信息公开工作年度报告".
    pub title: String,
    /// A line under the title, e.g. "（2021年度）" or "" for none.
    pub subtitle: String,
    /// The parts 一 … 六, in order.
    pub parts: Vec<ReportPart>,
}

/// One numbered part of the report: heading, text, then its tables.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportPart {
    /// "一" … "六".
    pub number: String,
    /// e.g. "总体情况".
    pub title: String,
    /// Paragraphs of text before any tables (split on '\n' by the writer; empty lines dropped).
    pub text: String,
    /// The part's tables, in order.
    pub tables: Vec<ReportTable>,
}

/// A table laid out like the printed form: header rows with merged cells, then body rows
/// whose first cells are row labels (which may span several rows), then the values.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportTable {
    /// Shown above the table, e.g. "（一）主动公开政府信息情况"; may be "".
    pub caption: String,
    /// Total number of grid columns (label columns + value columns).
    pub columns: u16,
    /// Header rows, top to bottom.
    pub header: Vec<Vec<GridCell>>,
    /// Body rows, top to bottom.
    pub body: Vec<Vec<GridCell>>,
}

/// One cell of the grid. Cells covered by another cell's span are simply not listed:
/// each row lists its cells left to right, and the writer works out the grid positions
/// from the spans of the rows above (as HTML tables do).
#[derive(Debug, Clone, PartialEq)]
pub struct GridCell {
    /// The text shown; '\n' breaks the line.
    pub text: String,
    /// Columns covered (0 counts as 1).
    pub col_span: u16,
    /// Rows covered (0 counts as 1).
    pub row_span: u16,
    /// Header or row label (bold in headers, centred), or a value (right-aligned number).
    pub kind: CellKind,
}

/// What a grid cell is, which decides its look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// A column header: bold, centred, grey in the workbook.
    Header,
    /// A row label: centred.
    Label,
    /// A figure: right-aligned, a number in the workbook when it reads as one.
    Value,
}

/// Why a report file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum AnnualReportError {
    /// A cell reaches past the table's last column.
    #[error("年度报告表格有误：第{row}行第{cell}个单元格超出了表格的{columns}列")]
    RowOverflow {
        /// Row, counted from 1 within the header or the body.
        row: usize,
        /// Cell within the row, counted from 1.
        cell: usize,
        /// The table's column count.
        columns: u16,
    },
    /// A cell lands on a position a cell above already covers by spanning down.
    #[error("年度报告表格有误：第{row}行第{cell}个单元格与上方跨行的单元格重叠")]
    Overlap {
        /// Row, counted from 1 within the header or the body.
        row: usize,
        /// Cell within the row, counted from 1.
        cell: usize,
    },
    /// A cell spans down past the last row of the header or the body.
    #[error("年度报告表格有误：第{row}行第{cell}个单元格向下跨{row_span}行，超出了表格末行")]
    RowSpanPastEnd {
        /// Row, counted from 1 within the header or the body.
        row: usize,
        /// Cell within the row, counted from 1.
        cell: usize,
        /// The cell's row span.
        row_span: u16,
    },
    /// More rows than a grid position can number.
    #[error("年度报告表格行数过多（{rows}行）")]
    TooManyRows {
        /// The number of rows given.
        rows: usize,
    },
    /// The zip container could not be written.
    #[error("生成 Word 文件失败（压缩出错：{0}）")]
    Zip(#[from] zip::result::ZipError),
    /// Writing into the zip failed.
    #[error("生成 Word 文件失败（写入出错：{0}）")]
    Io(#[from] std::io::Error),
}

/// The grid positions of a table's cells (row, col) after resolving spans, for tests and for both writers.
pub fn layout(
    rows: &[Vec<GridCell>],
    columns: u16,
) -> Result<Vec<Vec<(u16, u16)>>, AnnualReportError> {
    if u16::try_from(rows.len()).is_err() {
        return Err(AnnualReportError::TooManyRows { rows: rows.len() });
    }
    let width = usize::from(columns);
    // Positions already covered, by cells of this row to the left or of rows above.
    let mut taken = vec![vec![false; width]; rows.len()];
    let mut out = Vec::with_capacity(rows.len());
    for (r, row) in rows.iter().enumerate() {
        let mut c = 0;
        let mut line = Vec::with_capacity(row.len());
        for (i, cell) in row.iter().enumerate() {
            while c < width && taken[r][c] {
                c += 1;
            }
            let (rs, cs) = (span(cell.row_span), span(cell.col_span));
            if c + cs > width {
                return Err(AnnualReportError::RowOverflow {
                    row: r + 1,
                    cell: i + 1,
                    columns,
                });
            }
            if r + rs > rows.len() {
                return Err(AnnualReportError::RowSpanPastEnd {
                    row: r + 1,
                    cell: i + 1,
                    row_span: cell.row_span,
                });
            }
            // A wide cell may run into a column a cell above holds down.
            if taken[r][c..c + cs].iter().any(|t| *t) {
                return Err(AnnualReportError::Overlap {
                    row: r + 1,
                    cell: i + 1,
                });
            }
            for line in &mut taken[r..r + rs] {
                line[c..c + cs].fill(true);
            }
            // Both fit in u16: r < rows.len() (checked above) and c < columns.
            line.push((r as u16, c as u16));
            c += cs;
        }
        out.push(line);
    }
    Ok(out)
}

/// A span as a count, with 0 read as 1 so a forgotten span never hides a cell.
fn span(n: u16) -> usize {
    usize::from(n.max(1))
}

/// A cell placed on its table's grid (header and body rows numbered together).
struct Placed<'a> {
    cell: &'a GridCell,
    row: usize,
    col: usize,
    rows: usize,
    cols: usize,
}

/// A table's cells on its grid, and which cell covers each position.
struct Grid<'a> {
    columns: usize,
    header_rows: usize,
    /// The cells of each row as the data lists them.
    rows: Vec<Vec<Placed<'a>>>,
    /// For each grid position, (row, index in that row) of the cell covering it.
    owner: Vec<Vec<Option<(usize, usize)>>>,
}

/// Places header and body separately: like HTML's thead and tbody, a span never crosses
/// from one into the other.
fn place(t: &ReportTable) -> Result<Grid<'_>, AnnualReportError> {
    let columns = usize::from(t.columns);
    let mut rows: Vec<Vec<Placed<'_>>> = Vec::with_capacity(t.header.len() + t.body.len());
    for (offset, group) in [(0, &t.header), (t.header.len(), &t.body)] {
        let positions = layout(group, t.columns)?;
        for (line, cells) in positions.iter().zip(group) {
            rows.push(
                line.iter()
                    .zip(cells)
                    .map(|(&(r, c), cell)| Placed {
                        cell,
                        row: offset + usize::from(r),
                        col: usize::from(c),
                        rows: span(cell.row_span),
                        cols: span(cell.col_span),
                    })
                    .collect(),
            );
        }
    }
    let mut owner = vec![vec![None; columns]; rows.len()];
    for (r, line) in rows.iter().enumerate() {
        for (i, p) in line.iter().enumerate() {
            for covered in &mut owner[p.row..p.row + p.rows] {
                covered[p.col..p.col + p.cols].fill(Some((r, i)));
            }
        }
    }
    Ok(Grid {
        columns,
        header_rows: t.header.len(),
        rows,
        owner,
    })
}

/// Column widths in Excel character units, from the single-column cells' texts: a cell
/// spanning n rows may wrap onto n lines, so it needs only 1/n of its width. Label columns
/// are at least 5 Chinese characters wide and may grow wider than value columns.
fn column_widths(g: &Grid<'_>) -> Vec<f64> {
    let mut need = vec![0usize; g.columns];
    let mut label = vec![false; g.columns];
    for p in g.rows.iter().flatten() {
        if p.cell.kind == CellKind::Label {
            label[p.col..p.col + p.cols].fill(true);
        }
        if p.cols == 1 {
            let w = sheet::text_width(&p.cell.text).div_ceil(p.rows);
            need[p.col] = need[p.col].max(w);
        }
    }
    need.iter()
        .zip(&label)
        .map(|(&n, &is_label)| {
            let (min, max) = if is_label { (10, 40) } else { (8, 14) };
            (n + 2).clamp(min, max) as f64
        })
        .collect()
}

/// The heading of a part as printed, e.g. "一、总体情况".
fn heading(part: &ReportPart) -> String {
    match (part.number.trim(), part.title.trim()) {
        ("", title) => title.to_string(),
        (number, "") => number.to_string(),
        (number, title) => format!("{number}、{title}"),
    }
}

// ---------------------------------------------------------------------------------------
// .docx

const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const NS_W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const NS_R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// A4 portrait in twips.
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
/// GB/T 9704 margins: 37 mm top, 35 mm bottom, 28 mm left (binding side), 26 mm right,
/// which leaves its 156 mm × 225 mm type area.
const MARGIN_TOP: u32 = 2098;
const MARGIN_BOTTOM: u32 = 1984;
const MARGIN_LEFT: u32 = 1587;
const MARGIN_RIGHT: u32 = 1474;
/// The width tables share out among their columns.
const TEXT_WIDTH: u32 = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;

/// Writes the report as a .docx in the official layout.
pub fn docx(doc: &ReportDoc) -> Result<Vec<u8>, AnnualReportError> {
    let parts = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", PACKAGE_RELS.to_string()),
        ("docProps/core.xml", core_xml(&doc.title)),
        ("docProps/app.xml", app_xml(&doc.title)),
        ("word/document.xml", document_xml(doc)?),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
        ("word/styles.xml", STYLES.to_string()),
        ("word/settings.xml", SETTINGS.to_string()),
        ("word/fontTable.xml", FONT_TABLE.to_string()),
        ("word/footer1.xml", FOOTER.to_string()),
    ];
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, xml) in parts {
        zip.start_file(name, options)?;
        zip.write_all(xml.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

/// The body: title, subtitle, then each part's heading, paragraphs and tables.
fn document_xml(doc: &ReportDoc) -> Result<String, AnnualReportError> {
    let mut b = String::with_capacity(64 * 1024);
    b.push_str(XML_DECL);
    b.push_str(&format!(
        "<w:document xmlns:w=\"{NS_W}\" xmlns:r=\"{NS_R}\"><w:body>"
    ));
    if !doc.title.trim().is_empty() {
        paragraph(&mut b, TITLE, None, doc.title.trim());
    }
    if !doc.subtitle.trim().is_empty() {
        paragraph(&mut b, SUBTITLE, None, doc.subtitle.trim());
    }
    for part in &doc.parts {
        let h = heading(part);
        if !h.is_empty() {
            paragraph(&mut b, HEADING, None, &h);
        }
        // Trimming also drops full-width spaces typed as indentation: the style indents.
        for line in part
            .text
            .split('\n')
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            paragraph(&mut b, BODY, None, line);
        }
        for t in &part.tables {
            if !t.caption.trim().is_empty() {
                paragraph(&mut b, CAPTION, None, t.caption.trim());
            }
            table(&mut b, t)?;
            // Also keeps two tables from running together into one when there is no caption.
            paragraph(&mut b, CELL, None, "");
        }
    }
    b.push_str(&format!(
        "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rIdFooter1\"/>\
         <w:pgSz w:w=\"{PAGE_WIDTH}\" w:h=\"{PAGE_HEIGHT}\"/>\
         <w:pgMar w:top=\"{MARGIN_TOP}\" w:right=\"{MARGIN_RIGHT}\" w:bottom=\"{MARGIN_BOTTOM}\" \
         w:left=\"{MARGIN_LEFT}\" w:header=\"851\" w:footer=\"1304\" w:gutter=\"0\"/>\
         <w:cols w:space=\"425\"/></w:sectPr></w:body></w:document>"
    ));
    Ok(b)
}

/// How a kind of paragraph looks: its style, and the font and size its runs repeat.
#[derive(Clone, Copy)]
struct Look {
    style: Option<&'static str>,
    /// The Chinese (eastAsia) font; Latin letters and digits are in Times New Roman.
    font: &'static str,
    /// Half-points, as `w:sz` counts.
    size: u32,
    bold: bool,
}

/// 方正小标宋简体 二号.
const TITLE: Look = Look {
    style: Some("Title"),
    font: "方正小标宋简体",
    size: 44,
    bold: false,
};
/// 楷体_GB2312 三号.
const SUBTITLE: Look = Look {
    style: Some("Subtitle"),
    font: "楷体_GB2312",
    size: 32,
    bold: false,
};
/// 黑体 三号.
const HEADING: Look = Look {
    style: Some("Heading1"),
    font: "黑体",
    size: 32,
    bold: false,
};
/// 仿宋_GB2312 三号 (the Normal style).
const BODY: Look = Look {
    style: None,
    font: "仿宋_GB2312",
    size: 32,
    bold: false,
};
/// 仿宋_GB2312 三号, bold.
const CAPTION: Look = Look {
    style: Some("TableCaption"),
    font: "仿宋_GB2312",
    size: 32,
    bold: true,
};
/// 仿宋_GB2312 五号.
const CELL: Look = Look {
    style: Some("TableText"),
    font: "仿宋_GB2312",
    size: 21,
    bold: false,
};
/// 仿宋_GB2312 五号, bold.
const HEADER_CELL: Look = Look { bold: true, ..CELL };

/// One paragraph of one run; `jc` overrides the style's alignment.
fn paragraph(b: &mut String, look: Look, jc: Option<&str>, text: &str) {
    b.push_str("<w:p>");
    if look.style.is_some() || jc.is_some() {
        b.push_str("<w:pPr>");
        if let Some(s) = look.style {
            b.push_str(&format!("<w:pStyle w:val=\"{s}\"/>"));
        }
        if let Some(j) = jc {
            b.push_str(&format!("<w:jc w:val=\"{j}\"/>"));
        }
        b.push_str("</w:pPr>");
    }
    if !text.is_empty() {
        run(b, look, text);
    }
    b.push_str("</w:p>");
}

/// A run of text, '\n' as line breaks. Font and size are repeated on the run although the
/// style has them: pasted into another document, text keeps direct formatting but takes
/// on that document's styles of the same name.
fn run(b: &mut String, look: Look, text: &str) {
    // The eastAsia hint makes Word set “” and other shared punctuation in the Chinese font.
    b.push_str(&format!(
        "<w:r><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:eastAsia=\"{}\" \
         w:hAnsi=\"Times New Roman\" w:hint=\"eastAsia\"/>",
        look.font
    ));
    if look.bold {
        b.push_str("<w:b/><w:bCs/>");
    }
    b.push_str(&format!(
        "<w:sz w:val=\"{0}\"/><w:szCs w:val=\"{0}\"/></w:rPr>",
        look.size
    ));
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            b.push_str("<w:br/>");
        }
        if !line.is_empty() {
            b.push_str("<w:t xml:space=\"preserve\">");
            escape_into(b, line);
            b.push_str("</w:t>");
        }
    }
    b.push_str("</w:r>");
}

/// Appends XML text with the special characters escaped and the characters XML 1.0 cannot
/// hold dropped (Word refuses the whole file over a single one).
fn escape_into(b: &mut String, s: &str) {
    for ch in s.chars() {
        match ch {
            '&' => b.push_str("&amp;"),
            '<' => b.push_str("&lt;"),
            '>' => b.push_str("&gt;"),
            '"' => b.push_str("&quot;"),
            '\'' => b.push_str("&apos;"),
            '\t' => b.push(' '),
            '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => {}
            c => b.push(c),
        }
    }
}

fn escape(s: &str) -> String {
    let mut b = String::with_capacity(s.len());
    escape_into(&mut b, s);
    b
}

/// Column widths in twips, sharing out the type area's width.
fn twips(widths: &[f64]) -> Vec<u32> {
    let total: f64 = widths.iter().sum();
    if widths.is_empty() || total <= 0.0 {
        return vec![0; widths.len()];
    }
    let mut out: Vec<u32> = widths
        .iter()
        .map(|w| (w / total * f64::from(TEXT_WIDTH)).round() as u32)
        .collect();
    // Rounding must not make the table wider or narrower than the type area.
    let others: u32 = out[..out.len() - 1].iter().sum();
    if let Some(last) = out.last_mut() {
        *last = TEXT_WIDTH.saturating_sub(others);
    }
    out
}

/// Writes one table. Word has no "covered" cells: a cell spanning down is a `w:vMerge`
/// restart cell followed by one continuation cell in each row below, with the same
/// `w:gridSpan`; a span across is one cell with `w:gridSpan`.
fn table(b: &mut String, t: &ReportTable) -> Result<(), AnnualReportError> {
    let g = place(t)?;
    if g.columns == 0 || g.rows.is_empty() {
        return Ok(());
    }
    let widths = twips(&column_widths(&g));
    let border = |side: &str| {
        format!("<w:{side} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>")
    };
    b.push_str("<w:tbl><w:tblPr><w:tblW w:w=\"5000\" w:type=\"pct\"/><w:jc w:val=\"center\"/><w:tblBorders>");
    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        b.push_str(&border(side));
    }
    b.push_str(
        "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar>\
         <w:left w:w=\"57\" w:type=\"dxa\"/><w:right w:w=\"57\" w:type=\"dxa\"/>\
         </w:tblCellMar></w:tblPr><w:tblGrid>",
    );
    for w in &widths {
        b.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
    }
    b.push_str("</w:tblGrid>");
    for r in 0..g.rows.len() {
        b.push_str("<w:tr><w:trPr><w:cantSplit/>");
        if r < g.header_rows {
            // Header rows repeat at the top of each page the table runs onto.
            b.push_str("<w:tblHeader/>");
        }
        b.push_str("</w:trPr>");
        let mut c = 0;
        while c < g.columns {
            let Some((owner_row, i)) = g.owner[r][c] else {
                // A row listing fewer cells than the grid: pad with an empty cell.
                cell_xml(b, widths[c], 1, None, None);
                c += 1;
                continue;
            };
            let p = &g.rows[owner_row][i];
            let width = widths[p.col..p.col + p.cols].iter().sum();
            if p.row == r {
                let merge = (p.rows > 1).then_some("restart");
                cell_xml(b, width, p.cols, merge, Some(p.cell));
            } else {
                cell_xml(b, width, p.cols, Some("continue"), None);
            }
            c = (p.col + p.cols).max(c + 1);
        }
        b.push_str("</w:tr>");
    }
    b.push_str("</w:tbl>");
    Ok(())
}

/// One `w:tc`; `cell` None writes an empty one (padding or vertical-merge continuation).
fn cell_xml(b: &mut String, width: u32, cols: usize, merge: Option<&str>, cell: Option<&GridCell>) {
    b.push_str(&format!(
        "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>"
    ));
    if cols > 1 {
        b.push_str(&format!("<w:gridSpan w:val=\"{cols}\"/>"));
    }
    match merge {
        Some("restart") => b.push_str("<w:vMerge w:val=\"restart\"/>"),
        // A bare vMerge is the continuation form every Word version writes.
        Some(_) => b.push_str("<w:vMerge/>"),
        None => {}
    }
    b.push_str("<w:vAlign w:val=\"center\"/></w:tcPr>");
    match cell {
        Some(c) => {
            let (look, jc) = match c.kind {
                CellKind::Header => (HEADER_CELL, "center"),
                CellKind::Label => (CELL, "center"),
                CellKind::Value => (CELL, "right"),
            };
            paragraph(b, look, Some(jc), &c.text);
        }
        // Every cell needs a paragraph, even an empty one.
        None => paragraph(b, CELL, None, ""),
    }
    b.push_str("</w:tc>");
}

fn core_xml(title: &str) -> String {
    format!(
        "{XML_DECL}<cp:coreProperties \
         xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <dc:title>{}</dc:title><dc:language>zh-CN</dc:language></cp:coreProperties>",
        escape(title.trim())
    )
}

fn app_xml(title: &str) -> String {
    format!(
        "{XML_DECL}<Properties \
         xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" \
         xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">\
         <Application>workplan</Application><HeadingPairs><vt:vector size=\"2\" baseType=\"variant\">\
         <vt:variant><vt:lpstr>标题</vt:lpstr></vt:variant><vt:variant><vt:i4>1</vt:i4></vt:variant>\
         </vt:vector></HeadingPairs><TitlesOfParts><vt:vector size=\"1\" baseType=\"lpstr\">\
         <vt:lpstr>{}</vt:lpstr></vt:vector></TitlesOfParts></Properties>",
        escape(title.trim())
    )
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
<Override PartName=\"/word/fontTable.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml\"/>\
<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>\
</Types>";

const PACKAGE_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>\
</Relationships>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rIdSettings\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>\
<Relationship Id=\"rIdFontTable\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable\" Target=\"fontTable.xml\"/>\
<Relationship Id=\"rIdFooter1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/>\
</Relationships>";

/// The official look as styles, so text a user adds in Word or WPS gets it too: body
/// 仿宋_GB2312 三号 with a 2-character indent and fixed 28 pt lines; title 方正小标宋简体
/// 二号; headings 黑体 三号; tables 仿宋_GB2312 五号 on single lines.
const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:docDefaults><w:rPrDefault><w:rPr>\
<w:rFonts w:ascii=\"Times New Roman\" w:eastAsia=\"仿宋_GB2312\" w:hAnsi=\"Times New Roman\" w:cs=\"Times New Roman\"/>\
<w:kern w:val=\"2\"/><w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/>\
<w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault>\
<w:pPrDefault><w:pPr><w:widowControl w:val=\"0\"/><w:jc w:val=\"both\"/></w:pPr></w:pPrDefault>\
</w:docDefaults>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/>\
<w:pPr><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"560\" w:lineRule=\"exact\"/>\
<w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/></w:pPr>\
<w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:eastAsia=\"仿宋_GB2312\" w:hAnsi=\"Times New Roman\"/>\
<w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/>\
<w:next w:val=\"Normal\"/><w:qFormat/>\
<w:pPr><w:spacing w:before=\"0\" w:after=\"280\" w:line=\"700\" w:lineRule=\"exact\"/>\
<w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"center\"/></w:pPr>\
<w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:eastAsia=\"方正小标宋简体\" w:hAnsi=\"Times New Roman\"/>\
<w:sz w:val=\"44\"/><w:szCs w:val=\"44\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Subtitle\"><w:name w:val=\"Subtitle\"/><w:basedOn w:val=\"Normal\"/>\
<w:next w:val=\"Normal\"/><w:qFormat/>\
<w:pPr><w:spacing w:before=\"0\" w:after=\"280\" w:line=\"560\" w:lineRule=\"exact\"/>\
<w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"center\"/></w:pPr>\
<w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:eastAsia=\"楷体_GB2312\" w:hAnsi=\"Times New Roman\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/><w:basedOn w:val=\"Normal\"/>\
<w:next w:val=\"Normal\"/><w:qFormat/>\
<w:pPr><w:keepNext/><w:outlineLvl w:val=\"0\"/></w:pPr>\
<w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:eastAsia=\"黑体\" w:hAnsi=\"Times New Roman\"/>\
<w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"TableCaption\"><w:name w:val=\"表格标题\"/>\
<w:basedOn w:val=\"Normal\"/><w:next w:val=\"TableText\"/><w:qFormat/>\
<w:pPr><w:keepNext/><w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"center\"/></w:pPr>\
<w:rPr><w:b/><w:bCs/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"TableText\"><w:name w:val=\"表格文字\"/>\
<w:basedOn w:val=\"Normal\"/><w:qFormat/>\
<w:pPr><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>\
<w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/></w:pPr>\
<w:rPr><w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Footer\"><w:name w:val=\"footer\"/><w:basedOn w:val=\"Normal\"/>\
<w:pPr><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>\
<w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"center\"/></w:pPr>\
<w:rPr><w:rFonts w:ascii=\"宋体\" w:eastAsia=\"宋体\" w:hAnsi=\"宋体\"/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/></w:rPr></w:style>\
<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>\
<w:uiPriority w:val=\"99\"/><w:semiHidden/><w:unhideWhenUsed/>\
<w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/>\
<w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/>\
</w:tblCellMar></w:tblPr></w:style>\
</w:styles>";

const SETTINGS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:zoom w:percent=\"100\"/><w:defaultTabStop w:val=\"420\"/>\
<w:characterSpacingControl w:val=\"compressPunctuation\"/>\
<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>\
<w:themeFontLang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/>\
</w:settings>";

/// The fonts with the stand-ins Word uses where the official ones are not installed
/// (a stock Windows has 仿宋 and 楷体 but not their _GB2312 versions).
const FONT_TABLE: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:fonts xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:font w:name=\"仿宋_GB2312\"><w:altName w:val=\"仿宋\"/><w:charset w:val=\"86\"/><w:family w:val=\"modern\"/><w:pitch w:val=\"fixed\"/></w:font>\
<w:font w:name=\"方正小标宋简体\"><w:altName w:val=\"宋体\"/><w:charset w:val=\"86\"/><w:family w:val=\"script\"/><w:pitch w:val=\"variable\"/></w:font>\
<w:font w:name=\"黑体\"><w:altName w:val=\"SimHei\"/><w:charset w:val=\"86\"/><w:family w:val=\"modern\"/><w:pitch w:val=\"fixed\"/></w:font>\
<w:font w:name=\"楷体_GB2312\"><w:altName w:val=\"楷体\"/><w:charset w:val=\"86\"/><w:family w:val=\"modern\"/><w:pitch w:val=\"fixed\"/></w:font>\
<w:font w:name=\"宋体\"><w:altName w:val=\"SimSun\"/><w:charset w:val=\"86\"/><w:family w:val=\"auto\"/><w:pitch w:val=\"variable\"/></w:font>\
<w:font w:name=\"Times New Roman\"><w:charset w:val=\"00\"/><w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/></w:font>\
</w:fonts>";

/// Page number as GB/T 9704 prints it: 4号 宋体, a dash either side.
const FOOTER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:ftr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
<w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr>\
<w:r><w:t xml:space=\"preserve\">— </w:t></w:r>\
<w:fldSimple w:instr=\" PAGE \"><w:r><w:t>1</w:t></w:r></w:fldSimple>\
<w:r><w:t xml:space=\"preserve\"> —</w:t></w:r></w:p></w:ftr>";

// ---------------------------------------------------------------------------------------
// .xlsx

/// Excel's limit on sheet names, in UTF-16 units.
const SHEET_NAME_MAX: usize = 31;

/// Writes the report's tables as a workbook, one sheet per table.
pub fn xlsx(doc: &ReportDoc) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let formats = SheetFormats::new();
    let mut used = Vec::new();
    let mut index = 0;
    for part in &doc.parts {
        let heading = heading(part);
        for t in &part.tables {
            index += 1;
            // A table without a caption is the only one of its part: the heading names it.
            let wanted = if t.caption.trim().is_empty() {
                heading.as_str()
            } else {
                t.caption.trim()
            };
            let name = sheet_name(wanted, index, &mut used);
            let ws = wb.add_worksheet();
            ws.set_name(name)?;
            let line = if t.caption.trim().is_empty() {
                heading.clone()
            } else {
                format!("{heading}　{}", t.caption.trim())
            };
            table_sheet(ws, &doc.title, &line, t, &formats)?;
        }
    }
    if index == 0 {
        // A workbook needs a sheet; say why it is empty rather than hand out a blank one.
        let ws = wb.add_worksheet();
        ws.set_name("说明")?;
        ws.write_string_with_format(TITLE_ROW, 0, sheet::cell_text(&doc.title), &formats.title)?;
        ws.write_string(SUBTITLE_ROW, 0, "本报告没有表格。")?;
    }
    wb.save_to_buffer()
}

/// The formats of a table sheet, the same look as [`sheet::begin`] gives other workbooks.
struct SheetFormats {
    title: Format,
    header: Format,
    label: Format,
    value: Format,
}

impl SheetFormats {
    fn new() -> Self {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter);
        Self {
            title: Format::new().set_bold().set_font_size(14),
            header: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xD9D9D9)),
            label: cell.clone().set_align(FormatAlign::Center),
            value: cell.set_align(FormatAlign::Right),
        }
    }
}

/// One table on its sheet: title, the part's heading and caption, the header rows from
/// [`HEADER_ROW`] down, then the body; spans become merged ranges.
fn table_sheet(
    ws: &mut Worksheet,
    title: &str,
    line: &str,
    t: &ReportTable,
    f: &SheetFormats,
) -> Result<(), XlsxError> {
    let g = place(t).map_err(|e| XlsxError::CustomError(e.to_string()))?;
    ws.write_string_with_format(TITLE_ROW, 0, sheet::cell_text(title), &f.title)?;
    ws.write_string(SUBTITLE_ROW, 0, sheet::cell_text(line))?;
    let widths = column_widths(&g);
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(col_num(c)?, *w)?;
    }
    for (r, height) in row_heights(&g, &widths).into_iter().enumerate() {
        if let Some(h) = height {
            ws.set_row_height(HEADER_ROW + row_num(r)?, h)?;
        }
    }
    for p in g.rows.iter().flatten() {
        let (row, col) = (HEADER_ROW + row_num(p.row)?, col_num(p.col)?);
        let format = match p.cell.kind {
            CellKind::Header => &f.header,
            CellKind::Label => &f.label,
            CellKind::Value => &f.value,
        };
        let text = sheet::cell_text(&p.cell.text);
        // Only figures become numbers: a header such as "2021" stays text.
        let value = match p.cell.kind {
            CellKind::Value => number(&p.cell.text),
            _ => None,
        };
        if p.rows > 1 || p.cols > 1 {
            let last_row = row + row_num(p.rows - 1)?;
            let last_col = col + col_num(p.cols - 1)?;
            let shown = if value.is_some() { "" } else { text.as_ref() };
            ws.merge_range(row, col, last_row, last_col, shown, format)?;
        } else if value.is_none() && text.is_empty() {
            ws.write_blank(row, col, format)?;
        } else if value.is_none() {
            ws.write_string_with_format(row, col, text.as_ref(), format)?;
        }
        if let Some(v) = value {
            ws.write_number_with_format(row, col, v, format)?;
        }
    }
    // Positions no cell covers (a short row) still get their borders.
    for (r, line) in g.owner.iter().enumerate() {
        for (c, owner) in line.iter().enumerate() {
            if owner.is_none() {
                ws.write_blank(HEADER_ROW + row_num(r)?, col_num(c)?, &f.value)?;
            }
        }
    }
    let first_body = HEADER_ROW + row_num(g.header_rows)?;
    if g.header_rows > 0 {
        ws.set_freeze_panes(first_body, 0)?;
        ws.set_repeat_rows(HEADER_ROW, first_body - 1)?;
    }
    ws.set_paper_size(9); // A4
    ws.set_landscape();
    // Height 0: as many pages down as the rows need, but never a second page across.
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// Heights in points of the grid rows whose text wraps onto more than one line, None for
/// the rest. Excel and LibreOffice fit a row to wrapped text themselves, but never for a
/// merged cell, whose text would otherwise be cut off; a cell spanning several rows shares
/// its lines out among them.
fn row_heights(g: &Grid<'_>, widths: &[f64]) -> Vec<Option<f64>> {
    /// One line of the default 11 pt font.
    const LINE: f64 = 15.0;
    let mut lines = vec![1.0_f64; g.rows.len()];
    for p in g.rows.iter().flatten() {
        // A character's width less for the cell's padding.
        let room = (widths[p.col..p.col + p.cols].iter().sum::<f64>() - 1.0).max(1.0);
        let needed: f64 = p
            .cell
            .text
            .split('\n')
            .map(|l| (sheet::text_width(l) as f64 / room).ceil().max(1.0))
            .sum();
        let per_row = needed / p.rows as f64;
        for l in &mut lines[p.row..p.row + p.rows] {
            *l = l.max(per_row);
        }
    }
    lines
        .into_iter()
        .map(|l| (l > 1.0).then(|| l.ceil() * LINE))
        .collect()
}

/// The figure a value cell's text reads as, if it reads as one.
fn number(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A sheet name Excel takes: no `[]:*?/\`, not blank, not starting or ending with an
/// apostrophe, at most 31 UTF-16 units, and unlike (ignoring case) every name in `used`.
fn sheet_name(wanted: &str, index: usize, used: &mut Vec<String>) -> String {
    let cleaned: String = wanted
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let fitted = |max: usize| {
        let cut = cut_utf16(cleaned.trim(), max);
        let cut = cut.trim().trim_matches('\'').trim();
        if cut.is_empty() {
            format!("表{index}")
        } else {
            cut.to_string()
        }
    };
    let taken = |name: &str, used: &[String]| {
        let lower = name.to_lowercase();
        // Excel keeps "History" for its change tracking.
        lower == "history" || used.iter().any(|u| u.to_lowercase() == lower)
    };
    let mut name = fitted(SHEET_NAME_MAX);
    let mut k = 2;
    while taken(&name, used) {
        let suffix = format!("（{k}）");
        name = format!(
            "{}{suffix}",
            fitted(SHEET_NAME_MAX - suffix.encode_utf16().count())
        );
        k += 1;
    }
    used.push(name.clone());
    name
}

/// The longest prefix of `s` within `max` UTF-16 units.
fn cut_utf16(s: &str, max: usize) -> &str {
    let mut used = 0;
    for (i, ch) in s.char_indices() {
        used += ch.len_utf16();
        if used > max {
            return &s[..i];
        }
    }
    s
}

fn row_num(r: usize) -> Result<u32, XlsxError> {
    u32::try_from(r).map_err(|_| XlsxError::RowColumnLimitError)
}

fn col_num(c: usize) -> Result<u16, XlsxError> {
    u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use std::io::Read;

    fn cell(text: &str, col_span: u16, row_span: u16, kind: CellKind) -> GridCell {
        GridCell {
            text: text.into(),
            col_span,
            row_span,
            kind,
        }
    }

    fn h(text: &str, col_span: u16, row_span: u16) -> GridCell {
        cell(text, col_span, row_span, CellKind::Header)
    }

    fn l(text: &str, col_span: u16, row_span: u16) -> GridCell {
        cell(text, col_span, row_span, CellKind::Label)
    }

    fn v(text: &str) -> GridCell {
        cell(text, 1, 1, CellKind::Value)
    }

    /// Label cells followed by one value cell per number.
    fn row(labels: Vec<GridCell>, values: [u32; 7]) -> Vec<GridCell> {
        let mut r = labels;
        r.extend(values.iter().map(|n| v(&n.to_string())));
        r
    }

    /// Table 三 of the State Council's 2021 form, with figures that hold together
    /// (received + carried over = handled + carried forward, in each column).
    fn applications() -> ReportTable {
        let header = vec![
            vec![
                h(
                    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                    3,
                    3,
                ),
                h("申请人情况", 7, 1),
            ],
            vec![
                h("自然人", 1, 2),
                h("法人或其他组织", 5, 1),
                h("总计", 1, 2),
            ],
            [
                "商业企业",
                "科研机构",
                "社会公益组织",
                "法律服务机构",
                "其他",
            ]
            .iter()
            .map(|t| h(t, 1, 1))
            .collect(),
        ];
        let sub = |t: &str| l(t, 1, 1);
        let zero = [0; 7];
        let body = vec![
            row(
                vec![l("一、本年新收政府信息公开申请数量", 3, 1)],
                [40, 3, 0, 0, 1, 0, 44],
            ),
            row(
                vec![l("二、上年结转政府信息公开申请数量", 3, 1)],
                [2, 0, 0, 0, 0, 0, 2],
            ),
            row(
                vec![l("三、本年度办理结果", 1, 22), l("（一）予以公开", 2, 1)],
                [20, 1, 0, 0, 0, 0, 21],
            ),
            row(
                vec![l(
                    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                    2,
                    1,
                )],
                [5, 0, 0, 0, 1, 0, 6],
            ),
            row(
                vec![l("（三）不予公开", 1, 8), sub("1.属于国家秘密")],
                [1, 0, 0, 0, 0, 0, 1],
            ),
            row(vec![sub("2.其他法律行政法规禁止公开")], zero),
            row(vec![sub("3.危及“三安全一稳定”")], zero),
            row(vec![sub("4.保护第三方合法权益")], [1, 0, 0, 0, 0, 0, 1]),
            row(vec![sub("5.属于三类内部事务信息")], zero),
            row(vec![sub("6.属于四类过程性信息")], [1, 0, 0, 0, 0, 0, 1]),
            row(vec![sub("7.属于行政执法案卷")], zero),
            row(vec![sub("8.属于行政查询事项")], zero),
            row(
                vec![l("（四）无法提供", 1, 3), sub("1.本机关不掌握相关政府信息")],
                [8, 1, 0, 0, 0, 0, 9],
            ),
            row(
                vec![sub("2.没有现成信息需要另行制作")],
                [1, 0, 0, 0, 0, 0, 1],
            ),
            row(vec![sub("3.补正后申请内容仍不明确")], zero),
            row(
                vec![l("（五）不予处理", 1, 5), sub("1.信访举报投诉类申请")],
                [1, 0, 0, 0, 0, 0, 1],
            ),
            row(vec![sub("2.重复申请")], [1, 0, 0, 0, 0, 0, 1]),
            row(vec![sub("3.要求提供公开出版物")], zero),
            row(vec![sub("4.无正当理由大量反复申请")], zero),
            row(vec![sub("5.要求行政机关确认或重新出具已获取信息")], zero),
            row(
                vec![
                    l("（六）其他处理", 1, 3),
                    sub("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
                ],
                [1, 0, 0, 0, 0, 0, 1],
            ),
            row(
                vec![sub(
                    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                )],
                zero,
            ),
            row(vec![sub("3.其他")], zero),
            row(vec![l("（七）总计", 2, 1)], [40, 2, 0, 0, 1, 0, 43]),
            row(
                vec![l("四、结转下年度继续办理", 3, 1)],
                [2, 1, 0, 0, 0, 0, 3],
            ),
        ];
        ReportTable {
            caption: String::new(),
            columns: 10,
            header,
            body,
        }
    }

    fn sample() -> ReportDoc {
        let part = |number: &str, title: &str, text: &str, tables| ReportPart {
            number: number.into(),
            title: title.into(),
            text: text.into(),
            tables,
        };
        let documents = ReportTable {
            caption: "第二十条第（一）项".into(),
            columns: 4,
            header: vec![vec![
                h("信息内容", 1, 1),
                h("本年制发件数", 1, 1),
                h("本年废止件数", 1, 1),
                h("现行有效件数", 1, 1),
            ]],
            body: vec![
                vec![l("规章", 1, 1), v("0"), v("0"), v("3")],
                // Not yet filled in: a blank, not a zero.
                vec![l("行政规范性文件", 1, 1), v("2"), v("1"), v("")],
            ],
        };
        let fees = ReportTable {
            caption: "第二十条第（八）项".into(),
            columns: 2,
            header: vec![vec![
                h("信息内容", 1, 1),
                h("本年收费金额（单位：万元）", 1, 1),
            ]],
            body: vec![vec![l("行政事业性收费", 1, 1), v("12.35")]],
        };
        ReportDoc {
            title: "广州市体育局2021年政府信息公开工作年度报告".into(),
            subtitle: "（2021年度）".into(),
            parts: vec![
                part(
                    "一",
                    "总体情况",
                    "2021年，我局认真贯彻落实《中华人民共和国政府信息公开条例》，主动公开政府信息1024条。\n\n\u{3000}\u{3000}我局依申请公开办理答复46件，均在法定期限内答复。\r\n",
                    vec![],
                ),
                part(
                    "二",
                    "主动公开政府信息情况",
                    "",
                    vec![documents, fees],
                ),
                part(
                    "三",
                    "收到和处理政府信息公开申请情况",
                    "",
                    vec![applications()],
                ),
                part(
                    "五",
                    "存在的主要问题及改进情况",
                    "政策解读形式较为单一，下一步将增加图解、视频等解读形式。",
                    vec![],
                ),
                part("六", "其他需要报告的事项", "本年度未收取信息处理费。", vec![]),
            ],
        }
    }

    fn entry(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
        let mut s = String::new();
        zip.by_name(name)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .read_to_string(&mut s)
            .expect("utf8");
        s
    }

    /// One `w:tc` as read back: text, `w:gridSpan`, and `w:vMerge` ("restart", "continue").
    #[derive(Debug)]
    struct ReadCell {
        text: String,
        span: usize,
        merge: Option<String>,
    }

    /// The tables of a document.xml, read with quick-xml: tables, rows, cells.
    fn read_tables(xml: &str) -> Vec<Vec<Vec<ReadCell>>> {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut tables: Vec<Vec<Vec<ReadCell>>> = Vec::new();
        let mut in_text = false;
        // Captions and paragraphs between tables are not cell text.
        let mut in_cell = false;
        let val = |e: &quick_xml::events::BytesStart<'_>| {
            e.try_get_attribute("w:val")
                .expect("attribute")
                // Our attribute values hold no references, so the raw value is the value.
                .map(|a| a.value.into_owned())
        };
        fn last_cell(tables: &mut [Vec<Vec<ReadCell>>]) -> Option<&mut ReadCell> {
            tables
                .last_mut()
                .and_then(|t| t.last_mut())
                .and_then(|r| r.last_mut())
        }
        loop {
            match reader.read_event().expect("well-formed document.xml") {
                Event::Start(e) if e.name().0 == "w:tbl" => tables.push(Vec::new()),
                Event::Start(e) if e.name().0 == "w:tr" => {
                    tables.last_mut().expect("in a table").push(Vec::new())
                }
                Event::Start(e) if e.name().0 == "w:tc" => {
                    in_cell = true;
                    tables
                        .last_mut()
                        .and_then(|t| t.last_mut())
                        .expect("in a row")
                        .push(ReadCell {
                            text: String::new(),
                            span: 1,
                            merge: None,
                        });
                }
                Event::End(e) if e.name().0 == "w:tc" => in_cell = false,
                Event::Empty(e) if e.name().0 == "w:gridSpan" => {
                    let span = val(&e).expect("w:val").parse().expect("number");
                    last_cell(&mut tables).expect("in a cell").span = span;
                }
                Event::Empty(e) if e.name().0 == "w:vMerge" => {
                    let merge = val(&e).unwrap_or_else(|| "continue".into());
                    last_cell(&mut tables).expect("in a cell").merge = Some(merge);
                }
                Event::Empty(e) if in_cell && e.name().0 == "w:br" => {
                    if let Some(c) = last_cell(&mut tables) {
                        c.text.push('\n');
                    }
                }
                Event::Start(e) if in_cell && e.name().0 == "w:t" => in_text = true,
                Event::End(e) if e.name().0 == "w:t" => in_text = false,
                Event::Text(t) if in_text => {
                    if let Some(c) = last_cell(&mut tables) {
                        let s: &str = t.as_ref();
                        c.text.push_str(s);
                    }
                }
                Event::GeneralRef(r) if in_text => {
                    let name: &str = r.as_ref();
                    let ch = match name {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => panic!("unexpected reference &{other};"),
                    };
                    if let Some(c) = last_cell(&mut tables) {
                        c.text.push(ch);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        tables
    }

    fn texts(rows: &[Vec<GridCell>]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|c| c.text.clone()).collect())
            .collect()
    }

    #[test]
    fn layout_places_cells_after_the_spans_of_rows_above() {
        type Expected = Result<Vec<Vec<(u16, u16)>>, &'static str>;
        let cases: Vec<(&str, Vec<Vec<GridCell>>, u16, Expected)> = vec![
            (
                "plain 2×2",
                vec![vec![v("a"), v("b")], vec![v("c"), v("d")]],
                2,
                Ok(vec![vec![(0, 0), (0, 1)], vec![(1, 0), (1, 1)]]),
            ),
            (
                "span across",
                vec![vec![h("a", 2, 1)], vec![v("b"), v("c")]],
                2,
                Ok(vec![vec![(0, 0)], vec![(1, 0), (1, 1)]]),
            ),
            (
                "span down pushes the next row's cells right",
                vec![vec![l("a", 1, 2), v("b")], vec![v("c")]],
                2,
                Ok(vec![vec![(0, 0), (0, 1)], vec![(1, 1)]]),
            ),
            (
                "the header of table 三",
                applications().header,
                10,
                Ok(vec![
                    vec![(0, 0), (0, 3)],
                    vec![(1, 3), (1, 4), (1, 9)],
                    vec![(2, 4), (2, 5), (2, 6), (2, 7), (2, 8)],
                ]),
            ),
            (
                "nested label spans",
                vec![
                    vec![l("三", 1, 3), l("（三）", 1, 2), l("1.", 1, 1), v("1")],
                    vec![l("2.", 1, 1), v("2")],
                    vec![l("（四）", 2, 1), v("3")],
                ],
                4,
                Ok(vec![
                    vec![(0, 0), (0, 1), (0, 2), (0, 3)],
                    vec![(1, 2), (1, 3)],
                    vec![(2, 1), (2, 3)],
                ]),
            ),
            (
                "a short row leaves the rest empty; zero spans count as one",
                vec![vec![cell("a", 0, 0, CellKind::Value)], vec![v("b"), v("c")]],
                2,
                Ok(vec![vec![(0, 0)], vec![(1, 0), (1, 1)]]),
            ),
            (
                "a cell past the last column",
                vec![vec![h("a", 2, 1), v("b")]],
                2,
                Err("年度报告表格有误：第1行第2个单元格超出了表格的2列"),
            ),
            (
                "pushed past the last column by a span from above",
                vec![vec![l("a", 1, 2), v("b")], vec![v("c"), v("d")]],
                2,
                Err("年度报告表格有误：第2行第2个单元格超出了表格的2列"),
            ),
            (
                "a wide cell running into a span from above",
                vec![vec![v("a"), l("b", 1, 2), v("c")], vec![h("d", 2, 1)]],
                3,
                Err("年度报告表格有误：第2行第1个单元格与上方跨行的单元格重叠"),
            ),
            (
                "a span down past the last row",
                vec![vec![l("a", 1, 3), v("b")], vec![v("c")]],
                2,
                Err("年度报告表格有误：第1行第1个单元格向下跨3行，超出了表格末行"),
            ),
        ];
        for (name, rows, columns, expected) in cases {
            let got = layout(&rows, columns).map_err(|e| e.to_string());
            match expected {
                Ok(positions) => assert_eq!(got, Ok(positions), "{name}"),
                Err(message) => assert_eq!(got, Err(message.to_string()), "{name}"),
            }
        }
        let body = applications().body;
        let placed = layout(&body, 10).expect("table 三 body");
        assert_eq!(placed[2][0], (2, 0), "三、本年度办理结果");
        assert_eq!(placed[4][1], (4, 2), "1.属于国家秘密 right of （三）");
        assert_eq!(placed[5][0], (5, 2), "2.… under 1.");
        assert_eq!(placed[5][1], (5, 3), "its first value");
        assert_eq!(placed[23][0], (23, 1), "（七）总计 right of 三");
        assert_eq!(placed[24][0], (24, 0), "四、… back at the left");
        assert!(placed.iter().all(|r| r.last().map(|p| p.1) == Some(9)));
    }

    #[test]
    fn docx_has_the_package_parts_and_the_official_page() {
        let bytes = docx(&sample()).expect("docx");
        let zip = zip::ZipArchive::new(Cursor::new(&bytes)).expect("zip");
        let names: Vec<String> = zip
            .file_names()
            .filter_map(|n| n.ok())
            .map(|n| n.to_string())
            .collect();
        for part in [
            "[Content_Types].xml",
            "_rels/.rels",
            "word/document.xml",
            "word/_rels/document.xml.rels",
            "word/styles.xml",
            "word/settings.xml",
            "docProps/core.xml",
            "docProps/app.xml",
        ] {
            assert!(names.iter().any(|n| n == part), "{part} in {names:?}");
        }
        // Every part is well-formed XML and every part has its content type.
        let types = entry(&bytes, "[Content_Types].xml");
        for name in &names {
            let xml = entry(&bytes, name);
            let mut reader = quick_xml::Reader::from_str(&xml);
            loop {
                match reader.read_event() {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => {}
                    Err(e) => panic!("{name} is not well-formed: {e}"),
                }
            }
            if !name.ends_with(".rels") && name != "[Content_Types].xml" {
                assert!(types.contains(&format!("PartName=\"/{name}\"")), "{name}");
            }
        }
        let core = entry(&bytes, "docProps/core.xml");
        assert!(core.contains("<dc:title>广州市体育局2021年政府信息公开工作年度报告</dc:title>"));
        assert!(entry(&bytes, "docProps/app.xml").contains("广州市体育局2021年"));

        let doc = entry(&bytes, "word/document.xml");
        assert!(
            doc.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"),
            "A4 portrait"
        );
        assert!(doc.contains("w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1587\""));
        assert!(doc
            .trim_end()
            .ends_with("</w:sectPr></w:body></w:document>"));
        let styles = entry(&bytes, "word/styles.xml");
        for needle in [
            "w:eastAsia=\"方正小标宋简体\"",
            "w:sz w:val=\"44\"",
            "w:eastAsia=\"黑体\"",
            "w:eastAsia=\"仿宋_GB2312\"",
            "w:firstLineChars=\"200\"",
            "w:line=\"560\" w:lineRule=\"exact\"",
        ] {
            assert!(styles.contains(needle), "styles.xml has {needle}");
        }
    }

    #[test]
    fn docx_body_has_title_headings_paragraphs_and_merged_cells() {
        let d = sample();
        let xml = entry(&docx(&d).expect("docx"), "word/document.xml");
        assert!(xml.contains(&d.title));
        assert!(xml.contains("（2021年度）"));
        assert!(xml.contains(">一、总体情况</w:t>"));
        assert!(xml.contains(">三、收到和处理政府信息公开申请情况</w:t>"));
        // The two paragraphs of part 一, without the blank line and the typed indentation.
        assert!(xml.contains(">2021年，我局认真贯彻落实《中华人民共和国政府信息公开条例》，主动公开政府信息1024条。</w:t>"));
        assert!(xml.contains(">我局依申请公开办理答复46件，均在法定期限内答复。</w:t>"));
        assert!(!xml.contains('\r'));
        assert!(xml.contains("<w:pStyle w:val=\"TableCaption\"/>"));
        assert!(xml.contains("<w:b/><w:bCs/><w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/></w:rPr><w:t xml:space=\"preserve\">第二十条第（一）项"));
        assert!(xml.contains("<w:gridSpan w:val=\"3\"/>"));
        assert!(xml.contains("<w:gridSpan w:val=\"7\"/>"));
        assert!(xml.contains("<w:vMerge w:val=\"restart\"/>"));
        assert!(xml.contains("<w:vMerge/>"));
        assert!(xml.contains("<w:tblW w:w=\"5000\" w:type=\"pct\"/>"));
        assert!(xml.contains("<w:tblHeader/>"));
        // The fonts are in the styles and repeated on the runs.
        assert!(xml.contains("<w:pStyle w:val=\"Heading1\"/>"));
        assert!(xml.contains("<w:pStyle w:val=\"Title\"/>"));
        for font in ["方正小标宋简体", "黑体", "仿宋_GB2312", "楷体_GB2312"] {
            assert!(xml.contains(&format!("w:eastAsia=\"{font}\"")), "{font}");
        }
        assert!(xml.contains("w:ascii=\"Times New Roman\""));
        assert!(xml.contains("<w:sz w:val=\"44\"/>"), "title 二号");
        assert!(xml.contains("<w:sz w:val=\"21\"/>"), "tables 五号");
        for t in d.parts.iter().flat_map(|p| &p.tables) {
            for c in t
                .body
                .iter()
                .flatten()
                .filter(|c| c.kind == CellKind::Value)
            {
                if !c.text.is_empty() {
                    assert!(xml.contains(&format!(">{}</w:t>", c.text)), "{}", c.text);
                }
            }
        }
        assert!(xml.contains("3.危及“三安全一稳定”"));
    }

    #[test]
    fn docx_tables_read_back_in_grid_order() {
        let d = sample();
        let xml = entry(&docx(&d).expect("docx"), "word/document.xml");
        let read = read_tables(&xml);
        let tables: Vec<&ReportTable> = d.parts.iter().flat_map(|p| &p.tables).collect();
        assert_eq!(read.len(), tables.len());
        for (got, t) in read.iter().zip(&tables) {
            let rows: Vec<Vec<GridCell>> = t.header.iter().chain(&t.body).cloned().collect();
            assert_eq!(got.len(), rows.len(), "{}", t.caption);
            for (r, line) in got.iter().enumerate() {
                let spans: usize = line.iter().map(|c| c.span).sum();
                assert_eq!(spans, usize::from(t.columns), "row {r} fills the grid");
            }
            // Leaving out the continuation cells gives the cells as entered.
            let entered: Vec<Vec<String>> = got
                .iter()
                .map(|line| {
                    line.iter()
                        .filter(|c| c.merge.as_deref() != Some("continue"))
                        .map(|c| c.text.clone())
                        .collect()
                })
                .collect();
            assert_eq!(entered, texts(&rows), "{}", t.caption);
            // One continuation cell below a cell for each row it spans past its own.
            let continued = got
                .iter()
                .flatten()
                .filter(|c| c.merge.as_deref() == Some("continue"))
                .count();
            let expected: usize = rows
                .iter()
                .flatten()
                .map(|c| usize::from(c.row_span.max(1)) - 1)
                .sum();
            assert_eq!(continued, expected, "{}", t.caption);
        }
        // Table 三: the corner spans 3 columns and restarts a merge; the row under
        // 申请人情况 starts with the corner's continuation, then 自然人.
        let t3 = &read[2];
        assert_eq!(
            (t3[0][0].span, t3[0][0].merge.as_deref()),
            (3, Some("restart"))
        );
        assert_eq!(t3[1][0].merge.as_deref(), Some("continue"));
        assert_eq!(t3[1][0].span, 3);
        assert_eq!(t3[1][1].text, "自然人");
        assert_eq!(t3[2][1].merge.as_deref(), Some("continue"), "under 自然人");
        assert_eq!(t3[2][2].text, "商业企业");
        // Body row 6 (2.其他法律…): continuation of 三 and of （三）, then the label.
        let r = &t3[3 + 5];
        assert_eq!(r[0].merge.as_deref(), Some("continue"));
        assert_eq!(r[1].merge.as_deref(), Some("continue"));
        assert_eq!(r[2].text, "2.其他法律行政法规禁止公开");
        assert_eq!(r.len(), 3 + 7);
    }

    #[test]
    fn docx_escapes_text_and_drops_characters_xml_cannot_hold() {
        let d = ReportDoc {
            title: "A&B <报告> \"引\" 'x'".into(),
            subtitle: String::new(),
            parts: vec![ReportPart {
                number: "一".into(),
                title: "总体情况".into(),
                text: "含控制字符\u{1}与制表符\t的段落".into(),
                tables: vec![ReportTable {
                    caption: String::new(),
                    columns: 2,
                    header: vec![],
                    body: vec![vec![l("x<y", 1, 1), v("多行\n文字")]],
                }],
            }],
        };
        let bytes = docx(&d).expect("docx");
        let xml = entry(&bytes, "word/document.xml");
        assert!(xml.contains("A&amp;B &lt;报告&gt; &quot;引&quot; &apos;x&apos;"));
        assert!(xml.contains(">含控制字符与制表符 的段落<"));
        assert!(!xml.contains("<w:tblHeader/>"), "no header rows");
        let tables = read_tables(&xml);
        assert_eq!(tables[0][0][0].text, "x<y");
        assert_eq!(tables[0][0][1].text, "多行\n文字");
        assert!(entry(&bytes, "docProps/core.xml").contains("A&amp;B"));
    }

    #[test]
    fn bad_tables_are_refused_with_a_chinese_message() {
        let mut d = sample();
        d.parts[2].tables[0].body[0].push(v("多余"));
        let e = docx(&d).expect_err("overflow");
        assert!(matches!(
            e,
            AnnualReportError::RowOverflow {
                row: 1,
                cell: 9,
                columns: 10
            }
        ));
        let e = xlsx(&d).expect_err("overflow");
        assert!(e.to_string().contains("超出了表格的10列"), "{e}");
    }

    #[test]
    fn column_widths_give_label_columns_more_room() {
        let t = applications();
        let g = place(&t).expect("place");
        let w = column_widths(&g);
        assert_eq!(w.len(), 10);
        assert!(
            w[2] > w[3],
            "the sub-label column is wider than a value column"
        );
        assert!(w[2] <= 40.0 && w[3] >= 8.0);
        let tw = twips(&w);
        assert_eq!(tw.iter().sum::<u32>(), TEXT_WIDTH);
    }

    fn read_xlsx(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
        Xlsx::new(Cursor::new(bytes.to_vec())).expect("xlsx")
    }

    #[test]
    fn xlsx_has_a_sheet_per_table_with_numbers_and_merged_headers() {
        let bytes = xlsx(&sample()).expect("xlsx");
        let mut x = read_xlsx(&bytes);
        assert_eq!(
            x.sheet_names(),
            vec![
                "第二十条第（一）项".to_string(),
                "第二十条第（八）项".to_string(),
                "三、收到和处理政府信息公开申请情况".to_string(),
            ]
        );
        let name = "三、收到和处理政府信息公开申请情况";
        let r = x.worksheet_range(name).expect("sheet");
        let at = |row: u32, col: u32| r.get_value((row, col)).cloned().unwrap_or(Data::Empty);
        assert_eq!(
            at(0, 0),
            Data::String("广州市体育局2021年政府信息公开工作年度报告".into())
        );
        assert_eq!(at(1, 0), Data::String(name.into()));
        assert_eq!(
            at(2, 0),
            Data::String(
                "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）".into()
            )
        );
        assert_eq!(at(2, 3), Data::String("申请人情况".into()));
        assert_eq!(at(3, 3), Data::String("自然人".into()));
        assert_eq!(at(3, 4), Data::String("法人或其他组织".into()));
        assert_eq!(at(3, 9), Data::String("总计".into()));
        assert_eq!(at(4, 8), Data::String("其他".into()));
        // Covered cells of a merge are empty.
        assert_eq!(at(2, 4), Data::Empty);
        assert_eq!(at(4, 3), Data::Empty);
        // Body from row 5: labels and numbers as numbers.
        assert_eq!(
            at(5, 0),
            Data::String("一、本年新收政府信息公开申请数量".into())
        );
        assert_eq!(at(5, 3), Data::Float(40.0));
        assert_eq!(at(5, 9), Data::Float(44.0));
        assert_eq!(at(7, 0), Data::String("三、本年度办理结果".into()));
        assert_eq!(at(9, 1), Data::String("（三）不予公开".into()));
        assert_eq!(at(9, 2), Data::String("1.属于国家秘密".into()));
        assert_eq!(at(17, 3), Data::Float(8.0), "1.本机关不掌握相关政府信息");
        assert_eq!(at(28, 1), Data::String("（七）总计".into()));
        assert_eq!(at(28, 9), Data::Float(43.0));
        assert_eq!(at(29, 9), Data::Float(3.0));
        assert_eq!(r.end(), Some((29, 9)));
        let merged = x.merge_cells_by_sheet_name(name).expect("merged");
        let has = |start: (u32, u32), end: (u32, u32)| {
            merged.iter().any(|d| d.start == start && d.end == end)
        };
        assert!(has((2, 0), (4, 2)), "the corner: 3 columns × 3 rows");
        assert!(has((2, 3), (2, 9)), "申请人情况 across 7 columns");
        assert!(has((3, 3), (4, 3)), "自然人 down 2 rows");
        assert!(has((7, 0), (28, 0)), "三、本年度办理结果 down 22 rows");
        assert!(has((9, 1), (16, 1)), "（三）不予公开 down 8 rows");
        assert!(has((5, 0), (5, 2)), "一、… across the 3 label columns");

        let r = x.worksheet_range("第二十条第（一）项").expect("sheet");
        let at = |row: u32, col: u32| r.get_value((row, col)).cloned().unwrap_or(Data::Empty);
        assert_eq!(
            at(1, 0),
            Data::String("二、主动公开政府信息情况　第二十条第（一）项".into())
        );
        assert_eq!(at(2, 1), Data::String("本年制发件数".into()));
        assert_eq!(at(3, 3), Data::Float(3.0));
        assert_eq!(at(4, 3), Data::Empty, "blank stays blank");
        let r = x.worksheet_range("第二十条第（八）项").expect("sheet");
        assert_eq!(r.get_value((3, 1)), Some(&Data::Float(12.35)));
    }

    #[test]
    fn xlsx_rows_are_tall_enough_for_wrapped_merged_text() {
        let t = applications();
        let g = place(&t).expect("place");
        let heights = row_heights(&g, &column_widths(&g));
        // （二）部分公开（区分处理的…）: 58 units over two label columns.
        assert!(heights[3 + 3].is_some_and(|h| h >= 30.0), "{heights:?}");
        // The corner's two lines fit in the three header rows it spans.
        assert_eq!(heights[..3], [None, None, None]);
        // 1.申请人无正当理由逾期不补正…: longer than its 40-unit column.
        assert!(heights[3 + 20].is_some(), "{heights:?}");
        // A row of one-line labels keeps the default height.
        assert_eq!(heights[3 + 5], None, "2.其他法律行政法规禁止公开");
    }

    #[test]
    fn xlsx_freezes_and_repeats_the_header_rows() {
        let bytes = xlsx(&sample()).expect("xlsx");
        let sheet3 = entry(&bytes, "xl/worksheets/sheet3.xml");
        assert!(
            sheet3.contains("ySplit=\"5\""),
            "frozen below the 3 header rows"
        );
        assert!(sheet3.contains("orientation=\"landscape\""));
        assert!(sheet3.contains("paperSize=\"9\""));
        let workbook = entry(&bytes, "xl/workbook.xml");
        assert!(
            workbook.contains("$3:$5"),
            "header rows repeat when printed"
        );
    }

    #[test]
    fn sheet_names_are_cut_cleaned_and_unique() {
        let mut used = Vec::new();
        let long = "（一）主动公开政府信息情况及其他需要说明的事项和附带的很长很长的说明文字";
        let a = sheet_name(long, 1, &mut used);
        assert_eq!(a.encode_utf16().count(), 31);
        assert!(long.starts_with(&a));
        let b = sheet_name(long, 2, &mut used);
        assert!(
            b.ends_with("（2）") && b.encode_utf16().count() <= 31,
            "{b}"
        );
        assert_ne!(a, b);
        assert_eq!(
            sheet_name("a/b\\c:d*e?f[g]h", 3, &mut used),
            "a_b_c_d_e_f_g_h"
        );
        assert_eq!(sheet_name("  ", 4, &mut used), "表4");
        assert_eq!(sheet_name("'引号'", 5, &mut used), "引号");
        assert_eq!(sheet_name("History", 6, &mut used), "History（2）");
        assert_eq!(sheet_name("TABLE", 7, &mut used), "TABLE");
        assert_eq!(sheet_name("table", 8, &mut used), "table（2）");
        for n in &used {
            rust_xlsxwriter::utility::check_sheet_name(n).expect("Excel takes it");
        }
    }

    #[test]
    fn a_report_without_tables_still_makes_a_workbook() {
        let mut d = sample();
        for p in &mut d.parts {
            p.tables.clear();
        }
        let bytes = xlsx(&d).expect("xlsx");
        let x = read_xlsx(&bytes);
        assert_eq!(x.sheet_names(), vec!["说明".to_string()]);
        docx(&d).expect("docx without tables");
    }
}
