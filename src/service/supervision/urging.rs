//! Urging (催办): the office urges an item's lead divisions, one item or a whole plan's
//! overdue items and missing reports at once, and the urged division answers.

use serde::Deserialize;

use super::{division_name, item_label};
use crate::db::queries::supervision::{self as q, Urging};
use crate::db::queries::{self};
use crate::db::{DbConnection, WriteTx};
use crate::domain::lifecycle::ReportState;
use crate::domain::status::ItemStatus;
use crate::error::AppError;
use crate::service::plans::{self, item_status, Clock};
use crate::service::{Audit, Caller};

/// The office's urging message.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct UrgeInput {
    #[serde(default)]
    pub message: String,
}

fn urge_one(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    item_id: i32,
    period_id: Option<i32>,
    message: &str,
) -> Result<usize, AppError> {
    let (_, label) = item_label(tx, item_id)?;
    let now = queries::now();
    let mut n = 0;
    for a in queries::items::assignments_of(tx, &[item_id])?
        .iter()
        .filter(|a| a.role == "lead")
    {
        let Some(d) = a.division_id else { continue };
        let u = q::insert_urging(tx, item_id, d, period_id, message, caller.user_id, now)?;
        q::notify(
            tx,
            Some(d),
            "urged",
            Some(item_id),
            &format!("办公室催办：{label}（{message}）"),
            now,
        )?;
        Audit::of("urging", u.id, "urge").record_after(tx, caller, &u)?;
        n += 1;
    }
    Ok(n)
}

fn message_or(input: &UrgeInput, default: &str) -> String {
    let m = input.message.trim();
    if m.is_empty() {
        default.to_string()
    } else {
        m.to_string()
    }
}

/// Urges one item's lead divisions (office).
pub fn urge(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    item_id: i32,
    input: &UrgeInput,
) -> Result<usize, AppError> {
    caller.require_office()?;
    urge_one(
        tx,
        caller,
        item_id,
        None,
        &message_or(input, "请抓紧推进并及时报送进展"),
    )
}

/// Urges, in one action, every overdue item and every missing report of the plan's open
/// periods (office). Returns how many urgings were sent.
pub fn urge_all(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    plan_id: i32,
    clock: &Clock,
    input: &UrgeInput,
) -> Result<usize, AppError> {
    caller.require_office()?;
    plans::get(tx, plan_id)?;
    let items = queries::items::list(tx, plan_id, None)?;
    let open: Vec<_> = queries::reports::periods(tx, plan_id)?
        .into_iter()
        .filter(|p| p.is_open && p.due_on < clock.today)
        .collect();
    let mut n = 0;
    for item in &items {
        if item_status(item, clock) == ItemStatus::Overdue {
            n += urge_one(
                tx,
                caller,
                item.id,
                None,
                &message_or(input, "该事项已逾期，请抓紧完成并说明情况"),
            )?;
        }
        for p in &open {
            let missing = ReportState::still_owed(
                queries::reports::for_item_period(tx, item.id, p.id)?.map(|r| r.state),
            );
            if missing && !item_status(item, clock).is_done() {
                n += urge_one(
                    tx,
                    caller,
                    item.id,
                    Some(p.id),
                    &message_or(input, &format!("{} 进展尚未报送，请尽快报送", p.period)),
                )?;
            }
        }
    }
    Ok(n)
}

/// A division's answer to an urging.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct UrgingAnswer {
    pub answer: String,
}

/// The urged division answers.
pub fn answer_urging(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    urging_id: i32,
    input: &UrgingAnswer,
) -> Result<Urging, AppError> {
    let u = q::urging(tx, urging_id)?.ok_or(AppError::NotFound("催办记录"))?;
    if !crate::domain::access::may_act_for_division(caller.actor(), u.division_id) {
        return Err(AppError::Forbidden("只有被催办的处室可以答复".to_string()));
    }
    let answer = input.answer.trim();
    if answer.is_empty() {
        return Err(AppError::invalid("answer", "请填写答复"));
    }
    let now = queries::now();
    q::answer_urging(tx, urging_id, answer, now)?;
    let (_, label) = item_label(tx, u.item_id)?;
    let name = division_name(tx, u.division_id)?;
    q::notify(
        tx,
        None,
        "urging_answered",
        Some(u.item_id),
        &format!("{name}答复催办：{label}（{answer}）"),
        now,
    )?;
    Audit::of("urging", urging_id, "answer")
        .acting_for(u.division_id)
        .record_after(tx, caller, &answer)?;
    q::urging(tx, urging_id)?.ok_or(AppError::NotFound("催办记录"))
}

/// Urgings of an item.
pub fn urgings(conn: &mut DbConnection, item_id: i32) -> Result<Vec<Urging>, AppError> {
    Ok(q::urgings_of(conn, Some(item_id), None)?)
}
