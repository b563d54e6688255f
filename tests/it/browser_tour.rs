//! Every page as its users see it, in a real Chromium: at 1366×768 for every role, and at
//! 390×844 for the pages liaison staff open on a phone. Each page is written to a folder of
//! screenshots (`target/tmp/screenshots/`) and checked for what users notice first: nothing
//! spills sideways, no status badge wraps, no English word where a user reads.

use std::path::{Path, PathBuf};

use actix_web::test::TestRequest;
use fantoccini::Locator;
use serde_json::{json, Value};

use crate::browser::Session;
use crate::helpers::*;
use workplan::domain::role::Role;

/// Words a user may read in Latin letters: names of file formats and parts of web addresses.
const LATIN_ALLOWED: &[&str] = &[
    "Excel", "Word", "PDF", "OFD", "WPS", "http", "https", "www", "gov", "cn", "xlsx", "docx",
    "pdf", "png", "jpg", "ics", "xls", "ods", "csv", "txt", "GBK", "SHA",
    // The tour's users' login names (what the header shows when no name is set).
    "office", "staff", "leader",
];

/// The folder the tour writes its screenshots to.
fn shots_dir(kind: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("screenshots")
        .join(kind);
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

/// What a page shows that users would call wrong, as one line each (empty: nothing).
const CHECKS: &str = r#"
const problems = [];
const doc = document.documentElement;
if (doc.scrollWidth > window.innerWidth + 1) {
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 3)
    .map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className ? '.' + e.className : ''}`);
  problems.push(`scrolls sideways: ${doc.scrollWidth} px in ${window.innerWidth} px (${wide.join(', ')})`);
}
for (const s of document.querySelectorAll('.status')) {
  if (s.getClientRects().length > 1) problems.push(`status badge wraps: ${s.innerText}`);
}
// E-mail and web addresses are data people typed, not words of the page.
const text = document.body.innerText.replace(/\S+@\S+/g, ' ').replace(/https?:\/\/\S+/g, ' ');
const latin = (text.match(/[A-Za-z][A-Za-z]+/g) || [])
  .filter(w => !arguments[0].includes(w));
if (latin.length) problems.push(`English words: ${[...new Set(latin)].join(' ')}`);
return problems;
"#;

/// Opens `path`, waits for the page, saves its screenshot as `name` under `kind` and
/// returns what is wrong with it.
async fn visit(
    session: &Session,
    kind: &str,
    name: &str,
    path: &str,
) -> Result<Vec<String>, fantoccini::error::CmdError> {
    let c = &session.client;
    c.goto(&format!("{}{path}", session.base)).await?;
    c.wait().for_element(Locator::Css("main")).await?;
    let shot = c.screenshot().await?;
    std::fs::write(shots_dir(kind).join(format!("{name}.png")), shot).expect("screenshot");
    let found = c.execute(CHECKS, vec![json!(LATIN_ALLOWED)]).await?;
    Ok(found
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(|p| format!("{kind}/{name} ({path}): {p}"))
                .collect()
        })
        .unwrap_or_default())
}

/// The sample plan with a division's report waiting for review, an urging to answer and an
/// open period: what a year looks like in its first quarter. Returns (plan, the item with
/// the submitted report, the urged item with a draft).
async fn a_year_under_way(app: &TestApp) -> (i32, i32, i32) {
    app.division("办公室");
    let d = app.division("法规宣传处");
    app.user("office", Role::Office, None);
    app.user("staff", Role::Division, Some(d));
    app.user("leader", Role::Leader, None);
    let plan = app.import_sample(2021);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let staff = login(&svc, "staff").await;
    let post = |uri: String, token: &str, body: Value| {
        authed(TestRequest::post().uri(&uri), token).set_json(body)
    };
    let a = send(
        &svc,
        post(
            format!("/api/v1/plans/{plan}/periods"),
            &office,
            json!({"period": "2021-Q1"}),
        ),
    )
    .await;
    assert!(a.status.is_success(), "{}", a.json());
    let mine = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/plans/{plan}/items?division={d}")),
            &staff,
        ),
    )
    .await
    .json();
    let items = mine.as_array().expect("items of the division");
    let item = items[0]["id"].as_i64().expect("an item") as i32;
    let other = items[1]["id"].as_i64().expect("a second item") as i32;
    let r = send(
        &svc,
        post(
            format!("/api/v1/items/{item}/reports"),
            &staff,
            json!({"period": "2021-Q1", "summary": "已完成目录梳理，正在组织发布。"}),
        ),
    )
    .await;
    assert!(r.status.is_success(), "{}", r.json());
    let report = &r.json();
    let report_id = report["report"]["id"]
        .as_i64()
        .or_else(|| report["id"].as_i64())
        .expect("report id");
    let version = report["report"]["version"]
        .as_i64()
        .or_else(|| report["version"].as_i64());
    let s = send(
        &svc,
        post(
            format!("/api/v1/reports/{report_id}/submit"),
            &staff,
            json!({ "version": version }),
        ),
    )
    .await;
    assert!(s.status.is_success(), "{}", s.json());
    let u = send(
        &svc,
        post(
            format!("/api/v1/items/{other}/urge"),
            &office,
            json!({"message": "请尽快报送进展"}),
        ),
    )
    .await;
    assert!(u.status.is_success(), "{}", u.json());
    // The urged item has a draft the liaison is still writing (evidence goes with it).
    let w = send(
        &svc,
        post(
            format!("/api/v1/items/{other}/reports"),
            &staff,
            json!({"period": "2021-Q1", "summary": "正在整理材料。"}),
        ),
    )
    .await;
    assert!(w.status.is_success(), "{}", w.json());
    (plan, item, other)
}

#[actix_web::test]
async fn every_page_fits_reads_chinese_and_keeps_badges_whole_in_chromium() {
    let app = TestApp::sqlite().await;
    let (plan, item, urged) = a_year_under_way(&app).await;
    let office_id = app.user("office2", Role::Office, None);
    let Some(session) = Session::start(&app).await else {
        return;
    };
    let c = &session.client;
    let result = async {
        let mut problems = Vec::new();
        problems.extend(visit(&session, "desktop", "login", "/login").await?);
        let pages: Vec<(&str, &str, String)> = vec![
            ("office", "todo", "/todo".into()),
            ("office", "home", "/".into()),
            ("office", "items", format!("/items?plan={plan}")),
            ("office", "item", format!("/items/{item}")),
            ("office", "overview", format!("/overview?plan={plan}")),
            ("office", "bulletin", format!("/bulletin?plan={plan}")),
            ("office", "evaluation", format!("/evaluation?plan={plan}")),
            (
                "office",
                "evaluation-summary",
                format!("/evaluation/summary?plan={plan}"),
            ),
            ("office", "review-back", "/review-back".into()),
            (
                "office",
                "annual-report",
                format!("/annual-report?plan={plan}"),
            ),
            ("office", "export", format!("/export?plan={plan}")),
            ("office", "import", "/import".into()),
            ("office", "notifications", "/notifications".into()),
            ("office", "admin", "/admin".into()),
            ("office", "admin-divisions", "/admin/divisions".into()),
            ("office", "admin-users", "/admin/users".into()),
            (
                "office",
                "admin-sessions",
                format!("/admin/users/{office_id}/sessions"),
            ),
            ("office", "admin-audit", "/admin/audit".into()),
            ("office", "password", "/account/password".into()),
            ("office", "second-factor", "/account/second-factor".into()),
            ("staff", "division-todo", "/todo".into()),
            ("staff", "division-home", "/".into()),
            ("staff", "my", format!("/my?plan={plan}")),
            ("staff", "division-item", format!("/items/{item}")),
            ("staff", "division-urged-item", format!("/items/{urged}")),
            ("staff", "division-notifications", "/notifications".into()),
            ("leader", "leader-home", "/".into()),
        ];
        let mut who = "";
        for (user, name, path) in &pages {
            if *user != who {
                if !who.is_empty() {
                    c.delete_all_cookies().await?;
                }
                session.login(user, PASSWORD).await?;
                c.wait().for_element(Locator::Id("current-user")).await?;
                who = user;
            }
            problems.extend(visit(&session, "desktop", name, path).await?);
        }

        // The liaison's phone: the login, the 待办 list, the item with its report form, upload
        // and urging.
        c.delete_all_cookies().await?;
        c.set_window_size(390, 844).await?;
        problems.extend(visit(&session, "phone", "login", "/login").await?);
        let width = c.execute("return window.innerWidth;", vec![]).await?;
        assert!(
            width.as_u64().is_some_and(|w| w <= 420),
            "phone viewport is {width} px"
        );
        session.login("staff", PASSWORD).await?;
        c.wait().for_element(Locator::Id("current-user")).await?;
        for (name, path) in [
            ("todo", "/todo".to_string()),
            ("home", "/".to_string()),
            ("my", format!("/my?plan={plan}")),
            ("item", format!("/items/{item}")),
            ("urged-item", format!("/items/{urged}")),
            ("notifications", "/notifications".to_string()),
        ] {
            problems.extend(visit(&session, "phone", name, &path).await?);
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        // On the phone the evidence upload takes pictures from the phone's photos, and the
        // urging is answered on the same page.
        c.goto(&format!("{}/items/{urged}", session.base)).await?;
        c.find(Locator::Css(".urging form input[name=answer]"))
            .await?;
        let accept = c
            .find(Locator::Css("form.upload-form input[type=file]"))
            .await?
            .attr("accept")
            .await?
            .unwrap_or_default();
        assert!(accept.contains("image/*"), "{accept}");
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    session.finish(result).await;
}

/// 全部事项 as the office uses it in the browser: words and a status typed into the filter
/// form land in the address, the count says how many match, and the pager keeps the filters.
#[actix_web::test]
async fn the_item_list_filters_and_pages_in_chromium() {
    use workplan::service::plans::{self, create_item, NewItemInput, NewPlanInput};
    use workplan::service::Caller;
    let app = TestApp::sqlite().await;
    app.division("法规宣传处");
    app.division("办公室");
    app.user("office", Role::Office, None);
    let plan = app
        .db
        .write_blocking(|c| -> Result<i32, workplan::error::AppError> {
            let plan = plans::create(
                c,
                &Caller::cli(),
                &NewPlanInput {
                    year: 2031,
                    title: "分工方案".into(),
                    document_number: None,
                },
            )?;
            // 60 items on 规划 (led by 法规宣传处) and 20 others (led by 办公室).
            for n in 1..=80 {
                let (task, lead) = if n <= 60 {
                    (format!("做好第{n}项规划公开"), "法规宣传处")
                } else {
                    (format!("完善第{n}项预算说明"), "办公室")
                };
                create_item(
                    c,
                    &Caller::cli(),
                    plan.id,
                    &NewItemInput {
                        number: n.to_string(),
                        task,
                        requirement: "12月31日前完成。".into(),
                        lead: vec![lead.into()],
                        support: vec![],
                    },
                )?;
            }
            Ok(plan.id)
        })
        .expect("plan of 80 items");
    let Some(session) = Session::start(&app).await else {
        return;
    };
    let c = &session.client;
    let result = async {
        session.login("office", PASSWORD).await?;
        c.wait().for_element(Locator::Id("current-user")).await?;
        c.goto(&format!("{}/items?plan={plan}", session.base))
            .await?;
        let count = crate::browser::wait_text(c, "#match-count", "80").await?;
        assert!(count.contains("80"), "{count}");
        let form = c.find(Locator::Id("item-filters")).await?;
        form.find(Locator::Css("input[name=q]"))
            .await?
            .send_keys("规划")
            .await?;
        form.find(Locator::Css(
            "select[name=division] option[value='法规宣传处']",
        ))
        .await?
        .click()
        .await?;
        form.find(Locator::Css("button[type=submit]"))
            .await?
            .click()
            .await?;
        let count = crate::browser::wait_text(c, "#match-count", "60").await?;
        assert!(count.contains("60"), "{count}");
        let at = c.current_url().await?;
        let query = at.query().unwrap_or_default().to_string();
        assert!(
            query.contains("q=%E8%A7%84%E5%88%92") && query.contains("division="),
            "the filters are in the address: {at}"
        );
        // 50 a page: the second page holds the other 10 and keeps the filters.
        let rows = c.find_all(Locator::Css("table.items tbody tr")).await?;
        assert_eq!(rows.len(), 50);
        c.find(Locator::Css("#pager a[rel=next]"))
            .await?
            .click()
            .await?;
        crate::browser::wait_text(c, "#pager", "第 2 / 2 页").await?;
        let at = c.current_url().await?;
        let query = at.query().unwrap_or_default().to_string();
        assert!(
            query.contains("page=2") && query.contains("q=%E8%A7%84%E5%88%92"),
            "{at}"
        );
        let rows = c.find_all(Locator::Css("table.items tbody tr")).await?;
        assert_eq!(rows.len(), 10);
        let text = c.find(Locator::Css("table.items")).await?.text().await?;
        assert!(
            !text.contains("预算说明"),
            "only the filtered items: {text}"
        );
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    session.finish(result).await;
}
