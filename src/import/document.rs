//! Understanding a work-points document (.txt, .docx): numbered paragraphs become headings and
//! items by their outline (DESIGN §3 "Work-point documents"), with the units and deadlines
//! written in or under each item; everything not taken is listed as skipped.

use super::{Diagnostic, RawDeadline, RawItem, RawResponsible, Skipped};
use crate::domain::numbering::{lead_phrase, leading_number, NumberStyle};
use crate::domain::responsible::is_unit_clause;

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
    out.replace(['\u{3000}', '\u{a0}'], " ").trim().to_string()
}

/// Page furniture of a saved web page or a document's letterhead: never an item's text.
const CHROME: &[&str] = &[
    "ICP备",
    "公网安备",
    "网站标识码",
    "版权所有",
    "技术支持",
    "当前位置",
    "您的位置",
    "您现在的位置",
    "字号",
    "打印本页",
    "【打印】",
    "【关闭】",
    "关闭窗口",
    "扫一扫",
    "分享到",
    "相关新闻",
    "相关链接",
    "相关阅读",
    "相关文件",
    "上一篇",
    "下一篇",
    "浏览次数",
    "点击次数",
    "阅读次数",
    "访问量",
    "发布时间",
    "发布日期",
    "信息来源",
    "来源：",
    "责任编辑",
    "索引号",
    "发文机关",
    "成文日期",
    "主题分类",
    "网站地图",
    "联系我们",
    "地址：",
    "地址:",
    "电话：",
    "工作时间",
    "首页 >",
    "首页>",
    "首页 》",
    "导航菜单",
    "网站导航",
    "【相关",
    "【字体",
    "【收藏",
];

/// Chrome that, once items have begun, ends the body: what follows is page furniture.
const END_OF_BODY: &[&str] = &[
    "ICP备",
    "网站标识码",
    "版权所有",
    "相关新闻",
    "相关链接",
    "相关阅读",
    "【相关",
    "上一篇",
    "下一篇",
    "扫一扫",
    "分享到",
    "【打印】",
    "【关闭】",
    "打印本页",
    "关闭窗口",
];

/// Page furniture is short: a long paragraph that mentions 主题分类 is an item's text.
const CHROME_MAX_CHARS: usize = 80;

fn is_chrome(p: &str) -> bool {
    p.chars().count() <= CHROME_MAX_CHARS && CHROME.iter().any(|w| p.contains(w))
        || matches!(p, "打印" | "关闭" | "返回顶部" | "大 中 小")
}

fn ends_body(p: &str) -> bool {
    p.chars().count() <= CHROME_MAX_CHARS && END_OF_BODY.iter().any(|w| p.contains(w))
        || matches!(p, "打印" | "关闭")
}

/// Labels of lines under an item (`牵头单位：…`, `完成时限：…`) and of clauses in its trailing
/// parenthesis: what they give.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Given {
    Units,
    Deadline,
}

const LINE_LABELS: &[(&str, Given)] = &[
    ("牵头单位", Given::Units),
    ("牵头处室", Given::Units),
    ("牵头部门", Given::Units),
    ("牵头科室", Given::Units),
    ("主办单位", Given::Units),
    ("主办处室", Given::Units),
    ("责任单位", Given::Units),
    ("责任处室", Given::Units),
    ("责任部门", Given::Units),
    ("责任科室", Given::Units),
    ("配合单位", Given::Units),
    ("配合处室", Given::Units),
    ("配合部门", Given::Units),
    ("协办单位", Given::Units),
    ("参与单位", Given::Units),
    ("主办", Given::Units),
    ("协办", Given::Units),
    ("完成时限", Given::Deadline),
    ("完成时间", Given::Deadline),
    ("完成期限", Given::Deadline),
    ("时间节点", Given::Deadline),
    ("时限要求", Given::Deadline),
    ("时间要求", Given::Deadline),
    ("进度安排", Given::Deadline),
    ("完成节点", Given::Deadline),
    ("时限", Given::Deadline),
];

/// Units and deadline given by labels (`牵头单位：A；完成时限：B`), when the text starts with
/// one; None otherwise.
fn labelled(text: &str) -> Option<(String, String)> {
    let starts = |s: &str| {
        LINE_LABELS.iter().find_map(|(l, g)| {
            let after = s.strip_prefix(l)?;
            after.starts_with(['：', ':']).then_some(*g)
        })
    };
    starts(text)?;
    let mut units = Vec::new();
    let mut deadline = Vec::new();
    // Split where a new label starts (after ；，。 or a space).
    let mut current: Option<Given> = None;
    let mut piece_start = 0;
    let mut pieces: Vec<(Given, &str)> = Vec::new();
    for (i, _) in text.char_indices() {
        let at_boundary =
            i == 0 || text[..i].ends_with(['；', ';', '，', ',', '。', ' ', '\n', '\t']);
        if let Some(g) = at_boundary.then(|| starts(&text[i..])).flatten() {
            if let Some(c) = current {
                pieces.push((c, &text[piece_start..i]));
            }
            current = Some(g);
            piece_start = i;
        }
    }
    if let Some(c) = current {
        pieces.push((c, &text[piece_start..]));
    }
    for (g, piece) in pieces {
        let piece = piece.trim().trim_end_matches(['；', ';', '，', ',', '。']);
        match g {
            Given::Units => units.push(piece.to_string()),
            Given::Deadline => {
                let body = piece
                    .split_once(['：', ':'])
                    .map_or(piece, |(_, b)| b)
                    .trim();
                deadline.push(body.to_string());
            }
        }
    }
    Some((units.join("；"), deadline.join("；")))
}

/// Whether a clause sets a time (for clauses in a trailing parenthesis).
fn is_time_clause(t: &str) -> bool {
    use crate::domain::deadline::{parse_deadline, DeadlineKind, DeadlineOptions};
    let p = parse_deadline(t, 2000, &DeadlineOptions::default());
    p.deadline.kind != DeadlineKind::Unspecified && t.chars().count() <= 40
}

/// An unnumbered paragraph: a line under the item (`牵头单位：…`), or a continuation of it.
fn attach_unnumbered(
    nodes: &mut [Node],
    preamble: &mut Vec<(usize, String)>,
    row: usize,
    p: String,
) {
    match nodes.last_mut() {
        None => preamble.push((row, p)),
        Some(node) => match labelled(&p) {
            Some((units, deadline)) => {
                if !units.is_empty() {
                    node.units.push(units);
                }
                if !deadline.is_empty() {
                    node.deadline.push(deadline);
                }
            }
            None => node.more.push((row, p)),
        },
    }
}

/// 「列第一位者为牵头单位」: the document's own rule for its unit lists.
fn declares_first_leads(p: &str) -> bool {
    [
        "列第一位者为牵头单位",
        "列第一位的为牵头单位",
        "排在第一位的为牵头单位",
        "列在首位的为牵头单位",
        "排名第一的为牵头单位",
        "第一个为牵头单位",
    ]
    .iter()
    .any(|w| p.contains(w))
}

/// Removes the declaration itself from a unit clause.
fn without_declaration(inner: &str) -> String {
    let mut out = inner.to_string();
    for sentence in inner.split(['。', '；', ';']) {
        if declares_first_leads(sentence) {
            out = out.replace(sentence, "");
        }
    }
    out.trim_matches(|c: char| "。；;，, ".contains(c))
        .to_string()
}

/// `A、B、C负责` under 「列第一位者为牵头单位」 → `牵头单位：A；配合单位：B、C`.
fn first_leads(clause: &str) -> String {
    let r = crate::domain::responsible::parse_responsible(clause);
    let mut names = r.lead.iter().chain(&r.support);
    match names.next() {
        Some(first) => {
            let rest: Vec<&String> = names.collect();
            if rest.is_empty() {
                format!("牵头单位：{first}")
            } else {
                format!(
                    "牵头单位：{first}；配合单位：{}",
                    rest.iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                )
            }
        }
        None => clause.to_string(),
    }
}

fn is_publication_note(p: &str) -> bool {
    let t = p.trim_matches(['（', '）', '(', ')']);
    p.starts_with(['（', '(']) && t.starts_with("此件") && t.chars().count() <= 12
}

/// A short line that names an agency alone (the signature above a date).
fn is_signature_name(p: &str) -> bool {
    p.chars().count() <= 24
        && !p.contains(['。', '，', '：', ':', '、'])
        && crate::domain::responsible::looks_like_unit(p)
}

/// The units and deadline a trailing parenthesis gives (`…。（市财政局负责，6月底前完成）`);
/// with `first_named_leads`, the first unit of a bare list leads and the others support.
fn trailing_parenthesis(text: &str, first_named_leads: bool) -> Option<(String, String)> {
    let (units, time) = trailing_parenthesis_as_written(text)?;
    if first_named_leads
        && crate::domain::responsible::parse_responsible(&units)
            .support
            .is_empty()
    {
        return Some((first_leads(&units), time));
    }
    Some((units, time))
}

fn trailing_parenthesis_as_written(text: &str) -> Option<(String, String)> {
    let t = text.trim_end().trim_end_matches(['。', '；', ';', '.']);
    let close = t.chars().last().filter(|c| matches!(c, '）' | ')'))?;
    // Find the matching opening parenthesis.
    let mut depth = 0;
    let mut open_at = None;
    for (i, c) in t.char_indices().rev() {
        match c {
            '）' | ')' => depth += 1,
            '（' | '(' => {
                depth -= 1;
                if depth == 0 {
                    open_at = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    let open = open_at?;
    let open_len = t[open..].chars().next()?.len_utf8();
    let inner = without_declaration(t[open + open_len..t.len() - close.len_utf8()].trim());
    let inner = inner.as_str();
    if let Some(given) = labelled(inner) {
        return Some(given);
    }
    if is_unit_clause(inner) {
        return Some((inner.to_string(), String::new()));
    }
    // Units and a time in one parenthesis: each clause must be one or the other.
    let mut units = Vec::new();
    let mut time = Vec::new();
    for clause in inner.split(['；', ';', '，', ',']) {
        let c = clause.trim();
        if c.is_empty() {
            continue;
        }
        if is_unit_clause(c) {
            units.push(c);
        } else if is_time_clause(c) {
            time.push(c);
        } else {
            return None;
        }
    }
    (!units.is_empty()).then(|| (units.join("；"), time.join("；")))
}

/// A plan's title words: the preamble line that names the plan.
const PLAN_WORDS: &[&str] = &[
    "要点", "方案", "清单", "计划", "分工", "任务", "安排", "措施",
];

fn is_date_line(p: &str) -> bool {
    let t: String = p.chars().filter(|c| !c.is_whitespace()).collect();
    (t.ends_with('日') || t.ends_with('号'))
        && t.contains('年')
        && t.contains('月')
        && t.chars().count() <= 16
}

/// A line that may be (part of) the title: short, no sentence, not letterhead.
fn title_like(p: &str) -> bool {
    // 附件 / 附件2 on its own line labels the attachment; the title follows it.
    let attachment_label = p
        .strip_prefix("附件")
        .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit() || c.is_whitespace()));
    !attachment_label
        && p.chars().count() <= 40
        && !p.contains('。')
        && !p.ends_with(['：', ':'])
        && !p.contains('〔')
        && !p.starts_with(['（', '('])
        && !is_date_line(p)
        && !is_chrome(p)
}

/// A numbered paragraph with what was written under it.
struct Node {
    row: usize,
    style: NumberStyle,
    number: String,
    /// The paragraph as written (with its number), for section paths.
    full: String,
    /// The text after the number.
    rest: String,
    parent: Option<usize>,
    has_children: bool,
    /// Unnumbered paragraphs after it, with their rows.
    more: Vec<(usize, String)>,
    units: Vec<String>,
    deadline: Vec<String>,
}

/// Reads the items of a work-points document.
pub fn read_items(
    paragraphs: &[String],
    diagnostics: &mut Vec<Diagnostic>,
    skipped: &mut Vec<Skipped>,
) -> (Option<String>, Vec<RawItem>) {
    let mut preamble: Vec<(usize, String)> = Vec::new();
    let mut nodes: Vec<Node> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut ended = false;
    // A document may declare that the first unit named in each parenthesis leads.
    let first_named_leads = paragraphs.iter().any(|p| declares_first_leads(p));
    // Lines broken inside one paragraph (Shift+Enter) are read one by one.
    let lines = paragraphs
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.split('\n').map(move |l| (i + 1, l)));
    let mut pending_signature: Option<(usize, String)> = None;
    for (row, raw) in lines {
        let p = clean(raw);
        if p.is_empty() {
            continue;
        }
        // The signature under a notice or a plan: its agency line, its date, 此件公开发布.
        if !nodes.is_empty() && (is_date_line(&p) || is_publication_note(&p)) {
            if let Some((r, line)) = pending_signature.take() {
                skipped.push(Skipped::paragraph(r, &line, "落款，不是事项"));
            }
            skipped.push(Skipped::paragraph(row, &p, "落款，不是事项"));
            continue;
        }
        if let Some((r, line)) = pending_signature.take() {
            attach_unnumbered(&mut nodes, &mut preamble, r, line);
        }
        if !nodes.is_empty() && is_signature_name(&p) {
            pending_signature = Some((row, p));
            continue;
        }
        // An unnumbered sub-heading (——加快建设健康武汉) titles what follows, not the item
        // above it.
        if p.starts_with("——") && p.chars().count() <= 40 && !p.contains('。') {
            skipped.push(Skipped::paragraph(row, &p, "无编号的小标题，未计入事项"));
            continue;
        }
        if ended {
            skipped.push(Skipped::paragraph(row, &p, "正文结束后的网页或文末文字"));
            continue;
        }
        if !nodes.is_empty() && ends_body(&p) {
            ended = true;
            skipped.push(Skipped::paragraph(row, &p, "正文结束后的网页或文末文字"));
            continue;
        }
        if is_chrome(&p) {
            skipped.push(Skipped::paragraph(row, &p, "网页栏目、页眉页脚等页面文字"));
            continue;
        }
        if let Some(n) = leading_number(&p).filter(|n| !n.rest.is_empty()) {
            // A style already open closes to its level; otherwise a higher style closes
            // every deeper one (the official outline 一、 > （一） > 1. > （1） > ①).
            match stack.iter().position(|&k| nodes[k].style == n.style) {
                Some(pos) => stack.truncate(pos),
                None => {
                    while stack
                        .last()
                        .is_some_and(|&k| nodes[k].style.rank() >= n.style.rank())
                    {
                        stack.pop();
                    }
                }
            }
            let parent = stack.last().copied();
            if let Some(k) = parent {
                nodes[k].has_children = true;
            }
            nodes.push(Node {
                row,
                style: n.style,
                number: n.number.clone(),
                full: p.clone(),
                rest: n.rest.to_string(),
                parent,
                has_children: false,
                more: Vec::new(),
                units: Vec::new(),
                deadline: Vec::new(),
            });
            stack.push(nodes.len() - 1);
            continue;
        }
        attach_unnumbered(&mut nodes, &mut preamble, row, p);
    }
    if let Some((r, line)) = pending_signature.take() {
        skipped.push(Skipped::paragraph(r, &line, "落款，不是事项"));
    }

    let title = take_title(&preamble, skipped);

    // Numbers: the document's own labels, joined to their heading's when labels restart.
    let leaves: Vec<usize> = (0..nodes.len())
        .filter(|&k| !nodes[k].has_children)
        .collect();
    let own: Vec<Option<String>> = leaves
        .iter()
        .map(|&k| Some(nodes[k].number.clone()))
        .collect();
    let heading_numbers: Vec<Vec<String>> = leaves
        .iter()
        .map(|&k| {
            let mut chain = Vec::new();
            let mut at = nodes[k].parent;
            while let Some(p) = at {
                chain.push(nodes[p].number.clone());
                at = nodes[p].parent;
            }
            chain.reverse();
            chain
        })
        .collect();
    let numbers = super::restart_numbers(&own, &heading_numbers);

    let mut items = Vec::new();
    for (leaf_no, &k) in leaves.iter().enumerate() {
        let node = &nodes[k];
        let mut section = Vec::new();
        let mut at = node.parent;
        while let Some(p) = at {
            section.push(nodes[p].full.clone());
            at = nodes[p].parent;
        }
        section.reverse();
        let (task, tail) = lead_phrase(&node.rest);
        let mut requirement = tail.to_string();
        for (_, m) in &node.more {
            if !requirement.is_empty() {
                requirement.push('\n');
            }
            requirement.push_str(m);
        }
        if requirement.is_empty() {
            // A one-sentence item: the sentence is the requirement too.
            requirement = node.rest.clone();
        }
        let whole = format!("{}\n{}", node.rest, requirement);
        let mut units = node.units.join("；");
        let mut deadline = node.deadline.join("；");
        // A parenthesis closing the item's paragraph or one of its continuations.
        let paragraphs =
            std::iter::once(node.rest.as_str()).chain(node.more.iter().map(|(_, m)| m.as_str()));
        for text in paragraphs {
            if !units.is_empty() && !deadline.is_empty() {
                break;
            }
            if let Some((u, d)) = trailing_parenthesis(text, first_named_leads) {
                if units.is_empty() {
                    units = u;
                }
                if deadline.is_empty() {
                    deadline = d;
                }
            }
        }
        // Units or a time written for a heading hold for its items that give none.
        let mut at = node.parent;
        while let Some(p) = at {
            if units.is_empty() && !nodes[p].units.is_empty() {
                units = nodes[p].units.join("；");
            }
            if deadline.is_empty() && !nodes[p].deadline.is_empty() {
                deadline = nodes[p].deadline.join("；");
            }
            at = nodes[p].parent;
        }
        let deadline = if deadline.is_empty() {
            RawDeadline::InText(whole)
        } else {
            RawDeadline::Text(deadline)
        };
        items.push(RawItem {
            number: numbers[leaf_no].clone(),
            section,
            task: task.trim_end_matches(['；', ';', '。']).to_string(),
            requirement,
            responsible: RawResponsible::Combined(units),
            deadline,
            sheet: None,
            row: node.row,
        });
    }
    // What headings carried beyond their title: listed, not silently dropped.
    for node in nodes.iter().filter(|n| n.has_children) {
        for (row, m) in &node.more {
            skipped.push(Skipped::paragraph(
                *row,
                m,
                "标题下的说明文字（不是事项），未导入",
            ));
        }
    }
    skipped.sort_by_key(|s| s.paragraph.unwrap_or(0));
    let _ = diagnostics;
    (title, items)
}

/// The title among the lines before the first numbered paragraph: the run of short lines that
/// names the plan (要点, 方案 …), the last such run when a notice wraps the plan. The other
/// preamble lines are listed as skipped.
pub(super) fn take_title(
    preamble: &[(usize, String)],
    skipped: &mut Vec<Skipped>,
) -> Option<String> {
    // Runs of consecutive title-like lines.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut k = 0;
    while k < preamble.len() {
        if title_like(&preamble[k].1) {
            let start = k;
            while k + 1 < preamble.len()
                && title_like(&preamble[k + 1].1)
                // A title set over two lines, a blank line between them or not.
                && preamble[k + 1].0 <= preamble[k].0 + 2
            {
                k += 1;
            }
            runs.push((start, k));
        }
        k += 1;
    }
    let names_plan = |&(a, b): &(usize, usize)| {
        preamble[a..=b]
            .iter()
            .any(|(_, l)| PLAN_WORDS.iter().any(|w| l.contains(w)) && !l.starts_with("关于"))
    };
    let run = runs
        .iter()
        .rev()
        .find(|r| names_plan(r))
        .or_else(|| runs.first())
        .copied();
    let mut title = None;
    for (k, (row, line)) in preamble.iter().enumerate() {
        match run {
            Some((a, b)) if (a..=b).contains(&k) => {
                title.get_or_insert_with(String::new).push_str(line);
            }
            _ => skipped.push(Skipped::paragraph(
                *row,
                line,
                "正文前的通知、说明或页面文字，不是事项",
            )),
        }
    }
    title
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Option<String>, Vec<RawItem>, Vec<Skipped>) {
        let paragraphs: Vec<String> = text.lines().map(String::from).collect();
        let mut d = Vec::new();
        let mut s = Vec::new();
        let (title, items) = read_items(&paragraphs, &mut d, &mut s);
        (title, items, s)
    }

    #[test]
    fn headings_items_and_debris() {
        let text = "2022年某局\n政务公开要点\n前言没有编号。\n1、 夯实基础，保障服务\n（1） [bookmark: _GoBack]优化文件分类，加强规范。优化工作机制。\n（三）提升办理水平。严格落实。\n二、加强解读\n（一）提升解读精度。积极收集。\n地址：某路1号";
        let (title, items, skipped) = read(text);
        assert_eq!(title.as_deref(), Some("2022年某局政务公开要点"));
        let got: Vec<(&str, &str, usize)> = items
            .iter()
            .map(|i| (i.task.as_str(), i.requirement.as_str(), i.section.len()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("优化文件分类，加强规范", "优化工作机制。", 1),
                ("提升办理水平", "严格落实。", 0),
                ("提升解读精度", "积极收集。", 1),
            ]
        );
        assert_eq!(items[2].section, vec!["二、加强解读".to_string()]);
        assert!(items.iter().all(|i| !i.task.contains("bookmark")));
        let skipped_text: Vec<&str> = skipped.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(skipped_text, ["前言没有编号。", "地址：某路1号"]);
    }

    #[test]
    fn one_sentence_items_continuations_and_units() {
        let text = "某市2023年政务公开工作要点\n\
            一、加强政策解读\n\
            （一）做好政策解读。\n\
            （二）加强重大决策公开。每年组织专题培训不少于2次。\n\
            按季度通报进展，确保不少于2次督查。\n\
            （三）推进数据开放。2023年6月底前上线平台。（市大数据局、市财政局负责）\n\
            二、强化保障\n\
            （四）加强培训。\n\
            牵头单位：市政务公开办\n\
            责任单位：各区政府\n\
            完成时限：2023年10月底前\n\
            （五）健全制度。（牵头单位：市司法局；配合单位：市政府办公室）\n\
            扫一扫在手机打开当前页";
        let (title, items, skipped) = read(text);
        assert_eq!(title.as_deref(), Some("某市2023年政务公开工作要点"));
        let numbers: Vec<&str> = items.iter().filter_map(|i| i.number.as_deref()).collect();
        assert_eq!(numbers, ["1", "2", "3", "4", "5"]);
        assert_eq!(items[0].task, "做好政策解读");
        assert!(items[1].requirement.contains("不少于2次督查"));
        assert_eq!(
            items[2].responsible,
            RawResponsible::Combined("市大数据局、市财政局负责".into())
        );
        assert_eq!(
            items[3].responsible,
            RawResponsible::Combined("牵头单位：市政务公开办；责任单位：各区政府".into())
        );
        assert_eq!(
            items[3].deadline,
            RawDeadline::Text("2023年10月底前".into())
        );
        assert_eq!(
            items[4].responsible,
            RawResponsible::Combined("牵头单位：市司法局；配合单位：市政府办公室".into())
        );
        assert!(skipped.iter().any(|s| s.text.contains("扫一扫")));
    }

    #[test]
    fn restarting_labels_join_their_heading() {
        let text = "一、公开\n（一）决策公开\n1.目录。3月底前发布目录。\n2.听证。做好听证。\n（二）执行公开\n1.清单。公开清单。\n2.督查。公开督查。";
        let (_, items, _) = read(text);
        let numbers: Vec<&str> = items.iter().filter_map(|i| i.number.as_deref()).collect();
        assert_eq!(numbers, ["1.1", "1.2", "2.1", "2.2"]);
    }

    #[test]
    fn a_notice_around_the_plan_is_not_the_title() {
        let text = "关于印发《2023年某县政务公开工作要点》的通知\n某政办〔2023〕5号\n各乡镇人民政府，县政府各部门：\n现将《2023年某县政务公开工作要点》印发给你们，请认真贯彻落实。\n某县人民政府办公室\n2023年3月1日\n2023年某县政务公开工作要点\n一、做好公开\n（一）做好公开。";
        let (title, items, skipped) = read(text);
        assert_eq!(title.as_deref(), Some("2023年某县政务公开工作要点"));
        assert_eq!(items.len(), 1);
        assert_eq!(skipped.len(), 6);
    }
}
