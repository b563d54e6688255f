//! Every route against every role: one table of every API operation and who may call it,
//! and the writes whose success paths need their own checks.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::pages::{browser_login, session_of};
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
            "POST",
            format!("/api/v1/plans/{old}/evaluation/confirm-all"),
            json!({}),
            &["office"],
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
    every_api_operation_answers_each_role_as_its_table_says,
    every_page_route_checks_the_session_the_role_and_csrf,
);

/// Every role the tables below name, and their accounts.
const EVERYONE: [&str; 6] = ["office", "lead", "support", "other", "leader", "auditor"];
/// Any logged-in user.
const ANY: &[&str] = &EVERYONE;
const OFFICE: &[&str] = &["office"];
/// The item's lead division, or the office acting for it.
const LEAD: &[&str] = &["office", "lead"];
/// What only its own division and the read-everything roles read (a draft, a calendar).
const OWN: &[&str] = &["office", "lead", "leader", "auditor"];
/// The item's lead or supporting divisions, or the office.
const ASSIGNED: &[&str] = &["office", "lead", "support"];

/// The divisions and accounts the route tables call with: one account per name in
/// [`EVERYONE`]; the item under test is led by `lead` and supported by `support`.
struct Cast {
    lead: i32,
    other: i32,
    auditor: i32,
    /// An account nobody logs in as.
    spare: i32,
}

fn cast(app: &TestApp) -> Cast {
    let lead = app.division("法规宣传处");
    let support = app.division("办公室");
    let other = app.division("计划财务处");
    app.user("office", Role::Office, None);
    app.user("lead", Role::Division, Some(lead));
    app.user("support", Role::Division, Some(support));
    app.user("other", Role::Division, Some(other));
    // Read-only accounts may carry a division (a division's leader); it gives them no writes.
    app.user("leader", Role::Leader, Some(lead));
    let auditor = app.user("auditor", Role::Auditor, Some(lead));
    let spare = app.user("spare", Role::Leader, None);
    Cast {
        lead,
        other,
        auditor,
        spare,
    }
}

/// One API operation: how to call it and who may.
struct Operation {
    method: &'static str,
    /// The path as the OpenAPI document writes it.
    template: &'static str,
    path: String,
    body: Option<Value>,
    allowed: &'static [&'static str],
}

/// Every operation of the API, against anonymous callers and every role: anonymous gets
/// 401, a role the operation is not for gets 403 (before anything is read or written), the
/// roles it is for get neither, nobody gets a 5xx, and every answer carries the security
/// headers. The table must name exactly the operations the OpenAPI document describes, so
/// a new route cannot be added without saying who may call it.
async fn every_api_operation_answers_each_role_as_its_table_says(app: TestApp) {
    let Cast {
        lead,
        other,
        auditor,
        spare,
    } = cast(&app);
    let svc = app.service().await;
    let mut tokens = std::collections::HashMap::new();
    for who in EVERYONE {
        tokens.insert(who, login(&svc, who).await);
    }
    let post = |uri: &str, who: &str, body: Value| {
        authed(TestRequest::post().uri(uri), &tokens[who]).set_json(body)
    };
    let id = |v: Value| v["id"].as_i64().unwrap_or_else(|| panic!("no id: {v}"));
    let plan = id(send(
        &svc,
        post(
            "/api/v1/plans",
            "office",
            json!({"year": 2031, "title": "方案"}),
        ),
    )
    .await
    .json());
    let next = id(send(
        &svc,
        post(
            "/api/v1/plans",
            "office",
            json!({"year": 2032, "title": "新方案"}),
        ),
    )
    .await
    .json());
    let item = id(send(
        &svc,
        post(
            &format!("/api/v1/plans/{plan}/items"),
            "office",
            json!({"number": "1", "task": "发布目录", "lead": ["法规宣传处"], "support": ["办公室"]}),
        ),
    )
    .await
    .json());
    send(
        &svc,
        post(
            &format!("/api/v1/plans/{plan}/periods"),
            "office",
            json!({"period": "2031-Q1"}),
        ),
    )
    .await;
    let report = id(send(
        &svc,
        post(
            &format!("/api/v1/items/{item}/reports"),
            "lead",
            json!({"period": "2031-Q1", "summary": "进展"}),
        ),
    )
    .await
    .json());
    let evidence = id(send(
        &svc,
        post(
            &format!("/api/v1/reports/{report}/evidence"),
            "lead",
            json!({"url": "https://www.gz.gov.cn/"}),
        ),
    )
    .await
    .json());
    let extension = id(send(
        &svc,
        post(
            &format!("/api/v1/items/{item}/extensions"),
            "lead",
            json!({"requested_due": "2032-03-31", "reason": "理由"}),
        ),
    )
    .await
    .json());
    send(
        &svc,
        post(
            &format!("/api/v1/items/{item}/urge"),
            "office",
            json!({"message": "催"}),
        ),
    )
    .await;
    let urgings = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/items/{item}/urgings")),
            &tokens["office"],
        ),
    )
    .await
    .json();
    let urging = id(urgings[0].clone());

    let op = |method, template, path: String, body: Option<Value>, allowed| Operation {
        method,
        template,
        path,
        body,
        allowed,
    };
    let p = format!("/api/v1/plans/{plan}");
    let i = format!("/api/v1/items/{item}");
    let r = format!("/api/v1/reports/{report}");
    let b = |v: Value| Some(v);
    let operations = vec![
        op("GET", "/api/v1/agency", "/api/v1/agency".into(), None, ANY),
        op(
            "PUT",
            "/api/v1/agency",
            "/api/v1/agency".into(),
            b(json!({"full_name": "广州市体育局", "version": 0})),
            OFFICE,
        ),
        op(
            "GET",
            "/api/v1/agencies",
            "/api/v1/agencies".into(),
            None,
            OFFICE,
        ),
        op(
            "POST",
            "/api/v1/agencies",
            "/api/v1/agencies".into(),
            b(
                json!({"full_name": "广州市体育局青少年业余体校", "short_name": "业余体校",
                     "office_username": "tixiao", "office_password": "tixiao-password-1"}),
            ),
            OFFICE,
        ),
        op("GET", "/api/v1/audit", "/api/v1/audit".into(), None, OFFICE),
        op(
            "GET",
            "/api/v1/auth/me",
            "/api/v1/auth/me".into(),
            None,
            ANY,
        ),
        op(
            "POST",
            "/api/v1/auth/me/feed-token",
            "/api/v1/auth/me/feed-token".into(),
            b(json!({})),
            ANY,
        ),
        op(
            "GET",
            "/api/v1/divisions",
            "/api/v1/divisions".into(),
            None,
            ANY,
        ),
        op(
            "POST",
            "/api/v1/divisions",
            "/api/v1/divisions".into(),
            b(json!({"name": "新处室", "kind": "internal"})),
            OFFICE,
        ),
        op(
            "PATCH",
            "/api/v1/divisions/{id}",
            format!("/api/v1/divisions/{other}"),
            b(json!({"version": 1, "aliases": ["财务处"]})),
            OFFICE,
        ),
        op(
            "GET",
            "/api/v1/divisions/{id}/calendar.ics",
            format!("/api/v1/divisions/{lead}/calendar.ics"),
            None,
            OWN,
        ),
        op(
            "GET",
            "/api/v1/evidence/{id}/file",
            format!("/api/v1/evidence/{evidence}/file"),
            None,
            OWN,
        ),
        op(
            "POST",
            "/api/v1/extensions/{id}/decide",
            format!("/api/v1/extensions/{extension}/decide"),
            b(json!({"approve": false, "comment": "不同意"})),
            OFFICE,
        ),
        op("GET", "/api/v1/items/{id}", i.clone(), None, ANY),
        op(
            "PATCH",
            "/api/v1/items/{id}",
            i.clone(),
            b(json!({"version": 1, "task": "发布目录（改）"})),
            OFFICE,
        ),
        op(
            "POST",
            "/api/v1/items/{id}/acknowledge",
            format!("{i}/acknowledge"),
            b(json!({})),
            LEAD,
        ),
        op(
            "POST",
            "/api/v1/items/{id}/dispute",
            format!("{i}/dispute"),
            b(json!({"reason": "不属本处职责"})),
            LEAD,
        ),
        op(
            "POST",
            "/api/v1/items/{id}/dispute/answer",
            format!("{i}/dispute/answer"),
            b(json!({"division_id": lead, "decision": "keep", "reply": "维持"})),
            OFFICE,
        ),
        op(
            "GET",
            "/api/v1/items/{id}/extensions",
            format!("{i}/extensions"),
            None,
            ANY,
        ),
        op(
            "POST",
            "/api/v1/items/{id}/extensions",
            format!("{i}/extensions"),
            b(json!({"requested_due": "2032-06-30", "reason": "理由"})),
            LEAD,
        ),
        op(
            "POST",
            "/api/v1/items/{id}/reports",
            format!("{i}/reports"),
            b(json!({"period": "2031-Q1", "summary": "进展"})),
            LEAD,
        ),
        // Only an agency's office acting in its parent's plan drafts from below: in a
        // one-agency deployment nobody may.
        op(
            "POST",
            "/api/v1/items/{id}/reports/draft-from-below",
            format!("{i}/reports/draft-from-below"),
            b(json!({"period": "2031-Q1"})),
            &[],
        ),
        op(
            "POST",
            "/api/v1/items/{id}/urge",
            format!("{i}/urge"),
            b(json!({})),
            OFFICE,
        ),
        op(
            "PUT",
            "/api/v1/items/{id}/divisions",
            format!("{i}/divisions"),
            b(json!({"version": 1, "lead": ["法规宣传处"], "support": ["办公室"]})),
            OFFICE,
        ),
        op(
            "PUT",
            "/api/v1/items/{id}/due",
            format!("{i}/due"),
            b(json!({"version": 1, "due_on": "2031-09-30"})),
            OFFICE,
        ),
        op(
            "PUT",
            "/api/v1/items/{id}/contributions/{period}",
            format!("{i}/contributions/2031-Q1"),
            b(json!({"text": "配合情况"})),
            ASSIGNED,
        ),
        op(
            "POST",
            "/api/v1/plans/{id}/items/bulk",
            format!("{p}/items/bulk"),
            b(json!({"items": [item], "support": ["办公室"]})),
            OFFICE,
        ),
        op(
            "GET",
            "/api/v1/items/{id}/urgings",
            format!("{i}/urgings"),
            None,
            ANY,
        ),
        op(
            "GET",
            "/api/v1/notifications",
            "/api/v1/notifications".into(),
            None,
            ANY,
        ),
        op(
            "POST",
            "/api/v1/notifications/read",
            "/api/v1/notifications/read".into(),
            b(json!({})),
            ANY,
        ),
        op("GET", "/api/v1/todo", "/api/v1/todo".into(), None, ANY),
        op("GET", "/api/v1/plans", "/api/v1/plans".into(), None, ANY),
        op(
            "POST",
            "/api/v1/plans",
            "/api/v1/plans".into(),
            b(json!({"year": 2033, "title": "另一方案"})),
            OFFICE,
        ),
        op(
            "POST",
            "/api/v1/plans/import",
            "/api/v1/plans/import".into(),
            b(json!({})),
            OFFICE,
        ),
        op("GET", "/api/v1/plans/{id}", p.clone(), None, ANY),
        // No agency below and no plan above here: the office is answered 422 / an empty list.
        op(
            "POST",
            "/api/v1/plans/{id}/hand-down",
            format!("{p}/hand-down"),
            b(json!({})),
            OFFICE,
        ),
        op(
            "GET",
            "/api/v1/plans/{id}/upper-changes",
            format!("{p}/upper-changes"),
            None,
            OFFICE,
        ),
        op(
            "POST",
            "/api/v1/items/{id}/take-upper",
            format!("{i}/take-upper"),
            b(json!({})),
            OFFICE,
        ),
        op(
            "POST",
            "/api/v1/plans/{id}/acknowledge",
            format!("{p}/acknowledge"),
            b(json!({})),
            &["lead", "support", "other"],
        ),
        op(
            "GET",
            "/api/v1/plans/{id}/annual-report",
            format!("{p}/annual-report"),
            None,
            ANY,
        ),
        op(
            "POST",
            "/api/v1/plans/{id}/annual-report/check",
            format!("{p}/annual-report/check"),
            b(json!({})),
            ANY,
        ),
        op(
            "POST",
            "/api/v1/plans/{id}/annual-report/finalise",
            format!("{p}/annual-report/finalise"),
            b(json!({})),
            OFFICE,
        ),
        op(
            "POST",
            "/api/v1/plans/{id}/annual-report/import",
            format!("{p}/annual-report/import"),
            b(json!({})),
            OFFICE,
        ),
        op(
            "PUT",
            "/api/v1/plans/{id}/annual-report/tables",
            format!("{p}/annual-report/tables"),
            b(json!({"applications": {"new": {"natural_person": 1, "total": 1}}})),
            OFFICE,
        ),
        op(
            "PUT",
            "/api/v1/plans/{id}/annual-report/texts",
            format!("{p}/annual-report/texts"),
            b(json!({"texts": {"other": "无"}})),
            OFFICE,
        ),
        op(
            "GET",
            "/api/v1/plans/{id}/bulletin",
            format!("{p}/bulletin"),
            None,
            ANY,
        ),
        op(
            "GET",
            "/api/v1/plans/{id}/evaluation",
            format!("{p}/evaluation"),
            None,
            ANY,
        ),
        op(
            "POST",
            "/api/v1/plans/{id}/evaluation/comments",
            format!("{p}/evaluation/comments"),
            b(json!({"text": "意见"})),
            &["office", "auditor"],
        ),
        op(
            "POST",
            "/api/v1/plans/{id}/evaluation/confirm-all",
            format!("{p}/evaluation/confirm-all"),
            b(json!({})),
            OFFICE,
        ),
        op(
            "POST",
            "/api/v1/plans/{id}/evaluation/finalise",
            format!("{p}/evaluation/finalise"),
            b(json!({})),
            OFFICE,
        ),
        op(
            "PUT",
            "/api/v1/plans/{id}/evaluation/items/{item_id}",
            format!("{p}/evaluation/items/{item}"),
            b(json!({"verdict": "not_applicable", "reason": "上级调整"})),
            OFFICE,
        ),
        op(
            "PUT",
            "/api/v1/plans/{id}/evaluation/summary",
            format!("{p}/evaluation/summary"),
            b(json!({"text": "落实情况"})),
            OFFICE,
        ),
        op(
            "GET",
            "/api/v1/plans/{id}/export/annual-report.docx",
            format!("{p}/export/annual-report.docx"),
            None,
            ANY,
        ),
        op(
            "GET",
            "/api/v1/plans/{id}/export/annual-report.xlsx",
            format!("{p}/export/annual-report.xlsx"),
            None,
            ANY,
        ),
        op(
            "GET",
            "/api/v1/plans/{id}/export/bulletin.xlsx",
            format!("{p}/export/bulletin.xlsx"),
            None,
            ANY,
        ),
        op(
            "GET",
            "/api/v1/plans/{id}/export/progress.xlsx",
            format!("{p}/export/progress.xlsx?period=2031-Q1&division={lead}"),
            None,
            &["office", "lead", "leader", "auditor"],
        ),
        op(
            "GET",
            "/api/v1/plans/{id}/export/{kind}.xlsx",
            format!("{p}/export/ledger.xlsx"),
            None,
            ANY,
        ),
        op(
            "GET",
            "/api/v1/plans/{id}/items",
            format!("{p}/items"),
            None,
            ANY,
        ),
        op(
            "POST",
            "/api/v1/plans/{id}/items",
            format!("{p}/items"),
            b(json!({"number": "2", "task": "任务"})),
            OFFICE,
        ),
        op(
            "GET",
            "/api/v1/plans/{id}/periods",
            format!("{p}/periods"),
            None,
            ANY,
        ),
        op(
            "POST",
            "/api/v1/plans/{id}/periods",
            format!("{p}/periods"),
            b(json!({"period": "2031-Q2"})),
            OFFICE,
        ),
        op(
            "POST",
            "/api/v1/plans/{id}/progress-upload",
            format!("{p}/progress-upload"),
            b(json!({})),
            &["lead", "support", "other"],
        ),
        op(
            "GET",
            "/api/v1/plans/{id}/review-back",
            format!("/api/v1/plans/{next}/review-back?from_plan={plan}"),
            None,
            ANY,
        ),
        op(
            "POST",
            "/api/v1/plans/{id}/review-back",
            format!("/api/v1/plans/{next}/review-back"),
            b(json!({"from_plan": plan})),
            OFFICE,
        ),
        op(
            "GET",
            "/api/v1/plans/{id}/unacknowledged",
            format!("{p}/unacknowledged"),
            None,
            ANY,
        ),
        op(
            "POST",
            "/api/v1/plans/{id}/urge",
            format!("{p}/urge"),
            b(json!({})),
            OFFICE,
        ),
        op("GET", "/api/v1/reports/{id}", r.clone(), None, OWN),
        op(
            "POST",
            "/api/v1/reports/{id}/contributions",
            format!("{r}/contributions"),
            b(json!({"text": "配合情况"})),
            ASSIGNED,
        ),
        op(
            "POST",
            "/api/v1/reports/{id}/evidence",
            format!("{r}/evidence"),
            b(json!({"url": "https://www.gz.gov.cn/a"})),
            ASSIGNED,
        ),
        op(
            "POST",
            "/api/v1/reports/{id}/review",
            format!("{r}/review"),
            b(json!({"decision": "return", "comment": "请补充"})),
            OFFICE,
        ),
        op(
            "POST",
            "/api/v1/reports/{id}/submit",
            format!("{r}/submit"),
            b(json!({})),
            LEAD,
        ),
        op(
            "POST",
            "/api/v1/urgings/{id}/answer",
            format!("/api/v1/urgings/{urging}/answer"),
            b(json!({"answer": "正在办理"})),
            LEAD,
        ),
        op("GET", "/api/v1/users", "/api/v1/users".into(), None, OFFICE),
        op(
            "POST",
            "/api/v1/users",
            "/api/v1/users".into(),
            b(json!({"username": "new_user", "password": PASSWORD, "role": "leader"})),
            OFFICE,
        ),
        op(
            "PATCH",
            "/api/v1/users/{id}",
            format!("/api/v1/users/{auditor}"),
            b(json!({"version": 1, "display_name": "审计"})),
            OFFICE,
        ),
        op(
            "POST",
            "/api/v1/auth/login",
            "/api/v1/auth/login".into(),
            b(json!({"username": "leader", "password": PASSWORD})),
            &[],
        ),
        op(
            "GET",
            "/api/v1/users/{id}/sessions",
            format!("/api/v1/users/{auditor}/sessions"),
            None,
            OFFICE,
        ),
        // A user of nobody's token here: ending their sessions leaves the cast logged in.
        op(
            "POST",
            "/api/v1/users/{id}/sessions/end",
            format!("/api/v1/users/{spare}/sessions/end"),
            b(json!({})),
            OFFICE,
        ),
        op(
            "POST",
            "/api/v1/users/{id}/sessions/{session_id}/end",
            format!("/api/v1/users/{spare}/sessions/1/end"),
            b(json!({})),
            OFFICE,
        ),
        // A wrong current password: refused as 422, not for the role.
        op(
            "POST",
            "/api/v1/auth/me/password",
            "/api/v1/auth/me/password".into(),
            b(json!({"current_password": "not-it", "new_password": "Another-pass-2"})),
            ANY,
        ),
        op(
            "GET",
            "/api/v1/auth/me/second-factor",
            "/api/v1/auth/me/second-factor".into(),
            None,
            ANY,
        ),
        op(
            "POST",
            "/api/v1/auth/me/second-factor",
            "/api/v1/auth/me/second-factor".into(),
            b(json!({})),
            ANY,
        ),
        // A wrong code: refused as 422, not for the role.
        op(
            "POST",
            "/api/v1/auth/me/second-factor/confirm",
            "/api/v1/auth/me/second-factor/confirm".into(),
            b(json!({"code": "000000"})),
            ANY,
        ),
        op(
            "POST",
            "/api/v1/auth/me/second-factor/disable",
            "/api/v1/auth/me/second-factor/disable".into(),
            b(json!({"code": "000000"})),
            ANY,
        ),
        op(
            "POST",
            "/api/v1/users/{id}/second-factor/reset",
            format!("/api/v1/users/{spare}/second-factor/reset"),
            b(json!({})),
            OFFICE,
        ),
        // Last: it ends each caller's session.
        op(
            "POST",
            "/api/v1/auth/logout",
            "/api/v1/auth/logout".into(),
            b(json!({})),
            ANY,
        ),
    ];

    // The table and the OpenAPI document name the same operations.
    let doc = send(&svc, TestRequest::get().uri("/api/v1/openapi.json"))
        .await
        .json();
    let mut described: Vec<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .expect("operations")
                .keys()
                .map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect();
    let mut tabled: Vec<String> = operations
        .iter()
        .map(|o| format!("{} {}", o.method, o.template))
        .collect();
    described.sort();
    tabled.sort();
    assert_eq!(
        tabled, described,
        "every API operation is in the role table, once"
    );

    let request = |o: &Operation| {
        let req = match o.method {
            "GET" => TestRequest::get(),
            "POST" => TestRequest::post(),
            "PUT" => TestRequest::put(),
            _ => TestRequest::patch(),
        }
        .uri(&o.path);
        match &o.body {
            Some(b) => req.set_json(b.clone()),
            None => req,
        }
    };
    let check_headers = |a: &Answer, who: &str, o: &Operation| {
        for h in [
            "content-security-policy",
            "x-frame-options",
            "x-content-type-options",
        ] {
            assert!(
                a.header(h).is_some(),
                "{h} missing: {who} {} {}",
                o.method,
                o.path
            );
        }
        assert!(
            a.status.as_u16() < 500,
            "{who} {} {}: {} {}",
            o.method,
            o.path,
            a.status,
            a.body
        );
    };
    for o in &operations {
        let public = o.template == "/api/v1/auth/login";
        let a = send(&svc, request(o)).await;
        check_headers(&a, "anonymous", o);
        if !public {
            assert_eq!(
                a.status,
                StatusCode::UNAUTHORIZED,
                "anonymous {} {}",
                o.method,
                o.path
            );
        }
        // Refusals first: the writes of allowed roles may change what later calls see.
        for who in EVERYONE
            .iter()
            .filter(|w| !o.allowed.contains(w) && !public)
        {
            let a = send(&svc, authed(request(o), &tokens[who])).await;
            check_headers(&a, who, o);
            assert_eq!(
                a.status,
                StatusCode::FORBIDDEN,
                "{who} {} {}: {}",
                o.method,
                o.path,
                a.body
            );
            assert_eq!(a.code(), "forbidden");
        }
        for who in o.allowed {
            let a = send(&svc, authed(request(o), &tokens[who])).await;
            check_headers(&a, who, o);
            assert!(
                a.status != StatusCode::FORBIDDEN && a.status != StatusCode::UNAUTHORIZED,
                "{who} may {} {}: {} {}",
                o.method,
                o.path,
                a.status,
                a.body
            );
        }
    }
}

/// The page routes as `src/web/pages/mod.rs` registers them: (method, path).
fn registered_page_routes() -> Vec<(String, String)> {
    let source =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/web/pages/mod.rs"))
            .expect("pages source");
    let mut routes = Vec::new();
    for part in source.split(".route(").skip(1) {
        let path = part.split('"').nth(1).expect("route path").to_string();
        // The method is the first web::get()/web::post() after the path.
        let method = match (part.find("web::get()"), part.find("web::post()")) {
            (Some(g), Some(p)) if p < g => "POST",
            (Some(_), _) => "GET",
            (None, Some(_)) => "POST",
            (None, None) => panic!("route {path} has neither get nor post"),
        };
        routes.push((method.to_string(), path));
    }
    routes
}

/// A page upload form's request: its CSRF token in the address (as the pages send it, so
/// it is checked before the body is read) and a small PDF in the multipart body.
fn page_upload(uri: &str, session: &actix_web::cookie::Cookie<'static>, csrf: &str) -> TestRequest {
    let boundary = "----workplan-page-upload";
    let uri = format!("{uri}?csrf={csrf}");
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"year\"\r\n\r\n2031\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n%PDF-1.4\n%%EOF\n\r\n--{boundary}--\r\n"
    );
    TestRequest::post()
        .uri(&uri)
        .cookie(session.clone())
        .insert_header((
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        ))
        .set_payload(body)
}

/// Every page route: anonymous visitors are sent to the login page; each page opens for
/// the roles it is for and answers 403 to the others; every form a role is shown posts a
/// CSRF token, and every POST route refuses a forged one (403) without writing anything;
/// no page carries inline script. The table must list exactly the routes the page module
/// registers.
async fn every_page_route_checks_the_session_the_role_and_csrf(app: TestApp) {
    cast(&app);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let post =
        |uri: &str, body: Value| authed(TestRequest::post().uri(uri), &office).set_json(body);
    let plan = send(
        &svc,
        post("/api/v1/plans", json!({"year": 2031, "title": "方案"})),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("plan");
    let item = send(
        &svc,
        post(
            &format!("/api/v1/plans/{plan}/items"),
            json!({"number": "1", "task": "发布目录", "lead": ["法规宣传处"], "support": ["办公室"]}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("item");
    send(
        &svc,
        post(
            &format!("/api/v1/plans/{plan}/periods"),
            json!({"period": "2031-Q1"}),
        ),
    )
    .await;
    let lead_token = login(&svc, "lead").await;
    let report = send(
        &svc,
        authed(
            TestRequest::post().uri(&format!("/api/v1/items/{item}/reports")),
            &lead_token,
        )
        .set_json(json!({"period": "2031-Q1", "summary": "进展"})),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("report");

    const PUBLIC: &[&str] = &[];
    let pages: Vec<(&str, String, &[&str])> = vec![
        ("/static/app.css", "/static/app.css".into(), PUBLIC),
        (
            "/static/annual-report.js",
            "/static/annual-report.js".into(),
            PUBLIC,
        ),
        ("/static/copy.js", "/static/copy.js".into(), PUBLIC),
        ("/login", "/login".into(), PUBLIC),
        ("/", "/".into(), ANY),
        ("/my", "/my".into(), ANY),
        ("/items", format!("/items?plan={plan}"), ANY),
        ("/overview", format!("/overview?plan={plan}"), ANY),
        ("/bulletin", format!("/bulletin?plan={plan}"), ANY),
        ("/evaluation", format!("/evaluation?plan={plan}"), ANY),
        (
            "/evaluation/summary",
            format!("/evaluation/summary?plan={plan}"),
            ANY,
        ),
        ("/review-back", "/review-back".into(), ANY),
        ("/annual-report", format!("/annual-report?plan={plan}"), ANY),
        ("/export", format!("/export?plan={plan}"), ANY),
        ("/notifications", "/notifications".into(), ANY),
        ("/notifications/{id}", "/notifications/1".into(), ANY),
        ("/todo", "/todo".into(), ANY),
        ("/items/{id}", format!("/items/{item}"), ANY),
        ("/import", "/import".into(), OFFICE),
        ("/admin", "/admin".into(), OFFICE),
        ("/admin/divisions", "/admin/divisions".into(), OFFICE),
        ("/admin/users", "/admin/users".into(), OFFICE),
        ("/admin/agency", "/admin/agency".into(), OFFICE),
        ("/admin/agencies", "/admin/agencies".into(), OFFICE),
        ("/admin/audit", "/admin/audit".into(), OFFICE),
        (
            "/admin/users/{id}/sessions",
            "/admin/users/1/sessions".into(),
            OFFICE,
        ),
        ("/account/password", "/account/password".into(), ANY),
        (
            "/account/second-factor",
            "/account/second-factor".into(),
            ANY,
        ),
    ];
    // POST routes: every one checks the CSRF token first; the multipart ones carry a file
    // and their token in the address.
    let multipart = [
        "/plans/{id}/annual-report/import",
        "/plans/{id}/progress-upload",
        "/reports/{id}/upload",
        "/import/preview",
    ];
    let registered = registered_page_routes();
    let mut listed: Vec<(String, String)> = pages
        .iter()
        .map(|(t, _, _)| ("GET".to_string(), t.to_string()))
        .collect();
    let posts: Vec<String> = registered
        .iter()
        .filter(|(m, _)| m == "POST")
        .map(|(_, p)| p.clone())
        .collect();
    listed.extend(posts.iter().map(|p| ("POST".to_string(), p.clone())));
    let mut registered_sorted = registered.clone();
    registered_sorted.sort();
    listed.sort();
    assert_eq!(
        listed, registered_sorted,
        "every page route is in the table"
    );

    let audit_entries = |app: &TestApp| -> i64 {
        use diesel::dsl::count_star;
        use diesel::{QueryDsl, RunQueryDsl};
        use workplan::db::schema::audit_log;
        let mut c = app.db.get().expect("connection");
        match &mut *c {
            workplan::db::DbConnection::Sqlite(c) => audit_log::table.select(count_star()).first(c),
            workplan::db::DbConnection::Postgres(c) => {
                audit_log::table.select(count_star()).first(c)
            }
        }
        .expect("count")
    };

    for (template, path, allowed) in &pages {
        let a = send(&svc, TestRequest::get().uri(path)).await;
        if allowed.is_empty() {
            assert_eq!(a.status, StatusCode::OK, "anonymous {path}");
        } else {
            assert_eq!(a.status, StatusCode::SEE_OTHER, "anonymous {path}");
            assert_eq!(a.header("location").as_deref(), Some("/login"), "{path}");
        }
        let _ = template;
    }
    let concrete = |template: &str| {
        template
            .replace("/plans/{id}", &format!("/plans/{plan}"))
            .replace("/items/{id}", &format!("/items/{item}"))
            .replace("/reports/{id}", &format!("/reports/{report}"))
            .replace("{item}", &item.to_string())
            .replace("{id}", "1")
            .replace("{sid}", "1")
    };
    for who in EVERYONE {
        let session = session_of(&browser_login(&svc, who, PASSWORD).await);
        for (_, path, allowed) in pages.iter().filter(|(_, _, a)| !a.is_empty()) {
            let a = send(&svc, TestRequest::get().uri(path).cookie(session.clone())).await;
            if !allowed.contains(&who) {
                assert_eq!(a.status, StatusCode::FORBIDDEN, "{who} {path}");
                continue;
            }
            if a.status == StatusCode::SEE_OTHER {
                assert_ne!(
                    a.header("location").as_deref(),
                    Some("/login"),
                    "{who} {path}"
                );
                continue;
            }
            assert_eq!(a.status, StatusCode::OK, "{who} {path}: {}", a.body);
            if !path.starts_with("/static") {
                let html = a.body.as_str();
                for form in html.split("<form").skip(1) {
                    let form = form.split("</form>").next().unwrap_or_default();
                    let head = form.split('>').next().unwrap_or_default().to_lowercase();
                    if head.contains("method=\"post\"") {
                        // Upload forms carry it in their address, checked before the body.
                        let in_address = head.contains("multipart/form-data")
                            && head.contains("?csrf=")
                            && !head.contains("?csrf=\"");
                        assert!(
                            form.contains("name=\"csrf\"") || in_address,
                            "{who} {path}: a form without CSRF: <form{head}>"
                        );
                    }
                }
                for script in html.split("<script").skip(1) {
                    let head = script.split('>').next().unwrap_or_default();
                    assert!(head.contains("src="), "{who} {path}: inline script");
                }
                let lower = html.to_lowercase();
                for handler in [
                    " onclick=",
                    " onload=",
                    " onsubmit=",
                    " onchange=",
                    " oninput=",
                    " onerror=",
                    "javascript:",
                ] {
                    assert!(
                        !lower.contains(handler),
                        "{who} {path}: inline handler {handler}"
                    );
                }
            }
        }
        let before = audit_entries(&app);
        for template in &posts {
            let uri = concrete(template);
            let forged = if multipart.contains(&template.as_str()) {
                page_upload(&uri, &session, "forged")
            } else {
                TestRequest::post()
                    .uri(&uri)
                    .cookie(session.clone())
                    .set_form([("csrf", "forged"), ("text", "x")])
            };
            let a = send(&svc, forged).await;
            if template == "/login" {
                assert_ne!(
                    a.status,
                    StatusCode::SEE_OTHER,
                    "a forged login form logs nobody in"
                );
                continue;
            }
            assert_eq!(
                a.status,
                StatusCode::FORBIDDEN,
                "{who} POST {uri} with a forged token: {}",
                a.body
            );
        }
        assert_eq!(
            audit_entries(&app),
            before,
            "{who}: refused forms wrote nothing"
        );
    }
    // Without a session, a form is sent to the login page, not processed.
    for template in posts.iter().filter(|t| *t != "/login") {
        let a = send(
            &svc,
            TestRequest::post()
                .uri(&concrete(template))
                .set_form([("csrf", "x")]),
        )
        .await;
        assert!(
            a.status == StatusCode::SEE_OTHER || a.status == StatusCode::UNAUTHORIZED,
            "anonymous POST {template}: {}",
            a.status
        );
    }
}
