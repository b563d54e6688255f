//! The home page: the real plans and their counts.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::{render, Nav};
use crate::db::queries::plans::PlanSummary;
use crate::error::AppError;
use crate::service::{directory, plans};
use crate::web::auth::PageUser;
use crate::web::error::PageError;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    nav: Nav,
    plans: Vec<PlanSummary>,
    division_count: usize,
    is_office: bool,
}

/// GET /.
pub async fn home(state: web::Data<AppState>, user: PageUser) -> Result<HttpResponse, PageError> {
    let (plans, division_count) = state
        .db
        .read(|c| -> Result<_, AppError> { Ok((plans::list(c)?, directory::list(c)?.len())) })
        .await?;
    render(&HomePage {
        is_office: user.caller.role == crate::domain::role::Role::Office,
        nav: Nav::new(&user, "/"),
        plans,
        division_count,
    })
}
