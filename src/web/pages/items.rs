//! 全部事项 and 我的任务.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{render, Nav};
use crate::db::models::Plan;
use crate::domain::lifecycle::ReportState;
use crate::domain::status::ItemStatus;
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
    /// Why a filter could not be applied as given.
    problem: Option<String>,
    /// The directory's division names, for the division filter.
    divisions: Vec<String>,
    statuses: [ItemStatus; 7],
    /// The filters as asked.
    query: views::ItemsQuery,
    /// 我的任务 (no division filter: it is the caller's).
    mine: bool,
}

impl ItemsPage {
    /// A long requirement's first words, for the folded view.
    fn opening(&self, text: &str) -> String {
        let head: String = text.chars().take(FOLD_AT).collect();
        format!("{head}…")
    }

    /// Whether a requirement is long enough to fold.
    fn folds(&self, text: &str) -> bool {
        text.chars().count() > FOLD_AT
    }

    fn report_state(&self, item_id: &i32) -> &'static str {
        self.report_states
            .get(item_id)
            .map_or("未填报", |s| s.label())
    }
}

/// Requirements longer than this many characters are folded in the list.
const FOLD_AT: usize = 60;

/// Which plan to show, and the list's filters.
#[derive(Deserialize)]
pub struct PlanQuery {
    plan: Option<i32>,
    /// Items just imported (shown as a confirmation).
    imported: Option<usize>,
    /// `renewed` after the feed address was changed.
    feed: Option<String>,
    /// Which page of a long list (1-based).
    page: Option<usize>,
    /// Words to find in the task, the requirement or the number.
    #[serde(default)]
    q: String,
    /// A division's name (全部事项).
    #[serde(default)]
    division: String,
    /// A status code.
    #[serde(default)]
    status: String,
    /// A due month, `2021-06`.
    #[serde(default)]
    due: String,
    /// `number` (the plan's order) or `due`.
    #[serde(default)]
    sort: String,
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
    let query = views::ItemsQuery {
        q: q.q.trim().to_string(),
        division: if mine {
            String::new()
        } else {
            q.division.trim().to_string()
        },
        status: q.status.trim().to_string(),
        due: q.due.trim().to_string(),
        sort: crate::domain::listing::Sort::parse(&q.sort),
        page: q.page.unwrap_or(1),
    };
    let asked = query.clone();
    let page = state
        .db
        .read(move |c| views::items_page(c, &caller, plan_id, mine, &asked, &clock))
        .await?;
    let plan = page.plan;
    // The list's address with every filter but the page, so the pager keeps them.
    let mut params: Vec<(&str, String)> = Vec::new();
    if let Some(p) = &plan {
        params.push(("plan", p.id.to_string()));
    }
    for (k, v) in [
        ("q", &query.q),
        ("division", &query.division),
        ("status", &query.status),
        ("due", &query.due),
    ] {
        if !v.is_empty() {
            params.push((k, v.clone()));
        }
    }
    if query.sort != crate::domain::listing::Sort::default() {
        params.push(("sort", query.sort.as_str().to_string()));
    }
    let base = format!(
        "{}?{}&",
        if mine { "/my" } else { "/items" },
        serde_urlencoded::to_string(&params).unwrap_or_default()
    );
    let filtered = !(query.q.is_empty()
        && query.division.is_empty()
        && query.status.is_empty()
        && query.due.is_empty());
    let empty_hint = if no_division {
        "您的账号未关联处室，没有分配给您的事项。"
    } else if plan.is_none() {
        "还没有计划。办公室导入计划后，事项会显示在这里。"
    } else if filtered {
        "没有符合筛选条件的事项，请放宽条件后再查。"
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
        // The whole address, as a calendar app needs it.
        feed_url: page.feed_url.map(|path| {
            format!(
                "{}{path}",
                state.config.public_url.trim().trim_end_matches('/')
            )
        }),
        feed_renewed,
        open_period: page.open_period,
        report_states: page.report_states,
        page: page.page,
        base,
        problem: page.problem,
        divisions: page.divisions,
        statuses: ItemStatus::ALL,
        query,
        mine,
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
