//! 导出: a plan's workbooks, and the division's offline progress workbook (download, fill in
//! Excel or WPS, upload back as draft reports with a row-by-row report).

use actix_multipart::Multipart;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{render, Nav};
use crate::db::models::{Plan, ReportingPeriod};
use crate::error::AppError;
use crate::service::exports::OfflineResult;
use crate::service::{plans, reports};
use crate::web::api::exports as api_exports;
use crate::web::auth::PageUser;
use crate::web::error::PageError;
use crate::web::upload::{UploadLimits, UploadUser};
use crate::web::AppState;

#[derive(Template)]
#[template(path = "export.html")]
struct ExportPage {
    nav: Nav,
    plans: Vec<Plan>,
    plan: Option<Plan>,
    open_periods: Vec<ReportingPeriod>,
    is_division: bool,
    result: Option<OfflineResult>,
}

/// Which plan.
#[derive(Deserialize)]
pub struct PlanQuery {
    plan: Option<i32>,
}

async fn page(
    state: &web::Data<AppState>,
    user: &PageUser,
    wanted: Option<i32>,
    result: Option<OfflineResult>,
) -> Result<HttpResponse, PageError> {
    let caller = user.caller.clone();
    let (all, plan, open_periods) = state
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
            let open = match &plan {
                Some(p) => reports::periods(c, p.id)?
                    .into_iter()
                    .filter(|p| p.is_open)
                    .collect(),
                None => Vec::new(),
            };
            Ok((all, plan, open))
        })
        .await?;
    render(&ExportPage {
        nav: Nav::new(user, "/export"),
        plans: all,
        plan,
        open_periods,
        is_division: user.caller.division_id.is_some(),
        result,
    })
}

/// GET /export?plan=.
pub async fn show(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<PlanQuery>,
) -> Result<HttpResponse, PageError> {
    page(&state, &user, q.plan, None).await
}

/// POST /plans/{id}/progress-upload?csrf=: the filled-in offline workbook; shows what was
/// taken (the session's token and the role are checked before the body is read).
pub async fn upload(
    state: web::Data<AppState>,
    user: UploadUser,
    id: web::Path<i32>,
    payload: Multipart,
) -> Result<HttpResponse, PageError> {
    let plan_id = id.into_inner();
    user.caller.require_division_staff()?;
    let limits = UploadLimits::of(&state.config).capped(20 * 1024 * 1024);
    let file = crate::web::upload::read_upload(payload, limits).await?;
    let result = api_exports::take_upload(&state, user.caller.clone(), plan_id, file.bytes).await?;
    page(&state, &user, Some(plan_id), Some(result)).await
}
