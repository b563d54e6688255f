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

/// A section as the filter offers it: its id, how deep it stands, its heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionChoice {
    pub id: i32,
    /// 0 for a top-level heading.
    pub depth: usize,
    pub heading: String,
}

/// The sections `(id, parent, heading)` in their order, each with its depth.
pub fn section_choices(tree: &[(i32, Option<i32>, String)]) -> Vec<SectionChoice> {
    let parent: std::collections::HashMap<i32, Option<i32>> =
        tree.iter().map(|(id, p, _)| (*id, *p)).collect();
    tree.iter()
        .map(|(id, _, heading)| {
            let mut depth = 0;
            let mut up = parent.get(id).copied().flatten();
            // A cycle would be a bug in the import; stop instead of looping.
            while let Some(p) = up.filter(|_| depth < 16) {
                depth += 1;
                up = parent.get(&p).copied().flatten();
            }
            SectionChoice {
                id: *id,
                depth,
                heading: heading.clone(),
            }
        })
        .collect()
}

/// Section `root` and every section within it, at any depth.
pub fn within_section(
    tree: &[(i32, Option<i32>, String)],
    root: i32,
) -> std::collections::HashSet<i32> {
    let mut found = std::collections::HashSet::from([root]);
    // Parents come before their children in a plan's order, but do not rely on it.
    loop {
        let before = found.len();
        for (id, parent, _) in tree {
            if parent.is_some_and(|p| found.contains(&p)) {
                found.insert(*id);
            }
        }
        if found.len() == before {
            return found;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_table() {
        let tree = vec![
            (1, None, "一、重点领域".to_string()),
            (2, Some(1), "（一）规划".to_string()),
            (3, Some(2), "1. 专项".to_string()),
            (4, None, "二、平台建设".to_string()),
            (5, Some(4), "（一）网站".to_string()),
        ];
        let cases: [(i32, &[i32]); 4] = [(1, &[1, 2, 3]), (2, &[2, 3]), (3, &[3]), (4, &[4, 5])];
        for (root, want) in cases {
            let mut got: Vec<i32> = within_section(&tree, root).into_iter().collect();
            got.sort();
            assert_eq!(got, want, "root {root}");
        }
        let depths: Vec<usize> = section_choices(&tree).iter().map(|c| c.depth).collect();
        assert_eq!(depths, [0, 1, 2, 0, 1]);
    }

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
