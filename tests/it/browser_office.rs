//! In Chromium at 1366×768: the office replaces a placeholder on an item page and sets a
//! higher authority's date in bulk from 全部事项; a supporting division writes its part
//! before the lead has written, and the lead reads it beside its form.

use std::path::Path;

use fantoccini::Locator;

use crate::browser::{wait_text, Session};
use crate::helpers::*;
use workplan::domain::role::Role;
use workplan::service::Caller;

/// Keeps a screenshot where the test binary keeps its files.
async fn shot(client: &fantoccini::Client, name: &str) -> Result<(), fantoccini::error::CmdError> {
    let png = client.screenshot().await?;
    let _ = std::fs::write(Path::new(env!("CARGO_TARGET_TMPDIR")).join(name), png);
    Ok(())
}

/// The page's width, to check nothing spills sideways at 1366×768.
async fn width(client: &fantoccini::Client) -> Result<u64, fantoccini::error::CmdError> {
    Ok(client
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await?
        .as_u64()
        .unwrap_or(9999))
}

#[actix_web::test]
async fn the_office_finishes_the_import_and_a_supporting_division_writes_first_in_chromium() {
    let app = TestApp::sqlite().await;
    let publicity = app.division("法规宣传处");
    let clerk_division = app.division("办公室");
    app.division("政策法规处");
    app.user("office", Role::Office, None);
    app.user("publicity", Role::Division, Some(publicity));
    app.user("clerk", Role::Division, Some(clerk_division));
    let plan = crate::assigning::import_plan(&app);
    app.db
        .write_blocking(|c| {
            workplan::service::reports::open_period(
                c,
                &Caller::cli(),
                plan,
                &workplan::service::reports::OpenPeriodInput {
                    period: "2021-Q3".into(),
                    due_on: None,
                },
                true,
            )
        })
        .expect("period");
    let items = {
        let mut c = app.db.get().expect("connection");
        workplan::db::queries::items::list(&mut c, plan, None).expect("items")
    };
    let id_of = |words: &str| {
        items
            .iter()
            .find(|i| i.requirement.contains(words))
            .expect("item")
            .id
    };
    let (planning, catalogue) = (id_of("公开规划纲要"), id_of("重大决策目录"));
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
        session.login("office", PASSWORD).await?;
        client
            .wait()
            .for_element(Locator::Id("current-user"))
            .await?;

        // The item page: the placeholder is marked, and the office's form is open.
        client.goto(&format!("{base}/items/{planning}")).await?;
        let form = client
            .wait()
            .for_element(Locator::Css(".placeholder-form"))
            .await?;
        assert!(form.text().await?.contains("文件起草处室"));
        assert!(width(client).await? <= 1366, "item page spills sideways");
        shot(client, "browser-office-item.png").await?;
        form.find(Locator::Css("input[name=names]"))
            .await?
            .send_keys("政策法规处")
            .await?;
        form.find(Locator::Css("button[type=submit]"))
            .await?
            .click()
            .await?;
        wait_text(client, ".flash", "分工已更新").await?;
        let facts = client.find(Locator::Css(".facts dl")).await?.text().await?;
        assert!(facts.contains("政策法规处"), "{facts}");
        assert!(!facts.contains("文件起草处室"), "{facts}");

        // 全部事项, filtered to what waits on a higher authority: tick both, set the date.
        client
            .goto(&format!(
                "{base}/items?plan={plan}&status=waiting_on_higher_authority"
            ))
            .await?;
        client.wait().for_element(Locator::Id("bulk-form")).await?;
        let picks = client.find_all(Locator::Css(".bulk-pick")).await?;
        assert_eq!(picks.len(), 2, "the two waiting items");
        for p in &picks {
            p.click().await?;
        }
        client
            .execute(
                "document.getElementById('bulk-due-on').value = '2021-10-15';",
                vec![],
            )
            .await?;
        client
            .find(Locator::Id("bulk-actions"))
            .await?
            .find(Locator::Css("input[name=lead]"))
            .await?
            .click()
            .await?;
        assert!(width(client).await? <= 1366, "list spills sideways");
        shot(client, "browser-office-bulk.png").await?;
        client.find(Locator::Id("bulk-due")).await?.click().await?;
        wait_text(client, "#bulk-done", "已调整 2 个事项").await?;
        let url = client.current_url().await?;
        assert!(
            url.as_str().contains("status=waiting_on_higher_authority"),
            "back to the filtered list: {url}"
        );
        client.goto(&format!("{base}/items/{planning}")).await?;
        let deadline = wait_text(client, "#item-deadline", "2021-10-15").await?;
        assert!(
            deadline.contains("根据市政务公开办的统一部署"),
            "{deadline}"
        );
        assert!(deadline.contains("办公室于"), "{deadline}");
        logout().await?;

        // The supporting division writes its part before the lead has written anything.
        session.login("clerk", PASSWORD).await?;
        client
            .wait()
            .for_element(Locator::Id("current-user"))
            .await?;
        client.goto(&format!("{base}/items/{catalogue}")).await?;
        let slot = client
            .wait()
            .for_element(Locator::Css(".contribution-slot"))
            .await?;
        slot.find(Locator::Css("textarea"))
            .await?
            .send_keys("提供了本处室的决策目录数据。")
            .await?;
        slot.find(Locator::Css(".save-contribution"))
            .await?
            .click()
            .await?;
        wait_text(client, ".flash", "配合情况已保存").await?;
        client.goto(&format!("{base}/my?plan={plan}")).await?;
        wait_text(client, "table.items", "已填写配合情况").await?;
        logout().await?;

        // The lead reads it beside the form it writes the period's report in.
        session.login("publicity", PASSWORD).await?;
        client
            .wait()
            .for_element(Locator::Id("current-user"))
            .await?;
        client.goto(&format!("{base}/items/{catalogue}")).await?;
        let early = wait_text(
            client,
            "#early-contributions-2021-Q3",
            "提供了本处室的决策目录数据。",
        )
        .await?;
        assert!(early.contains("配合（办公室）"), "{early}");
        client.find(Locator::Id("report-form")).await?;
        shot(client, "browser-lead-sees-contribution.png").await?;
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    session.finish(result).await;
}
