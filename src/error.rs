//! The application's error: what went wrong, in words a user can act on.

use crate::db::DbError;

/// Every failure a request or command can end in.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("请先登录")]
    Unauthenticated,
    #[error("用户名或密码错误")]
    BadCredentials,
    #[error("登录失败次数过多，请 {} 分钟后再试", (.retry_after_secs + 59) / 60)]
    Throttled { retry_after_secs: i64 },
    #[error("{0}")]
    Forbidden(String),
    /// The caller must change their password before anything else.
    #[error("{0}")]
    PasswordChangeRequired(&'static str),
    /// The caller's role requires a second factor, which they have not set up yet.
    #[error("{0}")]
    SecondFactorSetupRequired(&'static str),
    /// The password was right; the account also needs its one-time code.
    #[error("该账号已开启两步验证，请输入手机验证器上的 6 位动态口令（或一个恢复码）")]
    SecondFactorRequired,
    /// The one-time code or recovery code did not match (or was used already).
    #[error("动态口令不正确或已用过，请输入验证器上当前显示的口令")]
    BadSecondFactor,
    #[error("{0}不存在，可能已被删除，请返回列表刷新后重试")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    /// A write named a version other than the one saved (or none where one is needed);
    /// `current` is what is saved now, for the client to show beside its own text.
    #[error("{message}")]
    Stale {
        message: String,
        current: Option<Box<serde_json::Value>>,
    },
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("请求格式有误：{0}")]
    BadRequest(String),
    #[error("上传内容过大（上限 {limit} 字节）")]
    TooLarge { limit: u64 },
    #[error("上传已中断：{secs} 秒内没有收到数据，请检查网络后重新上传")]
    UploadStalled { secs: u64 },
    #[error("该接口不支持此请求方法，可用的方法：{allow}")]
    MethodNotAllowed { allow: String },
    #[error("数据库暂时不可用，请稍后重试")]
    Unavailable(String),
    #[error("服务器内部错误，请稍后重试；如果反复出现，请联系系统管理员")]
    Internal(String),
}

impl AppError {
    /// An invalid-input error naming the field.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field,
            message: message.into(),
        }
    }

    /// The stale-version conflict every versioned write answers with.
    pub fn stale(what: &str) -> Self {
        AppError::Stale {
            message: format!("{what}已被他人修改，请刷新页面查看最新内容后再保存"),
            current: None,
        }
    }

    /// A stale-version conflict that carries what is saved now (answered as `error.current`).
    pub fn stale_with(message: String, current: serde_json::Value) -> Self {
        AppError::Stale {
            message,
            current: Some(Box::new(current)),
        }
    }

    /// The machine-readable code of the JSON error body.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::BadCredentials => "bad_credentials",
            AppError::Throttled { .. } => "too_many_attempts",
            AppError::Forbidden(_) => "forbidden",
            AppError::PasswordChangeRequired(_) => "password_change_required",
            AppError::SecondFactorSetupRequired(_) => "second_factor_setup_required",
            AppError::SecondFactorRequired => "second_factor_required",
            AppError::BadSecondFactor => "bad_second_factor",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict(_) | AppError::Stale { .. } => "conflict",
            AppError::Invalid { .. } => "invalid",
            AppError::BadRequest(_) => "bad_request",
            AppError::TooLarge { .. } => "too_large",
            AppError::UploadStalled { .. } => "upload_stalled",
            AppError::MethodNotAllowed { .. } => "method_not_allowed",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated
            | AppError::BadCredentials
            | AppError::SecondFactorRequired
            | AppError::BadSecondFactor => 401,
            AppError::Throttled { .. } => 429,
            AppError::Forbidden(_)
            | AppError::PasswordChangeRequired(_)
            | AppError::SecondFactorSetupRequired(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) | AppError::Stale { .. } => 409,
            AppError::Invalid { .. } => 422,
            AppError::BadRequest(_) => 400,
            AppError::TooLarge { .. } => 413,
            AppError::UploadStalled { .. } => 408,
            AppError::MethodNotAllowed { .. } => 405,
            AppError::Unavailable(_) => 503,
            AppError::Internal(_) => 500,
        }
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Query(q) => AppError::from(q),
            DbError::Pool(m) | DbError::Connect(m) => AppError::Unavailable(m),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => AppError::NotFound("记录"),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                AppError::Conflict("已存在同名记录，请换一个名称".to_string())
            }
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                AppError::Conflict("该记录仍被其他数据引用，或引用的记录不存在".to_string())
            }
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                AppError::Conflict("数据正被他人同时修改，请重试".to_string())
            }
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                AppError::Unavailable(info.message().to_string())
            }
            // SQLite gave up waiting (busy_timeout) for another process's lock, or the
            // PostgreSQL server went away mid-query: nothing was written, try again later.
            Error::DatabaseError(_, info) if is_unavailable(info.message()) => {
                AppError::Unavailable(info.message().to_string())
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// SQLite's words for SQLITE_BUSY / SQLITE_LOCKED, and libpq's for a server gone away.
fn is_unavailable(message: &str) -> bool {
    message.contains("database is locked")
        || message.contains("database table is locked")
        || message.contains("server closed the connection")
        || message.contains("terminating connection due to administrator command")
        || message.contains("no connection to the server")
}

impl From<crate::auth::AuthError> for AppError {
    fn from(e: crate::auth::AuthError) -> Self {
        match e {
            crate::auth::AuthError::WeakPassword(_) => AppError::invalid("password", e.to_string()),
            crate::auth::AuthError::BadToken => AppError::Unauthenticated,
            crate::auth::AuthError::Hash => AppError::Internal(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_the_contract() {
        let cases: Vec<(AppError, u16, &str)> = vec![
            (AppError::Unauthenticated, 401, "unauthenticated"),
            (AppError::Forbidden("x".into()), 403, "forbidden"),
            (AppError::NotFound("事项"), 404, "not_found"),
            (AppError::stale("事项"), 409, "conflict"),
            (AppError::TooLarge { limit: 1 }, 413, "too_large"),
            (
                AppError::MethodNotAllowed {
                    allow: "GET".into(),
                },
                405,
                "method_not_allowed",
            ),
            (AppError::invalid("year", "x"), 422, "invalid"),
            (
                AppError::Throttled {
                    retry_after_secs: 61,
                },
                429,
                "too_many_attempts",
            ),
            (AppError::Internal("secret cause".into()), 500, "internal"),
        ];
        for (e, status, code) in cases {
            assert_eq!((e.status(), e.code()), (status, code), "{e:?}");
        }
    }

    #[test]
    fn internal_causes_stay_out_of_messages() {
        let e = AppError::Internal("password=hunter2 at db.rs:12".into());
        assert!(!e.to_string().contains("hunter2"));
        let throttled = AppError::Throttled {
            retry_after_secs: 61,
        };
        assert!(throttled.to_string().contains("2 分钟"));
    }

    #[test]
    fn a_database_that_is_locked_or_gone_is_unavailable_not_broken() {
        use diesel::result::{DatabaseErrorKind, Error};
        let cases = [
            ("database is locked", 503),
            ("database table is locked", 503),
            ("server closed the connection unexpectedly", 503),
            ("terminating connection due to administrator command", 503),
            ("no connection to the server", 503),
            ("no such table: items", 500),
        ];
        for (message, status) in cases {
            let e = AppError::from(Error::DatabaseError(
                DatabaseErrorKind::Unknown,
                Box::new(message.to_string()),
            ));
            assert_eq!(e.status(), status, "{message}");
        }
    }
}
