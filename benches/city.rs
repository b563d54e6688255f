//! A city on PostgreSQL (issue 19, point 4): the upper 总览 and an agency's 我的任务 against
//! the same pages of a one-agency plan of the same size.
//!
//! `WORKPLAN_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench city`
//! builds two fresh databases on that server in the same run:
//!
//! - the city: 广州市政务公开办 with 40 agencies below it, each with 10 divisions and an office
//!   account; the city's plan of 60 items, each led by one agency's unit and supported by
//!   three others; each agency's own plan holding the items it was given (copied, with
//!   `upper_item_id`), assigned to its divisions; four quarters of reporting periods on both
//!   levels, reports in mixed states (accepted, submitted, draft) and most leads
//!   acknowledged;
//! - the baseline: one agency whose plan is the city plan's twin (60 items over 40 divisions,
//!   the same assignments, periods and report states), and nothing else.
//!
//! Each database is served by two app instances (two `AppState`s with their own pools, each
//! its own actix server) and requests alternate between them on kept-alive connections, the
//! city's page and the baseline's in turn, so machine load falls on both alike. Printed: the
//! median of each page, their ratio, and the SQL statements each request ran (counted with
//! diesel's instrumentation; `WORKPLAN_BENCH_SQL=1` prints them).
//! Without WORKPLAN_TEST_PG_URL it says so and does nothing.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use actix_web::{web, App, HttpServer};
use chrono::Datelike;
use diesel::prelude::*;

use workplan::config::Config;
use workplan::db::schema::{acknowledgements, items, plans as plan_rows, reports, users};
use workplan::db::{Db, WriteTx};
use workplan::domain::division::DivisionKind;
use workplan::domain::lifecycle::{AcknowledgementState, ReportState};
use workplan::domain::role::Role;
use workplan::error::AppError;
use workplan::service::accounts::{self, NewUserInput};
use workplan::service::agency::{self, NewAgencyInput};
use workplan::service::directory::{self, NewDivisionInput};
use workplan::service::plans::{self, NewItemInput, NewPlanInput};
use workplan::service::reports::{self as report_service, OpenPeriodInput};
use workplan::service::Caller;
use workplan::web::{configure, security_headers, AppState};

const AGENCIES: usize = 40;
const DIVISIONS: usize = 10;
const ITEMS: usize = 60;
/// Supporting units of each city item, besides its lead.
const SUPPORTS: usize = 3;
const ROUNDS: usize = 5;
const PER_ROUND: usize = 20;
const PASSWORD: &str = "bench-password-1";
const SECRET: &str = "bench-secret-that-is-long-enough-for-hs256";

const DIVISION_NAMES: [&str; DIVISIONS] = [
    "办公室",
    "政策法规处",
    "规划财务处",
    "人事处",
    "机关党委",
    "信息中心",
    "监督检查处",
    "宣传处",
    "行政审批处",
    "综合业务处",
];

static QUERIES: AtomicUsize = AtomicUsize::new(0);
static SHOW_SQL: AtomicBool = AtomicBool::new(false);

fn count_queries() -> Option<Box<dyn diesel::connection::Instrumentation>> {
    Some(Box::new(
        |event: diesel::connection::InstrumentationEvent<'_>| {
            if let diesel::connection::InstrumentationEvent::StartQuery { query, .. } = event {
                QUERIES.fetch_add(1, Ordering::SeqCst);
                if SHOW_SQL.load(Ordering::SeqCst) {
                    let sql = query.to_string();
                    println!("    sql: {}", sql.chars().take(160).collect::<String>());
                }
            }
        },
    ))
}

/// A database of its own on the server, dropped at the end (or when the bench fails).
struct PgDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl PgDatabase {
    fn create(admin_url: &str, what: &str) -> Self {
        let name = format!("wp_bench_city_{what}_{}", std::process::id());
        let mut admin = PgConnection::establish(admin_url).expect("PostgreSQL admin connection");
        diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .execute(&mut admin)
            .expect("drop old database");
        diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .expect("create database");
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url, |(b, _)| b)
            .to_string();
        PgDatabase {
            admin_url: admin_url.to_string(),
            url: format!("{base}/{name}"),
            name,
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut c) = PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .execute(&mut c);
        }
    }
}

fn config(url: &str, dir: &std::path::Path) -> Config {
    let url = url.to_string();
    let dir = dir.display().to_string();
    Config::load_with(None, &move |k| match k {
        "WORKPLAN_DATABASE_URL" => Some(url.clone()),
        "WORKPLAN_DATA_DIR" => Some(dir.clone()),
        "WORKPLAN_STORAGE_DIR" => Some(format!("{dir}/evidence")),
        _ => None,
    })
    .expect("config")
}

/// The office of `agency` acting in it (audit entries name the bench).
fn office_of(agency: i32) -> Caller {
    Caller {
        name: "bench".to_string(),
        agency_id: agency,
        home_agency_id: agency,
        ..Caller::cli()
    }
}

fn user(
    tx: &mut WriteTx<'_>,
    agency: i32,
    name: &str,
    role: Role,
    division: Option<i32>,
) -> Result<(), AppError> {
    accounts::create_user(
        tx,
        &office_of(agency),
        &NewUserInput {
            username: name.to_string(),
            display_name: String::new(),
            password: PASSWORD.to_string(),
            role,
            division_id: division,
            email: None,
            temporary: false,
        },
    )?;
    Ok(())
}

/// Units a city-plan item `i` is assigned to: (lead, supports), indexes into the units.
fn city_parts(i: usize, units: usize) -> (usize, Vec<usize>) {
    let lead = i % units;
    let mut support = Vec::new();
    for k in [7, 11, 13].into_iter().take(SUPPORTS) {
        let u = (i * k + k / 2) % units;
        if u != lead && !support.contains(&u) {
            support.push(u);
        }
    }
    (lead, support)
}

/// One item as it is written in the plan above and copied below.
struct ItemText {
    number: String,
    task: String,
    requirement: String,
    upper: Option<i32>,
}

fn city_item(i: usize) -> ItemText {
    let deadlines = [
        "3月底前",
        "6月底前",
        "9月底前",
        "年底前",
        "每季度",
        "长期坚持",
    ];
    ItemText {
        number: (i + 1).to_string(),
        task: format!("做好第{}项重点领域信息公开工作", i + 1),
        requirement: format!(
            "及时公开相关政策文件和解读材料，{}完成，并在门户网站专栏集中发布。",
            deadlines[i % deadlines.len()]
        ),
        upper: None,
    }
}

/// Makes a plan of `agency` with the given items, the i-th assigned by `parts(i)` to the
/// named units; opens the year's four quarters and writes reports in mixed states. Returns
/// (plan id, item ids).
#[allow(clippy::too_many_arguments)]
fn build_plan(
    db: &Db,
    agency: i32,
    year: i32,
    title: &str,
    upper_plan: Option<i32>,
    texts: &[ItemText],
    units: &[String],
    parts: &dyn Fn(usize) -> (usize, Vec<usize>),
) -> (i32, Vec<i32>) {
    let office = office_of(agency);
    db.write_blocking(|tx| -> Result<_, AppError> {
        let plan = plans::create(
            tx,
            &office,
            &NewPlanInput {
                year,
                title: title.to_string(),
                document_number: Some("穗府办函〔2021〕47号".to_string()),
            },
        )?;
        diesel::update(plan_rows::table.find(plan.id))
            .set(plan_rows::upper_plan_id.eq(upper_plan))
            .execute(tx.conn())?;
        let mut ids = Vec::new();
        let mut leads = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            let (lead, support) = parts(i);
            let item = plans::create_item(
                tx,
                &office,
                plan.id,
                &NewItemInput {
                    number: text.number.clone(),
                    task: text.task.clone(),
                    requirement: text.requirement.clone(),
                    lead: vec![units[lead].clone()],
                    support: support.iter().map(|s| units[*s].clone()).collect(),
                },
            )?;
            if let Some(upper) = text.upper {
                diesel::update(items::table.find(item.id))
                    .set((items::upper_item_id.eq(upper), items::upper_version.eq(1)))
                    .execute(tx.conn())?;
            }
            ids.push(item.id);
            leads.push(item.lead.first().and_then(|l| l.division_id).expect("lead"));
        }
        // Made in March, as plans are: the days to acknowledge are long over.
        let march = chrono::NaiveDate::from_ymd_opt(year, 3, 1)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("date");
        diesel::update(items::table.filter(items::plan_id.eq(plan.id)))
            .set(items::created_at.eq(march))
            .execute(tx.conn())?;
        for (k, (id, lead)) in ids.iter().zip(&leads).enumerate() {
            if k % 4 != 3 {
                diesel::insert_into(acknowledgements::table)
                    .values((
                        acknowledgements::item_id.eq(id),
                        acknowledgements::division_id.eq(lead),
                        acknowledgements::state.eq(AcknowledgementState::Acknowledged),
                        acknowledgements::version.eq(1),
                        acknowledgements::created_at.eq(march),
                        acknowledgements::updated_at.eq(march),
                    ))
                    .execute(tx.conn())?;
            }
        }
        for q in 1..=4 {
            let period = report_service::open_period(
                tx,
                &office,
                plan.id,
                &OpenPeriodInput {
                    period: format!("{year}-Q{q}"),
                    due_on: None,
                },
                false,
            )?;
            for (k, (id, lead)) in ids.iter().zip(&leads).enumerate() {
                // Q1 and Q2 accepted; Q3 accepted or waiting for review; Q4 drafts,
                // some sent in, some not begun.
                let state = match (q, k % 3) {
                    (1 | 2, _) => ReportState::Accepted,
                    (3, 0) => ReportState::Submitted,
                    (3, _) => ReportState::Accepted,
                    (_, 0) => continue,
                    (_, 1) => ReportState::Draft,
                    _ => ReportState::Submitted,
                };
                let r = workplan::db::queries::reports::insert(
                    tx,
                    *id,
                    period.id,
                    *lead,
                    "已在门户网站专栏发布相关政策文件和解读材料，按时完成本季度工作。",
                    false,
                    workplan::db::queries::now(),
                )?;
                let now = workplan::db::queries::now();
                let submitted = (state != ReportState::Draft).then_some(now);
                let reviewed = (state == ReportState::Accepted).then_some(now);
                diesel::update(reports::table.find(r.id))
                    .set((
                        reports::state.eq(state),
                        reports::submitted_at.eq(submitted),
                        reports::reviewed_at.eq(reviewed),
                    ))
                    .execute(tx.conn())?;
            }
        }
        Ok((plan.id, ids))
    })
    .expect("plan")
}

/// What the pages are measured for.
struct Seeded {
    plan: i32,
    /// The plan whose 我的任务 a division of an agency below reads (the city only).
    agency_plan: Option<i32>,
}

fn seed_city(db: &Db, year: i32) -> Seeded {
    let city = Caller::cli();
    db.write_blocking(|tx| -> Result<_, AppError> {
        agency::seed(tx, "广州市政务公开办")?;
        user(tx, 1, "city", Role::Office, None)
    })
    .expect("city");
    // The agencies below, each with its divisions: (agency id, unit name, its division names).
    let mut below = Vec::new();
    for a in 0..AGENCIES {
        let full_name = format!("广州市第{}局", a + 1);
        let view = db
            .write_blocking(|tx| {
                agency::add_below(
                    tx,
                    &city,
                    &NewAgencyInput {
                        full_name: full_name.clone(),
                        short_name: format!("市第{}局", a + 1),
                        office_username: format!("office{a}"),
                        office_password: PASSWORD.to_string(),
                    },
                )
            })
            .expect("agency");
        db.write_blocking(|tx| -> Result<_, AppError> {
            // The bench logs in as it: no first-login password change.
            diesel::update(users::table.filter(users::agency_id.eq(view.id)))
                .set(users::must_change_password.eq(false))
                .execute(tx.conn())?;
            let mut first = None;
            for name in DIVISION_NAMES {
                let d = directory::create(
                    tx,
                    &office_of(view.id),
                    &NewDivisionInput {
                        name: name.to_string(),
                        aliases: vec![],
                        kind: DivisionKind::Internal,
                    },
                )?;
                first.get_or_insert(d.id);
            }
            if a == 0 {
                user(tx, view.id, "staff", Role::Division, first)?;
            }
            Ok(())
        })
        .expect("divisions");
        below.push((view.id, full_name));
    }
    let units: Vec<String> = below.iter().map(|(_, n)| n.clone()).collect();
    let texts: Vec<ItemText> = (0..ITEMS).map(city_item).collect();
    let parts = |i: usize| city_parts(i, AGENCIES);
    let (plan, item_ids) = build_plan(
        db,
        1,
        year,
        "政务公开工作要点",
        None,
        &texts,
        &units,
        &parts,
    );
    // Each agency's plan: the items its unit leads or supports, numbers and text kept.
    let divisions: Vec<String> = DIVISION_NAMES.iter().map(|s| s.to_string()).collect();
    let mut agency_plan = None;
    for (a, (agency_id, _)) in below.iter().enumerate() {
        let given: Vec<ItemText> = (0..ITEMS)
            .filter(|i| {
                let (lead, support) = parts(*i);
                lead == a || support.contains(&a)
            })
            .map(|i| ItemText {
                upper: Some(item_ids[i]),
                ..city_item(i)
            })
            .collect();
        let own = |k: usize| {
            let lead = (k + a) % DIVISIONS;
            (lead, vec![(lead + 1 + k % 3) % DIVISIONS])
        };
        let (p, _) = build_plan(
            db,
            *agency_id,
            year,
            "政务公开工作要点分工方案",
            Some(plan),
            &given,
            &divisions,
            &own,
        );
        agency_plan.get_or_insert(p);
    }
    Seeded { plan, agency_plan }
}

fn seed_baseline(db: &Db, year: i32) -> Seeded {
    let office = Caller::cli();
    let units: Vec<String> = (0..AGENCIES).map(|a| format!("第{}处", a + 1)).collect();
    db.write_blocking(|tx| -> Result<_, AppError> {
        agency::seed(tx, "广州市体育局")?;
        user(tx, 1, "city", Role::Office, None)?;
        let mut first = None;
        for name in &units {
            let d = directory::create(
                tx,
                &office,
                &NewDivisionInput {
                    name: name.clone(),
                    aliases: vec![],
                    kind: DivisionKind::Internal,
                },
            )?;
            first.get_or_insert(d.id);
        }
        user(tx, 1, "staff", Role::Division, first)?;
        user(tx, 1, "office0", Role::Division, first)
    })
    .expect("baseline agency");
    let texts: Vec<ItemText> = (0..ITEMS).map(city_item).collect();
    let (plan, _) = build_plan(
        db,
        1,
        year,
        "政务公开工作要点",
        None,
        &texts,
        &units,
        &|i| city_parts(i, AGENCIES),
    );
    Seeded {
        plan,
        agency_plan: None,
    }
}

/// Sends one GET on a kept-alive connection with the session cookie; returns the body length.
fn get(conn: &mut BufReader<TcpStream>, path: &str, token: &str) -> usize {
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nCookie: workplan_session={token}\r\n\r\n"
    );
    conn.get_mut().write_all(request.as_bytes()).expect("send");
    let mut status = String::new();
    conn.read_line(&mut status).expect("status line");
    assert!(status.starts_with("HTTP/1.1 200"), "{path}: {status}");
    let mut length = 0;
    loop {
        let mut line = String::new();
        conn.read_line(&mut line).expect("header");
        if line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().expect("length");
            }
        }
    }
    let mut body = vec![0; length];
    conn.read_exact(&mut body).expect("body");
    length
}

fn login(port: u16, name: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let body = format!(r#"{{"username":"{name}","password":"{PASSWORD}"}}"#);
    write!(
        s,
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    let json = out.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    let v: serde_json::Value = serde_json::from_str(json).expect("login JSON");
    v["token"]
        .as_str()
        .unwrap_or_else(|| panic!("token of {name}: {json}"))
        .to_string()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

fn connect(port: u16) -> BufReader<TcpStream> {
    let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_nodelay(true).expect("nodelay");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    BufReader::new(s)
}

/// Serves `url` from two app instances, each with its own pool; returns their ports.
fn serve_twice(url: &str, dir: &std::path::Path) -> [u16; 2] {
    let ports = [free_port(), free_port()];
    for port in ports {
        let config = config(url, dir);
        let db = Db::connect(url, config.pool_size).expect("connect");
        let state = web::Data::new(AppState::new(db, config, SECRET));
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let _ = HttpServer::new(move || {
                    App::new()
                        .wrap(security_headers())
                        .configure(configure(state.clone()))
                })
                .workers(1)
                .bind(("127.0.0.1", port))
                .expect("bind app")
                .run()
                .await;
            });
        });
    }
    let wait = Instant::now() + Duration::from_secs(10);
    while ports
        .iter()
        .any(|p| TcpStream::connect(("127.0.0.1", *p)).is_err())
    {
        assert!(Instant::now() < wait, "servers did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    ports
}

/// One page as one user reads it from both instances of a database.
struct Reader {
    path: String,
    token: String,
    conns: [BufReader<TcpStream>; 2],
    next: usize,
}

impl Reader {
    fn new(ports: [u16; 2], user: &str, path: String) -> Self {
        Reader {
            token: login(ports[0], user),
            path,
            conns: [connect(ports[0]), connect(ports[1])],
            next: 0,
        }
    }

    /// One request, to the instances in turn: (time, bytes).
    fn read(&mut self) -> (Duration, usize) {
        let at = Instant::now();
        let n = get(&mut self.conns[self.next], &self.path, &self.token);
        self.next = 1 - self.next;
        (at.elapsed(), n)
    }

    /// The statements one request runs (on the instance whose turn it is).
    fn statements(&mut self) -> usize {
        let show = std::env::var("WORKPLAN_BENCH_SQL").is_ok_and(|v| v == "1");
        SHOW_SQL.store(show, Ordering::SeqCst);
        if show {
            println!("  {}:", self.path);
        }
        let before = QUERIES.load(Ordering::SeqCst);
        self.read();
        let n = QUERIES.load(Ordering::SeqCst) - before;
        SHOW_SQL.store(false, Ordering::SeqCst);
        n
    }
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let Some(admin) = std::env::var("WORKPLAN_TEST_PG_URL")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        println!(
            "city: SKIPPED, it runs on PostgreSQL only: set WORKPLAN_TEST_PG_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres"
        );
        return;
    };
    diesel::connection::set_default_instrumentation(count_queries).expect("instrumentation");
    let dir = tempfile::tempdir().expect("tempdir");
    let year = chrono::Local::now().year();
    let (city_db, base_db) = (
        PgDatabase::create(&admin, "city"),
        PgDatabase::create(&admin, "base"),
    );
    let started = Instant::now();
    let (city, base) = {
        let cfg = config(&city_db.url, dir.path());
        let db = Db::connect(&city_db.url, cfg.pool_size).expect("connect city");
        db.migrate().expect("migrate city");
        let city = seed_city(&db, year);
        let cfg = config(&base_db.url, dir.path());
        let db = Db::connect(&base_db.url, cfg.pool_size).expect("connect baseline");
        db.migrate().expect("migrate baseline");
        (city, seed_baseline(&db, year))
    };
    println!(
        "city: {AGENCIES} agencies × {DIVISIONS} divisions, a city plan of {ITEMS} items and each agency's own; \
         baseline: one agency's plan of {ITEMS} items over {AGENCIES} divisions; built in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let city_ports = serve_twice(&city_db.url, dir.path());
    let base_ports = serve_twice(&base_db.url, dir.path());
    let agency_plan = city.agency_plan.expect("an agency plan");
    // (what, city reader, baseline reader)
    let mut pages = vec![
        (
            "upper 总览 (city office, city plan)",
            Reader::new(city_ports, "city", format!("/overview?plan={}", city.plan)),
            Reader::new(base_ports, "city", format!("/overview?plan={}", base.plan)),
        ),
        (
            "agency office's 我的任务 (city plan)",
            Reader::new(city_ports, "office0", format!("/my?plan={}", city.plan)),
            Reader::new(base_ports, "office0", format!("/my?plan={}", base.plan)),
        ),
        (
            "division's 我的任务 (its agency's plan)",
            Reader::new(city_ports, "staff", format!("/my?plan={agency_plan}")),
            Reader::new(base_ports, "staff", format!("/my?plan={}", base.plan)),
        ),
    ];
    println!("city: two instances per database, requests alternating; {ROUNDS}×{PER_ROUND} requests per page and side");
    for (what, city, base) in &mut pages {
        // Warm both instances' pools and statement caches.
        for _ in 0..4 {
            city.read();
            base.read();
        }
        let (city_sql, base_sql) = (city.statements(), base.statements());
        let (mut c_all, mut b_all, mut ratios) = (vec![], vec![], vec![]);
        let (mut c_bytes, mut b_bytes) = (0, 0);
        for _ in 0..ROUNDS {
            let (mut c, mut b) = (vec![], vec![]);
            for _ in 0..PER_ROUND {
                let (t, n) = base.read();
                b.push(t);
                b_bytes = n;
                let (t, n) = city.read();
                c.push(t);
                c_bytes = n;
            }
            ratios.push(median(&mut c).as_secs_f64() / median(&mut b).as_secs_f64());
            c_all.extend(c);
            b_all.extend(b);
        }
        ratios.sort_by(f64::total_cmp);
        let worst = c_all.iter().max().copied().unwrap_or_default();
        let (c, b) = (median(&mut c_all), median(&mut b_all));
        println!("  {what}");
        println!(
            "    baseline (one agency)  median {:>7.1} ms  {b_bytes:>7} bytes  {base_sql:>3} statements",
            ms(b)
        );
        println!(
            "    city                   median {:>7.1} ms  {c_bytes:>7} bytes  {city_sql:>3} statements  (slowest {:.1} ms)",
            ms(c),
            ms(worst)
        );
        println!(
            "    ratio {:.2}× (per round {:.2}–{:.2}×)",
            c.as_secs_f64() / b.as_secs_f64(),
            ratios[0],
            ratios[ratios.len() - 1]
        );
    }
    drop(pages);
    drop((city_db, base_db));
}
