//! The home page: the real plans and their counts; for leaders and auditors, the year at a
//! glance (completion by division, overdue items, reports waiting, the next deadlines).

use actix_web::{web, HttpResponse};
use askama::Template;

use super::{render, Nav};
use crate::error::AppError;
use crate::service::overview::{self, ItemLine, Overview};
use crate::service::plans::PlanSummary;
use crate::service::{accounts, directory, plans};
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
    /// The user's division's overdue and due-soon items.
    reminders: Vec<ItemLine>,
    /// For the office: the newest plan's overdue items and reports awaiting review.
    office_counts: Option<(usize, usize)>,
    /// The login before this one: local time and address.
    previous_login: Option<String>,
    /// For leaders and auditors: the newest plan at a glance.
    glance: Option<Glance>,
}

impl HomePage {
    /// A division's overdue items (the chart marks them).
    fn overdue_of(&self, d: &overview::DivisionFigures) -> usize {
        d.count(&crate::domain::standing::Standing::NotDone)
    }
}

/// How many days ahead the leader's home lists deadlines.
const GLANCE_DAYS: u32 = 30;

/// The newest plan as a leader reads it: its overview, with "due soon" meaning the next
/// [`GLANCE_DAYS`] days.
struct Glance {
    plan_id: i32,
    plan: String,
    overview: Overview,
    days: u32,
}

/// GET /.
pub async fn home(state: web::Data<AppState>, user: PageUser) -> Result<HttpResponse, PageError> {
    let clock = state.config.clock();
    let division = user.caller.division_id;
    let is_office = user.caller.role == crate::domain::role::Role::Office;
    let reads_glance = matches!(
        user.caller.role,
        crate::domain::role::Role::Leader | crate::domain::role::Role::Auditor
    );
    let caller = user.caller.clone();
    let (plans, division_count, reminders, office_counts, previous_login, glance) = state
        .db
        .read(move |c| -> Result<_, AppError> {
            // The office's and leaders' figures are of their own agency's newest plan.
            let plans: Vec<_> = plans::list(c, &caller)?;
            let own = plans
                .iter()
                .find(|p| p.plan.agency_id == caller.home_agency_id)
                .cloned();
            let reminders = match division {
                Some(d) => overview::reminders_for_division(c, d, &clock)?,
                None => Vec::new(),
            };
            let office_counts = match (is_office, own.as_ref()) {
                (true, Some(p)) => {
                    let o = overview::plan_overview(c, p.plan.id, &clock)?;
                    Some((o.overdue.len(), o.awaiting_review.len()))
                }
                _ => None,
            };
            let previous_login = accounts::previous_login(c, &caller)?;
            let glance = match (reads_glance, own.as_ref()) {
                (true, Some(p)) => {
                    let days = GLANCE_DAYS.max(clock.due_soon_days);
                    let ahead = crate::service::plans::Clock {
                        due_soon_days: days,
                        ..clock
                    };
                    Some(Glance {
                        plan_id: p.plan.id,
                        plan: crate::domain::todo::plan_label(p.plan.year, &p.plan.title),
                        overview: overview::plan_overview(c, p.plan.id, &ahead)?,
                        days,
                    })
                }
                _ => None,
            };
            Ok((
                plans,
                directory::list(c, &caller)?.len(),
                reminders,
                office_counts,
                previous_login,
                glance,
            ))
        })
        .await?;
    let nav = Nav::new(&user, "/");
    render(&HomePage {
        is_office,
        plans,
        division_count,
        reminders,
        office_counts,
        glance,
        previous_login: previous_login.map(|(at, address)| match address {
            Some(a) => format!("{}，来自 {a}", nav.at(at)),
            None => nav.at(at),
        }),
        nav,
    })
}
