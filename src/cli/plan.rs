//! `plan`: a plan's cascade through the agencies below (`plan hand-down`).

use workplan::db::{queries, Db};
use workplan::service::{cascade, Caller};

use crate::PlanCommand;

/// Runs one `plan` subcommand.
pub fn plan(db: &Db, cmd: PlanCommand) -> Result<(), String> {
    match cmd {
        PlanCommand::HandDown { id } => {
            // The operator acts as the office of the agency that owns the plan.
            let owner = {
                let mut conn = db.get().map_err(|e| e.to_string())?;
                queries::agency::owner_of_plan(&mut conn, id)
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| format!("没有编号为 {id} 的计划"))?
            };
            let caller = Caller::cli_in(owner);
            let result = db
                .write_blocking(|tx| cascade::hand_down(tx, &caller, id))
                .map_err(|e| e.to_string())?;
            for a in &result.agencies {
                println!(
                    "{}：计划“{}”（编号 {}{}），新增 {} 项，已有 {} 项，上级有修改 {} 项",
                    a.agency,
                    a.title,
                    a.plan_id,
                    if a.created { "，新建" } else { "" },
                    a.added,
                    a.already,
                    a.changed
                );
            }
        }
    }
    Ok(())
}
