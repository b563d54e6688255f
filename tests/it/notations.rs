//! The same plan written the ways other agencies write theirs gives the same items: headers
//! the reader has never seen, units as verbs, units in a trailing parenthesis or on lines
//! under each item of a document, the table saved into a Word file (gridSpan/vMerge).

use std::io::Write;

use serde_json::Value;
use zip::write::SimpleFileOptions;

use crate::import::check_bytes_against_truth;
use workplan::import::{read_plan, DraftItem, ImportOptions};

fn sample() -> (Vec<DraftItem>, Value) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(root.join("imports/guangzhou-sports-2021-division-plan.xlsx"))
        .expect("sample");
    let truth: Value = serde_json::from_str(
        &std::fs::read_to_string(
            root.join("imports/guangzhou-sports-2021-division-plan.truth.json"),
        )
        .expect("truth"),
    )
    .expect("json");
    let draft = read_plan(&bytes, "plan.xlsx", &ImportOptions::for_year(2021)).expect("sample");
    (draft.items, truth)
}

/// `A、B牵头，C、D配合` (or `A负责` when nobody supports).
fn with_verbs(item: &DraftItem) -> String {
    if item.support.is_empty() {
        format!("{}负责", item.lead.join("、"))
    } else {
        format!(
            "{}牵头，{}配合",
            item.lead.join("、"),
            item.support.join("、")
        )
    }
}

/// `牵头单位：A、B；配合单位：C`.
fn labelled(item: &DraftItem) -> String {
    let mut s = format!("牵头单位：{}", item.lead.join("、"));
    if !item.support.is_empty() {
        s.push_str(&format!("；配合单位：{}", item.support.join("、")));
    }
    s
}

/// Headings as the document prints them, each once, before the items under them.
fn headings(item: &DraftItem, open: &mut Vec<String>, out: &mut Vec<String>) {
    let mut path = item.section.clone();
    if !item.task.is_empty() && !path.iter().any(|s| s.contains(&item.task)) {
        path.push(format!("（{}）{}", path.len() + 1, item.task));
    }
    let same = open.iter().zip(&path).take_while(|(a, b)| a == b).count();
    for h in &path[same..] {
        out.push(h.clone());
    }
    *open = path;
}

fn csv_field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

#[test]
fn unseen_headers_and_unit_verbs_in_a_csv() {
    let (items, truth) = sample();
    let mut csv = String::from("工作板块,落实举措,承担单位,节点\r\n");
    let mut section = String::new();
    for i in &items {
        if let Some(top) = i.section.first() {
            if *top != section {
                csv.push_str(&format!("{},,,\r\n", csv_field(top)));
                section = top.clone();
            }
        }
        csv.push_str(&format!(
            "{},{},{},{}\r\n",
            csv_field(&i.task),
            csv_field(&format!("{}. {}", i.number, i.requirement)),
            csv_field(&with_verbs(i)),
            csv_field(&i.deadline.raw)
        ));
    }
    check_bytes_against_truth("renamed.csv", csv.as_bytes(), &truth);
    let draft = read_plan(
        csv.as_bytes(),
        "renamed.csv",
        &ImportOptions::for_year(2021),
    )
    .expect("csv");
    let fields: Vec<Option<&str>> = draft
        .columns
        .iter()
        .map(|c| c.field.map(|f| f.code()))
        .collect();
    assert_eq!(
        fields,
        [
            Some("task"),
            Some("requirement"),
            Some("responsible"),
            Some("deadline")
        ],
        "the preview says which column was taken for what"
    );
}

/// A work-points document of the plan: numbered items under their headings, with the units
/// and deadline in a trailing parenthesis or on lines under each item.
fn document(items: &[DraftItem], trailing: bool) -> String {
    let mut out = vec!["2021年某局政务公开工作要点".to_string()];
    let mut open = Vec::new();
    for i in items {
        headings(i, &mut open, &mut out);
        if trailing {
            out.push(format!(
                "{}. {}（{}；完成时限：{}）",
                i.number,
                i.requirement,
                labelled(i),
                i.deadline.raw
            ));
        } else {
            out.push(format!("{}. {}", i.number, i.requirement));
            out.push(format!("牵头单位：{}", i.lead.join("、")));
            if !i.support.is_empty() {
                out.push(format!("配合单位：{}", i.support.join("、")));
            }
            out.push(format!("完成时限：{}", i.deadline.raw));
        }
    }
    out.push("扫一扫在手机打开当前页".into());
    out.join("\n")
}

#[test]
fn units_in_a_trailing_parenthesis_or_under_each_item_of_a_document() {
    let (items, truth) = sample();
    for trailing in [true, false] {
        let text = document(&items, trailing);
        check_bytes_against_truth("points.txt", text.as_bytes(), &truth);
        let draft = read_plan(
            text.as_bytes(),
            "points.txt",
            &ImportOptions::for_year(2021),
        )
        .expect("document");
        assert!(
            draft.skipped.iter().any(|s| s.text.contains("扫一扫")),
            "page chrome is listed as skipped"
        );
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A Word table cell: its text, how many grid columns it spans, and its vMerge.
fn tc(text: &str, span: usize, vmerge: Option<&str>) -> String {
    let mut pr = String::new();
    if span > 1 {
        pr.push_str(&format!(r#"<w:gridSpan w:val="{span}"/>"#));
    }
    match vmerge {
        Some("restart") => pr.push_str(r#"<w:vMerge w:val="restart"/>"#),
        Some(_) => pr.push_str("<w:vMerge/>"),
        None => {}
    }
    let paragraphs: String = text
        .split('\n')
        .map(|l| {
            format!(
                "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
                escape(l)
            )
        })
        .collect();
    format!("<w:tc><w:tcPr>{pr}</w:tcPr>{paragraphs}</w:tc>")
}

fn docx(body: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default();
    let parts = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_string()),
        ("word/document.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#)),
    ];
    for (name, content) in parts {
        zip.start_file(name, opts).expect("part");
        zip.write_all(content.as_bytes()).expect("write");
    }
    zip.finish().expect("zip").into_inner()
}

#[test]
fn the_table_saved_into_a_word_file_reads_the_same() {
    let (items, truth) = sample();
    let mut rows = String::new();
    rows.push_str(&format!(
        "<w:tr>{}{}{}{}</w:tr>",
        tc("工作任务", 1, None),
        tc("具体要求", 1, None),
        tc("责任处室", 1, None),
        tc("完成时限", 1, None)
    ));
    let mut section = String::new();
    for (k, i) in items.iter().enumerate() {
        if let Some(top) = i.section.first() {
            if *top != section {
                rows.push_str(&format!("<w:tr>{}</w:tr>", tc(top, 4, None)));
                section = top.clone();
            }
        }
        // The task cell merged down over the items that share it.
        let same_as_before =
            k > 0 && items[k - 1].task == i.task && items[k - 1].section == i.section;
        let same_after = items
            .get(k + 1)
            .is_some_and(|n| n.task == i.task && n.section == i.section);
        let task = match (same_as_before, same_after) {
            (true, _) => tc("", 1, Some("continue")),
            (false, true) => tc(&i.task, 1, Some("restart")),
            (false, false) => tc(&i.task, 1, None),
        };
        let units = if i.support.is_empty() {
            i.lead.join("\n")
        } else {
            format!("{}，{}", i.lead.join("、"), i.support.join("、"))
        };
        rows.push_str(&format!(
            "<w:tr>{task}{}{}{}</w:tr>",
            tc(&format!("{}. {}", i.number, i.requirement), 1, None),
            tc(&units, 1, None),
            tc(&i.deadline.raw, 1, None)
        ));
    }
    let body = format!(
        "<w:p><w:r><w:t>关于印发2021年政务公开工作要点分工方案的通知</w:t></w:r></w:p><w:p><w:r><w:t>各处室：现将分工方案印发给你们，请认真落实。</w:t></w:r></w:p><w:tbl>{rows}</w:tbl>"
    );
    check_bytes_against_truth("plan.docx", &docx(&body), &truth);
}

#[test]
fn a_cover_sheet_before_the_table_and_totals_after_it() {
    let (items, truth) = sample();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let cover = wb.add_worksheet();
    cover.set_name("说明").expect("name");
    for (r, line) in [
        "填表说明",
        "一、本表由各处室于每季度末前填报。",
        "二、完成时限按文件要求填写，不得空项。",
    ]
    .iter()
    .enumerate()
    {
        cover.write_string(r as u32, 0, *line).expect("write");
    }
    let ws = wb.add_worksheet();
    ws.set_name("分工表").expect("name");
    ws.merge_range(
        0,
        0,
        0,
        4,
        "2021年政务公开工作任务分工表",
        &rust_xlsxwriter::Format::new(),
    )
    .expect("title");
    for (c, h) in ["序号", "重点任务", "主要举措", "责任部门", "时间节点"]
        .iter()
        .enumerate()
    {
        ws.write_string(1, c as u16, *h).expect("header");
    }
    let mut r = 2u32;
    for i in &items {
        ws.write_string(r, 0, format!("{}、", i.number))
            .expect("number");
        ws.write_string(r, 1, &i.task).expect("task");
        ws.write_string(r, 2, &i.requirement).expect("requirement");
        ws.write_string(r, 3, labelled(i)).expect("units");
        ws.write_string(r, 4, &i.deadline.raw).expect("deadline");
        r += 1;
    }
    ws.write_string(r, 0, "合计").expect("total");
    ws.write_string(r, 1, format!("共{}项", items.len()))
        .expect("total");
    ws.write_string(r + 1, 0, "备注：各处室按季度报送进展。")
        .expect("note");
    let bytes = wb.save_to_buffer().expect("xlsx");
    check_bytes_against_truth("plan.xlsx", &bytes, &truth);
    let draft = read_plan(&bytes, "plan.xlsx", &ImportOptions::for_year(2021)).expect("plan");
    assert_eq!(draft.source.sheet.as_deref(), Some("分工表"));
    let reasons: Vec<&str> = draft.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert!(reasons.iter().any(|r| r.contains("合计")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("备注")), "{reasons:?}");
}
