//! Year-end evaluation (年度考核): proposed verdicts and the rubric's score.

use serde::{Deserialize, Serialize};

use super::status::ItemStatus;

/// The year-end verdict on an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    CompletedOnTime,
    CompletedLate,
    NotCompleted,
    NotApplicable,
    WaitingOnHigherAuthority,
}

impl Verdict {
    /// The Chinese name users read.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::CompletedOnTime => "按时完成",
            Verdict::CompletedLate => "逾期完成",
            Verdict::NotCompleted => "未完成",
            Verdict::NotApplicable => "不再适用",
            Verdict::WaitingOnHigherAuthority => "待上级部署",
        }
    }
}

/// The verdict the data suggests, from the item's status at the end of the plan year and
/// whether any report on it was accepted (long-running work counts as done when reported).
pub fn propose(status_at_year_end: ItemStatus, accepted_reports: usize) -> Verdict {
    match status_at_year_end {
        ItemStatus::DoneOnTime => Verdict::CompletedOnTime,
        ItemStatus::DoneLate => Verdict::CompletedLate,
        ItemStatus::WaitingOnHigherAuthority => Verdict::WaitingOnHigherAuthority,
        ItemStatus::Ongoing if accepted_reports > 0 => Verdict::CompletedOnTime,
        ItemStatus::Ongoing | ItemStatus::Overdue | ItemStatus::OnTrack | ItemStatus::DueSoon => {
            Verdict::NotCompleted
        }
    }
}

/// The scoring rubric (config/rubric.toml).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    pub base: f64,
    pub floor: f64,
    pub per_item_not_completed: f64,
    pub per_item_completed_late: f64,
    pub per_report_late: f64,
    pub per_report_missing: f64,
    pub per_urging: f64,
}

impl Rubric {
    /// The rubric shipped in config/rubric.toml.
    pub fn builtin() -> Self {
        toml::from_str(include_str!("../../config/rubric.toml")).unwrap_or(Rubric {
            base: 100.0,
            floor: 0.0,
            per_item_not_completed: 5.0,
            per_item_completed_late: 2.0,
            per_report_late: 1.0,
            per_report_missing: 2.0,
            per_urging: 0.5,
        })
    }

    /// Reads a rubric an agency wrote.
    pub fn parse(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| format!("评分细则格式有误：{e}"))
    }

    /// A division's score from its figures, rounded to one decimal.
    pub fn score(&self, f: &Figures) -> f64 {
        let lost = self.per_item_not_completed * f.not_completed as f64
            + self.per_item_completed_late * f.completed_late as f64
            + self.per_report_late * f.reports_late as f64
            + self.per_report_missing * f.reports_missing as f64
            + self.per_urging * f.urgings as f64;
        ((self.base - lost).max(self.floor) * 10.0).round() / 10.0
    }
}

/// What a division's score is computed from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Figures {
    pub led: usize,
    pub completed_on_time: usize,
    pub completed_late: usize,
    pub not_completed: usize,
    pub reports_on_time: usize,
    pub reports_late: usize,
    pub reports_missing: usize,
    pub evidence: usize,
    pub urgings: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proposals() {
        use ItemStatus::*;
        let cases: &[(ItemStatus, usize, Verdict)] = &[
            (DoneOnTime, 0, Verdict::CompletedOnTime),
            (DoneLate, 2, Verdict::CompletedLate),
            (
                WaitingOnHigherAuthority,
                0,
                Verdict::WaitingOnHigherAuthority,
            ),
            (Ongoing, 1, Verdict::CompletedOnTime),
            (Ongoing, 0, Verdict::NotCompleted),
            (Overdue, 3, Verdict::NotCompleted),
            (OnTrack, 0, Verdict::NotCompleted),
        ];
        for (status, accepted, want) in cases {
            assert_eq!(
                propose(*status, *accepted),
                *want,
                "{status:?} with {accepted} accepted"
            );
        }
    }

    #[test]
    fn scores_worked_out_by_hand() {
        // The shipped file itself must parse (builtin() would otherwise fall back silently).
        let r =
            Rubric::parse(include_str!("../../config/rubric.toml")).expect("config/rubric.toml");
        assert_eq!(r, Rubric::builtin());
        // 1 not completed (5) + 1 late (2) + 1 late report (1) + 2 missing (4) + 3 urgings (1.5).
        let f = Figures {
            led: 6,
            completed_on_time: 4,
            completed_late: 1,
            not_completed: 1,
            reports_on_time: 3,
            reports_late: 1,
            reports_missing: 2,
            evidence: 9,
            urgings: 3,
        };
        assert_eq!(r.score(&f), 86.5);
        assert_eq!(r.score(&Figures::default()), 100.0);
        let hopeless = Figures {
            not_completed: 40,
            ..Default::default()
        };
        assert_eq!(r.score(&hopeless), 0.0, "never below the floor");
    }

    #[test]
    fn an_agency_s_own_rubric() {
        let mine = Rubric::parse(
            "base = 10.0\nfloor = 2.0\nper_item_not_completed = 1.0\nper_item_completed_late = 0.5\n\
             per_report_late = 0.2\nper_report_missing = 0.5\nper_urging = 0.1\n",
        )
        .expect("rubric");
        let f = Figures {
            not_completed: 2,
            urgings: 1,
            ..Default::default()
        };
        assert_eq!(mine.score(&f), 7.9);
        assert!(Rubric::parse("base = 1\nbonus = 3\n").is_err());
    }
}
