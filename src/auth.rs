//! Passwords (argon2) and login tokens (JWT, HS256).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::domain::role::Role;

/// Why a password or token was not accepted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    #[error("{0}")]
    WeakPassword(#[from] crate::domain::password::PasswordProblem),
    #[error("无法处理密码")]
    Hash,
    #[error("登录已失效，请重新登录")]
    BadToken,
}

/// A fresh random string of `len` URL-safe characters (secrets, feed and CSRF tokens).
pub fn random_token(len: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
        .collect()
}

/// Hashes a new password of the account `username` after checking it against the password
/// rules (`domain::password`).
pub fn hash_password(password: &str, username: &str) -> Result<String, AuthError> {
    crate::domain::password::check(password, Some(username))?;
    hash(password)
}

fn hash(password: &str) -> Result<String, AuthError> {
    let mut bytes = [0u8; 16];
    rand::rng().fill(&mut bytes);
    let salt = SaltString::encode_b64(&bytes).map_err(|_| AuthError::Hash)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| AuthError::Hash)
}

/// Checks a password against a stored hash.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash no password matches, verified for unknown names so both cases take equal time.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash(&random_token(24)).unwrap_or_default())
}

/// What a login token says about its holder.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// The user's id.
    pub sub: String,
    /// The user name, for display.
    pub name: String,
    /// The role code.
    pub role: Role,
    /// The user's division id, for division staff.
    pub division: Option<i32>,
    /// Per-login secret that forms and cookie-authenticated API writes must echo.
    pub csrf: String,
    /// The server-side session this token belongs to: the token works while it lasts.
    pub sid: String,
    pub iat: i64,
    pub exp: i64,
}

impl Claims {
    /// The user id in `sub`.
    pub fn user_id(&self) -> Result<i32, AuthError> {
        self.sub.parse().map_err(|_| AuthError::BadToken)
    }
}

/// Signs and checks tokens with one secret.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    minutes: i64,
}

impl TokenKeys {
    /// Keys from the configured secret; tokens live `minutes`.
    pub fn new(secret: &str, minutes: i64) -> Self {
        TokenKeys {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            minutes,
        }
    }

    /// How long a token lives, in seconds (also the cookie's Max-Age).
    pub fn lifetime_secs(&self) -> i64 {
        self.minutes * 60
    }

    /// A signed token for a user.
    pub fn issue(
        &self,
        user_id: i32,
        name: &str,
        role: Role,
        division: Option<i32>,
        session_key: &str,
    ) -> Result<(String, Claims), AuthError> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_string(),
            name: name.to_string(),
            role,
            division,
            csrf: random_token(32),
            sid: session_key.to_string(),
            iat: now,
            exp: now + self.lifetime_secs(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|_| AuthError::BadToken)?;
        Ok((token, claims))
    }

    /// Verifies signature, algorithm (HS256 only, so `alg: none` fails) and expiry.
    pub fn verify(&self, token: &str) -> Result<Claims, AuthError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map(|d| d.claims)
            .map_err(|_| AuthError::BadToken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords() {
        assert!(matches!(
            hash_password("short", "sun"),
            Err(AuthError::WeakPassword(_))
        ));
        let h = hash_password("长城长城长城长城-2021a", "sun").expect("hash");
        assert!(verify_password("长城长城长城长城-2021a", &h));
        assert!(!verify_password("长城长城长城长城-2021", &h));
        assert!(!verify_password("anything", "not a hash"));
        assert!(!verify_password("anything", dummy_hash()));
    }

    #[test]
    fn tokens() {
        let keys = TokenKeys::new("a-secret-of-enough-length-for-hs256-use", 10);
        let (token, claims) = keys
            .issue(7, "wang", Role::Division, Some(3), "session-key")
            .expect("issue");
        let back = keys.verify(&token).expect("verify");
        assert_eq!(back, claims);
        assert_eq!(back.user_id(), Ok(7));
        let other = TokenKeys::new("another-secret-of-enough-length-here!!", 10);
        assert_eq!(other.verify(&token), Err(AuthError::BadToken));
        let expired = TokenKeys::new("a-secret-of-enough-length-for-hs256-use", -1);
        let (old, _) = expired
            .issue(7, "wang", Role::Division, Some(3), "session-key")
            .expect("issue");
        assert_eq!(keys.verify(&old), Err(AuthError::BadToken));
    }

    #[test]
    fn unsigned_tokens_are_refused() {
        use base64_engine as b64;
        let keys = TokenKeys::new("a-secret-of-enough-length-for-hs256-use", 10);
        let header = b64(r#"{"alg":"none","typ":"JWT"}"#);
        let exp = chrono::Utc::now().timestamp() + 600;
        let body = b64(&format!(
            r#"{{"sub":"1","name":"x","role":"office","division":null,"csrf":"c","iat":0,"exp":{exp}}}"#
        ));
        assert_eq!(
            keys.verify(&format!("{header}.{body}.")),
            Err(AuthError::BadToken)
        );
    }

    /// Base64url without padding, enough for hand-made test tokens.
    fn base64_engine(s: &str) -> String {
        const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let b = s.as_bytes();
        let mut out = String::new();
        for chunk in b.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, x)| acc | (*x as u32) << (16 - 8 * i));
            for i in 0..=chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }
}
