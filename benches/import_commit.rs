//! Committing the 10,000-row plan: the one write transaction `workplan import` (and the API
//! and the page) runs after the preview, on a fresh SQLite file and, when
//! WORKPLAN_TEST_PG_URL names a PostgreSQL server, on a fresh PostgreSQL database.
//!
//! `cargo bench --bench import_commit` prints the median of three commits on each backend
//! against the targets (SQLite ≤ 1.5 s, PostgreSQL ≤ 3 s), and each division's users get
//! their 新分工 notices as in a real import (ten users spread over the plan's divisions).

use std::time::{Duration, Instant};

use diesel::prelude::*;

use workplan::db::Db;
use workplan::domain::division::DivisionKind;
use workplan::domain::role::Role;
use workplan::import::{read_plan, ImportOptions, PlanDraft};
use workplan::service::accounts::{self, NewUserInput};
use workplan::service::directory::{self, NewDivisionInput};
use workplan::service::imports::{self, CommitOptions};
use workplan::service::Caller;

#[path = "support/plan.rs"]
mod plan;
use plan::{make_plan, ROWS};

const RUNS: usize = 3;

/// The divisions the plan names, with two staff each, as an agency has before importing.
fn seed(db: &Db) {
    let cli = Caller::cli();
    for (k, name) in ["办公室", "法规宣传处", "体育产业处", "计划财务处"]
        .iter()
        .enumerate()
    {
        let input = NewDivisionInput {
            name: name.to_string(),
            aliases: vec![],
            kind: DivisionKind::Internal,
        };
        let d = db
            .write_blocking(|c| directory::create(c, &cli, &input))
            .expect("division");
        for n in 0..2 {
            let user = NewUserInput {
                username: format!("staff{k}{n}"),
                display_name: String::new(),
                role: Role::Division,
                division_id: Some(d.id),
                password: "bench-password-1".into(),
                email: None,
                temporary: false,
            };
            db.write_blocking(|c| accounts::create_user(c, &cli, &user))
                .expect("user");
        }
    }
}

fn commit_once(url: &str, draft: &PlanDraft) -> Duration {
    let db = Db::connect(url, 2).expect("connect");
    db.migrate().expect("migrate");
    seed(&db);
    let started = Instant::now();
    let result = db
        .write_blocking(|c| {
            imports::commit(
                c,
                &Caller::cli(),
                draft,
                2021,
                "bench",
                &CommitOptions::default(),
            )
        })
        .expect("commit");
    let took = started.elapsed();
    assert_eq!(result.items_added, ROWS, "every item committed");
    took
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn report(backend: &str, took: Duration, target: f64) {
    let s = took.as_secs_f64();
    println!(
        "  {backend:<11} {:>7.0} ms (target <= {:.1} s) {}",
        s * 1000.0,
        target,
        if s <= target {
            "ok"
        } else {
            "SLOWER THAN TARGET"
        }
    );
}

fn main() {
    let bytes = make_plan(ROWS);
    let draft = read_plan(&bytes, "plan.xlsx", &ImportOptions::for_year(2021)).expect("plan");
    println!("commit of a {ROWS}-row plan in one transaction, median of {RUNS}");
    let sqlite: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let dir = tempfile::tempdir().expect("tempdir");
            let url = format!("sqlite://{}", dir.path().join("workplan.db").display());
            commit_once(&url, &draft)
        })
        .collect();
    report("SQLite", median(sqlite), 1.5);
    match std::env::var("WORKPLAN_TEST_PG_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        None => println!("  PostgreSQL  skipped: set WORKPLAN_TEST_PG_URL to measure it"),
        Some(admin_url) => {
            let base = admin_url
                .rsplit_once('/')
                .map_or(admin_url.as_str(), |(b, _)| b)
                .to_string();
            let mut admin = PgConnection::establish(&admin_url).expect("PostgreSQL");
            let pg: Vec<Duration> = (0..RUNS)
                .map(|k| {
                    let name = format!("wp_bench_commit_{}_{k}", std::process::id());
                    diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
                        .execute(&mut admin)
                        .expect("create database");
                    let took = commit_once(&format!("{base}/{name}"), &draft);
                    diesel::sql_query(format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
                        .execute(&mut admin)
                        .expect("drop database");
                    took
                })
                .collect();
            report("PostgreSQL", median(pg), 3.0);
        }
    }
}
