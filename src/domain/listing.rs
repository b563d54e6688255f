//! Finding items in a long list: text search, a due month, an order.

use chrono::NaiveDate;

/// How a list of items is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// As the plan numbers them.
    #[default]
    Number,
    /// Soonest due first; items without a date last.
    Due,
}

impl Sort {
    /// Reads the `sort` query parameter (`number`, `due`); anything else is the plan's order.
    pub fn parse(s: &str) -> Sort {
        match s.trim() {
            "due" => Sort::Due,
            _ => Sort::Number,
        }
    }

    /// The query code.
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Number => "number",
            Sort::Due => "due",
        }
    }
}

/// Whether every word of `query` (split at spaces) occurs in one of `fields`; an empty query
/// matches everything. Case is ignored for Latin letters.
pub fn text_matches(query: &str, fields: &[&str]) -> bool {
    let fields: Vec<String> = fields.iter().map(|f| f.to_lowercase()).collect();
    query
        .split_whitespace()
        .map(str::to_lowercase)
        .all(|word| fields.iter().any(|f| f.contains(&word)))
}

/// Reads a `due` month parameter written `2021-06` (what a month input sends).
pub fn parse_month(s: &str) -> Option<(i32, u32)> {
    let (y, m) = s.trim().split_once('-')?;
    let (y, m) = (y.parse().ok()?, m.parse().ok()?);
    (1..=12).contains(&m).then_some((y, m))
}

/// Whether a due date falls in the month.
pub fn due_in(due: Option<NaiveDate>, (year, month): (i32, u32)) -> bool {
    use chrono::Datelike;
    due.is_some_and(|d| d.year() == year && d.month() == month)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_table() {
        let task = "推进规划信息公开";
        let requirement = "在门户网站 公开 2021 年度规划";
        let cases = [
            ("", true),
            ("规划", true),
            ("规划 门户", true),
            ("规划 财政", false),
            ("2021", true),
            ("  公开  ", true),
            ("预算", false),
        ];
        for (q, want) in cases {
            assert_eq!(text_matches(q, &[task, requirement]), want, "{q:?}");
        }
        assert!(text_matches("abc", &["ABC 文件"]));
    }

    #[test]
    fn month_table() {
        let d = NaiveDate::from_ymd_opt(2021, 6, 30);
        let cases = [
            ("2021-06", d, true),
            ("2021-6", d, true),
            ("2021-07", d, false),
            ("2021-06", None, false),
        ];
        for (m, due, want) in cases {
            let month = parse_month(m).expect("month");
            assert_eq!(due_in(due, month), want, "{m} {due:?}");
        }
        for bad in ["", "2021", "2021-13", "六月"] {
            assert_eq!(parse_month(bad), None, "{bad}");
        }
        assert_eq!(Sort::parse("due"), Sort::Due);
        assert_eq!(Sort::parse("whatever"), Sort::Number);
    }
}
