//! Every export of the sample plan, rendered by LibreOffice to PDF and read back as the office
//! would look at it before handing it in: the agency in the title, page numbers on every page
//! of a workbook, every item's task whole in the ledger (no cell cuts a row short), the chart
//! drawn, the Chinese quarter and 合计 in the bulletin. The PDFs and a PNG of each page stay in
//! `target/tmp/rendered/` for a reviewer to look at.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::evaluation::reported;
use crate::helpers::*;
use crate::office::{converts_to_pdf, pdf_words};
use workplan::domain::role::Role;

const AGENCY: &str = "广州市体育局";

fn get(token: &str, uri: &str) -> TestRequest {
    authed(TestRequest::get().uri(uri), token)
}

fn post(token: &str, uri: &str, body: Value) -> TestRequest {
    authed(TestRequest::post().uri(uri), token).set_json(body)
}

async fn download<S>(svc: &S, token: &str, uri: &str) -> Vec<u8>
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let resp = actix_web::test::call_service(svc, get(token, uri).to_request()).await;
    assert_eq!(resp.status(), StatusCode::OK, "{uri}");
    actix_web::test::read_body(resp).await.to_vec()
}

/// A PDF's text page by page, spaces dropped (CJK words split anywhere).
fn pages_of(pdf: &[u8]) -> Option<Vec<String>> {
    let words = pdf_words(pdf)?;
    let mut pages: BTreeMap<usize, String> = BTreeMap::new();
    for w in words {
        pages.entry(w.page).or_default().push_str(&w.text);
    }
    Some(pages.into_values().collect())
}

/// Keeps the PDF and a PNG of each page in target/tmp/rendered/ for a reviewer.
fn keep(name: &str, pdf: &[u8]) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tmp/rendered");
    std::fs::create_dir_all(&dir).expect("rendered dir");
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).expect("write pdf");
    if std::path::Path::new("/usr/bin/pdftoppm").exists() {
        let status = std::process::Command::new("/usr/bin/pdftoppm")
            .args(["-png", "-r", "60"])
            .arg(&path)
            .arg(dir.join(name))
            .status()
            .expect("run pdftoppm");
        assert!(status.success(), "pdftoppm {name}");
    }
}

/// The first sheet's page set-up of a workbook, as written.
fn page_setup(xlsx: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(xlsx.to_vec())).expect("xlsx zip");
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .expect("sheet1")
        .read_to_string(&mut xml)
        .expect("read");
    xml.split("<pageSetup")
        .nth(1)
        .and_then(|s| s.split("/>").next())
        .unwrap_or_default()
        .to_string()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[actix_web::test]
async fn every_export_of_the_sample_plan_renders_as_the_office_hands_it_in() {
    let app = TestApp::sqlite().await;
    let cw = app.division("计划财务处");
    let fg = app.division("法规宣传处");
    app.division("办公室");
    app.division("体育产业处");
    app.user("office", Role::Office, None);
    app.user("cw", Role::Division, Some(cw));
    app.user("fg", Role::Division, Some(fg));
    let plan = app.import_sample(2021);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let cw_t = login(&svc, "cw").await;
    let fg_t = login(&svc, "fg").await;
    let set = send(
        &svc,
        authed(TestRequest::put().uri("/api/v1/agency"), &office).set_json(json!({
            "full_name": AGENCY, "short_name": "市体育局",
            "supervisor": "广州市政务公开办公室", "version": 0
        })),
    )
    .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    let p = send(
        &svc,
        post(
            &office,
            &format!("/api/v1/plans/{plan}/periods"),
            json!({"period": "2021-Q1", "due_on": "2021-04-10"}),
        ),
    )
    .await;
    assert!(p.status.is_success(), "{}", p.body);
    let items = send(&svc, get(&office, &format!("/api/v1/plans/{plan}/items"))).await;
    let items = items.json();
    let id = |n: &str| {
        items
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["number"] == n)
            .and_then(|i| i["id"].as_i64())
            .expect("item")
    };
    reported(
        &svc,
        &office,
        &cw_t,
        id("40"),
        "2021-Q1",
        false,
        Some("https://tyj.gz.gov.cn/zwgk/"),
    )
    .await;
    reported(&svc, &office, &fg_t, id("1"), "2021-Q1", true, None).await;

    let base = format!("/api/v1/plans/{plan}/export");
    let exports = [
        ("ledger", format!("{base}/ledger.xlsx")),
        ("summary", format!("{base}/summary.xlsx")),
        ("evaluation", format!("{base}/evaluation.xlsx")),
        ("bulletin", format!("{base}/bulletin.xlsx?period=2021-Q1")),
        ("annual-report", format!("{base}/annual-report.docx")),
        ("annual-report-tables", format!("{base}/annual-report.xlsx")),
    ];
    for (name, uri) in &exports {
        let bytes = download(&svc, &office, uri).await;
        let ext = if name == &"annual-report" {
            "docx"
        } else {
            "xlsx"
        };
        let Some(pdf) = converts_to_pdf(&bytes, &format!("{name}.{ext}")) else {
            return; // LibreOffice not installed: said on stderr (required in CI)
        };
        keep(name, &pdf);
        let Some(pages) = pages_of(&pdf) else {
            return;
        };
        let all = pages.concat();
        assert!(!pages.is_empty(), "{name}: no page");
        assert!(all.contains(AGENCY), "{name}: the agency in the title");
        if ext == "xlsx" && name != &"annual-report-tables" {
            // Every printed page of a workbook is numbered 第 N 页 共 M 页.
            for (k, page) in pages.iter().enumerate() {
                let want = format!("第{}页共", k + 1);
                assert!(page.contains(&want), "{name} page {}: {want}", k + 1);
            }
        }
        match *name {
            "ledger" => {
                let setup = page_setup(&bytes);
                assert!(
                    setup.contains("orientation=\"landscape\"")
                        && setup.contains("paperSize=\"9\""),
                    "{setup}"
                );
                // Printed at 70% or more: an explicit scale, or one page wide that LibreOffice
                // then shrinks — the text must still be whole (below).
                if let Some(scale) = setup
                    .split("scale=\"")
                    .nth(1)
                    .and_then(|s| s.split('"').next())
                    .and_then(|s| s.parse::<u32>().ok())
                {
                    assert!(scale >= 70, "ledger printed at {scale}%");
                }
                let printed = squeeze(&all);
                for i in items.as_array().expect("items") {
                    let task = squeeze(i["task"].as_str().expect("task"));
                    assert!(
                        printed.contains(&task),
                        "ledger: item {} printed whole: {task}",
                        i["number"]
                    );
                }
                assert!(all.contains("序号"), "ledger: 序号");
            }
            "summary" => {
                assert!(all.contains("各处室事项完成情况"), "summary: the chart");
                assert!(all.contains("合计"), "summary: 合计");
            }
            "evaluation" => assert!(all.contains("考核结论"), "evaluation"),
            "bulletin" => {
                assert!(
                    all.contains("2021年第一季度"),
                    "bulletin: the quarter in Chinese"
                );
                assert!(
                    !all.contains("2021-Q1"),
                    "bulletin: no code for the quarter"
                );
                assert!(all.contains("合计"), "bulletin: 合计");
                assert_eq!(pages.len(), 1, "bulletin: one page");
            }
            "annual-report" => assert!(
                all.contains(&format!("{AGENCY}2021年政府信息公开工作年度报告")),
                "annual report title"
            ),
            _ => {}
        }
    }
}
