//! The read rules (`domain::access`): a division reads its own drafts and evidence and the
//! accepted reports of items it takes part in, never another division's work in progress or
//! its calendar; the office, leaders and auditors read everything.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::pages::{browser_login, session_of};
use workplan::domain::role::Role;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

fn post(token: &str, uri: &str, body: Value) -> TestRequest {
    authed(TestRequest::post().uri(uri), token).set_json(body)
}

fn get(token: &str, uri: &str) -> TestRequest {
    authed(TestRequest::get().uri(uri), token)
}

async fn a_division_reads_only_its_own_work_in_progress(app: TestApp) {
    let lead = app.division("法规宣传处");
    let support = app.division("办公室");
    let other = app.division("计划财务处");
    app.user("office", Role::Office, None);
    app.user("lead", Role::Division, Some(lead));
    app.user("support", Role::Division, Some(support));
    app.user("other", Role::Division, Some(other));
    app.user("leader", Role::Leader, None);
    app.user("auditor", Role::Auditor, None);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let lead_t = login(&svc, "lead").await;
    let support_t = login(&svc, "support").await;
    let other_t = login(&svc, "other").await;
    let leader_t = login(&svc, "leader").await;
    let auditor_t = login(&svc, "auditor").await;

    let plan_id = send(
        &svc,
        post(
            &office,
            "/api/v1/plans",
            json!({"year": 2021, "title": "分工方案"}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("plan");
    let item_id = send(
        &svc,
        post(&office, &format!("/api/v1/plans/{plan_id}/items"), json!({"number": "1", "task": "发布目录", "lead": ["法规宣传处"], "support": ["办公室"]})),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("item");
    let opened = send(
        &svc,
        post(
            &office,
            &format!("/api/v1/plans/{plan_id}/periods"),
            json!({"period": "2021-Q3"}),
        ),
    )
    .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
    let draft = send(
        &svc,
        post(
            &lead_t,
            &format!("/api/v1/items/{item_id}/reports"),
            json!({"period": "2021-Q3", "summary": "草稿：尚未核实的数字 17 件。"}),
        ),
    )
    .await;
    assert_eq!(draft.status, StatusCode::CREATED, "{}", draft.body);
    let rid = draft.json()["id"].as_i64().expect("report");
    let evidence = send(
        &svc,
        upload_file(
            &format!("/api/v1/reports/{rid}/evidence"),
            &lead_t,
            "台账.pdf",
            PDF,
        ),
    )
    .await;
    assert_eq!(evidence.status, StatusCode::CREATED, "{}", evidence.body);
    let eid = evidence.json()["id"].as_i64().expect("evidence");
    let report_uri = format!("/api/v1/reports/{rid}");
    let file_uri = format!("/api/v1/evidence/{eid}/file");

    // The draft: its own division, the office, leaders and auditors read it and its file.
    for t in [&lead_t, &office, &leader_t, &auditor_t] {
        let a = send(&svc, get(t, &report_uri)).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        assert!(a.body.contains("尚未核实的数字"));
        let f = send(&svc, get(t, &file_uri)).await;
        assert_eq!(f.status, StatusCode::OK, "{}", f.body);
        assert_eq!(f.body.as_bytes(), PDF);
    }
    // Another division, and even the supporting one, is refused the draft and its file (the
    // answer gives nothing of them).
    for t in [&other_t, &support_t] {
        let a = send(&svc, get(t, &report_uri)).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
        assert!(!a.body.contains("尚未核实的数字"));
        let f = send(&svc, get(t, &file_uri)).await;
        assert_eq!(f.status, StatusCode::FORBIDDEN, "{}", f.body);
        assert!(!f.body.contains("PDF"));
    }
    // Nor does the item page show it to them.
    for (who, sees) in [
        ("other", false),
        ("support", false),
        ("lead", true),
        ("office", true),
    ] {
        let session = session_of(&browser_login(&svc, who, PASSWORD).await);
        let page = send(
            &svc,
            TestRequest::get()
                .uri(&format!("/items/{item_id}"))
                .cookie(session),
        )
        .await;
        assert_eq!(page.status, StatusCode::OK, "{who}: {}", page.body);
        assert_eq!(
            page.body.contains("尚未核实的数字"),
            sees,
            "{who} sees the draft: {}",
            page.body
        );
    }

    // The supporting division still adds its part from the page: the form is there, the
    // lead's draft is not, and its own words show once saved.
    let contributed = send(
        &svc,
        post(
            &support_t,
            &format!("{report_uri}/contributions"),
            json!({"text": "配合提供了本处室的目录数据。"}),
        ),
    )
    .await;
    assert_eq!(contributed.status, StatusCode::OK, "{}", contributed.body);
    // The answer to the write is the division's own words, not the lead's draft.
    assert_eq!(contributed.json()["text"], "配合提供了本处室的目录数据。");
    assert!(
        !contributed.body.contains("尚未核实的数字"),
        "{}",
        contributed.body
    );
    let session = session_of(&browser_login(&svc, "support", PASSWORD).await);
    let page = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/items/{item_id}"))
            .cookie(session),
    )
    .await;
    assert!(
        page.body
            .contains(&format!("action=\"/items/{item_id}/contribution\"")),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains("本处室已填写：配合提供了本处室的目录数据。"));
    assert!(!page.body.contains("尚未核实的数字"));

    // Submitted and returned: still the lead's own.
    let submitted = send(
        &svc,
        post(
            &lead_t,
            &format!("{report_uri}/submit"),
            json!({"version": draft.json()["version"]}),
        ),
    )
    .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);
    assert_eq!(
        send(&svc, get(&support_t, &report_uri)).await.status,
        StatusCode::FORBIDDEN
    );
    // Accepted: the supporting division reads it and its evidence; an outsider still not.
    let accepted = send(
        &svc,
        post(
            &office,
            &format!("{report_uri}/review"),
            json!({"decision": "accept", "version": submitted.json()["version"]}),
        ),
    )
    .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    let a = send(&svc, get(&support_t, &report_uri)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(
        send(&svc, get(&support_t, &file_uri)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        send(&svc, get(&other_t, &report_uri)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(&svc, get(&other_t, &file_uri)).await.status,
        StatusCode::FORBIDDEN
    );

    // Calendars: one's own division's only, logged in or by feed token.
    let feed = |d: i32| format!("/api/v1/divisions/{d}/calendar.ics");
    assert_eq!(
        send(&svc, get(&lead_t, &feed(lead))).await.status,
        StatusCode::OK
    );
    let refused = send(&svc, get(&other_t, &feed(lead))).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(!refused.body.contains("发布目录"));
    let other_token = {
        let mut conn = app.db.get().expect("conn");
        workplan::db::queries::users::by_name(&mut conn, "other")
            .expect("query")
            .expect("user")
            .feed_token
    };
    let by_token = send(
        &svc,
        TestRequest::get().uri(&format!("{}?token={other_token}", feed(lead))),
    )
    .await;
    assert_eq!(by_token.status, StatusCode::FORBIDDEN, "{}", by_token.body);
    let own = send(
        &svc,
        TestRequest::get().uri(&format!("{}?token={other_token}", feed(other))),
    )
    .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    for t in [&office, &leader_t, &auditor_t] {
        assert_eq!(send(&svc, get(t, &feed(lead))).await.status, StatusCode::OK);
    }
}

crate::on_both_backends!(a_division_reads_only_its_own_work_in_progress);
