//! Login sessions: when one is still good, and why it ended.
//!
//! A session is a row on the server, named in the login token; every request checks it, so
//! ending it (logout, a password or role change, the office) takes effect at once on every
//! instance, whatever the token's own expiry says.

use chrono::{Duration, NaiveDateTime};
use serde::Serialize;

/// How long sessions last: without activity, and at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionRules {
    /// A session nobody has used for this long is over (`WORKPLAN_IDLE_MINUTES`).
    pub idle: Duration,
    /// No session outlives this, however busy (`WORKPLAN_TOKEN_MINUTES`).
    pub lifetime: Duration,
}

/// The session rules, how old a password may grow and who must have a second factor, as
/// configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionPolicy {
    pub rules: SessionRules,
    /// A password older than this must be changed (`WORKPLAN_PASSWORD_MAX_DAYS`); `None`: never.
    pub password_max_age: Option<Duration>,
    /// Roles that must set up the second factor first (`WORKPLAN_TOTP_REQUIRED_ROLES`).
    pub second_factor_roles: Vec<crate::domain::role::Role>,
}

/// Whether a user may go on with the password they have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordStanding {
    /// Their own, and young enough.
    Settled,
    /// Given by the office: to be changed before anything else.
    Temporary,
    /// Older than the configured maximum age.
    Expired,
}

impl PasswordStanding {
    /// What the user is told when asked to change it.
    pub fn reason(self) -> Option<&'static str> {
        match self {
            PasswordStanding::Settled => None,
            PasswordStanding::Temporary => {
                Some("您正在使用办公室设置的临时密码，请先修改密码后再继续使用")
            }
            PasswordStanding::Expired => {
                Some("您的密码已超过规定的使用期限，请修改密码后再继续使用")
            }
        }
    }
}

impl SessionPolicy {
    /// What a user of `role` must still do before anything else: change the password
    /// (first), or set up the second factor; `None`: nothing.
    pub fn unsettled(
        &self,
        password: PasswordStanding,
        role: crate::domain::role::Role,
        has_second_factor: bool,
    ) -> Option<Unsettled> {
        if password != PasswordStanding::Settled {
            Some(Unsettled::Password(password))
        } else if !has_second_factor && self.second_factor_roles.contains(&role) {
            Some(Unsettled::SecondFactor)
        } else {
            None
        }
    }

    /// Where a password set at `changed_at` (temporary or not) stands at `now`.
    pub fn password(
        &self,
        temporary: bool,
        changed_at: NaiveDateTime,
        now: NaiveDateTime,
    ) -> PasswordStanding {
        if temporary {
            PasswordStanding::Temporary
        } else if self
            .password_max_age
            .is_some_and(|max| now - changed_at >= max)
        {
            PasswordStanding::Expired
        } else {
            PasswordStanding::Settled
        }
    }
}

/// Something a user must do before the rest of the product opens to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsettled {
    /// Change the password (temporary or too old).
    Password(PasswordStanding),
    /// Set up the second factor (their role requires one).
    SecondFactor,
}

impl Unsettled {
    /// What the user is told.
    pub fn reason(self) -> &'static str {
        match self {
            Unsettled::Password(p) => p.reason().unwrap_or_default(),
            Unsettled::SecondFactor => "您的角色须开启两步验证，请先用手机验证器扫描二维码完成设置",
        }
    }
}

/// How often a session's last activity is written: a busy user is not a write per request,
/// at the cost of the idle limit being this much less precise.
pub fn seen_granularity() -> Duration {
    Duration::seconds(60)
}

/// Why a session ended before its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// The user logged out.
    Logout,
    /// The password was changed or reset.
    Password,
    /// The role or division changed.
    Role,
    /// The account was disabled.
    Disabled,
    /// The office ended it.
    Office,
}

impl EndReason {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::Logout => "logout",
            EndReason::Password => "password",
            EndReason::Role => "role",
            EndReason::Disabled => "disabled",
            EndReason::Office => "office",
        }
    }

    /// Reads a stored code.
    pub fn parse(s: &str) -> Option<Self> {
        [
            EndReason::Logout,
            EndReason::Password,
            EndReason::Role,
            EndReason::Disabled,
            EndReason::Office,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }

    /// What a reader is told.
    pub fn label(self) -> &'static str {
        match self {
            EndReason::Logout => "已退出",
            EndReason::Password => "密码已更改",
            EndReason::Role => "角色或处室已变更",
            EndReason::Disabled => "账号已停用",
            EndReason::Office => "办公室已结束",
        }
    }
}

/// Where a session stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "state", content = "reason")]
pub enum SessionState {
    /// Still good.
    Active,
    /// Unused for longer than the idle limit.
    Idle,
    /// Older than the longest a session may live.
    Expired,
    /// Ended on purpose.
    Ended(EndReason),
}

impl SessionState {
    /// Whether requests in this session are served.
    pub fn is_active(self) -> bool {
        self == SessionState::Active
    }

    /// What a reader is told.
    pub fn label(self) -> &'static str {
        match self {
            SessionState::Active => "在线",
            SessionState::Idle => "闲置超时",
            SessionState::Expired => "已过期",
            SessionState::Ended(r) => r.label(),
        }
    }
}

impl SessionRules {
    /// Where a session created at `created`, last used at `last_seen` and perhaps `ended`
    /// stands at `now`.
    pub fn state(
        &self,
        created: NaiveDateTime,
        last_seen: NaiveDateTime,
        ended: Option<EndReason>,
        now: NaiveDateTime,
    ) -> SessionState {
        if let Some(reason) = ended {
            SessionState::Ended(reason)
        } else if now - created >= self.lifetime {
            SessionState::Expired
        } else if now - last_seen >= self.idle {
            SessionState::Idle
        } else {
            SessionState::Active
        }
    }

    /// Whether a request at `now` should record itself as the session's last activity.
    pub fn seen_is_due(&self, last_seen: NaiveDateTime, now: NaiveDateTime) -> bool {
        now - last_seen >= seen_granularity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(min: i64) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, 2)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("date")
            + Duration::minutes(min)
    }

    #[test]
    fn state_table() {
        let rules = SessionRules {
            idle: Duration::minutes(30),
            lifetime: Duration::minutes(480),
        };
        // (created, last seen, ended, now, expected)
        let cases = [
            (0, 0, None, 0, SessionState::Active),
            (0, 0, None, 29, SessionState::Active),
            (0, 0, None, 30, SessionState::Idle),
            (0, 100, None, 120, SessionState::Active),
            (0, 470, None, 479, SessionState::Active),
            (0, 470, None, 480, SessionState::Expired),
            (0, 0, None, 600, SessionState::Expired),
            (
                0,
                0,
                Some(EndReason::Logout),
                1,
                SessionState::Ended(EndReason::Logout),
            ),
            (
                0,
                0,
                Some(EndReason::Office),
                900,
                SessionState::Ended(EndReason::Office),
            ),
        ];
        for (created, seen, ended, now, want) in cases {
            assert_eq!(
                rules.state(at(created), at(seen), ended, at(now)),
                want,
                "created {created}, seen {seen}, ended {ended:?}, now {now}"
            );
        }
    }

    #[test]
    fn seen_is_written_at_most_once_a_minute() {
        let rules = SessionRules {
            idle: Duration::minutes(30),
            lifetime: Duration::minutes(480),
        };
        assert!(!rules.seen_is_due(at(0), at(0)));
        assert!(!rules.seen_is_due(at(0), at(0) + Duration::seconds(59)));
        assert!(rules.seen_is_due(at(0), at(1)));
    }

    #[test]
    fn password_table() {
        let rules = SessionRules {
            idle: Duration::minutes(30),
            lifetime: Duration::minutes(480),
        };
        let day = 24 * 60;
        // (max age in days, temporary, changed, now in minutes, expected)
        let cases = [
            (None, false, 0, 1000 * day, PasswordStanding::Settled),
            (None, true, 0, 0, PasswordStanding::Temporary),
            (Some(90), false, 0, 89 * day, PasswordStanding::Settled),
            (Some(90), false, 0, 90 * day, PasswordStanding::Expired),
            (Some(90), true, 0, 1, PasswordStanding::Temporary),
        ];
        for (max, temporary, changed, now, want) in cases {
            let policy = SessionPolicy {
                rules,
                password_max_age: max.map(Duration::days),
                second_factor_roles: vec![],
            };
            assert_eq!(
                policy.password(temporary, at(changed), at(now)),
                want,
                "max {max:?}, temporary {temporary}, now {now}"
            );
        }
        assert!(PasswordStanding::Settled.reason().is_none());
        assert!(PasswordStanding::Expired.reason().is_some());
    }

    #[test]
    fn unsettled_table() {
        use crate::domain::role::Role;
        let policy = SessionPolicy {
            rules: SessionRules {
                idle: Duration::minutes(30),
                lifetime: Duration::minutes(480),
            },
            password_max_age: None,
            second_factor_roles: vec![Role::Office],
        };
        let temp = PasswordStanding::Temporary;
        let ok = PasswordStanding::Settled;
        // (password, role, has a second factor, expected)
        let cases = [
            (ok, Role::Office, true, None),
            (ok, Role::Office, false, Some(Unsettled::SecondFactor)),
            (ok, Role::Division, false, None),
            (temp, Role::Office, false, Some(Unsettled::Password(temp))),
            (temp, Role::Division, true, Some(Unsettled::Password(temp))),
        ];
        for (password, role, has, want) in cases {
            assert_eq!(
                policy.unsettled(password, role, has),
                want,
                "{password:?} {role:?} {has}"
            );
        }
    }

    #[test]
    fn reasons_round_trip() {
        for r in [
            EndReason::Logout,
            EndReason::Password,
            EndReason::Role,
            EndReason::Disabled,
            EndReason::Office,
        ] {
            assert_eq!(EndReason::parse(r.as_str()), Some(r));
            assert!(!r.label().is_empty());
        }
        assert_eq!(EndReason::parse("nope"), None);
    }
}
