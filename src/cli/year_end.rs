//! `evaluation` and `review-back`: the year-end work on a plan.

use workplan::config::Config;
use workplan::service::Caller;

use super::open;

/// Shows a plan's year-end evaluation, or finalises it, as a table or JSON.
pub fn evaluation(config: &Config, plan: i32, finalise: bool, json: bool) -> Result<(), String> {
    let db = open(config)?;
    let clock = config.clock();
    let rubric = config.rubric().map_err(|e| e.to_string())?;
    let doc = if finalise {
        db.write_blocking(|c| {
            workplan::service::evaluation::finalise(c, &Caller::cli(), plan, None, &clock, &rubric)
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

/// Checks last year's plan into this year's and prints each check, as a table or JSON.
pub fn review_back(config: &Config, from: i32, into: i32, json: bool) -> Result<(), String> {
    let db = open(config)?;
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
