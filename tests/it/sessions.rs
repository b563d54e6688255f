//! Server-side sessions: logout, password and role changes, idle and old sessions, the
//! office ending them; temporary and expired passwords changed before anything else.

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use diesel::RunQueryDsl;
use serde_json::json;

use crate::helpers::*;
use crate::pages::{browser_login, csrf_field, session_of};
use workplan::domain::role::Role;

/// A second instance of the app on the same database (another server behind the balancer).
async fn second_instance(
    app: &TestApp,
    config: workplan::config::Config,
) -> impl actix_web::dev::Service<
    actix_http::Request,
    Response = actix_web::dev::ServiceResponse,
    Error = actix_web::Error,
> {
    let state = workplan::web::AppState::new(app.db.clone(), config, SECRET);
    actix_web::test::init_service(
        actix_web::App::new().configure(workplan::web::configure(actix_web::web::Data::new(state))),
    )
    .await
}

/// Runs one statement on the database directly (to age a session or a password).
fn exec(app: &TestApp, sql: &str) {
    let mut c = app.db.get().expect("conn");
    diesel::sql_query(sql).execute(&mut c).expect(sql);
}

/// A time `minutes` ago, written as both backends read a timestamp.
fn minutes_ago(minutes: i64) -> String {
    (chrono::Utc::now().naive_utc() - chrono::Duration::minutes(minutes))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

fn get(uri: &str, token: &str) -> TestRequest {
    authed(TestRequest::get().uri(uri), token)
}

async fn status_of<S>(svc: &S, uri: &str, token: &str) -> StatusCode
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
{
    send(svc, get(uri, token)).await.status
}

async fn logout_ends_the_session_on_every_instance(app: TestApp) {
    app.user("wang", Role::Office, None);
    let svc = app.service().await;
    let other = second_instance(&app, (*app.state.config).clone()).await;

    // The API: a token stops working on both instances once logged out on one.
    let token = login(&svc, "wang").await;
    let still = login(&svc, "wang").await;
    assert_eq!(
        status_of(&other, "/api/v1/plans", &token).await,
        StatusCode::OK
    );
    let out = send(
        &svc,
        authed(TestRequest::post().uri("/api/v1/auth/logout"), &token),
    )
    .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.body);
    assert_eq!(
        status_of(&svc, "/api/v1/plans", &token).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        status_of(&other, "/api/v1/plans", &token).await,
        StatusCode::UNAUTHORIZED
    );
    // The user's other login goes on.
    assert_eq!(
        status_of(&other, "/api/v1/plans", &still).await,
        StatusCode::OK
    );

    // The browser: a logged-out cookie, replayed, is refused on the other instance.
    let page = browser_login(&svc, "wang", PASSWORD).await;
    let cookie = session_of(&page);
    let home = send(&other, TestRequest::get().uri("/").cookie(cookie.clone())).await;
    assert_eq!(home.status, StatusCode::OK);
    let csrf = csrf_field(&home.body);
    let out = send(
        &svc,
        TestRequest::post()
            .uri("/logout")
            .cookie(cookie.clone())
            .set_form([("csrf", csrf.as_str())]),
    )
    .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let replay = send(&other, TestRequest::get().uri("/").cookie(cookie.clone())).await;
    assert_eq!(replay.status, StatusCode::SEE_OTHER);
    assert_eq!(replay.header("location").as_deref(), Some("/login"));
    let api = send(&other, get("/api/v1/plans", cookie.value())).await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
}

async fn password_and_role_changes_end_earlier_sessions(app: TestApp) {
    app.user("office", Role::Office, None);
    let d = app.division("法规宣传处");
    let uid = app.user("li", Role::Division, Some(d));
    let svc = app.service().await;
    let other = second_instance(&app, (*app.state.config).clone()).await;
    let office = login(&svc, "office").await;

    // The user's own change: every other session ends, the one making it goes on.
    let here = login(&svc, "li").await;
    let elsewhere = login(&svc, "li").await;
    let cookie = session_of(&browser_login(&svc, "li", PASSWORD).await);
    let changed = send(
        &svc,
        authed(TestRequest::post().uri("/api/v1/auth/me/password"), &here)
            .peer_addr("10.1.2.3:50000".parse().expect("address"))
            .set_json(json!({"current_password": PASSWORD, "new_password": "Another-pass-2"})),
    )
    .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT, "{}", changed.body);
    assert_eq!(
        status_of(&other, "/api/v1/plans", &here).await,
        StatusCode::OK
    );
    assert_eq!(
        status_of(&other, "/api/v1/plans", &elsewhere).await,
        StatusCode::UNAUTHORIZED
    );
    let page = send(&other, TestRequest::get().uri("/my").cookie(cookie)).await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "a pre-change cookie is refused"
    );
    assert_eq!(page.header("location").as_deref(), Some("/login"));
    // The change went to the audit trail with the address it came from.
    let trail = send(&svc, get("/api/v1/audit?entity=session", &office))
        .await
        .json();
    let change = trail
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["action"] == "password_change")
        .unwrap_or_else(|| panic!("password change audited: {trail}"))
        .clone();
    assert_eq!(change["entity_id"], uid);
    assert_eq!(change["address"], "10.1.2.3", "{change}");

    // The office's reset, a role change and disabling each end the user's sessions.
    let version = |svc_users: serde_json::Value| {
        svc_users
            .as_array()
            .expect("users")
            .iter()
            .find(|u| u["id"] == uid)
            .expect("li")["version"]
            .clone()
    };
    let patches = [
        json!({"password": "Reset-by-office-3"}),
        json!({"role": "leader", "division_id": null}),
        json!({"disabled": true}),
    ];
    let mut password = "Another-pass-2";
    for patch in patches {
        let token = {
            let a = send(
                &svc,
                TestRequest::post()
                    .uri("/api/v1/auth/login")
                    .set_json(json!({"username": "li", "password": password})),
            )
            .await;
            assert_eq!(a.status, StatusCode::OK, "{patch}: {}", a.body);
            a.json()["token"].as_str().expect("token").to_string()
        };
        assert_eq!(
            status_of(&other, "/api/v1/auth/me", &token).await,
            StatusCode::OK
        );
        let users = send(&svc, get("/api/v1/users", &office)).await.json();
        let mut body = patch.clone();
        body["version"] = version(users);
        let a = send(
            &svc,
            authed(
                TestRequest::patch().uri(&format!("/api/v1/users/{uid}")),
                &office,
            )
            .set_json(body),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{patch}: {}", a.body);
        assert_eq!(
            status_of(&other, "/api/v1/auth/me", &token).await,
            StatusCode::UNAUTHORIZED,
            "{patch} ends the earlier session"
        );
        if patch.get("password").is_some() {
            password = "Reset-by-office-3";
        }
    }
}

async fn idle_and_old_sessions_end(app: TestApp) {
    let uid = app.user("zhao", Role::Office, None);
    let svc = app.service().await;
    let token = login(&svc, "zhao").await;
    // A request records activity (at most once a minute): make the last one 10 minutes old.
    exec(
        &app,
        &format!(
            "UPDATE sessions SET last_seen_at = '{}' WHERE user_id = {uid}",
            minutes_ago(10)
        ),
    );
    assert_eq!(
        status_of(&svc, "/api/v1/plans", &token).await,
        StatusCode::OK
    );
    let sessions = {
        let office = login(&svc, "zhao").await;
        send(&svc, get(&format!("/api/v1/users/{uid}/sessions"), &office))
            .await
            .json()
    };
    let mine = sessions.as_array().expect("sessions");
    assert_eq!(mine.len(), 2, "{sessions}");
    for s in mine {
        let seen = chrono::NaiveDateTime::parse_from_str(
            s["last_seen_at"].as_str().expect("time"),
            "%Y-%m-%dT%H:%M:%S%.f",
        )
        .expect("timestamp");
        let age = chrono::Utc::now().naive_utc() - seen;
        assert!(age < chrono::Duration::minutes(2), "activity recorded: {s}");
        assert_eq!(s["state"], "active", "{s}");
    }

    // Unused for longer than the idle limit (30 minutes by default): over.
    exec(
        &app,
        &format!(
            "UPDATE sessions SET last_seen_at = '{}' WHERE user_id = {uid}",
            minutes_ago(31)
        ),
    );
    assert_eq!(
        status_of(&svc, "/api/v1/plans", &token).await,
        StatusCode::UNAUTHORIZED
    );

    // Busy, but older than the longest a session may live (WORKPLAN_TOKEN_MINUTES): over.
    let busy = login(&svc, "zhao").await;
    exec(
        &app,
        &format!(
            "UPDATE sessions SET created_at = '{}', last_seen_at = '{}' WHERE user_id = {uid}",
            minutes_ago(app.state.config.token_minutes + 1),
            minutes_ago(0)
        ),
    );
    assert_eq!(
        status_of(&svc, "/api/v1/plans", &busy).await,
        StatusCode::UNAUTHORIZED
    );

    // A shorter idle limit is a setting.
    let mut config = (*app.state.config).clone();
    config.idle_minutes = 5;
    let strict = second_instance(&app, config).await;
    let fresh = login(&strict, "zhao").await;
    exec(
        &app,
        &format!(
            "UPDATE sessions SET last_seen_at = '{}' WHERE user_id = {uid} AND ended_at IS NULL",
            minutes_ago(6)
        ),
    );
    assert_eq!(
        status_of(&strict, "/api/v1/plans", &fresh).await,
        StatusCode::UNAUTHORIZED
    );
}

async fn the_office_sees_and_ends_sessions(app: TestApp) {
    app.user("office", Role::Office, None);
    let d = app.division("法规宣传处");
    let uid = app.user("sun", Role::Division, Some(d));
    let svc = app.service().await;
    let other = second_instance(&app, (*app.state.config).clone()).await;
    let office = login(&svc, "office").await;
    let first = login(&svc, "sun").await;
    let second = login(&svc, "sun").await;
    let third = login(&svc, "sun").await;
    let list = send(&svc, get(&format!("/api/v1/users/{uid}/sessions"), &office)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let list = list.json();
    let ids: Vec<i64> = list
        .as_array()
        .expect("sessions")
        .iter()
        .map(|s| s["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids.len(), 3, "{list}");
    assert!(list.to_string().contains("在线"), "{list}");
    assert!(
        !list.to_string().contains("session_key"),
        "the secret is never shown"
    );

    // Division staff may neither see nor end anyone's sessions.
    let own = send(&svc, get(&format!("/api/v1/users/{uid}/sessions"), &first)).await;
    assert_eq!(own.status, StatusCode::FORBIDDEN);
    let end = send(
        &svc,
        authed(
            TestRequest::post().uri(&format!("/api/v1/users/{uid}/sessions/end")),
            &first,
        ),
    )
    .await;
    assert_eq!(end.status, StatusCode::FORBIDDEN);

    // Ending the newest session (the third login) stops that token only.
    let one = send(
        &svc,
        authed(
            TestRequest::post().uri(&format!("/api/v1/users/{uid}/sessions/{}/end", ids[0])),
            &office,
        ),
    )
    .await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    assert_eq!(one.json()["ended"], 1);
    assert_eq!(
        status_of(&other, "/api/v1/plans", &third).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        status_of(&other, "/api/v1/plans", &first).await,
        StatusCode::OK
    );

    // The page lists them and ends the rest.
    let cookie = session_of(&browser_login(&svc, "office", PASSWORD).await);
    let page = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/admin/users/{uid}/sessions"))
            .cookie(cookie.clone()),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("办公室已结束") && page.body.contains("在线"),
        "{}",
        page.body
    );
    let csrf = csrf_field(&page.body);
    let all = send(
        &svc,
        TestRequest::post()
            .uri(&format!("/admin/users/{uid}/sessions/end"))
            .cookie(cookie.clone())
            .set_form([("csrf", csrf.as_str())]),
    )
    .await;
    assert_eq!(all.status, StatusCode::SEE_OTHER);
    assert_eq!(
        all.header("location"),
        Some(format!("/admin/users/{uid}/sessions?ended=2"))
    );
    for token in [&first, &second] {
        assert_eq!(
            status_of(&other, "/api/v1/plans", token).await,
            StatusCode::UNAUTHORIZED
        );
    }
    // The office's own session is untouched, and the ending is in the audit trail.
    let trail = send(
        &svc,
        get(
            &format!("/api/v1/audit?entity=user&entity_id={uid}"),
            &office,
        ),
    )
    .await
    .json();
    assert!(trail.to_string().contains("end_sessions"), "{trail}");
}

async fn a_temporary_password_is_changed_before_anything_else(app: TestApp) {
    app.user("office", Role::Office, None);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let made = send(
        &svc,
        authed(TestRequest::post().uri("/api/v1/users"), &office).set_json(json!({
            "username": "newbie", "password": "Temporary-pass-1", "role": "leader"
        })),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(made.json()["must_change_password"], true);

    // The API: the login says so, and everything but the change answers 403.
    let login = send(
        &svc,
        TestRequest::post()
            .uri("/api/v1/auth/login")
            .set_json(json!({"username": "newbie", "password": "Temporary-pass-1"})),
    )
    .await;
    assert_eq!(login.status, StatusCode::OK);
    let token = login.json()["token"].as_str().expect("token").to_string();
    assert!(
        login.json()["password_change_required"].is_string(),
        "{}",
        login.body
    );
    for uri in ["/api/v1/plans", "/api/v1/plans/1/items"] {
        let a = send(&svc, get(uri, &token)).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{uri}");
        assert_eq!(a.code(), "password_change_required", "{uri}");
    }
    let me = send(&svc, get("/api/v1/auth/me", &token)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert!(me.json()["password_change_required"].is_string());
    let change = |current: &str, new: &str| {
        authed(TestRequest::post().uri("/api/v1/auth/me/password"), &token)
            .set_json(json!({"current_password": current, "new_password": new}))
    };
    let wrong = send(&svc, change("not-it", "Brand-new-pass-9")).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("当前密码不正确"), "{}", wrong.body);
    let weak = send(&svc, change("Temporary-pass-1", "12345678")).await;
    assert_eq!(
        weak.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        weak.body
    );
    let ok = send(&svc, change("Temporary-pass-1", "Brand-new-pass-9")).await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT, "{}", ok.body);
    assert_eq!(
        status_of(&svc, "/api/v1/plans", &token).await,
        StatusCode::OK
    );

    // The browser: the login goes to the password page, and every page leads back to it.
    let users = send(&svc, get("/api/v1/users", &office)).await.json();
    let u = users
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["username"] == "newbie")
        .expect("newbie")
        .clone();
    let reset = send(
        &svc,
        authed(
            TestRequest::patch().uri(&format!("/api/v1/users/{}", u["id"])),
            &office,
        )
        .set_json(json!({"version": u["version"], "password": "Reset-pass-4x"})),
    )
    .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    let page = browser_login(&svc, "newbie", "Reset-pass-4x").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.header("location").as_deref(),
        Some("/account/password")
    );
    let cookie: Cookie = session_of(&page);
    let home = send(&svc, TestRequest::get().uri("/").cookie(cookie.clone())).await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(
        home.header("location").as_deref(),
        Some("/account/password")
    );
    let form = send(
        &svc,
        TestRequest::get()
            .uri("/account/password")
            .cookie(cookie.clone()),
    )
    .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("临时密码"), "{}", form.body);
    let csrf = csrf_field(&form.body);
    let mismatch = send(
        &svc,
        TestRequest::post()
            .uri("/account/password")
            .cookie(cookie.clone())
            .set_form([
                ("csrf", csrf.as_str()),
                ("current_password", "Reset-pass-4x"),
                ("new_password", "Chosen-by-me-7"),
                ("new_password_again", "Chosen-by-me-8"),
            ]),
    )
    .await;
    assert_eq!(mismatch.status, StatusCode::OK);
    assert!(mismatch.body.contains("两次输入的新密码不一致"));
    let done = send(
        &svc,
        TestRequest::post()
            .uri("/account/password")
            .cookie(cookie.clone())
            .set_form([
                ("csrf", csrf.as_str()),
                ("current_password", "Reset-pass-4x"),
                ("new_password", "Chosen-by-me-7"),
                ("new_password_again", "Chosen-by-me-7"),
            ]),
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let home = send(&svc, TestRequest::get().uri("/").cookie(cookie)).await;
    assert_eq!(home.status, StatusCode::OK);
}

async fn an_old_password_must_be_changed_when_configured(app: TestApp) {
    let uid = app.user("qian", Role::Office, None);
    let mut config = (*app.state.config).clone();
    config.password_max_days = 90;
    let svc = second_instance(&app, config).await;
    let token = login(&svc, "qian").await;
    assert_eq!(
        status_of(&svc, "/api/v1/plans", &token).await,
        StatusCode::OK
    );
    exec(
        &app,
        &format!(
            "UPDATE users SET password_changed_at = '{}' WHERE id = {uid}",
            minutes_ago(91 * 24 * 60)
        ),
    );
    let a = send(&svc, get("/api/v1/plans", &token)).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(a.code(), "password_change_required");
    assert!(a.body.contains("使用期限"), "{}", a.body);
    // Without the setting, passwords do not age.
    let relaxed = app.service().await;
    assert_eq!(
        status_of(&relaxed, "/api/v1/plans", &token).await,
        StatusCode::OK
    );
}

crate::on_both_backends!(
    logout_ends_the_session_on_every_instance,
    password_and_role_changes_end_earlier_sessions,
    idle_and_old_sessions_end,
    the_office_sees_and_ends_sessions,
    a_temporary_password_is_changed_before_anything_else,
    an_old_password_must_be_changed_when_configured,
);
