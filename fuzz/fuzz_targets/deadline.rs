//! Deadline phrases (完成时限): any text, any plan year, both month conventions.
#![no_main]

use libfuzzer_sys::fuzz_target;
use workplan::domain::deadline::{
    find_dates_in_text, normalise_numbers, parse_deadline, DeadlineOptions,
};

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let year = 2000 + i32::from(first % 101);
    for before in [true, false] {
        let opts = DeadlineOptions {
            before_month_means_previous_month_end: before,
        };
        let _ = parse_deadline(text, year, &opts);
        let _ = find_dates_in_text(text, year, &opts);
    }
    let _ = normalise_numbers(text);
});
