//! The quarter-end rush, two instances on one PostgreSQL, and faults: real `workplan serve`
//! processes over loopback, loaded by many clients at once, killed with SIGKILL and started
//! again over the same database and storage.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::helpers::*;
use workplan::db::models::NewUser;
use workplan::db::queries;
use workplan::domain::role::Role;

/// Division staff who report at once in the rush.
const CLIENTS: usize = 200;
const DIVISIONS: usize = 20;
/// The evidence each of them uploads.
const EVIDENCE_BYTES: usize = 5 * 1024 * 1024;
/// The whole rush must finish within this (it takes well under a minute on CI machines).
const RUSH_LIMIT: Duration = Duration::from_secs(300);

/// One `workplan serve` process over a test app's database and storage folder.
pub(crate) struct Server {
    child: Child,
    pub(crate) port: u16,
    envs: Vec<(String, String)>,
    log: PathBuf,
}

impl Server {
    /// Starts `serve` on a free port over `app`'s database and storage; `extra` overrides.
    pub(crate) async fn start(app: &TestApp, extra: &[(&str, &str)]) -> Server {
        let c = &app.state.config;
        let mut envs: Vec<(String, String)> = vec![
            ("WORKPLAN_DATABASE_URL".into(), c.database_url.clone()),
            ("WORKPLAN_DATA_DIR".into(), c.data_dir.display().to_string()),
            (
                "WORKPLAN_STORAGE_DIR".into(),
                c.storage_dir.display().to_string(),
            ),
            // Every instance signs with the same secret, so a token works on all of them.
            ("WORKPLAN_JWT_SECRET".into(), SECRET.into()),
            ("WORKPLAN_LOG".into(), "warn".into()),
        ];
        for (k, v) in extra {
            envs.retain(|(key, _)| key != k);
            envs.push((k.to_string(), v.to_string()));
        }
        let log = c.data_dir.join(format!("serve-{}.log", free_port()));
        Self::spawn(envs, log).await
    }

    /// Starts `serve` over another database and storage folder (a restored one, say), with
    /// the test secret; its log goes to `data_dir`.
    pub(crate) async fn start_on(
        database_url: &str,
        storage_dir: &std::path::Path,
        data_dir: &std::path::Path,
    ) -> Server {
        let envs: Vec<(String, String)> = vec![
            ("WORKPLAN_DATABASE_URL".into(), database_url.into()),
            ("WORKPLAN_DATA_DIR".into(), data_dir.display().to_string()),
            (
                "WORKPLAN_STORAGE_DIR".into(),
                storage_dir.display().to_string(),
            ),
            ("WORKPLAN_JWT_SECRET".into(), SECRET.into()),
            ("WORKPLAN_LOG".into(), "warn".into()),
        ];
        let log = data_dir.join(format!("serve-{}.log", free_port()));
        Self::spawn(envs, log).await
    }

    async fn spawn(envs: Vec<(String, String)>, log: PathBuf) -> Server {
        let port = free_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_workplan"));
        for (k, _) in std::env::vars() {
            if k.starts_with("WORKPLAN_") {
                cmd.env_remove(k);
            }
        }
        let stderr = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("server log");
        let child = cmd
            .arg("serve")
            .envs(envs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("WORKPLAN_BIND", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("spawn workplan serve");
        let server = Server {
            child,
            port,
            envs,
            log,
        };
        server.wait_healthy().await;
        server
    }

    async fn wait_healthy(&self) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = client.get(self.url("/healthz")).send().await {
                if r.status() == 200 {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "serve did not answer /healthz: {}",
                self.log_text()
            );
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// An absolute URL on this server.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Kills the process at once (SIGKILL): no shutdown, no flushing.
    pub(crate) fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Kills the process and starts it again with the same settings (`extra` added).
    pub(crate) async fn restart(mut self, extra: &[(&str, &str)]) -> Server {
        self.kill();
        let mut envs = std::mem::take(&mut self.envs);
        for (k, v) in extra {
            envs.retain(|(key, _)| key != k);
            envs.push((k.to_string(), v.to_string()));
        }
        Self::spawn(envs, self.log.clone()).await
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Logs in through the API; returns the bearer token.
pub(crate) async fn api_login(client: &reqwest::Client, server: &Server, name: &str) -> String {
    let r = client
        .post(server.url("/api/v1/auth/login"))
        .json(&json!({"username": name, "password": PASSWORD}))
        .send()
        .await
        .expect("login request");
    assert_eq!(r.status(), 200, "login {name}");
    let v: Value = r.json().await.expect("login JSON");
    v["token"].as_str().expect("token").to_string()
}

/// A plan ready for the rush: divisions, their staff, one item per person, an open period.
pub(crate) struct RushPlan {
    pub(crate) plan: i64,
    /// (username, division id, item id) per client.
    pub(crate) staff: Vec<(String, i32, i32)>,
}

/// Divisions, the office, `clients` division staff with one item each, an open 2021-Q3.
pub(crate) fn seed_rush(app: &TestApp, clients: usize) -> RushPlan {
    let divisions: Vec<i32> = (0..DIVISIONS)
        .map(|i| app.division(&format!("第{}处", i + 1)))
        .collect();
    app.user("office", Role::Office, None);
    // One hash for everyone: hashing 200 passwords would only slow the set-up down.
    let hash = workplan::auth::hash_password(PASSWORD, "staff").expect("hash");
    let names: Vec<String> = (0..clients).map(|i| format!("staff{i:03}")).collect();
    app.db
        .write_blocking(|c| -> Result<(), workplan::error::AppError> {
            for (i, name) in names.iter().enumerate() {
                let token = workplan::auth::random_token(24);
                queries::users::insert(
                    c,
                    &NewUser {
                        username: name,
                        display_name: name,
                        password_hash: &hash,
                        role: "division",
                        division_id: Some(divisions[i % DIVISIONS]),
                        disabled: false,
                        feed_token: &token,
                        version: 1,
                        created_at: queries::now(),
                        email: None,
                        must_change_password: false,
                        password_changed_at: None,
                        agency_id: 1,
                    },
                )?;
            }
            Ok(())
        })
        .expect("staff");
    let office = workplan::service::Caller::cli();
    let plan = app
        .db
        .write_blocking(|c| {
            workplan::service::plans::create(
                c,
                &office,
                &workplan::service::plans::NewPlanInput {
                    year: 2021,
                    title: "2021年政务公开工作要点分工方案".into(),
                    document_number: None,
                },
            )
        })
        .expect("plan");
    let mut staff = Vec::new();
    for (i, name) in names.into_iter().enumerate() {
        let input = workplan::service::plans::NewItemInput {
            number: (i + 1).to_string(),
            task: format!("做好第{}项信息公开工作", i + 1),
            requirement: "9月底前完成并在门户网站公开。".into(),
            lead: vec![format!("第{}处", i % DIVISIONS + 1)],
            support: vec![],
        };
        let item = app
            .db
            .write_blocking(|c| workplan::service::plans::create_item(c, &office, plan.id, &input))
            .expect("item");
        staff.push((name, divisions[i % DIVISIONS], item.id));
    }
    app.db
        .write_blocking(|c| {
            workplan::service::reports::open_period(
                c,
                &office,
                plan.id,
                &workplan::service::reports::OpenPeriodInput {
                    period: "2021-Q3".into(),
                    due_on: None,
                },
                true,
            )
        })
        .expect("period");
    RushPlan {
        plan: plan.id.into(),
        staff,
    }
}

/// What one client did: its report, its evidence and the file's hash.
struct Outcome {
    report: i64,
    evidence: i64,
    sha256: String,
    size: usize,
    summary: String,
    /// (step, latency)
    timings: Vec<(&'static str, Duration)>,
}

/// The evidence of client `n`: a shared 5 MB PDF body with a tail of its own, so every
/// file differs (content-addressed storage would otherwise keep one copy).
fn evidence_of(base: &Bytes, base_hash: &Sha256, n: usize) -> (Vec<Bytes>, String) {
    let tail = Bytes::from(format!("\n%workplan rush client {n}\n%%EOF\n"));
    let mut h = base_hash.clone();
    h.update(&tail);
    (vec![base.clone(), tail], hex::encode(h.finalize()))
}

async fn step<T>(
    timings: &mut Vec<(&'static str, Duration)>,
    name: &'static str,
    f: impl std::future::Future<Output = T>,
) -> T {
    let t = Instant::now();
    let out = f.await;
    timings.push((name, t.elapsed()));
    out
}

pub(crate) async fn expect_status(r: reqwest::Response, want: u16, what: &str) -> Value {
    let status = r.status().as_u16();
    let body = r.text().await.unwrap_or_default();
    assert_eq!(status, want, "{what}: {body}");
    serde_json::from_str(&body).unwrap_or(Value::Null)
}

/// One division's person at the quarter's end: log in, read their items, write the report,
/// upload the evidence, submit.
async fn one_client(
    server: &Server,
    plan: i64,
    (name, division, item): (String, i32, i32),
    n: usize,
    file: (Vec<Bytes>, String),
) -> Outcome {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(240))
        .build()
        .expect("client");
    let mut timings = Vec::new();
    let token = step(&mut timings, "login", api_login(&client, server, &name)).await;
    let items = step(
        &mut timings,
        "list items",
        client
            .get(server.url(&format!("/api/v1/plans/{plan}/items?division={division}")))
            .bearer_auth(&token)
            .send(),
    )
    .await
    .expect("list");
    let items = expect_status(items, 200, "list items").await;
    assert!(
        items
            .as_array()
            .expect("items")
            .iter()
            .any(|i| i["id"] == json!(item)),
        "{name} sees item {item}"
    );
    let summary = format!("第三季度已完成第{n}项工作，材料见附件。");
    let report = step(
        &mut timings,
        "write report",
        client
            .post(server.url(&format!("/api/v1/items/{item}/reports")))
            .bearer_auth(&token)
            .json(&json!({"period": "2021-Q3", "summary": summary}))
            .send(),
    )
    .await
    .expect("write");
    let report = expect_status(report, 201, "write report").await;
    let report_id = report["id"].as_i64().expect("report id");
    let (chunks, sha256) = file;
    let length: usize = chunks.iter().map(Bytes::len).sum();
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(
        chunks.into_iter().map(Ok::<_, std::io::Error>),
    ));
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::stream_with_length(body, length as u64)
            .file_name(format!("第三季度材料{n}.pdf"))
            .mime_str("application/pdf")
            .expect("mime"),
    );
    let evidence = step(
        &mut timings,
        "upload evidence",
        client
            .post(server.url(&format!("/api/v1/reports/{report_id}/evidence")))
            .bearer_auth(&token)
            .multipart(form)
            .send(),
    )
    .await
    .expect("upload");
    let evidence = expect_status(evidence, 201, "upload evidence").await;
    assert_eq!(
        evidence["sha256"],
        json!(sha256),
        "the server hashed what was sent"
    );
    let submitted = step(
        &mut timings,
        "submit",
        client
            .post(server.url(&format!("/api/v1/reports/{report_id}/submit")))
            .bearer_auth(&token)
            .json(&json!({"version": report["version"]}))
            .send(),
    )
    .await
    .expect("submit");
    expect_status(submitted, 200, "submit").await;
    Outcome {
        report: report_id,
        evidence: evidence["id"].as_i64().expect("evidence id"),
        sha256,
        size: length,
        summary,
        timings,
    }
}

/// Runs the rush spread over `servers`, then checks as the office that every report and
/// every file is there; prints p50/p99 per step.
async fn rush(app: &TestApp, plan: &RushPlan, servers: &[&Server], label: &str) {
    let mut base = vec![0u8; EVIDENCE_BYTES];
    // A PDF head so the server takes it as one; the rest is cheap pseudo-random bytes.
    base[..9].copy_from_slice(b"%PDF-1.4\n");
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for b in base[9..].iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    let base = Bytes::from(base);
    let mut base_hash = Sha256::new();
    base_hash.update(&base);

    let started = Instant::now();
    let clients = plan.staff.iter().cloned().enumerate().map(|(n, who)| {
        let server = servers[n % servers.len()];
        let file = evidence_of(&base, &base_hash, n);
        one_client(server, plan.plan, who, n, file)
    });
    let outcomes =
        actix_web::rt::time::timeout(RUSH_LIMIT, futures_util::future::join_all(clients))
            .await
            .expect("the rush finished in time");
    let took = started.elapsed();

    // Afterwards, as the office: every report submitted with its text, every file there
    // with the hash it was sent with.
    let client = reqwest::Client::new();
    let office = api_login(&client, servers[0], "office").await;
    for (n, o) in outcomes.iter().enumerate() {
        let server = servers[(n + 1) % servers.len()];
        let r = client
            .get(server.url(&format!("/api/v1/reports/{}", o.report)))
            .bearer_auth(&office)
            .send()
            .await
            .expect("report");
        let r = expect_status(r, 200, "read report back").await;
        assert_eq!(r["state"], json!("submitted"), "report {}", o.report);
        assert_eq!(r["summary"], json!(o.summary));
        let files: Vec<&Value> = r["evidence"].as_array().expect("evidence").iter().collect();
        assert_eq!(files.len(), 1, "report {} has its one file", o.report);
        assert_eq!(files[0]["id"], json!(o.evidence));
        assert_eq!(files[0]["sha256"], json!(o.sha256));
        assert_eq!(files[0]["size_bytes"], json!(o.size));
        let stored = workplan::evidence::path_for(&app.state.config.storage_dir, &o.sha256)
            .expect("hash path");
        let bytes = std::fs::read(&stored).expect("stored file");
        assert_eq!(
            hex::encode(Sha256::digest(&bytes)),
            o.sha256,
            "file on disk"
        );
    }
    // A few downloads through the API, as a user would check.
    for o in outcomes.iter().step_by(50) {
        let r = client
            .get(servers[0].url(&format!("/api/v1/evidence/{}/file", o.evidence)))
            .bearer_auth(&office)
            .send()
            .await
            .expect("download");
        assert_eq!(r.status(), 200);
        let bytes = r.bytes().await.expect("file");
        assert_eq!(
            hex::encode(Sha256::digest(&bytes)),
            o.sha256,
            "downloaded file"
        );
    }
    let tmp_left = std::fs::read_dir(app.state.config.storage_dir.join("tmp"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(tmp_left, 0, "no temporary upload files left behind");

    let mut report = format!(
        "rush on {label}: {CLIENTS} clients, {} servers, {:.1} s, 0 errors, {} reports and files checked\n",
        servers.len(),
        took.as_secs_f64(),
        outcomes.len()
    );
    for name in [
        "login",
        "list items",
        "write report",
        "upload evidence",
        "submit",
    ] {
        let mut t: Vec<Duration> = outcomes
            .iter()
            .flat_map(|o| o.timings.iter())
            .filter(|(s, _)| *s == name)
            .map(|(_, d)| *d)
            .collect();
        t.sort();
        let at = |q: f64| t[((t.len() as f64 * q).ceil() as usize).clamp(1, t.len()) - 1];
        report.push_str(&format!(
            "  {name:<16} p50 {:>7.0} ms   p99 {:>7.0} ms   max {:>7.0} ms\n",
            at(0.5).as_secs_f64() * 1e3,
            at(0.99).as_secs_f64() * 1e3,
            t[t.len() - 1].as_secs_f64() * 1e3,
        ));
    }
    eprint!("{report}");
}

async fn quarter_end_rush(app: TestApp) {
    let plan = seed_rush(&app, CLIENTS);
    let server = Server::start(&app, &[]).await;
    let label = app.state.db.backend().name();
    rush(&app, &plan, &[&server], label).await;
}

/// Two instances on one PostgreSQL and one storage folder: the rush spread over both loses
/// nothing, a throttled login is throttled on both, and a stale write through either is
/// refused.
#[actix_web::test]
async fn two_instances_share_one_database_and_storage() {
    let Some(app) = TestApp::postgres().await else {
        skip_pg("load::two_instances_share_one_database_and_storage");
        return;
    };
    let plan = seed_rush(&app, CLIENTS);
    // Both start together, so both send their due-date notices at once.
    let (a, b) =
        futures_util::future::join(Server::start(&app, &[]), Server::start(&app, &[])).await;
    rush(&app, &plan, &[&a, &b], "postgres, two instances").await;
    assert_notified_once(&app);

    let client = reqwest::Client::new();
    let mut throttled_on_a = false;
    for _ in 0..=workplan::domain::throttle::MAX_FAILURES {
        let r = client
            .post(a.url("/api/v1/auth/login"))
            .json(&json!({"username": "staff000", "password": "wrong-password"}))
            .send()
            .await
            .expect("login");
        throttled_on_a = r.status() == 429;
    }
    assert!(throttled_on_a, "repeated failures are throttled");
    let r = client
        .post(b.url("/api/v1/auth/login"))
        .json(&json!({"username": "staff000", "password": PASSWORD}))
        .send()
        .await
        .expect("login on the other instance");
    assert_eq!(
        r.status(),
        429,
        "the other instance throttles the same name"
    );
    assert!(r.headers().contains_key("retry-after"));

    let office = api_login(&client, &b, "office").await;
    let items = client
        .get(a.url("/api/v1/plans"))
        .bearer_auth(&office)
        .send()
        .await
        .expect("plans");
    let plans = expect_status(items, 200, "plans").await;
    let plan = plans[0]["id"].as_i64().expect("plan");
    let items = client
        .get(a.url(&format!("/api/v1/plans/{plan}/items")))
        .bearer_auth(&office)
        .send()
        .await
        .expect("items");
    let items = expect_status(items, 200, "items").await;
    let (item, version) = (&items[0]["id"], &items[0]["version"]);
    let first = client
        .patch(b.url(&format!("/api/v1/items/{item}")))
        .bearer_auth(&office)
        .json(&json!({"version": version, "task": "经 B 实例修改"}))
        .send()
        .await
        .expect("patch on b");
    expect_status(first, 200, "first write").await;
    let stale = client
        .patch(a.url(&format!("/api/v1/items/{item}")))
        .bearer_auth(&office)
        .json(&json!({"version": version, "task": "经 A 实例修改"}))
        .send()
        .await
        .expect("patch on a");
    let body = expect_status(stale, 409, "stale write through the other instance").await;
    assert_eq!(body["error"]["code"], json!("conflict"));
}

/// Every overdue item's notice reached each person of its lead division once, though
/// every instance sends notices.
fn assert_notified_once(app: &TestApp) {
    use diesel::sql_types::BigInt;
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let mut conn = app.db.get().expect("connection");
    let workplan::db::DbConnection::Postgres(c) = &mut *conn else {
        panic!("PostgreSQL only");
    };
    let mut count = |sql: &str| -> i64 {
        diesel::sql_query(sql)
            .get_result::<Count>(c)
            .expect("count")
            .n
    };
    let notices = count("SELECT count(*) AS n FROM notifications WHERE kind = 'overdue'");
    let people = count(
        "SELECT count(*) AS n FROM items i JOIN assignments a ON a.item_id = i.id AND a.role = 'lead'
           JOIN users u ON u.division_id = a.division_id",
    );
    assert!(notices > 0, "overdue items were notified");
    assert_eq!(
        notices, people,
        "one notice per overdue item and person, not one per instance"
    );
}

/// SQLite: `PRAGMA integrity_check` says ok and no foreign key dangles. PostgreSQL: every
/// B-tree index passes amcheck and no foreign key dangles (the server enforces them).
fn assert_database_intact(app: &TestApp) {
    use diesel::connection::SimpleConnection;
    use diesel::sql_types::Text;
    use diesel::RunQueryDsl;
    use workplan::db::DbConnection;

    #[derive(diesel::QueryableByName)]
    struct Check {
        #[diesel(sql_type = Text)]
        integrity_check: String,
    }
    #[derive(diesel::QueryableByName)]
    struct Dangling {
        #[diesel(sql_type = Text)]
        table: String,
    }
    let mut conn = app.db.get().expect("connection");
    match &mut *conn {
        DbConnection::Sqlite(c) => {
            let rows: Vec<Check> = diesel::sql_query("PRAGMA integrity_check")
                .load(c)
                .expect("integrity_check");
            let words: Vec<&str> = rows.iter().map(|r| r.integrity_check.as_str()).collect();
            assert_eq!(words, ["ok"], "SQLite integrity check");
            let dangling: Vec<Dangling> = diesel::sql_query("PRAGMA foreign_key_check")
                .load(c)
                .expect("foreign_key_check");
            let tables: Vec<&str> = dangling.iter().map(|d| d.table.as_str()).collect();
            assert!(tables.is_empty(), "dangling references in {tables:?}");
        }
        DbConnection::Postgres(c) => {
            c.batch_execute(
                "CREATE EXTENSION IF NOT EXISTS amcheck;
                 SELECT bt_index_check(i.indexrelid, true)
                   FROM pg_index i
                   JOIN pg_class x ON x.oid = i.indexrelid
                   JOIN pg_am am ON am.oid = x.relam
                  WHERE am.amname = 'btree' AND x.relnamespace = 'public'::regnamespace;",
            )
            .expect("amcheck finds every index intact");
        }
    }
}

/// A plan of `rows` items as the agencies' CSV lays it out; `edition` makes each file differ.
fn big_plan_csv(rows: usize, edition: usize) -> Vec<u8> {
    let divisions = ["办公室", "法规宣传处", "计划财务处", "办公室、法规宣传处"];
    let deadlines = ["9月底前", "年底前", "每季度", "3月31日前", "长期坚持"];
    let mut csv = format!(
        "某局2021年政务公开工作要点具体分工方案（第{edition}稿）\n重点任务,具体措施,责任部门,完成期限\n"
    );
    for n in 1..=rows {
        csv.push_str(&format!(
            "({n}) 做好第{n}项工作。,{n}. 按要求做好相关信息公开工作，确保内容准确、更新及时。,{},{}\n",
            divisions[n % divisions.len()],
            deadlines[n % deadlines.len()]
        ));
    }
    csv.into_bytes()
}

fn import_form(csv: &[u8], dry_run: bool) -> reqwest::multipart::Form {
    let form = reqwest::multipart::Form::new().text("year", "2021").part(
        "file",
        reqwest::multipart::Part::bytes(csv.to_vec())
            .file_name("分工方案.csv")
            .mime_str("text/csv")
            .expect("mime"),
    );
    if dry_run {
        form.text("dry_run", "true")
    } else {
        form
    }
}

/// (plans, items in each) as the office sees them.
async fn plans_and_items(client: &reqwest::Client, server: &Server, token: &str) -> Vec<i64> {
    let r = client
        .get(server.url("/api/v1/plans"))
        .bearer_auth(token)
        .send()
        .await
        .expect("plans");
    let plans = expect_status(r, 200, "plans").await;
    plans
        .as_array()
        .expect("plans")
        .iter()
        .map(|p| p["item_count"].as_i64().expect("count"))
        .collect()
}

/// SIGKILL while an import is being written: after a restart the database is intact and
/// the plan is there with every item or not at all.
async fn killed_during_import_leaves_it_whole_or_absent(app: TestApp) {
    const ROWS: usize = 3000;
    for name in ["办公室", "法规宣传处", "计划财务处"] {
        app.division(name);
    }
    app.user("office", Role::Office, None);
    let csv = big_plan_csv(ROWS, 0);
    let mut server = Server::start(&app, &[]).await;
    let client = reqwest::Client::new();
    let token = api_login(&client, &server, "office").await;

    // How long reading alone and reading plus writing take, to aim the kills at the write.
    let t = Instant::now();
    let r = client
        .post(server.url("/api/v1/plans/import"))
        .bearer_auth(&token)
        .multipart(import_form(&csv, true))
        .send()
        .await
        .expect("dry run");
    expect_status(r, 200, "dry run").await;
    let read = t.elapsed();
    let t = Instant::now();
    let r = client
        .post(server.url("/api/v1/plans/import"))
        .bearer_auth(&token)
        .multipart(import_form(&csv, false))
        .send()
        .await
        .expect("import");
    let first = expect_status(r, 201, "whole import").await;
    let whole = t.elapsed();
    assert_eq!(
        plans_and_items(&client, &server, &token).await,
        [ROWS as i64],
        "{first}"
    );

    // The write is a few multi-row statements now, tens of milliseconds against the read's
    // hundreds: the kills are spread over the end of the read and the whole write (a
    // request's time varies more than the write lasts), and at least one must land before
    // the answer.
    let mut cut_short = 0;
    for (edition, fraction) in [0.5, 0.75, 0.9, 0.97, 1.0].into_iter().enumerate() {
        let aim = whole.mul_f64(fraction);
        let request = client
            .post(server.url("/api/v1/plans/import"))
            .bearer_auth(&token)
            .multipart(import_form(&big_plan_csv(ROWS, edition + 1), false))
            .send();
        let answered = match actix_web::rt::time::timeout(aim, request).await {
            Ok(r) => Some(r.map(|r| r.status().as_u16())),
            Err(_) => None,
        };
        server.kill();
        match answered {
            None => cut_short += 1,
            Some(Ok(status)) => assert_eq!(status, 201, "an import that answered landed"),
            Some(Err(e)) => panic!("the import failed before the kill: {e}"),
        }
        server = server.restart(&[]).await;
        assert_database_intact(&app);
        let token = api_login(&client, &server, "office").await;
        let counts = plans_and_items(&client, &server, &token).await;
        assert!(
            counts.iter().all(|&c| c == ROWS as i64),
            "each plan whole after a kill at {fraction}: {counts:?}"
        );
    }
    assert!(
        cut_short > 0,
        "at least one kill landed before the import answered (read {read:?}, whole {whole:?})"
    );
}

/// SIGKILL in the middle of an upload: no evidence row, no stored file; the temporary file
/// it left is removed at the next start; uploading again works.
async fn killed_during_upload_leaves_nothing_half_written(app: TestApp) {
    let plan = seed_rush(&app, 1);
    let (name, _, item) = plan.staff[0].clone();
    let server = Server::start(&app, &[]).await;
    let client = reqwest::Client::new();
    let token = api_login(&client, &server, &name).await;
    let r = client
        .post(server.url(&format!("/api/v1/items/{item}/reports")))
        .bearer_auth(&token)
        .json(&json!({"period": "2021-Q3", "summary": "已完成"}))
        .send()
        .await
        .expect("report");
    let report = expect_status(r, 201, "report").await["id"]
        .as_i64()
        .expect("id");

    // 64 MB announced, 8 MB sent, then the sender waits: the server is killed meanwhile.
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Result<Bytes, std::io::Error>>();
    let mut head = vec![7u8; 8 * 1024 * 1024];
    head[..9].copy_from_slice(b"%PDF-1.4\n");
    tx.send(Ok(Bytes::from(head))).expect("queue");
    let rx = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::stream_with_length(
            reqwest::Body::wrap_stream(rx),
            64 * 1024 * 1024,
        )
        .file_name("大文件.pdf"),
    );
    let upload = client
        .post(server.url(&format!("/api/v1/reports/{report}/evidence")))
        .bearer_auth(&token)
        .multipart(form)
        .send();
    let tmp = app.state.config.storage_dir.join("tmp");
    let partial = async {
        loop {
            let bytes: u64 = std::fs::read_dir(&tmp)
                .map(|d| {
                    d.filter_map(Result::ok)
                        .filter_map(|e| e.metadata().ok())
                        .map(|m| m.len())
                        .sum()
                })
                .unwrap_or(0);
            if bytes >= 4 * 1024 * 1024 {
                return;
            }
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let mut server = server;
    futures_util::pin_mut!(upload);
    futures_util::pin_mut!(partial);
    let raced = actix_web::rt::time::timeout(
        Duration::from_secs(60),
        futures_util::future::select(upload, partial),
    )
    .await
    .expect("the upload got under way");
    assert!(
        matches!(raced, futures_util::future::Either::Right(_)),
        "the upload must still be in progress when the server is killed"
    );
    server.kill();
    drop(tx);
    let left: Vec<_> = std::fs::read_dir(&tmp).expect("tmp").collect();
    assert_eq!(left.len(), 1, "the killed upload left its temporary file");

    let server = server
        .restart(&[("WORKPLAN_STALE_UPLOAD_MINUTES", "0")])
        .await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::fs::read_dir(&tmp).expect("tmp").count() > 0 {
        assert!(
            Instant::now() < deadline,
            "the orphaned temporary file is removed"
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    assert_database_intact(&app);
    let stored: Vec<PathBuf> = walk(&app.state.config.storage_dir)
        .into_iter()
        .filter(|p| !p.starts_with(&tmp))
        .collect();
    assert!(stored.is_empty(), "no stored file: {stored:?}");
    let r = client
        .get(server.url(&format!("/api/v1/reports/{report}")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("report");
    let view = expect_status(r, 200, "report").await;
    assert_eq!(
        view["evidence"],
        json!([]),
        "no half-written evidence is visible"
    );

    let r = client
        .post(server.url(&format!("/api/v1/reports/{report}/evidence")))
        .bearer_auth(&token)
        .multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec()).file_name("a.pdf"),
        ))
        .send()
        .await
        .expect("upload again");
    expect_status(r, 201, "upload after the restart").await;
}

crate::on_both_backends!(
    quarter_end_rush,
    killed_during_import_leaves_it_whole_or_absent,
    killed_during_upload_leaves_nothing_half_written
);

/// Another process holds SQLite's write lock past the busy timeout: writes answer 503 with
/// Retry-After (reads still work), and succeed again once the lock is gone.
#[actix_web::test]
async fn a_locked_sqlite_file_answers_503_then_recovers() {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;

    let app = TestApp::sqlite().await;
    let plan = seed_rush(&app, 1);
    let (name, division, item) = plan.staff[0].clone();
    let server = Server::start(&app, &[]).await;
    let client = reqwest::Client::new();
    let token = api_login(&client, &server, &name).await;

    let path = app
        .state
        .config
        .database_url
        .trim_start_matches("sqlite://")
        .to_string();
    let mut locker = diesel::SqliteConnection::establish(&path).expect("second connection");
    locker
        .batch_execute("BEGIN EXCLUSIVE")
        .expect("take the lock");
    let write = || {
        client
            .post(server.url(&format!("/api/v1/items/{item}/reports")))
            .bearer_auth(&token)
            .json(&json!({"period": "2021-Q3", "summary": "锁住时写的"}))
            .send()
    };
    let r = write().await.expect("write while locked");
    assert_eq!(r.status(), 503, "a write waits, then says to retry");
    assert!(r.headers().contains_key("retry-after"));
    let body: Value = r.json().await.expect("error body");
    assert_eq!(body["error"]["code"], json!("unavailable"));
    let read = client
        .get(server.url(&format!(
            "/api/v1/plans/{}/items?division={division}",
            plan.plan
        )))
        .bearer_auth(&token)
        .send()
        .await
        .expect("read while locked");
    assert_eq!(read.status(), 200, "readers are not held up by the writer");

    locker.batch_execute("ROLLBACK").expect("release the lock");
    let r = write().await.expect("write after the lock");
    let report = expect_status(r, 201, "write once the lock is gone").await;
    assert_eq!(report["summary"], json!("锁住时写的"));
    assert_database_intact(&app);
}

/// A TCP relay between the server and PostgreSQL that can drop every connection and refuse
/// new ones for a while: what the server sees while PostgreSQL restarts.
struct Relay {
    port: u16,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    generation: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Relay {
    async fn start(target: std::net::SocketAddr) -> Relay {
        use std::sync::atomic::Ordering;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("relay port");
        let port = listener.local_addr().expect("addr").port();
        let up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let generation = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let (up2, generation2) = (up.clone(), generation.clone());
        actix_web::rt::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    return;
                };
                if !up2.load(Ordering::SeqCst) {
                    drop(inbound); // refused while "restarting"
                    continue;
                }
                let born = generation2.load(Ordering::SeqCst);
                let generation = generation2.clone();
                actix_web::rt::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await else {
                        return;
                    };
                    let pump = tokio::io::copy_bidirectional(&mut inbound, &mut outbound);
                    let cut = async {
                        while generation.load(Ordering::SeqCst) == born {
                            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
                        }
                    };
                    tokio::select! {
                        _ = pump => {}
                        _ = cut => {}
                    }
                });
            }
        });
        Relay {
            port,
            up,
            generation,
        }
    }

    /// Drops every open connection and refuses new ones.
    fn stop(&self) {
        use std::sync::atomic::Ordering;
        self.up.store(false, Ordering::SeqCst);
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    fn resume(&self) {
        self.up.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// PostgreSQL goes away mid-run (every connection dropped, new ones refused): requests
/// answer 503 instead of hanging or failing with 500, and work again once it is back.
#[actix_web::test]
async fn a_postgres_restart_answers_503_then_recovers() {
    let Some(app) = TestApp::postgres().await else {
        skip_pg("load::a_postgres_restart_answers_503_then_recovers");
        return;
    };
    let plan = seed_rush(&app, 1);
    let (name, division, item) = plan.staff[0].clone();
    let url = app.state.config.database_url.clone();
    let (before, after) = url.split_once("@").expect("user@host in the URL");
    let (host_port, db) = after.split_once('/').expect("/database in the URL");
    let target: std::net::SocketAddr = tokio::net::lookup_host(host_port)
        .await
        .expect("resolve")
        .next()
        .expect("address");
    let relay = Relay::start(target).await;
    let relayed = format!("{before}@127.0.0.1:{}/{db}", relay.port);
    let server = Server::start(&app, &[("WORKPLAN_DATABASE_URL", &relayed)]).await;
    let client = reqwest::Client::new();
    let token = api_login(&client, &server, &name).await;
    let list = server.url(&format!(
        "/api/v1/plans/{}/items?division={division}",
        plan.plan
    ));
    let r = client
        .get(&list)
        .bearer_auth(&token)
        .send()
        .await
        .expect("list");
    assert_eq!(r.status(), 200);

    relay.stop();
    actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    let r = client
        .get(&list)
        .bearer_auth(&token)
        .send()
        .await
        .expect("list while the database is away");
    assert_eq!(r.status(), 503, "a read says to retry");
    assert!(r.headers().contains_key("retry-after"));
    let r = client
        .post(server.url(&format!("/api/v1/items/{item}/reports")))
        .bearer_auth(&token)
        .json(&json!({"period": "2021-Q3", "summary": "数据库重启时写的"}))
        .send()
        .await
        .expect("write while the database is away");
    assert_eq!(r.status(), 503, "a write says to retry");
    let asked = Instant::now();
    let health = client
        .get(server.url("/healthz"))
        .send()
        .await
        .expect("health");
    assert_eq!(health.status(), 503);
    assert!(
        asked.elapsed() < Duration::from_secs(10),
        "the health check answers promptly, not after the pool's timeout"
    );

    relay.resume();
    let r = client
        .post(server.url(&format!("/api/v1/items/{item}/reports")))
        .bearer_auth(&token)
        .json(&json!({"period": "2021-Q3", "summary": "数据库回来后写的"}))
        .send()
        .await
        .expect("write after");
    let report = expect_status(r, 201, "a write once PostgreSQL is back").await;
    assert_eq!(report["summary"], json!("数据库回来后写的"));
    let health = client
        .get(server.url("/healthz"))
        .send()
        .await
        .expect("health");
    assert_eq!(health.status(), 200);
}

/// With every log level on, nothing secret reaches the server's log: not a password (at
/// login or when changed), not a bearer token or session cookie, not a calendar feed
/// token travelling in a URL, not the signing secret.
#[actix_web::test]
async fn secrets_never_reach_the_log() {
    let app = TestApp::sqlite().await;
    let plan = seed_rush(&app, 1);
    let (name, division, _) = plan.staff[0].clone();
    let server = Server::start(&app, &[("WORKPLAN_LOG", "trace")]).await;
    let client = reqwest::Client::new();
    let token = api_login(&client, &server, &name).await;
    let office = api_login(&client, &server, "office").await;
    let wrong = client
        .post(server.url("/api/v1/auth/login"))
        .json(&json!({"username": "office", "password": "a-wrong-password-9"}))
        .send()
        .await
        .expect("wrong login");
    assert_eq!(wrong.status(), 401);
    let user = app
        .db
        .write_blocking(|c| -> Result<_, workplan::error::AppError> {
            Ok(queries::users::by_name(c, &name)?)
        })
        .expect("user")
        .expect("staff");
    let r = client
        .get(server.url(&format!(
            "/api/v1/divisions/{division}/calendar.ics?token={}",
            user.feed_token
        )))
        .send()
        .await
        .expect("feed");
    assert_eq!(r.status(), 200);
    let new_password = "a-brand-new-password-7";
    let r = client
        .patch(server.url(&format!("/api/v1/users/{}", user.id)))
        .bearer_auth(&office)
        .json(&json!({"version": user.version, "password": new_password}))
        .send()
        .await
        .expect("password change");
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    let page = client
        .get(server.url("/my"))
        .header(
            "cookie",
            format!("{}={token}", workplan::web::auth::SESSION_COOKIE),
        )
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);

    let log = server.log_text();
    assert!(
        log.contains("/api/v1/auth/login"),
        "the access log is on: {log}"
    );
    for (what, secret) in [
        ("password", PASSWORD),
        ("wrong password", "a-wrong-password-9"),
        ("new password", new_password),
        ("bearer token", token.as_str()),
        ("office token", office.as_str()),
        ("feed token", user.feed_token.as_str()),
        ("signing secret", SECRET),
    ] {
        assert!(!log.contains(secret), "the {what} is in the log");
    }
}
