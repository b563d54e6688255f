//! Database access: one diesel code path over SQLite (embedded default) and PostgreSQL.
//! Reads get a connection ([`Db::read`]); writes get a [`WriteTx`] inside one transaction
//! ([`Db::write`]), and every query that writes requires one. SQL that differs between the
//! two backends is written here, nowhere else.

pub mod models;
pub mod queries;
pub mod schema;
pub mod stored;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{Pool, PooledConnection, R2D2Connection};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, QueryResult, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Inserts many rows in one statement per chunk on whichever backend `conn` is: diesel's
/// multi-row VALUES needs the concrete connection (rows must write NULL, not DEFAULT, for
/// their absent values: `treat_none_as_default_value = false`).
#[macro_export]
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr, $chunk:expr) => {{
        let mut written = 0usize;
        for chunk in $rows.chunks($chunk) {
            written += match $conn {
                $crate::db::DbConnection::Sqlite(c) => {
                    diesel::insert_into($table).values(chunk).execute(c)?
                }
                $crate::db::DbConnection::Postgres(c) => {
                    diesel::insert_into($table).values(chunk).execute(c)?
                }
            };
        }
        written
    }};
}

/// Runs `$body` with `$c` bound to the concrete connection behind `$conn`. The busiest
/// reads use it: through the multi-backend connection diesel writes the statement's SQL
/// text anew and wraps every value read on each call; on the concrete connection a cached
/// statement is found by its type alone.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite($c) => $body,
            $crate::db::DbConnection::Postgres($c) => $body,
        }
    };
}

/// A connection to whichever backend the URL named.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

/// Which database engine serves this instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// A file on this machine; the path is taken from `sqlite://PATH`.
    Sqlite(PathBuf),
    /// A server; the URL is passed to libpq as it is.
    Postgres(String),
}

/// What went wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("数据库地址无效：{0}（应为 sqlite://路径 或 postgres://…）")]
    BadUrl(String),
    #[error("无法连接数据库：{0}")]
    Connect(String),
    #[error("数据库连接池不可用：{0}")]
    Pool(String),
    #[error("数据库迁移失败：{0}")]
    Migration(String),
    #[error("数据库查询失败：{0}")]
    Query(#[from] diesel::result::Error),
    #[error("数据库任务被中断")]
    Blocking,
    #[error("{0}")]
    Backup(String),
}

impl Backend {
    /// Picks the backend from the URL's scheme.
    pub fn from_url(url: &str) -> Result<Self, DbError> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(DbError::BadUrl(url.to_string()));
            }
            Ok(Backend::Sqlite(PathBuf::from(path)))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres(url.to_string()))
        } else {
            Err(DbError::BadUrl(url.to_string()))
        }
    }

    /// A short name for logs and health output.
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    fn establish(&self) -> Result<DbConnection, DbError> {
        match self {
            Backend::Sqlite(path) => {
                let path = path
                    .to_str()
                    .ok_or_else(|| DbError::BadUrl(path.display().to_string()))?;
                let mut conn = SqliteConnection::establish(path)
                    .map_err(|e| DbError::Connect(e.to_string()))?;
                // The timeout waits out a busy writer instead of failing; foreign keys are
                // off by default in SQLite. (WAL is set once, in `Db::connect`.)
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; \
                     PRAGMA synchronous = NORMAL;",
                )?;
                Ok(DbConnection::Sqlite(conn))
            }
            Backend::Postgres(url) => PgConnection::establish(url)
                .map(DbConnection::Postgres)
                .map_err(|e| DbError::Connect(e.to_string())),
        }
    }
}

/// Opens connections for the pool.
#[derive(Debug)]
pub struct Manager {
    backend: Backend,
}

impl diesel::r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        self.backend.establish().map_err(|e| {
            diesel::r2d2::Error::ConnectionError(diesel::ConnectionError::BadConnection(
                e.to_string(),
            ))
        })
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

/// The connection pool shared by handlers and the CLI.
#[derive(Clone)]
pub struct Db {
    pool: Pool<Manager>,
    backend: Backend,
    // SQLite has one writer at a time; taking turns in-process avoids SQLITE_BUSY on
    // transactions that read before they write. PostgreSQL needs no such lock.
    sqlite_writer: Arc<Mutex<()>>,
}

/// A pooled connection for blocking code (CLI, tests).
pub type PooledConn = PooledConnection<Manager>;

impl Db {
    /// Connects to the database the URL names (creating a SQLite file's folder).
    pub fn connect(url: &str, pool_size: u32) -> Result<Self, DbError> {
        let backend = Backend::from_url(url)?;
        if let Backend::Sqlite(path) = &backend {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| DbError::Connect(format!("{}：{e}", dir.display())))?;
            }
            // WAL lets readers run beside the writer. It is stored in the file, so one
            // connection sets it before the pool opens the others.
            if let DbConnection::Sqlite(mut c) = backend.establish()? {
                c.batch_execute("PRAGMA journal_mode = WAL")?;
            }
        }
        let pool = Pool::builder()
            .max_size(pool_size.max(1))
            .connection_timeout(Duration::from_secs(15))
            .build(Manager {
                backend: backend.clone(),
            })
            .map_err(|e| DbError::Pool(e.to_string()))?;
        Ok(Db {
            pool,
            backend,
            sqlite_writer: Arc::new(Mutex::new(())),
        })
    }

    /// The backend this pool talks to.
    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// Applies pending embedded migrations; returns how many ran.
    pub fn migrate(&self) -> Result<usize, DbError> {
        let mig = |e: Box<dyn std::error::Error + Send + Sync>| DbError::Migration(e.to_string());
        let mut conn = self.get()?;
        match &mut *conn {
            DbConnection::Sqlite(c) => {
                let _turn = self.sqlite_writer.lock().unwrap_or_else(|p| p.into_inner());
                Ok(c.run_pending_migrations(SQLITE_MIGRATIONS)
                    .map_err(mig)?
                    .len())
            }
            DbConnection::Postgres(c) => {
                // Several instances may start at once against one server: take turns.
                c.batch_execute("SELECT pg_advisory_lock(7304211)")?;
                let ran = c
                    .run_pending_migrations(POSTGRES_MIGRATIONS)
                    .map(|v| v.len());
                c.batch_execute("SELECT pg_advisory_unlock(7304211)")?;
                Ok(ran.map_err(mig)?)
            }
        }
    }

    /// A connection for blocking callers (never call from async code).
    pub fn get(&self) -> Result<PooledConn, DbError> {
        self.pool.get().map_err(|e| DbError::Pool(e.to_string()))
    }

    /// Runs read-only work on a blocking thread.
    pub async fn read<F, R, E>(&self, f: F) -> Result<R, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<R, E> + Send + 'static,
        R: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || {
            let mut conn = db.get()?;
            f(&mut conn)
        })
        .await
        .map_err(|_| E::from(DbError::Blocking))?
    }

    /// Runs work in one transaction on a blocking thread: all of it lands or none does.
    /// The work gets a [`WriteTx`], which every writing query requires.
    pub async fn write<F, R, E>(&self, f: F) -> Result<R, E>
    where
        F: FnOnce(&mut WriteTx<'_>) -> Result<R, E> + Send + 'static,
        R: Send + 'static,
        E: From<DbError> + From<diesel::result::Error> + Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || db.write_blocking(f))
            .await
            .map_err(|_| E::from(DbError::Blocking))?
    }

    /// The blocking form of [`Db::write`], for the CLI.
    pub fn write_blocking<F, R, E>(&self, f: F) -> Result<R, E>
    where
        F: FnOnce(&mut WriteTx<'_>) -> Result<R, E>,
        E: From<DbError> + From<diesel::result::Error>,
    {
        let mut conn = self.get()?;
        let _turn = match self.backend {
            Backend::Sqlite(_) => {
                Some(self.sqlite_writer.lock().unwrap_or_else(|p| p.into_inner()))
            }
            Backend::Postgres(_) => None,
        };
        (*conn).transaction(|c| f(&mut WriteTx { conn: c }))
    }

    /// Answers whether the database responds (for /healthz).
    pub async fn ping(&self) -> bool {
        // A health check answers within seconds: a load balancer asking must not wait out
        // the pool's full timeout while the database is away.
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            pool.get_timeout(Duration::from_secs(2))
                .ok()
                .is_some_and(|mut c| c.ping().is_ok())
        })
        .await
        .unwrap_or(false)
    }

    /// Writes a consistent copy of a live SQLite database to `target`.
    pub fn backup(&self, target: &std::path::Path) -> Result<(), DbError> {
        match &self.backend {
            Backend::Sqlite(_) => {
                if target.exists() {
                    return Err(DbError::Backup(format!(
                        "{} 已存在，请换一个文件名或先移走它",
                        target.display()
                    )));
                }
                let target = target.to_str().ok_or_else(|| {
                    DbError::Backup("备份文件路径须为 UTF-8".to_string())
                })?;
                let mut conn = self.get()?;
                // VACUUM INTO reads one snapshot, so writers may keep working meanwhile.
                diesel::sql_query("VACUUM INTO ?")
                    .bind::<diesel::sql_types::Text, _>(target)
                    .execute(&mut *conn)?;
                Ok(())
            }
            Backend::Postgres(_) => Err(DbError::Backup(
                "PostgreSQL 请使用 pg_dump 备份，例如：pg_dump --format=custom --file=workplan.dump \"$WORKPLAN_DATABASE_URL\"；恢复用 pg_restore".to_string(),
            )),
        }
    }
}

/// Opens a SQLite file that [`Db::backup`] wrote, to read it as it is: no pool, no change of
/// journal mode, nothing written (a file that does not exist is an error, not a new database).
pub fn open_sqlite_copy(path: &std::path::Path) -> Result<DbConnection, DbError> {
    if !path.is_file() {
        return Err(DbError::Backup(format!("{} 不存在", path.display())));
    }
    Backend::Sqlite(path.to_path_buf()).establish()
}

/// A connection inside a write transaction. Only [`Db::write`] and [`Db::write_blocking`]
/// make one, and every query that writes takes one, so nothing can write under
/// [`Db::read`] or outside a transaction. Reads take `&mut DbConnection`, which a
/// `&mut WriteTx` turns into by deref.
///
/// A write with a plain connection does not compile:
/// ```compile_fail
/// fn delete_item(db: &workplan::db::Db) {
///     let mut conn = db.get().unwrap();
///     workplan::db::queries::items::delete(&mut conn, 1).unwrap();
/// }
/// ```
/// inside [`Db::write`] it does:
/// ```no_run
/// fn delete_item(db: &workplan::db::Db) -> Result<(), workplan::error::AppError> {
///     db.write_blocking(|tx| Ok(workplan::db::queries::items::delete(tx, 1)?))
/// }
/// ```
pub struct WriteTx<'c> {
    conn: &'c mut DbConnection,
}

impl WriteTx<'_> {
    /// The connection, for diesel calls inside `db::queries`.
    pub fn conn(&mut self) -> &mut DbConnection {
        self.conn
    }

    /// Runs `f` in a savepoint: when it fails its writes alone are undone and the rest of
    /// the transaction goes on.
    pub fn savepoint<R, E>(
        &mut self,
        f: impl FnOnce(&mut WriteTx<'_>) -> Result<R, E>,
    ) -> Result<R, E>
    where
        E: From<diesel::result::Error>,
    {
        self.conn.transaction(|c| f(&mut WriteTx { conn: c }))
    }

    /// Makes another instance running the same job wait until this transaction ends, so it
    /// sees this one's writes instead of repeating them (PostgreSQL; SQLite's writers
    /// already take turns).
    pub fn take_turns(&mut self, job: Job) -> QueryResult<()> {
        if let DbConnection::Postgres(c) = self.conn {
            diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
                .bind::<diesel::sql_types::BigInt, _>(job as i64)
                .execute(c)?;
        }
        Ok(())
    }

    /// [`WriteTx::take_turns`] for one name only (a login's user name): work on other names
    /// goes on beside it.
    pub fn take_turns_on(&mut self, job: Job, name: &str) -> QueryResult<()> {
        if let DbConnection::Postgres(c) = self.conn {
            diesel::sql_query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
                .bind::<diesel::sql_types::Integer, _>(job as i32)
                .bind::<diesel::sql_types::Text, _>(name)
                .execute(c)?;
        }
        Ok(())
    }
}

impl std::ops::Deref for WriteTx<'_> {
    type Target = DbConnection;
    fn deref(&self) -> &DbConnection {
        self.conn
    }
}

impl std::ops::DerefMut for WriteTx<'_> {
    fn deref_mut(&mut self) -> &mut DbConnection {
        self.conn
    }
}

/// Work that must not run twice at once across instances (advisory lock keys).
#[derive(Debug, Clone, Copy)]
#[repr(i32)]
pub enum Job {
    /// The hourly due and overdue notices.
    DueNotices = 7_304_212,
    /// Counting a user name's failed logins and reserving the next attempt.
    Login = 7_304_213,
    /// Setting the agency's names (the first start's and the office's): one row, written once.
    Agency = 7_304_214,
    /// Handing a plan down to the agencies below (per upper plan): one copy per agency.
    HandDown = 7_304_216,
}

/// The id the last INSERT on this connection made (the few backend-specific lines live here).
pub fn last_insert_id(conn: &mut DbConnection) -> diesel::QueryResult<i32> {
    use diesel::sql_types::{BigInt, Integer};
    match conn {
        DbConnection::Sqlite(c) => {
            diesel::select(diesel::dsl::sql::<Integer>("last_insert_rowid()")).get_result(c)
        }
        DbConnection::Postgres(c) => {
            let id: i64 = diesel::select(diesel::dsl::sql::<BigInt>("lastval()")).get_result(c)?;
            i32::try_from(id).map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))
        }
    }
}
