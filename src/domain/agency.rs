//! The agency a deployment serves (广州市体育局): how its names are checked, and how titles
//! and file names carry its full name.

use serde::Serialize;

/// Longest name accepted, in characters (national ministries' full names stay well below).
pub const MAX_CHARS: usize = 50;

/// Characters no name may hold: file names carry the full name, and Windows and other
/// systems refuse these in file names.
const REFUSED: &[char] = &['/', '\\', ':', '*', '?', '"', '<', '>', '|'];

/// Which of the three names a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameField {
    /// 机关全称, e.g. 广州市体育局.
    FullName,
    /// 机关简称, e.g. 市体育局.
    ShortName,
    /// The supervising disclosure office, e.g. 广州市政务公开办公室.
    Supervisor,
}

impl NameField {
    /// The form field and JSON key.
    pub fn code(self) -> &'static str {
        match self {
            NameField::FullName => "full_name",
            NameField::ShortName => "short_name",
            NameField::Supervisor => "supervisor",
        }
    }

    /// The Chinese name users read.
    pub fn label(self) -> &'static str {
        match self {
            NameField::FullName => "机关全称",
            NameField::ShortName => "机关简称",
            NameField::Supervisor => "政务公开办名称",
        }
    }
}

/// Why the agency's names cannot be saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgencyError {
    #[error("请填写机关全称，例如 广州市体育局")]
    MissingFullName,
    #[error("{}过长（最多 {MAX_CHARS} 个字），请填写正式名称", .0.label())]
    TooLong(NameField),
    #[error("{}不能含有换行等控制字符或 / \\ : * ? \" < > | 等符号，请删去", .0.label())]
    BadCharacter(NameField),
    #[error("机关简称应比全称短，例如全称 广州市体育局、简称 市体育局")]
    ShortNotShorter,
}

impl AgencyError {
    /// The field the problem is about.
    pub fn field(&self) -> NameField {
        match self {
            AgencyError::MissingFullName => NameField::FullName,
            AgencyError::TooLong(f) | AgencyError::BadCharacter(f) => *f,
            AgencyError::ShortNotShorter => NameField::ShortName,
        }
    }
}

/// The agency's names as saved: the full name always, the short name and the supervising
/// disclosure office when the office has given them (empty otherwise).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Agency {
    pub full_name: String,
    pub short_name: String,
    pub supervisor: String,
}

/// A name trimmed and checked; empty stays empty.
fn clean(field: NameField, raw: &str) -> Result<String, AgencyError> {
    let name = raw.trim();
    if name.chars().any(|c| c.is_control() || REFUSED.contains(&c)) {
        return Err(AgencyError::BadCharacter(field));
    }
    if name.chars().count() > MAX_CHARS {
        return Err(AgencyError::TooLong(field));
    }
    Ok(name.to_string())
}

impl Agency {
    /// Checks the three names as typed (trimmed); only the full name is required.
    pub fn new(full_name: &str, short_name: &str, supervisor: &str) -> Result<Self, AgencyError> {
        let full_name = clean(NameField::FullName, full_name)?;
        if full_name.is_empty() {
            return Err(AgencyError::MissingFullName);
        }
        let short_name = clean(NameField::ShortName, short_name)?;
        if short_name.chars().count() >= full_name.chars().count() && short_name != full_name {
            return Err(AgencyError::ShortNotShorter);
        }
        let supervisor = clean(NameField::Supervisor, supervisor)?;
        Ok(Agency {
            full_name,
            short_name,
            supervisor,
        })
    }

    /// Whether a title already names this agency (by its full or its short name).
    fn named_in(&self, title: &str) -> bool {
        title.contains(&self.full_name)
            || (!self.short_name.is_empty() && title.contains(&self.short_name))
    }
}

/// A title headed by the agency's full name (`广州市体育局2021年政务公开工作要点`): as it is
/// when no agency is set, and when the title already names the agency, so a plan imported
/// as `广州市体育局…` does not read `广州市体育局广州市体育局…`.
pub fn titled(agency: Option<&Agency>, title: &str) -> String {
    let title = title.trim();
    match agency {
        Some(a) if !a.named_in(title) => format!("{}{title}", a.full_name),
        _ => title.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sports() -> Agency {
        Agency::new("广州市体育局", "市体育局", "广州市政务公开办公室").expect("valid")
    }

    #[test]
    fn names_are_checked_and_trimmed() {
        let long = "局".repeat(MAX_CHARS + 1);
        // (full, short, supervisor) as typed, and what is saved or why not.
        type Names<'a> = (&'a str, &'a str, &'a str);
        let cases: Vec<(&str, &str, &str, Result<Names, AgencyError>)> = vec![
            (
                " 广州市体育局 ",
                " 市体育局",
                "广州市政务公开办公室 ",
                Ok(("广州市体育局", "市体育局", "广州市政务公开办公室")),
            ),
            ("广州市体育局", "", "", Ok(("广州市体育局", "", ""))),
            // A short name equal to the full name is no harm.
            ("市体育局", "市体育局", "", Ok(("市体育局", "市体育局", ""))),
            ("", "市体育局", "", Err(AgencyError::MissingFullName)),
            ("  ", "", "", Err(AgencyError::MissingFullName)),
            (
                "广州市/体育局",
                "",
                "",
                Err(AgencyError::BadCharacter(NameField::FullName)),
            ),
            (
                "广州市体育局",
                "市体育局\n",
                "",
                Ok(("广州市体育局", "市体育局", "")),
            ),
            (
                "广州市体育局",
                "市\t体育局",
                "",
                Err(AgencyError::BadCharacter(NameField::ShortName)),
            ),
            (
                "广州市体育局",
                "",
                "政务公开办?",
                Err(AgencyError::BadCharacter(NameField::Supervisor)),
            ),
            (
                &long,
                "",
                "",
                Err(AgencyError::TooLong(NameField::FullName)),
            ),
            (
                "广州市体育局",
                "广州市体育局办公",
                "",
                Err(AgencyError::ShortNotShorter),
            ),
        ];
        for (full, short, supervisor, want) in cases {
            let got = Agency::new(full, short, supervisor);
            match want {
                Ok((f, s, v)) => {
                    let a = got.unwrap_or_else(|e| panic!("{full}: {e}"));
                    assert_eq!(
                        (
                            a.full_name.as_str(),
                            a.short_name.as_str(),
                            a.supervisor.as_str()
                        ),
                        (f, s, v)
                    );
                }
                Err(e) => assert_eq!(got, Err(e), "{full} / {short} / {supervisor}"),
            }
        }
    }

    #[test]
    fn refusals_name_the_field_in_chinese() {
        let e = Agency::new("广州市体育局", "", "公开办|").expect_err("a bad name");
        assert_eq!(e.field().code(), "supervisor");
        assert!(e.to_string().starts_with("政务公开办名称不能含有"), "{e}");
        assert_eq!(
            Agency::new("", "", "").expect_err("a bad name").field(),
            NameField::FullName
        );
    }

    #[test]
    fn titles_carry_the_full_name_once() {
        let a = sports();
        let no_short = Agency::new("广州市体育局", "", "").expect("valid");
        let cases: Vec<(Option<&Agency>, &str, &str)> = vec![
            (None, "2021年政务公开工作要点", "2021年政务公开工作要点"),
            (None, " 2021年分工方案 ", "2021年分工方案"),
            (
                Some(&a),
                "2021年政务公开工作要点",
                "广州市体育局2021年政务公开工作要点",
            ),
            (
                Some(&a),
                "2021年政府信息公开工作年度报告",
                "广州市体育局2021年政府信息公开工作年度报告",
            ),
            // Already named: by its full name, or by its short name.
            (
                Some(&a),
                "广州市体育局2021年政务公开工作要点分工方案",
                "广州市体育局2021年政务公开工作要点分工方案",
            ),
            (
                Some(&a),
                "市体育局2021年政务公开工作要点",
                "市体育局2021年政务公开工作要点",
            ),
            (
                Some(&no_short),
                "2021年分工方案",
                "广州市体育局2021年分工方案",
            ),
        ];
        for (agency, title, want) in cases {
            assert_eq!(titled(agency, title), want, "{title}");
        }
    }
}
