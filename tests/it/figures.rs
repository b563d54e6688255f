//! One set of figures: the sample plan, part way through its year, counted by every output
//! that counts it — 总览, the leader's home, 我的任务, the summary workbook, the evaluation
//! (API, page and summary line), the bulletin and the annual report's drafted text — gives
//! the same numbers everywhere, and every line adds up to the items it speaks of.

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use calamine::{Data, Reader, Xlsx};
use chrono::Datelike;
use serde_json::{json, Value};

use crate::evaluation::reported;
use crate::helpers::*;
use crate::pages::{browser_login, session_of};
use workplan::domain::role::Role;
use workplan::domain::standing::{Standing, Tally};

fn get(token: &str, uri: &str) -> TestRequest {
    authed(TestRequest::get().uri(uri), token)
}

fn post(token: &str, uri: &str, body: Value) -> TestRequest {
    authed(TestRequest::post().uri(uri), token).set_json(body)
}

/// The evaluation's figures of a division as a tally.
fn tally_of_figures(f: &Value) -> Tally {
    let n = |k: &str| f[k].as_u64().unwrap_or_else(|| panic!("{k} in {f}")) as usize;
    Tally {
        done_on_time: n("completed_on_time"),
        done_late: n("completed_late"),
        not_done: n("not_completed"),
        in_progress: n("in_progress"),
        waiting_on_higher_authority: n("waiting_on_higher_authority"),
        not_applicable: n("not_applicable"),
    }
}

fn standing(code: &str) -> Standing {
    Standing::ALL
        .into_iter()
        .find(|s| s.as_str() == code)
        .unwrap_or_else(|| panic!("standing {code}"))
}

/// The numbers of the table row that starts with `<td>{name}</td>` in the table `id`.
fn table_row(html: &str, id: &str, name: &str) -> Vec<usize> {
    let table = html
        .split(&format!("id=\"{id}\""))
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .unwrap_or_else(|| panic!("table {id}"));
    let row = table
        .split("<tr>")
        .find(|r| r.starts_with(&format!("<td>{name}</td>")))
        .unwrap_or_else(|| panic!("{name} in {id}"));
    row.split("<td class=\"n")
        .skip(1)
        .filter_map(|c| c.split('>').nth(1)?.split('<').next()?.trim().parse().ok())
        .collect()
}

async fn every_output_counts_the_plan_the_same(app: TestApp) {
    let cw = app.division("计划财务处");
    let fg = app.division("法规宣传处");
    app.division("办公室");
    app.division("体育产业处");
    app.user("office", Role::Office, None);
    app.user("leader", Role::Leader, None);
    app.user("cw", Role::Division, Some(cw));
    app.user("fg", Role::Division, Some(fg));
    // The plan of this year, part way through it: year-round work is still running.
    let year = chrono::Local::now().year();
    let plan = app.import_sample(year);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let cw_t = login(&svc, "cw").await;
    let fg_t = login(&svc, "fg").await;

    let items = send(&svc, get(&office, &format!("/api/v1/plans/{plan}/items"))).await;
    let ids: HashMap<String, i64> = items
        .json()
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["number"].as_str().expect("n").to_string(),
                i["id"].as_i64().expect("id"),
            )
        })
        .collect();
    let q1 = format!("{year}-Q1");
    let p = send(
        &svc,
        post(
            &office,
            &format!("/api/v1/plans/{plan}/periods"),
            json!({"period": q1, "due_on": format!("{year}-04-10")}),
        ),
    )
    .await;
    assert!(p.status.is_success(), "{}", p.body);
    // Year-round item 40 with an accepted report: the case two outputs used to count
    // differently (done in one, in progress in the other).
    reported(&svc, &office, &cw_t, ids["40"], &q1, false, None).await;
    // Item 1 finished (after its date has passed or not, whatever today is).
    reported(&svc, &office, &fg_t, ids["1"], &q1, true, None).await;
    // The office's verdict on 49: no longer applicable, which every output then follows.
    let v = send(
        &svc,
        authed(
            TestRequest::put().uri(&format!(
                "/api/v1/plans/{plan}/evaluation/items/{}",
                ids["49"]
            )),
            &office,
        )
        .set_json(json!({"verdict": "not_applicable", "reason": "上级已调整部署"})),
    )
    .await;
    assert_eq!(v.status, StatusCode::OK, "{}", v.body);

    // The evaluation: per item standing, per division figures, the summary line.
    let eval = send(
        &svc,
        get(&office, &format!("/api/v1/plans/{plan}/evaluation")),
    )
    .await;
    assert_eq!(eval.status, StatusCode::OK, "{}", eval.body);
    let eval = eval.json();
    let eval_items = eval["items"].as_array().expect("items");
    assert_eq!(eval_items.len(), 32);
    let standing_of: HashMap<i64, Standing> = eval_items
        .iter()
        .map(|i| {
            (
                i["item_id"].as_i64().expect("id"),
                standing(i["standing"].as_str().expect("standing")),
            )
        })
        .collect();
    assert_eq!(
        standing_of[&ids["40"]],
        Standing::InProgress,
        "year-round, year not over"
    );
    assert_eq!(
        standing_of[&ids["49"]],
        Standing::NotApplicable,
        "the office's verdict"
    );
    let plan_tally = Tally::of(standing_of.values().copied());
    assert_eq!(plan_tally.total(), 32);
    assert!(plan_tally.waiting_on_higher_authority > 0, "{plan_tally:?}");
    let summary = eval["summary_text"].as_str().expect("summary");
    let first_line = format!("共部署工作任务32项，{}。", plan_tally.sentence());
    assert!(summary.contains(&first_line), "{first_line} in {summary}");

    // Each lead division's figures, worked out here from the items' standings.
    let mut by_division: BTreeMap<String, Tally> = BTreeMap::new();
    for i in eval_items {
        for lead in i["lead"].as_array().expect("lead") {
            by_division
                .entry(lead.as_str().expect("name").to_string())
                .or_default()
                .add(standing_of[&i["item_id"].as_i64().expect("id")]);
        }
    }
    assert!(by_division.len() >= 3, "{by_division:?}");
    for d in eval["divisions"].as_array().expect("divisions") {
        let name = d["division"].as_str().expect("name");
        let t = tally_of_figures(&d["figures"]);
        assert_eq!(t, by_division[name], "evaluation figures of {name}");
        assert_eq!(t.total() as u64, d["figures"]["led"].as_u64().expect("led"));
    }

    // 总览: the division table (牵头事项, then one column per standing).
    let office_page = browser_login(&svc, "office", PASSWORD).await;
    let overview = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/overview?plan={plan}"))
            .cookie(session_of(&office_page)),
    )
    .await;
    assert_eq!(overview.status, StatusCode::OK);
    for (name, t) in &by_division {
        let mut want = vec![t.total()];
        want.extend(Standing::ALL.iter().map(|s| t.count(*s)));
        assert_eq!(
            table_row(&overview.body, "division-figures", name),
            want,
            "总览 of {name}"
        );
    }

    // The leader's home: done / led per division.
    let leader_page = browser_login(&svc, "leader", PASSWORD).await;
    let home = send(
        &svc,
        TestRequest::get().uri("/").cookie(session_of(&leader_page)),
    )
    .await;
    for (name, t) in &by_division {
        let shown = format!("{}/{}（{}%）", t.done(), t.total(), t.percent_done());
        assert!(home.body.contains(&shown), "home of {name}: {shown}");
    }

    // 我的任务: the division's own line.
    for (user, name) in [("cw", "计划财务处"), ("fg", "法规宣传处")] {
        let s = browser_login(&svc, user, PASSWORD).await;
        let mine = send(
            &svc,
            TestRequest::get()
                .uri(&format!("/my?plan={plan}"))
                .cookie(session_of(&s)),
        )
        .await;
        let t = &by_division[name];
        let line = format!(
            "本处室在本计划中牵头 <strong>{}</strong> 项：{}。",
            t.total(),
            t.sentence()
        );
        assert!(mine.body.contains(&line), "我的任务 of {name}: {line}");
        // The open period is named as people write it, not by its code.
        assert!(
            mine.body
                .contains(&format!("<th>{year}年第一季度报告</th>")),
            "我的任务's report column"
        );
    }

    // The summary workbook: the same counts per division, and rows add up.
    let resp = actix_web::test::call_service(
        &svc,
        get(
            &office,
            &format!("/api/v1/plans/{plan}/export/summary.xlsx"),
        )
        .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = actix_web::test::read_body(resp).await;
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("xlsx");
    let sheet = wb.worksheet_range("处室汇总").expect("处室汇总");
    let header: Vec<String> = (0..sheet.width())
        .map(|c| sheet.get((2, c)).map(|d| d.to_string()).unwrap_or_default())
        .collect();
    let col = |h: &str| {
        header
            .iter()
            .position(|x| x == h)
            .unwrap_or_else(|| panic!("{h}"))
    };
    for (name, t) in &by_division {
        let row = (0..sheet.height())
            .find(|r| sheet.get((*r, 0)) == Some(&Data::String(name.clone())))
            .unwrap_or_else(|| panic!("{name} in the summary"));
        let n = |h: &str| {
            sheet
                .get((row, col(h)))
                .and_then(|d| match *d {
                    Data::Float(f) => Some(f as usize),
                    Data::Int(i) => Some(i as usize),
                    _ => None,
                })
                .unwrap_or_else(|| panic!("{h} of {name}"))
        };
        assert_eq!(n("牵头事项"), t.total(), "summary led of {name}");
        for s in Standing::ALL {
            assert_eq!(n(s.label()), t.count(s), "summary {} of {name}", s.label());
        }
    }

    // The evaluation page says the plan's line.
    let eval_page = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/evaluation?plan={plan}"))
            .cookie(session_of(&office_page)),
    )
    .await;
    assert!(
        eval_page.body.contains(&format!(
            "本计划共 <strong>32</strong> 项：{}。",
            plan_tally.sentence()
        )),
        "evaluation page"
    );

    // The bulletin of Q1: the items due in Q1 by lead, counted by the same standings.
    let due_of: HashMap<i64, Option<chrono::NaiveDate>> = items
        .json()
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["id"].as_i64().expect("id"),
                i["deadline"]["due"].as_str().and_then(|d| d.parse().ok()),
            )
        })
        .collect();
    let (start, end) = (
        chrono::NaiveDate::from_ymd_opt(year, 1, 1).expect("date"),
        chrono::NaiveDate::from_ymd_opt(year, 3, 31).expect("date"),
    );
    let mut due_in_q1: BTreeMap<String, Tally> = BTreeMap::new();
    for i in eval_items {
        let id = i["item_id"].as_i64().expect("id");
        if due_of[&id].is_some_and(|d| (start..=end).contains(&d)) {
            for lead in i["lead"].as_array().expect("lead") {
                due_in_q1
                    .entry(lead.as_str().expect("name").to_string())
                    .or_default()
                    .add(standing_of[&id]);
            }
        }
    }
    let b = send(
        &svc,
        get(
            &office,
            &format!("/api/v1/plans/{plan}/bulletin?period={q1}"),
        ),
    )
    .await;
    assert_eq!(b.status, StatusCode::OK, "{}", b.body);
    for line in b.json()["lines"].as_array().expect("lines") {
        let name = line["division"].as_str().expect("division");
        let n = |k: &str| line[k].as_u64().expect(k) as usize;
        let got = Tally {
            done_on_time: n("done_on_time"),
            done_late: n("done_late"),
            not_done: n("not_done"),
            in_progress: n("in_progress"),
            waiting_on_higher_authority: n("waiting_on_higher_authority"),
            not_applicable: n("not_applicable"),
        };
        assert_eq!(got.total(), n("due"), "bulletin line of {name} adds up");
        assert_eq!(
            got,
            due_in_q1.get(name).copied().unwrap_or_default(),
            "bulletin of {name}"
        );
    }

    // The annual report's drafted problems name exactly the items not done.
    let report = send(
        &svc,
        get(&office, &format!("/api/v1/plans/{plan}/annual-report")),
    )
    .await;
    let problems = report.json()["texts"]
        .as_array()
        .expect("texts")
        .iter()
        .find(|t| t["key"] == "problems")
        .expect("problems")["text"]
        .as_str()
        .expect("text")
        .to_string();
    if plan_tally.not_done > 0 {
        assert!(
            problems.contains(&format!("{}项工作尚未完成", plan_tally.not_done)),
            "{problems}"
        );
    }
    if plan_tally.in_progress > 0 {
        assert!(
            problems.contains(&format!("{}项工作仍在推进", plan_tally.in_progress)),
            "{problems}"
        );
    }
}

crate::on_both_backends!(every_output_counts_the_plan_the_same);
