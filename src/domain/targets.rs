//! Countable targets inside requirements (不少于两次, 每年至少专题研究2次 …).

use serde::Serialize;

use super::deadline::{normalise_numbers, Period};

/// A countable goal: at least `min_count` `unit`s, per period or over the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    /// The phrase as written (after numeral normalisation).
    pub raw: String,
    pub min_count: u32,
    pub unit: String,
    pub per: Option<Period>,
}

const KEYWORDS: &[&str] = &["不少于", "不低于", "至少", "最少", "不得少于"];
const UNITS: &[&str] = &[
    "人次", "课时", "学时", "次", "期", "场", "篇", "条", "批", "轮", "天", "份", "项", "个",
];
/// How many characters a verb may take between the keyword and the count (至少专题研究2次).
const MAX_GAP: usize = 8;

/// Finds every countable target in a text.
pub fn parse_targets(text: &str) -> Vec<Target> {
    let mut out = Vec::new();
    // Only clauses with a keyword can hold a target; most requirement text has none.
    for raw_clause in text.split(['。', '；', ';', '，', ',', '\n']) {
        // Every keyword has 少 or 低: a cheap character test skips most clauses.
        if !raw_clause.contains(['少', '低']) || !KEYWORDS.iter().any(|k| raw_clause.contains(k))
        {
            continue;
        }
        let clause = normalise_numbers(raw_clause);
        let clause = clause.as_str();
        let mut search_from = 0;
        while let Some((k_at, k_len)) = find_keyword(clause, search_from) {
            let after = &clause[k_at + k_len..];
            let mut found = None;
            for (gap, (i, _)) in after.char_indices().enumerate() {
                if gap > MAX_GAP {
                    break;
                }
                let n_len = after[i..].bytes().take_while(u8::is_ascii_digit).count();
                if n_len == 0 {
                    continue;
                }
                let tail = &after[i + n_len..];
                let tail = tail.strip_prefix(' ').unwrap_or(tail);
                if let Some(unit) = UNITS.iter().find(|u| tail.starts_with(*u)) {
                    let end = k_at
                        + k_len
                        + i
                        + n_len
                        + (after[i + n_len..].len() - tail.len())
                        + unit.len();
                    found = Some((
                        after[i..i + n_len].parse::<u32>().ok(),
                        unit.to_string(),
                        end,
                    ));
                }
                break;
            }
            match found {
                Some((Some(n), unit, end)) if n > 0 => {
                    let head = &clause[..k_at];
                    let per = head
                        .rfind('每')
                        .and_then(|i| period_after(&head[i + '每'.len_utf8()..]));
                    let start = head.rfind('每').filter(|_| per.is_some()).unwrap_or(k_at);
                    out.push(Target {
                        raw: clause[start..end].to_string(),
                        min_count: n,
                        unit,
                        per,
                    });
                    search_from = end;
                }
                _ => search_from = k_at + k_len,
            }
        }
    }
    out
}

/// The next keyword (不少于 / 至少 / …) at or after byte `from`: its start and length.
fn find_keyword(clause: &str, from: usize) -> Option<(usize, usize)> {
    // Scan for 少/低 and look around it, cheaper than a substring search per keyword.
    for (i, c) in clause[from..].char_indices() {
        if c != '少' && c != '低' {
            continue;
        }
        let at = from + i;
        for k in KEYWORDS {
            let center = k.find(c);
            if let Some(offset) = center {
                // `get`: the keyword's start may fall inside a character before it
                // (不#少于), which is no keyword at all.
                if at >= from + offset
                    && clause
                        .get(at - offset..)
                        .is_some_and(|rest| rest.starts_with(k))
                {
                    return Some((at - offset, k.len()));
                }
            }
        }
    }
    None
}

fn period_after(s: &str) -> Option<Period> {
    [
        ("季度", Period::Quarter),
        ("半年", Period::HalfYear),
        ("月", Period::Month),
        ("周", Period::Week),
        ("年", Period::Year),
    ]
    .into_iter()
    .find(|(w, _)| s.starts_with(w))
    .map(|(_, p)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        type Case<'a> = (&'a str, &'a [(u32, &'a str, Option<Period>)]);
        let cases: &[Case] = &[
            ("开展精准推送不少于两次", &[(2, "次", None)]),
            ("组织政务公开通识培训不少于1次", &[(1, "次", None)]),
            (
                "每年至少专题研究2次政务公开工作",
                &[(2, "次", Some(Period::Year))],
            ),
            (
                "政务新媒体每周至少更新1次",
                &[(1, "次", Some(Period::Week))],
            ),
            ("每年不少于10课时", &[(10, "课时", Some(Period::Year))]),
            ("至少开展一次培训", &[(1, "次", None)]),
            ("每季度至少1次", &[(1, "次", Some(Period::Quarter))]),
            (
                "编发简报不少于3期，每月至少更新2次",
                &[(3, "期", None), (2, "次", Some(Period::Month))],
            ),
            (
                "主要负责同志每年至少听取1次政务公开工作汇报",
                &[(1, "次", Some(Period::Year))],
            ),
            ("持续深化地方政府债务信息公开", &[]),
            ("至少要认真落实", &[]),
            ("", &[]),
            // Found by the fuzzer: a keyword's middle character after a narrow one.
            ("不#少于2次", &[]),
            ("对关注少不少度高的政策推送工作不#少于两次", &[]),
            ("不低于", &[]),
        ];
        for (text, want) in cases {
            let got: Vec<(u32, String, Option<Period>)> = parse_targets(text)
                .into_iter()
                .map(|t| (t.min_count, t.unit, t.per))
                .collect();
            let want: Vec<(u32, String, Option<Period>)> = want
                .iter()
                .map(|(n, u, p)| (*n, u.to_string(), *p))
                .collect();
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn raw_is_the_phrase() {
        let t = parse_targets("主要负责同志每年至少听取1次政务公开工作汇报");
        assert_eq!(t[0].raw, "每年至少听取1次");
    }
}
