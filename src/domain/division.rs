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
}

impl DivisionKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [DivisionKind; 3] = [
        DivisionKind::Internal,
        DivisionKind::Subordinate,
        DivisionKind::External,
    ];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            DivisionKind::Internal => "internal",
            DivisionKind::Subordinate => "subordinate",
            DivisionKind::External => "external",
        }
    }

    /// The Chinese name users read.
    pub fn label(self) -> &'static str {
        match self {
            DivisionKind::Internal => "内设处室",
            DivisionKind::Subordinate => "局属单位",
            DivisionKind::External => "外部单位",
        }
    }

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
}
