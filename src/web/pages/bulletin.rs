//! 情况通报: a printable page of a period's bulletin.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{render, Nav};
use crate::db::models::ReportingPeriod;
use crate::error::AppError;
use crate::service::bulletin::{self, Bulletin};
use crate::service::reports;
use crate::web::auth::PageUser;
use crate::web::error::PageError;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "bulletin.html")]
struct BulletinPage {
    nav: Nav,
    plan_id: i32,
    periods: Vec<ReportingPeriod>,
    bulletin: Option<Bulletin>,
}

/// Which plan and period.
#[derive(Deserialize)]
pub struct BulletinQuery {
    plan: i32,
    period: Option<String>,
}

/// GET /bulletin?plan=&period=.
pub async fn show(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<BulletinQuery>,
) -> Result<HttpResponse, PageError> {
    let q = q.into_inner();
    let clock = state.config.clock();
    let plan_id = q.plan;
    let (periods, bulletin) = state
        .db
        .read(move |c| -> Result<_, AppError> {
            let periods = reports::periods(c, plan_id)?;
            let wanted = q
                .period
                .or_else(|| periods.last().map(|p| p.period.clone()));
            let b = match wanted {
                Some(p) => Some(bulletin::bulletin(c, plan_id, &p, &clock)?),
                None => None,
            };
            Ok((periods, b))
        })
        .await?;
    render(&BulletinPage {
        nav: Nav::new(&user, "/overview"),
        plan_id,
        periods,
        bulletin,
    })
}
