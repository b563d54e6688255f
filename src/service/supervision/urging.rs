//! Urging (催办): the office urges an item's lead divisions, one item or a whole plan's
//! overdue items and missing reports at once, and the urged division answers.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{division_name, item_label};
use crate::db::queries::supervision::{self as q, Urging, UrgingReply};
use crate::db::queries::{self};
use crate::db::{DbConnection, WriteTx};
use crate::domain::lifecycle::ReportState;
use crate::domain::status::ItemStatus;
use crate::domain::todo::{item_href, Place};
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
        let name = division_name(tx, d)?;
        q::notify(
            tx,
            Some(d),
            "urged",
            Some(item_id),
            &format!("办公室催办{name}：{label}（{message}）"),
            Some(&item_href(item_id, Place::Urging(u.id))),
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

/// An urging with every answer given to it, oldest first: an answer once given is history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UrgingView {
    pub id: i32,
    pub item_id: i32,
    pub division_id: i32,
    pub period_id: Option<i32>,
    pub message: String,
    pub urged_by: Option<i32>,
    pub urged_at: NaiveDateTime,
    /// The latest answer's text (every answer is in `answers`).
    pub answer: Option<String>,
    /// When the latest answer was given.
    pub answered_at: Option<NaiveDateTime>,
    /// Every answer, oldest first.
    pub answers: Vec<UrgingReply>,
}

impl UrgingView {
    fn of(u: Urging, answers: Vec<UrgingReply>) -> Self {
        let latest = answers.last();
        UrgingView {
            answer: latest.map(|a| a.text.clone()),
            answered_at: latest.map(|a| a.answered_at),
            id: u.id,
            item_id: u.item_id,
            division_id: u.division_id,
            period_id: u.period_id,
            message: u.message,
            urged_by: u.urged_by,
            urged_at: u.urged_at,
            answers,
        }
    }
}

/// The urgings with their answers, in the order given.
fn with_answers(
    conn: &mut DbConnection,
    urgings: Vec<Urging>,
) -> Result<Vec<UrgingView>, AppError> {
    let ids: Vec<i32> = urgings.iter().map(|u| u.id).collect();
    let mut by_urging: std::collections::HashMap<i32, Vec<UrgingReply>> =
        std::collections::HashMap::new();
    for a in q::urging_replies(conn, &ids)? {
        by_urging.entry(a.urging_id).or_default().push(a);
    }
    Ok(urgings
        .into_iter()
        .map(|u| {
            let answers = by_urging.remove(&u.id).unwrap_or_default();
            UrgingView::of(u, answers)
        })
        .collect())
}

/// The urged division answers; a further answer is added after the earlier ones, which stay
/// as they were.
pub fn answer_urging(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    urging_id: i32,
    input: &UrgingAnswer,
) -> Result<UrgingView, AppError> {
    let u = q::urging(tx, urging_id)?.ok_or(AppError::NotFound("催办记录"))?;
    if !crate::domain::access::may_act_for_division(caller.actor(), u.division_id) {
        return Err(AppError::Forbidden("只有被催办的处室可以答复".to_string()));
    }
    let answer = input.answer.trim();
    if answer.is_empty() {
        return Err(AppError::invalid("answer", "请填写答复"));
    }
    let now = queries::now();
    let reply_id =
        q::insert_urging_reply(tx, urging_id, u.division_id, caller.user_id, answer, now)?;
    let (_, label) = item_label(tx, u.item_id)?;
    let name = division_name(tx, u.division_id)?;
    q::notify(
        tx,
        None,
        "urging_answered",
        Some(u.item_id),
        &format!("{name}答复催办：{label}（{answer}）"),
        Some(&item_href(u.item_id, Place::Urging(u.id))),
        now,
    )?;
    Audit::of("urging", urging_id, "answer")
        .acting_for(u.division_id)
        .record_after(
            tx,
            caller,
            &serde_json::json!({"answer_id": reply_id, "answer": answer}),
        )?;
    with_answers(tx, vec![u])?
        .pop()
        .ok_or(AppError::NotFound("催办记录"))
}

/// Urgings of an item, newest first, each with its answers.
pub fn urgings(conn: &mut DbConnection, item_id: i32) -> Result<Vec<UrgingView>, AppError> {
    let list = q::urgings_of(conn, Some(item_id), None)?;
    with_answers(conn, list)
}
