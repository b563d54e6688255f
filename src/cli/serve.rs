//! `serve`: the web UI and API.

use workplan::config::Config;
use workplan::db::queries;
use workplan::web;

use workplan::service::agency::{Seeded, WHERE_TO_SET};

use super::open_with_agency;

/// Serves the app until stopped, after telling the operator where and how to log in.
pub fn serve(config: Config) -> Result<(), String> {
    let secret = config.resolve_jwt_secret().map_err(|e| e.to_string())?;
    std::fs::create_dir_all(&config.storage_dir)
        .map_err(|e| format!("无法创建证明材料目录 {}：{e}", config.storage_dir.display()))?;
    let (db, agency) = open_with_agency(&config)?;
    let users = {
        let mut conn = db.get().map_err(|e| e.to_string())?;
        queries::users::count(&mut conn).map_err(|e| e.to_string())?
    };
    println!(
        "workplan 已启动：http://{}/ （数据库：{}）",
        config.bind,
        db.backend().name()
    );
    match agency {
        Seeded::Unset => println!(
            "尚未设置机关名称：年度报告、台账等文件的标题和文件名暂不含机关名称。{WHERE_TO_SET}。"
        ),
        Seeded::Created(name) => println!(
            "已按 WORKPLAN_AGENCY_NAME 记录机关名称“{name}”；此后在“系统管理 → 机关信息”中修改。"
        ),
        Seeded::Kept(name)
            if !config.agency_name.trim().is_empty() && config.agency_name.trim() != name =>
        {
            println!(
                "机关名称以“系统管理 → 机关信息”中保存的“{name}”为准；WORKPLAN_AGENCY_NAME（{}）只在首次启动、尚无机关信息时使用。",
                config.agency_name.trim()
            )
        }
        Seeded::Kept(_) => {}
    }
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
