//! The agency's time zone: times are stored in UTC and every time a person reads is shown
//! in this zone (`WORKPLAN_TIMEZONE`, an IANA name such as `Asia/Shanghai`).

use chrono::{NaiveDate, NaiveDateTime, TimeZone};

/// The zone times are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone(chrono_tz::Tz);

/// The zone when none is configured: mainland China's.
pub const DEFAULT_ZONE: &str = "Asia/Shanghai";

impl Default for Zone {
    fn default() -> Self {
        Zone(chrono_tz::Asia::Shanghai)
    }
}

impl Zone {
    /// Reads an IANA zone name; `None` for a name the zone database does not know.
    pub fn parse(name: &str) -> Option<Zone> {
        name.trim().parse::<chrono_tz::Tz>().ok().map(Zone)
    }

    /// The zone's IANA name.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The zone as people in it call it: 北京时间 for China's zones, else its name.
    pub fn label(self) -> &'static str {
        match self.0.name() {
            "Asia/Shanghai" | "Asia/Chongqing" | "Asia/Harbin" | "PRC" => "北京时间",
            other => other,
        }
    }

    /// A stored UTC time as the agency's wall-clock time.
    pub fn local(self, utc: NaiveDateTime) -> NaiveDateTime {
        self.0.from_utc_datetime(&utc).naive_local()
    }

    /// A stored UTC time as a person reads it: local, to the minute (`2021-03-01 08:30`).
    /// Every time shown on a page or in a workbook goes through here.
    pub fn show(self, utc: NaiveDateTime) -> String {
        self.local(utc).format("%Y-%m-%d %H:%M").to_string()
    }

    /// The local calendar day of a stored UTC time.
    pub fn day(self, utc: NaiveDateTime) -> NaiveDate {
        self.local(utc).date()
    }

    /// Today in the agency's zone.
    pub fn today(self) -> NaiveDate {
        self.day(chrono::Utc::now().naive_utc())
    }

    /// The UTC instant at which a local day begins (for "from this day" filters); the
    /// earliest one when a clock change makes midnight ambiguous or missing.
    pub fn day_start(self, day: NaiveDate) -> NaiveDateTime {
        let midnight = day.and_time(chrono::NaiveTime::MIN);
        match self.0.from_local_datetime(&midnight) {
            chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => t.naive_utc(),
            // Midnight skipped by a clock change: the day begins an hour later.
            chrono::LocalResult::None => self
                .0
                .from_local_datetime(&(midnight + chrono::Duration::hours(1)))
                .earliest()
                .map_or(midnight, |t| t.naive_utc()),
        }
    }
}

/// How long before `now` a moment was, as a sentence says it (刚刚, 5 分钟前, 3 小时前,
/// 2 天前): the same words in every time zone.
pub fn ago(then: NaiveDateTime, now: NaiveDateTime) -> String {
    let minutes = (now - then).num_minutes().max(0);
    match minutes {
        0 => "刚刚".to_string(),
        1..=59 => format!("{minutes} 分钟前"),
        60..=1439 => format!("{} 小时前", minutes / 60),
        _ => format!("{} 天前", minutes / 1440),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("time")
    }

    #[test]
    fn utc_times_as_people_read_them() {
        // (zone, stored UTC, shown, local day)
        let cases = [
            (
                "Asia/Shanghai",
                "2021-03-01 00:30",
                "2021-03-01 08:30",
                "2021-03-01",
            ),
            (
                "Asia/Shanghai",
                "2021-12-31 16:00",
                "2022-01-01 00:00",
                "2022-01-01",
            ),
            (
                "Asia/Shanghai",
                "2021-07-01 15:59",
                "2021-07-01 23:59",
                "2021-07-01",
            ),
            ("UTC", "2021-03-01 00:30", "2021-03-01 00:30", "2021-03-01"),
            // Summer and winter time where the zone has them.
            (
                "Europe/Berlin",
                "2021-07-01 12:00",
                "2021-07-01 14:00",
                "2021-07-01",
            ),
            (
                "Europe/Berlin",
                "2021-01-15 12:00",
                "2021-01-15 13:00",
                "2021-01-15",
            ),
            (
                "America/New_York",
                "2021-03-01 02:00",
                "2021-02-28 21:00",
                "2021-02-28",
            ),
        ];
        for (name, utc, shown, day) in cases {
            let z = Zone::parse(name).expect(name);
            assert_eq!(z.show(at(utc)), shown, "{name} {utc}");
            assert_eq!(z.day(at(utc)).to_string(), day, "{name} {utc}");
        }
    }

    #[test]
    fn ago_table() {
        let now = at("2021-03-01 12:00");
        let cases = [
            ("2021-03-01 12:00", "刚刚"),
            ("2021-03-01 12:05", "刚刚"),
            ("2021-03-01 11:59", "1 分钟前"),
            ("2021-03-01 11:01", "59 分钟前"),
            ("2021-03-01 11:00", "1 小时前"),
            ("2021-02-28 12:01", "23 小时前"),
            ("2021-02-27 12:00", "2 天前"),
        ];
        for (then, want) in cases {
            assert_eq!(ago(at(then), now), want, "{then}");
        }
    }

    #[test]
    fn zone_names() {
        assert_eq!(Zone::default().name(), DEFAULT_ZONE);
        assert_eq!(Zone::parse(" Asia/Shanghai "), Some(Zone::default()));
        for bad in ["", "Beijing", "Asia/Beijing", "UTC+8"] {
            assert_eq!(Zone::parse(bad), None, "{bad:?}");
        }
        for (zone, label) in [
            ("Asia/Shanghai", "北京时间"),
            ("Asia/Chongqing", "北京时间"),
            ("Asia/Urumqi", "Asia/Urumqi"),
            ("Europe/London", "Europe/London"),
        ] {
            assert_eq!(Zone::parse(zone).expect(zone).label(), label);
        }
    }

    #[test]
    fn local_days_begin_at_local_midnight() {
        let d = NaiveDate::from_ymd_opt(2021, 3, 1).expect("date");
        let shanghai = Zone::default();
        assert_eq!(shanghai.day_start(d), at("2021-02-28 16:00"));
        let utc = Zone::parse("UTC").expect("utc");
        assert_eq!(utc.day_start(d), at("2021-03-01 00:00"));
    }
}
