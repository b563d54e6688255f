//! 年度考核 and 回头看 pages: verdicts with the office's overrides, division figures and
//! scores, comments, the summary text (also as a printable page), finalising; and the
//! review-back preview, run and result.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{
    after_form, render, render_form_page, see_other, FormValues, Nav, Refused, RefusedForms,
};
use crate::db::models::Plan;
use crate::domain::access;
use crate::domain::evaluation::Verdict;
use crate::domain::review_back::CheckResult;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::service::evaluation::{
    self as eval, ConfirmAllInput, Evaluation, SummaryInput, VerdictInput,
};
use crate::service::plans;
use crate::service::review_back::{self as rb, CheckInput, ReviewBack, ReviewBackInput};
use crate::service::Caller;
use crate::web::auth::{PageForm, PageUser};
use crate::web::error::PageError;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "evaluation.html")]
struct EvaluationPage {
    nav: Nav,
    plans: Vec<Plan>,
    evaluation: Option<Evaluation>,
    verdicts: [Verdict; 5],
    is_office: bool,
    may_comment: bool,
    /// A form refused for what was typed: shown again with the input and the reason.
    refused: Option<Refused>,
}

impl RefusedForms for EvaluationPage {
    fn refused(&self) -> Option<&Refused> {
        self.refused.as_ref()
    }
}

impl EvaluationPage {
    /// The form id of item `id`'s verdict form.
    fn verdict_form(&self, id: &i32) -> String {
        format!("verdict-{id}")
    }

    /// How many items still wait for the office to confirm their verdicts.
    fn undecided(&self) -> usize {
        self.evaluation
            .as_ref()
            .map_or(0, |e| e.items.iter().filter(|i| !i.decided).count())
    }
}

#[derive(Template)]
#[template(path = "evaluation_summary.html")]
struct SummaryPage {
    nav: Nav,
    evaluation: Evaluation,
}

/// Which plan.
#[derive(Deserialize)]
pub struct PlanQuery {
    plan: Option<i32>,
}

fn plan_list(c: &mut crate::db::DbConnection, caller: &Caller) -> Result<Vec<Plan>, AppError> {
    Ok(plans::list(c, caller)?
        .into_iter()
        .map(|s| s.plan)
        .collect())
}

/// GET /evaluation?plan=.
pub async fn show(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<PlanQuery>,
) -> Result<HttpResponse, PageError> {
    evaluation_page(&state, &user, q.plan, None).await
}

/// The evaluation page of plan `wanted` (the newest plan when none); with `refused`, that
/// form again as the office typed it, with the reason (422).
async fn evaluation_page(
    state: &AppState,
    user: &PageUser,
    wanted: Option<i32>,
    refused: Option<Refused>,
) -> Result<HttpResponse, PageError> {
    let clock = state.config.clock();
    let rubric = state.config.rubric_for(user.caller.agency_id)?;
    let caller = user.caller.clone();
    let (all, evaluation) = state
        .db
        .read(move |c| -> Result<_, AppError> {
            let all = plan_list(c, &caller)?;
            let id = wanted.or_else(|| plans::default_of(&all, &caller).map(|p| p.id));
            let e = match id {
                Some(id) => Some(eval::get(c, id, &clock, &rubric)?),
                None => None,
            };
            Ok((all, e))
        })
        .await?;
    render_form_page(&EvaluationPage {
        nav: Nav::new(user, "/evaluation"),
        plans: all,
        evaluation,
        verdicts: Verdict::ALL,
        is_office: user.caller.role == Role::Office,
        may_comment: access::may_comment_on_evaluation(user.caller.role),
        refused,
    })
}

/// After an evaluation form: back to its place (`anchor`), or the page again with the
/// refused `form` as typed.
async fn answered<T>(
    state: &AppState,
    user: &PageUser,
    plan: i32,
    (form, anchor): (&str, &str),
    typed: FormValues,
    result: Result<T, AppError>,
) -> Result<HttpResponse, PageError> {
    let done = |_| see_other(&format!("/evaluation?plan={plan}#{anchor}"));
    after_form(result, form, typed, done, |r| {
        evaluation_page(state, user, Some(plan), Some(r))
    })
    .await
}

/// GET /evaluation/summary?plan=: the summary text on its own, for printing.
pub async fn summary_page(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<PlanQuery>,
) -> Result<HttpResponse, PageError> {
    let clock = state.config.clock();
    let rubric = state.config.rubric_for(user.caller.agency_id)?;
    let id = q
        .plan
        .ok_or_else(|| AppError::invalid("plan", "请指定计划"))?;
    let evaluation = state
        .db
        .read(move |c| eval::get(c, id, &clock, &rubric))
        .await?;
    render(&SummaryPage {
        nav: Nav::new(&user, "/evaluation"),
        evaluation,
    })
}

/// One verdict form.
#[derive(Deserialize)]
pub struct VerdictForm {
    verdict: String,
    #[serde(default)]
    reason: String,
    version: i32,
}

/// POST /plans/{id}/evaluation/items/{item}.
pub async fn set_verdict(
    state: web::Data<AppState>,
    user: PageUser,
    path: web::Path<(i32, i32)>,
    f: PageForm<VerdictForm>,
) -> Result<HttpResponse, PageError> {
    let (plan, item) = path.into_inner();
    let (f, typed) = (f.0, f.1);
    let place = (format!("verdict-{item}"), format!("item-{item}"));
    let place = (place.0.as_str(), place.1.as_str());
    let Some(verdict) = Verdict::parse(&f.verdict) else {
        let e = AppError::invalid("verdict", "请选择考核结论");
        return answered(&state, &user, plan, place, typed, Err::<(), _>(e)).await;
    };
    let input = VerdictInput {
        verdict,
        reason: Some(f.reason),
        version: Some(f.version),
    };
    let clock = state.config.clock();
    let caller = user.caller.clone();
    let r = state
        .db
        .write(move |c| eval::set_verdict(c, &caller, plan, item, &input, &clock))
        .await;
    answered(&state, &user, plan, place, typed, r).await
}

/// The form confirming every open proposal.
#[derive(Deserialize)]
pub struct ConfirmAllForm {
    version: i32,
}

/// POST /plans/{id}/evaluation/confirm-all: 全部确认, the system's proposal for every item
/// not decided yet.
pub async fn confirm_all(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    f: PageForm<ConfirmAllForm>,
) -> Result<HttpResponse, PageError> {
    let plan = id.into_inner();
    let input = ConfirmAllInput {
        version: Some(f.0.version),
    };
    let clock = state.config.clock();
    let caller = user.caller.clone();
    let r = state
        .db
        .write(move |c| eval::confirm_all(c, &caller, plan, &input, &clock))
        .await;
    answered(
        &state,
        &user,
        plan,
        ("confirm-all-form", "verdicts"),
        f.1,
        r,
    )
    .await
}

/// The comment form.
#[derive(Deserialize)]
pub struct CommentForm {
    text: String,
}

/// POST /plans/{id}/evaluation/comments.
pub async fn comment(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    f: PageForm<CommentForm>,
) -> Result<HttpResponse, PageError> {
    let plan = id.into_inner();
    let caller = user.caller.clone();
    let text = f.0.text;
    let r = state
        .db
        .write(move |c| eval::add_comment(c, &caller, plan, &text))
        .await;
    answered(&state, &user, plan, ("comment-form", "comments"), f.1, r).await
}

/// The summary form.
#[derive(Deserialize)]
pub struct SummaryForm {
    text: String,
    version: i32,
}

/// POST /plans/{id}/evaluation/summary.
pub async fn summary(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    f: PageForm<SummaryForm>,
) -> Result<HttpResponse, PageError> {
    let plan = id.into_inner();
    let caller = user.caller.clone();
    let input = SummaryInput {
        text: f.0.text,
        version: Some(f.0.version),
    };
    let r = state
        .db
        .write(move |c| eval::set_summary(c, &caller, plan, &input))
        .await;
    answered(&state, &user, plan, ("summary-form", "summary"), f.1, r).await
}

/// The finalise form.
#[derive(Deserialize)]
pub struct FinaliseForm {
    version: i32,
}

/// POST /plans/{id}/evaluation/finalise.
pub async fn finalise(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    f: PageForm<FinaliseForm>,
) -> Result<HttpResponse, PageError> {
    let plan = id.into_inner();
    let caller = user.caller;
    let version = f.0.version;
    let clock = state.config.clock();
    let rubric = state.config.rubric_for(caller.agency_id)?;
    state
        .db
        .write(move |c| eval::finalise(c, &caller, plan, Some(version), &clock, &rubric))
        .await?;
    Ok(see_other(&format!("/evaluation?plan={plan}")))
}

#[derive(Template)]
#[template(path = "review_back.html")]
struct ReviewBackPage {
    nav: Nav,
    plans: Vec<Plan>,
    /// The selected plans (0: none).
    into_id: i32,
    from_id: i32,
    review: Option<ReviewBack>,
    results: [CheckResult; 4],
    is_office: bool,
}

/// Which plans.
#[derive(Deserialize)]
pub struct ReviewQuery {
    /// This year's plan.
    plan: Option<i32>,
    /// Last year's plan.
    from: Option<i32>,
}

/// GET /review-back?plan=&from=.
pub async fn review_back(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<ReviewQuery>,
) -> Result<HttpResponse, PageError> {
    let clock = state.config.clock();
    let rubric = state.config.rubric_for(user.caller.agency_id)?;
    let q = q.into_inner();
    let caller = user.caller.clone();
    let (all, into, from, review) = state
        .db
        .read(move |c| -> Result<_, AppError> {
            let all = plan_list(c, &caller)?;
            let into = q
                .plan
                .or_else(|| plans::default_of(&all, &caller).map(|p| p.id));
            let review = match into {
                Some(into) => match rb::recorded(c, into)? {
                    Some(done) => Some(done),
                    None => match q.from {
                        Some(from) => Some(rb::preview(c, from, into, &clock, &rubric)?),
                        None => None,
                    },
                },
                None => None,
            };
            // Default "from": the newest plan of an earlier year.
            let from = q.from.or_else(|| {
                let year = all.iter().find(|p| Some(p.id) == into).map(|p| p.year)?;
                all.iter().find(|p| p.year < year).map(|p| p.id)
            });
            Ok((all, into, from, review))
        })
        .await?;
    render(&ReviewBackPage {
        nav: Nav::new(&user, "/review-back"),
        plans: all,
        into_id: into.unwrap_or(0),
        from_id: from.unwrap_or(0),
        review,
        results: CheckResult::ALL,
        is_office: user.caller.role == Role::Office,
    })
}

/// POST /plans/{id}/review-back: `from_plan`, then `result_<item>` and `note_<item>` per
/// row of the preview.
pub async fn run_review_back(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    f: PageForm<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let into = id.into_inner();
    let form = f.0;
    let from_plan: i32 = form
        .get("from_plan")
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| AppError::invalid("from_plan", "请选择上一年度的计划"))?;
    let mut checks = Vec::new();
    for (key, value) in &form {
        let Some(item) = key
            .strip_prefix("result_")
            .and_then(|i| i.parse::<i32>().ok())
        else {
            continue;
        };
        let result = CheckResult::parse(value)
            .ok_or_else(|| AppError::invalid("result", "请为每项选择检查结果"))?;
        checks.push(CheckInput {
            item_id: item,
            result,
            note: form
                .get(&format!("note_{item}"))
                .cloned()
                .unwrap_or_default(),
        });
    }
    let input = ReviewBackInput { from_plan, checks };
    let clock = state.config.clock();
    let rubric = state.config.rubric_for(user.caller.agency_id)?;
    let opts = state.config.review_back_options();
    let caller = user.caller;
    state
        .db
        .write(move |c| rb::run(c, &caller, into, &input, &clock, &rubric, &opts))
        .await?;
    Ok(see_other(&format!("/review-back?plan={into}")))
}
