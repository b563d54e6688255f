//! Progress that rolls up (issue 19, point 3): a bureau's report on the city's item is
//! drafted from its divisions' accepted reports, each part traceable to its source, edited
//! and submitted by the bureau's office, and reviewed and urged by the city's office.

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::pages::{browser_login, session_of};
use workplan::domain::division::DivisionKind;
use workplan::domain::role::Role;
use workplan::service::accounts::{self, NewUserInput};
use workplan::service::agency::{self, AgencyInput, NewAgencyInput};
use workplan::service::directory::{self, NewDivisionInput};
use workplan::service::Caller;

const CITY: &str = "广州市政务公开办";
const SPORTS: &str = "广州市体育局";
const FINANCE: &str = "广州市财政局";
/// A small valid PDF as a division's evidence.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

/// The city, its two bureaus and their divisions, each with a usable account.
struct City {
    sports: i32,
    finance: i32,
}

fn city(app: &TestApp) -> City {
    app.db
        .write_blocking(|tx| {
            agency::set(
                tx,
                &Caller::cli(),
                &AgencyInput {
                    full_name: CITY.into(),
                    short_name: String::new(),
                    supervisor: String::new(),
                    version: 0,
                },
            )
        })
        .expect("name the city");
    app.user("city", Role::Office, None);
    let mut ids = Vec::new();
    for (name, short, first) in [
        (SPORTS, "市体育局", "sports_first"),
        (FINANCE, "市财政局", "finance_first"),
    ] {
        let below = app
            .db
            .write_blocking(|tx| {
                agency::add_below(
                    tx,
                    &Caller::cli(),
                    &NewAgencyInput {
                        full_name: name.into(),
                        short_name: short.into(),
                        office_username: first.into(),
                        office_password: "first-password-1".into(),
                    },
                )
            })
            .expect("add bureau");
        ids.push(below.id);
    }
    let (sports, finance) = (ids[0], ids[1]);
    let person = |agency: i32, name: &str, role: Role, division: Option<i32>| {
        let input = NewUserInput {
            username: name.to_string(),
            display_name: String::new(),
            password: PASSWORD.to_string(),
            role,
            division_id: division,
            email: Some(format!("{name}@example.gov.cn")),
            temporary: false,
        };
        app.db
            .write_blocking(|tx| accounts::create_user(tx, &Caller::cli_in(agency), &input))
            .expect("add user");
    };
    let division = |agency: i32, name: &str| {
        let input = NewDivisionInput {
            name: name.to_string(),
            aliases: vec![],
            kind: DivisionKind::Internal,
        };
        app.db
            .write_blocking(|tx| directory::create(tx, &Caller::cli_in(agency), &input))
            .expect("add division")
            .id
    };
    person(sports, "sports", Role::Office, None);
    let zc = division(sports, "政策法规处");
    let cy = division(sports, "体育产业处");
    person(sports, "zc", Role::Division, Some(zc));
    person(sports, "cy", Role::Division, Some(cy));
    person(finance, "finance", Role::Office, None);
    let ys = division(finance, "预算处");
    person(finance, "ys", Role::Division, Some(ys));
    City { sports, finance }
}

fn post(uri: &str, token: &str, body: Value) -> TestRequest {
    authed(TestRequest::post().uri(uri), token).set_json(body)
}

fn get(uri: &str, token: &str) -> TestRequest {
    authed(TestRequest::get().uri(uri), token)
}

/// Posts and expects `want`, returning the JSON body.
async fn ok<S>(svc: &S, req: TestRequest, want: StatusCode) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let a = send(svc, req).await;
    assert_eq!(a.status, want, "{}", a.body);
    a.json()
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

/// A plan with its items (`(number, task, lead)`) and the 2021-Q1 period open; the items' ids.
async fn plan_with<S>(svc: &S, office: &str, title: &str, items: &[(&str, &str, &str)]) -> Vec<i64>
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let plan = id(&ok(
        svc,
        post(
            "/api/v1/plans",
            office,
            json!({"year": 2021, "title": title}),
        ),
        StatusCode::CREATED,
    )
    .await);
    let due = (chrono::Local::now().date_naive() + chrono::Days::new(30)).to_string();
    ok(
        svc,
        post(
            &format!("/api/v1/plans/{plan}/periods"),
            office,
            json!({"period": "2021-Q1", "due_on": due}),
        ),
        StatusCode::CREATED,
    )
    .await;
    let mut ids = Vec::new();
    for (number, task, lead) in items {
        let item = ok(
            svc,
            post(
                &format!("/api/v1/plans/{plan}/items"),
                office,
                json!({"number": number, "task": task, "lead": [lead]}),
            ),
            StatusCode::CREATED,
        )
        .await;
        ids.push(id(&item));
    }
    ids
}

/// Links a bureau's item to the city's item it implements, as the hand-down does.
fn link(app: &TestApp, item: i64, upper: i64) {
    app.db
        .write_blocking(|tx| {
            workplan::db::queries::items::set_upper(tx, item as i32, Some(upper as i32), Some(1))
                .map_err(workplan::error::AppError::from)
        })
        .expect("link to the upper item");
}

/// A division writes and submits its 2021-Q1 report with a file; the report's id and the
/// evidence's id.
async fn report_with_file<S>(svc: &S, staff: &str, item: i64, text: &str) -> (i64, i64)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let r = ok(
        svc,
        post(
            &format!("/api/v1/items/{item}/reports"),
            staff,
            json!({"period": "2021-Q1", "summary": text}),
        ),
        StatusCode::CREATED,
    )
    .await;
    let report = id(&r);
    let e = send(
        svc,
        upload_file(
            &format!("/api/v1/reports/{report}/evidence"),
            staff,
            &format!("{text}.pdf"),
            PDF,
        ),
    )
    .await;
    assert_eq!(e.status, StatusCode::CREATED, "{}", e.body);
    let evidence = id(&e.json());
    let version = r["version"].as_i64().expect("version");
    ok(
        svc,
        post(
            &format!("/api/v1/reports/{report}/submit"),
            staff,
            json!({"version": version}),
        ),
        StatusCode::OK,
    )
    .await;
    (report, evidence)
}

/// The office accepts (`comment` None) or returns a submitted report.
async fn review<S>(svc: &S, office: &str, report: i64, comment: Option<&str>) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let now = ok(
        svc,
        get(&format!("/api/v1/reports/{report}"), office),
        StatusCode::OK,
    )
    .await;
    let body = match comment {
        None => json!({"decision": "accept", "version": now["version"]}),
        Some(c) => json!({"decision": "return", "comment": c, "version": now["version"]}),
    };
    ok(
        svc,
        post(&format!("/api/v1/reports/{report}/review"), office, body),
        StatusCode::OK,
    )
    .await
}

fn draft(item: i64, token: &str, body: Value) -> TestRequest {
    post(
        &format!("/api/v1/items/{item}/reports/draft-from-below"),
        token,
        body,
    )
}

async fn a_bureau_report_rolls_up_from_its_divisions_and_the_city_reviews_it(app: TestApp) {
    let City { sports, finance } = city(&app);
    let svc = app.service().await;
    let city_t = login(&svc, "city").await;
    let sports_t = login(&svc, "sports").await;
    let finance_t = login(&svc, "finance").await;
    let zc_t = login(&svc, "zc").await;
    let cy_t = login(&svc, "cy").await;
    let ys_t = login(&svc, "ys").await;

    let upper = plan_with(
        &svc,
        &city_t,
        "2021年政务公开工作要点",
        &[
            ("5", "推进重大行政决策公开", SPORTS),
            ("7", "做好财政预决算公开", FINANCE),
        ],
    )
    .await;
    let (city5, city7) = (upper[0], upper[1]);
    let sports_items = plan_with(
        &svc,
        &sports_t,
        "2021年政务公开工作要点分工方案",
        &[
            ("5", "公开重大行政决策事项目录", "政策法规处"),
            ("5-1", "公开体育产业政策解读", "体育产业处"),
        ],
    )
    .await;
    let (zc_item, cy_item) = (sports_items[0], sports_items[1]);
    let finance_items = plan_with(
        &svc,
        &finance_t,
        "2021年政务公开工作要点分工方案",
        &[("7", "公开部门预决算", "预算处")],
    )
    .await;
    for (item, up) in [
        (zc_item, city5),
        (cy_item, city5),
        (finance_items[0], city7),
    ] {
        link(&app, item, up);
    }

    // Nothing accepted yet: the draft says which divisions are still missing.
    let none = send(&svc, draft(city5, &sports_t, json!({"period": "2021-Q1"}))).await;
    assert_eq!(
        none.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        none.body
    );
    for who in ["政策法规处", "体育产业处", "未填报"] {
        assert!(none.body.contains(who), "{who}: {}", none.body);
    }

    let zc_text = "编制并公开2021年重大行政决策事项目录，共12项";
    let cy_text = "发布体育产业扶持政策解读3篇";
    let (zc_report, zc_file) = report_with_file(&svc, &zc_t, zc_item, zc_text).await;
    let (cy_report, cy_file) = report_with_file(&svc, &cy_t, cy_item, cy_text).await;
    let storage = app.state.config.storage_dir.clone();
    let files_before = walk(&storage).len();
    review(&svc, &sports_t, zc_report, None).await;

    // One accepted: drafted from it, the other listed as pending.
    let first = ok(
        &svc,
        draft(city5, &sports_t, json!({"period": "2021-Q1"})),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(first["state"], "draft");
    let summary = first["summary"].as_str().expect("summary");
    assert!(
        summary.contains(&format!("【政策法规处】事项 5：{zc_text}")),
        "{summary}"
    );
    assert!(!summary.contains(cy_text), "{summary}");
    assert_eq!(first["pending"][0]["divisions"], json!(["体育产业处"]));
    assert_eq!(first["pending"][0]["status"], "已报送，待审核");

    // A draft is not replaced unless asked.
    let again = send(&svc, draft(city5, &sports_t, json!({"period": "2021-Q1"}))).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert!(again.body.contains("重新起草"), "{}", again.body);

    review(&svc, &sports_t, cy_report, None).await;
    let up = ok(
        &svc,
        draft(
            city5,
            &sports_t,
            json!({"period": "2021-Q1", "redraft": true}),
        ),
        StatusCode::CREATED,
    )
    .await;
    let up_id = id(&up);
    assert_eq!(up_id, id(&first), "the same report, drafted again");
    let summary = up["summary"].as_str().expect("summary");
    for want in [
        format!("【政策法规处】事项 5：{zc_text}"),
        format!("【体育产业处】事项 5-1：{cy_text}"),
    ] {
        assert!(summary.contains(&want), "{want} in {summary}");
    }
    assert_eq!(up["pending"], json!([]));
    let sources: Vec<(i64, &str, &str, &str)> = up["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|s| {
            (
                s["report_id"].as_i64().expect("source id"),
                s["division"].as_str().unwrap_or_default(),
                s["item_number"].as_str().unwrap_or_default(),
                s["period"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        sources,
        [
            (zc_report, "政策法规处", "5", "2021-Q1"),
            (cy_report, "体育产业处", "5-1", "2021-Q1"),
        ]
    );
    assert_eq!(up["sources"][0]["agency"], SPORTS);
    // The evidence carried up, once each (the re-draft replaced the first carry), pointing
    // at the divisions' files, whose bytes were not copied.
    let carried: Vec<Option<i64>> = up["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .map(|e| e["source_evidence_id"].as_i64())
        .collect();
    assert_eq!(carried, [Some(zc_file), Some(cy_file)]);
    let origins: Vec<(&str, &str)> = up["evidence_from"]
        .as_array()
        .expect("origins")
        .iter()
        .map(|o| {
            (
                o["division"].as_str().unwrap_or_default(),
                o["item_number"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(origins, [("政策法规处", "5"), ("体育产业处", "5-1")]);
    assert_eq!(walk(&storage).len(), files_before, "no file copied");
    let carried_id = up["evidence"][0]["id"].as_i64().expect("carried id");
    let file = send(
        &svc,
        get(&format!("/api/v1/evidence/{carried_id}/file"), &city_t),
    )
    .await;
    assert_eq!(
        file.status,
        StatusCode::OK,
        "the city opens the file carried up"
    );
    assert_eq!(file.body.as_bytes(), PDF);

    // The bureau's office edits the draft and submits it with the existing routes.
    let edited = ok(
        &svc,
        post(
            &format!("/api/v1/items/{city5}/reports"),
            &sports_t,
            json!({"period": "2021-Q1", "summary": format!("{summary}\n\n本局已全部完成。"),
                   "version": up["version"]}),
        ),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(edited["sources"].as_array().map(Vec::len), Some(2));
    ok(
        &svc,
        post(
            &format!("/api/v1/reports/{up_id}/submit"),
            &sports_t,
            json!({"version": edited["version"]}),
        ),
        StatusCode::OK,
    )
    .await;
    // Submitted above: never overwritten, even when asked.
    let sent = send(
        &svc,
        draft(
            city5,
            &sports_t,
            json!({"period": "2021-Q1", "redraft": true}),
        ),
    )
    .await;
    assert_eq!(sent.status, StatusCode::CONFLICT, "{}", sent.body);
    assert!(sent.body.contains("不能重新起草"), "{}", sent.body);

    // The finance bureau drafts and submits its own.
    let (ys_report, _) = report_with_file(&svc, &ys_t, finance_items[0], "公开部门预决算").await;
    review(&svc, &finance_t, ys_report, None).await;
    let fin_up = ok(
        &svc,
        draft(city7, &finance_t, json!({"period": "2021-Q1"})),
        StatusCode::CREATED,
    )
    .await;
    let fin_up_id = id(&fin_up);
    ok(
        &svc,
        post(
            &format!("/api/v1/reports/{fin_up_id}/submit"),
            &finance_t,
            json!({"version": fin_up["version"]}),
        ),
        StatusCode::OK,
    )
    .await;

    // The city reads the sports bureau's report with its sources, and may open them.
    let read = ok(
        &svc,
        get(&format!("/api/v1/reports/{up_id}"), &city_t),
        StatusCode::OK,
    )
    .await;
    let href = read["sources"][0]["href"]
        .as_str()
        .expect("the city opens sources");
    assert_eq!(href, format!("/items/{zc_item}#report-{zc_report}"));
    ok(
        &svc,
        get(&format!("/api/v1/reports/{zc_report}"), &city_t),
        StatusCode::OK,
    )
    .await;

    // Another bureau sees neither the sports bureau's report up nor its sources, and cannot
    // draft on an item its unit does not lead.
    for uri in [
        format!("/api/v1/reports/{up_id}"),
        format!("/api/v1/reports/{zc_report}"),
        format!("/api/v1/evidence/{zc_file}/file"),
    ] {
        let a = send(&svc, get(&uri, &finance_t)).await;
        assert!(
            matches!(a.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{uri}: {} {}",
            a.status,
            a.body
        );
    }
    let theirs = send(&svc, draft(city5, &finance_t, json!({"period": "2021-Q1"}))).await;
    assert_eq!(theirs.status, StatusCode::FORBIDDEN, "{}", theirs.body);
    // A division of the bureau does not speak for it above.
    let division_up = send(&svc, draft(city5, &zc_t, json!({"period": "2021-Q1"}))).await;
    assert!(
        matches!(
            division_up.status,
            StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
        ),
        "{}",
        division_up.body
    );

    // The city never writes a bureau division's report, nor drafts for a bureau.
    let write = send(
        &svc,
        post(
            &format!("/api/v1/items/{zc_item}/reports"),
            &city_t,
            json!({"period": "2021-Q1", "summary": "市里代写"}),
        ),
    )
    .await;
    assert!(
        matches!(write.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{}",
        write.body
    );
    let city_draft = send(&svc, draft(city5, &city_t, json!({"period": "2021-Q1"}))).await;
    assert_eq!(
        city_draft.status,
        StatusCode::FORBIDDEN,
        "{}",
        city_draft.body
    );

    // The city returns the sports bureau's report and accepts the finance bureau's.
    let returned = review(&svc, &city_t, up_id, Some("请补充决策事项目录的发布链接")).await;
    assert_eq!(returned["state"], "returned");
    let accepted = review(&svc, &city_t, fin_up_id, None).await;
    assert_eq!(accepted["state"], "accepted");
    let inbox = ok(
        &svc,
        get("/api/v1/notifications", &sports_t),
        StatusCode::OK,
    )
    .await;
    assert!(
        inbox.to_string().contains("请补充决策事项目录的发布链接"),
        "the bureau office hears of the return: {inbox}"
    );
    // Accepted above: not drafted again; returned: drafted again when asked.
    let closed = send(
        &svc,
        draft(
            city7,
            &finance_t,
            json!({"period": "2021-Q1", "redraft": true}),
        ),
    )
    .await;
    assert_eq!(closed.status, StatusCode::CONFLICT, "{}", closed.body);
    let redone = ok(
        &svc,
        draft(
            city5,
            &sports_t,
            json!({"period": "2021-Q1", "redraft": true}),
        ),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(redone["state"], "returned");
    assert_eq!(redone["evidence"].as_array().map(Vec::len), Some(2));
    let _ = (sports, finance);
}

/// The city urges the item a bureau leads: the bureau's office hears of it and answers it;
/// the other bureau hears nothing.
async fn urging_an_agency_reaches_its_office_which_answers(app: TestApp) {
    city(&app);
    let svc = app.service().await;
    let city_t = login(&svc, "city").await;
    let sports_t = login(&svc, "sports").await;
    let finance_t = login(&svc, "finance").await;
    let upper = plan_with(
        &svc,
        &city_t,
        "2021年政务公开工作要点",
        &[("5", "推进重大行政决策公开", SPORTS)],
    )
    .await;
    let message = "请于本周内报送第一季度落实情况";
    let urged = ok(
        &svc,
        post(
            &format!("/api/v1/items/{}/urge", upper[0]),
            &city_t,
            json!({"message": message}),
        ),
        StatusCode::OK,
    )
    .await;
    assert!(urged["count"].as_i64() >= Some(1), "{urged}");
    let inbox = ok(
        &svc,
        get("/api/v1/notifications", &sports_t),
        StatusCode::OK,
    )
    .await;
    assert!(inbox.to_string().contains(message), "{inbox}");
    let other = ok(
        &svc,
        get("/api/v1/notifications", &finance_t),
        StatusCode::OK,
    )
    .await;
    assert!(!other.to_string().contains(message), "{other}");

    let urgings = ok(
        &svc,
        get(&format!("/api/v1/items/{}/urgings", upper[0]), &sports_t),
        StatusCode::OK,
    )
    .await;
    let urging = id(&urgings[0]);
    let refused = send(
        &svc,
        post(
            &format!("/api/v1/urgings/{urging}/answer"),
            &finance_t,
            json!({"answer": "不是本局的事项"}),
        ),
    )
    .await;
    assert!(
        matches!(
            refused.status,
            StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
        ),
        "{}",
        refused.body
    );
    let answered = ok(
        &svc,
        post(
            &format!("/api/v1/urgings/{urging}/answer"),
            &sports_t,
            json!({"answer": "已汇总各处室情况，今日报送"}),
        ),
        StatusCode::OK,
    )
    .await;
    assert!(
        answered.to_string().contains("已汇总各处室情况，今日报送"),
        "{answered}"
    );
    let city_inbox = ok(&svc, get("/api/v1/notifications", &city_t), StatusCode::OK).await;
    assert!(
        city_inbox
            .to_string()
            .contains("已汇总各处室情况，今日报送"),
        "the city hears the answer: {city_inbox}"
    );
}

/// 我的任务 with the city's plan chosen lists what the bureau must report up, and the city
/// item's page offers the bureau's office the draft from its divisions' reports.
async fn the_bureau_office_sees_what_to_report_up_and_drafts_from_the_page(app: TestApp) {
    city(&app);
    let svc = app.service().await;
    let city_t = login(&svc, "city").await;
    let sports_t = login(&svc, "sports").await;
    let zc_t = login(&svc, "zc").await;
    let upper = plan_with(
        &svc,
        &city_t,
        "2021年政务公开工作要点",
        &[
            ("5", "推进重大行政决策公开", SPORTS),
            ("7", "做好财政预决算公开", FINANCE),
        ],
    )
    .await;
    let mine = plan_with(
        &svc,
        &sports_t,
        "2021年政务公开工作要点分工方案",
        &[("5", "公开重大行政决策事项目录", "政策法规处")],
    )
    .await;
    link(&app, mine[0], upper[0]);
    let city_plan = ok(
        &svc,
        get(&format!("/api/v1/items/{}", upper[0]), &city_t),
        StatusCode::OK,
    )
    .await["plan_id"]
        .as_i64()
        .expect("plan id");

    let session = session_of(&browser_login(&svc, "sports", PASSWORD).await);
    let my = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/my?plan={city_plan}"))
            .cookie(session.clone()),
    )
    .await;
    assert_eq!(my.status, StatusCode::OK, "{}", my.body);
    assert!(my.body.contains("推进重大行政决策公开"), "{}", my.body);
    assert!(!my.body.contains("做好财政预决算公开"), "{}", my.body);

    let page = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/items/{}", upper[0]))
            .cookie(session.clone()),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("从本机关处室报告汇总起草"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("id=\"draft-from-below\""),
        "{}",
        page.body
    );
    let csrf = crate::pages::csrf_field(&page.body);

    // Nothing accepted: the page says who is missing, and nothing is written.
    let refused = send(
        &svc,
        TestRequest::post()
            .uri(&format!("/items/{}/draft-from-below", upper[0]))
            .cookie(session.clone())
            .set_form([("csrf", csrf.as_str()), ("period", "2021-Q1")]),
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("政策法规处"), "{}", refused.body);

    let (zc_report, _) = report_with_file(&svc, &zc_t, mine[0], "公开决策事项目录12项").await;
    review(&svc, &sports_t, zc_report, None).await;
    let done = send(
        &svc,
        TestRequest::post()
            .uri(&format!("/items/{}/draft-from-below", upper[0]))
            .cookie(session.clone())
            .set_form([("csrf", csrf.as_str()), ("period", "2021-Q1")]),
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let location = done.header("location").expect("location");
    let shown = send(
        &svc,
        TestRequest::get().uri(&location).cookie(session.clone()),
    )
    .await;
    assert!(
        shown
            .body
            .contains("【政策法规处】事项 5：公开决策事项目录12项"),
        "{}",
        shown.body
    );
    assert!(
        shown.body.contains("class=\"report-sources\""),
        "{}",
        shown.body
    );
    assert!(
        shown
            .body
            .contains(&format!("href=\"/items/{}#report-{zc_report}\"", mine[0])),
        "the bureau's office opens its own division's report"
    );

    // The city's page of the same item shows the sources, and no draft button.
    let city_session = session_of(&browser_login(&svc, "city", PASSWORD).await);
    let city_page = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/items/{}", upper[0]))
            .cookie(city_session),
    )
    .await;
    assert!(!city_page.body.contains("id=\"draft-from-below\""));
    assert!(city_page.body.contains("class=\"report-sources\""));
    assert!(
        city_page
            .body
            .contains(&format!("href=\"/items/{}#report-{zc_report}\"", mine[0])),
        "the city reads the bureau's plans"
    );
}

crate::on_both_backends!(
    a_bureau_report_rolls_up_from_its_divisions_and_the_city_reviews_it,
    urging_an_agency_reaches_its_office_which_answers,
    the_bureau_office_sees_what_to_report_up_and_drafts_from_the_page,
);
