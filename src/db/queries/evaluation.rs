//! The year-end evaluation, its verdicts and comments, the review-back checks, and the
//! plan-wide reads the evaluation and the workbooks need.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::models::{Evidence, Report};
use crate::db::queries::supervision::Urging;
use crate::db::schema::{
    evaluation_comments, evaluation_verdicts, evaluations, evidence, items, reports,
    review_back_checks, sections, urgings,
};
use crate::db::{last_insert_id, DbConnection, WriteTx};

/// A plan's evaluation record.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = evaluations)]
pub struct EvaluationRow {
    pub id: i32,
    pub plan_id: i32,
    pub rubric: String,
    pub score: Option<f64>,
    pub summary_text: String,
    pub finalised_at: Option<NaiveDateTime>,
    pub finalised_by: Option<i32>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub snapshot: Option<String>,
}

/// The office's decision on one item (or, once finalised, every item's verdict).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = evaluation_verdicts)]
pub struct VerdictRow {
    pub id: i32,
    pub evaluation_id: i32,
    pub item_id: i32,
    pub proposed: String,
    pub verdict: String,
    pub reason: Option<String>,
    pub decided_by: Option<i32>,
}

/// An auditor's or the office's comment on an evaluation.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = evaluation_comments)]
pub struct CommentRow {
    pub id: i32,
    pub evaluation_id: i32,
    pub author_id: i32,
    pub text: String,
    pub created_at: NaiveDateTime,
}

/// One review-back check of last year's item.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = review_back_checks)]
pub struct CheckRow {
    pub id: i32,
    pub item_id: i32,
    pub into_plan_id: i32,
    pub result: String,
    pub note: String,
    pub rectification_item_id: Option<i32>,
    pub checked_by: Option<i32>,
    pub checked_at: NaiveDateTime,
}

/// A plan's evaluation, if one was started.
pub fn of_plan(conn: &mut DbConnection, plan_id: i32) -> QueryResult<Option<EvaluationRow>> {
    evaluations::table
        .filter(evaluations::plan_id.eq(plan_id))
        .select(EvaluationRow::as_select())
        .first(conn)
        .optional()
}

/// Starts a plan's evaluation.
pub fn insert(tx: &mut WriteTx<'_>, plan_id: i32, at: NaiveDateTime) -> QueryResult<EvaluationRow> {
    let conn = tx.conn();
    diesel::insert_into(evaluations::table)
        .values((
            evaluations::plan_id.eq(plan_id),
            evaluations::rubric.eq("{}"),
            evaluations::summary_text.eq(""),
            evaluations::version.eq(1),
            evaluations::created_at.eq(at),
        ))
        .execute(conn)?;
    let id = last_insert_id(conn)?;
    evaluations::table
        .find(id)
        .select(EvaluationRow::as_select())
        .first(conn)
}

/// Marks a change: bumps the version if it is still `version`; false when it was not.
pub fn bump(tx: &mut WriteTx<'_>, id: i32, version: i32) -> QueryResult<bool> {
    let conn = tx.conn();
    diesel::update(
        evaluations::table
            .find(id)
            .filter(evaluations::version.eq(version))
            .filter(evaluations::finalised_at.is_null()),
    )
    .set(evaluations::version.eq(version + 1))
    .execute(conn)
    .map(|n| n == 1)
}

/// Stores the office's summary text.
pub fn set_summary(tx: &mut WriteTx<'_>, id: i32, text: &str) -> QueryResult<()> {
    let conn = tx.conn();
    diesel::update(evaluations::table.find(id))
        .set(evaluations::summary_text.eq(text))
        .execute(conn)
        .map(|_| ())
}

/// Freezes an evaluation with its rubric, score and snapshot.
pub fn finalise(
    tx: &mut WriteTx<'_>,
    id: i32,
    rubric: &str,
    score: Option<f64>,
    snapshot: &str,
    by: Option<i32>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    let conn = tx.conn();
    diesel::update(evaluations::table.find(id))
        .set((
            evaluations::rubric.eq(rubric),
            evaluations::score.eq(score),
            evaluations::snapshot.eq(Some(snapshot)),
            evaluations::finalised_by.eq(by),
            evaluations::finalised_at.eq(Some(at)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The decisions recorded on an evaluation.
pub fn verdicts(conn: &mut DbConnection, evaluation_id: i32) -> QueryResult<Vec<VerdictRow>> {
    evaluation_verdicts::table
        .filter(evaluation_verdicts::evaluation_id.eq(evaluation_id))
        .order(evaluation_verdicts::id.asc())
        .select(VerdictRow::as_select())
        .load(conn)
}

/// Records (or replaces) the decision on one item.
pub fn set_verdict(
    tx: &mut WriteTx<'_>,
    evaluation_id: i32,
    item_id: i32,
    proposed: &str,
    verdict: &str,
    reason: Option<&str>,
    decided_by: Option<i32>,
) -> QueryResult<()> {
    let conn = tx.conn();
    diesel::delete(
        evaluation_verdicts::table
            .filter(evaluation_verdicts::evaluation_id.eq(evaluation_id))
            .filter(evaluation_verdicts::item_id.eq(item_id)),
    )
    .execute(conn)?;
    diesel::insert_into(evaluation_verdicts::table)
        .values((
            evaluation_verdicts::evaluation_id.eq(evaluation_id),
            evaluation_verdicts::item_id.eq(item_id),
            evaluation_verdicts::proposed.eq(proposed),
            evaluation_verdicts::verdict.eq(verdict),
            evaluation_verdicts::reason.eq(reason),
            evaluation_verdicts::decided_by.eq(decided_by),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The comments on an evaluation, oldest first.
pub fn comments(conn: &mut DbConnection, evaluation_id: i32) -> QueryResult<Vec<CommentRow>> {
    evaluation_comments::table
        .filter(evaluation_comments::evaluation_id.eq(evaluation_id))
        .order(evaluation_comments::id.asc())
        .select(CommentRow::as_select())
        .load(conn)
}

/// Adds a comment.
pub fn insert_comment(
    tx: &mut WriteTx<'_>,
    evaluation_id: i32,
    author_id: i32,
    text: &str,
    at: NaiveDateTime,
) -> QueryResult<i32> {
    let conn = tx.conn();
    diesel::insert_into(evaluation_comments::table)
        .values((
            evaluation_comments::evaluation_id.eq(evaluation_id),
            evaluation_comments::author_id.eq(author_id),
            evaluation_comments::text.eq(text),
            evaluation_comments::created_at.eq(at),
        ))
        .execute(conn)?;
    last_insert_id(conn)
}

/// Every report on a plan's items.
pub fn reports_of_plan(conn: &mut DbConnection, plan_id: i32) -> QueryResult<Vec<Report>> {
    reports::table
        .inner_join(items::table)
        .filter(items::plan_id.eq(plan_id))
        .order(reports::id.asc())
        .select(Report::as_select())
        .load(conn)
}

/// Every piece of evidence on a plan's reports.
pub fn evidence_of_plan(conn: &mut DbConnection, plan_id: i32) -> QueryResult<Vec<Evidence>> {
    evidence::table
        .inner_join(reports::table.inner_join(items::table))
        .filter(items::plan_id.eq(plan_id))
        .order(evidence::id.asc())
        .select(Evidence::as_select())
        .load(conn)
}

/// Every urging of a plan's items.
pub fn urgings_of_plan(conn: &mut DbConnection, plan_id: i32) -> QueryResult<Vec<Urging>> {
    urgings::table
        .inner_join(items::table)
        .filter(items::plan_id.eq(plan_id))
        .order(urgings::id.asc())
        .select(Urging::as_select())
        .load(conn)
}

/// A plan's sections: (id, parent, heading), in order.
pub fn sections_of(
    conn: &mut DbConnection,
    plan_id: i32,
) -> QueryResult<Vec<(i32, Option<i32>, String)>> {
    sections::table
        .filter(sections::plan_id.eq(plan_id))
        .order((sections::position.asc(), sections::id.asc()))
        .select((sections::id, sections::parent_id, sections::heading))
        .load(conn)
}

/// The review-back checks made into a plan.
pub fn checks_into(conn: &mut DbConnection, into_plan_id: i32) -> QueryResult<Vec<CheckRow>> {
    review_back_checks::table
        .filter(review_back_checks::into_plan_id.eq(into_plan_id))
        .order(review_back_checks::id.asc())
        .select(CheckRow::as_select())
        .load(conn)
}

/// The checks of some items (by the item checked or the rectification made of it).
pub fn checks_touching(conn: &mut DbConnection, item_id: i32) -> QueryResult<Vec<CheckRow>> {
    review_back_checks::table
        .filter(
            review_back_checks::item_id
                .eq(item_id)
                .or(review_back_checks::rectification_item_id.eq(item_id)),
        )
        .select(CheckRow::as_select())
        .load(conn)
}

/// Whether any item of `from_plan` was already checked.
pub fn checked_from(conn: &mut DbConnection, from_plan_id: i32) -> QueryResult<bool> {
    let from = items::table
        .filter(items::plan_id.eq(from_plan_id))
        .select(items::id);
    diesel::select(diesel::dsl::exists(
        review_back_checks::table.filter(review_back_checks::item_id.eq_any(from)),
    ))
    .get_result(conn)
}

/// Records one check.
#[allow(clippy::too_many_arguments)]
pub fn insert_check(
    tx: &mut WriteTx<'_>,
    item_id: i32,
    into_plan_id: i32,
    result: &str,
    note: &str,
    rectification_item_id: Option<i32>,
    checked_by: Option<i32>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    let conn = tx.conn();
    diesel::insert_into(review_back_checks::table)
        .values((
            review_back_checks::item_id.eq(item_id),
            review_back_checks::into_plan_id.eq(into_plan_id),
            review_back_checks::result.eq(result),
            review_back_checks::note.eq(note),
            review_back_checks::rectification_item_id.eq(rectification_item_id),
            review_back_checks::checked_by.eq(checked_by),
            review_back_checks::checked_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}
