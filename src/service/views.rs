//! What the pages show: each read gathers one page's data in one trip to the database and
//! keeps to `domain::access`'s read rules, so a page cannot show what its reader may not see.

use std::collections::HashMap;

use super::plans::{self, Clock, ItemFilter, ItemView};
use super::reports::{self, ReportView};
use super::review_back::{self, ReviewLink};
use super::supervision::{self as sup, Acknowledgement, ExtensionRequest, UrgingView};
use super::Caller;
use crate::db::models::{Plan, ReportingPeriod};
use crate::db::queries;
use crate::db::DbConnection;
use crate::domain::access::{self, Decision, ItemWrite, Part};
use crate::domain::lifecycle::ReportState;
use crate::error::AppError;

pub use crate::db::queries::items::TargetCount;

/// Everything the item page shows, with the reports its reader may see.
#[derive(Debug, Clone)]
pub struct ItemPageData {
    pub item: ItemView,
    pub plan: Plan,
    pub periods: Vec<ReportingPeriod>,
    /// The item's reports the reader may read (others' drafts are left out).
    pub reports: Vec<ReportView>,
    pub targets: Vec<TargetCount>,
    /// The item's assignments as the access rules see them.
    pub parts: Vec<(Part, Option<i32>)>,
    pub acknowledgements: Vec<Acknowledgement>,
    pub extensions: Vec<ExtensionRequest>,
    pub urgings: Vec<UrgingView>,
    pub review_link: Option<ReviewLink>,
    /// A supporting division's open periods still open to its part, whether or not the lead
    /// has written the period's report: the reader sees only where to add its own part.
    pub contribution_slots: Vec<ContributionSlot>,
    /// For readers of the lead's work: the supporting divisions' parts for open periods the
    /// lead has not written a report for yet (the lead reads them while writing).
    pub early_contributions: Vec<PeriodContributions>,
    /// The upper plan's item this one carries out, and the agency's part in it above.
    pub upper: Option<super::cascade::UpperLink>,
}

/// Where a supporting division adds its part for a period.
#[derive(Debug, Clone)]
pub struct ContributionSlot {
    pub period: String,
    pub due_on: chrono::NaiveDate,
    /// The reader's own contribution so far.
    pub mine: Option<String>,
}

/// The contributions for a period the lead has not reported on yet.
#[derive(Debug, Clone)]
pub struct PeriodContributions {
    pub period: String,
    pub contributions: Vec<reports::ContributionView>,
}

/// The item page of `id` as `caller` may see it.
pub fn item_page(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i32,
    clock: &Clock,
) -> Result<ItemPageData, AppError> {
    // Whatever route asks for the page (a refused form names its item in the body), the
    // caller reads it as they stand in the item's agency, or not at all.
    let caller = &super::units::scope(conn, caller, super::units::Resource::Item(id))?;
    let item = plans::get_item_on(conn, id, clock)?;
    let plan = plans::get(conn, item.plan_id)?;
    let periods = reports::periods(conn, item.plan_id)?;
    let parts = plans::parts_of(conn, id)?;
    let actor = caller.actor();
    // A supporting division (not also a lead) writes its part in a slot of its own for each
    // open period; leads write theirs in the report.
    let supports_only = actor.role == crate::domain::role::Role::Division
        && caller.division_id.is_some_and(|mine| {
            parts.contains(&(Part::Support, Some(mine)))
                && !parts.contains(&(Part::Lead, Some(mine)))
        })
        && matches!(
            access::item_write(actor, &parts, ItemWrite::Contribute),
            Decision::Allowed {
                acting_for: Some(_)
            }
        );
    // Whoever reads the lead's drafts reads the parts written before the lead wrote.
    let reads_lead_work = match actor.role {
        crate::domain::role::Role::Division => caller
            .division_id
            .is_some_and(|mine| parts.contains(&(Part::Lead, Some(mine)))),
        _ => true,
    };
    let written = queries::reports::for_item(conn, id)?;
    let mut views = Vec::new();
    for r in &written {
        if access::may_read_report(actor, &parts, r.division_id, r.state) {
            views.push(reports::view_as(conn, caller, r.id)?);
        }
    }
    let mut contribution_slots = Vec::new();
    let mut early_contributions = Vec::new();
    for p in periods.iter().filter(|p| p.is_open) {
        let report = written.iter().find(|r| r.period_id == p.id);
        if supports_only && report.is_none_or(|r| r.state.open_to_contributions()) {
            let mine = reports::contributions_of(conn, id, p.id)?
                .into_iter()
                .find(|c| Some(c.contribution.division_id) == caller.division_id)
                .map(|c| c.contribution.text);
            contribution_slots.push(ContributionSlot {
                period: p.period.clone(),
                due_on: p.due_on,
                mine,
            });
        }
        if reads_lead_work && report.is_none() {
            let contributions = reports::contributions_of(conn, id, p.id)?;
            if !contributions.is_empty() {
                early_contributions.push(PeriodContributions {
                    period: p.period.clone(),
                    contributions,
                });
            }
        }
    }
    Ok(ItemPageData {
        targets: queries::items::targets_with_counts(conn, id)?,
        acknowledgements: queries::supervision::acknowledgements_of(conn, &[id])?,
        extensions: sup::extensions(conn, id)?,
        urgings: sup::urgings(conn, id)?,
        review_link: review_back::link_of(conn, id)?,
        upper: match queries::items::get(conn, id)? {
            Some(row) => super::cascade::upper_link(conn, &row)?,
            None => None,
        },
        item,
        plan,
        periods,
        reports: views,
        parts,
        contribution_slots,
        early_contributions,
    })
}

/// What 全部事项 and 我的任务 show.
#[derive(Debug, Clone, Default)]
pub struct ItemsPageData {
    pub plans: Vec<Plan>,
    pub plan: Option<Plan>,
    pub items: Vec<ItemView>,
    /// 我的任务: the division's calendar feed address.
    pub feed_url: Option<String>,
    /// 我的任务: the newest open period.
    pub open_period: Option<String>,
    /// 我的任务: where each item's report stands in that period.
    pub report_states: HashMap<i32, ReportState>,
    /// 我的任务: the items the division has written its supporting part for in that period.
    pub contributed: std::collections::HashSet<i32>,
    /// Which page of the list `items` is.
    pub page: crate::domain::paging::Page,
    /// Why the filters could not be applied as given (an unknown division, a bad month).
    pub problem: Option<String>,
    /// The directory's division names, for the division filter.
    pub divisions: Vec<String>,
    /// The plan's sections, in order, for the section filter.
    pub sections: Vec<crate::domain::listing::SectionChoice>,
    /// 我的任务: the items the division leads in the plan, by standing (before any filter).
    pub led: Option<crate::domain::standing::Tally>,
}

/// What a person asked of a list of items: the query parameters of 全部事项 and 我的任务
/// (`q`, `division`, `status`, `due`, `sort`, `page`).
#[derive(Debug, Clone, Default)]
pub struct ItemsQuery {
    /// Words that must all occur in the task, the requirement or the number.
    pub q: String,
    /// A division's name, alias or id (全部事项 only: 我的任务 is the caller's division).
    pub division: String,
    /// A status code (`overdue`, `due_soon`, …).
    pub status: String,
    /// A due month, `2021-06`.
    pub due: String,
    /// A section's id: items under it or under any section within it.
    pub section: String,
    pub sort: crate::domain::listing::Sort,
    /// 1-based.
    pub page: usize,
}

/// One page of the items of a plan (the newest when none is named) that match `query`;
/// with `mine`, only the caller's division's, soonest due first unless sorted otherwise,
/// with its feed and this period's report states.
pub fn items_page(
    conn: &mut DbConnection,
    caller: &Caller,
    plan_id: Option<i32>,
    mine: bool,
    query: &ItemsQuery,
    clock: &Clock,
) -> Result<ItemsPageData, AppError> {
    use crate::domain::listing::{self, Sort};
    let all: Vec<Plan> = plans::list(conn, caller)?
        .into_iter()
        .map(|s| s.plan)
        .collect();
    let chosen = match plan_id {
        Some(id) => Some(plans::get(conn, id)?),
        None => plans::default_of(&all, caller).cloned(),
    };
    let division = if mine { caller.division_id } else { None };
    let mut page = ItemsPageData {
        plans: all,
        divisions: queries::divisions::of_agency(
            conn,
            chosen.as_ref().map_or(caller.agency_id, |p| p.agency_id),
        )?
        .into_iter()
        .map(|d| d.name)
        .collect(),
        ..Default::default()
    };
    let Some(plan) = chosen else {
        return Ok(page);
    };
    if mine && division.is_none() {
        page.plan = Some(plan);
        return Ok(page);
    }
    let asked_division = query.division.trim();
    let filter = ItemFilter {
        division: match division {
            Some(d) => Some(d.to_string()),
            None => (!asked_division.is_empty()).then(|| asked_division.to_string()),
        },
        status: None,
    };
    let mut items = match plans::list_items(conn, plan.id, &filter, clock) {
        Ok(items) => items,
        Err(AppError::Invalid { message, .. }) => {
            page.problem = Some(message);
            Vec::new()
        }
        Err(e) => return Err(e),
    };
    if let Some(d) = division {
        let (_, standings) = super::standing::Standings::of_plan(conn, plan.id, clock)?;
        page.led = Some(crate::domain::standing::Tally::of(
            items
                .iter()
                .filter(|i| i.lead.iter().any(|r| r.division_id == Some(d)))
                .map(|i| standings.get(i.id)),
        ));
    }
    let status = crate::domain::status::ItemStatus::parse(query.status.trim());
    let month = match query.due.trim() {
        "" => None,
        m => match listing::parse_month(m) {
            Some(month) => Some(month),
            None => {
                page.problem = Some(format!("到期月份“{m}”应写成 2021-06 这样的“年-月”"));
                None
            }
        },
    };
    let tree: Vec<(i32, Option<i32>, String)> = queries::evaluation::sections_of(conn, plan.id)?;
    let within = match query.section.trim() {
        "" => None,
        s => match s.parse().ok().filter(|id| tree.iter().any(|t| t.0 == *id)) {
            Some(id) => Some(listing::within_section(&tree, id)),
            None => {
                page.problem = Some("所选的部分不在本计划中，已显示全部事项".to_string());
                None
            }
        },
    };
    page.sections = listing::section_choices(&tree);
    items.retain(|i| {
        listing::text_matches(&query.q, &[&i.task, &i.requirement, &i.number])
            && status.is_none_or(|s| i.status == s)
            && month.is_none_or(|m| listing::due_in(i.deadline.due, m))
            && within
                .as_ref()
                .is_none_or(|w| i.section_id.is_some_and(|s| w.contains(&s)))
    });
    match query.sort {
        Sort::Due => items.sort_by_key(|i| (i.deadline.due.is_none(), i.deadline.due)),
        // 我的任务: what is due soonest first; finished items last.
        Sort::Number if division.is_some() => {
            items.sort_by_key(|i| (i.status.is_done(), i.deadline.due.is_none(), i.deadline.due))
        }
        Sort::Number => {}
    }
    let shown =
        crate::domain::paging::Page::of(items.len(), query.page, crate::domain::paging::PER_PAGE);
    let items: Vec<ItemView> = items.drain(shown.start..shown.end).collect();
    page.page = shown;
    if let Some(d) = division {
        if let Some(u) = caller.user_id {
            page.feed_url = queries::users::get(conn, u)?
                .map(|u| format!("/api/v1/divisions/{d}/calendar.ics?token={}", u.feed_token));
        }
        // The newest open period of the plan, and where each item's report stands in it.
        if let Some(period) = queries::reports::periods(conn, plan.id)?
            .into_iter()
            .rev()
            .find(|x| x.is_open)
        {
            let ids: Vec<i32> = items.iter().map(|i| i.id).collect();
            page.report_states = queries::reports::for_items_period(conn, &ids, period.id)?
                .into_iter()
                .map(|r| (r.item_id, r.state))
                .collect();
            page.contributed = queries::reports::contributed_items(conn, d, period.id)?
                .into_iter()
                .collect();
            page.open_period = Some(period.period);
        }
    }
    page.items = items;
    page.plan = Some(plan);
    Ok(page)
}
