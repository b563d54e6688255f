//! What a password must be (the identity rules an assessor checks, GB/T 22239): long enough,
//! of at least three kinds of character, not one of the common passwords the product ships
//! (`config/common-passwords.txt`), and not the user's own name.

use std::collections::HashSet;
use std::sync::OnceLock;

/// Shortest password accepted.
pub const MIN_CHARS: usize = 8;
/// Kinds of character (upper case, lower case, digit, symbol) a password must mix.
pub const MIN_KINDS: usize = 3;

/// Why a password is refused; the message tells the user what to choose instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("密码至少需要 8 个字符")]
    TooShort,
    #[error("密码须包含大写字母、小写字母、数字、符号中的至少三类")]
    TooFewKinds,
    #[error("这是常见密码，很容易被猜中，请换一个")]
    Common,
    #[error("密码不能包含用户名，请换一个")]
    ContainsName,
}

fn common() -> &'static HashSet<String> {
    static LIST: OnceLock<HashSet<String>> = OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("../../config/common-passwords.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_lowercase)
            .collect()
    })
}

/// How many of the four kinds of character `password` mixes (anything that is not an ASCII
/// letter or digit, a Chinese character too, counts as a symbol).
fn kinds(password: &str) -> usize {
    let has = |f: fn(&char) -> bool| password.chars().any(|c| f(&c));
    [
        has(char::is_ascii_uppercase),
        has(char::is_ascii_lowercase),
        has(char::is_ascii_digit),
        has(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|k| **k)
    .count()
}

/// Checks a new password for the account `username` (if known).
pub fn check(password: &str, username: Option<&str>) -> Result<(), PasswordProblem> {
    if password.chars().count() < MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if kinds(password) < MIN_KINDS {
        return Err(PasswordProblem::TooFewKinds);
    }
    let lower = password.to_lowercase();
    if common().contains(&lower) {
        return Err(PasswordProblem::Common);
    }
    if let Some(name) = username.map(|n| n.trim().to_lowercase()) {
        if name.chars().count() >= 3 && lower.contains(&name) {
            return Err(PasswordProblem::ContainsName);
        }
    }
    Ok(())
}

/// Compares two secrets (tokens, one-time codes) in time that does not depend on where they
/// differ, so an attacker cannot learn a secret from how long a refusal takes.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_whole() {
        let cases = [
            ("abc", "abc", true),
            ("abc", "abd", false),
            ("abc", "ab", false),
            ("", "", true),
        ];
        for (a, b, want) in cases {
            assert_eq!(same_secret(a, b), want, "{a:?} {b:?}");
        }
    }

    #[test]
    fn table() {
        use PasswordProblem::*;
        let cases: &[(&str, Option<&str>, Result<(), PasswordProblem>)] = &[
            ("12345678", None, Err(TooFewKinds)),
            ("short1!", None, Err(TooShort)),
            ("password", None, Err(TooFewKinds)),
            ("abcdefgh1", None, Err(TooFewKinds)),
            ("test-password-1", None, Ok(())),
            ("Zhengwu2021", None, Ok(())),
            ("长城长城长城长城1a", None, Ok(())),
            ("P@ssw0rd", None, Err(Common)),
            ("p@SSW0RD", None, Err(Common)),
            ("Admin@123", None, Err(Common)),
            ("1qaz@WSX", None, Err(Common)),
            ("liwei-2021!", Some("liwei"), Err(ContainsName)),
            ("LiWei-2021!", Some("liwei"), Err(ContainsName)),
            ("liwei-2021!", Some("zhang"), Ok(())),
            ("ab-Cd-2021", Some("ab"), Ok(())),
        ];
        for (pw, name, want) in cases {
            assert_eq!(check(pw, *name), *want, "{pw:?} for {name:?}");
        }
    }

    #[test]
    fn the_shipped_list_is_read_and_meets_the_other_rules() {
        // Every entry is one the other rules would let through: the list is what stops it.
        assert!(common().len() >= 100);
        for pw in common() {
            assert!(kinds(pw) >= MIN_KINDS - 1, "{pw}");
        }
    }
}
