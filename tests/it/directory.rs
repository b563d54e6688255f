//! The division directory and user management through the API.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::json;

use crate::helpers::*;
use workplan::domain::role::Role;

async fn divisions_with_aliases_resolve_and_never_collide(app: TestApp) {
    app.user("office", Role::Office, None);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let post = |body: serde_json::Value| {
        authed(TestRequest::post().uri("/api/v1/divisions"), &office).set_json(body)
    };
    let a = send(
        &svc,
        post(json!({"name": " 体育产业处 ", "aliases": ["保卫处"], "kind": "internal"})),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_eq!(a.json()["name"], "体育产业处");
    let clash = send(&svc, post(json!({"name": "保卫处", "kind": "internal"}))).await;
    assert_eq!(clash.status, StatusCode::CONFLICT);
    assert!(clash.json()["error"]["message"]
        .as_str()
        .unwrap_or("")
        .contains("体育产业处"));
    let joined = send(
        &svc,
        post(json!({"name": "办公室、法规宣传处", "kind": "internal"})),
    )
    .await;
    assert_eq!(joined.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad_kind = send(&svc, post(json!({"name": "某单位", "kind": "team"}))).await;
    assert_eq!(bad_kind.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unit = send(
        &svc,
        post(json!({"name": "市体育发展中心", "kind": "subordinate"})),
    )
    .await
    .json();
    let id = unit["id"].as_i64().expect("id");
    let rename = |v: i64| {
        authed(
            TestRequest::patch().uri(&format!("/api/v1/divisions/{id}")),
            &office,
        )
        .set_json(json!({"version": v, "name": "市体育训练中心"}))
    };
    assert_eq!(send(&svc, rename(1)).await.status, StatusCode::OK);
    assert_eq!(send(&svc, rename(1)).await.status, StatusCode::CONFLICT);
    let list = send(
        &svc,
        authed(TestRequest::get().uri("/api/v1/divisions"), &office),
    )
    .await
    .json();
    let names: Vec<&str> = list
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|d| d["name"].as_str())
        .collect();
    assert!(
        names.contains(&"市体育训练中心") && names.contains(&"体育产业处"),
        "{names:?}"
    );
}

async fn users_are_validated(app: TestApp) {
    let d = app.division("办公室");
    let me = app.user("office", Role::Office, None);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let post = |body: serde_json::Value| {
        authed(TestRequest::post().uri("/api/v1/users"), &office).set_json(body)
    };
    let cases = [
        (
            json!({"username": "a1", "password": "short", "role": "leader"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        // Long enough but guessable: one kind of character, a common one, the user's name.
        (
            json!({"username": "a5", "password": "12345678", "role": "leader"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"username": "a6", "password": "P@ssw0rd", "role": "leader"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"username": "zhangwei", "password": "Zhangwei-2021", "role": "leader"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"username": "a2", "password": PASSWORD, "role": "division"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"username": "a3", "password": PASSWORD, "role": "division", "division_id": 9999}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"username": "bad name", "password": PASSWORD, "role": "leader"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"username": "a4", "password": PASSWORD, "role": "admin"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"username": "office", "password": PASSWORD, "role": "leader"}),
            StatusCode::CONFLICT,
        ),
        (
            json!({"username": "staff", "password": PASSWORD, "role": "division", "division_id": d}),
            StatusCode::CREATED,
        ),
    ];
    for (body, want) in cases {
        let a = send(&svc, post(body.clone())).await;
        assert_eq!(a.status, want, "{body}: {}", a.body);
    }
    // The new user logs in; the password is never echoed.
    login(&svc, "staff").await;
    let list = send(
        &svc,
        authed(TestRequest::get().uri("/api/v1/users"), &office),
    )
    .await;
    for secret in ["password_hash", "$argon2", PASSWORD] {
        assert!(!list.body.contains(secret), "{secret}: {}", list.body);
    }
    // The office cannot lock itself out.
    let self_disable = send(
        &svc,
        authed(
            TestRequest::patch().uri(&format!("/api/v1/users/{me}")),
            &office,
        )
        .set_json(json!({"version": 1, "disabled": true})),
    )
    .await;
    assert_eq!(self_disable.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// A JSON column that no longer parses (a hand edit, a bad restore) stops the read and the
/// write with an error instead of passing as empty and being saved over.
async fn corrupt_stored_lists_are_refused_not_overwritten(app: TestApp) {
    use diesel::RunQueryDsl;
    app.user("office", Role::Office, None);
    let plan = app.import_sample(2021);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let made = send(
        &svc,
        authed(TestRequest::post().uri("/api/v1/divisions"), &office)
            .set_json(json!({"name": "档案信息处", "aliases": ["档案处"], "kind": "internal"})),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let id = made.json()["id"].as_i64().expect("id");
    {
        let mut c = app.db.get().expect("conn");
        diesel::sql_query(format!(
            "UPDATE divisions SET aliases = '[\"档案处\", broken' WHERE id = {id}"
        ))
        .execute(&mut c)
        .expect("corrupt aliases");
        diesel::sql_query(format!(
            "UPDATE plans SET source_columns = '[{{\"field\": ' WHERE id = {plan}"
        ))
        .execute(&mut c)
        .expect("corrupt columns");
    }
    let list = send(
        &svc,
        authed(TestRequest::get().uri("/api/v1/divisions"), &office),
    )
    .await;
    assert_eq!(
        list.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        list.body
    );
    let renamed = send(
        &svc,
        authed(
            TestRequest::patch().uri(&format!("/api/v1/divisions/{id}")),
            &office,
        )
        .set_json(json!({"version": 1, "name": "产业处"})),
    )
    .await;
    assert_eq!(
        renamed.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        renamed.body
    );
    let ledger = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/plans/{plan}/export/ledger.xlsx")),
            &office,
        ),
    )
    .await;
    assert_eq!(
        ledger.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        ledger.body
    );
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        aliases: String,
    }
    let mut c = app.db.get().expect("conn");
    let row = diesel::sql_query(format!(
        "SELECT name, aliases FROM divisions WHERE id = {id}"
    ))
    .load::<Row>(&mut c)
    .expect("read")
    .remove(0);
    assert_eq!(
        (row.name.as_str(), row.aliases.as_str()),
        ("档案信息处", "[\"档案处\", broken"),
        "left as it was"
    );
}

crate::on_both_backends!(
    divisions_with_aliases_resolve_and_never_collide,
    users_are_validated,
    corrupt_stored_lists_are_refused_not_overwritten
);
