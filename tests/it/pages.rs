//! The Chinese pages: login, home, administration, CSRF on every form.

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::TestRequest;

use crate::helpers::*;
use workplan::domain::role::Role;

/// The value of the first hidden `csrf` field in a page.
pub(crate) fn csrf_field(html: &str) -> String {
    let start =
        html.find("name=\"csrf\" value=\"").expect("csrf field") + "name=\"csrf\" value=\"".len();
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The value a Set-Cookie header sets for `name`.
fn set_cookie(a: &Answer, name: &str) -> Option<String> {
    a.headers
        .get_all("set-cookie")
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

/// Logs in through the login form and returns the session cookie's value.
pub(crate) async fn browser_login<S>(svc: &S, name: &str, password: &str) -> Answer
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
{
    let form = send(svc, TestRequest::get().uri("/login")).await;
    assert_eq!(form.status, StatusCode::OK);
    let token = csrf_field(&form.body);
    let cookie =
        set_cookie(&form, workplan::web::auth::LOGIN_CSRF_COOKIE).expect("login csrf cookie");
    let value = cookie
        .split(';')
        .next()
        .and_then(|c| c.split_once('='))
        .map(|(_, v)| v.to_string())
        .unwrap_or_default();
    send(
        svc,
        TestRequest::post()
            .uri("/login")
            .cookie(Cookie::new(workplan::web::auth::LOGIN_CSRF_COOKIE, value))
            .set_form([
                ("csrf", token.as_str()),
                ("username", name),
                ("password", password),
            ]),
    )
    .await
}

pub(crate) fn session_of(a: &Answer) -> Cookie<'static> {
    let raw = set_cookie(a, workplan::web::auth::SESSION_COOKIE).expect("session cookie");
    Cookie::parse(raw).expect("cookie").into_owned()
}

async fn login_form_sets_a_strict_http_only_session(app: TestApp) {
    app.user("office", Role::Office, None);
    let svc = app.service().await;
    let anon = send(&svc, TestRequest::get().uri("/")).await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
    assert_eq!(anon.header("location").as_deref(), Some("/login"));
    let page = send(&svc, TestRequest::get().uri("/login")).await;
    assert!(
        page.body.contains("用户名") && page.body.contains("密码") && page.body.contains("登录")
    );

    let wrong = browser_login(&svc, "office", "wrong-password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("用户名或密码错误"));
    assert!(set_cookie(&wrong, workplan::web::auth::SESSION_COOKIE).is_none());

    let ok = browser_login(&svc, "office", PASSWORD).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let raw = set_cookie(&ok, workplan::web::auth::SESSION_COOKIE).expect("session");
    assert!(raw.contains("HttpOnly"), "{raw}");
    assert!(raw.contains("SameSite=Strict"), "{raw}");
    assert!(!raw.contains("Secure"), "plain HTTP on a laptop: {raw}");

    // In production (behind TLS) both cookies are Secure as well.
    let mut config = (*app.state.config).clone();
    config.production = true;
    let tls =
        actix_web::test::init_service(actix_web::App::new().configure(workplan::web::configure(
            actix_web::web::Data::new(workplan::web::AppState::new(app.db.clone(), config, SECRET)),
        )))
        .await;
    let form = send(&tls, TestRequest::get().uri("/login")).await;
    let login_cookie =
        set_cookie(&form, workplan::web::auth::LOGIN_CSRF_COOKIE).expect("login csrf cookie");
    let session = set_cookie(
        &browser_login(&tls, "office", PASSWORD).await,
        workplan::web::auth::SESSION_COOKIE,
    )
    .expect("session");
    for raw in [login_cookie, session] {
        for flag in ["Secure", "HttpOnly", "SameSite=Strict"] {
            assert!(raw.contains(flag), "{flag}: {raw}");
        }
    }

    let home = send(&svc, TestRequest::get().uri("/").cookie(session_of(&ok))).await;
    assert_eq!(home.status, StatusCode::OK);
    for nav in [
        "我的任务",
        "全部事项",
        "导入计划",
        "年度考核",
        "回头看",
        "导出",
        "系统管理",
    ] {
        assert!(home.body.contains(nav), "nav lacks {nav}");
    }
}

async fn login_form_without_its_token_is_refused(app: TestApp) {
    app.user("office", Role::Office, None);
    let svc = app.service().await;
    let a = send(
        &svc,
        TestRequest::post().uri("/login").set_form([
            ("csrf", "made-up"),
            ("username", "office"),
            ("password", PASSWORD),
        ]),
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(set_cookie(&a, workplan::web::auth::SESSION_COOKIE).is_none());
}

async fn home_lists_the_real_plans_with_counts(app: TestApp) {
    app.user("office", Role::Office, None);
    let svc = app.service().await;
    let token = login(&svc, "office").await;
    let plan = send(
        &svc,
        authed(TestRequest::post().uri("/api/v1/plans"), &token)
            .set_json(serde_json::json!({"year": 2021, "title": "广州市体育局2021年政务公开工作要点分工方案"})),
    )
    .await
    .json();
    for n in ["1", "2"] {
        send(
            &svc,
            authed(
                TestRequest::post().uri(&format!("/api/v1/plans/{}/items", plan["id"])),
                &token,
            )
            .set_json(serde_json::json!({"number": n, "task": "任务", "lead": ["各有关处室"]})),
        )
        .await;
    }
    let ok = browser_login(&svc, "office", PASSWORD).await;
    let home = send(&svc, TestRequest::get().uri("/").cookie(session_of(&ok))).await;
    assert!(home
        .body
        .contains("广州市体育局2021年政务公开工作要点分工方案"));
    assert!(home.body.contains("<td class=\"n\">2</td>"), "item count");
    assert!(
        home.body.contains("<td class=\"n warn\">2</td>"),
        "unassigned count"
    );
    let items = send(
        &svc,
        TestRequest::get().uri("/items").cookie(session_of(&ok)),
    )
    .await;
    assert!(items.body.contains("各有关处室"));
}

async fn office_manages_divisions_and_users_through_forms(app: TestApp) {
    let d = app.division("办公室");
    app.user("office", Role::Office, None);
    app.user("staff", Role::Division, Some(d));
    let svc = app.service().await;
    let ok = browser_login(&svc, "office", PASSWORD).await;
    let session = session_of(&ok);
    let page = send(
        &svc,
        TestRequest::get()
            .uri("/admin/divisions")
            .cookie(session.clone()),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = csrf_field(&page.body);

    let missing = send(
        &svc,
        TestRequest::post()
            .uri("/admin/divisions")
            .cookie(session.clone())
            .set_form([("name", "法规宣传处"), ("kind", "internal")]),
    )
    .await;
    assert_eq!(
        missing.status,
        StatusCode::FORBIDDEN,
        "form without CSRF token"
    );
    let added = send(
        &svc,
        TestRequest::post()
            .uri("/admin/divisions")
            .cookie(session.clone())
            .set_form([
                ("csrf", csrf.as_str()),
                ("name", "法规宣传处"),
                ("aliases", "法规处"),
                ("kind", "internal"),
            ]),
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let page = send(
        &svc,
        TestRequest::get()
            .uri("/admin/divisions?msg=created")
            .cookie(session.clone()),
    )
    .await;
    assert!(
        page.body.contains("value=\"法规宣传处\"")
            && page.body.contains("法规处")
            && page.body.contains("已添加")
    );

    let bad = send(
        &svc,
        TestRequest::post()
            .uri("/admin/users")
            .cookie(session.clone())
            .set_form([
                ("csrf", csrf.as_str()),
                ("username", "new"),
                ("password", "short"),
                ("role", "leader"),
            ]),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The same page again, the reason beside the form and the user name still typed.
    assert!(
        bad.body.contains("密码至少需要")
            && bad.body.contains("id=\"new-user-refused\"")
            && bad.body.contains("value=\"new\""),
        "{}",
        bad.body
    );
    let user = send(
        &svc,
        TestRequest::post()
            .uri("/admin/users")
            .cookie(session.clone())
            .set_form([
                ("csrf", csrf.as_str()),
                ("username", "leader1"),
                ("password", PASSWORD),
                ("role", "leader"),
            ]),
    )
    .await;
    assert_eq!(user.status, StatusCode::SEE_OTHER);
    let audit = send(&svc, TestRequest::get().uri("/admin/audit").cookie(session)).await;
    assert!(audit.body.contains("leader1") && audit.body.contains("法规宣传处"));

    // Division staff get a Chinese 403 page, not the forms.
    let staff = browser_login(&svc, "staff", PASSWORD).await;
    let refused = send(
        &svc,
        TestRequest::get()
            .uri("/admin/users")
            .cookie(session_of(&staff)),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("没有权限"));
    let home = send(&svc, TestRequest::get().uri("/").cookie(session_of(&staff))).await;
    assert!(!home.body.contains("系统管理"), "staff see no admin link");
}

async fn logout_needs_the_token_and_clears_the_session(app: TestApp) {
    app.user("office", Role::Office, None);
    let svc = app.service().await;
    let ok = browser_login(&svc, "office", PASSWORD).await;
    let session = session_of(&ok);
    let home = send(&svc, TestRequest::get().uri("/").cookie(session.clone())).await;
    let csrf = csrf_field(&home.body);
    let forged = send(
        &svc,
        TestRequest::post()
            .uri("/logout")
            .cookie(session.clone())
            .set_form([("csrf", "x")]),
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let out = send(
        &svc,
        TestRequest::post()
            .uri("/logout")
            .cookie(session)
            .set_form([("csrf", csrf.as_str())]),
    )
    .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let cleared = set_cookie(&out, workplan::web::auth::SESSION_COOKIE).expect("cleared cookie");
    assert!(
        cleared.contains("Max-Age=0") || cleared.contains("Expires"),
        "{cleared}"
    );
}

async fn overview_and_reminders_show_what_is_overdue(app: TestApp) {
    let d = app.division("法规宣传处");
    app.user("office", Role::Office, None);
    app.user("staff", Role::Division, Some(d));
    app.user("boss", Role::Leader, None);
    let svc = app.service().await;
    let token = login(&svc, "office").await;
    let plan = send(
        &svc,
        authed(TestRequest::post().uri("/api/v1/plans"), &token)
            .set_json(serde_json::json!({"year": 2021, "title": "2021年分工方案"})),
    )
    .await
    .json();
    // A 2021 item without a date is due at the end of 2021: long overdue now.
    send(
        &svc,
        authed(
            TestRequest::post().uri(&format!("/api/v1/plans/{}/items", plan["id"])),
            &token,
        )
        .set_json(serde_json::json!({"number": "1", "task": "发布目录", "lead": ["法规宣传处"]})),
    )
    .await;
    let staff = browser_login(&svc, "staff", PASSWORD).await;
    let home = send(&svc, TestRequest::get().uri("/").cookie(session_of(&staff))).await;
    assert!(
        home.body.contains("id=\"reminders\"")
            && home.body.contains("已逾期")
            && home.body.contains("发布目录"),
        "division reminders"
    );
    let mine = send(
        &svc,
        TestRequest::get().uri("/my").cookie(session_of(&staff)),
    )
    .await;
    assert!(
        mine.body
            .contains(&format!("/api/v1/divisions/{d}/calendar.ics?token=")),
        "feed address on 我的任务"
    );
    let office = browser_login(&svc, "office", PASSWORD).await;
    let home = send(
        &svc,
        TestRequest::get().uri("/").cookie(session_of(&office)),
    )
    .await;
    assert!(
        home.body.contains("1 个事项逾期未完成，0 份报告待审核"),
        "office counts"
    );
    // Leaders read the overview too: figures by division and the chart.
    let boss = browser_login(&svc, "boss", PASSWORD).await;
    let overview = send(
        &svc,
        TestRequest::get()
            .uri("/overview")
            .cookie(session_of(&boss)),
    )
    .await;
    assert_eq!(overview.status, StatusCode::OK);
    assert!(
        overview.body.contains("<svg") && overview.body.contains("0/1（0%）"),
        "chart"
    );
    assert!(overview.body.contains("id=\"overdue\"") && overview.body.contains("发布目录"));
}

async fn periods_open_and_items_are_acknowledged_through_forms(app: TestApp) {
    let d = app.division("法规宣传处");
    app.user("office", Role::Office, None);
    app.user("staff", Role::Division, Some(d));
    let svc = app.service().await;
    let token = login(&svc, "office").await;
    let plan = send(
        &svc,
        authed(TestRequest::post().uri("/api/v1/plans"), &token)
            .set_json(serde_json::json!({"year": 2031, "title": "方案"})),
    )
    .await
    .json();
    let plan_id = plan["id"].as_i64().expect("plan");
    for n in ["1", "2"] {
        send(
            &svc,
            authed(
                TestRequest::post().uri(&format!("/api/v1/plans/{plan_id}/items")),
                &token,
            )
            .set_json(serde_json::json!({"number": n, "task": "任务", "lead": ["法规宣传处"]})),
        )
        .await;
    }
    let office = session_of(&browser_login(&svc, "office", PASSWORD).await);
    let page = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/overview?plan={plan_id}"))
            .cookie(office.clone()),
    )
    .await;
    let csrf = csrf_field(&page.body);
    let opened = send(
        &svc,
        TestRequest::post()
            .uri(&format!("/plans/{plan_id}/periods"))
            .cookie(office)
            .set_form([
                ("csrf", csrf.as_str()),
                ("period", "2031-Q3"),
                ("due_on", ""),
            ]),
    )
    .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    let periods = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/plans/{plan_id}/periods")),
            &token,
        ),
    )
    .await
    .json();
    assert_eq!(periods[0]["due_on"], "2031-09-30");

    let staff = session_of(&browser_login(&svc, "staff", PASSWORD).await);
    let mine = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/my?plan={plan_id}"))
            .cookie(staff.clone()),
    )
    .await;
    assert!(mine.body.contains("acknowledge-all"));
    let csrf = csrf_field(&mine.body);
    let acked = send(
        &svc,
        TestRequest::post()
            .uri(&format!("/plans/{plan_id}/acknowledge"))
            .cookie(staff)
            .set_form([("csrf", csrf.as_str())]),
    )
    .await;
    assert_eq!(acked.status, StatusCode::SEE_OTHER, "{}", acked.body);
    let inbox = send(
        &svc,
        authed(
            TestRequest::get().uri("/api/v1/notifications?unread=true"),
            &token,
        ),
    )
    .await
    .json();
    let acks = inbox["notifications"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|n| n["kind"] == "acknowledged")
        .count();
    assert_eq!(acks, 2, "both items acknowledged, the office told");
}

/// Logins, failed logins and logouts are in the audit trail with the address they came from,
/// and the home page tells the user when and from where they last logged in.
async fn logins_are_in_the_trail_and_the_home_page_shows_the_last(app: TestApp) {
    app.user("office", Role::Office, None);
    let svc = app.service().await;
    let api = |password: &str, ip: &str| {
        TestRequest::post()
            .uri("/api/v1/auth/login")
            .peer_addr(format!("{ip}:40000").parse().expect("address"))
            .set_json(serde_json::json!({"username": "office", "password": password}))
    };
    let wrong = send(&svc, api("wrong-password-1", "203.0.113.7")).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let right = send(&svc, api(PASSWORD, "198.51.100.2")).await;
    assert_eq!(right.status, StatusCode::OK, "{}", right.body);
    let token = right.json()["token"].as_str().expect("token").to_string();

    let ok = browser_login(&svc, "office", PASSWORD).await;
    let session = session_of(&ok);
    let home = send(&svc, TestRequest::get().uri("/").cookie(session.clone())).await;
    assert!(
        home.body.contains("上次登录") && home.body.contains("来自 198.51.100.2"),
        "{}",
        home.body
    );
    let form = send(&svc, TestRequest::get().uri("/").cookie(session.clone())).await;
    let logout = send(
        &svc,
        TestRequest::post()
            .uri("/logout")
            .peer_addr("192.0.2.9:40001".parse().expect("address"))
            .cookie(session)
            .set_form([("csrf", csrf_field(&form.body))]),
    )
    .await;
    assert_eq!(logout.status, StatusCode::SEE_OTHER);

    let trail = send(
        &svc,
        authed(
            TestRequest::get().uri("/api/v1/audit?entity=session"),
            &token,
        ),
    )
    .await
    .json();
    let seen: Vec<(String, String, String)> = trail
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or_default().to_string(),
                e["actor_name"].as_str().unwrap_or_default().to_string(),
                e["address"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let want = |a: &str, ip: &str| (a.to_string(), "office".to_string(), ip.to_string());
    assert_eq!(
        seen,
        vec![
            want("logout", "192.0.2.9"),
            want("login", ""),
            want("login", "198.51.100.2"),
            want("login_failed", "203.0.113.7"),
        ]
    );
}

/// The number a list page says it matched: "共 N 项".
fn matched(html: &str) -> usize {
    let start =
        html.find("id=\"match-count\">共 ").expect("match count") + "id=\"match-count\">共 ".len();
    html[start..]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a number")
}

async fn the_item_list_finds_by_words_division_status_and_month(app: TestApp) {
    app.user("office", Role::Office, None);
    let plan = app.import_sample(2021);
    let svc = app.service().await;
    let token = login(&svc, "office").await;
    let cookie = session_of(&browser_login(&svc, "office", PASSWORD).await);
    let items = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/plans/{plan}/items")),
            &token,
        ),
    )
    .await
    .json();
    let items = items.as_array().expect("items").clone();
    let list = |query: String| {
        let cookie = cookie.clone();
        let svc = &svc;
        async move {
            let a = send(
                svc,
                TestRequest::get()
                    .uri(&format!("/items?plan={plan}&{query}"))
                    .cookie(cookie),
            )
            .await;
            assert_eq!(a.status, StatusCode::OK, "{query}");
            a.body
        }
    };
    assert_eq!(matched(&list(String::new()).await), items.len());

    // Words: a word of one item's task finds exactly the items whose text holds it.
    let word: String = items[0]["task"]
        .as_str()
        .expect("task")
        .chars()
        .take(4)
        .collect();
    let holding = items
        .iter()
        .filter(|i| {
            [&i["task"], &i["requirement"], &i["number"]]
                .iter()
                .any(|f| f.as_str().unwrap_or_default().contains(&word))
        })
        .count();
    let found = list(format!("q={}", urlencode(&word))).await;
    assert_eq!(matched(&found), holding, "q={word}");
    assert!(
        found.contains(&format!("value=\"{word}\"")),
        "the filter stays in the form"
    );

    // A division: the items it leads or supports.
    let name = items
        .iter()
        .find_map(|i| i["lead"][0]["name"].as_str())
        .expect("a lead")
        .to_string();
    let theirs = items
        .iter()
        .filter(|i| {
            ["lead", "support"].iter().any(|part| {
                i[part]
                    .as_array()
                    .is_some_and(|rs| rs.iter().any(|r| r["name"] == name.as_str()))
            })
        })
        .count();
    assert_eq!(
        matched(&list(format!("division={}", urlencode(&name))).await),
        theirs,
        "division={name}"
    );
    let unknown = list("division=%E6%97%A0%E6%AD%A4%E5%A4%84".to_string()).await;
    assert!(unknown.contains("没有名为“无此处”的处室"), "{unknown}");

    // A status and a due month.
    let status = items[0]["status"].as_str().expect("status").to_string();
    let with_status = items
        .iter()
        .filter(|i| i["status"] == status.as_str())
        .count();
    assert_eq!(
        matched(&list(format!("status={status}")).await),
        with_status
    );
    let due = items
        .iter()
        .find_map(|i| i["deadline"]["due"].as_str())
        .expect("a due date");
    let month = &due[..7];
    let in_month = items
        .iter()
        .filter(|i| {
            i["deadline"]["due"]
                .as_str()
                .is_some_and(|d| d.starts_with(month))
        })
        .count();
    assert_eq!(
        matched(&list(format!("due={month}")).await),
        in_month,
        "due={month}"
    );
    let bad = list("due=June".to_string()).await;
    assert!(bad.contains("应写成 2021-06"), "a bad month is said");
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)])
        .expect("encode")
        .trim_start_matches("x=")
        .to_string()
}

crate::on_both_backends!(
    the_item_list_finds_by_words_division_status_and_month,
    logins_are_in_the_trail_and_the_home_page_shows_the_last,
    periods_open_and_items_are_acknowledged_through_forms,
    overview_and_reminders_show_what_is_overdue,
    login_form_sets_a_strict_http_only_session,
    login_form_without_its_token_is_refused,
    home_lists_the_real_plans_with_counts,
    office_manages_divisions_and_users_through_forms,
    logout_needs_the_token_and_clears_the_session,
);
