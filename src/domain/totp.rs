//! The second factor: time-based one-time codes (RFC 6238, HMAC-SHA1, 6 digits, 30 s), as
//! every authenticator app makes them, and one-time recovery codes.

use hmac::{Hmac, Mac};
use sha1::Sha1;

use super::password::same_secret;

/// Seconds each code lives.
pub const STEP_SECS: i64 = 30;
/// Digits of a code.
pub const DIGITS: u32 = 6;
/// How many recovery codes an enrolment gives.
pub const RECOVERY_CODES: usize = 10;

/// The code for the 30-second step holding unix time `at` (RFC 6238 with RFC 4226's
/// dynamic truncation).
pub fn code_at(secret: &[u8], at: i64) -> String {
    let counter = at.div_euclid(STEP_SECS) as u64;
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else {
        // HMAC takes keys of any length; this cannot happen.
        return String::new();
    };
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[19] & 0x0f) as usize;
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    format!(
        "{:0width$}",
        binary % 10u32.pow(DIGITS),
        width = DIGITS as usize
    )
}

/// The step a code typed at unix time `now` matches: this one, or one step either side (a
/// phone's clock a little off, a code typed as it changed). `None`: no match. Steps at or
/// before `last_used` are refused, so a code seen over a shoulder cannot be used again.
pub fn matching_step(secret: &[u8], typed: &str, now: i64, last_used: Option<i64>) -> Option<i64> {
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != DIGITS as usize || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let step = now.div_euclid(STEP_SECS);
    [step - 1, step, step + 1].into_iter().find(|s| {
        last_used.is_none_or(|last| *s > last)
            && same_secret(&code_at(secret, s * STEP_SECS), &typed)
    })
}

/// A secret as an authenticator app takes it typed in: base32 without padding.
pub fn secret_text(secret: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(secret)
}

/// Reads a secret written by [`secret_text`].
pub fn secret_from_text(text: &str) -> Option<Vec<u8>> {
    data_encoding::BASE32_NOPAD.decode(text.as_bytes()).ok()
}

/// The `otpauth://` address the enrolment QR code holds (the Key Uri Format apps read).
pub fn enrolment_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        enc(issuer),
        enc(account),
        secret_text(secret),
        enc(issuer)
    )
}

/// A recovery code as typed: case, spaces and dashes do not matter.
pub fn normalise_recovery_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA1 key.
    const RFC_KEY: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc_6238_test_vectors() {
        // (time, the RFC's 8-digit code): ours are its last 6 digits.
        let cases = [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        for (at, rfc) in cases {
            assert_eq!(code_at(RFC_KEY, at), &rfc[2..], "at {at}");
        }
    }

    #[test]
    fn a_code_matches_its_step_and_the_neighbours_once() {
        let now = 1_234_567_890;
        let step = now / STEP_SECS;
        let current = code_at(RFC_KEY, now);
        let previous = code_at(RFC_KEY, now - STEP_SECS);
        let too_old = code_at(RFC_KEY, now - 2 * STEP_SECS);
        // (typed, last used step, expected matching step)
        let cases = [
            (current.clone(), None, Some(step)),
            (format!(" {} ", &current), None, Some(step)),
            (previous.clone(), None, Some(step - 1)),
            (too_old, None, None),
            (current.clone(), Some(step), None),
            (current.clone(), Some(step - 1), Some(step)),
            (previous, Some(step - 1), None),
            ("12345".to_string(), None, None),
            ("abcdef".to_string(), None, None),
            (String::new(), None, None),
        ];
        for (typed, last, want) in cases {
            assert_eq!(
                matching_step(RFC_KEY, &typed, now, last),
                want,
                "{typed:?} after {last:?}"
            );
        }
    }

    #[test]
    fn secrets_and_addresses() {
        assert_eq!(
            secret_text(b"12345678901234567890"),
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        );
        assert_eq!(
            secret_from_text("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").as_deref(),
            Some(&b"12345678901234567890"[..])
        );
        assert_eq!(secret_from_text("not base32!"), None);
        let uri = enrolment_uri("政务公开工作台账", "wang li", RFC_KEY);
        assert!(uri.starts_with("otpauth://totp/%E6%94%BF"), "{uri}");
        assert!(uri.contains(":wang%20li?secret=GEZDGNBVGY3TQOJQ"), "{uri}");
        assert!(uri.ends_with("&digits=6&period=30"), "{uri}");
        assert_eq!(normalise_recovery_code(" AB12-cd34 "), "ab12cd34");
    }
}
