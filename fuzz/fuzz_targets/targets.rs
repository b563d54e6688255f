//! Quantified targets (不少于2次, 每季度至少1次…) in any requirement text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use workplan::domain::targets::parse_targets;

fuzz_target!(|text: &str| {
    for t in parse_targets(text) {
        // A target names what it counts and comes from the text itself.
        assert!(!t.raw.is_empty(), "empty target phrase from {text:?}");
    }
});
