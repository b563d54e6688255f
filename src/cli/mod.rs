//! The verbs of the `workplan` command, one module per group; `main.rs` parses the
//! arguments and dispatches to them.

pub mod agency;
pub mod backup;
pub mod export;
pub mod import;
pub mod maintenance;
pub mod plan;
pub mod serve;
pub mod users;
pub mod year_end;

use workplan::config::Config;
use workplan::db::Db;
use workplan::service::agency::{seed, Seeded};

/// How a command failed: the message, and the exit status it ends with.
pub struct Failure(pub String, pub u8);

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure(message, 1)
    }
}

/// Connects to the configured database and applies pending migrations.
pub fn open(config: &Config) -> Result<Db, String> {
    open_with_agency(config).map(|(db, _)| db)
}

/// [`open`], then records the configured agency name if no agency is recorded yet (the
/// first start; what the office saved later is never overwritten), and says what it did.
pub fn open_with_agency(config: &Config) -> Result<(Db, Seeded), String> {
    let db = Db::connect(&config.database_url, config.pool_size).map_err(|e| e.to_string())?;
    db.migrate().map_err(|e| e.to_string())?;
    let name = config.agency_name.clone();
    let seeded = db
        .write_blocking(|tx| seed(tx, &name))
        .map_err(|e| e.to_string())?;
    Ok((db, seeded))
}
