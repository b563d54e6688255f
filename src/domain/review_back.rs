//! Review-back (回头看): next year's check of last year's items, and which of them become
//! rectification (整改) items.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::evaluation::Verdict;

/// The result of checking one of last year's items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    Done,
    PartlyDone,
    NotDone,
    NotApplicable,
}

impl CheckResult {
    /// Every result, in the order pages offer them.
    pub const ALL: [CheckResult; 4] = [
        CheckResult::Done,
        CheckResult::PartlyDone,
        CheckResult::NotDone,
        CheckResult::NotApplicable,
    ];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckResult::Done => "done",
            CheckResult::PartlyDone => "partly_done",
            CheckResult::NotDone => "not_done",
            CheckResult::NotApplicable => "not_applicable",
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == code.trim())
    }

    /// The Chinese name users read.
    pub fn label(self) -> &'static str {
        match self {
            CheckResult::Done => "完成",
            CheckResult::PartlyDone => "部分完成",
            CheckResult::NotDone => "未完成",
            CheckResult::NotApplicable => "不再适用",
        }
    }

    /// Whether the item is carried into the new plan as a rectification item.
    pub fn needs_rectification(self) -> bool {
        matches!(self, CheckResult::PartlyDone | CheckResult::NotDone)
    }
}

/// One checked item, as the result shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckView {
    pub item_id: i32,
    pub number: String,
    pub task: String,
    pub lead: Vec<String>,
    pub support: Vec<String>,
    pub deadline_raw: String,
    pub due: Option<NaiveDate>,
    /// The year-end verdict, in Chinese.
    pub verdict: String,
    pub result: CheckResult,
    pub result_label: String,
    pub note: String,
    /// The names of the item's evidence (files and web pages).
    pub evidence: Vec<String>,
    pub rectification_item_id: Option<i32>,
    pub rectification_number: Option<String>,
    pub rectification_due: Option<NaiveDate>,
}

/// A review-back: last year's plan checked into this year's.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReviewBack {
    pub from_plan: i32,
    pub from_title: String,
    pub into_plan: i32,
    pub into_title: String,
    /// False for a preview (nothing stored yet).
    pub done: bool,
    pub checked_at: Option<NaiveDateTime>,
    pub checks: Vec<CheckView>,
    /// Items not checked: no lead division or no deadline.
    pub skipped: Vec<String>,
    pub rectifications: usize,
}

/// Whether an item is checked at all: it needs an owner (a lead division in the directory)
/// and a deadline (a due date).
pub fn is_checked(has_lead_division: bool, due: Option<NaiveDate>) -> bool {
    has_lead_division && due.is_some()
}

/// The result the year's data suggests: the year-end verdict, with unfinished work that
/// was reported on counted as partly done.
pub fn propose(verdict: Verdict, accepted_reports: usize) -> CheckResult {
    match verdict {
        Verdict::CompletedOnTime | Verdict::CompletedLate => CheckResult::Done,
        Verdict::NotApplicable => CheckResult::NotApplicable,
        Verdict::NotCompleted | Verdict::WaitingOnHigherAuthority if accepted_reports > 0 => {
            CheckResult::PartlyDone
        }
        Verdict::NotCompleted | Verdict::WaitingOnHigherAuthority => CheckResult::NotDone,
    }
}

/// The number a rectification item gets in the new plan: 整改1, 整改2, …
pub fn rectification_number(n: usize) -> String {
    format!("整改{n}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proposals() {
        use Verdict::*;
        let cases = [
            (CompletedOnTime, 0, CheckResult::Done),
            (CompletedLate, 2, CheckResult::Done),
            (NotCompleted, 0, CheckResult::NotDone),
            (NotCompleted, 1, CheckResult::PartlyDone),
            (NotApplicable, 0, CheckResult::NotApplicable),
            (WaitingOnHigherAuthority, 0, CheckResult::NotDone),
        ];
        for (verdict, accepted, want) in cases {
            assert_eq!(propose(verdict, accepted), want, "{verdict:?}, {accepted}");
        }
    }

    #[test]
    fn only_unfinished_work_is_rectified() {
        let carried: Vec<CheckResult> = CheckResult::ALL
            .into_iter()
            .filter(|r| r.needs_rectification())
            .collect();
        assert_eq!(carried, [CheckResult::PartlyDone, CheckResult::NotDone]);
        for r in CheckResult::ALL {
            assert_eq!(CheckResult::parse(r.as_str()), Some(r));
        }
        assert_eq!(CheckResult::parse("maybe"), None);
    }

    #[test]
    fn which_items_are_checked() {
        let due = NaiveDate::from_ymd_opt(2021, 6, 30);
        assert!(is_checked(true, due));
        assert!(!is_checked(false, due), "no owner");
        assert!(!is_checked(true, None), "no deadline");
        assert_eq!(rectification_number(3), "整改3");
    }
}
