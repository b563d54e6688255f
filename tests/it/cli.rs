//! The `workplan` binary: serve from nothing, user commands, backup of a live database.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use diesel::{Connection, RunQueryDsl};

fn workplan(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_workplan"));
    c.current_dir(dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("WORKPLAN_") {
            c.env_remove(k);
        }
    }
    c.env("WORKPLAN_LOG", "warn");
    c
}

fn run(cmd: &mut Command, stdin: &str) -> (bool, String, String) {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn workplan");
    // A command that fails before reading its input closes the pipe: that is not an error.
    let _ = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes());
    let out = child.wait_with_output().expect("wait");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// A blocking HTTP GET on loopback; returns the status line and body.
fn http_get(port: u16, path: &str) -> Option<(String, String)> {
    use std::io::Read;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let status = buf.lines().next()?.to_string();
    let body = buf
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Some((status, body))
}

#[test]
fn serve_with_nothing_set_makes_its_data_and_says_how_to_log_in() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let mut child = workplan(dir.path())
        .arg("serve")
        .env("WORKPLAN_BIND", format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn serve");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut health = None;
    while Instant::now() < deadline {
        if let Some(h) = http_get(port, "/healthz") {
            health = Some(h);
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let login = http_get(port, "/login");
    let _ = child.kill();
    let _ = child.wait();
    let printed: Vec<String> = rx.try_iter().collect();
    let printed = printed.join("\n");

    let (status, _) = health.expect("serve answered /healthz");
    assert!(status.contains("200"), "{status}");
    let (status, body) = login.expect("login page");
    assert!(status.contains("200") && body.contains("登录"), "{status}");
    assert!(
        printed.contains(&format!("http://127.0.0.1:{port}/")),
        "prints where it listens: {printed}"
    );
    assert!(
        printed.contains("user add"),
        "says how to add the first user: {printed}"
    );
    let data = dir.path().join("data");
    assert!(data.join("workplan.db").is_file(), "made the SQLite file");
    assert!(data.join("evidence").is_dir(), "made the evidence folder");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data.join("jwt_secret"))
            .expect("secret")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn user_commands_add_list_disable_and_reset() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}/wp.db", dir.path().display());
    let cli = |args: &[&str], stdin: &str| {
        run(
            workplan(dir.path())
                .args(args)
                .env("WORKPLAN_DATABASE_URL", &url),
            stdin,
        )
    };
    let (ok, out, err) = cli(
        &[
            "user",
            "add",
            "admin",
            "--role",
            "office",
            "--password-stdin",
        ],
        "first-password-1\n",
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("admin"));
    let (ok, _, err) = cli(
        &[
            "user",
            "add",
            "wang",
            "--role",
            "division",
            "--division",
            "法规宣传处",
            "--password-stdin",
        ],
        "second-password-2\n",
    );
    assert!(!ok);
    assert!(
        err.contains("法规宣传处") && err.contains("处室目录"),
        "says the division is missing: {err}"
    );
    let (ok, _, err) = cli(
        &[
            "user",
            "add",
            "weak",
            "--role",
            "leader",
            "--password-stdin",
        ],
        "short\n",
    );
    assert!(!ok && err.contains("密码至少需要"), "{err}");
    let (ok, _, err) = cli(
        &["user", "add", "x", "--role", "boss", "--password-stdin"],
        "whatever-long\n",
    );
    assert!(!ok && err.contains("office"), "{err}");
    let (ok, out, _) = cli(&["user", "list"], "");
    assert!(
        ok && out.contains("admin") && out.contains("office") && out.contains("正常"),
        "{out}"
    );
    let (ok, _, err) = cli(
        &["user", "passwd", "admin", "--password-stdin"],
        "changed-password-3\n",
    );
    assert!(ok, "{err}");
    let (ok, _, err) = cli(&["user", "disable", "admin"], "");
    assert!(ok, "{err}");
    let (ok, out, _) = cli(&["user", "list"], "");
    assert!(ok && out.contains("已停用"), "{out}");
    let (ok, out, err) = cli(
        &[
            "user",
            "add",
            "newbie",
            "--role",
            "leader",
            "--password-stdin",
            "--temporary",
        ],
        "Temporary-pass-1\n",
    );
    assert!(ok && out.contains("临时密码"), "{out}{err}");

    // What the CLI wrote is what the app reads: the new password, and the disabled flag.
    let db = workplan::db::Db::connect(&url, 1).expect("db");
    let mut conn = db.get().expect("conn");
    let user = workplan::db::queries::users::by_name(&mut conn, "admin")
        .expect("query")
        .expect("admin");
    assert!(user.disabled);
    assert!(workplan::auth::verify_password(
        "changed-password-3",
        &user.password_hash
    ));
    assert!(!user.must_change_password, "a CLI password is final");
    let newbie = workplan::db::queries::users::by_name(&mut conn, "newbie")
        .expect("query")
        .expect("newbie");
    assert!(
        newbie.must_change_password,
        "--temporary: changed at first login"
    );
    let (ok, _, err) = cli(&["user", "enable", "admin"], "");
    assert!(ok, "{err}");
}

#[test]
fn backup_of_a_live_database_under_write_load_is_consistent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}/live.db", dir.path().display());
    let db = workplan::db::Db::connect(&url, 4).expect("db");
    db.migrate().expect("migrate");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (db, stop) = (db.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut n = 0u32;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) && n < 5000 {
                let input = workplan::service::directory::NewDivisionInput {
                    name: format!("处室{n}"),
                    aliases: vec![],
                    kind: workplan::domain::division::DivisionKind::Internal,
                };
                db.write_blocking(|c| {
                    workplan::service::directory::create(
                        c,
                        &workplan::service::Caller::cli(),
                        &input,
                    )
                })
                .expect("write under load");
                n += 1;
            }
            n
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    let copy = dir.path().join("backup");
    let (ok, out, err) = run(
        workplan(dir.path())
            .args(["backup", copy.to_str().expect("utf8")])
            .env("WORKPLAN_DATABASE_URL", &url),
        "",
    );
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let written = writer.join().expect("writer");
    assert!(ok, "{out}{err}");
    assert!(written > 0);

    let snapshot = copy.join(workplan::evidence::backup::SQLITE_FILE);
    let mut conn = diesel::sqlite::SqliteConnection::establish(snapshot.to_str().expect("utf8"))
        .expect("open copy");
    #[derive(diesel::QueryableByName)]
    struct Check {
        #[diesel(sql_type = diesel::sql_types::Text)]
        integrity_check: String,
    }
    let check: Vec<Check> = diesel::sql_query("PRAGMA integrity_check")
        .load(&mut conn)
        .expect("check");
    assert_eq!(check[0].integrity_check, "ok");
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let divisions: Vec<Count> = diesel::sql_query("SELECT count(*) AS n FROM divisions")
        .load(&mut conn)
        .expect("count");
    let audited: Vec<Count> = diesel::sql_query("SELECT count(*) AS n FROM audit_log")
        .load(&mut conn)
        .expect("count");
    assert!(
        divisions[0].n > 0,
        "the copy holds the rows written before it"
    );
    // Each write's transaction is whole in the copy: a division and its audit entry together.
    assert_eq!(divisions[0].n, audited[0].n);

    // A second backup into the same folder is refused rather than overwriting it.
    let (ok, _, err) = run(
        workplan(dir.path())
            .args(["backup", copy.to_str().expect("utf8")])
            .env("WORKPLAN_DATABASE_URL", &url),
        "",
    );
    assert!(!ok && err.contains("已存在"), "{err}");
}

/// On PostgreSQL the database is pg_dump's: `backup` copies the evidence and manifest, says
/// the exact command, and exits non-zero while the folder lacks the dump.
#[actix_web::test]
async fn backup_on_postgres_points_to_pg_dump() {
    let Some(app) = crate::helpers::TestApp::postgres().await else {
        crate::helpers::skip_pg("cli::backup_on_postgres_points_to_pg_dump");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let (ok, _, err) = run(
        workplan(dir.path())
            .args(["backup", "x"])
            .env("WORKPLAN_DATABASE_URL", &app.state.config.database_url),
        "",
    );
    assert!(
        !ok && err.contains("pg_dump --format=custom --file='NEW/workplan.pgdump'"),
        "{err}"
    );
    assert!(dir.path().join("x/MANIFEST.json").is_file());
}

#[test]
fn bad_configuration_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ok, _, err) = run(
        workplan(dir.path())
            .args(["migrate"])
            .env("WORKPLAN_DATABASE_URL", "mysql://x"),
        "",
    );
    assert!(!ok && err.contains("sqlite://"), "{err}");
    let (ok, _, err) = run(
        workplan(dir.path()).args(["--config", "missing.toml", "migrate"]),
        "",
    );
    assert!(!ok && err.contains("missing.toml"), "{err}");
}

#[test]
fn export_bulletin_writes_a_workbook() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}/wp.db", dir.path().display());
    let db = workplan::db::Db::connect(&url, 1).expect("db");
    db.migrate().expect("migrate");
    let plan = db
        .write_blocking(|c| -> Result<i32, workplan::error::AppError> {
            let cli = workplan::service::Caller::cli();
            let plan = workplan::service::plans::create(
                c,
                &cli,
                &workplan::service::plans::NewPlanInput {
                    year: 2021,
                    title: "方案".into(),
                    document_number: None,
                },
            )?;
            workplan::service::reports::open_period(
                c,
                &cli,
                plan.id,
                &workplan::service::reports::OpenPeriodInput {
                    period: "2021-Q3".into(),
                    due_on: None,
                },
                true,
            )?;
            Ok(plan.id)
        })
        .expect("setup");
    let out = dir.path().join("通报.xlsx");
    let (ok, stdout, err) = run(
        workplan(dir.path())
            .args([
                "export",
                "bulletin",
                "--plan",
                &plan.to_string(),
                "--period",
                "2021-Q3",
                "-o",
            ])
            .arg(&out)
            .env("WORKPLAN_DATABASE_URL", &url),
        "",
    );
    assert!(ok, "{stdout}{err}");
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook(&out).expect("open the written workbook");
    let range = wb.worksheet_range("情况通报").expect("sheet");
    assert_eq!(
        range.get((2, 0)).map(|d| d.to_string()).as_deref(),
        Some("处室")
    );
    let (ok, _, err) = run(
        workplan(dir.path())
            .args(["export", "bulletin", "--plan", &plan.to_string()])
            .env("WORKPLAN_DATABASE_URL", &url),
        "",
    );
    assert!(!ok && err.contains("--period"), "{err}");
}

#[test]
fn evaluation_review_back_and_workbooks_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}/wp.db", dir.path().display());
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("imports/guangzhou-sports-2021-division-plan.xlsx");
    let wp = |args: &[&str]| {
        let mut c = workplan(dir.path());
        c.args(args).env("WORKPLAN_DATABASE_URL", &url);
        run(&mut c, "")
    };
    let (ok, out, err) = wp(&["import", sample.to_str().expect("path"), "--year", "2021"]);
    assert!(ok, "{out}{err}");
    let db = workplan::db::Db::connect(&url, 1).expect("db");
    let next = db
        .write_blocking(|c| {
            workplan::service::plans::create(
                c,
                &workplan::service::Caller::cli(),
                &workplan::service::plans::NewPlanInput {
                    year: 2022,
                    title: "2022年分工方案".into(),
                    document_number: None,
                },
            )
        })
        .expect("next plan")
        .id
        .to_string();

    let (ok, out, err) = wp(&["evaluation", "--plan", "1"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("未定稿") && out.contains("法规宣传处") && out.contains("总体得分"),
        "{out}"
    );
    let (ok, out, err) = wp(&["evaluation", "--plan", "1", "--json"]);
    assert!(ok, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(doc["items"].as_array().map(Vec::len), Some(32));

    let ledger = dir.path().join("台账.xlsx");
    let (ok, out, err) = wp(&[
        "export",
        "ledger",
        "--plan",
        "1",
        "-o",
        ledger.to_str().expect("path"),
    ]);
    assert!(ok, "{out}{err}");
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&ledger).expect("ledger");
    assert_eq!(
        wb.worksheet_range("工作台账").expect("sheet").height(),
        3 + 32
    );

    let (ok, out, err) = wp(&["review-back", "--from", "1", "--into", &next]);
    assert!(ok, "{err}");
    assert!(out.contains("整改1") && out.contains("转为"), "{out}");
    let (ok, _, err) = wp(&["review-back", "--from", "1", "--into", &next]);
    assert!(!ok && err.contains("已做过回头看"), "{err}");
    let (ok, out, err) = wp(&["export", "review-back", "--plan", &next]);
    assert!(ok, "{err}");
    let written: Vec<_> = std::fs::read_dir(dir.path().join("exports"))
        .expect("exports folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        written
            .iter()
            .any(|n| n.contains("2022年分工方案") && n.contains("回头看结果")),
        "{out} {written:?}"
    );

    let (ok, out, err) = wp(&["evaluation", "--plan", "1", "--finalise"]);
    assert!(ok && out.contains("已定稿"), "{out}{err}");
    let (ok, _, err) = wp(&["evaluation", "--plan", "1", "--finalise"]);
    assert!(!ok && err.contains("已定稿"), "{err}");
    let report = dir.path().join("年报.docx");
    let (ok, out, err) = wp(&[
        "export",
        "annual-report",
        "--plan",
        "1",
        "-o",
        report.to_str().expect("path"),
    ]);
    assert!(ok, "{out}{err}");
    let bytes = std::fs::read(&report).expect("report written");
    assert!(bytes.starts_with(b"PK"), "a .docx (zip)");
    let tables = dir.path().join("年报.xlsx");
    let (ok, out, err) = wp(&[
        "export",
        "annual-report",
        "--plan",
        "1",
        "-o",
        tables.to_str().expect("path"),
    ]);
    assert!(ok, "{out}{err}");
    let wb: calamine::Xlsx<_> = calamine::open_workbook(&tables).expect("tables workbook");
    assert!(wb.sheet_names().len() >= 3, "a sheet per table");
}
