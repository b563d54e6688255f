//! Responsible divisions (责任处室) as plans write them: lead and supporting groups,
//! markers, labels, groups and placeholders.

/// What a written name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// One division (or unit, or outside body).
    Division,
    /// All divisions of a kind: 各处室, 局属各单位 …
    Group,
    /// A stand-in the office must replace: 各有关处室, 文件起草处室 …
    Placeholder,
}

/// Lead and supporting names as written, with what the office should check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Responsible {
    pub lead: Vec<String>,
    pub support: Vec<String>,
    pub warnings: Vec<String>,
}

const GROUPS: &[&str] = &[
    "各处室",
    "局各处室",
    "机关各处室",
    "各科室",
    "局属各单位",
    "各直属单位",
    "局直属各单位",
    "各单位",
    "各部门",
];
const PLACEHOLDER_WORDS: &[&str] = &["有关", "相关", "涉及", "起草", "承办", "各"];
const LEAD_LABELS: &[&str] = &[
    "牵头单位",
    "牵头处室",
    "牵头部门",
    "主办单位",
    "主办处室",
    "主责单位",
    "牵头",
    "主办",
    "主责",
];
const SUPPORT_LABELS: &[&str] = &[
    "配合单位",
    "配合处室",
    "配合部门",
    "协办单位",
    "协办处室",
    "会办单位",
    "会办处室",
    "参与单位",
    "配合",
    "协办",
    "会办",
    "参与",
];

/// Tells a real division from a group or a placeholder.
pub fn classify(name: &str) -> NameKind {
    let n = name.trim();
    if GROUPS.contains(&n) {
        NameKind::Group
    } else if PLACEHOLDER_WORDS.iter().any(|w| n.contains(w)) {
        NameKind::Placeholder
    } else {
        NameKind::Division
    }
}

/// Splits on `sep` characters outside parentheses.
fn split_outside_parens<'a>(s: &'a str, seps: &[char]) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = (depth - 1).max(0),
            c if depth == 0 && seps.contains(&c) => {
                parts.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

/// Cleans one name: spaces, trailing punctuation, a trailing 等.
fn clean(name: &str) -> String {
    let n: String = name
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .collect();
    let n = n.trim_matches(|c: char| "。.；;：:、，,".contains(c));
    let n = n.strip_suffix('等').unwrap_or(n);
    n.to_string()
}

fn names(group: &str) -> Vec<String> {
    split_outside_parens(group, &['、', '/', '／', '，', ',', '；', ';'])
        .into_iter()
        .map(clean)
        .filter(|n| !n.is_empty())
        .collect()
}

fn push_unique(list: &mut Vec<String>, name: String, other: &[String]) {
    if !list.contains(&name) && !other.contains(&name) {
        list.push(name);
    }
}

/// Reads one 责任处室 cell.
pub fn parse_responsible(cell: &str) -> Responsible {
    let cell = cell.trim();
    let mut r = Responsible::default();
    if cell.is_empty() {
        return r;
    }
    if let Some(labelled) = by_labels(cell) {
        r = labelled;
    } else if cell.contains("（牵头）") || cell.contains("(牵头)") {
        // A（牵头）、B: the marked names lead, the others support.
        for part in split_outside_parens(cell, &['、', '，', ',', '/', '；', ';']) {
            let p = part.trim();
            let lead = p.ends_with("（牵头）") || p.ends_with("(牵头)");
            let name = clean(p.trim_end_matches("（牵头）").trim_end_matches("(牵头)"));
            if name.is_empty() {
                continue;
            }
            if lead {
                let support = r.support.clone();
                push_unique(&mut r.lead, name, &support);
            } else {
                let lead = r.lead.clone();
                push_unique(&mut r.support, name, &lead);
            }
        }
    } else {
        // The seeds' convention: before the first comma leads, the rest supports.
        let parts = split_outside_parens(cell, &['，', ',']);
        for n in names(parts[0]) {
            push_unique(&mut r.lead, n, &[]);
        }
        for part in &parts[1..] {
            for n in names(part) {
                let lead = r.lead.clone();
                push_unique(&mut r.support, n, &lead);
            }
        }
    }
    r.warnings = placeholder_warnings(&r);
    r
}

/// 牵头单位：A；配合单位：B、C (also 主办/协办/会办 labels).
fn by_labels(cell: &str) -> Option<Responsible> {
    let has = |labels: &[&str]| {
        labels
            .iter()
            .any(|l| cell.contains(&format!("{l}：")) || cell.contains(&format!("{l}:")))
    };
    if !has(LEAD_LABELS) {
        return None;
    }
    let mut r = Responsible::default();
    for segment in split_outside_parens(cell, &['；', ';', '\n', '。']) {
        let Some((label, body)) = segment.split_once(['：', ':']) else {
            continue;
        };
        let label = label.trim();
        let target_is_lead = if LEAD_LABELS.iter().any(|l| label.ends_with(l)) {
            true
        } else if SUPPORT_LABELS.iter().any(|l| label.ends_with(l)) {
            false
        } else {
            continue;
        };
        for n in names(body) {
            if target_is_lead {
                let support = r.support.clone();
                push_unique(&mut r.lead, n, &support);
            } else {
                let lead = r.lead.clone();
                push_unique(&mut r.support, n, &lead);
            }
        }
    }
    Some(r)
}

/// Reads separate lead and supporting columns.
pub fn from_columns(lead: &str, support: &str) -> Responsible {
    let mut r = Responsible::default();
    for n in names(lead) {
        let name = n.trim_end_matches("（牵头）").trim_end_matches("(牵头)");
        // A bare （牵头） marker names nobody (found by the fuzzer).
        if !name.is_empty() {
            push_unique(&mut r.lead, name.to_string(), &[]);
        }
    }
    for n in names(support) {
        let l = r.lead.clone();
        push_unique(&mut r.support, n, &l);
    }
    r.warnings = placeholder_warnings(&r);
    r
}

fn placeholder_warnings(r: &Responsible) -> Vec<String> {
    r.lead
        .iter()
        .chain(&r.support)
        .filter(|n| classify(n) == NameKind::Placeholder)
        .map(|n| format!("“{n}”不是具体处室，已按原文保留，请办公室指定实际处室"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn cells() {
        let cases: &[(&str, &[&str], &[&str])] = &[
            ("法规宣传处", &["法规宣传处"], &[]),
            ("办公室、法规宣传处", &["办公室", "法规宣传处"], &[]),
            ("体育产业处（保卫处）", &["体育产业处（保卫处）"], &[]),
            ("计划财务处，局属各单位", &["计划财务处"], &["局属各单位"]),
            (
                "办公室、法规宣传处、体育产业处（保卫处）",
                &["办公室", "法规宣传处", "体育产业处（保卫处）"],
                &[],
            ),
            (
                "法规宣传处，办公室、重大政策涉及的相关处室",
                &["法规宣传处"],
                &["办公室", "重大政策涉及的相关处室"],
            ),
            (
                "办公室、法规宣传处，文件起草处室",
                &["办公室", "法规宣传处"],
                &["文件起草处室"],
            ),
            (
                "法规宣传处，青少年体育处、体育产业处（保卫处）",
                &["法规宣传处"],
                &["青少年体育处", "体育产业处（保卫处）"],
            ),
            ("办公室, 各有关处室", &["办公室"], &["各有关处室"]),
            (
                "办公室(保卫处)、计划财务处，各处室",
                &["办公室(保卫处)", "计划财务处"],
                &["各处室"],
            ),
            ("法规宣传处（牵头）、办公室", &["法规宣传处"], &["办公室"]),
            (
                "牵头单位：办公室；配合单位：法规宣传处、计划财务处",
                &["办公室"],
                &["法规宣传处", "计划财务处"],
            ),
            (
                "主办：办公室；协办：法规宣传处",
                &["办公室"],
                &["法规宣传处"],
            ),
            (" 办公室 / 法规宣传处 ", &["办公室", "法规宣传处"], &[]),
            ("办公室，办公室、法规宣传处", &["办公室"], &["法规宣传处"]),
            ("", &[], &[]),
        ];
        for (cell, lead, support) in cases {
            let r = parse_responsible(cell);
            assert_eq!((r.lead, r.support), (v(lead), v(support)), "{cell}");
        }
    }

    #[test]
    fn columns() {
        let r = from_columns("办公室、法规宣传处", "各有关处室");
        assert_eq!(r.lead, v(&["办公室", "法规宣传处"]));
        assert_eq!(r.support, v(&["各有关处室"]));
        assert_eq!(r.warnings.len(), 1);
        assert!(from_columns("", "").lead.is_empty());
        let marker_only = from_columns("（牵头）", "办公室");
        assert!(marker_only.lead.is_empty(), "{marker_only:?}");
        assert_eq!(marker_only.support, ["办公室"]);
        assert_eq!(from_columns("法规宣传处(牵头)", "").lead, ["法规宣传处"]);
    }

    #[test]
    fn kinds() {
        let cases: &[(&str, NameKind)] = &[
            ("办公室", NameKind::Division),
            ("体育产业处（保卫处）", NameKind::Division),
            ("各处室", NameKind::Group),
            ("局属各单位", NameKind::Group),
            ("各有关处室", NameKind::Placeholder),
            ("相关处室", NameKind::Placeholder),
            ("文件起草处室", NameKind::Placeholder),
            ("重大政策涉及的相关处室", NameKind::Placeholder),
        ];
        for (n, k) in cases {
            assert_eq!(classify(n), *k, "{n}");
        }
    }
}
