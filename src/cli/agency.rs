//! `agency`: the agency's names (机关信息), as the office sets them under 系统管理.

use workplan::db::Db;
use workplan::service::agency::{self, AgencyInput, AgencyView, NewAgencyInput, WHERE_TO_SET};
use workplan::service::Caller;

use crate::AgencyCommand;

fn show(v: &AgencyView) {
    if !v.set {
        println!("尚未设置机关名称。{WHERE_TO_SET}，或运行 workplan agency set --name 机关全称");
        return;
    }
    let or_none = |s: &str| {
        if s.is_empty() {
            "（未填写）".to_string()
        } else {
            s.to_string()
        }
    };
    println!("机关全称：{}", v.full_name);
    println!("机关简称：{}", or_none(&v.short_name));
    println!("政务公开办：{}", or_none(&v.supervisor));
}

/// Runs one `agency` subcommand.
pub fn agency(db: &Db, cmd: AgencyCommand) -> Result<(), String> {
    let cli = Caller::cli();
    match cmd {
        AgencyCommand::Show => {
            let mut conn = db.get().map_err(|e| e.to_string())?;
            show(&agency::get(&mut conn, &cli).map_err(|e| e.to_string())?);
        }
        AgencyCommand::Set {
            name,
            short,
            supervisor,
        } => {
            // What is not given stays as saved; the version read is the one written over.
            let saved = db
                .write_blocking(|tx| {
                    let now = agency::get(tx, &cli)?;
                    let input = AgencyInput {
                        full_name: name.unwrap_or(now.full_name),
                        short_name: short.unwrap_or(now.short_name),
                        supervisor: supervisor.unwrap_or(now.supervisor),
                        version: now.version,
                    };
                    agency::set(tx, &cli, &input)
                })
                .map_err(|e| e.to_string())?;
            println!("已保存机关信息。");
            show(&saved);
        }
        AgencyCommand::Add {
            name,
            short,
            parent,
            office_user,
        } => {
            let password = crate::users::read_password(true)?;
            let input = NewAgencyInput {
                full_name: name,
                short_name: short,
                office_username: office_user,
                office_password: password,
            };
            let above = Caller::cli_in(parent);
            let v = db
                .write_blocking(|tx| agency::add_below(tx, &above, &input))
                .map_err(|e| e.to_string())?;
            println!(
                "已添加下级机关 {}（编号 {}），办公室账号 {}（首次登录须修改密码）",
                v.full_name,
                v.id,
                v.office_users.join("、")
            );
        }
        AgencyCommand::List => {
            let mut conn = db.get().map_err(|e| e.to_string())?;
            let rows = workplan::db::queries::agency::list(&mut conn).map_err(|e| e.to_string())?;
            if rows.is_empty() {
                println!("尚未设置机关名称。{WHERE_TO_SET}");
            }
            for r in rows {
                let above = r
                    .parent_id
                    .map_or("（最上级）".to_string(), |p| format!("上级 {p}"));
                println!("{}\t{}\t{}", r.id, r.full_name, above);
            }
        }
    }
    Ok(())
}
