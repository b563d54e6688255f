//! The agency is named (机关信息): set through the API, the 系统管理 form and the first
//! start, and carried by the annual report's title, every workbook's title row and every
//! download's file name.

use std::io::{Cursor, Read};

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use calamine::{Reader, Xlsx};
use serde_json::{json, Value};

use crate::helpers::*;
use crate::pages::{browser_login, csrf_field, session_of};
use workplan::domain::role::Role;
use workplan::service::agency::{self, Seeded};
use workplan::service::Caller;

const AGENCY: &str = "广州市体育局";
/// A plan title that does not name the agency itself, as most plans are titled.
const PLAN: &str = "2021年政务公开工作要点";
const NEXT_PLAN: &str = "2022年政务公开工作要点";

fn put_agency(token: &str, body: Value) -> TestRequest {
    authed(TestRequest::put().uri("/api/v1/agency"), token).set_json(body)
}

fn get(token: &str, uri: &str) -> TestRequest {
    authed(TestRequest::get().uri(uri), token)
}

/// The file name a download offers (the UTF-8 `filename*`, decoded).
fn offered_name(a: &Answer) -> String {
    let header = a.header("content-disposition").unwrap_or_default();
    let encoded = header
        .split("filename*=UTF-8''")
        .nth(1)
        .unwrap_or_else(|| panic!("no UTF-8 file name: {header}"))
        .split(';')
        .next()
        .unwrap_or_default();
    let bytes = encoded.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
            out.push(u8::from_str_radix(hex, 16).expect("hex byte"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8 name")
}

/// Downloads a file as the whole answer, its body as bytes.
async fn download<S>(svc: &S, token: &str, uri: &str) -> (String, Vec<u8>)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let resp = actix_web::test::call_service(svc, get(token, uri).to_request()).await;
    assert_eq!(resp.status(), StatusCode::OK, "{uri}");
    let headers = resp.headers().clone();
    let body = actix_web::test::read_body(resp).await.to_vec();
    let a = Answer {
        status: StatusCode::OK,
        headers,
        body: String::new(),
    };
    (offered_name(&a), body)
}

/// The title row (A1) of every sheet named, in a workbook.
fn title_rows(bytes: &[u8], sheets: &[&str]) -> Vec<String> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an xlsx workbook");
    sheets
        .iter()
        .map(|name| {
            let r = wb
                .worksheet_range(name)
                .unwrap_or_else(|e| panic!("sheet {name}: {e}"));
            r.get((0, 0)).map(|d| d.to_string()).unwrap_or_default()
        })
        .collect()
}

/// The text of a Word document's paragraphs, one string per paragraph.
fn docx_paragraphs(bytes: &[u8]) -> Vec<String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("docx zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("document.xml")
        .read_to_string(&mut xml)
        .expect("read");
    xml.split("</w:p>")
        .map(|p| {
            // Runs' text only: `<w:t>` and `<w:t xml:space=…>`, not `<w:tbl>` or `<w:tc>`.
            p.split("<w:t")
                .skip(1)
                .filter(|t| t.starts_with('>') || t.starts_with(' '))
                .filter_map(|t| t.split_once('>').map(|(_, rest)| rest))
                .map(|t| t.split("</w:t>").next().unwrap_or_default())
                .collect::<String>()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

async fn the_office_names_the_agency_through_the_api(app: TestApp) {
    let d = app.division("法规宣传处");
    app.user("office", Role::Office, None);
    app.user("staff", Role::Division, Some(d));
    app.user("leader", Role::Leader, None);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let staff = login(&svc, "staff").await;
    let leader = login(&svc, "leader").await;

    // Not set yet: every signed-in user reads that, and nothing is made up.
    let unset = send(&svc, get(&staff, "/api/v1/agency")).await;
    assert_eq!(unset.status, StatusCode::OK, "{}", unset.body);
    let unset = unset.json();
    assert_eq!(unset["set"], false);
    assert_eq!(unset["full_name"], "");
    assert_eq!(unset["version"], 0);

    let names = json!({"full_name": AGENCY, "short_name": "市体育局",
                       "supervisor": "广州市政务公开办公室", "version": 0});
    for who in [&staff, &leader] {
        let refused = send(&svc, put_agency(who, names.clone())).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    }
    assert_eq!(
        send(&svc, get(&office, "/api/v1/agency")).await.json()["set"],
        false,
        "a refused change changes nothing"
    );

    let empty = send(
        &svc,
        put_agency(&office, json!({"full_name": "  ", "version": 0})),
    )
    .await;
    assert_eq!(
        empty.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        empty.body
    );
    assert!(empty.body.contains("机关全称"), "{}", empty.body);

    let saved = send(&svc, put_agency(&office, names.clone())).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let saved = saved.json();
    assert_eq!(saved["set"], true);
    assert_eq!(saved["full_name"], AGENCY);
    assert_eq!(saved["supervisor"], "广州市政务公开办公室");
    assert_eq!(saved["version"], 1);

    // A second save on the version read before is stale.
    let stale = send(&svc, put_agency(&office, names.clone())).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);

    let changed = send(
        &svc,
        put_agency(
            &office,
            json!({"full_name": AGENCY, "short_name": "", "supervisor": "广州市政务公开办公室", "version": 1}),
        ),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let read = send(&svc, get(&leader, "/api/v1/agency")).await.json();
    assert_eq!(read["full_name"], AGENCY);
    assert_eq!(read["short_name"], "");
    assert_eq!(read["version"], 2);

    // Both writes are in the audit trail, named in Chinese with what changed.
    let trail = send(&svc, get(&office, "/api/v1/audit?entity=agency")).await;
    assert_eq!(trail.status, StatusCode::OK, "{}", trail.body);
    let actions: Vec<String> = trail
        .json()
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["action"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(actions, ["update", "create"], "{}", trail.body);
    let session = session_of(&browser_login(&svc, "office", PASSWORD).await);
    let page = send(
        &svc,
        TestRequest::get()
            .uri("/admin/audit?kind=agency")
            .cookie(session),
    )
    .await;
    for want in [
        "设置机关信息",
        "修改机关信息",
        "机关简称：市体育局 → （空）",
    ] {
        assert!(page.body.contains(want), "{want} on the audit page");
    }
}

async fn the_admin_form_sets_the_agency_and_keeps_a_refused_input(app: TestApp) {
    let d = app.division("法规宣传处");
    app.user("office", Role::Office, None);
    app.user("staff", Role::Division, Some(d));
    let svc = app.service().await;
    let office = session_of(&browser_login(&svc, "office", PASSWORD).await);
    let page = |uri: &str| TestRequest::get().uri(uri).cookie(office.clone());

    // Unset: the 系统管理 pages say so and where to set it.
    for uri in [
        "/admin/divisions",
        "/admin/users",
        "/admin/audit",
        "/admin/agency",
    ] {
        let a = send(&svc, page(uri)).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}");
        assert!(a.body.contains("id=\"agency-unset\""), "{uri}: notice");
        assert!(a.body.contains("尚未设置机关名称"), "{uri}");
        assert!(a.body.contains("href=\"/admin/agency\""), "{uri}: where");
    }
    let form = send(&svc, page("/admin/agency")).await;
    let csrf = csrf_field(&form.body);
    let post = |fields: Vec<(&'static str, String)>| {
        let mut all = vec![("csrf", csrf.clone())];
        all.extend(fields);
        TestRequest::post()
            .uri("/admin/agency")
            .cookie(office.clone())
            .set_form(all)
    };

    // A name no file may carry is refused where it was typed, with every field kept.
    let refused = send(
        &svc,
        post(vec![
            ("version", "0".into()),
            ("full_name", "广州市体育局|".into()),
            ("short_name", "市体育局".into()),
            ("supervisor", "广州市政务公开办公室".into()),
        ]),
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("id=\"agency-refused\""),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("机关全称不能含有"),
        "{}",
        refused.body
    );
    for kept in [
        "value=\"广州市体育局|\"",
        "value=\"市体育局\"",
        "value=\"广州市政务公开办公室\"",
    ] {
        assert!(refused.body.contains(kept), "{kept} kept");
    }
    assert!(refused.body.contains("aria-invalid=\"true\""));

    let done = send(
        &svc,
        post(vec![
            ("version", "0".into()),
            ("full_name", AGENCY.into()),
            ("short_name", "市体育局".into()),
            ("supervisor", "广州市政务公开办公室".into()),
        ]),
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        done.header("location").as_deref(),
        Some("/admin/agency?msg=saved")
    );
    let shown = send(&svc, page("/admin/agency?msg=saved")).await;
    assert!(shown.body.contains("已保存"));
    assert!(shown.body.contains(&format!("value=\"{AGENCY}\"")));
    assert!(shown.body.contains("name=\"version\" value=\"1\""));
    assert!(
        !shown.body.contains("id=\"agency-unset\""),
        "no notice once set"
    );
    assert!(!send(&svc, page("/admin/divisions"))
        .await
        .body
        .contains("id=\"agency-unset\""));

    // Division staff may neither open nor post the form.
    let staff = session_of(&browser_login(&svc, "staff", PASSWORD).await);
    let open = send(
        &svc,
        TestRequest::get()
            .uri("/admin/agency")
            .cookie(staff.clone()),
    )
    .await;
    assert_eq!(open.status, StatusCode::FORBIDDEN);
    let own_csrf = csrf_field(
        &send(&svc, TestRequest::get().uri("/my").cookie(staff.clone()))
            .await
            .body,
    );
    let forbidden = send(
        &svc,
        TestRequest::post()
            .uri("/admin/agency")
            .cookie(staff)
            .set_form([
                ("csrf", own_csrf.as_str()),
                ("version", "1"),
                ("full_name", "别的机关"),
            ]),
    )
    .await;
    assert_eq!(
        forbidden.status,
        StatusCode::FORBIDDEN,
        "{}",
        forbidden.body
    );
    let office_token = login(&svc, "office").await;
    assert_eq!(
        send(&svc, get(&office_token, "/api/v1/agency"))
            .await
            .json()["full_name"],
        AGENCY
    );
}

/// The first start records the configured name once; what the office edits afterwards
/// stays, whatever is configured at later starts.
async fn the_first_start_records_the_configured_name_and_never_overwrites_an_edit(app: TestApp) {
    let seed = |name: &str| {
        let name = name.to_string();
        app.db
            .write_blocking(|tx| agency::seed(tx, &name))
            .expect("seed")
    };
    assert_eq!(
        seed(""),
        Seeded::Unset,
        "nothing configured: nothing invented"
    );
    assert_eq!(seed(AGENCY), Seeded::Created(AGENCY.to_string()));
    let edited = app
        .db
        .write_blocking(|tx| {
            agency::set(
                tx,
                &Caller::cli(),
                &agency::AgencyInput {
                    full_name: "广州市体育局（广州市体育总会）".into(),
                    short_name: "市体育局".into(),
                    supervisor: "广州市政务公开办公室".into(),
                    version: 1,
                },
            )
        })
        .expect("edit");
    assert_eq!(edited.version, 2);
    assert_eq!(
        seed("另一个名称"),
        Seeded::Kept("广州市体育局（广州市体育总会）".to_string())
    );
    let mut conn = app.db.get().expect("connection");
    let now = agency::get(&mut conn, &Caller::cli()).expect("read");
    assert_eq!(now.full_name, "广州市体育局（广州市体育总会）");
    assert_eq!(now.short_name, "市体育局");
    assert_eq!(now.version, 2);
    // The first start's record is in the trail under its own name.
    let trail = workplan::service::trail::page(
        &mut conn,
        &Caller::cli(),
        &workplan::service::trail::AuditFilter {
            entity: Some("agency".into()),
            ..Default::default()
        },
        1,
    )
    .expect("trail");
    let text = format!("{trail:?}");
    assert!(text.contains("首次启动时设置机关名称"), "{text}");
}

/// Imports the sample plan under `title` (the sample's own title names the agency already).
fn import_sample_titled(app: &TestApp, year: i32, title: &str) -> i64 {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("imports/guangzhou-sports-2021-division-plan.xlsx");
    let bytes = std::fs::read(&path).expect("sample workbook");
    let mut draft = workplan::import::read_plan(
        &bytes,
        "guangzhou-sports-2021-division-plan.xlsx",
        &workplan::import::ImportOptions::for_year(year),
    )
    .expect("sample parses");
    draft.title = Some(title.to_string());
    let sha = workplan::service::imports::file_hash(&bytes);
    let plan = app
        .db
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
        .expect("sample commits");
    i64::from(plan.id)
}

async fn every_title_and_file_name_carries_the_agency_once_it_is_set(app: TestApp) {
    for d in ["办公室", "体育产业处", "计划财务处"] {
        app.division(d);
    }
    let fg = app.division("法规宣传处");
    app.user("office", Role::Office, None);
    app.user("fg", Role::Division, Some(fg));
    let plan = import_sample_titled(&app, 2021, PLAN);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let fg_t = login(&svc, "fg").await;
    let due = (chrono::Local::now().date_naive() + chrono::Days::new(30)).to_string();
    let opened = send(
        &svc,
        authed(
            TestRequest::post().uri(&format!("/api/v1/plans/{plan}/periods")),
            &office,
        )
        .set_json(json!({"period": "2021-Q1", "due_on": due})),
    )
    .await;
    assert!(opened.status.is_success(), "{}", opened.body);
    let tables = send(
        &svc,
        authed(
            TestRequest::put().uri(&format!("/api/v1/plans/{plan}/annual-report/tables")),
            &office,
        )
        .set_json(crate::annual_report::consistent()),
    )
    .await;
    assert_eq!(tables.status, StatusCode::OK, "{}", tables.body);
    let ledger_uri = format!("/api/v1/plans/{plan}/export/ledger.xlsx");
    let docx_uri = format!("/api/v1/plans/{plan}/export/annual-report.docx");

    // Not set: titles and names as they have always been, with no leading blank.
    let (name, bytes) = download(&svc, &office, &ledger_uri).await;
    assert!(name.starts_with(&format!("{PLAN}-工作台账-")), "{name}");
    assert_eq!(
        title_rows(&bytes, &["工作台账"]),
        [format!("{PLAN} 工作台账")]
    );
    let (name, bytes) = download(&svc, &office, &docx_uri).await;
    assert!(
        name.starts_with("2021年政府信息公开工作年度报告-草稿-"),
        "{name}"
    );
    assert_eq!(docx_paragraphs(&bytes)[0], "2021年政府信息公开工作年度报告");

    let set = send(
        &svc,
        put_agency(
            &office,
            json!({"full_name": AGENCY, "short_name": "市体育局", "version": 0}),
        ),
    )
    .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    let headed = format!("{AGENCY}{PLAN}");

    // The annual report: its title on the page, in the API, in the Word document (first
    // paragraph and document title) and in the file name.
    let report = send(
        &svc,
        get(&office, &format!("/api/v1/plans/{plan}/annual-report")),
    )
    .await;
    assert_eq!(
        report.json()["title"],
        format!("{AGENCY}2021年政府信息公开工作年度报告")
    );
    let (name, bytes) = download(&svc, &office, &docx_uri).await;
    assert!(
        name.starts_with(&format!("{AGENCY}2021年政府信息公开工作年度报告-草稿-"))
            && name.ends_with(".docx"),
        "{name}"
    );
    assert_eq!(
        docx_paragraphs(&bytes)[0],
        format!("{AGENCY}2021年政府信息公开工作年度报告")
    );
    let (name, bytes) = download(
        &svc,
        &office,
        &format!("/api/v1/plans/{plan}/export/annual-report.xlsx"),
    )
    .await;
    assert!(
        name.starts_with(&format!("{AGENCY}2021年")) && name.ends_with(".xlsx"),
        "{name}"
    );
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("xlsx");
    let sheets = wb.sheet_names().to_vec();
    assert!(!sheets.is_empty());
    for s in sheets {
        let r = wb.worksheet_range(&s).expect("sheet");
        assert_eq!(
            r.get((0, 0)).map(|d| d.to_string()).unwrap_or_default(),
            format!("{AGENCY}2021年政府信息公开工作年度报告"),
            "sheet {s}"
        );
    }

    // Each plan workbook: the title row of every sheet and the file name.
    let workbooks: [(&str, &str, &[&str], &[&str]); 3] = [
        ("ledger", "工作台账", &["工作台账"], &["工作台账"]),
        ("summary", "处室汇总", &["处室汇总"], &["处室汇总"]),
        (
            "evaluation",
            "年度考核",
            &["考核结论", "处室得分", "考核意见", "落实情况"],
            &["年度考核", "各处室考核得分", "考核意见", "落实情况"],
        ),
    ];
    for (kind, label, sheets, titles) in workbooks {
        let (name, bytes) = download(
            &svc,
            &office,
            &format!("/api/v1/plans/{plan}/export/{kind}.xlsx"),
        )
        .await;
        assert!(
            name.starts_with(&format!("{headed}-{label}-")),
            "{kind}: {name}"
        );
        let rows = title_rows(&bytes, sheets);
        for (row, title) in rows.iter().zip(titles.iter()) {
            assert!(
                row.starts_with(&headed) && row.ends_with(title),
                "{kind}: {row}"
            );
        }
    }

    let (name, bytes) = download(
        &svc,
        &office,
        &format!("/api/v1/plans/{plan}/export/bulletin.xlsx?period=2021-Q1"),
    )
    .await;
    assert!(
        name.starts_with(&format!("{headed}-2021年第一季度情况通报-")),
        "{name}"
    );
    assert_eq!(
        title_rows(&bytes, &["情况通报"]),
        [format!("{headed} 2021年第一季度 推进情况通报")]
    );

    let (name, bytes) = download(
        &svc,
        &fg_t,
        &format!("/api/v1/plans/{plan}/export/progress.xlsx?period=2021-Q1"),
    )
    .await;
    assert!(
        name.starts_with(&format!("{headed}-法规宣传处-2021-Q1-离线填报-")),
        "{name}"
    );
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("xlsx");
    let first = wb.sheet_names()[0].clone();
    let fill_in = wb.worksheet_range(&first).expect("fill-in sheet");
    assert_eq!(
        fill_in
            .get((0, 0))
            .map(|d| d.to_string())
            .unwrap_or_default(),
        format!("{headed} 法规宣传处 2021-Q1 推进情况填报")
    );

    // Review-back into next year's plan: the result's title names the checked plan, its
    // file the plan it went into, both headed by the agency.
    let next = send(
        &svc,
        authed(TestRequest::post().uri("/api/v1/plans"), &office)
            .set_json(json!({"year": 2022, "title": NEXT_PLAN})),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("next plan");
    let rb = send(
        &svc,
        authed(
            TestRequest::post().uri(&format!("/api/v1/plans/{next}/review-back")),
            &office,
        )
        .set_json(json!({"from_plan": plan})),
    )
    .await;
    assert_eq!(rb.status, StatusCode::CREATED, "{}", rb.body);
    let (name, bytes) = download(
        &svc,
        &office,
        &format!("/api/v1/plans/{next}/export/review-back.xlsx"),
    )
    .await;
    assert!(
        name.starts_with(&format!("{AGENCY}{NEXT_PLAN}-回头看结果-")),
        "{name}"
    );
    assert_eq!(
        title_rows(&bytes, &["回头看结果"]),
        [format!("{headed} 回头看结果")]
    );
}

/// A plan whose own title already names the agency is not named twice.
async fn a_title_that_names_the_agency_is_not_headed_twice(app: TestApp) {
    for d in ["办公室", "体育产业处", "计划财务处", "法规宣传处"] {
        app.division(d);
    }
    app.user("office", Role::Office, None);
    let plan = app.import_sample(2021);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let set = send(
        &svc,
        put_agency(&office, json!({"full_name": AGENCY, "version": 0})),
    )
    .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    let (name, bytes) = download(
        &svc,
        &office,
        &format!("/api/v1/plans/{plan}/export/ledger.xlsx"),
    )
    .await;
    let own = "广州市体育局2021年政务公开工作要点具体分工方案";
    assert!(name.starts_with(&format!("{own}-工作台账-")), "{name}");
    assert_eq!(
        title_rows(&bytes, &["工作台账"]),
        [format!("{own} 工作台账")]
    );
}

crate::on_both_backends!(
    the_office_names_the_agency_through_the_api,
    the_admin_form_sets_the_agency_and_keeps_a_refused_input,
    the_first_start_records_the_configured_name_and_never_overwrites_an_edit,
    every_title_and_file_name_carries_the_agency_once_it_is_set,
    a_title_that_names_the_agency_is_not_headed_twice,
);

/// The command line: the first start records WORKPLAN_AGENCY_NAME, `agency set` changes
/// it, and a later start with another name leaves the saved one alone.
#[test]
fn the_command_line_records_the_configured_name_once_and_sets_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |args: &[&str], name: Option<&str>| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_workplan"));
        c.current_dir(dir.path());
        for (k, _) in std::env::vars() {
            if k.starts_with("WORKPLAN_") {
                c.env_remove(k);
            }
        }
        c.env("WORKPLAN_LOG", "warn").args(args);
        if let Some(n) = name {
            c.env("WORKPLAN_AGENCY_NAME", n);
        }
        let out = c.output().expect("run workplan");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let shown = run(&["agency", "show"], None);
    assert!(shown.contains("尚未设置机关名称"), "{shown}");
    assert!(shown.contains("系统管理 → 机关信息"), "{shown}");
    let shown = run(&["agency", "show"], Some(AGENCY));
    assert!(shown.contains(&format!("机关全称：{AGENCY}")), "{shown}");
    assert!(shown.contains("机关简称：（未填写）"), "{shown}");
    let set = run(
        &[
            "agency",
            "set",
            "--short",
            "市体育局",
            "--supervisor",
            "广州市政务公开办公室",
        ],
        None,
    );
    assert!(set.contains(&format!("机关全称：{AGENCY}")), "{set}");
    assert!(set.contains("机关简称：市体育局"), "{set}");
    let later = run(&["agency", "show"], Some("另一个名称"));
    assert!(later.contains(&format!("机关全称：{AGENCY}")), "{later}");
    assert!(
        later.contains("政务公开办：广州市政务公开办公室"),
        "{later}"
    );
}
