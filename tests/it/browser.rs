//! End to end in a real headless Chromium (Debian's chromium + chromium-driver): log in,
//! see the home page with the real plans, at 1366×768.

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{ClientBuilder, Locator};
use serde_json::json;

use crate::helpers::*;
use workplan::domain::role::Role;
use workplan::service::plans::{self, NewPlanInput};
use workplan::service::Caller;

/// Kills chromedriver when the test ends, however it ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn find(candidates: &[&str]) -> Option<String> {
    candidates
        .iter()
        .find(|p| std::path::Path::new(p).exists())
        .map(|p| p.to_string())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// The browser and its driver, or `None` (with a visible note) where they are not installed.
pub(crate) fn browser() -> Option<(String, String)> {
    let driver = find(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]);
    let chromium = find(&["/usr/bin/chromium", "/usr/bin/chromium-browser"]);
    match (driver, chromium) {
        (Some(d), Some(c)) => Some((d, c)),
        _ => {
            let required = std::env::var("WORKPLAN_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
            assert!(
                !required,
                "WORKPLAN_REQUIRE_BROWSER=1 but chromium/chromedriver are not installed"
            );
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED browser test: install Debian's chromium and chromium-driver (bash .ci/run does) to run it"
            );
            None
        }
    }
}

/// A real server on loopback, chromedriver and a headless Chromium session.
pub(crate) struct Session {
    pub(crate) client: fantoccini::Client,
    pub(crate) base: String,
    server: actix_web::dev::ServerHandle,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

impl Session {
    pub(crate) async fn start(app: &TestApp) -> Option<Session> {
        let (driver_bin, chromium) = browser()?;
        let state = app.state.clone();
        let server = actix_web::HttpServer::new(move || {
            actix_web::App::new()
                .wrap(workplan::web::security_headers())
                .configure(workplan::web::configure(state.clone()))
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .expect("bind");
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        actix_web::rt::spawn(server);

        let driver_port = free_port();
        let driver = Driver(
            Command::new(driver_bin)
                .arg(format!("--port={driver_port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start chromedriver"),
        );
        let profile = tempfile::tempdir().expect("profile dir");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".to_string(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--window-size=1366,768", "--lang=zh-CN", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-quic",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            match ClientBuilder::new(connector.clone())
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{driver_port}"))
                .await
            {
                Ok(c) => break c,
                Err(_) if Instant::now() < deadline => {
                    actix_web::rt::time::sleep(Duration::from_millis(250)).await;
                }
                Err(e) => panic!("chromedriver did not start a session: {e}"),
            }
        };
        Some(Session {
            client,
            base: format!("http://127.0.0.1:{port}"),
            server: handle,
            _driver: driver,
            _profile: profile,
        })
    }

    pub(crate) async fn login(
        &self,
        name: &str,
        password: &str,
    ) -> Result<(), fantoccini::error::CmdError> {
        let c = &self.client;
        c.goto(&format!("{}/login", self.base)).await?;
        c.wait().for_element(Locator::Id("login-form")).await?;
        c.find(Locator::Id("username"))
            .await?
            .send_keys(name)
            .await?;
        c.find(Locator::Id("password"))
            .await?
            .send_keys(password)
            .await?;
        c.find(Locator::Id("login-submit")).await?.click().await?;
        Ok(())
    }

    pub(crate) async fn finish(self, result: Result<(), fantoccini::error::CmdError>) {
        let _ = self.client.close().await;
        self.server.stop(false).await;
        result.expect("browser flow");
    }
}

/// Waits until an element's text contains `needle` (pages reload after forms, so an
/// element found a moment ago may be gone: keep looking until the new page shows it).
pub(crate) async fn wait_text(
    client: &fantoccini::Client,
    css: &str,
    needle: &str,
) -> Result<String, fantoccini::error::CmdError> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Ok(e) = client.find(Locator::Css(css)).await {
            if let Ok(t) = e.text().await {
                if t.contains(needle) {
                    return Ok(t);
                }
            }
        }
        if Instant::now() > deadline {
            let e = client.find(Locator::Css(css)).await?;
            return e.text().await;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

#[actix_web::test]
async fn office_logs_in_and_sees_the_home_page_in_chromium() {
    let app = TestApp::sqlite().await;
    app.user("admin", Role::Office, None);
    app.db
        .write_blocking(|c| {
            plans::create(
                c,
                &Caller::cli(),
                &NewPlanInput {
                    year: 2021,
                    title: "广州市体育局2021年政务公开工作要点分工方案".into(),
                    document_number: None,
                },
            )
        })
        .expect("plan");
    let Some(session) = Session::start(&app).await else {
        return;
    };
    let (client, base) = (&session.client, session.base.clone());
    let result = async {
        client.goto(&format!("{base}/")).await?;
        // Not logged in: the app sends the browser to the Chinese login page.
        client.wait().for_element(Locator::Id("login-form")).await?;
        assert!(client.current_url().await?.path().ends_with("/login"));

        // A wrong password shows the error on the page.
        session.login("admin", "wrong-password").await?;
        let alert = client
            .wait()
            .for_element(Locator::Css("[role=alert]"))
            .await?;
        assert_eq!(alert.text().await?, "用户名或密码错误");

        // The right one lands on the 待办 list; the home page shows the real plan.
        session.login("admin", PASSWORD).await?;
        let who = client
            .wait()
            .for_element(Locator::Id("current-user"))
            .await?;
        assert_eq!(who.text().await?, "admin");
        assert_eq!(client.current_url().await?.path(), "/todo");
        let h1 = client.find(Locator::Css("main h1")).await?.text().await?;
        assert!(h1.starts_with("待办"), "{h1}");
        client.find(Locator::Css("a.brand")).await?.click().await?;
        let h1 = wait_text(client, "main h1", "首页").await?;
        assert_eq!(h1, "首页");
        let table = client.find(Locator::Id("plans")).await?.text().await?;
        assert!(
            table.contains("广州市体育局2021年政务公开工作要点分工方案"),
            "{table}"
        );
        // Nothing spills sideways at 1366×768.
        let width = client
            .execute("return document.documentElement.scrollWidth;", vec![])
            .await?;
        assert!(
            width.as_u64().unwrap_or(9999) <= 1366,
            "page is {width} px wide"
        );
        let shot = client.screenshot().await?;
        let _ = std::fs::write(
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-home.png"),
            shot,
        );

        // The admin pages work in the browser too: add a division through the form.
        client.goto(&format!("{base}/admin/divisions")).await?;
        let form = client
            .wait()
            .for_element(Locator::Id("new-division"))
            .await?;
        form.find(Locator::Css("input[name=name]"))
            .await?
            .send_keys("法规宣传处")
            .await?;
        form.find(Locator::Css("button[type=submit]"))
            .await?
            .click()
            .await?;
        let flash = client.wait().for_element(Locator::Css(".flash")).await?;
        assert_eq!(flash.text().await?, "已添加。");
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    session.finish(result).await;
}

/// Chooses a file and a year on 导入计划 and asks for the preview; the item count it shows.
async fn preview_in_browser(
    client: &fantoccini::Client,
    base: &str,
    file: &Path,
    year: &str,
) -> Result<String, fantoccini::error::CmdError> {
    client.goto(&format!("{base}/import")).await?;
    client
        .wait()
        .for_element(Locator::Id("import-file"))
        .await?
        .send_keys(file.to_str().unwrap_or_default())
        .await?;
    let y = client.find(Locator::Id("import-year")).await?;
    y.clear().await?;
    y.send_keys(year).await?;
    client
        .find(Locator::Id("import-preview"))
        .await?
        .click()
        .await?;
    client
        .wait()
        .for_element(Locator::Id("preview-count"))
        .await?
        .text()
        .await
}

/// A real plan of another agency: the preview shows which column was taken for what, the
/// plan's own warnings, each row's doubts beside it, and every piece of text left out.
#[actix_web::test]
async fn the_preview_of_a_real_plan_shows_columns_doubts_and_skipped_text_in_chromium() {
    let app = TestApp::sqlite().await;
    app.user("admin", Role::Office, None);
    let Some(session) = Session::start(&app).await else {
        return;
    };
    let (client, base) = (&session.client, session.base.clone());
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
    let result = async {
        session.login("admin", PASSWORD).await?;
        client
            .wait()
            .for_element(Locator::Id("current-user"))
            .await?;
        for (file, year, items, shot) in [
            (
                "jieyang-zwgk-2018-division.xlsx",
                "2018",
                "6",
                "browser-import-real-table.png",
            ),
            (
                "lishan-gzbg-2023-tasks.txt",
                "2023",
                "6",
                "browser-import-real-document.png",
            ),
        ] {
            let count = preview_in_browser(client, &base, &fixtures.join(file), year).await?;
            assert_eq!(count, items, "{file}");
            if file.ends_with(".xlsx") {
                // No deadline column: one warning for the plan, the columns it read.
                let plan = client
                    .find(Locator::Id("plan-warnings"))
                    .await?
                    .text()
                    .await?;
                assert!(plan.contains("没有完成时限"), "{plan}");
                let columns = client
                    .find(Locator::Id("preview-columns"))
                    .await?
                    .text()
                    .await?;
                assert!(
                    columns.contains("责任单位") && columns.contains("按表头"),
                    "{columns}"
                );
            } else {
                // The notice around the plan is listed as not taken, with its paragraphs.
                let skipped = client
                    .find(Locator::Id("preview-skipped"))
                    .await?
                    .text()
                    .await?;
                assert!(
                    skipped.contains("现将") && skipped.contains("第 "),
                    "{skipped}"
                );
            }
            let png = client.screenshot().await?;
            let _ = std::fs::write(Path::new(env!("CARGO_TARGET_TMPDIR")).join(shot), png);
        }
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    session.finish(result).await;
}

#[actix_web::test]
async fn office_previews_decides_and_imports_the_sample_in_chromium() {
    let app = TestApp::sqlite().await;
    app.user("admin", Role::Office, None);
    app.division("办公室");
    let Some(session) = Session::start(&app).await else {
        return;
    };
    let (client, base) = (&session.client, session.base.clone());
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("imports/guangzhou-sports-2021-division-plan.xlsx");
    let result = async {
        session.login("admin", PASSWORD).await?;
        client
            .wait()
            .for_element(Locator::Id("current-user"))
            .await?;
        // The preview: every item, the rows with warnings marked, unknown names to decide.
        let count = preview_in_browser(client, &base, &sample, "2021").await?;
        assert_eq!(count, "32");
        let flagged = client
            .find_all(Locator::Css("#preview-items tr.has-warning"))
            .await?;
        assert!(!flagged.is_empty(), "rows with warnings are highlighted");
        let unknown = client
            .find(Locator::Id("unknown-divisions"))
            .await?
            .text()
            .await?;
        assert!(
            unknown.contains("法规宣传处") && !unknown.contains("各有关处室"),
            "{unknown}"
        );
        let shot = client.screenshot().await?;
        let _ = std::fs::write(
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-import-preview.png"),
            shot,
        );
        // Keep 青少年体育处 as a placeholder: find its row's select.
        let rows = client
            .find_all(Locator::Css("#unknown-divisions tbody tr"))
            .await?;
        for row in rows {
            if row.text().await?.contains("青少年体育处") {
                row.find(Locator::Css(
                    "select[name^=action_] option[value=placeholder]",
                ))
                .await?
                .click()
                .await?;
            }
        }
        client
            .find(Locator::Id("import-commit"))
            .await?
            .click()
            .await?;
        let done = client.wait().for_element(Locator::Id("imported")).await?;
        assert!(done.text().await?.contains("32"));
        let body = client
            .find(Locator::Css("table.items"))
            .await?
            .text()
            .await?;
        assert!(body.contains("持续加强重大政策发布解读") && body.contains("青少年体育处"));
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    session.finish(result).await;
    // The decision was applied: 青少年体育处 stayed out of the directory.
    let names: Vec<String> =
        workplan::service::directory::list(&mut app.db.get().expect("connection"), &Caller::cli())
            .expect("directory")
            .into_iter()
            .map(|d| d.name)
            .collect();
    assert!(
        names.contains(&"法规宣传处".to_string()) && !names.contains(&"青少年体育处".to_string()),
        "{names:?}"
    );
}

#[actix_web::test]
async fn a_quarterly_report_is_written_returned_corrected_and_accepted_in_chromium() {
    use workplan::service::plans::{create_item, NewItemInput};
    use workplan::service::reports::{open_period, OpenPeriodInput};
    let app = TestApp::sqlite().await;
    let lead = app.division("法规宣传处");
    app.division("办公室");
    app.user("office", Role::Office, None);
    app.user("wang", Role::Division, Some(lead));
    let item_id = app
        .db
        .write_blocking(|c| -> Result<i32, workplan::error::AppError> {
            let plan = plans::create(
                c,
                &Caller::cli(),
                &NewPlanInput {
                    year: 2021,
                    title: "分工方案".into(),
                    document_number: None,
                },
            )?;
            let item = create_item(
                c,
                &Caller::cli(),
                plan.id,
                &NewItemInput {
                    number: "1".into(),
                    task: "发布重大行政决策事项目录".into(),
                    requirement: "3月31日前发布。".into(),
                    lead: vec!["法规宣传处".into()],
                    support: vec!["办公室".into()],
                },
            )?;
            open_period(
                c,
                &Caller::cli(),
                plan.id,
                &OpenPeriodInput {
                    period: "2021-Q3".into(),
                    due_on: None,
                },
                true,
            )?;
            Ok(item.id)
        })
        .expect("setup");
    let files = tempfile::tempdir().expect("files");
    let pdf = files.path().join("第三季度台账.pdf");
    let png = files.path().join("网页截图.png");
    std::fs::write(&pdf, b"%PDF-1.4\n%%EOF\n").expect("pdf");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").expect("png");

    let Some(session) = Session::start(&app).await else {
        return;
    };
    let (client, base) = (&session.client, session.base.clone());
    let item_url = format!("{base}/items/{item_id}");
    let logout = || async {
        client
            .find(Locator::Css("form[action='/logout'] button"))
            .await?
            .click()
            .await?;
        client
            .wait()
            .for_element(Locator::Id("login-form"))
            .await
            .map(|_| ())
    };
    let result = async {
        // The division sees its item on 我的任务 and writes its Q3 report.
        session.login("wang", PASSWORD).await?;
        client
            .wait()
            .for_element(Locator::Id("current-user"))
            .await?;
        client.goto(&format!("{base}/my")).await?;
        client
            .find(Locator::LinkText("发布重大行政决策事项目录"))
            .await?
            .click()
            .await?;
        let summary = client
            .wait()
            .for_element(Locator::Id("report-summary"))
            .await?;
        summary.send_keys("已于3月底发布目录。").await?;
        client
            .find(Locator::Css("input[name=completes_item]"))
            .await?
            .click()
            .await?;
        client
            .find(Locator::Id("report-save"))
            .await?
            .click()
            .await?;
        client
            .wait()
            .for_element(Locator::Css("section.report"))
            .await?;
        for (f, name) in [(&pdf, "第三季度台账.pdf"), (&png, "网页截图.png")] {
            let input = client
                .find(Locator::Css("section.report input[type=file]"))
                .await?;
            input.send_keys(f.to_str().unwrap_or_default()).await?;
            client
                .find(Locator::Css("section.report form[enctype] button"))
                .await?
                .click()
                .await?;
            wait_text(client, "ul.evidence", name).await?;
        }
        let evidence = wait_text(client, "ul.evidence", "网页截图.png").await?;
        assert!(
            evidence.contains("第三季度台账.pdf") && evidence.contains("网页截图.png"),
            "{evidence}"
        );
        // After an upload the page comes back at the report, not at the top.
        let at = client.current_url().await?;
        assert!(
            at.fragment().is_some_and(|f| f.starts_with("report-")),
            "{at}"
        );
        // A web address without its scheme is refused: the form comes back with what was
        // typed and the reason beside it; corrected, it is saved.
        let link = client
            .find(Locator::Css("section.report form[action$='/link']"))
            .await?;
        link.find(Locator::Css("input[name=url]"))
            .await?
            .send_keys("www.gz.gov.cn/zwgk/ml")
            .await?;
        link.find(Locator::Css("input[name=title]"))
            .await?
            .send_keys("重大行政决策事项目录")
            .await?;
        link.find(Locator::Css("button[type=submit]"))
            .await?
            .click()
            .await?;
        let why = wait_text(client, ".field-error", "http").await?;
        assert!(
            why.contains("请填写以 http:// 或 https:// 开头的网页地址"),
            "{why}"
        );
        let link = client
            .find(Locator::Css("section.report form[action$='/link']"))
            .await?;
        let url = link.find(Locator::Css("input[name=url]")).await?;
        assert_eq!(
            url.prop("value").await?.as_deref(),
            Some("www.gz.gov.cn/zwgk/ml")
        );
        assert_eq!(
            link.find(Locator::Css("input[name=title]"))
                .await?
                .prop("value")
                .await?
                .as_deref(),
            Some("重大行政决策事项目录")
        );
        url.clear().await?;
        url.send_keys("https://www.gz.gov.cn/zwgk/ml").await?;
        link.find(Locator::Css("button[type=submit]"))
            .await?
            .click()
            .await?;
        wait_text(client, "ul.evidence", "重大行政决策事项目录").await?;
        client
            .find(Locator::Css("button.submit-report"))
            .await?
            .click()
            .await?;
        let state = wait_text(client, "section.report .state", "已报送，待审核").await?;
        assert_eq!(state, "已报送，待审核");
        logout().await?;

        // The office returns it with a comment.
        session.login("office", PASSWORD).await?;
        client
            .wait()
            .for_element(Locator::Id("current-user"))
            .await?;
        client.goto(&item_url).await?;
        let form = client
            .wait()
            .for_element(Locator::Css("form.review-form"))
            .await?;
        form.find(Locator::Css("input[name=comment]"))
            .await?
            .send_keys("请补充目录链接")
            .await?;
        form.find(Locator::Css("button.return"))
            .await?
            .click()
            .await?;
        let state = wait_text(client, "section.report .state", "已退回，待修改").await?;
        assert_eq!(state, "已退回，待修改");
        logout().await?;

        // The division sees the comment, corrects and resubmits.
        session.login("wang", PASSWORD).await?;
        client
            .wait()
            .for_element(Locator::Id("current-user"))
            .await?;
        client.goto(&item_url).await?;
        let comment = client
            .wait()
            .for_element(Locator::Css(".review-comment"))
            .await?;
        assert!(comment.text().await?.contains("请补充目录链接"));
        // A returned report opens its own form, holding the saved text and its version,
        // with the office's comment right above it.
        let note = client
            .find(Locator::Css(
                "section.report details.report-edit[open] .return-note",
            ))
            .await?;
        assert!(note.text().await?.contains("请补充目录链接"));
        let summary = client
            .find(Locator::Css("section.report textarea.report-summary-edit"))
            .await?;
        assert_eq!(
            summary.prop("value").await?.as_deref(),
            Some("已于3月底发布目录。")
        );
        summary.clear().await?;
        summary
            .send_keys("已于3月底发布目录，链接：政务公开专栏。")
            .await?;
        // 本事项已全部完成 stays ticked from the first save (the form holds what is saved).
        assert!(
            client
                .find(Locator::Css("section.report input[name=completes_item]"))
                .await?
                .is_selected()
                .await?
        );
        client
            .find(Locator::Css("button.report-save-edit"))
            .await?
            .click()
            .await?;
        wait_text(client, ".flash", "已保存").await?;
        client
            .wait()
            .for_element(Locator::Css("button.submit-report"))
            .await?
            .click()
            .await?;
        wait_text(client, "section.report .state", "已报送").await?;
        logout().await?;

        // The office accepts; the item shows done.
        session.login("office", PASSWORD).await?;
        client
            .wait()
            .for_element(Locator::Id("current-user"))
            .await?;
        client.goto(&item_url).await?;
        client
            .wait()
            .for_element(Locator::Css("button.accept"))
            .await?
            .click()
            .await?;
        let state = wait_text(client, "section.report .state", "已通过").await?;
        assert_eq!(state, "已通过");
        let status = client
            .find(Locator::Id("item-status"))
            .await?
            .text()
            .await?;
        assert!(status.contains("完成"), "{status}");
        let shot = client.screenshot().await?;
        let _ = std::fs::write(
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-item.png"),
            shot,
        );
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    session.finish(result).await;
}

#[actix_web::test]
async fn a_co_lead_whose_save_lost_sees_both_texts_in_chromium() {
    use workplan::service::plans::{create_item, NewItemInput};
    use workplan::service::reports::{open_period, write, OpenPeriodInput, ReportInput};
    let app = TestApp::sqlite().await;
    let a = app.division("法规宣传处");
    let b = app.division("体育产业处");
    app.user("li", Role::Division, Some(a));
    app.user("zhao", Role::Division, Some(b));
    let item_id = app
        .db
        .write_blocking(|c| -> Result<i32, workplan::error::AppError> {
            let plan = plans::create(
                c,
                &Caller::cli(),
                &NewPlanInput {
                    year: 2021,
                    title: "分工方案".into(),
                    document_number: None,
                },
            )?;
            let item = create_item(
                c,
                &Caller::cli(),
                plan.id,
                &NewItemInput {
                    number: "7".into(),
                    task: "公开重大行政决策事项目录".into(),
                    requirement: "3月31日前发布。".into(),
                    lead: vec!["法规宣传处".into(), "体育产业处".into()],
                    support: vec![],
                },
            )?;
            open_period(
                c,
                &Caller::cli(),
                plan.id,
                &OpenPeriodInput {
                    period: "2021-Q3".into(),
                    due_on: None,
                },
                true,
            )?;
            Ok(item.id)
        })
        .expect("setup");
    let Some(session) = Session::start(&app).await else {
        return;
    };
    let (client, base) = (&session.client, session.base.clone());
    let result = async {
        // 体育产业处 opens the item while no report exists and starts typing …
        session.login("zhao", PASSWORD).await?;
        client
            .wait()
            .for_element(Locator::Id("current-user"))
            .await?;
        client.goto(&format!("{base}/items/{item_id}")).await?;
        let mine = "体育产业处：已补充体育赛事审批等事项3项，目录初稿已送法规宣传处汇总。";
        client
            .wait()
            .for_element(Locator::Id("report-summary"))
            .await?
            .send_keys(mine)
            .await?;
        // … while 法规宣传处 saves the period's report first.
        let li = app
            .db
            .write_blocking(|c| -> Result<_, workplan::error::AppError> {
                Ok(workplan::db::queries::users::by_name(c, "li")?)
            })
            .expect("li")
            .expect("li exists");
        let caller = Caller::at_home(li.id, li.username.clone(), Role::Division, Some(a), 1);
        let theirs = "法规宣传处：已梳理重大行政决策事项目录初稿，报局长办公会审定。";
        app.db
            .write_blocking(|c| {
                write(
                    c,
                    &caller,
                    item_id,
                    &ReportInput {
                        period: "2021-Q3".into(),
                        summary: theirs.into(),
                        completes_item: false,
                        version: None,
                    },
                )
            })
            .expect("the other co-lead saves");
        client
            .find(Locator::Id("report-save"))
            .await?
            .click()
            .await?;
        // Not saved, not lost: the page says so, keeps the text, shows the other beside it.
        let why = wait_text(client, ".conflict-why", "未保存").await?;
        assert!(why.contains("法规宣传处"), "{why}");
        let kept = client
            .find(Locator::Id("report-summary-mine"))
            .await?
            .prop("value")
            .await?
            .unwrap_or_default();
        assert_eq!(kept, mine);
        let beside = client
            .find(Locator::Id("report-current"))
            .await?
            .text()
            .await?;
        assert!(beside.contains(theirs), "{beside}");
        let shot = client.screenshot().await?;
        let _ = std::fs::write(
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-report-conflict.png"),
            shot,
        );
        // The merge saves on the version the page now carries.
        let field = client.find(Locator::Id("report-summary-mine")).await?;
        field.clear().await?;
        field.send_keys(&format!("{theirs}\n{mine}")).await?;
        client
            .find(Locator::Id("report-save-merged"))
            .await?
            .click()
            .await?;
        wait_text(client, ".flash", "已保存").await?;
        let saved = client
            .find(Locator::Css("section.report p.summary"))
            .await?
            .text()
            .await?;
        assert!(saved.contains(theirs) && saved.contains(mine), "{saved}");
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    session.finish(result).await;
}

#[actix_web::test]
async fn acknowledge_extend_and_urge_in_chromium() {
    use workplan::service::plans::{create_item, NewItemInput};
    let app = TestApp::sqlite().await;
    let lead = app.division("法规宣传处");
    app.user("office", Role::Office, None);
    app.user("wang", Role::Division, Some(lead));
    let (future_item, past_plan) = app
        .db
        .write_blocking(|c| -> Result<(i32, i32), workplan::error::AppError> {
            let item = |n: &str| NewItemInput {
                number: n.into(),
                task: format!("任务{n}"),
                requirement: String::new(),
                lead: vec!["法规宣传处".into()],
                support: vec![],
            };
            let future = plans::create(
                c,
                &Caller::cli(),
                &NewPlanInput {
                    year: 2031,
                    title: "2031方案".into(),
                    document_number: None,
                },
            )?;
            let past = plans::create(
                c,
                &Caller::cli(),
                &NewPlanInput {
                    year: 2021,
                    title: "2021方案".into(),
                    document_number: None,
                },
            )?;
            let f = create_item(c, &Caller::cli(), future.id, &item("1"))?;
            create_item(c, &Caller::cli(), past.id, &item("9"))?;
            Ok((f.id, past.id))
        })
        .expect("setup");
    let Some(session) = Session::start(&app).await else {
        return;
    };
    let (client, base) = (&session.client, session.base.clone());
    let logout = || async {
        client
            .find(Locator::Css("form[action='/logout'] button"))
            .await?
            .click()
            .await?;
        client
            .wait()
            .for_element(Locator::Id("login-form"))
            .await
            .map(|_| ())
    };
    let result = async {
        // The division acknowledges its item and asks for more time.
        session.login("wang", PASSWORD).await?;
        client
            .wait()
            .for_element(Locator::Id("current-user"))
            .await?;
        client.goto(&format!("{base}/items/{future_item}")).await?;
        client
            .wait()
            .for_element(Locator::Id("acknowledge"))
            .await?
            .click()
            .await?;
        let ack = wait_text(client, "#supervision .ack", "已签收").await?;
        assert_eq!(ack, "已签收");
        let form = client.find(Locator::Id("extension-form")).await?;
        let date = form.find(Locator::Css("input[name=requested_due]")).await?;
        client
            .execute(
                "arguments[0].value = '2032-03-31';",
                vec![serde_json::to_value(&date).expect("element")],
            )
            .await?;
        form.find(Locator::Css("input[name=reason]"))
            .await?
            .send_keys("需等待上级文件")
            .await?;
        form.find(Locator::Css("button")).await?.click().await?;
        wait_text(client, ".extension", "待审批").await?;
        logout().await?;

        // The office approves it; the item shows the new date beside the original.
        session.login("office", PASSWORD).await?;
        let badge = client
            .wait()
            .for_element(Locator::Id("unread-count"))
            .await?;
        assert_eq!(
            badge.text().await?,
            "2",
            "acknowledged + extension requested"
        );
        client.goto(&format!("{base}/items/{future_item}")).await?;
        client
            .wait()
            .for_element(Locator::Css("button.approve-extension"))
            .await?
            .click()
            .await?;
        let line = wait_text(client, ".extension", "已同意").await?;
        assert!(
            line.contains("2031-12-31 → 2032-03-31") && line.contains("已同意"),
            "{line}"
        );
        let facts = client.find(Locator::Css(".facts")).await?.text().await?;
        assert!(facts.contains("2032-03-31"), "{facts}");

        // Urge every overdue item at once.
        client
            .goto(&format!("{base}/overview?plan={past_plan}"))
            .await?;
        client
            .wait()
            .for_element(Locator::Css("#urge-all button"))
            .await?
            .click()
            .await?;
        let urged = client.wait().for_element(Locator::Id("urged")).await?;
        assert_eq!(urged.text().await?, "已发出 1 条催办。");
        logout().await?;

        // The division sees the urging and its unread count.
        session.login("wang", PASSWORD).await?;
        let badge = client
            .wait()
            .for_element(Locator::Id("unread-count"))
            .await?;
        assert_eq!(
            badge.text().await?,
            "4",
            "two assignments, extension decided, urged"
        );
        client
            .find(Locator::Id("notifications-link"))
            .await?
            .click()
            .await?;
        let list = client
            .wait()
            .for_element(Locator::Id("notifications"))
            .await?
            .text()
            .await?;
        assert!(
            list.contains("办公室催办法规宣传处") && list.contains("办公室同意法规宣传处延期"),
            "{list}"
        );
        client.find(Locator::Id("read-all")).await?.click().await?;
        wait_text(client, "main h1", "未读 0").await?;
        assert!(
            client.find(Locator::Id("unread-count")).await.is_err(),
            "badge gone after reading"
        );
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    session.finish(result).await;
}

#[actix_web::test]
async fn the_office_fills_table_three_fixes_a_broken_rule_finalises_and_downloads_in_chromium() {
    let app = TestApp::sqlite().await;
    app.division("办公室");
    app.user("office", Role::Office, None);
    let plan = app.import_sample(2021);
    let Some(session) = Session::start(&app).await else {
        return;
    };
    let (client, base) = (&session.client, session.base.clone());
    let result = async {
        session.login("office", PASSWORD).await?;
        client.wait().for_element(Locator::Id("current-user")).await?;
        client.goto(&format!("{base}/annual-report?plan={plan}")).await?;
        client.wait().for_element(Locator::Id("report-form")).await?;
        let fill = |code: &'static str, value: &'static str| async move {
            let input = client
                .find(Locator::Css(&format!("input[name='cell:{code}']")))
                .await?;
            input.clear().await?;
            input.send_keys(value).await
        };
        // 5 new applications from natural persons, 4 answered: one is missing.
        for (code, v) in [
            ("applications.new.natural_person", "5"),
            ("applications.new.total", "5"),
            ("applications.disclosed.natural_person", "4"),
            ("applications.disclosed.total", "4"),
            ("applications.results_total.natural_person", "4"),
            ("applications.results_total.total", "4"),
        ] {
            fill(code, v).await?;
        }
        // Checked while typing, before anything is saved.
        let live = wait_text(client, "#live-violations", "第一项（本年新收）").await?;
        assert!(live.contains("自然人"), "{live}");
        client.find(Locator::Id("save-report")).await?.click().await?;
        let shown = wait_text(client, "#violations", "勾稽关系不符").await?;
        assert!(shown.contains("第一项（本年新收）加第二项（上年结转）之和"), "{shown}");
        let cell = client
            .find(Locator::Css("td[data-cell='applications.new.natural_person']"))
            .await?;
        assert!(
            cell.attr("class").await?.unwrap_or_default().contains("broken"),
            "the broken cell is marked"
        );
        // The one still open is carried into next year.
        fill("applications.carried_forward.natural_person", "1").await?;
        fill("applications.carried_forward.total", "1").await?;
        // The drafted prompts in 【】 are replaced with the agency's own text.
        for (key, text) in [
            ("overview", "（一）主动公开\n本年主动公开政府信息1024条。"),
            ("other", "本年度未收取信息处理费。"),
        ] {
            let area = client
                .find(Locator::Css(&format!("textarea[name='text:{key}']")))
                .await?;
            area.clear().await?;
            area.send_keys(text).await?;
        }
        client.find(Locator::Id("save-report")).await?.click().await?;
        wait_text(client, "#no-violations", "均相符").await?;
        // 定稿 asks first: without the confirmation ticked the form is not sent.
        client
            .find(Locator::Css("#finalise-report button"))
            .await?
            .click()
            .await?;
        // Still the unfinalised page: its confirmation box is there to tick (a finalised
        // report has no such form).
        let confirm = client.find(Locator::Id("confirm-finalise-report")).await?;
        confirm.click().await?;
        client
            .find(Locator::Css("#finalise-report button"))
            .await?
            .click()
            .await?;
        wait_text(client, "#report-state", "已定稿").await?;
        // The Word document downloads with the session.
        let got = client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 fetch(document.getElementById('download-docx').href, {credentials: 'same-origin'})
                   .then(r => r.arrayBuffer().then(b => done([r.status, b.byteLength, new Uint8Array(b.slice(0, 2)).join(',')])))
                   .catch(e => done([0, 0, String(e)]));",
                vec![],
            )
            .await?;
        assert_eq!(got[0], 200, "{got}");
        assert_eq!(got[2], "80,75", "a zip (PK): {got}");
        assert!(got[1].as_u64().unwrap_or(0) > 2000, "{got}");
        Ok(())
    }
    .await;
    session.finish(result).await;
}
