//! The `workplan` command: serve the app, migrate, manage users, back up, restore, verify. This file holds
//! the arguments and the dispatch; each group of verbs is a module of `cli`.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use workplan::config::Config;
use workplan::domain::role::Role;

use cli::{
    agency, backup, export, import, maintenance, open, plan, serve, users, year_end, Failure,
};

/// Imports, exports and page rendering allocate many small strings (a 10,000-item preview is
/// hundreds of thousands); mimalloc serves them markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Show or set the agency's names (机关信息), which head titles and file names.
    #[command(subcommand)]
    Agency(AgencyCommand),
    /// A plan's cascade through the agencies below.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Back up the database and every evidence file into DIR (new or empty), with a
    /// manifest of SHA-256 hashes; on PostgreSQL, run pg_dump into DIR first.
    Backup { dir: PathBuf },
    /// Restore a backup folder into the configured database (a new or empty SQLite file)
    /// and evidence folder, checking every file against the manifest.
    Restore {
        dir: PathBuf,
        /// Only put back evidence files the store lacks or holds damaged; leave the
        /// database alone.
        #[arg(long)]
        evidence_only: bool,
    },
    /// Check every stored evidence file against its recorded SHA-256 (or a backup folder
    /// against its manifest); lists missing and damaged files, exit status 1 when any.
    Verify {
        /// Check this backup folder instead of the live store.
        #[arg(long, value_name = "DIR")]
        backup: Option<PathBuf>,
    },
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
        /// The password is temporary: the user must change it at first login. Without
        /// this, the password given here is final (for scripts).
        #[arg(long)]
        temporary: bool,
        /// The agency the account belongs to (its id, see `agency list`); default: the first.
        #[arg(long, default_value_t = 1)]
        agency: i32,
    },
    /// List users.
    List,
    /// Disable a user: they can no longer log in, and their tokens stop working.
    Disable { name: String },
    /// Enable a disabled user again.
    Enable { name: String },
    /// Set a user's password; every session of theirs ends.
    Passwd {
        name: String,
        #[arg(long)]
        password_stdin: bool,
        /// The password is temporary: the user must change it at next login.
        #[arg(long)]
        temporary: bool,
    },
}

#[derive(Subcommand)]
enum AgencyCommand {
    /// Show the agency's full name, short name and supervising disclosure office.
    Show,
    /// Set them (what is not given stays as saved), as 系统管理 → 机关信息 does.
    Set {
        /// The full name, e.g. 广州市体育局: heads report titles, workbook titles and file names.
        #[arg(long)]
        name: Option<String>,
        /// The short name, e.g. 市体育局 (empty to clear).
        #[arg(long)]
        short: Option<String>,
        /// The supervising disclosure office, e.g. 广州市政务公开办公室 (empty to clear).
        #[arg(long)]
        supervisor: Option<String>,
    },
    /// Place an agency below another (a bureau under the city's office), with its unit in
    /// the upper agency's directory and its office's first account (temporary password,
    /// read from standard input).
    Add {
        /// The full name, e.g. 广州市体育局.
        name: String,
        /// The short name, e.g. 市体育局.
        #[arg(long, default_value = "")]
        short: String,
        /// The agency above (its id, see `agency list`); default: the first agency.
        #[arg(long, default_value_t = 1)]
        parent: i32,
        /// The user name of its office's first account.
        #[arg(long)]
        office_user: String,
    },
    /// List every agency with its place in the tree.
    List,
}

#[derive(Subcommand)]
enum PlanCommand {
    /// Hand the plan down: each agency below whose unit leads or supports items in it
    /// receives them as the draft of its own plan (again later: only what is new).
    HandDown {
        /// The plan's id.
        id: i32,
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

fn run(cli: Cli) -> Result<u8, Failure> {
    let config = Config::load(cli.config.as_deref()).map_err(|e| e.to_string())?;
    let done = match cli.command {
        // The one verb whose exit status says more than success or failure.
        Command::Import {
            file,
            year,
            title,
            sheet,
            dry_run,
            json,
        } => return import::import(&config, &file, year, title, sheet, dry_run, json),
        // These end in their own failures: a backup can be written and still say files are missing.
        Command::Backup { dir } => return backup::backup(&config, &dir).map(|()| 0),
        Command::Restore { dir, evidence_only } => {
            return backup::restore(&config, &dir, evidence_only).map(|()| 0)
        }
        Command::Verify { backup: folder } => {
            return backup::verify(&config, folder.as_deref()).map(|()| 0)
        }
        Command::Export {
            kind,
            plan,
            period,
            output,
        } => export::export(&config, kind, plan, period, output),
        Command::ReviewBack { from, into, json } => {
            year_end::review_back(&config, from, into, json)
        }
        Command::Evaluation {
            plan,
            finalise,
            json,
        } => year_end::evaluation(&config, plan, finalise, json),
        Command::Serve => serve::serve(config),
        Command::Migrate => maintenance::migrate(&config),
        Command::User(cmd) => open(&config).and_then(|db| users::user(&db, cmd)),
        Command::Agency(cmd) => open(&config).and_then(|db| agency::agency(&db, cmd)),
        Command::Plan(cmd) => open(&config).and_then(|db| plan::plan(&db, cmd)),
    };
    done.map(|()| 0).map_err(Failure::from)
}
