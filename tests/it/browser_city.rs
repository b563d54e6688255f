//! Three levels in Chromium at 1366×768 (issue 19): the city's office hands its plan down;
//! the sports bureau's office finds the city's item, with the city's number, in its own plan,
//! and, once its division's report is accepted, drafts its report up from it on the city's
//! item and sends it; the city's office accepts it. The finance bureau never sees the sports
//! bureau's plan.

use std::path::Path;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use fantoccini::Locator;
use serde_json::json;

use crate::browser::{wait_text, Session};
use crate::helpers::*;
use workplan::domain::role::Role;
use workplan::service::agency::{self, AgencyInput, NewAgencyInput};
use workplan::service::plans::{self, NewItemInput, NewPlanInput};
use workplan::service::reports::{self, OpenPeriodInput};
use workplan::service::Caller;

fn shot(name: &str, png: Vec<u8>) {
    let _ = std::fs::write(Path::new(env!("CARGO_TARGET_TMPDIR")).join(name), png);
}

#[actix_web::test]
async fn a_city_hands_down_a_bureau_reports_up_and_the_city_accepts_in_chromium() {
    let app = TestApp::sqlite().await;
    let city = Caller::cli();
    app.user("city", Role::Office, None);
    let (sports, finance) = app
        .db
        .write_blocking(|c| {
            agency::set(
                c,
                &city,
                &AgencyInput {
                    full_name: "广州市政务公开办公室".into(),
                    short_name: String::new(),
                    supervisor: String::new(),
                    version: 0,
                },
            )?;
            let mut ids = Vec::new();
            for (name, short, office) in [
                ("广州市体育局", "市体育局", "tiyu"),
                ("广州市财政局", "市财政局", "caizheng"),
            ] {
                let v = agency::add_below(
                    c,
                    &city,
                    &NewAgencyInput {
                        full_name: name.into(),
                        short_name: short.into(),
                        office_username: office.into(),
                        office_password: "temporary-pass-1".into(),
                    },
                )?;
                ids.push(v.id);
            }
            Ok::<_, workplan::error::AppError>((ids[0], ids[1]))
        })
        .expect("agencies");
    // Accounts with settled passwords for the walk-through.
    app.user_in(sports, "tiyu-bgs", Role::Office, None);
    app.user_in(finance, "cz-bgs", Role::Office, None);
    let law = app.division_in(sports, "政策法规处");
    app.user_in(sports, "fagui", Role::Division, Some(law));
    let (city_plan, city_item) = app
        .db
        .write_blocking(|c| {
            let plan = plans::create(
                c,
                &city,
                &NewPlanInput {
                    year: 2021,
                    title: "广州市2021年政务公开工作要点".into(),
                    document_number: Some("穗府办函〔2021〕47号".into()),
                },
            )?;
            let first = plans::create_item(
                c,
                &city,
                plan.id,
                &NewItemInput {
                    number: "5".into(),
                    task: "做好重大行政决策公开".into(),
                    requirement: "6月底前公布年度重大行政决策事项目录".into(),
                    lead: vec!["市体育局".into()],
                    support: vec![],
                },
            )?;
            plans::create_item(
                c,
                &city,
                plan.id,
                &NewItemInput {
                    number: "7".into(),
                    task: "做好财政预决算公开".into(),
                    requirement: String::new(),
                    lead: vec!["市财政局".into()],
                    support: vec![],
                },
            )?;
            reports::open_period(
                c,
                &city,
                plan.id,
                &OpenPeriodInput {
                    period: "2021-Q2".into(),
                    due_on: None,
                },
                true,
            )?;
            Ok::<_, workplan::error::AppError>((plan.id, first.id))
        })
        .expect("the city's plan");

    let Some(session) = Session::start(&app).await else {
        return;
    };
    let svc = app.service().await;
    let (client, base) = (&session.client, session.base.clone());
    let result = async {
        // The city's office hands its plan down from 全部事项.
        session.login("city", PASSWORD).await?;
        client
            .wait()
            .for_element(Locator::Id("current-user"))
            .await?;
        client
            .goto(&format!("{base}/items?plan={city_plan}"))
            .await?;
        client
            .wait()
            .for_element(Locator::Css("#hand-down-form button"))
            .await?
            .click()
            .await?;
        let handed = wait_text(client, "#hand-down-result", "广州市体育局").await?;
        assert!(handed.contains("广州市财政局"), "{handed}");
        shot("city-handed-down.png", client.screenshot().await?);
        client.delete_all_cookies().await?;

        // The sports bureau's own plan now holds the city's item 5, not item 7.
        let bureau_plan = {
            let mut c = app.db.get().expect("connection");
            workplan::db::queries::plans::list_with_counts(&mut c, &[sports])
                .expect("plans")
                .first()
                .expect("handed down")
                .plan
                .id
        };
        let bureau_item = {
            let mut c = app.db.get().expect("connection");
            workplan::db::queries::items::list(&mut c, bureau_plan, None)
                .expect("items")
                .into_iter()
                .map(|i| (i.id, i.number, i.upper_item_id))
                .collect::<Vec<_>>()
        };
        assert_eq!(bureau_item.len(), 1, "{bureau_item:?}");
        assert_eq!(bureau_item[0].1, "5");
        assert_eq!(bureau_item[0].2, Some(city_item));
        let bureau_item = bureau_item[0].0;

        // Its office assigns its division and opens the quarter; the division reports and
        // the office accepts (the API, as the existing pages do it).
        let office = login(&svc, "tiyu-bgs").await;
        let item = send(
            &svc,
            authed(
                TestRequest::get().uri(&format!("/api/v1/items/{bureau_item}")),
                &office,
            ),
        )
        .await
        .json();
        let a = send(
            &svc,
            authed(
                TestRequest::put().uri(&format!("/api/v1/items/{bureau_item}/divisions")),
                &office,
            )
            .set_json(json!({"version": item["version"], "lead": ["政策法规处"]})),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        let a = send(
            &svc,
            authed(
                TestRequest::post().uri(&format!("/api/v1/plans/{bureau_plan}/periods")),
                &office,
            )
            .set_json(json!({"period": "2021-Q2"})),
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        let fagui = login(&svc, "fagui").await;
        let r = send(
            &svc,
            authed(
                TestRequest::post().uri(&format!("/api/v1/items/{bureau_item}/reports")),
                &fagui,
            )
            .set_json(json!({"period": "2021-Q2",
                             "summary": "已在门户网站公布2021年重大行政决策事项目录。"})),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let report = r.json();
        let id = report["id"].as_i64().expect("id");
        let s = send(
            &svc,
            authed(
                TestRequest::post().uri(&format!("/api/v1/reports/{id}/submit")),
                &fagui,
            )
            .set_json(json!({"version": report["version"]})),
        )
        .await;
        assert_eq!(s.status, StatusCode::OK, "{}", s.body);
        let a = send(
            &svc,
            authed(
                TestRequest::post().uri(&format!("/api/v1/reports/{id}/review")),
                &office,
            )
            .set_json(json!({"decision": "accept", "version": s.json()["version"]})),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);

        // In the browser, the bureau's office sees the city's number in its own plan…
        session.login("tiyu-bgs", PASSWORD).await?;
        client
            .wait()
            .for_element(Locator::Id("current-user"))
            .await?;
        client.goto(&format!("{base}/items/{bureau_item}")).await?;
        let upper = wait_text(client, "#upper-item", "第5项").await?;
        assert!(upper.contains("牵头"), "{upper}");
        shot("bureau-item.png", client.screenshot().await?);
        // …and on the city's item, marked as the city's, drafts its report up and sends it.
        client.goto(&format!("{base}/items/{city_item}")).await?;
        client.wait().for_element(Locator::Id("away")).await?;
        client
            .find(Locator::Id("draft-from-below-submit"))
            .await?
            .click()
            .await?;
        let drafted = wait_text(client, "main", "【政策法规处】").await?;
        assert!(
            drafted.contains("已在门户网站公布2021年重大行政决策事项目录"),
            "{drafted}"
        );
        shot("bureau-drafted-up.png", client.screenshot().await?);
        client
            .wait()
            .for_element(Locator::Css("button.submit-report"))
            .await?
            .click()
            .await?;
        wait_text(client, "main", "已报送，待审核").await?;
        client.delete_all_cookies().await?;

        // The finance bureau's office does not find the sports bureau's plan.
        session.login("cz-bgs", PASSWORD).await?;
        client
            .wait()
            .for_element(Locator::Id("current-user"))
            .await?;
        client
            .goto(&format!("{base}/items?plan={bureau_plan}"))
            .await?;
        let body = client.find(Locator::Css("body")).await?.text().await?;
        assert!(
            !body.contains("做好重大行政决策公开"),
            "finance sees sports' plan: {body}"
        );
        client.delete_all_cookies().await?;

        // The city's office accepts the sports bureau's report.
        session.login("city", PASSWORD).await?;
        client
            .wait()
            .for_element(Locator::Id("current-user"))
            .await?;
        client.goto(&format!("{base}/items/{city_item}")).await?;
        client
            .wait()
            .for_element(Locator::Css("form.review-form button.accept"))
            .await?
            .click()
            .await?;
        wait_text(client, "main", "已通过").await?;
        shot("city-accepted.png", client.screenshot().await?);
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    session.finish(result).await;
}
