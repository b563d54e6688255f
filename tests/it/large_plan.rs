//! A plan of 50,000 items: it imports, and every page and export of it answers; the lists a
//! person reads come a page at a time (issue 16, point 9).

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;

use crate::helpers::*;
use workplan::domain::role::Role;
use workplan::import::{read_plan, ImportOptions};
use workplan::service::imports::{self, CommitOptions};
use workplan::service::Caller;

#[path = "../../benches/support/plan.rs"]
mod plan;

const ITEMS: usize = 50_000;

async fn a_plan_of_50_000_items_answers_every_page_and_export(app: TestApp) {
    for name in ["办公室", "法规宣传处", "体育产业处", "计划财务处"] {
        app.division(name);
    }
    app.user("office", Role::Office, None);
    let bytes = plan::make_plan(ITEMS);
    let draft = read_plan(&bytes, "plan.xlsx", &ImportOptions::for_year(2021)).expect("plan");
    let committed = app
        .db
        .write_blocking(|c| {
            imports::commit(
                c,
                &Caller::cli(),
                &draft,
                2021,
                "large.xlsx",
                &CommitOptions::default(),
            )
        })
        .expect("commit");
    assert_eq!(committed.items_added, ITEMS);
    let plan = committed.id;
    let svc = app.service().await;
    let token = login(&svc, "office").await;
    let cookie =
        crate::pages::session_of(&crate::pages::browser_login(&svc, "office", PASSWORD).await);

    // The list a person reads: a page at a time, and the last page is reachable.
    let first = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/items?plan={plan}"))
            .cookie(cookie.clone()),
    )
    .await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(
        first.body.contains(&format!("共 {ITEMS} 项")),
        "pager shown"
    );
    let rows = first.body.matches("<a href=\"/items/").count();
    assert_eq!(rows, workplan::domain::paging::PER_PAGE, "one page of rows");
    let pages = ITEMS.div_ceil(workplan::domain::paging::PER_PAGE);
    let last = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/items?plan={plan}&page={pages}"))
            .cookie(cookie.clone()),
    )
    .await;
    assert_eq!(last.status, StatusCode::OK);
    assert!(last.body.contains(&format!("第 {pages} / {pages} 页")));
    // The pager keeps the list's filters in its addresses.
    let sorted = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/items?plan={plan}&sort=due"))
            .cookie(cookie.clone()),
    )
    .await;
    assert_eq!(sorted.status, StatusCode::OK);
    assert!(
        sorted
            .body
            .contains(&format!("/items?plan={plan}&#38;sort=due&#38;page=2")),
        "the next page keeps the order: {}",
        sorted
            .body
            .split("id=\"pager\"")
            .nth(1)
            .unwrap_or("no pager")
            .chars()
            .take(600)
            .collect::<String>()
    );

    // Every other page and export of the plan answers.
    for uri in [
        format!("/overview?plan={plan}"),
        format!("/bulletin?plan={plan}"),
        format!("/evaluation?plan={plan}"),
        format!("/annual-report?plan={plan}"),
        format!("/export?plan={plan}"),
        format!("/my?plan={plan}"),
        "/todo".to_string(),
    ] {
        let a = send(&svc, TestRequest::get().uri(&uri).cookie(cookie.clone())).await;
        assert_eq!(
            a.status,
            StatusCode::OK,
            "{uri}: {}",
            &a.body[..a.body.len().min(300)]
        );
    }
    for uri in [
        format!("/api/v1/plans/{plan}/items"),
        format!("/api/v1/plans/{plan}/export/ledger.xlsx"),
        format!("/api/v1/plans/{plan}/export/summary.xlsx"),
        format!("/api/v1/plans/{plan}/unacknowledged"),
        "/api/v1/todo".to_string(),
    ] {
        let a = send(&svc, authed(TestRequest::get().uri(&uri), &token)).await;
        assert_eq!(
            a.status,
            StatusCode::OK,
            "{uri}: {}",
            &a.body[..a.body.len().min(300)]
        );
    }
}

crate::on_both_backends!(a_plan_of_50_000_items_answers_every_page_and_export);
