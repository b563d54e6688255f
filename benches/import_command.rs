//! The whole import command as a user waits for it: `workplan import PLAN.xlsx --year 2021
//! --dry-run --json` run as a process on the 10,000-row plan, against a process that only
//! reads the same file with calamine (this benchmark re-run as a child in baseline mode).
//!
//! `cargo bench --bench import_command` runs the two alternately, so machine load falls on
//! both alike, and prints their medians and the ratio (target: at most 2×). Start-up, the
//! name report and the JSON written to stdout all count. With WORKPLAN_BENCH_PLAN_OUT=FILE
//! it only writes the plan there, for profiling the command by hand.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "support/plan.rs"]
mod plan;
use plan::{calamine_read, make_plan, ROWS};

const RUNS: usize = 9;
/// Set in the child that stands for "a process that only reads the file with calamine".
const BASELINE_ENV: &str = "WORKPLAN_BENCH_CALAMINE_ONLY";

fn timed(cmd: &mut Command) -> Duration {
    let started = Instant::now();
    let out = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .output()
        .expect("run");
    let took = started.elapsed();
    assert!(out.status.success(), "{cmd:?} failed: {:?}", out.status);
    assert!(!out.stdout.is_empty(), "{cmd:?} printed nothing");
    took
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    if let Some(path) = std::env::var_os(BASELINE_ENV) {
        let bytes = std::fs::read(path).expect("plan");
        // Print something, as the real command does, so both pay for a pipe.
        println!("{}", calamine_read(&bytes));
        return;
    }
    if let Some(out) = std::env::var_os("WORKPLAN_BENCH_PLAN_OUT") {
        // Only write the plan (to profile the command by hand).
        std::fs::write(out, make_plan(ROWS)).expect("write plan");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("plan.xlsx");
    std::fs::write(&file, make_plan(ROWS)).expect("write plan");
    let me = std::env::current_exe().expect("own path");
    let bin = env!("CARGO_BIN_EXE_workplan");
    let mut ours = Vec::new();
    let mut base = Vec::new();
    for round in 0..=RUNS {
        let o = timed(Command::new(bin).current_dir(dir.path()).args([
            "import",
            "plan.xlsx",
            "--year",
            "2021",
            "--dry-run",
            "--json",
        ]));
        let b = timed(Command::new(&me).env(BASELINE_ENV, &file));
        // The first round warms the page cache and is not counted.
        if round > 0 {
            ours.push(o);
            base.push(b);
        }
    }
    let (ours, base) = (median(ours), median(base));
    let ratio = ours.as_secs_f64() / base.as_secs_f64();
    println!("whole import command on a {ROWS}-row plan, median of {RUNS} alternating runs");
    println!(
        "  process reading it with calamine:        {:>8.1} ms",
        base.as_secs_f64() * 1000.0
    );
    println!(
        "  workplan import --dry-run --json:        {:>8.1} ms",
        ours.as_secs_f64() * 1000.0
    );
    println!(
        "  ratio: {ratio:.2}x (target <= 2.00x) {}",
        if ratio <= 2.0 {
            "ok"
        } else {
            "SLOWER THAN TARGET"
        }
    );
}
