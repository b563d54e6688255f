//! The annual report as a .docx in the official layout.
//!
//! The .docx is hand-written WordprocessingML in a zip: the report needs a handful of
//! parts and no feature a document library would add. The parts that never change are
//! the files in `parts/`.

use std::io::{Cursor, Write};

use super::{
    caption, heading, place, AnnualReportError, CellKind, Grid, GridCell, ReportDoc, ReportTable,
};
use crate::export::sheet;

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
    let mut parts = vec![
        ("[Content_Types].xml", content_types(doc.draft)),
        ("_rels/.rels", part(PACKAGE_RELS)),
        ("docProps/core.xml", core_xml(&doc.title)),
        ("docProps/app.xml", app_xml(&doc.title)),
        ("word/document.xml", document_xml(doc)?),
        ("word/_rels/document.xml.rels", document_rels(doc.draft)),
        ("word/styles.xml", part(STYLES)),
        ("word/settings.xml", part(SETTINGS)),
        ("word/fontTable.xml", part(FONT_TABLE)),
        ("word/footer1.xml", part(FOOTER)),
    ];
    if doc.draft {
        parts.push(("word/header1.xml", part(HEADER_DRAFT)));
    }
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, xml) in parts {
        zip.start_file(name, options)?;
        zip.write_all(xml.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

/// The content types, with the 草稿 header's when there is one.
fn content_types(draft: bool) -> String {
    let mut xml = part(CONTENT_TYPES);
    if draft {
        xml = xml.replace(
            "</Types>",
            "<Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/></Types>",
        );
    }
    xml
}

/// The document's relationships, with the 草稿 header's when there is one.
fn document_rels(draft: bool) -> String {
    let mut xml = part(DOCUMENT_RELS);
    if draft {
        xml = xml.replace(
            "</Relationships>",
            "<Relationship Id=\"rIdHeader1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header1.xml\"/></Relationships>",
        );
    }
    xml
}

/// A line of a part's text that is a sub-heading of the form's own structure, such as
/// "（一）主动公开": short, opening with a numeral in full-width brackets, no full stop.
fn is_sub_heading(line: &str) -> bool {
    let Some(rest) = line.strip_prefix('（') else {
        return false;
    };
    let numeral: String = rest
        .chars()
        .take_while(|c| "一二三四五六七八九十".contains(*c))
        .collect();
    !numeral.is_empty()
        && rest[numeral.len()..].starts_with('）')
        && line.chars().count() <= 24
        && !line.contains('。')
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
            let look = if is_sub_heading(line) {
                SUB_HEADING
            } else {
                BODY
            };
            paragraph(&mut b, look, None, line);
        }
        for t in &part.tables {
            if let Some(c) = caption(part, t) {
                paragraph(&mut b, CAPTION, None, c);
            }
            table(&mut b, t)?;
            // Also keeps two tables from running together into one when there is no caption.
            paragraph(&mut b, CELL, None, "");
        }
    }
    // A draft's header says 草稿 on every page; a finalised report has none.
    let header = if doc.draft {
        "<w:headerReference w:type=\"default\" r:id=\"rIdHeader1\"/>"
    } else {
        ""
    };
    b.push_str(&format!(
        "<w:sectPr>{header}<w:footerReference w:type=\"default\" r:id=\"rIdFooter1\"/>\
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
/// 楷体_GB2312 三号: the form's second-level headings, （一） and so on.
const SUB_HEADING: Look = Look {
    style: Some("Heading2"),
    font: "楷体_GB2312",
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

/// Half a 五号 character (10.5 pt) in twips: the unit [`sheet::text_width`] counts in.
const UNIT: u32 = 105;
/// A cell's left and right margins, and a little room for a font a shade wider.
const CELL_PAD: u32 = 57 * 2 + 40;
/// A row label this wide (in units: 8 characters) or less stays on one line.
const ONE_LINE_LABEL: usize = 16;

/// Column widths in twips, filling the type area's width: first what each column must have
/// so that no label breaks inside a word (a short row label on one line, a long one at
/// least 8 characters a line, a header at least 2 characters a line, figures whole), then
/// the room left to the columns whose text would like more, in proportion to that want.
fn twips(g: &Grid<'_>) -> Vec<u32> {
    let mut hard = vec![4usize; g.columns];
    let mut want = vec![4usize; g.columns];
    // Labels are served first: a row label on fewer lines matters more than a header.
    let mut label = vec![false; g.columns];
    for p in g.rows.iter().flatten().filter(|p| p.cols == 1) {
        let w = p
            .cell
            .text
            .split('\n')
            .map(sheet::text_width)
            .max()
            .unwrap_or(0);
        let (must, would) = match p.cell.kind {
            // One unit over, so that rounding in the office program never pushes a
            // character of a one-line label onto a second line.
            CellKind::Label if w <= ONE_LINE_LABEL => (w + 1, w + 1),
            // A tall cell beside many rows may wrap, 3 characters a line at least.
            CellKind::Label if p.rows > 2 => (w.div_ceil(p.rows).max(6), 6),
            CellKind::Label => (ONE_LINE_LABEL, w.min(40)),
            CellKind::Header => (w.min(4), w),
            CellKind::Value => (w, w),
        };
        label[p.col] |= p.cell.kind == CellKind::Label;
        hard[p.col] = hard[p.col].max(must);
        want[p.col] = want[p.col].max(would);
    }
    share_out(&hard, &want, &label)
}

/// Twips per column from what each must have and would like (in units), filling exactly
/// the type area: the room left goes to the `first` columns' wants, then to the others',
/// then to all alike; when even the musts do not fit, all shrink in proportion.
fn share_out(hard: &[usize], want: &[usize], first: &[bool]) -> Vec<u32> {
    if hard.is_empty() {
        return Vec::new();
    }
    let to_twips = |u: usize| {
        u32::try_from(u)
            .unwrap_or(u32::MAX / 4)
            .saturating_mul(UNIT)
    };
    let mut out: Vec<f64> = hard
        .iter()
        .map(|&h| f64::from(to_twips(h) + CELL_PAD))
        .collect();
    let total = f64::from(TEXT_WIDTH);
    let used: f64 = out.iter().sum();
    if used > total {
        out.iter_mut().for_each(|w| *w *= total / used);
    } else {
        let mut left = total - used;
        for round in [true, false] {
            let extra: Vec<f64> = (0..hard.len())
                .map(|c| {
                    let more = want[c].saturating_sub(hard[c]);
                    if first.get(c).copied().unwrap_or(false) == round {
                        f64::from(to_twips(more))
                    } else {
                        0.0
                    }
                })
                .collect();
            let wanted: f64 = extra.iter().sum();
            let given = left.min(wanted);
            if wanted > 0.0 {
                for (w, e) in out.iter_mut().zip(&extra) {
                    *w += given * e / wanted;
                }
            }
            left -= given;
        }
        // What nobody wants goes to every column alike.
        let rest = left / out.len() as f64;
        out.iter_mut().for_each(|w| *w += rest);
    }
    let mut twips: Vec<u32> = out.iter().map(|w| w.floor() as u32).collect();
    // Rounding must not make the table wider or narrower than the type area.
    let others: u32 = twips[..twips.len() - 1].iter().sum();
    if let Some(last) = twips.last_mut() {
        *last = TEXT_WIDTH.saturating_sub(others);
    }
    twips
}

/// Writes one table. Word has no "covered" cells: a cell spanning down is a `w:vMerge`
/// restart cell followed by one continuation cell in each row below, with the same
/// `w:gridSpan`; a span across is one cell with `w:gridSpan`.
fn table(b: &mut String, t: &ReportTable) -> Result<(), AnnualReportError> {
    let g = place(t)?;
    if g.columns == 0 || g.rows.is_empty() {
        return Ok(());
    }
    let widths = twips(&g);
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

/// A constant part as `parts/` holds it: the XML declaration, then the file's lines joined
/// without their indentation (the line breaks are only for the reader).
fn part(lines: &str) -> String {
    let mut b = String::from(XML_DECL);
    b.extend(lines.lines().map(str::trim_start));
    b
}

/// The content type of every part.
const CONTENT_TYPES: &str = include_str!("parts/content_types.xml");
/// The package's relationships: the document and its properties.
const PACKAGE_RELS: &str = include_str!("parts/package_rels.xml");
/// The document's relationships: styles, settings, fonts and footer.
const DOCUMENT_RELS: &str = include_str!("parts/document_rels.xml");
/// The official look as styles, so text a user adds in Word or WPS gets it too: body
/// 仿宋_GB2312 三号 with a 2-character indent and fixed 28 pt lines; title 方正小标宋简体
/// 二号; headings 黑体 三号; tables 仿宋_GB2312 五号 on single lines.
const STYLES: &str = include_str!("parts/styles.xml");
/// Compatibility mode and East Asian punctuation.
const SETTINGS: &str = include_str!("parts/settings.xml");
/// The fonts with the stand-ins Word uses where the official ones are not installed
/// (a stock Windows has 仿宋 and 楷体 but not their _GB2312 versions).
const FONT_TABLE: &str = include_str!("parts/font_table.xml");
/// Page number as GB/T 9704 prints it: 4号 宋体, a dash either side.
const FOOTER: &str = include_str!("parts/footer.xml");
/// A draft's page header: 草稿, and that it must not be sent or published.
const HEADER_DRAFT: &str = include_str!("parts/header_draft.xml");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::annual_report::tests::{applications, entry, h, l, sample, v};
    use crate::export::annual_report::ReportPart;

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
        // Both tables' captions repeat their parts' titles: no caption is printed.
        assert!(!xml.contains("<w:pStyle w:val=\"TableCaption\"/>"));
        assert_eq!(
            xml.matches(">收到和处理政府信息公开申请情况</w:t>").count(),
            0
        );
        assert_eq!(
            xml.matches(">三、收到和处理政府信息公开申请情况</w:t>")
                .count(),
            1
        );
        // Table 二's group titles are bold rows of the one table.
        assert!(xml.contains("<w:b/><w:bCs/><w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/></w:rPr><w:t xml:space=\"preserve\">第二十条第（一）项"));
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
        assert_eq!(read.len(), 2, "table 二 is one table, then table 三");
        let t2 = &read[0];
        assert_eq!(t2[0].len(), 1, "a group title spans the grid");
        assert_eq!(t2[0][0].span, 4);
        assert_eq!(t2[6][1].span, 3, "行政许可's figure reaches the edge");
        let t3 = &read[1];
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
                    totals: vec![],
                }],
            }],
            draft: false,
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
    fn column_widths_give_label_columns_more_room() {
        let t = applications();
        let g = place(&t).expect("place");
        let w = twips(&g);
        assert_eq!(w.len(), 10);
        assert_eq!(w.iter().sum::<u32>(), TEXT_WIDTH, "the type area exactly");
        // The room for text in a column: its width less the cell's margins.
        let room = |c: usize| w[c] - 57 * 2;
        let chars = |n: u32| n * 2 * UNIT;
        assert!(room(1) >= chars(7), "（三）不予公开 on one line: {w:?}");
        assert!(
            room(0) >= chars(3),
            "三、本年度办理结果 3 characters a line"
        );
        assert!(room(2) >= chars(8), "long sub-labels 8 characters a line");
        assert!(
            w[2] > w[3],
            "the sub-label column is wider than a value column"
        );
        for c in 3..10 {
            assert!(room(c) >= chars(2), "column {c}: 2 characters a line");
        }
        // Table 四: fifteen columns of 结果维持 and the like, two characters a line.
        let headers = |ts: &[&str]| ts.iter().map(|t| h(t, 1, 1)).collect::<Vec<_>>();
        let appeals = ReportTable {
            caption: String::new(),
            columns: 15,
            header: vec![headers(
                &["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"].repeat(3),
            )],
            body: vec![(0..15).map(|_| v("0")).collect()],
            totals: vec![],
        };
        let w = twips(&place(&appeals).expect("place"));
        assert!(w.iter().all(|&x| x - 57 * 2 >= chars(2)), "{w:?}");
        assert_eq!(w.iter().sum::<u32>(), TEXT_WIDTH);
        // Musts wider than the page shrink together rather than overflow it.
        let w = share_out(&[60, 60, 60], &[60, 60, 60], &[true, false, false]);
        assert_eq!(w.iter().sum::<u32>(), TEXT_WIDTH);
        // Labels' wants are met before headers'.
        let w = share_out(&[10, 4], &[60, 60], &[true, false]);
        assert!(w[0] > w[1] * 2, "{w:?}");
        assert_eq!(w.iter().sum::<u32>(), TEXT_WIDTH);
    }

    #[test]
    fn a_draft_says_so_on_every_page_and_a_final_report_does_not() {
        let mut d = sample();
        let bytes = docx(&d).expect("docx");
        let header = entry(&bytes, "word/header1.xml");
        assert!(header.contains(">草稿</w:t>"), "{header}");
        let doc = entry(&bytes, "word/document.xml");
        assert!(doc.contains("<w:headerReference w:type=\"default\" r:id=\"rIdHeader1\"/>"));
        let rels = entry(&bytes, "word/_rels/document.xml.rels");
        assert!(rels.contains("Id=\"rIdHeader1\""));
        assert!(rels.contains("Target=\"header1.xml\""));
        assert!(entry(&bytes, "[Content_Types].xml").contains("/word/header1.xml"));

        d.draft = false;
        let bytes = docx(&d).expect("docx");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).expect("zip");
        assert!(zip.by_name("word/header1.xml").is_err());
        let doc = entry(&bytes, "word/document.xml");
        assert!(!doc.contains("headerReference"));
        assert!(!doc.contains("草稿"));
        assert!(!entry(&bytes, "word/_rels/document.xml.rels").contains("header"));
        assert!(!entry(&bytes, "[Content_Types].xml").contains("header"));
    }

    #[test]
    fn sub_headings_of_the_form_s_structure_get_the_heading_look() {
        let cases = [
            ("（一）主动公开", true),
            ("（十二）其他", true),
            ("（一）主动公开。本年制发规章0件。", false),
            ("1.公开重点", false),
            ("（注）说明", false),
            ("主动公开", false),
        ];
        for (line, want) in cases {
            assert_eq!(is_sub_heading(line), want, "{line}");
        }
        let mut d = sample();
        d.parts[0].text = "（一）主动公开\n本年制发规章0件。".into();
        let xml = entry(&docx(&d).expect("docx"), "word/document.xml");
        assert!(xml.contains("<w:pStyle w:val=\"Heading2\"/></w:pPr><w:r><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:eastAsia=\"楷体_GB2312\""));
    }

    #[test]
    fn part_files_hold_no_line_that_ends_in_whitespace() {
        // Joining drops nothing at a line's end, so a trailing space is content that an
        // editor would silently strip.
        for xml in [
            CONTENT_TYPES,
            PACKAGE_RELS,
            DOCUMENT_RELS,
            STYLES,
            SETTINGS,
            FONT_TABLE,
            FOOTER,
            HEADER_DRAFT,
        ] {
            assert!(!xml.starts_with("<?xml"), "part() adds the declaration");
            for line in xml.lines() {
                assert_eq!(line, line.trim_end(), "{line}");
            }
        }
    }
}
