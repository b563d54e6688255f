//! The seams hold: the web layer reads and writes only through services, the export layer
//! writes the files without naming services, and report, acknowledgement and extension
//! states are compared only by `domain::lifecycle`.

use std::path::Path;

use crate::helpers::walk;

fn sources(under: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    walk(&root.join(under))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs" || e == "html"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("source");
            (
                p.strip_prefix(root).expect("inside").display().to_string(),
                text,
            )
        })
        .collect()
}

/// The lines under `under` that contain any of `names`, as `path:line: text`.
fn lines_naming(under: &str, names: &[&str]) -> Vec<String> {
    sources(under)
        .into_iter()
        .flat_map(|(path, text)| {
            text.lines()
                .enumerate()
                .filter(|(_, l)| names.iter().any(|n| l.contains(n)))
                .map(|(n, l)| format!("{path}:{}: {}", n + 1, l.trim()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn the_web_layer_does_not_name_the_queries() {
    let offenders = lines_naming("src/web", &["queries::", "db::queries"]);
    assert!(
        offenders.is_empty(),
        "src/web must read and write through src/service:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_export_layer_does_not_name_the_services() {
    let offenders = lines_naming("src/export", &["crate::service", "service::"]);
    assert!(
        offenders.is_empty(),
        "src/export writes domain types and must not name src/service:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn backend_specific_sql_lives_in_db() {
    let names = [
        "pg_advisory",
        "DbConnection::Postgres",
        "DbConnection::Sqlite",
    ];
    let offenders: Vec<String> = ["src/service", "src/web", "src/export", "src/domain"]
        .iter()
        .flat_map(|dir| lines_naming(dir, &names))
        .collect();
    assert!(
        offenders.is_empty(),
        "SQL that differs between SQLite and PostgreSQL belongs in src/db:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn states_are_compared_only_in_the_domain() {
    let codes = [
        "draft",
        "submitted",
        "accepted",
        "returned",
        "pending",
        "approved",
        "refused",
        "kept",
        "reassigned",
    ];
    let mut offenders = Vec::new();
    for under in ["src", "templates"] {
        for (path, text) in sources(under) {
            if path.ends_with("domain/lifecycle.rs") || path.ends_with("db/stored.rs") {
                continue;
            }
            for (n, line) in text.lines().enumerate() {
                let compares = line.contains("state ==")
                    || line.contains("state !=")
                    || line.contains("state.as_str() ==")
                    || line.contains("matches!(r.state.as_str()")
                    || line.contains("kind == \"file\"")
                    || codes.iter().any(|c| line.contains(&format!("\"{c}\"")));
                if compares {
                    offenders.push(format!("{path}:{}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "compare states through domain::lifecycle:\n{}",
        offenders.join("\n")
    );
}
