//! Deadlines the office completes: a date from the higher authority, an event date from
//! which working days count (State Council calendar, make-up days included).

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::*;
use workplan::domain::role::Role;

const PLAN_CSV: &str = "工作任务,具体要求,责任处室,完成时限\r\n\
公开政策文件,1. 政策文件公开后及时发布解读,办公室,文件公开后3个工作日内\r\n\
公开预算,2. 按要求公开部门预算,办公室,按照市财政局统一部署\r\n";

async fn office_dates_set_the_due_date(app: TestApp) {
    let office_div = app.division("办公室");
    app.user("office", Role::Office, None);
    app.user("staff", Role::Division, Some(office_div));
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let boundary = "----wp";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"year\"\r\n\r\n2024\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"plan.csv\"\r\n\r\n{PLAN_CSV}\r\n--{boundary}--\r\n"
    );
    let imported = send(
        &svc,
        authed(TestRequest::post().uri("/api/v1/plans/import"), &office)
            .insert_header((
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            ))
            .set_payload(body),
    )
    .await;
    assert_eq!(imported.status, StatusCode::CREATED, "{}", imported.body);
    let plan_id = imported.json()["id"].as_i64().expect("plan");
    let items = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/plans/{plan_id}/items")),
            &office,
        ),
    )
    .await
    .json();
    let find = |n: &str| {
        items
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["number"] == n)
            .expect("item")
            .clone()
    };
    let relative = find("1");
    let authority = find("2");
    assert_eq!(relative["status"], "ongoing");
    assert_eq!(authority["status"], "waiting_on_higher_authority");

    let patch = |token: &str, id: &Value, body: Value| {
        authed(
            TestRequest::patch().uri(&format!("/api/v1/items/{id}")),
            token,
        )
        .set_json(body)
    };
    // Published on Thursday 8 Feb 2024: Fri 9th, the Spring Festival week off, make-up
    // Sunday 18th, Monday 19th.
    let a = send(
        &svc,
        patch(
            &office,
            &relative["id"],
            json!({"version": relative["version"], "event_date": "2024-02-08"}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.json()["deadline"]["due"], "2024-02-19");
    assert_eq!(a.json()["deadline"]["kind"], "relative");
    let b = send(
        &svc,
        patch(
            &office,
            &authority["id"],
            json!({"version": authority["version"], "due_on": "2024-06-30"}),
        ),
    )
    .await;
    assert_eq!(b.status, StatusCode::OK, "{}", b.body);
    assert_eq!(b.json()["deadline"]["due"], "2024-06-30");
    assert_ne!(b.json()["status"], "waiting_on_higher_authority");
    // An event date makes no sense for a dated deadline; division staff may not set dates.
    let wrong = send(
        &svc,
        patch(
            &office,
            &authority["id"],
            json!({"version": b.json()["version"], "event_date": "2024-02-08"}),
        ),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let staff = login(&svc, "staff").await;
    let refused = send(
        &svc,
        patch(
            &staff,
            &authority["id"],
            json!({"version": b.json()["version"], "due_on": "2024-07-31"}),
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

async fn a_division_subscribes_to_its_deadlines_with_a_feed_token(app: TestApp) {
    let lead = app.division("法规宣传处");
    app.user("office", Role::Office, None);
    let staff_id = app.user("staff", Role::Division, Some(lead));
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let plan = send(
        &svc,
        authed(TestRequest::post().uri("/api/v1/plans"), &office)
            .set_json(json!({"year": 2031, "title": "方案"})),
    )
    .await
    .json();
    let plan_id = plan["id"].as_i64().expect("plan");
    send(
        &svc,
        authed(
            TestRequest::post().uri(&format!("/api/v1/plans/{plan_id}/items")),
            &office,
        )
        .set_json(json!({"number": "7", "task": "发布目录，含逗号", "lead": ["法规宣传处"]})),
    )
    .await;
    send(
        &svc,
        authed(
            TestRequest::post().uri(&format!("/api/v1/plans/{plan_id}/periods")),
            &office,
        )
        .set_json(json!({"period": "2031-Q3"})),
    )
    .await;
    let token = {
        let mut conn = app.db.get().expect("conn");
        workplan::db::queries::users::get(&mut conn, staff_id)
            .expect("query")
            .expect("user")
            .feed_token
    };
    let feed =
        |q: &str| TestRequest::get().uri(&format!("/api/v1/divisions/{lead}/calendar.ics{q}"));
    let ok = send(&svc, feed(&format!("?token={token}"))).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert!(ok
        .header("content-type")
        .unwrap_or_default()
        .starts_with("text/calendar"));
    let unfolded = ok.body.replace("\r\n ", "");
    assert!(
        unfolded.contains("DTSTART;VALUE=DATE:20311231"),
        "{unfolded}"
    );
    assert!(
        unfolded.contains("SUMMARY:【牵头】7. 发布目录\\，含逗号")
            || unfolded.contains("SUMMARY:【牵头】7. 发布目录，含逗号"),
        "{unfolded}"
    );
    assert!(
        unfolded.contains("DTSTART;VALUE=DATE:20310930") && unfolded.contains("报送 2031-Q3"),
        "{unfolded}"
    );
    assert_eq!(
        send(&svc, feed("?token=not-a-real-token-at-all"))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(send(&svc, feed("")).await.status, StatusCode::UNAUTHORIZED);

    // An address passed on or leaked is replaced: the old token stops working at once.
    let staff = login(&svc, "staff").await;
    let renewed = send(
        &svc,
        authed(
            TestRequest::post().uri("/api/v1/auth/me/feed-token"),
            &staff,
        ),
    )
    .await;
    assert_eq!(renewed.status, StatusCode::OK, "{}", renewed.body);
    let fresh = renewed.json()["token"]
        .as_str()
        .expect("new token")
        .to_string();
    assert_ne!(fresh, token);
    assert_eq!(
        send(&svc, feed(&format!("?token={token}"))).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        send(&svc, feed(&format!("?token={fresh}"))).await.status,
        StatusCode::OK
    );
}

crate::on_both_backends!(
    office_dates_set_the_due_date,
    a_division_subscribes_to_its_deadlines_with_a_feed_token
);
