//! Quarterly reporting through the API: write, evidence, contribute, submit, return,
//! correct, resubmit, accept — and every other division refused at every step.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::helpers::*;
use workplan::domain::role::Role;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00";

fn file_upload(token: &str, report: i64, name: &str, bytes: &[u8]) -> TestRequest {
    let boundary = "----wp-evidence";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    authed(
        TestRequest::post().uri(&format!("/api/v1/reports/{report}/evidence")),
        token,
    )
    .insert_header((
        "content-type",
        format!("multipart/form-data; boundary={boundary}"),
    ))
    .set_payload(body)
}

fn post(token: &str, uri: &str, body: Value) -> TestRequest {
    authed(TestRequest::post().uri(uri), token).set_json(body)
}

async fn a_report_goes_from_draft_to_accepted_and_others_are_refused(app: TestApp) {
    let lead = app.division("法规宣传处");
    let support = app.division("办公室");
    let other = app.division("计划财务处");
    app.user("office", Role::Office, None);
    app.user("lead", Role::Division, Some(lead));
    app.user("support", Role::Division, Some(support));
    app.user("other", Role::Division, Some(other));
    app.user("leader", Role::Leader, None);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let lead_t = login(&svc, "lead").await;
    let support_t = login(&svc, "support").await;
    let other_t = login(&svc, "other").await;
    let leader_t = login(&svc, "leader").await;

    let plan = send(
        &svc,
        post(
            &office,
            "/api/v1/plans",
            json!({"year": 2021, "title": "分工方案"}),
        ),
    )
    .await
    .json();
    let plan_id = plan["id"].as_i64().expect("plan");
    let item = send(
        &svc,
        post(&office, &format!("/api/v1/plans/{plan_id}/items"), json!({"number": "1", "task": "发布目录", "lead": ["法规宣传处"], "support": ["办公室"]})),
    )
    .await
    .json();
    let item_id = item["id"].as_i64().expect("item");

    // Only the office opens periods; the default due date follows the before-month rule.
    let denied = send(
        &svc,
        post(
            &lead_t,
            &format!("/api/v1/plans/{plan_id}/periods"),
            json!({"period": "2021-Q3"}),
        ),
    )
    .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let period = send(
        &svc,
        post(
            &office,
            &format!("/api/v1/plans/{plan_id}/periods"),
            json!({"period": "2021-Q3"}),
        ),
    )
    .await;
    assert_eq!(period.status, StatusCode::CREATED, "{}", period.body);
    assert_eq!(period.json()["due_on"], "2021-09-30");

    // Writing: only the lead division.
    let write = |t: &str, summary: &str, version: Option<i64>| {
        post(
            t,
            &format!("/api/v1/items/{item_id}/reports"),
            json!({"period": "2021-Q3", "summary": summary, "completes_item": true, "version": version}),
        )
    };
    for t in [&support_t, &other_t, &leader_t] {
        assert_eq!(
            send(&svc, write(t, "越权", None)).await.status,
            StatusCode::FORBIDDEN
        );
    }
    let draft = send(&svc, write(&lead_t, "已发布重大行政决策事项目录。", None)).await;
    assert_eq!(draft.status, StatusCode::CREATED, "{}", draft.body);
    let r = draft.json();
    let rid = r["id"].as_i64().expect("report");
    assert_eq!(r["state"], "draft");
    assert_eq!(r["division_id"], lead);

    // Evidence: a PDF and an image from the lead, a web page; others refused; HTML refused.
    let pdf = send(&svc, file_upload(&lead_t, rid, "第三季度台账.pdf", PDF)).await;
    assert_eq!(pdf.status, StatusCode::CREATED, "{}", pdf.body);
    assert_eq!(pdf.json()["sha256"], hex::encode(Sha256::digest(PDF)));
    assert_eq!(pdf.json()["file_name"], "第三季度台账.pdf");
    let png = send(&svc, file_upload(&lead_t, rid, "../../网页截图.png", PNG)).await;
    assert_eq!(png.status, StatusCode::CREATED, "{}", png.body);
    assert_eq!(
        png.json()["file_name"],
        "网页截图.png",
        "no path survives in a name"
    );
    assert_eq!(
        send(&svc, file_upload(&other_t, rid, "x.pdf", PDF))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let html = send(
        &svc,
        file_upload(
            &lead_t,
            rid,
            "page.html",
            b"<html><script>alert(1)</script>",
        ),
    )
    .await;
    assert_eq!(html.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Nothing uploaded is ever served as a page: script-bearing kinds are refused whatever
    // the name says, and a file named like a page is served as what its content is.
    let scripts: [(&str, &[u8]); 4] = [
        (
            "图.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
        ),
        ("台账.pdf", b"<!DOCTYPE html><script>alert(1)</script>"),
        ("a.js", b"alert(document.cookie)"),
        (
            "a.xhtml",
            b"<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"/>",
        ),
    ];
    for (name, bytes) in scripts {
        let a = send(&svc, file_upload(&lead_t, rid, name, bytes)).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
    }
    let disguised = send(&svc, file_upload(&lead_t, rid, "报告.html", PDF)).await;
    assert_eq!(disguised.status, StatusCode::CREATED, "{}", disguised.body);
    let disguised_id = disguised.json()["id"].as_i64().expect("id");
    let served = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/evidence/{disguised_id}/file")),
            &lead_t,
        ),
    )
    .await;
    assert_eq!(
        served.header("content-type").as_deref(),
        Some("application/pdf")
    );
    assert!(served
        .header("content-disposition")
        .unwrap_or_default()
        .starts_with("attachment"));
    assert_eq!(
        served.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert!(served
        .header("content-security-policy")
        .unwrap_or_default()
        .contains("script-src 'self'"));
    let url = send(
        &svc,
        post(
            &lead_t,
            &format!("/api/v1/reports/{rid}/evidence"),
            json!({"url": "https://tyj.gz.gov.cn/zwgk/", "title": "政务公开专栏"}),
        ),
    )
    .await;
    assert_eq!(url.status, StatusCode::CREATED, "{}", url.body);
    let bad_url = send(
        &svc,
        post(
            &lead_t,
            &format!("/api/v1/reports/{rid}/evidence"),
            json!({"url": "javascript:alert(1)"}),
        ),
    )
    .await;
    assert_eq!(bad_url.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The supporting division adds its part; an unrelated one may not.
    let contrib = |t: &str| {
        post(
            t,
            &format!("/api/v1/reports/{rid}/contributions"),
            json!({"text": "配合提供了材料。"}),
        )
    };
    assert_eq!(
        send(&svc, contrib(&other_t)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(send(&svc, contrib(&support_t)).await.status, StatusCode::OK);

    // Submitting: the lead only, naming the version it read (evidence and contributions
    // leave the report's version alone). 2021-Q3 is long past, so the submission is late.
    let submit = |t: &str, version: i64| {
        post(
            t,
            &format!("/api/v1/reports/{rid}/submit"),
            json!({ "version": version }),
        )
    };
    let read_version = r["version"].as_i64().expect("version");
    assert_eq!(
        send(&svc, submit(&support_t, read_version)).await.status,
        StatusCode::FORBIDDEN
    );
    // A submission without the version read is refused with the report as saved now.
    let blind = send(
        &svc,
        authed(
            TestRequest::post().uri(&format!("/api/v1/reports/{rid}/submit")),
            &lead_t,
        ),
    )
    .await;
    assert_eq!(blind.status, StatusCode::CONFLICT, "{}", blind.body);
    assert_eq!(blind.json()["error"]["current"]["version"], read_version);
    let submitted = send(&svc, submit(&lead_t, read_version)).await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);
    assert_eq!(submitted.json()["state"], "submitted");
    assert_eq!(submitted.json()["submitted_late"], true);
    assert_eq!(
        send(&svc, write(&lead_t, "改", None)).await.status,
        StatusCode::CONFLICT,
        "submitted reports wait for review"
    );

    // Review: the office only; returning needs a comment.
    let review = |t: &str, body: Value| post(t, &format!("/api/v1/reports/{rid}/review"), body);
    let v = submitted.json()["version"].as_i64().expect("version");
    for t in [&lead_t, &other_t, &leader_t] {
        assert_eq!(
            send(&svc, review(t, json!({"decision": "accept", "version": v})))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        send(
            &svc,
            review(&office, json!({"decision": "return", "version": v}))
        )
        .await
        .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // A decision on a version the office did not read is refused: it reads again first.
    let stale = send(
        &svc,
        review(&office, json!({"decision": "accept", "version": v - 1})),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert_eq!(stale.json()["error"]["current"]["state"], "submitted");
    let returned = send(
        &svc,
        review(
            &office,
            json!({"decision": "return", "comment": "请补充目录链接", "version": v}),
        ),
    )
    .await;
    assert_eq!(returned.status, StatusCode::OK);
    assert_eq!(returned.json()["state"], "returned");
    assert_eq!(returned.json()["review_comment"], "请补充目录链接");

    // The lead corrects (a stale version is refused) and resubmits; the office accepts.
    let version = returned.json()["version"].as_i64().expect("version");
    assert_eq!(
        send(&svc, write(&lead_t, "旧版本", Some(version - 1)))
            .await
            .status,
        StatusCode::CONFLICT
    );
    let corrected = send(
        &svc,
        write(&lead_t, "已发布目录，链接见佐证材料。", Some(version)),
    )
    .await;
    assert_eq!(corrected.status, StatusCode::CREATED, "{}", corrected.body);
    assert_eq!(corrected.json()["state"], "returned");
    let resubmitted = send(
        &svc,
        submit(&lead_t, corrected.json()["version"].as_i64().expect("v")),
    )
    .await
    .json();
    assert_eq!(resubmitted["state"], "submitted");
    let accepted = send(
        &svc,
        review(
            &office,
            json!({"decision": "accept", "version": resubmitted["version"]}),
        ),
    )
    .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    let a = accepted.json();
    assert_eq!(a["state"], "accepted");
    let states: Vec<&str> = a["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|h| h["state"].as_str())
        .collect();
    assert_eq!(
        states,
        vec![
            "draft",
            "submitted",
            "returned",
            "returned",
            "submitted",
            "accepted"
        ]
    );
    // The PDF, the screenshot, the disguised PDF and the web page.
    assert_eq!(a["evidence"].as_array().map(Vec::len), Some(4));
    assert_eq!(a["contributions"][0]["division_id"], support);

    // Accepted is final: no more writing, no more evidence. The item shows done.
    assert_eq!(
        send(&svc, write(&lead_t, "再改", None)).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        send(&svc, file_upload(&lead_t, rid, "late.pdf", PDF))
            .await
            .status,
        StatusCode::CONFLICT
    );
    let item = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/items/{item_id}")),
            &office,
        ),
    )
    .await
    .json();
    assert!(
        matches!(item["status"].as_str(), Some("done_late" | "done_on_time")),
        "{item}"
    );
    assert!(item["completed_on"].is_string());
    let done = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!(
                "/api/v1/plans/{plan_id}/items?status={}",
                item["status"].as_str().unwrap_or("")
            )),
            &office,
        ),
    )
    .await
    .json();
    assert_eq!(done.as_array().map(Vec::len), Some(1));

    // Downloads carry the Chinese name (RFC 5987); images inline, the rest as attachments.
    let pdf_id = pdf.json()["id"].as_i64().expect("id");
    let download = |t: &str| {
        authed(
            TestRequest::get().uri(&format!("/api/v1/evidence/{pdf_id}/file")),
            t,
        )
    };
    // The accepted report's evidence: the supporting division reads it, an outsider not.
    assert_eq!(
        send(&svc, download(&other_t)).await.status,
        StatusCode::FORBIDDEN
    );
    let got = send(&svc, download(&support_t)).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body.as_bytes(), PDF);
    let cd = got.header("content-disposition").expect("disposition");
    assert!(
        cd.starts_with("attachment") && cd.contains("filename*=UTF-8''%E7%AC%AC"),
        "{cd}"
    );
    assert_eq!(
        got.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    let png_id = png.json()["id"].as_i64().expect("id");
    let img = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/evidence/{png_id}/file")),
            &office,
        ),
    )
    .await;
    assert!(img
        .header("content-disposition")
        .unwrap_or_default()
        .starts_with("inline"));
    assert_eq!(img.header("content-type").as_deref(), Some("image/png"));
}

async fn oversized_uploads_get_413_and_leave_no_file(app: TestApp) {
    let lead = app.division("法规宣传处");
    app.user("office", Role::Office, None);
    app.user("lead", Role::Division, Some(lead));
    let mut config = (*app.state.config).clone();
    config.max_upload_bytes = 1024;
    let storage = config.storage_dir.clone();
    let small =
        actix_web::web::Data::new(workplan::web::AppState::new(app.db.clone(), config, SECRET));
    let svc = actix_web::test::init_service(
        actix_web::App::new().configure(workplan::web::configure(small)),
    )
    .await;
    let office = login(&svc, "office").await;
    let lead_t = login(&svc, "lead").await;
    let plan = send(
        &svc,
        post(
            &office,
            "/api/v1/plans",
            json!({"year": 2021, "title": "方案"}),
        ),
    )
    .await
    .json();
    let item = send(
        &svc,
        post(
            &office,
            &format!("/api/v1/plans/{}/items", plan["id"]),
            json!({"number": "1", "task": "任务", "lead": ["法规宣传处"]}),
        ),
    )
    .await
    .json();
    send(
        &svc,
        post(
            &office,
            &format!("/api/v1/plans/{}/periods", plan["id"]),
            json!({"period": "2021-Q4"}),
        ),
    )
    .await;
    let r = send(
        &svc,
        post(
            &lead_t,
            &format!("/api/v1/items/{}/reports", item["id"]),
            json!({"period": "2021-Q4", "summary": "进展"}),
        ),
    )
    .await
    .json();
    let rid = r["id"].as_i64().expect("report");
    let mut big = PDF.to_vec();
    big.resize(10 * 1024, b' ');
    let a = send(&svc, file_upload(&lead_t, rid, "big.pdf", &big)).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", a.body);
    assert_eq!(a.code(), "too_large");
    // An upload cut off midway (the client went away) is refused and its part is removed
    // at once, not left for the hourly sweep.
    let boundary = "----cut";
    let mut cut = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    cut.extend_from_slice(PDF);
    let b = send(
        &svc,
        authed(
            TestRequest::post().uri(&format!("/api/v1/reports/{rid}/evidence")),
            &lead_t,
        )
        .insert_header((
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        ))
        .set_payload(cut),
    )
    .await;
    assert!(b.status.is_client_error(), "{} {}", b.status, b.body);
    // Nothing half-written stays behind, and nothing was recorded.
    let leftovers: Vec<_> = walk(&storage).into_iter().filter(|p| p.is_file()).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let report = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/reports/{rid}")),
            &office,
        ),
    )
    .await
    .json();
    assert_eq!(report["evidence"].as_array().map(Vec::len), Some(0));
}

/// Two lead divisions of one item, each with its user, the office, a plan, the item and an
/// open 2021-Q3: (item id, office token, lead A's token, lead B's token).
async fn co_led_item<S>(app: &TestApp, svc: &S) -> (i64, String, String, String)
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
{
    let a = app.division("法规宣传处");
    let b = app.division("体育产业处");
    app.division("办公室");
    app.user("office", Role::Office, None);
    app.user("lead_a", Role::Division, Some(a));
    app.user("lead_b", Role::Division, Some(b));
    let office = login(svc, "office").await;
    let plan = send(
        svc,
        post(
            &office,
            "/api/v1/plans",
            json!({"year": 2021, "title": "分工方案"}),
        ),
    )
    .await
    .json();
    let plan_id = plan["id"].as_i64().expect("plan");
    let item = send(
        svc,
        post(
            &office,
            &format!("/api/v1/plans/{plan_id}/items"),
            json!({"number": "7", "task": "公开重大行政决策目录", "lead": ["法规宣传处", "体育产业处"], "support": ["办公室"]}),
        ),
    )
    .await
    .json();
    let opened = send(
        svc,
        post(
            &office,
            &format!("/api/v1/plans/{plan_id}/periods"),
            json!({"period": "2021-Q3"}),
        ),
    )
    .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
    let item_id = item["id"].as_i64().expect("item");
    (
        item_id,
        office,
        login(svc, "lead_a").await,
        login(svc, "lead_b").await,
    )
}

async fn co_leads_writing_through_the_api_never_overwrite_each_other(app: TestApp) {
    let svc = app.service().await;
    let (item, _office, a, b) = co_led_item(&app, &svc).await;
    let write = |t: &str, summary: &str, version: Option<i64>| {
        post(
            t,
            &format!("/api/v1/items/{item}/reports"),
            json!({"period": "2021-Q3", "summary": summary, "version": version}),
        )
    };
    let get =
        |t: &str, rid: i64| authed(TestRequest::get().uri(&format!("/api/v1/reports/{rid}")), t);

    // Both find no report and both start one: the second is 409 with the first's text, not
    // a 500 from the unique index and not an overwrite.
    let first = send(&svc, write(&a, "法规宣传处：已梳理目录初稿。", None)).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let rid = first.json()["id"].as_i64().expect("report");
    let late_start = send(&svc, write(&b, "体育产业处：已收集体育类事项。", None)).await;
    assert_eq!(
        late_start.status,
        StatusCode::CONFLICT,
        "{}",
        late_start.body
    );
    assert_eq!(late_start.code(), "conflict");
    let current = &late_start.json()["error"]["current"];
    assert_eq!(current["id"], rid);
    assert_eq!(current["version"], 1);
    assert_eq!(current["summary"], "法规宣传处：已梳理目录初稿。");
    assert_eq!(current["last_change"]["division"], "法规宣传处");
    assert!(current["last_change"]["at"].is_string(), "{current}");
    let message = late_start.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        message.contains("法规宣传处") && message.contains("第 1 版"),
        "{message}"
    );

    // The co-lead reads the shared draft; both now hold version 1.
    let read_b = send(&svc, get(&b, rid)).await;
    assert_eq!(
        read_b.status,
        StatusCode::OK,
        "co-leads read the shared draft: {}",
        read_b.body
    );
    let version = read_b.json()["version"].as_i64().expect("version");
    assert_eq!(version, 1);

    // A saves on version 1; B's save on the same version is 409 with A's new text.
    let saved_a = send(
        &svc,
        write(&a, "法规宣传处：目录已报局长办公会审定。", Some(version)),
    )
    .await;
    assert_eq!(saved_a.status, StatusCode::CREATED, "{}", saved_a.body);
    assert_eq!(saved_a.json()["version"], 2);
    let text_b = "体育产业处：已补充体育赛事审批事项3项。";
    let stale_b = send(&svc, write(&b, text_b, Some(version))).await;
    assert_eq!(stale_b.status, StatusCode::CONFLICT, "{}", stale_b.body);
    let current = &stale_b.json()["error"]["current"];
    assert_eq!(current["version"], 2);
    assert_eq!(current["summary"], "法规宣传处：目录已报局长办公会审定。");
    assert_eq!(current["state"], "draft");
    // A rewrite that names no version is refused the same way.
    let blind = send(&svc, write(&b, text_b, None)).await;
    assert_eq!(blind.status, StatusCode::CONFLICT, "{}", blind.body);
    assert_eq!(blind.json()["error"]["current"]["version"], 2);
    // Nothing of B's refused writes reached the report: A's text stands.
    let now = send(&svc, get(&a, rid)).await.json();
    assert_eq!(now["summary"], "法规宣传处：目录已报局长办公会审定。");
    assert_eq!(now["version"], 2);
    assert_eq!(now["history"].as_array().map(Vec::len), Some(2));

    // B merges both texts and saves on the version the 409 gave: both divisions' words kept.
    let merged = format!("法规宣传处：目录已报局长办公会审定。\n{text_b}");
    let saved_b = send(&svc, write(&b, &merged, Some(2))).await;
    assert_eq!(saved_b.status, StatusCode::CREATED, "{}", saved_b.body);
    let r = saved_b.json();
    assert_eq!(r["version"], 3);
    assert_eq!(r["summary"], merged.as_str());
    assert_eq!(r["last_change"]["division"], "体育产业处");
    // A version that never existed is as stale as an old one.
    let future = send(&svc, write(&a, "改", Some(9))).await;
    assert_eq!(future.status, StatusCode::CONFLICT);
    assert_eq!(
        send(&svc, get(&a, rid)).await.json()["summary"],
        merged.as_str()
    );
}

/// Two co-leads start the period's report in the same moment on PostgreSQL (where several
/// instances write at once): the second meets the first at the unique index and gets 409
/// with the first's text, not a 500 and not an overwrite. (SQLite is one instance whose
/// writers take turns, so there the ordinary 409 of the test above is the whole story.)
#[actix_web::test]
async fn co_leads_starting_the_report_at_once_on_postgresql_get_409_not_500() {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let Some(app) = TestApp::postgres().await else {
        skip_pg("reports::co_leads_starting_the_report_at_once_on_postgresql_get_409_not_500");
        return;
    };
    let svc = app.service().await;
    let (item, _office, _a, b) = co_led_item(&app, &svc).await;
    // 法规宣传处's start, not yet committed: B's write finds no report, then waits on the
    // unique index for this transaction.
    let mut first =
        diesel::pg::PgConnection::establish(&app.state.config.database_url).expect("connect");
    first
        .batch_execute(&format!(
            "BEGIN; INSERT INTO reports (item_id, period_id, division_id, state, summary, \
             submitted_late, version, created_at, updated_at, completes_item) \
             SELECT {item}, p.id, d.id, 'draft', '法规宣传处：先到的文字。', false, 1, now(), now(), false \
             FROM reporting_periods p, divisions d WHERE p.period = '2021-Q3' AND d.name = '法规宣传处'"
        ))
        .expect("first start, uncommitted");
    let started = std::time::Instant::now();
    let (second, ()) = futures_util::join!(
        send(
            &svc,
            post(
                &b,
                &format!("/api/v1/items/{item}/reports"),
                json!({"period": "2021-Q3", "summary": "体育产业处：同时写的文字。"}),
            ),
        ),
        async {
            actix_web::rt::time::sleep(std::time::Duration::from_millis(800)).await;
            first
                .batch_execute("COMMIT")
                .expect("commit the first start");
        }
    );
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(800),
        "the second write waited for the first"
    );
    assert_eq!(second.status, StatusCode::CONFLICT, "{}", second.body);
    assert_eq!(second.code(), "conflict");
    assert_eq!(
        second.json()["error"]["current"]["summary"],
        "法规宣传处：先到的文字。"
    );
    assert_eq!(second.json()["error"]["current"]["version"], 1);
}

/// The text of `<textarea … id="{id}">…</textarea>` in a page.
fn textarea(html: &str, id: &str) -> String {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no textarea {id}"));
    let start = at + html[at..].find('>').expect("tag end") + 1;
    html[start..]
        .split("</textarea>")
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The hidden `version` of the form `id` in a page.
fn form_version(html: &str, id: &str) -> String {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no form {id}"));
    let form = &html[start..];
    let form = &form[..form.find("</form>").expect("form end")];
    let at = form
        .find("name=\"version\" value=\"")
        .expect("hidden version")
        + "name=\"version\" value=\"".len();
    form[at..].split('"').next().unwrap_or_default().to_string()
}

async fn co_leads_saving_through_the_page_keep_both_texts(app: TestApp) {
    use crate::pages::{browser_login, csrf_field, session_of};
    let svc = app.service().await;
    let (item, office, _a, _b) = co_led_item(&app, &svc).await;
    let a = session_of(&browser_login(&svc, "lead_a", PASSWORD).await);
    let b = session_of(&browser_login(&svc, "lead_b", PASSWORD).await);
    let page = |c: &actix_web::cookie::Cookie<'static>| {
        TestRequest::get()
            .uri(&format!("/items/{item}"))
            .cookie(c.clone())
    };
    let save = |c: &actix_web::cookie::Cookie<'static>,
                csrf: &str,
                summary: &str,
                version: Option<&str>| {
        let mut fields = vec![
            ("csrf", csrf.to_string()),
            ("period", "2021-Q3".to_string()),
            ("summary", summary.to_string()),
        ];
        if let Some(v) = version {
            fields.push(("version", v.to_string()));
        }
        TestRequest::post()
            .uri(&format!("/items/{item}/report"))
            .cookie(c.clone())
            .set_form(fields)
    };

    // Both open the page before either has written: each gets the new-report form.
    let page_a = send(&svc, page(&a)).await;
    let page_b = send(&svc, page(&b)).await;
    assert!(
        page_a.body.contains("id=\"report-form\"") && page_b.body.contains("id=\"report-form\"")
    );
    let (csrf_a, csrf_b) = (csrf_field(&page_a.body), csrf_field(&page_b.body));
    let started = send(
        &svc,
        save(&a, &csrf_a, "法规宣传处：已梳理目录初稿。", None),
    )
    .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    // B's start lost: the page comes back with B's text kept and A's beside it.
    let text_b = "体育产业处：已收集体育类事项。";
    let lost = send(&svc, save(&b, &csrf_b, text_b, None)).await;
    assert_eq!(lost.status, StatusCode::CONFLICT, "{}", lost.body);
    let report_form = |html: &str| {
        let at = html.find("id=\"report-edit-").expect("edit form");
        html[at + 4..]
            .split('"')
            .next()
            .unwrap_or_default()
            .to_string()
    };
    let edit_id = report_form(&lost.body);
    assert_eq!(
        textarea(&lost.body, "report-summary-mine"),
        text_b,
        "B's own text stays in the form"
    );
    let theirs = lost
        .body
        .split("id=\"report-current\"")
        .nth(1)
        .expect("saved text beside");
    assert!(
        theirs.contains("法规宣传处：已梳理目录初稿。"),
        "A's saved text beside it"
    );
    assert!(theirs.contains("法规宣传处") && theirs.contains("第 1 版"));
    assert!(
        lost.body.contains("未保存"),
        "the page says B's text is not saved"
    );
    assert_eq!(form_version(&lost.body, &edit_id), "1");

    // Both now edit version 1 through the report's own form; A saves first.
    let page_a = send(&svc, page(&a)).await;
    let va = form_version(&page_a.body, &edit_id);
    assert_eq!(va, "1");
    assert!(
        page_a
            .body
            .contains("法规宣传处：已梳理目录初稿。</textarea>"),
        "the form holds the saved text"
    );
    let saved = send(
        &svc,
        save(
            &a,
            &csrf_field(&page_a.body),
            "法规宣传处：目录已审定。",
            Some(&va),
        ),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let mine = "体育产业处：已补充审批事项3项。";
    let stale = send(&svc, save(&b, &csrf_field(&lost.body), mine, Some("1"))).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert_eq!(textarea(&stale.body, "report-summary-mine"), mine);
    let theirs = stale
        .body
        .split("id=\"report-current\"")
        .nth(1)
        .expect("saved text beside");
    assert!(theirs.contains("法规宣传处：目录已审定。"));
    let current = form_version(&stale.body, &edit_id);
    assert_eq!(
        current, "2",
        "the form now carries the version to save the merge on"
    );

    // B merges and saves on that version: both divisions' words are in the report.
    let merged = format!("法规宣传处：目录已审定。{mine}");
    let done = send(
        &svc,
        save(&b, &csrf_field(&stale.body), &merged, Some(&current)),
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let rid: i64 = edit_id
        .trim_start_matches("report-edit-")
        .parse()
        .expect("report id");
    let r = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/reports/{rid}")),
            &office,
        ),
    )
    .await
    .json();
    assert_eq!(r["summary"], merged.as_str());
    assert_eq!(r["version"], 3);
}

crate::on_both_backends!(
    a_report_goes_from_draft_to_accepted_and_others_are_refused,
    oversized_uploads_get_413_and_leave_no_file,
    co_leads_writing_through_the_api_never_overwrite_each_other,
    co_leads_saving_through_the_page_keep_both_texts
);
