//! Login, tokens, throttling, CSRF on cookie-authenticated API writes.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::json;

use crate::helpers::*;
use workplan::auth::TokenKeys;
use workplan::domain::role::Role;

async fn login_gives_a_token_that_identifies_the_user(app: TestApp) {
    let d = app.division("法规宣传处");
    app.user("wang", Role::Division, Some(d));
    let svc = app.service().await;
    let token = login(&svc, "wang").await;
    let me = send(
        &svc,
        authed(TestRequest::get().uri("/api/v1/auth/me"), &token),
    )
    .await;
    assert_eq!(me.status, StatusCode::OK);
    let me = me.json();
    assert_eq!(me["username"], "wang");
    assert_eq!(me["role"], "division");
    assert_eq!(me["division_id"], d);
}

async fn wrong_password_and_unknown_name_look_the_same(app: TestApp) {
    app.user("li", Role::Office, None);
    let svc = app.service().await;
    for (name, pw) in [("li", "not-the-password"), ("nobody", PASSWORD)] {
        let a = send(
            &svc,
            TestRequest::post()
                .uri("/api/v1/auth/login")
                .set_json(json!({"username": name, "password": pw})),
        )
        .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{name}");
        assert_eq!(a.code(), "bad_credentials");
        assert_eq!(a.json()["error"]["message"], "用户名或密码错误");
    }
}

async fn forged_expired_unsigned_and_garbage_tokens_are_refused(app: TestApp) {
    let uid = app.user("zhao", Role::Office, None);
    let svc = app.service().await;
    let other = TokenKeys::new("some-other-secret-of-sufficient-length!!", 60);
    let (forged, _) = other
        .issue(uid, "zhao", Role::Office, None, "some-session")
        .expect("issue");
    let expired_keys = TokenKeys::new(SECRET, -5);
    let (expired, _) = expired_keys
        .issue(uid, "zhao", Role::Office, None, "some-session")
        .expect("issue");
    // Signed with the server's own secret, but naming no session the server started.
    let (sessionless, _) = TokenKeys::new(SECRET, 60)
        .issue(uid, "zhao", Role::Office, None, "made-up-session-key")
        .expect("issue");
    // alg: none with a valid-looking body and no signature.
    let b64 = |s: &str| {
        use std::fmt::Write;
        const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in s.as_bytes().chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, x)| acc | (*x as u32) << (16 - 8 * i));
            for i in 0..=chunk.len() {
                let _ = write!(out, "{}", T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    };
    let exp = chrono::Utc::now().timestamp() + 3600;
    let unsigned = format!(
        "{}.{}.",
        b64(r#"{"alg":"none","typ":"JWT"}"#),
        b64(&format!(
            r#"{{"sub":"{uid}","name":"zhao","role":"office","division":null,"csrf":"x","iat":0,"exp":{exp}}}"#
        ))
    );
    for (what, token) in [
        ("forged", forged.as_str()),
        ("expired", expired.as_str()),
        ("sessionless", sessionless.as_str()),
        ("alg none", unsigned.as_str()),
        ("garbage", "not.a.token"),
    ] {
        let a = send(&svc, authed(TestRequest::get().uri("/api/v1/plans"), token)).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{what}");
        assert_eq!(a.code(), "unauthenticated", "{what}");
    }
    let none = send(&svc, TestRequest::get().uri("/api/v1/plans")).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
}

async fn five_failures_lock_the_name_for_every_instance(app: TestApp) {
    app.user("sun", Role::Office, None);
    app.user("zhou", Role::Office, None);
    let svc = app.service().await;
    let attempt = |name: &'static str, pw: &'static str| {
        TestRequest::post()
            .uri("/api/v1/auth/login")
            .set_json(json!({"username": name, "password": pw}))
    };
    for _ in 0..5 {
        let a = send(&svc, attempt("sun", "wrong-password")).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused now, with a wait time.
    let locked = send(&svc, attempt("sun", PASSWORD)).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(locked.code(), "too_many_attempts");
    let wait: i64 = locked
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!(wait > 0 && wait <= 15 * 60, "{wait}");
    // A second instance sharing the database sees the same count.
    let second = workplan::web::AppState::new(app.db.clone(), (*app.state.config).clone(), SECRET);
    let svc2 = actix_web::test::init_service(
        actix_web::App::new()
            .configure(workplan::web::configure(actix_web::web::Data::new(second))),
    )
    .await;
    let also_locked = send(&svc2, attempt("sun", PASSWORD)).await;
    assert_eq!(also_locked.status, StatusCode::TOO_MANY_REQUESTS);
    // Other names are not affected.
    login(&svc2, "zhou").await;
}

async fn disabled_users_lose_access_at_once(app: TestApp) {
    let boss = app.user("boss", Role::Office, None);
    let uid = app.user("qian", Role::Leader, None);
    let _ = boss;
    let svc = app.service().await;
    let token = login(&svc, "qian").await;
    let office = login(&svc, "boss").await;
    let user = send(
        &svc,
        authed(TestRequest::get().uri("/api/v1/users"), &office),
    )
    .await
    .json();
    let version = user
        .as_array()
        .expect("list")
        .iter()
        .find(|u| u["id"] == uid)
        .expect("qian")["version"]
        .clone();
    let a = send(
        &svc,
        authed(
            TestRequest::patch().uri(&format!("/api/v1/users/{uid}")),
            &office,
        )
        .set_json(json!({"version": version, "disabled": true})),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let after = send(
        &svc,
        authed(TestRequest::get().uri("/api/v1/plans"), &token),
    )
    .await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    let relogin = send(
        &svc,
        TestRequest::post()
            .uri("/api/v1/auth/login")
            .set_json(json!({"username": "qian", "password": PASSWORD})),
    )
    .await;
    assert_eq!(relogin.status, StatusCode::UNAUTHORIZED);
}

async fn cookie_authenticated_api_writes_need_the_csrf_header(app: TestApp) {
    app.user("wu", Role::Office, None);
    let svc = app.service().await;
    let token = login(&svc, "wu").await;
    let claims = workplan::auth::TokenKeys::new(SECRET, 60)
        .verify(&token)
        .expect("claims");
    let cookie = actix_web::cookie::Cookie::new(workplan::web::auth::SESSION_COOKIE, token.clone());
    let body = json!({"year": 2021, "title": "2021年政务公开工作要点分工方案"});
    let without = send(
        &svc,
        TestRequest::post()
            .uri("/api/v1/plans")
            .cookie(cookie.clone())
            .set_json(body.clone()),
    )
    .await;
    assert_eq!(without.status, StatusCode::FORBIDDEN);
    let wrong = send(
        &svc,
        TestRequest::post()
            .uri("/api/v1/plans")
            .cookie(cookie.clone())
            .insert_header(("X-CSRF-Token", "guess"))
            .set_json(body.clone()),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let with = send(
        &svc,
        TestRequest::post()
            .uri("/api/v1/plans")
            .cookie(cookie)
            .insert_header(("X-CSRF-Token", claims.csrf))
            .set_json(body),
    )
    .await;
    assert_eq!(with.status, StatusCode::CREATED, "{}", with.body);
    // Reads with the cookie need no token.
    let read = send(
        &svc,
        TestRequest::get()
            .uri("/api/v1/plans")
            .cookie(actix_web::cookie::Cookie::new(
                workplan::web::auth::SESSION_COOKIE,
                token,
            )),
    )
    .await;
    assert_eq!(read.status, StatusCode::OK);
}

/// Guesses sent all at once, half through a second instance with its own connections to the
/// same database: at most five are checked, every other one is told to wait.
async fn parallel_guesses_are_counted_before_they_are_checked(app: TestApp) {
    app.user("sun", Role::Office, None);
    let svc = app.service().await;
    // On PostgreSQL the second instance has its own pool, as another process would; SQLite
    // serves one process.
    let second_db = match app.db.backend() {
        workplan::db::Backend::Postgres(url) => {
            workplan::db::Db::connect(url, 8).expect("second pool")
        }
        workplan::db::Backend::Sqlite(_) => app.db.clone(),
    };
    let second = workplan::web::AppState::new(second_db, (*app.state.config).clone(), SECRET);
    let svc2 = actix_web::test::init_service(
        actix_web::App::new()
            .configure(workplan::web::configure(actix_web::web::Data::new(second))),
    )
    .await;
    let guess = |i: usize| {
        TestRequest::post()
            .uri("/api/v1/auth/login")
            .set_json(json!({"username": "sun", "password": format!("wrong-{i}")}))
    };
    let answers = futures_util::future::join_all((0..40).map(|i| {
        let (svc, svc2) = (&svc, &svc2);
        async move {
            if i % 2 == 0 {
                send(svc, guess(i)).await.status
            } else {
                send(svc2, guess(i)).await.status
            }
        }
    }))
    .await;
    let checked = answers
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = answers
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(checked + refused, 40, "{answers:?}");
    assert!(
        checked <= 5,
        "{checked} of 40 parallel guesses were checked"
    );
    // The right password is refused too while the name is locked.
    let right = send(
        &svc,
        TestRequest::post()
            .uri("/api/v1/auth/login")
            .set_json(json!({"username": "sun", "password": PASSWORD})),
    )
    .await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
}

crate::on_both_backends!(
    parallel_guesses_are_counted_before_they_are_checked,
    login_gives_a_token_that_identifies_the_user,
    wrong_password_and_unknown_name_look_the_same,
    forged_expired_unsigned_and_garbage_tokens_are_refused,
    five_failures_lock_the_name_for_every_instance,
    disabled_users_lose_access_at_once,
    cookie_authenticated_api_writes_need_the_csrf_header,
);
