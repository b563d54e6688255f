//! People see people and local time: names instead of user names, times in the agency's
//! zone, the audit trail as a paged, filterable table in words, no technical detail where
//! divisions read, and downloads that fail answer a browser with a page.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::pages::{browser_login, session_of};
use workplan::domain::role::Role;
use workplan::domain::zone::Zone;
use workplan::service::{accounts, Caller};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

/// Gives a user a display name, as the office does on the users page.
pub(crate) fn name_user(app: &TestApp, id: i32, display_name: &str) {
    let version = app
        .db
        .write_blocking(|c| accounts::user(c, &Caller::cli(), id))
        .expect("user")
        .version;
    let patch = accounts::UserPatch {
        version,
        display_name: Some(display_name.to_string()),
        role: None,
        division_id: None,
        disabled: None,
        password: None,
        email: None,
        temporary: false,
    };
    app.db
        .write_blocking(|c| accounts::update_user(c, &Caller::cli(), id, &patch))
        .expect("name the user");
}

fn post(token: &str, uri: &str, body: Value) -> TestRequest {
    authed(TestRequest::post().uri(uri), token).set_json(body)
}

/// A plan with one item led by `division`, an open period, and a report the lead wrote
/// (with a PDF), submitted and returned by the office. (plan, item, report, evidence).
pub(crate) async fn a_returned_report<S>(svc: &S, office: &str, lead: &str) -> (i64, i64, i64, i64)
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
{
    let plan = send(
        svc,
        post(
            office,
            "/api/v1/plans",
            json!({"year": 2021, "title": "分工方案"}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("plan");
    let item = send(
        svc,
        post(
            office,
            &format!("/api/v1/plans/{plan}/items"),
            json!({"number": "7", "task": "发布目录", "lead": ["法规宣传处"]}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("item");
    let period = send(
        svc,
        post(
            office,
            &format!("/api/v1/plans/{plan}/periods"),
            json!({"period": "2021-Q3"}),
        ),
    )
    .await;
    assert_eq!(period.status, StatusCode::CREATED, "{}", period.body);
    let report = send(
        svc,
        post(
            lead,
            &format!("/api/v1/items/{item}/reports"),
            json!({"period": "2021-Q3", "summary": "已发布目录。"}),
        ),
    )
    .await
    .json();
    let rid = report["id"].as_i64().expect("report");
    let evidence = send(
        svc,
        upload_file(
            &format!("/api/v1/reports/{rid}/evidence"),
            lead,
            "第三季度台账.pdf",
            PDF,
        ),
    )
    .await;
    assert_eq!(evidence.status, StatusCode::CREATED, "{}", evidence.body);
    let eid = evidence.json()["id"].as_i64().expect("evidence");
    let submitted = send(
        svc,
        post(
            lead,
            &format!("/api/v1/reports/{rid}/submit"),
            json!({"version": report["version"]}),
        ),
    )
    .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);
    let returned = send(
        svc,
        post(
            office,
            &format!("/api/v1/reports/{rid}/review"),
            json!({"decision": "return", "comment": "请补充目录链接", "version": submitted.json()["version"]}),
        ),
    )
    .await;
    assert_eq!(returned.status, StatusCode::OK, "{}", returned.body);
    (plan, item, rid, eid)
}

/// The rows of the audit table: each row's cells as text without tags.
fn audit_rows(html: &str) -> Vec<Vec<String>> {
    let Some(start) = html.find("<table class=\"grid\" id=\"audit\">") else {
        return Vec::new();
    };
    let table = &html[start
        ..html[start..]
            .find("</table>")
            .map_or(html.len(), |e| start + e)];
    table
        .split("<tr>")
        .skip(2)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let cell = cell.split("</td>").next().unwrap_or_default();
                    let mut text = String::new();
                    let mut in_tag = true;
                    for c in cell.chars() {
                        match c {
                            '<' => in_tag = true,
                            '>' => in_tag = false,
                            _ if !in_tag => text.push(c),
                            _ => {}
                        }
                    }
                    text.split_whitespace().collect::<Vec<_>>().join(" ")
                })
                .collect()
        })
        .collect()
}

async fn the_trail_is_a_table_of_names_local_times_and_words(app: TestApp) {
    let d = app.division("法规宣传处");
    let office_id = app.user("office", Role::Office, None);
    let staff_id = app.user("staff", Role::Division, Some(d));
    name_user(&app, office_id, "王主任");
    name_user(&app, staff_id, "李联络员");
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let staff = login(&svc, "staff").await;
    let (_plan, item, _rid, _eid) = a_returned_report(&svc, &office, &staff).await;

    let page = browser_login(&svc, "office", PASSWORD).await;
    let cookie = session_of(&page);
    let get = |uri: &str| TestRequest::get().uri(uri).cookie(cookie.clone());

    // The header names the person, not the account.
    let home = send(&svc, get("/")).await;
    assert!(
        home.body
            .contains("<span class=\"user\" id=\"current-user\">王主任</span>"),
        "{}",
        home.body
    );

    // The whole trail: names, Chinese labels, the item linked, local times, no raw JSON
    // outside the 原始记录 toggle.
    let all = send(&svc, get("/admin/audit")).await;
    assert_eq!(all.status, StatusCode::OK);
    let rows = audit_rows(&all.body);
    assert!(rows.len() >= 6, "{rows:?}");
    let returned = rows
        .iter()
        .find(|r| r[2] == "退回报告")
        .expect("the return is listed");
    assert_eq!(returned[1], "王主任");
    assert!(returned[3].starts_with("7. 发布目录"), "{returned:?}");
    assert!(
        returned[4].contains("状态：已报送，待审核 → 已退回，待修改"),
        "{returned:?}"
    );
    assert!(
        returned[4].contains("审核意见：（空） → 请补充目录链接"),
        "{returned:?}"
    );
    let submitted = rows.iter().find(|r| r[2] == "报送报告").expect("submit");
    assert_eq!(submitted[1], "李联络员");
    let upload = rows
        .iter()
        .find(|r| r[2] == "上传佐证材料")
        .expect("upload");
    assert!(upload[3].starts_with("7. 发布目录") && upload[4].contains("文件：第三季度台账.pdf"));
    assert!(all.body.contains(&format!("href=\"/items/{item}\"")));
    assert!(!all.body.contains("UTC"), "times are local");
    // The times are the stored ones in Asia/Shanghai.
    let trail = send(
        &svc,
        authed(TestRequest::get().uri("/api/v1/audit"), &office),
    )
    .await
    .json();
    let newest = trail[0]["at"].as_str().expect("at");
    let at =
        chrono::NaiveDateTime::parse_from_str(newest, "%Y-%m-%dT%H:%M:%S%.f").expect("stored time");
    let shown = Zone::default().show(at);
    assert_eq!(rows[0][0], shown, "newest first, in local time");
    assert_eq!(
        shown,
        (at + chrono::Duration::hours(8))
            .format("%Y-%m-%d %H:%M")
            .to_string()
    );

    // Filters kept in the address: what, who, which item, when.
    let only = |uri: &str| {
        let uri = uri.to_string();
        let svc = &svc;
        let get = &get;
        async move { audit_rows(&send(svc, get(&uri)).await.body) }
    };
    let returns = only("/admin/audit?kind=report.return").await;
    assert_eq!(returns.len(), 1, "{returns:?}");
    let reports = only("/admin/audit?kind=report").await;
    assert!(reports.len() >= 3 && reports.iter().all(|r| r[2].contains("报告")));
    let by_staff = only(&format!("/admin/audit?who={staff_id}")).await;
    assert!(!by_staff.is_empty() && by_staff.iter().all(|r| r[1] == "李联络员"));
    let on_item = only(&format!("/admin/audit?item={item}")).await;
    let labels: Vec<&str> = on_item.iter().map(|r| r[2].as_str()).collect();
    for want in [
        "新增事项",
        "填写报告",
        "上传佐证材料",
        "报送报告",
        "退回报告",
    ] {
        assert!(labels.contains(&want), "{want} in {labels:?}");
    }
    assert!(!labels.contains(&"新建计划") && !labels.contains(&"登录"));
    let today = Zone::default().today();
    let this_day = only(&format!("/admin/audit?from={today}&to={today}")).await;
    assert_eq!(this_day.len(), rows.len());
    let long_ago = send(&svc, get("/admin/audit?from=2000-01-01&to=2000-01-31")).await;
    assert!(audit_rows(&long_ago.body).is_empty());
    assert!(long_ago.body.contains("没有符合条件的记录"));
    assert!(
        long_ago.body.contains("value=\"2000-01-01\""),
        "the form keeps the filter"
    );
    let bad = send(&svc, get("/admin/audit?from=%E5%8E%BB%E5%B9%B4")).await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("起始日期无法识别"), "{}", bad.body);

    // Fifty to a page; the pager keeps the filters.
    for i in 0..55 {
        app.division(&format!("第{i}处"));
    }
    let first = send(&svc, get("/admin/audit?kind=division.create")).await;
    assert_eq!(audit_rows(&first.body).len(), 50);
    assert!(first.body.contains("共 56 条"), "{}", first.body);
    assert!(
        first
            .body
            .contains("href=\"/admin/audit?kind=division.create&#38;page=2\""),
        "{}",
        first.body
    );
    let second = send(&svc, get("/admin/audit?kind=division.create&page=2")).await;
    assert_eq!(audit_rows(&second.body).len(), 6);

    // Divisions do not read the trail.
    let staff_page = browser_login(&svc, "staff", PASSWORD).await;
    let refused = send(
        &svc,
        TestRequest::get()
            .uri("/admin/audit")
            .cookie(session_of(&staff_page)),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

async fn divisions_read_no_technical_detail(app: TestApp) {
    let d = app.division("法规宣传处");
    let office_id = app.user("office", Role::Office, None);
    name_user(&app, office_id, "王主任");
    app.user("staff", Role::Division, Some(d));
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let staff = login(&svc, "staff").await;
    // The office's home before any plan says where to import one, not an API path.
    let office_page = browser_login(&svc, "office", PASSWORD).await;
    let home = send(
        &svc,
        TestRequest::get().uri("/").cookie(session_of(&office_page)),
    )
    .await;
    assert!(!home.body.contains("/api/v1"), "{}", home.body);
    assert!(home.body.contains("href=\"/import\""));

    let (plan, item, _rid, _eid) = a_returned_report(&svc, &office, &staff).await;
    let page = browser_login(&svc, "staff", PASSWORD).await;
    let cookie = session_of(&page);
    let item_page = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/items/{item}"))
            .cookie(cookie.clone()),
    )
    .await;
    assert_eq!(item_page.status, StatusCode::OK);
    // The checksum is there for who needs it, folded behind 详情.
    let sha = item_page.body.find("SHA-256").expect("checksum kept");
    let fold = item_page
        .body
        .find("<details class=\"evidence-detail\"><summary>详情</summary>")
        .expect("详情 toggle");
    assert!(fold < sha && !item_page.body[fold..sha].contains("</details>"));
    // Who saved the report last (the office, returning it) is named by name.
    assert!(
        item_page.body.contains("办公室 王主任 于 "),
        "{}",
        item_page.body
    );

    // 我的任务: the calendar feed as a whole address in a read-only field, with a copy
    // button the script shows.
    let mine = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/my?plan={plan}"))
            .cookie(cookie.clone()),
    )
    .await;
    assert!(
        mine.body.contains(&format!(
            "value=\"http://127.0.0.1:8080/api/v1/divisions/{d}/calendar.ics?token="
        )) && mine.body.contains("readonly"),
        "{}",
        mine.body
    );
    assert!(mine.body.contains("id=\"copy-feed\"") && mine.body.contains("/static/copy.js"));
    let script = send(&svc, TestRequest::get().uri("/static/copy.js")).await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.body.contains("data-copy"));
}

async fn failed_downloads_answer_a_browser_with_a_page(app: TestApp) {
    let d = app.division("法规宣传处");
    app.user("office", Role::Office, None);
    app.user("staff", Role::Division, Some(d));
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let staff = login(&svc, "staff").await;
    let (plan, _item, _rid, eid) = a_returned_report(&svc, &office, &staff).await;
    let page = browser_login(&svc, "office", PASSWORD).await;
    let cookie = session_of(&page);
    let html = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    // No review-back yet: the browser gets a page saying so, an API client the JSON.
    let uri = format!("/api/v1/plans/{plan}/export/review-back.xlsx");
    let browser = send(
        &svc,
        TestRequest::get()
            .uri(&uri)
            .cookie(cookie.clone())
            .insert_header(("Accept", html))
            .insert_header((
                "Referer",
                format!("http://127.0.0.1:8080/export?plan={plan}"),
            )),
    )
    .await;
    assert_eq!(browser.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(browser
        .header("content-type")
        .unwrap_or_default()
        .starts_with("text/html"));
    assert!(
        browser.body.contains("无法下载") && browser.body.contains("还没有做过回头看"),
        "{}",
        browser.body
    );
    assert!(browser
        .body
        .contains(&format!("href=\"/export?plan={plan}\" id=\"back-link\"")));
    let client = send(&svc, authed(TestRequest::get().uri(&uri), &office)).await;
    assert_eq!(client.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(client.code(), "invalid");

    // An evidence file gone from storage: a page in Chinese, not JSON.
    for f in walk(&app.state.config.storage_dir) {
        std::fs::remove_file(f).expect("remove stored file");
    }
    let gone = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/api/v1/evidence/{eid}/file"))
            .cookie(cookie.clone())
            .insert_header(("Accept", html)),
    )
    .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert!(gone.body.contains("<html lang=\"zh-CN\">") && gone.body.contains("无法下载"));
    assert!(gone.body.contains("佐证材料文件不存在"), "{}", gone.body);

    // Logged out: the page says to log in.
    let anonymous = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/api/v1/plans/{plan}/export/ledger.xlsx"))
            .insert_header(("Accept", html)),
    )
    .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert!(anonymous.body.contains("请先登录") && anonymous.body.contains("href=\"/login\""));
    // And a download that works is still the file.
    let ledger = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/api/v1/plans/{plan}/export/ledger.xlsx"))
            .cookie(cookie)
            .insert_header(("Accept", html)),
    )
    .await;
    assert_eq!(ledger.status, StatusCode::OK);
    assert!(ledger
        .header("content-type")
        .unwrap_or_default()
        .contains("spreadsheetml"));
}

/// An evaluation comment names its author as people know them and says when in local time,
/// on the page and in the workbook's 考核意见 sheet.
async fn evaluation_comments_name_their_author_in_local_time(app: TestApp) {
    app.user("office", Role::Office, None);
    let auditor_id = app.user("auditor", Role::Auditor, None);
    name_user(&app, auditor_id, "赵审计");
    let plan = app.import_sample(2021);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let auditor = login(&svc, "auditor").await;
    let said = send(
        &svc,
        post(
            &auditor,
            &format!("/api/v1/plans/{plan}/evaluation/comments"),
            json!({"text": "第一季度报送滞后，请督促整改。"}),
        ),
    )
    .await;
    assert_eq!(said.status, StatusCode::OK, "{}", said.body);
    let eval = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/plans/{plan}/evaluation")),
            &office,
        ),
    )
    .await
    .json();
    let at = chrono::NaiveDateTime::parse_from_str(
        eval["comments"][0]["created_at"]
            .as_str()
            .expect("created_at"),
        "%Y-%m-%dT%H:%M:%S%.f",
    )
    .expect("stored time");
    let local = Zone::default().show(at);
    assert_eq!(
        local,
        (at + chrono::Duration::hours(8))
            .format("%Y-%m-%d %H:%M")
            .to_string()
    );

    let page = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/evaluation?plan={plan}"))
            .cookie(session_of(&browser_login(&svc, "office", PASSWORD).await)),
    )
    .await;
    assert!(
        page.body.contains(&format!(
            "<strong>赵审计</strong> <span class=\"muted\">{local}</span>"
        )),
        "{}",
        page.body
    );

    let req = authed(
        TestRequest::get().uri(&format!("/api/v1/plans/{plan}/export/evaluation.xlsx")),
        &office,
    )
    .to_request();
    let bytes = actix_web::test::read_body(actix_web::test::call_service(&svc, req).await).await;
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("xlsx");
    let comments = wb.worksheet_range("考核意见").expect("sheet");
    let cell = |c: usize| {
        comments
            .get((3, c))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    assert_eq!(
        [cell(0), cell(1), cell(2)],
        [
            local,
            "赵审计".to_string(),
            "第一季度报送滞后，请督促整改。".to_string()
        ]
    );
}

crate::on_both_backends!(
    evaluation_comments_name_their_author_in_local_time,
    the_trail_is_a_table_of_names_local_times_and_words,
    divisions_read_no_technical_detail,
    failed_downloads_answer_a_browser_with_a_page,
);
