//! Extension requests: the lead division asks for a later due date, the office decides.

use chrono::NaiveDate;
use serde::Deserialize;

use super::{division_name, item_label};
use crate::db::queries::supervision::{self as q, ExtensionRequest};
use crate::db::queries::{self};
use crate::db::{DbConnection, WriteTx};
use crate::domain::access::ItemWrite;
use crate::domain::lifecycle::ExtensionState;
use crate::domain::supervision::check_extension;
use crate::domain::todo::{item_href, Place};
use crate::error::AppError;
use crate::service::plans::authorise_item;
use crate::service::{Audit, Caller};

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
    if !crate::domain::deadline::plausible(input.requested_due) {
        return Err(AppError::invalid(
            "requested_due",
            "日期超出合理范围，请检查年份是否填写正确",
        ));
    }
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
        Some(&item_href(item_id, Place::Supervision)),
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
    let name = division_name(tx, e.division_id)?;
    let text = if input.approve {
        format!(
            "办公室同意{name}延期至 {}（原定 {}）：{label}",
            e.requested_due, e.original_due
        )
    } else {
        format!(
            "办公室不同意{name}延期：{label}（{}）",
            reply.unwrap_or_default()
        )
    };
    q::notify(
        tx,
        Some(e.division_id),
        "extension_decided",
        Some(e.item_id),
        &text,
        Some(&item_href(e.item_id, Place::Supervision)),
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
