//! The supervision loop (督办): acknowledgement or dispute of assignments, extension
//! requests, urging, and the notifications that tell each side.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::plans::{authorise_item, item_status, Clock};
use super::{Audit, Caller};
use crate::db::queries::supervision::{self as q};
pub use crate::db::queries::supervision::{
    Acknowledgement, ExtensionRequest, Notification, Urging,
};
use crate::db::queries::{self};
use crate::db::{DbConnection, Job, WriteTx};
use crate::domain::access::ItemWrite;
use crate::domain::lifecycle::{AcknowledgementState, ExtensionState, ReportState};
use crate::domain::status::ItemStatus;
use crate::domain::supervision::{acknowledge_by, check_extension};
use crate::error::AppError;

fn item_label(
    conn: &mut DbConnection,
    item_id: i32,
) -> Result<(crate::db::models::Item, String), AppError> {
    let item = queries::items::get(conn, item_id)?.ok_or(AppError::NotFound("事项"))?;
    let label = format!("{}. {}", item.number, item.task);
    Ok((item, label))
}

fn division_name(conn: &mut DbConnection, id: i32) -> Result<String, AppError> {
    Ok(queries::divisions::get(conn, id)?
        .map(|d| d.name)
        .unwrap_or_default())
}

/// How many of the user's notifications are unread (the badge in the navigation).
pub fn unread_count(conn: &mut DbConnection, user_id: i32) -> Result<i64, AppError> {
    Ok(q::unread_count(conn, user_id)?)
}

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
    let division = caller
        .division_id
        .ok_or_else(|| AppError::Forbidden("请以牵头处室的账号签收".to_string()))?;
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
            super::plans::update_item(
                tx,
                caller,
                item_id,
                &super::plans::ItemPatch {
                    version: item.version,
                    lead: Some(input.lead.clone()),
                    ..Default::default()
                },
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
    let text = if matches!(state, AcknowledgementState::Kept) {
        format!("办公室维持分工：{label}（{reply}）")
    } else {
        format!("办公室已改派：{label}（{reply}）")
    };
    q::notify(
        tx,
        Some(input.division_id),
        "dispute_answered",
        Some(item_id),
        &text,
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
    super::plans::get(conn, plan_id)?;
    let items = queries::items::list(conn, plan_id, None)?;
    let ids: Vec<i32> = items.iter().map(|i| i.id).collect();
    let assignments = queries::items::assignments_of(conn, &ids)?;
    let acks = q::acknowledgements_of(conn, &ids)?;
    let calendar = super::plans::calendar();
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
                division: division_name(conn, d)?,
                due_by: by,
            });
        }
    }
    Ok(out)
}

/// A request for a later due date.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ExtensionInput {
    pub requested_due: NaiveDate,
    pub reason: String,
}

/// The lead division asks, before the due date, for a later one.
pub fn request_extension(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    item_id: i32,
    input: &ExtensionInput,
    today: NaiveDate,
) -> Result<ExtensionRequest, AppError> {
    let division = authorise_item(tx, caller, item_id, ItemWrite::Report)?
        .ok_or_else(|| AppError::invalid("item", "该事项尚未指定牵头处室"))?;
    let (item, label) = item_label(tx, item_id)?;
    check_extension(today, item.deadline_due, input.requested_due)
        .map_err(|e| AppError::invalid("requested_due", e.to_string()))?;
    let reason = input.reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("reason", "请说明延期理由"));
    }
    if q::extensions_of(tx, item_id)?
        .iter()
        .any(|e| e.state.is_pending())
    {
        return Err(AppError::Conflict("该事项已有待审批的延期申请".to_string()));
    }
    let original = item
        .deadline_due
        .ok_or_else(|| AppError::invalid("item", "该事项没有具体的完成日期"))?;
    let now = queries::now();
    let e = q::insert_extension(
        tx,
        item_id,
        division,
        original,
        input.requested_due,
        reason,
        caller.user_id,
        now,
    )?;
    let name = division_name(tx, division)?;
    q::notify(
        tx,
        None,
        "extension_requested",
        Some(item_id),
        &format!("{name}申请延期至 {}：{label}", input.requested_due),
        now,
    )?;
    Audit::of("extension", e.id, "request")
        .acting_for(division)
        .record_after(tx, caller, &e)?;
    Ok(e)
}

/// The office's decision on an extension request.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ExtensionDecision {
    pub approve: bool,
    pub reply: Option<String>,
    pub version: Option<i32>,
}

/// Approves (the item's due date moves; the original stays on the request) or refuses.
pub fn decide_extension(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    request_id: i32,
    input: &ExtensionDecision,
) -> Result<ExtensionRequest, AppError> {
    caller.require_office()?;
    let e = q::extension(tx, request_id)?.ok_or(AppError::NotFound("延期申请"))?;
    if !e.state.is_pending() {
        return Err(AppError::Conflict("该延期申请已处理".to_string()));
    }
    let reply = input
        .reply
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if !input.approve && reply.is_none() {
        return Err(AppError::invalid("reply", "不同意延期时请写明理由"));
    }
    let now = queries::now();
    let state = ExtensionState::decided(input.approve);
    if !q::decide_extension(
        tx,
        e.id,
        input.version.unwrap_or(e.version),
        state,
        reply,
        caller.user_id,
        now,
    )? {
        return Err(AppError::stale("该延期申请"));
    }
    let (_, label) = item_label(tx, e.item_id)?;
    if input.approve {
        queries::items::set_due(tx, e.item_id, e.requested_due)?;
    }
    let text = if input.approve {
        format!(
            "同意延期至 {}（原定 {}）：{label}",
            e.requested_due, e.original_due
        )
    } else {
        format!("不同意延期：{label}（{}）", reply.unwrap_or_default())
    };
    q::notify(
        tx,
        Some(e.division_id),
        "extension_decided",
        Some(e.item_id),
        &text,
        now,
    )?;
    let after = q::extension(tx, e.id)?.ok_or(AppError::NotFound("延期申请"))?;
    Audit::of("extension", e.id, state.as_str()).record_change(tx, caller, &e, &after)?;
    Ok(after)
}

/// An item's extension requests.
pub fn extensions(
    conn: &mut DbConnection,
    item_id: i32,
) -> Result<Vec<ExtensionRequest>, AppError> {
    Ok(q::extensions_of(conn, item_id)?)
}

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
    super::plans::get(tx, plan_id)?;
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
    if caller.division_id != Some(u.division_id)
        && !crate::domain::access::may_administer(caller.role)
    {
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

/// A user's notifications and unread count.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Inbox {
    pub unread: i64,
    pub notifications: Vec<Notification>,
}

/// The caller's notifications.
pub fn inbox(
    conn: &mut DbConnection,
    caller: &Caller,
    unread_only: bool,
) -> Result<Inbox, AppError> {
    let user = caller.user_id.ok_or(AppError::Unauthenticated)?;
    Ok(Inbox {
        unread: q::unread_count(conn, user)?,
        notifications: q::notifications_of(conn, user, unread_only, 200)?,
    })
}

/// Which notifications to mark read (all when empty).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReadInput {
    #[serde(default)]
    pub ids: Vec<i32>,
}

/// Marks the caller's notifications read.
pub fn mark_read(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    input: &ReadInput,
) -> Result<usize, AppError> {
    let user = caller.user_id.ok_or(AppError::Unauthenticated)?;
    Ok(q::mark_read(tx, user, &input.ids, queries::now())?)
}

/// Tells each lead division of an item that it was assigned.
pub fn notify_assigned(tx: &mut WriteTx<'_>, item_id: i32) -> Result<(), AppError> {
    let (_, label) = item_label(tx, item_id)?;
    let now = queries::now();
    for a in queries::items::assignments_of(tx, &[item_id])?
        .iter()
        .filter(|a| a.role == "lead")
    {
        if let Some(d) = a.division_id {
            q::notify(
                tx,
                Some(d),
                "assigned",
                Some(item_id),
                &assigned_text(&label),
                now,
            )?;
        }
    }
    Ok(())
}

/// The notice a lead division gets for a new item.
fn assigned_text(label: &str) -> String {
    format!("新分工（牵头）：{label}，请签收")
}

/// [`notify_assigned`] for many new items at once (an import): `(item id, "number. task",
/// lead division ids)` each.
pub fn notify_assigned_many(
    tx: &mut WriteTx<'_>,
    items: &[(i32, String, Vec<i32>)],
) -> Result<(), AppError> {
    let notices: Vec<(i32, i32, String)> = items
        .iter()
        .flat_map(|(item, label, leads)| {
            let text = assigned_text(label);
            leads.iter().map(move |d| (*d, *item, text.clone()))
        })
        .collect();
    q::notify_divisions(tx, "assigned", &notices, queries::now())?;
    Ok(())
}

/// Tells lead divisions, once per item and kind, that an item is due soon or overdue.
/// Run periodically; returns how many notices were sent.
pub fn notify_due(tx: &mut WriteTx<'_>, clock: &Clock) -> Result<usize, AppError> {
    // Every instance runs this hourly; on PostgreSQL they take turns for the rest of the
    // transaction, so the second one sees the first one's notices instead of repeating them.
    tx.take_turns(Job::DueNotices)?;
    let mut sent = 0;
    for plan in queries::plans::list_with_counts(tx)? {
        for item in queries::items::list(tx, plan.plan.id, None)? {
            let kind = match item_status(&item, clock) {
                ItemStatus::DueSoon => "due_soon",
                ItemStatus::Overdue => "overdue",
                _ => continue,
            };
            if q::notified(tx, item.id, kind)? {
                continue;
            }
            let text = match (kind, item.deadline_due) {
                ("due_soon", Some(d)) => format!("即将到期（{d}）：{}. {}", item.number, item.task),
                (_, Some(d)) => format!("已逾期（{d} 到期）：{}. {}", item.number, item.task),
                _ => continue,
            };
            let now = queries::now();
            for a in queries::items::assignments_of(tx, &[item.id])?
                .iter()
                .filter(|a| a.role == "lead")
            {
                if let Some(d) = a.division_id {
                    sent += q::notify(tx, Some(d), kind, Some(item.id), &text, now)?;
                }
            }
        }
    }
    Ok(sent)
}
