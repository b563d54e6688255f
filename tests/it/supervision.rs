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
        texts
            .iter()
            .any(|t| t.contains("办公室答复法规宣传处的异议，维持分工")),
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
            .any(|t| t.contains("办公室同意法规宣传处延期至 2032-03-31（原定 2031-12-31）")),
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
        json!({"division": "法规宣传处", "due": 2, "done_on_time": 0, "done_late": 1, "not_done": 1, "in_progress": 0,
               "waiting_on_higher_authority": 0, "not_applicable": 0, "overdue": 1,
               "reports_on_time": 0, "reports_late": 1, "reports_missing": 1, "urgings": 0,
               "overdue_items": ["2. 任务2"]})
    );
    assert_eq!(
        lines[1],
        json!({"division": "计划财务处", "due": 0, "done_on_time": 0, "done_late": 0, "not_done": 0, "in_progress": 0,
               "waiting_on_higher_authority": 0, "not_applicable": 0, "overdue": 0,
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
        (0..14)
            .map(|c| range.get((r, c)).map(|d| d.to_string()).unwrap_or_default())
            .collect()
    };
    assert_eq!(row(2)[0], "处室");
    assert_eq!(
        row(3)[..13].to_vec(),
        vec![
            "法规宣传处",
            "2",
            "0",
            "1",
            "1",
            "0",
            "0",
            "0",
            "1",
            "0",
            "1",
            "1",
            "0"
        ]
    );
    assert_eq!(row(3)[13], "2. 任务2");
    // The quarter as people write it, and a 合计 row that adds up the two lines.
    assert!(
        row(0)[0].contains("2021年第三季度") && !row(0)[0].contains("Q3"),
        "{}",
        row(0)[0]
    );
    assert_eq!(
        row(5)[..13].to_vec(),
        vec!["合计", "2", "0", "1", "1", "0", "0", "0", "1", "0", "1", "2", "1"]
    );
    crate::office::opens_in_libreoffice(&bytes, "bulletin.xlsx");
    // The page says the same.
    let page = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/bulletin?plan={plan}&period=2021-Q3"))
            .cookie(crate::pages::session_of(
                &crate::pages::browser_login(&svc, "office", PASSWORD).await,
            )),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("2021年第三季度 推进情况通报"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(r#"<tr class="total"><th>合计</th><td class="n">2</td>"#),
        "{}",
        page.body
    );
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
            .any(|t| t.contains("法规宣传处有新分工（牵头）：2021年《方案》1. 发布目录")),
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
            .any(|t| t.contains("法规宣传处的 2021-Q3 报告被退回，请修改后重新报送：2021年《方案》1. 发布目录（办公室意见：请补充链接）")),
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
            .any(|t| t.starts_with("法规宣传处牵头的事项已逾期（2021-12-31 到期）：2021年《方案》")),
        "{texts:?}"
    );
}

/// A plan with one item led by 法规宣传处, urged once; (office token, lead token, item, urging).
async fn urged_item<S>(svc: &S) -> (String, String, i64, i64)
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
{
    let office = login(svc, "office").await;
    let lead_t = login(svc, "lead").await;
    let plan = send(
        svc,
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
        svc,
        post(
            &office,
            &format!("/api/v1/plans/{plan}/items"),
            json!({"number": "1", "task": "任务1", "lead": ["法规宣传处"]}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("item");
    let urged = send(
        svc,
        post(
            &office,
            &format!("/api/v1/items/{item}/urge"),
            json!({"message": "请说明进度"}),
        ),
    )
    .await;
    assert_eq!(urged.status, StatusCode::OK, "{}", urged.body);
    let list = send(
        svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/items/{item}/urgings")),
            &office,
        ),
    )
    .await
    .json();
    let urging = list[0]["id"].as_i64().expect("urging");
    (office, lead_t, item, urging)
}

async fn a_second_answer_is_added_and_the_first_stays(app: TestApp) {
    let lead = app.division("法规宣传处");
    app.user("office", Role::Office, None);
    app.user("lead", Role::Division, Some(lead));
    let svc = app.service().await;
    let (office, lead_t, item, uid) = urged_item(&svc).await;
    let answer = |text: &str| {
        post(
            &lead_t,
            &format!("/api/v1/urgings/{uid}/answer"),
            json!({ "answer": text }),
        )
    };
    let first = send(&svc, answer("本周内完成")).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let first = first.json()["answers"][0].clone();
    assert_eq!(first["text"], "本周内完成");
    let second = send(&svc, answer("已完成初稿，下周报送")).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    let second = second.json();
    // Both answers, in order; the first exactly as it was; `answer` is the latest.
    let answers = second["answers"].as_array().expect("answers");
    assert_eq!(answers.len(), 2, "{second}");
    assert_eq!(answers[0], first);
    assert_eq!(answers[1]["text"], "已完成初稿，下周报送");
    assert_eq!(answers[1]["division"], "法规宣传处");
    assert_eq!(answers[1]["answered_by_name"], "lead");
    assert!(answers[1]["id"].as_i64() > answers[0]["id"].as_i64());
    assert_eq!(second["answer"], "已完成初稿，下周报送");
    assert_eq!(second["answered_at"], answers[1]["answered_at"]);
    // The list the office reads says the same.
    let list = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/items/{item}/urgings")),
            &office,
        ),
    )
    .await
    .json();
    assert_eq!(list[0]["answers"], second["answers"]);
    // The item page shows both, oldest first, with division and who.
    let session =
        crate::pages::session_of(&crate::pages::browser_login(&svc, "office", PASSWORD).await);
    let page = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/items/{item}"))
            .cookie(session),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let a = page.body.find("法规宣传处（lead）答复：本周内完成");
    let b = page
        .body
        .find("法规宣传处（lead）答复：已完成初稿，下周报送");
    assert!(a.is_some() && b.is_some() && a < b, "{}", page.body);
    // The office hears of each answer.
    let (_, texts) = unread(&svc, &office).await;
    assert!(
        texts.iter().any(|t| t.contains("（本周内完成）")),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.contains("（已完成初稿，下周报送）")),
        "{texts:?}"
    );
}

/// Runs `f` on the migration `name` of this backend (up or down).
pub(crate) fn with_migration(app: &TestApp, name: &str, up: bool) {
    use diesel::migration::MigrationSource;
    use diesel_migrations::{FileBasedMigrations, MigrationHarness};
    use workplan::db::DbConnection;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut conn = app.db.get().expect("connection");
    macro_rules! run {
        ($c:expr, $dir:expr, $backend:ty) => {{
            let all = MigrationSource::<$backend>::migrations(
                &FileBasedMigrations::from_path(root.join($dir)).expect("migrations folder"),
            )
            .expect("read migrations");
            let m = all
                .iter()
                .find(|m| m.name().to_string().starts_with(name))
                .expect("the migration");
            if up {
                $c.run_migration(m.as_ref()).expect("up");
            } else {
                $c.revert_migration(m.as_ref()).expect("down");
            }
        }};
    }
    match &mut *conn {
        DbConnection::Sqlite(c) => run!(c, "sqlite", diesel::sqlite::Sqlite),
        DbConnection::Postgres(c) => run!(c, "postgres", diesel::pg::Pg),
    }
}

async fn the_answers_migration_keeps_every_existing_answer(app: TestApp) {
    use diesel::RunQueryDsl;
    let lead = app.division("法规宣传处");
    app.user("office", Role::Office, None);
    app.user("lead", Role::Division, Some(lead));
    let svc = app.service().await;
    let (office, lead_t, item, uid) = urged_item(&svc).await;
    // A second urging of the same item, answered before there was a trail of who answered.
    send(
        &svc,
        post(&office, &format!("/api/v1/items/{item}/urge"), json!({})),
    )
    .await;
    for text in ["先答复", "本周内完成"] {
        let a = send(
            &svc,
            post(
                &lead_t,
                &format!("/api/v1/urgings/{uid}/answer"),
                json!({ "answer": text }),
            ),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    }
    // Back to the old shape: one answer per urging, the latest kept.
    const NAME: &str = "2026-12-07-000030_urging_answers";
    with_migration(&app, NAME, false);
    {
        let mut conn = app.db.get().expect("connection");
        #[derive(diesel::QueryableByName)]
        struct Old {
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
            answer: Option<String>,
        }
        let old: Vec<Old> =
            diesel::sql_query(format!("SELECT answer FROM urgings WHERE id = {uid}"))
                .load(&mut *conn)
                .expect("old column");
        assert_eq!(old[0].answer.as_deref(), Some("本周内完成"));
        diesel::sql_query(format!(
            "UPDATE urgings SET answer = '旧数据的答复', answered_at = NULL WHERE id <> {uid}"
        ))
        .execute(&mut *conn)
        .expect("an answer of the old shape");
    }
    // Forward again: every answer the old columns held is an answer now, nothing lost.
    with_migration(&app, NAME, true);
    let list = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/items/{item}/urgings")),
            &office,
        ),
    )
    .await
    .json();
    let list = list.as_array().expect("list");
    assert_eq!(list.len(), 2);
    let answered = list.iter().find(|u| u["id"] == uid).expect("urging");
    let answers = answered["answers"].as_array().expect("answers");
    assert_eq!(answers.len(), 1, "{answered}");
    assert_eq!(answers[0]["text"], "本周内完成");
    assert_eq!(answers[0]["division"], "法规宣传处");
    assert_eq!(
        answers[0]["answered_by_name"], "lead",
        "who, from the trail"
    );
    assert_eq!(answered["answer"], "本周内完成");
    let other = list.iter().find(|u| u["id"] != uid).expect("other urging");
    assert_eq!(other["answers"][0]["text"], "旧数据的答复");
    assert_eq!(other["answers"][0]["answered_by"], Value::Null);
    assert_eq!(
        other["answers"][0]["answered_at"], other["urged_at"],
        "no time recorded: the urging's own"
    );
    // And answering goes on after it.
    let more = send(
        &svc,
        post(
            &lead_t,
            &format!("/api/v1/urgings/{uid}/answer"),
            json!({"answer": "已完成"}),
        ),
    )
    .await;
    assert_eq!(more.status, StatusCode::OK, "{}", more.body);
    assert_eq!(more.json()["answers"].as_array().map(Vec::len), Some(2));
}

crate::on_both_backends!(
    a_second_answer_is_added_and_the_first_stays,
    the_answers_migration_keeps_every_existing_answer,
    acknowledge_dispute_extend_urge_and_notify,
    the_bulletin_matches_figures_worked_out_by_hand,
    review_decisions_and_due_dates_are_notified_once,
);
