//! The supervision loop through the API: acknowledgement and dispute, extension requests,
//! urging and its answer, notifications with unread counts.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::*;
use workplan::domain::role::Role;

fn post(token: &str, uri: &str, body: Value) -> TestRequest {
    authed(TestRequest::post().uri(uri), token).set_json(body)
}

async fn unread<S>(svc: &S, token: &str) -> (i64, Vec<String>)
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
{
    let inbox = send(
        svc,
        authed(
            TestRequest::get().uri("/api/v1/notifications?unread=true"),
            token,
        ),
    )
    .await
    .json();
    let texts = inbox["notifications"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|n| n["text"].as_str().map(String::from))
        .collect();
    (inbox["unread"].as_i64().expect("count"), texts)
}

async fn acknowledge_dispute_extend_urge_and_notify(app: TestApp) {
    let lead = app.division("法规宣传处");
    let other = app.division("计划财务处");
    app.user("office", Role::Office, None);
    app.user("lead", Role::Division, Some(lead));
    app.user("other", Role::Division, Some(other));
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let lead_t = login(&svc, "lead").await;
    let other_t = login(&svc, "other").await;
    let new_item = |plan: i64, n: &str| {
        post(
            &office,
            &format!("/api/v1/plans/{plan}/items"),
            json!({"number": n, "task": format!("任务{n}"), "lead": ["法规宣传处"]}),
        )
    };
    let future = send(
        &svc,
        post(
            &office,
            "/api/v1/plans",
            json!({"year": 2031, "title": "2031方案"}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("plan");
    let past = send(
        &svc,
        post(
            &office,
            "/api/v1/plans",
            json!({"year": 2021, "title": "2021方案"}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("plan");
    let a = send(&svc, new_item(future, "1")).await.json()["id"]
        .as_i64()
        .expect("item");
    let b = send(&svc, new_item(future, "2")).await.json()["id"]
        .as_i64()
        .expect("item");
    let late = send(&svc, new_item(past, "9")).await.json()["id"]
        .as_i64()
        .expect("item");

    // Acknowledgement: the lead only; the office is told.
    assert_eq!(
        send(
            &svc,
            post(
                &other_t,
                &format!("/api/v1/items/{a}/acknowledge"),
                json!({})
            )
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let ack = send(
        &svc,
        post(
            &lead_t,
            &format!("/api/v1/items/{a}/acknowledge"),
            json!({}),
        ),
    )
    .await;
    assert_eq!(ack.status, StatusCode::OK, "{}", ack.body);
    assert_eq!(ack.json()["state"], "acknowledged");
    let (n, texts) = unread(&svc, &office).await;
    assert_eq!(n, 1);
    assert!(texts[0].contains("法规宣传处已签收"), "{texts:?}");

    // Dispute and the office's answer.
    assert_eq!(
        send(
            &svc,
            post(
                &lead_t,
                &format!("/api/v1/items/{b}/dispute"),
                json!({"reason": " "})
            )
        )
        .await
        .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let d = send(
        &svc,
        post(
            &lead_t,
            &format!("/api/v1/items/{b}/dispute"),
            json!({"reason": "属计划财务处职责"}),
        ),
    )
    .await;
    assert_eq!(d.json()["state"], "disputed");
    assert_eq!(
        send(
            &svc,
            post(
                &lead_t,
                &format!("/api/v1/items/{b}/dispute/answer"),
                json!({"division_id": lead, "decision": "keep", "reply": "x"})
            )
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let kept = send(
        &svc,
        post(
            &office,
            &format!("/api/v1/items/{b}/dispute/answer"),
            json!({"division_id": lead, "decision": "keep", "reply": "仍由法规宣传处牵头"}),
        ),
    )
    .await;
    assert_eq!(kept.status, StatusCode::OK, "{}", kept.body);
    assert_eq!(kept.json()["state"], "kept");
    let (_, texts) = unread(&svc, &lead_t).await;
    assert!(
        texts.iter().any(|t| t.contains("办公室维持分工")),
        "{texts:?}"
    );

    // Extension: before the due date only, one pending at a time, decided by the office.
    let ask = |token: &str, item: i64, due: &str| {
        post(
            token,
            &format!("/api/v1/items/{item}/extensions"),
            json!({"requested_due": due, "reason": "需等待上级文件"}),
        )
    };
    assert_eq!(
        send(&svc, ask(&other_t, a, "2032-03-31")).await.status,
        StatusCode::FORBIDDEN
    );
    let too_late = send(&svc, ask(&lead_t, late, "2032-03-31")).await;
    assert_eq!(too_late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_late.body.contains("已过完成时限"), "{}", too_late.body);
    let req = send(&svc, ask(&lead_t, a, "2032-03-31")).await;
    assert_eq!(req.status, StatusCode::CREATED, "{}", req.body);
    let rid = req.json()["id"].as_i64().expect("request");
    assert_eq!(
        send(&svc, ask(&lead_t, a, "2032-06-30")).await.status,
        StatusCode::CONFLICT
    );
    let decide =
        |token: &str, body: Value| post(token, &format!("/api/v1/extensions/{rid}/decide"), body);
    assert_eq!(
        send(&svc, decide(&lead_t, json!({"approve": true})))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(&svc, decide(&office, json!({"approve": false})))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let approved = send(
        &svc,
        decide(&office, json!({"approve": true, "reply": "同意"})),
    )
    .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
    assert_eq!(approved.json()["state"], "approved");
    assert_eq!(approved.json()["original_due"], "2031-12-31");
    let item = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/items/{a}")),
            &office,
        ),
    )
    .await
    .json();
    assert_eq!(item["deadline"]["due"], "2032-03-31");
    let (_, texts) = unread(&svc, &lead_t).await;
    assert!(
        texts
            .iter()
            .any(|t| t.contains("同意延期至 2032-03-31（原定 2031-12-31）")),
        "{texts:?}"
    );

    // Urging every overdue item at once; the division sees it and answers.
    assert_eq!(
        send(
            &svc,
            post(&lead_t, &format!("/api/v1/plans/{past}/urge"), json!({}))
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let urged = send(
        &svc,
        post(&office, &format!("/api/v1/plans/{past}/urge"), json!({})),
    )
    .await;
    assert_eq!(urged.status, StatusCode::OK, "{}", urged.body);
    assert_eq!(urged.json()["count"], 1);
    let (n, texts) = unread(&svc, &lead_t).await;
    assert!(n >= 3 && texts[0].contains("办公室催办"), "{n} {texts:?}");
    let list = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/items/{late}/urgings")),
            &lead_t,
        ),
    )
    .await
    .json();
    let uid = list[0]["id"].as_i64().expect("urging");
    assert_eq!(
        send(
            &svc,
            post(
                &other_t,
                &format!("/api/v1/urgings/{uid}/answer"),
                json!({"answer": "x"})
            )
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let answered = send(
        &svc,
        post(
            &lead_t,
            &format!("/api/v1/urgings/{uid}/answer"),
            json!({"answer": "本周内完成"}),
        ),
    )
    .await;
    assert_eq!(answered.status, StatusCode::OK);
    assert_eq!(answered.json()["answer"], "本周内完成");

    // Reading clears the unread count; nobody else's notifications are touched.
    let read = send(&svc, post(&lead_t, "/api/v1/notifications/read", json!({}))).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(unread(&svc, &lead_t).await.0, 0);
    assert!(unread(&svc, &office).await.0 > 0);
    assert_eq!(unread(&svc, &other_t).await.0, 0);
}

async fn the_bulletin_matches_figures_worked_out_by_hand(app: TestApp) {
    app.division("法规宣传处");
    app.division("计划财务处");
    app.user("office", Role::Office, None);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let plan = send(
        &svc,
        post(
            &office,
            "/api/v1/plans",
            json!({"year": 2021, "title": "2021方案"}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("plan");
    let mut ids = Vec::new();
    for (n, lead, due) in [
        ("1", "法规宣传处", "2021-08-31"),
        ("2", "法规宣传处", "2021-09-15"),
        ("3", "计划财务处", "2021-12-31"),
    ] {
        let item = send(
            &svc,
            post(
                &office,
                &format!("/api/v1/plans/{plan}/items"),
                json!({"number": n, "task": format!("任务{n}"), "lead": [lead]}),
            ),
        )
        .await
        .json();
        let id = item["id"].as_i64().expect("item");
        let set = send(
            &svc,
            authed(
                TestRequest::patch().uri(&format!("/api/v1/items/{id}")),
                &office,
            )
            .set_json(json!({"version": item["version"], "due_on": due})),
        )
        .await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.body);
        ids.push(id);
    }
    send(
        &svc,
        post(
            &office,
            &format!("/api/v1/plans/{plan}/periods"),
            json!({"period": "2021-Q3"}),
        ),
    )
    .await;
    // Item 1: reported (late, since Q3 2021 is long past) and accepted as finished.
    let r = send(
        &svc,
        post(
            &office,
            &format!("/api/v1/items/{}/reports", ids[0]),
            json!({"period": "2021-Q3", "summary": "已完成", "completes_item": true}),
        ),
    )
    .await
    .json();
    let rid = r["id"].as_i64().expect("report");
    let submitted = send(
        &svc,
        post(
            &office,
            &format!("/api/v1/reports/{rid}/submit"),
            json!({"version": r["version"]}),
        ),
    )
    .await
    .json();
    let accepted = send(
        &svc,
        post(
            &office,
            &format!("/api/v1/reports/{rid}/review"),
            json!({"decision": "accept", "version": submitted["version"]}),
        ),
    )
    .await;
    assert_eq!(accepted.json()["state"], "accepted");
    // Item 3 is urged once.
    send(
        &svc,
        post(
            &office,
            &format!("/api/v1/items/{}/urge", ids[2]),
            json!({"message": "请报送"}),
        ),
    )
    .await;

    let b = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/plans/{plan}/bulletin?period=2021-Q3")),
            &office,
        ),
    )
    .await;
    assert_eq!(b.status, StatusCode::OK, "{}", b.body);
    let lines = b.json()["lines"].clone();
    // 法规宣传处: items 1 and 2 fall due in Q3; 1 was finished late (accepted now), 2 is
    // overdue with no report. 计划财务处: nothing due in Q3, its report missing, urged once.
    assert_eq!(
        lines[0],
        json!({"division": "法规宣传处", "due": 2, "done_on_time": 0, "done_late": 1, "overdue": 1,
               "reports_on_time": 0, "reports_late": 1, "reports_missing": 1, "urgings": 0,
               "overdue_items": ["2. 任务2"]})
    );
    assert_eq!(
        lines[1],
        json!({"division": "计划财务处", "due": 0, "done_on_time": 0, "done_late": 0, "overdue": 0,
               "reports_on_time": 0, "reports_late": 0, "reports_missing": 1, "urgings": 1,
               "overdue_items": []})
    );

    // The same as a workbook: read back by calamine.
    let x = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!(
                "/api/v1/plans/{plan}/export/bulletin.xlsx?period=2021-Q3"
            )),
            &office,
        ),
    )
    .await;
    assert_eq!(x.status, StatusCode::OK);
    assert!(x
        .header("content-disposition")
        .unwrap_or_default()
        .contains("filename*=UTF-8''"));
    let bytes = {
        let resp = actix_web::test::call_service(
            &svc,
            authed(
                TestRequest::get().uri(&format!(
                    "/api/v1/plans/{plan}/export/bulletin.xlsx?period=2021-Q3"
                )),
                &office,
            )
            .to_request(),
        )
        .await;
        actix_web::test::read_body(resp).await.to_vec()
    };
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).expect("xlsx");
    let range = wb.worksheet_range("情况通报").expect("sheet");
    let row = |r: usize| -> Vec<String> {
        (0..10)
            .map(|c| range.get((r, c)).map(|d| d.to_string()).unwrap_or_default())
            .collect()
    };
    assert_eq!(row(2)[0], "处室");
    assert_eq!(
        row(3)[..9].to_vec(),
        vec!["法规宣传处", "2", "0", "1", "1", "0", "1", "1", "0"]
    );
    assert_eq!(row(3)[9], "2. 任务2");
    crate::office::opens_in_libreoffice(&bytes, "bulletin.xlsx");
}

async fn review_decisions_and_due_dates_are_notified_once(app: TestApp) {
    let lead = app.division("法规宣传处");
    app.user("office", Role::Office, None);
    app.user("lead", Role::Division, Some(lead));
    let svc = app.service().await;
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
    .json()["id"]
        .as_i64()
        .expect("plan");
    let item = send(
        &svc,
        post(
            &office,
            &format!("/api/v1/plans/{plan}/items"),
            json!({"number": "1", "task": "发布目录", "lead": ["法规宣传处"]}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("item");
    let (_, texts) = unread(&svc, &lead_t).await;
    assert!(
        texts
            .iter()
            .any(|t| t.contains("新分工（牵头）：1. 发布目录")),
        "{texts:?}"
    );
    send(
        &svc,
        post(
            &office,
            &format!("/api/v1/plans/{plan}/periods"),
            json!({"period": "2021-Q3"}),
        ),
    )
    .await;
    let written = send(
        &svc,
        post(
            &lead_t,
            &format!("/api/v1/items/{item}/reports"),
            json!({"period": "2021-Q3", "summary": "进展"}),
        ),
    )
    .await
    .json();
    let rid = written["id"].as_i64().expect("report");
    let submitted = send(
        &svc,
        post(
            &lead_t,
            &format!("/api/v1/reports/{rid}/submit"),
            json!({"version": written["version"]}),
        ),
    )
    .await
    .json();
    let returned = send(
        &svc,
        post(
            &office,
            &format!("/api/v1/reports/{rid}/review"),
            json!({"decision": "return", "comment": "请补充链接", "version": submitted["version"]}),
        ),
    )
    .await;
    assert_eq!(returned.status, StatusCode::OK, "{}", returned.body);
    let (_, texts) = unread(&svc, &lead_t).await;
    assert!(
        texts
            .iter()
            .any(|t| t.contains("报告被退回：1. 发布目录（请补充链接）")),
        "{texts:?}"
    );
    // The 2021 item is overdue: told once, however often the scan runs.
    let clock = app.state.config.clock();
    let first = app
        .db
        .write_blocking(|c| workplan::service::supervision::notify_due(c, &clock))
        .expect("scan");
    let second = app
        .db
        .write_blocking(|c| workplan::service::supervision::notify_due(c, &clock))
        .expect("scan");
    assert_eq!((first, second), (1, 0));
    let (_, texts) = unread(&svc, &lead_t).await;
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("已逾期（2021-12-31 到期）")),
        "{texts:?}"
    );
}

crate::on_both_backends!(
    acknowledge_dispute_extend_urge_and_notify,
    the_bulletin_matches_figures_worked_out_by_hand,
    review_decisions_and_due_dates_are_notified_once,
);
