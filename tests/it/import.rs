//! Plan import: every fixture parses to the sample's truth; documents; unusable files;
//! the API's preview, commit, decisions and revisions.

use std::path::{Path, PathBuf};

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::*;
use workplan::domain::role::Role;
use workplan::import::{read_plan, ImportOptions};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// 体育产业处（保卫处） counts as 体育产业处, as the shared check does: every parenthesised
/// part is left out (各县（市、区）政府 → 各县政府).
fn base(name: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in name.chars() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = (depth - 1).max(0),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

fn sorted(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v
        .as_array()
        .map(|a| a.iter().filter_map(|x| x.as_str()).map(base).collect())
        .unwrap_or_default();
    out.sort();
    out
}

fn check_against_truth(file: &Path) {
    let truth_path = file.with_extension("truth.json");
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(&truth_path).expect("truth")).expect("json");
    let bytes = std::fs::read(file).expect("fixture");
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    check_bytes_against_truth(name, &bytes, &truth);
}

/// Reads `bytes` as the file `name` and asserts every item of `truth` exactly (number, lead,
/// support, deadline kind, due, authority) and no other item.
pub fn check_bytes_against_truth(name: &str, bytes: &[u8], truth: &Value) {
    let year = truth["year"].as_i64().expect("year") as i32;
    let draft = read_plan(bytes, name, &ImportOptions::for_year(year))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let got = serde_json::to_value(&draft).expect("json");
    let items = got["items"].as_array().expect("items");
    let want = truth["items"].as_array().expect("truth items");
    assert_eq!(items.len(), want.len(), "{name}: item count");
    for t in want {
        let number = t["number"].as_str().expect("number");
        let it = items
            .iter()
            .find(|i| i["number"] == number)
            .unwrap_or_else(|| panic!("{name}: item {number} missing"));
        let mut lead = sorted(&t["lead"]);
        lead.sort();
        assert_eq!(sorted(&it["lead"]), lead, "{name} #{number} lead");
        assert_eq!(
            sorted(&it["support"]),
            sorted(&t["support"]),
            "{name} #{number} support"
        );
        assert_eq!(it["deadline"]["kind"], t["kind"], "{name} #{number} kind");
        assert_eq!(it["deadline"]["due"], t["due"], "{name} #{number} due");
        if let Some(a) = t.get("authority") {
            assert_eq!(
                &it["deadline"]["authority"], a,
                "{name} #{number} authority"
            );
        }
        assert!(
            it["source"]["row"].as_u64().unwrap_or(0) > 0,
            "{name} #{number} row"
        );
    }
}

/// Real plans published by other agencies (tests/fixtures/real/README.md names each source),
/// rebuilt as the files they circulate: every item exact.
#[test]
fn real_plans_of_other_agencies_parse_to_their_truth() {
    let dir = repo("tests/fixtures/real");
    let mut plans: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("real plans")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("xlsx" | "xls" | "ods" | "csv" | "docx" | "txt")
            )
        })
        .collect();
    plans.sort();
    for plan in &plans {
        check_against_truth(plan);
    }
    assert!(plans.len() >= 15, "only {} real plans", plans.len());
}

#[test]
fn the_shared_sample_and_every_variant_parse_to_the_truth() {
    let files = [
        "imports/guangzhou-sports-2021-division-plan.xlsx",
        "tests/fixtures/import/guangzhou-columns.xlsx",
        "tests/fixtures/import/guangzhou-columns-excel97.xls",
        "tests/fixtures/import/guangzhou-renamed.ods",
        "tests/fixtures/import/guangzhou-gbk.csv",
    ];
    for f in files {
        check_against_truth(&repo(f));
    }
}

#[test]
fn the_sample_keeps_sections_tasks_and_warnings_on_their_rows() {
    let bytes =
        std::fs::read(repo("imports/guangzhou-sports-2021-division-plan.xlsx")).expect("sample");
    let draft = read_plan(&bytes, "plan.xlsx", &ImportOptions::for_year(2021)).expect("parse");
    let v = serde_json::to_value(&draft).expect("json");
    assert_eq!(
        v["source"],
        json!({"file": "plan.xlsx", "format": "xlsx", "sheet": "分工方案"})
    );
    // The title row merged over the table is the title, not the top of a two-row header.
    assert_eq!(v["title"], "广州市体育局2021年政务公开工作要点具体分工方案");
    let item15 = v["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["number"] == "15")
        .expect("15")
        .clone();
    assert_eq!(
        item15["section"],
        json!([
            "二、紧扣宏观政策落地见效深化政务公开",
            "(一) 持续加强重大政策发布解读。"
        ])
    );
    assert_eq!(item15["task"], "持续加强重大政策发布解读");
    assert!(item15["requirement"]
        .as_str()
        .unwrap_or("")
        .starts_with("重点围绕"));
    assert_eq!(item15["source"], json!({"sheet": "分工方案", "row": 10}));
    // Placeholders are flagged on their rows; the footnote is not an item.
    let warnings = v["warnings"].as_array().expect("warnings");
    assert!(warnings
        .iter()
        .any(|w| w["message"].as_str().unwrap_or("").contains("文件起草处室") && w["row"] == 12));
    assert!(!v["items"].to_string().contains("备注"));
}

#[test]
fn work_point_documents_give_every_numbered_item_and_its_dates() {
    for f in [
        "imports/shanghai-offices-2023-work-points.txt",
        "imports/shanghai-sports-2022-work-points.txt",
        "imports/shanghai-sports-2022-work-points.docx",
    ] {
        let path = repo(f);
        let truth: Value = serde_json::from_str(
            &std::fs::read_to_string(path.with_extension("truth.json")).expect("truth"),
        )
        .expect("json");
        let bytes = std::fs::read(&path).expect("doc");
        let year = truth["year"].as_i64().expect("year") as i32;
        let draft = read_plan(&bytes, f, &ImportOptions::for_year(year)).expect("parse");
        let v = serde_json::to_value(&draft).expect("json");
        let items = v["items"].as_array().expect("items");
        assert_eq!(
            items.len() as i64,
            truth["count"][0].as_i64().expect("count"),
            "{f}"
        );
        for c in truth["checks"].as_array().expect("checks") {
            let needle = c["contains"].as_str().expect("contains");
            let it = items
                .iter()
                .find(|i| {
                    format!(
                        "{}{}",
                        i["task"].as_str().unwrap_or(""),
                        i["requirement"].as_str().unwrap_or("")
                    )
                    .contains(needle)
                })
                .unwrap_or_else(|| panic!("{f}: no item contains {needle}"));
            if let Some(due) = c.get("due") {
                assert_eq!(&it["deadline"]["due"], due, "{f}: {needle}");
            }
            if let Some(n) = c.get("min_count") {
                assert!(
                    it["targets"]
                        .as_array()
                        .expect("targets")
                        .iter()
                        .any(|t| &t["min_count"] == n),
                    "{f}: {needle} target"
                );
            }
        }
        let all = v["items"].to_string();
        for absent in truth["absent"].as_array().expect("absent") {
            assert!(
                !all.contains(absent.as_str().unwrap_or("?")),
                "{f}: {absent} should not be in any item"
            );
        }
    }
}

/// Runs `workplan import` in a fresh folder; returns (exit code, stdout, stderr, folder).
fn cli_import(
    file: &Path,
    extra: &[&str],
    env: &[(&str, &str)],
) -> (i32, String, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_workplan"));
    cmd.current_dir(dir.path())
        .arg("import")
        .arg(file)
        .args(["--year", "2021"])
        .args(extra);
    for (k, _) in std::env::vars() {
        if k.starts_with("WORKPLAN_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("WORKPLAN_LOG", "error");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run workplan");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        dir,
    )
}

#[test]
fn unusable_files_get_one_line_errors_and_nothing_is_written() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, bytes: &[u8]| {
        let p = scratch.path().join(name);
        std::fs::write(&p, bytes).expect("write");
        p
    };
    let fixtures = repo("tests/fixtures/import");
    let cases: Vec<(PathBuf, &str)> = vec![
        (write("empty.xlsx", b""), "空"),
        (write("spaces.csv", b"  \n \n"), "空"),
        (fixtures.join("truncated.xlsx"), "损坏"),
        (write("random.xlsx", &[7u8; 4096]), "损坏"),
        (fixtures.join("password-protected.xlsx"), "加密"),
        (write("scan.pdf", b"%PDF-1.7 ..."), "PDF"),
        (write("plan.json", b"{}"), ".json"),
        (
            write(
                "old.doc",
                &[
                    0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, b'W', 0, b'o', 0,
                ],
            ),
            ".docx",
        ),
        (fixtures.join("no-plan-table.xlsx"), "表头"),
        (write("latin1.csv", &[0xE9, 0xFF, 0xFE, 0x00, 0x81]), "编码"),
    ];
    for (file, says) in cases {
        for dry in [true, false] {
            let extra: &[&str] = if dry { &["--dry-run", "--json"] } else { &[] };
            let (code, out, err, dir) = cli_import(&file, extra, &[]);
            let shown = file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            assert_eq!(code, 2, "{shown} (dry run {dry}): exit code; stderr {err}");
            assert!(
                out.trim().is_empty(),
                "{shown}: nothing on stdout, got {out}"
            );
            let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
            assert_eq!(lines.len(), 1, "{shown}: one line, got {err}");
            assert!(
                lines[0].contains(says),
                "{shown}: '{}' should mention {says}",
                lines[0]
            );
            assert!(
                !dir.path().join("data").exists(),
                "{shown}: a refused import created the database"
            );
        }
    }
    // Oversized files are refused before they are read.
    let (code, _, err, _) = cli_import(
        &repo("imports/guangzhou-sports-2021-division-plan.xlsx"),
        &["--dry-run"],
        &[("WORKPLAN_MAX_UPLOAD_BYTES", "1000")],
    );
    assert_eq!(code, 2);
    assert!(err.contains("过大"), "{err}");
}

#[test]
fn cli_import_commits_once_and_recognises_the_same_file() {
    let sample = repo("imports/guangzhou-sports-2021-division-plan.xlsx");
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}/wp.db", dir.path().display());
    let run =
        |extra: &[&str]| cli_import(&sample, extra, &[("WORKPLAN_DATABASE_URL", url.as_str())]);
    let (code, out, err, _) = run(&["--json"]);
    assert_eq!(code, 0, "{err}");
    let first: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(first["items_added"], 32);
    assert_eq!(first["changed"], true);
    // Groups and placeholders never become divisions; 体育产业处（保卫处） becomes one with an alias.
    let new: Vec<String> = first["new_divisions"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|v| v.as_str().map(String::from))
        .collect();
    assert!(
        new.contains(&"体育产业处".to_string())
            && !new.iter().any(|n| n.contains('各') || n.contains("相关")),
        "{new:?}"
    );
    let (code, out, _, _) = run(&["--json"]);
    assert_eq!(code, 0);
    let again: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(again["changed"], false);
    assert_eq!(again["id"], first["id"]);
    // A dry run against the database now shows the plan as identical.
    let (_, out, _, _) = run(&["--dry-run", "--json"]);
    let preview: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(preview["revision"]["identical"], true);
    assert!(preview["divisions"]
        .as_array()
        .expect("names")
        .iter()
        .any(|d| d["name"] == "体育产业处（保卫处）" && d["status"] == "known"));
}

fn multipart(file_name: &str, bytes: &[u8], fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = "----workplan-test-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn upload(token: &str, file_name: &str, bytes: &[u8], fields: &[(&str, &str)]) -> TestRequest {
    let (ct, body) = multipart(file_name, bytes, fields);
    authed(TestRequest::post().uri("/api/v1/plans/import"), token)
        .insert_header(("content-type", ct))
        .set_payload(body)
}

async fn api_preview_commit_decisions_and_revision(app: TestApp) {
    let office_div = app.division("办公室");
    app.user("office", Role::Office, None);
    app.user("staff", Role::Division, Some(office_div));
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let sample =
        std::fs::read(repo("imports/guangzhou-sports-2021-division-plan.xlsx")).expect("sample");

    // Division staff may not import.
    let staff = login(&svc, "staff").await;
    let refused = send(
        &svc,
        upload(
            &staff,
            "plan.xlsx",
            &sample,
            &[("year", "2021"), ("dry_run", "true")],
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // The preview writes nothing and says which names the directory lacks.
    let preview = send(
        &svc,
        upload(
            &office,
            "plan.xlsx",
            &sample,
            &[("year", "2021"), ("dry_run", "true")],
        ),
    )
    .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let p = preview.json();
    assert_eq!(p["items"].as_array().expect("items").len(), 32);
    assert!(p["revision"].is_null());
    let status_of = |name: &str| {
        p["divisions"]
            .as_array()
            .expect("names")
            .iter()
            .find(|d| d["name"] == name)
            .map(|d| d["status"].clone())
    };
    assert_eq!(status_of("办公室"), Some(json!("known")));
    assert_eq!(status_of("法规宣传处"), Some(json!("unknown")));
    assert_eq!(status_of("各处室"), Some(json!("group")));
    assert_eq!(status_of("文件起草处室"), Some(json!("placeholder")));
    let plans = send(
        &svc,
        authed(TestRequest::get().uri("/api/v1/plans"), &office),
    )
    .await
    .json();
    assert_eq!(
        plans.as_array().map(Vec::len),
        Some(0),
        "a preview wrote a plan"
    );

    // Commit with decisions: one name mapped as an alias, one kept as a placeholder.
    let decisions = json!({
        "计划财务处": {"action": "map_to", "division_id": office_div},
        "青少年体育处": {"action": "placeholder"},
        "体育产业处（保卫处）": {"action": "create", "kind": "internal"}
    })
    .to_string();
    let commit = send(
        &svc,
        upload(
            &office,
            "plan.xlsx",
            &sample,
            &[
                ("year", "2021"),
                ("title", "2021年分工方案"),
                ("decisions", &decisions),
            ],
        ),
    )
    .await;
    assert_eq!(commit.status, StatusCode::CREATED, "{}", commit.body);
    let c = commit.json();
    assert_eq!(c["items_added"], 32);
    let plan_id = c["id"].as_i64().expect("id");
    assert!(c["placeholders"]
        .as_array()
        .expect("list")
        .contains(&json!("青少年体育处")));
    let items = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/plans/{plan_id}/items")),
            &office,
        ),
    )
    .await
    .json();
    let item = |n: &str| {
        items
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["number"] == n)
            .expect("item")
            .clone()
    };
    // 计划财务处 now resolves to 办公室 (an alias), so item 8 is 办公室's.
    assert_eq!(item("8")["lead"][0]["division_id"], office_div);
    // 各处室 expands to every internal division at commit.
    let support23: Vec<String> = item("23")["support"]
        .as_array()
        .expect("support")
        .iter()
        .filter_map(|r| r["name"].as_str().map(String::from))
        .collect();
    assert!(
        support23.contains(&"办公室".to_string()) && support23.len() >= 2,
        "{support23:?}"
    );
    assert_eq!(
        item("27")["support"][0],
        json!({"division_id": null, "name": "各有关处室"})
    );
    assert!(
        item("5")["lead"][0]["division_id"].is_i64(),
        "体育产业处（保卫处） created"
    );

    // The same file again: recognised, nothing changes.
    let again = send(
        &svc,
        upload(
            &office,
            "plan.xlsx",
            &sample,
            &[("year", "2021"), ("title", "2021年分工方案")],
        ),
    )
    .await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.json()["changed"], false);

    // A revised layout of the same plan: the preview lists the changes, the commit applies them.
    let revised =
        std::fs::read(repo("tests/fixtures/import/guangzhou-columns.xlsx")).expect("variant");
    let rp = send(
        &svc,
        upload(
            &office,
            "revised.xlsx",
            &revised,
            &[
                ("year", "2021"),
                ("title", "2021年分工方案"),
                ("dry_run", "true"),
            ],
        ),
    )
    .await
    .json();
    assert_eq!(rp["revision"]["plan_id"], plan_id);
    assert_eq!(rp["revision"]["identical"], false);
    let changed: Vec<String> = rp["revision"]["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["number"].as_str().map(String::from))
        .collect();
    assert!(changed.contains(&"15".to_string()), "{changed:?}");
    let before = item("1")["version"].clone();
    let applied = send(
        &svc,
        upload(
            &office,
            "revised.xlsx",
            &revised,
            &[("year", "2021"), ("title", "2021年分工方案")],
        ),
    )
    .await;
    assert_eq!(applied.status, StatusCode::CREATED, "{}", applied.body);
    let a = applied.json();
    assert_eq!(a["revised"], true);
    assert_eq!(a["id"], plan_id);
    assert_eq!(a["items_added"], 0);
    assert!(a["items_updated"].as_u64().unwrap_or(0) > 0);
    let after = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/plans/{plan_id}/items")),
            &office,
        ),
    )
    .await
    .json();
    assert_eq!(after.as_array().map(Vec::len), Some(32));
    let one = after
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["number"] == "1")
        .expect("1");
    assert_eq!(
        one["version"], before,
        "an unchanged item keeps its version"
    );
}

enum Hostile {
    /// The sample with 300 extra parts of 1 MiB of zeros each (a few KiB compressed).
    Bomb,
    /// The sample with a billion-laughs DOCTYPE in its first sheet.
    Laughs,
}

/// The real sample workbook, made hostile: its parts copied as they are, plus the attack.
fn hostile_sample(kind: Hostile) -> Vec<u8> {
    use std::io::{Cursor, Read, Write};
    use zip::write::SimpleFileOptions;
    let sample =
        std::fs::read(repo("imports/guangzhou-sports-2021-division-plan.xlsx")).expect("sample");
    let mut source = zip::ZipArchive::new(Cursor::new(sample)).expect("sample zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..source.len() {
        let name = source
            .by_index(i)
            .expect("part")
            .name()
            .expect("name")
            .to_string();
        if matches!(kind, Hostile::Laughs) && name == "xl/worksheets/sheet1.xml" {
            let mut xml = String::new();
            source
                .by_index(i)
                .expect("sheet")
                .read_to_string(&mut xml)
                .expect("read sheet");
            let at = xml.find("<worksheet").expect("root element");
            let (prolog, rest) = xml.split_at(at);
            let mut entities = String::from("<!ENTITY lol0 \"lol\">");
            for n in 1..10 {
                let refs = format!("&lol{};", n - 1).repeat(10);
                entities.push_str(&format!("<!ENTITY lol{n} \"{refs}\">"));
            }
            let evil = format!("{prolog}<!DOCTYPE worksheet [{entities}]>{rest}").replacen(
                "<v>",
                "<v>&lol9;",
                1,
            );
            out.start_file(name, SimpleFileOptions::default())
                .expect("start");
            out.write_all(evil.as_bytes()).expect("write");
        } else {
            out.raw_copy_file(source.by_index_raw(i).expect("raw"))
                .expect("copy");
        }
    }
    if matches!(kind, Hostile::Bomb) {
        out.start_file("xl/media/zeros0.bin", SimpleFileOptions::default())
            .expect("start");
        out.write_all(&vec![0u8; 1 << 20]).expect("zeros");
        let bytes = out.finish().expect("finish").into_inner();
        let mut with_one = zip::ZipArchive::new(Cursor::new(bytes.clone())).expect("zip");
        let mut out = zip::ZipWriter::new_append(Cursor::new(bytes)).expect("append");
        let zeros = with_one
            .index_for_name("xl/media/zeros0.bin")
            .expect("zeros");
        for n in 1..300 {
            out.raw_copy_file_rename(
                with_one.by_index_raw(zeros).expect("raw"),
                format!("xl/media/zeros{n}.bin"),
            )
            .expect("copy");
        }
        return out.finish().expect("finish").into_inner();
    }
    out.finish().expect("finish").into_inner()
}

async fn api_import_refuses_bad_files_without_writing(app: TestApp) {
    app.user("office", Role::Office, None);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    type Case<'a> = (&'a str, Vec<u8>, &'a [(&'a str, &'a str)], StatusCode);
    let cases: Vec<Case> = vec![
        (
            "x.xlsx",
            b"not a workbook".to_vec(),
            &[("year", "2021")],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "x.xlsx",
            std::fs::read(repo("tests/fixtures/import/password-protected.xlsx")).expect("fixture"),
            &[("year", "2021")],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "plan.xlsx",
            std::fs::read(repo("imports/guangzhou-sports-2021-division-plan.xlsx"))
                .expect("sample"),
            &[("year", "twenty")],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "plan.xlsx",
            std::fs::read(repo("imports/guangzhou-sports-2021-division-plan.xlsx"))
                .expect("sample"),
            &[("year", "2021"), ("decisions", "{oops")],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "damaged.xls",
            std::fs::read(repo("tests/fixtures/import/fuzz-truncated-cfb.xls")).expect("fixture"),
            &[("year", "2021")],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "far.xlsx",
            std::fs::read(repo("tests/fixtures/import/far-corner-cell.xlsx")).expect("fixture"),
            &[("year", "2021")],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "cells.xls",
            std::fs::read(repo("tests/fixtures/import/fuzz-cell-bomb.xls")).expect("fixture"),
            &[("year", "2021")],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "bomb.xlsx",
            hostile_sample(Hostile::Bomb),
            &[("year", "2021")],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "laughs.xlsx",
            hostile_sample(Hostile::Laughs),
            &[("year", "2021")],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ];
    for (name, bytes, fields, want) in cases {
        let started = std::time::Instant::now();
        let a = send(&svc, upload(&office, name, &bytes, fields)).await;
        assert_eq!(a.status, want, "{name} {fields:?}: {}", a.body);
        assert_eq!(a.code(), "invalid");
        let message = a.json()["error"]["message"].to_string();
        match name {
            "bomb.xlsx" => assert!(message.contains("压缩炸弹"), "{message}"),
            "laughs.xlsx" => assert!(message.contains("DOCTYPE"), "{message}"),
            _ => {}
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{name} is refused without unpacking it"
        );
    }
    let plans = send(
        &svc,
        authed(TestRequest::get().uri("/api/v1/plans"), &office),
    )
    .await
    .json();
    assert_eq!(plans.as_array().map(Vec::len), Some(0));
}

/// A plan with what the reader must not take silently: a name that is no unit, a verb it
/// cannot take apart, a row naming nobody, a 合计 row and a footnote.
const DOUBTFUL_PLAN: &str = "序号,工作任务,责任单位,完成时限\r\n\
1,做好政策解读工作，及时发布解读材料,张三,年底前\r\n\
2,公开财政预决算信息，细化到功能分类,市财政局牵头落实工作,9月前\r\n\
3,规范依申请公开办理，按时答复,,全年\r\n\
合计,共3项,,\r\n\
备注：本表由办公室负责解释,,,\r\n";

async fn api_preview_says_what_it_doubts_and_skipped(app: TestApp) {
    app.user("office", Role::Office, None);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let dry_run = |token: &str| {
        upload(
            token,
            "plan.csv",
            DOUBTFUL_PLAN.as_bytes(),
            &[("year", "2021"), ("dry_run", "true")],
        )
    };
    let p = send(&svc, dry_run(&office)).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    let p = p.json();
    let warnings_of = |p: &Value, row: u64| -> Vec<String> {
        p["warnings"]
            .as_array()
            .expect("warnings")
            .iter()
            .filter(|w| w["row"] == row)
            .map(|w| w["message"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert!(
        warnings_of(&p, 2)
            .iter()
            .any(|m| m.contains("张三") && m.contains("不像单位名称")),
        "{:?}",
        warnings_of(&p, 2)
    );
    assert!(
        warnings_of(&p, 3).iter().any(|m| m.contains("仍含有")),
        "{:?}",
        warnings_of(&p, 3)
    );
    assert!(
        warnings_of(&p, 4)
            .iter()
            .any(|m| m.contains("原文没有写明牵头处室")),
        "{:?}",
        warnings_of(&p, 4)
    );
    let skipped: Vec<(u64, String)> = p["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .map(|s| {
            (
                s["row"].as_u64().unwrap_or(0),
                s["text"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert_eq!(skipped[0].0, 5);
    assert!(skipped[1].1.contains("备注"));
    let fields: Vec<Value> = p["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| c["field"].clone())
        .collect();
    assert_eq!(
        fields,
        [
            json!("number"),
            json!("task"),
            json!("responsible"),
            json!("deadline")
        ]
    );

    // Once the directory knows the name, it is no longer doubted.
    let d = app.division("张三");
    assert!(d > 0);
    let p = send(&svc, dry_run(&office)).await.json();
    assert!(
        !warnings_of(&p, 2)
            .iter()
            .any(|m| m.contains("不像单位名称")),
        "{:?}",
        warnings_of(&p, 2)
    );
}

#[test]
fn cli_dry_run_lists_skipped_text_and_doubtful_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("plan.csv");
    std::fs::write(&file, DOUBTFUL_PLAN).expect("write");
    let (code, out, err, _dir) = cli_import(&file, &["--dry-run", "--json"], &[]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["items"].as_array().map(Vec::len), Some(3));
    assert_eq!(v["skipped"].as_array().map(Vec::len), Some(2));
    assert!(v["warnings"].to_string().contains("张三"));
    let (code, out, _, _dir) = cli_import(&file, &["--dry-run"], &[]);
    assert_eq!(code, 0);
    assert!(out.contains("未导入 第 5 行"), "{out}");
    assert!(out.contains("“张三”不在处室目录中"), "{out}");
}

/// A form is read within bounds: thousands of fields, text beyond a megabyte or a second
/// file are refused before they pile up in memory, and nothing is written.
async fn oversized_forms_are_refused(app: TestApp) {
    app.user("office", Role::Office, None);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let sample =
        std::fs::read(repo("imports/guangzhou-sports-2021-division-plan.xlsx")).expect("sample");
    let names: Vec<String> = (0..2000).map(|i| format!("f{i}")).collect();
    let many: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "x")).collect();
    let a = send(&svc, upload(&office, "plan.xlsx", &sample, &many)).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    let big = "长".repeat(400_000);
    let b = send(
        &svc,
        upload(
            &office,
            "plan.xlsx",
            &sample,
            &[("year", "2021"), ("title", &big)],
        ),
    )
    .await;
    assert_eq!(b.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", b.body);
    let (ct, mut body) = multipart("plan.xlsx", &sample, &[("year", "2021")]);
    let boundary = ct.rsplit('=').next().expect("boundary").to_string();
    let end = format!("\r\n--{boundary}--\r\n");
    body.truncate(body.len() - end.len());
    body.extend_from_slice(
        format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.xlsx\"\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(&sample);
    body.extend_from_slice(end.as_bytes());
    let c = send(
        &svc,
        authed(TestRequest::post().uri("/api/v1/plans/import"), &office)
            .insert_header(("content-type", ct))
            .set_payload(body),
    )
    .await;
    assert_eq!(c.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", c.body);
    let plans = send(
        &svc,
        authed(TestRequest::get().uri("/api/v1/plans"), &office),
    )
    .await;
    assert_eq!(plans.json(), serde_json::json!([]), "nothing imported");
}

crate::on_both_backends!(
    a_revision_keeps_an_item_with_a_supporting_part,
    oversized_forms_are_refused,
    api_preview_commit_decisions_and_revision,
    api_import_refuses_bad_files_without_writing,
    api_preview_says_what_it_doubts_and_skipped
);

#[test]
fn the_before_month_convention_is_a_setting() {
    let sample = repo("imports/guangzhou-sports-2021-division-plan.xlsx");
    let due_of_item_1 = |env: &[(&str, &str)]| {
        let (code, out, err, _) = cli_import(&sample, &["--dry-run", "--json"], env);
        assert_eq!(code, 0, "{err}");
        let v: Value = serde_json::from_str(&out).expect("json");
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["number"] == "1")
            .expect("1")["deadline"]["due"]
            .clone()
    };
    assert_eq!(
        due_of_item_1(&[]),
        json!("2021-08-31"),
        "9月前: by the end of August (default)"
    );
    assert_eq!(
        due_of_item_1(&[("WORKPLAN_BEFORE_MONTH_MEANS_PREVIOUS_MONTH_END", "false")]),
        json!("2021-09-30")
    );
}

#[test]
fn formula_cells_give_their_cached_values_and_date_cells_are_dates() {
    let bytes = std::fs::read(repo("tests/fixtures/import/formulas.xlsx")).expect("fixture");
    let draft = read_plan(&bytes, "formulas.xlsx", &ImportOptions::for_year(2021)).expect("parse");
    let v = serde_json::to_value(&draft).expect("json");
    let items = v["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["number"], "1");
    assert_eq!(items[0]["requirement"], "按要求发布重大行政决策事项目录");
    assert_eq!(items[0]["deadline"]["kind"], "date");
    assert_eq!(items[0]["deadline"]["due"], "2021-03-31");
    assert_eq!(items[0]["lead"], json!(["办公室"]));
    assert_eq!(items[0]["support"], json!(["法规宣传处"]));
    assert_eq!(items[1]["number"], "2");
    assert_eq!(items[1]["deadline"]["kind"], "year_round");
    assert_eq!(items[1]["targets"][0]["min_count"], 2);
}

/// A revision that leaves out an item keeps it when a supporting division has already written
/// its part for it, though the lead has written nothing yet: the part is work, not lost.
async fn a_revision_keeps_an_item_with_a_supporting_part(app: TestApp) {
    for name in ["区发改局", "区工信局"] {
        app.division(name);
    }
    let zone = app.division("立山经济开发区");
    app.user("office", Role::Office, None);
    app.user("kfq", Role::Division, Some(zone));
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let text = std::fs::read_to_string(repo("tests/fixtures/real/lishan-gzbg-2023-tasks.txt"))
        .expect("fixture");
    let first = send(
        &svc,
        upload(
            &office,
            "tasks.txt",
            text.as_bytes(),
            &[("year", "2023"), ("title", "立山区分工方案")],
        ),
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let plan = first.json()["id"].as_i64().expect("plan");
    let items = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/plans/{plan}/items")),
            &office,
        ),
    )
    .await
    .json();
    let two = items
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["number"] == "2")
        .and_then(|i| i["id"].as_i64())
        .expect("item 2");
    let opened = send(
        &svc,
        authed(
            TestRequest::post().uri(&format!("/api/v1/plans/{plan}/periods")),
            &office,
        )
        .set_json(serde_json::json!({"period": "2023-Q1"})),
    )
    .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
    let kfq = login(&svc, "kfq").await;
    let part = send(
        &svc,
        authed(
            TestRequest::put().uri(&format!("/api/v1/items/{two}/contributions/2023-Q1")),
            &kfq,
        )
        .set_json(serde_json::json!({"text": "开发区已报送一季度工业数据"})),
    )
    .await;
    assert!(part.status.is_success(), "{}", part.body);

    // The revised file leaves item 2 out.
    let mut dropping = false;
    let revised: String = text
        .split_inclusive('\n')
        .filter(|line| {
            if line.starts_with("2.规模上") {
                dropping = true;
            } else if line.starts_with("3.") {
                dropping = false;
            }
            !dropping
        })
        .collect();
    assert!(!revised.contains("规模上工业增加值"));
    let applied = send(
        &svc,
        upload(
            &office,
            "tasks-revised.txt",
            revised.as_bytes(),
            &[("year", "2023"), ("title", "立山区分工方案")],
        ),
    )
    .await;
    assert_eq!(applied.status, StatusCode::CREATED, "{}", applied.body);
    let a = applied.json();
    assert_eq!(a["revised"], true, "{a}");
    assert_eq!(a["items_kept"], serde_json::json!(["2"]), "{a}");
    let kept = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/items/{two}")),
            &kfq,
        ),
    )
    .await;
    assert_eq!(kept.status, StatusCode::OK, "item 2 is still there");
    // And so is the division's part, on the item's page.
    use crate::pages::{browser_login, session_of};
    let page_session = session_of(&browser_login(&svc, "kfq", PASSWORD).await);
    let page = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/items/{two}"))
            .cookie(page_session),
    )
    .await;
    assert!(
        page.body.contains("开发区已报送一季度工业数据"),
        "{}",
        page.body
    );
}
