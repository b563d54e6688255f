//! Supervision (督办) rules: when an extension may be asked for, and when an assignment
//! waits too long for acknowledgement.

use chrono::NaiveDate;

use super::workdays::Calendar;

/// Why an extension request is refused outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ExtensionRefusal {
    #[error("该事项没有具体的完成日期，无需申请延期")]
    NoDueDate,
    #[error("已过完成时限，不能再申请延期；请尽快完成并说明情况")]
    AlreadyDue,
    #[error("申请的新日期须晚于现在的完成日期")]
    NotLater,
}

/// Checks an extension request: it must come by the due date and ask for a later one.
pub fn check_extension(
    today: NaiveDate,
    due: Option<NaiveDate>,
    requested: NaiveDate,
) -> Result<(), ExtensionRefusal> {
    let due = due.ok_or(ExtensionRefusal::NoDueDate)?;
    if today > due {
        return Err(ExtensionRefusal::AlreadyDue);
    }
    if requested <= due {
        return Err(ExtensionRefusal::NotLater);
    }
    Ok(())
}

/// The last day to acknowledge an assignment made on `assigned`, `workdays` working days later.
pub fn acknowledge_by(calendar: &Calendar, assigned: NaiveDate, workdays: u32) -> NaiveDate {
    calendar.add_workdays(assigned, workdays).date
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn extensions() {
        type Case<'a> = (
            &'a str,
            Option<&'a str>,
            &'a str,
            Result<(), ExtensionRefusal>,
        );
        let cases: &[Case] = &[
            ("2021-03-01", Some("2021-03-31"), "2021-04-30", Ok(())),
            ("2021-03-31", Some("2021-03-31"), "2021-04-30", Ok(())),
            (
                "2021-04-01",
                Some("2021-03-31"),
                "2021-04-30",
                Err(ExtensionRefusal::AlreadyDue),
            ),
            (
                "2021-03-01",
                Some("2021-03-31"),
                "2021-03-31",
                Err(ExtensionRefusal::NotLater),
            ),
            (
                "2021-03-01",
                None,
                "2021-04-30",
                Err(ExtensionRefusal::NoDueDate),
            ),
        ];
        for (today, due, requested, want) in cases {
            assert_eq!(
                check_extension(d(today), due.map(d), d(requested)),
                *want,
                "{today} {due:?} {requested}"
            );
        }
    }

    #[test]
    fn acknowledgement_window_counts_working_days() {
        // Assigned on the Friday before National Day 2024: the 3rd working day is 8 Oct
        // (make-up Sunday 29 Sep, Monday 30 Sep, then the week off).
        assert_eq!(
            acknowledge_by(&Calendar::builtin(), d("2024-09-27"), 3),
            d("2024-10-08")
        );
    }
}
