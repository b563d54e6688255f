//! Two-step verification (TOTP): set up, asked at login, once per code, recovery codes,
//! required per role, reset by the office.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::pages::{browser_login, csrf_field, session_of};
use workplan::domain::role::Role;
use workplan::domain::totp;

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn login_body(name: &str, code: Option<&str>) -> TestRequest {
    TestRequest::post()
        .uri("/api/v1/auth/login")
        .set_json(json!({"username": name, "password": PASSWORD, "second_factor": code}))
}

async fn codes_are_asked_once_each_and_required_by_role(app: TestApp) {
    app.user("office", Role::Office, None);
    let other = app.user("other_office", Role::Office, None);
    let d = app.division("法规宣传处");
    app.user("staff", Role::Division, Some(d));
    let mut config = (*app.state.config).clone();
    config.totp_required_roles = vec![Role::Office];
    let state = workplan::web::AppState::new(app.db.clone(), config, SECRET);
    let svc = actix_web::test::init_service(
        actix_web::App::new().configure(workplan::web::configure(actix_web::web::Data::new(state))),
    )
    .await;

    // The office's role requires it: until set up, only the setup answers.
    let first = send(&svc, login_body("office", None)).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert!(first.json()["second_factor_setup_required"].is_string());
    let token = first.json()["token"].as_str().expect("token").to_string();
    let blocked = send(
        &svc,
        authed(TestRequest::get().uri("/api/v1/plans"), &token),
    )
    .await;
    assert_eq!(blocked.status, StatusCode::FORBIDDEN);
    assert_eq!(blocked.code(), "second_factor_setup_required");
    // Division staff are not required to.
    let staff = login(&svc, "staff").await;
    let free = send(
        &svc,
        authed(TestRequest::get().uri("/api/v1/plans"), &staff),
    )
    .await;
    assert_eq!(free.status, StatusCode::OK);

    let start = send(
        &svc,
        authed(
            TestRequest::post().uri("/api/v1/auth/me/second-factor"),
            &token,
        ),
    )
    .await;
    assert_eq!(start.status, StatusCode::OK, "{}", start.body);
    let enrolment = start.json();
    assert!(enrolment["qr_svg"]
        .as_str()
        .expect("svg")
        .starts_with("<svg"));
    assert!(enrolment["uri"]
        .as_str()
        .expect("uri")
        .starts_with("otpauth://totp/"));
    let secret =
        totp::secret_from_text(enrolment["secret"].as_str().expect("secret")).expect("base32");
    let confirm = |code: String| {
        authed(
            TestRequest::post().uri("/api/v1/auth/me/second-factor/confirm"),
            &token,
        )
        .set_json(json!({ "code": code }))
    };
    let wrong = send(&svc, confirm("000000".into())).await;
    assert_eq!(
        wrong.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        wrong.body
    );
    let step_now = now();
    let done = send(&svc, confirm(totp::code_at(&secret, step_now))).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let recovery: Vec<String> = done.json()["recovery_codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c.as_str().expect("code").to_string())
        .collect();
    assert_eq!(recovery.len(), totp::RECOVERY_CODES);
    let open = send(
        &svc,
        authed(TestRequest::get().uri("/api/v1/plans"), &token),
    )
    .await;
    assert_eq!(open.status, StatusCode::OK, "set up: the rest opens");

    // Every login now needs a code; each code works once.
    let missing = send(&svc, login_body("office", None)).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert_eq!(missing.code(), "second_factor_required");
    let bad = send(&svc, login_body("office", Some("123456"))).await;
    assert_eq!(bad.code(), "bad_second_factor", "{}", bad.body);
    let used = totp::code_at(&secret, step_now);
    let replay = send(&svc, login_body("office", Some(&used))).await;
    assert_eq!(
        replay.code(),
        "bad_second_factor",
        "the setup's code was used"
    );
    let next = totp::code_at(&secret, step_now + totp::STEP_SECS);
    let ok = send(&svc, login_body("office", Some(&next))).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let again = send(&svc, login_body("office", Some(&next))).await;
    assert_eq!(again.code(), "bad_second_factor", "a code works once");

    // A recovery code works once, typed any way.
    let typed = recovery[0].to_uppercase().replace('-', " ");
    let rescued = send(&svc, login_body("office", Some(&typed))).await;
    assert_eq!(rescued.status, StatusCode::OK, "{}", rescued.body);
    let twice = send(&svc, login_body("office", Some(&recovery[0]))).await;
    assert_eq!(twice.code(), "bad_second_factor");
    let office = rescued.json()["token"].as_str().expect("token").to_string();
    let status = send(
        &svc,
        authed(
            TestRequest::get().uri("/api/v1/auth/me/second-factor"),
            &office,
        ),
    )
    .await
    .json();
    assert_eq!(status["enabled"], true);
    assert_eq!(
        status["recovery_codes_left"],
        totp::RECOVERY_CODES as i64 - 1
    );

    // The role keeps it on; the trail has each event with its kind.
    let off = send(
        &svc,
        authed(
            TestRequest::post().uri("/api/v1/auth/me/second-factor/disable"),
            &office,
        )
        .set_json(json!({"code": recovery[1]})),
    )
    .await;
    assert_eq!(off.status, StatusCode::FORBIDDEN, "{}", off.body);
    let trail: Value = send(
        &svc,
        authed(
            TestRequest::get().uri("/api/v1/audit?entity=session"),
            &office,
        ),
    )
    .await
    .json();
    let actions: Vec<&str> = trail
        .as_array()
        .expect("trail")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for want in ["second_factor_enabled", "second_factor_failed", "login"] {
        assert!(actions.contains(&want), "{want} in {actions:?}");
    }
    assert!(trail.to_string().contains("recovery_code"), "{trail}");

    // Lost phone: the office resets another office user's factor, whose sessions end.
    let other_token = {
        let a = send(&svc, login_body("other_office", None)).await;
        a.json()["token"].as_str().expect("token").to_string()
    };
    let reset = send(
        &svc,
        authed(
            TestRequest::post().uri(&format!("/api/v1/users/{other}/second-factor/reset")),
            &office,
        ),
    )
    .await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT, "{}", reset.body);
    let gone = send(
        &svc,
        authed(TestRequest::get().uri("/api/v1/auth/me"), &other_token),
    )
    .await;
    assert_eq!(gone.status, StatusCode::UNAUTHORIZED);
    let refused = send(
        &svc,
        authed(
            TestRequest::post().uri(&format!("/api/v1/users/{other}/second-factor/reset")),
            &staff,
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

async fn the_pages_set_it_up_and_ask_for_it(app: TestApp) {
    app.user("li", Role::Leader, None);
    let svc = app.service().await;
    let cookie = session_of(&browser_login(&svc, "li", PASSWORD).await);
    let page = send(
        &svc,
        TestRequest::get()
            .uri("/account/second-factor")
            .cookie(cookie.clone()),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("开始设置两步验证"), "{}", page.body);
    let csrf = csrf_field(&page.body);
    let started = send(
        &svc,
        TestRequest::post()
            .uri("/account/second-factor/start")
            .cookie(cookie.clone())
            .set_form([("csrf", csrf.as_str())]),
    )
    .await;
    assert_eq!(started.status, StatusCode::OK);
    assert!(
        started.body.contains("<svg"),
        "the QR code is drawn in the page"
    );
    let secret_text = started
        .body
        .split("id=\"totp-secret\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("secret shown")
        .to_string();
    let secret = totp::secret_from_text(&secret_text).expect("base32");
    let confirmed = send(
        &svc,
        TestRequest::post()
            .uri("/account/second-factor/confirm")
            .cookie(cookie.clone())
            .set_form([
                ("csrf", csrf.as_str()),
                ("code", totp::code_at(&secret, now()).as_str()),
            ]),
    )
    .await;
    assert_eq!(confirmed.status, StatusCode::OK);
    assert!(
        confirmed.body.contains("请保存恢复码"),
        "{}",
        confirmed.body
    );
    // The login form now asks for the code and says so when it is missing.
    let without = browser_login(&svc, "li", PASSWORD).await;
    assert_eq!(without.status, StatusCode::UNAUTHORIZED);
    assert!(without.body.contains("两步验证"), "{}", without.body);
}

crate::on_both_backends!(
    codes_are_asked_once_each_and_required_by_role,
    the_pages_set_it_up_and_ask_for_it,
);
