//! Property tests: no text of any shape makes a phrase parser panic.

use proptest::prelude::*;

use super::deadline::{find_dates_in_text, parse_deadline, DeadlineOptions};
use super::numbering::{lead_phrase, leading_number};
use super::responsible::{from_columns, parse_responsible};
use super::targets::parse_targets;

/// Text built from the characters the parsers look at, so the search reaches deep paths.
fn plan_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "年",
        "月",
        "日",
        "底",
        "前",
        "末",
        "上旬",
        "中旬",
        "下旬",
        "季度",
        "每",
        "全年",
        "工作日",
        "个",
        "后",
        "之日起",
        "统一部署",
        "根据",
        "的",
        "不少于",
        "至少",
        "次",
        "课时",
        "（",
        "）",
        "(",
        ")",
        "、",
        "，",
        ",",
        "；",
        "：",
        "牵头",
        "配合单位：",
        "（牵头）",
        "一",
        "十",
        "二〇二一",
        "０",
        "９",
        "1",
        "12",
        "2021",
        "-",
        ".",
        "/",
        "。",
        " ",
        "\u{3000}",
        "处",
        "各有关处室",
        "é",
        "😀",
    ]);
    prop::collection::vec(pieces, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn deadline_parsers_never_panic(t in plan_text(), year in 1990i32..2100, flag: bool) {
        let opts = DeadlineOptions { before_month_means_previous_month_end: flag };
        let p = parse_deadline(&t, year, &opts);
        prop_assert_eq!(p.deadline.raw.as_str(), t.trim());
        let _ = find_dates_in_text(&t, year, &opts);
    }

    #[test]
    fn other_parsers_never_panic(t in plan_text(), u in plan_text()) {
        let _ = parse_targets(&t);
        let r = parse_responsible(&t);
        prop_assert!(r.lead.iter().chain(&r.support).all(|n| !n.is_empty()));
        let _ = from_columns(&t, &u);
        let _ = leading_number(&t);
        let _ = lead_phrase(&t);
    }

    #[test]
    fn arbitrary_unicode_never_panics(t in ".{0,40}") {
        let opts = DeadlineOptions::default();
        let _ = parse_deadline(&t, 2021, &opts);
        let _ = find_dates_in_text(&t, 2021, &opts);
        let _ = parse_targets(&t);
        let _ = parse_responsible(&t);
        let _ = leading_number(&t);
    }
}
