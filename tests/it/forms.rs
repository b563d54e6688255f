//! Forms that keep what was typed: a refused form comes back with the user's input and the
//! reason beside the field; a form done sends the user back to the place it was made.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::json;

use crate::helpers::*;
use crate::pages::{browser_login, csrf_field, session_of};
use workplan::domain::role::Role;

/// A plan with one item led by 法规宣传处, an open period and the division's draft report.
/// Returns (plan, item, report).
async fn an_item_with_a_draft(app: &TestApp) -> (i64, i64, i64) {
    let d = app.division("法规宣传处");
    app.user("office", Role::Office, None);
    app.user("staff", Role::Division, Some(d));
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let post = |uri: String, token: &str, body: serde_json::Value| {
        authed(TestRequest::post().uri(&uri), token).set_json(body)
    };
    let plan = send(
        &svc,
        post(
            "/api/v1/plans".into(),
            &office,
            json!({"year": 2031, "title": "方案"}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("plan");
    let item = send(
        &svc,
        post(
            format!("/api/v1/plans/{plan}/items"),
            &office,
            json!({"number": "1", "task": "发布目录", "requirement": "6月30日前发布。", "lead": ["法规宣传处"]}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("item");
    send(
        &svc,
        post(
            format!("/api/v1/plans/{plan}/periods"),
            &office,
            json!({"period": "2031-Q1"}),
        ),
    )
    .await;
    let staff = login(&svc, "staff").await;
    let report = send(
        &svc,
        post(
            format!("/api/v1/items/{item}/reports"),
            &staff,
            json!({"period": "2031-Q1", "summary": "已梳理目录。"}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("report");
    (plan, item, report)
}

async fn a_refused_form_comes_back_as_typed_and_a_done_one_returns_to_its_place(app: TestApp) {
    let (_, item, report) = an_item_with_a_draft(&app).await;
    let svc = app.service().await;
    let staff = session_of(&browser_login(&svc, "staff", PASSWORD).await);
    let page = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/items/{item}"))
            .cookie(staff.clone()),
    )
    .await;
    let csrf = csrf_field(&page.body);
    let form = |uri: String, fields: Vec<(&'static str, String)>| {
        let mut all = vec![("csrf", csrf.clone())];
        all.extend(fields);
        TestRequest::post()
            .uri(&uri)
            .cookie(staff.clone())
            .set_form(all)
    };

    // A web address without its scheme: the page again, 422, the address and the title as
    // typed, the reason beside the form.
    let refused = send(
        &svc,
        form(
            format!("/reports/{report}/link"),
            vec![
                ("url", "www.gz.gov.cn/ml".to_string()),
                ("title", "目录专栏".to_string()),
            ],
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("class=\"field-error\""),
        "{}",
        refused.body
    );
    assert!(refused
        .body
        .contains("请填写以 http:// 或 https:// 开头的网页地址"));
    assert!(refused.body.contains("value=\"www.gz.gov.cn/ml\""));
    assert!(refused.body.contains("value=\"目录专栏\""));
    // Nothing was saved.
    assert!(!refused.body.contains("href=\"www.gz.gov.cn/ml\""));

    // An extension asked with a date the browser did not send as a date, and a reason: the
    // reason stays, the date is named.
    let refused = send(
        &svc,
        form(
            format!("/items/{item}/extension"),
            vec![
                ("requested_due", "下个月".to_string()),
                ("reason", "等待上级文件".to_string()),
            ],
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("请选择申请延期到的日期"));
    assert!(refused.body.contains("value=\"等待上级文件\""));
    assert!(refused.body.contains("aria-invalid=\"true\" autofocus"));

    // The report's edit form holds the saved text; a refused edit keeps the new text.
    assert!(
        page.body.contains(">已梳理目录。</textarea>"),
        "{}",
        page.body
    );
    let refused = send(
        &svc,
        form(
            format!("/items/{item}/report"),
            vec![
                ("report", report.to_string()),
                ("period", "2031-Q9".to_string()),
                ("summary", "已梳理并发布目录。".to_string()),
                ("version", "1".to_string()),
            ],
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("已梳理并发布目录。"),
        "{}",
        refused.body
    );

    // Done: back to the item page at the report, not at the top.
    let done = send(
        &svc,
        form(
            format!("/reports/{report}/link"),
            vec![
                ("url", "https://www.gz.gov.cn/ml".to_string()),
                ("title", "目录专栏".to_string()),
            ],
        ),
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        done.header("location").as_deref(),
        Some(format!("/items/{item}?msg=uploaded#report-{report}").as_str())
    );
}

/// A commit refused for the office's decisions shows the preview again with every choice as
/// made, instead of an error page whose Back button loses them.
async fn a_refused_import_keeps_the_offices_decisions(app: TestApp) {
    app.user("office", Role::Office, None);
    let svc = app.service().await;
    let office = session_of(&browser_login(&svc, "office", PASSWORD).await);
    let home = send(
        &svc,
        TestRequest::get().uri("/import").cookie(office.clone()),
    )
    .await;
    let csrf = csrf_field(&home.body);
    let bytes = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("imports/guangzhou-sports-2021-division-plan.xlsx"),
    )
    .expect("sample");
    let boundary = "----workplan-form";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"year\"\r\n\r\n2021\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"plan.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let preview = send(
        &svc,
        TestRequest::post()
            .uri(&format!("/import/preview?csrf={csrf}"))
            .cookie(office.clone())
            .insert_header((
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            ))
            .set_payload(body),
    )
    .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let token = preview
        .body
        .split("name=\"token\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("staged token")
        .to_string();
    let name = preview
        .body
        .split("name=\"name_1\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("an unknown name")
        .to_string();
    // The office maps the first unknown name but forgets to pick the division, and gives the
    // second one its own choice.
    let refused = send(
        &svc,
        TestRequest::post()
            .uri("/import/commit")
            .cookie(office.clone())
            .set_form([
                ("csrf", csrf.as_str()),
                ("token", token.as_str()),
                ("title", "体育局分工方案（修改后的标题）"),
                ("name_1", name.as_str()),
                ("action_1", "map"),
                ("map_1", ""),
                ("action_2", "create_external"),
            ]),
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("id=\"commit-refused\""));
    assert!(refused
        .body
        .contains(&format!("请为“{name}”选择对应的处室")));
    assert!(refused
        .body
        .contains("value=\"体育局分工方案（修改后的标题）\""));
    assert!(refused.body.contains("<option value=\"map\" selected>"));
    assert!(refused
        .body
        .contains("<option value=\"create_external\" selected>"));
    // Nothing was imported; the upload is still there to commit.
    let items = send(&svc, TestRequest::get().uri("/items").cookie(office)).await;
    assert!(items.body.contains("还没有计划"), "{}", items.body);
}

/// A bulk change the office got wrong comes back as the same filtered list with the same
/// items ticked and the names as typed.
async fn a_refused_bulk_change_keeps_the_ticks_and_the_names(app: TestApp) {
    let (plan, item, _) = an_item_with_a_draft(&app).await;
    let svc = app.service().await;
    let office = session_of(&browser_login(&svc, "office", PASSWORD).await);
    let list = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/items?plan={plan}&q=%E7%9B%AE%E5%BD%95"))
            .cookie(office.clone()),
    )
    .await;
    let csrf = csrf_field(&list.body);
    let back = format!("/items?plan={plan}&q=目录&");
    let refused = send(
        &svc,
        TestRequest::post()
            .uri(&format!("/plans/{plan}/items/bulk"))
            .cookie(office)
            .set_form([
                ("csrf", csrf.as_str()),
                ("item", item.to_string().as_str()),
                ("lead", "不存在的处"),
                ("action", "divisions"),
                ("back", back.as_str()),
            ]),
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("id=\"bulk-refused\""));
    assert!(refused.body.contains("不存在的处"), "{}", refused.body);
    assert!(refused.body.contains(&format!(
        "value=\"{item}\" class=\"bulk-pick\" aria-label=\"勾选事项 1\" checked"
    )));
    assert!(
        refused.body.contains("value=\"目录\""),
        "the filter is kept"
    );
}

/// The office adding a user whose name is taken, or a division user without a division:
/// the form comes back with what was typed (never the password) and the reason.
async fn a_refused_new_user_keeps_what_the_office_typed(app: TestApp) {
    let d = app.division("法规宣传处");
    app.user("office", Role::Office, None);
    app.user("wang", Role::Division, Some(d));
    let svc = app.service().await;
    let office = session_of(&browser_login(&svc, "office", PASSWORD).await);
    let page = send(
        &svc,
        TestRequest::get()
            .uri("/admin/users")
            .cookie(office.clone()),
    )
    .await;
    let csrf = csrf_field(&page.body);
    let d = d.to_string();
    let refused = send(
        &svc,
        TestRequest::post()
            .uri("/admin/users")
            .cookie(office.clone())
            .set_form([
                ("csrf", csrf.as_str()),
                ("username", "wang"),
                ("display_name", "王小明"),
                ("email", "wxm@example.gov.cn"),
                ("password", "a-temporary-secret-1"),
                ("role", "division"),
                ("division_id", d.as_str()),
            ]),
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("id=\"new-user-refused\""));
    assert!(refused.body.contains("用户名“wang”已被使用"));
    for kept in ["value=\"王小明\"", "value=\"wxm@example.gov.cn\""] {
        assert!(refused.body.contains(kept), "{kept}");
    }
    assert!(refused.body.contains(&format!(
        "<option value=\"{d}\" selected>法规宣传处</option>"
    )));
    assert!(refused
        .body
        .contains("<option value=\"division\" selected>"));
    assert!(
        !refused.body.contains("a-temporary-secret-1"),
        "passwords are not echoed"
    );
    // A taken division name on 处室目录 comes back the same way.
    let refused = send(
        &svc,
        TestRequest::post()
            .uri("/admin/divisions")
            .cookie(office)
            .set_form([
                ("csrf", csrf.as_str()),
                ("name", "法规宣传处"),
                ("aliases", "宣传处"),
                ("kind", "internal"),
            ]),
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("id=\"new-division-refused\""));
    assert!(refused.body.contains("value=\"宣传处\""));
}

crate::on_both_backends!(
    dates_outside_any_plan_are_refused,
    a_refused_new_user_keeps_what_the_office_typed,
    a_refused_bulk_change_keeps_the_ticks_and_the_names,
    a_refused_form_comes_back_as_typed_and_a_done_one_returns_to_its_place,
    a_refused_import_keeps_the_offices_decisions,
);

/// A date far outside any plan's years (a slip of the keyboard) is refused where it is typed,
/// and never reaches the calendar feed.
async fn dates_outside_any_plan_are_refused(app: TestApp) {
    let (_, item, _) = an_item_with_a_draft(&app).await;
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let staff = login(&svc, "staff").await;
    let patched = send(
        &svc,
        authed(
            TestRequest::patch().uri(&format!("/api/v1/items/{item}")),
            &office,
        )
        .set_json(json!({"version": 1, "due_on": "2999-06-30"})),
    )
    .await;
    assert_eq!(
        patched.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        patched.body
    );
    assert!(
        patched.body.contains("日期超出合理范围"),
        "{}",
        patched.body
    );
    let asked = send(
        &svc,
        authed(
            TestRequest::post().uri(&format!("/api/v1/items/{item}/extensions")),
            &staff,
        )
        .set_json(json!({"requested_due": "9999-12-31", "reason": "等待上级文件"})),
    )
    .await;
    assert_eq!(
        asked.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        asked.body
    );
    assert!(asked.body.contains("日期超出合理范围"), "{}", asked.body);
}
