//! API read speed: a division's item list (`GET /api/v1/plans/{id}/items?division=…`)
//! against a bare actix-web handler reading one row from the same SQLite file.
//!
//! `cargo bench --bench api` builds a plan like a real one (300 items, 20 divisions, each
//! item with a lead and a supporting division) in a fresh SQLite file, then serves it twice
//! from this process over loopback: the whole workplan app (security headers, bearer token
//! check, role scope, status computed from deadlines, JSON of ~25 items) and a baseline
//! app with one route that reads one item by primary key through a diesel pool. One client
//! sends requests on a kept-alive connection to each, alternately in rounds, so machine
//! load falls on both alike; it prints the median latency of each and their ratio.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use actix_web::{web, App, HttpResponse, HttpServer};
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};
use diesel::sql_types::{Integer, Text};

use workplan::config::Config;
use workplan::db::Db;
use workplan::domain::division::DivisionKind;
use workplan::domain::role::Role;
use workplan::service::accounts::{self, NewUserInput};
use workplan::service::directory::{self, NewDivisionInput};
use workplan::service::plans::{self, NewItemInput, NewPlanInput};
use workplan::service::Caller;
use workplan::web::{configure, security_headers, AppState};

const ITEMS: usize = 300;
const DIVISIONS: usize = 20;
const ROUNDS: usize = 9;
const PER_ROUND: usize = 300;
const PASSWORD: &str = "bench-password-1";

/// One row as the baseline reads it.
#[derive(QueryableByName, serde::Serialize)]
struct Row {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Text)]
    task: String,
}

type SqlitePool = Pool<ConnectionManager<SqliteConnection>>;

async fn point_read(pool: web::Data<SqlitePool>, id: web::Path<i32>) -> HttpResponse {
    let id = id.into_inner();
    let pool = pool.into_inner();
    let row = web::block(move || {
        let mut c = pool.get().expect("baseline connection");
        diesel::sql_query("SELECT id, task FROM items WHERE id = ?")
            .bind::<Integer, _>(id)
            .get_result::<Row>(&mut c)
    })
    .await
    .expect("blocking")
    .expect("row");
    HttpResponse::Ok().json(row)
}

/// Seeds the plan; returns (plan id, a division's id, an item id).
fn seed(db: &Db) -> (i32, i32, i32) {
    let cli = Caller::cli();
    let names: Vec<String> = (0..DIVISIONS).map(|i| format!("第{}处", i + 1)).collect();
    let mut ids = Vec::new();
    for name in &names {
        let input = NewDivisionInput {
            name: name.clone(),
            aliases: vec![],
            kind: DivisionKind::Internal,
        };
        ids.push(
            db.write_blocking(|c| directory::create(c, &cli, &input))
                .expect("division")
                .id,
        );
    }
    for (name, role, division_id) in [
        ("office", Role::Office, None),
        ("staff", Role::Division, Some(ids[0])),
    ] {
        let input = NewUserInput {
            username: name.to_string(),
            display_name: String::new(),
            password: PASSWORD.to_string(),
            role,
            division_id,
            email: None,
            temporary: false,
        };
        db.write_blocking(|c| accounts::create_user(c, &cli, &input))
            .expect("user");
    }
    let office = Caller {
        name: "office".to_string(),
        ..Caller::cli()
    };
    let plan = db
        .write_blocking(|c| {
            plans::create(
                c,
                &office,
                &NewPlanInput {
                    year: 2021,
                    title: "政务公开工作要点分工方案".to_string(),
                    document_number: None,
                },
            )
        })
        .expect("plan");
    let deadlines = [
        "3月底前",
        "6月底前",
        "9月底前",
        "年底前",
        "每季度",
        "长期坚持",
    ];
    let mut item_id = 0;
    for i in 0..ITEMS {
        let input = NewItemInput {
            number: (i + 1).to_string(),
            task: format!("做好第{}项重点领域信息公开工作", i + 1),
            requirement: format!(
                "及时公开相关政策文件和解读材料，{}完成，并在门户网站专栏集中发布。",
                deadlines[i % deadlines.len()]
            ),
            lead: vec![names[i % DIVISIONS].clone()],
            support: vec![names[(i * 7 + 3) % DIVISIONS].clone()],
        };
        item_id = db
            .write_blocking(|c| plans::create_item(c, &office, plan.id, &input))
            .expect("item")
            .id;
    }
    (plan.id, ids[0], item_id)
}

/// Sends one GET on a kept-alive connection; returns the body length.
fn get(conn: &mut BufReader<TcpStream>, path: &str, token: Option<&str>) -> usize {
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    // One write per request: several small writes would wait on Nagle and delayed ACKs.
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n{auth}\r\n");
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

fn login(port: u16) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let body = format!(r#"{{"username":"staff","password":"{PASSWORD}"}}"#);
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
    v["token"].as_str().expect("token").to_string()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("workplan.db");
    let url = format!("sqlite://{}", path.display());
    let dir_s = dir.path().display().to_string();
    let config = Config::load_with(None, &|k| match k {
        "WORKPLAN_DATABASE_URL" => Some(url.clone()),
        "WORKPLAN_DATA_DIR" => Some(dir_s.clone()),
        "WORKPLAN_STORAGE_DIR" => Some(format!("{dir_s}/evidence")),
        _ => None,
    })
    .expect("config");
    let db = Db::connect(&url, config.pool_size).expect("connect");
    db.migrate().expect("migrate");
    let (plan, division, item) = seed(&db);

    let (app_port, base_port) = (free_port(), free_port());
    let state = web::Data::new(AppState::new(
        db,
        config,
        "bench-secret-that-is-long-enough-for-hs256",
    ));
    let baseline_pool = web::Data::new(
        Pool::builder()
            .max_size(8)
            .build(ConnectionManager::<SqliteConnection>::new(
                path.to_str().expect("utf8 path"),
            ))
            .expect("baseline pool"),
    );
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let app = HttpServer::new(move || {
                App::new()
                    .wrap(security_headers())
                    .configure(configure(state.clone()))
            })
            .workers(1)
            .bind(("127.0.0.1", app_port))
            .expect("bind app")
            .run();
            let base = HttpServer::new(move || {
                App::new()
                    .app_data(baseline_pool.clone())
                    .route("/items/{id}", web::get().to(point_read))
            })
            .workers(1)
            .bind(("127.0.0.1", base_port))
            .expect("bind baseline")
            .run();
            let _ = futures_util::future::join(app, base).await;
        });
    });
    let wait = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", base_port)).is_err()
        || TcpStream::connect(("127.0.0.1", app_port)).is_err()
    {
        assert!(Instant::now() < wait, "servers did not start");
        std::thread::sleep(Duration::from_millis(20));
    }

    let token = login(app_port);
    let list = format!("/api/v1/plans/{plan}/items?division={division}");
    let point = format!("/items/{item}");
    let connect = |port: u16| {
        let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        s.set_nodelay(true).expect("nodelay");
        s.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        BufReader::new(s)
    };
    let (mut app, mut base) = (connect(app_port), connect(base_port));
    let list_bytes = get(&mut app, &list, Some(&token));
    get(&mut base, &point, None);
    for _ in 0..PER_ROUND {
        get(&mut app, &list, Some(&token));
        get(&mut base, &point, None);
    }

    let (mut app_all, mut base_all, mut ratios) = (vec![], vec![], vec![]);
    for _ in 0..ROUNDS {
        let (mut a, mut b) = (vec![], vec![]);
        for _ in 0..PER_ROUND {
            let t = Instant::now();
            get(&mut base, &point, None);
            b.push(t.elapsed());
            let t = Instant::now();
            get(&mut app, &list, Some(&token));
            a.push(t.elapsed());
        }
        ratios.push(median(&mut a).as_secs_f64() / median(&mut b).as_secs_f64());
        app_all.extend(a);
        base_all.extend(b);
    }
    ratios.sort_by(f64::total_cmp);
    let (a, b) = (median(&mut app_all), median(&mut base_all));
    println!(
        "api: division item list ({list_bytes} bytes of JSON) vs bare actix-web + SQLite point read, {ROUNDS}×{PER_ROUND} requests each"
    );
    println!(
        "  baseline point read   median {:>8.1} µs",
        b.as_secs_f64() * 1e6
    );
    println!(
        "  workplan item list    median {:>8.1} µs",
        a.as_secs_f64() * 1e6
    );
    println!(
        "  ratio {:.2}× (per round {:.2}–{:.2}×)",
        a.as_secs_f64() / b.as_secs_f64(),
        ratios[0],
        ratios[ratios.len() - 1]
    );
}
