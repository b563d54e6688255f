//! The numbering of headings and items in plans: 一、 / （一） / 1. / （1）.

/// The style of a paragraph or cell's leading number, which tells its level in the outline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumberStyle {
    /// 一、 二、 … (Chinese numeral with 、)
    ChineseComma,
    /// （一） (一) … (Chinese numeral in parentheses)
    ChineseParen,
    /// 1. 1． 1、 … (Arabic numeral with a stop or 、)
    ArabicDot,
    /// （1） (1) … (Arabic numeral in parentheses)
    ArabicParen,
    /// ① ② … (circled numbers)
    Circled,
}

impl NumberStyle {
    /// The level official documents give this style (GB/T 9704: 一、 above （一） above 1.
    /// above （1）), so a heading of a higher style closes every deeper one.
    pub fn rank(self) -> u8 {
        match self {
            NumberStyle::ChineseComma => 0,
            NumberStyle::ChineseParen => 1,
            NumberStyle::ArabicDot => 2,
            NumberStyle::ArabicParen => 3,
            NumberStyle::Circled => 4,
        }
    }
}

/// A leading number found at the start of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbered<'a> {
    pub style: NumberStyle,
    /// The number as written, in Arabic digits ("15" for 15., "3" for （三）).
    pub number: String,
    /// The text after the number and its punctuation, trimmed.
    pub rest: &'a str,
}

/// Reads a number written in Chinese numerals (一 … 九十九, with 〇/零) or in ASCII or
/// full-width digits.
pub fn parse_number(s: &str) -> Option<u32> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if s.chars()
        .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    {
        let ascii: String = s
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                other => other,
            })
            .collect();
        return ascii.parse().ok();
    }
    let digit = |c: char| {
        "零一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .or(if c == '〇' || c == '两' {
                Some(if c == '两' { 2 } else { 0 })
            } else {
                None
            })
    };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        ['十', u] => Some(10 + digit(*u)? as u32),
        [t, '十'] => Some(digit(*t)? as u32 * 10),
        [t, '十', u] => Some(digit(*t)? as u32 * 10 + digit(*u)? as u32),
        [d] => digit(*d).map(|d| d as u32),
        _ => None,
    }
}

const CHINESE_DIGITS: &str = "零〇一二三四五六七八九十两";

/// Finds the leading number of a heading or item, if the text starts with one.
pub fn leading_number(text: &str) -> Option<Numbered<'_>> {
    let t = text.trim_start();
    let mut chars = t.char_indices();
    let (_, first) = chars.next()?;
    if ('①'..='⑳').contains(&first) {
        let n = first as u32 - '①' as u32 + 1;
        return Some(Numbered {
            style: NumberStyle::Circled,
            number: n.to_string(),
            rest: trim_separator(&t[first.len_utf8()..]),
        });
    }
    if first == '(' || first == '（' {
        // A number in parentheses is short: look for the closing one nearby only.
        let window_end = t.char_indices().nth(6).map_or(t.len(), |(i, _)| i);
        let close = t[..window_end].find([')', '）'])?;
        let inner = &t[first.len_utf8()..close];
        let rest_start = close + t[close..].chars().next().map_or(1, char::len_utf8);
        let style = if inner.chars().all(|c| CHINESE_DIGITS.contains(c)) {
            NumberStyle::ChineseParen
        } else if inner
            .chars()
            .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
        {
            NumberStyle::ArabicParen
        } else {
            return None;
        };
        let n = parse_number(inner)?;
        return Some(Numbered {
            style,
            number: n.to_string(),
            rest: trim_separator(&t[rest_start..]),
        });
    }
    let end = t
        .char_indices()
        .find(|(_, c)| {
            !(CHINESE_DIGITS.contains(*c) || c.is_ascii_digit() || ('０'..='９').contains(c))
        })
        .map(|(i, _)| i)?;
    if end == 0 {
        return None;
    }
    let digits = &t[..end];
    let after = t[end..].chars().next()?;
    let chinese = digits.chars().all(|c| CHINESE_DIGITS.contains(c));
    let style = match (chinese, after) {
        (true, '、') => NumberStyle::ChineseComma,
        (false, '.' | '．' | '、') => NumberStyle::ArabicDot,
        _ => return None,
    };
    // "2021.10" is a date, not item 2021: a dot followed by a digit is not a number mark.
    let rest = &t[end + after.len_utf8()..];
    if after == '.' && rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    // Plain ASCII digits without a leading zero are already the number as written.
    let number = if digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0') {
        digits.to_string()
    } else {
        parse_number(digits)?.to_string()
    };
    Some(Numbered {
        style,
        number,
        rest: trim_separator(rest),
    })
}

fn trim_separator(s: &str) -> &str {
    s.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
        .trim_end()
}

/// Splits an item's text into its lead phrase (to the first 。, without it) and the rest.
pub fn lead_phrase(text: &str) -> (&str, &str) {
    match text.find('。') {
        Some(i) => (text[..i].trim(), text[i + '。'.len_utf8()..].trim()),
        None => (text.trim(), ""),
    }
}

/// A heading's text without its number and trailing full stop (the task name it gives).
pub fn heading_title(text: &str) -> String {
    let rest = leading_number(text).map_or(text.trim(), |n| n.rest);
    rest.trim_end_matches(['。', '.', '；', ';'])
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use NumberStyle::*;

    #[test]
    fn numbers() {
        let cases: &[(&str, Option<u32>)] = &[
            ("一", Some(1)),
            ("十", Some(10)),
            ("十一", Some(11)),
            ("二十", Some(20)),
            ("三十一", Some(31)),
            ("两", Some(2)),
            ("15", Some(15)),
            ("１５", Some(15)),
            ("", None),
            ("十十", None),
            ("a", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_number(s), *want, "{s}");
        }
    }

    #[test]
    fn leading_numbers() {
        type Case<'a> = (&'a str, Option<(NumberStyle, &'a str, &'a str)>);
        let cases: &[Case] = &[
            (
                "一、紧扣“十四五”",
                Some((ChineseComma, "1", "紧扣“十四五”")),
            ),
            ("十二、其他", Some((ChineseComma, "12", "其他"))),
            (
                "(一) 做好各类规划主动公开。",
                Some((ChineseParen, "1", "做好各类规划主动公开。")),
            ),
            (
                "（三）提升依申请办理",
                Some((ChineseParen, "3", "提升依申请办理")),
            ),
            ("15. 重点围绕做好", Some((ArabicDot, "15", "重点围绕做好"))),
            (
                "1、 夯实政务公开基础",
                Some((ArabicDot, "1", "夯实政务公开基础")),
            ),
            ("２．加强", Some((ArabicDot, "2", "加强"))),
            (
                "（1） 优化文件分类",
                Some((ArabicParen, "1", "优化文件分类")),
            ),
            ("(12)做好", Some((ArabicParen, "12", "做好"))),
            ("①加强", Some((Circled, "1", "加强"))),
            ("⑫ 做好", Some((Circled, "12", "做好"))),
            ("１、加强", Some((ArabicDot, "1", "加强"))),
            ("2021.10", None),
            ("2021年底前", None),
            ("（牵头）", None),
            ("重点围绕", None),
            ("", None),
        ];
        for (text, want) in cases {
            let got = leading_number(text).map(|n| (n.style, n.number.clone(), n.rest));
            let want = want.map(|(s, n, r)| (s, n.to_string(), r));
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn phrases_and_titles() {
        assert_eq!(
            lead_phrase("规范公文备案。按照原则，优化目录。"),
            ("规范公文备案", "按照原则，优化目录。")
        );
        assert_eq!(lead_phrase("没有句号"), ("没有句号", ""));
        assert_eq!(
            heading_title("(一) 持续加强重大政策发布解读。"),
            "持续加强重大政策发布解读"
        );
        assert_eq!(
            heading_title("（三）推进基层政务公开标准化规范化"),
            "推进基层政务公开标准化规范化"
        );
    }
}
