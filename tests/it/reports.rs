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

    // Submitting: the lead only. 2021-Q3 is long past, so the submission is late.
    let submit = |t: &str| {
        authed(
            TestRequest::post().uri(&format!("/api/v1/reports/{rid}/submit")),
            t,
        )
    };
    assert_eq!(
        send(&svc, submit(&support_t)).await.status,
        StatusCode::FORBIDDEN
    );
    let submitted = send(&svc, submit(&lead_t)).await;
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
    for t in [&lead_t, &other_t, &leader_t] {
        assert_eq!(
            send(&svc, review(t, json!({"decision": "accept"})))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        send(&svc, review(&office, json!({"decision": "return"})))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let returned = send(
        &svc,
        review(
            &office,
            json!({"decision": "return", "comment": "请补充目录链接"}),
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
    assert_eq!(
        send(&svc, submit(&lead_t)).await.json()["state"],
        "submitted"
    );
    let accepted = send(&svc, review(&office, json!({"decision": "accept"}))).await;
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

crate::on_both_backends!(
    a_report_goes_from_draft_to_accepted_and_others_are_refused,
    oversized_uploads_get_413_and_leave_no_file
);
