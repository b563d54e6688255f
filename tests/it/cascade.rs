//! A plan from the plan above: the city's office imports its plan (its units are the bureaus
//! below), hands it down, each bureau receives exactly its items with the city's numbers and
//! text, sees what the city changes afterwards and takes it, and matches its own division
//! plan against the city's items before importing it.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::*;
use workplan::domain::division::DivisionKind;
use workplan::domain::role::Role;
use workplan::service::accounts::{self, NewUserInput};
use workplan::service::agency::{self, AgencyInput, NewAgencyInput};
use workplan::service::directory::{self, NewDivisionInput};
use workplan::service::imports::{self, CommitOptions};
use workplan::service::Caller;

const CITY: &str = "广州市政务公开办";
const SPORTS: &str = "广州市体育局";
const FINANCE: &str = "广州市财政局";

/// One row of a plan workbook: number, task, requirement, units as written, deadline.
type Row<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str);

/// The city's plan: the bureaus named by their short names (aliases of their units).
const CITY_PLAN: &[Row] = &[
    (
        "1",
        "加强政策解读",
        "重要政策文件同步解读",
        "牵头单位：市体育局；配合单位：市财政局",
        "6月底前",
    ),
    (
        "2",
        "推进财政预决算公开",
        "按时公开部门预决算",
        "牵头单位：市财政局",
        "3月31日前",
    ),
    (
        "5",
        "做好体育场馆开放信息公开",
        "公开场馆开放时间和收费标准",
        "牵头单位：市体育局",
        "全年",
    ),
    (
        "7",
        "规范政府信息公开年报工作",
        "按时发布年度报告",
        "牵头单位：市财政局；配合单位：市体育局",
        "1月31日前",
    ),
    (
        "8",
        "组织全市政务公开培训",
        "每年至少一次",
        "牵头单位：政务公开科",
        "年底前",
    ),
];

/// A plan workbook as the agencies send theirs (序号, 重点任务, 主要举措, 责任部门, 时间节点).
fn workbook(rows: &[Row]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["序号", "重点任务", "主要举措", "责任部门", "时间节点"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).expect("header");
    }
    for (r, (number, task, requirement, units, deadline)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, text) in [number, task, requirement, units, deadline]
            .iter()
            .enumerate()
        {
            ws.write_string(r, c as u16, **text).expect("cell");
        }
    }
    wb.save_to_buffer().expect("xlsx")
}

/// Commits a workbook as `caller`'s office would (a revision when `plan_id` is given).
fn import_as(
    app: &TestApp,
    caller: &Caller,
    rows: &[Row],
    title: &str,
    plan_id: Option<i32>,
) -> i32 {
    let bytes = workbook(rows);
    let draft = workplan::import::read_plan(
        &bytes,
        "plan.xlsx",
        &workplan::import::ImportOptions::for_year(2021),
    )
    .expect("plan parses");
    let sha = imports::file_hash(&bytes);
    let opts = CommitOptions {
        title: Some(title.to_string()),
        plan_id,
        ..CommitOptions::default()
    };
    app.db
        .write_blocking(|c| imports::commit(c, caller, &draft, 2021, &sha, &opts))
        .expect("commit")
        .id
}

/// The city named, two bureaus below it, an office account in each and one division with
/// its staff in the sports bureau. Returns (sports agency, finance agency).
fn city(app: &TestApp) -> (i32, i32) {
    let cli = Caller::cli();
    app.db
        .write_blocking(|c| {
            agency::set(
                c,
                &cli,
                &AgencyInput {
                    full_name: CITY.into(),
                    short_name: String::new(),
                    supervisor: String::new(),
                    version: 0,
                },
            )
        })
        .expect("city named");
    let mut below = Vec::new();
    for (name, short, first) in [
        (SPORTS, "市体育局", "sports_first"),
        (FINANCE, "市财政局", "finance_first"),
    ] {
        let input = NewAgencyInput {
            full_name: name.into(),
            short_name: short.into(),
            office_username: first.into(),
            office_password: "first-password-1".into(),
        };
        below.push(
            app.db
                .write_blocking(|c| agency::add_below(c, &cli, &input))
                .expect("agency below")
                .id,
        );
    }
    app.user("city", Role::Office, None);
    let user_in = |agency: i32, name: &str, role: Role, division_id: Option<i32>| {
        let input = NewUserInput {
            username: name.into(),
            display_name: String::new(),
            password: PASSWORD.into(),
            role,
            division_id,
            email: None,
            temporary: false,
        };
        app.db
            .write_blocking(|c| accounts::create_user(c, &Caller::cli_in(agency), &input))
            .expect("user");
    };
    user_in(below[0], "sports", Role::Office, None);
    user_in(below[1], "finance", Role::Office, None);
    let division = app
        .db
        .write_blocking(|c| {
            directory::create(
                c,
                &Caller::cli_in(below[0]),
                &NewDivisionInput {
                    name: "政策法规处".into(),
                    aliases: vec![],
                    kind: DivisionKind::Internal,
                },
            )
        })
        .expect("division")
        .id;
    user_in(below[0], "sports_staff", Role::Division, Some(division));
    (below[0], below[1])
}

fn get(token: &str, uri: &str) -> TestRequest {
    authed(TestRequest::get().uri(uri), token)
}

fn post(token: &str, uri: &str) -> TestRequest {
    authed(TestRequest::post().uri(uri), token).set_json(json!({}))
}

/// The agency's line of a hand-down result.
fn line<'a>(result: &'a Value, agency: &str) -> &'a Value {
    result["agencies"]
        .as_array()
        .expect("agencies")
        .iter()
        .find(|a| a["agency"] == agency)
        .unwrap_or_else(|| panic!("{agency} not in {result}"))
}

fn counts(line: &Value) -> (i64, i64, i64) {
    (
        line["added"].as_i64().expect("added"),
        line["already"].as_i64().expect("already"),
        line["changed"].as_i64().expect("changed"),
    )
}

/// (number, task, requirement, deadline) of a plan's items through the API.
async fn items_of<S>(svc: &S, token: &str, plan: i64) -> Vec<Value>
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
{
    let a = send(svc, get(token, &format!("/api/v1/plans/{plan}/items"))).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    a.json().as_array().expect("items").clone()
}

fn facts(items: &[Value]) -> Vec<(String, String, String, String)> {
    items
        .iter()
        .map(|i| {
            let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
            (
                s(&i["number"]),
                s(&i["task"]),
                s(&i["requirement"]),
                s(&i["deadline"]["raw"]),
            )
        })
        .collect()
}

fn city_facts(numbers: &[&str]) -> Vec<(String, String, String, String)> {
    numbers
        .iter()
        .map(|n| {
            let r = CITY_PLAN.iter().find(|r| r.0 == *n).expect("city item");
            (r.0.into(), r.1.into(), r.2.into(), r.4.into())
        })
        .collect()
}

/// A multipart import request with form fields.
fn import_request(token: &str, fields: &[(&str, String)], bytes: &[u8]) -> TestRequest {
    let boundary = "----workplan-cascade";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"division-plan.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    authed(TestRequest::post().uri("/api/v1/plans/import"), token)
        .insert_header((
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        ))
        .set_payload(body)
}

async fn a_plan_handed_down_reaches_each_bureau_and_follows_the_city(app: TestApp) {
    let (sports_agency, finance_agency) = city(&app);
    let city_plan = i64::from(import_as(
        &app,
        &Caller::cli(),
        CITY_PLAN,
        "2021年政务公开工作要点",
        None,
    ));
    let svc = app.service().await;
    let city = login(&svc, "city").await;
    let sports = login(&svc, "sports").await;
    let finance = login(&svc, "finance").await;
    let staff = login(&svc, "sports_staff").await;

    // Only the city's office hands its plan down; a bureau's office acts there as a unit.
    for who in [&sports, &staff] {
        let refused = send(
            &svc,
            post(who, &format!("/api/v1/plans/{city_plan}/hand-down")),
        )
        .await;
        assert!(
            refused.status == StatusCode::FORBIDDEN || refused.status == StatusCode::NOT_FOUND,
            "{}",
            refused.body
        );
    }
    let first = send(
        &svc,
        post(&city, &format!("/api/v1/plans/{city_plan}/hand-down")),
    )
    .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let first = first.json();
    assert_eq!(
        first["agencies"].as_array().map(Vec::len),
        Some(2),
        "{first}"
    );
    let (s, f) = (line(&first, SPORTS), line(&first, FINANCE));
    assert_eq!(counts(s), (3, 0, 0));
    assert_eq!(counts(f), (3, 0, 0));
    assert_eq!(s["created"], true);
    assert_eq!(
        s["title"],
        "广州市体育局2021年政务公开工作要点（承接：广州市政务公开办2021年政务公开工作要点）"
    );
    let (sports_plan, finance_plan) = (
        s["plan_id"].as_i64().expect("plan"),
        f["plan_id"].as_i64().expect("plan"),
    );

    // Each bureau: exactly its items, the city's numbers and text, no divisions yet.
    let mine = items_of(&svc, &sports, sports_plan).await;
    assert_eq!(facts(&mine), city_facts(&["1", "5", "7"]));
    assert!(mine
        .iter()
        .all(|i| i["lead"].as_array().is_some_and(Vec::is_empty)));
    assert_eq!(
        facts(&items_of(&svc, &finance, finance_plan).await),
        city_facts(&["1", "2", "7"])
    );
    let plan = send(&svc, get(&sports, &format!("/api/v1/plans/{sports_plan}")))
        .await
        .json();
    assert_eq!(plan["agency_id"], sports_agency);
    assert_eq!(plan["upper_plan_id"], city_plan);

    // A bureau never sees the other's plan; its division staff never see the city's changes.
    for uri in [
        format!("/api/v1/plans/{finance_plan}"),
        format!("/api/v1/plans/{finance_plan}/items"),
        format!("/api/v1/plans/{finance_plan}/upper-changes"),
    ] {
        let a = send(&svc, get(&sports, &uri)).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{uri}: {}", a.body);
    }
    let a = send(
        &svc,
        get(
            &staff,
            &format!("/api/v1/plans/{sports_plan}/upper-changes"),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
    let a = send(
        &svc,
        get(&finance, &format!("/api/v1/items/{}", mine[0]["id"])),
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", a.body);

    // The bureau's office is told.
    let inbox = send(&svc, get(&sports, "/api/v1/notifications")).await;
    assert_eq!(inbox.status, StatusCode::OK, "{}", inbox.body);
    assert!(
        inbox.body.contains("上级下发了")
            && inbox.body.contains(&format!("/items?plan={sports_plan}")),
        "{}",
        inbox.body
    );
    let _ = finance_agency;

    // Nothing changed above: no changes listed, and a second hand-down adds nothing.
    let changes = |token: String, plan: i64| {
        let svc = &svc;
        async move {
            let a = send(
                svc,
                get(&token, &format!("/api/v1/plans/{plan}/upper-changes")),
            )
            .await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.body);
            a.json()["changes"].as_array().expect("changes").clone()
        }
    };
    assert!(changes(sports.clone(), sports_plan).await.is_empty());
    let again = send(
        &svc,
        post(&city, &format!("/api/v1/plans/{city_plan}/hand-down")),
    )
    .await
    .json();
    assert_eq!(counts(line(&again, SPORTS)), (0, 3, 0));
    assert_eq!(line(&again, SPORTS)["created"], false);
    assert_eq!(items_of(&svc, &sports, sports_plan).await.len(), 3);

    // The bureau edits its own item 1; the city edits its item 5.
    let own1 = mine.iter().find(|i| i["number"] == "1").expect("1").clone();
    let own5 = mine.iter().find(|i| i["number"] == "5").expect("5").clone();
    let a = send(
        &svc,
        authed(
            TestRequest::patch().uri(&format!("/api/v1/items/{}", own1["id"])),
            &sports,
        )
        .set_json(json!({"version": own1["version"], "requirement": "本局重要政策同步解读"})),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let city_items = items_of(&svc, &city, city_plan).await;
    let city5 = city_items
        .iter()
        .find(|i| i["number"] == "5")
        .expect("5")
        .clone();
    let a = send(
        &svc,
        authed(
            TestRequest::patch().uri(&format!("/api/v1/items/{}", city5["id"])),
            &city,
        )
        .set_json(
            json!({"version": city5["version"], "task": "做好体育场馆免费低收费开放信息公开"}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);

    let listed = changes(sports.clone(), sports_plan).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["kind"], "changed");
    assert_eq!(listed[0]["number"], "5");
    assert_eq!(listed[0]["item_id"], own5["id"]);
    assert_eq!(listed[0]["fields"][0]["field"], "task");
    assert_eq!(
        listed[0]["fields"][0]["upper"],
        "做好体育场馆免费低收费开放信息公开"
    );
    assert_eq!(listed[0]["fields"][0]["own"], "做好体育场馆开放信息公开");
    assert!(
        changes(finance.clone(), finance_plan).await.is_empty(),
        "finance has no item 5"
    );

    // Handing down again overwrites nothing: the change waits for the bureau.
    let again = send(
        &svc,
        post(&city, &format!("/api/v1/plans/{city_plan}/hand-down")),
    )
    .await
    .json();
    assert_eq!(counts(line(&again, SPORTS)), (0, 2, 1));
    let now = items_of(&svc, &sports, sports_plan).await;
    let task5 = |items: &[Value]| {
        items
            .iter()
            .find(|i| i["number"] == "5")
            .map(|i| i["task"].clone())
    };
    assert_eq!(task5(&now), Some(json!("做好体育场馆开放信息公开")));
    assert_eq!(
        now.iter()
            .find(|i| i["number"] == "1")
            .map(|i| i["requirement"].clone()),
        Some(json!("本局重要政策同步解读")),
        "the bureau's own edit stays"
    );

    // Take-upper: the bureau's office only; then the item reads as the city's, and nothing
    // is listed any more.
    let take = format!("/api/v1/items/{}/take-upper", own5["id"]);
    let a = send(&svc, post(&staff, &take)).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
    let a = send(&svc, post(&city, &take)).await;
    assert_eq!(
        a.status,
        StatusCode::FORBIDDEN,
        "the city reads a bureau's plan only: {}",
        a.body
    );
    let a = send(&svc, post(&sports, &take)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.json()["task"], "做好体育场馆免费低收费开放信息公开");
    assert!(changes(sports.clone(), sports_plan).await.is_empty());
    let a = send(
        &svc,
        post(&sports, &format!("/api/v1/items/{}/take-upper", own1["id"])),
    )
    .await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "taking an unchanged item is harmless: {}",
        a.body
    );

    // The city gives the bureau a new item: listed as new, then handed down.
    let a = send(
        &svc,
        authed(
            TestRequest::post().uri(&format!("/api/v1/plans/{city_plan}/items")),
            &city,
        )
        .set_json(json!({"number": "9", "task": "公开体育赛事审批结果", "lead": ["市体育局"]})),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let listed = changes(sports.clone(), sports_plan).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(
        (listed[0]["kind"].clone(), listed[0]["number"].clone()),
        (json!("new"), json!("9"))
    );
    let again = send(
        &svc,
        post(&city, &format!("/api/v1/plans/{city_plan}/hand-down")),
    )
    .await
    .json();
    assert_eq!(counts(line(&again, SPORTS)), (1, 3, 0));
    assert_eq!(counts(line(&again, FINANCE)), (0, 3, 0));
    assert!(changes(sports.clone(), sports_plan).await.is_empty());

    // The city re-imports its plan revised: item 7's deadline moves, item 2 is dropped. The
    // links survive the revision (item 7 is the same row, a newer version).
    let revised: Vec<Row> = CITY_PLAN
        .iter()
        .filter(|r| r.0 != "2")
        .map(|r| {
            if r.0 == "7" {
                (r.0, r.1, r.2, r.3, "2月28日前")
            } else {
                *r
            }
        })
        .chain(std::iter::once((
            "9",
            "公开体育赛事审批结果",
            "按规定公开审批结果",
            "牵头单位：市体育局",
            "全年",
        )))
        .collect();
    let same = import_as(
        &app,
        &Caller::cli(),
        &revised,
        "2021年政务公开工作要点",
        i32::try_from(city_plan).ok(),
    );
    assert_eq!(i64::from(same), city_plan);
    let after: Vec<Value> = items_of(&svc, &city, city_plan).await;
    let kept = |n: &str| {
        after
            .iter()
            .find(|i| i["number"] == n)
            .map(|i| i["id"].clone())
    };
    assert_eq!(
        kept("7"),
        city_items
            .iter()
            .find(|i| i["number"] == "7")
            .map(|i| i["id"].clone())
    );
    assert_eq!(kept("2"), None, "dropped above");
    assert!(kept("9").is_some(), "{after:?}");
    let listed = changes(sports.clone(), sports_plan).await;
    let seven = listed
        .iter()
        .find(|c| c["number"] == "7")
        .unwrap_or_else(|| panic!("{listed:?}"));
    assert_eq!(seven["kind"], "changed");
    assert_eq!(seven["fields"][0]["field"], "deadline");
    assert_eq!(seven["fields"][0]["upper"], "2月28日前");
    let listed = changes(finance.clone(), finance_plan).await;
    assert!(
        listed
            .iter()
            .any(|c| c["number"] == "2" && c["kind"] == "gone"),
        "{listed:?}"
    );
    assert!(
        listed
            .iter()
            .any(|c| c["number"] == "7" && c["kind"] == "changed"),
        "{listed:?}"
    );

    // The bureau's own division plan, imported into its handed-down draft: previewed against
    // the city's items first.
    let division_plan: &[Row] = &[
        (
            "1",
            "加强政策解读",
            "重要政策文件同步解读",
            "牵头单位：政策法规处",
            "5月底前",
        ),
        (
            "3",
            "做好体育场馆免费低收费开放信息公开工作",
            "公开场馆开放时间",
            "牵头单位：政策法规处",
            "全年",
        ),
        (
            "12",
            "建设全民健身信息服务平台",
            "年内上线",
            "牵头单位：政策法规处",
            "年底前",
        ),
        (
            "7",
            "规范政府信息公开年报工作",
            "按时发布年度报告",
            "牵头单位：政策法规处",
            "2月28日前",
        ),
    ];
    let bytes = workbook(division_plan);
    let fields = |dry: bool| {
        let mut f = vec![
            ("year", "2021".to_string()),
            ("plan_id", sports_plan.to_string()),
        ];
        if dry {
            f.push(("dry_run", "true".to_string()));
        }
        f
    };
    let preview = send(&svc, import_request(&sports, &fields(true), &bytes)).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let upper = preview.json()["upper"].clone();
    assert_eq!(upper["upper_plan_id"], city_plan, "{upper}");
    let matched: Vec<(String, String, String, Vec<String>)> = upper["matched"]
        .as_array()
        .expect("matched")
        .iter()
        .map(|m| {
            (
                m["number"].as_str().unwrap_or_default().to_string(),
                m["upper_number"].as_str().unwrap_or_default().to_string(),
                m["by"].as_str().unwrap_or_default().to_string(),
                m["fields"]
                    .as_array()
                    .expect("fields")
                    .iter()
                    .map(|f| f["field"].as_str().unwrap_or_default().to_string())
                    .collect(),
            )
        })
        .collect();
    let owned = |a: &str, b: &str, c: &str, d: &[&str]| {
        (
            a.to_string(),
            b.to_string(),
            c.to_string(),
            d.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        matched,
        vec![
            owned("1", "1", "number", &["deadline"]),
            owned("3", "5", "text", &["number", "task", "requirement"]),
            owned("7", "7", "number", &[]),
        ],
        "{upper}"
    );
    let numbers = |key: &str| -> Vec<String> {
        upper[key]
            .as_array()
            .expect(key)
            .iter()
            .map(|i| i["number"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(numbers("imported_unmatched"), ["12"]);
    assert_eq!(numbers("upper_unmatched"), ["9"]);

    // Committed: the item matched by text gains the link to the city's item 5.
    let done = send(&svc, import_request(&sports, &fields(false), &bytes)).await;
    assert_eq!(done.status, StatusCode::CREATED, "{}", done.body);
    let mut conn = app.db.get().expect("connection");
    let rows =
        workplan::db::queries::items::list(&mut conn, sports_plan as i32, None).expect("items");
    let link = |n: &str| rows.iter().find(|i| i.number == n).map(|i| i.upper_item_id);
    assert_eq!(link("3"), Some(city5["id"].as_i64().map(|i| i as i32)));
    assert_eq!(link("12"), Some(None));
    let city7 = city_items.iter().find(|i| i["number"] == "7").expect("7");
    assert_eq!(link("7"), Some(city7["id"].as_i64().map(|i| i as i32)));
}

/// The pages: the city's office gets the hand-down button and the result; the bureau's
/// office sees what changed above and takes it; the item names its upper item.
async fn the_pages_hand_down_and_take_changes(app: TestApp) {
    city(&app);
    let city_plan = i64::from(import_as(
        &app,
        &Caller::cli(),
        CITY_PLAN,
        "2021年政务公开工作要点",
        None,
    ));
    let svc = app.service().await;
    let city_session =
        crate::pages::session_of(&crate::pages::browser_login(&svc, "city", PASSWORD).await);
    let page = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/items?plan={city_plan}"))
            .cookie(city_session.clone()),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("下发到下级机关"), "{}", page.body);
    let csrf = crate::pages::csrf_field(&page.body);
    let done = send(
        &svc,
        TestRequest::post()
            .uri(&format!("/plans/{city_plan}/hand-down"))
            .cookie(city_session.clone())
            .set_form([("csrf", csrf.as_str())]),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(
        done.body.contains("id=\"hand-down-result\""),
        "{}",
        done.body
    );
    assert!(
        done.body.contains("广州市体育局：") && done.body.contains("新增 3 项"),
        "{}",
        done.body
    );

    let sports_session =
        crate::pages::session_of(&crate::pages::browser_login(&svc, "sports", PASSWORD).await);
    let sports = login(&svc, "sports").await;
    let plans = send(&svc, get(&sports, "/api/v1/plans")).await.json();
    let sports_plan = plans
        .as_array()
        .expect("plans")
        .iter()
        .find(|p| p["title"].as_str().is_some_and(|t| t.starts_with(SPORTS)))
        .expect("the handed-down plan")["id"]
        .as_i64()
        .expect("id");
    let page = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/items?plan={sports_plan}"))
            .cookie(sports_session.clone()),
    )
    .await;
    assert!(
        !page.body.contains("下发到下级机关"),
        "no agencies below the bureau"
    );
    assert!(!page.body.contains("上级计划有变化"), "nothing changed yet");
    let mine = items_of(&svc, &sports, sports_plan).await;
    let own5 = mine.iter().find(|i| i["number"] == "5").expect("5");
    let item_page = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/items/{}", own5["id"]))
            .cookie(sports_session.clone()),
    )
    .await;
    assert!(item_page.body.contains("上级事项"), "{}", item_page.body);
    assert!(
        item_page.body.contains("第5项（牵头）"),
        "{}",
        item_page.body
    );
    let own7 = mine.iter().find(|i| i["number"] == "7").expect("7");
    let item_page = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/items/{}", own7["id"]))
            .cookie(sports_session.clone()),
    )
    .await;
    assert!(
        item_page.body.contains("第7项（配合）"),
        "{}",
        item_page.body
    );

    let city = login(&svc, "city").await;
    let city5 = items_of(&svc, &city, city_plan)
        .await
        .into_iter()
        .find(|i| i["number"] == "5")
        .expect("5");
    send(
        &svc,
        authed(TestRequest::patch().uri(&format!("/api/v1/items/{}", city5["id"])), &city)
            .set_json(json!({"version": city5["version"], "requirement": "公开场馆开放时间、收费标准和预约方式"})),
    )
    .await;
    let page = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/items?plan={sports_plan}"))
            .cookie(sports_session.clone()),
    )
    .await;
    assert!(page.body.contains("上级计划有变化"), "{}", page.body);
    assert!(
        page.body.contains("公开场馆开放时间、收费标准和预约方式"),
        "{}",
        page.body
    );
    assert!(page.body.contains("采用上级修改"), "{}", page.body);
    let csrf = crate::pages::csrf_field(&page.body);
    let taken = send(
        &svc,
        TestRequest::post()
            .uri(&format!("/items/{}/take-upper", own5["id"]))
            .cookie(sports_session.clone())
            .set_form([("csrf", csrf.as_str())]),
    )
    .await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.body);
    let page = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/items?plan={sports_plan}"))
            .cookie(sports_session),
    )
    .await;
    assert!(!page.body.contains("上级计划有变化"), "taken: nothing left");
    let item = send(&svc, get(&sports, &format!("/api/v1/items/{}", own5["id"])))
        .await
        .json();
    assert_eq!(item["requirement"], "公开场馆开放时间、收费标准和预约方式");
}

crate::on_both_backends!(
    a_plan_handed_down_reaches_each_bureau_and_follows_the_city,
    the_pages_hand_down_and_take_changes,
);

/// `workplan plan hand-down ID`: the operator hands the city's plan down from the command
/// line; a second run adds nothing.
#[test]
fn the_command_line_hands_a_plan_down() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}/wp.db", dir.path().display());
    let cli = |args: &[&str], stdin: &str| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_workplan"));
        c.current_dir(dir.path());
        for (k, _) in std::env::vars() {
            if k.starts_with("WORKPLAN_") {
                c.env_remove(k);
            }
        }
        let mut child = c
            .args(args)
            .env("WORKPLAN_LOG", "warn")
            .env("WORKPLAN_DATABASE_URL", &url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn workplan");
        let _ = child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes());
        let out = child.wait_with_output().expect("wait");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{args:?}: {text}");
        text
    };
    cli(&["agency", "set", "--name", CITY], "");
    for (name, short, user) in [
        (SPORTS, "市体育局", "sports"),
        (FINANCE, "市财政局", "finance"),
    ] {
        cli(
            &[
                "agency",
                "add",
                name,
                "--short",
                short,
                "--office-user",
                user,
            ],
            "first-password-1\n",
        );
    }
    let file = dir.path().join("city.xlsx");
    std::fs::write(&file, workbook(CITY_PLAN)).expect("write workbook");
    let path = file.display().to_string();
    cli(
        &[
            "import",
            &path,
            "--year",
            "2021",
            "--plan",
            "2021年政务公开工作要点",
        ],
        "",
    );
    let first = cli(&["plan", "hand-down", "1"], "");
    assert!(
        first.contains("广州市体育局：计划“广州市体育局2021年政务公开工作要点（承接：广州市政务公开办2021年政务公开工作要点）”")
            && first.contains("新建"),
        "{first}"
    );
    assert_eq!(first.matches("新增 3 项，已有 0 项").count(), 2, "{first}");
    let again = cli(&["plan", "hand-down", "1"], "");
    assert_eq!(
        again
            .matches("新增 0 项，已有 3 项，上级有修改 0 项")
            .count(),
        2,
        "{again}"
    );
}
