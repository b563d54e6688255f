//! Review-back (回头看): checking last year's items and carrying the unfinished ones into
//! this year's plan as rectification (整改) items, linked both ways.

use serde::{Deserialize, Serialize};

use super::evaluation::PlanFacts;
use super::plans::Clock;
use super::{Audit, Caller};
use crate::db::models::{NewAssignment, NewItem};
use crate::db::queries;
use crate::db::{DbConnection, WriteTx};
use crate::domain::deadline::{parse_deadline, DeadlineOptions};
use crate::domain::evaluation::Rubric;
use crate::domain::review_back::{self, CheckResult};
use crate::error::AppError;

// The view types are domain data so that export writes them without naming service.
pub use crate::domain::review_back::{CheckView, ReviewBack};

/// How a review-back is run.
#[derive(Debug, Clone)]
pub struct ReviewBackOptions {
    /// The deadline phrase rectification items get, read against the new plan's year.
    pub rectification_deadline: String,
    pub deadline: DeadlineOptions,
}

/// The office's own result for one item (instead of the proposed one).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct CheckInput {
    pub item_id: i32,
    pub result: CheckResult,
    #[serde(default)]
    pub note: String,
}

/// What the review-back API and page are sent.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ReviewBackInput {
    /// Last year's plan.
    pub from_plan: i32,
    /// Results the office sets itself; every other item gets the proposed one.
    #[serde(default)]
    pub checks: Vec<CheckInput>,
}

// Built here rather than in domain: it reads the plan's loaded facts.
impl CheckView {
    /// A check of `item` (not yet rectified).
    fn new(
        from: &PlanFacts,
        item: &crate::db::models::Item,
        verdict: String,
        result: CheckResult,
        note: String,
    ) -> Self {
        CheckView {
            item_id: item.id,
            number: item.number.clone(),
            task: item.task.clone(),
            lead: from.names_of(item.id, "lead"),
            support: from.names_of(item.id, "support"),
            deadline_raw: item.deadline_raw.clone(),
            due: item.deadline_due,
            verdict,
            result,
            result_label: result.label().to_string(),
            note,
            evidence: from
                .evidence_of(item.id, None)
                .iter()
                .map(|e| evidence_name(e))
                .collect(),
            rectification_item_id: None,
            rectification_number: None,
            rectification_due: None,
        }
    }
}

/// What the review-back would record: each checkable item with its proposed result.
pub fn preview(
    conn: &mut DbConnection,
    from_plan: i32,
    into_plan: i32,
    clock: &Clock,
    rubric: &Rubric,
) -> Result<ReviewBack, AppError> {
    let into = super::plans::get(conn, into_plan)?;
    // Both years' plans are the same agency's: another agency's plan reads as absent.
    if super::plans::get(conn, from_plan)?.agency_id != into.agency_id {
        return Err(AppError::NotFound("计划"));
    }
    let from = PlanFacts::load(conn, from_plan)?;
    if from_plan == into_plan {
        return Err(AppError::invalid(
            "from_plan",
            "回头看须从上一年度的计划转入另一个计划",
        ));
    }
    let eval = super::evaluation::get(conn, from_plan, clock, rubric)?;
    let mut checks = Vec::new();
    let mut skipped = Vec::new();
    for item in &from.items {
        let has_lead = !from.divisions_of(item.id, "lead").is_empty();
        if !review_back::is_checked(has_lead, item.deadline_due) {
            skipped.push(format!("{}. {}", item.number, item.task));
            continue;
        }
        let line = eval.items.iter().find(|i| i.item_id == item.id);
        let verdict = line.map(|l| l.verdict);
        let accepted = line.map_or(0, |l| l.accepted_reports);
        let result = verdict.map_or(CheckResult::NotDone, |v| review_back::propose(v, accepted));
        checks.push(CheckView::new(
            &from,
            item,
            line.map(|l| l.verdict_label.clone()).unwrap_or_default(),
            result,
            String::new(),
        ));
    }
    Ok(ReviewBack {
        from_plan,
        from_title: from.plan.title.clone(),
        into_plan,
        into_title: into.title,
        done: false,
        checked_at: None,
        rectifications: checks
            .iter()
            .filter(|c| c.result.needs_rectification())
            .count(),
        checks,
        skipped,
    })
}

/// A file's name or a web page's title (or address).
pub fn evidence_name(e: &crate::db::models::Evidence) -> String {
    e.file_name
        .clone()
        .or_else(|| e.url_title.clone().filter(|t| !t.trim().is_empty()))
        .or_else(|| e.url.clone())
        .unwrap_or_default()
}

/// Runs the review-back: records every check and makes a rectification item in the new
/// plan for each unfinished one (same lead and supporting divisions, the configured new
/// deadline, linked to its origin). Refused if the old plan was already reviewed.
pub fn run(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    into_plan: i32,
    input: &ReviewBackInput,
    clock: &Clock,
    rubric: &Rubric,
    opts: &ReviewBackOptions,
) -> Result<ReviewBack, AppError> {
    caller.require_office()?;
    if queries::evaluation::checked_from(tx, input.from_plan)? {
        return Err(AppError::Conflict(
            "该计划已做过回头看，不能重复进行；请在回头看结果中查看".to_string(),
        ));
    }
    let mut result = preview(tx, input.from_plan, into_plan, clock, rubric)?;
    for c in &input.checks {
        let Some(check) = result.checks.iter_mut().find(|x| x.item_id == c.item_id) else {
            return Err(AppError::invalid(
                "checks",
                format!(
                    "事项 {} 不在回头看范围内（须有牵头处室和完成时限）",
                    c.item_id
                ),
            ));
        };
        if c.note.chars().count() > 1000 {
            return Err(AppError::invalid("note", "说明不超过 1000 字"));
        }
        check.result = c.result;
        check.result_label = c.result.label().to_string();
        check.note = c.note.trim().to_string();
    }
    let into = super::plans::get(tx, into_plan)?;
    let parsed = parse_deadline(&opts.rectification_deadline, into.year, &opts.deadline);
    let deadline = parsed.deadline;
    let detail = serde_json::to_string(&deadline).unwrap_or_else(|_| "{}".to_string());
    let now = queries::now();
    let mut section = None;
    let mut n = 0;
    let mut position = queries::items::next_position(tx, into_plan)?;
    for check in result.checks.iter_mut() {
        let mut rectification = None;
        if check.result.needs_rectification() {
            let section_id = match section {
                Some(id) => id,
                None => {
                    let heading =
                        format!("{}年度工作回头看整改事项", year_of(tx, input.from_plan)?);
                    let id =
                        queries::items::insert_section(tx, into_plan, None, position, &heading)?;
                    section = Some(id);
                    id
                }
            };
            n += 1;
            let number = review_back::rectification_number(n);
            let origin =
                queries::items::get(tx, check.item_id)?.ok_or(AppError::NotFound("事项"))?;
            let id = queries::items::insert_id(
                tx,
                &NewItem {
                    plan_id: into_plan,
                    section_id: Some(section_id),
                    position,
                    number: &number,
                    task: &origin.task,
                    requirement: &origin.requirement,
                    deadline_raw: &deadline.raw,
                    deadline_kind: deadline.kind.as_str(),
                    deadline_due: deadline.due,
                    deadline_detail: &detail,
                    deadline_inferred: parsed.inferred,
                    source_sheet: None,
                    source_row: None,
                    origin_item_id: Some(origin.id),
                    version: 1,
                    created_at: now,
                    updated_at: now,
                    divisions_written: &origin.divisions_written,
                    upper_item_id: None,
                    upper_version: None,
                },
            )?;
            position += 1;
            let old = queries::items::assignments_of(tx, &[origin.id])?;
            let rows: Vec<NewAssignment> = old
                .iter()
                .map(|a| NewAssignment {
                    item_id: id,
                    role: &a.role,
                    division_id: a.division_id,
                    placeholder: a.placeholder.as_deref(),
                    position: a.position,
                })
                .collect();
            queries::items::replace_assignments(tx, id, &rows)?;
            super::supervision::notify_assigned(tx, id)?;
            check.rectification_item_id = Some(id);
            check.rectification_number = Some(number);
            check.rectification_due = deadline.due;
            rectification = Some(id);
        }
        queries::evaluation::insert_check(
            tx,
            check.item_id,
            into_plan,
            check.result.as_str(),
            &check.note,
            rectification,
            caller.user_id,
            now,
        )?;
    }
    result.done = true;
    result.checked_at = Some(now);
    result.rectifications = n;
    Audit::of("plan", into_plan, "review_back").record_after(tx, caller, &serde_json::json!({
            "from_plan": input.from_plan,
            "checks": result.checks.iter().map(|c| (c.item_id, c.result, c.rectification_item_id)).collect::<Vec<_>>(),
        }))?;
    Ok(result)
}

fn year_of(conn: &mut DbConnection, plan_id: i32) -> Result<i32, AppError> {
    Ok(super::plans::get(conn, plan_id)?.year)
}

/// The review-back recorded into a plan, if one was run.
pub fn recorded(conn: &mut DbConnection, into_plan: i32) -> Result<Option<ReviewBack>, AppError> {
    let rows = queries::evaluation::checks_into(conn, into_plan)?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let origin = queries::items::get(conn, first.item_id)?.ok_or(AppError::NotFound("事项"))?;
    let from = PlanFacts::load(conn, origin.plan_id)?;
    let into = super::plans::get(conn, into_plan)?;
    let verdicts = match queries::evaluation::of_plan(conn, origin.plan_id)? {
        Some(e) => queries::evaluation::verdicts(conn, e.id)?,
        None => Vec::new(),
    };
    let mut checks = Vec::new();
    for row in &rows {
        let Some(item) = from.items.iter().find(|i| i.id == row.item_id) else {
            continue;
        };
        let result = CheckResult::parse(&row.result).unwrap_or(CheckResult::NotDone);
        let rect = match row.rectification_item_id {
            Some(id) => queries::items::get(conn, id)?,
            None => None,
        };
        let verdict = verdicts
            .iter()
            .find(|v| v.item_id == item.id)
            .and_then(|v| crate::domain::evaluation::Verdict::parse(&v.verdict))
            .map(|v| v.label().to_string())
            .unwrap_or_default();
        let mut check = CheckView::new(&from, item, verdict, result, row.note.clone());
        check.rectification_item_id = rect.as_ref().map(|r| r.id);
        check.rectification_number = rect.as_ref().map(|r| r.number.clone());
        check.rectification_due = rect.as_ref().and_then(|r| r.deadline_due);
        checks.push(check);
    }
    let skipped = from
        .items
        .iter()
        .filter(|i| !rows.iter().any(|r| r.item_id == i.id))
        .map(|i| format!("{}. {}", i.number, i.task))
        .collect();
    Ok(Some(ReviewBack {
        from_plan: from.plan.id,
        from_title: from.plan.title.clone(),
        into_plan,
        into_title: into.title,
        done: true,
        checked_at: Some(first.checked_at),
        rectifications: checks
            .iter()
            .filter(|c| c.rectification_item_id.is_some())
            .count(),
        checks,
        skipped,
    }))
}

/// How an item is linked by review-back: where a rectification item came from, or what
/// became of a checked item.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReviewLink {
    /// The checked item (last year's).
    pub origin_item_id: i32,
    pub origin_plan_id: i32,
    pub origin_label: String,
    pub result: CheckResult,
    pub result_label: String,
    pub note: String,
    /// The rectification item made of it, if any.
    pub rectification_item_id: Option<i32>,
    pub rectification_label: Option<String>,
}

/// The review-back link touching an item, either way.
pub fn link_of(conn: &mut DbConnection, item_id: i32) -> Result<Option<ReviewLink>, AppError> {
    let Some(row) = queries::evaluation::checks_touching(conn, item_id)?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let origin = queries::items::get(conn, row.item_id)?.ok_or(AppError::NotFound("事项"))?;
    let origin_plan = super::plans::get(conn, origin.plan_id)?;
    let rect = match row.rectification_item_id {
        Some(id) => queries::items::get(conn, id)?,
        None => None,
    };
    let result = CheckResult::parse(&row.result).unwrap_or(CheckResult::NotDone);
    Ok(Some(ReviewLink {
        origin_item_id: origin.id,
        origin_plan_id: origin.plan_id,
        origin_label: format!(
            "{} 第{}项：{}",
            origin_plan.title, origin.number, origin.task
        ),
        result,
        result_label: result.label().to_string(),
        note: row.note,
        rectification_item_id: rect.as_ref().map(|r| r.id),
        rectification_label: rect.map(|r| format!("{}：{}", r.number, r.task)),
    }))
}
