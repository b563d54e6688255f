//! The item page: requirement, deadline, divisions, targets, reports by period with
//! evidence and history, and the forms each role may use.

use actix_multipart::Multipart;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{
    after_form, render, render_form_page, see_other, FormValues, Nav, Refused, RefusedForms,
};
use crate::db::models::{Plan, ReportingPeriod};
use crate::domain::access::{self, Decision, ItemWrite};
use crate::domain::division::split_names;
use crate::error::AppError;
use crate::service::assignment::{self, DivisionsInput, DueInput};
use crate::service::plans::ItemView;
use crate::service::reports::{
    self, ContributionInput, ReportInput, ReportView, ReviewInput, UrlEvidenceInput, VersionInput,
};
use crate::service::rollup::{self, DraftInput};
use crate::service::supervision::{
    self as sup, Acknowledgement, DisputeAnswer, DisputeInput, ExtensionDecision, ExtensionInput,
    ExtensionRequest, UrgeInput, UrgingAnswer, UrgingView,
};
use crate::service::{views, Caller};
use crate::web::auth::{PageForm, PageUser};
use crate::web::error::PageError;
use crate::web::upload::{receive_file, UploadLimits, UploadUser};
use crate::web::AppState;

/// A target with its logged count ("1/2 次").
pub struct TargetLine {
    pub raw: String,
    pub logged: i64,
    pub min: i32,
    pub unit: String,
}

#[derive(Template)]
#[template(path = "item.html")]
struct ItemPage {
    nav: Nav,
    item: ItemView,
    plan: Plan,
    periods: Vec<ReportingPeriod>,
    reports: Vec<ReportView>,
    targets: Vec<TargetLine>,
    may_report: bool,
    may_contribute: bool,
    is_office: bool,
    /// The caller is an agency's office acting as its unit in this (upper) plan, and the
    /// unit leads the item: it may draft the report up from its divisions' reports.
    may_draft_up: bool,
    flash: Option<&'static str>,
    /// Acknowledgements and disputes of the item's lead divisions.
    acknowledgements: Vec<Acknowledgement>,
    extensions: Vec<ExtensionRequest>,
    urgings: Vec<UrgingView>,
    /// The caller's division, to show its own acknowledgement and urgings.
    my_division: Option<i32>,
    /// The review-back link: where this rectification came from, or what became of it.
    review_link: Option<crate::service::review_back::ReviewLink>,
    /// Open lead reports this supporting division adds its part to without reading them.
    contribution_slots: Vec<views::ContributionSlot>,
    /// Supporting divisions' parts for open periods the lead has not reported on yet.
    early_contributions: Vec<views::PeriodContributions>,
    /// A report save that lost to someone else's: shown beside the saved text.
    conflict: Option<ReportConflict>,
    /// A form refused for what was typed: shown again with the input and the reason.
    refused: Option<Refused>,
    /// The upper plan's item this one carries out (上级事项).
    upper: Option<crate::service::cascade::UpperLink>,
}

impl RefusedForms for ItemPage {
    fn refused(&self) -> Option<&Refused> {
        self.refused.as_ref()
    }
}

/// A report save refused because someone else saved the report first: the user's own text
/// stays in the form, next to what is saved now.
pub struct ReportConflict {
    /// The period the user was writing for.
    pub period: String,
    /// The text the user tried to save.
    pub mine: String,
    pub mine_completes: bool,
    /// Why it was refused (who saved when, which version is current).
    pub message: String,
}

impl ItemPage {
    /// The form id of report `id`'s edit form (its refusals are kept by this name).
    fn edit_form(&self, id: &i32) -> String {
        format!("report-edit-{id}")
    }

    /// The form id of report `id`'s web-page evidence form.
    fn link_form(&self, id: &i32) -> String {
        format!("link-{id}")
    }

    /// The form id of report `id`'s review form.
    fn review_form(&self, id: &i32) -> String {
        format!("review-{id}")
    }

    /// The form id of contribution form for report `id`.
    fn contribution_form(&self, id: &i32) -> String {
        format!("contribution-{id}")
    }

    /// The form id of report `id`'s hand-in form.
    fn submit_form(&self, id: &i32) -> String {
        format!("submit-{id}")
    }

    /// The form id of the office's decision on extension request `id`.
    fn extension_decision_form(&self, id: &i32) -> String {
        format!("extension-decision-{id}")
    }

    /// The form id of the supporting division's form for `period` (before a lead report).
    fn period_contribution_form(&self, period: &str) -> String {
        format!("contribution-form-{period}")
    }

    /// The form id of the office's form replacing `placeholder`.
    fn placeholder_form(&self, placeholder: &str) -> String {
        format!("placeholder-{placeholder}")
    }

    /// The form id of the answer form of urging `id`.
    fn urging_form(&self, id: &i32) -> String {
        format!("urging-answer-{id}")
    }

    /// The form id of the office's answer to division `id`'s dispute.
    fn dispute_answer_form(&self, id: &i32) -> String {
        format!("dispute-answer-{id}")
    }

    fn my_ack(&self) -> Option<&Acknowledgement> {
        self.acknowledgements
            .iter()
            .find(|a| Some(a.division_id) == self.my_division)
    }

    fn pending_extension(&self) -> bool {
        self.extensions.iter().any(|e| e.state.is_pending())
    }

    fn size_text(&self, bytes: &Option<i64>) -> String {
        match bytes {
            Some(b) if *b >= 1024 * 1024 => format!("{:.1} MB", *b as f64 / 1048576.0),
            Some(b) => format!("{:.1} KB", *b as f64 / 1024.0),
            None => String::new(),
        }
    }

    /// The refused save for `period`, if this page is the answer to one.
    fn conflict_for(&self, period: &str) -> Option<&ReportConflict> {
        self.conflict.as_ref().filter(|c| c.period == period)
    }

    /// The plan's open periods (the draft-from-below form offers them).
    fn open_periods(&self) -> Vec<&ReportingPeriod> {
        self.periods.iter().filter(|p| p.is_open).collect()
    }

    /// Open periods still without a report: the only ones the "new report" form offers.
    fn periods_to_start(&self) -> Vec<&ReportingPeriod> {
        self.periods
            .iter()
            .filter(|p| p.is_open && !self.reports.iter().any(|r| r.period == p.period))
            .collect()
    }

    /// The placeholders the item still names (for the office's replace forms).
    fn placeholders(&self) -> Vec<&str> {
        self.item
            .lead
            .iter()
            .chain(&self.item.support)
            .filter(|r| r.division_id.is_none())
            .map(|r| r.name.as_str())
            .collect()
    }

    /// A part's names as one line, for the office's form.
    fn names_line(&self, list: &[crate::service::plans::Responsible]) -> String {
        list.iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }

    /// Whether the item's deadline waits on a higher authority's date.
    fn waits_on_authority(&self) -> bool {
        self.item.deadline.kind == "per_higher_authority"
    }
}

/// Confirmation after a form.
#[derive(Deserialize)]
pub struct Flash {
    msg: Option<String>,
}

/// GET /items/{id}.
pub async fn show(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    flash: web::Query<Flash>,
) -> Result<HttpResponse, PageError> {
    let flash = match flash.msg.as_deref() {
        Some("saved") => Some("已保存。"),
        Some("handed-in") => Some("已报送，等待办公室审核。"),
        Some("reviewed") => Some("审核意见已保存。"),
        Some("uploaded") => Some("佐证材料已上传。"),
        Some("acknowledged") => Some("已签收。"),
        Some("disputed") => Some("异议已提交办公室。"),
        Some("requested") => Some("延期申请已提交办公室。"),
        Some("decided") => Some("已答复。"),
        Some("urged") => Some("已催办。"),
        Some("contributed") => Some("配合情况已保存，牵头处室和办公室可以看到。"),
        Some("assigned") => Some("分工已更新，新的牵头处室会收到签收通知。"),
        Some("due-set") => Some("完成日期已设定。"),
        Some("drafted") => Some("已从本机关处室报告汇总起草，请核对、修改后报送。"),
        Some("drafted-partly") => Some(
            "已从已通过审核的处室报告汇总起草；仍有处室的报告尚未通过审核，未汇总在内。请核对、修改后报送。",
        ),
        _ => None,
    };
    let page = item_page(&state, &user, id.into_inner(), flash, None, None).await?;
    render(&page)
}

/// The item page as `user` may see it, with a flash line or a refused report save.
async fn item_page(
    state: &AppState,
    user: &PageUser,
    id: i32,
    flash: Option<&'static str>,
    conflict: Option<ReportConflict>,
    refused: Option<Refused>,
) -> Result<ItemPage, AppError> {
    let clock = state.config.clock();
    let actor = user.caller.actor();
    let caller = user.caller.clone();
    let page = state
        .db
        .read(move |c| views::item_page(c, &caller, id, &clock))
        .await?;
    let allowed = |w| {
        matches!(
            access::item_write(actor, &page.parts, w),
            Decision::Allowed {
                acting_for: Some(_)
            }
        )
    };
    Ok(ItemPage {
        nav: Nav::new(user, "/items"),
        may_report: allowed(ItemWrite::Report),
        may_contribute: allowed(ItemWrite::Contribute)
            && user.caller.role == crate::domain::role::Role::Division,
        is_office: user.caller.role == crate::domain::role::Role::Office,
        may_draft_up: allowed(ItemWrite::Report)
            && user.caller.is_away()
            && user.caller.home_role == crate::domain::role::Role::Office,
        targets: page
            .targets
            .into_iter()
            .map(|t| TargetLine {
                raw: t.raw,
                logged: t.logged,
                min: t.min_count,
                unit: t.unit,
            })
            .collect(),
        item: page.item,
        plan: page.plan,
        periods: page.periods,
        reports: page.reports,
        acknowledgements: page.acknowledgements,
        extensions: page.extensions,
        urgings: page.urgings,
        my_division: user.caller.division_id,
        review_link: page.review_link,
        contribution_slots: page.contribution_slots,
        early_contributions: page.early_contributions,
        upper: page.upper,
        flash,
        conflict,
        refused,
    })
}

/// Back to the item page after a form, scrolled to `anchor` (where the form was).
fn back(item_id: i32, msg: &str, anchor: &str) -> HttpResponse {
    see_other(&format!("/items/{item_id}?msg={msg}#{anchor}"))
}

/// What an item-page form led to: on success back to the place it was made (`anchor`);
/// refused for what was typed, the page again with the input kept in `form` and the reason
/// beside it (422); any other failure its error page.
#[allow(clippy::too_many_arguments)]
async fn answered<T>(
    state: &AppState,
    user: &PageUser,
    item_id: i32,
    (form, anchor): (&str, &str),
    msg: &str,
    typed: FormValues,
    result: Result<T, AppError>,
) -> Result<HttpResponse, PageError> {
    let done = |_| back(item_id, msg, anchor);
    after_form(result, form, typed, done, |r| async move {
        render_form_page(&item_page(state, user, item_id, None, None, Some(r)).await?)
    })
    .await
}

/// The report form.
#[derive(Deserialize)]
pub struct ReportForm {
    period: String,
    summary: String,
    completes_item: Option<String>,
    version: Option<i32>,
}

/// POST /items/{id}/report. A save that lost to someone else's (stale or missing version)
/// answers 409 with the page again: the user's text still in the form, the saved text
/// beside it, and the form carrying the current version to save the merged text with.
pub async fn write_report(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    form: PageForm<ReportForm>,
) -> Result<HttpResponse, PageError> {
    let (id, f, typed) = (id.into_inner(), form.0, form.1);
    let input = ReportInput {
        period: f.period,
        summary: f.summary,
        completes_item: f.completes_item.is_some(),
        version: f.version,
    };
    let caller = user.caller.clone();
    let tried = input.clone();
    let saved = state
        .db
        .write(move |c| reports::write(c, &caller, id, &input))
        .await;
    // The edit form of a saved report names it; the new-report form does not.
    let form_id = match typed.get("report") {
        Some(r) => format!("report-edit-{r}"),
        None => "report-form".to_string(),
    };
    match saved {
        Err(AppError::Stale { message, .. }) => {
            let conflict = ReportConflict {
                period: tried.period,
                mine: tried.summary,
                mine_completes: tried.completes_item,
                message,
            };
            let page = item_page(&state, &user, id, None, Some(conflict), None).await?;
            let mut resp = render(&page)?;
            *resp.status_mut() = actix_web::http::StatusCode::CONFLICT;
            Ok(resp)
        }
        Ok(r) => Ok(back(id, "saved", &format!("report-{}", r.report.id))),
        result => {
            answered(
                &state,
                &user,
                id,
                (&form_id, &form_id),
                "saved",
                typed,
                result,
            )
            .await
        }
    }
}

/// The form that drafts the report up from the agency's divisions' reports.
#[derive(Deserialize)]
pub struct DraftForm {
    period: String,
    redraft: Option<String>,
}

/// POST /items/{id}/draft-from-below: the agency's office drafts its report on the upper
/// item from its divisions' accepted reports, then sees the draft on the item page.
pub async fn draft_from_below(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    form: PageForm<DraftForm>,
) -> Result<HttpResponse, PageError> {
    let (id, f, typed) = (id.into_inner(), form.0, form.1);
    let input = DraftInput {
        period: f.period,
        redraft: f.redraft.is_some(),
    };
    let caller = user.caller.clone();
    let drafted = state
        .db
        .write(move |c| rollup::draft(c, &caller, id, &input))
        .await;
    match drafted {
        Ok(d) => {
            let msg = if d.pending.is_empty() {
                "drafted"
            } else {
                "drafted-partly"
            };
            Ok(back(id, msg, &format!("report-{}", d.report.report.id)))
        }
        // A report already there is not a typing mistake: say why beside the form.
        Err(AppError::Conflict(message)) => {
            let e = AppError::invalid("period", message);
            let mut resp = answered(
                &state,
                &user,
                id,
                ("draft-from-below", "draft-from-below"),
                "drafted",
                typed,
                Err::<(), _>(e),
            )
            .await?;
            *resp.status_mut() = actix_web::http::StatusCode::CONFLICT;
            Ok(resp)
        }
        Err(e) => {
            answered(
                &state,
                &user,
                id,
                ("draft-from-below", "draft-from-below"),
                "drafted",
                typed,
                Err::<(), _>(e),
            )
            .await
        }
    }
}

/// A report state change form.
#[derive(Deserialize)]
pub struct StateForm {
    version: Option<i32>,
    decision: Option<String>,
    comment: Option<String>,
}

async fn item_of(state: &AppState, caller: &Caller, report_id: i32) -> Result<i32, AppError> {
    let caller = caller.clone();
    state
        .db
        .read(move |c| reports::item_of(c, &caller, report_id))
        .await
}

/// A refused form whose item the form itself names (its hidden `item` field): the item page
/// again with the input kept; without a readable item, the error page. The page read checks
/// the caller's right to the item as any page read does.
async fn refused_on_page(
    state: &AppState,
    user: &PageUser,
    place: (&str, &str),
    typed: FormValues,
    e: AppError,
) -> Result<HttpResponse, PageError> {
    match typed.get("item").and_then(|i| i.parse().ok()) {
        Some(item_id) => answered(state, user, item_id, place, "", typed, Err::<(), _>(e)).await,
        None => Err(e.into()),
    }
}

/// What a form on report `report_id` led to: back to the report, or the page again with the
/// refused `form` as typed (see [`answered`]).
async fn answered_report<T>(
    state: &AppState,
    user: &PageUser,
    report_id: i32,
    form: &str,
    msg: &str,
    typed: FormValues,
    result: Result<T, AppError>,
) -> Result<HttpResponse, PageError> {
    let item_id = item_of(state, &user.caller, report_id).await?;
    let anchor = format!("report-{report_id}");
    answered(state, user, item_id, (form, &anchor), msg, typed, result).await
}

/// POST /reports/{id}/submit.
pub async fn submit(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    form: PageForm<StateForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let input = VersionInput {
        version: form.0.version,
    };
    let caller = user.caller.clone();
    let today = state.config.clock().today;
    let r = state
        .db
        .write(move |c| reports::submit(c, &caller, id, &input, today))
        .await;
    let form_id = format!("submit-{id}");
    match r {
        // The report names its item: no second read to find where to go back to.
        Ok(r) => Ok(back(r.report.item_id, "handed-in", &format!("report-{id}"))),
        Err(e) => {
            answered_report(
                &state,
                &user,
                id,
                &form_id,
                "handed-in",
                form.1,
                Err::<(), _>(e),
            )
            .await
        }
    }
}

/// POST /reports/{id}/review.
pub async fn review(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    form: PageForm<StateForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let (f, typed) = (form.0, form.1);
    let input = ReviewInput {
        decision: f.decision.unwrap_or_default(),
        comment: f.comment,
        version: f.version,
    };
    let caller = user.caller.clone();
    let r = state
        .db
        .write(move |c| reports::review(c, &caller, id, &input))
        .await;
    let form_id = format!("review-{id}");
    match r {
        // The report names its item: no second read to find where to go back to.
        Ok(r) => Ok(back(r.report.item_id, "reviewed", &format!("report-{id}"))),
        Err(e) => {
            answered_report(
                &state,
                &user,
                id,
                &form_id,
                "reviewed",
                typed,
                Err::<(), _>(e),
            )
            .await
        }
    }
}

/// The contribution form.
#[derive(Deserialize)]
pub struct ContributionForm {
    text: String,
}

/// POST /reports/{id}/contribution.
pub async fn contribute(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    form: PageForm<ContributionForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let input = ContributionInput { text: form.0.text };
    let caller = user.caller.clone();
    let r = state
        .db
        .write(move |c| reports::contribute(c, &caller, id, &input))
        .await;
    match r {
        Ok(saved) => Ok(back(
            saved.contribution.item_id,
            "contributed",
            &format!("report-{id}"),
        )),
        Err(e) => {
            let form_id = format!("contribution-{id}");
            answered_report(&state, &user, id, &form_id, "", form.1, Err::<(), _>(e)).await
        }
    }
}

/// The supporting division's form for a period.
#[derive(Deserialize)]
pub struct PeriodContributionForm {
    period: String,
    text: String,
}

/// POST /items/{id}/contribution: a supporting division's part for a period, written before
/// or after the lead writes the period's report.
pub async fn contribute_for_period(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    form: PageForm<PeriodContributionForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let (f, typed) = (form.0, form.1);
    // The period as its code reads (what the service accepts): the anchor goes in a header.
    let period: String = f
        .period
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let place = (
        format!("contribution-form-{period}"),
        format!("contribution-{period}"),
    );
    let input = ContributionInput { text: f.text };
    let caller = user.caller.clone();
    let r = state
        .db
        .write(move |c| reports::contribute_for(c, &caller, id, &f.period, &input))
        .await;
    let place = (place.0.as_str(), place.1.as_str());
    answered(&state, &user, id, place, "contributed", typed, r).await
}

/// The office's form for an item's divisions: names separated by 、 or ，.
#[derive(Deserialize)]
pub struct DivisionsForm {
    version: i32,
    #[serde(default)]
    lead: String,
    #[serde(default)]
    support: String,
}

/// POST /items/{id}/divisions (office).
pub async fn set_divisions(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    f: PageForm<DivisionsForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let input = DivisionsInput {
        version: f.0.version,
        lead: split_names(&f.0.lead),
        support: split_names(&f.0.support),
    };
    let caller = user.caller.clone();
    let r = state
        .db
        .write(move |c| assignment::set_divisions(c, &caller, id, &input))
        .await;
    let place = ("divisions-form", "office-assign");
    answered(&state, &user, id, place, "assigned", f.1, r).await
}

/// The office's form replacing one placeholder.
#[derive(Deserialize)]
pub struct PlaceholderForm {
    version: i32,
    placeholder: String,
    #[serde(default)]
    names: String,
}

/// POST /items/{id}/placeholder (office): real divisions where the item names a placeholder.
pub async fn replace_placeholder(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    f: PageForm<PlaceholderForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let (f, typed) = (f.0, f.1);
    let form_id = format!("placeholder-{}", f.placeholder);
    let caller = user.caller.clone();
    let r = state
        .db
        .write(move |c| {
            assignment::replace_placeholder(
                c,
                &caller,
                id,
                f.version,
                &f.placeholder,
                &split_names(&f.names),
            )
        })
        .await;
    let place = (form_id.as_str(), "office-assign");
    answered(&state, &user, id, place, "assigned", typed, r).await
}

/// The office's form for the date a higher authority set.
#[derive(Deserialize)]
pub struct DueForm {
    version: i32,
    due_on: chrono::NaiveDate,
}

/// POST /items/{id}/due (office).
pub async fn set_due(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    f: PageForm<DueForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let input = DueInput {
        version: f.0.version,
        due_on: f.0.due_on,
    };
    let caller = user.caller.clone();
    let r = state
        .db
        .write(move |c| assignment::set_due(c, &caller, id, &input))
        .await;
    answered(
        &state,
        &user,
        id,
        ("due-form", "office-assign"),
        "due-set",
        f.1,
        r,
    )
    .await
}

/// The web-page evidence form.
#[derive(Deserialize)]
pub struct LinkForm {
    url: String,
    title: Option<String>,
}

/// POST /reports/{id}/link.
pub async fn add_link(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    form: PageForm<LinkForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let (f, typed) = (form.0, form.1);
    let input = UrlEvidenceInput {
        url: f.url,
        title: f.title,
        date: None,
    };
    let caller = user.caller.clone();
    let r = state
        .db
        .write(move |c| reports::add_url(c, &caller, id, &input))
        .await;
    let form_id = format!("link-{id}");
    answered_report(&state, &user, id, &form_id, "uploaded", typed, r).await
}

/// POST /reports/{id}/upload?csrf=: a file streamed to storage, once the session's token
/// and the right to attach are checked (before the body is read).
pub async fn upload(
    state: web::Data<AppState>,
    user: UploadUser,
    id: web::Path<i32>,
    payload: Multipart,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let caller = user.caller.clone();
    state
        .db
        .read(move |c| reports::authorise_evidence(c, &caller, id))
        .await?;
    let file = receive_file(
        payload,
        &state.config.storage_dir,
        UploadLimits::of(&state.config),
    )
    .await?;
    let caller = user.caller.clone();
    state
        .db
        .write(move |c| reports::add_file(c, &caller, id, &file.evidence()))
        .await?;
    let item_id = item_of(&state, &user.caller, id).await?;
    Ok(back(item_id, "uploaded", &format!("report-{id}")))
}

/// An empty form (only its CSRF token).
#[derive(Deserialize)]
pub struct Empty {}

/// POST /items/{id}/acknowledge.
pub async fn acknowledge(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    f: PageForm<Empty>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let caller = user.caller.clone();
    let r = state
        .db
        .write(move |c| sup::acknowledge(c, &caller, id))
        .await;
    let place = ("acknowledge-form", "supervision");
    answered(&state, &user, id, place, "acknowledged", f.1, r).await
}

/// The dispute form.
#[derive(Deserialize)]
pub struct DisputeForm {
    reason: String,
}

/// POST /items/{id}/dispute.
pub async fn dispute(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    f: PageForm<DisputeForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let input = DisputeInput { reason: f.0.reason };
    let caller = user.caller.clone();
    let r = state
        .db
        .write(move |c| sup::dispute(c, &caller, id, &input))
        .await;
    let place = ("dispute-form", "supervision");
    answered(&state, &user, id, place, "disputed", f.1, r).await
}

/// The office's answer to a dispute.
#[derive(Deserialize)]
pub struct DisputeAnswerForm {
    division_id: i32,
    decision: String,
    reply: String,
    #[serde(default)]
    lead: String,
}

/// POST /items/{id}/dispute/answer.
pub async fn answer_dispute(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    f: PageForm<DisputeAnswerForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let (f, typed) = (f.0, f.1);
    let form_id = format!("dispute-answer-{}", f.division_id);
    let input = DisputeAnswer {
        division_id: f.division_id,
        decision: f.decision,
        reply: f.reply,
        lead: split_names(&f.lead),
    };
    let caller = user.caller.clone();
    let r = state
        .db
        .write(move |c| sup::answer_dispute(c, &caller, id, &input))
        .await;
    answered(
        &state,
        &user,
        id,
        (&form_id, "supervision"),
        "decided",
        typed,
        r,
    )
    .await
}

/// The extension request form (the date as typed: a refused one is shown again).
#[derive(Deserialize)]
pub struct ExtensionForm {
    requested_due: String,
    reason: String,
}

/// POST /items/{id}/extension.
pub async fn request_extension(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    f: PageForm<ExtensionForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let (f, typed) = (f.0, f.1);
    let place = ("extension-form", "extension-form");
    let requested_due = match chrono::NaiveDate::parse_from_str(f.requested_due.trim(), "%Y-%m-%d")
    {
        Ok(d) => d,
        Err(_) => {
            let e = AppError::invalid("requested_due", "请选择申请延期到的日期");
            return answered(
                &state,
                &user,
                id,
                place,
                "requested",
                typed,
                Err::<(), _>(e),
            )
            .await;
        }
    };
    let input = ExtensionInput {
        requested_due,
        reason: f.reason,
    };
    let caller = user.caller.clone();
    let today = state.config.clock().today;
    let r = state
        .db
        .write(move |c| sup::request_extension(c, &caller, id, &input, today))
        .await;
    answered(&state, &user, id, place, "requested", typed, r).await
}

/// The office's decision form.
#[derive(Deserialize)]
pub struct DecisionForm {
    decision: String,
    reply: Option<String>,
    version: Option<i32>,
}

/// POST /extensions/{id}/decide.
pub async fn decide_extension(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    f: PageForm<DecisionForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let input = ExtensionDecision {
        approve: f.0.decision == "approve",
        reply: f.0.reply,
        version: f.0.version,
    };
    let caller = user.caller.clone();
    let r = state
        .db
        .write(move |c| sup::decide_extension(c, &caller, id, &input))
        .await;
    match r {
        Ok(e) => Ok(back(e.item_id, "decided", "supervision")),
        Err(e) => {
            let form_id = format!("extension-decision-{id}");
            let place = (form_id.as_str(), "supervision");
            refused_on_page(&state, &user, place, f.1, e).await
        }
    }
}

/// The urging form.
#[derive(Deserialize)]
pub struct UrgeForm {
    #[serde(default)]
    message: String,
}

/// POST /items/{id}/urge.
pub async fn urge(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    f: PageForm<UrgeForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let input = UrgeInput {
        message: f.0.message,
    };
    let caller = user.caller.clone();
    let r = state
        .db
        .write(move |c| sup::urge(c, &caller, id, &input))
        .await;
    answered(
        &state,
        &user,
        id,
        ("urge-form", "supervision"),
        "urged",
        f.1,
        r,
    )
    .await
}

/// The urging answer form.
#[derive(Deserialize)]
pub struct UrgingAnswerForm {
    answer: String,
}

/// POST /urgings/{id}/answer.
pub async fn answer_urging(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
    f: PageForm<UrgingAnswerForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let input = UrgingAnswer { answer: f.0.answer };
    let caller = user.caller.clone();
    let r = state
        .db
        .write(move |c| sup::answer_urging(c, &caller, id, &input))
        .await;
    let anchor = format!("urging-{id}");
    match r {
        Ok(u) => Ok(back(u.item_id, "decided", &anchor)),
        Err(e) => {
            let form_id = format!("urging-answer-{id}");
            refused_on_page(&state, &user, (&form_id, &anchor), f.1, e).await
        }
    }
}
