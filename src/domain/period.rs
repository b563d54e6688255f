//! Reporting periods (季度报送): `YYYY-Qn`, their ends and default due dates.

use std::fmt;

use chrono::{Datelike, NaiveDate};

/// A quarter of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PeriodId {
    pub year: i32,
    pub quarter: u32,
}

impl PeriodId {
    /// Reads `2021-Q3` (also `2021Q3`, `2021-q3`).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let (y, q) = s.split_once(['Q', 'q'])?;
        let year: i32 = y.trim_end_matches('-').parse().ok()?;
        let quarter: u32 = q.parse().ok()?;
        ((1..=4).contains(&quarter) && (2000..=2100).contains(&year))
            .then_some(PeriodId { year, quarter })
    }

    /// The quarter containing a date.
    pub fn containing(d: NaiveDate) -> Self {
        PeriodId {
            year: d.year(),
            quarter: (d.month() - 1) / 3 + 1,
        }
    }

    /// The quarter's first day.
    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.quarter - 1) * 3 + 1, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The quarter's last day.
    pub fn end(self) -> NaiveDate {
        let (y, m) = if self.quarter == 4 {
            (self.year + 1, 1)
        } else {
            (self.year, self.quarter * 3 + 1)
        };
        NaiveDate::from_ymd_opt(y, m, 1)
            .and_then(|d| d.pred_opt())
            .unwrap_or(NaiveDate::MAX)
    }

    /// The quarter as people write it: `2021年第三季度`.
    pub fn label(self) -> String {
        const QUARTERS: [&str; 4] = ["一", "二", "三", "四"];
        let q = QUARTERS[(self.quarter.clamp(1, 4) - 1) as usize];
        format!("{}年第{}季度", self.year, q)
    }

    /// The default due date of the quarter's report: "before the month after the quarter"
    /// (Q3 于10月前). Under the before-month convention that is the quarter's last day;
    /// otherwise the end of the month after it.
    pub fn default_due(self, before_month_means_previous_month_end: bool) -> NaiveDate {
        if before_month_means_previous_month_end {
            return self.end();
        }
        let next = self.end().succ_opt().unwrap_or(NaiveDate::MAX);
        let (y, m) = if next.month() == 12 {
            (next.year() + 1, 1)
        } else {
            (next.year(), next.month() + 1)
        };
        NaiveDate::from_ymd_opt(y, m, 1)
            .and_then(|d| d.pred_opt())
            .unwrap_or(NaiveDate::MAX)
    }
}

/// A stored period code as people read it: `2021-Q3` → `2021年第三季度`; anything that is
/// not a quarter is shown as written, so nothing is hidden behind a guess.
pub fn label(code: &str) -> String {
    match PeriodId::parse(code) {
        Some(p) => p.label(),
        None => code.trim().to_string(),
    }
}

impl fmt::Display for PeriodId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.quarter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn parse_and_display() {
        let cases: &[(&str, Option<&str>)] = &[
            ("2021-Q3", Some("2021-Q3")),
            ("2021Q4", Some("2021-Q4")),
            ("2021-q1", Some("2021-Q1")),
            ("2021-Q5", None),
            ("Q3", None),
            ("2021-03", None),
        ];
        for (s, want) in cases {
            assert_eq!(
                PeriodId::parse(s).map(|p| p.to_string()).as_deref(),
                *want,
                "{s}"
            );
        }
    }

    #[test]
    fn labels_read_as_chinese_quarters() {
        let cases: &[(&str, &str)] = &[
            ("2021-Q1", "2021年第一季度"),
            ("2021-Q2", "2021年第二季度"),
            ("2021-Q3", "2021年第三季度"),
            ("2022q4", "2022年第四季度"),
            (" 上半年 ", "上半年"),
            ("2021-Q5", "2021-Q5"),
        ];
        for (code, want) in cases {
            assert_eq!(label(code), *want, "{code}");
        }
    }

    #[test]
    fn ends_and_due_dates() {
        let q3 = PeriodId {
            year: 2021,
            quarter: 3,
        };
        assert_eq!(q3.start(), d("2021-07-01"));
        assert_eq!(q3.end(), d("2021-09-30"));
        assert_eq!(q3.default_due(true), d("2021-09-30"));
        assert_eq!(q3.default_due(false), d("2021-10-31"));
        let q4 = PeriodId {
            year: 2021,
            quarter: 4,
        };
        assert_eq!(q4.end(), d("2021-12-31"));
        assert_eq!(q4.default_due(true), d("2021-12-31"));
        assert_eq!(q4.default_due(false), d("2022-01-31"));
        assert_eq!(PeriodId::containing(d("2021-08-15")), q3);
    }
}
