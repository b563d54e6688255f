//! `export`: a workbook or document written to a file.

use std::path::PathBuf;

use workplan::config::Config;
use workplan::service::annual_report::FileKind;
use workplan::service::exports;
use workplan::service::Caller;

use super::open;
use crate::ExportKind;

/// Writes the `kind` file of a plan (to `output`, or under exports/).
pub fn export(
    config: &Config,
    kind: ExportKind,
    plan: i32,
    period: Option<String>,
    output: Option<PathBuf>,
) -> Result<(), String> {
    let workbook = |kind| exports::Export::Workbook {
        kind,
        plan_id: plan,
    };
    let what = match kind {
        ExportKind::Ledger => workbook(exports::ExportKind::Ledger),
        ExportKind::Summary => workbook(exports::ExportKind::Summary),
        ExportKind::Evaluation => workbook(exports::ExportKind::Evaluation),
        ExportKind::ReviewBack => workbook(exports::ExportKind::ReviewBack),
        ExportKind::Bulletin => {
            let period = period.ok_or("情况通报需要 --period，例如 --period 2021-Q3")?;
            exports::Export::Bulletin {
                plan_id: plan,
                period,
            }
        }
        ExportKind::AnnualReport => {
            // FILE ending in .xlsx asks for the tables; anything else the document.
            let kind = match output
                .as_ref()
                .and_then(|p| p.extension())
                .and_then(|e| e.to_str())
            {
                Some(e) if e.eq_ignore_ascii_case("xlsx") => FileKind::Xlsx,
                _ => FileKind::Docx,
            };
            exports::Export::AnnualReport {
                plan_id: plan,
                kind,
            }
        }
    };
    export_file(config, what, output)
}

/// Asks the one export entry point for a file as the operator and writes it (to OUTPUT, or
/// under exports/ by its Chinese name).
fn export_file(
    config: &Config,
    what: exports::Export,
    output: Option<PathBuf>,
) -> Result<(), String> {
    let db = open(config)?;
    let clock = config.clock();
    let rubric = config.rubric().map_err(|e| e.to_string())?;
    let file = {
        let mut conn = db.get().map_err(|e| e.to_string())?;
        exports::export(&mut conn, &Caller::cli(), &what, &clock, &rubric)
            .map_err(|e| e.to_string())?
    };
    write_export(
        output.unwrap_or_else(|| PathBuf::from("exports").join(&file.file_name)),
        &file.bytes,
    )
}

/// Writes an exported workbook, making its folder if needed.
fn write_export(path: PathBuf, bytes: &[u8]) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("无法创建 {}：{e}", dir.display()))?;
    }
    std::fs::write(&path, bytes).map_err(|e| format!("无法写入 {}：{e}", path.display()))?;
    println!("已导出 {}", path.display());
    Ok(())
}
