//! The second factor (TOTP): setting it up, checking it at login, turning it off, and the
//! office resetting it when a phone is lost.

use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Audit, Caller};
use crate::db::models::User;
use crate::db::queries;
use crate::db::{DbConnection, WriteTx};
use crate::domain::session::EndReason;
use crate::domain::totp;
use crate::error::AppError;

/// What the authenticator app is given to set the factor up.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Enrolment {
    /// The secret, base32, for typing in by hand.
    pub secret: String,
    /// The `otpauth://` address the QR code holds.
    pub uri: String,
    /// The QR code, drawn on the server as an SVG image.
    pub qr_svg: String,
}

/// Where the caller's second factor stands.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SecondFactorStatus {
    /// Codes are asked at every login.
    pub enabled: bool,
    /// A setup was begun and awaits its first code.
    pub pending: bool,
    /// Unused recovery codes.
    pub recovery_codes_left: i64,
}

/// A code from the authenticator app (or, at login and to turn it off, a recovery code).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct CodeInput {
    pub code: String,
}

/// The recovery codes of a finished setup, shown once.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecoveryCodes {
    /// Each works once, in place of a code, when the phone is not at hand.
    pub recovery_codes: Vec<String>,
}

/// The name the authenticator app shows the account under.
const ISSUER: &str = "政务公开工作台账";

fn user_of(conn: &mut DbConnection, caller: &Caller) -> Result<User, AppError> {
    let id = caller.user_id.ok_or_else(|| {
        AppError::Forbidden("命令行没有两步验证，请以用户身份登录后设置".to_string())
    })?;
    queries::users::get(conn, id)?.ok_or(AppError::Unauthenticated)
}

fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The caller's second factor.
pub fn status(conn: &mut DbConnection, caller: &Caller) -> Result<SecondFactorStatus, AppError> {
    let user = user_of(conn, caller)?;
    Ok(SecondFactorStatus {
        enabled: user.totp_secret.is_some(),
        pending: user.totp_pending_secret.is_some(),
        recovery_codes_left: queries::second_factor::recovery_codes_left(conn, user.id)?,
    })
}

/// Begins setting up the second factor: a new secret, kept until the first code confirms
/// it (an earlier unfinished setup is replaced).
pub fn start(tx: &mut WriteTx<'_>, caller: &Caller) -> Result<Enrolment, AppError> {
    let user = user_of(tx, caller)?;
    if user.totp_secret.is_some() {
        return Err(AppError::Conflict(
            "两步验证已开启；如需换手机，请先关闭后重新设置".to_string(),
        ));
    }
    let mut secret = [0u8; 20];
    rand::rng().fill(&mut secret);
    let text = totp::secret_text(&secret);
    queries::second_factor::set_pending(tx, user.id, Some(&text))?;
    let uri = totp::enrolment_uri(ISSUER, &user.username, &secret);
    let qr_svg = qrcode::QrCode::new(uri.as_bytes())
        .map_err(|e| AppError::Internal(format!("QR code: {e}")))?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(220, 220)
        .build();
    // Inline in a page: without the XML declaration.
    let qr_svg = match qr_svg.find("<svg") {
        Some(i) => qr_svg[i..].to_string(),
        None => qr_svg,
    };
    Ok(Enrolment {
        secret: text,
        uri,
        qr_svg,
    })
}

fn recovery_hash(code: &str) -> String {
    hex::encode(Sha256::digest(
        totp::normalise_recovery_code(code).as_bytes(),
    ))
}

fn new_recovery_codes() -> Vec<String> {
    const CHARS: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..totp::RECOVERY_CODES)
        .map(|_| {
            let s: String = (0..10)
                .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
                .collect();
            format!("{}-{}", &s[..5], &s[5..])
        })
        .collect()
}

/// Finishes the setup with the first code from the app: from now on every login asks for a
/// code. Returns the recovery codes, shown this once.
pub fn confirm(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    code: &str,
    address: Option<&str>,
) -> Result<RecoveryCodes, AppError> {
    let user = user_of(tx, caller)?;
    let pending = user
        .totp_pending_secret
        .clone()
        .ok_or_else(|| AppError::Conflict("请先开始设置两步验证，再输入口令".to_string()))?;
    let secret = totp::secret_from_text(&pending)
        .ok_or_else(|| AppError::Internal("stored TOTP secret is not base32".to_string()))?;
    let step = totp::matching_step(&secret, code, now_unix(), None).ok_or_else(|| {
        AppError::invalid(
            "code",
            "口令不正确：请确认手机时间准确，并输入验证器上当前显示的 6 位数字",
        )
    })?;
    if !queries::second_factor::confirm(tx, user.id, &pending, step)? {
        return Err(AppError::stale("两步验证的设置"));
    }
    let codes = new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| recovery_hash(c)).collect();
    queries::second_factor::replace_recovery_codes(tx, user.id, &hashes, queries::now())?;
    Audit::of("session", user.id, "second_factor_enabled")
        .from_address(address)
        .record(tx, caller)?;
    Ok(RecoveryCodes {
        recovery_codes: codes,
    })
}

/// How a login's second factor was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    /// A code from the app.
    Code,
    /// A recovery code (now used up).
    RecoveryCode,
}

/// Checks a login's code (or recovery code) for `user` and uses it up, so it works once.
pub(super) fn check(tx: &mut WriteTx<'_>, user: &User, typed: &str) -> Result<Proof, AppError> {
    let secret = user
        .totp_secret
        .as_deref()
        .and_then(totp::secret_from_text)
        .ok_or_else(|| AppError::Internal("stored TOTP secret is not base32".to_string()))?;
    if let Some(step) = totp::matching_step(&secret, typed, now_unix(), user.totp_last_step) {
        if queries::second_factor::use_step(tx, user.id, step)? {
            return Ok(Proof::Code);
        }
        return Err(AppError::BadSecondFactor);
    }
    if queries::second_factor::use_recovery_code(
        tx,
        user.id,
        &recovery_hash(typed),
        queries::now(),
    )? {
        return Ok(Proof::RecoveryCode);
    }
    Err(AppError::BadSecondFactor)
}

/// Turns the caller's second factor off, proven by a current code or a recovery code.
/// Refused where the caller's role requires one.
pub fn disable(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    code: &str,
    required_roles: &[crate::domain::role::Role],
    address: Option<&str>,
) -> Result<(), AppError> {
    if required_roles.contains(&caller.role) {
        return Err(AppError::Forbidden(
            "您的角色必须开启两步验证，不能关闭；换手机请联系办公室重置".to_string(),
        ));
    }
    let user = user_of(tx, caller)?;
    if user.totp_secret.is_none() {
        return Ok(());
    }
    check(tx, &user, code).map_err(|_| {
        AppError::invalid("code", "口令不正确，请输入验证器上当前的口令或一个恢复码")
    })?;
    queries::second_factor::clear(tx, user.id)?;
    Audit::of("session", user.id, "second_factor_disabled")
        .from_address(address)
        .record(tx, caller)
}

/// The office removes a user's second factor (a lost phone): their sessions end, and they
/// set it up again at the next login where their role requires it.
pub fn reset(tx: &mut WriteTx<'_>, caller: &Caller, user_id: i32) -> Result<(), AppError> {
    caller.require_office()?;
    queries::users::get(tx, user_id)?.ok_or(AppError::NotFound("用户"))?;
    queries::second_factor::clear(tx, user_id)?;
    queries::sessions::end_all_of(
        tx,
        user_id,
        None,
        EndReason::Office.as_str(),
        queries::now(),
    )?;
    Audit::of("user", user_id, "second_factor_reset").record(tx, caller)
}
