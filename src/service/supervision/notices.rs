//! Notifications: the caller's inbox and its unread badge, and the notices sent to lead
//! divisions when an item is assigned and when it comes due.

use serde::{Deserialize, Serialize};

use super::{division_name, item_label};
use crate::db::queries::supervision::{self as q, Notification};
use crate::db::queries::{self};
use crate::db::{DbConnection, Job, WriteTx};
use crate::domain::status::ItemStatus;
use crate::domain::todo::{is_local_link, item_href, item_subject, plan_label, Place};
use crate::error::AppError;
use crate::service::plans::{item_status, Clock};
use crate::service::Caller;

/// How many of the user's notifications are unread (the badge in the navigation).
pub fn unread_count(conn: &mut DbConnection, user_id: i32) -> Result<i64, AppError> {
    Ok(q::unread_count(conn, user_id)?)
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

/// Opens one of the caller's notifications: marks it read and gives where it leads (its
/// link, else its item's page, else the list). One that is not the caller's, or is gone,
/// leads to the list.
pub fn open(tx: &mut WriteTx<'_>, caller: &Caller, id: i32) -> Result<String, AppError> {
    let user = caller.user_id.ok_or(AppError::Unauthenticated)?;
    let Some(n) = q::notification_of(tx, user, id)? else {
        return Ok("/notifications".to_string());
    };
    if n.read_at.is_none() {
        q::mark_read(tx, user, &[n.id], queries::now())?;
    }
    Ok(match (n.link, n.item_id) {
        (Some(link), _) if is_local_link(&link) => link,
        (_, Some(item)) => item_href(item, Place::Item),
        _ => "/notifications".to_string(),
    })
}

/// Tells each lead division of an item that it was assigned.
pub fn notify_assigned(tx: &mut WriteTx<'_>, item_id: i32) -> Result<(), AppError> {
    let (_, label) = item_label(tx, item_id)?;
    let now = queries::now();
    let link = item_href(item_id, Place::Supervision);
    for a in queries::items::assignments_of(tx, &[item_id])?
        .iter()
        .filter(|a| a.role == "lead")
    {
        if let Some(d) = a.division_id {
            let name = division_name(tx, d)?;
            q::notify(
                tx,
                Some(d),
                "assigned",
                Some(item_id),
                &assigned_text(&name, &label),
                Some(&link),
                now,
            )?;
        }
    }
    Ok(())
}

/// The notice a lead division gets for a new item.
fn assigned_text(division: &str, label: &str) -> String {
    format!("{division}有新分工（牵头）：{label}，请签收")
}

/// [`notify_assigned`] for many new items of one plan at once (an import): `(item id,
/// "number. task", lead division ids)` each.
pub fn notify_assigned_many(
    tx: &mut WriteTx<'_>,
    plan_id: i32,
    items: &[(i32, String, Vec<i32>)],
) -> Result<(), AppError> {
    if items.is_empty() {
        return Ok(());
    }
    let plan = queries::plans::get(tx, plan_id)?.ok_or(AppError::NotFound("计划"))?;
    let plan = plan_label(plan.year, &plan.title);
    let names: std::collections::HashMap<i32, String> = queries::divisions::list(tx)?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let notices: Vec<(i32, i32, String, String)> = items
        .iter()
        .flat_map(|(item, label, leads)| {
            let (names, plan) = (&names, &plan);
            let link = item_href(*item, Place::Supervision);
            leads.iter().map(move |d| {
                let name = names.get(d).map(String::as_str).unwrap_or_default();
                let text = assigned_text(name, &format!("{plan}{label}"));
                (*d, *item, text, link.clone())
            })
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
    let names: std::collections::HashMap<i32, String> = queries::divisions::list(tx)?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    for plan in queries::plans::all(tx)? {
        for item in queries::items::list(tx, plan.id, None)? {
            let kind = match item_status(&item, clock) {
                ItemStatus::DueSoon => "due_soon",
                ItemStatus::Overdue => "overdue",
                _ => continue,
            };
            if q::notified(tx, item.id, kind)? {
                continue;
            }
            let Some(due) = item.deadline_due else {
                continue;
            };
            let label = item_subject(plan.year, &plan.title, &item.number, &item.task);
            let now = queries::now();
            let link = item_href(item.id, Place::Item);
            for a in queries::items::assignments_of(tx, &[item.id])?
                .iter()
                .filter(|a| a.role == "lead")
            {
                if let Some(d) = a.division_id {
                    let name = names.get(&d).map(String::as_str).unwrap_or_default();
                    let text = if kind == "due_soon" {
                        format!("{name}牵头的事项即将到期（{due}）：{label}")
                    } else {
                        format!("{name}牵头的事项已逾期（{due} 到期）：{label}")
                    };
                    sent += q::notify(tx, Some(d), kind, Some(item.id), &text, Some(&link), now)?;
                }
            }
        }
    }
    Ok(sent)
}
