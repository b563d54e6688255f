//! Deadline phrases (完成时限): free text read into a structured deadline for a plan year.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::numbering::parse_number;

/// How often recurring work falls due (also the `per` of a target).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Week,
    Month,
    Quarter,
    HalfYear,
    Year,
}

impl Period {
    /// Reads a stored code.
    pub fn parse(code: &str) -> Option<Self> {
        [
            Period::Week,
            Period::Month,
            Period::Quarter,
            Period::HalfYear,
            Period::Year,
        ]
        .into_iter()
        .find(|p| p.as_str() == code)
    }

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Week => "week",
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::HalfYear => "half_year",
            Period::Year => "year",
        }
    }

    /// Reads 每周 / 每月 / 每季度 / 每半年 / 每年 (the word after 每).
    fn after_mei(text: &str) -> Option<(Period, usize)> {
        [
            ("季度", Period::Quarter),
            ("半年", Period::HalfYear),
            ("个月", Period::Month),
            ("月", Period::Month),
            ("周", Period::Week),
            ("星期", Period::Week),
            ("年", Period::Year),
            ("季", Period::Quarter),
        ]
        .into_iter()
        .find(|(w, _)| text.starts_with(w))
        .map(|(w, p)| (p, w.len()))
    }
}

/// The kind of a deadline (DESIGN §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    Date,
    YearRound,
    Ongoing,
    Recurring,
    PerHigherAuthority,
    Relative,
    Done,
    Unspecified,
}

impl DeadlineKind {
    /// Every kind.
    pub const ALL: [DeadlineKind; 8] = [
        DeadlineKind::Date,
        DeadlineKind::YearRound,
        DeadlineKind::Ongoing,
        DeadlineKind::Recurring,
        DeadlineKind::PerHigherAuthority,
        DeadlineKind::Relative,
        DeadlineKind::Done,
        DeadlineKind::Unspecified,
    ];

    /// Reads a stored code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == code)
    }

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::Date => "date",
            DeadlineKind::YearRound => "year_round",
            DeadlineKind::Ongoing => "ongoing",
            DeadlineKind::Recurring => "recurring",
            DeadlineKind::PerHigherAuthority => "per_higher_authority",
            DeadlineKind::Relative => "relative",
            DeadlineKind::Done => "done",
            DeadlineKind::Unspecified => "unspecified",
        }
    }
}

/// A deadline: the phrase as written and what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub raw: String,
    pub kind: DeadlineKind,
    pub due: Option<NaiveDate>,
    /// The body whose arrangements set the date (per_higher_authority).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    /// How often (recurring).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// What the working days count from (relative).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workdays: Option<u32>,
    /// Calendar days from the event (relative, 印发之日起30日内).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
}

impl Deadline {
    fn new(raw: &str, kind: DeadlineKind, due: Option<NaiveDate>) -> Self {
        Deadline {
            raw: raw.to_string(),
            kind,
            due,
            authority: None,
            period: None,
            event: None,
            workdays: None,
            days: None,
        }
    }

    /// A deadline given as a date (an Excel date cell).
    pub fn on_date(raw: &str, due: NaiveDate) -> Self {
        Deadline::new(raw, DeadlineKind::Date, Some(due))
    }
}

/// Conventions that differ between agencies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineOptions {
    /// "9月前" means by the end of August (the seed documents' convention); false: by the
    /// end of September.
    pub before_month_means_previous_month_end: bool,
}

impl Default for DeadlineOptions {
    fn default() -> Self {
        DeadlineOptions {
            before_month_means_previous_month_end: true,
        }
    }
}

/// A deadline read from a phrase, with what had to be assumed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineParse {
    pub deadline: Deadline,
    /// Nothing in the phrase gave the date: the plan's year end was assumed.
    pub inferred: bool,
    pub warnings: Vec<String>,
}

fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.pred_opt())
}

fn is_chinese_numeral(c: char) -> bool {
    matches!(
        c,
        '零' | '〇' | '一' | '二' | '两' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
    )
}

/// Rewrites full-width digits and Chinese numerals that count days, months, quarters or
/// times (十一月 → 11月, 二〇二一年 → 2021年, 两次 → 2次) as ASCII digits.
pub fn normalise_numbers(text: &str) -> String {
    let plain = |c: char| {
        !(is_chinese_numeral(c)
            || ('０'..='９').contains(&c)
            || matches!(c, '．' | '／' | '－' | '—'))
    };
    if text.chars().all(plain) {
        return text.to_string();
    }
    let chars: Vec<char> = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '／' => '/',
            '－' | '—' => '-',
            other => other,
        })
        .collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if is_chinese_numeral(chars[i]) {
            let start = i;
            while i < chars.len() && is_chinese_numeral(chars[i]) {
                i += 1;
            }
            let run: String = chars[start..i].iter().collect();
            let next = chars.get(i).copied().unwrap_or(' ');
            let counts = "月日号季个年周次期课场篇条批轮人天份项".contains(next);
            // 二〇二一 is a year written digit by digit.
            let year = next == '年' && run.chars().count() == 4 && !run.contains('十');
            let converted = if year {
                run.chars()
                    .map(|c| {
                        "〇一二三四五六七八九"
                            .chars()
                            .position(|d| d == c)
                            .or((c == '零').then_some(0))
                    })
                    .collect::<Option<Vec<usize>>>()
                    .map(|d| d.iter().map(|n| n.to_string()).collect::<String>())
            } else if counts {
                parse_number(&run).map(|n| n.to_string())
            } else {
                None
            };
            out.push_str(&converted.unwrap_or(run));
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Reads digits at the start of `s`: the number and how many bytes it took.
fn digits(s: &str) -> Option<(u32, usize)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 || n > 4 {
        return None;
    }
    s[..n].parse().ok().map(|v| (v, n))
}

/// A dated phrase found in a text, with where it starts.
#[derive(Debug, Clone, Copy)]
struct Found {
    due: NaiveDate,
}

/// Finds every dated phrase in normalised text, in order.
fn find_dates(t: &str, year: i32, opts: &DeadlineOptions) -> Vec<Found> {
    let mut found = Vec::new();
    let bytes = t.as_bytes();
    let mut i = 0;
    while i < t.len() {
        if !t.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let rest = &t[i..];
        // Whole-year words first (年底, 年内, 上半年 …), optionally after a year.
        if let Some((due, used)) = year_word(rest, year) {
            found.push(Found { due });
            i += used;
            continue;
        }
        let preceded_by_digit = i > 0 && bytes[i - 1].is_ascii_digit();
        if let (false, Some((n, used))) = (preceded_by_digit, digits(rest)) {
            if let Some((due, more)) = date_after_number(&rest[used..], n, year, opts) {
                let after = &rest[used + more..];
                let before = &t[..i];
                // 从2019年1月1日起 starts the work; 2019年1月1日至12月31日 ends at its second
                // date: neither first date is when the work is due.
                let starts = ["起", "开始", "以来", "之日起"]
                    .iter()
                    .any(|w| after.starts_with(w))
                    || before.ends_with('从') && !after.starts_with(['前', '底', '末']);
                let range_start = ["至", "到", "～", "~", "—", "-"]
                    .iter()
                    .any(|w| after.starts_with(w))
                    && after.chars().nth(1).is_some_and(|c| c.is_ascii_digit());
                if !starts && !range_start {
                    found.push(Found { due });
                }
                i += used + more;
                continue;
            }
            i += used;
            continue;
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    found
}

/// 年底, 年末, 年内, 年中, 上半年, 下半年, 全年 is not a date (year-round).
fn year_word(rest: &str, year: i32) -> Option<(NaiveDate, usize)> {
    let end = NaiveDate::from_ymd_opt(year, 12, 31)?;
    let mid = NaiveDate::from_ymd_opt(year, 6, 30)?;
    for (w, due) in [
        ("上半年", mid),
        ("下半年", end),
        ("年底", end),
        ("年末", end),
        ("年内", end),
        ("年中", mid),
        ("年度内", end),
    ] {
        if rest.starts_with(w) {
            return Some((due, w.len()));
        }
    }
    None
}

/// After a number: 年… (a year), 月… (a month), 季度 (a quarter), -MM-DD / .MM / /MM/DD.
fn date_after_number(
    after: &str,
    n: u32,
    year: i32,
    opts: &DeadlineOptions,
) -> Option<(NaiveDate, usize)> {
    // 2021-10-15, 2021/10/15, 2021.10.15, 2021.10, 2021-10
    if (1990..=2100).contains(&n) {
        if let Some(sep) = after
            .chars()
            .next()
            .filter(|c| matches!(c, '-' | '/' | '.'))
        {
            let (m, mu) = digits(&after[1..])?;
            let y = n as i32;
            let tail = &after[1 + mu..];
            if tail.starts_with(sep) {
                if let Some((d, du)) = digits(&tail[1..]) {
                    return NaiveDate::from_ymd_opt(y, m, d).map(|x| (x, 1 + mu + 1 + du));
                }
            }
            return month_end(y, m)
                .filter(|_| (1..=12).contains(&m))
                .map(|x| (x, 1 + mu));
        }
        if let Some(after_year) = after.strip_prefix('年') {
            let y = n as i32;
            // 2019年底 / 2019年年底 / 2019年内: that year's words, in that year.
            if let Some((due, used)) = year_word(after, y) {
                return Some((due, used));
            }
            if let Some((due, used)) = year_word(after_year, y) {
                return Some((due, '年'.len_utf8() + used));
            }
            // 2020年前 / 2025年完成: by the end of that year (the usual reading of 年前).
            for w in ["以前", "之前", "前", "完成", "内"] {
                if after_year.starts_with(w) {
                    return NaiveDate::from_ymd_opt(y, 12, 31)
                        .map(|d| (d, '年'.len_utf8() + w.len()));
                }
            }
            if let Some((m, mu)) = digits(after_year) {
                if let Some((due, more)) = after_month(&after_year[mu..], m, y, opts) {
                    return Some((due, '年'.len_utf8() + mu + more));
                }
            }
            return None;
        }
        return None;
    }
    if (1..=12).contains(&n) {
        if let Some(due) = after_month(after, n, year, opts) {
            return Some(due);
        }
    }
    // 第三季度 / 三季度末 / 一季度
    if (1..=4).contains(&n) && (after.starts_with("季度") || after.starts_with('季')) {
        let used = if after.starts_with("季度") {
            "季度".len()
        } else {
            '季'.len_utf8()
        };
        return month_end(year, n * 3).map(|d| (d, used));
    }
    None
}

/// After "M": 月D日 / 月底 / 月末 / 月上旬 / 月中旬 / 月下旬 / 月前 / 月.
fn after_month(
    after: &str,
    m: u32,
    year: i32,
    opts: &DeadlineOptions,
) -> Option<(NaiveDate, usize)> {
    let rest = after.strip_prefix('月')?;
    let base = '月'.len_utf8();
    if let Some((d, du)) = digits(rest) {
        let tail = &rest[du..];
        if tail.starts_with('日') || tail.starts_with('号') {
            return NaiveDate::from_ymd_opt(year, m, d).map(|x| (x, base + du + 3));
        }
        return None;
    }
    for (w, day) in [
        ("上旬", Some(10)),
        ("中旬", Some(20)),
        ("下旬", None),
        ("底", None),
        ("末", None),
    ] {
        if rest.starts_with(w) {
            let due = match day {
                Some(d) => NaiveDate::from_ymd_opt(year, m, d),
                None => month_end(year, m),
            };
            return due.map(|x| (x, base + w.len()));
        }
    }
    if rest.starts_with('前') || rest.starts_with("以前") || rest.starts_with("之前") {
        let due = if opts.before_month_means_previous_month_end {
            NaiveDate::from_ymd_opt(year, m, 1).and_then(|d| d.pred_opt())
        } else {
            month_end(year, m)
        };
        return due.map(|x| (x, base + '前'.len_utf8()));
    }
    // "6月完成", "10月份": by the end of that month.
    if rest.starts_with('份') || rest.is_empty() || !rest.starts_with(|c: char| c.is_ascii_digit())
    {
        return month_end(year, m).map(|x| (x, base));
    }
    None
}

/// How a relative deadline counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Counting {
    Workdays,
    /// Calendar days (印发之日起30日内).
    Days,
}

/// 文件公开后3个工作日内 → (文件公开, 3, working days); 印发之日起30日内 → (印发, 30, days).
fn relative(t: &str) -> Option<(String, u32, Counting)> {
    let (at, counting) = match t.find("工作日") {
        Some(at) => (at, Counting::Workdays),
        None => (t.find("日内").or_else(|| t.find("天内"))?, Counting::Days),
    };
    let before = &t[..at];
    let before = before.strip_suffix('个').unwrap_or(before);
    let count_len = before.bytes().rev().take_while(u8::is_ascii_digit).count();
    if count_len == 0 {
        return None;
    }
    let count: u32 = before[before.len() - count_len..].parse().ok()?;
    let mut event = &before[..before.len() - count_len];
    let mut marked = false;
    for suffix in ["之日起", "之日后", "之日", "以后", "后", "起"] {
        if let Some(e) = event.strip_suffix(suffix) {
            event = e;
            marked = true;
            break;
        }
    }
    // Calendar days count from an event only when the text says from what (…起30日内).
    if counting == Counting::Days && !marked {
        return None;
    }
    // The event is the clause just before the count.
    let start = event
        .rfind(['，', ',', '；', ';', '。', '、'])
        .map_or(0, |i| {
            i + event[i..].chars().next().map_or(1, char::len_utf8)
        });
    let event = event[start..].trim();
    let event = event
        .strip_prefix("自")
        .or_else(|| event.strip_prefix("在"))
        .unwrap_or(event)
        .trim();
    Some((event.to_string(), count, counting))
}

/// A relative deadline from what [`relative`] read.
fn relative_deadline(raw: &str, event: String, count: u32, counting: Counting) -> Deadline {
    let mut d = Deadline::new(raw, DeadlineKind::Relative, None);
    d.event = Some(event);
    match counting {
        Counting::Workdays => d.workdays = Some(count),
        Counting::Days => d.days = Some(count),
    }
    d
}

/// 根据市政务公开办的统一部署 → 市政务公开办; 按上级要求 → 上级.
fn authority(t: &str) -> Option<String> {
    let end = [
        "统一部署",
        "统一安排",
        "统一要求",
        "部署要求",
        "工作部署",
        "部署",
    ]
    .iter()
    .find_map(|w| t.find(w))
    .or_else(|| {
        (t.contains("上级要求") || t.contains("上级部署")).then(|| t.find("上级").unwrap_or(0))
    })?;
    if t[..end].ends_with("上") || t[end..].starts_with("上级") {
        return Some("上级".to_string());
    }
    let head = &t[..end];
    let start = ["根据", "按照", "依据", "依照", "遵照", "按"]
        .iter()
        .filter_map(|w| head.rfind(w).map(|i| i + w.len()))
        .max()
        .unwrap_or(0);
    let body = head[start..].trim().trim_end_matches('的').trim();
    if body.is_empty() {
        return Some("上级".to_string());
    }
    Some(body.to_string())
}

/// Reads a deadline cell for plan year `year`.
pub fn parse_deadline(raw: &str, year: i32, opts: &DeadlineOptions) -> DeadlineParse {
    let raw_trim = raw.trim();
    let year_end = NaiveDate::from_ymd_opt(year, 12, 31);
    if raw_trim.is_empty() {
        return DeadlineParse {
            deadline: Deadline::new("", DeadlineKind::Unspecified, year_end),
            inferred: true,
            warnings: Vec::new(),
        };
    }
    let t = normalise_numbers(raw_trim);
    let ok = |d: Deadline| DeadlineParse {
        deadline: d,
        inferred: false,
        warnings: Vec::new(),
    };
    if t.contains("已完成") || t == "完成" {
        return ok(Deadline::new(raw_trim, DeadlineKind::Done, None));
    }
    if let Some(earliest) = find_dates(&t, year, opts).into_iter().map(|f| f.due).min() {
        return ok(Deadline::new(raw_trim, DeadlineKind::Date, Some(earliest)));
    }
    if let Some((event, count, counting)) = relative(&t) {
        return ok(relative_deadline(raw_trim, event, count, counting));
    }
    if let Some(body) = authority(&t) {
        let mut d = Deadline::new(raw_trim, DeadlineKind::PerHigherAuthority, None);
        d.authority = Some(body);
        return ok(d);
    }
    if t.contains("全年") {
        return ok(Deadline::new(raw_trim, DeadlineKind::YearRound, year_end));
    }
    // 每季度 / 按季度 / 逐月: recurring work.
    let recurring = t.char_indices().find_map(|(i, c)| {
        matches!(c, '每' | '按' | '逐')
            .then(|| Period::after_mei(&t[i + c.len_utf8()..]))
            .flatten()
    });
    {
        if let Some((period, _)) = recurring {
            let due = match period {
                Period::Week => NaiveDate::from_ymd_opt(year, 1, 1).map(|d| {
                    let to_sunday = (7 - d.weekday().num_days_from_sunday()) % 7;
                    d + chrono::Days::new(u64::from(to_sunday))
                }),
                Period::Month => month_end(year, 1),
                Period::Quarter => month_end(year, 3),
                Period::HalfYear => month_end(year, 6),
                Period::Year => year_end,
            };
            let mut d = Deadline::new(raw_trim, DeadlineKind::Recurring, due);
            d.period = Some(period);
            return ok(d);
        }
    }
    if ["长期", "持续", "常态化", "不定期", "随时", "及时"]
        .iter()
        .any(|w| t.contains(w))
    {
        return ok(Deadline::new(raw_trim, DeadlineKind::Ongoing, None));
    }
    DeadlineParse {
        deadline: Deadline::new(raw_trim, DeadlineKind::Unspecified, year_end),
        inferred: true,
        warnings: vec![format!(
            "无法识别完成时限“{raw_trim}”，暂按年底计，请核对后修改"
        )],
    }
}

/// Finds a deadline written inside an item's text ("3月31日前发布…"): the earliest dated
/// phrase, else a working-day phrase; `None` when the text sets no deadline.
pub fn find_dates_in_text(text: &str, year: i32, opts: &DeadlineOptions) -> Option<Deadline> {
    let t = normalise_numbers(text);
    let mut best: Option<(NaiveDate, String)> = None;
    // Only phrases that say "by": a date followed by 前/底/末/内 or a bare date with 日.
    for clause in t.split(['。', '；', ';', '，', ',']) {
        for f in find_dates(clause, year, opts) {
            if best.as_ref().is_none_or(|(d, _)| f.due < *d) {
                best = Some((f.due, clause.trim().to_string()));
            }
        }
    }
    if let Some((due, clause)) = best {
        return Some(Deadline::new(&clause, DeadlineKind::Date, Some(due)));
    }
    let (event, count, counting) = relative(&t)?;
    Some(relative_deadline(text.trim(), event, count, counting))
}

/// The years a date given by hand may fall in: a plan's dates lie within this century, and
/// a date far outside it is a typing slip (and would break calendar arithmetic).
pub const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Whether a date typed by a person (a due date, an event date, an extension) is plausible.
pub fn plausible(date: NaiveDate) -> bool {
    PLAUSIBLE_YEARS.contains(&date.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plausible_table() {
        for (date, want) in [
            ("2021-03-31", true),
            ("2000-01-01", true),
            ("2100-12-31", true),
            ("1999-12-31", false),
            ("2101-01-01", false),
            ("9999-12-31", false),
        ] {
            let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").expect(date);
            assert_eq!(plausible(d), want, "{date}");
        }
        assert!(!plausible(NaiveDate::MAX));
    }

    fn d(s: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
    }

    #[test]
    fn phrases_for_2021() {
        use DeadlineKind::*;
        let opts = DeadlineOptions::default();
        let cases: &[(&str, DeadlineKind, Option<&str>)] = &[
            ("3月31日前", Date, Some("2021-03-31")),
            ("9月30日", Date, Some("2021-09-30")),
            ("2021年10月底前", Date, Some("2021-10-31")),
            ("10月底前", Date, Some("2021-10-31")),
            ("6月底前", Date, Some("2021-06-30")),
            ("11月中旬", Date, Some("2021-11-20")),
            ("十一月中旬", Date, Some("2021-11-20")),
            ("5月上旬", Date, Some("2021-05-10")),
            ("2月下旬", Date, Some("2021-02-28")),
            ("上半年", Date, Some("2021-06-30")),
            ("下半年", Date, Some("2021-12-31")),
            ("第一季度", Date, Some("2021-03-31")),
            ("一季度", Date, Some("2021-03-31")),
            ("三季度末", Date, Some("2021-09-30")),
            ("年底前", Date, Some("2021-12-31")),
            ("年内", Date, Some("2021-12-31")),
            ("12月底前", Date, Some("2021-12-31")),
            ("2021年底前", Date, Some("2021-12-31")),
            ("2021-10-15", Date, Some("2021-10-15")),
            ("2021/10/15", Date, Some("2021-10-15")),
            ("2021.10", Date, Some("2021-10-31")),
            ("２０２１年３月３１日前", Date, Some("2021-03-31")),
            ("二〇二一年六月底", Date, Some("2021-06-30")),
            ("9月前", Date, Some("2021-08-31")),
            ("2022年1月前", Date, Some("2021-12-31")),
            ("3月31日前，每季度更新", Date, Some("2021-03-31")),
            ("6月底前、9月底前", Date, Some("2021-06-30")),
            ("全年", YearRound, Some("2021-12-31")),
            ("全年持续", YearRound, Some("2021-12-31")),
            ("长期坚持", Ongoing, None),
            ("持续推进", Ongoing, None),
            ("常态化", Ongoing, None),
            ("每季度", Recurring, Some("2021-03-31")),
            ("每季度末", Recurring, Some("2021-03-31")),
            ("每月", Recurring, Some("2021-01-31")),
            ("每周", Recurring, Some("2021-01-03")),
            ("每年", Recurring, Some("2021-12-31")),
            ("根据市政务公开办的统一部署", PerHigherAuthority, None),
            ("按照市财政局统一部署", PerHigherAuthority, None),
            ("按上级要求", PerHigherAuthority, None),
            ("文件公开后3个工作日内", Relative, None),
            ("清单调整后10个工作日内", Relative, None),
            ("收到申请之日起20个工作日内", Relative, None),
            ("收到申请之日起二十个工作日内", Relative, None),
            ("印发之日起30日内", Relative, None),
            ("已完成", Done, None),
            ("2019年底", Date, Some("2019-12-31")),
            ("2019年年底前", Date, Some("2019-12-31")),
            ("2022年底前", Date, Some("2022-12-31")),
            ("2020年6月底前完成并长期坚持", Date, Some("2020-06-30")),
            ("2019年6月底前", Date, Some("2019-06-30")),
            ("2023年完成", Date, Some("2023-12-31")),
            ("按月", Recurring, Some("2021-01-31")),
            ("2021年1月1日至12月31日", Date, Some("2021-12-31")),
            ("2021年3月至2022年6月", Date, Some("2022-06-30")),
            ("从2021年1月1日起，年底前完成", Date, Some("2021-12-31")),
            ("按季度", Recurring, Some("2021-03-31")),
            ("按季度报送", Recurring, Some("2021-03-31")),
            ("", Unspecified, Some("2021-12-31")),
            ("尽快", Unspecified, Some("2021-12-31")),
        ];
        for (raw, kind, due) in cases {
            let p = parse_deadline(raw, 2021, &opts);
            assert_eq!(
                (p.deadline.kind, p.deadline.due),
                (*kind, due.and_then(d)),
                "{raw}"
            );
            assert_eq!(p.inferred, *kind == Unspecified, "{raw}");
            assert_eq!(p.deadline.raw, raw.trim());
        }
    }

    #[test]
    fn details() {
        let opts = DeadlineOptions::default();
        type Case<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Option<u32>);
        let cases: &[Case] = &[
            (
                "根据市政务公开办的统一部署",
                Some("市政务公开办"),
                None,
                None,
            ),
            (
                "根据市发展改革委的统一部署",
                Some("市发展改革委"),
                None,
                None,
            ),
            ("按照市财政局统一部署", Some("市财政局"), None, None),
            (
                "根据市政务服务数据管理局的统一部署",
                Some("市政务服务数据管理局"),
                None,
                None,
            ),
            ("按上级要求", Some("上级"), None, None),
            ("文件公开后3个工作日内", None, Some("文件公开"), Some(3)),
            ("清单调整后10个工作日内", None, Some("清单调整"), Some(10)),
            (
                "收到申请之日起20个工作日内",
                None,
                Some("收到申请"),
                Some(20),
            ),
        ];
        for (raw, authority, event, workdays) in cases {
            let p = parse_deadline(raw, 2021, &opts).deadline;
            assert_eq!(p.authority.as_deref(), *authority, "{raw}");
            assert_eq!(p.event.as_deref(), *event, "{raw}");
            assert_eq!(p.workdays, *workdays, "{raw}");
        }
        assert_eq!(
            parse_deadline("每季度", 2021, &opts).deadline.period,
            Some(Period::Quarter)
        );
    }

    #[test]
    fn relative_wins_over_recurring_and_unknown_warns() {
        let opts = DeadlineOptions::default();
        let p = parse_deadline("每年，文件公开后3个工作日内", 2021, &opts);
        assert_eq!(p.deadline.kind, DeadlineKind::Relative);
        let p = parse_deadline("视情况而定", 2021, &opts);
        assert_eq!(p.warnings.len(), 1);
        assert!(p.warnings[0].contains("视情况而定"));
    }

    #[test]
    fn before_month_convention_is_a_setting() {
        let other = DeadlineOptions {
            before_month_means_previous_month_end: false,
        };
        assert_eq!(
            parse_deadline("9月前", 2021, &other).deadline.due,
            d("2021-09-30")
        );
    }

    #[test]
    fn dates_inside_text() {
        let opts = DeadlineOptions::default();
        let cases: &[(&str, Option<&str>)] = &[
            ("继续对重大行政决策事项实行目录源头管理，3月31日前发布本单位重大行政决策事项目录。", Some("2022-03-31")),
            ("2022年底前通过政府网站集中公开。", Some("2022-12-31")),
            ("优化历史公文转化公开和公文属性审查相关工作机制。", None),
            ("对照《国务院办公厅关于全面推进基层政务公开标准化规范化工作的指导意见》（国办发〔2019〕54号）", None),
            ("每年至少听取1次汇报。", None),
        ];
        for (text, due) in cases {
            let got = find_dates_in_text(text, 2022, &opts).and_then(|x| x.due);
            assert_eq!(got, due.and_then(d), "{text}");
        }
    }

    #[test]
    fn numerals() {
        assert_eq!(normalise_numbers("十一月中旬"), "11月中旬");
        assert_eq!(normalise_numbers("不少于两次"), "不少于2次");
        assert_eq!(normalise_numbers("一哄而上"), "一哄而上");
        assert_eq!(normalise_numbers("二〇二一年"), "2021年");
        assert_eq!(normalise_numbers("３月"), "3月");
    }
}
