//! 全部事项 and 我的任务.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{render, Nav};
use crate::db::models::Plan;
use crate::domain::lifecycle::ReportState;
use crate::service::plans::ItemView;
use crate::service::views;
use crate::web::auth::PageUser;
use crate::web::error::PageError;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "items.html")]
struct ItemsPage {
    nav: Nav,
    heading: &'static str,
    plans: Vec<Plan>,
    plan: Option<Plan>,
    items: Vec<ItemView>,
    empty_hint: &'static str,
    imported: Option<usize>,
    /// 我的任务: the division's calendar feed address for calendar apps.
    feed_url: Option<String>,
    /// The feed address was just renewed.
    feed_renewed: bool,
    /// 我的任务: the open period and each item's report state in it.
    open_period: Option<String>,
    report_states: std::collections::HashMap<i32, ReportState>,
    /// Which page of the list is shown.
    page: crate::domain::paging::Page,
    /// This list's address without the page number, for the pager's links.
    base: String,
}

impl ItemsPage {
    fn report_state(&self, item_id: &i32) -> &'static str {
        self.report_states
            .get(item_id)
            .map_or("未填报", |s| s.label())
    }
}

/// Which plan to show.
#[derive(Deserialize)]
pub struct PlanQuery {
    plan: Option<i32>,
    /// Items just imported (shown as a confirmation).
    imported: Option<usize>,
    /// `renewed` after the feed address was changed.
    feed: Option<String>,
    /// Which page of a long list (1-based).
    page: Option<usize>,
}

async fn page(
    state: web::Data<AppState>,
    user: PageUser,
    q: PlanQuery,
    mine: bool,
) -> Result<HttpResponse, PageError> {
    let plan_id = q.plan;
    let division = if mine {
        user.caller.division_id.map(|d| d.to_string())
    } else {
        None
    };
    let no_division = mine && division.is_none();
    let (imported, feed_renewed) = (q.imported, q.feed.as_deref() == Some("renewed"));
    let clock = state.config.clock();
    let caller = user.caller.clone();
    let page = state
        .db
        .read(move |c| views::items_page(c, &caller, plan_id, mine, q.page.unwrap_or(1), &clock))
        .await?;
    let plan = page.plan;
    let base = format!(
        "{}?{}",
        if mine { "/my" } else { "/items" },
        plan.as_ref()
            .map_or(String::new(), |p| format!("plan={}&", p.id))
    );
    let empty_hint = if no_division {
        "您的账号未关联处室，没有分配给您的事项。"
    } else if plan.is_none() {
        "还没有计划。办公室导入计划后，事项会显示在这里。"
    } else {
        "该计划中没有事项。"
    };
    render(&ItemsPage {
        nav: Nav::new(&user, if mine { "/my" } else { "/items" }),
        heading: if mine { "我的任务" } else { "全部事项" },
        plans: page.plans,
        plan,
        items: page.items,
        empty_hint,
        imported,
        feed_url: page.feed_url,
        feed_renewed,
        open_period: page.open_period,
        report_states: page.report_states,
        page: page.page,
        base,
    })
}

/// GET /items: every item of a plan.
pub async fn all_items(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<PlanQuery>,
) -> Result<HttpResponse, PageError> {
    page(state, user, q.into_inner(), false).await
}

/// GET /my: the items the user's division leads or supports.
pub async fn my_items(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<PlanQuery>,
) -> Result<HttpResponse, PageError> {
    page(state, user, q.into_inner(), true).await
}

/// The acknowledge-all form carries only its token.
#[derive(Deserialize)]
pub struct Empty {}

/// POST /plans/{id}/acknowledge: the division acknowledges all its items of a plan.
pub async fn acknowledge_all(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    _f: crate::web::auth::PageForm<Empty>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let caller = user.caller;
    state
        .db
        .write(move |c| crate::service::supervision::acknowledge_all(c, &caller, id))
        .await?;
    Ok(super::see_other(&format!("/my?plan={id}")))
}

/// Where to return after a form on the items page: the plan it was opened for.
#[derive(Deserialize)]
pub struct FeedTokenForm {
    plan: Option<i32>,
}

/// POST /my/feed-token: a new calendar subscription address; the old one stops working.
pub async fn rotate_feed_token(
    state: web::Data<AppState>,
    user: PageUser,
    form: crate::web::auth::PageForm<FeedTokenForm>,
) -> Result<HttpResponse, PageError> {
    let caller = user.caller;
    state
        .db
        .write(move |c| crate::service::accounts::rotate_feed_token(c, &caller))
        .await?;
    let back = match form.0.plan {
        Some(p) => format!("/my?plan={p}&feed=renewed#feed-url"),
        None => "/my?feed=renewed#feed-url".to_string(),
    };
    Ok(super::see_other(&back))
}
