//! Logins and user accounts.

use serde::{Deserialize, Serialize};

use super::{Audit, Caller};
use crate::auth::{self, Claims, TokenKeys};
use crate::db::models::{NewUser, User};
use crate::db::queries::{self, users::UserChange};
use crate::db::{Db, DbConnection, Job, WriteTx};
use crate::domain::role::Role;
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
        }
    }
}

/// A successful login.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub claims: Claims,
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
/// Every checked login, failed or not, goes to the audit trail with `address`.
pub async fn login(
    db: &Db,
    keys: &TokenKeys,
    username: &str,
    password: &str,
    address: Option<String>,
) -> Result<Session, AppError> {
    let name = username.trim().to_string();
    let reserve_name = name.clone();
    // The account is read in the same trip: the reservation holds a connection anyway.
    let user = db
        .write(move |tx| -> Result<Result<Option<User>, i64>, AppError> {
            tx.take_turns_on(Job::Login, &reserve_name)?;
            let now = queries::now();
            let failures =
                queries::login::failures_since(tx, &reserve_name, now - throttle::window())?;
            if let Some(wait) = throttle::retry_after(&failures, now) {
                return Ok(Err(wait.num_seconds()));
            }
            queries::login::record(tx, &reserve_name, now, false)?;
            Ok(Ok(queries::users::by_name(tx, &reserve_name)?))
        })
        .await?
        .map_err(|secs| AppError::Throttled {
            retry_after_secs: secs,
        })?;
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
    db.write(move |tx| -> Result<(), AppError> {
        queries::login::clear(tx, &name, queries::now() - throttle::window())?;
        Audit::of("session", user_id, "login")
            .from_address(address.as_deref())
            .record_by::<(), ()>(tx, Some(user_id), &user_name, None, None)
    })
    .await?;
    let role = Role::parse(&user.role)
        .ok_or_else(|| AppError::Internal(format!("unknown role {}", user.role)))?;
    let (token, claims) = keys.issue(user.id, &user.username, role, user.division_id)?;
    Ok(Session { token, claims })
}

/// Records that the caller logged out, and from where.
pub fn logged_out(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    address: Option<&str>,
) -> Result<(), AppError> {
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
            before_id: None,
            limit: 50,
        },
    )?;
    Ok(logins
        .into_iter()
        .filter(|e| e.action == "login")
        .nth(1)
        .map(|e| (e.at, e.address)))
}

/// Checks a password against its hash on the blocking pool, at most one check per core at
/// once: each costs tens of milliseconds of CPU and memory, and unbounded they would queue
/// every other request's work behind them.
async fn verify_password(password: String, hash: String) -> bool {
    static CHECKS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let checks = CHECKS.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    });
    let Ok(_turn) = checks.acquire().await else {
        return false;
    };
    actix_web::web::block(move || auth::verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

/// The caller a token's user currently is: disabled accounts and changed roles take
/// effect at once, not when the token expires.
pub fn caller_for(conn: &mut DbConnection, claims: &Claims) -> Result<Caller, AppError> {
    let user =
        queries::users::standing(conn, claims.user_id()?)?.ok_or(AppError::Unauthenticated)?;
    enabled_caller(
        user.id,
        user.username,
        &user.role,
        user.division_id,
        user.disabled,
    )
}

/// The caller a stored account stands for, unless it is disabled.
fn enabled_caller(
    id: i32,
    name: String,
    role: &str,
    division_id: Option<i32>,
    disabled: bool,
) -> Result<Caller, AppError> {
    if disabled {
        return Err(AppError::Unauthenticated);
    }
    Ok(Caller {
        user_id: Some(id),
        name,
        role: Role::parse(role).ok_or(AppError::Unauthenticated)?,
        division_id,
    })
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
    role: Role,
    division_id: Option<i32>,
) -> Result<Option<i32>, AppError> {
    match (role.needs_division(), division_id) {
        (true, None) => Err(AppError::invalid(
            "division_id",
            "处室联络员必须选择所属处室",
        )),
        (_, Some(id)) => {
            queries::divisions::get(conn, id)?
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
    let division_id = check_division(tx, input.role, input.division_id)?;
    if queries::users::by_name(tx, &username)?.is_some() {
        return Err(AppError::Conflict(format!(
            "用户名“{username}”已被使用，请换一个"
        )));
    }
    let email = check_email(input.email.as_deref())?;
    let hash = auth::hash_password(&input.password, &username)?;
    let feed_token = auth::random_token(32);
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
            created_at: queries::now(),
            email: email.as_deref(),
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
    let division_id = check_division(tx, role, division_id)?;
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
    let change = UserChange {
        email: email.as_ref().map(|e| e.as_deref()),
        display_name: patch.display_name.as_deref().map(str::trim),
        password_hash: hash.as_deref(),
        role: Some(role.as_str()),
        division_id: Some(division_id),
        disabled: patch.disabled,
    };
    let after = queries::users::update(tx, id, patch.version, &change)?
        .ok_or_else(|| AppError::stale("该用户"))?;
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
        .map(UserView::from)
        .collect())
}

/// A user by login name (for the CLI).
pub fn user_by_name(conn: &mut DbConnection, name: &str) -> Result<UserView, AppError> {
    queries::users::by_name(conn, name.trim())?
        .map(|u| UserView::from(&u))
        .ok_or(AppError::NotFound("用户"))
}
