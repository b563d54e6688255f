//! End to end in a real headless Chromium (Debian's chromium + chromium-driver): log in,
//! see the home page with the real plans, at 1366×768.

use std::io::Write;
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
fn browser() -> Option<(String, String)> {
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

#[actix_web::test]
async fn office_logs_in_and_sees_the_home_page_in_chromium() {
    let Some((driver_bin, chromium)) = browser() else {
        return;
    };
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
    let server_handle = server.handle();
    actix_web::rt::spawn(server);
    let base = format!("http://127.0.0.1:{port}");

    let driver_port = free_port();
    let _driver = Driver(
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
                "--window-size=1366,768", "--no-first-run", "--disable-background-networking",
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
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                actix_web::rt::time::sleep(Duration::from_millis(250)).await;
            }
            Err(e) => panic!("chromedriver did not start a session: {e}"),
        }
    };

    let result = async {
        client.goto(&format!("{base}/")).await?;
        // Not logged in: the app sends the browser to the Chinese login page.
        client.wait().for_element(Locator::Id("login-form")).await?;
        assert!(client.current_url().await?.path().ends_with("/login"));

        // A wrong password shows the error on the page.
        client
            .find(Locator::Id("username"))
            .await?
            .send_keys("admin")
            .await?;
        client
            .find(Locator::Id("password"))
            .await?
            .send_keys("wrong-password")
            .await?;
        client
            .find(Locator::Id("login-submit"))
            .await?
            .click()
            .await?;
        let alert = client
            .wait()
            .for_element(Locator::Css("[role=alert]"))
            .await?;
        assert_eq!(alert.text().await?, "用户名或密码错误");

        // The right one lands on the home page with the real plan.
        client.find(Locator::Id("username")).await?.clear().await?;
        client
            .find(Locator::Id("username"))
            .await?
            .send_keys("admin")
            .await?;
        client
            .find(Locator::Id("password"))
            .await?
            .send_keys(PASSWORD)
            .await?;
        client
            .find(Locator::Id("login-submit"))
            .await?
            .click()
            .await?;
        let who = client
            .wait()
            .for_element(Locator::Id("current-user"))
            .await?;
        assert_eq!(who.text().await?, "admin");
        let h1 = client.find(Locator::Css("main h1")).await?.text().await?;
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
            std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-home.png"),
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
    let _ = client.close().await;
    server_handle.stop(false).await;
    result.expect("browser flow");
}
