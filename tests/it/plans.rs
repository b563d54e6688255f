//! Plans, items, versions and the audit trail.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use diesel::RunQueryDsl;
use serde_json::json;

use crate::helpers::*;
use workplan::domain::role::Role;

async fn items_filter_by_division_and_refuse_stale_edits(app: TestApp) {
    let fg = app.division("法规宣传处");
    app.division("办公室");
    app.user("office", Role::Office, None);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let plan = send(
        &svc,
        authed(TestRequest::post().uri("/api/v1/plans"), &office).set_json(
            json!({"year": 2021, "title": "2021年政务公开工作要点分工方案", "document_number": "穗体办〔2021〕1号"}),
        ),
    )
    .await;
    assert_eq!(plan.status, StatusCode::CREATED, "{}", plan.body);
    let plan_id = plan.json()["id"].as_i64().expect("id");
    let add = |number: &str, lead: Vec<&str>, support: Vec<&str>| {
        authed(TestRequest::post().uri(&format!("/api/v1/plans/{plan_id}/items")), &office)
            .set_json(json!({"number": number, "task": format!("任务{number}"), "requirement": "要求", "lead": lead, "support": support}))
    };
    let one = send(&svc, add("1", vec!["法规宣传处"], vec![])).await;
    assert_eq!(one.status, StatusCode::CREATED, "{}", one.body);
    let two = send(
        &svc,
        add("2", vec!["办公室"], vec!["法规宣传处", "各有关处室"]),
    )
    .await
    .json();
    send(&svc, add("3", vec!["文件起草处室"], vec![])).await;

    // The placeholder is kept as written, without a directory entry.
    assert_eq!(
        two["support"][1],
        json!({"division_id": null, "name": "各有关处室"})
    );
    assert_eq!(two["deadline"]["due"], "2021-12-31");
    assert_eq!(two["deadline"]["inferred"], true);

    for filter in [fg.to_string(), "法规宣传处".to_string()] {
        let a = send(
            &svc,
            authed(
                TestRequest::get().uri(&format!(
                    "/api/v1/plans/{plan_id}/items?division={}",
                    urlencode(&filter)
                )),
                &office,
            ),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK);
        let numbers: Vec<String> = a
            .json()
            .as_array()
            .expect("list")
            .iter()
            .map(|i| i["number"].as_str().unwrap_or("").to_string())
            .collect();
        assert_eq!(numbers, vec!["1", "2"], "filter {filter}");
    }
    let unknown = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/plans/{plan_id}/items?division=nope")),
            &office,
        ),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);

    let item_id = two["id"].as_i64().expect("id");
    let patch = |version: i64, task: &str| {
        authed(
            TestRequest::patch().uri(&format!("/api/v1/items/{item_id}")),
            &office,
        )
        .set_json(json!({"version": version, "task": task, "lead": ["法规宣传处"]}))
    };
    let first = send(&svc, patch(1, "新任务")).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.json()["version"], 2);
    assert_eq!(first.json()["lead"][0]["name"], "法规宣传处");
    let stale = send(&svc, patch(1, "另一个改法")).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(stale.code(), "conflict");
    let now = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/items/{item_id}")),
            &office,
        ),
    )
    .await
    .json();
    assert_eq!(now["task"], "新任务", "the stale write changed nothing");

    let missing = send(
        &svc,
        authed(TestRequest::get().uri("/api/v1/items/99999"), &office),
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // The plan list counts items and the ones without a real lead division.
    let plans = send(
        &svc,
        authed(TestRequest::get().uri("/api/v1/plans"), &office),
    )
    .await
    .json();
    assert_eq!(plans[0]["item_count"], 3);
    assert_eq!(plans[0]["unassigned_count"], 1);
    assert_eq!(plans[0]["document_number"], "穗体办〔2021〕1号");
}

async fn plans_are_validated_and_unique_per_year(app: TestApp) {
    app.user("office", Role::Office, None);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let create = |body: serde_json::Value| {
        authed(TestRequest::post().uri("/api/v1/plans"), &office).set_json(body)
    };
    assert_eq!(
        send(&svc, create(json!({"year": 2021, "title": "要点"})))
            .await
            .status,
        StatusCode::CREATED
    );
    let dup = send(&svc, create(json!({"year": 2021, "title": "要点"}))).await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    assert!(dup.json()["error"]["message"]
        .as_str()
        .unwrap_or("")
        .contains("2021"));
    assert_eq!(
        send(&svc, create(json!({"year": 2022, "title": "要点"})))
            .await
            .status,
        StatusCode::CREATED
    );
    let bad_year = send(&svc, create(json!({"year": 1900, "title": "要点"}))).await;
    assert_eq!(bad_year.status, StatusCode::UNPROCESSABLE_ENTITY);
    let no_title = send(&svc, create(json!({"year": 2023, "title": "  "}))).await;
    assert_eq!(no_title.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn every_write_is_in_the_append_only_audit_trail(app: TestApp) {
    app.user("office", Role::Office, None);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let d = send(
        &svc,
        authed(TestRequest::post().uri("/api/v1/divisions"), &office)
            .set_json(json!({"name": "体育产业处", "kind": "internal"})),
    )
    .await
    .json();
    let id = d["id"].as_i64().expect("id");
    send(
        &svc,
        authed(
            TestRequest::patch().uri(&format!("/api/v1/divisions/{id}")),
            &office,
        )
        .set_json(json!({"version": 1, "aliases": ["保卫处"]})),
    )
    .await;
    let trail = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/audit?entity=division&entity_id={id}")),
            &office,
        ),
    )
    .await
    .json();
    let trail = trail.as_array().expect("list");
    assert_eq!(trail.len(), 2);
    assert_eq!(trail[0]["action"], "update");
    assert_eq!(trail[0]["actor_name"], "office");
    let before: serde_json::Value =
        serde_json::from_str(trail[0]["before_json"].as_str().expect("before")).expect("json");
    let after: serde_json::Value =
        serde_json::from_str(trail[0]["after_json"].as_str().expect("after")).expect("json");
    assert_eq!(before["aliases"], json!([]));
    assert_eq!(after["aliases"], json!(["保卫处"]));
    assert_eq!(trail[1]["action"], "create");
    assert!(trail[1]["before_json"].is_null());
    // Users' password hashes never reach the trail.
    let everything = send(
        &svc,
        authed(TestRequest::get().uri("/api/v1/audit?limit=500"), &office),
    )
    .await;
    assert!(
        !everything.body.contains("argon2"),
        "password hash in the audit trail"
    );

    // Nobody edits or deletes it, not even with SQL.
    let mut conn = app.db.get().expect("conn");
    let update = diesel::sql_query("UPDATE audit_log SET actor_name = 'x'").execute(&mut *conn);
    assert!(update.is_err(), "audit_log accepted an UPDATE");
    let delete = diesel::sql_query("DELETE FROM audit_log").execute(&mut *conn);
    assert!(delete.is_err(), "audit_log accepted a DELETE");
}

/// Percent-encodes a query value.
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A plan may hold more items than one statement may bind (SQLite stops at 32,766, PostgreSQL at 65,535): lists
/// of ids are read in chunks and come back whole and in order.
async fn id_lists_longer_than_a_statement_allows_are_read_whole(app: TestApp) {
    use workplan::db::queries;
    app.import_sample(2021);
    let mut c = app.db.get().expect("conn");
    let few: Vec<i32> = (1..=200).collect();
    let many: Vec<i32> = (1..=70_000).rev().collect();
    let want = queries::items::assignments_of(&mut c, &few).expect("few");
    assert!(!want.is_empty(), "the sample has assignments");
    let got = queries::items::assignments_of(&mut c, &many).expect("many ids");
    let key = |a: &workplan::db::models::Assignment| (a.item_id, a.position);
    assert_eq!(
        got.iter().map(key).collect::<Vec<_>>(),
        want.iter().map(key).collect::<Vec<_>>()
    );
    queries::supervision::acknowledgements_of(&mut c, &many).expect("acknowledgements");
}

crate::on_both_backends!(
    id_lists_longer_than_a_statement_allows_are_read_whole,
    items_filter_by_division_and_refuse_stale_edits,
    plans_are_validated_and_unique_per_year,
    every_write_is_in_the_append_only_audit_trail,
);
