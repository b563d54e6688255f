//! The workbooks leaving the building: the ledger, the division summary, the evaluation, the
//! review-back result, and a division's offline progress workbook (and taking it back).

use std::collections::HashMap;

use serde::Serialize;

use super::annual_report::FileKind;
use super::evaluation::PlanFacts;
use super::plans::{item_status, Clock};
use super::Caller;
use crate::db::queries;
use crate::db::{DbConnection, WriteTx};
use crate::domain::access;
use crate::domain::agency::{titled, Agency};
use crate::domain::bulletin::ReportFact;
use crate::domain::evaluation::Rubric;
use crate::domain::lifecycle::EvidenceKind;
use crate::domain::standing::Tally;
use crate::error::AppError;
use crate::export::ledger::{EvidenceEntry as LedgerEvidence, Ledger, LedgerRow};
use crate::export::offline::{OfflineProgress, OfflineRow, OfflineUpload};
use crate::export::sheet;
use crate::export::summary::{DivisionSummary, SummaryRow};
use crate::import::SourceColumn;

/// The workbooks `export` and `GET /plans/{id}/export/{kind}.xlsx` give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Ledger,
    Summary,
    Evaluation,
    ReviewBack,
}

impl ExportKind {
    /// Reads the URL's and the command line's name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ledger" => Some(ExportKind::Ledger),
            "summary" => Some(ExportKind::Summary),
            "evaluation" => Some(ExportKind::Evaluation),
            "review-back" => Some(ExportKind::ReviewBack),
            _ => None,
        }
    }

    /// The Chinese name in file names.
    pub fn label(self) -> &'static str {
        match self {
            ExportKind::Ledger => "工作台账",
            ExportKind::Summary => "处室汇总",
            ExportKind::Evaluation => "年度考核",
            ExportKind::ReviewBack => "回头看结果",
        }
    }
}

/// A workbook ready to send or save.
pub struct Workbook {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Every file the product hands out, by what it is of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Export {
    /// One of a plan's workbooks.
    Workbook { kind: ExportKind, plan_id: i32 },
    /// The progress bulletin (情况通报) of a reporting period.
    Bulletin { plan_id: i32, period: String },
    /// The annual disclosure report as .docx or its tables as .xlsx.
    AnnualReport { plan_id: i32, kind: FileKind },
    /// A division's offline progress workbook for an open period (default: the caller's).
    OfflineProgress {
        plan_id: i32,
        division_id: Option<i32>,
        period: String,
    },
    /// A division's deadlines and report due dates for calendar apps (.ics).
    Calendar { division_id: i32 },
}

/// A file ready to send or save.
#[derive(Debug, Clone)]
pub struct ExportFile {
    /// The Chinese file name users see.
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The one way out for every file: every download route, page and CLI verb asks here, and
/// the caller's right to read what the file holds is checked here.
pub fn export(
    conn: &mut DbConnection,
    caller: &Caller,
    what: &Export,
    clock: &Clock,
    rubric: &Rubric,
) -> Result<ExportFile, AppError> {
    // Every title and file name is headed by the full name of the agency whose plan it is
    // (the caller's own for a calendar), once it is set.
    let owner = match what {
        Export::Workbook { plan_id, .. }
        | Export::Bulletin { plan_id, .. }
        | Export::AnnualReport { plan_id, .. }
        | Export::OfflineProgress { plan_id, .. } => {
            queries::agency::owner_of_plan(conn, *plan_id)?.unwrap_or(caller.agency_id)
        }
        Export::Calendar { .. } => caller.home_agency_id,
    };
    let agency = super::agency::current(conn, owner)?;
    let agency = agency.as_ref();
    let xlsx = |wb: Workbook| ExportFile {
        file_name: wb.file_name,
        content_type: XLSX,
        bytes: wb.bytes,
    };
    match what {
        Export::Workbook { kind, plan_id } => {
            workbook(conn, *kind, *plan_id, clock, rubric, agency).map(xlsx)
        }
        Export::Bulletin { plan_id, period } => {
            let mut b = super::bulletin::bulletin(conn, *plan_id, period, clock)?;
            b.plan_title = titled(agency, &b.plan_title);
            let bytes = crate::export::bulletin::workbook(&b).map_err(xlsx_error)?;
            Ok(ExportFile {
                file_name: sheet::file_name(
                    &b.plan_title,
                    &format!("{}情况通报", b.period_label()),
                    b.as_of,
                ),
                content_type: XLSX,
                bytes,
            })
        }
        Export::AnnualReport { plan_id, kind } => {
            let f = super::annual_report::file(conn, *plan_id, clock, rubric, *kind)?;
            Ok(ExportFile {
                file_name: f.file_name,
                content_type: match kind {
                    FileKind::Docx => DOCX,
                    FileKind::Xlsx => XLSX,
                },
                bytes: f.bytes,
            })
        }
        Export::OfflineProgress {
            plan_id,
            division_id,
            period,
        } => {
            offline_progress(conn, caller, *plan_id, *division_id, period, clock, agency).map(xlsx)
        }
        Export::Calendar { division_id } => {
            if !access::may_read_division(caller.actor(), *division_id) {
                return Err(AppError::Forbidden(
                    "只能订阅本处室的日历；请使用本人“我的任务”页面上的订阅地址".to_string(),
                ));
            }
            let (name, events) = super::reminders::division_events(conn, *division_id, clock)?;
            let body = crate::export::ics::calendar(
                &format!("{name} 政务公开工作"),
                &events,
                queries::now(),
            );
            Ok(ExportFile {
                file_name: format!("{name} 政务公开工作.ics"),
                content_type: "text/calendar; charset=utf-8",
                bytes: body.into_bytes(),
            })
        }
    }
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::Internal(format!("生成 Excel 失败：{e}"))
}

/// Writes one of a plan's workbooks, its title row and file name headed by the agency.
fn workbook(
    conn: &mut DbConnection,
    kind: ExportKind,
    plan_id: i32,
    clock: &Clock,
    rubric: &Rubric,
    agency: Option<&Agency>,
) -> Result<Workbook, AppError> {
    let (title, bytes) = match kind {
        ExportKind::Ledger => {
            let mut l = ledger(conn, plan_id, clock)?;
            l.plan_title = titled(agency, &l.plan_title);
            let b = crate::export::ledger::workbook(&l).map_err(xlsx_error)?;
            (l.plan_title, b)
        }
        ExportKind::Summary => {
            let mut s = division_summary(conn, plan_id, clock)?;
            s.plan_title = titled(agency, &s.plan_title);
            let b = crate::export::summary::workbook(&s).map_err(xlsx_error)?;
            (s.plan_title, b)
        }
        ExportKind::Evaluation => {
            let mut e = super::evaluation::get(conn, plan_id, clock, rubric)?;
            e.plan_title = titled(agency, &e.plan_title);
            let b = crate::export::evaluation::workbook(&e, clock.zone).map_err(xlsx_error)?;
            (e.plan_title, b)
        }
        ExportKind::ReviewBack => {
            let mut r = super::review_back::recorded(conn, plan_id)?.ok_or_else(|| {
                AppError::invalid("plan", "该计划还没有做过回头看，请先在“回头看”中执行")
            })?;
            r.from_title = titled(agency, &r.from_title);
            r.into_title = titled(agency, &r.into_title);
            let b = crate::export::review_back::workbook(&r, clock.zone).map_err(xlsx_error)?;
            (r.into_title, b)
        }
    };
    Ok(Workbook {
        file_name: sheet::file_name(&title, kind.label(), clock.today),
        bytes,
    })
}

/// The columns a plan's ledger repeats: as imported, or the usual ones.
fn plan_columns(source_columns: &str) -> Result<Vec<SourceColumn>, AppError> {
    let columns: Vec<SourceColumn> = super::stored_json(source_columns, "计划原表列")?;
    if !columns.is_empty() {
        return Ok(columns);
    }
    Ok([
        ("number", "序号"),
        ("task", "工作任务"),
        ("requirement", "具体要求"),
        ("lead", "牵头处室"),
        ("support", "配合处室"),
        ("deadline", "完成时限"),
    ]
    .into_iter()
    .map(|(field, header)| SourceColumn {
        field: field.to_string(),
        header: header.to_string(),
    })
    .collect())
}

/// The ledger's data: every item in the plan's own columns (序号 first when the plan wrote
/// its numbers inside the text), with status, the accepted progress, the supporting
/// divisions' parts of those periods, and the accepted reports' evidence.
pub fn ledger(conn: &mut DbConnection, plan_id: i32, clock: &Clock) -> Result<Ledger, AppError> {
    let facts = PlanFacts::load(conn, plan_id)?;
    let standings = facts.standings(conn, clock)?;
    let mut columns = plan_columns(&facts.plan.source_columns)?;
    if !columns.iter().any(|c| c.field == "number") {
        columns.insert(
            0,
            SourceColumn {
                field: "number".to_string(),
                header: "序号".to_string(),
            },
        );
    }
    let periods: Vec<String> = facts.periods.iter().map(|p| p.period.clone()).collect();
    let mut parts: HashMap<(i32, i32), Vec<String>> = HashMap::new();
    for (c, division) in queries::reports::contributions_of_plan(conn, plan_id)? {
        if !c.text.trim().is_empty() {
            parts
                .entry((c.item_id, c.period_id))
                .or_default()
                .push(format!("{division}：{}", c.text.trim()));
        }
    }
    let mut rows = Vec::with_capacity(facts.items.len());
    for item in &facts.items {
        let written: super::imports::Written = serde_json::from_str(&item.divisions_written)
            .unwrap_or_else(|_| super::imports::Written {
                lead: facts.names_of(item.id, "lead"),
                support: facts.names_of(item.id, "support"),
            });
        let plan_cells = columns
            .iter()
            .map(|c| match c.field.as_str() {
                "number" => item.number.clone(),
                "task" => item.task.clone(),
                "requirement" => item.requirement.clone(),
                "lead" => written.lead.join("、"),
                "support" => written.support.join("、"),
                "responsible" if written.support.is_empty() => written.lead.join("、"),
                "responsible" => format!(
                    "{}，{}",
                    written.lead.join("、"),
                    written.support.join("、")
                ),
                "deadline" => item.deadline_raw.clone(),
                "section" => facts.section_path(item).last().cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .collect();
        let leads = facts.divisions_of(item.id, "lead").len();
        let accepted = facts.accepted_reports(item.id);
        let progress = facts
            .periods
            .iter()
            .map(|p| {
                let texts: Vec<String> = accepted
                    .iter()
                    .filter(|r| r.period_id == p.id)
                    .map(|r| {
                        if leads > 1 {
                            format!("{}：{}", facts.division_name(r.division_id), r.summary)
                        } else {
                            r.summary.clone()
                        }
                    })
                    .collect();
                texts.join("\n")
            })
            .collect();
        // A supporting part is final once the period's report is accepted (it closes then);
        // parts of periods still open are work in progress and stay out of the ledger.
        let contributions = facts
            .periods
            .iter()
            .map(|p| {
                if accepted.iter().any(|r| r.period_id == p.id) {
                    parts
                        .get(&(item.id, p.id))
                        .map(|v| v.join("\n"))
                        .unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .collect();
        // Only the accepted reports' evidence: what the ledger records is accepted work, and
        // drafts' files are for their division and the office.
        let evidence = accepted
            .iter()
            .flat_map(|r| facts.evidence_of_report(r.id))
            .map(|e| LedgerEvidence {
                name: super::review_back::evidence_name(e),
                address: (e.kind == EvidenceKind::Url)
                    .then(|| e.url.clone())
                    .flatten(),
            })
            .collect();
        rows.push(LedgerRow {
            number: item.number.clone(),
            section: facts.section_path(item).join(" / "),
            task: item.task.clone(),
            requirement: item.requirement.clone(),
            lead: facts.names_of(item.id, "lead").join("、"),
            support: facts.names_of(item.id, "support").join("、"),
            deadline: item.deadline_raw.clone(),
            plan_cells,
            status: standings.get(item.id).label().to_string(),
            due: item.deadline_due,
            completed_on: item.completed_on,
            progress,
            contributions,
            evidence,
        });
    }
    Ok(Ledger {
        plan_title: facts.plan.title.clone(),
        as_of: clock.today,
        columns: columns.into_iter().map(|c| c.header).collect(),
        periods,
        rows,
    })
}

/// Each division's items led and supported, how they stand, its reports and evidence.
pub fn division_summary(
    conn: &mut DbConnection,
    plan_id: i32,
    clock: &Clock,
) -> Result<DivisionSummary, AppError> {
    let facts = PlanFacts::load(conn, plan_id)?;
    let standings = facts.standings(conn, clock)?;
    let mut rows = Vec::new();
    for d in &facts.directory {
        let mut row = SummaryRow {
            division: d.name.clone(),
            led: 0,
            supported: 0,
            items: Tally::default(),
            reports_on_time: 0,
            reports_late: 0,
            evidence: 0,
        };
        for item in &facts.items {
            if facts.divisions_of(item.id, "support").contains(&d.id) {
                row.supported += 1;
            }
            if !facts.divisions_of(item.id, "lead").contains(&d.id) {
                continue;
            }
            row.led += 1;
            row.items.add(standings.get(item.id));
        }
        for r in facts.reports.iter().filter(|r| r.division_id == d.id) {
            match ReportFact::of(r.state, r.submitted_late) {
                ReportFact::Submitted { late: true } => row.reports_late += 1,
                ReportFact::Submitted { late: false } => row.reports_on_time += 1,
                ReportFact::Unsubmitted => {}
            }
        }
        let reports: Vec<i32> = facts
            .reports
            .iter()
            .filter(|r| r.division_id == d.id)
            .map(|r| r.id)
            .collect();
        row.evidence = facts
            .evidence
            .iter()
            .filter(|e| reports.contains(&e.report_id))
            .count();
        if row.led + row.supported > 0 {
            rows.push(row);
        }
    }
    Ok(DivisionSummary {
        plan_title: facts.plan.title.clone(),
        as_of: clock.today,
        rows,
    })
}

/// A division's offline progress workbook for an open period: the items it leads.
fn offline_progress(
    conn: &mut DbConnection,
    caller: &Caller,
    plan_id: i32,
    division_id: Option<i32>,
    period: &str,
    clock: &Clock,
    agency: Option<&Agency>,
) -> Result<Workbook, AppError> {
    let division_id = division_id
        .or(caller.division_id)
        .ok_or_else(|| AppError::invalid("division", "请指定处室"))?;
    if caller.division_id.is_some_and(|d| d != division_id) {
        return Err(AppError::Forbidden(
            "只能下载本处室的离线填报表".to_string(),
        ));
    }
    let facts = PlanFacts::load(conn, plan_id)?;
    let code = crate::domain::period::PeriodId::parse(period)
        .map(|p| p.to_string())
        .ok_or_else(|| AppError::invalid("period", "报送期须写成 2021-Q3 这样的“年-季度”"))?;
    let p = facts
        .periods
        .iter()
        .find(|p| p.period == code && p.is_open)
        .ok_or_else(|| AppError::invalid("period", format!("{code} 报送期尚未开启或已关闭")))?;
    let division = facts.division_name(division_id);
    if division.is_empty() {
        return Err(AppError::NotFound("处室"));
    }
    let rows = facts
        .items
        .iter()
        .filter(|i| facts.divisions_of(i.id, "lead").contains(&division_id))
        .map(|i| {
            // The period's report, whichever co-lead started it: co-leads share it.
            let mine = facts.reports_of(i.id).find(|r| r.period_id == p.id);
            OfflineRow {
                item_id: i.id,
                number: i.number.clone(),
                task: i.task.clone(),
                requirement: i.requirement.clone(),
                deadline_raw: i.deadline_raw.clone(),
                status: item_status(i, clock).label().to_string(),
                progress: mine.map(|r| r.summary.clone()).unwrap_or_default(),
                completes_item: mine.is_some_and(|r| r.completes_item),
                version: mine.map(|r| r.version),
                report_state: mine.map(|r| r.state),
            }
        })
        .collect();
    let o = OfflineProgress {
        plan_id,
        plan_title: titled(agency, &facts.plan.title),
        division_id,
        division: division.clone(),
        period: code.clone(),
        period_due: p.due_on,
        rows,
    };
    let bytes = crate::export::offline::workbook(&o).map_err(xlsx_error)?;
    Ok(Workbook {
        file_name: sheet::file_name(
            &o.plan_title,
            &format!("{division}-{code}-离线填报"),
            clock.today,
        ),
        bytes,
    })
}

/// The state of an item's report for the period when it can no longer be written and the
/// row brings back its text unchanged (the locked row of a handed-in or accepted report).
fn closed_as_written(
    tx: &mut WriteTx<'_>,
    plan_id: i32,
    period: &str,
    item_id: i32,
    progress: &str,
) -> Result<Option<crate::domain::lifecycle::ReportState>, AppError> {
    let Some(p) = queries::reports::period_by_code(tx, plan_id, period)? else {
        return Ok(None);
    };
    let report = queries::reports::for_item_period(tx, item_id, p.id)?;
    Ok(report
        .filter(|r| !r.state.can_edit() && r.summary.trim() == progress.trim())
        .map(|r| r.state))
}

/// What became of one row of an uploaded offline workbook.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RowOutcome {
    /// The row as Excel numbers it.
    pub row: u32,
    pub number: String,
    pub item_id: Option<i32>,
    /// Saved as the division's draft report.
    pub taken: bool,
    pub message: String,
}

/// What an uploaded offline workbook did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OfflineResult {
    pub plan_id: i32,
    pub period: String,
    pub taken: usize,
    pub rows: Vec<RowOutcome>,
}

/// Takes a filled-in offline workbook back: each row with progress becomes (or updates)
/// the division's draft report; every row says what happened to it. Rows are independent:
/// one refused row does not stop the others.
pub fn take_offline(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    plan_id: i32,
    upload: &OfflineUpload,
) -> Result<OfflineResult, AppError> {
    if upload.plan_id != plan_id {
        return Err(AppError::invalid(
            "file",
            "这份填报表属于另一个计划，请在对应计划下上传",
        ));
    }
    if caller.require_division_staff()? != upload.division_id {
        return Err(AppError::Forbidden(
            "这份填报表属于其他处室；请由该处室的联络员登录后上传".to_string(),
        ));
    }
    let mut rows = Vec::new();
    for r in &upload.rows {
        let mut outcome = RowOutcome {
            row: r.row,
            number: r.number.clone(),
            item_id: r.item_id,
            taken: false,
            message: String::new(),
        };
        if let Some(problem) = &r.problem {
            outcome.message = format!("未导入：{problem}");
        } else if r.progress.trim().is_empty() {
            outcome.message = "未填写本期推进情况，跳过".to_string();
        } else if let Some(state) = r
            .item_id
            .map(|id| closed_as_written(tx, plan_id, &upload.period, id, &r.progress))
            .transpose()?
            .flatten()
        {
            // The workbook showed the handed-in report locked: nothing was offered to change.
            outcome.message = format!("本期报告{}，不再填报，该行未导入", state.label());
        } else if let Some(item_id) = r.item_id {
            let input = super::reports::ReportInput {
                period: upload.period.clone(),
                summary: r.progress.clone(),
                completes_item: r.completes_item,
                version: r.version,
            };
            let in_plan = queries::items::get(tx, item_id)?.is_some_and(|i| i.plan_id == plan_id);
            let saved = if in_plan {
                tx.savepoint(|t| super::reports::write(t, caller, item_id, &input))
            } else {
                Err(AppError::invalid("item", "事项不在本计划中"))
            };
            match saved {
                Ok(_) => {
                    outcome.taken = true;
                    outcome.message = "已保存为草稿，请在网页上核对后报送".to_string();
                }
                Err(e) => outcome.message = format!("未导入：{e}"),
            }
        } else {
            outcome.message = "未导入：缺少事项编号".to_string();
        }
        rows.push(outcome);
    }
    Ok(OfflineResult {
        plan_id,
        period: upload.period.clone(),
        taken: rows.iter().filter(|r| r.taken).count(),
        rows,
    })
}
