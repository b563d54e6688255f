//! The API description as integrators' tools read it: a snapshot kept in the repository
//! (`openapi.json`, so a change to the API shows in review) and one unique, meaningful
//! operationId per operation (client generators name their methods by them). CI validates
//! the snapshot with openapi-spec-validator (.ci/run).

use actix_web::test::TestRequest;
use serde_json::Value;

use crate::helpers::*;

/// Set to rewrite the snapshot after a deliberate change to the API.
const UPDATE: &str = "WORKPLAN_UPDATE_OPENAPI";

#[actix_web::test]
async fn the_served_document_is_the_snapshot_with_unique_operation_ids() {
    let app = TestApp::sqlite().await;
    let svc = app.service().await;
    let served = send(&svc, TestRequest::get().uri("/api/v1/openapi.json"))
        .await
        .json();

    let mut ids = std::collections::BTreeMap::new();
    for (path, item) in served["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("operations") {
            let id = op["operationId"].as_str().unwrap_or_default().to_string();
            assert!(
                id.len() > 3 && id.chars().next().is_some_and(|c| c.is_ascii_lowercase()),
                "{method} {path} needs a meaningful operationId, has {id:?}"
            );
            if let Some(before) = ids.insert(id.clone(), format!("{method} {path}")) {
                panic!("operationId {id} is used by both {before} and {method} {path}");
            }
        }
    }
    assert!(ids.len() > 50, "only {} operations", ids.len());

    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    let pretty = serde_json::to_string_pretty(&served).expect("json") + "\n";
    if std::env::var_os(UPDATE).is_some() {
        std::fs::write(&file, &pretty).expect("write snapshot");
        return;
    }
    let kept: Value = std::fs::read_to_string(&file)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(Value::Null);
    assert!(
        kept == served,
        "the API changed: review the difference and run `{UPDATE}=1 cargo test --test it openapi` to update openapi.json"
    );
}
