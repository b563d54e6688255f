//! The supervision loop (督办): acknowledgement or dispute of assignments, extension
//! requests, urging, and the notifications that tell each side.
//!
//! acknowledgement.rs holds 签收 and disputes, extensions.rs the requests for a later due
//! date, urging.rs the office's urging and the answers, notices.rs the inbox and the
//! notices sent on assignment and near the due date.

mod acknowledgement;
mod extensions;
mod notices;
mod urging;

pub use acknowledgement::{
    acknowledge, acknowledge_all, answer_dispute, dispute, unacknowledged, DisputeAnswer,
    DisputeInput, Unacknowledged,
};
pub use extensions::{
    decide_extension, extensions, request_extension, ExtensionDecision, ExtensionInput,
};
pub use notices::{
    inbox, mark_read, notify_assigned, notify_assigned_many, notify_due, open, unread_count, Inbox,
    ReadInput,
};
pub use urging::{answer_urging, urge, urge_all, urgings, UrgeInput, UrgingAnswer, UrgingView};

pub use crate::db::queries::supervision::{
    Acknowledgement, ExtensionRequest, Notification, Urging, UrgingReply,
};
use crate::db::queries::{self};
use crate::db::DbConnection;
use crate::domain::todo::item_subject;
use crate::error::AppError;

/// An item and how notices name it: its plan, number and task
/// (`2021年《分工方案》3. 发布目录`).
pub(crate) fn item_label(
    conn: &mut DbConnection,
    item_id: i32,
) -> Result<(crate::db::models::Item, String), AppError> {
    let item = queries::items::get(conn, item_id)?.ok_or(AppError::NotFound("事项"))?;
    let plan = queries::plans::get(conn, item.plan_id)?.ok_or(AppError::NotFound("计划"))?;
    let label = item_subject(plan.year, &plan.title, &item.number, &item.task);
    Ok((item, label))
}

pub(crate) fn division_name(conn: &mut DbConnection, id: i32) -> Result<String, AppError> {
    Ok(queries::divisions::get(conn, id)?
        .map(|d| d.name)
        .unwrap_or_default())
}
