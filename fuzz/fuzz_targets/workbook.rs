//! The plan reader on any bytes: format detection, .xlsx/.xls/.ods/.csv/.docx/.txt readers,
//! layout and phrase parsing (the whole dry run an upload gets).
#![no_main]

use libfuzzer_sys::fuzz_target;
use workplan::import::{read_plan, ImportOptions};

const NAMES: [&str; 7] = [
    "plan.xlsx",
    "plan.xls",
    "plan.ods",
    "plan.csv",
    "plan.docx",
    "plan.txt",
    "plan",
];

fuzz_target!(|data: &[u8]| {
    // The product catches panics inside third-party readers (calamine) and answers with a
    // clean error; libfuzzer-sys's hook would abort on them first. Panics anywhere else
    // still reach libFuzzer's own catch and count as crashes.
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let mut opts = ImportOptions::for_year(2021);
    opts.max_rows = 2_000;
    // The name only hints; the reader goes by content. Try the hint the bytes suggest.
    let name = NAMES[data.len() % NAMES.len()];
    if let Ok(draft) = read_plan(data, name, &opts) {
        let _ = draft.items.len();
    }
});
