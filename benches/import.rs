//! Import speed: the dry run of a 10,000-row plan against calamine reading the same file.
//!
//! `cargo bench --bench import` prints both medians and their ratio (target: at most 2×).
//! The baseline is what calamine alone does for us: open the workbook, read every sheet's
//! cells and its merged regions. Both run in this process on the same bytes.

use std::time::{Duration, Instant};

use workplan::import::{read_plan, ImportOptions};

#[path = "support/plan.rs"]
mod plan;
use plan::{calamine_read, make_plan, ROWS};

const RUNS: usize = 7;

fn median(mut f: impl FnMut()) -> Duration {
    f(); // warm-up
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

fn main() {
    let bytes = make_plan(ROWS);
    let opts = ImportOptions::for_year(2021);
    let check = read_plan(&bytes, "bench.xlsx", &opts).expect("plan parses");
    assert_eq!(check.items.len(), ROWS, "every generated item is found");
    if std::env::var_os("WORKPLAN_BENCH_PROFILE").is_some() {
        // One more run and stop: for profilers such as valgrind --tool=callgrind.
        std::hint::black_box(read_plan(&bytes, "bench.xlsx", &opts).expect("parse"));
        return;
    }
    let base = median(|| {
        std::hint::black_box(calamine_read(&bytes));
    });
    let ours = median(|| {
        std::hint::black_box(read_plan(&bytes, "bench.xlsx", &opts).expect("parse"));
    });
    let ratio = ours.as_secs_f64() / base.as_secs_f64();
    println!(
        "import of a {ROWS}-row plan ({} KiB .xlsx), median of {RUNS} runs",
        bytes.len() / 1024
    );
    println!(
        "  calamine reading the file: {:>8.1} ms",
        base.as_secs_f64() * 1000.0
    );
    println!(
        "  workplan dry run:          {:>8.1} ms",
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
