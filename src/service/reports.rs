//! Quarterly reporting: periods, the lead's report, supporting contributions, submission,
//! the office's review, evidence. Accepted reports and their evidence never change.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::plans::authorise_item;
use super::{Audit, Caller};
use crate::db::models::{Contribution, Evidence, Report, ReportHistory, ReportingPeriod};
use crate::db::queries::{self, reports::ReportChange};
use crate::db::{DbConnection, WriteTx};
use crate::domain::access::{self, ItemWrite};
use crate::domain::lifecycle::{EvidenceKind, ReportState, Review};
use crate::domain::period::PeriodId;
use crate::domain::todo::{item_href, Place};
use crate::error::AppError;

/// The office opens a quarter for reporting.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct OpenPeriodInput {
    /// `YYYY-Qn`.
    pub period: String,
    /// Default: the quarter's report date under the configured before-month convention.
    pub due_on: Option<NaiveDate>,
}

/// Opens a reporting period of a plan (office).
pub fn open_period(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    plan_id: i32,
    input: &OpenPeriodInput,
    before_month_rule: bool,
) -> Result<ReportingPeriod, AppError> {
    caller.require_office()?;
    super::plans::get(tx, plan_id)?;
    let id = PeriodId::parse(&input.period)
        .ok_or_else(|| AppError::invalid("period", "报送期须写成 2021-Q3 这样的“年-季度”"))?;
    let code = id.to_string();
    if queries::reports::period_by_code(tx, plan_id, &code)?.is_some() {
        return Err(AppError::Conflict(format!("{code} 报送期已开启")));
    }
    let due = input
        .due_on
        .unwrap_or_else(|| id.default_due(before_month_rule));
    let p = queries::reports::insert_period(tx, plan_id, &code, due, queries::now())?;
    Audit::of("period", p.id, "open").record_after(tx, caller, &p)?;
    Ok(p)
}

/// A report with everything the item page shows of it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportView {
    #[serde(flatten)]
    pub report: Report,
    pub period: String,
    pub due_on: NaiveDate,
    /// The supporting divisions' parts for the report's item and period.
    pub contributions: Vec<ContributionView>,
    pub evidence: Vec<Evidence>,
    pub history: Vec<ReportHistory>,
    /// Who saved the report's current version, and when.
    pub last_change: Option<LastChange>,
    /// For a report sent up: the divisions' reports it was drafted from.
    pub sources: Vec<super::rollup::SourceView>,
    /// For a report sent up: where each piece of evidence carried up came from.
    pub evidence_from: Vec<super::rollup::EvidenceOrigin>,
}

impl ReportView {
    /// Where evidence `evidence_id` of this report was carried up from, if it was.
    pub fn origin(&self, evidence_id: &i32) -> Option<&super::rollup::EvidenceOrigin> {
        self.evidence_from
            .iter()
            .find(|o| o.evidence_id == *evidence_id)
    }
}

/// A supporting division's contribution with the division's name (kept after the division
/// stops supporting the item: its words stay on record).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ContributionView {
    #[serde(flatten)]
    pub contribution: Contribution,
    /// The division's name.
    pub division: String,
}

/// The contributions to an item for a period, with their divisions' names.
pub(super) fn contributions_of(
    conn: &mut DbConnection,
    item_id: i32,
    period_id: i32,
) -> Result<Vec<ContributionView>, AppError> {
    Ok(queries::reports::contributions(conn, item_id, period_id)?
        .into_iter()
        .map(|(contribution, division)| ContributionView {
            contribution,
            division,
        })
        .collect())
}

/// Who made a report's latest change (save, submission or review), and when.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LastChange {
    /// The user's display name, else the user name (None when the account is gone).
    pub user: Option<String>,
    /// The user's division (None for the office).
    pub division: Option<String>,
    pub at: NaiveDateTime,
}

impl LastChange {
    /// "法规宣传处 张三" / "办公室 李四", as a sentence names the writer.
    pub fn who(&self) -> String {
        let division = self.division.as_deref().unwrap_or("办公室");
        match self.user.as_deref().map(str::trim) {
            Some(u) if !u.is_empty() => format!("{division} {u}"),
            _ => division.to_string(),
        }
    }
}

/// The report as saved now, sent with a stale write's 409 (`error.current`) so the client
/// can show it beside the text it tried to save.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CurrentReport {
    pub id: i32,
    pub item_id: i32,
    pub period: String,
    /// The version to send when saving again after merging.
    pub version: i32,
    pub state: ReportState,
    pub summary: String,
    pub completes_item: bool,
    pub last_change: Option<LastChange>,
}

/// A report, if the caller may read it (`domain::access::may_read_report`).
pub fn read(conn: &mut DbConnection, caller: &Caller, id: i32) -> Result<ReportView, AppError> {
    readable(conn, caller, id)?;
    view_as(conn, caller, id)
}

/// The report `id` if `caller` may read it.
fn readable(conn: &mut DbConnection, caller: &Caller, id: i32) -> Result<Report, AppError> {
    let report = queries::reports::get(conn, id)?.ok_or(AppError::NotFound("报告"))?;
    let parts = super::plans::parts_of(conn, report.item_id)?;
    if !access::may_read_report(caller.actor(), &parts, report.division_id, report.state) {
        return Err(AppError::Forbidden(
            "只能查看本处室的报告，以及本处室牵头或配合事项中已通过审核的报告".to_string(),
        ));
    }
    Ok(report)
}

/// An evidence file to download, if the caller may read its report.
pub fn evidence_file(
    conn: &mut DbConnection,
    caller: &Caller,
    evidence_id: i32,
) -> Result<Evidence, AppError> {
    let e = queries::reports::evidence(conn, evidence_id)?.ok_or(AppError::NotFound("佐证材料"))?;
    readable(conn, caller, e.report_id)?;
    if !e.kind.has_file() {
        // A web page given as evidence has no file to download.
        return Err(AppError::NotFound("佐证材料文件"));
    }
    Ok(e)
}

/// The item a report belongs to (for going back to its page after a change).
pub fn item_of(conn: &mut DbConnection, caller: &Caller, id: i32) -> Result<i32, AppError> {
    Ok(readable(conn, caller, id)?.item_id)
}

/// [`view`] as `caller` reads it: links to the sources they may open.
pub(super) fn view_as(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i32,
) -> Result<ReportView, AppError> {
    let mut v = view(conn, id)?;
    super::rollup::reveal(conn, caller, &mut v.sources)?;
    Ok(v)
}

/// A report with its period, contributions, evidence, history and sources (for a reader
/// already checked, or the writer; no links to sources: see [`view_as`]).
pub(super) fn view(conn: &mut DbConnection, id: i32) -> Result<ReportView, AppError> {
    let report = queries::reports::get(conn, id)?.ok_or(AppError::NotFound("报告"))?;
    let period =
        queries::reports::period(conn, report.period_id)?.ok_or(AppError::NotFound("报送期"))?;
    let history = queries::reports::history(conn, id)?;
    let last_change = match history.last() {
        Some(h) => Some(last_change(conn, h)?),
        None => None,
    };
    let (sources, evidence_from) = super::rollup::sources_of(conn, id)?;
    Ok(ReportView {
        sources,
        evidence_from,
        contributions: contributions_of(conn, report.item_id, report.period_id)?,
        evidence: queries::reports::evidence_of(conn, id)?,
        history,
        last_change,
        period: period.period,
        due_on: period.due_on,
        report,
    })
}

/// Who made the step `h` of a report's history.
fn last_change(conn: &mut DbConnection, h: &ReportHistory) -> Result<LastChange, AppError> {
    let user = match h.actor_id {
        Some(id) => queries::users::get(conn, id)?,
        None => None,
    };
    let division = match user.as_ref().and_then(|u| u.division_id) {
        Some(d) => queries::divisions::get(conn, d)?.map(|d| d.name),
        None => None,
    };
    Ok(LastChange {
        user: user
            .map(|u| crate::domain::person::shown_name(&u.display_name, &u.username).to_string()),
        division,
        at: h.at,
    })
}

/// The 409 for a write that did not name the report's current version: says who saved it
/// when, and carries the report as saved now (`error.current`).
fn stale_report(conn: &mut DbConnection, report_id: i32) -> Result<AppError, AppError> {
    let v = view(conn, report_id)?;
    let by = v
        .last_change
        .as_ref()
        .map(|c| {
            // How long ago, not a clock time: the same in every time zone.
            format!(
                "已由 {} {}保存，",
                c.who(),
                crate::domain::zone::ago(c.at, queries::now())
            )
        })
        .unwrap_or_default();
    let message = format!(
        "{} 报告{by}现为第 {} 版，与您读取的版本不同。您的内容尚未保存：请查看最新内容，与您的内容合并后再保存（保存时带上当前版本号 {}）",
        v.period, v.report.version, v.report.version
    );
    let current = CurrentReport {
        id: v.report.id,
        item_id: v.report.item_id,
        period: v.period,
        version: v.report.version,
        state: v.report.state,
        summary: v.report.summary,
        completes_item: v.report.completes_item,
        last_change: v.last_change,
    };
    let json = serde_json::to_value(&current).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(AppError::stale_with(message, json))
}

/// The version a state change or rewrite names, if it is the report's current one;
/// otherwise (stale, or none named) the 409 with the report as saved now.
fn current_version(
    conn: &mut DbConnection,
    r: &Report,
    named: Option<i32>,
) -> Result<i32, AppError> {
    match named {
        Some(v) if v == r.version => Ok(v),
        _ => Err(stale_report(conn, r.id)?),
    }
}

/// The lead's progress for a period. Co-leads share one report per item and period: a
/// write without `version` starts it, a write with one rewrites it, and anything else is
/// 409 with the report as saved now, so no division's words are lost.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ReportInput {
    /// `YYYY-Qn`, an open period of the item's plan.
    pub period: String,
    /// 开展的工作及效果.
    pub summary: String,
    /// The work of the item is finished (accepting the report completes the item).
    #[serde(default)]
    pub completes_item: bool,
    /// The version read. Leave it out only to start the period's report; rewriting an
    /// existing one needs it, and a missing or stale one gets 409 with `error.current`.
    pub version: Option<i32>,
}

fn history(
    tx: &mut WriteTx<'_>,
    r: &Report,
    comment: Option<&str>,
    caller: &Caller,
) -> Result<(), AppError> {
    queries::reports::add_history(tx, r, comment, caller.user_id, queries::now())?;
    Ok(())
}

/// Writes the lead division's report for a period (a draft, or a correction of a returned one).
pub fn write(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    item_id: i32,
    input: &ReportInput,
) -> Result<ReportView, AppError> {
    let item = queries::items::get(tx, item_id)?.ok_or(AppError::NotFound("事项"))?;
    let acting_for = authorise_item(tx, caller, item_id, ItemWrite::Report)?.ok_or_else(|| {
        AppError::invalid("item", "该事项尚未指定牵头处室，请办公室先指定后再填报")
    })?;
    let code = PeriodId::parse(&input.period)
        .map(|p| p.to_string())
        .ok_or_else(|| AppError::invalid("period", "报送期须写成 2021-Q3 这样的“年-季度”"))?;
    let period = queries::reports::period_by_code(tx, item.plan_id, &code)?.ok_or_else(|| {
        AppError::invalid("period", format!("{code} 报送期尚未开启，请联系办公室"))
    })?;
    if !period.is_open {
        return Err(AppError::Conflict(format!("{code} 报送期已关闭")));
    }
    let summary = input.summary.trim();
    if summary.is_empty() || summary.chars().count() > 20_000 {
        return Err(AppError::invalid(
            "summary",
            "请填写开展的工作及效果（不超过 20000 字）",
        ));
    }
    let now = queries::now();
    let report = match queries::reports::for_item_period(tx, item_id, period.id)? {
        None if input.version.is_some() => return Err(AppError::NotFound("本期报告")),
        None => {
            // A co-lead may start the same report in the same moment: the unique index
            // decides, and the loser gets the winner's text back, not a 500.
            let inserted = tx.savepoint(|t| {
                queries::reports::insert(
                    t,
                    item_id,
                    period.id,
                    acting_for,
                    summary,
                    input.completes_item,
                    now,
                )
            });
            let r = match inserted {
                Ok(r) => r,
                Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                )) => {
                    let existing = queries::reports::for_item_period(tx, item_id, period.id)?
                        .ok_or(AppError::NotFound("本期报告"))?;
                    return Err(stale_report(tx, existing.id)?);
                }
                Err(e) => return Err(e.into()),
            };
            history(tx, &r, None, caller)?;
            r
        }
        Some(existing) => {
            if !existing.state.can_edit() {
                return Err(AppError::Conflict(format!(
                    "本期报告{}，不能再修改；如需更正，请联系办公室退回",
                    state_label(existing.state)
                )));
            }
            let version = current_version(tx, &existing, input.version)?;
            let updated = queries::reports::update(
                tx,
                existing.id,
                version,
                &ReportChange {
                    summary: Some(summary),
                    completes_item: Some(input.completes_item),
                    updated_at: Some(now),
                    ..Default::default()
                },
            )?;
            let Some(r) = updated else {
                return Err(stale_report(tx, existing.id)?);
            };
            history(tx, &r, None, caller)?;
            r
        }
    };
    Audit::of("report", report.id, "write")
        .acting_for(acting_for)
        .record_after(tx, caller, &report)?;
    view_as(tx, caller, report.id)
}

/// The state inside a sentence: 本期报告「已通过」，….
fn state_label(state: ReportState) -> String {
    format!("「{}」", state.label())
}

/// The version the caller read, for state changes.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct VersionInput {
    /// Required: the report's version as read. Missing or stale gets 409 with
    /// `error.current`, the report as saved now.
    pub version: Option<i32>,
}

/// Submits a draft or corrected report (lead division; the office may act for it).
pub fn submit(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    report_id: i32,
    input: &VersionInput,
    today: NaiveDate,
) -> Result<ReportView, AppError> {
    let r = queries::reports::get(tx, report_id)?.ok_or(AppError::NotFound("报告"))?;
    let acting_for = authorise_item(tx, caller, r.item_id, ItemWrite::Report)?;
    if !r.state.can_submit() {
        return Err(AppError::Conflict(format!(
            "本期报告{}，不能再报送",
            state_label(r.state)
        )));
    }
    let version = current_version(tx, &r, input.version)?;
    let period = queries::reports::period(tx, r.period_id)?.ok_or(AppError::NotFound("报送期"))?;
    let now = queries::now();
    let updated = queries::reports::update(
        tx,
        r.id,
        version,
        &ReportChange {
            state: Some(ReportState::Submitted),
            submitted_at: Some(Some(now)),
            submitted_late: Some(today > period.due_on),
            updated_at: Some(now),
            ..Default::default()
        },
    )?;
    let Some(after) = updated else {
        return Err(stale_report(tx, r.id)?);
    };
    history(tx, &after, None, caller)?;
    // The office is told at once, with a link to the report.
    let (_, label) = super::supervision::item_label(tx, r.item_id)?;
    let name = super::supervision::division_name(tx, r.division_id)?;
    let late = if after.submitted_late {
        "（逾期报送）"
    } else {
        ""
    };
    queries::supervision::notify(
        tx,
        None,
        ReportState::Submitted.as_str(),
        Some(r.item_id),
        &format!("{name}报送了 {} 报告{late}，请审核：{label}", period.period),
        Some(&item_href(r.item_id, Place::Report(r.id))),
        now,
    )?;
    Audit::of("report", r.id, "submit")
        .acting_for_opt(acting_for)
        .record_change(tx, caller, &r, &after)?;
    view_as(tx, caller, r.id)
}

/// The office's decision on a submitted report.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ReviewInput {
    /// `accept` or `return`.
    pub decision: String,
    /// Required when returning: what to correct.
    pub comment: Option<String>,
    /// Required: the report's version as read (missing or stale: 409 with `error.current`).
    pub version: Option<i32>,
}

/// Accepts or returns a submitted report (office). Accepting a report that says the work is
/// finished completes the item as of its submission.
pub fn review(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    report_id: i32,
    input: &ReviewInput,
) -> Result<ReportView, AppError> {
    caller.require_office()?;
    let r = queries::reports::get(tx, report_id)?.ok_or(AppError::NotFound("报告"))?;
    let comment = input
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let review = match input.decision.as_str() {
        "accept" => Review::Accept,
        "return" if comment.is_some() => Review::Return,
        "return" => return Err(AppError::invalid("comment", "退回时请写明需要修改的地方")),
        _ => {
            return Err(AppError::invalid(
                "decision",
                "审核意见须为 accept（通过）或 return（退回）",
            ))
        }
    };
    let state = r.state.after_review(review).ok_or_else(|| {
        AppError::Conflict(format!(
            "本期报告{}，只有已报送的报告可以审核",
            state_label(r.state)
        ))
    })?;
    let version = current_version(tx, &r, input.version)?;
    let now = queries::now();
    let updated = queries::reports::update(
        tx,
        r.id,
        version,
        &ReportChange {
            state: Some(state),
            reviewed_by: Some(caller.user_id),
            reviewed_at: Some(Some(now)),
            review_comment: Some(comment),
            updated_at: Some(now),
            ..Default::default()
        },
    )?;
    let Some(after) = updated else {
        return Err(stale_report(tx, r.id)?);
    };
    history(tx, &after, comment, caller)?;
    {
        let (_, label) = super::supervision::item_label(tx, after.item_id)?;
        let name = super::supervision::division_name(tx, after.division_id)?;
        let period = queries::reports::period(tx, after.period_id)?
            .map(|p| p.period)
            .unwrap_or_default();
        let text = match comment {
            Some(c) if review == Review::Return => {
                format!(
                    "{name}的 {period} 报告被退回，请修改后重新报送：{label}（办公室意见：{c}）"
                )
            }
            _ if review == Review::Return => {
                format!("{name}的 {period} 报告被退回，请修改后重新报送：{label}")
            }
            _ => format!("{name}的 {period} 报告已通过审核：{label}"),
        };
        queries::supervision::notify(
            tx,
            Some(after.division_id),
            state.as_str(),
            Some(after.item_id),
            &text,
            Some(&item_href(after.item_id, Place::Report(after.id))),
            now,
        )?;
    }
    if state.is_accepted() && after.completes_item {
        let done = after
            .submitted_at
            .map(|t| t.date())
            .unwrap_or_else(|| now.date());
        queries::items::set_completed(tx, after.item_id, Some(done))?;
    }
    let action = match review {
        Review::Accept => "accept",
        Review::Return => "return",
    };
    Audit::of("report", r.id, action).record_change(tx, caller, &r, &after)?;
    view_as(tx, caller, r.id)
}

/// A supporting division's contribution.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ContributionInput {
    pub text: String,
}

/// A contribution as saved, with the period it is for. Only the division's own words come
/// back: the lead's report may be a draft the contributor may not read.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SavedContribution {
    /// `YYYY-Qn`.
    pub period: String,
    #[serde(flatten)]
    pub contribution: Contribution,
}

/// Adds or rewrites the caller's division's contribution to the item and period of a report
/// still open for change (the report-shaped address of [`contribute_for`]).
pub fn contribute(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    report_id: i32,
    input: &ContributionInput,
) -> Result<SavedContribution, AppError> {
    let r = queries::reports::get(tx, report_id)?.ok_or(AppError::NotFound("报告"))?;
    let period = queries::reports::period(tx, r.period_id)?.ok_or(AppError::NotFound("报送期"))?;
    contribute_for(tx, caller, r.item_id, &period.period, input)
}

/// Adds or rewrites the caller's division's contribution to an item for an open period, at
/// any time: before the lead has written the period's report, while it is written, submitted
/// or returned; not once it is accepted.
pub fn contribute_for(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    item_id: i32,
    period: &str,
    input: &ContributionInput,
) -> Result<SavedContribution, AppError> {
    let item = queries::items::get(tx, item_id)?.ok_or(AppError::NotFound("事项"))?;
    let acting_for = authorise_item(tx, caller, item_id, ItemWrite::Contribute)?
        .ok_or_else(|| AppError::invalid("division", "请以配合处室的账号填写配合情况"))?;
    let code = PeriodId::parse(period)
        .map(|p| p.to_string())
        .ok_or_else(|| AppError::invalid("period", "报送期须写成 2021-Q3 这样的“年-季度”"))?;
    let period = queries::reports::period_by_code(tx, item.plan_id, &code)?.ok_or_else(|| {
        AppError::invalid("period", format!("{code} 报送期尚未开启，请联系办公室"))
    })?;
    if !period.is_open {
        return Err(AppError::Conflict(format!("{code} 报送期已关闭")));
    }
    if let Some(r) = queries::reports::for_item_period(tx, item_id, period.id)? {
        if !r.state.open_to_contributions() {
            return Err(AppError::Conflict(
                "本期报告已通过审核，不能再修改".to_string(),
            ));
        }
    }
    let text = input.text.trim();
    if text.is_empty() || text.chars().count() > 20_000 {
        return Err(AppError::invalid(
            "text",
            "请填写配合开展的工作（不超过 20000 字）",
        ));
    }
    let contribution = queries::reports::upsert_contribution(
        tx,
        item_id,
        period.id,
        acting_for,
        text,
        caller.user_id,
        queries::now(),
    )?;
    let saved = SavedContribution {
        period: code,
        contribution,
    };
    Audit::of("item", item_id, "contribute")
        .acting_for(acting_for)
        .record_after(tx, caller, &saved)?;
    Ok(saved)
}

/// Checks that evidence may be added to a report: the lead (or a supporting division, or
/// the office) while the report is not yet accepted.
pub fn authorise_evidence(
    conn: &mut DbConnection,
    caller: &Caller,
    report_id: i32,
) -> Result<Report, AppError> {
    let r = queries::reports::get(conn, report_id)?.ok_or(AppError::NotFound("报告"))?;
    authorise_item(conn, caller, r.item_id, ItemWrite::Contribute)?;
    if !r.state.open_to_contributions() {
        return Err(AppError::Conflict(
            "本期报告已通过审核，佐证材料不能再增加或修改".to_string(),
        ));
    }
    Ok(r)
}

/// A web page given as evidence.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct UrlEvidenceInput {
    pub url: String,
    pub title: Option<String>,
    pub date: Option<NaiveDate>,
}

/// Records a web page as evidence.
pub fn add_url(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    report_id: i32,
    input: &UrlEvidenceInput,
) -> Result<Evidence, AppError> {
    authorise_evidence(tx, caller, report_id)?;
    let url = input.url.trim();
    let ok_scheme = url.starts_with("http://") || url.starts_with("https://");
    if !ok_scheme || url.len() > 2000 || url.contains(char::is_whitespace) {
        return Err(AppError::invalid(
            "url",
            "请填写以 http:// 或 https:// 开头的网页地址",
        ));
    }
    let e = queries::reports::insert_evidence(
        tx,
        &queries::reports::NewEvidence {
            report_id,
            kind: EvidenceKind::Url,
            file_name: None,
            content_type: None,
            size_bytes: None,
            sha256: None,
            url: Some(url),
            url_title: input
                .title
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty()),
            url_date: input.date,
            uploaded_by: caller.user_id,
            created_at: queries::now(),
            source_evidence_id: None,
        },
    )?;
    Audit::of("evidence", e.id, "add_url").record_after(tx, caller, &e)?;
    Ok(e)
}

/// A file already stored under its SHA-256, to record as a report's evidence.
#[derive(Debug, Clone)]
pub struct FileEvidence {
    /// The name the user's file had (sanitised).
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

/// Records an uploaded file (already stored under its SHA-256) as evidence.
pub fn add_file(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    report_id: i32,
    file: &FileEvidence,
) -> Result<Evidence, AppError> {
    authorise_evidence(tx, caller, report_id)?;
    let e = queries::reports::insert_evidence(
        tx,
        &queries::reports::NewEvidence {
            report_id,
            kind: EvidenceKind::File,
            file_name: Some(&file.file_name),
            content_type: Some(&file.content_type),
            size_bytes: Some(file.size),
            sha256: Some(&file.sha256),
            url: None,
            url_title: None,
            url_date: None,
            uploaded_by: caller.user_id,
            created_at: queries::now(),
            source_evidence_id: None,
        },
    )?;
    Audit::of("evidence", e.id, "upload").record_after(tx, caller, &e)?;
    Ok(e)
}

/// The periods of a plan.
pub fn periods(conn: &mut DbConnection, plan_id: i32) -> Result<Vec<ReportingPeriod>, AppError> {
    super::plans::get(conn, plan_id)?;
    Ok(queries::reports::periods(conn, plan_id)?)
}
