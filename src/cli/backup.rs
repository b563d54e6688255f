//! `backup`, `restore` and `verify`: the database and every evidence file in one folder,
//! brought back whole, and every stored file checked against its recorded SHA-256.
//!
//! A backup under write load is consistent: the database snapshot is taken first, and the
//! files it refers to are copied after it. Evidence files are named by their hash, never
//! rewritten and never removed, so every file the snapshot names is still there to copy.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use workplan::config::Config;
use workplan::db::{self, Backend, Db};
use workplan::error::AppError;
use workplan::evidence::backup::{
    self as files, Entry, FileCheck, Manifest, NotCopied, Problem, EVIDENCE_DIR, PG_DUMP_FILE,
    SQLITE_FILE,
};
use workplan::evidence::path_for;
use workplan::service::backup::{stored_files, StoredFile};
use workplan::service::Caller;

use super::Failure;

/// One file that is not as recorded, with where it is used.
struct Finding {
    what: String,
    check: FileCheck,
}

impl Finding {
    fn line(&self) -> String {
        format!("{}：{}", self.check.label(), self.what)
    }
}

fn io(what: &Path) -> impl Fn(std::io::Error) -> String + '_ {
    move |e| format!("{}：{e}", what.display())
}

/// A failed read of the evidence table, with its cause: at the command line the operator is
/// the one who can act on it.
fn read_failed(e: AppError) -> String {
    match e {
        AppError::Internal(cause) | AppError::Unavailable(cause) => format!(
            "无法读取数据库中的证明材料记录：{cause}（数据库是否已用 workplan migrate 建好？）"
        ),
        other => other.to_string(),
    }
}

fn connect(config: &Config) -> Result<Db, String> {
    Db::connect(&config.database_url, 2).map_err(|e| e.to_string())
}

/// Connects to a database that must already be there: reading a SQLite path that names
/// no file would otherwise make an empty database there.
fn connect_existing(config: &Config) -> Result<Db, String> {
    if let Ok(Backend::Sqlite(path)) = Backend::from_url(&config.database_url) {
        if !path.is_file() {
            return Err(format!(
                "数据库文件 {} 不存在；请检查 WORKPLAN_DATABASE_URL（或 --config）是否指向正在使用的数据库",
                path.display()
            ));
        }
    }
    connect(config)
}

/// The `pg_dump` command that writes the database into `dir`; the address is written out
/// unless it holds a password, which stays in the environment variable.
fn pg_dump_command(url: &str, dir: &Path) -> String {
    format!(
        "pg_dump --format=custom --file='{}' {}",
        dir.join(PG_DUMP_FILE).display(),
        shown_url(url)
    )
}

fn shown_url(url: &str) -> String {
    let userinfo = url
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('@'))
        .map(|(u, _)| u);
    if userinfo.is_some_and(|u| u.contains(':')) {
        "\"$WORKPLAN_DATABASE_URL\"".to_string()
    } else {
        format!("'{url}'")
    }
}

/// `workplan backup DIR`: the database snapshot, then every evidence file it refers to,
/// then the manifest. Files the database names but the store lacks (or holds damaged) are
/// listed and make the exit status 1; the rest of the backup is still written.
pub fn backup(config: &Config, dir: &Path) -> Result<(), Failure> {
    let backend = Backend::from_url(&config.database_url).map_err(|e| e.to_string())?;
    let pg = matches!(backend, Backend::Postgres(_));
    let db = connect_existing(config)?;
    prepare_folder(dir, pg)?;
    let cli = Caller::cli();
    let mut manifest = Manifest::new(backend.name());
    let stored = match &backend {
        Backend::Sqlite(_) => {
            let snapshot = dir.join(SQLITE_FILE);
            db.backup(&snapshot).map_err(|e| e.to_string())?;
            drop(db);
            let stored = {
                let mut conn = db::open_sqlite_copy(&snapshot).map_err(|e| e.to_string())?;
                stored_files(&mut conn, &cli).map_err(read_failed)?
            };
            manifest.database = Some(entry_of(&snapshot, SQLITE_FILE)?);
            stored
        }
        Backend::Postgres(_) => {
            // The dump, when there is one, was made before this run: the files read now
            // cover every row it holds.
            let dump = dir.join(PG_DUMP_FILE);
            if dump.is_file() {
                manifest.database = Some(entry_of(&dump, PG_DUMP_FILE)?);
            }
            let mut conn = db.get().map_err(|e| e.to_string())?;
            stored_files(&mut conn, &cli).map_err(read_failed)?
        }
    };
    let mut findings = Vec::new();
    let mut bytes = 0u64;
    for file in &stored {
        match copy_into_backup(&config.storage_dir, dir, file)? {
            Ok(entry) => {
                bytes += entry.size;
                manifest.evidence.push(entry);
            }
            Err(check) => {
                manifest.not_copied.push(NotCopied {
                    sha256: file.sha256.clone(),
                    problem: check.problem().unwrap_or(Problem::Missing),
                    evidence_ids: file.evidence_ids(),
                });
                findings.push(Finding {
                    what: file.where_used(),
                    check,
                });
            }
        }
    }
    manifest.write(dir).map_err(io(dir))?;
    match &manifest.database {
        Some(db) => println!(
            "已备份到 {}：数据库 {}（SHA-256 {}），证明材料 {} 个文件（{bytes} 字节），清单 {}",
            dir.display(),
            db.path,
            db.sha256,
            manifest.evidence.len(),
            files::MANIFEST
        ),
        None => println!(
            "已备份到 {}：证明材料 {} 个文件（{bytes} 字节），清单 {}",
            dir.display(),
            manifest.evidence.len(),
            files::MANIFEST
        ),
    }
    let mut failures = Vec::new();
    if !findings.is_empty() {
        for f in &findings {
            eprintln!("未能备份：{}", f.line());
        }
        failures.push(format!(
            "数据库记录的 {} 个证明材料文件在存储目录 {} 中缺失或已损坏，未能备份（见上，已记入 {} 的 not_copied）；请运行 workplan verify 查看，并从以前的备份找回这些文件",
            findings.len(),
            config.storage_dir.display(),
            files::MANIFEST
        ));
    }
    if pg && manifest.database.is_none() {
        failures.push(format!(
            "本备份只有证明材料，没有数据库。PostgreSQL 的数据库须先用 pg_dump 导出到一个新的备份文件夹，再对同一文件夹运行 workplan backup（先导出数据库、后复制材料，材料才能覆盖数据库里的每一条记录）：\n  mkdir NEW && {} && workplan backup NEW",
            pg_dump_command(&config.database_url, Path::new("NEW"))
        ));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Failure(failures.join("\n"), 1))
    }
}

/// A backup goes into a new or empty folder (on PostgreSQL one holding only the dump).
fn prepare_folder(dir: &Path, pg: bool) -> Result<(), String> {
    if dir.exists() {
        let entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(io(dir))?
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        let only_dump = pg && entries.iter().all(|n| n == PG_DUMP_FILE);
        if !entries.is_empty() && !only_dump {
            return Err(format!(
                "{} 已存在且不是空文件夹；备份不会覆盖已有内容，请换一个新文件夹",
                dir.display()
            ));
        }
    }
    std::fs::create_dir_all(dir.join(EVIDENCE_DIR)).map_err(io(dir))
}

/// The manifest entry of a database file in the backup folder.
fn entry_of(path: &Path, name: &str) -> Result<Entry, String> {
    let (sha256, size) = files::hash_file(path)
        .map_err(io(path))?
        .ok_or_else(|| format!("{} 不存在", path.display()))?;
    Ok(Entry {
        path: name.to_string(),
        size,
        sha256,
    })
}

/// Copies one stored file into the backup, hashing it on the way; a file that is missing or
/// does not hash to its record is not kept (`Ok(Err(check))`).
fn copy_into_backup(
    root: &Path,
    dir: &Path,
    file: &StoredFile,
) -> Result<Result<Entry, FileCheck>, String> {
    let (Some(from), Some(rel)) = (
        path_for(root, &file.sha256),
        files::entry_path(&file.sha256),
    ) else {
        return Ok(Err(FileCheck::BadRecord));
    };
    let target = dir.join(&rel);
    let part = part_path(&target);
    let found = files::copy_hashed(&from, &part).map_err(io(&from))?;
    let check = files::judge(
        &file.sha256,
        file.size,
        found.as_ref().map(|(s, n)| (s.as_str(), *n)),
    );
    match (check, found) {
        (FileCheck::Intact, Some((sha256, size))) => {
            std::fs::rename(&part, &target).map_err(io(&target))?;
            Ok(Ok(Entry {
                path: rel,
                size,
                sha256,
            }))
        }
        (check, _) => {
            let _ = std::fs::remove_file(&part);
            Ok(Err(check))
        }
    }
}

fn part_path(target: &Path) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    target.with_file_name(name)
}

/// `workplan restore DIR`: checks every file of the backup against its manifest while
/// copying it, puts the evidence under the storage root and, on SQLite, the database at the
/// configured path (which must be new or empty), then applies migrations. Nothing of the
/// database is written when any file of the backup is not as its manifest says.
pub fn restore(config: &Config, dir: &Path, evidence_only: bool) -> Result<(), Failure> {
    let manifest = Manifest::read(dir).map_err(|e| e.to_string())?;
    if evidence_only {
        return mend_evidence(config, dir, &manifest);
    }
    let backend = Backend::from_url(&config.database_url).map_err(|e| e.to_string())?;
    if manifest.backend != backend.name() {
        return Err(format!(
            "此备份来自 {} 数据库，而配置的数据库是 {}；请把 WORKPLAN_DATABASE_URL 指向同一类数据库再恢复",
            manifest.backend,
            backend.name()
        )
        .into());
    }
    // SQLite: check the target first, then copy the database beside it under a temporary name.
    let staged_db = match (&backend, &manifest.database) {
        (Backend::Sqlite(target), Some(entry)) => {
            refuse_non_empty(target)?;
            let staged = target.with_file_name(format!(
                "{}.restoring-{}",
                target.file_name().unwrap_or_default().to_string_lossy(),
                workplan::auth::random_token(8)
            ));
            if let Some(parent) = staged.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(io(parent))?;
            }
            let from = dir.join(&entry.path);
            let found = files::copy_hashed(&from, &staged).map_err(io(&from))?;
            let check = files::judge(
                &entry.sha256,
                Some(entry.size),
                found.as_ref().map(|(s, n)| (s.as_str(), *n)),
            );
            if check != FileCheck::Intact {
                let _ = std::fs::remove_file(&staged);
                return Err(format!(
                    "备份中的数据库文件 {} {}；未恢复任何内容，请换一个完好的备份",
                    from.display(),
                    check.describe(&entry.sha256, Some(entry.size))
                )
                .into());
            }
            Some((staged, target.clone()))
        }
        (Backend::Sqlite(_), None) => {
            return Err(
                format!("{} 中没有数据库文件，无法恢复 SQLite 数据库", dir.display()).into(),
            )
        }
        (Backend::Postgres(_), Some(entry)) => {
            let from = dir.join(&entry.path);
            let check =
                files::check_file(&from, &entry.sha256, Some(entry.size)).map_err(io(&from))?;
            if check != FileCheck::Intact {
                return Err(format!(
                    "备份中的数据库导出 {} {}；请换一个完好的备份",
                    from.display(),
                    check.describe(&entry.sha256, Some(entry.size))
                )
                .into());
            }
            None
        }
        (Backend::Postgres(_), None) => None,
    };
    let result = restore_evidence(&config.storage_dir, dir, &manifest);
    let bad = match result {
        Ok(bad) => bad,
        Err(e) => {
            if let Some((staged, _)) = &staged_db {
                let _ = std::fs::remove_file(staged);
            }
            return Err(e.into());
        }
    };
    if !bad.is_empty() {
        if let Some((staged, _)) = &staged_db {
            let _ = std::fs::remove_file(staged);
        }
        for line in &bad {
            eprintln!("备份中的文件有问题：{line}");
        }
        return Err(format!(
            "备份 {} 中有 {} 个文件缺失或与 {} 记录的 SHA-256 不符（见上），未恢复数据库；请换一个完好的备份（可用 workplan verify --backup 检查）",
            dir.display(),
            bad.len(),
            files::MANIFEST
        )
        .into());
    }
    let evidence_root = config.storage_dir.display();
    let Some((staged, target)) = staged_db else {
        // PostgreSQL: the evidence is back; the database is pg_restore's work.
        println!(
            "已把 {} 个证明材料文件恢复到 {evidence_root}",
            manifest.evidence.len()
        );
        return match &manifest.database {
            Some(dump) => {
                println!(
                    "数据库由 pg_restore 恢复（如尚未恢复，请恢复到一个空数据库），然后运行 workplan migrate 和 workplan verify：\n  pg_restore --no-owner --dbname={} '{}'",
                    shown_url(&config.database_url),
                    dir.join(&dump.path).display()
                );
                Ok(())
            }
            None => Err(format!(
                "{} 中没有数据库导出（{PG_DUMP_FILE}）：只恢复了证明材料；数据库请从 pg_dump 做的导出用 pg_restore 恢复",
                dir.display()
            )
            .into()),
        };
    };
    place_database(&staged, &target)?;
    let db = connect(config)?;
    let migrations = db.migrate().map_err(|e| e.to_string())?;
    // Every file the restored database names is now in the store, checked.
    let restored = manifest.hashes();
    let mut conn = db.get().map_err(|e| e.to_string())?;
    let stored = stored_files(&mut conn, &Caller::cli()).map_err(read_failed)?;
    let mut findings = Vec::new();
    for file in stored.iter().filter(|f| !restored.contains(&f.sha256)) {
        let check = check_stored(&config.storage_dir, file)?;
        if check != FileCheck::Intact {
            findings.push(Finding {
                what: file.where_used(),
                check,
            });
        }
    }
    println!(
        "已从 {} 恢复：数据库 {}（已应用 {migrations} 个迁移），证明材料 {} 个文件到 {evidence_root}",
        dir.display(),
        target.display(),
        manifest.evidence.len()
    );
    report_findings(&findings, "恢复后的数据库记录的")
}

/// `restore DIR --evidence-only`: puts back the backup's files that the store lacks or
/// holds damaged (a file already intact stays), leaves the database alone, then verifies.
fn mend_evidence(config: &Config, dir: &Path, manifest: &Manifest) -> Result<(), Failure> {
    let bad = restore_evidence(&config.storage_dir, dir, manifest)?;
    for line in &bad {
        eprintln!("备份中的文件有问题，未恢复：{line}");
    }
    println!(
        "已按 {} 补回证明材料到 {}（{} 个文件，已完好的未动）",
        dir.join(files::MANIFEST).display(),
        config.storage_dir.display(),
        manifest.evidence.len() - bad.len()
    );
    verify_live(config)?;
    if bad.is_empty() {
        Ok(())
    } else {
        Err(Failure(
            format!(
                "备份中有 {} 个文件缺失或已损坏，未能补回（见上）",
                bad.len()
            ),
            1,
        ))
    }
}

/// Refuses a SQLite target that already holds something.
fn refuse_non_empty(target: &Path) -> Result<(), String> {
    let wal = PathBuf::from(format!("{}-wal", target.display()));
    for f in [target, wal.as_path()] {
        if std::fs::metadata(f).is_ok_and(|m| m.len() > 0) {
            return Err(format!(
                "数据库文件 {} 已存在且有内容；恢复不会覆盖已有数据。请把 WORKPLAN_DATABASE_URL 指向一个新文件，或先把该文件移到别处再恢复",
                target.display()
            ));
        }
    }
    Ok(())
}

/// Moves the checked copy into place without ever replacing a database that appeared
/// meanwhile: a hard link fails when the name is taken.
fn place_database(staged: &Path, target: &Path) -> Result<(), String> {
    if std::fs::metadata(target).is_ok_and(|m| m.len() == 0) {
        std::fs::remove_file(target).map_err(io(target))?;
    }
    let linked = std::fs::hard_link(staged, target);
    let done = match linked {
        Ok(()) => std::fs::remove_file(staged).map_err(io(staged)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let _ = std::fs::remove_file(staged);
            return Err(refuse_non_empty(target).err().unwrap_or_else(|| {
                format!("数据库文件 {} 恢复时被另一程序创建", target.display())
            }));
        }
        // A file system without hard links: rename, having looked once more.
        Err(_) if !target.exists() => std::fs::rename(staged, target).map_err(io(target)),
        Err(e) => Err(io(target)(e)),
    };
    done
}

/// Copies every evidence file of the backup into the store, each checked on the way.
/// Returns the files that are missing or damaged in the backup (those are not stored).
fn restore_evidence(root: &Path, dir: &Path, manifest: &Manifest) -> Result<Vec<String>, String> {
    let tmp = root.join("tmp");
    std::fs::create_dir_all(&tmp).map_err(io(&tmp))?;
    let mut bad = Vec::new();
    for entry in &manifest.evidence {
        let from = dir.join(&entry.path);
        let part = tmp.join(format!("restore-{}.part", workplan::auth::random_token(16)));
        let found = files::copy_hashed(&from, &part).map_err(io(&from))?;
        let check = files::judge(
            &entry.sha256,
            Some(entry.size),
            found.as_ref().map(|(s, n)| (s.as_str(), *n)),
        );
        if check != FileCheck::Intact {
            let _ = std::fs::remove_file(&part);
            bad.push(format!(
                "{} {}",
                entry.path,
                check.describe(&entry.sha256, Some(entry.size))
            ));
            continue;
        }
        let target = path_for(root, &entry.sha256)
            .ok_or_else(|| format!("{} 的 SHA-256 无效", entry.path))?;
        let already =
            files::check_file(&target, &entry.sha256, Some(entry.size)).map_err(io(&target))?;
        if already == FileCheck::Intact {
            let _ = std::fs::remove_file(&part);
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::rename(&part, &target).map_err(io(&target))?;
    }
    Ok(bad)
}

/// Checks one stored file where the storage root keeps it.
fn check_stored(root: &Path, file: &StoredFile) -> Result<FileCheck, String> {
    match path_for(root, &file.sha256) {
        Some(path) => files::check_file(&path, &file.sha256, file.size).map_err(io(&path)),
        None => Ok(FileCheck::BadRecord),
    }
}

/// Prints each finding; an error naming how many when there are any.
fn report_findings(findings: &[Finding], whose: &str) -> Result<(), Failure> {
    if findings.is_empty() {
        return Ok(());
    }
    for f in findings {
        println!("{}", f.line());
    }
    let missing = findings
        .iter()
        .filter(|f| f.check == FileCheck::Missing)
        .count();
    Err(Failure(
        format!(
            "{whose} {} 个证明材料文件有问题：缺失 {missing} 个，损坏或记录无效 {} 个（见上，列出了用到它们的计划、事项、报告和证明材料编号）；请从备份补回这些文件：workplan restore 备份文件夹 --evidence-only（只补缺失和损坏的文件，不动数据库），或把备份中 evidence/ 下同一路径的文件复制回存储目录",
            findings.len(),
            findings.len() - missing
        ),
        1,
    ))
}

/// `workplan verify [--backup DIR]`: every stored file against its recorded SHA-256, in the
/// live store, or in a backup against its manifest (and the manifest against the database
/// snapshot it holds).
pub fn verify(config: &Config, backup: Option<&Path>) -> Result<(), Failure> {
    match backup {
        None => verify_live(config),
        Some(dir) => verify_backup(dir),
    }
}

fn verify_live(config: &Config) -> Result<(), Failure> {
    let db = connect_existing(config)?;
    let mut conn = db.get().map_err(|e| e.to_string())?;
    let stored = stored_files(&mut conn, &Caller::cli()).map_err(read_failed)?;
    let mut findings = Vec::new();
    for file in &stored {
        let check = check_stored(&config.storage_dir, file)?;
        if check != FileCheck::Intact {
            findings.push(Finding {
                what: format!(
                    "{}（{}）",
                    path_for(&config.storage_dir, &file.sha256)
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| file.sha256.clone()),
                    file.where_used()
                ),
                check,
            });
        }
    }
    let rows: usize = stored.iter().map(|f| f.uses.len()).sum();
    println!(
        "已检查存储目录 {} 中的 {} 个证明材料文件（{rows} 条证明材料记录）：{}",
        config.storage_dir.display(),
        stored.len(),
        if findings.is_empty() {
            "全部完好".to_string()
        } else {
            format!("{} 个有问题", findings.len())
        }
    );
    report_findings(&findings, "数据库记录的")
}

fn verify_backup(dir: &Path) -> Result<(), Failure> {
    let manifest = Manifest::read(dir).map_err(|e| e.to_string())?;
    let mut lines = Vec::new();
    match &manifest.database {
        Some(entry) => {
            let path = dir.join(&entry.path);
            let check =
                files::check_file(&path, &entry.sha256, Some(entry.size)).map_err(io(&path))?;
            if check != FileCheck::Intact {
                lines.push(format!(
                    "数据库文件 {}：{}",
                    entry.path,
                    check.describe(&entry.sha256, Some(entry.size))
                ));
            }
        }
        None => lines.push(format!(
            "备份中没有数据库（{}）",
            if manifest.backend == "postgres" {
                PG_DUMP_FILE
            } else {
                SQLITE_FILE
            }
        )),
    }
    for entry in &manifest.evidence {
        let path = dir.join(&entry.path);
        let check = files::check_file(&path, &entry.sha256, Some(entry.size)).map_err(io(&path))?;
        if check != FileCheck::Intact {
            lines.push(format!(
                "{}：{}",
                entry.path,
                check.describe(&entry.sha256, Some(entry.size))
            ));
        }
    }
    for absent in &manifest.not_copied {
        lines.push(format!(
            "备份时{}、未能备份的文件 {}（证明材料 {:?}）",
            absent.problem.label(),
            absent.sha256,
            absent.evidence_ids
        ));
    }
    // The snapshot's own records: every file it names is in the manifest, copied or listed.
    if manifest.backend == "sqlite" && lines.is_empty() {
        let known: BTreeSet<String> = manifest
            .hashes()
            .into_iter()
            .chain(manifest.not_copied.iter().map(|n| n.sha256.clone()))
            .collect();
        let mut conn = db::open_sqlite_copy(&dir.join(SQLITE_FILE)).map_err(|e| e.to_string())?;
        let stored = stored_files(&mut conn, &Caller::cli()).map_err(read_failed)?;
        for file in stored.iter().filter(|f| !known.contains(&f.sha256)) {
            lines.push(format!(
                "数据库记录的文件不在清单中：{}（{}）",
                file.sha256,
                file.where_used()
            ));
        }
    }
    println!(
        "已检查备份 {}：数据库 {}，证明材料 {} 个文件：{}",
        dir.display(),
        manifest
            .database
            .as_ref()
            .map_or("无".to_string(), |d| d.path.clone()),
        manifest.evidence.len(),
        if lines.is_empty() {
            "全部完好".to_string()
        } else {
            format!("{} 处有问题", lines.len())
        }
    );
    if lines.is_empty() {
        return Ok(());
    }
    for l in &lines {
        println!("{l}");
    }
    Err(Failure(
        format!(
            "备份 {} 不完整或已损坏（{} 处，见上）；请换一个完好的备份，或重新运行 workplan backup",
            dir.display(),
            lines.len()
        ),
        1,
    ))
}
