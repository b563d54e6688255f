//! Backups that bring everything back: `workplan backup DIR` under write load, `restore`
//! into an empty folder, a server on the restored data finding every report and file, and
//! `verify` finding what is missing or changed on disk (the real binary and real files).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::helpers::*;
use crate::load::{api_login, expect_status, seed_rush, Server};
use workplan::config::Config;
use workplan::evidence::backup::{Manifest, MANIFEST, SQLITE_FILE};

/// `workplan ARGS` over the database and storage `config` names; (success, stdout, stderr).
fn workplan(config: &Config, args: &[&str]) -> (bool, String, String) {
    workplan_on(
        &config.database_url,
        &config.storage_dir,
        &config.data_dir,
        args,
    )
}

fn workplan_on(url: &str, storage: &Path, data: &Path, args: &[&str]) -> (bool, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_workplan"));
    for (k, _) in std::env::vars() {
        if k.starts_with("WORKPLAN_") {
            c.env_remove(k);
        }
    }
    let out = c
        .current_dir(data)
        .args(args)
        .env("WORKPLAN_DATABASE_URL", url)
        .env("WORKPLAN_STORAGE_DIR", storage)
        .env("WORKPLAN_DATA_DIR", data)
        .env("WORKPLAN_LOG", "warn")
        .output()
        .expect("run workplan");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn sha_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A PDF-looking file of about 96 KiB whose bytes are its own.
fn evidence_bytes(n: usize) -> Vec<u8> {
    let mut b = format!("%PDF-1.4\n% evidence {n}\n").into_bytes();
    let mut x = 0x2545_F491_4F6C_DD1D_u64 ^ (n as u64);
    while b.len() < 96 * 1024 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        b.extend_from_slice(&x.to_le_bytes());
    }
    b.extend_from_slice(b"\n%%EOF\n");
    b
}

/// What the writer saw acknowledged: an upload and when its answer came.
#[derive(Clone)]
struct Upload {
    report: i64,
    evidence: i64,
    sha256: String,
    at: Instant,
}

/// The restore drill: a live `serve` on SQLite takes reports and uploads while `workplan
/// backup` runs; the backup restored into an empty folder serves every report and file that
/// existed at the snapshot, each with its SHA-256, and `verify` finds all intact.
#[actix_web::test]
async fn restore_drill_under_write_load_finds_every_report_and_file() {
    let app = TestApp::sqlite().await;
    let plan = seed_rush(&app, 24);
    let server = Server::start(&app, &[]).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .expect("client");
    let mut tokens = Vec::new();
    for (name, _, item) in &plan.staff {
        tokens.push((api_login(&client, &server, name).await, *item));
    }

    // The writer: a report per item and an upload after another, until told to stop (and
    // until every item has its report).
    let uploads: Arc<Mutex<Vec<Upload>>> = Arc::default();
    let summaries: Arc<Mutex<BTreeMap<i64, (String, Instant)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (client, url) = (client.clone(), server.url(""));
        let (uploads, summaries, stop) = (uploads.clone(), summaries.clone(), stop.clone());
        actix_web::rt::spawn(async move {
            let mut reports: Vec<Option<i64>> = vec![None; tokens.len()];
            let mut n = 0usize;
            while !(stop.load(Ordering::SeqCst) && reports.iter().all(Option::is_some)) {
                let k = n % tokens.len();
                let (token, item) = &tokens[k];
                let report = match reports[k] {
                    Some(r) => r,
                    None => {
                        let summary = format!("第三季度第{k}项工作已完成，材料见附件。");
                        let r = client
                            .post(format!("{url}/api/v1/items/{item}/reports"))
                            .bearer_auth(token)
                            .json(&json!({"period": "2021-Q3", "summary": summary}))
                            .send()
                            .await
                            .expect("write report");
                        let id = expect_status(r, 201, "write report").await["id"]
                            .as_i64()
                            .expect("report id");
                        summaries
                            .lock()
                            .expect("lock")
                            .insert(id, (summary, Instant::now()));
                        reports[k] = Some(id);
                        id
                    }
                };
                // Every fifth upload repeats the first file: one stored copy, two rows.
                let bytes = evidence_bytes(if n % 5 == 4 { 0 } else { n });
                let form = reqwest::multipart::Form::new().part(
                    "file",
                    reqwest::multipart::Part::bytes(bytes.clone())
                        .file_name(format!("第三季度台账{n}.pdf")),
                );
                let r = client
                    .post(format!("{url}/api/v1/reports/{report}/evidence"))
                    .bearer_auth(token)
                    .multipart(form)
                    .send()
                    .await
                    .expect("upload");
                let e = expect_status(r, 201, "upload").await;
                assert_eq!(e["sha256"], json!(sha_hex(&bytes)));
                uploads.lock().expect("lock").push(Upload {
                    report,
                    evidence: e["id"].as_i64().expect("evidence id"),
                    sha256: sha_hex(&bytes),
                    at: Instant::now(),
                });
                n += 1;
            }
        })
    };
    while uploads.lock().expect("lock").len() < 10 {
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }

    let work = tempfile::tempdir().expect("tempdir");
    let backup_dir = work.path().join("备份");
    let config = app.state.config.clone();
    let started = Instant::now();
    let (ok, out, err) = {
        let (config, dir) = (config.clone(), backup_dir.clone());
        actix_web::rt::task::spawn_blocking(move || {
            workplan(&config, &["backup", dir.to_str().expect("utf8")])
        })
        .await
        .expect("backup ran")
    };
    let ended = Instant::now();
    // A few more writes after the backup, then stop.
    let after = uploads.lock().expect("lock").len() + 3;
    while uploads.lock().expect("lock").len() < after {
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, Ordering::SeqCst);
    writer.await.expect("writer");
    assert!(ok, "backup: {out}{err}");
    let uploads = uploads.lock().expect("lock").clone();
    let summaries = summaries.lock().expect("lock").clone();
    let during = uploads
        .iter()
        .filter(|u| u.at > started && u.at < ended)
        .count();
    assert!(
        during > 0,
        "uploads went on while the backup ran ({:?})",
        ended - started
    );

    let manifest = Manifest::read(&backup_dir).expect("manifest");
    assert!(manifest.not_copied.is_empty(), "{manifest:?}");
    assert!(backup_dir.join(SQLITE_FILE).is_file());
    let (ok, out, err) = workplan(
        &config,
        &["verify", "--backup", backup_dir.to_str().expect("utf8")],
    );
    assert!(
        ok && out.contains("全部完好"),
        "verify --backup: {out}{err}"
    );

    // Restore into an empty folder: a new database file and a new evidence root.
    let restored = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}/restored.db", restored.path().display());
    let storage = restored.path().join("evidence");
    let (ok, out, err) = workplan_on(
        &url,
        &storage,
        restored.path(),
        &["restore", backup_dir.to_str().expect("utf8")],
    );
    assert!(ok, "restore: {out}{err}");
    let (ok, out, err) = workplan_on(&url, &storage, restored.path(), &["verify"]);
    assert!(ok && out.contains("全部完好"), "verify: {out}{err}");
    // A second restore over the restored database is refused.
    let (ok, _, err) = workplan_on(
        &url,
        &storage,
        restored.path(),
        &["restore", backup_dir.to_str().expect("utf8")],
    );
    assert!(!ok && err.contains("已存在且有内容"), "{err}");

    drop(server);
    let server = Server::start_on(&url, &storage, restored.path()).await;
    let office = api_login(&client, &server, "office").await;
    let by_id: BTreeMap<i64, &Upload> = uploads.iter().map(|u| (u.evidence, u)).collect();
    let mut found_reports = 0;
    let mut found_files = 0;
    for (report, (summary, made)) in &summaries {
        let r = client
            .get(server.url(&format!("/api/v1/reports/{report}")))
            .bearer_auth(&office)
            .send()
            .await
            .expect("report");
        if r.status() == 404 {
            assert!(
                *made > started,
                "report {report}, written before the backup began, is in the restore"
            );
            continue;
        }
        let view = expect_status(r, 200, "restored report").await;
        assert_eq!(view["summary"], json!(summary));
        found_reports += 1;
        let evidence: Vec<Value> = view["evidence"].as_array().cloned().unwrap_or_default();
        for e in &evidence {
            let id = e["id"].as_i64().expect("evidence id");
            let sent = by_id.get(&id).expect("no evidence the writer did not send");
            assert_eq!(sent.report, *report);
            assert_eq!(e["sha256"], json!(sent.sha256));
            let r = client
                .get(server.url(&format!("/api/v1/evidence/{id}/file")))
                .bearer_auth(&office)
                .send()
                .await
                .expect("download");
            assert_eq!(r.status(), 200, "evidence {id} downloads");
            let bytes = r.bytes().await.expect("file");
            assert_eq!(sha_hex(&bytes), sent.sha256, "evidence {id}'s bytes");
            found_files += 1;
        }
        // Every upload acknowledged before the backup began is in the restore.
        for u in uploads
            .iter()
            .filter(|u| u.report == *report && u.at < started)
        {
            assert!(
                evidence.iter().any(|e| e["id"] == json!(u.evidence)),
                "evidence {} of report {report}, uploaded before the backup, is restored",
                u.evidence
            );
        }
    }
    let before = uploads.iter().filter(|u| u.at < started).count();
    assert!(
        found_files >= before,
        "{found_files} restored, {before} sent before"
    );
    assert!(
        found_files < uploads.len(),
        "uploads after the snapshot are not in it"
    );
    assert!(found_reports > 0);
    // The restore holds exactly the snapshot's files, and its folder the same bytes.
    assert_eq!(
        walk(&storage)
            .iter()
            .filter(|p| !p.starts_with(storage.join("tmp")))
            .count(),
        manifest.evidence.len()
    );
}

/// Uploads `n` evidence files for one report through the in-process app; their hashes.
async fn uploaded(app: &TestApp, n: usize) -> (i64, Vec<String>) {
    let plan = seed_rush(app, 1);
    let (name, _, item) = plan.staff[0].clone();
    let svc = app.service().await;
    let token = login(&svc, &name).await;
    let r = send(
        &svc,
        authed(
            actix_web::test::TestRequest::post().uri(&format!("/api/v1/items/{item}/reports")),
            &token,
        )
        .set_json(json!({"period": "2021-Q3", "summary": "已完成"})),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let report = r.json()["id"].as_i64().expect("report");
    let mut hashes = Vec::new();
    for k in 0..n {
        let bytes = evidence_bytes(1000 + k);
        let a = send(
            &svc,
            upload_file(
                &format!("/api/v1/reports/{report}/evidence"),
                &token,
                &format!("材料{k}.pdf"),
                &bytes,
            ),
        )
        .await;
        assert_eq!(a.status, 201, "{}", a.body);
        hashes.push(sha_hex(&bytes));
    }
    (report, hashes)
}

fn stored_path(config: &Config, sha: &str) -> PathBuf {
    workplan::evidence::path_for(&config.storage_dir, sha).expect("path")
}

/// `verify` names a file changed on disk and a missing one, with where each is used, and
/// exits non-zero; on both backends (it reads the evidence table). The backup of the same
/// store: whole on SQLite; on PostgreSQL the files and manifest, and the pg_dump command.
async fn verify_finds_changed_and_missing_files(app: TestApp) {
    let config = app.state.config.clone();
    let (report, hashes) = uploaded(&app, 3).await;
    let (ok, out, err) = workplan(&config, &["verify"]);
    assert!(ok && out.contains("3 个证明材料文件"), "{out}{err}");

    let work = tempfile::tempdir().expect("tempdir");
    let dir = work.path().join("b");
    let (ok, out, err) = workplan(&config, &["backup", dir.to_str().expect("utf8")]);
    let manifest = Manifest::read(&dir).expect("manifest written");
    assert_eq!(manifest.evidence.len(), 3);
    for e in &manifest.evidence {
        assert!(dir.join(&e.path).is_file(), "{}", e.path);
    }
    let (verified, vout, verr) = workplan(
        &config,
        &["verify", "--backup", dir.to_str().expect("utf8")],
    );
    if config.database_url.starts_with("sqlite") {
        assert!(ok, "{out}{err}");
        assert!(verified, "{vout}{verr}");
    } else {
        assert!(!ok && err.contains("pg_dump --format=custom"), "{err}");
        assert!(!verified && vout.contains("没有数据库"), "{vout}{verr}");
    }

    // One file's bytes changed in place (same length), another removed.
    let changed = stored_path(&config, &hashes[0]);
    let mut bytes = std::fs::read(&changed).expect("stored file");
    bytes[100] ^= 0xFF;
    std::fs::write(&changed, &bytes).expect("change it");
    std::fs::remove_file(stored_path(&config, &hashes[1])).expect("remove it");
    let (ok, out, err) = workplan(&config, &["verify"]);
    assert!(!ok, "verify fails: {out}{err}");
    let said = format!("{out}{err}");
    for (sha, word) in [(&hashes[0], "已损坏"), (&hashes[1], "缺失")] {
        let line = said
            .lines()
            .find(|l| l.contains(sha.as_str()))
            .unwrap_or_else(|| panic!("{sha} named: {said}"));
        assert!(
            line.contains(word) && line.contains(&format!("报告 {report}")),
            "{line}"
        );
    }
    assert!(
        !said.contains(&hashes[2]),
        "the intact file is not listed: {said}"
    );
    assert!(
        err.contains("缺失 1 个") && err.contains("损坏或记录无效 1 个"),
        "{err}"
    );

    // A backup of the damaged store copies what is whole and lists the rest, loudly.
    let dir2 = work.path().join("b2");
    let (ok, _, err) = workplan(&config, &["backup", dir2.to_str().expect("utf8")]);
    assert!(!ok && err.contains("未能备份"), "{err}");
    let m2 = Manifest::read(&dir2).expect("manifest");
    assert_eq!(m2.evidence.len(), 1);
    assert_eq!(m2.not_copied.len(), 2, "{m2:?}");
    let (ok, out, _) = workplan(
        &config,
        &["verify", "--backup", dir2.to_str().expect("utf8")],
    );
    assert!(
        !ok && out.contains("备份时缺失") && out.contains("备份时已损坏"),
        "{out}"
    );

    // The first backup mends the store: both files come back, the database is left alone.
    let (ok, out, err) = workplan(
        &config,
        &["restore", dir.to_str().expect("utf8"), "--evidence-only"],
    );
    assert!(ok && out.contains("全部完好"), "{out}{err}");
    for sha in &hashes {
        let bytes = std::fs::read(stored_path(&config, sha)).expect("back in the store");
        assert_eq!(sha_hex(&bytes), *sha);
    }
}

/// `restore` refuses a backup one of whose files does not hash to its manifest entry (and
/// writes no database), and refuses to write over a database that holds data.
async fn restore_refuses_a_damaged_backup_and_a_used_database(app: TestApp) {
    let config = app.state.config.clone();
    let (_, hashes) = uploaded(&app, 2).await;
    let work = tempfile::tempdir().expect("tempdir");
    let dir = work.path().join("b");
    let url = config.database_url.clone();
    let (ok, out, err) = workplan(&config, &["backup", dir.to_str().expect("utf8")]);
    if !url.starts_with("sqlite") {
        // On PostgreSQL the database is pg_dump's: the evidence alone comes back, checked.
        assert!(!ok && err.contains("pg_dump"), "{out}{err}");
        let target = work.path().join("evidence-restored");
        let (ok, _, err) = workplan_on(
            &url,
            &target,
            work.path(),
            &["restore", dir.to_str().expect("utf8")],
        );
        assert!(!ok && err.contains("pg_restore"), "{err}");
        for sha in &hashes {
            let p = workplan::evidence::path_for(&target, sha).expect("path");
            assert_eq!(sha_hex(&std::fs::read(&p).expect("restored")), *sha);
        }
        return;
    }
    assert!(ok, "{out}{err}");
    let manifest = Manifest::read(&dir).expect("manifest");
    let damaged = dir.join(&manifest.evidence[1].path);
    let mut bytes = std::fs::read(&damaged).expect("backup file");
    bytes[200] ^= 0x01;
    std::fs::write(&damaged, &bytes).expect("damage the backup");

    let (ok, out, _) = workplan(
        &config,
        &["verify", "--backup", dir.to_str().expect("utf8")],
    );
    assert!(!ok && out.contains(&manifest.evidence[1].path), "{out}");

    let fresh = tempfile::tempdir().expect("tempdir");
    let db_file = fresh.path().join("new.db");
    let new_url = format!("sqlite://{}", db_file.display());
    let storage = fresh.path().join("evidence");
    let (ok, _, err) = workplan_on(
        &new_url,
        &storage,
        fresh.path(),
        &["restore", dir.to_str().expect("utf8")],
    );
    assert!(!ok, "a damaged backup is refused");
    assert!(
        err.contains(&manifest.evidence[1].path) && err.contains("SHA-256"),
        "names the file: {err}"
    );
    assert!(
        !db_file.exists(),
        "no database is written from a damaged backup"
    );
    let leftovers: Vec<_> = std::fs::read_dir(fresh.path())
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().contains("restoring"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // The live database holds data: restoring over it is refused, and it is unchanged.
    std::fs::write(&damaged, {
        bytes[200] ^= 0x01;
        &bytes
    })
    .expect("mend the backup");
    let live = url.strip_prefix("sqlite://").expect("path").to_string();
    let before = sha_hex(&std::fs::read(&live).expect("live db"));
    let (ok, _, err) = workplan(&config, &["restore", dir.to_str().expect("utf8")]);
    assert!(!ok && err.contains("已存在且有内容"), "{err}");
    assert_eq!(sha_hex(&std::fs::read(&live).expect("live db")), before);

    // The mended backup restores.
    let (ok, out, err) = workplan_on(
        &new_url,
        &storage,
        fresh.path(),
        &["restore", dir.to_str().expect("utf8")],
    );
    assert!(ok, "{out}{err}");
    assert!(fresh.path().join("new.db").is_file());
    assert!(std::fs::read_to_string(dir.join(MANIFEST)).is_ok());
}

crate::on_both_backends!(
    verify_finds_changed_and_missing_files,
    restore_refuses_a_damaged_backup_and_a_used_database
);

/// Drops a database this test made, when the test ends.
struct DropDatabase {
    admin_url: String,
    name: String,
}

impl Drop for DropDatabase {
    fn drop(&mut self) {
        use diesel::{Connection, RunQueryDsl};
        if let Ok(mut c) = diesel::pg::PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .execute(&mut c);
        }
    }
}

/// The PostgreSQL way, as README gives it: pg_dump into a new folder, `workplan backup` on
/// it, pg_restore into an empty database, `workplan restore` for the evidence, `verify`.
#[actix_web::test]
async fn postgres_backup_with_pg_dump_comes_back_with_pg_restore() {
    use diesel::{Connection, RunQueryDsl};
    let Some(app) = TestApp::postgres().await else {
        skip_pg("backup::postgres_backup_with_pg_dump_comes_back_with_pg_restore");
        return;
    };
    if Command::new("pg_dump").arg("--version").output().is_err() {
        eprintln!("SKIPPED: backup::postgres_backup_with_pg_dump_comes_back_with_pg_restore (pg_dump is not installed)");
        return;
    }
    let config = app.state.config.clone();
    let (report, hashes) = uploaded(&app, 2).await;
    let work = tempfile::tempdir().expect("tempdir");
    let dir = work.path().join("b");
    std::fs::create_dir(&dir).expect("backup folder");
    let dump = dir.join(workplan::evidence::backup::PG_DUMP_FILE);
    let status = Command::new("pg_dump")
        .arg("--format=custom")
        .arg(format!("--file={}", dump.display()))
        .arg(&config.database_url)
        .status()
        .expect("pg_dump");
    assert!(status.success());
    let (ok, out, err) = workplan(&config, &["backup", dir.to_str().expect("utf8")]);
    assert!(ok, "{out}{err}");
    let manifest = Manifest::read(&dir).expect("manifest");
    assert_eq!(
        manifest.database.as_ref().map(|d| d.path.as_str()),
        Some("workplan.pgdump")
    );
    let (ok, out, err) = workplan(
        &config,
        &["verify", "--backup", dir.to_str().expect("utf8")],
    );
    assert!(ok, "{out}{err}");

    let admin_url = std::env::var("WORKPLAN_TEST_PG_URL").expect("set");
    let name = format!(
        "wp_restore_{}",
        workplan::auth::random_token(8)
            .to_lowercase()
            .replace(['-', '_'], "x")
    );
    let mut admin = diesel::pg::PgConnection::establish(&admin_url).expect("admin");
    diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
        .execute(&mut admin)
        .expect("create");
    let _drop = DropDatabase {
        admin_url: admin_url.clone(),
        name: name.clone(),
    };
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(b, _)| b);
    let new_url = format!("{base}/{name}");
    let status = Command::new("pg_restore")
        .arg("--no-owner")
        .arg(format!("--dbname={new_url}"))
        .arg(&dump)
        .status()
        .expect("pg_restore");
    assert!(status.success());
    let storage = work.path().join("evidence-restored");
    let (ok, out, err) = workplan_on(
        &new_url,
        &storage,
        work.path(),
        &["restore", dir.to_str().expect("utf8")],
    );
    assert!(ok && out.contains("pg_restore"), "{out}{err}");
    let (ok, out, err) = workplan_on(&new_url, &storage, work.path(), &["migrate"]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = workplan_on(&new_url, &storage, work.path(), &["verify"]);
    assert!(ok && out.contains("2 个证明材料文件"), "{out}{err}");
    let db = workplan::db::Db::connect(&new_url, 1).expect("restored database");
    let mut conn = db.get().expect("conn");
    let rows = workplan::db::queries::reports::evidence_of(&mut conn, report as i32).expect("rows");
    let got: Vec<_> = rows.iter().filter_map(|e| e.sha256.clone()).collect();
    assert_eq!(got, hashes);
}
