//! Notifications: the caller's inbox and its unread badge, and the notices sent to lead
//! divisions when an item is assigned and when it comes due.

use serde::{Deserialize, Serialize};

use super::item_label;
use crate::db::queries::supervision::{self as q, Notification};
use crate::db::queries::{self};
use crate::db::{DbConnection, Job, WriteTx};
use crate::domain::status::ItemStatus;
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
