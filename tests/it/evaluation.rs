//! The year-end evaluation and the review-back, through the API: the sample plan taken
//! through a year gives the verdicts, figures and scores worked out by hand; finalising
//! freezes them; review-back carries exactly the unfinished items into the next plan.

use std::collections::{BTreeSet, HashMap};

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::*;
use workplan::domain::role::Role;

fn post(token: &str, uri: &str, body: Value) -> TestRequest {
    authed(TestRequest::post().uri(uri), token).set_json(body)
}

fn put(token: &str, uri: &str, body: Value) -> TestRequest {
    authed(TestRequest::put().uri(uri), token).set_json(body)
}

fn get(token: &str, uri: &str) -> TestRequest {
    authed(TestRequest::get().uri(uri), token)
}

/// Writes, evidences, submits and accepts one report; the report's JSON.
pub(crate) async fn reported<S>(
    svc: &S,
    office: &str,
    lead: &str,
    item: i64,
    period: &str,
    completes: bool,
    evidence_url: Option<&str>,
) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let r = send(
        svc,
        post(
            lead,
            &format!("/api/v1/items/{item}/reports"),
            json!({"period": period, "summary": format!("{period} 已按要求推进，相关信息已在门户网站公开"), "completes_item": completes}),
        ),
    )
    .await;
    assert!(r.status.is_success(), "write: {}", r.body);
    let rid = r.json()["id"].as_i64().expect("report id");
    if let Some(url) = evidence_url {
        let e = send(
            svc,
            post(
                lead,
                &format!("/api/v1/reports/{rid}/evidence"),
                json!({"url": url, "title": "政务公开专栏"}),
            ),
        )
        .await;
        assert!(e.status.is_success(), "evidence: {}", e.body);
    }
    let s = send(
        svc,
        post(
            lead,
            &format!("/api/v1/reports/{rid}/submit"),
            json!({"version": r.json()["version"]}),
        ),
    )
    .await;
    assert_eq!(s.status, StatusCode::OK, "submit: {}", s.body);
    let a = send(
        svc,
        post(
            office,
            &format!("/api/v1/reports/{rid}/review"),
            json!({"decision": "accept", "version": s.json()["version"]}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "accept: {}", a.body);
    a.json()
}

fn division<'a>(eval: &'a Value, name: &str) -> &'a Value {
    eval["divisions"]
        .as_array()
        .expect("divisions")
        .iter()
        .find(|d| d["division"] == name)
        .unwrap_or_else(|| panic!("no line for {name}: {eval}"))
}

fn verdict_of(eval: &Value, item: i64) -> String {
    eval["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item_id"] == item)
        .map(|i| i["verdict"].as_str().unwrap_or_default().to_string())
        .expect("item in evaluation")
}

async fn a_year_of_the_sample_plan_is_evaluated_frozen_and_reviewed_back(app: TestApp) {
    let cw = app.division("计划财务处");
    let fg = app.division("法规宣传处");
    app.division("办公室");
    app.division("体育产业处");
    app.user("office", Role::Office, None);
    app.user("cw", Role::Division, Some(cw));
    app.user("fg", Role::Division, Some(fg));
    app.user("auditor", Role::Auditor, None);
    let plan = app.import_sample(2021);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let cw_t = login(&svc, "cw").await;
    let fg_t = login(&svc, "fg").await;
    let auditor = login(&svc, "auditor").await;

    let items = send(&svc, get(&office, &format!("/api/v1/plans/{plan}/items"))).await;
    let ids: HashMap<String, i64> = items
        .json()
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["number"].as_str().expect("number").to_string(),
                i["id"].as_i64().expect("id"),
            )
        })
        .collect();
    assert_eq!(ids.len(), 32);
    let id = |n: &str| ids[n];

    // Two quarters: Q1's report date long past (every Q1 report is late, and a missing one
    // counts), Q2's still ahead (reports on time; none missing yet).
    let q2_due = (chrono::Local::now().date_naive() + chrono::Days::new(30)).to_string();
    for (period, due) in [("2021-Q1", "2021-04-10".to_string()), ("2021-Q2", q2_due)] {
        let p = send(
            &svc,
            post(
                &office,
                &format!("/api/v1/plans/{plan}/periods"),
                json!({"period": period, "due_on": due}),
            ),
        )
        .await;
        assert!(p.status.is_success(), "{}", p.body);
    }
    // 计划财务处 reports on its year-round item 40 in both quarters, with a web page each.
    let q1 = reported(
        &svc,
        &office,
        &cw_t,
        id("40"),
        "2021-Q1",
        false,
        Some("https://tyj.gz.gov.cn/a"),
    )
    .await;
    assert_eq!(q1["submitted_late"], true);
    let q2 = reported(
        &svc,
        &office,
        &cw_t,
        id("40"),
        "2021-Q2",
        false,
        Some("https://tyj.gz.gov.cn/b"),
    )
    .await;
    assert_eq!(q2["submitted_late"], false);
    // 法规宣传处 finishes item 1 (due 2021-08-31) only now: completed late.
    reported(&svc, &office, &fg_t, id("1"), "2021-Q2", true, None).await;
    // Item 29 is urged (its leads 办公室 and 法规宣传处 each get the urging).
    let u = send(
        &svc,
        post(
            &office,
            &format!("/api/v1/items/{}/urge", id("29")),
            json!({}),
        ),
    )
    .await;
    assert_eq!(u.status, StatusCode::OK, "{}", u.body);

    let verdict_uri = |n: &str| format!("/api/v1/plans/{plan}/evaluation/items/{}", id(n));
    // Overriding a proposal needs a reason; only the office decides verdicts.
    let no_reason = send(
        &svc,
        put(
            &office,
            &verdict_uri("49"),
            json!({"verdict": "not_applicable"}),
        ),
    )
    .await;
    assert_eq!(
        no_reason.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        no_reason.body
    );
    assert!(no_reason.body.contains("理由"), "{}", no_reason.body);
    for t in [&fg_t, &auditor] {
        let denied = send(
            &svc,
            put(
                t,
                &verdict_uri("49"),
                json!({"verdict": "not_applicable", "reason": "x"}),
            ),
        )
        .await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN, "{}", denied.body);
    }
    let overridden = send(
        &svc,
        put(
            &office,
            &verdict_uri("49"),
            json!({"verdict": "not_applicable", "reason": "上级已调整部署，本项不再开展"}),
        ),
    )
    .await;
    assert_eq!(overridden.status, StatusCode::OK, "{}", overridden.body);
    // Confirming the proposal needs no reason.
    let confirmed = send(
        &svc,
        put(
            &office,
            &verdict_uri("45"),
            json!({"verdict": "not_completed"}),
        ),
    )
    .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    // Auditors comment; divisions may not.
    let c = send(
        &svc,
        post(
            &auditor,
            &format!("/api/v1/plans/{plan}/evaluation/comments"),
            json!({"text": "年度报送总体及时，第一季度报送滞后。"}),
        ),
    )
    .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.body);
    let c = send(
        &svc,
        post(
            &fg_t,
            &format!("/api/v1/plans/{plan}/evaluation/comments"),
            json!({"text": "我们有意见"}),
        ),
    )
    .await;
    assert_eq!(c.status, StatusCode::FORBIDDEN);

    let eval = send(
        &svc,
        get(&fg_t, &format!("/api/v1/plans/{plan}/evaluation")),
    )
    .await
    .json();
    // Verdicts, by hand: dated item 1 finished after its date; year-round item 40 reported
    // on and accepted; 48 was done when the plan was written; 45 and year-round 15 silent;
    // 2 waits on the higher authority; 49 overridden with its reason.
    for (n, want) in [
        ("1", "completed_late"),
        ("40", "completed_on_time"),
        ("48", "completed_on_time"),
        ("45", "not_completed"),
        ("15", "not_completed"),
        ("2", "waiting_on_higher_authority"),
        ("49", "not_applicable"),
    ] {
        assert_eq!(verdict_of(&eval, id(n)), want, "item {n}");
    }
    let item49 = eval["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item_id"] == id("49"))
        .expect("49")
        .clone();
    assert_eq!(item49["proposed"], "not_completed");
    assert_eq!(item49["reason"], "上级已调整部署，本项不再开展");
    assert_eq!(
        eval["comments"][0]["text"],
        "年度报送总体及时，第一季度报送滞后。"
    );

    // Figures and scores (rubric: base 100; −5 per item not completed, −2 per late item,
    // −1 per late report, −2 per missing report, −0.5 per urging; floor 0).
    let figures = |name: &str| division(&eval, name)["figures"].clone();
    // 计划财务处 leads 7 and 8 (waiting) and 40: one done, a late Q1 and an on-time Q2 report.
    assert_eq!(
        figures("计划财务处"),
        json!({"led": 3, "completed_on_time": 1, "completed_late": 0, "not_completed": 0,
               "in_progress": 0, "waiting_on_higher_authority": 2, "not_applicable": 0,
               "reports_on_time": 1, "reports_late": 1, "reports_missing": 0, "evidence": 2, "urgings": 0})
    );
    assert_eq!(division(&eval, "计划财务处")["score"], 99.0);
    // 体育产业处 leads 5 (waiting), 15 and 26 (year-round, silent): two not done, two Q1
    // reports missing: 100 − 10 − 4.
    assert_eq!(
        figures("体育产业处"),
        json!({"led": 3, "completed_on_time": 0, "completed_late": 0, "not_completed": 2,
               "in_progress": 0, "waiting_on_higher_authority": 1, "not_applicable": 0,
               "reports_on_time": 0, "reports_late": 0, "reports_missing": 2, "evidence": 0, "urgings": 0})
    );
    assert_eq!(division(&eval, "体育产业处")["score"], 86.0);
    // 法规宣传处 leads 18: 6 waiting, item 1 late, 11 not done; Q1 missing for those 12;
    // urged once: 100 − 55 − 2 − 24 − 0.5.
    assert_eq!(
        figures("法规宣传处"),
        json!({"led": 18, "completed_on_time": 0, "completed_late": 1, "not_completed": 11,
               "in_progress": 0, "waiting_on_higher_authority": 6, "not_applicable": 0,
               "reports_on_time": 1, "reports_late": 0, "reports_missing": 12, "evidence": 0, "urgings": 1})
    );
    assert_eq!(division(&eval, "法规宣传处")["score"], 18.5);
    // 办公室 leads 20: 3 waiting, 40 and 48 done, 49 no longer applies, 14 not done; Q1
    // missing for those 14 and for its share of item 40. Far below the floor.
    assert_eq!(
        figures("办公室"),
        json!({"led": 20, "completed_on_time": 2, "completed_late": 0, "not_completed": 14,
               "in_progress": 0, "waiting_on_higher_authority": 3, "not_applicable": 1,
               "reports_on_time": 0, "reports_late": 0, "reports_missing": 15, "evidence": 0, "urgings": 1})
    );
    assert_eq!(division(&eval, "办公室")["score"], 0.0);
    // The plan's score: the mean of the four, (0 + 18.5 + 86 + 99) / 4 = 50.875.
    assert_eq!(eval["score"], 50.9);
    let summary = eval["summary_text"].as_str().expect("summary");
    assert!(
        summary.contains(
            "共部署工作任务32项，按时完成2项，逾期完成1项，未完成19项，待上级部署9项，不再适用1项。"
        ),
        "{summary}"
    );

    // The office edits the summary; finalising is the office's alone.
    let edited = send(
        &svc,
        put(
            &office,
            &format!("/api/v1/plans/{plan}/evaluation/summary"),
            json!({"text": format!("{summary}\n另：全年开展培训2次。")}),
        ),
    )
    .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    assert_eq!(edited.json()["summary_edited"], true);
    let finalise = |t: &str| {
        post(
            t,
            &format!("/api/v1/plans/{plan}/evaluation/finalise"),
            json!({}),
        )
    };
    assert_eq!(
        send(&svc, finalise(&fg_t)).await.status,
        StatusCode::FORBIDDEN
    );
    let done = send(&svc, finalise(&office)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.json()["finalised"], true);

    // Frozen: every change refused, and later work does not move the figures.
    for req in [
        put(
            &office,
            &verdict_uri("45"),
            json!({"verdict": "not_applicable", "reason": "改"}),
        ),
        post(
            &auditor,
            &format!("/api/v1/plans/{plan}/evaluation/comments"),
            json!({"text": "补充意见"}),
        ),
        put(
            &office,
            &format!("/api/v1/plans/{plan}/evaluation/summary"),
            json!({"text": "改"}),
        ),
        finalise(&office),
    ] {
        let refused = send(&svc, req).await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
        assert!(refused.body.contains("已定稿"), "{}", refused.body);
    }
    reported(&svc, &office, &fg_t, id("15"), "2021-Q2", true, None).await;
    let after = send(
        &svc,
        get(&office, &format!("/api/v1/plans/{plan}/evaluation")),
    )
    .await
    .json();
    assert_eq!(after["divisions"], eval["divisions"], "frozen figures");
    assert_eq!(verdict_of(&after, id("15")), "not_completed");
    assert_eq!(after["score"], 50.9);
    assert!(after["summary_text"]
        .as_str()
        .expect("text")
        .ends_with("另：全年开展培训2次。"));
    let audit = send(&svc, get(&office, "/api/v1/audit?entity=evaluation"))
        .await
        .json();
    assert!(
        audit
            .as_array()
            .expect("audit")
            .iter()
            .any(|e| e["action"] == "finalise"),
        "{audit}"
    );

    // Review-back into the next year's plan.
    let next = send(
        &svc,
        post(
            &office,
            "/api/v1/plans",
            json!({"year": 2022, "title": "2022年政务公开工作分工方案"}),
        ),
    )
    .await
    .json();
    let next_id = next["id"].as_i64().expect("plan");
    let run = |t: &str| {
        post(
            t,
            &format!("/api/v1/plans/{next_id}/review-back"),
            json!({"from_plan": plan}),
        )
    };
    assert_eq!(send(&svc, run(&fg_t)).await.status, StatusCode::FORBIDDEN);
    let preview = send(
        &svc,
        get(
            &office,
            &format!("/api/v1/plans/{next_id}/review-back?from_plan={plan}"),
        ),
    )
    .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert_eq!(preview.json()["done"], false);
    let rb = send(&svc, run(&office)).await;
    assert_eq!(rb.status, StatusCode::CREATED, "{}", rb.body);
    let rb = rb.json();
    // Checked: every item with a lead division and a due date — all but the nine waiting
    // on the higher authority and 48 (done before the plan): 22. Done: 1 and 40; 49 no
    // longer applies; the other 19 are carried over.
    let checks = rb["checks"].as_array().expect("checks");
    assert_eq!(checks.len(), 22);
    let unfinished: BTreeSet<i64> = checks
        .iter()
        .filter(|c| c["result"] == "not_done" || c["result"] == "partly_done")
        .map(|c| c["item_id"].as_i64().expect("id"))
        .collect();
    assert_eq!(unfinished.len(), 19);
    assert!(
        !unfinished.contains(&id("1"))
            && !unfinished.contains(&id("40"))
            && !unfinished.contains(&id("49"))
    );
    assert_eq!(rb["rectifications"], 19);

    let new_items = send(
        &svc,
        get(&office, &format!("/api/v1/plans/{next_id}/items")),
    )
    .await
    .json();
    let new_items = new_items.as_array().expect("items");
    assert_eq!(
        new_items.len(),
        19,
        "exactly one rectification per unfinished item"
    );
    let origins: BTreeSet<i64> = new_items
        .iter()
        .map(|i| i["origin_item_id"].as_i64().expect("linked to its origin"))
        .collect();
    assert_eq!(origins, unfinished);
    let old_items = items.json();
    for new in new_items {
        let origin = old_items
            .as_array()
            .expect("old")
            .iter()
            .find(|o| o["id"] == new["origin_item_id"])
            .expect("origin");
        assert_eq!(new["lead"], origin["lead"], "same lead");
        assert_eq!(new["support"], origin["support"], "same support");
        assert_eq!(new["task"], origin["task"]);
        assert_eq!(
            new["deadline"]["due"], "2022-06-30",
            "configured new deadline (6月底前)"
        );
        // And back: the check names the rectification item.
        let check = checks
            .iter()
            .find(|c| c["item_id"] == new["origin_item_id"])
            .expect("check");
        assert_eq!(check["rectification_item_id"], new["id"]);
    }
    let recorded = send(
        &svc,
        get(&office, &format!("/api/v1/plans/{next_id}/review-back")),
    )
    .await
    .json();
    assert_eq!(recorded["done"], true);
    assert_eq!(recorded["checks"].as_array().map(Vec::len), Some(22));
    let again = send(&svc, run(&office)).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
}

async fn the_office_evaluates_and_reviews_back_through_the_pages(app: TestApp) {
    use crate::pages::{browser_login, csrf_field, session_of};
    for d in ["计划财务处", "法规宣传处", "办公室", "体育产业处"] {
        app.division(d);
    }
    app.user("office", Role::Office, None);
    app.user("auditor", Role::Auditor, None);
    let plan = app.import_sample(2021);
    let svc = app.service().await;
    let token = login(&svc, "office").await;
    let items = send(&svc, get(&token, &format!("/api/v1/plans/{plan}/items")))
        .await
        .json();
    let id = |n: &str| {
        items
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["number"] == n)
            .and_then(|i| i["id"].as_i64())
            .expect("item")
    };
    let office = session_of(&browser_login(&svc, "office", PASSWORD).await);
    let page = |uri: String, who: actix_web::cookie::Cookie<'static>| {
        TestRequest::get().uri(&uri).cookie(who)
    };
    let shown = send(
        &svc,
        page(format!("/evaluation?plan={plan}"), office.clone()),
    )
    .await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains("各处室考核得分") && shown.body.contains("未定稿"));
    assert!(shown.body.contains(&format!("id=\"item-{}\"", id("49"))));
    let csrf = csrf_field(&shown.body);
    // The version field of the forms: what the office read.
    let version = shown
        .body
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("version field")
        .to_string();
    let decided = send(
        &svc,
        TestRequest::post()
            .uri(&format!("/plans/{plan}/evaluation/items/{}", id("49")))
            .cookie(office.clone())
            .set_form([
                ("csrf", csrf.as_str()),
                ("verdict", "not_applicable"),
                ("reason", "上级已调整部署"),
                ("version", version.as_str()),
            ]),
    )
    .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    let version_of = |body: &str| {
        body.split("name=\"version\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("version field")
            .to_string()
    };
    // An override without its reason comes back with the chosen verdict, 422 and the reason
    // it needs, beside that item's form.
    let shown = send(
        &svc,
        page(format!("/evaluation?plan={plan}"), office.clone()),
    )
    .await;
    let version = version_of(&shown.body);
    let refused = send(
        &svc,
        TestRequest::post()
            .uri(&format!("/plans/{plan}/evaluation/items/{}", id("1")))
            .cookie(office.clone())
            .set_form([
                ("csrf", csrf.as_str()),
                ("verdict", "not_applicable"),
                ("reason", ""),
                ("version", version.as_str()),
            ]),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("须填写理由"), "{}", refused.body);
    let form_at = refused
        .body
        .find(&format!("id=\"verdict-{}\"", id("1")))
        .expect("the refused form");
    let form = &refused.body[form_at..];
    let form = &form[..form.find("</form>").expect("form end")];
    assert!(
        form.contains("<option value=\"not_applicable\" selected>"),
        "{form}"
    );
    // 全部确认: every item not decided yet takes the system's proposal in one step; the
    // item decided before keeps its verdict and reason.
    let undecided = refused
        .body
        .split("id=\"undecided-count\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("undecided count")
        .to_string();
    assert_eq!(undecided, "31");
    let confirmed = send(
        &svc,
        TestRequest::post()
            .uri(&format!("/plans/{plan}/evaluation/confirm-all"))
            .cookie(office.clone())
            .set_form([("csrf", csrf.as_str()), ("version", version.as_str())]),
    )
    .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    let eval = send(
        &svc,
        get(&token, &format!("/api/v1/plans/{plan}/evaluation")),
    )
    .await
    .json();
    let all = eval["items"].as_array().expect("items");
    assert!(all.iter().all(|i| i["decided"] == true), "{eval}");
    assert!(all
        .iter()
        .filter(|i| i["item_id"] != id("49"))
        .all(|i| i["verdict"] == i["proposed"]));
    assert_eq!(verdict_of(&eval, id("49")), "not_applicable");
    let shown = send(
        &svc,
        page(format!("/evaluation?plan={plan}"), office.clone()),
    )
    .await;
    assert!(shown.body.contains("各项考核结论均已确认"));
    let auditor = session_of(&browser_login(&svc, "auditor", PASSWORD).await);
    let seen = send(
        &svc,
        page(format!("/evaluation?plan={plan}"), auditor.clone()),
    )
    .await;
    assert!(
        seen.body.contains("理由：上级已调整部署"),
        "the auditor sees the reason"
    );
    assert!(
        !seen.body.contains("verdict-form"),
        "auditors do not decide verdicts"
    );
    let commented = send(
        &svc,
        TestRequest::post()
            .uri(&format!("/plans/{plan}/evaluation/comments"))
            .cookie(auditor)
            .set_form([
                ("csrf", csrf_field(&seen.body).as_str()),
                ("text", "请加快未完成事项的整改。"),
            ]),
    )
    .await;
    assert_eq!(
        commented.status,
        StatusCode::SEE_OTHER,
        "{}",
        commented.body
    );
    let printable = send(
        &svc,
        page(format!("/evaluation/summary?plan={plan}"), office.clone()),
    )
    .await;
    assert!(
        printable
            .body
            .contains("共部署工作任务32项，按时完成1项，逾期完成0项，未完成21项，待上级部署9项，不再适用1项。"),
        "{}",
        printable.body
    );

    let shown = send(
        &svc,
        page(format!("/evaluation?plan={plan}"), office.clone()),
    )
    .await;
    assert!(shown.body.contains("请加快未完成事项的整改。"));
    let version = shown
        .body
        .split("id=\"finalise-form\"")
        .nth(1)
        .and_then(|s| s.split("name=\"version\" value=\"").nth(1))
        .and_then(|s| s.split('"').next())
        .expect("finalise version")
        .to_string();
    let finalised = send(
        &svc,
        TestRequest::post()
            .uri(&format!("/plans/{plan}/evaluation/finalise"))
            .cookie(office.clone())
            .set_form([("csrf", csrf.as_str()), ("version", version.as_str())]),
    )
    .await;
    assert_eq!(
        finalised.status,
        StatusCode::SEE_OTHER,
        "{}",
        finalised.body
    );
    let frozen = send(
        &svc,
        page(format!("/evaluation?plan={plan}"), office.clone()),
    )
    .await;
    assert!(frozen.body.contains("已定稿"));
    assert!(!frozen.body.contains("verdict-form") && !frozen.body.contains("finalise-form"));

    // Review-back: the preview lists the checks; the office marks one done with a note.
    let next = send(
        &svc,
        post(
            &token,
            "/api/v1/plans",
            json!({"year": 2022, "title": "2022年分工方案"}),
        ),
    )
    .await
    .json();
    let next_id = next["id"].as_i64().expect("plan");
    let preview = send(
        &svc,
        page(
            format!("/review-back?plan={next_id}&from={plan}"),
            office.clone(),
        ),
    )
    .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(
        preview.body.contains("review-back-form"),
        "{}",
        preview.body
    );
    assert!(preview
        .body
        .contains(&format!("name=\"result_{}\"", id("45"))));
    let result_field = format!("result_{}", id("45"));
    let note_field = format!("note_{}", id("45"));
    let from = plan.to_string();
    let ran = send(
        &svc,
        TestRequest::post()
            .uri(&format!("/plans/{next_id}/review-back"))
            .cookie(office.clone())
            .set_form([
                ("csrf", csrf.as_str()),
                ("from_plan", from.as_str()),
                (result_field.as_str(), "done"),
                (note_field.as_str(), "已于次年1月补办完成"),
            ]),
    )
    .await;
    assert_eq!(ran.status, StatusCode::SEE_OTHER, "{}", ran.body);
    let result = send(
        &svc,
        page(format!("/review-back?plan={next_id}"), office.clone()),
    )
    .await;
    // 22 checked: 49 no longer applies, 45 done by the office's word, 20 carried over.
    assert!(result.body.contains("已完成回头看"), "{}", result.body);
    assert!(
        result.body.contains("检查“") && result.body.contains("22 项，20 项转入"),
        "{}",
        result.body
    );
    assert!(result.body.contains("已于次年1月补办完成"));
    let new_items = send(&svc, get(&token, &format!("/api/v1/plans/{next_id}/items")))
        .await
        .json();
    let first = &new_items.as_array().expect("items")[0];
    assert_eq!(first["number"], "整改1");
    let item_page = send(
        &svc,
        page(format!("/items/{}", first["id"]), office.clone()),
    )
    .await;
    assert!(item_page.body.contains("整改来源"), "{}", item_page.body);
    let origin_page = send(
        &svc,
        page(format!("/items/{}", first["origin_item_id"]), office),
    )
    .await;
    assert!(
        origin_page.body.contains("已转为整改事项"),
        "{}",
        origin_page.body
    );
}

crate::on_both_backends!(
    a_year_of_the_sample_plan_is_evaluated_frozen_and_reviewed_back,
    the_office_evaluates_and_reviews_back_through_the_pages,
);
