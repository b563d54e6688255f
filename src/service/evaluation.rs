//! The year-end evaluation (年度考核): proposed and confirmed verdicts, each division's
//! figures and score, comments, the annual-report summary text, and finalising.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Deserialize;

use super::plans::{item_status, Clock};
use super::standing::Standings;
use super::{Audit, Caller};
use crate::db::models::{Assignment, Division, Evidence, Item, Plan, Report, ReportingPeriod};
use crate::db::queries;
use crate::db::queries::evaluation::EvaluationRow;
use crate::db::queries::supervision::Urging;
use crate::db::{DbConnection, WriteTx};
use crate::domain::access;
use crate::domain::bulletin::ReportFact;
use crate::domain::deadline::DeadlineKind;
use crate::domain::evaluation::{self, LedFacts, Rubric, SummaryItem, SummarySection, Verdict};
use crate::domain::period::PeriodId;
use crate::domain::standing::Standing;
use crate::error::AppError;

// The view types are domain data so that export writes them without naming service.
pub use crate::domain::evaluation::{CommentView, DivisionResult, Evaluation, EvaluationItem};

/// Everything about a plan that the evaluation and the workbooks read, loaded at once.
pub struct PlanFacts {
    pub plan: Plan,
    pub items: Vec<Item>,
    pub assignments: Vec<Assignment>,
    pub directory: Vec<Division>,
    pub sections: HashMap<i32, (Option<i32>, String)>,
    pub periods: Vec<ReportingPeriod>,
    pub reports: Vec<Report>,
    pub evidence: Vec<Evidence>,
    pub urgings: Vec<Urging>,
    /// Positions in `assignments`, `reports`, `urgings` by item and in `evidence` by report,
    /// built once so per-item lookups do not scan every list (10,000-item plans).
    assignments_by_item: HashMap<i32, Vec<usize>>,
    reports_by_item: HashMap<i32, Vec<usize>>,
    urgings_by_item: HashMap<i32, Vec<usize>>,
    evidence_by_report: HashMap<i32, Vec<usize>>,
}

/// Positions of the elements of `list` by the key `key` gives.
fn index_by<T>(list: &[T], key: impl Fn(&T) -> i32) -> HashMap<i32, Vec<usize>> {
    let mut out: HashMap<i32, Vec<usize>> = HashMap::new();
    for (i, x) in list.iter().enumerate() {
        out.entry(key(x)).or_default().push(i);
    }
    out
}

impl PlanFacts {
    /// Loads a plan's items, divisions, sections, periods, reports, evidence and urgings.
    pub fn load(conn: &mut DbConnection, plan_id: i32) -> Result<Self, AppError> {
        let plan = super::plans::get(conn, plan_id)?;
        let items = queries::items::list(conn, plan_id, None)?;
        let ids: Vec<i32> = items.iter().map(|i| i.id).collect();
        let assignments = queries::items::assignments_of(conn, &ids)?;
        let sections = queries::evaluation::sections_of(conn, plan_id)?
            .into_iter()
            .map(|(id, parent, heading)| (id, (parent, heading)))
            .collect();
        let reports = queries::evaluation::reports_of_plan(conn, plan_id)?;
        let evidence = queries::evaluation::evidence_of_plan(conn, plan_id)?;
        let urgings = queries::evaluation::urgings_of_plan(conn, plan_id)?;
        let directory = queries::divisions::of_agency(conn, plan.agency_id)?;
        Ok(PlanFacts {
            assignments_by_item: index_by(&assignments, |a| a.item_id),
            reports_by_item: index_by(&reports, |r| r.item_id),
            urgings_by_item: index_by(&urgings, |u| u.item_id),
            evidence_by_report: index_by(&evidence, |e| e.report_id),
            plan,
            items,
            assignments,
            directory,
            sections,
            periods: queries::reports::periods(conn, plan_id)?,
            reports,
            evidence,
            urgings,
        })
    }

    fn assignments_of(&self, item_id: i32) -> impl Iterator<Item = &Assignment> {
        self.assignments_by_item
            .get(&item_id)
            .into_iter()
            .flatten()
            .map(|i| &self.assignments[*i])
    }

    /// Every report on an item.
    pub fn reports_of(&self, item_id: i32) -> impl Iterator<Item = &Report> {
        self.reports_by_item
            .get(&item_id)
            .into_iter()
            .flatten()
            .map(|i| &self.reports[*i])
    }

    /// Every urging of an item.
    pub fn urgings_of(&self, item_id: i32) -> impl Iterator<Item = &Urging> {
        self.urgings_by_item
            .get(&item_id)
            .into_iter()
            .flatten()
            .map(|i| &self.urgings[*i])
    }

    /// A division's name.
    pub fn division_name(&self, id: i32) -> String {
        self.directory
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.name.clone())
            .unwrap_or_default()
    }

    /// The directory divisions playing `role` (`lead`/`support`) on an item.
    pub fn divisions_of(&self, item_id: i32, role: &str) -> Vec<i32> {
        self.assignments_of(item_id)
            .filter(|a| a.role == role)
            .filter_map(|a| a.division_id)
            .collect()
    }

    /// The names on an item for `role`, placeholders as written.
    pub fn names_of(&self, item_id: i32, role: &str) -> Vec<String> {
        self.assignments_of(item_id)
            .filter(|a| a.role == role)
            .map(|a| {
                a.division_id
                    .map(|d| self.division_name(d))
                    .or_else(|| a.placeholder.clone())
                    .unwrap_or_default()
            })
            .collect()
    }

    /// The section headings above an item, outermost first.
    pub fn section_path(&self, item: &Item) -> Vec<String> {
        let mut path = Vec::new();
        let mut next = item.section_id;
        while let Some(id) = next {
            let Some((parent, heading)) = self.sections.get(&id) else {
                break;
            };
            path.push(heading.clone());
            next = *parent;
            if path.len() > 16 {
                break; // a cycle would be a bug; never loop forever on it
            }
        }
        path.reverse();
        path
    }

    /// Every item's standing on the clock's date.
    pub fn standings(&self, conn: &mut DbConnection, clock: &Clock) -> Result<Standings, AppError> {
        Standings::of(conn, &self.plan, &self.items, &self.reports, clock)
    }

    /// An item's reports that the office accepted, oldest period first.
    pub fn accepted_reports(&self, item_id: i32) -> Vec<&Report> {
        let mut out: Vec<&Report> = self
            .reports_of(item_id)
            .filter(|r| r.state.is_accepted())
            .collect();
        out.sort_by_key(|r| self.period_code(r.period_id));
        out
    }

    /// A period's `YYYY-Qn` code.
    pub fn period_code(&self, period_id: i32) -> String {
        self.periods
            .iter()
            .find(|p| p.id == period_id)
            .map(|p| p.period.clone())
            .unwrap_or_default()
    }

    /// The evidence attached to one report.
    pub fn evidence_of_report(&self, report_id: i32) -> impl Iterator<Item = &Evidence> {
        self.evidence_by_report
            .get(&report_id)
            .into_iter()
            .flatten()
            .map(|i| &self.evidence[*i])
    }

    /// The evidence attached to an item's reports (by one division, when given).
    pub fn evidence_of(&self, item_id: i32, division: Option<i32>) -> Vec<&Evidence> {
        self.reports_of(item_id)
            .filter(|r| division.is_none_or(|d| r.division_id == d))
            .flat_map(|r| self.evidence_by_report.get(&r.id).into_iter().flatten())
            .map(|i| &self.evidence[*i])
            .collect()
    }
}

/// The evaluation of a plan: the frozen one once finalised, else worked out now.
pub fn get(
    conn: &mut DbConnection,
    plan_id: i32,
    clock: &Clock,
    rubric: &Rubric,
) -> Result<Evaluation, AppError> {
    let row = queries::evaluation::of_plan(conn, plan_id)?;
    if let Some(frozen) = row.as_ref().and_then(frozen) {
        return frozen;
    }
    let facts = PlanFacts::load(conn, plan_id)?;
    compute(conn, &facts, row.as_ref(), clock, rubric)
}

fn frozen(row: &EvaluationRow) -> Option<Result<Evaluation, AppError>> {
    row.finalised_at?;
    let snapshot = row.snapshot.as_deref()?;
    Some(
        serde_json::from_str(snapshot)
            .map(count_by_verdicts)
            .map_err(|e| AppError::Internal(e.to_string())),
    )
}

/// A finalised evaluation counts every item by its verdict. Snapshots frozen before items
/// carried a standing lack it and counted 待上级部署 and 不再适用 nowhere: fill both in.
fn count_by_verdicts(mut e: Evaluation) -> Evaluation {
    for i in &mut e.items {
        i.standing = Standing::of_verdict(i.verdict);
    }
    for d in &mut e.divisions {
        if d.figures.tally().total() == d.figures.led {
            continue;
        }
        let led = e.items.iter().filter(|i| i.lead.contains(&d.division));
        let count = |s: Standing| led.clone().filter(|i| i.standing == s).count();
        d.figures.waiting_on_higher_authority = count(Standing::WaitingOnHigherAuthority);
        d.figures.not_applicable = count(Standing::NotApplicable);
    }
    e
}

fn compute(
    conn: &mut DbConnection,
    facts: &PlanFacts,
    row: Option<&EvaluationRow>,
    clock: &Clock,
    rubric: &Rubric,
) -> Result<Evaluation, AppError> {
    let decisions = match row {
        Some(r) => queries::evaluation::verdicts(conn, r.id)?,
        None => Vec::new(),
    };
    let as_of = clock.today;
    let standings = facts.standings(conn, clock)?;
    let mut items = Vec::new();
    let mut led = Vec::new();
    for item in &facts.items {
        let status = item_status(item, clock);
        let accepted = facts.accepted_reports(item.id);
        let proposed = standings.proposal(item.id).unwrap_or(Verdict::NotCompleted);
        let decision = decisions.iter().find(|d| d.item_id == item.id);
        let verdict = decision
            .and_then(|d| Verdict::parse(&d.verdict))
            .unwrap_or(proposed);
        let standing = standings.get(item.id);
        for division in facts.divisions_of(item.id, "lead") {
            led.push(led_facts(facts, item, division, standing, as_of));
        }
        items.push(EvaluationItem {
            item_id: item.id,
            number: item.number.clone(),
            task: item.task.clone(),
            section: facts
                .section_path(item)
                .into_iter()
                .next()
                .unwrap_or_default(),
            lead: facts.names_of(item.id, "lead"),
            status: status.label().to_string(),
            completed_on: item.completed_on,
            accepted_reports: accepted.len(),
            proposed,
            standing,
            verdict,
            verdict_label: verdict.label().to_string(),
            reason: decision.and_then(|d| d.reason.clone()),
            decided: decision.is_some(),
        });
    }
    let divisions: Vec<DivisionResult> = evaluation::figures(&led)
        .into_iter()
        .map(|(division, figures)| DivisionResult {
            score: rubric.score(&figures),
            division,
            figures,
        })
        .collect();
    let scores: Vec<f64> = divisions.iter().map(|d| d.score).collect();
    let comments = match row {
        Some(r) => comments_of(conn, r.id)?,
        None => Vec::new(),
    };
    let edited = row.map(|r| r.summary_text.clone()).unwrap_or_default();
    let summary_edited = !edited.trim().is_empty();
    let summary_text = if summary_edited {
        edited
    } else {
        draft_summary(facts, &items)
    };
    Ok(Evaluation {
        plan_id: facts.plan.id,
        plan_title: facts.plan.title.clone(),
        year: facts.plan.year,
        as_of,
        version: row.map_or(0, |r| r.version),
        finalised: false,
        finalised_at: None,
        finalised_by: None,
        rubric: rubric.clone(),
        score: evaluation::overall(&scores),
        items,
        divisions,
        comments,
        summary_text,
        summary_edited,
    })
}

/// What one lead division's part in an item adds to its figures.
fn led_facts(
    facts: &PlanFacts,
    item: &Item,
    division: i32,
    standing: Standing,
    as_of: NaiveDate,
) -> LedFacts {
    let mut reports = Vec::new();
    // Nothing to report on work that no longer applies, waits on a higher authority, or
    // was already done when the plan was written (已完成).
    let reportable = !matches!(
        standing,
        Standing::NotApplicable | Standing::WaitingOnHigherAuthority
    ) && item.deadline_kind != DeadlineKind::Done.as_str();
    for p in &facts.periods {
        let report = facts
            .reports_of(item.id)
            .find(|r| r.period_id == p.id && r.division_id == division);
        let fact = report.map(|r| ReportFact::of(r.state, r.submitted_late));
        let start = PeriodId::parse(&p.period).map_or(p.due_on, PeriodId::start);
        let submitted = matches!(fact, Some(ReportFact::Submitted { .. }));
        if submitted
            || (reportable
                && evaluation::report_required(start, p.due_on, as_of, item.completed_on))
        {
            reports.push(fact);
        }
    }
    LedFacts {
        division: facts.division_name(division),
        standing,
        reports,
        evidence: facts.evidence_of(item.id, Some(division)).len(),
        urgings: facts
            .urgings_of(item.id)
            .filter(|u| u.division_id == division)
            .count(),
    }
}

/// The summary drafted from the verdicts and the latest accepted progress.
fn draft_summary(facts: &PlanFacts, items: &[EvaluationItem]) -> String {
    let mut sections: Vec<SummarySection> = Vec::new();
    for i in items {
        let heading = if i.section.is_empty() {
            "其他工作".to_string()
        } else {
            i.section.clone()
        };
        let progress = facts
            .accepted_reports(i.item_id)
            .last()
            .map(|r| r.summary.clone())
            .filter(|s| !s.trim().is_empty());
        let entry = SummaryItem {
            label: format!("{}. {}", i.number, i.task),
            lead: i.lead.join("、"),
            standing: i.standing,
            progress,
        };
        match sections.iter_mut().find(|s| s.heading == heading) {
            Some(s) => s.items.push(entry),
            None => sections.push(SummarySection {
                heading,
                items: vec![entry],
            }),
        }
    }
    evaluation::summary_text(&facts.plan.title, &sections)
}

/// The caller's name as people read it (the command line's own name when no user).
fn shown_caller_name(conn: &mut DbConnection, caller: &Caller) -> Result<String, AppError> {
    let user = match caller.user_id {
        Some(id) => queries::users::get(conn, id)?,
        None => None,
    };
    Ok(user.map_or_else(
        || caller.name.clone(),
        |u| crate::domain::person::shown_name(&u.display_name, &u.username).to_string(),
    ))
}

fn comments_of(conn: &mut DbConnection, evaluation_id: i32) -> Result<Vec<CommentView>, AppError> {
    let rows = queries::evaluation::comments(conn, evaluation_id)?;
    let mut out = Vec::new();
    for c in rows {
        let author = queries::users::get(conn, c.author_id)?
            .map(|u| crate::domain::person::shown_name(&u.display_name, &u.username).to_string())
            .unwrap_or_default();
        out.push(CommentView {
            id: c.id,
            author,
            text: c.text,
            created_at: c.created_at,
        });
    }
    Ok(out)
}

/// The plan's evaluation record, started on the first change; refused once finalised or
/// when the caller read an older version.
fn open_for_change(
    tx: &mut WriteTx<'_>,
    plan_id: i32,
    version: Option<i32>,
) -> Result<EvaluationRow, AppError> {
    super::plans::get(tx, plan_id)?;
    let row = match queries::evaluation::of_plan(tx, plan_id)? {
        Some(r) => r,
        None => queries::evaluation::insert(tx, plan_id, queries::now())?,
    };
    if row.finalised_at.is_some() {
        return Err(AppError::Conflict(
            "年度考核已定稿，不能再修改；如确需更正，请联系系统管理员".to_string(),
        ));
    }
    let read = version.unwrap_or(row.version);
    // A record made just now is version 1; an editor who read "no record yet" read 0.
    let read = if read == 0 { 1 } else { read };
    if !queries::evaluation::bump(tx, row.id, read)? {
        return Err(AppError::stale("年度考核"));
    }
    Ok(EvaluationRow {
        version: read + 1,
        ..row
    })
}

/// The office's confirmation or override of one item's verdict.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct VerdictInput {
    pub verdict: Verdict,
    /// Required when the verdict differs from the proposal.
    #[serde(default)]
    pub reason: Option<String>,
    /// The evaluation version the office read.
    #[serde(default)]
    pub version: Option<i32>,
}

/// Confirms or overrides an item's verdict (office only; a reason for any override).
pub fn set_verdict(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    plan_id: i32,
    item_id: i32,
    input: &VerdictInput,
    clock: &Clock,
) -> Result<(), AppError> {
    caller.require_office()?;
    let item = queries::items::get(tx, item_id)?
        .filter(|i| i.plan_id == plan_id)
        .ok_or(AppError::NotFound("事项"))?;
    let row = open_for_change(tx, plan_id, input.version)?;
    let plan = super::plans::get(tx, plan_id)?;
    let reports = queries::reports::for_item(tx, item_id)?;
    let proposed = Standings::of(tx, &plan, std::slice::from_ref(&item), &reports, clock)?
        .proposal(item.id)
        .unwrap_or(Verdict::NotCompleted);
    let reason = input
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if input.verdict != proposed && reason.is_none() {
        return Err(AppError::invalid(
            "reason",
            format!(
                "系统建议为“{}”，改为“{}”须填写理由",
                proposed.label(),
                input.verdict.label()
            ),
        ));
    }
    if reason.is_some_and(|r| r.chars().count() > 500) {
        return Err(AppError::invalid("reason", "理由不超过 500 字"));
    }
    let before = queries::evaluation::verdicts(tx, row.id)?
        .into_iter()
        .find(|v| v.item_id == item_id)
        .map(|v| (v.verdict, v.reason));
    queries::evaluation::set_verdict(
        tx,
        row.id,
        item_id,
        proposed.as_str(),
        input.verdict.as_str(),
        reason,
        caller.user_id,
    )?;
    Audit::of("evaluation", row.id, "verdict").record_opt(
        tx,
        caller,
        before.as_ref(),
        Some(&serde_json::json!({
            "item_id": item_id,
            "proposed": proposed,
            "verdict": input.verdict,
            "reason": reason,
        })),
    )
}

/// What the office read when confirming every open proposal at once.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ConfirmAllInput {
    /// The evaluation version the office read.
    #[serde(default)]
    pub version: Option<i32>,
}

/// Confirms the system's proposal for every item the office has not decided yet (office
/// only), in one change; decided items keep their verdicts. Returns how many were confirmed.
pub fn confirm_all(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    plan_id: i32,
    input: &ConfirmAllInput,
    clock: &Clock,
) -> Result<usize, AppError> {
    caller.require_office()?;
    let row = open_for_change(tx, plan_id, input.version)?;
    let decided: std::collections::HashSet<i32> = queries::evaluation::verdicts(tx, row.id)?
        .into_iter()
        .map(|v| v.item_id)
        .collect();
    let facts = PlanFacts::load(tx, plan_id)?;
    let standings = facts.standings(tx, clock)?;
    let mut confirmed = Vec::new();
    for item in facts.items.iter().filter(|i| !decided.contains(&i.id)) {
        let proposed = standings.proposal(item.id).unwrap_or(Verdict::NotCompleted);
        queries::evaluation::set_verdict(
            tx,
            row.id,
            item.id,
            proposed.as_str(),
            proposed.as_str(),
            None,
            caller.user_id,
        )?;
        confirmed.push(item.id);
    }
    Audit::of("evaluation", row.id, "verdicts_confirmed").record_opt(
        tx,
        caller,
        None::<&()>,
        Some(&serde_json::json!({ "items": confirmed })),
    )?;
    Ok(confirmed.len())
}

/// Adds a comment (the office and the auditors).
pub fn add_comment(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    plan_id: i32,
    text: &str,
) -> Result<(), AppError> {
    if !access::may_comment_on_evaluation(caller.role) {
        return Err(AppError::Forbidden(
            "只有办公室和监督检查人员可以发表考核意见".to_string(),
        ));
    }
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 2000 {
        return Err(AppError::invalid("text", "意见不能为空，且不超过 2000 字"));
    }
    let author = caller
        .user_id
        .ok_or_else(|| AppError::BadRequest("命令行不能发表考核意见，请登录后发表".to_string()))?;
    let row = open_for_change(tx, plan_id, None)?;
    let id = queries::evaluation::insert_comment(tx, row.id, author, text, queries::now())?;
    Audit::of("evaluation", row.id, "comment").record_after(
        tx,
        caller,
        &serde_json::json!({ "comment_id": id, "text": text }),
    )
}

/// The office's edit of the summary text; an empty text returns to the drafted one.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct SummaryInput {
    pub text: String,
    #[serde(default)]
    pub version: Option<i32>,
}

/// Saves the office's summary text.
pub fn set_summary(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    plan_id: i32,
    input: &SummaryInput,
) -> Result<(), AppError> {
    caller.require_office()?;
    if input.text.chars().count() > 50_000 {
        return Err(AppError::invalid("text", "落实情况不超过 50000 字"));
    }
    let row = open_for_change(tx, plan_id, input.version)?;
    let text = input.text.trim();
    queries::evaluation::set_summary(tx, row.id, text)?;
    Audit::of("evaluation", row.id, "summary").record_change(tx, caller, &row.summary_text, &text)
}

/// Freezes the evaluation: every verdict, figure, score and the summary as they are now.
pub fn finalise(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    plan_id: i32,
    version: Option<i32>,
    clock: &Clock,
    rubric: &Rubric,
) -> Result<Evaluation, AppError> {
    caller.require_office()?;
    let row = open_for_change(tx, plan_id, version)?;
    let facts = PlanFacts::load(tx, plan_id)?;
    let proposals = compute(tx, &facts, Some(&row), clock, rubric)?;
    for i in proposals.items.iter().filter(|i| !i.decided) {
        queries::evaluation::set_verdict(
            tx,
            row.id,
            i.item_id,
            i.proposed.as_str(),
            i.verdict.as_str(),
            None,
            None,
        )?;
    }
    // Every verdict is recorded now, so the frozen figures count each item by its verdict.
    let mut doc = compute(tx, &facts, Some(&row), clock, rubric)?;
    let now = queries::now();
    doc.finalised = true;
    doc.finalised_at = Some(now);
    doc.finalised_by = Some(shown_caller_name(tx, caller)?);
    doc.version = row.version;
    let snapshot = serde_json::to_string(&doc).map_err(|e| AppError::Internal(e.to_string()))?;
    let rubric_json =
        serde_json::to_string(rubric).map_err(|e| AppError::Internal(e.to_string()))?;
    queries::evaluation::finalise(
        tx,
        row.id,
        &rubric_json,
        doc.score,
        &snapshot,
        caller.user_id,
        now,
    )?;
    Audit::of("evaluation", row.id, "finalise").record_after(
        tx,
        caller,
        &serde_json::json!({
            "score": doc.score,
            "divisions": doc.divisions,
            "verdicts": doc.items.iter().map(|i| (i.item_id, i.verdict)).collect::<Vec<_>>(),
        }),
    )?;
    Ok(doc)
}
