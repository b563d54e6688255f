//! The office finishes what the import left open (placeholders, divisions, dates a higher
//! authority sets), one item at a time and in bulk; and supporting divisions write their
//! part for a period before the lead writes its report.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::pages::{browser_login, csrf_field, session_of};
use workplan::domain::role::Role;
use workplan::service::Caller;

/// A small plan as a division table would give it: a placeholder as supporting unit, a
/// placeholder as lead, two deadlines set by a higher authority and one date.
const PLAN_CSV: &str = "分工方案\n\
重点任务,具体措施,责任部门,完成期限\n\
一、做好规划公开,,,\n\
(一) 规划公开。,1. 公开规划纲要。,法规宣传处，文件起草处室,根据市政务公开办的统一部署\n\
,2. 做好历史规划归集。,各有关处室,按上级要求\n\
,3. 发布重大决策目录。,法规宣传处，办公室,9月前\n";

/// Imports [`PLAN_CSV`] for 2021 as the office would; the plan's id.
pub(crate) fn import_plan(app: &TestApp) -> i32 {
    let draft = workplan::import::read_plan(
        PLAN_CSV.as_bytes(),
        "plan.csv",
        &workplan::import::ImportOptions::for_year(2021),
    )
    .expect("plan parses");
    let sha = workplan::service::imports::file_hash(PLAN_CSV.as_bytes());
    app.db
        .write_blocking(|c| {
            workplan::service::imports::commit(
                c,
                &Caller::cli(),
                &draft,
                2021,
                &sha,
                &workplan::service::imports::CommitOptions::default(),
            )
        })
        .expect("plan commits")
        .id
}

/// The plan's items.
async fn items_of<S>(svc: &S, token: &str, plan: i32) -> Vec<Value>
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
{
    let a = send(
        svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/plans/{plan}/items")),
            token,
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    a.json().as_array().expect("items").clone()
}

/// The item whose requirement holds `words`.
fn find<'a>(items: &'a [Value], words: &str) -> &'a Value {
    items
        .iter()
        .find(|i| {
            i["requirement"]
                .as_str()
                .unwrap_or_default()
                .contains(words)
        })
        .unwrap_or_else(|| panic!("no item {words}: {items:?}"))
}

fn names(v: &Value, part: &str) -> Vec<(String, bool)> {
    v[part]
        .as_array()
        .expect("part")
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap_or_default().to_string(),
                r["division_id"].is_i64(),
            )
        })
        .collect()
}

async fn office_finishes_what_the_import_left_open(app: TestApp) {
    let publicity = app.division("法规宣传处");
    let office_division = app.division("办公室");
    let policy = app.division("政策法规处");
    app.user("office", Role::Office, None);
    app.user("publicity", Role::Division, Some(publicity));
    app.user("policy", Role::Division, Some(policy));
    app.user("clerk", Role::Division, Some(office_division));
    app.user("leader", Role::Leader, None);
    let plan = import_plan(&app);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let publicity_t = login(&svc, "publicity").await;
    let leader = login(&svc, "leader").await;
    let put = |uri: String, token: &str, body: Value| {
        authed(TestRequest::put().uri(&uri), token).set_json(body)
    };
    // An alias the office may type instead of the name.
    let a = send(
        &svc,
        authed(
            TestRequest::patch().uri(&format!("/api/v1/divisions/{policy}")),
            &office,
        )
        .set_json(json!({"version": 1, "aliases": ["法规处"]})),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);

    let items = items_of(&svc, &office, plan).await;
    let planning = find(&items, "公开规划纲要").clone();
    let history = find(&items, "历史规划").clone();
    let catalogue = find(&items, "重大决策目录").clone();
    let id = |v: &Value| v["id"].as_i64().expect("id");
    let version = |v: &Value| v["version"].as_i64().expect("version");
    // What the import left open: placeholders without a division, dates not yet known.
    assert_eq!(
        names(&planning, "support"),
        vec![("文件起草处室".into(), false)]
    );
    assert_eq!(names(&history, "lead"), vec![("各有关处室".into(), false)]);
    assert_eq!(planning["status"], "waiting_on_higher_authority");
    assert_eq!(history["deadline"]["kind"], "per_higher_authority");

    // The publicity division leads the catalogue item, acknowledges it and writes Q1.
    let a = send(
        &svc,
        authed(
            TestRequest::post().uri(&format!("/api/v1/plans/{plan}/periods")),
            &office,
        )
        .set_json(json!({"period": "2021-Q1"})),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let a = send(
        &svc,
        authed(
            TestRequest::post().uri(&format!("/api/v1/items/{}/acknowledge", id(&catalogue))),
            &publicity_t,
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let report = send(
        &svc,
        authed(
            TestRequest::post().uri(&format!("/api/v1/items/{}/reports", id(&catalogue))),
            &publicity_t,
        )
        .set_json(json!({"period": "2021-Q1", "summary": "已梳理目录初稿。"})),
    )
    .await;
    assert_eq!(report.status, StatusCode::CREATED, "{}", report.body);
    let report_id = report.json()["id"].as_i64().expect("report");

    // Nobody but the office: a division (even the item's lead) and a leader are refused.
    let divisions_uri = format!("/api/v1/items/{}/divisions", id(&planning));
    let body =
        json!({"version": version(&planning), "lead": ["法规宣传处"], "support": ["法规处"]});
    for token in [&publicity_t, &leader] {
        let a = send(&svc, put(divisions_uri.clone(), token, body.clone())).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
        assert_eq!(a.code(), "forbidden");
    }
    let a = send(
        &svc,
        put(
            format!("/api/v1/items/{}/due", id(&planning)),
            &publicity_t,
            json!({"version": version(&planning), "due_on": "2021-09-30"}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
    let a = send(
        &svc,
        authed(
            TestRequest::post().uri(&format!("/api/v1/plans/{plan}/items/bulk")),
            &publicity_t,
        )
        .set_json(json!({"items": [id(&history)], "due_on": "2021-09-30"})),
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);

    // An unknown name is refused, naming it; nothing changes.
    let a = send(
        &svc,
        put(
            divisions_uri.clone(),
            &office,
            json!({"version": version(&planning), "lead": ["法规宣传处"], "support": ["宣传处室"]}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    let message = a.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(message.contains("“宣传处室”"), "{message}");
    assert!(message.contains("没有名为"), "{message}");

    // (a) The placeholder becomes a real division, typed by its alias.
    let a = send(&svc, put(divisions_uri.clone(), &office, body.clone())).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let planning = a.json();
    assert_eq!(names(&planning, "lead"), vec![("法规宣传处".into(), true)]);
    assert_eq!(
        names(&planning, "support"),
        vec![("政策法规处".into(), true)]
    );
    // A stale version is refused.
    let a = send(&svc, put(divisions_uri.clone(), &office, body.clone())).await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.body);

    // (c) The date the higher authority set: the phrase stays, the item says the office
    // set the date, and it is no longer waiting.
    let a = send(
        &svc,
        put(
            format!("/api/v1/items/{}/due", id(&planning)),
            &office,
            json!({"version": version(&planning), "due_on": "2021-09-30"}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let planning = a.json();
    assert_eq!(planning["deadline"]["raw"], "根据市政务公开办的统一部署");
    assert_eq!(planning["deadline"]["kind"], "per_higher_authority");
    assert_eq!(planning["deadline"]["due"], "2021-09-30");
    assert!(planning["deadline"]["set_at"].is_string(), "{planning}");
    assert_ne!(planning["status"], "waiting_on_higher_authority");
    // An item with a date of its own gets none this way.
    let a = send(
        &svc,
        put(
            format!("/api/v1/items/{}/due", id(&catalogue)),
            &office,
            json!({"version": version(&catalogue), "due_on": "2021-10-31"}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);

    // (b) In bulk: a date for a mix of waiting and dated items is refused as a whole,
    // naming the dated one; nothing changes.
    let bulk = |body: Value| {
        authed(
            TestRequest::post().uri(&format!("/api/v1/plans/{plan}/items/bulk")),
            &office,
        )
        .set_json(body)
    };
    let a = send(
        &svc,
        bulk(json!({"items": [id(&history), id(&catalogue)], "due_on": "2021-11-30"})),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert!(
        a.body
            .contains(catalogue["number"].as_str().expect("number")),
        "{}",
        a.body
    );
    let items = items_of(&svc, &office, plan).await;
    assert!(find(&items, "历史规划")["deadline"]["due"].is_null());
    // A bulk change of divisions with an unknown name is refused whole, naming it.
    let a = send(
        &svc,
        bulk(json!({"items": [id(&history), id(&catalogue)], "lead": ["不存在的处"]})),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert!(a.body.contains("不存在的处"), "{}", a.body);
    // The lead of both: the placeholder and the catalogue's publicity division give way.
    let a = send(
        &svc,
        bulk(json!({"items": [id(&history), id(&catalogue)], "lead": ["政策法规处"]})),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.json()["updated"], 2);
    let a = send(
        &svc,
        bulk(json!({"items": [id(&history)], "due_on": "2021-11-30"})),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let items = items_of(&svc, &office, plan).await;
    let history = find(&items, "历史规划");
    let catalogue = find(&items, "重大决策目录");
    assert_eq!(names(history, "lead"), vec![("政策法规处".into(), true)]);
    assert_eq!(history["deadline"]["due"], "2021-11-30");
    assert_eq!(names(catalogue, "lead"), vec![("政策法规处".into(), true)]);
    // The supporting division stays as it was.
    assert_eq!(names(catalogue, "support"), vec![("办公室".into(), true)]);

    // The report written under the old lead is kept and the new lead reads and continues
    // it; the old lead's 签收 is withdrawn and the new lead is asked to acknowledge.
    let policy_t = login(&svc, "policy").await;
    let a = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/reports/{report_id}")),
            &policy_t,
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.json()["summary"], "已梳理目录初稿。");
    let acks = {
        let mut c = app.db.get().expect("connection");
        let catalogue = catalogue_id(&mut c, plan);
        workplan::db::queries::supervision::acknowledgements_of(&mut c, &[catalogue])
            .expect("acknowledgements")
    };
    assert!(
        acks.iter().all(|k| k.division_id != publicity),
        "the old lead's 签收 is withdrawn: {acks:?}"
    );
    let inbox = send(
        &svc,
        authed(TestRequest::get().uri("/api/v1/notifications"), &policy_t),
    )
    .await
    .json();
    assert!(
        inbox
            .to_string()
            .contains("新分工（牵头）：2021年《分工方案》3. 规划公开"),
        "the new lead is told: {inbox}"
    );

    // Every change is in the audit trail under what the office did.
    let trail = send(
        &svc,
        authed(
            TestRequest::get().uri("/api/v1/audit?entity=item&limit=200"),
            &office,
        ),
    )
    .await
    .json();
    let actions: Vec<(i64, String)> = trail
        .as_array()
        .expect("trail")
        .iter()
        .map(|e| {
            (
                e["entity_id"].as_i64().unwrap_or_default(),
                e["action"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    for (item, action) in [
        (id(&planning), "assign"),
        (id(&planning), "set_due"),
        (id(history), "assign"),
        (id(history), "set_due"),
        (id(catalogue), "assign"),
    ] {
        assert!(
            actions.contains(&(item, action.to_string())),
            "{action} of {item} audited: {actions:?}"
        );
    }
}

/// The catalogue item's id (read inside a blocking closure).
fn catalogue_id(c: &mut workplan::db::DbConnection, plan: i32) -> i32 {
    workplan::db::queries::items::list(c, plan, None)
        .expect("items")
        .into_iter()
        .find(|i| i.requirement.contains("重大决策目录"))
        .expect("catalogue")
        .id
}

/// The page forms: the office replaces a placeholder and sets a date on the item page, and
/// sets a date in bulk on 全部事项, coming back to the list as filtered.
async fn office_pages_replace_and_set(app: TestApp) {
    app.division("法规宣传处");
    app.division("办公室");
    app.division("政策法规处");
    app.user("office", Role::Office, None);
    let plan = import_plan(&app);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let items = items_of(&svc, &office, plan).await;
    let planning = find(&items, "公开规划纲要").clone();
    let history = find(&items, "历史规划").clone();
    let pid = planning["id"].as_i64().expect("id");
    let session = session_of(&browser_login(&svc, "office", PASSWORD).await);
    let page = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/items/{pid}"))
            .cookie(session.clone()),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("placeholder-form"), "{}", page.body);
    assert!(page.body.contains("id=\"due-form\""), "{}", page.body);
    let csrf = csrf_field(&page.body);
    let a = send(
        &svc,
        TestRequest::post()
            .uri(&format!("/items/{pid}/placeholder"))
            .cookie(session.clone())
            .set_form([
                ("csrf", csrf.as_str()),
                ("version", &planning["version"].to_string()),
                ("placeholder", "文件起草处室"),
                ("names", "办公室、政策法规处"),
            ]),
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let items = items_of(&svc, &office, plan).await;
    let planning = find(&items, "公开规划纲要");
    assert_eq!(
        names(planning, "support"),
        vec![("办公室".into(), true), ("政策法规处".into(), true)]
    );

    // Bulk from the list filtered to the waiting items: back to the same filter.
    let list = send(
        &svc,
        TestRequest::get()
            .uri(&format!(
                "/items?plan={plan}&status=waiting_on_higher_authority"
            ))
            .cookie(session.clone()),
    )
    .await;
    assert!(list.body.contains("id=\"bulk-form\""), "{}", list.body);
    let back = format!("/items?plan={plan}&status=waiting_on_higher_authority&page=1");
    assert!(
        list.body.contains(&back.replace('&', "&#38;")),
        "{}",
        list.body
    );
    let ids = [planning["id"].to_string(), history["id"].to_string()];
    let a = send(
        &svc,
        TestRequest::post()
            .uri(&format!("/plans/{plan}/items/bulk"))
            .cookie(session.clone())
            .set_form([
                ("csrf", csrf.as_str()),
                ("back", back.as_str()),
                ("item", ids[0].as_str()),
                ("item", ids[1].as_str()),
                ("lead", ""),
                ("support", ""),
                ("due_on", "2021-10-15"),
                ("action", "due"),
            ]),
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert_eq!(
        a.header("location").as_deref(),
        Some(format!("{back}&bulk=2#bulk-done").as_str())
    );
    let items = items_of(&svc, &office, plan).await;
    for task in ["公开规划纲要", "历史规划"] {
        assert_eq!(
            find(&items, task)["deadline"]["due"],
            "2021-10-15",
            "{task}"
        );
    }
}

/// A supporting division writes its part before the lead writes; the lead reads it while
/// writing, and 我的任务 shows the part as written.
async fn supporting_division_contributes_before_the_lead(app: TestApp) {
    let lead = app.division("法规宣传处");
    let support = app.division("办公室");
    let other = app.division("计划财务处");
    app.user("office", Role::Office, None);
    app.user("lead", Role::Division, Some(lead));
    app.user("support", Role::Division, Some(support));
    app.user("other", Role::Division, Some(other));
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let post = |uri: &str, token: &str, body: Value| {
        authed(TestRequest::post().uri(uri), token).set_json(body)
    };
    let plan = send(
        &svc,
        post(
            "/api/v1/plans",
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
            &format!("/api/v1/plans/{plan}/items"),
            &office,
            json!({"number": "1", "task": "发布目录", "lead": ["法规宣传处"], "support": ["办公室"]}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("item");
    send(
        &svc,
        post(
            &format!("/api/v1/plans/{plan}/periods"),
            &office,
            json!({"period": "2031-Q1"}),
        ),
    )
    .await;
    let support_t = login(&svc, "support").await;
    let other_t = login(&svc, "other").await;
    let lead_t = login(&svc, "lead").await;
    let uri = format!("/api/v1/items/{item}/contributions/2031-Q1");
    let put = |token: &str, text: &str| {
        authed(TestRequest::put().uri(&uri), token).set_json(json!({"text": text}))
    };

    // 我的任务 before: the part is still to write.
    let my = |who: &'static str| {
        let svc = &svc;
        async move {
            let session = session_of(&browser_login(svc, who, PASSWORD).await);
            send(svc, TestRequest::get().uri("/my").cookie(session))
                .await
                .body
        }
    };
    assert!(my("support").await.contains("待填写配合情况"));

    // No lead report yet: the supporting division writes its part all the same.
    let a = send(&svc, put(&other_t, "不相干")).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
    let a = send(&svc, put(&support_t, "提供了本处室的目录数据。")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.json()["period"], "2031-Q1");
    assert_eq!(a.json()["version"], 1);
    let a = send(
        &svc,
        authed(
            TestRequest::put().uri(&format!("/api/v1/items/{item}/contributions/2031-Q4")),
            &support_t,
        )
        .set_json(json!({"text": "x"})),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert!(my("support").await.contains("已填写配合情况"));

    // The supporting division's page offers the form for the period, with its words.
    let session = session_of(&browser_login(&svc, "support", PASSWORD).await);
    let page = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/items/{item}"))
            .cookie(session),
    )
    .await
    .body;
    assert!(
        page.contains(&format!("action=\"/items/{item}/contribution\"")),
        "{page}"
    );
    assert!(
        page.contains("本处室已填写：提供了本处室的目录数据。"),
        "{page}"
    );

    // The lead sees it beside its form before writing, and in its report after.
    let session = session_of(&browser_login(&svc, "lead", PASSWORD).await);
    let page = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/items/{item}"))
            .cookie(session.clone()),
    )
    .await
    .body;
    assert!(
        page.contains("配合（办公室）：提供了本处室的目录数据。"),
        "{page}"
    );
    assert!(page.contains("id=\"report-form\""), "{page}");
    let report = send(
        &svc,
        post(
            &format!("/api/v1/items/{item}/reports"),
            &lead_t,
            json!({"period": "2031-Q1", "summary": "目录已发布。"}),
        ),
    )
    .await
    .json();
    assert_eq!(report["contributions"][0]["division"], "办公室");
    assert_eq!(
        report["contributions"][0]["text"],
        "提供了本处室的目录数据。"
    );
    let rid = report["id"].as_i64().expect("report");
    // The report-shaped address still works and rewrites the same part.
    let a = send(
        &svc,
        post(
            &format!("/api/v1/reports/{rid}/contributions"),
            &support_t,
            json!({"text": "提供了目录数据并核对了链接。"}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.json()["version"], 2);
    // Once the report is accepted, the part is closed.
    let v = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/reports/{rid}")),
            &lead_t,
        ),
    )
    .await
    .json()["version"]
        .as_i64()
        .expect("version");
    let a = send(
        &svc,
        post(
            &format!("/api/v1/reports/{rid}/submit"),
            &lead_t,
            json!({"version": v}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = send(
        &svc,
        post(
            &format!("/api/v1/reports/{rid}/review"),
            &office,
            json!({"decision": "accept", "version": v + 1}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = send(&svc, put(&support_t, "再补充")).await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.body);
    let report = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/reports/{rid}")),
            &support_t,
        ),
    )
    .await
    .json();
    assert_eq!(
        report["contributions"][0]["text"],
        "提供了目录数据并核对了链接。"
    );
}

/// The migration to contributions by item and period keeps every contribution there was.
async fn the_contributions_migration_keeps_every_contribution(app: TestApp) {
    use diesel::RunQueryDsl;
    let lead = app.division("法规宣传处");
    let support = app.division("办公室");
    let other = app.division("计划财务处");
    app.user("office", Role::Office, None);
    app.user("lead", Role::Division, Some(lead));
    app.user("support", Role::Division, Some(support));
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let post = |uri: &str, token: &str, body: Value| {
        authed(TestRequest::post().uri(uri), token).set_json(body)
    };
    let plan = send(
        &svc,
        post(
            "/api/v1/plans",
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
            &format!("/api/v1/plans/{plan}/items"),
            &office,
            json!({"number": "1", "task": "发布目录", "lead": ["法规宣传处"], "support": ["办公室", "计划财务处"]}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("item");
    send(
        &svc,
        post(
            &format!("/api/v1/plans/{plan}/periods"),
            &office,
            json!({"period": "2031-Q1"}),
        ),
    )
    .await;
    let lead_t = login(&svc, "lead").await;
    let support_t = login(&svc, "support").await;
    let rid = send(
        &svc,
        post(
            &format!("/api/v1/items/{item}/reports"),
            &lead_t,
            json!({"period": "2031-Q1", "summary": "进展"}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("report");
    for text in ["初稿", "定稿"] {
        let a = send(
            &svc,
            post(
                &format!("/api/v1/reports/{rid}/contributions"),
                &support_t,
                json!({"text": text}),
            ),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    }
    // Back to the old shape, where one more contribution is written the old way.
    const NAME: &str = "2026-12-07-000070_contributions_by_period";
    crate::supervision::with_migration(&app, NAME, false);
    {
        let mut conn = app.db.get().expect("connection");
        diesel::sql_query(format!(
            "INSERT INTO report_contributions (report_id, division_id, text, version, updated_at) \
             VALUES ({rid}, {other}, '旧数据的配合情况', 3, '2031-03-01 08:00:00')"
        ))
        .execute(&mut *conn)
        .expect("a contribution of the old shape");
    }
    crate::supervision::with_migration(&app, NAME, true);
    let report = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/reports/{rid}")),
            &office,
        ),
    )
    .await
    .json();
    let got: Vec<(String, String, i64)> = report["contributions"]
        .as_array()
        .expect("contributions")
        .iter()
        .map(|c| {
            (
                c["division"].as_str().unwrap_or_default().to_string(),
                c["text"].as_str().unwrap_or_default().to_string(),
                c["version"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("办公室".to_string(), "定稿".to_string(), 2),
            ("计划财务处".to_string(), "旧数据的配合情况".to_string(), 3),
        ]
    );
}

crate::on_both_backends!(
    the_contributions_migration_keeps_every_contribution,
    office_finishes_what_the_import_left_open,
    office_pages_replace_and_set,
    supporting_division_contributes_before_the_lead,
);
