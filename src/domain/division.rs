//! Divisions in the directory: their kinds and how names and aliases are checked.

use serde::{Deserialize, Serialize};

/// What sort of body a division is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DivisionKind {
    /// An internal division of the agency (处室).
    Internal,
    /// A subordinate unit (局属单位).
    Subordinate,
    /// A body outside the agency (外单位), e.g. the city's disclosure office.
    External,
    /// An agency below this one (下级机关), e.g. a bureau under the city's office: its office
    /// reports on the items it is given.
    Agency,
}

impl DivisionKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [DivisionKind; 4] = [
        DivisionKind::Internal,
        DivisionKind::Subordinate,
        DivisionKind::External,
        DivisionKind::Agency,
    ];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            DivisionKind::Internal => "internal",
            DivisionKind::Subordinate => "subordinate",
            DivisionKind::External => "external",
            DivisionKind::Agency => "agency",
        }
    }

    /// The Chinese name users read.
    pub fn label(self) -> &'static str {
        match self {
            DivisionKind::Internal => "内设处室",
            DivisionKind::Subordinate => "局属单位",
            DivisionKind::External => "外部单位",
            DivisionKind::Agency => "下级机关",
        }
    }

    /// The kinds the office adds by hand (an agency below is added with its office account).
    pub const ADDABLE: [DivisionKind; 3] = [
        DivisionKind::Internal,
        DivisionKind::Subordinate,
        DivisionKind::External,
    ];

    /// Reads a stored or typed kind code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == code.trim())
    }
}

/// Why a division name cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("名称不能为空")]
    Empty,
    #[error("名称“{0}”过长（最多 50 个字）")]
    TooLong(String),
    #[error("名称“{0}”含有分隔符（，、/；），请每个名称单独填写")]
    Separator(String),
    #[error("名称“{0}”重复出现")]
    Repeated(String),
}

const SEPARATORS: &[char] = &['，', ',', '、', '/', '；', ';'];

/// Trims a division name and checks it can stand alone in the directory.
pub fn normalise_name(raw: &str) -> Result<String, NameError> {
    let name = raw.trim().to_string();
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if name.chars().count() > 50 {
        return Err(NameError::TooLong(name));
    }
    if name.contains(SEPARATORS) {
        return Err(NameError::Separator(name));
    }
    Ok(name)
}

/// Reads an alias list typed as one line (split on the usual separators), rejecting repeats
/// and the division's own name.
pub fn parse_aliases(name: &str, typed: &str) -> Result<Vec<String>, NameError> {
    let mut out: Vec<String> = Vec::new();
    for part in typed.split(|c: char| SEPARATORS.contains(&c) || c == '\n') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let alias = normalise_name(part)?;
        if alias == name || out.contains(&alias) {
            return Err(NameError::Repeated(alias));
        }
        out.push(alias);
    }
    Ok(out)
}

/// Splits a line of names the office typed (`法规宣传处、政策法规处`) on the usual separators
/// and line breaks, but not inside parentheses: `各县（市、区）政府` is one name.
pub fn split_names(typed: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for c in typed.chars() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 && (SEPARATORS.contains(&c) || c == '\n' || c == '\r') {
            out.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    out.push(current);
    out.into_iter()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect()
}

/// A directory entry as name resolution reads it.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub id: i32,
    pub name: &'a str,
    pub aliases: &'a [String],
    pub active: bool,
}

/// A name the office typed for an item, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    /// A division of the directory (by id).
    Division(i32),
    /// A placeholder already on the item, left as it is (文件起草处室 …).
    Placeholder(String),
}

/// Why the names typed for an item cannot be used; the message names the name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignError {
    #[error("没有名为“{0}”的处室：请检查名称，或先在“系统管理 → 处室”中添加该处室")]
    Unknown(String),
    #[error("处室“{0}”已停用，不能再分配事项")]
    Inactive(String),
    #[error("“{0}”不能同时是牵头处室和配合处室")]
    Both(String),
    #[error("请至少填写一个牵头处室")]
    NoLead,
}

/// Resolves the lead and supporting names the office typed for an item against the
/// directory: each is a division's name or alias, or one of `kept` (a placeholder already on
/// the item, left untouched); anything else is refused, naming it. Repeats collapse.
pub fn resolve_assignment(
    lead: &[String],
    support: &[String],
    directory: &[Entry<'_>],
    kept: &[String],
) -> Result<(Vec<Named>, Vec<Named>), AssignError> {
    let one = |typed: &str| -> Result<Named, AssignError> {
        let entry = directory.iter().find(|e| e.name == typed).or_else(|| {
            directory
                .iter()
                .find(|e| e.aliases.iter().any(|a| a == typed))
        });
        match entry {
            Some(e) if e.active => Ok(Named::Division(e.id)),
            Some(e) => Err(AssignError::Inactive(e.name.to_string())),
            None if kept.iter().any(|k| k == typed) => Ok(Named::Placeholder(typed.to_string())),
            None => Err(AssignError::Unknown(typed.to_string())),
        }
    };
    let list = |names: &[String]| -> Result<Vec<(Named, String)>, AssignError> {
        let mut out: Vec<(Named, String)> = Vec::new();
        for typed in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
            let named = one(typed)?;
            if !out.iter().any(|(n, _)| *n == named) {
                out.push((named, typed.to_string()));
            }
        }
        Ok(out)
    };
    let lead = list(lead)?;
    let support = list(support)?;
    if lead.is_empty() {
        return Err(AssignError::NoLead);
    }
    if let Some((_, typed)) = support
        .iter()
        .find(|(s, _)| lead.iter().any(|(l, _)| l == s))
    {
        return Err(AssignError::Both(typed.clone()));
    }
    let names = |v: Vec<(Named, String)>| v.into_iter().map(|(n, _)| n).collect();
    Ok((names(lead), names(support)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let cases: &[(&str, Result<&str, NameError>)] = &[
            ("  办公室 ", Ok("办公室")),
            ("体育产业处（保卫处）", Ok("体育产业处（保卫处）")),
            ("", Err(NameError::Empty)),
            ("   ", Err(NameError::Empty)),
            (
                "办公室、法规宣传处",
                Err(NameError::Separator("办公室、法规宣传处".into())),
            ),
            ("A/B", Err(NameError::Separator("A/B".into()))),
        ];
        for (raw, want) in cases {
            assert_eq!(normalise_name(raw), want.clone().map(String::from), "{raw}");
        }
        assert!(matches!(
            normalise_name(&"处".repeat(51)),
            Err(NameError::TooLong(_))
        ));
    }

    #[test]
    fn aliases() {
        assert_eq!(
            parse_aliases("体育产业处", "保卫处、 产业处\n").expect("ok"),
            vec!["保卫处".to_string(), "产业处".to_string()]
        );
        assert_eq!(
            parse_aliases("办公室", "").expect("ok"),
            Vec::<String>::new()
        );
        assert_eq!(
            parse_aliases("办公室", "办公室"),
            Err(NameError::Repeated("办公室".into()))
        );
        assert_eq!(
            parse_aliases("办公室", "综合处，综合处"),
            Err(NameError::Repeated("综合处".into()))
        );
    }

    #[test]
    fn kinds_round_trip() {
        for k in DivisionKind::ALL {
            assert_eq!(DivisionKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(DivisionKind::parse("team"), None);
    }

    #[test]
    fn typed_names_split() {
        let cases: &[(&str, &[&str])] = &[
            ("法规宣传处、政策法规处", &["法规宣传处", "政策法规处"]),
            (
                " 办公室 ，法规宣传处;计划财务处 ",
                &["办公室", "法规宣传处", "计划财务处"],
            ),
            (
                "各县（市、区）政府、办公室",
                &["各县（市、区）政府", "办公室"],
            ),
            ("体育产业处（保卫处）", &["体育产业处（保卫处）"]),
            ("办公室\n法规宣传处", &["办公室", "法规宣传处"]),
            ("、、", &[]),
            ("", &[]),
        ];
        for (typed, want) in cases {
            assert_eq!(split_names(typed), *want, "{typed}");
        }
    }

    type Resolved = Result<(Vec<Named>, Vec<Named>), AssignError>;

    #[test]
    fn assignments_resolve() {
        let aliases = vec!["保卫处".to_string()];
        let dir = [
            Entry {
                id: 1,
                name: "办公室",
                aliases: &[],
                active: true,
            },
            Entry {
                id: 2,
                name: "体育产业处",
                aliases: &aliases,
                active: true,
            },
            Entry {
                id: 3,
                name: "旧处",
                aliases: &[],
                active: false,
            },
        ];
        let kept = vec!["文件起草处室".to_string()];
        let v = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        use Named::*;
        // lead, support, result
        let cases: Vec<(Vec<String>, Vec<String>, Resolved)> = vec![
            (
                v(&["办公室"]),
                v(&["保卫处"]),
                Ok((vec![Division(1)], vec![Division(2)])),
            ),
            (
                v(&["办公室", " 办公室 "]),
                v(&[]),
                Ok((vec![Division(1)], vec![])),
            ),
            (
                v(&["办公室"]),
                v(&["文件起草处室"]),
                Ok((vec![Division(1)], vec![Placeholder("文件起草处室".into())])),
            ),
            (
                v(&["办公室"]),
                v(&["各有关处室"]),
                Err(AssignError::Unknown("各有关处室".into())),
            ),
            (
                v(&["宣传处"]),
                v(&[]),
                Err(AssignError::Unknown("宣传处".into())),
            ),
            (
                v(&["旧处"]),
                v(&[]),
                Err(AssignError::Inactive("旧处".into())),
            ),
            (v(&[]), v(&["办公室"]), Err(AssignError::NoLead)),
            (v(&["  "]), v(&[]), Err(AssignError::NoLead)),
            (
                v(&["体育产业处"]),
                v(&["保卫处"]),
                Err(AssignError::Both("保卫处".into())),
            ),
        ];
        for (lead, support, want) in cases {
            assert_eq!(
                resolve_assignment(&lead, &support, &dir, &kept),
                want,
                "{lead:?} / {support:?}"
            );
        }
    }
}
