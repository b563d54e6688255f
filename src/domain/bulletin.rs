//! The progress bulletin (情况通报) of a reporting period: each division's figures.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::lifecycle::ReportState;
use super::standing::{Standing, Tally};

/// What the bulletin needs to know about one item led by one division.
#[derive(Debug, Clone)]
pub struct LedItem {
    pub division: String,
    pub item: String,
    pub due: Option<NaiveDate>,
    /// How the item counts on the bulletin's date (domain::standing).
    pub standing: Standing,
    /// The item's report for the period: None (missing), or (submitted, late).
    pub report: Option<ReportFact>,
    /// Urgings of this item to this division in the period.
    pub urgings: usize,
}

/// The state of an item's report for the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFact {
    /// Written but not (or no longer) submitted: draft or returned.
    Unsubmitted,
    Submitted {
        late: bool,
    },
}

impl ReportFact {
    /// What a stored report counts as: handed in (on time or late) or not.
    pub fn of(state: ReportState, submitted_late: bool) -> Self {
        if state.handed_in() {
            ReportFact::Submitted {
                late: submitted_late,
            }
        } else {
            ReportFact::Unsubmitted
        }
    }
}

/// One division's line of the bulletin.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DivisionLine {
    pub division: String,
    /// Items whose due date falls in the period: `items` adds up to it.
    pub due: usize,
    /// The items due in the period by standing (their counts sit beside `due` in JSON).
    #[serde(flatten)]
    pub items: Tally,
    /// Items due by the period's end (this period's or earlier), not done.
    pub overdue: usize,
    pub reports_on_time: usize,
    pub reports_late: usize,
    pub reports_missing: usize,
    pub urgings: usize,
    /// The overdue items by name.
    pub overdue_items: Vec<String>,
}

/// A bulletin: the plan, the period and each division's line.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Bulletin {
    pub plan_id: i32,
    pub plan_title: String,
    pub period: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub report_due: NaiveDate,
    pub as_of: NaiveDate,
    pub lines: Vec<DivisionLine>,
}

/// Says what the 合计 line adds, since an item led by two divisions is in both their lines.
pub const TOTAL_NOTE: &str = "注：合计为各处室之和，共同牵头的事项在每个牵头处室各计一次。";

impl Bulletin {
    /// The 合计 line: each figure summed over the divisions' lines. An item led by two
    /// divisions is in both lines, so it counts twice here, as the column adds up.
    pub fn total(&self) -> DivisionLine {
        let mut t = DivisionLine {
            division: "合计".to_string(),
            ..Default::default()
        };
        for l in &self.lines {
            t.due += l.due;
            t.items = t.items.plus(&l.items);
            t.overdue += l.overdue;
            t.reports_on_time += l.reports_on_time;
            t.reports_late += l.reports_late;
            t.reports_missing += l.reports_missing;
            t.urgings += l.urgings;
        }
        t
    }

    /// The reporting period as people write it, e.g. `2021年第三季度`.
    pub fn period_label(&self) -> String {
        super::period::label(&self.period)
    }
}

/// Works out every division's line for the period `start..=end`, the items classified on
/// the bulletin's date.
pub fn lines(items: &[LedItem], start: NaiveDate, end: NaiveDate) -> Vec<DivisionLine> {
    let mut by: BTreeMap<&str, DivisionLine> = BTreeMap::new();
    for i in items {
        let line = by.entry(&i.division).or_insert_with(|| DivisionLine {
            division: i.division.clone(),
            ..Default::default()
        });
        if let Some(due) = i.due {
            if (start..=end).contains(&due) {
                line.due += 1;
                line.items.add(i.standing);
            }
            if due <= end && i.standing == Standing::NotDone {
                line.overdue += 1;
                line.overdue_items.push(i.item.clone());
            }
        }
        match i.report {
            Some(ReportFact::Submitted { late: false }) => line.reports_on_time += 1,
            Some(ReportFact::Submitted { late: true }) => line.reports_late += 1,
            Some(ReportFact::Unsubmitted) | None => line.reports_missing += 1,
        }
        line.urgings += i.urgings;
    }
    by.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn item(
        div: &str,
        name: &str,
        due: Option<&str>,
        standing: Standing,
        report: Option<ReportFact>,
        urgings: usize,
    ) -> LedItem {
        LedItem {
            division: div.into(),
            item: name.into(),
            due: due.map(d),
            standing,
            report,
            urgings,
        }
    }

    #[test]
    fn figures_worked_out_by_hand() {
        use ReportFact::*;
        // Q3 2021 (1 Jul – 30 Sep), bulletin drawn up on 15 Oct.
        let items = vec![
            // 办公室: one due in Q3 done on time, one due in Q3 done late, one overdue from Q2.
            item(
                "办公室",
                "1. 发布目录",
                Some("2021-08-31"),
                Standing::DoneOnTime,
                Some(Submitted { late: false }),
                0,
            ),
            item(
                "办公室",
                "2. 培训",
                Some("2021-09-30"),
                Standing::DoneLate,
                Some(Submitted { late: true }),
                1,
            ),
            item(
                "办公室",
                "3. 年报",
                Some("2021-06-30"),
                Standing::NotDone,
                None,
                2,
            ),
            // 法规宣传处: one due in Q3 not done (overdue), one due at year end (not yet), a draft.
            item(
                "法规宣传处",
                "4. 解读",
                Some("2021-09-15"),
                Standing::NotDone,
                Some(Unsubmitted),
                1,
            ),
            item(
                "法规宣传处",
                "5. 专栏",
                Some("2021-12-31"),
                Standing::InProgress,
                Some(Submitted { late: false }),
                0,
            ),
        ];
        let got = lines(&items, d("2021-07-01"), d("2021-09-30"));
        assert_eq!(
            got[0],
            DivisionLine {
                division: "办公室".into(),
                due: 2,
                items: Tally {
                    done_on_time: 1,
                    done_late: 1,
                    not_done: 0,
                    in_progress: 0,
                    waiting_on_higher_authority: 0,
                    not_applicable: 0,
                },
                overdue: 1, // 3. is still open; 2. was finished late and counts as done late
                reports_on_time: 1,
                reports_late: 1,
                reports_missing: 1,
                urgings: 3,
                overdue_items: vec!["3. 年报".into()],
            }
        );
        assert_eq!(
            got[1],
            DivisionLine {
                division: "法规宣传处".into(),
                due: 1,
                items: Tally {
                    done_on_time: 0,
                    done_late: 0,
                    not_done: 1,
                    in_progress: 0,
                    waiting_on_higher_authority: 0,
                    not_applicable: 0,
                },
                overdue: 1,
                reports_on_time: 1,
                reports_late: 0,
                reports_missing: 1,
                urgings: 1,
                overdue_items: vec!["4. 解读".into()],
            }
        );
    }

    #[test]
    fn the_total_adds_up_every_division_s_line() {
        let line = |division: &str, n: usize| DivisionLine {
            division: division.into(),
            due: n,
            items: Tally {
                done_on_time: n + 1,
                done_late: n + 2,
                not_done: n,
                in_progress: 1,
                waiting_on_higher_authority: 2,
                not_applicable: 3,
            },
            overdue: n + 3,
            reports_on_time: n + 4,
            reports_late: n + 5,
            reports_missing: n + 6,
            urgings: n + 7,
            overdue_items: vec![format!("{division}的事项")],
        };
        let b = |lines| Bulletin {
            plan_id: 1,
            plan_title: "2021年政务公开工作要点".into(),
            period: "2021-Q3".into(),
            start: d("2021-07-01"),
            end: d("2021-09-30"),
            report_due: d("2021-10-10"),
            as_of: d("2021-10-15"),
            lines,
        };
        let t = b(vec![line("办公室", 1), line("法规宣传处", 10)]).total();
        assert_eq!(
            t,
            DivisionLine {
                division: "合计".into(),
                due: 11,
                items: Tally {
                    done_on_time: 13,
                    done_late: 15,
                    not_done: 11,
                    in_progress: 2,
                    waiting_on_higher_authority: 4,
                    not_applicable: 6,
                },
                overdue: 17,
                reports_on_time: 19,
                reports_late: 21,
                reports_missing: 23,
                urgings: 25,
                overdue_items: vec![],
            }
        );
        let empty = b(vec![]);
        assert_eq!(empty.total().due, 0);
        assert_eq!(empty.period_label(), "2021年第三季度");
    }

    #[test]
    fn a_bulletin_during_the_period_counts_only_what_is_already_late() {
        let items = vec![item(
            "办公室",
            "1. 发布目录",
            Some("2021-09-30"),
            Standing::InProgress,
            None,
            0,
        )];
        let got = lines(&items, d("2021-07-01"), d("2021-09-30"));
        assert_eq!(got[0].overdue, 0);
        assert_eq!(got[0].due, 1);
        assert_eq!(got[0].items.in_progress, 1);
    }
}
