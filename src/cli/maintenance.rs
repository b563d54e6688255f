//! `migrate`: bringing the database's tables up to date.

use workplan::config::Config;
use workplan::db::Db;

/// Applies pending migrations and says how many.
pub fn migrate(config: &Config) -> Result<(), String> {
    let db = Db::connect(&config.database_url, 1).map_err(|e| e.to_string())?;
    let n = db.migrate().map_err(|e| e.to_string())?;
    println!("已应用 {n} 个迁移（{}）", db.backend().name());
    Ok(())
}
