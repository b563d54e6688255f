//! Reading a .docx: its paragraphs with Word's automatic numbers printed as Word prints them,
//! and its tables as sheets with their merged cells (`gridSpan`, `vMerge`).

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};

use super::source::{Cell, Merge, Sheet};
use super::ImportError;

/// The readable content of a Word document.
#[derive(Debug, Clone, Default)]
pub struct DocxBody {
    /// Every paragraph in order (those inside table cells too), numbers included.
    pub paragraphs: Vec<String>,
    /// Whether each paragraph stands inside a table.
    pub in_table: Vec<bool>,
    /// Each top-level table as a sheet named 表格1, 表格2 ….
    pub tables: Vec<Sheet>,
}

/// One level of a numbering definition.
#[derive(Debug, Clone, Default)]
struct Level {
    start: u32,
    format: String,
    text: String,
}

/// The numbering definitions: abstract lists by id, and which abstract list each num uses.
#[derive(Debug, Default)]
struct Numbering {
    abstracts: HashMap<String, HashMap<u8, Level>>,
    nums: HashMap<String, (String, HashMap<u8, u32>)>,
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| a.value.into_owned())
}

fn part(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, ImportError> {
    let Ok(file) = zip.by_name(name) else {
        return Ok(None);
    };
    let mut xml = String::new();
    file.take(64 * 1024 * 1024)
        .read_to_string(&mut xml)
        .map_err(|e| ImportError::Corrupt(format!("{name} 无法读取（{e}）")))?;
    Ok(Some(xml))
}

fn xml_error(e: quick_xml::Error) -> ImportError {
    ImportError::Corrupt(format!("文档 XML 有误（{e}）"))
}

fn read_numbering(xml: &str) -> Result<Numbering, ImportError> {
    let mut n = Numbering::default();
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut abstract_id: Option<String> = None;
    let mut level: Option<u8> = None;
    let mut num_id: Option<String> = None;
    let mut override_level: Option<u8> = None;
    loop {
        let ev = reader.read_event().map_err(xml_error)?;
        let (e, empty) = match &ev {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                match e.name().as_ref() {
                    "w:abstractNum" => abstract_id = None,
                    "w:lvl" => level = None,
                    "w:num" => num_id = None,
                    "w:lvlOverride" => override_level = None,
                    _ => {}
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        match e.name().as_ref() {
            "w:abstractNum" if !empty => abstract_id = attr(e, "w:abstractNumId"),
            "w:lvl" if !empty => level = attr(e, "w:ilvl").and_then(|v| v.parse().ok()),
            "w:num" if !empty => num_id = attr(e, "w:numId"),
            "w:lvlOverride" if !empty => {
                override_level = attr(e, "w:ilvl").and_then(|v| v.parse().ok())
            }
            "w:abstractNumId" => {
                if let (Some(id), Some(v)) = (&num_id, attr(e, "w:val")) {
                    n.nums.entry(id.clone()).or_default().0 = v;
                }
            }
            "w:startOverride" => {
                if let (Some(id), Some(l), Some(v)) = (
                    &num_id,
                    override_level,
                    attr(e, "w:val").and_then(|v| v.parse().ok()),
                ) {
                    n.nums.entry(id.clone()).or_default().1.insert(l, v);
                }
            }
            name @ ("w:start" | "w:numFmt" | "w:lvlText") => {
                if let (Some(a), Some(l), Some(v)) = (&abstract_id, level, attr(e, "w:val")) {
                    let lv = n
                        .abstracts
                        .entry(a.clone())
                        .or_default()
                        .entry(l)
                        .or_insert_with(|| Level {
                            start: 1,
                            ..Level::default()
                        });
                    match name {
                        "w:start" => lv.start = v.parse().unwrap_or(1),
                        "w:numFmt" => lv.format = v,
                        _ => lv.text = v,
                    }
                }
            }
            _ => {}
        }
    }
    Ok(n)
}

/// Paragraph styles that carry a numbering: style id → (numId, level).
fn read_style_numbering(xml: &str) -> Result<HashMap<String, (String, u8)>, ImportError> {
    let mut out = HashMap::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut style: Option<String> = None;
    let mut num: (Option<String>, u8) = (None, 0);
    loop {
        match reader.read_event().map_err(xml_error)? {
            Event::Start(e) if e.name().as_ref() == "w:style" => {
                style = attr(&e, "w:styleId");
                num = (None, 0);
            }
            Event::End(e) if e.name().as_ref() == "w:style" => {
                if let (Some(s), (Some(id), l)) = (style.take(), num.clone()) {
                    out.insert(s, (id, l));
                }
            }
            Event::Empty(e) | Event::Start(e) if style.is_some() => match e.name().as_ref() {
                "w:numId" => num.0 = attr(&e, "w:val"),
                "w:ilvl" => num.1 = attr(&e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(0),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// A count written in Chinese numerals (1 → 一, 11 → 十一, 20 → 二十, 105 → 一百零五).
pub fn chinese_numeral(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_string(),
        10..=19 => format!("十{}", if n > 10 { D[(n - 10) as usize] } else { "" }),
        20..=99 => format!(
            "{}十{}",
            D[(n / 10) as usize],
            if !n.is_multiple_of(10) {
                D[(n % 10) as usize]
            } else {
                ""
            }
        ),
        _ => {
            let rest = n % 100;
            let tail = match rest {
                0 => String::new(),
                1..=9 => format!("零{}", D[rest as usize]),
                10..=19 => format!("一{}", chinese_numeral(rest)),
                _ => chinese_numeral(rest),
            };
            format!("{}百{tail}", D[((n / 100) % 10) as usize])
        }
    }
}

/// One counter as a numbering format prints it.
fn format_count(n: u32, format: &str) -> String {
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "japaneseCounting"
        | "chineseLegalSimplified"
        | "ideographLegalTraditional" => chinese_numeral(n),
        "ideographTraditional" => "甲乙丙丁戊己庚辛壬癸"
            .chars()
            .nth((n as usize).saturating_sub(1))
            .map_or_else(|| n.to_string(), String::from),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32('①' as u32 + n - 1).map_or_else(|| n.to_string(), String::from)
        }
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .filter_map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32))
            .collect(),
        "lowerLetter" => {
            char::from_u32('a' as u32 + (n - 1) % 26).map_or_else(String::new, String::from)
        }
        "upperLetter" => {
            char::from_u32('A' as u32 + (n - 1) % 26).map_or_else(String::new, String::from)
        }
        "decimalZero" if n < 10 => format!("0{n}"),
        _ => n.to_string(),
    }
}

/// Counts Word's automatic numbers as it prints them.
struct Counter<'a> {
    numbering: &'a Numbering,
    counts: HashMap<String, [u32; 9]>,
}

impl Counter<'_> {
    /// The label of a paragraph numbered (numId, level), advancing the count.
    fn label(&mut self, num_id: &str, level: u8) -> Option<String> {
        let (abstract_id, overrides) = self.numbering.nums.get(num_id)?;
        let levels = self.numbering.abstracts.get(abstract_id)?;
        let lv = levels.get(&level)?;
        if matches!(lv.format.as_str(), "bullet" | "none") || lv.text.is_empty() {
            return None;
        }
        let l = usize::from(level.min(8));
        let start = |k: u8| {
            overrides
                .get(&k)
                .copied()
                .or_else(|| levels.get(&k).map(|x| x.start))
                .unwrap_or(1)
        };
        // Lists restarted by an override count on their own; the others share their
        // abstract list's counters, as Word continues them.
        let key = if overrides.is_empty() {
            abstract_id.clone()
        } else {
            format!("num:{num_id}")
        };
        let counts = self.counts.entry(key).or_insert([0; 9]);
        counts[l] = if counts[l] == 0 {
            start(level)
        } else {
            counts[l] + 1
        };
        for c in counts.iter_mut().skip(l + 1) {
            *c = 0;
        }
        let mut text = lv.text.clone();
        for (k, &count) in counts.iter().enumerate().take(l + 1) {
            let shown = if count == 0 { start(k as u8) } else { count };
            let fmt = levels
                .get(&(k as u8))
                .map_or("decimal", |x| x.format.as_str());
            text = text.replace(&format!("%{}", k + 1), &format_count(shown, fmt));
        }
        Some(text)
    }
}

/// A table being read: rows of cells with their spans.
#[derive(Default)]
struct TableBuild {
    rows: Vec<Vec<Cell>>,
    merges: Vec<Merge>,
    /// Open vertical merges by grid column: their top row.
    open_v: HashMap<usize, usize>,
    col: usize,
    cell_text: String,
    span: usize,
    vmerge: Option<bool>,
}

impl TableBuild {
    fn finish_cell(&mut self) {
        let r = self.rows.len().saturating_sub(1);
        let c = self.col;
        let span = self.span.max(1);
        let text = std::mem::take(&mut self.cell_text).trim().to_string();
        let row = match self.rows.last_mut() {
            Some(row) => row,
            None => return,
        };
        while row.len() < c + span {
            row.push(Cell::Empty);
        }
        match self.vmerge {
            Some(false) => {
                // Continues the merge above: the cell stays blank and the region grows.
                if let Some(&top) = self.open_v.get(&c) {
                    if let Some(m) = self.merges.iter_mut().find(|m| m.top == top && m.left == c) {
                        m.bottom = r;
                    } else {
                        self.merges.push(Merge {
                            top,
                            left: c,
                            bottom: r,
                            right: c + span - 1,
                        });
                    }
                }
            }
            restart => {
                if !text.is_empty() {
                    row[c] = Cell::Text(text);
                }
                if restart == Some(true) {
                    self.open_v.insert(c, r);
                } else {
                    self.open_v.remove(&c);
                }
                if span > 1 {
                    self.merges.push(Merge {
                        top: r,
                        left: c,
                        bottom: r,
                        right: c + span - 1,
                    });
                }
            }
        }
        self.col = c + span;
        self.span = 1;
        self.vmerge = None;
    }

    fn into_sheet(self, name: String) -> Sheet {
        let width = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let rows = self
            .rows
            .into_iter()
            .map(|mut r| {
                r.resize(width, Cell::Empty);
                r
            })
            .collect();
        Sheet::new(name, rows, self.merges)
    }
}

/// Reads a .docx's paragraphs (automatic numbers printed) and tables.
pub fn read(bytes: &[u8]) -> Result<DocxBody, ImportError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ImportError::Corrupt(format!("压缩结构损坏（{e}）")))?;
    let xml = part(&mut zip, "word/document.xml")?
        .ok_or_else(|| ImportError::Corrupt("缺少正文（word/document.xml）".into()))?;
    let numbering = match part(&mut zip, "word/numbering.xml")? {
        Some(x) => read_numbering(&x)?,
        None => Numbering::default(),
    };
    let style_numbers = match part(&mut zip, "word/styles.xml")? {
        Some(x) => read_style_numbering(&x)?,
        None => HashMap::new(),
    };
    let mut counter = Counter {
        numbering: &numbering,
        counts: HashMap::new(),
    };
    let mut body = DocxBody::default();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut current = String::new();
    let mut in_text = false;
    let mut in_ppr = false;
    let mut p_num: (Option<String>, Option<u8>) = (None, None);
    let mut p_style: Option<String> = None;
    let mut tables: Vec<TableBuild> = Vec::new();
    loop {
        let ev = reader.read_event().map_err(xml_error)?;
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(ev, Event::Empty(_));
                match e.name().as_ref() {
                    "w:t" if !empty => in_text = true,
                    "w:tab" if !in_ppr => current.push('\t'),
                    "w:br" | "w:cr" => current.push('\n'),
                    "w:pPr" if !empty => in_ppr = true,
                    "w:numId" if in_ppr => p_num.0 = attr(e, "w:val"),
                    "w:ilvl" if in_ppr => p_num.1 = attr(e, "w:val").and_then(|v| v.parse().ok()),
                    "w:pStyle" if in_ppr => p_style = attr(e, "w:val"),
                    "w:tbl" if !empty => tables.push(TableBuild::default()),
                    "w:tr" if !empty && tables.len() == 1 => {
                        if let Some(t) = tables.last_mut() {
                            t.rows.push(Vec::new());
                            t.col = 0;
                        }
                    }
                    "w:gridSpan" if tables.len() == 1 => {
                        if let Some(t) = tables.last_mut() {
                            t.span = attr(e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(1);
                        }
                    }
                    "w:vMerge" if tables.len() == 1 => {
                        if let Some(t) = tables.last_mut() {
                            t.vmerge = Some(attr(e, "w:val").as_deref() == Some("restart"));
                        }
                    }
                    "w:gridBefore" if tables.len() == 1 => {
                        if let Some(t) = tables.last_mut() {
                            t.col += attr(e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(0);
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "w:t" => in_text = false,
                "w:pPr" => in_ppr = false,
                "w:p" => {
                    let (num_id, level) = match (&p_num.0, p_num.1) {
                        (Some(id), l) => (Some(id.clone()), l.unwrap_or(0)),
                        (None, _) => p_style
                            .as_ref()
                            .and_then(|s| style_numbers.get(s))
                            .map_or((None, 0), |(id, l)| {
                                (Some(id.clone()), p_num.1.unwrap_or(*l))
                            }),
                    };
                    let mut text = std::mem::take(&mut current);
                    // numId 0 switches numbering off.
                    if let Some(id) = num_id.filter(|id| id != "0") {
                        if !text.trim().is_empty() {
                            if let Some(label) = counter.label(&id, level) {
                                text = format!("{label}{}", text.trim_start());
                            }
                        }
                    }
                    if let Some(t) = tables.last_mut() {
                        if !t.cell_text.is_empty() {
                            t.cell_text.push('\n');
                        }
                        t.cell_text.push_str(&text);
                    }
                    body.paragraphs.push(text);
                    body.in_table.push(!tables.is_empty());
                    p_num = (None, None);
                    p_style = None;
                }
                "w:tc" if tables.len() == 1 => {
                    if let Some(t) = tables.last_mut() {
                        t.finish_cell();
                    }
                }
                "w:tbl" => {
                    if let Some(t) = tables.pop() {
                        match tables.last_mut() {
                            // A nested table's text stays with the outer cell.
                            Some(outer) => {
                                let inner: Vec<String> = t
                                    .rows
                                    .iter()
                                    .flatten()
                                    .map(Cell::text)
                                    .filter(|s| !s.is_empty())
                                    .collect();
                                outer.cell_text.push_str(&inner.join("\n"));
                            }
                            None => {
                                let name = format!("表格{}", body.tables.len() + 1);
                                body.tables.push(t.into_sheet(name));
                            }
                        }
                    }
                }
                _ => {}
            },
            Event::Text(t) if in_text => {
                let s: &str = t.as_ref();
                current.push_str(s);
            }
            Event::GeneralRef(r) if in_text => {
                let name: &str = r.as_ref();
                let resolved = match name {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    n => n
                        .strip_prefix("#x")
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .or_else(|| n.strip_prefix('#').and_then(|d| d.parse().ok()))
                        .and_then(char::from_u32),
                };
                if let Some(c) = resolved {
                    current.push(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals() {
        let cases = [
            (1, "一"),
            (10, "十"),
            (11, "十一"),
            (20, "二十"),
            (35, "三十五"),
            (100, "一百"),
            (105, "一百零五"),
            (115, "一百一十五"),
        ];
        for (n, want) in cases {
            assert_eq!(chinese_numeral(n), want, "{n}");
        }
        assert_eq!(format_count(3, "decimalEnclosedCircle"), "③");
        assert_eq!(format_count(12, "decimalFullWidth"), "１２");
        assert_eq!(format_count(2, "ideographTraditional"), "乙");
    }

    #[test]
    fn automatic_numbers_count_like_word() {
        let numbering = read_numbering(
            r#"<w:numbering xmlns:w="w"><w:abstractNum w:abstractNumId="0">
            <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
            <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
            <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
            </w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#,
        )
        .expect("numbering");
        let mut c = Counter {
            numbering: &numbering,
            counts: HashMap::new(),
        };
        let got: Vec<String> = [0u8, 1, 2, 2, 1, 2, 0, 1]
            .iter()
            .filter_map(|&l| c.label("1", l))
            .collect();
        assert_eq!(
            got,
            [
                "一、",
                "（一）",
                "1.",
                "2.",
                "（二）",
                "1.",
                "二、",
                "（一）"
            ]
        );
        assert_eq!(c.label("9", 0), None);
    }
}
