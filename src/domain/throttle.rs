//! Login throttling: too many failures for one user name locks it for a while.

use chrono::{Duration, NaiveDateTime};

/// Failures allowed inside the window before further attempts are refused.
pub const MAX_FAILURES: usize = 5;

/// How far back failures count.
pub fn window() -> Duration {
    Duration::minutes(15)
}

/// Given the times of recent failed logins for one name, says how long the name must wait
/// before it may try again (`None`: it may try now).
pub fn retry_after(failures: &[NaiveDateTime], now: NaiveDateTime) -> Option<Duration> {
    let mut recent: Vec<NaiveDateTime> = failures
        .iter()
        .copied()
        .filter(|t| *t > now - window() && *t <= now)
        .collect();
    if recent.len() < MAX_FAILURES {
        return None;
    }
    // Newest first: the name is free again once the MAX_FAILURES-th newest failure ages out.
    recent.sort_unstable_by(|a, b| b.cmp(a));
    let frees_at = recent[MAX_FAILURES - 1] + window();
    Some((frees_at - now).max(Duration::seconds(1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn t(min: i64, sec: i64) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2021, 9, 30)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("date")
            + Duration::minutes(min)
            + Duration::seconds(sec)
    }

    #[test]
    fn table() {
        // (failure minutes after 09:00, now in minutes, expected wait in seconds)
        let cases: &[(&[i64], i64, Option<i64>)] = &[
            (&[], 0, None),
            (&[0, 1, 2, 3], 4, None),
            (&[0, 1, 2, 3, 4], 5, Some(10 * 60)),
            (&[0, 1, 2, 3, 4, 5], 6, Some(10 * 60)),
            (&[0, 1, 2, 3, 4], 15, None),
            (&[0, 1, 2, 3, 4], 14, Some(60)),
            (&[-30, -20, 1, 2, 3], 4, None),
        ];
        for (fails, now, want) in cases {
            let fails: Vec<_> = fails.iter().map(|m| t(*m, 0)).collect();
            let got = retry_after(&fails, t(*now, 0)).map(|d| d.num_seconds());
            assert_eq!(got, *want, "failures {fails:?} at +{now}min");
        }
    }

    #[test]
    fn wait_is_never_zero() {
        let fails: Vec<_> = (0..5).map(|s| t(0, s)).collect();
        // One second before the oldest failure ages out.
        let got = retry_after(&fails, t(14, 59)).expect("still locked");
        assert_eq!(got.num_seconds(), 1);
    }
}
