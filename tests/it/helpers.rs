//! The test app: the real actix app over a fresh SQLite file or a fresh PostgreSQL database.

use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::{web, App};
use diesel::{Connection, RunQueryDsl};
use serde_json::Value;

use workplan::config::Config;
use workplan::db::Db;
use workplan::domain::division::DivisionKind;
use workplan::domain::role::Role;
use workplan::service::accounts::{self, NewUserInput};
use workplan::service::directory::{self, NewDivisionInput};
use workplan::service::Caller;
use workplan::web::{configure, security_headers, AppState};

/// The password every test user gets.
pub const PASSWORD: &str = "test-password-1";
/// The signing secret of test apps.
pub const SECRET: &str = "test-secret-that-is-long-enough-for-hs256";

/// A fresh database behind the real app.
pub struct TestApp {
    pub state: web::Data<AppState>,
    pub db: Db,
    _dir: tempfile::TempDir,
    _pg: Option<PgDatabase>,
}

/// A per-test PostgreSQL database, dropped when the test ends.
pub struct PgDatabase {
    admin_url: String,
    name: String,
    /// Where the database is reached.
    pub url: String,
}

impl PgDatabase {
    /// A new, empty database on the server of WORKPLAN_TEST_PG_URL (None when it is not set).
    pub fn create() -> Option<Self> {
        let admin_url = std::env::var("WORKPLAN_TEST_PG_URL")
            .ok()
            .filter(|s| !s.is_empty())?;
        let name = format!(
            "wp_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            workplan::auth::random_token(6)
                .to_lowercase()
                .replace(['-', '_'], "x")
        );
        let mut admin =
            diesel::pg::PgConnection::establish(&admin_url).expect("PostgreSQL admin connection");
        diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .expect("create test database");
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(b, _)| b);
        let url = format!("{base}/{name}");
        Some(PgDatabase {
            admin_url,
            name,
            url,
        })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut c) = diesel::pg::PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .execute(&mut c);
        }
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// Says, visibly even under captured output, that a PostgreSQL test did not run.
pub fn skip_pg(test: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED on PostgreSQL: {test} (set WORKPLAN_TEST_PG_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres, to run it)"
    );
}

impl TestApp {
    fn config(dir: &std::path::Path, url: &str) -> Config {
        let dir_s = dir.to_str().expect("utf8 temp dir").to_string();
        let url = url.to_string();
        Config::load_with(None, &move |k| match k {
            "WORKPLAN_DATABASE_URL" => Some(url.clone()),
            "WORKPLAN_DATA_DIR" => Some(dir_s.clone()),
            "WORKPLAN_STORAGE_DIR" => Some(format!("{dir_s}/evidence")),
            "WORKPLAN_POOL_SIZE" => Some("4".to_string()),
            _ => None,
        })
        .expect("test config")
    }

    fn build(dir: tempfile::TempDir, url: String, pg: Option<PgDatabase>) -> Self {
        let config = Self::config(dir.path(), &url);
        let db = Db::connect(&url, config.pool_size).expect("connect");
        db.migrate().expect("migrate");
        let state = web::Data::new(AppState::new(db.clone(), config, SECRET));
        TestApp {
            state,
            db,
            _dir: dir,
            _pg: pg,
        }
    }

    /// The app over a new SQLite file.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}/workplan.db", dir.path().display());
        Self::build(dir, url, None)
    }

    /// The app over a new PostgreSQL database, when WORKPLAN_TEST_PG_URL is set.
    pub async fn postgres() -> Option<Self> {
        let pg = PgDatabase::create()?;
        let dir = tempfile::tempdir().expect("tempdir");
        Some(Self::build(dir, pg.url.clone(), Some(pg)))
    }

    /// The app over a database that already holds data (`dir` holds its evidence under
    /// `evidence/`), after the pending migrations, as `serve` starts on it.
    pub fn existing(dir: tempfile::TempDir, url: String, pg: Option<PgDatabase>) -> Self {
        Self::build(dir, url, pg)
    }

    /// The in-process service, with the same middleware as `serve`.
    pub async fn service(
        &self,
    ) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>
    {
        test::init_service(
            App::new()
                .wrap(security_headers())
                .configure(configure(self.state.clone())),
        )
        .await
    }

    /// Adds a division straight through the service layer.
    pub fn division(&self, name: &str) -> i32 {
        self.division_in(1, name)
    }

    /// Adds a division to one agency's directory.
    pub fn division_in(&self, agency: i32, name: &str) -> i32 {
        let input = NewDivisionInput {
            name: name.to_string(),
            aliases: vec![],
            kind: DivisionKind::Internal,
        };
        self.db
            .write_blocking(|c| directory::create(c, &Caller::cli_in(agency), &input))
            .expect("add division")
            .id
    }

    /// Adds a user with [`PASSWORD`].
    pub fn user(&self, name: &str, role: Role, division_id: Option<i32>) -> i32 {
        self.user_in(1, name, role, division_id)
    }

    /// Adds a user of one agency with [`PASSWORD`].
    pub fn user_in(&self, agency: i32, name: &str, role: Role, division_id: Option<i32>) -> i32 {
        let input = NewUserInput {
            username: name.to_string(),
            display_name: String::new(),
            password: PASSWORD.to_string(),
            role,
            division_id,
            email: Some(format!("{name}@example.gov.cn")),
            temporary: false,
        };
        self.db
            .write_blocking(|c| accounts::create_user(c, &Caller::cli_in(agency), &input))
            .expect("add user")
            .id
    }
}

/// A finished request: status, headers and body.
pub struct Answer {
    pub status: StatusCode,
    pub headers: actix_web::http::header::HeaderMap,
    pub body: String,
}

impl Answer {
    /// The body as JSON (panics with the body when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The `error.code` of a JSON error body.
    pub fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// A header's value, if present.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

/// Sends a request and reads the whole answer.
pub async fn send<S>(svc: &S, req: TestRequest) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let resp = test::call_service(svc, req.to_request()).await;
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = test::read_body(resp).await;
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// Logs in through the API with [`PASSWORD`] and returns the bearer token.
pub async fn login<S>(svc: &S, name: &str) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    login_with(svc, name, PASSWORD).await
}

/// Logs in through the API with the given password and returns the bearer token.
pub async fn login_with<S>(svc: &S, name: &str, password: &str) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let a = send(
        svc,
        TestRequest::post()
            .uri("/api/v1/auth/login")
            .set_json(serde_json::json!({"username": name, "password": password})),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "login of {name}: {}", a.body);
    a.json()["token"].as_str().expect("token").to_string()
}

/// A request carrying a bearer token.
pub fn authed(req: TestRequest, token: &str) -> TestRequest {
    req.insert_header(("Authorization", format!("Bearer {token}")))
}

/// Declares each listed `async fn name(app: TestApp)` as a test on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[actix_web::test]
                async fn $name() {
                    super::$name($crate::helpers::TestApp::sqlite().await).await
                }
            )*
        }
        mod postgres {
            $(
                #[actix_web::test]
                async fn $name() {
                    match $crate::helpers::TestApp::postgres().await {
                        Some(app) => super::$name(app).await,
                        None => $crate::helpers::skip_pg(concat!(module_path!(), "::", stringify!($name))),
                    }
                }
            )*
        }
    };
}

impl TestApp {
    /// Imports the shared sample plan (guangzhou sports 2021) as the office would; its id.
    pub fn import_sample(&self, year: i32) -> i32 {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("imports/guangzhou-sports-2021-division-plan.xlsx");
        let bytes = std::fs::read(&path).expect("sample workbook");
        let draft = workplan::import::read_plan(
            &bytes,
            "guangzhou-sports-2021-division-plan.xlsx",
            &workplan::import::ImportOptions::for_year(year),
        )
        .expect("sample parses");
        let sha = workplan::service::imports::file_hash(&bytes);
        self.db
            .write_blocking(|c| {
                workplan::service::imports::commit(
                    c,
                    &Caller::cli(),
                    &draft,
                    year,
                    &sha,
                    &workplan::service::imports::CommitOptions::default(),
                )
            })
            .expect("sample commits")
            .id
    }
}

/// A multipart POST of one file (field `file`) and optional text fields, with a token.
pub fn upload_file(uri: &str, token: &str, name: &str, bytes: &[u8]) -> TestRequest {
    let boundary = "----workplan-upload";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    authed(TestRequest::post().uri(uri), token)
        .insert_header((
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        ))
        .set_payload(body)
}

/// Every file below `dir` (none when it does not exist).
pub fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
