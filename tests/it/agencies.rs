//! Agencies in a tree: a city's disclosure office above two bureaus, each with its divisions.
//! Each agency sees its own; a bureau's office reports up on what the city gave its unit and
//! writes nothing else of the city's; the city reads the bureaus' plans and writes nothing of
//! theirs; a bureau never sees the other bureau's plan, drafts or people.

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::pages::{browser_login, session_of};
use workplan::domain::role::Role;

const CITY: &str = "广州市政务公开办公室";
const SPORTS: &str = "广州市体育局";
const FINANCE: &str = "广州市财政局";

fn get(token: &str, uri: &str) -> TestRequest {
    authed(TestRequest::get().uri(uri), token)
}

fn post(token: &str, uri: &str, body: Value) -> TestRequest {
    authed(TestRequest::post().uri(uri), token).set_json(body)
}

/// Logs in with the temporary password the upper office gave, sets [`PASSWORD`], logs in again.
async fn first_login<S>(svc: &S, name: &str, temporary: &str) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let t = login_with(svc, name, temporary).await;
    let a = send(
        svc,
        post(
            &t,
            "/api/v1/auth/me/password",
            json!({"current_password": temporary, "new_password": PASSWORD}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{name}: {}", a.body);
    login(svc, name).await
}

fn ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|v| v["id"].as_i64().expect("id"))
        .collect()
}

async fn city_with_two_bureaus(app: TestApp) {
    let svc = app.service().await;
    app.user("city", Role::Office, None);
    let city = login(&svc, "city").await;
    let a = send(
        &svc,
        authed(TestRequest::put().uri("/api/v1/agency"), &city)
            .set_json(json!({"full_name": CITY, "short_name": "市政务公开办", "version": 0})),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);

    // The city places two bureaus below it; each gets its unit and its office account.
    let mut bureaus = Vec::new();
    for (name, short, office) in [
        (SPORTS, "市体育局", "tiyu"),
        (FINANCE, "市财政局", "caizheng"),
    ] {
        let a = send(
            &svc,
            post(
                &city,
                "/api/v1/agencies",
                json!({"full_name": name, "short_name": short,
                       "office_username": office, "office_password": "temporary-pass-1"}),
            ),
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        let v = a.json();
        assert_eq!(v["office_users"], json!([office]));
        bureaus.push((
            v["id"].as_i64().expect("present") as i32,
            v["unit_id"].as_i64().expect("present"),
        ));
    }
    // The same name again is refused: it is already a unit of the city.
    let again = send(
        &svc,
        post(
            &city,
            "/api/v1/agencies",
            json!({"full_name": SPORTS, "office_username": "tiyu2",
                   "office_password": "temporary-pass-1"}),
        ),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    let listed = send(&svc, get(&city, "/api/v1/agencies")).await.json();
    assert_eq!(listed.as_array().expect("present").len(), 2, "{listed}");
    // The city's directory holds the two bureaus as units of kind 下级机关.
    let units = send(&svc, get(&city, "/api/v1/divisions")).await.json();
    let mut kinds: Vec<(&str, &str)> = units
        .as_array()
        .expect("present")
        .iter()
        .map(|d| {
            (
                d["name"].as_str().expect("present"),
                d["kind"].as_str().expect("present"),
            )
        })
        .collect();
    kinds.sort();
    assert_eq!(kinds, vec![(SPORTS, "agency"), (FINANCE, "agency")]);

    let (sports_id, sports_unit) = bureaus[0];
    let (finance_id, _) = bureaus[1];
    let tiyu = first_login(&svc, "tiyu", "temporary-pass-1").await;
    let caizheng = first_login(&svc, "caizheng", "temporary-pass-1").await;

    // Each bureau has its own 办公室 division: names are unique within an agency only.
    let sports_office = app.division_in(sports_id, "办公室");
    let sports_law = app.division_in(sports_id, "政策法规处");
    let finance_office = app.division_in(finance_id, "办公室");
    app.user_in(sports_id, "fagui", Role::Division, Some(sports_law));
    app.user_in(finance_id, "cz-bgs", Role::Division, Some(finance_office));
    let fagui = login(&svc, "fagui").await;
    let cz_bgs = login(&svc, "cz-bgs").await;
    // A city account cannot be given a bureau's division.
    let refused = send(
        &svc,
        post(
            &city,
            "/api/v1/users",
            json!({"username": "x", "password": "temporary-pass-1", "role": "division",
                   "division_id": sports_office}),
        ),
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );

    // Directories and accounts are each agency's own.
    let dir = send(&svc, get(&tiyu, "/api/v1/divisions")).await.json();
    let mut names: Vec<&str> = dir
        .as_array()
        .expect("present")
        .iter()
        .map(|d| d["name"].as_str().expect("present"))
        .collect();
    names.sort();
    assert_eq!(names, vec!["办公室", "政策法规处"], "{dir}");
    let users = send(&svc, get(&tiyu, "/api/v1/users")).await.json();
    let user_names: Vec<&str> = users
        .as_array()
        .expect("present")
        .iter()
        .map(|u| u["username"].as_str().expect("present"))
        .collect();
    assert_eq!(user_names.len(), 2, "{users}");
    assert!(user_names.contains(&"tiyu") && user_names.contains(&"fagui"));

    // The city's plan gives item 1 to the sports bureau (finance supporting), item 2 to finance.
    let plan = send(
        &svc,
        post(
            &city,
            "/api/v1/plans",
            json!({"year": 2021, "title": "广州市2021年政务公开工作要点"}),
        ),
    )
    .await;
    assert_eq!(plan.status, StatusCode::CREATED, "{}", plan.body);
    let city_plan = plan.json()["id"].as_i64().expect("present");
    let mut city_items = Vec::new();
    for (n, task, lead, support) in [
        ("1", "做好重大行政决策公开", vec!["市体育局"], vec![FINANCE]),
        ("2", "做好财政预决算公开", vec![FINANCE], vec![]),
    ] {
        let a = send(
            &svc,
            post(
                &city,
                &format!("/api/v1/plans/{city_plan}/items"),
                json!({"number": n, "task": task, "lead": lead, "support": support}),
            ),
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        let item = a.json();
        assert!(
            item["lead"].as_array().expect("present")[0]["division_id"].is_number(),
            "the short name resolves to the bureau's unit: {item}"
        );
        city_items.push(item["id"].as_i64().expect("present"));
    }
    let a = send(
        &svc,
        post(
            &city,
            &format!("/api/v1/plans/{city_plan}/periods"),
            json!({"period": "2021-Q1"}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);

    // Each bureau's own plan, with an item of its own division.
    let mut own_items = Vec::new();
    for (token, title, lead) in [
        (&tiyu, "广州市体育局2021年政务公开工作要点", "政策法规处"),
        (&caizheng, "广州市财政局2021年政务公开工作要点", "办公室"),
    ] {
        let p = send(
            &svc,
            post(
                token,
                "/api/v1/plans",
                json!({"year": 2021, "title": title}),
            ),
        )
        .await;
        assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
        let id = p.json()["id"].as_i64().expect("present");
        let item = send(
            &svc,
            post(
                token,
                &format!("/api/v1/plans/{id}/items"),
                json!({"number": "1", "task": "做好重大行政决策公开", "lead": [lead]}),
            ),
        )
        .await;
        assert_eq!(item.status, StatusCode::CREATED, "{}", item.body);
        assert!(
            item.json()["lead"][0]["division_id"].is_number(),
            "{lead} resolves in the bureau's own directory: {}",
            item.body
        );
        let a = send(
            &svc,
            post(
                token,
                &format!("/api/v1/plans/{id}/periods"),
                json!({"period": "2021-Q1"}),
            ),
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        own_items.push((id, item.json()["id"].as_i64().expect("present")));
    }
    let (sports_plan, sports_item) = own_items[0];
    let (finance_plan, finance_item) = own_items[1];

    // Who sees which plans: own first, then the city's (office only), never the other bureau's.
    let plans = |token: String| {
        let svc = &svc;
        async move { ids(&send(svc, get(&token, "/api/v1/plans")).await.json()) }
    };
    assert_eq!(plans(tiyu.clone()).await, vec![sports_plan, city_plan]);
    assert_eq!(plans(fagui.clone()).await, vec![sports_plan]);
    let mut seen_by_city = plans(city.clone()).await;
    seen_by_city.sort();
    let mut all = vec![city_plan, sports_plan, finance_plan];
    all.sort();
    assert_eq!(seen_by_city, all);

    // Another bureau's records read as absent, through every kind of address.
    for uri in [
        format!("/api/v1/plans/{finance_plan}"),
        format!("/api/v1/plans/{finance_plan}/items"),
        format!("/api/v1/items/{finance_item}"),
    ] {
        let a = send(&svc, get(&tiyu, &uri)).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{uri} as tiyu: {}", a.body);
    }
    let session = session_of(&browser_login(&svc, "tiyu", PASSWORD).await);
    for uri in [
        format!("/items/{finance_item}"),
        format!("/items?plan={finance_plan}"),
        format!("/overview?plan={finance_plan}"),
        format!("/evaluation?plan={finance_plan}"),
    ] {
        let a = send(&svc, TestRequest::get().uri(&uri).cookie(session.clone())).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{uri} as tiyu: {}", a.body);
    }
    // Its own pages open, and the plan list names no other bureau's plan.
    let own = send(
        &svc,
        TestRequest::get().uri("/items").cookie(session.clone()),
    )
    .await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("广州市体育局2021年政务公开工作要点"));
    assert!(!own.body.contains("广州市财政局2021年"), "{}", own.body);
    // A calendar feed token reaches only what its user sees: not another bureau's division.
    let token = send(
        &svc,
        authed(TestRequest::post().uri("/api/v1/auth/me/feed-token"), &tiyu),
    )
    .await
    .json()["token"]
        .as_str()
        .expect("feed token")
        .to_string();
    let feed = |division: i32| {
        TestRequest::get().uri(&format!(
            "/api/v1/divisions/{division}/calendar.ics?token={token}"
        ))
    };
    let a = send(&svc, feed(finance_office)).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", a.body);
    // The item page, however it is asked for (a refused form names its item in the body),
    // is read as the caller stands in the item's agency.
    let tiyu_caller = {
        let mut c = app.db.get().expect("connection");
        let u = workplan::db::queries::users::by_name(&mut c, "tiyu")
            .expect("read")
            .expect("tiyu");
        workplan::service::Caller::at_home(u.id, u.username, Role::Office, None, sports_id)
    };
    let page = workplan::service::views::item_page(
        &mut app.db.get().expect("connection"),
        &tiyu_caller,
        finance_item as i32,
        &app.state.config.clock(),
    );
    assert!(
        matches!(page, Err(workplan::error::AppError::NotFound(_))),
        "another bureau's item page: {:?}",
        page.map(|p| p.item.task)
    );
    // A bureau's division does not see the city's plan at all.
    let a = send(
        &svc,
        get(&cz_bgs, &format!("/api/v1/plans/{city_plan}/items")),
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", a.body);

    // The bureau division reports on its own item; its office accepts.
    let r = send(
        &svc,
        post(
            &fagui,
            &format!("/api/v1/items/{sports_item}/reports"),
            json!({"period": "2021-Q1", "summary": "已梳理重大行政决策事项目录。"}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let own_report = r.json()["id"].as_i64().expect("present");
    // The city reads the bureau's plan and its reports, and writes nothing of them.
    let a = send(&svc, get(&city, &format!("/api/v1/items/{sports_item}"))).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = send(&svc, get(&city, &format!("/api/v1/reports/{own_report}"))).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    for (uri, body) in [
        (
            format!("/api/v1/items/{sports_item}/reports"),
            json!({"period": "2021-Q1", "summary": "市里代写"}),
        ),
        (format!("/api/v1/reports/{own_report}/submit"), json!({})),
        (
            format!("/api/v1/reports/{own_report}/review"),
            json!({"decision": "accept"}),
        ),
        (
            format!("/api/v1/plans/{sports_plan}/items"),
            json!({"number": "9", "task": "市里加的"}),
        ),
    ] {
        let a = send(&svc, post(&city, &uri, body)).await;
        assert_eq!(
            a.status,
            StatusCode::FORBIDDEN,
            "{uri} as the city: {}",
            a.body
        );
    }

    // The sports bureau's office reports up on the city item its unit leads.
    let up = send(
        &svc,
        post(
            &tiyu,
            &format!("/api/v1/items/{}/reports", city_items[0]),
            json!({"period": "2021-Q1", "summary": "市体育局：已梳理重大行政决策事项目录。"}),
        ),
    )
    .await;
    assert_eq!(up.status, StatusCode::CREATED, "{}", up.body);
    let up_report = up.json()["id"].as_i64().expect("present");
    assert_eq!(up.json()["division_id"].as_i64(), Some(sports_unit));
    // …and nothing the city's office does: it cannot change the city's item or report on
    // an item another bureau leads.
    let a = send(
        &svc,
        post(
            &tiyu,
            &format!("/api/v1/items/{}/reports", city_items[1]),
            json!({"period": "2021-Q1", "summary": "越权"}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
    let a = send(
        &svc,
        authed(
            TestRequest::patch().uri(&format!("/api/v1/items/{}", city_items[0])),
            &tiyu,
        )
        .set_json(json!({"version": 1, "task": "改掉"})),
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
    // The other bureau supports the item above, yet never reads the sports bureau's draft.
    let a = send(
        &svc,
        get(&caizheng, &format!("/api/v1/reports/{up_report}")),
    )
    .await;
    assert!(
        a.status == StatusCode::FORBIDDEN || a.status == StatusCode::NOT_FOUND,
        "finance reads sports' draft: {} {}",
        a.status,
        a.body
    );
    // The bureau's own division does not act in the city's plan.
    let a = send(&svc, get(&fagui, &format!("/api/v1/reports/{up_report}"))).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", a.body);

    // Submitted up, the city accepts it.
    let v = send(&svc, get(&tiyu, &format!("/api/v1/reports/{up_report}")))
        .await
        .json();
    let a = send(
        &svc,
        post(
            &tiyu,
            &format!("/api/v1/reports/{up_report}/submit"),
            json!({"version": v["version"]}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let v = send(&svc, get(&city, &format!("/api/v1/reports/{up_report}")))
        .await
        .json();
    let a = send(
        &svc,
        post(
            &city,
            &format!("/api/v1/reports/{up_report}/review"),
            json!({"decision": "accept", "version": v["version"]}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);

    // The city urges the finance bureau on its item: the finance office is told, no one else.
    let a = send(
        &svc,
        post(
            &city,
            &format!("/api/v1/items/{}/urge", city_items[1]),
            json!({"message": "请尽快报送预决算公开进展"}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let unread = |token: String| {
        let svc = &svc;
        async move {
            send(svc, get(&token, "/api/v1/notifications?unread=true"))
                .await
                .json()["notifications"]
                .as_array()
                .expect("notifications")
                .iter()
                .filter(|n| n["text"].as_str().unwrap_or_default().contains("预决算"))
                .count()
        }
    };
    assert!(
        unread(caizheng.clone()).await >= 1,
        "the finance office is urged"
    );
    assert_eq!(unread(tiyu.clone()).await, 0, "the sports office is not");
    assert_eq!(unread(cz_bgs.clone()).await, 0, "a finance division is not");

    // The bureau office's 待办 lists the city's item it must still report on… once accepted,
    // nothing waits; the finance office still owes item 2.
    let todo = send(&svc, get(&caizheng, "/api/v1/todo")).await.json();
    assert!(
        todo.to_string().contains("做好财政预决算公开"),
        "the finance office's 待办 names the city item it owes: {todo}"
    );
    // The audit trail is each agency's own.
    let trail = send(&svc, get(&tiyu, "/api/v1/audit")).await.json();
    assert!(
        !trail.to_string().contains("caizheng") && !trail.to_string().contains(CITY),
        "{trail}"
    );
}

/// The city oversees its bureaus with the one-agency machinery: its 总览, 情况通报 and evaluation
/// count each bureau as a unit; its review-back carries an unfinished item into next year's
/// plan, and handing that plan down gives the rectification to the bureau that owed it.
async fn the_city_oversees_evaluates_and_carries_rectification_down(app: TestApp) {
    let svc = app.service().await;
    app.user("city", Role::Office, None);
    let city = login(&svc, "city").await;
    let a = send(
        &svc,
        authed(TestRequest::put().uri("/api/v1/agency"), &city)
            .set_json(json!({"full_name": CITY, "version": 0})),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let mut agencies = Vec::new();
    for (name, office) in [(SPORTS, "tiyu"), (FINANCE, "caizheng")] {
        let a = send(
            &svc,
            post(
                &city,
                "/api/v1/agencies",
                json!({"full_name": name, "office_username": office,
                       "office_password": "temporary-pass-1"}),
            ),
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        agencies.push(a.json()["id"].as_i64().expect("id") as i32);
    }
    app.user_in(agencies[0], "tiyu-bgs", Role::Office, None);
    app.user_in(agencies[1], "cz-bgs", Role::Office, None);
    let tiyu = login(&svc, "tiyu-bgs").await;
    let caizheng = login(&svc, "cz-bgs").await;

    let plan = send(
        &svc,
        post(
            &city,
            "/api/v1/plans",
            json!({"year": 2021, "title": "广州市2021年政务公开工作要点"}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("plan");
    let mut items = Vec::new();
    for (n, task, lead) in [
        ("1", "做好重大行政决策公开", SPORTS),
        ("2", "做好财政预决算公开", FINANCE),
    ] {
        let a = send(
            &svc,
            post(
                &city,
                &format!("/api/v1/plans/{plan}/items"),
                json!({"number": n, "task": task, "lead": [lead]}),
            ),
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        items.push(a.json()["id"].as_i64().expect("item"));
    }
    let a = send(
        &svc,
        post(
            &city,
            &format!("/api/v1/plans/{plan}/periods"),
            json!({"period": "2021-Q4"}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);

    // The sports bureau reports its item done; the city accepts. Finance reports nothing.
    let r = send(
        &svc,
        post(
            &tiyu,
            &format!("/api/v1/items/{}/reports", items[0]),
            json!({"period": "2021-Q4", "summary": "已公布重大行政决策事项目录。",
                   "completes_item": true}),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().expect("report");
    let s = send(
        &svc,
        post(
            &tiyu,
            &format!("/api/v1/reports/{id}/submit"),
            json!({"version": r.json()["version"]}),
        ),
    )
    .await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.body);
    let a = send(
        &svc,
        post(
            &city,
            &format!("/api/v1/reports/{id}/review"),
            json!({"decision": "accept", "version": s.json()["version"]}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);

    // 情况通报 and 总览 name each bureau; the evaluation counts each as a unit.
    let bulletin = send(
        &svc,
        get(
            &city,
            &format!("/api/v1/plans/{plan}/bulletin?period=2021-Q4"),
        ),
    )
    .await;
    assert_eq!(bulletin.status, StatusCode::OK, "{}", bulletin.body);
    assert!(
        bulletin.body.contains(SPORTS) && bulletin.body.contains(FINANCE),
        "{}",
        bulletin.body
    );
    let session = session_of(&browser_login(&svc, "city", PASSWORD).await);
    let overview = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/overview?plan={plan}"))
            .cookie(session),
    )
    .await;
    assert_eq!(overview.status, StatusCode::OK);
    assert!(overview.body.contains(SPORTS) && overview.body.contains(FINANCE));
    let evaluation = send(
        &svc,
        get(&city, &format!("/api/v1/plans/{plan}/evaluation")),
    )
    .await;
    assert_eq!(evaluation.status, StatusCode::OK, "{}", evaluation.body);
    assert!(
        evaluation.body.contains(SPORTS) && evaluation.body.contains(FINANCE),
        "{}",
        evaluation.body
    );
    // A bureau reads the city's plan as its unit, not the city's evaluation work.
    let a = send(
        &svc,
        post(
            &tiyu,
            &format!("/api/v1/plans/{plan}/evaluation/finalise"),
            json!({}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
    let a = send(
        &svc,
        post(
            &city,
            &format!("/api/v1/plans/{plan}/evaluation/finalise"),
            json!({}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);

    // Next year: the city's review-back carries finance's unfinished item into its new plan…
    let next = send(
        &svc,
        post(
            &city,
            "/api/v1/plans",
            json!({"year": 2022, "title": "广州市2022年政务公开工作要点"}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("next plan");
    let rb = send(
        &svc,
        post(
            &city,
            &format!("/api/v1/plans/{next}/review-back"),
            json!({"from_plan": plan}),
        ),
    )
    .await;
    assert_eq!(rb.status, StatusCode::CREATED, "{}", rb.body);
    assert_eq!(rb.json()["rectifications"], 1, "{}", rb.body);
    // …and handing the new plan down gives the rectification to finance, not to sports.
    let a = send(
        &svc,
        post(&city, &format!("/api/v1/plans/{next}/hand-down"), json!({})),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let handed = |token: String| {
        let svc = &svc;
        async move {
            let plans = send(svc, get(&token, "/api/v1/plans")).await.json();
            let Some(p) = plans
                .as_array()
                .expect("plans")
                .iter()
                .find(|p| p["upper_plan_id"].as_i64() == Some(next))
                .and_then(|p| p["id"].as_i64())
            else {
                return String::new();
            };
            send(svc, get(&token, &format!("/api/v1/plans/{p}/items")))
                .await
                .body
        }
    };
    let finance_items = handed(caizheng.clone()).await;
    assert!(
        finance_items.contains("做好财政预决算公开"),
        "{finance_items}"
    );
    let sports_items = handed(tiyu.clone()).await;
    assert!(
        !sports_items.contains("做好财政预决算公开"),
        "{sports_items}"
    );
}

crate::on_both_backends!(
    city_with_two_bureaus,
    the_city_oversees_evaluates_and_carries_rectification_down
);
