//! How an item counts on a date: the one classification every figure of every output is
//! derived from (home, 总览, 我的任务, the summary workbook, the evaluation, the bulletin and
//! the annual report's text), so that no two of them give two figures for the same thing.

use serde::{Deserialize, Serialize};

use super::evaluation::Verdict;
use super::status::ItemStatus;

/// Where an item counts. The default (推进中) is only what an evaluation frozen before
/// standings existed reads as, until its verdicts fill it in.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Finished by its deadline (按时完成).
    DoneOnTime,
    /// Finished after its deadline (逾期完成).
    DoneLate,
    /// Past its deadline and not finished, or the year is over without it (未完成).
    NotDone,
    /// Not yet due, or work that runs all year while the year lasts (推进中).
    #[default]
    InProgress,
    /// Waits for a higher authority to deploy it (待上级部署).
    WaitingOnHigherAuthority,
    /// The office judged it no longer applies (不再适用).
    NotApplicable,
}

impl Standing {
    /// Every standing, in the order figures list them.
    pub const ALL: [Standing; 6] = [
        Standing::DoneOnTime,
        Standing::DoneLate,
        Standing::NotDone,
        Standing::InProgress,
        Standing::WaitingOnHigherAuthority,
        Standing::NotApplicable,
    ];

    /// The code the API uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::DoneOnTime => "done_on_time",
            Standing::DoneLate => "done_late",
            Standing::NotDone => "not_done",
            Standing::InProgress => "in_progress",
            Standing::WaitingOnHigherAuthority => "waiting_on_higher_authority",
            Standing::NotApplicable => "not_applicable",
        }
    }

    /// The Chinese name users read.
    pub fn label(self) -> &'static str {
        match self {
            Standing::DoneOnTime => "按时完成",
            Standing::DoneLate => "逾期完成",
            Standing::NotDone => "未完成",
            Standing::InProgress => "推进中",
            Standing::WaitingOnHigherAuthority => "待上级部署",
            Standing::NotApplicable => "不再适用",
        }
    }

    /// Whether the item is finished (on time or late).
    pub fn is_done(self) -> bool {
        matches!(self, Standing::DoneOnTime | Standing::DoneLate)
    }

    /// What a year-end verdict means for the figures.
    pub fn of_verdict(v: Verdict) -> Self {
        match v {
            Verdict::CompletedOnTime => Standing::DoneOnTime,
            Verdict::CompletedLate => Standing::DoneLate,
            Verdict::NotCompleted => Standing::NotDone,
            Verdict::NotApplicable => Standing::NotApplicable,
            Verdict::WaitingOnHigherAuthority => Standing::WaitingOnHigherAuthority,
        }
    }
}

/// What an item's standing is worked out from.
#[derive(Debug, Clone, Copy)]
pub struct StandingInput {
    /// The item against its deadline on the date.
    pub status: ItemStatus,
    /// Work that runs all year (全年, 长期, 每季度…): done when reported on, not on a date.
    pub long_running: bool,
    /// Reports of the item the office accepted.
    pub accepted_reports: usize,
    /// The date is past the end of the plan's year.
    pub year_over: bool,
    /// The evaluation's verdict once the office confirmed it or the evaluation was finalised.
    pub verdict: Option<Verdict>,
}

/// Classifies an item: the office's confirmed verdict first; then what is finished; then
/// work running all year, which is in progress while the year lasts and, once it is over,
/// done when the office accepted a report on it; then the item against its deadline.
pub fn classify(i: StandingInput) -> Standing {
    if let Some(v) = i.verdict {
        return Standing::of_verdict(v);
    }
    match i.status {
        ItemStatus::DoneOnTime => Standing::DoneOnTime,
        ItemStatus::DoneLate => Standing::DoneLate,
        ItemStatus::WaitingOnHigherAuthority => Standing::WaitingOnHigherAuthority,
        _ if i.long_running || i.status == ItemStatus::Ongoing => {
            match (i.year_over, i.accepted_reports > 0) {
                (false, _) => Standing::InProgress,
                (true, true) => Standing::DoneOnTime,
                (true, false) => Standing::NotDone,
            }
        }
        ItemStatus::Overdue => Standing::NotDone,
        ItemStatus::OnTrack | ItemStatus::DueSoon | ItemStatus::Ongoing => Standing::InProgress,
    }
}

/// The verdict the data suggests at year end: the item classified as if the year were
/// over, with what is still in progress counted as not completed.
pub fn propose(i: StandingInput) -> Verdict {
    match classify(StandingInput {
        year_over: true,
        verdict: None,
        ..i
    }) {
        Standing::DoneOnTime => Verdict::CompletedOnTime,
        Standing::DoneLate => Verdict::CompletedLate,
        Standing::NotDone | Standing::InProgress => Verdict::NotCompleted,
        Standing::WaitingOnHigherAuthority => Verdict::WaitingOnHigherAuthority,
        Standing::NotApplicable => Verdict::NotApplicable,
    }
}

/// Items counted by standing; every count of every output is one of these.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Tally {
    pub done_on_time: usize,
    pub done_late: usize,
    pub not_done: usize,
    pub in_progress: usize,
    pub waiting_on_higher_authority: usize,
    pub not_applicable: usize,
}

impl Tally {
    /// Counts the standings.
    pub fn of(standings: impl IntoIterator<Item = Standing>) -> Self {
        let mut t = Tally::default();
        for s in standings {
            t.add(s);
        }
        t
    }

    /// Counts one more item.
    pub fn add(&mut self, s: Standing) {
        *self.slot(s) += 1;
    }

    fn slot(&mut self, s: Standing) -> &mut usize {
        match s {
            Standing::DoneOnTime => &mut self.done_on_time,
            Standing::DoneLate => &mut self.done_late,
            Standing::NotDone => &mut self.not_done,
            Standing::InProgress => &mut self.in_progress,
            Standing::WaitingOnHigherAuthority => &mut self.waiting_on_higher_authority,
            Standing::NotApplicable => &mut self.not_applicable,
        }
    }

    /// The count of one standing.
    pub fn count(&self, s: Standing) -> usize {
        match s {
            Standing::DoneOnTime => self.done_on_time,
            Standing::DoneLate => self.done_late,
            Standing::NotDone => self.not_done,
            Standing::InProgress => self.in_progress,
            Standing::WaitingOnHigherAuthority => self.waiting_on_higher_authority,
            Standing::NotApplicable => self.not_applicable,
        }
    }

    /// Every item counted.
    pub fn total(&self) -> usize {
        Standing::ALL.iter().map(|s| self.count(*s)).sum()
    }

    /// Items finished, on time or late.
    pub fn done(&self) -> usize {
        self.done_on_time + self.done_late
    }

    /// Finished share of all items, 0–100.
    pub fn percent_done(&self) -> usize {
        (self.done() * 100).checked_div(self.total()).unwrap_or(0)
    }

    /// Adds another tally (a total row).
    pub fn plus(mut self, other: &Tally) -> Tally {
        for s in Standing::ALL {
            *self.slot(s) += other.count(s);
        }
        self
    }

    /// The counts as a sentence that accounts for every item: 按时完成, 逾期完成 and 未完成
    /// always, the others when there are any ("按时完成5项，逾期完成4项，未完成13项，推进中7项，
    /// 待上级部署3项").
    pub fn sentence(&self) -> String {
        Standing::ALL
            .iter()
            .filter(|s| {
                matches!(
                    s,
                    Standing::DoneOnTime | Standing::DoneLate | Standing::NotDone
                ) || self.count(**s) > 0
            })
            .map(|s| format!("{}{}项", s.label(), self.count(*s)))
            .collect::<Vec<_>>()
            .join("，")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ItemStatus::{DueSoon, OnTrack, Ongoing, Overdue};
    use Standing::{InProgress, NotApplicable, NotDone};

    fn input(status: ItemStatus, long: bool, accepted: usize, year_over: bool) -> StandingInput {
        StandingInput {
            status,
            long_running: long,
            accepted_reports: accepted,
            year_over,
            verdict: None,
        }
    }

    #[test]
    fn classification_table() {
        // (status, long-running, accepted reports, year over, standing, proposed verdict)
        let cases = [
            (
                ItemStatus::DoneOnTime,
                false,
                0,
                false,
                Standing::DoneOnTime,
                Verdict::CompletedOnTime,
            ),
            (
                ItemStatus::DoneLate,
                false,
                1,
                true,
                Standing::DoneLate,
                Verdict::CompletedLate,
            ),
            (Overdue, false, 0, false, NotDone, Verdict::NotCompleted),
            (Overdue, false, 2, true, NotDone, Verdict::NotCompleted),
            (OnTrack, false, 0, false, InProgress, Verdict::NotCompleted),
            (DueSoon, false, 1, false, InProgress, Verdict::NotCompleted),
            // Year-round work with an accepted report: in progress while the year lasts,
            // done once it is over, and proposed as done either way.
            (
                OnTrack,
                true,
                1,
                false,
                InProgress,
                Verdict::CompletedOnTime,
            ),
            (
                DueSoon,
                true,
                1,
                false,
                InProgress,
                Verdict::CompletedOnTime,
            ),
            (
                Overdue,
                true,
                1,
                true,
                Standing::DoneOnTime,
                Verdict::CompletedOnTime,
            ),
            (OnTrack, true, 0, false, InProgress, Verdict::NotCompleted),
            (Overdue, true, 0, true, NotDone, Verdict::NotCompleted),
            (Ongoing, false, 0, false, InProgress, Verdict::NotCompleted),
            (
                Ongoing,
                false,
                3,
                false,
                InProgress,
                Verdict::CompletedOnTime,
            ),
            (
                Ongoing,
                false,
                3,
                true,
                Standing::DoneOnTime,
                Verdict::CompletedOnTime,
            ),
            (
                ItemStatus::WaitingOnHigherAuthority,
                false,
                0,
                true,
                Standing::WaitingOnHigherAuthority,
                Verdict::WaitingOnHigherAuthority,
            ),
        ];
        for (status, long, accepted, over, standing, verdict) in cases {
            let i = input(status, long, accepted, over);
            assert_eq!(
                classify(i),
                standing,
                "{status:?} long={long} {accepted} {over}"
            );
            assert_eq!(
                propose(i),
                verdict,
                "{status:?} long={long} {accepted} {over}"
            );
        }
    }

    #[test]
    fn a_confirmed_verdict_decides() {
        for v in Verdict::ALL {
            let i = StandingInput {
                verdict: Some(v),
                ..input(Overdue, false, 0, false)
            };
            assert_eq!(classify(i), Standing::of_verdict(v));
        }
        let na = StandingInput {
            verdict: Some(Verdict::NotApplicable),
            ..input(ItemStatus::DoneOnTime, false, 1, true)
        };
        assert_eq!(classify(na), NotApplicable);
    }

    #[test]
    fn a_tally_accounts_for_every_item() {
        let t = Tally::of([
            Standing::DoneOnTime,
            Standing::DoneOnTime,
            NotDone,
            InProgress,
            Standing::WaitingOnHigherAuthority,
        ]);
        assert_eq!(t.total(), 5);
        assert_eq!(t.done(), 2);
        assert_eq!(t.percent_done(), 40);
        assert_eq!(
            t.sentence(),
            "按时完成2项，逾期完成0项，未完成1项，推进中1项，待上级部署1项"
        );
        assert_eq!(t.plus(&t).total(), 10);
        assert_eq!(Tally::default().percent_done(), 0);
        assert_eq!(
            Tally::default().sentence(),
            "按时完成0项，逾期完成0项，未完成0项"
        );
    }
}
