//! 总览: every division's items by status, overdue and awaiting-review lists, and a chart
//! of completion by division drawn on the server (inline SVG, no script, no CDN).

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{render, Nav};
use crate::db::models::Plan;
use crate::domain::standing::Standing;
use crate::error::AppError;
use crate::service::overview::{self, Overview};
use crate::service::plans;
use crate::web::auth::PageUser;
use crate::web::error::PageError;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    nav: Nav,
    plans: Vec<Plan>,
    plan: Option<Plan>,
    overview: Option<Overview>,
    statuses: [Standing; 6],
    chart_height: usize,
    urged: Option<usize>,
    is_office: bool,
    unacknowledged: Vec<crate::service::supervision::Unacknowledged>,
}

/// Which plan.
#[derive(Deserialize)]
pub struct PlanQuery {
    plan: Option<i32>,
    urged: Option<usize>,
}

/// GET /overview.
pub async fn show(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<PlanQuery>,
) -> Result<HttpResponse, PageError> {
    let clock = state.config.clock();
    let wanted = q.plan;
    let q = q.into_inner();
    let ack_days = state.config.acknowledge_workdays;
    let caller = user.caller.clone();
    let (all, plan, overview, unacknowledged) = state
        .db
        .read(move |c| -> Result<_, AppError> {
            let all: Vec<Plan> = plans::list(c, &caller)?
                .into_iter()
                .map(|s| s.plan)
                .collect();
            let plan = match wanted {
                Some(id) => Some(plans::get(c, id)?),
                None => plans::default_of(&all, &caller).cloned(),
            };
            let overview = match &plan {
                Some(p) => Some(overview::plan_overview(c, p.id, &clock)?),
                None => None,
            };
            let unacknowledged = match &plan {
                Some(p) => {
                    crate::service::supervision::unacknowledged(c, p.id, clock.today, ack_days)?
                }
                None => Vec::new(),
            };
            Ok((all, plan, overview, unacknowledged))
        })
        .await?;
    let rows = overview.as_ref().map_or(0, |o| o.divisions.len());
    render(&OverviewPage {
        nav: Nav::new(&user, "/overview"),
        plans: all,
        plan,
        overview,
        statuses: Standing::ALL,
        chart_height: rows * 28 + 10,
        urged: q.urged,
        unacknowledged,
        is_office: user.caller.role == crate::domain::role::Role::Office,
    })
}

/// The urge-all form.
#[derive(Deserialize)]
pub struct UrgeAllForm {
    #[serde(default)]
    message: String,
}

/// POST /plans/{id}/urge: every overdue item and missing report of the plan at once.
pub async fn urge_all(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    f: crate::web::auth::PageForm<UrgeAllForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let input = crate::service::supervision::UrgeInput {
        message: f.0.message,
    };
    let clock = state.config.clock();
    let caller = user.caller;
    let n = state
        .db
        .write(move |c| crate::service::supervision::urge_all(c, &caller, id, &clock, &input))
        .await?;
    Ok(super::see_other(&format!("/overview?plan={id}&urged={n}")))
}

/// The open-period form.
#[derive(Deserialize)]
pub struct PeriodForm {
    period: String,
    #[serde(default)]
    due_on: String,
}

/// POST /plans/{id}/periods: the office opens a reporting period.
pub async fn open_period(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    f: crate::web::auth::PageForm<PeriodForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let f = f.0;
    let due_on = match f.due_on.trim() {
        "" => None,
        d => Some(
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| AppError::invalid("due_on", "截止日期格式应为 2021-09-30"))?,
        ),
    };
    let input = crate::service::reports::OpenPeriodInput {
        period: f.period,
        due_on,
    };
    let rule = state.config.before_month_means_previous_month_end;
    let caller = user.caller;
    state
        .db
        .write(move |c| crate::service::reports::open_period(c, &caller, id, &input, rule))
        .await?;
    Ok(super::see_other(&format!("/bulletin?plan={id}")))
}
