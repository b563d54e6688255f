//! Logins and user accounts.

use serde::{Deserialize, Serialize};

use super::{Audit, Caller};
use crate::auth::{self, Claims, TokenKeys};
use crate::db::models::{NewSession, NewUser, SessionRow, User};
use crate::db::queries::{self, users::UserChange};
use crate::db::{Db, DbConnection, Job, WriteTx};
use crate::domain::role::Role;
use crate::domain::session::{EndReason, SessionPolicy, SessionState, Unsettled};
use crate::domain::throttle;
use crate::error::AppError;

/// A user as shown to the office (never the password hash).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub division_id: Option<i32>,
    pub disabled: bool,
    pub email: Option<String>,
    pub version: i32,
    /// The password is a temporary one the office gave, not yet changed by its user.
    pub must_change_password: bool,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: Role::parse(&u.role).unwrap_or(Role::Leader),
            division_id: u.division_id,
            disabled: u.disabled,
            email: u.email.clone(),
            version: u.version,
            must_change_password: u.must_change_password,
        }
    }
}

/// A successful login.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub claims: Claims,
    /// The password must be changed before anything else (temporary or too old).
    pub password_change: Option<&'static str>,
    /// The second factor must be set up before anything else (the role requires one).
    pub second_factor_setup: Option<&'static str>,
}

/// Where a request came from, as sessions and the audit trail record it.
#[derive(Debug, Clone, Default)]
pub struct Client {
    /// The peer's address.
    pub address: Option<String>,
    /// The browser or program, as it names itself (at most 200 characters kept).
    pub user_agent: Option<String>,
}

/// Checks a name and password, counting failures per name in the database so that the
/// limit holds across instances; issues a token on success.
///
/// The count and the decision are one step: in one short write transaction (taking turns per
/// name across instances) the name's failures are counted and, unless it is locked, this
/// attempt is recorded as a failure before the password is checked; a success then clears
/// the name. So however many guesses arrive at once, at most [`throttle::MAX_FAILURES`] are
/// ever checked. The password is checked holding no database connection, and only a few
/// checks run at once ([`verify_password`]), so a flood of logins leaves the rest answering.
/// Every checked login, failed or not, goes to the audit trail with `address`. An account
/// with a second factor also needs `second_factor` (a code from its app, or a recovery
/// code); until it is given and right, the attempt stays counted as a failure.
pub async fn login(
    db: &Db,
    keys: &TokenKeys,
    policy: &SessionPolicy,
    username: &str,
    password: &str,
    second_factor: Option<&str>,
    client: Client,
) -> Result<Session, AppError> {
    let address = client.address.clone();
    let name = username.trim().to_string();
    let user = reserve_attempt(db, &name).await?;
    // Verify against a dummy hash for unknown names so timing does not tell them apart.
    let hash = user
        .as_ref()
        .map_or(auth::dummy_hash(), |u| u.password_hash.as_str())
        .to_string();
    let ok = verify_password(password.to_string(), hash).await;
    let user = match user {
        Some(u) if ok && !u.disabled => u,
        other => {
            // The attempt stays counted as a failure; the trail says who tried from where.
            let actor_id = other.map(|u| u.id);
            db.write(move |tx| {
                Audit::on("session", "login_failed")
                    .from_address(address.as_deref())
                    .record_by::<(), ()>(tx, actor_id, &name, None, None)
            })
            .await?;
            return Err(AppError::BadCredentials);
        }
    };
    let (user_id, user_name) = (user.id, user.username.clone());
    let needs_code = user.totp_secret.is_some();
    let typed = second_factor
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    if needs_code && typed.is_none() {
        return Err(AppError::SecondFactorRequired);
    }
    let key = auth::random_token(32);
    let session_key = key.clone();
    let (checked_user, audit_address) = (user.clone(), address.clone());
    let started = db
        .write(move |tx| -> Result<(), AppError> {
            let now = queries::now();
            let proof = match (&typed, needs_code) {
                (Some(code), true) => Some(super::second_factor::check(tx, &checked_user, code)?),
                _ => None,
            };
            queries::login::clear(tx, &name, now - throttle::window())?;
            let user_agent: Option<String> =
                client.user_agent.map(|a| a.chars().take(200).collect());
            queries::sessions::insert(
                tx,
                &NewSession {
                    session_key: &session_key,
                    user_id,
                    created_at: now,
                    last_seen_at: now,
                    address: client.address.as_deref(),
                    user_agent: user_agent.as_deref(),
                },
            )?;
            let how = proof.map(|p| match p {
                super::second_factor::Proof::Code => "totp",
                super::second_factor::Proof::RecoveryCode => "recovery_code",
            });
            Audit::of("session", user_id, "login")
                .from_address(address.as_deref())
                .record_by::<(), _>(
                    tx,
                    Some(user_id),
                    &user_name,
                    None,
                    how.map(|h| serde_json::json!({ "second_factor": h }))
                        .as_ref(),
                )
        })
        .await;
    if let Err(AppError::BadSecondFactor) = started {
        // The attempt stays counted; the trail says a wrong code came from where.
        let name = user.username.clone();
        db.write(move |tx| {
            Audit::of("session", user_id, "second_factor_failed")
                .from_address(audit_address.as_deref())
                .record_by::<(), ()>(tx, Some(user_id), &name, None, None)
        })
        .await?;
    }
    started?;
    let role = Role::parse(&user.role)
        .ok_or_else(|| AppError::Internal(format!("unknown role {}", user.role)))?;
    let (token, claims) = keys.issue(user.id, &user.username, role, user.division_id, &key)?;
    let password = policy.password(
        user.must_change_password,
        user.password_changed_at.unwrap_or(user.created_at),
        queries::now(),
    );
    let unsettled = policy.unsettled(password, role, user.totp_secret.is_some());
    Ok(Session {
        token,
        claims,
        password_change: password.reason(),
        second_factor_setup: (unsettled == Some(Unsettled::SecondFactor))
            .then(|| Unsettled::SecondFactor.reason()),
    })
}

/// Counts one more attempt at `name`'s password before it is checked, in one step with the
/// decision whether the name is locked (taking turns per name across instances), and reads
/// the account in the same trip. A success clears the name's failures afterwards.
async fn reserve_attempt(db: &Db, name: &str) -> Result<Option<User>, AppError> {
    let reserve_name = name.to_string();
    db.write(move |tx| -> Result<Result<Option<User>, i64>, AppError> {
        tx.take_turns_on(Job::Login, &reserve_name)?;
        let now = queries::now();
        let failures = queries::login::failures_since(tx, &reserve_name, now - throttle::window())?;
        if let Some(wait) = throttle::retry_after(&failures, now) {
            return Ok(Err(wait.num_seconds()));
        }
        queries::login::record(tx, &reserve_name, now, false)?;
        Ok(Ok(queries::users::by_name(tx, &reserve_name)?))
    })
    .await?
    .map_err(|secs| AppError::Throttled {
        retry_after_secs: secs,
    })
}

/// What a user sends to change their own password.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    /// The password used now.
    pub current_password: String,
    /// The new one (see the password rules).
    pub new_password: String,
}

/// Changes the caller's own password after checking the current one (counted like a login
/// attempt, so this is no side door for guessing). Every other session of the user ends;
/// the one making the change goes on. Audited with the address, failed or not.
pub async fn change_own_password(
    db: &Db,
    caller: &Caller,
    session_id: i32,
    change: PasswordChange,
    address: Option<String>,
) -> Result<(), AppError> {
    let caller = caller.clone();
    let user_id = caller.user_id.ok_or_else(|| {
        AppError::Forbidden("命令行请用 workplan user passwd 设置密码".to_string())
    })?;
    if change.new_password == change.current_password {
        return Err(AppError::invalid(
            "new_password",
            "新密码不能与当前密码相同，请换一个",
        ));
    }
    let user = reserve_attempt(db, &caller.name)
        .await?
        .filter(|u| u.id == user_id)
        .ok_or(AppError::Unauthenticated)?;
    let old_hash = user.password_hash.clone();
    if !verify_password(change.current_password, old_hash.clone()).await {
        db.write(move |tx| {
            Audit::of("session", user_id, "password_change_failed")
                .from_address(address.as_deref())
                .record(tx, &caller)
        })
        .await?;
        return Err(AppError::invalid(
            "current_password",
            "当前密码不正确，请重新输入",
        ));
    }
    let (new, name) = (change.new_password, user.username.clone());
    let new_hash = hashing(move || auth::hash_password(&new, &name)).await??;
    let keep = session_id;
    db.write(move |tx| -> Result<(), AppError> {
        let now = queries::now();
        if !queries::users::set_own_password(tx, user_id, &old_hash, &new_hash, now)? {
            return Err(AppError::stale("您的密码"));
        }
        queries::login::clear(tx, &caller.name, now - throttle::window())?;
        let ended = queries::sessions::end_all_of(
            tx,
            user_id,
            Some(keep),
            EndReason::Password.as_str(),
            now,
        )?;
        Audit::of("session", user_id, "password_change")
            .from_address(address.as_deref())
            .record_after(
                tx,
                &caller,
                &serde_json::json!({ "other_sessions_ended": ended }),
            )
    })
    .await
}

/// Ends the caller's session (its cookie and token stop working on every instance at
/// once) and records the logout, and from where.
pub fn logged_out(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    session_id: i32,
    address: Option<&str>,
) -> Result<(), AppError> {
    queries::sessions::end(tx, session_id, EndReason::Logout.as_str(), queries::now())?;
    match caller.user_id {
        Some(id) => Audit::of("session", id, "logout")
            .from_address(address)
            .record(tx, caller),
        None => Ok(()),
    }
}

/// The user's login before the current one: when and from where (the home page shows it,
/// so a login the user did not make stands out).
pub fn previous_login(
    conn: &mut DbConnection,
    caller: &Caller,
) -> Result<Option<(chrono::NaiveDateTime, Option<String>)>, AppError> {
    let Some(id) = caller.user_id else {
        return Ok(None);
    };
    let logins = queries::audit::list(
        conn,
        &queries::audit::AuditFilter {
            entity: Some("session".to_string()),
            entity_id: Some(id),
            actor_id: Some(id),
            limit: 50,
            ..Default::default()
        },
    )?;
    Ok(logins
        .into_iter()
        .filter(|e| e.action == "login")
        .nth(1)
        .map(|e| (e.at, e.address)))
}

/// Runs one password hashing or check on the blocking pool, at most one per core at once:
/// each costs tens of milliseconds of CPU and memory, and unbounded they would queue every
/// other request's work behind them. No database connection is held meanwhile.
async fn hashing<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    static CHECKS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let checks = CHECKS.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    });
    let _turn = checks
        .acquire()
        .await
        .map_err(|_| AppError::Internal("password checks closed".to_string()))?;
    actix_web::web::block(work)
        .await
        .map_err(|e| AppError::Internal(format!("password hashing: {e}")))
}

/// Checks a password against its hash (see [`hashing`]).
async fn verify_password(password: String, hash: String) -> bool {
    hashing(move || auth::verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

/// Who a token's caller is now, and where their session and password stand.
#[derive(Debug, Clone)]
pub struct Standing {
    pub caller: Caller,
    /// The user's name as people read it (the display name, else the user name).
    pub shown_name: String,
    /// The server-side session the token belongs to.
    pub session_id: i32,
    seen_due: bool,
    unsettled: Option<Unsettled>,
}

impl Standing {
    /// Refuses everything while the password must be changed or the second factor set up
    /// (the routes that do those, and logout, do not ask).
    pub fn require_settled(&self) -> Result<(), AppError> {
        match self.unsettled {
            Some(u @ Unsettled::Password(_)) => Err(AppError::PasswordChangeRequired(u.reason())),
            Some(u @ Unsettled::SecondFactor) => {
                Err(AppError::SecondFactorSetupRequired(u.reason()))
            }
            None => Ok(()),
        }
    }

    /// Why the password must be changed now, if it must.
    pub fn password_change(&self) -> Option<&'static str> {
        match self.unsettled {
            Some(u @ Unsettled::Password(_)) => Some(u.reason()),
            _ => None,
        }
    }

    /// Why the second factor must be set up now, if it must.
    pub fn second_factor_setup(&self) -> Option<&'static str> {
        match self.unsettled {
            Some(u @ Unsettled::SecondFactor) => Some(u.reason()),
            _ => None,
        }
    }

    /// The session whose last activity should be written now ([`session_seen`]), if any.
    pub fn seen_due(&self) -> Option<i32> {
        self.seen_due.then_some(self.session_id)
    }
}

/// The caller a token stands for now: its session must still be open (not logged out, not
/// ended by a password or role change or by the office, not idle, not too old) and its
/// account enabled, so all of these take effect at once, not when the token expires.
pub fn caller_for(
    conn: &mut DbConnection,
    claims: &Claims,
    policy: &SessionPolicy,
) -> Result<Standing, AppError> {
    let s = queries::sessions::standing(conn, &claims.sid)?.ok_or(AppError::Unauthenticated)?;
    if s.user_id != claims.user_id()? {
        return Err(AppError::Unauthenticated);
    }
    let now = queries::now();
    let ended = s
        .end_reason
        .as_deref()
        .map(|r| EndReason::parse(r).unwrap_or(EndReason::Office));
    if !policy
        .rules
        .state(s.created_at, s.last_seen_at, ended, now)
        .is_active()
    {
        return Err(AppError::Unauthenticated);
    }
    let shown_name = crate::domain::person::shown_name(&s.display_name, &s.username).to_string();
    let caller = enabled_caller(
        s.user_id,
        s.username,
        &s.role,
        s.division_id,
        s.agency_id,
        s.disabled,
    )?;
    let password = policy.password(
        s.must_change_password,
        s.password_changed_at.unwrap_or(s.created_user_at),
        now,
    );
    Ok(Standing {
        unsettled: policy.unsettled(password, caller.role, s.totp_secret.is_some()),
        caller,
        shown_name,
        session_id: s.session_id,
        seen_due: policy.rules.seen_is_due(s.last_seen_at, now),
    })
}

/// [`caller_for`], then scoped to the record the request is about (`resource`): a user of
/// another agency acts there as `units::scope` says, or gets "not found".
pub fn caller_in(
    conn: &mut DbConnection,
    claims: &Claims,
    policy: &SessionPolicy,
    resource: Option<super::units::Resource>,
) -> Result<Standing, AppError> {
    let mut standing = caller_for(conn, claims, policy)?;
    if let Some(r) = resource {
        standing.caller = super::units::scope(conn, &standing.caller, r)?;
    }
    Ok(standing)
}

/// Records that a session was used now (at most once a minute per session: see
/// [`crate::domain::session::seen_granularity`]), which keeps it from going idle.
pub fn session_seen(tx: &mut WriteTx<'_>, session_id: i32) -> Result<(), AppError> {
    Ok(queries::sessions::seen(tx, session_id, queries::now())?)
}

/// A session as the office sees it (never its secret).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SessionView {
    pub id: i32,
    pub created_at: chrono::NaiveDateTime,
    pub last_seen_at: chrono::NaiveDateTime,
    pub ended_at: Option<chrono::NaiveDateTime>,
    #[serde(flatten)]
    pub state: SessionState,
    /// 在线, 闲置超时, 已退出, ….
    pub state_label: &'static str,
    pub address: Option<String>,
    pub user_agent: Option<String>,
}

fn session_view(
    row: SessionRow,
    policy: &SessionPolicy,
    now: chrono::NaiveDateTime,
) -> SessionView {
    let ended = row
        .end_reason
        .as_deref()
        .map(|r| EndReason::parse(r).unwrap_or(EndReason::Office));
    let state = policy
        .rules
        .state(row.created_at, row.last_seen_at, ended, now);
    SessionView {
        id: row.id,
        created_at: row.created_at,
        last_seen_at: row.last_seen_at,
        ended_at: row.ended_at,
        state,
        state_label: state.label(),
        address: row.address,
        user_agent: row.user_agent,
    }
}

/// A user's sessions of the last token lifetime, newest first (the office).
pub fn sessions_of(
    conn: &mut DbConnection,
    caller: &Caller,
    user_id: i32,
    policy: &SessionPolicy,
) -> Result<Vec<SessionView>, AppError> {
    caller.require_office()?;
    queries::users::get(conn, user_id)?.ok_or(AppError::NotFound("用户"))?;
    let now = queries::now();
    Ok(
        queries::sessions::of_user(conn, user_id, now - policy.rules.lifetime)?
            .into_iter()
            .map(|r| session_view(r, policy, now))
            .collect(),
    )
}

/// Ends one of a user's sessions, or all of them (`session_id` `None`) (the office);
/// returns how many were open.
pub fn end_sessions(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    user_id: i32,
    session_id: Option<i32>,
) -> Result<usize, AppError> {
    caller.require_office()?;
    queries::users::get(tx, user_id)?.ok_or(AppError::NotFound("用户"))?;
    let now = queries::now();
    let reason = EndReason::Office.as_str();
    let ended = match session_id {
        Some(sid) => {
            let row = queries::sessions::get(tx, sid)?
                .filter(|r| r.user_id == user_id)
                .ok_or(AppError::NotFound("会话"))?;
            usize::from(queries::sessions::end(tx, row.id, reason, now)?)
        }
        None => queries::sessions::end_all_of(tx, user_id, None, reason, now)?,
    };
    Audit::of("user", user_id, "end_sessions").record_after(
        tx,
        caller,
        &serde_json::json!({ "session_id": session_id, "ended": ended }),
    )?;
    Ok(ended)
}

/// The caller a stored account stands for, unless it is disabled.
fn enabled_caller(
    id: i32,
    name: String,
    role: &str,
    division_id: Option<i32>,
    agency_id: i32,
    disabled: bool,
) -> Result<Caller, AppError> {
    if disabled {
        return Err(AppError::Unauthenticated);
    }
    Ok(Caller::at_home(
        id,
        name,
        Role::parse(role).ok_or(AppError::Unauthenticated)?,
        division_id,
        agency_id,
    ))
}

/// The caller a calendar feed token stands for: its user, as they are now.
pub fn caller_for_feed_token(conn: &mut DbConnection, token: &str) -> Result<Caller, AppError> {
    if token.len() < 16 {
        return Err(AppError::Unauthenticated);
    }
    let user = queries::users::by_feed_token(conn, token)?.ok_or(AppError::Unauthenticated)?;
    enabled_caller(
        user.id,
        user.username,
        &user.role,
        user.division_id,
        user.agency_id,
        user.disabled,
    )
}

/// A calendar feed token just issued.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FeedToken {
    /// Goes in the feed's address as `?token=`; the previous one no longer works.
    pub token: String,
}

/// Gives the caller a new calendar feed token: a subscription address that was passed on or
/// leaked stops working at once.
pub fn rotate_feed_token(tx: &mut WriteTx<'_>, caller: &Caller) -> Result<FeedToken, AppError> {
    let id = caller.user_id.ok_or_else(|| {
        AppError::Forbidden("命令行没有日历订阅地址，请以用户身份登录后更换".to_string())
    })?;
    let token = auth::random_token(32);
    queries::users::set_feed_token(tx, id, &token)?;
    Audit::of("user", id, "rotate_feed_token").record(tx, caller)?;
    Ok(FeedToken { token })
}

/// Whether nobody has an account yet (the login page then says how to make the first).
pub fn no_users_yet(conn: &mut DbConnection) -> Result<bool, AppError> {
    Ok(queries::users::count(conn)? == 0)
}

/// What the office fills in to add a user.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewUserInput {
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    pub password: String,
    pub role: Role,
    /// Required for role `division`: the division's id.
    pub division_id: Option<i32>,
    /// Where e-mail copies of notifications go (optional).
    #[serde(default)]
    pub email: Option<String>,
    /// The command line's `--temporary`: the password must be changed at first login. An
    /// account the office makes in the browser or the API always gets a temporary one.
    #[serde(skip)]
    pub temporary: bool,
}

/// Checks an e-mail address enough to catch typing slips.
fn check_email(email: Option<&str>) -> Result<Option<String>, AppError> {
    match email.map(str::trim).filter(|e| !e.is_empty()) {
        None => Ok(None),
        Some(e) => {
            let ok = e.len() <= 254
                && e.split_once('@')
                    .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.'))
                && !e.contains(char::is_whitespace);
            if ok {
                Ok(Some(e.to_string()))
            } else {
                Err(AppError::invalid("email", "电子邮箱格式有误"))
            }
        }
    }
}

fn check_username(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    let ok_chars = name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '@'));
    if name.is_empty() || name.chars().count() > 64 || !ok_chars {
        return Err(AppError::invalid(
            "username",
            "用户名须为 1–64 个字母、数字、汉字或 _ - . @",
        ));
    }
    Ok(name.to_string())
}

fn check_division(
    conn: &mut DbConnection,
    agency_id: i32,
    role: Role,
    division_id: Option<i32>,
) -> Result<Option<i32>, AppError> {
    match (role.needs_division(), division_id) {
        (true, None) => Err(AppError::invalid(
            "division_id",
            "处室联络员必须选择所属处室",
        )),
        (_, Some(id)) => {
            // A unit standing for an agency below has no staff of its own here: that
            // agency's office acts for it.
            queries::divisions::get(conn, id)?
                .filter(|d| d.agency_id == agency_id && d.unit_agency_id.is_none())
                .ok_or_else(|| AppError::invalid("division_id", "所选处室不存在"))?;
            Ok(Some(id))
        }
        (false, None) => Ok(None),
    }
}

/// Adds a user (the office, or the CLI operator).
pub fn create_user(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    input: &NewUserInput,
) -> Result<UserView, AppError> {
    caller.require_office()?;
    let username = check_username(&input.username)?;
    let division_id = check_division(tx, caller.agency_id, input.role, input.division_id)?;
    if queries::users::by_name(tx, &username)?.is_some() {
        return Err(AppError::Conflict(format!(
            "用户名“{username}”已被使用，请换一个"
        )));
    }
    let email = check_email(input.email.as_deref())?;
    let hash = auth::hash_password(&input.password, &username)?;
    let feed_token = auth::random_token(32);
    let now = queries::now();
    let user = queries::users::insert(
        tx,
        &NewUser {
            username: &username,
            display_name: input.display_name.trim(),
            password_hash: &hash,
            role: input.role.as_str(),
            division_id,
            disabled: false,
            feed_token: &feed_token,
            version: 1,
            created_at: now,
            email: email.as_deref(),
            must_change_password: temporary_password(caller, input.temporary),
            password_changed_at: Some(now),
            agency_id: caller.agency_id,
        },
    )?;
    let view = UserView::from(&user);
    Audit::of("user", user.id, "create").record_after(tx, caller, &view)?;
    Ok(view)
}

/// What the office may change about a user; `version` is the one it read.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct UserPatch {
    pub version: i32,
    pub display_name: Option<String>,
    pub role: Option<Role>,
    /// `Some(None)` clears the division.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i32>)]
    pub division_id: Option<Option<i32>>,
    pub disabled: Option<bool>,
    /// A new password (never echoed back or logged).
    pub password: Option<String>,
    /// A new e-mail address; an empty one removes it.
    pub email: Option<String>,
    /// The command line's `passwd --temporary` (see [`NewUserInput::temporary`]).
    #[serde(skip)]
    pub temporary: bool,
}

/// Whether a password the office sets is temporary: always when set by a person in the
/// browser or the API (they told it to someone), and from the command line when asked.
fn temporary_password(caller: &Caller, asked: bool) -> bool {
    caller.user_id.is_some() || asked
}

/// Tells "absent" from "null" for fields that can be cleared.
pub fn double_option<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Changes a user, refusing a stale version.
pub fn update_user(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    id: i32,
    patch: &UserPatch,
) -> Result<UserView, AppError> {
    caller.require_office()?;
    let before = queries::users::get(tx, id)?.ok_or(AppError::NotFound("用户"))?;
    let role = patch
        .role
        .unwrap_or_else(|| Role::parse(&before.role).unwrap_or(Role::Leader));
    let division_id = patch.division_id.unwrap_or(before.division_id);
    let division_id = check_division(tx, caller.agency_id, role, division_id)?;
    if caller.user_id == Some(id) && (patch.disabled == Some(true) || role != Role::Office) {
        return Err(AppError::invalid(
            "role",
            "不能停用自己的账号或取消自己的办公室角色，请由其他办公室账号操作",
        ));
    }
    let hash = patch
        .password
        .as_deref()
        .map(|p| auth::hash_password(p, &before.username))
        .transpose()?;
    let email = match &patch.email {
        Some(e) => Some(check_email(Some(e))?),
        None => None,
    };
    let now = queries::now();
    let change = UserChange {
        email: email.as_ref().map(|e| e.as_deref()),
        display_name: patch.display_name.as_deref().map(str::trim),
        password_hash: hash.as_deref(),
        role: Some(role.as_str()),
        division_id: Some(division_id),
        disabled: patch.disabled,
        must_change_password: hash
            .is_some()
            .then(|| temporary_password(caller, patch.temporary)),
        password_changed_at: hash.is_some().then_some(Some(now)),
    };
    let after = queries::users::update(tx, id, patch.version, &change)?
        .ok_or_else(|| AppError::stale("该用户"))?;
    // Whatever the user could do before with their sessions, they must log in again for.
    let end_reason = if after.disabled && !before.disabled {
        Some(EndReason::Disabled)
    } else if hash.is_some() {
        Some(EndReason::Password)
    } else if after.role != before.role || after.division_id != before.division_id {
        Some(EndReason::Role)
    } else {
        None
    };
    if let Some(reason) = end_reason {
        queries::sessions::end_all_of(tx, id, None, reason.as_str(), now)?;
    }
    let action = match (patch.disabled, patch.password.is_some()) {
        (Some(true), _) if !before.disabled => "disable",
        (Some(false), _) if before.disabled => "enable",
        (_, true) => "update_with_password",
        _ => "update",
    };
    let view = UserView::from(&after);
    Audit::of("user", id, action).record_change(tx, caller, &UserView::from(&before), &view)?;
    Ok(view)
}

/// Every user.
pub fn list_users(conn: &mut DbConnection, caller: &Caller) -> Result<Vec<UserView>, AppError> {
    caller.require_office()?;
    Ok(queries::users::list(conn)?
        .iter()
        .filter(|u| u.agency_id == caller.agency_id)
        .map(UserView::from)
        .collect())
}

/// One user (the office).
pub fn user(conn: &mut DbConnection, caller: &Caller, id: i32) -> Result<UserView, AppError> {
    caller.require_office()?;
    queries::users::get(conn, id)?
        .filter(|u| u.agency_id == caller.agency_id)
        .map(|u| UserView::from(&u))
        .ok_or(AppError::NotFound("用户"))
}

/// A user by login name (for the CLI).
pub fn user_by_name(conn: &mut DbConnection, name: &str) -> Result<UserView, AppError> {
    queries::users::by_name(conn, name.trim())?
        .map(|u| UserView::from(&u))
        .ok_or(AppError::NotFound("用户"))
}
