//! The 待办 list (issue 17, point 2): each role's entries appear when something waits for it
//! and leave when it is done; notifications name the plan and the division, lead where the
//! thing is done and are read when opened; the office hears of every submitted report; a
//! login lands on /todo; the leader's home shows the year at a glance (point 8).

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::pages::{browser_login, session_of};
use workplan::domain::role::Role;

fn post(token: &str, uri: &str, body: Value) -> TestRequest {
    authed(TestRequest::post().uri(uri), token).set_json(body)
}

/// The caller's list over the API.
async fn todo<S>(svc: &S, token: &str) -> Value
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
{
    let a = send(svc, authed(TestRequest::get().uri("/api/v1/todo"), token)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    a.json()
}

/// The entries of one kind: `(item id, href, detail)`.
fn entries(list: &Value, kind: &str) -> Vec<(i64, String, String)> {
    list["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .filter(|g| g["kind"] == kind)
        .flat_map(|g| g["entries"].as_array().cloned().unwrap_or_default())
        .map(|e| {
            (
                e["item_id"].as_i64().expect("item id"),
                e["href"].as_str().unwrap_or_default().to_string(),
                e["detail"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn total(list: &Value) -> i64 {
    list["total"].as_i64().expect("total")
}

async fn a_division_sees_its_work_come_and_go(app: TestApp) {
    let lead = app.division("法规宣传处");
    let support = app.division("计划财务处");
    app.user("office", Role::Office, None);
    app.user("lead", Role::Division, Some(lead));
    app.user("support", Role::Division, Some(support));
    app.user("leader", Role::Leader, None);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let lead_t = login(&svc, "lead").await;
    let support_t = login(&svc, "support").await;
    let leader_t = login(&svc, "leader").await;

    let plan = send(
        &svc,
        post(
            &office,
            "/api/v1/plans",
            json!({"year": 2031, "title": "分工方案"}),
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
            json!({"number": "1", "task": "发布目录", "lead": ["法规宣传处"], "support": ["计划财务处"]}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("item");

    // Assigned: the lead must acknowledge; nobody else has anything yet.
    let list = todo(&svc, &lead_t).await;
    assert_eq!(
        entries(&list, "acknowledge"),
        vec![(
            item,
            format!("/items/{item}#supervision"),
            "完成时限 2031-12-31".to_string()
        )]
    );
    assert_eq!(total(&list), 1);
    assert_eq!(total(&todo(&svc, &support_t).await), 0);
    let leader_list = todo(&svc, &leader_t).await;
    assert_eq!(total(&leader_list), 0, "leaders have no list");
    assert_eq!(leader_list["groups"], json!([]));
    // The notice names the plan and the division and leads to the place of the work.
    let inbox = send(
        &svc,
        authed(TestRequest::get().uri("/api/v1/notifications"), &lead_t),
    )
    .await
    .json();
    let n = &inbox["notifications"][0];
    assert_eq!(
        n["text"],
        "法规宣传处有新分工（牵头）：2031年《分工方案》1. 发布目录，请签收"
    );
    assert_eq!(n["link"], format!("/items/{item}#supervision"));

    let a = send(
        &svc,
        post(
            &lead_t,
            &format!("/api/v1/items/{item}/acknowledge"),
            json!({}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(entries(&todo(&svc, &lead_t).await, "acknowledge").is_empty());

    // A period opens: the lead owes its report, written from the form.
    let a = send(
        &svc,
        post(
            &office,
            &format!("/api/v1/plans/{plan}/periods"),
            json!({"period": "2031-Q1"}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let owed = entries(&todo(&svc, &lead_t).await, "write_report");
    assert_eq!(owed.len(), 1, "{owed:?}");
    assert_eq!(owed[0].1, format!("/items/{item}#report-form"));
    assert!(owed[0].2.contains("2031-Q1"), "{owed:?}");
    // The supporting division is asked at once: its part does not wait for the lead's report.
    let asked = entries(&todo(&svc, &support_t).await, "contribute");
    assert_eq!(
        asked.iter().map(|e| e.1.clone()).collect::<Vec<_>>(),
        vec![format!("/items/{item}#contribution-2031-Q1")]
    );

    // A draft is still owed (to be handed in), and the supporting division is still asked.
    let report = send(
        &svc,
        post(
            &lead_t,
            &format!("/api/v1/items/{item}/reports"),
            json!({"period": "2031-Q1", "summary": "已发布目录"}),
        ),
    )
    .await
    .json();
    let report_id = report["id"].as_i64().expect("report");
    let owed = entries(&todo(&svc, &lead_t).await, "write_report");
    assert_eq!(owed.len(), 1);
    assert_eq!(owed[0].1, format!("/items/{item}#report-{report_id}"));
    assert!(owed[0].2.contains("草稿"), "{owed:?}");
    let asked = entries(&todo(&svc, &support_t).await, "contribute");
    assert_eq!(
        asked.iter().map(|e| e.1.clone()).collect::<Vec<_>>(),
        vec![format!("/items/{item}#contribution-2031-Q1")]
    );
    let a = send(
        &svc,
        post(
            &support_t,
            &format!("/api/v1/reports/{report_id}/contributions"),
            json!({"text": "提供了数据"}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(total(&todo(&svc, &support_t).await), 0, "contributed");

    // Submitted: nothing left for the lead; the office is told, with the way to the report.
    let submitted = send(
        &svc,
        post(
            &lead_t,
            &format!("/api/v1/reports/{report_id}/submit"),
            json!({"version": report["version"]}),
        ),
    )
    .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);
    assert_eq!(total(&todo(&svc, &lead_t).await), 0);
    let inbox = send(
        &svc,
        authed(
            TestRequest::get().uri("/api/v1/notifications?unread=true"),
            &office,
        ),
    )
    .await
    .json();
    let told = inbox["notifications"]
        .as_array()
        .expect("list")
        .iter()
        .find(|n| n["kind"] == "submitted")
        .cloned()
        .expect("the office hears of the submission");
    assert_eq!(
        told["text"],
        "法规宣传处报送了 2031-Q1 报告，请审核：2031年《分工方案》1. 发布目录"
    );
    assert_eq!(told["link"], format!("/items/{item}#report-{report_id}"));

    // Returned: the lead corrects it, with the office's comment beside the entry.
    let version = submitted.json()["version"].clone();
    let a = send(
        &svc,
        post(
            &office,
            &format!("/api/v1/reports/{report_id}/review"),
            json!({"decision": "return", "comment": "请补充链接", "version": version}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let returned = entries(&todo(&svc, &lead_t).await, "correct_report");
    assert_eq!(returned.len(), 1);
    assert_eq!(returned[0].1, format!("/items/{item}#report-{report_id}"));
    assert!(returned[0].2.contains("请补充链接"), "{returned:?}");
    let version = a.json()["version"].clone();
    let rewritten = send(
        &svc,
        post(
            &lead_t,
            &format!("/api/v1/items/{item}/reports"),
            json!({"period": "2031-Q1", "summary": "已发布目录，链接见附件", "version": version}),
        ),
    )
    .await
    .json();
    let a = send(
        &svc,
        post(
            &lead_t,
            &format!("/api/v1/reports/{report_id}/submit"),
            json!({"version": rewritten["version"]}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(total(&todo(&svc, &lead_t).await), 0);

    // Urged: the lead answers, and the entry goes.
    let a = send(
        &svc,
        post(
            &office,
            &format!("/api/v1/items/{item}/urge"),
            json!({"message": "请加快"}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let urged = entries(&todo(&svc, &lead_t).await, "answer_urging");
    assert_eq!(urged.len(), 1);
    let urging = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/items/{item}/urgings")),
            &lead_t,
        ),
    )
    .await
    .json()[0]["id"]
        .as_i64()
        .expect("urging");
    assert_eq!(urged[0].1, format!("/items/{item}#urging-{urging}"));
    assert!(urged[0].2.contains("请加快"), "{urged:?}");
    let a = send(
        &svc,
        post(
            &lead_t,
            &format!("/api/v1/urgings/{urging}/answer"),
            json!({"answer": "本周完成"}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(total(&todo(&svc, &lead_t).await), 0);
}

async fn the_office_sees_what_waits_for_it_come_and_go(app: TestApp) {
    let lead = app.division("法规宣传处");
    app.user("office", Role::Office, None);
    app.user("lead", Role::Division, Some(lead));
    let sample = app.import_sample(2031);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let lead_t = login(&svc, "lead").await;

    // The import left placeholders and dates waiting for higher authorities.
    let list = todo(&svc, &office).await;
    let placeholders = entries(&list, "name_divisions");
    let waiting = entries(&list, "set_date");
    assert!(!placeholders.is_empty() && !waiting.is_empty(), "{list}");
    let items = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/plans/{sample}/items")),
            &office,
        ),
    )
    .await
    .json();
    let by_number = |n: &str| -> Value {
        items
            .as_array()
            .or_else(|| items["items"].as_array())
            .expect("items")
            .iter()
            .find(|i| i["number"] == n)
            .cloned()
            .expect("item")
    };
    let (n27, n5) = (by_number("27"), by_number("5"));
    let (id27, id5) = (
        n27["id"].as_i64().expect("id"),
        n5["id"].as_i64().expect("id"),
    );
    let named = placeholders
        .iter()
        .find(|e| e.0 == id27)
        .expect("27 names 各有关处室");
    assert_eq!(named.1, format!("/items/{id27}#office-assign"));
    assert!(named.2.contains("各有关处室"), "{named:?}");
    assert!(
        waiting.iter().any(|e| e.0 == id5),
        "5 waits for 市发展改革委"
    );

    // The office names real divisions and sets the date: both entries go.
    let a = send(
        &svc,
        authed(
            TestRequest::patch().uri(&format!("/api/v1/items/{id27}")),
            &office,
        )
        .set_json(json!({"version": n27["version"], "support": ["法规宣传处"]})),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = send(
        &svc,
        authed(
            TestRequest::patch().uri(&format!("/api/v1/items/{id5}")),
            &office,
        )
        .set_json(json!({"version": n5["version"], "due_on": "2031-10-31"})),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let list = todo(&svc, &office).await;
    assert!(!entries(&list, "name_divisions").iter().any(|e| e.0 == id27));
    assert!(!entries(&list, "set_date").iter().any(|e| e.0 == id5));
    let before = total(&list);

    // A plan of the office's own: a report to review, a dispute and an extension request.
    let plan = send(
        &svc,
        post(
            &office,
            "/api/v1/plans",
            json!({"year": 2032, "title": "要点"}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("plan");
    let new_item = |n: &str| {
        post(
            &office,
            &format!("/api/v1/plans/{plan}/items"),
            json!({"number": n, "task": format!("任务{n}"), "lead": ["法规宣传处"]}),
        )
    };
    let one = send(&svc, new_item("1")).await.json()["id"]
        .as_i64()
        .expect("item");
    let two = send(&svc, new_item("2")).await.json()["id"]
        .as_i64()
        .expect("item");
    send(
        &svc,
        post(
            &office,
            &format!("/api/v1/plans/{plan}/periods"),
            json!({"period": "2032-Q1"}),
        ),
    )
    .await;
    let report = send(
        &svc,
        post(
            &lead_t,
            &format!("/api/v1/items/{one}/reports"),
            json!({"period": "2032-Q1", "summary": "进展"}),
        ),
    )
    .await
    .json();
    let report_id = report["id"].as_i64().expect("report");
    let submitted = send(
        &svc,
        post(
            &lead_t,
            &format!("/api/v1/reports/{report_id}/submit"),
            json!({"version": report["version"]}),
        ),
    )
    .await
    .json();
    let a = send(
        &svc,
        post(
            &lead_t,
            &format!("/api/v1/items/{two}/dispute"),
            json!({"reason": "不属于本处职责"}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let extension = send(
        &svc,
        post(
            &lead_t,
            &format!("/api/v1/items/{one}/extensions"),
            json!({"requested_due": "2033-03-31", "reason": "等待数据"}),
        ),
    )
    .await;
    assert_eq!(extension.status, StatusCode::CREATED, "{}", extension.body);
    let extension = extension.json();

    let list = todo(&svc, &office).await;
    let review = entries(&list, "review_report");
    assert_eq!(
        review,
        vec![(
            one,
            format!("/items/{one}#report-{report_id}"),
            "2032-Q1 报告".to_string()
        )]
    );
    let disputes = entries(&list, "answer_dispute");
    assert_eq!(disputes.len(), 1);
    assert_eq!(disputes[0].0, two);
    assert_eq!(disputes[0].1, format!("/items/{two}#supervision"));
    assert!(disputes[0].2.contains("不属于本处职责"));
    let extensions = entries(&list, "decide_extension");
    assert_eq!(extensions.len(), 1);
    assert_eq!(extensions[0].1, format!("/items/{one}#supervision"));
    assert!(extensions[0].2.contains("2033-03-31"), "{extensions:?}");
    assert_eq!(total(&list), before + 3);
    let group = list["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["kind"] == "answer_dispute")
        .expect("group");
    assert_eq!(group["heading"], "待答复的分工异议");
    assert_eq!(group["entries"][0]["division"], "法规宣传处");
    assert_eq!(group["entries"][0]["plan"], "2032年《要点》");

    // Each is done, and each goes.
    let a = send(
        &svc,
        post(
            &office,
            &format!("/api/v1/reports/{report_id}/review"),
            json!({"decision": "accept", "version": submitted["version"]}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = send(
        &svc,
        post(
            &office,
            &format!("/api/v1/items/{two}/dispute/answer"),
            json!({"division_id": lead, "decision": "keep", "reply": "职责如此"}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = send(
        &svc,
        post(
            &office,
            &format!("/api/v1/extensions/{}/decide", extension["id"]),
            json!({"approve": true, "version": extension["version"]}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(total(&todo(&svc, &office).await), before);
}

async fn login_lands_on_todo_and_notifications_open_where_the_work_is(app: TestApp) {
    let lead = app.division("法规宣传处");
    app.user("office", Role::Office, None);
    app.user("lead", Role::Division, Some(lead));
    app.user("leader", Role::Leader, None);
    app.user("auditor", Role::Auditor, None);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let plan = send(
        &svc,
        post(
            &office,
            "/api/v1/plans",
            json!({"year": 2031, "title": "分工方案"}),
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

    // Office and division staff land on their list; leaders and auditors on the home page.
    for (who, to) in [
        ("office", "/todo"),
        ("lead", "/todo"),
        ("leader", "/"),
        ("auditor", "/"),
    ] {
        let a = browser_login(&svc, who, PASSWORD).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{who}");
        assert_eq!(a.header("location").as_deref(), Some(to), "{who}");
    }

    // The division's list, with the count in the navigation of every page.
    let lead_cookie = session_of(&browser_login(&svc, "lead", PASSWORD).await);
    let page = send(
        &svc,
        TestRequest::get().uri("/todo").cookie(lead_cookie.clone()),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("待签收的分工（1）"), "{}", page.body);
    assert!(
        page.body
            .contains(&format!("href=\"/items/{item}#supervision\"")),
        "{}",
        page.body
    );
    assert!(page.body.contains("2031年《分工方案》"));
    for uri in ["/todo", "/my", "/notifications"] {
        let p = send(
            &svc,
            TestRequest::get().uri(uri).cookie(lead_cookie.clone()),
        )
        .await;
        assert!(
            p.body.contains("id=\"todo-count\">1</span>"),
            "{uri}: {}",
            p.body
        );
    }

    // Opening the notice marks it read and goes to the place of the work.
    let inbox = send(
        &svc,
        TestRequest::get()
            .uri("/notifications")
            .cookie(lead_cookie.clone()),
    )
    .await;
    assert!(
        inbox.body.contains("id=\"unread-count\">1<"),
        "{}",
        inbox.body
    );
    let id = send(
        &svc,
        authed(
            TestRequest::get().uri("/api/v1/notifications"),
            &login(&svc, "lead").await,
        ),
    )
    .await
    .json()["notifications"][0]["id"]
        .as_i64()
        .expect("notification");
    assert!(inbox
        .body
        .contains(&format!("href=\"/notifications/{id}\"")));
    let opened = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/notifications/{id}"))
            .cookie(lead_cookie.clone()),
    )
    .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    assert_eq!(
        opened.header("location"),
        Some(format!("/items/{item}#supervision"))
    );
    let after = send(
        &svc,
        TestRequest::get()
            .uri("/notifications")
            .cookie(lead_cookie.clone()),
    )
    .await;
    assert!(!after.body.contains("id=\"unread-count\""), "read now");
    // Someone else's notice (or one that is gone) leads to the user's own list.
    let office_cookie = session_of(&browser_login(&svc, "office", PASSWORD).await);
    let other = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/notifications/{id}"))
            .cookie(office_cookie),
    )
    .await;
    assert_eq!(other.header("location").as_deref(), Some("/notifications"));

    // Leaders have no list and no count.
    let leader_cookie = session_of(&browser_login(&svc, "leader", PASSWORD).await);
    let page = send(
        &svc,
        TestRequest::get()
            .uri("/todo")
            .cookie(leader_cookie.clone()),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"todo-none\""));
    assert!(
        !page.body.contains("href=\"/todo\""),
        "no 待办 link for leaders"
    );
}

async fn the_leader_sees_the_year_at_a_glance(app: TestApp) {
    let lead = app.division("法规宣传处");
    app.division("计划财务处");
    app.user("office", Role::Office, None);
    app.user("lead", Role::Division, Some(lead));
    app.user("leader", Role::Leader, None);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let plan = send(
        &svc,
        post(
            &office,
            "/api/v1/plans",
            json!({"year": 2031, "title": "分工方案"}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("plan");
    for (n, lead) in [
        ("1", "法规宣传处"),
        ("2", "法规宣传处"),
        ("3", "计划财务处"),
    ] {
        send(
            &svc,
            post(
                &office,
                &format!("/api/v1/plans/{plan}/items"),
                json!({"number": n, "task": format!("任务{n}"), "lead": [lead]}),
            ),
        )
        .await;
    }
    let cookie = session_of(&browser_login(&svc, "leader", PASSWORD).await);
    let home = send(&svc, TestRequest::get().uri("/").cookie(cookie)).await;
    assert_eq!(home.status, StatusCode::OK);
    let chart = home
        .body
        .split("id=\"division-chart\"")
        .nth(1)
        .expect("the chart by division")
        .split("</div>\n{% endif %}")
        .next()
        .unwrap_or_default();
    assert!(
        chart.contains("法规宣传处") && chart.contains("0/2（0%）"),
        "{chart}"
    );
    assert!(
        chart.contains("计划财务处") && chart.contains("0/1（0%）"),
        "{chart}"
    );
    for id in ["glance-overdue", "glance-awaiting", "glance-upcoming"] {
        assert!(home.body.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(home.body.contains("2031年《分工方案》 · 全年一览"));
}

crate::on_both_backends!(
    a_division_sees_its_work_come_and_go,
    the_office_sees_what_waits_for_it_come_and_go,
    login_lands_on_todo_and_notifications_open_where_the_work_is,
    the_leader_sees_the_year_at_a_glance,
);
