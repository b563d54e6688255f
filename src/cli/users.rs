//! `user`: accounts, and the division directory they belong to.

use std::io::{BufRead, IsTerminal};

use workplan::db::{queries, Db};
use workplan::error::AppError;
use workplan::service::accounts::{self, NewUserInput, UserPatch};
use workplan::service::Caller;

use crate::UserCommand;

pub(crate) fn read_password(from_stdin: bool) -> Result<String, String> {
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

fn division_id(db: &Db, agency: i32, division: Option<&str>) -> Result<Option<i32>, String> {
    let Some(d) = division else { return Ok(None) };
    let mut conn = db.get().map_err(|e| e.to_string())?;
    let found = match d.trim().parse::<i32>() {
        Ok(id) => queries::divisions::get(&mut conn, id),
        Err(_) => queries::divisions::by_name_or_alias(&mut conn, agency, d.trim()),
    }
    .map_err(|e| e.to_string())?;
    found
        .map(|d| Some(d.id))
        .ok_or_else(|| format!("处室“{d}”不在目录中；请先由办公室在“系统管理 → 处室目录”中添加"))
}

/// Runs one `user` subcommand.
pub fn user(db: &Db, cmd: UserCommand) -> Result<(), String> {
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
            temporary,
            agency,
        } => {
            let division_id = division_id(db, agency, division.as_deref())?;
            let cli = Caller::cli_in(agency);
            let password = read_password(password_stdin)?;
            let input = NewUserInput {
                username: name,
                display_name,
                password,
                role,
                division_id,
                email,
                temporary,
            };
            let u = db
                .write_blocking(|c| accounts::create_user(c, &cli, &input))
                .map_err(fail)?;
            println!("已添加用户 {}（{}）", u.username, u.role.label());
            if temporary {
                println!("该密码为临时密码，用户首次登录时须修改");
            }
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
            temporary,
        } => {
            let password = read_password(password_stdin)?;
            db.write_blocking(|c| {
                let u = accounts::user_by_name(c, &name)?;
                let patch = UserPatch {
                    version: u.version,
                    password: Some(password.clone()),
                    temporary,
                    ..Default::default()
                };
                accounts::update_user(c, &cli, u.id, &patch)
            })
            .map_err(fail)?;
            println!("已更新 {name} 的密码，其原有登录已全部结束");
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
