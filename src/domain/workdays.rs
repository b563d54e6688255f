//! Working days (工作日) under the State Council's holiday calendar, make-up days (调休) included.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;

/// The calendars shipped in config/holidays/, one file a year, compiled in.
const BUILTIN: &[&str] = &[
    include_str!("../../config/holidays/2016.json"),
    include_str!("../../config/holidays/2017.json"),
    include_str!("../../config/holidays/2018.json"),
    include_str!("../../config/holidays/2019.json"),
    include_str!("../../config/holidays/2020.json"),
    include_str!("../../config/holidays/2021.json"),
    include_str!("../../config/holidays/2022.json"),
    include_str!("../../config/holidays/2023.json"),
    include_str!("../../config/holidays/2024.json"),
    include_str!("../../config/holidays/2025.json"),
    include_str!("../../config/holidays/2026.json"),
];

#[derive(Deserialize)]
struct Day {
    date: NaiveDate,
}

#[derive(Deserialize)]
struct YearFile {
    year: i32,
    holidays: Vec<Day>,
    makeup_workdays: Vec<Day>,
}

#[derive(Debug, Clone, Default)]
struct YearDays {
    off: HashSet<NaiveDate>,
    makeup: HashSet<NaiveDate>,
}

/// The days off and make-up working days of the years it knows.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    years: BTreeMap<i32, YearDays>,
}

/// A date counted in working days, and the years that had no calendar (Mon–Fri assumed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    pub date: NaiveDate,
    pub assumed_years: Vec<i32>,
}

impl Counted {
    /// The warning a user reads when a year had no calendar.
    pub fn warning(&self) -> Option<String> {
        (!self.assumed_years.is_empty()).then(|| {
            let years: Vec<String> = self.assumed_years.iter().map(|y| y.to_string()).collect();
            format!(
                "{} 年没有节假日安排数据，已按周一至周五计算工作日，请核对",
                years.join("、")
            )
        })
    }
}

impl Calendar {
    /// The calendars shipped with workplan (2016–2026).
    pub fn builtin() -> Self {
        let mut c = Calendar::default();
        for text in BUILTIN {
            // The shipped files are checked by a test; a bad one would simply be absent.
            let _ = c.add_year(text);
        }
        c
    }

    /// Adds one year's file (`{"year", "holidays": [{"date"}], "makeup_workdays": [...]}`).
    pub fn add_year(&mut self, json: &str) -> Result<i32, String> {
        let f: YearFile =
            serde_json::from_str(json).map_err(|e| format!("节假日数据格式有误：{e}"))?;
        let days = YearDays {
            off: f.holidays.iter().map(|d| d.date).collect(),
            makeup: f.makeup_workdays.iter().map(|d| d.date).collect(),
        };
        self.years.insert(f.year, days);
        Ok(f.year)
    }

    /// Whether the calendar has data for a year.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// Whether a date is a working day (Mon–Fri for years without data).
    pub fn is_workday(&self, d: NaiveDate) -> bool {
        let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        match self.years.get(&d.year()) {
            Some(y) if y.makeup.contains(&d) => true,
            Some(y) if y.off.contains(&d) => false,
            _ => !weekend,
        }
    }

    /// The `n`th working day after `from` ("文件公开后3个工作日内" from the publication date).
    pub fn add_workdays(&self, from: NaiveDate, n: u32) -> Counted {
        let mut d = from;
        let mut counted = 0;
        let mut assumed = Vec::new();
        while counted < n {
            d = d + Days::new(1);
            if !self.covers(d.year()) && !assumed.contains(&d.year()) {
                assumed.push(d.year());
            }
            if self.is_workday(d) {
                counted += 1;
            }
        }
        Counted {
            date: d,
            assumed_years: assumed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn every_shipped_year_loads() {
        let mut c = Calendar::default();
        for text in BUILTIN {
            c.add_year(text).expect("year file");
        }
        for y in 2016..=2026 {
            assert!(c.covers(y), "{y}");
        }
    }

    #[test]
    fn days() {
        let c = Calendar::builtin();
        let cases: &[(&str, bool)] = &[
            ("2024-02-09", true),  // 除夕, a normal Friday
            ("2024-02-12", false), // Spring Festival
            ("2024-02-18", true),  // make-up Sunday
            ("2024-02-17", false), // Saturday inside the holiday
            ("2024-10-07", false),
            ("2024-10-12", true), // make-up Saturday
            ("2025-01-26", true), // make-up Sunday before Spring Festival
            ("2025-02-04", false),
            ("2025-10-06", false), // 中秋 inside National Day
            ("2025-10-11", true),
            ("2025-10-18", false), // an ordinary Saturday
            ("2030-01-07", true),  // no data: Monday
        ];
        for (date, workday) in cases {
            assert_eq!(c.is_workday(d(date)), *workday, "{date}");
        }
    }

    #[test]
    fn counting_across_holidays_and_make_up_days() {
        let c = Calendar::builtin();
        // (event date, working days, due) worked out by hand from the State Council notices.
        let cases: &[(&str, u32, &str)] = &[
            ("2024-02-08", 3, "2024-02-19"), // Fri 9th, make-up Sun 18th, Mon 19th
            ("2024-09-27", 3, "2024-10-08"), // make-up Sun 29th, Mon 30th, then after the week off
            ("2024-09-27", 5, "2024-10-10"),
            ("2025-01-24", 2, "2025-01-27"), // make-up Sun 26th, Mon 27th
            ("2025-01-24", 3, "2025-02-05"), // then the eight days off
            ("2025-09-26", 4, "2025-10-09"), // make-up Sun 28th, 29th, 30th, Thu 9 Oct
            ("2025-09-26", 6, "2025-10-11"), // Fri 10th, make-up Sat 11th
            ("2021-06-01", 0, "2021-06-01"),
        ];
        for (from, n, due) in cases {
            let got = c.add_workdays(d(from), *n);
            assert_eq!(got.date, d(due), "{from} + {n}");
            assert!(got.warning().is_none());
        }
    }

    #[test]
    fn years_without_data_fall_back_to_weekdays_and_say_so() {
        let c = Calendar::builtin();
        let got = c.add_workdays(d("2030-01-04"), 1); // Friday
        assert_eq!(got.date, d("2030-01-07"));
        assert_eq!(got.assumed_years, vec![2030]);
        assert!(got.warning().unwrap_or_default().contains("2030"));
    }
}
