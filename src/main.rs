//! The `workplan` command: serve the app, migrate, manage users, back up.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use workplan::config::Config;

/// Imports, exports and page rendering allocate many small strings (a 10,000-item preview is
/// hundreds of thousands); mimalloc serves them markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use workplan::db::{queries, Db};
use workplan::domain::role::Role;
use workplan::error::AppError;
use workplan::service::accounts::{self, NewUserInput, UserPatch};
use workplan::service::Caller;
use workplan::service::{exports, imports};
use workplan::web;

/// 政务公开工作要点分工方案跟踪系统
#[derive(Parser)]
#[command(name = "workplan", version, about)]
struct Cli {
    /// A config file laid over config/default.toml (WORKPLAN_* variables still win).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web UI and API (creates and migrates the database if needed).
    Serve,
    /// Apply pending database migrations.
    Migrate,
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Write a consistent copy of a live SQLite database to FILE.
    Backup { file: PathBuf },
    /// Write a workbook (default folder: exports/).
    Export {
        #[arg(value_enum)]
        kind: ExportKind,
        /// The plan's id.
        #[arg(long)]
        plan: i32,
        /// The reporting period (`2021-Q3`), for the bulletin.
        #[arg(long)]
        period: Option<String>,
        /// Where to write (default: exports/, named after the plan, the workbook and the date).
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Check last year's plan into this year's (回头看): every item with a lead division and a
    /// deadline gets its proposed result; unfinished ones become rectification items.
    ReviewBack {
        /// Last year's plan.
        #[arg(long)]
        from: i32,
        /// This year's plan.
        #[arg(long)]
        into: i32,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show a plan's year-end evaluation (年度考核), or finalise it.
    Evaluation {
        /// The plan's id.
        #[arg(long)]
        plan: i32,
        /// Freeze the evaluation as it stands (later changes are refused).
        #[arg(long)]
        finalise: bool,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Import a plan from a workbook (.xlsx .xls .ods .csv) or document (.docx .txt).
    Import {
        file: PathBuf,
        /// The plan's year (deadlines like "9月前" are read in it).
        #[arg(long)]
        year: i32,
        /// The plan's title (default: the title found in the file).
        #[arg(long = "plan", value_name = "TITLE")]
        title: Option<String>,
        /// The sheet to read (default: the one that looks like a plan).
        #[arg(long)]
        sheet: Option<String>,
        /// Show what would be imported and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user (asks for the password, or reads it from stdin).
    Add {
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The division (name, alias or id); required for --role division.
        #[arg(long)]
        division: Option<String>,
        /// The person's name as shown on pages.
        #[arg(long, default_value = "")]
        display_name: String,
        /// Where e-mail copies of notifications go.
        #[arg(long)]
        email: Option<String>,
        /// Read the password from the first line of standard input (for scripts).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List,
    /// Disable a user: they can no longer log in, and their tokens stop working.
    Disable { name: String },
    /// Enable a disabled user again.
    Enable { name: String },
    /// Set a user's password.
    Passwd {
        name: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

/// The workbooks `export` writes.
#[derive(Clone, Copy, clap::ValueEnum)]
enum ExportKind {
    /// The ledger (工作台账): the plan's own columns, status, quarterly progress, evidence.
    Ledger,
    /// Each division's items and reports, with a chart (处室汇总).
    Summary,
    /// The year-end evaluation (年度考核) with the annual-report summary text.
    Evaluation,
    /// The review-back (回头看) made into this plan.
    ReviewBack,
    /// The annual disclosure report (政府信息公开工作年度报告): .docx, or its tables as .xlsx
    /// when FILE ends in .xlsx.
    AnnualReport,
    /// The progress bulletin (情况通报) of a reporting period.
    Bulletin,
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| "应为 office、division、leader 或 auditor".to_string())
}

/// Exit status when the input file cannot be used (DESIGN §5).
const EXIT_UNUSABLE_INPUT: u8 = 2;

/// How a command failed: the message, and the exit status it ends with.
struct Failure(String, u8);

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure(message, 1)
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("WORKPLAN_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(Failure(message, code)) => {
            eprintln!("错误：{message}");
            ExitCode::from(code)
        }
    }
}

fn open(config: &Config) -> Result<Db, String> {
    let db = Db::connect(&config.database_url, config.pool_size).map_err(|e| e.to_string())?;
    db.migrate().map_err(|e| e.to_string())?;
    Ok(db)
}

fn run(cli: Cli) -> Result<u8, Failure> {
    let config = Config::load(cli.config.as_deref()).map_err(|e| e.to_string())?;
    match cli.command {
        Command::Import {
            file,
            year,
            title,
            sheet,
            dry_run,
            json,
        } => import(&config, &file, year, title, sheet, dry_run, json),
        other => run_other(config, other).map(|()| 0).map_err(Failure::from),
    }
}

fn run_other(config: Config, command: Command) -> Result<(), String> {
    match command {
        Command::Import { .. } => Ok(()),
        Command::Export {
            kind: ExportKind::Bulletin,
            plan,
            period,
            output,
        } => {
            let period = period.ok_or("情况通报需要 --period，例如 --period 2021-Q3")?;
            export_file(
                &config,
                exports::Export::Bulletin {
                    plan_id: plan,
                    period,
                },
                output,
            )
        }
        Command::ReviewBack { from, into, json } => {
            let db = open(&config)?;
            let clock = config.clock();
            let rubric = config.rubric().map_err(|e| e.to_string())?;
            let opts = config.review_back_options();
            let input = workplan::service::review_back::ReviewBackInput {
                from_plan: from,
                checks: Vec::new(),
            };
            let done = db
                .write_blocking(|c| {
                    workplan::service::review_back::run(
                        c,
                        &Caller::cli(),
                        into,
                        &input,
                        &clock,
                        &rubric,
                        &opts,
                    )
                })
                .map_err(|e| e.to_string())?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&done).map_err(|e| e.to_string())?
                );
                return Ok(());
            }
            for c in &done.checks {
                println!(
                    "{}\t{}\t{}\t{}",
                    c.number,
                    c.result_label,
                    c.rectification_number.as_deref().unwrap_or("-"),
                    c.task
                );
            }
            println!(
                "已回头看 {} 项（{}），{} 项转为“{}”的整改事项；{} 项无牵头处室或完成时限，未检查",
                done.checks.len(),
                done.from_title,
                done.rectifications,
                done.into_title,
                done.skipped.len()
            );
            Ok(())
        }
        Command::Evaluation {
            plan,
            finalise,
            json,
        } => {
            let db = open(&config)?;
            let clock = config.clock();
            let rubric = config.rubric().map_err(|e| e.to_string())?;
            let doc = if finalise {
                db.write_blocking(|c| {
                    workplan::service::evaluation::finalise(
                        c,
                        &Caller::cli(),
                        plan,
                        None,
                        &clock,
                        &rubric,
                    )
                })
            } else {
                let mut conn = db.get().map_err(|e| e.to_string())?;
                workplan::service::evaluation::get(&mut conn, plan, &clock, &rubric)
            }
            .map_err(|e| e.to_string())?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?
                );
                return Ok(());
            }
            println!(
                "{}（{}）",
                doc.plan_title,
                if doc.finalised {
                    "已定稿"
                } else {
                    "未定稿"
                }
            );
            println!("处室\t牵头\t按时完成\t逾期完成\t未完成\t按时报送\t逾期报送\t未报送\t得分");
            for d in &doc.divisions {
                let f = &d.figures;
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    d.division,
                    f.led,
                    f.completed_on_time,
                    f.completed_late,
                    f.not_completed,
                    f.reports_on_time,
                    f.reports_late,
                    f.reports_missing,
                    d.score
                );
            }
            match doc.score {
                Some(s) => println!("总体得分 {s}"),
                None => println!("尚无牵头处室，无法评分"),
            }
            Ok(())
        }
        Command::Export {
            kind, plan, output, ..
        } => {
            let kind = match kind {
                ExportKind::Ledger => exports::ExportKind::Ledger,
                ExportKind::Summary => exports::ExportKind::Summary,
                ExportKind::Evaluation => exports::ExportKind::Evaluation,
                ExportKind::ReviewBack => exports::ExportKind::ReviewBack,
                ExportKind::Bulletin => return Err("情况通报需要 --period".to_string()),
                ExportKind::AnnualReport => {
                    use workplan::service::annual_report::FileKind;
                    // FILE ending in .xlsx asks for the tables; anything else the document.
                    let kind = match output
                        .as_ref()
                        .and_then(|p| p.extension())
                        .and_then(|e| e.to_str())
                    {
                        Some(e) if e.eq_ignore_ascii_case("xlsx") => FileKind::Xlsx,
                        _ => FileKind::Docx,
                    };
                    let what = exports::Export::AnnualReport {
                        plan_id: plan,
                        kind,
                    };
                    return export_file(&config, what, output);
                }
            };
            export_file(
                &config,
                exports::Export::Workbook {
                    kind,
                    plan_id: plan,
                },
                output,
            )
        }
        Command::Serve => serve(config),
        Command::Migrate => {
            let db = Db::connect(&config.database_url, 1).map_err(|e| e.to_string())?;
            let n = db.migrate().map_err(|e| e.to_string())?;
            println!("已应用 {n} 个迁移（{}）", db.backend().name());
            Ok(())
        }
        Command::User(cmd) => user(&open(&config)?, cmd),
        Command::Backup { file } => {
            let db = Db::connect(&config.database_url, 1).map_err(|e| e.to_string())?;
            db.backup(&file).map_err(|e| e.to_string())?;
            println!("已备份到 {}", file.display());
            Ok(())
        }
    }
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

#[allow(clippy::too_many_arguments)]
fn import(
    config: &Config,
    file: &std::path::Path,
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
            match imports::preview_in_db(&mut c, &bytes, &name, &opts, &commit) {
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

fn serve(config: Config) -> Result<(), String> {
    let secret = config.resolve_jwt_secret().map_err(|e| e.to_string())?;
    std::fs::create_dir_all(&config.storage_dir)
        .map_err(|e| format!("无法创建证明材料目录 {}：{e}", config.storage_dir.display()))?;
    let db = open(&config)?;
    let users = {
        let mut conn = db.get().map_err(|e| e.to_string())?;
        queries::users::count(&mut conn).map_err(|e| e.to_string())?
    };
    println!(
        "workplan 已启动：http://{}/ （数据库：{}）",
        config.bind,
        db.backend().name()
    );
    if users == 0 {
        println!("还没有账号。另开一个终端运行以下命令创建第一个办公室账号，然后用它登录：");
        println!("  cargo run -- user add admin --role office   （已安装时：workplan user add admin --role office）");
    } else {
        println!("用已有账号登录：http://{}/login", config.bind);
    }
    let state = web::AppState::new(db, config, &secret);
    actix_web::rt::System::new()
        .block_on(web::serve(state))
        .map_err(|e| format!("无法在该地址监听：{e}"))
}

fn read_password(from_stdin: bool) -> Result<String, String> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("无法读取密码：{e}"))?;
        let pw = line.trim_end_matches(['\r', '\n']).to_string();
        if pw.is_empty() {
            return Err("标准输入中没有密码".to_string());
        }
        return Ok(pw);
    }
    let first = rpassword::prompt_password("密码：").map_err(|e| e.to_string())?;
    let again = rpassword::prompt_password("再输一次：").map_err(|e| e.to_string())?;
    if first != again {
        return Err("两次输入的密码不一致".to_string());
    }
    Ok(first)
}

fn division_id(db: &Db, division: Option<&str>) -> Result<Option<i32>, String> {
    let Some(d) = division else { return Ok(None) };
    let mut conn = db.get().map_err(|e| e.to_string())?;
    let found = match d.trim().parse::<i32>() {
        Ok(id) => queries::divisions::get(&mut conn, id),
        Err(_) => queries::divisions::by_name_or_alias(&mut conn, d.trim()),
    }
    .map_err(|e| e.to_string())?;
    found
        .map(|d| Some(d.id))
        .ok_or_else(|| format!("处室“{d}”不在目录中；请先由办公室在“系统管理 → 处室目录”中添加"))
}

fn user(db: &Db, cmd: UserCommand) -> Result<(), String> {
    let cli = Caller::cli();
    let fail = |e: AppError| e.to_string();
    match cmd {
        UserCommand::Add {
            name,
            role,
            division,
            display_name,
            email,
            password_stdin,
        } => {
            let division_id = division_id(db, division.as_deref())?;
            let password = read_password(password_stdin)?;
            let input = NewUserInput {
                username: name,
                display_name,
                password,
                role,
                division_id,
                email,
            };
            let u = db
                .write_blocking(|c| accounts::create_user(c, &cli, &input))
                .map_err(fail)?;
            println!("已添加用户 {}（{}）", u.username, u.role.label());
        }
        UserCommand::List => {
            let mut conn = db.get().map_err(|e| e.to_string())?;
            let users = accounts::list_users(&mut conn, &cli).map_err(fail)?;
            println!("{:<20} {:<10} {:<8} 处室", "用户名", "角色", "状态");
            for u in users {
                let division = u
                    .division_id
                    .and_then(|id| queries::divisions::get(&mut conn, id).ok().flatten())
                    .map(|d| d.name)
                    .unwrap_or_default();
                let state = if u.disabled { "已停用" } else { "正常" };
                println!(
                    "{:<20} {:<10} {:<8} {}",
                    u.username,
                    u.role.as_str(),
                    state,
                    division
                );
            }
        }
        UserCommand::Disable { name } => {
            set_disabled(db, &cli, &name, true)?;
            println!("已停用 {name}");
        }
        UserCommand::Enable { name } => {
            set_disabled(db, &cli, &name, false)?;
            println!("已启用 {name}");
        }
        UserCommand::Passwd {
            name,
            password_stdin,
        } => {
            let password = read_password(password_stdin)?;
            db.write_blocking(|c| {
                let u = accounts::user_by_name(c, &name)?;
                let patch = UserPatch {
                    version: u.version,
                    password: Some(password.clone()),
                    ..Default::default()
                };
                accounts::update_user(c, &cli, u.id, &patch)
            })
            .map_err(fail)?;
            println!("已更新 {name} 的密码");
        }
    }
    Ok(())
}

fn set_disabled(db: &Db, cli: &Caller, name: &str, disabled: bool) -> Result<(), String> {
    db.write_blocking(|c| {
        let u = accounts::user_by_name(c, name)?;
        let patch = UserPatch {
            version: u.version,
            disabled: Some(disabled),
            ..Default::default()
        };
        accounts::update_user(c, cli, u.id, &patch)
    })
    .map(|_| ())
    .map_err(|e: AppError| e.to_string())
}
