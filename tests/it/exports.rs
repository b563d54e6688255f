//! The workbooks through the API: each downloads with a Chinese file name, reads back
//! through calamine with what a user would look for, and opens in LibreOffice; the offline
//! progress workbook goes out, is filled in, and comes back as draft reports.

use std::io::{Cursor, Read, Write};

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use calamine::{Data, Range, Reader, Xlsx};
use serde_json::json;

use crate::helpers::*;
use crate::office::{opens_in_libreoffice, resaved_by_libreoffice};
use workplan::domain::role::Role;

fn get(token: &str, uri: &str) -> TestRequest {
    authed(TestRequest::get().uri(uri), token)
}

fn sheet(bytes: &[u8], name: &str) -> Range<Data> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an xlsx workbook");
    wb.worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"))
}

fn text(r: &Range<Data>, row: usize, col: usize) -> String {
    r.get((row, col)).map(|d| d.to_string()).unwrap_or_default()
}

fn row_texts(r: &Range<Data>, row: usize) -> Vec<String> {
    (0..r.width()).map(|c| text(r, row, c)).collect()
}

/// The sample plan with one accepted report (and a web link) on item 1 in 2021-Q1.
async fn plan_with_a_report<S>(app: &TestApp, svc: &S) -> (i64, String, String, i32)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    for d in ["办公室", "体育产业处"] {
        app.division(d);
    }
    let cw = app.division("计划财务处");
    app.user("cw", Role::Division, Some(cw));
    let fg = app.division("法规宣传处");
    app.user("office", Role::Office, None);
    app.user("fg", Role::Division, Some(fg));
    let plan = i64::from(app.import_sample(2021));
    let office = login(svc, "office").await;
    let fg_t = login(svc, "fg").await;
    let due = (chrono::Local::now().date_naive() + chrono::Days::new(30)).to_string();
    let p = send(
        svc,
        authed(
            TestRequest::post().uri(&format!("/api/v1/plans/{plan}/periods")),
            &office,
        )
        .set_json(json!({"period": "2021-Q1", "due_on": due})),
    )
    .await;
    assert!(p.status.is_success(), "{}", p.body);
    let items = send(svc, get(&office, &format!("/api/v1/plans/{plan}/items"))).await;
    let item1 = items
        .json()
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["number"] == "1")
        .and_then(|i| i["id"].as_i64())
        .expect("item 1");
    let post = |t: &str, uri: String, body: serde_json::Value| {
        authed(TestRequest::post().uri(&uri), t).set_json(body)
    };
    let r = send(
        svc,
        post(
            &fg_t,
            format!("/api/v1/items/{item1}/reports"),
            json!({"period": "2021-Q1", "summary": "已在门户网站发布政策解读3篇"}),
        ),
    )
    .await
    .json();
    let rid = r["id"].as_i64().expect("report");
    let e = send(
        svc,
        post(
            &fg_t,
            format!("/api/v1/reports/{rid}/evidence"),
            json!({"url": "https://tyj.gz.gov.cn/zwgk/", "title": "政务公开专栏"}),
        ),
    )
    .await;
    assert!(e.status.is_success(), "{}", e.body);
    let s = send(
        svc,
        post(
            &fg_t,
            format!("/api/v1/reports/{rid}/submit"),
            json!({"version": r["version"]}),
        ),
    )
    .await;
    assert!(s.status.is_success(), "{}", s.body);
    let a = send(
        svc,
        post(
            &office,
            format!("/api/v1/reports/{rid}/review"),
            json!({"decision": "accept", "version": s.json()["version"]}),
        ),
    )
    .await;
    assert!(a.status.is_success(), "{}", a.body);
    (plan, office, fg_t, fg)
}

/// Runs the review-back of `plan` into a new 2022 plan; the new plan's id.
async fn reviewed_back_into_next_year<S>(svc: &S, office: &str, plan: i64) -> i64
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let next = send(
        svc,
        authed(TestRequest::post().uri("/api/v1/plans"), office)
            .set_json(json!({"year": 2022, "title": "2022年分工方案"})),
    )
    .await
    .json();
    let next_id = next["id"].as_i64().expect("plan");
    let rb = send(
        svc,
        authed(
            TestRequest::post().uri(&format!("/api/v1/plans/{next_id}/review-back")),
            office,
        )
        .set_json(json!({"from_plan": plan})),
    )
    .await;
    assert_eq!(rb.status, StatusCode::CREATED, "{}", rb.body);
    next_id
}

/// Downloads a workbook and checks it is one, named in Chinese.
async fn download<S>(svc: &S, token: &str, plan: i64, kind: &str, name_part: &str) -> Vec<u8>
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let req = get(token, &format!("/api/v1/plans/{plan}/export/{kind}.xlsx")).to_request();
    let resp = actix_web::test::call_service(svc, req).await;
    assert_eq!(resp.status(), StatusCode::OK, "{kind}");
    let disposition = resp
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let encoded: String = name_part.bytes().map(|b| format!("%{b:02X}")).collect();
    assert!(
        disposition.contains("filename*=UTF-8''") && disposition.contains(&encoded),
        "{kind}: {disposition}"
    );
    actix_web::test::read_body(resp).await.to_vec()
}

async fn every_plan_workbook_reads_back_with_its_contents(app: TestApp) {
    let svc = app.service().await;
    let (plan, office, fg_t, _) = plan_with_a_report(&app, &svc).await;

    // The ledger's detail: the plan's own headers as imported (序号 first, since this plan
    // writes its numbers inside the text), then status, dates, the quarter's accepted
    // progress and the evidence. The printed first sheet is checked in
    // the_ledger_prints_with_numbers_parts_links_and_page_numbers.
    let ledger = download(&svc, &fg_t, plan, "ledger", "工作台账").await;
    let l = sheet(&ledger, "台账明细");
    let header = row_texts(&l, 2);
    assert_eq!(header[..2], ["所属部分", "序号"]);
    for h in [
        "所属部分",
        "工作任务",
        "具体要求",
        "责任处室",
        "完成时限",
        "时限状态",
        "2021年第一季度推进情况",
        "佐证材料",
    ] {
        assert!(
            header.iter().any(|x| x == h),
            "ledger header {h} in {header:?}"
        );
    }
    assert_eq!(
        l.height(),
        3 + 32,
        "title, subtitle, header and the 32 items"
    );
    let progress_col = header
        .iter()
        .position(|h| h == "2021年第一季度推进情况")
        .expect("col");
    let row1 = (3..l.height())
        .find(|r| text(&l, *r, progress_col) == "已在门户网站发布政策解读3篇")
        .expect("item 1's accepted progress");
    assert!(
        row_texts(&l, row1)
            .iter()
            .any(|c| c.contains("政务公开专栏")),
        "evidence named"
    );
    let deadline_col = header
        .iter()
        .position(|h| h == "完成时限")
        .expect("deadline col");
    assert!(
        (3..l.height()).any(|r| text(&l, r, deadline_col) == "全年"),
        "the deadline as the plan wrote it"
    );

    // The division summary: a line per division and a native chart.
    let summary = download(&svc, &office, plan, "summary", "处室汇总").await;
    let s = sheet(&summary, "处室汇总");
    let fg_row = (3..s.height())
        .find(|r| text(&s, *r, 0) == "法规宣传处")
        .expect("法规宣传处 line");
    assert_eq!(text(&s, fg_row, 1), "18", "items it leads");
    let mut zip = zip::ZipArchive::new(Cursor::new(summary.clone())).expect("zip");
    assert!(
        zip.by_name("xl/charts/chart1.xml").is_ok(),
        "a native chart"
    );

    // The evaluation: verdicts, scores and the summary text.
    let evaluation = download(&svc, &office, plan, "evaluation", "年度考核").await;
    assert_eq!(sheet(&evaluation, "考核结论").height(), 3 + 32);
    let scores = sheet(&evaluation, "处室得分");
    assert!((3..scores.height()).any(|r| text(&scores, r, 0) == "法规宣传处"));
    let text_sheet = sheet(&evaluation, "落实情况");
    assert!(
        (3..text_sheet.height()).any(|r| text(&text_sheet, r, 0).contains("共部署工作任务32项")),
        "the annual-report summary text"
    );

    // Review-back: none yet (a clear 422), then the result of one.
    let none = send(
        &svc,
        get(
            &office,
            &format!("/api/v1/plans/{plan}/export/review-back.xlsx"),
        ),
    )
    .await;
    assert_eq!(
        none.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        none.body
    );
    assert!(none.body.contains("回头看"), "{}", none.body);
    let next_id = reviewed_back_into_next_year(&svc, &office, plan).await;
    let review = download(&svc, &office, next_id, "review-back", "回头看结果").await;
    let r = sheet(&review, "回头看结果");
    assert_eq!(r.height(), 3 + 22, "one row per checked item");
    assert!(row_texts(&r, 2).iter().any(|h| h == "整改事项"));
    assert!((3..r.height()).any(|row| text(&r, row, 9) == "整改1"));

    let unknown = send(
        &svc,
        get(
            &office,
            &format!("/api/v1/plans/{plan}/export/nonsense.xlsx"),
        ),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

/// What Excel saves after the user types into cells of the fill-in sheet: the named cells
/// become inline strings, everything else stays as written.
fn typed_in(bytes: &[u8], edits: &[(String, &str)]) -> Vec<u8> {
    let mut zin = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).expect("entry");
        let name = f.name().expect("entry name").to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).expect("read");
        if name == "xl/worksheets/sheet1.xml" {
            let mut xml = String::from_utf8(data).expect("utf8");
            for (cell, value) in edits {
                let open = format!("<c r=\"{cell}\"");
                let start = xml.find(&open).unwrap_or_else(|| panic!("cell {cell}"));
                let tag_end = start + xml[start..].find('>').expect("tag end");
                let end = if xml.as_bytes()[tag_end - 1] == b'/' {
                    tag_end + 1
                } else {
                    tag_end + xml[tag_end..].find("</c>").expect("cell end") + 4
                };
                let style = xml[start..tag_end]
                    .split_once(" s=\"")
                    .and_then(|(_, s)| s.split_once('"'))
                    .map(|(s, _)| format!(" s=\"{s}\""))
                    .unwrap_or_default();
                xml = format!(
                    "{}<c r=\"{cell}\"{style} t=\"inlineStr\"><is><t>{value}</t></is></c>{}",
                    &xml[..start],
                    &xml[end..]
                );
            }
            data = xml.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start");
        out.write_all(&data).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

fn upload(token: &str, plan: i64, bytes: &[u8]) -> TestRequest {
    upload_file(
        &format!("/api/v1/plans/{plan}/progress-upload"),
        token,
        "填报.xlsx",
        bytes,
    )
}

/// The outcome of sheet row `r` (0-based) in an offline upload's answer.
fn outcome_in(result: &serde_json::Value, r: usize) -> serde_json::Value {
    result["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|x| x["row"] == (r + 1) as i64)
        .cloned()
        .unwrap_or_else(|| panic!("row {} in {result}", r + 1))
}

async fn the_offline_progress_workbook_round_trips_into_draft_reports(app: TestApp) {
    let svc = app.service().await;
    let (plan, office, fg_t, fg) = plan_with_a_report(&app, &svc).await;
    let cw_t = login(&svc, "cw").await;

    // A 1 KB workbook with one cell in the far corner would have the reader ask for half
    // a terabyte and abort the server: refused with a message instead.
    let far = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/import/far-corner-cell.xlsx"
    ))
    .expect("fixture");
    let refused = send(&svc, upload(&fg_t, plan, &far)).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("单元格铺满"), "{}", refused.body);

    let out = send(
        &svc,
        get(
            &fg_t,
            &format!("/api/v1/plans/{plan}/export/progress.xlsx?period=2021-Q1"),
        ),
    )
    .await;
    assert_eq!(out.status, StatusCode::OK, "{}", out.body);
    let req = get(
        &fg_t,
        &format!("/api/v1/plans/{plan}/export/progress.xlsx?period=2021-Q1"),
    )
    .to_request();
    let bytes = actix_web::test::read_body(actix_web::test::call_service(&svc, req).await)
        .await
        .to_vec();
    let s = sheet(&bytes, "推进情况填报");
    let header = row_texts(&s, 2);
    assert!(
        header.iter().any(|h| h == "本期推进情况") && header.iter().any(|h| h == "是否办结"),
        "{header:?}"
    );
    let rows: Vec<usize> = (3..s.height())
        .filter(|r| !text(&s, *r, 0).is_empty())
        .collect();
    assert_eq!(rows.len(), 18, "the items 法规宣传处 leads");
    // Another division may not take 法规宣传处's workbook.
    let other = send(
        &svc,
        get(
            &cw_t,
            &format!(
                "/api/v1/plans/{plan}/export/progress.xlsx?period=2021-Q1&division={}",
                fg
            ),
        ),
    )
    .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);

    // Fill in: the first item's accepted report cannot change; two others get progress,
    // one of them done; one row has a bad 是否办结.
    let find = |number: &str| {
        rows.iter()
            .copied()
            .find(|r| text(&s, *r, 1) == number)
            .unwrap_or_else(|| panic!("row of item {number}"))
    };
    let (r1, r16, r23, r24) = (find("1"), find("16"), find("23"), find("24"));
    let cell = |col: char, r: usize| format!("{col}{}", r + 1);
    let filled = typed_in(
        &bytes,
        &[
            (cell('G', r1), "想改已通过的报告"),
            (cell('G', r16), "第一季度发布解读材料2篇"),
            (cell('G', r23), "已完成政策文件清理并公布"),
            (cell('H', r23), "是"),
            (cell('G', r24), "有进展"),
            (cell('H', r24), "也许"),
        ],
    );
    // As saved again by a spreadsheet program (LibreOffice, when installed).
    let filled = resaved_by_libreoffice(&filled, "填报.xlsx").unwrap_or(filled);

    assert_eq!(
        send(&svc, upload(&cw_t, plan, &filled)).await.status,
        StatusCode::FORBIDDEN
    );
    let not_ours = send(&svc, upload(&fg_t, plan, b"just text, not a workbook")).await;
    assert_eq!(
        not_ours.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        not_ours.body
    );
    let taken = send(&svc, upload(&fg_t, plan, &filled)).await;
    assert_eq!(taken.status, StatusCode::OK, "{}", taken.body);
    let result = taken.json();
    assert_eq!(result["taken"], 2, "{result}");
    let outcome = |r: usize| {
        result["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|x| x["row"] == (r + 1) as i64)
            .cloned()
            .unwrap_or_else(|| panic!("row {} in {result}", r + 1))
    };
    assert_eq!(outcome(r16)["taken"], true);
    assert_eq!(outcome(r23)["taken"], true);
    assert_eq!(outcome(r1)["taken"], false);
    assert!(
        outcome(r1)["message"]
            .as_str()
            .unwrap_or_default()
            .contains("不能再修改"),
        "{}",
        outcome(r1)
    );
    assert!(
        outcome(r24)["message"]
            .as_str()
            .unwrap_or_default()
            .contains(&format!("第{}行", r24 + 1)),
        "{}",
        outcome(r24)
    );

    // The drafts are there, as the division typed them.
    let id_of = |r: usize| text(&s, r, 0).parse::<i32>().expect("item id");
    let drafts = app
        .db
        .write_blocking(|c| -> Result<_, workplan::error::AppError> {
            Ok((
                workplan::db::queries::reports::for_item(c, id_of(r16))?,
                workplan::db::queries::reports::for_item(c, id_of(r23))?,
                workplan::db::queries::reports::for_item(c, id_of(r24))?,
            ))
        })
        .expect("reports");
    assert_eq!(drafts.0.len(), 1);
    assert_eq!(
        (drafts.0[0].state.as_str(), drafts.0[0].summary.as_str()),
        ("draft", "第一季度发布解读材料2篇")
    );
    assert!(!drafts.0[0].completes_item);
    assert_eq!(drafts.1[0].summary, "已完成政策文件清理并公布");
    assert!(drafts.1[0].completes_item);
    assert!(drafts.2.is_empty(), "the row with a problem wrote nothing");

    // The same file again was made before those drafts existed: it names no report version
    // for them, so it overwrites nothing. A fresh download carries the versions.
    let again = send(&svc, upload(&fg_t, plan, &filled)).await.json();
    assert_eq!(again["taken"], 0, "{again}");
    let req = get(
        &fg_t,
        &format!("/api/v1/plans/{plan}/export/progress.xlsx?period=2021-Q1"),
    )
    .to_request();
    let fresh = actix_web::test::read_body(actix_web::test::call_service(&svc, req).await)
        .await
        .to_vec();
    let fresh_sheet = sheet(&fresh, "推进情况填报");
    assert_eq!(
        text(&fresh_sheet, r16, 9),
        "1",
        "the draft's version is in the file"
    );
    assert_eq!(text(&fresh_sheet, r16, 8), "草稿");
    // Item 1's report is accepted: its row shows the text, marked and not offered again.
    assert_eq!(text(&fresh_sheet, r1, 8), "已通过，不再填报");
    assert_eq!(text(&fresh_sheet, r1, 6), "已在门户网站发布政策解读3篇");
    let edited = typed_in(&fresh, &[(cell('G', r16), "第一季度发布解读材料3篇")]);
    let taken = send(&svc, upload(&fg_t, plan, &edited)).await.json();
    assert_eq!(outcome_in(&taken, r16)["taken"], true, "{taken}");
    assert_eq!(outcome_in(&taken, r1)["taken"], false, "{taken}");
    assert_eq!(
        outcome_in(&taken, r1)["message"],
        "本期报告已通过，不再填报，该行未导入",
        "the locked row comes back as it went out, not as a refusal"
    );
    let now = app
        .db
        .write_blocking(|c| -> Result<_, workplan::error::AppError> {
            Ok(workplan::db::queries::reports::for_item(c, id_of(r16))?)
        })
        .expect("report");
    assert_eq!(now[0].summary, "第一季度发布解读材料3篇");
    // The office cannot upload on a division's behalf either (the drafts are the division's).
    assert_eq!(
        send(&svc, upload(&office, plan, &filled)).await.status,
        StatusCode::FORBIDDEN
    );
}

/// The id of the item numbered `number` in the plan.
async fn item_numbered<S>(svc: &S, token: &str, plan: i64, number: &str) -> i64
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    send(svc, get(token, &format!("/api/v1/plans/{plan}/items")))
        .await
        .json()
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["number"] == number)
        .and_then(|i| i["id"].as_i64())
        .unwrap_or_else(|| panic!("item {number}"))
}

/// The text of a worksheet's XML part inside the workbook.
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("zip");
    let mut xml = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("{name}"))
        .read_to_string(&mut xml)
        .expect("read");
    xml
}

/// The height a row of a sheet's XML was given, in points.
fn row_height(xml: &str, excel_row: usize) -> f64 {
    let start = xml
        .find(&format!("<row r=\"{excel_row}\""))
        .unwrap_or_else(|| panic!("row {excel_row}"));
    let tag = &xml[start..start + xml[start..].find('>').expect("tag")];
    tag.split(" ht=\"")
        .nth(1)
        .and_then(|h| h.split('"').next())
        .and_then(|h| h.parse().ok())
        .unwrap_or_else(|| panic!("no height on row {excel_row}: {tag}"))
}

const LONG_PROGRESS: &str = "第一季度围绕重大政策发布解读开展了以下工作：一是在局门户网站开设政策解读专栏，发布《广州市体育局关于促进体育消费的若干措施》等重要政策的图文解读、问答解读共6篇；二是组织政策起草处室负责同志参加在线访谈2次，现场回应网民关切问题31个；三是会同办公室对解读材料逐篇审核，确保解读与政策文件同步起草、同步审签、同步发布；四是建立解读材料台账，按月统计浏览量和留言回复情况，下一步将继续加强政策解读的针对性和可读性。";

/// The ledger as the office prints it: 序号, the supporting division's part and the web
/// link's address on the first sheet; A4 landscape one page wide, the header on every
/// page, page numbers in the footer; rows as tall as their text; and, rendered by
/// LibreOffice, every word of a long row on the page at a readable size.
#[actix_web::test]
async fn the_ledger_prints_with_numbers_parts_links_and_page_numbers() {
    let app = TestApp::sqlite().await;
    let svc = app.service().await;
    let (plan, office, fg_t, _) = plan_with_a_report(&app, &svc).await;
    let bgs = app
        .db
        .write_blocking(|c| -> Result<_, workplan::error::AppError> {
            Ok(workplan::db::queries::divisions::list(c)?)
        })
        .expect("directory")
        .into_iter()
        .find(|d| d.name == "办公室")
        .expect("办公室")
        .id;
    app.user("bgs", Role::Division, Some(bgs));
    let bgs_t = login(&svc, "bgs").await;

    // Item 16: 法规宣传处 leads, 办公室 supports and writes its part; the lead's long report
    // is accepted.
    let item16 = item_numbered(&svc, &office, plan, "16").await;
    let written = send(
        &svc,
        authed(
            TestRequest::put().uri(&format!("/api/v1/items/{item16}/contributions/2021-Q1")),
            &bgs_t,
        )
        .set_json(json!({"text": "审核解读材料6篇，协调在线访谈2次。"})),
    )
    .await;
    assert_eq!(written.status, StatusCode::OK, "{}", written.body);
    let post = |t: &str, uri: String, body: serde_json::Value| {
        authed(TestRequest::post().uri(&uri), t).set_json(body)
    };
    let r = send(
        &svc,
        post(
            &fg_t,
            format!("/api/v1/items/{item16}/reports"),
            json!({"period": "2021-Q1", "summary": LONG_PROGRESS}),
        ),
    )
    .await
    .json();
    let rid = r["id"].as_i64().expect("report");
    let submitted = send(
        &svc,
        post(
            &fg_t,
            format!("/api/v1/reports/{rid}/submit"),
            json!({"version": r["version"]}),
        ),
    )
    .await
    .json();
    let accepted = send(
        &svc,
        post(
            &office,
            format!("/api/v1/reports/{rid}/review"),
            json!({"decision": "accept", "version": submitted["version"]}),
        ),
    )
    .await;
    assert!(accepted.status.is_success(), "{}", accepted.body);

    let bytes = download(&svc, &fg_t, plan, "ledger", "工作台账").await;
    let l = sheet(&bytes, "工作台账");
    let header = row_texts(&l, 2);
    assert_eq!(
        header,
        [
            "序号",
            "工作任务",
            "具体要求",
            "牵头处室",
            "配合处室",
            "完成时限",
            "时限状态",
            "推进情况",
            "配合处室落实情况",
            "佐证材料",
        ]
    );
    // 序号 as the plan numbers its items, though this plan wrote them inside the text.
    let numbers: Vec<String> = (3..l.height()).map(|r| text(&l, r, 0)).collect();
    assert_eq!(numbers.len(), 32);
    assert_eq!(&numbers[..3], ["1", "2", "5"]);
    let row_of = |n: &str| 3 + numbers.iter().position(|x| x == n).expect("row");
    let (r1, r16, r2) = (row_of("1"), row_of("16"), row_of("2"));
    assert_eq!(
        text(&l, r1, 7),
        "2021年第一季度：已在门户网站发布政策解读3篇"
    );
    assert_eq!(
        text(&l, r1, 9),
        "政务公开专栏（https://tyj.gz.gov.cn/zwgk/）",
        "the web link with its address"
    );
    assert_eq!(text(&l, r16, 7), format!("2021年第一季度：{LONG_PROGRESS}"));
    assert_eq!(
        text(&l, r16, 8),
        "2021年第一季度 办公室：审核解读材料6篇，协调在线访谈2次。"
    );
    assert!(text(&l, r16, 4).contains("办公室"), "supporting division");

    // Print settings as Excel reads them.
    let xml = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(xml.contains(r#"paperSize="9""#) && xml.contains(r#"orientation="landscape""#));
    assert!(xml.contains(r#"<pageSetUpPr fitToPage="1"/>"#) && xml.contains(r#"fitToHeight="0""#));
    assert!(xml.contains("<oddFooter>&amp;C第 &amp;P 页 共 &amp;N 页</oddFooter>"));
    assert!(
        part(&bytes, "xl/workbook.xml").contains("工作台账!$3:$3"),
        "header repeated"
    );
    assert!(part(&bytes, "xl/styles.xml").contains(r#"<name val="宋体"/>"#));
    // Rows grow with their text: item 16's long report against item 2's short lines.
    assert!(
        row_height(&xml, r16 + 1) > 2.0 * row_height(&xml, r2 + 1),
        "{} vs {}",
        row_height(&xml, r16 + 1),
        row_height(&xml, r2 + 1)
    );

    // As LibreOffice prints it.
    let Some(pdf) = crate::office::converts_to_pdf(&bytes, "工作台账.xlsx") else {
        return;
    };
    let Some(words) = crate::office::pdf_words(&pdf) else {
        return;
    };
    let page1: String = words
        .iter()
        .filter(|w| w.page == 0)
        .map(|w| w.text.as_str())
        .collect();
    assert!(
        page1.contains("工作台账") && page1.contains("序号"),
        "{page1}"
    );
    let compact = |s: &str| s.split_whitespace().collect::<String>();
    for (what, full) in [
        ("the first item's requirement", compact(&text(&l, r1, 2))),
        ("item 16's progress", compact(&text(&l, r16, 7))),
    ] {
        // The word the text starts with: its first printed line (or the part of it before
        // a space).
        let first = words
            .iter()
            .find(|w| w.text.chars().count() >= 6 && full.starts_with(&w.text))
            .unwrap_or_else(|| panic!("{what} printed"));
        let printed = crate::office::printed_column_from(&words, first);
        assert!(
            printed.starts_with(&full),
            "{what} printed whole:\n{full}\n{printed}"
        );
    }
    // Printed at 70% or more: a Chinese character of the 10.5pt body takes 10.5pt across at
    // 100%; measured on the body's runs of Chinese text (the smallest, so the body's size).
    let mut sizes: Vec<f64> = words
        .iter()
        .filter(|w| {
            w.page == 0 && w.text.chars().count() >= 8 && !w.text.contains(|c: char| c.is_ascii())
        })
        .map(|w| (w.x_max - w.x_min) / w.text.chars().count() as f64)
        .collect();
    sizes.sort_by(f64::total_cmp);
    let body = sizes.first().copied().expect("Chinese text on page 1");
    assert!(
        body >= 0.70 * 10.5,
        "printed at {:.0}%",
        body / 10.5 * 100.0
    );
}

#[actix_web::test]
async fn every_workbook_opens_in_libreoffice() {
    let app = TestApp::sqlite().await;
    let svc = app.service().await;
    let (plan, office, fg_t, _) = plan_with_a_report(&app, &svc).await;
    for (kind, label) in [
        ("ledger", "工作台账"),
        ("summary", "处室汇总"),
        ("evaluation", "年度考核"),
    ] {
        let bytes = download(&svc, &office, plan, kind, label).await;
        opens_in_libreoffice(&bytes, &format!("{kind}.xlsx"));
    }
    let req = get(
        &fg_t,
        &format!("/api/v1/plans/{plan}/export/progress.xlsx?period=2021-Q1"),
    )
    .to_request();
    let bytes = actix_web::test::read_body(actix_web::test::call_service(&svc, req).await)
        .await
        .to_vec();
    opens_in_libreoffice(&bytes, "progress.xlsx");
    let next_id = reviewed_back_into_next_year(&svc, &office, plan).await;
    let bytes = download(&svc, &office, next_id, "review-back", "回头看结果").await;
    opens_in_libreoffice(&bytes, "review-back.xlsx");

    // The pages offer every download; a division also gets the offline workbook's forms.
    let staff = crate::pages::session_of(&crate::pages::browser_login(&svc, "fg", PASSWORD).await);
    let page = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/export?plan={plan}"))
            .cookie(staff),
    )
    .await;
    for id in [
        "export-ledger",
        "export-summary",
        "export-evaluation",
        "export-review-back",
        "offline-download",
        "offline-upload",
    ] {
        assert!(
            page.body.contains(&format!("id=\"{id}\"")),
            "{id} on the export page"
        );
    }
}

crate::on_both_backends!(
    every_plan_workbook_reads_back_with_its_contents,
    the_offline_progress_workbook_round_trips_into_draft_reports,
);
