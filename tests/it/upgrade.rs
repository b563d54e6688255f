//! A database made by release b00a907 (tests/fixtures/release-b00a907; its make.sh says how)
//! opened by the current code: the pending migrations run as `serve` runs them, and everything
//! the release stored reads back through the API as its expected.json recorded it.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::{ContentDisposition, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::helpers::{authed, login_with, send, skip_pg, walk, PgDatabase, TestApp};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/release-b00a907")
}

fn expected() -> Value {
    let bytes = std::fs::read(fixture().join("expected.json")).expect("expected.json");
    serde_json::from_slice(&bytes).expect("expected.json is JSON")
}

/// A temporary data folder with a copy of the evidence files the release stored.
fn data_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let from = fixture().join("evidence");
    let files = walk(&from);
    assert!(!files.is_empty(), "the fixture keeps its evidence files");
    for file in files {
        let to = dir
            .path()
            .join("evidence")
            .join(file.strip_prefix(&from).expect("below the evidence folder"));
        std::fs::create_dir_all(to.parent().expect("a folder")).expect("evidence folder");
        std::fs::copy(&file, &to).expect("copy an evidence file");
    }
    dir
}

/// Loads the release's pg_dump with psql, as an operator restores one.
fn load_dump(url: &str) {
    let dump = std::fs::read_to_string(fixture().join("postgres.sql")).expect("postgres.sql");
    // pg_dump 15.14 and later fence the script with \restrict, which older psql lacks; the
    // fence only guards against a hostile server, and this dump is ours.
    let script: String = dump
        .lines()
        .filter(|l| !l.starts_with("\\restrict") && !l.starts_with("\\unrestrict"))
        .flat_map(|l| [l, "\n"])
        .collect();
    let mut psql = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("psql, the PostgreSQL client, runs");
    psql.stdin
        .take()
        .expect("psql's input")
        .write_all(script.as_bytes())
        .expect("the dump goes to psql");
    let status = psql.wait().expect("psql ends");
    assert!(status.success(), "psql loads the release's dump: {status}");
}

#[actix_web::test]
async fn sqlite_database_of_release_b00a907_upgrades_with_nothing_lost() {
    let dir = data_dir();
    let db = dir.path().join("workplan.db");
    std::fs::copy(fixture().join("workplan.db"), &db).expect("copy the database");
    let url = format!("sqlite://{}", db.display());
    check(TestApp::existing(dir, url, None)).await;
}

#[actix_web::test]
async fn postgres_database_of_release_b00a907_upgrades_with_nothing_lost() {
    let Some(pg) = PgDatabase::create() else {
        skip_pg(concat!(
            module_path!(),
            "::postgres_database_of_release_b00a907_upgrades_with_nothing_lost"
        ));
        return;
    };
    load_dump(&pg.url);
    let url = pg.url.clone();
    check(TestApp::existing(data_dir(), url, Some(pg))).await;
}

/// `got` cut to the shape of `want`: an object keeps only `want`'s keys (a missing one is
/// null), an array's elements take the shape of `want`'s, so fields added since the release
/// do not count and every recorded one does; numbers compare by value.
fn shaped_like(got: &Value, want: &Value) -> Value {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => Value::Object(
            w.iter()
                .map(|(k, wv)| {
                    let gv = g.get(k).unwrap_or(&Value::Null);
                    (k.clone(), shaped_like(gv, wv))
                })
                .collect(),
        ),
        (Value::Array(g), Value::Array(w)) => Value::Array(
            g.iter()
                .enumerate()
                .map(|(i, gv)| match w.get(i).or(w.first()) {
                    Some(wv) => shaped_like(gv, wv),
                    None => gv.clone(),
                })
                .collect(),
        ),
        // The same number written as 86 or 86.0 (jq writes expected.json) is the same.
        (Value::Number(g), Value::Number(w)) if g.as_f64() == w.as_f64() => want.clone(),
        _ => got.clone(),
    }
}

/// An array's elements ordered by one key (compared as JSON text).
fn sorted_by(v: &Value, key: &str) -> Value {
    let mut a = v.as_array().cloned().unwrap_or_default();
    a.sort_by_key(|e| e[key].to_string());
    Value::Array(a)
}

/// Asserts that `got`, ordered and cut like the recorded `want`, is what was recorded.
fn same(what: &str, got: &Value, want: &Value, key: Option<&str>) {
    let (got, want) = match key {
        Some(k) => (sorted_by(got, k), sorted_by(want, k)),
        None => (got.clone(), want.clone()),
    };
    assert_eq!(
        shaped_like(&got, &want),
        want,
        "{what}, read back, are not what release b00a907 recorded"
    );
}

async fn get<S>(svc: &S, token: &str, path: &str) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let a = send(svc, authed(TestRequest::get().uri(path), token)).await;
    assert_eq!(a.status, StatusCode::OK, "GET {path}: {}", a.body);
    a.json()
}

/// Logs every fixture user in and checks everything expected.json records.
async fn check(app: TestApp) {
    let want = expected();
    let full_name = want["agency"]["full_name"].as_str().expect("agency name");
    // `serve` records the configured agency name only when none is recorded.
    app.db
        .write_blocking(|tx| workplan::service::agency::seed(tx, full_name))
        .expect("the agency step of the start");
    let svc = app.service().await;

    let mut tokens = HashMap::new();
    for (name, password) in want["passwords"].as_object().expect("passwords") {
        let password = password.as_str().expect("a password");
        tokens.insert(name.clone(), login_with(&svc, name, password).await);
    }
    let office = tokens["office"].clone();

    let agency = get(&svc, &office, "/api/v1/agency").await;
    same("the agency", &agency, &want["agency"], None);

    let divisions = get(&svc, &office, "/api/v1/divisions").await;
    let division_name = |id: &Value| -> Value {
        divisions
            .as_array()
            .into_iter()
            .flatten()
            .find(|d| d["id"] == *id && !id.is_null())
            .map_or(Value::Null, |d| d["name"].clone())
    };
    same("divisions", &divisions, &want["divisions"], Some("name"));

    let mut users = get(&svc, &office, "/api/v1/users").await;
    for u in users.as_array_mut().into_iter().flatten() {
        u["division"] = division_name(&u["division_id"]);
    }
    same("users", &users, &want["users"], Some("username"));

    let plans = get(&svc, &office, "/api/v1/plans").await;
    same("plans", &plans, &want["plans"], Some("id"));
    let plan = &want["plans"][0]["id"];

    let mut items = get(&svc, &office, &format!("/api/v1/plans/{plan}/items")).await;
    for item in items.as_array_mut().into_iter().flatten() {
        for side in ["lead", "support"] {
            let names: Vec<Value> = item[side]
                .as_array()
                .into_iter()
                .flatten()
                .map(|d| d["name"].clone())
                .collect();
            item[side] = Value::Array(names);
        }
    }
    same("items", &items, &want["items"], Some("id"));
    let item_number = |id: &Value| -> Value {
        items
            .as_array()
            .into_iter()
            .flatten()
            .find(|i| i["id"] == *id)
            .map_or(Value::Null, |i| i["number"].clone())
    };

    let periods = get(&svc, &office, &format!("/api/v1/plans/{plan}/periods")).await;
    same("periods", &periods, &want["periods"], Some("period"));

    // Each report by its address, as a bookmark would open it, and none beyond the last.
    let user_of: HashMap<String, String> = want["users"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| {
            Some((
                u["division"].as_str()?.to_string(),
                u["username"].as_str()?.to_string(),
            ))
        })
        .collect();
    let mut reports = Vec::new();
    let mut by_state: HashMap<String, u64> = HashMap::new();
    for w in want["reports"].as_array().expect("reports") {
        let id = &w["id"];
        let mut r = get(&svc, &office, &format!("/api/v1/reports/{id}")).await;
        r["item"] = item_number(&r["item_id"]);
        r["division"] = division_name(&r["division_id"]);
        r["contributions"] = sorted_by(&r["contributions"], "division");
        *by_state
            .entry(r["state"].as_str().unwrap_or_default().to_string())
            .or_default() += 1;
        // The lead division's own user still reads it, and each of its files downloads whole.
        let division = w["division"].as_str().expect("report's division");
        let lead = &tokens[&user_of[division]];
        let own = get(&svc, lead, &format!("/api/v1/reports/{id}")).await;
        assert_eq!(
            own["state"], w["state"],
            "report {id} as its division sees it"
        );
        for e in w["evidence"].as_array().expect("evidence") {
            if e["kind"] == "file" {
                check_download(&svc, lead, e).await;
            }
        }
        reports.push(r);
    }
    same(
        "reports",
        &Value::Array(reports),
        &want["reports"],
        Some("id"),
    );
    let last = want["reports"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["id"].as_i64())
        .max()
        .expect("the fixture has reports");
    let beyond = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/reports/{}", last + 1)),
            &office,
        ),
    )
    .await;
    assert_eq!(
        beyond.status,
        StatusCode::NOT_FOUND,
        "no report beyond the release's"
    );
    assert_eq!(
        json!(by_state),
        want["reports_by_state"],
        "reports by state"
    );

    let mut urgings = Vec::new();
    for item in want["items"].as_array().expect("items") {
        let id = &item["id"];
        let list = get(&svc, &office, &format!("/api/v1/items/{id}/urgings")).await;
        for mut u in list.as_array().cloned().unwrap_or_default() {
            u["item"] = item_number(&u["item_id"]);
            u["division"] = division_name(&u["division_id"]);
            urgings.push(u);
        }
    }
    same(
        "urgings",
        &Value::Array(urgings),
        &want["urgings"],
        Some("id"),
    );

    let mut evaluation = get(&svc, &office, &format!("/api/v1/plans/{plan}/evaluation")).await;
    evaluation["divisions"] = sorted_by(&evaluation["divisions"], "division");
    evaluation["items"] = sorted_by(&evaluation["items"], "number");
    let mut want_evaluation = want["evaluation"].clone();
    want_evaluation["divisions"] = sorted_by(&want_evaluation["divisions"], "division");
    want_evaluation["items"] = sorted_by(&want_evaluation["items"], "number");
    let comments: Vec<Value> = evaluation["comments"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| c["text"].clone())
        .collect();
    evaluation["comments"] = Value::Array(comments);
    same("the evaluation", &evaluation, &want_evaluation, None);

    // The trail up to the release's last entry, all of it (logins since add their own).
    let audit = &want["audit"];
    let before = audit["last_id"].as_i64().expect("last audit id") + 1;
    let trail = get(
        &svc,
        &office,
        &format!("/api/v1/audit?before_id={before}&limit=500"),
    )
    .await;
    assert_eq!(
        trail.as_array().map(Vec::len),
        audit["count"].as_u64().map(|n| n as usize),
        "audit entries of the release"
    );
}

/// Downloads one evidence file and checks its bytes and name against the record.
async fn check_download<S>(svc: &S, token: &str, e: &Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let id = &e["id"];
    let resp = actix_web::test::call_service(
        svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/evidence/{id}/file")),
            token,
        )
        .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK, "evidence {id} downloads");
    let disposition = resp
        .headers()
        .get("content-disposition")
        .cloned()
        .unwrap_or(HeaderValue::from_static(""));
    let body = actix_web::test::read_body(resp).await;
    assert_eq!(
        json!(hex::encode(Sha256::digest(&body))),
        e["sha256"],
        "evidence {id}'s bytes"
    );
    assert_eq!(json!(body.len()), e["size_bytes"], "evidence {id}'s size");
    let name = ContentDisposition::from_raw(&disposition)
        .ok()
        .and_then(|d| d.get_filename_ext().map(|x| x.value.clone()))
        .map(|v| String::from_utf8_lossy(&v).into_owned());
    assert_eq!(json!(name), e["file_name"], "evidence {id}'s name");
}
