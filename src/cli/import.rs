//! `import`: a plan read from a workbook or document, previewed or committed.

use std::path::Path;

use workplan::config::Config;
use workplan::db::Db;
use workplan::error::AppError;
use workplan::service::imports;
use workplan::service::Caller;

use super::{open, Failure};

/// Exit status when the input file cannot be used (DESIGN §5).
const EXIT_UNUSABLE_INPUT: u8 = 2;

/// A connection for a dry run, if there is a database already (a dry run never creates or
/// migrates one, and works without one).
fn existing_db(config: &Config) -> Option<workplan::db::PooledConn> {
    if let Ok(workplan::db::Backend::Sqlite(path)) =
        workplan::db::Backend::from_url(&config.database_url)
    {
        if !path.exists() {
            return None;
        }
    }
    Db::connect(&config.database_url, 1)
        .and_then(|db| db.get())
        .ok()
}

/// Imports a plan from `file`, or with `dry_run` only shows what would be imported; the
/// exit status says whether the file was usable.
#[allow(clippy::too_many_arguments)]
pub fn import(
    config: &Config,
    file: &Path,
    year: i32,
    title: Option<String>,
    sheet: Option<String>,
    dry_run: bool,
    json: bool,
) -> Result<u8, Failure> {
    let unusable = |m: String| Failure(m, EXIT_UNUSABLE_INPUT);
    let bytes =
        std::fs::read(file).map_err(|e| unusable(format!("无法读取 {}：{e}", file.display())))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut opts = config.import_options(year);
    opts.sheet = sheet;
    let commit = imports::CommitOptions {
        title,
        ..Default::default()
    };
    if dry_run {
        let in_db = existing_db(config).and_then(|mut c| {
            match imports::preview_in_db(
                &mut c,
                Caller::cli().agency_id,
                &bytes,
                &name,
                &opts,
                &commit,
            ) {
                Ok(p) => Some(Ok(p)),
                // A file problem is the answer; a database problem means "preview without it".
                Err(AppError::Invalid { message, .. }) => Some(Err(message)),
                Err(AppError::TooLarge { limit }) => {
                    Some(Err(format!("文件过大（上限 {limit} 字节）")))
                }
                Err(_) => None,
            }
        });
        let preview = match in_db {
            Some(p) => p.map_err(unusable)?,
            None => {
                imports::preview(&bytes, &name, &opts, &[]).map_err(|e| unusable(e.to_string()))?
            }
        };
        if json {
            // Straight to stdout: a 10,000-item preview is megabytes of JSON.
            let out = std::io::stdout().lock();
            let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
            workplan::json::to_writer(&mut out, &preview).map_err(|e| e.to_string())?;
            std::io::Write::write_all(&mut out, b"\n")
                .and_then(|_| std::io::Write::flush(&mut out))
                .map_err(|e| e.to_string())?;
            let status = if preview.draft.errors.is_empty() {
                0
            } else {
                1
            };
            // The process ends here: freeing a 10,000-item preview piece by piece costs as
            // much as writing it, and the system takes the memory back at once.
            std::mem::forget(preview);
            return Ok(status);
        } else {
            print_preview(&preview);
        }
        return Ok(if preview.draft.errors.is_empty() {
            0
        } else {
            1
        });
    }
    let draft =
        workplan::import::read_plan(&bytes, &name, &opts).map_err(|e| unusable(e.to_string()))?;
    let db = open(config)?;
    let sha = imports::file_hash(&bytes);
    let result = db
        .write_blocking(|c| imports::commit(c, &Caller::cli(), &draft, year, &sha, &commit))
        .map_err(|e: AppError| e.to_string())?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&result).map_err(|e| e.to_string())?
        );
    } else if !result.changed {
        println!(
            "计划“{}”（编号 {}）已由同一文件导入过，未做改动",
            result.title, result.id
        );
    } else if result.revised {
        println!(
            "已修订计划“{}”（编号 {}）：新增 {}，修改 {}，删除 {} 个事项",
            result.title, result.id, result.items_added, result.items_updated, result.items_removed
        );
        if !result.items_kept.is_empty() {
            println!(
                "新文件中已没有、但已有进展报告而保留的事项：{}",
                result.items_kept.join("、")
            );
        }
    } else {
        println!(
            "已导入计划“{}”（编号 {}）：{} 个事项，{} 条提示",
            result.title, result.id, result.items_added, result.warnings
        );
        if !result.new_divisions.is_empty() {
            println!(
                "新加入处室目录（内设处室）：{}",
                result.new_divisions.join("、")
            );
        }
        if !result.placeholders.is_empty() {
            println!("待办公室指定实际处室：{}", result.placeholders.join("、"));
        }
    }
    Ok(0)
}

fn print_preview(p: &imports::Preview) {
    let d = &p.draft;
    println!(
        "文件：{}（{:?}{}）",
        d.source.file,
        d.source.format,
        d.source
            .sheet
            .as_deref()
            .map(|s| format!("，工作表“{s}”"))
            .unwrap_or_default()
    );
    if let Some(t) = &d.title {
        println!("标题：{t}");
    }
    println!(
        "{:<6} {:<14} {:<24} {:<20} 工作任务",
        "序号", "完成时限", "牵头", "配合"
    );
    for i in &d.items {
        let due = i
            .deadline
            .due
            .map(|d| d.to_string())
            .unwrap_or_else(|| i.deadline.kind.as_str().to_string());
        println!(
            "{:<6} {:<14} {:<24} {:<20} {}",
            i.number,
            due,
            i.lead.join("、"),
            i.support.join("、"),
            i.task
        );
    }
    for c in &d.columns {
        println!(
            "列 {} “{}” → {}",
            c.column,
            c.header,
            c.field.map_or("未使用", |f| f.label())
        );
    }
    for w in &d.warnings {
        match w.row {
            0 => println!("提示 [{}] {}", w.field, w.message),
            row => println!("提示 第{}行 [{}] {}", row, w.field, w.message),
        }
    }
    for s in &d.skipped {
        println!("未导入 {}：{}（{}）", s.place(), s.text, s.reason);
    }
    println!(
        "共 {} 个事项，{} 条提示，{} 个错误（预览，未写入）",
        d.items.len(),
        d.warnings.len(),
        d.errors.len()
    );
}
