//! Progress that rolls up: an agency's report on an upper plan's item, drafted from its own
//! divisions' accepted reports on the items linked to it, each part traceable to its source.
//!
//! The agency's office acts in the upper plan as the agency's unit (`domain::unit`), so the
//! draft is written, edited and submitted through the ordinary report use cases, and the
//! upper office reviews it as any report.

use serde::{Deserialize, Serialize};

use super::reports::{self, ReportInput, ReportView};
use super::{Audit, Caller};
use crate::db::models::{Item, Report};
use crate::db::queries::{self, reports::NewEvidence};
use crate::db::{DbConnection, WriteTx};
use crate::domain::access::{self, ItemWrite, Part};
use crate::domain::lifecycle::ReportState;
use crate::domain::period::PeriodId;
use crate::domain::role::Role;
use crate::domain::todo::{item_href, Place};
use crate::error::AppError;

/// What the agency's office asks for: the upper period to draft, and whether an existing
/// draft is to be drafted again from the sources.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct DraftInput {
    /// `YYYY-Qn`, an open period of the upper plan; the agency's own plans' period of the
    /// same code gives the sources.
    pub period: String,
    /// Replace a draft (or returned report) already written for the period with a new one
    /// drafted from the sources. Without it an existing report is left as it is (409).
    #[serde(default)]
    pub redraft: bool,
}

/// A report a report sent up was drafted from.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SourceView {
    pub report_id: i32,
    pub item_id: i32,
    /// The source item's number in its own plan (the upper plan's number when handed down).
    pub item_number: String,
    /// The division that wrote the source report.
    pub division: String,
    /// The agency whose plan the source item is in.
    pub agency: String,
    /// `YYYY-Qn`.
    pub period: String,
    pub state: ReportState,
    /// Where to open the source report; absent when the reader may not open it.
    pub href: Option<String>,
}

/// Where a piece of evidence carried up came from.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EvidenceOrigin {
    /// The evidence of this report.
    pub evidence_id: i32,
    /// The division's evidence it was carried from.
    pub source_evidence_id: i32,
    pub source_report_id: i32,
    pub division: String,
    pub item_number: String,
}

/// A report drafted from the divisions' reports, with the divisions not yet accepted.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DraftView {
    #[serde(flatten)]
    pub report: ReportView,
    /// Linked items whose reports for the period are not accepted yet (left out of the draft).
    pub pending: Vec<PendingSource>,
}

/// A linked item whose report for the period could not be used.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PendingSource {
    pub item_id: i32,
    pub item_number: String,
    /// The item's lead divisions.
    pub divisions: Vec<String>,
    /// 未填报, 草稿, 已报送，待审核, 已退回 …, or 报送期未开启.
    pub status: String,
}

impl PendingSource {
    /// "政策法规处（事项 1，草稿）".
    pub fn describe(&self) -> String {
        let who = if self.divisions.is_empty() {
            "未指定牵头处室".to_string()
        } else {
            self.divisions.join("、")
        };
        format!("{who}（事项 {}，{}）", self.item_number, self.status)
    }
}

/// The unit the caller stands for in the upper plan, if they are the office of an agency
/// acting in its parent's plan.
fn agency_unit(conn: &mut DbConnection, caller: &Caller) -> Result<i32, AppError> {
    let refused = || {
        AppError::Forbidden("只有下级机关的办公室可以从本机关处室报告汇总起草上报报告".to_string())
    };
    let unit = caller
        .division_id
        .filter(|_| caller.is_away() && caller.role == Role::Division)
        .filter(|_| caller.home_role == Role::Office)
        .ok_or_else(refused)?;
    if super::units::agency_of_unit(conn, unit)? != Some(caller.home_agency_id) {
        return Err(refused());
    }
    Ok(unit)
}

/// One accepted source with what the draft takes from it.
struct Source {
    report: Report,
    item: Item,
    division: String,
    contributions: Vec<reports::ContributionView>,
}

/// Drafts the agency's report on upper item `upper_item_id` for an upper period from its
/// divisions' accepted reports on the linked items: their text marked with division and
/// item number, one source row each, their evidence carried up (the stored files are
/// content-addressed and shared, not copied).
pub fn draft(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    upper_item_id: i32,
    input: &DraftInput,
) -> Result<DraftView, AppError> {
    let upper = queries::items::get(tx, upper_item_id)?.ok_or(AppError::NotFound("事项"))?;
    let unit = agency_unit(tx, caller)?;
    super::plans::authorise_item(tx, caller, upper_item_id, ItemWrite::Report)?;
    let code = PeriodId::parse(&input.period)
        .map(|p| p.to_string())
        .ok_or_else(|| AppError::invalid("period", "报送期须写成 2021-Q3 这样的“年-季度”"))?;
    let upper_period =
        queries::reports::period_by_code(tx, upper.plan_id, &code)?.ok_or_else(|| {
            AppError::invalid("period", format!("{code} 报送期尚未开启，请联系上级办公室"))
        })?;
    let existing = queries::reports::for_item_period(tx, upper_item_id, upper_period.id)?;
    if let Some(r) = &existing {
        if !r.state.can_edit() {
            return Err(AppError::Conflict(format!(
                "本机关 {code} 的上报报告「{}」，不能重新起草；如需更正，请联系上级办公室退回",
                r.state.label()
            )));
        }
        if !input.redraft {
            return Err(AppError::Conflict(format!(
                "本机关 {code} 的上报报告已有{}（第 {} 版），未作改动；如需按处室报告重新起草并替换现有内容，请选择“重新起草”",
                r.state.label(),
                r.version
            )));
        }
    }

    let linked = queries::items::linked_below(tx, upper_item_id, caller.home_agency_id)?;
    if linked.is_empty() {
        return Err(AppError::invalid(
            "item",
            "本机关计划中没有与该事项关联的事项，无法从处室报告汇总起草",
        ));
    }
    let mut sources = Vec::new();
    let mut pending = Vec::new();
    for item in linked {
        let period = queries::reports::period_by_code(tx, item.plan_id, &code)?;
        let report = match &period {
            Some(p) => queries::reports::for_item_period(tx, item.id, p.id)?,
            None => None,
        };
        match report {
            Some(report) if report.state.is_accepted() => {
                let division = super::supervision::division_name(tx, report.division_id)?;
                let contributions = reports::contributions_of(tx, item.id, report.period_id)?;
                sources.push(Source {
                    report,
                    item,
                    division,
                    contributions,
                });
            }
            other => {
                let status = match (&period, other) {
                    (None, _) => "本机关报送期未开启".to_string(),
                    (Some(_), None) => "未填报".to_string(),
                    (Some(_), Some(r)) => r.state.label().to_string(),
                };
                pending.push(PendingSource {
                    divisions: lead_names(tx, item.id)?,
                    item_id: item.id,
                    item_number: item.number,
                    status,
                });
            }
        }
    }
    if sources.is_empty() {
        let who: Vec<String> = pending.iter().map(PendingSource::describe).collect();
        return Err(AppError::invalid(
            "period",
            format!(
                "本机关处室的 {code} 报告尚无已通过审核的，暂无可汇总的内容。尚未通过审核：{}",
                who.join("；")
            ),
        ));
    }

    let summary = sources
        .iter()
        .map(|s| {
            let mut part = format!(
                "【{}】事项 {}：{}",
                s.division,
                s.item.number,
                s.report.summary.trim()
            );
            for c in &s.contributions {
                part.push_str(&format!(
                    "\n（配合处室{}：{}）",
                    c.division,
                    c.contribution.text.trim()
                ));
            }
            part
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    let written = reports::write(
        tx,
        caller,
        upper_item_id,
        &ReportInput {
            period: code,
            summary,
            completes_item: false,
            version: existing.as_ref().map(|r| r.version),
        },
    )?;
    let report_id = written.report.id;
    let source_ids: Vec<i32> = sources.iter().map(|s| s.report.id).collect();
    queries::reports::replace_sources(tx, report_id, &source_ids)?;
    queries::reports::delete_carried_evidence(tx, report_id)?;
    let now = queries::now();
    for s in &sources {
        for e in queries::reports::evidence_of(tx, s.report.id)? {
            queries::reports::insert_evidence(
                tx,
                &NewEvidence {
                    report_id,
                    kind: e.kind,
                    file_name: e.file_name.as_deref(),
                    content_type: e.content_type.as_deref(),
                    size_bytes: e.size_bytes,
                    sha256: e.sha256.as_deref(),
                    url: e.url.as_deref(),
                    url_title: e.url_title.as_deref(),
                    url_date: e.url_date,
                    uploaded_by: caller.user_id,
                    created_at: now,
                    source_evidence_id: Some(e.id),
                },
            )?;
        }
    }
    Audit::of("report", report_id, "draft_from_below")
        .acting_for(unit)
        .record_after(tx, caller, &source_ids)?;
    Ok(DraftView {
        report: reports::view_as(tx, caller, report_id)?,
        pending,
    })
}

/// The names of an item's lead divisions.
fn lead_names(conn: &mut DbConnection, item_id: i32) -> Result<Vec<String>, AppError> {
    let mut names = Vec::new();
    for (part, division) in super::plans::parts_of(conn, item_id)? {
        if let (Part::Lead, Some(d)) = (part, division) {
            names.push(super::supervision::division_name(conn, d)?);
        }
    }
    Ok(names)
}

/// The sources of report `report_id` and where its carried evidence came from (links not
/// yet decided: see [`reveal`]).
pub(super) fn sources_of(
    conn: &mut DbConnection,
    report_id: i32,
) -> Result<(Vec<SourceView>, Vec<EvidenceOrigin>), AppError> {
    let mut sources = Vec::new();
    for id in queries::reports::source_ids(conn, report_id)? {
        let Some(r) = queries::reports::get(conn, id)? else {
            continue;
        };
        let item = queries::items::get(conn, r.item_id)?.ok_or(AppError::NotFound("事项"))?;
        let period = queries::reports::period(conn, r.period_id)?
            .map(|p| p.period)
            .unwrap_or_default();
        let agency = match queries::agency::owner_of_item(conn, item.id)? {
            Some(a) => queries::agency::get(conn, a)?
                .map(|a| a.full_name)
                .unwrap_or_default(),
            None => String::new(),
        };
        sources.push(SourceView {
            report_id: r.id,
            item_id: item.id,
            item_number: item.number,
            division: super::supervision::division_name(conn, r.division_id)?,
            agency,
            period,
            state: r.state,
            href: None,
        });
    }
    let mut origins = Vec::new();
    for e in queries::reports::evidence_of(conn, report_id)? {
        let Some(from) = e.source_evidence_id else {
            continue;
        };
        let Some(src) = queries::reports::evidence(conn, from)? else {
            continue;
        };
        if let Some(s) = sources.iter().find(|s| s.report_id == src.report_id) {
            origins.push(EvidenceOrigin {
                evidence_id: e.id,
                source_evidence_id: from,
                source_report_id: src.report_id,
                division: s.division.clone(),
                item_number: s.item_number.clone(),
            });
        }
    }
    Ok((sources, origins))
}

/// Gives each source the link to it when `caller` may open it under the usual rules (as
/// they stand in the agency that owns it: an agency above reads, another bureau does not).
pub(super) fn reveal(
    conn: &mut DbConnection,
    caller: &Caller,
    sources: &mut [SourceView],
) -> Result<(), AppError> {
    for s in sources {
        let Some(owner) = queries::agency::owner_of_item(conn, s.item_id)? else {
            continue;
        };
        let there = match super::units::in_agency(conn, caller, owner, "报告") {
            Ok(there) => there,
            Err(AppError::NotFound(_)) => continue,
            Err(e) => return Err(e),
        };
        let Some(r) = queries::reports::get(conn, s.report_id)? else {
            continue;
        };
        let parts = super::plans::parts_of(conn, s.item_id)?;
        if access::may_read_report(there.actor(), &parts, r.division_id, r.state) {
            s.href = Some(item_href(s.item_id, Place::Report(s.report_id)));
        }
    }
    Ok(())
}
