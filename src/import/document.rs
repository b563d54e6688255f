//! Understanding a work-points document (.txt, .docx): numbered paragraphs become items.

use super::{Diagnostic, RawDeadline, RawItem, RawResponsible};
use crate::domain::numbering::{lead_phrase, leading_number};

/// Removes conversion debris such as "[bookmark: _GoBack]".
fn clean(paragraph: &str) -> String {
    let mut out = String::with_capacity(paragraph.len());
    let mut rest = paragraph;
    while let Some(start) = rest.find("[bookmark") {
        out.push_str(&rest[..start]);
        match rest[start..].find(']') {
            Some(end) => rest = &rest[start + end + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.replace('\u{3000}', " ").trim().to_string()
}

/// Whether a numbered paragraph is an item (a lead phrase followed by more text) rather
/// than a heading (a title without a sentence after it).
fn is_item(rest: &str) -> bool {
    let (_, tail) = lead_phrase(rest);
    !tail.is_empty()
}

/// Reads the items of a work-points document: each numbered paragraph with text after its
/// lead phrase is an item, its lead phrase (to the first 。) the task; numbered paragraphs
/// without are headings. Unnumbered paragraphs (preamble, footers) are left out.
pub fn read_items(
    paragraphs: &[String],
    _diagnostics: &mut Vec<Diagnostic>,
) -> (Option<String>, Vec<RawItem>) {
    let mut title_lines: Vec<String> = Vec::new();
    let mut seen_numbered = false;
    let mut headings: Vec<(usize, String)> = Vec::new();
    let mut items = Vec::new();
    let mut counter = 0;
    let mut items_since_heading = 0;
    for (i, raw) in paragraphs.iter().enumerate() {
        let row = i + 1;
        let p = clean(raw);
        if p.is_empty() {
            continue;
        }
        let Some(n) = leading_number(&p) else {
            if !seen_numbered && !p.contains('。') && p.chars().count() <= 40 {
                title_lines.push(p);
            }
            continue;
        };
        seen_numbered = true;
        if is_item(n.rest) {
            counter += 1;
            items_since_heading += 1;
            let (task, requirement) = lead_phrase(n.rest);
            items.push(RawItem {
                number: Some(counter.to_string()),
                section: headings.iter().map(|(_, h)| h.clone()).collect(),
                task: task.to_string(),
                requirement: requirement.to_string(),
                responsible: RawResponsible::Combined(String::new()),
                deadline: RawDeadline::InText(n.rest.to_string()),
                sheet: None,
                row,
            });
        } else {
            // A heading of a style already open closes that level; a new style nests under
            // the open heading only when no item came between (else the document mixes
            // styles for one level, as real ones do).
            match headings.iter().position(|(s, _)| *s == n.style as usize) {
                Some(level) => headings.truncate(level),
                None if items_since_heading > 0 => headings.clear(),
                None => {}
            }
            headings.push((n.style as usize, p.clone()));
            items_since_heading = 0;
        }
    }
    let title = if title_lines.is_empty() {
        None
    } else {
        Some(title_lines.join(""))
    };
    (title, items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_items_and_debris() {
        let text = "2022年某局\n政务公开要点\n前言没有编号。\n1、 夯实基础，保障服务\n（1） [bookmark: _GoBack]优化文件分类，加强规范。优化工作机制。\n（三）提升办理水平。严格落实。\n二、加强解读\n（一）提升解读精度。积极收集。\n地址：某路1号";
        let paragraphs: Vec<String> = text.lines().map(String::from).collect();
        let mut d = Vec::new();
        let (title, items) = read_items(&paragraphs, &mut d);
        assert_eq!(title.as_deref(), Some("2022年某局政务公开要点"));
        let got: Vec<(&str, &str, usize)> = items
            .iter()
            .map(|i| (i.task.as_str(), i.requirement.as_str(), i.section.len()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("优化文件分类，加强规范", "优化工作机制。", 1),
                ("提升办理水平", "严格落实。", 1),
                ("提升解读精度", "积极收集。", 1),
            ]
        );
        assert_eq!(items[2].section, vec!["二、加强解读".to_string()]);
        assert!(items.iter().all(|i| !i.task.contains("bookmark")));
    }
}
