//! Acknowledgement (签收) of assignments by the lead division, its dispute and the
//! office's answer, and the assignments not acknowledged in time.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{division_name, item_label};
use crate::db::queries::supervision::{self as q, Acknowledgement};
use crate::db::queries::{self};
use crate::db::{DbConnection, WriteTx};
use crate::domain::access::ItemWrite;
use crate::domain::lifecycle::AcknowledgementState;
use crate::domain::supervision::acknowledge_by;
use crate::domain::todo::{item_href, Place};
use crate::error::AppError;
use crate::service::plans::{self, authorise_item};
use crate::service::{Audit, Caller};

/// The lead division acknowledges (签收) an item.
pub fn acknowledge(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    item_id: i32,
) -> Result<Acknowledgement, AppError> {
    let division = authorise_item(tx, caller, item_id, ItemWrite::Report)?
        .ok_or_else(|| AppError::invalid("item", "该事项尚未指定牵头处室"))?;
    let (_, label) = item_label(tx, item_id)?;
    let now = queries::now();
    q::set_acknowledgement(
        tx,
        item_id,
        division,
        AcknowledgementState::Acknowledged,
        None,
        None,
        caller.user_id,
        None,
        now,
    )?;
    let name = division_name(tx, division)?;
    q::notify(
        tx,
        None,
        AcknowledgementState::Acknowledged.as_str(),
        Some(item_id),
        &format!("{name}已签收：{label}"),
        Some(&item_href(item_id, Place::Supervision)),
        now,
    )?;
    Audit::of("item", item_id, "acknowledge")
        .acting_for(division)
        .record(tx, caller)?;
    q::acknowledgement(tx, item_id, division)?.ok_or(AppError::NotFound("签收记录"))
}

/// Acknowledges every item of a plan the caller's division leads and has not answered yet.
pub fn acknowledge_all(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    plan_id: i32,
) -> Result<usize, AppError> {
    let division = caller.require_division_staff()?;
    let mut n = 0;
    for (item, part) in queries::items::for_division(tx, division)? {
        if item.plan_id != plan_id
            || part != "lead"
            || q::acknowledgement(tx, item.id, division)?.is_some()
        {
            continue;
        }
        acknowledge(tx, caller, item.id)?;
        n += 1;
    }
    Ok(n)
}

/// A division's reason to ask for reassignment.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct DisputeInput {
    pub reason: String,
}

/// The lead division disputes an assignment and asks for reassignment.
pub fn dispute(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    item_id: i32,
    input: &DisputeInput,
) -> Result<Acknowledgement, AppError> {
    let division = authorise_item(tx, caller, item_id, ItemWrite::Report)?
        .ok_or_else(|| AppError::invalid("item", "该事项尚未指定牵头处室"))?;
    let reason = input.reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("reason", "请说明需要调整分工的理由"));
    }
    let (_, label) = item_label(tx, item_id)?;
    let now = queries::now();
    q::set_acknowledgement(
        tx,
        item_id,
        division,
        AcknowledgementState::Disputed,
        Some(reason),
        None,
        caller.user_id,
        None,
        now,
    )?;
    let name = division_name(tx, division)?;
    q::notify(
        tx,
        None,
        AcknowledgementState::Disputed.as_str(),
        Some(item_id),
        &format!("{name}对分工有异议：{label}（{reason}）"),
        Some(&item_href(item_id, Place::Supervision)),
        now,
    )?;
    Audit::of("item", item_id, "dispute")
        .acting_for(division)
        .record_after(tx, caller, &reason)?;
    q::acknowledgement(tx, item_id, division)?.ok_or(AppError::NotFound("签收记录"))
}

/// The office's answer to a dispute.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct DisputeAnswer {
    pub division_id: i32,
    /// `keep` (the assignment stands) or `reassign` (with `lead`).
    pub decision: String,
    pub reply: String,
    /// The new lead divisions, for `reassign`.
    #[serde(default)]
    pub lead: Vec<String>,
}

/// The office keeps the assignment with a reply, or reassigns the item.
pub fn answer_dispute(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    item_id: i32,
    input: &DisputeAnswer,
) -> Result<Acknowledgement, AppError> {
    caller.require_office()?;
    let reply = input.reply.trim();
    if reply.is_empty() {
        return Err(AppError::invalid("reply", "请填写答复意见"));
    }
    let (item, label) = item_label(tx, item_id)?;
    let now = queries::now();
    let state = match input.decision.as_str() {
        "keep" => AcknowledgementState::Kept,
        "reassign" if !input.lead.is_empty() => {
            // The one path the office changes divisions by: the new leads must be in the
            // directory, and the disputing division's 签收 is withdrawn.
            crate::service::assignment::assign(
                tx,
                caller,
                item_id,
                item.version,
                Some(&input.lead),
                None,
                "reassign",
            )?;
            AcknowledgementState::Reassigned
        }
        "reassign" => return Err(AppError::invalid("lead", "改派时请选择新的牵头处室")),
        _ => {
            return Err(AppError::invalid(
                "decision",
                "答复须为 keep（维持）或 reassign（改派）",
            ))
        }
    };
    q::set_acknowledgement(
        tx,
        item_id,
        input.division_id,
        state,
        None,
        Some(reply),
        None,
        caller.user_id,
        now,
    )?;
    let name = division_name(tx, input.division_id)?;
    let text = if matches!(state, AcknowledgementState::Kept) {
        format!("办公室答复{name}的异议，维持分工：{label}（{reply}）")
    } else {
        format!("办公室答复{name}的异议，已改派：{label}（{reply}）")
    };
    q::notify(
        tx,
        Some(input.division_id),
        "dispute_answered",
        Some(item_id),
        &text,
        Some(&item_href(item_id, Place::Supervision)),
        now,
    )?;
    Audit::of("item", item_id, "answer_dispute").record_after(tx, caller, &text)?;
    q::acknowledgement(tx, item_id, input.division_id)?.ok_or(AppError::NotFound("签收记录"))
}

/// An item whose lead division has not acknowledged it in time.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Unacknowledged {
    pub item_id: i32,
    pub number: String,
    pub task: String,
    pub division_id: i32,
    pub division: String,
    pub due_by: NaiveDate,
}

/// Lead assignments not acknowledged within `workdays` working days of the item's creation.
pub fn unacknowledged(
    conn: &mut DbConnection,
    plan_id: i32,
    today: NaiveDate,
    workdays: u32,
) -> Result<Vec<Unacknowledged>, AppError> {
    let plan = plans::get(conn, plan_id)?;
    let items = queries::items::list(conn, plan_id, None)?;
    let ids: Vec<i32> = items.iter().map(|i| i.id).collect();
    let assignments = queries::items::assignments_of(conn, &ids)?;
    let acks = q::acknowledgements_of(conn, &ids)?;
    // The plan's units, read once: a plan's leads are its agency's units.
    let names: std::collections::HashMap<i32, String> =
        queries::divisions::of_agency(conn, plan.agency_id)?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect();
    let calendar = plans::calendar();
    let mut out = Vec::new();
    for item in &items {
        let by = acknowledge_by(calendar, item.created_at.date(), workdays);
        if today <= by {
            continue;
        }
        for a in assignments
            .iter()
            .filter(|a| a.item_id == item.id && a.role == "lead")
        {
            let Some(d) = a.division_id else { continue };
            if acks
                .iter()
                .any(|k| k.item_id == item.id && k.division_id == d)
            {
                continue;
            }
            out.push(Unacknowledged {
                item_id: item.id,
                number: item.number.clone(),
                task: item.task.clone(),
                division_id: d,
                division: match names.get(&d) {
                    Some(name) => name.clone(),
                    None => division_name(conn, d)?,
                },
                due_by: by,
            });
        }
    }
    Ok(out)
}
