//! Every write route against every role: only the office writes what this issue offers.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::*;
use workplan::domain::role::Role;

/// One write route: method, path, and the body to send given the current state.
struct Route {
    method: &'static str,
    path: String,
    body: Value,
}

async fn every_write_route_checks_the_role(app: TestApp) {
    let lead = app.division("法规宣传处");
    let other = app.division("计划财务处");
    app.user("office", Role::Office, None);
    app.user("lead_staff", Role::Division, Some(lead));
    app.user("other_staff", Role::Division, Some(other));
    app.user("leader", Role::Leader, None);
    app.user("auditor", Role::Auditor, None);
    let leader_id = app.user("target", Role::Leader, None);
    let svc = app.service().await;
    let office = login(&svc, "office").await;

    let plan = send(
        &svc,
        authed(TestRequest::post().uri("/api/v1/plans"), &office)
            .set_json(json!({"year": 2021, "title": "分工方案"})),
    )
    .await
    .json();
    let plan_id = plan["id"].as_i64().expect("plan id");
    let item = send(
        &svc,
        authed(
            TestRequest::post().uri(&format!("/api/v1/plans/{plan_id}/items")),
            &office,
        )
        .set_json(json!({"number": "1", "task": "发布目录", "lead": ["法规宣传处"]})),
    )
    .await
    .json();
    let item_id = item["id"].as_i64().expect("item id");

    let routes = |n: usize| {
        vec![
            Route {
                method: "POST",
                path: "/api/v1/plans".into(),
                body: json!({"year": 2022, "title": format!("计划{n}")}),
            },
            Route {
                method: "POST",
                path: format!("/api/v1/plans/{plan_id}/items"),
                body: json!({"number": format!("{n}"), "task": "任务"}),
            },
            Route {
                method: "PATCH",
                path: format!("/api/v1/items/{item_id}"),
                body: json!({"version": 1, "task": format!("改{n}")}),
            },
            Route {
                method: "POST",
                path: "/api/v1/divisions".into(),
                body: json!({"name": format!("新处{n}"), "kind": "internal"}),
            },
            Route {
                method: "PATCH",
                path: format!("/api/v1/divisions/{other}"),
                body: json!({"version": 1, "aliases": [format!("别名{n}")]}),
            },
            Route {
                method: "POST",
                path: "/api/v1/users".into(),
                body: json!({"username": format!("new{n}"), "password": PASSWORD, "role": "leader"}),
            },
            Route {
                method: "PATCH",
                path: format!("/api/v1/users/{leader_id}"),
                body: json!({"version": 1, "display_name": format!("名{n}")}),
            },
        ]
    };
    let request = |r: &Route| {
        let req = match r.method {
            "POST" => TestRequest::post(),
            _ => TestRequest::patch(),
        };
        req.uri(&r.path).set_json(r.body.clone())
    };

    // Nobody logged in: 401 everywhere.
    for r in routes(0) {
        let a = send(&svc, request(&r)).await;
        assert_eq!(
            a.status,
            StatusCode::UNAUTHORIZED,
            "anonymous {} {}",
            r.method,
            r.path
        );
    }
    // Every other role, including the item's own lead division: 403, and nothing changes.
    for (i, who) in ["lead_staff", "other_staff", "leader", "auditor"]
        .iter()
        .enumerate()
    {
        let token = login(&svc, who).await;
        for r in routes(i + 1) {
            let a = send(&svc, authed(request(&r), &token)).await;
            assert_eq!(
                a.status,
                StatusCode::FORBIDDEN,
                "{who} {} {}: {}",
                r.method,
                r.path,
                a.body
            );
            assert_eq!(a.code(), "forbidden");
        }
    }
    // The office: every write succeeds (the versions are still 1: nothing else wrote).
    for r in routes(9) {
        let a = send(&svc, authed(request(&r), &office)).await;
        assert!(
            a.status.is_success(),
            "office {} {}: {} {}",
            r.method,
            r.path,
            a.status,
            a.body
        );
    }
    // Audit reading is the office's alone.
    for who in ["lead_staff", "leader", "auditor"] {
        let token = login(&svc, who).await;
        let a = send(
            &svc,
            authed(TestRequest::get().uri("/api/v1/audit"), &token),
        )
        .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{who}");
    }
}

async fn reads_are_open_to_every_logged_in_role(app: TestApp) {
    let d = app.division("办公室");
    app.user("office", Role::Office, None);
    app.user("staff", Role::Division, Some(d));
    app.user("leader", Role::Leader, None);
    app.user("auditor", Role::Auditor, None);
    let svc = app.service().await;
    for who in ["office", "staff", "leader", "auditor"] {
        let token = login(&svc, who).await;
        for path in ["/api/v1/plans", "/api/v1/divisions", "/api/v1/auth/me"] {
            let a = send(&svc, authed(TestRequest::get().uri(path), &token)).await;
            assert_eq!(a.status, StatusCode::OK, "{who} {path}");
        }
        let users = send(
            &svc,
            authed(TestRequest::get().uri("/api/v1/users"), &token),
        )
        .await;
        let want = if who == "office" {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(users.status, want, "{who} /users");
    }
}

/// Every write route of reports, supervision and import, against every role: whoever the
/// route is not for is refused with 403 before anything changes; nobody logged in gets 401.
async fn every_workflow_write_route_refuses_the_wrong_roles(app: TestApp) {
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
    let p =
        |uri: &str, t: &str, body: Value| authed(TestRequest::post().uri(uri), t).set_json(body);
    let plan = send(
        &svc,
        p(
            "/api/v1/plans",
            &office,
            json!({"year": 2031, "title": "方案"}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("plan");
    let item = send(
        &svc,
        p(
            &format!("/api/v1/plans/{plan}/items"),
            &office,
            json!({"number": "1", "task": "任务", "lead": ["法规宣传处"], "support": ["办公室"]}),
        ),
    )
    .await
    .json();
    let i = item["id"].as_i64().expect("item");
    send(
        &svc,
        p(
            &format!("/api/v1/plans/{plan}/periods"),
            &office,
            json!({"period": "2031-Q1"}),
        ),
    )
    .await;
    let r = send(
        &svc,
        p(
            &format!("/api/v1/items/{i}/reports"),
            &lead_t,
            json!({"period": "2031-Q1", "summary": "进展"}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("report");
    let e = send(
        &svc,
        p(
            &format!("/api/v1/items/{i}/extensions"),
            &lead_t,
            json!({"requested_due": "2032-03-31", "reason": "理由"}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("extension");
    send(
        &svc,
        p(
            &format!("/api/v1/items/{i}/urge"),
            &office,
            json!({"message": "催"}),
        ),
    )
    .await;
    let u = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/items/{i}/urgings")),
            &office,
        ),
    )
    .await
    .json()[0]["id"]
        .as_i64()
        .expect("urging");

    let all = ["office", "lead", "support", "other", "leader", "auditor"];
    let routes: Vec<(String, Value, &[&str])> = vec![
        ("/api/v1/plans/import".into(), json!({}), &["office"]),
        (
            format!("/api/v1/plans/{plan}/periods"),
            json!({"period": "2031-Q2"}),
            &["office"],
        ),
        (
            format!("/api/v1/items/{i}/reports"),
            json!({"period": "2031-Q1", "summary": "x"}),
            &["office", "lead"],
        ),
        (
            format!("/api/v1/reports/{r}/submit"),
            json!({}),
            &["office", "lead"],
        ),
        (
            format!("/api/v1/reports/{r}/review"),
            json!({"decision": "accept"}),
            &["office"],
        ),
        (
            format!("/api/v1/reports/{r}/contributions"),
            json!({"text": "x"}),
            &["office", "lead", "support"],
        ),
        (
            format!("/api/v1/reports/{r}/evidence"),
            json!({"url": "https://example.gov.cn/"}),
            &["office", "lead", "support"],
        ),
        (
            format!("/api/v1/items/{i}/acknowledge"),
            json!({}),
            &["office", "lead"],
        ),
        (
            format!("/api/v1/items/{i}/dispute"),
            json!({"reason": "x"}),
            &["office", "lead"],
        ),
        (
            format!("/api/v1/items/{i}/dispute/answer"),
            json!({"division_id": lead, "decision": "keep", "reply": "x"}),
            &["office"],
        ),
        (
            format!("/api/v1/items/{i}/extensions"),
            json!({"requested_due": "2032-06-30", "reason": "x"}),
            &["office", "lead"],
        ),
        (
            format!("/api/v1/extensions/{e}/decide"),
            json!({"approve": true}),
            &["office"],
        ),
        (format!("/api/v1/items/{i}/urge"), json!({}), &["office"]),
        (format!("/api/v1/plans/{plan}/urge"), json!({}), &["office"]),
        (
            format!("/api/v1/urgings/{u}/answer"),
            json!({"answer": "x"}),
            &["office", "lead"],
        ),
    ];
    for (uri, body, allowed) in &routes {
        let anon = send(&svc, TestRequest::post().uri(uri).set_json(body.clone())).await;
        assert_eq!(
            anon.status,
            StatusCode::UNAUTHORIZED,
            "anonymous POST {uri}"
        );
        for who in all.iter().filter(|w| !allowed.contains(w)) {
            let t = login(&svc, who).await;
            let a = send(&svc, p(uri, &t, body.clone())).await;
            assert_eq!(
                a.status,
                StatusCode::FORBIDDEN,
                "{who} POST {uri}: {}",
                a.body
            );
        }
    }
    // The office-only date setting on items, too.
    for who in ["lead", "support", "other", "leader", "auditor"] {
        let t = login(&svc, who).await;
        let a = send(
            &svc,
            authed(TestRequest::patch().uri(&format!("/api/v1/items/{i}")), &t)
                .set_json(json!({"version": item["version"], "due_on": "2031-06-30"})),
        )
        .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{who} PATCH item dates");
    }
}

/// The year-end writes: verdicts, the summary, review-back, the annual report's figures,
/// texts and finalising are the office's; comments the office's and the auditors'.
async fn year_end_write_routes_refuse_the_wrong_roles(app: TestApp) {
    let lead = app.division("法规宣传处");
    app.user("office", Role::Office, None);
    app.user("lead_staff", Role::Division, Some(lead));
    app.user("leader", Role::Leader, None);
    app.user("auditor", Role::Auditor, None);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let plan = |year: i32| {
        authed(TestRequest::post().uri("/api/v1/plans"), &office)
            .set_json(json!({"year": year, "title": format!("{year}方案")}))
    };
    let old = send(&svc, plan(2021)).await.json()["id"]
        .as_i64()
        .expect("plan");
    let new = send(&svc, plan(2022)).await.json()["id"]
        .as_i64()
        .expect("plan");
    let item = send(
        &svc,
        authed(
            TestRequest::post().uri(&format!("/api/v1/plans/{old}/items")),
            &office,
        )
        .set_json(json!({"number": "1", "task": "发布目录", "lead": ["法规宣传处"]})),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("item");
    let routes: Vec<(&str, String, Value, &[&str])> = vec![
        (
            "PUT",
            format!("/api/v1/plans/{old}/evaluation/items/{item}"),
            json!({"verdict": "not_applicable", "reason": "上级调整"}),
            &["office"],
        ),
        (
            "PUT",
            format!("/api/v1/plans/{old}/evaluation/summary"),
            json!({"text": "落实情况"}),
            &["office"],
        ),
        (
            "POST",
            format!("/api/v1/plans/{old}/evaluation/comments"),
            json!({"text": "意见"}),
            &["office", "auditor"],
        ),
        (
            "PUT",
            format!("/api/v1/plans/{old}/annual-report/tables"),
            json!({"applications": {"new": {"natural_person": 1, "total": 1}}}),
            &["office"],
        ),
        (
            "PUT",
            format!("/api/v1/plans/{old}/annual-report/texts"),
            json!({"texts": {"other": "无"}}),
            &["office"],
        ),
        (
            "POST",
            format!("/api/v1/plans/{new}/review-back"),
            json!({"from_plan": old}),
            &["office"],
        ),
        (
            "POST",
            format!("/api/v1/plans/{old}/evaluation/finalise"),
            json!({}),
            &["office"],
        ),
    ];
    let request = |method: &str, path: &str, body: &Value| {
        match method {
            "PUT" => TestRequest::put(),
            _ => TestRequest::post(),
        }
        .uri(path)
        .set_json(body.clone())
    };
    for (method, path, body, _) in &routes {
        let a = send(&svc, request(method, path, body)).await;
        assert_eq!(
            a.status,
            StatusCode::UNAUTHORIZED,
            "anonymous {method} {path}"
        );
    }
    for who in ["lead_staff", "leader", "auditor"] {
        let token = login(&svc, who).await;
        for (method, path, body, allowed) in &routes {
            if allowed.contains(&who) {
                continue;
            }
            let a = send(&svc, authed(request(method, path, body), &token)).await;
            assert_eq!(
                a.status,
                StatusCode::FORBIDDEN,
                "{who} {method} {path}: {}",
                a.body
            );
        }
    }
    for (method, path, body, _) in &routes {
        let a = send(&svc, authed(request(method, path, body), &office)).await;
        assert!(
            a.status.is_success(),
            "office {method} {path}: {} {}",
            a.status,
            a.body
        );
    }
    let auditor = login(&svc, "auditor").await;
    let (_, path, body, _) = &routes[2];
    let a = send(&svc, authed(request("POST", path, body), &auditor)).await;
    assert_eq!(a.status, StatusCode::CONFLICT, "finalised: {}", a.body);
}

crate::on_both_backends!(
    year_end_write_routes_refuse_the_wrong_roles,
    every_write_route_checks_the_role,
    reads_are_open_to_every_logged_in_role,
    every_workflow_write_route_refuses_the_wrong_roles,
);
