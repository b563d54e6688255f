//! The error contract, health, security headers and the OpenAPI document.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;

use crate::helpers::*;
use workplan::domain::role::Role;

async fn bad_requests_get_the_contract_s_error_shape(app: TestApp) {
    app.user("office", Role::Office, None);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let malformed = send(
        &svc,
        authed(TestRequest::post().uri("/api/v1/plans"), &office)
            .insert_header(("content-type", "application/json"))
            .set_payload("{\"year\": 2021,"),
    )
    .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert_eq!(malformed.code(), "bad_request");
    let wrong_type = send(
        &svc,
        authed(TestRequest::post().uri("/api/v1/plans"), &office)
            .set_json(serde_json::json!({"year": "二〇二一", "title": "x"})),
    )
    .await;
    assert_eq!(wrong_type.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = send(
        &svc,
        authed(TestRequest::get().uri("/api/v1/nothing-here"), &office),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.code(), "not_found");
    let bad_id = send(
        &svc,
        authed(TestRequest::get().uri("/api/v1/items/abc"), &office),
    )
    .await;
    assert_eq!(bad_id.status, StatusCode::NOT_FOUND);
    assert_eq!(bad_id.code(), "not_found");
    for a in [&malformed, &wrong_type, &unknown, &bad_id] {
        let msg = a.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(
            msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "not Chinese: {msg}"
        );
    }
}

async fn health_headers_and_unknown_pages(app: TestApp) {
    let svc = app.service().await;
    let health = send(&svc, TestRequest::get().uri("/healthz")).await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.json()["status"], "ok");
    let page = send(&svc, TestRequest::get().uri("/no/such/page")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page
        .header("content-type")
        .unwrap_or_default()
        .starts_with("text/html"));
    assert!(page.body.contains("找不到页面") && page.body.contains("返回首页"));
    for h in [
        "x-content-type-options",
        "x-frame-options",
        "content-security-policy",
    ] {
        assert!(page.header(h).is_some(), "missing {h}");
    }
    assert!(!page
        .header("content-security-policy")
        .unwrap_or_default()
        .contains("unsafe-inline"));

    // A known API path with a method it lacks: 405 naming the methods it has.
    let wrong = send(
        &svc,
        TestRequest::default()
            .method(actix_web::http::Method::DELETE)
            .uri("/api/v1/items/1"),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong.header("allow").as_deref(), Some("GET, PATCH"));
    assert_eq!(wrong.code(), "method_not_allowed");
    let unknown = send(&svc, TestRequest::get().uri("/api/v1/no-such-thing")).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

async fn openapi_describes_exactly_the_routes_that_answer(app: TestApp) {
    app.user("office", Role::Office, None);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let doc = send(&svc, TestRequest::get().uri("/api/v1/openapi.json")).await;
    assert_eq!(doc.status, StatusCode::OK);
    let doc = doc.json();
    assert!(doc["openapi"].as_str().unwrap_or_default().starts_with('3'));
    let paths = doc["paths"].as_object().expect("paths");
    for required in [
        "/api/v1/auth/login",
        "/api/v1/plans",
        "/api/v1/plans/{id}/items",
        "/api/v1/items/{id}",
    ] {
        assert!(
            paths.contains_key(required),
            "{required} missing from the document"
        );
    }
    // Every documented path and method is served (so the document cannot promise a route
    // that does not exist).
    for (path, methods) in paths {
        let concrete = path.replace("{id}", "1");
        for method in methods.as_object().expect("methods").keys() {
            let req = match method.as_str() {
                "get" => TestRequest::get(),
                "post" => TestRequest::post(),
                "patch" => TestRequest::patch(),
                "put" => TestRequest::put(),
                "delete" => TestRequest::delete(),
                other => panic!("unexpected method {other}"),
            };
            let a = send(
                &svc,
                authed(req.uri(&concrete), &office).set_json(serde_json::json!({})),
            )
            .await;
            let unknown_route = a.status == StatusCode::NOT_FOUND
                && a.json()["error"]["message"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("接口");
            assert!(
                !unknown_route,
                "{method} {path} is documented but not routed"
            );
            assert_ne!(a.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        }
    }
}

crate::on_both_backends!(
    bad_requests_get_the_contract_s_error_shape,
    health_headers_and_unknown_pages,
    openapi_describes_exactly_the_routes_that_answer,
);
