//! Responsible divisions (责任处室) as plans write them: lead and supporting groups, verbs and
//! markers after names, labelled lists, 等 ending a list, groups and placeholders (DESIGN §3).

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

/// The role a label, verb or marker gives the names it governs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// 牵头 / 主办 / 主责: the lead, whatever else the cell says.
    StrongLead,
    /// 负责 / 按职责分工负责: the lead unless another name in the cell 牵头s.
    WeakLead,
    Support,
}

/// Labels of lists (`牵头单位：…；配合单位：…`), longest first within each role. `责任…`
/// labels lead unless a 牵头/主办 label is present, then they support.
const LABELS: &[(&str, Option<Role>)] = &[
    ("牵头单位", Some(Role::StrongLead)),
    ("牵头处室", Some(Role::StrongLead)),
    ("牵头部门", Some(Role::StrongLead)),
    ("牵头科室", Some(Role::StrongLead)),
    ("牵头领导", None),
    ("主办单位", Some(Role::StrongLead)),
    ("主办处室", Some(Role::StrongLead)),
    ("主办部门", Some(Role::StrongLead)),
    ("主责单位", Some(Role::StrongLead)),
    ("主责部门", Some(Role::StrongLead)),
    ("责任单位", Some(Role::WeakLead)),
    ("责任处室", Some(Role::WeakLead)),
    ("责任部门", Some(Role::WeakLead)),
    ("责任科室", Some(Role::WeakLead)),
    ("责任主体", Some(Role::WeakLead)),
    ("落实单位", Some(Role::WeakLead)),
    ("承办单位", Some(Role::WeakLead)),
    ("配合单位", Some(Role::Support)),
    ("配合处室", Some(Role::Support)),
    ("配合部门", Some(Role::Support)),
    ("配合科室", Some(Role::Support)),
    ("协办单位", Some(Role::Support)),
    ("协办处室", Some(Role::Support)),
    ("协办部门", Some(Role::Support)),
    ("会办单位", Some(Role::Support)),
    ("会办处室", Some(Role::Support)),
    ("参与单位", Some(Role::Support)),
    ("参与部门", Some(Role::Support)),
    ("协助单位", Some(Role::Support)),
    ("协同单位", Some(Role::Support)),
    ("责任领导", None),
    ("分管领导", None),
    ("牵头", Some(Role::StrongLead)),
    ("主办", Some(Role::StrongLead)),
    ("主责", Some(Role::StrongLead)),
    ("责任", Some(Role::WeakLead)),
    ("配合", Some(Role::Support)),
    ("协办", Some(Role::Support)),
    ("会办", Some(Role::Support)),
    ("参与", Some(Role::Support)),
];

/// Verbs written after names (`A牵头落实`, `A、B分别牵头落实`, `B配合`); longest first so that
/// `按职责分工负责` is not read as `负责`.
const VERBS: &[(&str, Role)] = &[
    ("按职责分工负责落实", Role::WeakLead),
    ("按照职责分工负责", Role::WeakLead),
    ("按职责分工抓好落实", Role::WeakLead),
    ("按职责分工负责", Role::WeakLead),
    ("按职责分工落实", Role::WeakLead),
    ("按职能分工负责", Role::WeakLead),
    ("按职责分别负责", Role::WeakLead),
    ("分别牵头负责", Role::StrongLead),
    ("分别牵头落实", Role::StrongLead),
    ("按职责负责", Role::WeakLead),
    ("按职责落实", Role::WeakLead),
    ("共同牵头", Role::StrongLead),
    ("牵头落实", Role::StrongLead),
    ("牵头负责", Role::StrongLead),
    ("牵头实施", Role::StrongLead),
    ("牵头推进", Role::StrongLead),
    ("牵头办理", Role::StrongLead),
    ("分别牵头", Role::StrongLead),
    ("负责落实", Role::WeakLead),
    ("负责实施", Role::WeakLead),
    ("负责推进", Role::WeakLead),
    ("具体负责", Role::WeakLead),
    ("分别负责", Role::WeakLead),
    ("共同负责", Role::WeakLead),
    ("配合落实", Role::Support),
    ("配合实施", Role::Support),
    ("共同配合", Role::Support),
    ("协助配合", Role::Support),
    ("按职责配合", Role::Support),
    ("牵头", Role::StrongLead),
    ("主办", Role::StrongLead),
    ("主责", Role::StrongLead),
    ("负责", Role::WeakLead),
    ("配合", Role::Support),
    ("参与", Role::Support),
    ("协助", Role::Support),
    ("协办", Role::Support),
    ("会办", Role::Support),
];

/// Markers in parentheses after one name (`A（牵头）`): they govern that name only.
const MARKERS: &[(&str, Role)] = &[
    ("（牵头）", Role::StrongLead),
    ("(牵头)", Role::StrongLead),
    ("（主办）", Role::StrongLead),
    ("(主办)", Role::StrongLead),
    ("（主责）", Role::StrongLead),
    ("(主责)", Role::StrongLead),
    ("（负责）", Role::WeakLead),
    ("(负责)", Role::WeakLead),
    ("（配合）", Role::Support),
    ("(配合)", Role::Support),
    ("（协办）", Role::Support),
    ("(协办)", Role::Support),
    ("（会办）", Role::Support),
    ("(会办)", Role::Support),
    ("（参与）", Role::Support),
    ("(参与)", Role::Support),
];

/// How unit names end (DESIGN §3); a name that ends otherwise and is not in the directory is a
/// warning on its row.
const UNIT_ENDINGS: &[&str] = &[
    "处",
    "室",
    "科",
    "局",
    "委",
    "办",
    "厅",
    "中心",
    "站",
    "队",
    "院",
    "馆",
    "所",
    "会",
    "部",
    "部门",
    "单位",
    "政府",
    "管委会",
    "支行",
    "分行",
    "行",
    "分局",
    "组",
    "团",
    "社",
    "台",
    "司",
    "署",
    "街道",
    "镇",
    "乡",
    "村",
    "社区",
    "区",
    "县",
    "市",
    "省",
    "公司",
    "集团",
    "联",
    "关",
    "校",
    "园",
    "军",
    "库",
    "场",
    "段",
    "处室",
    "科室",
    "机关",
    "机构",
    "企业",
    "办事处",
    "党组",
    "党委",
    "报",
    "网",
    "所属单位",
    "成员单位",
    "监狱",
];

/// Words that never stand inside a unit's name: a name holding one still has a verb or marker
/// the reader did not take apart.
const MARKER_WORDS: &[&str] = &["牵头", "负责", "配合", "协办", "会办", "落实", "参与"];

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

/// Whether a name ends the way unit names do (处, 局, 中心, 政府 … — DESIGN §3), ignoring a
/// second name in parentheses.
pub fn looks_like_unit(name: &str) -> bool {
    let n = name.trim();
    let base = match n.find(['（', '(']) {
        Some(i) if i > 0 && n.ends_with(['）', ')']) => &n[..i],
        _ => n,
    };
    let base = base.trim_end_matches(['（', '(', '）', ')']);
    !base.is_empty()
        && UNIT_ENDINGS
            .iter()
            .any(|e| base.ends_with(e) || n.ends_with(e))
}

/// What is still wrong with a name as read: a verb or marker left inside, or a separator.
pub fn leftover_marker(name: &str) -> Option<&'static str> {
    let outside: String = outside_parens(name);
    if let Some(w) = MARKER_WORDS.iter().find(|w| outside.contains(*w)) {
        return Some(w);
    }
    ["、", "，", ",", "；", ";", "：", ":", "/", "\n"]
        .into_iter()
        .find(|s| outside.contains(s))
}

/// The text outside any parentheses.
fn outside_parens(s: &str) -> String {
    let mut depth = 0i32;
    s.chars()
        .filter(|c| match c {
            '（' | '(' => {
                depth += 1;
                false
            }
            '）' | ')' => {
                depth = (depth - 1).max(0);
                false
            }
            _ => depth == 0,
        })
        .collect()
}

/// Separators between names: `，` starts a new group (the seeds' lead/support boundary), the
/// others only list names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sep {
    Group,
    List,
}

/// Splits outside parentheses on every separator, telling which kind came before each piece
/// (a group separator beside list ones, as in ", ", still starts a group).
fn segments(s: &str) -> Vec<(Sep, &str)> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let mut before = Sep::List;
    for (i, c) in s.char_indices() {
        let kind = match c {
            '（' | '(' | '【' | '[' => {
                depth += 1;
                None
            }
            '）' | ')' | '】' | ']' => {
                depth = (depth - 1).max(0);
                None
            }
            '，' | ',' | '；' | ';' | '。' if depth == 0 => Some(Sep::Group),
            '、' | '/' | '／' | '\n' | '\r' | '\t' | ' ' | '\u{3000}' | '|' if depth == 0 => {
                Some(Sep::List)
            }
            _ => None,
        };
        let Some(kind) = kind else { continue };
        let piece = &s[start..i];
        start = i + c.len_utf8();
        if piece.trim().is_empty() {
            if kind == Sep::Group && !parts.is_empty() {
                before = Sep::Group;
            }
            continue;
        }
        parts.push((before, piece));
        before = kind;
    }
    let piece = &s[start..];
    if !piece.trim().is_empty() {
        parts.push((before, piece));
    }
    parts
}

/// Cleans one name: spaces, surrounding punctuation, a leading 由/请.
fn clean(name: &str) -> String {
    let n: String = name
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .collect();
    let n = n.trim_matches(|c: char| "。.；;：:、，,“”\"'《》".contains(c));
    let n = n
        .strip_prefix('由')
        .or_else(|| n.strip_prefix('请'))
        .unwrap_or(n);
    n.to_string()
}

/// Takes a trailing verb or parenthesised marker off one segment.
fn strip_role(segment: &str) -> (&str, Option<(Role, bool)>) {
    let s = segment.trim().trim_end_matches(['。', '.', '；', ';']);
    for (marker, role) in MARKERS {
        if let Some(rest) = s.strip_suffix(marker) {
            return (rest, Some((*role, true)));
        }
    }
    for (v, role) in VERBS {
        if let Some(rest) = s.strip_suffix(v) {
            // 主办 / 会办 / 局办 … can end a unit's own name: only a verb when something
            // unit-like stands before it.
            if matches!(*v, "主办" | "会办" | "协办") && rest.ends_with(['局', '委']) {
                continue;
            }
            return (rest, Some((*role, false)));
        }
    }
    (s, None)
}

/// `宣传处会办公室` → (宣传处, 办公室): two unit names joined by 会 / 会同 / 协同, the first
/// leading. Only when the first ends like an office (处, 科, 局 …), so 社会事务科 stays whole.
fn joined_by_hui(segment: &str) -> Option<(String, &str)> {
    let s = segment.trim();
    for word in ["会同", "协同", "会"] {
        let Some(i) = s.find(word) else { continue };
        let left = &s[..i];
        let right = &s[i + word.len()..];
        let strong = [
            "处", "室", "科", "局", "委", "办", "中心", "部", "厅", "站", "所", "队",
        ];
        if left.chars().count() >= 2
            && strong.iter().any(|e| left.ends_with(e))
            && !right.is_empty()
            && looks_like_unit(strip_role(right).0)
            && !(right.starts_with('议') || right.starts_with('办') && !right.starts_with("办公"))
        {
            return Some((clean(left), right));
        }
    }
    None
}

/// Splits `X、Y等市有关单位` at 等: the name before it and the placeholder after it (if any).
fn split_etc(name: &str) -> Vec<String> {
    let outside_end = name.rfind('等').filter(|&i| {
        let before = &name[..i];
        let after = &name[i + '等'.len_utf8()..];
        !before.is_empty()
            && !before.ends_with(['高', '中', '初', '平', '相', '同', '对'])
            && !after.contains(['）', ')'])
            && (after.is_empty()
                || [
                    "有关", "相关", "各", "市", "省", "区", "县", "部门", "单位", "成员",
                ]
                .iter()
                .any(|w| after.starts_with(w)))
    });
    match outside_end {
        Some(i) => {
            let mut out = vec![clean(&name[..i])];
            let after = clean(&name[i + '等'.len_utf8()..]);
            if !after.is_empty() {
                out.push(after);
            }
            out.retain(|n| !n.is_empty());
            out
        }
        None => {
            let c = clean(name);
            if c.is_empty() {
                Vec::new()
            } else {
                vec![c]
            }
        }
    }
}

fn push_unique(list: &mut Vec<String>, name: String) {
    if !list.contains(&name) {
        list.push(name);
    }
}

/// Every name in a list, whatever verbs or markers follow them (for labelled lists and
/// separate unit columns).
fn all_names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (_, seg) in segments(text) {
        let (name, _) = strip_role(seg);
        for n in split_etc(name) {
            push_unique(&mut out, n);
        }
    }
    out
}

/// Reads one 责任处室 cell (or a document's unit clause).
pub fn parse_responsible(cell: &str) -> Responsible {
    let cell = cell.trim();
    let mut r = Responsible::default();
    if cell.is_empty() {
        return r;
    }
    r = by_labels(cell).unwrap_or_else(|| by_verbs(cell));
    r.warnings = name_warnings(&r);
    r
}

/// Whether a text is a list of units in any notation this module reads (labels, verbs,
/// markers, or bare names that all end like units) — for clauses found inside documents.
pub fn is_unit_clause(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > 200 {
        return false;
    }
    if by_labels(t).is_some_and(|r| !r.lead.is_empty() || !r.support.is_empty()) {
        return true;
    }
    let r = by_verbs(t);
    let names: Vec<&String> = r.lead.iter().chain(&r.support).collect();
    !names.is_empty()
        && names.iter().all(|n| {
            (looks_like_unit(n) || classify(n) != NameKind::Division)
                && leftover_marker(n).is_none()
                && n.chars().count() <= 30
        })
}

/// `牵头单位：A；配合单位：B、C`, `主办：A；协办：B` (labels anywhere in the text).
fn by_labels(cell: &str) -> Option<Responsible> {
    if !cell.contains(['：', ':']) {
        return None;
    }
    // Every label followed by a colon, with where its list starts.
    let mut found: Vec<(usize, usize, Option<Role>)> = Vec::new();
    let mut i = 0;
    while i < cell.len() {
        if !cell.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let rest = &cell[i..];
        let hit = LABELS.iter().find_map(|(l, role)| {
            let after = rest.strip_prefix(l)?;
            let colon = after.chars().next().filter(|c| matches!(c, '：' | ':'))?;
            Some((l.len() + colon.len_utf8(), *role))
        });
        match hit {
            Some((used, role)) => {
                found.push((i, i + used, role));
                i += used;
            }
            None => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    if found.is_empty() {
        return None;
    }
    let strong = found.iter().any(|(_, _, r)| *r == Some(Role::StrongLead));
    let mut r = Responsible::default();
    for (k, (_, body_start, role)) in found.iter().enumerate() {
        let body_end = found.get(k + 1).map_or(cell.len(), |(s, _, _)| *s);
        let Some(role) = role else { continue };
        let lead = match role {
            Role::StrongLead => true,
            Role::WeakLead => !strong,
            Role::Support => false,
        };
        for n in all_names(&cell[*body_start..body_end]) {
            if lead {
                r.support.retain(|s| *s != n);
                push_unique(&mut r.lead, n);
            } else if !r.lead.contains(&n) {
                push_unique(&mut r.support, n);
            }
        }
    }
    Some(r)
}

/// Names with verbs and markers after them, or bare names in the seeds' convention (before the
/// first comma leads, the rest supports).
fn by_verbs(cell: &str) -> Responsible {
    // (name, comma group, role) in the order written.
    let mut read: Vec<(String, usize, Option<Role>)> = Vec::new();
    let mut pending: Vec<usize> = Vec::new();
    let mut group = 0;
    let mut any_role = false;
    let mut last_marker: Option<Role> = None;
    for (n, (sep, seg)) in segments(cell).into_iter().enumerate() {
        if sep == Sep::Group && n > 0 {
            group += 1;
        }
        // `A会B` / `A会同B`: A leads with B's help, written without a separator.
        if let Some((left, right)) = joined_by_hui(seg) {
            any_role = true;
            for i in pending.drain(..) {
                read[i].2 = Some(Role::StrongLead);
            }
            read.push((left, group, Some(Role::StrongLead)));
            for name in split_etc(strip_role(right).0) {
                read.push((name, group, Some(Role::Support)));
            }
            continue;
        }
        let (text, role) = strip_role(seg);
        let names = split_etc(text);
        match role {
            Some((role, false)) => {
                any_role = true;
                for i in pending.drain(..) {
                    read[i].2 = Some(role);
                }
                for name in names {
                    read.push((name, group, Some(role)));
                }
            }
            Some((role, true)) => {
                // A marker governs its own name; names before it took the other side.
                any_role = true;
                last_marker = Some(role);
                for name in names {
                    read.push((name, group, Some(role)));
                }
            }
            None => {
                for name in names {
                    pending.push(read.len());
                    read.push((name, group, None));
                }
            }
        }
    }
    let strong = read.iter().any(|(_, _, r)| *r == Some(Role::StrongLead));
    let mut r = Responsible::default();
    for (name, group, role) in read {
        let lead = match role {
            Some(Role::StrongLead) => true,
            Some(Role::WeakLead) => !strong,
            Some(Role::Support) => false,
            // Unmarked names: beside markers they take the other side; after verbs they
            // support; with nothing marked at all, the seeds' comma convention holds.
            None if any_role => last_marker == Some(Role::Support),
            None => group == 0,
        };
        if lead {
            r.support.retain(|s| *s != name);
            push_unique(&mut r.lead, name);
        } else if !r.lead.contains(&name) {
            push_unique(&mut r.support, name);
        }
    }
    r
}

/// Reads separate lead and supporting columns.
pub fn from_columns(lead: &str, support: &str) -> Responsible {
    let mut r = Responsible::default();
    for n in all_names(lead) {
        push_unique(&mut r.lead, n);
    }
    for n in all_names(support) {
        if !r.lead.contains(&n) {
            push_unique(&mut r.support, n);
        }
    }
    r.warnings = name_warnings(&r);
    r
}

/// What the office must check about the names read: placeholders, and names that still hold a
/// verb, marker or separator.
fn name_warnings(r: &Responsible) -> Vec<String> {
    let mut out = Vec::new();
    for n in r.lead.iter().chain(&r.support) {
        if let Some(m) = leftover_marker(n) {
            out.push(format!(
                "“{n}”中仍含有“{}”，可能未能正确拆分处室名称，请核对",
                m.replace('\n', "换行")
            ));
        } else if classify(n) == NameKind::Placeholder {
            out.push(format!(
                "“{n}”不是具体处室，已按原文保留，请办公室指定实际处室"
            ));
        }
    }
    out
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
            ("办公室、法规宣传处（牵头）", &["法规宣传处"], &["办公室"]),
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
            (
                "牵头单位：市发展改革委、市财政局；责任单位：各县（市、区）政府",
                &["市发展改革委", "市财政局"],
                &["各县（市、区）政府"],
            ),
            ("责任单位：市统计局", &["市统计局"], &[]),
            (
                "牵头单位：市商务局\n配合单位：市市场监管局",
                &["市商务局"],
                &["市市场监管局"],
            ),
            (" 办公室 / 法规宣传处 ", &["办公室", "法规宣传处"], &[]),
            ("办公室，办公室、法规宣传处", &["办公室"], &["法规宣传处"]),
            // Verbs after names.
            ("市财政局牵头落实", &["市财政局"], &[]),
            ("综合科牵头", &["综合科"], &[]),
            ("市发改委负责", &["市发改委"], &[]),
            ("市教育局负责落实", &["市教育局"], &[]),
            (
                "市金融办、人民银行潍坊市中心支行、潍坊银监分局分别牵头落实",
                &["市金融办", "人民银行潍坊市中心支行", "潍坊银监分局"],
                &[],
            ),
            (
                "市发展改革委牵头，市财政局配合",
                &["市发展改革委"],
                &["市财政局"],
            ),
            (
                "市发展改革委牵头、市财政局配合",
                &["市发展改革委"],
                &["市财政局"],
            ),
            (
                "市发展改革委牵头\n市财政局、市税务局配合",
                &["市发展改革委"],
                &["市财政局", "市税务局"],
            ),
            ("办公室负责，各科室参与", &["办公室"], &["各科室"]),
            ("办公室主办，法规科协办", &["办公室"], &["法规科"]),
            (
                "市住建局牵头，各县（市、区）政府负责落实",
                &["市住建局"],
                &["各县（市、区）政府"],
            ),
            ("由市司法局牵头", &["市司法局"], &[]),
            ("宣传处会办公室", &["宣传处"], &["办公室"]),
            ("规划处会同财务处", &["规划处"], &["财务处"]),
            ("社会事务科", &["社会事务科"], &[]),
            ("市总工会", &["市总工会"], &[]),
            // 等 ends a list.
            (
                "市委宣传部、市政府新闻办等市有关单位",
                &["市委宣传部", "市政府新闻办", "市有关单位"],
                &[],
            ),
            (
                "国务院审改办、人力资源社会保障部等按职责分工负责",
                &["国务院审改办", "人力资源社会保障部"],
                &[],
            ),
            ("市教育局等按职责分工落实", &["市教育局"], &[]),
            ("市高等学校工委", &["市高等学校工委"], &[]),
            // Line breaks and spaces between names.
            ("办公室\n法规宣传处", &["办公室", "法规宣传处"], &[]),
            ("办公室 法规宣传处", &["办公室", "法规宣传处"], &[]),
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
        assert_eq!(
            from_columns("市发改委\n市财政局", "市统计局 市税务局").support,
            ["市统计局", "市税务局"]
        );
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

    #[test]
    fn unit_names_and_leftovers() {
        let units = [
            "办公室",
            "法规宣传处",
            "市发展改革委",
            "市政府新闻办",
            "各县（市、区）政府",
            "人民银行潍坊市中心支行",
            "体育产业处（保卫处）",
            "市妇联",
            "综合科",
        ];
        for u in units {
            assert!(looks_like_unit(u), "{u}");
        }
        for n in ["加强政策解读", "张三", "全年"] {
            assert!(!looks_like_unit(n), "{n}");
        }
        assert_eq!(leftover_marker("市财政局牵头落实工作"), Some("牵头"));
        assert_eq!(leftover_marker("各县（市、区）政府"), None);
        assert_eq!(leftover_marker("办公室"), None);
        let r = parse_responsible("市财政局牵头落实工作");
        assert!(!r.warnings.is_empty(), "{r:?}");
    }

    #[test]
    fn unit_clauses() {
        for t in [
            "市发展改革委、市财政局负责",
            "牵头单位：市商务局；责任单位：各区政府",
            "办公室",
        ] {
            assert!(is_unit_clause(t), "{t}");
        }
        for t in ["2023年6月底前完成", "持续推进", "加强政策解读，提升质量"] {
            assert!(!is_unit_clause(t), "{t}");
        }
    }
}
