//! The 待办 list in Chromium at 1366×768 (issue 17, points 2 and 8): a division's liaison
//! logs in, lands on /todo with the count in the navigation, follows an entry to the place
//! where it is done, does it, and sees it gone; a leader's home shows completion by division.

use std::path::Path;

use fantoccini::Locator;

use crate::browser::{wait_text, Session};
use crate::helpers::*;
use workplan::domain::role::Role;
use workplan::service::plans::{self, NewItemInput, NewPlanInput};
use workplan::service::Caller;

/// Fails when the page scrolls sideways at 1366 pixels.
async fn no_sideways_scroll(
    client: &fantoccini::Client,
) -> Result<(), fantoccini::error::CmdError> {
    let width = client
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await?;
    assert!(
        width.as_u64().unwrap_or(9999) <= 1366,
        "page is {width} px wide"
    );
    Ok(())
}

fn shot(name: &str, png: Vec<u8>) {
    let _ = std::fs::write(Path::new(env!("CARGO_TARGET_TMPDIR")).join(name), png);
}

#[actix_web::test]
async fn a_division_follows_its_todo_entry_does_it_and_sees_it_gone() {
    let app = TestApp::sqlite().await;
    let division = app.division("法规宣传处");
    app.division("计划财务处");
    app.user("wang", Role::Division, Some(division));
    app.user("leader", Role::Leader, None);
    let item = app
        .db
        .write_blocking(|c| {
            let plan = plans::create(
                c,
                &Caller::cli(),
                &NewPlanInput {
                    year: 2031,
                    title: "广州市体育局2031年政务公开工作要点分工方案".into(),
                    document_number: None,
                },
            )?;
            for (n, task, lead) in [
                ("2", "编制年度报告", "计划财务处"),
                ("3", "更新公开指南", "法规宣传处"),
            ] {
                let done = n == "2";
                let item = plans::create_item(
                    c,
                    &Caller::cli(),
                    plan.id,
                    &NewItemInput {
                        number: n.into(),
                        task: task.into(),
                        requirement: String::new(),
                        lead: vec![lead.into()],
                        support: vec![],
                    },
                )?;
                if done {
                    // 计划财务处 has finished its one item: its bar is full.
                    workplan::db::queries::items::set_completed(
                        c,
                        item.id,
                        chrono::NaiveDate::from_ymd_opt(2031, 3, 1),
                    )?;
                }
            }
            plans::create_item(
                c,
                &Caller::cli(),
                plan.id,
                &NewItemInput {
                    number: "1".into(),
                    task: "发布重大行政决策事项目录".into(),
                    requirement: "3月底前在门户网站发布".into(),
                    lead: vec!["法规宣传处".into()],
                    support: vec![],
                },
            )
        })
        .expect("plan")
        .id;
    let Some(session) = Session::start(&app).await else {
        return;
    };
    let (client, base) = (&session.client, session.base.clone());
    let result = async {
        // Login lands on the list, with its count in the navigation.
        session.login("wang", PASSWORD).await?;
        client.wait().for_element(Locator::Id("todo-total")).await?;
        assert_eq!(client.current_url().await?.path(), "/todo");
        let badge = client.find(Locator::Id("todo-count")).await?.text().await?;
        assert_eq!(badge, "2", "two items to acknowledge");
        let group = client
            .find(Locator::Id("todo-acknowledge"))
            .await?
            .text()
            .await?;
        assert!(group.contains("待签收的分工（2）"), "{group}");
        assert!(group.contains("1. 发布重大行政决策事项目录"), "{group}");
        assert!(
            group.contains("2031年《广州市体育局2031年政务公开工作要点分工方案》"),
            "{group}"
        );
        no_sideways_scroll(client).await?;
        shot("todo-division.png", client.screenshot().await?);

        // The entry leads to the place on the item's page where it is done.
        let entry = client
            .find(Locator::Css(&format!(
                "#todo-acknowledge a.todo-action[href='/items/{item}#supervision']"
            )))
            .await?;
        entry.click().await?;
        let ack = client.wait().for_element(Locator::Id("acknowledge")).await?;
        let url = client.current_url().await?;
        assert_eq!(url.path(), format!("/items/{item}"));
        assert_eq!(url.fragment(), Some("supervision"));
        ack.click().await?;
        wait_text(client, "#supervision .ack", "已签收").await?;

        // Back on the list: that entry is gone, the other stays, and the count follows.
        client
            .find(Locator::Css("nav.main a[href='/todo']"))
            .await?
            .click()
            .await?;
        let badge = wait_text(client, "#todo-count", "1").await?;
        assert_eq!(badge, "1");
        let group = client
            .find(Locator::Id("todo-acknowledge"))
            .await?
            .text()
            .await?;
        assert!(!group.contains("发布重大行政决策事项目录"), "{group}");
        assert!(group.contains("3. 更新公开指南"), "{group}");
        assert!(!group.contains("编制年度报告"), "not this division's: {group}");

        // A leader lands on the home page and reads completion by division.
        client.delete_all_cookies().await?;
        session.login("leader", PASSWORD).await?;
        let chart = client
            .wait()
            .for_element(Locator::Id("division-chart"))
            .await?;
        assert_eq!(client.current_url().await?.path(), "/");
        let text = chart.text().await?;
        assert!(
            text.contains("法规宣传处") && text.contains("计划财务处"),
            "{text}"
        );
        assert!(text.contains("0/2（0%）"), "{text}");
        assert!(text.contains("1/1（100%）"), "{text}");
        // The bars are drawn to scale: an empty one and a full one.
        let bars = client
            .execute(
                "return Array.from(document.querySelectorAll('#division-chart meter')).map(m => [m.value, m.getBoundingClientRect().width]);",
                vec![],
            )
            .await?;
        let bars = bars.as_array().cloned().unwrap_or_default();
        let values: Vec<f64> = bars.iter().filter_map(|b| b[0].as_f64()).collect();
        assert_eq!(values, vec![0.0, 100.0], "{bars:?}");
        assert!(
            bars.iter().all(|b| b[1].as_f64().unwrap_or(0.0) > 200.0),
            "each bar has room: {bars:?}"
        );
        assert!(
            client.find(Locator::Id("todo-count")).await.is_err(),
            "leaders have no 待办"
        );
        no_sideways_scroll(client).await?;
        shot("home-leader.png", client.screenshot().await?);
        let _ = base;
        Ok(())
    }
    .await;
    session.finish(result).await;
}
