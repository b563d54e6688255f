//! iCalendar (RFC 5545) feeds of deadlines and report due dates.

use chrono::{Days, NaiveDate, NaiveDateTime};

/// One all-day event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub uid: String,
    pub date: NaiveDate,
    pub summary: String,
    pub description: String,
}

/// Escapes text values (backslash, semicolon, comma, newline).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets without splitting a UTF-8 character.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

/// A calendar named `name` holding `events`, stamped `now` (UTC).
pub fn calendar(name: &str, events: &[Event], now: NaiveDateTime) -> String {
    let mut out = String::new();
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    for line in [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//workplan//zh-CN".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        format!("X-WR-CALNAME:{}", escape(name)),
        "X-WR-TIMEZONE:Asia/Shanghai".to_string(),
    ] {
        fold(&line, &mut out);
    }
    for e in events {
        // The day after, for the all-day event's end (the last representable day ends itself).
        let next = e.date.checked_add_days(Days::new(1)).unwrap_or(e.date);
        for line in [
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}", e.uid),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;VALUE=DATE:{}", e.date.format("%Y%m%d")),
            format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d")),
            format!("SUMMARY:{}", escape(&e.summary)),
            format!("DESCRIPTION:{}", escape(&e.description)),
            "TRANSP:TRANSPARENT".to_string(),
            "END:VEVENT".to_string(),
        ] {
            fold(&line, &mut out);
        }
    }
    fold("END:VCALENDAR", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_escaping_and_folding() {
        let d = NaiveDate::from_ymd_opt(2021, 3, 31).expect("date");
        let now = d.and_hms_opt(8, 0, 0).expect("time");
        let long = "推进".repeat(40);
        let text = calendar(
            "法规宣传处",
            &[Event {
                uid: "item-1@workplan".into(),
                date: d,
                summary: "1. 发布目录; 含逗号,和换行\n".into(),
                description: long.clone(),
            }],
            now,
        );
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(text.contains("DTSTART;VALUE=DATE:20210331\r\n"));
        assert!(text.contains("DTEND;VALUE=DATE:20210401\r\n"));
        assert!(text.contains("SUMMARY:1. 发布目录\\; 含逗号\\,和换行\\n\r\n"));
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "line of {} octets", line.len());
        }
        // Unfolding gives the description back whole.
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("DESCRIPTION:{long}")));
    }
}
