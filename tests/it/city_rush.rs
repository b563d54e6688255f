//! The quarter-end rush in a city (issue 19, point 4): users of several agencies at once.
//! Divisions of three bureaus report to their bureau office while each bureau office reports
//! up to the city on the city items its unit leads, all at the same instant, against real
//! `workplan serve` processes (two over one database on PostgreSQL). As in the single-agency
//! rush (`load`): no request fails and nothing is lost. And no user ever receives a record
//! of an agency they must not see: every record of a plan carries its owner's mark in its
//! text (report summaries, evidence file names, a bureau's own items), and every answer a
//! user gets, during the rush and after it, is searched for the marks they must not read.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::helpers::*;
use crate::load::{api_login, Server};
use workplan::db::models::NewUser;
use workplan::db::queries;
use workplan::domain::division::DivisionKind;
use workplan::domain::role::Role;
use workplan::error::AppError;
use workplan::service::agency::{self, NewAgencyInput};
use workplan::service::directory::{self, NewDivisionInput};
use workplan::service::plans::{self, NewItemInput, NewPlanInput};
use workplan::service::reports::{self, OpenPeriodInput};
use workplan::service::Caller;

/// The bureaus below the city: (full name, the mark their plan's records carry).
const BUREAUS: [(&str, &str); 3] = [
    ("广州市体育局", "〈体育局记录〉"),
    ("广州市财政局", "〈财政局记录〉"),
    ("广州市民政局", "〈民政局记录〉"),
];
/// The mark of the city plan's records (the bureaus' reports sent up).
const CITY_MARK: &str = "〈市级记录〉";
/// Every bureau has divisions of the same names: names are per agency.
const DIVISIONS: [&str; 3] = ["办公室", "政策法规处", "宣传处"];
const STAFF_PER_DIVISION: usize = 2;
/// City items each bureau's unit leads.
const CITY_ITEMS_LED: usize = 2;
const EVIDENCE_BYTES: usize = 64 * 1024;
const LIMIT: Duration = Duration::from_secs(240);

/// One bureau as seeded.
struct Bureau {
    /// Its office's user name.
    office: String,
    /// Its plan (handed down from the city's).
    plan: i32,
    /// (user name, division id, own item id) of each staff member.
    staff: Vec<(String, i32, i32)>,
    /// The city items its unit leads.
    leads: Vec<i32>,
    /// Its unit in the city's directory.
    unit: i32,
}

struct City {
    plan: i32,
    bureaus: Vec<Bureau>,
}

fn office_in(agency: i32) -> Caller {
    Caller {
        agency_id: agency,
        home_agency_id: agency,
        ..Caller::cli()
    }
}

fn item_input(number: String, task: String, lead: &str, support: Vec<String>) -> NewItemInput {
    NewItemInput {
        number,
        task,
        requirement: "9月底前完成并在门户网站公开。".into(),
        lead: vec![lead.to_string()],
        support,
    }
}

fn open_q3(tx: &mut workplan::db::WriteTx<'_>, agency: i32, plan: i32) -> Result<(), AppError> {
    reports::open_period(
        tx,
        &office_in(agency),
        plan,
        &OpenPeriodInput {
            period: "2021-Q3".into(),
            due_on: None,
        },
        true,
    )
    .map(|_| ())
}

/// The city office, three bureaus below it with their offices, divisions and staff; the city
/// plan (each bureau leads two items, the next bureau supports them) and each bureau's plan:
/// the city items it was given plus one item of its own per staff member; 2021-Q3 open on
/// every plan.
fn seed_city(app: &TestApp) -> City {
    let db = &app.db;
    let city = Caller::cli();
    db.write_blocking(|tx| agency::seed(tx, "广州市政务公开办"))
        .expect("city");
    app.user("city", Role::Office, None);
    let hash = workplan::auth::hash_password(PASSWORD, "staff").expect("hash");
    let mut agencies = Vec::new();
    for (b, (name, _)) in BUREAUS.iter().enumerate() {
        let view = db
            .write_blocking(|tx| {
                agency::add_below(
                    tx,
                    &city,
                    &NewAgencyInput {
                        full_name: name.to_string(),
                        short_name: String::new(),
                        office_username: format!("bureau{b}"),
                        office_password: PASSWORD.into(),
                    },
                )
            })
            .expect("bureau");
        let staff = db
            .write_blocking(|tx| -> Result<_, AppError> {
                use diesel::prelude::*;
                use workplan::db::schema::users;
                // The office logs in with its first password in this test.
                diesel::update(users::table.filter(users::agency_id.eq(view.id)))
                    .set(users::must_change_password.eq(false))
                    .execute(tx.conn())?;
                let mut staff = Vec::new();
                for division in DIVISIONS {
                    let d = directory::create(
                        tx,
                        &office_in(view.id),
                        &NewDivisionInput {
                            name: division.into(),
                            aliases: vec![],
                            kind: DivisionKind::Internal,
                        },
                    )?;
                    for k in 0..STAFF_PER_DIVISION {
                        let username = format!("b{b}d{}s{k}", staff.len() / STAFF_PER_DIVISION);
                        let token = workplan::auth::random_token(24);
                        queries::users::insert(
                            tx,
                            &NewUser {
                                username: &username,
                                display_name: &username,
                                password_hash: &hash,
                                role: "division",
                                division_id: Some(d.id),
                                disabled: false,
                                feed_token: &token,
                                version: 1,
                                created_at: queries::now(),
                                email: None,
                                must_change_password: false,
                                password_changed_at: None,
                                agency_id: view.id,
                            },
                        )?;
                        staff.push((username, d.id, division));
                    }
                }
                Ok(staff)
            })
            .expect("divisions and staff");
        agencies.push((view, staff));
    }
    let n = BUREAUS.len();
    let (plan, city_items) = db
        .write_blocking(|tx| -> Result<_, AppError> {
            let plan = plans::create(
                tx,
                &city,
                &NewPlanInput {
                    year: 2021,
                    title: "2021年政务公开工作要点".into(),
                    document_number: Some("穗府办函〔2021〕47号".into()),
                },
            )?;
            // (item id, number, task, lead bureau, supporting bureau)
            let mut items = Vec::new();
            for (b, (lead_name, _)) in BUREAUS.iter().enumerate() {
                for _ in 0..CITY_ITEMS_LED {
                    let number = (items.len() + 1).to_string();
                    let task = format!("做好第{number}项重点领域信息公开工作");
                    let support = (b + 1) % n;
                    let item = plans::create_item(
                        tx,
                        &city,
                        plan.id,
                        &item_input(
                            number.clone(),
                            task.clone(),
                            lead_name,
                            vec![BUREAUS[support].0.to_string()],
                        ),
                    )?;
                    items.push((item.id, number, task, b, support));
                }
            }
            open_q3(tx, 1, plan.id)?;
            Ok((plan.id, items))
        })
        .expect("city plan");
    let mut bureaus = Vec::new();
    for (b, (view, staff)) in agencies.into_iter().enumerate() {
        let office = office_in(view.id);
        let (bureau_plan, staff) = db
            .write_blocking(|tx| -> Result<_, AppError> {
                use diesel::prelude::*;
                use workplan::db::schema::{items, plans as plan_rows};
                let p = plans::create(
                    tx,
                    &office,
                    &NewPlanInput {
                        year: 2021,
                        title: "2021年政务公开工作要点分工方案".into(),
                        document_number: None,
                    },
                )?;
                diesel::update(plan_rows::table.find(p.id))
                    .set(plan_rows::upper_plan_id.eq(plan))
                    .execute(tx.conn())?;
                // The city's items it leads or supports, numbers and text kept.
                for (upper, number, task, lead, support) in &city_items {
                    if *lead != b && *support != b {
                        continue;
                    }
                    let item = plans::create_item(
                        tx,
                        &office,
                        p.id,
                        &item_input(number.clone(), task.clone(), DIVISIONS[0], vec![]),
                    )?;
                    diesel::update(items::table.find(item.id))
                        .set((items::upper_item_id.eq(upper), items::upper_version.eq(1)))
                        .execute(tx.conn())?;
                }
                // One item of its own per staff member, led by their division.
                let mut out = Vec::new();
                for (k, (username, division_id, division)) in staff.into_iter().enumerate() {
                    let item = plans::create_item(
                        tx,
                        &office,
                        p.id,
                        &item_input(
                            format!("自{}", k + 1),
                            format!("{}做好本局第{}项公开工作", BUREAUS[b].1, k + 1),
                            division,
                            vec![],
                        ),
                    )?;
                    out.push((username, division_id, item.id));
                }
                open_q3(tx, view.id, p.id)?;
                Ok((p.id, out))
            })
            .expect("bureau plan");
        bureaus.push(Bureau {
            office: format!("bureau{b}"),
            plan: bureau_plan,
            staff,
            leads: city_items
                .iter()
                .filter(|i| i.3 == b)
                .map(|i| i.0)
                .collect(),
            unit: view.unit_id,
        });
    }
    City { plan, bureaus }
}

/// Who is reading, and the marks they must never receive.
#[derive(Clone)]
struct Reader {
    name: String,
    token: String,
    forbidden: Vec<&'static str>,
}

impl Reader {
    /// Sends `req` with the reader's token; asserts the status and that the answer holds
    /// no record the reader must not see.
    async fn call(&self, req: reqwest::RequestBuilder, want: u16, what: &str) -> Value {
        let r = req.bearer_auth(&self.token).send().await.expect(what);
        let status = r.status().as_u16();
        let body = r.text().await.unwrap_or_default();
        assert_eq!(status, want, "{} {what}: {body}", self.name);
        for mark in &self.forbidden {
            assert!(
                !body.contains(mark),
                "{} received a record of an agency they must not see ({mark}) in {what}: {body}",
                self.name
            );
        }
        serde_json::from_str(&body).unwrap_or(Value::Null)
    }

    /// What the reader reads besides their work: their plans, 待办 and notifications.
    async fn look_around(&self, client: &reqwest::Client, server: &Server) {
        self.call(client.get(server.url("/api/v1/plans")), 200, "plans")
            .await;
        self.call(client.get(server.url("/api/v1/todo")), 200, "todo")
            .await;
        self.call(
            client.get(server.url("/api/v1/notifications")),
            200,
            "notifications",
        )
        .await;
    }
}

/// One report sent in: what the reader wrote and uploaded.
struct Sent {
    /// Who must find it afterwards (the plan's office).
    reviewer: String,
    report: i64,
    summary: String,
    evidence: i64,
    sha256: String,
    timings: Vec<(&'static str, Duration)>,
}

#[allow(clippy::too_many_arguments)]
/// Writes the Q3 report on `item` with `summary`, uploads a file named with `mark`, submits.
async fn report(
    client: &reqwest::Client,
    server: &Server,
    me: &Reader,
    item: i32,
    summary: String,
    mark: &str,
    n: usize,
    timings: &mut Vec<(&'static str, Duration)>,
) -> (i64, i64, String) {
    let t = Instant::now();
    let r = me
        .call(
            client
                .post(server.url(&format!("/api/v1/items/{item}/reports")))
                .json(&json!({"period": "2021-Q3", "summary": summary})),
            201,
            "write report",
        )
        .await;
    timings.push(("write report", t.elapsed()));
    let id = r["id"].as_i64().expect("report id");
    let mut bytes = vec![b'%'; EVIDENCE_BYTES];
    bytes[..9].copy_from_slice(b"%PDF-1.4\n");
    let tail = format!("\n%{} {n}\n%%EOF\n", me.name);
    bytes.extend_from_slice(tail.as_bytes());
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes)
            .file_name(format!("{mark}第三季度材料{n}.pdf"))
            .mime_str("application/pdf")
            .expect("mime"),
    );
    let t = Instant::now();
    let e = me
        .call(
            client
                .post(server.url(&format!("/api/v1/reports/{id}/evidence")))
                .multipart(form),
            201,
            "upload evidence",
        )
        .await;
    timings.push(("upload evidence", t.elapsed()));
    assert_eq!(
        e["sha256"],
        json!(sha256),
        "the server hashed what was sent"
    );
    let t = Instant::now();
    me.call(
        client
            .post(server.url(&format!("/api/v1/reports/{id}/submit")))
            .json(&json!({"version": r["version"]})),
        200,
        "submit",
    )
    .await;
    timings.push(("submit", t.elapsed()));
    (id, e["id"].as_i64().expect("evidence id"), sha256)
}

/// A division's staff member: reads their plan's items, reports on their own item, and
/// cannot reach the city plan or another bureau's item.
async fn division_client(
    server: &Server,
    me: Reader,
    (plan, division, item, mark, office): (i32, i32, i32, &'static str, String),
    foreign_item: i32,
    city_plan: i32,
    n: usize,
) -> Sent {
    let client = reqwest::Client::new();
    let mut timings = Vec::new();
    let t = Instant::now();
    let items = me
        .call(
            client.get(server.url(&format!("/api/v1/plans/{plan}/items?division={division}"))),
            200,
            "list items",
        )
        .await;
    timings.push(("list items", t.elapsed()));
    assert!(
        items
            .as_array()
            .expect("items")
            .iter()
            .any(|i| i["id"] == json!(item)),
        "{} sees item {item}",
        me.name
    );
    let summary = format!("{mark}第三季度已完成第{n}项工作，材料见附件。");
    let (report_id, evidence, sha256) = report(
        &client,
        server,
        &me,
        item,
        summary.clone(),
        mark,
        n,
        &mut timings,
    )
    .await;
    me.look_around(&client, server).await;
    me.call(
        client.get(server.url(&format!("/api/v1/items/{foreign_item}"))),
        404,
        "another bureau's item",
    )
    .await;
    me.call(
        client.get(server.url(&format!("/api/v1/plans/{city_plan}/items"))),
        404,
        "the city plan",
    )
    .await;
    Sent {
        reviewer: office,
        report: report_id,
        summary,
        evidence,
        sha256,
        timings,
    }
}

/// A bureau office reporting up: lists the city items its unit leads and reports on each.
async fn bureau_client(
    server: &Server,
    me: Reader,
    bureau: &Bureau,
    city_plan: i32,
    foreign_item: i32,
    n: usize,
) -> Vec<Sent> {
    let client = reqwest::Client::new();
    let mut timings = Vec::new();
    let t = Instant::now();
    let items = me
        .call(
            client.get(server.url(&format!(
                "/api/v1/plans/{city_plan}/items?division={}",
                bureau.unit
            ))),
            200,
            "list city items",
        )
        .await;
    timings.push(("list items", t.elapsed()));
    let listed: Vec<&Value> = items.as_array().expect("items").iter().collect();
    for lead in &bureau.leads {
        assert!(
            listed.iter().any(|i| i["id"] == json!(lead)),
            "{} sees the city item {lead} its bureau leads",
            me.name
        );
    }
    let mut out = Vec::new();
    for (k, item) in bureau.leads.iter().enumerate() {
        let summary = format!("{CITY_MARK}本局第三季度已完成第{k}项市级任务（{n}）。");
        let mut t = Vec::new();
        let (report_id, evidence, sha256) = report(
            &client,
            server,
            &me,
            *item,
            summary.clone(),
            CITY_MARK,
            n * 10 + k,
            &mut t,
        )
        .await;
        timings.extend(t);
        out.push(Sent {
            reviewer: "city".into(),
            report: report_id,
            summary,
            evidence,
            sha256,
            timings: std::mem::take(&mut timings),
        });
    }
    me.look_around(&client, server).await;
    me.call(
        client.get(server.url(&format!("/api/v1/items/{foreign_item}"))),
        404,
        "another bureau's item",
    )
    .await;
    out
}

/// The marks a user of bureau `b` must not receive (its divisions also not the city's).
fn forbidden_for(b: usize, office: bool) -> Vec<&'static str> {
    let mut marks: Vec<&'static str> = BUREAUS
        .iter()
        .enumerate()
        .filter(|(k, _)| *k != b)
        .map(|(_, (_, mark))| *mark)
        .collect();
    if !office {
        marks.push(CITY_MARK);
    }
    marks
}

async fn city_rush(app: TestApp) {
    let city = seed_city(&app);
    let servers = if app.state.db.backend().name() == "postgres" {
        let (a, b) =
            futures_util::future::join(Server::start(&app, &[]), Server::start(&app, &[])).await;
        vec![a, b]
    } else {
        vec![Server::start(&app, &[]).await]
    };
    let client = reqwest::Client::new();
    // Log in first (200 argon2 checks are the single-agency rush's business, not this one's).
    let mut divisions = Vec::new();
    let mut offices = Vec::new();
    let mut n = 0;
    for (b, bureau) in city.bureaus.iter().enumerate() {
        let foreign = &city.bureaus[(b + 1) % city.bureaus.len()];
        let foreign_item = foreign.staff[0].2;
        for (name, division, item) in &bureau.staff {
            let server = &servers[n % servers.len()];
            let me = Reader {
                token: api_login(&client, server, name).await,
                name: name.clone(),
                forbidden: forbidden_for(b, false),
            };
            divisions.push((
                server,
                me,
                (
                    bureau.plan,
                    *division,
                    *item,
                    BUREAUS[b].1,
                    bureau.office.clone(),
                ),
                foreign_item,
                n,
            ));
            n += 1;
        }
        let server = &servers[n % servers.len()];
        let me = Reader {
            token: api_login(&client, server, &bureau.office).await,
            name: bureau.office.clone(),
            forbidden: forbidden_for(b, true),
        };
        offices.push((server, me, bureau, foreign_item, n));
        n += 1;
    }
    let everyone: Vec<Reader> = divisions
        .iter()
        .map(|d| d.1.clone())
        .chain(offices.iter().map(|o| o.1.clone()))
        .collect();

    let started = Instant::now();
    let city_plan = city.plan;
    let division_work = futures_util::future::join_all(divisions.into_iter().map(
        |(server, me, what, foreign, n)| division_client(server, me, what, foreign, city_plan, n),
    ));
    let office_work = futures_util::future::join_all(offices.into_iter().map(
        |(server, me, bureau, foreign, n)| bureau_client(server, me, bureau, city_plan, foreign, n),
    ));
    let (sent_by_divisions, sent_by_offices) = actix_web::rt::time::timeout(
        LIMIT,
        futures_util::future::join(division_work, office_work),
    )
    .await
    .expect("the city's rush finished in time");
    let took = started.elapsed();
    let sent: Vec<Sent> = sent_by_divisions
        .into_iter()
        .chain(sent_by_offices.into_iter().flatten())
        .collect();

    // Afterwards: each plan's office finds every report sent to it, submitted, with its text
    // and its file; the city office reads a bureau's division report (it supervises), another
    // bureau's office cannot.
    let mut reviewers = std::collections::HashMap::new();
    for name in
        std::iter::once("city".to_string()).chain(city.bureaus.iter().map(|b| b.office.clone()))
    {
        let token = api_login(&client, &servers[0], &name).await;
        reviewers.insert(name, token);
    }
    for (k, s) in sent.iter().enumerate() {
        let server = &servers[(k + 1) % servers.len()];
        let r = client
            .get(server.url(&format!("/api/v1/reports/{}", s.report)))
            .bearer_auth(&reviewers[&s.reviewer])
            .send()
            .await
            .expect("report");
        let r = crate::load::expect_status(r, 200, "read report back").await;
        assert_eq!(r["state"], json!("submitted"), "report {}", s.report);
        assert_eq!(r["summary"], json!(s.summary));
        let files = r["evidence"].as_array().expect("evidence");
        assert_eq!(files.len(), 1, "report {} has its one file", s.report);
        assert_eq!(files[0]["id"], json!(s.evidence));
        assert_eq!(files[0]["sha256"], json!(s.sha256));
        let stored = workplan::evidence::path_for(&app.state.config.storage_dir, &s.sha256)
            .expect("hash path");
        let bytes = std::fs::read(&stored).expect("stored file");
        assert_eq!(
            hex::encode(Sha256::digest(&bytes)),
            s.sha256,
            "file on disk"
        );
    }
    let division_report = sent
        .iter()
        .find(|s| s.reviewer == city.bureaus[0].office)
        .expect("a division report of the first bureau");
    for (who, want) in [("city", 200), (city.bureaus[1].office.as_str(), 404)] {
        let r = client
            .get(servers[0].url(&format!("/api/v1/reports/{}", division_report.report)))
            .bearer_auth(&reviewers[who])
            .send()
            .await
            .expect("report");
        assert_eq!(
            r.status(),
            want,
            "{who} reading the first bureau's division report"
        );
    }
    // Once everything is in, every user looks around again: their 待办 and notifications now
    // hold everything the rush made.
    for (k, me) in everyone.iter().enumerate() {
        me.look_around(&client, &servers[k % servers.len()]).await;
    }

    let mut out = format!(
        "city rush on {}: {} bureaus, {} division staff and {} offices at once, {} servers, {:.1} s, 0 errors, {} reports checked, no record seen across agencies\n",
        app.state.db.backend().name(),
        city.bureaus.len(),
        everyone.len() - city.bureaus.len(),
        city.bureaus.len(),
        servers.len(),
        took.as_secs_f64(),
        sent.len()
    );
    for name in ["list items", "write report", "upload evidence", "submit"] {
        let mut t: Vec<Duration> = sent
            .iter()
            .flat_map(|s| s.timings.iter())
            .filter(|(s, _)| *s == name)
            .map(|(_, d)| *d)
            .collect();
        t.sort();
        if let Some(max) = t.last() {
            out.push_str(&format!(
                "  {name:<16} p50 {:>6.0} ms   max {:>6.0} ms\n",
                t[t.len() / 2].as_secs_f64() * 1e3,
                max.as_secs_f64() * 1e3
            ));
        }
    }
    eprint!("{out}");
}

crate::on_both_backends!(city_rush);
