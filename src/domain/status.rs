//! An item's standing against its deadline, from its deadline, completion and today's date.

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

use super::deadline::{DeadlineKind, Period};

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    OnTrack,
    DueSoon,
    Overdue,
    DoneOnTime,
    DoneLate,
    WaitingOnHigherAuthority,
    Ongoing,
}

impl ItemStatus {
    /// Every status, in the order overviews list them.
    pub const ALL: [ItemStatus; 7] = [
        ItemStatus::Overdue,
        ItemStatus::DueSoon,
        ItemStatus::OnTrack,
        ItemStatus::WaitingOnHigherAuthority,
        ItemStatus::Ongoing,
        ItemStatus::DoneOnTime,
        ItemStatus::DoneLate,
    ];

    /// The stored and query code.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::OnTrack => "on_track",
            ItemStatus::DueSoon => "due_soon",
            ItemStatus::Overdue => "overdue",
            ItemStatus::DoneOnTime => "done_on_time",
            ItemStatus::DoneLate => "done_late",
            ItemStatus::WaitingOnHigherAuthority => "waiting_on_higher_authority",
            ItemStatus::Ongoing => "ongoing",
        }
    }

    /// The Chinese name users read.
    pub fn label(self) -> &'static str {
        match self {
            ItemStatus::OnTrack => "正常推进",
            ItemStatus::DueSoon => "即将到期",
            ItemStatus::Overdue => "已逾期",
            ItemStatus::DoneOnTime => "按时完成",
            ItemStatus::DoneLate => "逾期完成",
            ItemStatus::WaitingOnHigherAuthority => "待上级部署",
            ItemStatus::Ongoing => "长期推进",
        }
    }

    /// Reads a code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == code.trim())
    }

    /// Whether the item is finished.
    pub fn is_done(self) -> bool {
        matches!(self, ItemStatus::DoneOnTime | ItemStatus::DoneLate)
    }
}

/// What the status is computed from.
#[derive(Debug, Clone, Copy)]
pub struct StatusInput {
    pub kind: DeadlineKind,
    /// The due date in force (after any date the office set).
    pub due: Option<NaiveDate>,
    pub period: Option<Period>,
    pub completed_on: Option<NaiveDate>,
    pub today: NaiveDate,
    /// How many days ahead counts as "due soon".
    pub due_soon_days: u32,
}

/// The end of the recurring period that contains `today` (the next report of 每月/每季度…).
pub fn next_recurring_due(period: Period, today: NaiveDate) -> NaiveDate {
    let month_end = |y: i32, m: u32| {
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        NaiveDate::from_ymd_opt(ny, nm, 1)
            .and_then(|d| d.pred_opt())
            .unwrap_or(today)
    };
    match period {
        Period::Week => {
            let to_sunday = (7 - today.weekday().num_days_from_sunday()) % 7;
            today + Days::new(u64::from(to_sunday))
        }
        Period::Month => month_end(today.year(), today.month()),
        Period::Quarter => month_end(today.year(), ((today.month() - 1) / 3 + 1) * 3),
        Period::HalfYear => month_end(today.year(), if today.month() <= 6 { 6 } else { 12 }),
        Period::Year => month_end(today.year(), 12),
    }
}

/// Computes where an item stands today.
pub fn status(i: StatusInput) -> ItemStatus {
    if let Some(done) = i.completed_on {
        return match i.due {
            Some(due) if done > due => ItemStatus::DoneLate,
            _ => ItemStatus::DoneOnTime,
        };
    }
    let due = match (i.kind, i.due, i.period) {
        (DeadlineKind::Done, _, _) => return ItemStatus::DoneOnTime,
        (DeadlineKind::Recurring, _, Some(p)) => Some(next_recurring_due(p, i.today)),
        (_, Some(d), _) => Some(d),
        (DeadlineKind::PerHigherAuthority, None, _) => return ItemStatus::WaitingOnHigherAuthority,
        (_, None, _) => return ItemStatus::Ongoing,
    };
    let Some(due) = due else {
        return ItemStatus::Ongoing;
    };
    if i.today > due {
        ItemStatus::Overdue
    } else if (due - i.today).num_days() <= i64::from(i.due_soon_days) {
        ItemStatus::DueSoon
    } else {
        ItemStatus::OnTrack
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeadlineKind::*;
    use ItemStatus::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn table() {
        // (kind, due, period, completed, today, expected)
        type Case<'a> = (
            DeadlineKind,
            Option<&'a str>,
            Option<Period>,
            Option<&'a str>,
            &'a str,
            ItemStatus,
        );
        let cases: &[Case] = &[
            (Date, Some("2021-03-31"), None, None, "2021-02-01", OnTrack),
            (Date, Some("2021-03-31"), None, None, "2021-03-20", DueSoon),
            (Date, Some("2021-03-31"), None, None, "2021-03-17", DueSoon),
            (Date, Some("2021-03-31"), None, None, "2021-03-16", OnTrack),
            (Date, Some("2021-03-31"), None, None, "2021-03-31", DueSoon),
            (Date, Some("2021-03-31"), None, None, "2021-04-01", Overdue),
            (
                Date,
                Some("2021-03-31"),
                None,
                Some("2021-03-30"),
                "2021-06-01",
                DoneOnTime,
            ),
            (
                Date,
                Some("2021-03-31"),
                None,
                Some("2021-04-02"),
                "2021-06-01",
                DoneLate,
            ),
            (
                YearRound,
                Some("2021-12-31"),
                None,
                None,
                "2021-06-01",
                OnTrack,
            ),
            (
                PerHigherAuthority,
                None,
                None,
                None,
                "2021-06-01",
                WaitingOnHigherAuthority,
            ),
            (
                PerHigherAuthority,
                Some("2021-05-31"),
                None,
                None,
                "2021-06-01",
                Overdue,
            ),
            (
                DeadlineKind::Ongoing,
                None,
                None,
                None,
                "2021-06-01",
                ItemStatus::Ongoing,
            ),
            (
                Relative,
                None,
                None,
                None,
                "2021-06-01",
                ItemStatus::Ongoing,
            ),
            (
                Relative,
                Some("2021-06-03"),
                None,
                None,
                "2021-06-01",
                DueSoon,
            ),
            (Done, None, None, None, "2021-06-01", DoneOnTime),
            (
                Recurring,
                Some("2021-03-31"),
                Some(Period::Quarter),
                None,
                "2021-05-01",
                OnTrack,
            ),
            (
                Recurring,
                Some("2021-03-31"),
                Some(Period::Quarter),
                None,
                "2021-06-20",
                DueSoon,
            ),
            (
                Unspecified,
                Some("2021-12-31"),
                None,
                None,
                "2022-01-01",
                Overdue,
            ),
        ];
        for (kind, due, period, done, today, want) in cases {
            let got = status(StatusInput {
                kind: *kind,
                due: due.map(d),
                period: *period,
                completed_on: done.map(d),
                today: d(today),
                due_soon_days: 14,
            });
            assert_eq!(got, *want, "{kind:?} due {due:?} done {done:?} on {today}");
        }
    }

    #[test]
    fn recurring_dues() {
        assert_eq!(
            next_recurring_due(Period::Month, d("2021-02-10")),
            d("2021-02-28")
        );
        assert_eq!(
            next_recurring_due(Period::Quarter, d("2021-08-10")),
            d("2021-09-30")
        );
        assert_eq!(
            next_recurring_due(Period::Week, d("2021-01-06")),
            d("2021-01-10")
        );
        assert_eq!(
            next_recurring_due(Period::HalfYear, d("2021-08-10")),
            d("2021-12-31")
        );
    }

    #[test]
    fn codes_round_trip() {
        for s in ItemStatus::ALL {
            assert_eq!(ItemStatus::parse(s.as_str()), Some(s));
        }
    }
}
