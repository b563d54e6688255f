//! 全部事项 and 我的任务.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{render_form_page, Nav, Refused, RefusedForms};
use crate::db::models::Plan;
use crate::domain::lifecycle::ReportState;
use crate::domain::status::ItemStatus;
use crate::service::cascade::{self, HandDownResult, UpperChange, UpperChangeKind, UpperChanges};
use crate::service::plans::ItemView;
use crate::service::views;
use crate::web::auth::PageUser;
use crate::web::error::PageError;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "items.html")]
struct ItemsPage {
    /// A bulk change refused: the list again with the same items ticked and the reason.
    refused: Option<Refused>,
    nav: Nav,
    heading: &'static str,
    plans: Vec<Plan>,
    plan: Option<Plan>,
    items: Vec<ItemView>,
    empty_hint: &'static str,
    imported: Option<usize>,
    /// How many items the office's bulk form just changed.
    bulk_done: Option<usize>,
    /// 全部事项 for the office: rows can be ticked for the bulk form.
    is_office: bool,
    /// 我的任务: the division's calendar feed address for calendar apps.
    feed_url: Option<String>,
    /// The feed address was just renewed.
    feed_renewed: bool,
    /// 我的任务: the open period and each item's report state in it.
    open_period: Option<String>,
    report_states: std::collections::HashMap<i32, ReportState>,
    /// 我的任务: the items whose supporting part the division has written for that period.
    contributed: std::collections::HashSet<i32>,
    /// The reader's division (我的任务: to tell the items it supports from those it leads).
    my_division: Option<i32>,
    /// Which page of the list is shown.
    page: crate::domain::paging::Page,
    /// This list's address without the page number, for the pager's links.
    base: String,
    /// Why a filter could not be applied as given.
    problem: Option<String>,
    /// The directory's division names, for the division filter.
    divisions: Vec<String>,
    /// The plan's sections, for the section filter.
    sections: Vec<crate::domain::listing::SectionChoice>,
    /// 我的任务: the division's led items by standing.
    led: Option<crate::domain::standing::Tally>,
    statuses: [ItemStatus; 7],
    /// The filters as asked.
    query: views::ItemsQuery,
    /// 我的任务 (no division filter: it is the caller's).
    mine: bool,
    /// The office of an agency with agencies below: the plan can be handed down.
    can_hand_down: bool,
    /// What the hand-down just did.
    handed: Option<HandDownResult>,
    /// A handed-down plan's office: what changed in the plan above.
    upper_changes: Option<UpperChanges>,
}

impl RefusedForms for ItemsPage {
    fn refused(&self) -> Option<&Refused> {
        self.refused.as_ref()
    }
}

impl ItemsPage {
    /// Whether item `id` was ticked in a refused bulk change.
    fn picked(&self, id: &i32) -> bool {
        self.refused
            .as_ref()
            .is_some_and(|r| r.form == "bulk-form" && r.typed().has("item", &id.to_string()))
    }

    /// A long requirement's first words, for the folded view.
    fn opening(&self, text: &str) -> String {
        let head: String = text.chars().take(FOLD_AT).collect();
        format!("{head}…")
    }

    /// Whether a requirement is long enough to fold.
    fn folds(&self, text: &str) -> bool {
        text.chars().count() > FOLD_AT
    }

    /// What changed above for one item, in words.
    fn upper_change_text(&self, c: &UpperChange) -> String {
        match c.kind {
            UpperChangeKind::Gone => "上级计划已删除该事项".to_string(),
            UpperChangeKind::New => {
                "上级新分配给本机关，尚未下发（请上级办公室再次下发）".to_string()
            }
            UpperChangeKind::Changed => c
                .fields
                .iter()
                .map(|f| format!("{}：上级为“{}”，本机关为“{}”", f.label, f.upper, f.own))
                .collect::<Vec<_>>()
                .join("；"),
        }
    }

    /// A section's heading indented by its depth, as the filter lists it.
    fn section_label(&self, s: &crate::domain::listing::SectionChoice) -> String {
        format!("{}{}", "\u{3000}".repeat(s.depth), s.heading)
    }

    /// Where the item's work for the open period stands for the reader: the lead's report,
    /// or, on an item the reader's division only supports, its own part.
    fn report_state(&self, item: &ItemView) -> &'static str {
        let mine = |list: &[crate::service::plans::Responsible]| {
            self.my_division
                .is_some_and(|d| list.iter().any(|r| r.division_id == Some(d)))
        };
        if self.mine && mine(&item.support) && !mine(&item.lead) {
            return if self.contributed.contains(&item.id) {
                "已填写配合情况"
            } else {
                "待填写配合情况"
            };
        }
        self.report_states
            .get(&item.id)
            .map_or("未填报", |s| s.label())
    }
}

/// Requirements longer than this many characters are folded in the list.
const FOLD_AT: usize = 60;

/// Which plan to show, and the list's filters.
#[derive(Deserialize, Default)]
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
    /// A section's id (items under it, at any depth).
    #[serde(default)]
    section: String,
    /// `number` (the plan's order) or `due`.
    #[serde(default)]
    sort: String,
    /// Items just changed by the office's bulk form (shown as a confirmation).
    bulk: Option<usize>,
}

async fn page(
    state: web::Data<AppState>,
    user: PageUser,
    q: PlanQuery,
    mine: bool,
    refused: Option<Refused>,
    handed: Option<HandDownResult>,
) -> Result<HttpResponse, PageError> {
    let plan_id = q.plan;
    let division = if mine {
        user.caller.division_id.map(|d| d.to_string())
    } else {
        None
    };
    let no_division = mine && division.is_none();
    let (imported, feed_renewed, bulk_done) =
        (q.imported, q.feed.as_deref() == Some("renewed"), q.bulk);
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
        section: q.section.trim().to_string(),
        sort: crate::domain::listing::Sort::parse(&q.sort),
        page: q.page.unwrap_or(1),
    };
    let asked = query.clone();
    let page = state
        .db
        .read(move |c| views::items_page(c, &caller, plan_id, mine, &asked, &clock))
        .await?;
    let plan = page.plan;
    let office_here = !mine
        && user.caller.role == crate::domain::role::Role::Office
        && plan
            .as_ref()
            .is_some_and(|p| p.agency_id == user.caller.agency_id);
    let (can_hand_down, upper_changes) = match (&plan, office_here) {
        (Some(p), true) => {
            let (caller, plan_id, agency, upper) =
                (user.caller.clone(), p.id, p.agency_id, p.upper_plan_id);
            state
                .db
                .read(move |c| {
                    let below = cascade::has_agencies_below(c, agency)?;
                    let changes = match upper {
                        Some(_) => Some(cascade::upper_changes(c, &caller, plan_id)?),
                        None => None,
                    };
                    Ok::<_, crate::error::AppError>((below, changes))
                })
                .await?
        }
        _ => (false, None),
    };
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
        ("section", &query.section),
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
        && query.due.is_empty()
        && query.section.is_empty());
    let empty_hint = if no_division {
        "您的账号未关联处室，没有分配给您的事项。"
    } else if plan.is_none() {
        "还没有计划。办公室导入计划后，事项会显示在这里。"
    } else if filtered {
        "没有符合筛选条件的事项，请放宽条件后再查。"
    } else {
        "该计划中没有事项。"
    };
    render_form_page(&ItemsPage {
        refused,
        nav: Nav::new(&user, if mine { "/my" } else { "/items" }),
        heading: if mine { "我的任务" } else { "全部事项" },
        plans: page.plans,
        plan,
        items: page.items,
        empty_hint,
        imported,
        bulk_done,
        is_office: user.caller.role == crate::domain::role::Role::Office && !mine,
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
        contributed: page.contributed,
        my_division: user.caller.division_id,
        page: page.page,
        base,
        problem: page.problem,
        divisions: page.divisions,
        sections: page.sections,
        led: page.led,
        statuses: ItemStatus::ALL,
        query,
        mine,
        can_hand_down,
        handed,
        upper_changes,
    })
}

/// GET /items: every item of a plan.
pub async fn all_items(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<PlanQuery>,
) -> Result<HttpResponse, PageError> {
    page(state, user, q.into_inner(), false, None, None).await
}

/// GET /my: the items the user's division leads or supports.
pub async fn my_items(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<PlanQuery>,
) -> Result<HttpResponse, PageError> {
    page(state, user, q.into_inner(), true, None, None).await
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

/// POST /plans/{id}/items/bulk (office): one change for the ticked rows of 全部事项 (their
/// divisions, or the date of items waiting on a higher authority), then back to the list
/// as it was filtered. Fields: `item` (repeated), `action` (`divisions` or `due`), `lead`,
/// `support`, `due_on`, `back`.
pub async fn bulk(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    form: crate::web::auth::PageForm<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    use crate::domain::division::split_names;
    use crate::service::assignment::{self, BulkInput};
    let id = id.into_inner();
    let fields = form.0;
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    };
    let items: Vec<i32> = fields
        .iter()
        .filter(|(k, _)| k == "item")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    // Back to the list as it was filtered; anything else that came in goes to the plan's list.
    let asked = field("back");
    let back = if asked.starts_with("/items?") && !asked.chars().any(|c| c.is_control() || c == '#')
    {
        asked.trim_end_matches('&').to_string()
    } else {
        format!("/items?plan={id}")
    };
    let input = if field("action") == "due" {
        let Ok(due_on) = chrono::NaiveDate::parse_from_str(field("due_on"), "%Y-%m-%d") else {
            let e = crate::error::AppError::invalid("due_on", "请选择上级确定的完成日期");
            return bulk_refused(state, user, id, &back, form.1, e).await;
        };
        BulkInput {
            items,
            lead: None,
            support: None,
            due_on: Some(due_on),
        }
    } else {
        let some = |v: Vec<String>| (!v.is_empty()).then_some(v);
        BulkInput {
            items,
            lead: some(split_names(field("lead"))),
            support: some(split_names(field("support"))),
            due_on: None,
        }
    };
    let caller = user.caller.clone();
    match state
        .db
        .write(move |c| assignment::bulk(c, &caller, id, &input))
        .await
    {
        Ok(done) => Ok(super::see_other(&format!(
            "{back}&bulk={}#bulk-done",
            done.updated
        ))),
        Err(e) => bulk_refused(state, user, id, &back, form.1, e).await,
    }
}

/// A refused bulk change: the same list again (`back`, as filtered), the same items ticked
/// and the names or date as typed, with the reason.
async fn bulk_refused(
    state: web::Data<AppState>,
    user: PageUser,
    plan: i32,
    back: &str,
    typed: super::FormValues,
    e: crate::error::AppError,
) -> Result<HttpResponse, PageError> {
    let Some(refused) = Refused::of("bulk-form", &e, typed) else {
        return Err(e.into());
    };
    let q: PlanQuery = serde_urlencoded::from_str(back.trim_start_matches("/items?"))
        .unwrap_or_else(|_| PlanQuery {
            plan: Some(plan),
            ..Default::default()
        });
    page(state, user, q, false, Some(refused), None).await
}

/// POST /plans/{id}/hand-down (office): hands the plan down to the agencies below, then the
/// plan's items with what it did.
pub async fn hand_down(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    _f: crate::web::auth::PageForm<Empty>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let caller = user.caller.clone();
    let result = state
        .db
        .write(move |c| cascade::hand_down(c, &caller, id))
        .await?;
    let q = PlanQuery {
        plan: Some(id),
        ..PlanQuery::default()
    };
    page(state, user, q, false, None, Some(result)).await
}

/// POST /items/{id}/take-upper (office): takes the upper item's change into the item, then
/// back to the list of changes above.
pub async fn take_upper(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    _f: crate::web::auth::PageForm<Empty>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let caller = user.caller;
    let item = state
        .db
        .write(move |c| cascade::take_upper(c, &caller, id))
        .await?;
    Ok(super::see_other(&format!(
        "/items?plan={}#upper-changes",
        item.plan_id
    )))
}
