//! Division notation (责任处室): one cell, or separate lead/support columns, and the
//! directory's name and alias rules.
#![no_main]

use libfuzzer_sys::fuzz_target;
use workplan::domain::division::{normalise_name, parse_aliases};
use workplan::domain::responsible::{classify, from_columns, parse_responsible};

fn check(r: &workplan::domain::responsible::Responsible, input: &str) {
    for name in r.lead.iter().chain(&r.support) {
        assert!(!name.trim().is_empty(), "blank division name from {input:?}");
        let _ = classify(name);
    }
    for name in &r.lead {
        assert!(
            !r.support.contains(name),
            "{name:?} both leads and supports in {input:?}"
        );
    }
}

fuzz_target!(|text: &str| {
    check(&parse_responsible(text), text);
    // The same text as two cells: lead and support columns.
    if let Some((lead, support)) = text.split_at_checked(text.len() / 2) {
        check(&from_columns(lead, support), text);
    }
    if let Ok(name) = normalise_name(text) {
        let _ = parse_aliases(&name, text);
    }
});
