//! Year-end evaluation (年度考核): proposed verdicts and the rubric's score.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::bulletin::ReportFact;
use super::deadline::DeadlineKind;
use super::standing::{Standing, Tally};

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
    /// Every verdict, in the order pages offer them.
    pub const ALL: [Verdict; 5] = [
        Verdict::CompletedOnTime,
        Verdict::CompletedLate,
        Verdict::NotCompleted,
        Verdict::NotApplicable,
        Verdict::WaitingOnHigherAuthority,
    ];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::CompletedOnTime => "completed_on_time",
            Verdict::CompletedLate => "completed_late",
            Verdict::NotCompleted => "not_completed",
            Verdict::NotApplicable => "not_applicable",
            Verdict::WaitingOnHigherAuthority => "waiting_on_higher_authority",
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == code.trim())
    }

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

/// Whether a deadline kind means work that runs all year rather than ends on a date.
pub fn is_long_running(kind: DeadlineKind) -> bool {
    matches!(
        kind,
        DeadlineKind::YearRound | DeadlineKind::Ongoing | DeadlineKind::Recurring
    )
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Figures {
    pub led: usize,
    pub completed_on_time: usize,
    pub completed_late: usize,
    pub not_completed: usize,
    /// Led items not yet due, or running all year while the year lasts (推进中).
    #[serde(default)]
    pub in_progress: usize,
    #[serde(default)]
    pub waiting_on_higher_authority: usize,
    #[serde(default)]
    pub not_applicable: usize,
    pub reports_on_time: usize,
    pub reports_late: usize,
    pub reports_missing: usize,
    pub evidence: usize,
    pub urgings: usize,
}

impl Figures {
    /// Counts one more led item by its standing.
    pub fn count(&mut self, s: Standing) {
        self.led += 1;
        match s {
            Standing::DoneOnTime => self.completed_on_time += 1,
            Standing::DoneLate => self.completed_late += 1,
            Standing::NotDone => self.not_completed += 1,
            Standing::InProgress => self.in_progress += 1,
            Standing::WaitingOnHigherAuthority => self.waiting_on_higher_authority += 1,
            Standing::NotApplicable => self.not_applicable += 1,
        }
    }

    /// The led items by standing (adds up to `led`).
    pub fn tally(&self) -> Tally {
        Tally {
            done_on_time: self.completed_on_time,
            done_late: self.completed_late,
            not_done: self.not_completed,
            in_progress: self.in_progress,
            waiting_on_higher_authority: self.waiting_on_higher_authority,
            not_applicable: self.not_applicable,
        }
    }
}

/// One item's line in the evaluation.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EvaluationItem {
    pub item_id: i32,
    pub number: String,
    pub task: String,
    /// The top-level part of the plan the item is in.
    pub section: String,
    pub lead: Vec<String>,
    /// The item's status when evaluated, in Chinese.
    pub status: String,
    pub completed_on: Option<NaiveDate>,
    pub accepted_reports: usize,
    /// What the data suggests.
    pub proposed: Verdict,
    /// How the item counts in every figure (domain::standing): the office's verdict once
    /// decided, else where it stands on the evaluation's date.
    #[serde(default)]
    pub standing: Standing,
    /// The verdict that counts: the office's decision, else the proposal.
    pub verdict: Verdict,
    pub verdict_label: String,
    /// Why the office overrode the proposal.
    pub reason: Option<String>,
    /// The office has confirmed or overridden this verdict.
    pub decided: bool,
}

/// A lead division's figures and score.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DivisionResult {
    pub division: String,
    pub figures: Figures,
    pub score: f64,
}

/// A comment on the evaluation.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CommentView {
    pub id: i32,
    pub author: String,
    pub text: String,
    pub created_at: NaiveDateTime,
}

/// A plan's evaluation as pages, the API and the workbook show it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Evaluation {
    pub plan_id: i32,
    pub plan_title: String,
    pub year: i32,
    /// The date the figures were worked out for (the finalising day once finalised).
    pub as_of: NaiveDate,
    /// Changes name the version they read; a stale one gets 409.
    pub version: i32,
    pub finalised: bool,
    pub finalised_at: Option<NaiveDateTime>,
    pub finalised_by: Option<String>,
    pub rubric: Rubric,
    /// The plan's score: the mean of the lead divisions' scores.
    pub score: Option<f64>,
    pub items: Vec<EvaluationItem>,
    pub divisions: Vec<DivisionResult>,
    pub comments: Vec<CommentView>,
    /// The implementation summary for the annual report (本要点落实情况).
    pub summary_text: String,
    /// The office has edited the summary (otherwise it is drafted afresh from the data).
    pub summary_edited: bool,
}

impl Evaluation {
    /// Every item of the plan by standing.
    pub fn tally(&self) -> Tally {
        Tally::of(self.items.iter().map(|i| i.standing))
    }
}

/// What the evaluation knows about one item led by one division.
#[derive(Debug, Clone)]
pub struct LedFacts {
    pub division: String,
    pub standing: Standing,
    /// The division's report for each period that asked for one: None when none was
    /// written, Unsubmitted for a draft or returned report.
    pub reports: Vec<Option<ReportFact>>,
    pub evidence: usize,
    pub urgings: usize,
}

/// Whether a period asks the lead for a report on an item: its due date has passed by
/// `as_of` and the item was not finished before the period began.
pub fn report_required(
    period_start: NaiveDate,
    period_due: NaiveDate,
    as_of: NaiveDate,
    completed_on: Option<NaiveDate>,
) -> bool {
    period_due < as_of && completed_on.is_none_or(|done| done >= period_start)
}

/// Each division's figures, by division name.
pub fn figures(led: &[LedFacts]) -> BTreeMap<String, Figures> {
    let mut by: BTreeMap<String, Figures> = BTreeMap::new();
    for l in led {
        let f = by.entry(l.division.clone()).or_default();
        f.count(l.standing);
        for r in &l.reports {
            match r {
                Some(ReportFact::Submitted { late: false }) => f.reports_on_time += 1,
                Some(ReportFact::Submitted { late: true }) => f.reports_late += 1,
                Some(ReportFact::Unsubmitted) | None => f.reports_missing += 1,
            }
        }
        f.evidence += l.evidence;
        f.urgings += l.urgings;
    }
    by
}

/// The plan's score: the mean of the divisions' scores, rounded to one decimal.
pub fn overall(scores: &[f64]) -> Option<f64> {
    if scores.is_empty() {
        return None;
    }
    let mean = scores.iter().sum::<f64>() / scores.len() as f64;
    Some((mean * 10.0).round() / 10.0)
}

/// One item as the annual-report summary mentions it.
#[derive(Debug, Clone)]
pub struct SummaryItem {
    /// `number. task`.
    pub label: String,
    pub lead: String,
    pub standing: Standing,
    /// The latest accepted progress, if any.
    pub progress: Option<String>,
}

/// A top-level part of the plan and its items, in plan order.
#[derive(Debug, Clone)]
pub struct SummarySection {
    pub heading: String,
    pub items: Vec<SummaryItem>,
}

/// The implementation summary for the annual disclosure report (本要点落实情况): per part,
/// what was done, the counts, and what remains. Plain text the office edits.
pub fn summary_text(plan_title: &str, sections: &[SummarySection]) -> String {
    let mut out = String::new();
    let all = Tally::of(sections.iter().flat_map(|s| &s.items).map(|i| i.standing));
    let _ = writeln!(
        out,
        "{plan_title}共部署工作任务{}项，{}。",
        all.total(),
        all.sentence()
    );
    for s in sections {
        let items: Vec<&SummaryItem> = s.items.iter().collect();
        let here = Tally::of(items.iter().map(|i| i.standing));
        let _ = writeln!(out, "\n{}", s.heading);
        let _ = writeln!(out, "本部分共{}项，{}。", here.total(), here.sentence());
        let done_items: Vec<&&SummaryItem> =
            items.iter().filter(|i| i.standing.is_done()).collect();
        if !done_items.is_empty() {
            let _ = writeln!(out, "主要工作：");
            for i in done_items {
                match &i.progress {
                    Some(p) => {
                        let _ = writeln!(out, "{}：{}", i.label, shorten(p, 150));
                    }
                    None => {
                        let _ = writeln!(out, "{}。", i.label);
                    }
                }
            }
        }
        let open: Vec<&&SummaryItem> = items
            .iter()
            .filter(|i| i.standing == Standing::NotDone)
            .collect();
        if !open.is_empty() {
            let _ = writeln!(out, "尚未完成：");
            for i in open {
                let _ = writeln!(out, "{}（牵头：{}）。", i.label, i.lead);
            }
        }
    }
    out.trim_end().to_string()
}

/// At most `max` characters of a progress text, on one line.
fn shorten(text: &str, max: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let cut: String = one_line.chars().take(max).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_running_kinds() {
        assert!(is_long_running(DeadlineKind::YearRound));
        assert!(is_long_running(DeadlineKind::Recurring));
        assert!(!is_long_running(DeadlineKind::Date));
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
            ..Default::default()
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

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn when_a_period_asks_for_a_report() {
        // Q2 2021: starts 04-01, report due 06-30.
        let cases: &[(&str, Option<&str>, bool)] = &[
            ("2021-12-31", None, true),
            ("2021-12-31", Some("2021-05-10"), true), // finished during the period: report it
            ("2021-12-31", Some("2021-03-20"), false), // finished before: nothing to report
            ("2021-06-30", None, false),              // not yet due on the due day itself
            ("2021-06-01", None, false),
        ];
        for (as_of, done, want) in cases {
            assert_eq!(
                report_required(d("2021-04-01"), d("2021-06-30"), d(as_of), done.map(d)),
                *want,
                "as of {as_of}, done {done:?}"
            );
        }
    }

    #[test]
    fn division_figures_add_up() {
        use ReportFact::*;
        let led = vec![
            LedFacts {
                division: "办公室".into(),
                standing: Standing::DoneOnTime,
                reports: vec![
                    Some(Submitted { late: false }),
                    Some(Submitted { late: true }),
                ],
                evidence: 3,
                urgings: 0,
            },
            LedFacts {
                division: "办公室".into(),
                standing: Standing::NotDone,
                reports: vec![None, Some(Unsubmitted)],
                evidence: 0,
                urgings: 2,
            },
            LedFacts {
                division: "法规宣传处".into(),
                standing: Standing::NotApplicable,
                reports: vec![],
                evidence: 1,
                urgings: 0,
            },
        ];
        let f = figures(&led);
        assert_eq!(
            f["办公室"],
            Figures {
                led: 2,
                completed_on_time: 1,
                completed_late: 0,
                not_completed: 1,
                in_progress: 0,
                waiting_on_higher_authority: 0,
                not_applicable: 0,
                reports_on_time: 1,
                reports_late: 1,
                reports_missing: 2,
                evidence: 3,
                urgings: 2,
            }
        );
        assert_eq!(f["法规宣传处"].led, 1);
        assert_eq!(f["法规宣传处"].not_completed, 0);
        assert_eq!(f["法规宣传处"].not_applicable, 1);
        for figures in f.values() {
            assert_eq!(
                figures.tally().total(),
                figures.led,
                "every led item counted once"
            );
        }
        // 100 - 5 - 1 - 2*2 - 2*0.5 = 89
        assert_eq!(Rubric::builtin().score(&f["办公室"]), 89.0);
        assert_eq!(overall(&[89.0, 100.0, 90.0]), Some(93.0));
        assert_eq!(overall(&[]), None);
    }

    #[test]
    fn summary_text_counts_and_lists() {
        let item = |label: &str, standing, progress: Option<&str>| SummaryItem {
            label: label.into(),
            lead: "办公室".into(),
            standing,
            progress: progress.map(str::to_string),
        };
        let text = summary_text(
            "2021年政务公开工作要点",
            &[
                SummarySection {
                    heading: "一、加强政策解读".into(),
                    items: vec![
                        item(
                            "1. 发布目录",
                            Standing::DoneOnTime,
                            Some("已于3月\n发布目录"),
                        ),
                        item("2. 开展培训", Standing::DoneLate, None),
                        item("3. 编制年报", Standing::NotDone, None),
                        item("5. 专栏", Standing::InProgress, None),
                    ],
                },
                SummarySection {
                    heading: "二、其他".into(),
                    items: vec![item(
                        "4. 配合部署",
                        Standing::WaitingOnHigherAuthority,
                        None,
                    )],
                },
            ],
        );
        assert!(
            text.starts_with(
                "2021年政务公开工作要点共部署工作任务5项，按时完成1项，逾期完成1项，未完成1项，推进中1项，待上级部署1项。"
            ),
            "{text}"
        );
        assert!(
            text.contains("本部分共4项，按时完成1项，逾期完成1项，未完成1项，推进中1项。"),
            "{text}"
        );
        assert!(text.contains("1. 发布目录：已于3月 发布目录"), "{text}");
        assert!(
            text.contains("尚未完成：\n3. 编制年报（牵头：办公室）。"),
            "{text}"
        );
        assert!(
            text.contains("本部分共1项，按时完成0项，逾期完成0项，未完成0项，待上级部署1项。"),
            "{text}"
        );
        assert_eq!(shorten(&"很".repeat(200), 150).chars().count(), 151);
    }
}
