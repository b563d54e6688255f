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

crate::on_both_backends!(
    every_write_route_checks_the_role,
    reads_are_open_to_every_logged_in_role
);
