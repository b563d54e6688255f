//! People see people and local time, in a real Chromium at 1366×768: the office filters
//! the audit trail and reads names and words; the item page keeps the evidence checksum
//! out of sight until 详情 is opened.

use std::path::Path;

use fantoccini::Locator;

use crate::browser::{wait_text, Session};
use crate::helpers::*;
use crate::people::{a_returned_report, name_user};
use workplan::domain::role::Role;

#[actix_web::test]
async fn the_office_reads_the_trail_and_the_item_page_hides_the_checksum_in_chromium() {
    let app = TestApp::sqlite().await;
    let d = app.division("法规宣传处");
    let office_id = app.user("office", Role::Office, None);
    let staff_id = app.user("staff", Role::Division, Some(d));
    name_user(&app, office_id, "王主任");
    name_user(&app, staff_id, "李联络员");
    let (item, staff_id) = {
        let svc = app.service().await;
        let office = login(&svc, "office").await;
        let staff = login(&svc, "staff").await;
        let (_plan, item, _rid, _eid) = a_returned_report(&svc, &office, &staff).await;
        (item, staff_id)
    };
    let Some(session) = Session::start(&app).await else {
        return;
    };
    let (client, base) = (&session.client, session.base.clone());
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let result = async {
        session.login("office", PASSWORD).await?;
        let who = wait_text(client, "#current-user", "王主任").await?;
        assert_eq!(who, "王主任");

        // The trail, filtered to the liaison's report actions through the form.
        client.goto(&format!("{base}/admin/audit")).await?;
        client.wait().for_element(Locator::Id("audit")).await?;
        let form = client.find(Locator::Id("audit-filters")).await?;
        form.find(Locator::Css(&format!(
            "select[name=who] option[value='{staff_id}']"
        )))
        .await?
        .click()
        .await?;
        form.find(Locator::Css("select[name=kind] option[value='report']"))
            .await?
            .click()
            .await?;
        form.find(Locator::Css("button[type=submit]"))
            .await?
            .click()
            .await?;
        let table = wait_text(client, "#audit-count", "共 2 条").await?;
        assert!(table.contains("共 2 条"), "{table}");
        let url = client.current_url().await?;
        assert!(
            url.query().is_some_and(
                |q| q.contains(&format!("who={staff_id}")) && q.contains("kind=report")
            ),
            "filters kept in the address: {url}"
        );
        let rows = client.find(Locator::Id("audit")).await?.text().await?;
        assert!(
            rows.contains("李联络员") && rows.contains("报送报告") && rows.contains("填写报告"),
            "{rows}"
        );
        assert!(rows.contains("7. 发布目录"), "{rows}");
        assert!(!rows.contains("{\"") && !rows.contains("staff"), "{rows}");
        let width = client
            .execute("return document.documentElement.scrollWidth;", vec![])
            .await?;
        assert!(width.as_u64().unwrap_or(9999) <= 1366, "{width} px wide");
        let _ = std::fs::write(shots.join("people-audit.png"), client.screenshot().await?);

        // The whole trail, as the office first sees it.
        client.goto(&format!("{base}/admin/audit")).await?;
        client.wait().for_element(Locator::Id("audit")).await?;
        let _ = std::fs::write(
            shots.join("people-audit-all.png"),
            client.screenshot().await?,
        );

        // The item page: no checksum until 详情 is opened.
        client.goto(&format!("{base}/items/{item}")).await?;
        client.wait().for_element(Locator::Css(".evidence")).await?;
        let page = client.find(Locator::Css("main")).await?.text().await?;
        assert!(page.contains("第三季度台账.pdf"), "{page}");
        assert!(
            !page.contains("SHA-256"),
            "the checksum shows before 详情: {page}"
        );
        let _ = std::fs::write(shots.join("people-item.png"), client.screenshot().await?);
        client
            .find(Locator::Css("details.evidence-detail summary"))
            .await?
            .click()
            .await?;
        let opened = wait_text(client, "details.evidence-detail", "SHA-256").await?;
        assert!(
            opened.contains("SHA-256") && opened.contains("上传"),
            "{opened}"
        );
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    session.finish(result).await;
}
