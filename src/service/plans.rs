//! Plans and their items.

use serde::{Deserialize, Serialize};

use super::{Audit, Caller};
use crate::db::models::{Item, NewAssignment, NewItem, NewPlan, Plan};
use crate::db::queries::items::{ItemChange, ListedItem, NamedAssignment};
pub use crate::db::queries::plans::PlanSummary;
use crate::db::queries::{self};
use crate::db::{DbConnection, WriteTx};
use crate::domain::access::{self, Decision, ItemWrite, Part};
use crate::domain::deadline::{DeadlineKind, Period};
use crate::domain::status::{self, ItemStatus, StatusInput};
use crate::domain::workdays::Calendar;
use crate::error::AppError;

/// What the office fills in to start an empty plan.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewPlanInput {
    pub year: i32,
    pub title: String,
    pub document_number: Option<String>,
}

/// Every plan the caller sees, with its counts: their own agency's first, then the plan
/// above they report to, then the plans of the agencies below they supervise.
pub fn list(conn: &mut DbConnection, caller: &Caller) -> Result<Vec<PlanSummary>, AppError> {
    let agencies = super::units::plan_agencies(conn, caller)?;
    Ok(queries::plans::list_with_counts(conn, &agencies)?)
}

/// The plan a page shows when none is chosen: the caller's own agency's newest.
pub fn default_of<'a>(plans: &'a [Plan], caller: &Caller) -> Option<&'a Plan> {
    plans.iter().find(|p| p.agency_id == caller.home_agency_id)
}

/// A plan by id.
pub fn get(conn: &mut DbConnection, id: i32) -> Result<Plan, AppError> {
    queries::plans::get(conn, id)?.ok_or(AppError::NotFound("计划"))
}

/// Starts an empty plan (items come from an import or are added one by one).
pub fn create(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    input: &NewPlanInput,
) -> Result<Plan, AppError> {
    caller.require_office()?;
    if !(2000..=2100).contains(&input.year) {
        return Err(AppError::invalid("year", "年度须在 2000–2100 之间"));
    }
    let title = input.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(AppError::invalid("title", "标题不能为空，且不超过 200 字"));
    }
    let now = queries::now();
    let plan = queries::plans::insert(
        tx,
        &NewPlan {
            year: input.year,
            title,
            document_number: input
                .document_number
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty()),
            source_file: None,
            source_format: None,
            source_sha256: None,
            version: 1,
            created_by: caller.user_id,
            created_at: now,
            updated_at: now,
            source_columns: "[]",
            agency_id: caller.agency_id,
            upper_plan_id: None,
        },
    )
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => AppError::Conflict(format!(
            "{} 年已有名为“{title}”的计划，请换一个标题",
            input.year
        )),
        other => other,
    })?;
    Audit::of("plan", plan.id, "create").record_after(tx, caller, &plan)?;
    Ok(plan)
}

/// One division (or placeholder) named on an item.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Responsible {
    /// The directory entry, when the name is a known division.
    pub division_id: Option<i32>,
    /// The division's name, or the placeholder as written (各有关处室 …).
    pub name: String,
}

/// The structured deadline as stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeadlineView {
    pub raw: String,
    pub kind: String,
    pub due: Option<chrono::NaiveDate>,
    pub inferred: bool,
    /// When the office set `due` for an item waiting on a higher authority (`raw` keeps
    /// the phrase as written).
    pub set_at: Option<chrono::NaiveDateTime>,
}

/// The date status is computed for, and what counts as due soon.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub today: chrono::NaiveDate,
    pub due_soon_days: u32,
    /// The agency's zone, for the times files show.
    pub zone: crate::domain::zone::Zone,
}

impl Default for Clock {
    fn default() -> Self {
        let zone = crate::domain::zone::Zone::default();
        Clock {
            today: zone.today(),
            due_soon_days: 14,
            zone,
        }
    }
}

/// An item's status on a date.
pub fn item_status(item: &Item, clock: &Clock) -> ItemStatus {
    status_of(
        &item.deadline_kind,
        item.deadline_due,
        &item.deadline_detail,
        item.completed_on,
        clock,
    )
}

/// An item's status from its stored deadline columns.
fn status_of(
    kind: &str,
    due: Option<chrono::NaiveDate>,
    detail: &str,
    completed_on: Option<chrono::NaiveDate>,
    clock: &Clock,
) -> ItemStatus {
    let detail: serde_json::Value = serde_json::from_str(detail).unwrap_or_default();
    status::status(StatusInput {
        kind: DeadlineKind::parse(kind).unwrap_or(DeadlineKind::Unspecified),
        due,
        period: detail["period"].as_str().and_then(Period::parse),
        completed_on,
        today: clock.today,
        due_soon_days: clock.due_soon_days,
    })
}

/// An item with its divisions.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemView {
    pub id: i32,
    pub plan_id: i32,
    pub number: String,
    pub task: String,
    pub requirement: String,
    pub deadline: DeadlineView,
    pub lead: Vec<Responsible>,
    pub support: Vec<Responsible>,
    pub status: ItemStatus,
    /// The status in Chinese.
    pub status_label: String,
    pub completed_on: Option<chrono::NaiveDate>,
    /// The item of last year's plan this one rectifies (回头看整改), if any.
    pub origin_item_id: Option<i32>,
    pub version: i32,
    /// The section (heading of the plan's document or table) the item stands under.
    pub section_id: Option<i32>,
}

/// An item as the API shows it; `assignments` holds (at least) its own, with names. Takes
/// the row by value: its texts move into the view instead of being copied.
fn view(item: ListedItem, assignments: &[NamedAssignment], clock: &Clock) -> ItemView {
    let status = status_of(
        &item.deadline_kind,
        item.deadline_due,
        &item.deadline_detail,
        item.completed_on,
        clock,
    );
    let pick = |part: Part| {
        assignments
            .iter()
            .filter(|(a, _)| a.item_id == item.id && a.role == part.as_str())
            .map(|(a, name)| Responsible {
                division_id: a.division_id,
                name: name
                    .clone()
                    .or_else(|| a.placeholder.clone())
                    .unwrap_or_default(),
            })
            .collect()
    };
    ItemView {
        id: item.id,
        plan_id: item.plan_id,
        number: item.number,
        task: item.task,
        requirement: item.requirement,
        deadline: DeadlineView {
            raw: item.deadline_raw,
            kind: item.deadline_kind,
            due: item.deadline_due,
            inferred: item.deadline_inferred,
            set_at: item.due_set_at,
        },
        lead: pick(Part::Lead),
        support: pick(Part::Support),
        status,
        status_label: status.label().to_string(),
        completed_on: item.completed_on,
        origin_item_id: item.origin_item_id,
        version: item.version,
        section_id: item.section_id,
    }
}

/// Views of a plan's items (those of `division_id`, if given), with their assignments read
/// in one query (sorted by item, so each item finds its own by binary search).
fn views_in_plan(
    conn: &mut DbConnection,
    plan_id: i32,
    division_id: Option<i32>,
    items: Vec<ListedItem>,
    clock: &Clock,
) -> Result<Vec<ItemView>, AppError> {
    let assignments = queries::items::assignments_of_list(conn, plan_id, division_id)?;
    Ok(items
        .into_iter()
        .map(|i| {
            let start = assignments.partition_point(|(a, _)| a.item_id < i.id);
            let end = assignments.partition_point(|(a, _)| a.item_id <= i.id);
            view(i, &assignments[start..end], clock)
        })
        .collect())
}

/// Which items to list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct ItemFilter {
    /// A division's id or name (or alias): only the items it leads or supports.
    pub division: Option<String>,
    /// Only items of this status (`overdue`, `due_soon`, `on_track`, `done_on_time`, …).
    pub status: Option<String>,
}

/// A plan's items, optionally those of one division.
pub fn list_items(
    conn: &mut DbConnection,
    plan_id: i32,
    filter: &ItemFilter,
    clock: &Clock,
) -> Result<Vec<ItemView>, AppError> {
    let division = filter
        .division
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let unknown = |d: &str| AppError::invalid("division", format!("没有名为“{d}”的处室"));
    // A division given by id is only looked up when the list comes back empty: items found
    // prove both the plan and the division exist (the busiest read saves two queries).
    let division_id = match division {
        None => None,
        Some(d) => Some(match d.parse::<i32>() {
            Ok(id) => id,
            Err(_) => {
                let plan = get(conn, plan_id)?;
                queries::divisions::by_name_or_alias(conn, plan.agency_id, d)?
                    .map(|d| d.id)
                    .ok_or_else(|| unknown(d))?
            }
        }),
    };
    let wanted = match filter.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(ItemStatus::parse(s).ok_or_else(|| {
            AppError::invalid("status", format!("状态“{s}”无效；可用 overdue、due_soon、on_track、done_on_time、done_late、waiting_on_higher_authority、ongoing"))
        })?),
    };
    let mut items = queries::items::listed(conn, plan_id, division_id)?;
    if items.is_empty() {
        get(conn, plan_id)?;
        if let (Some(d), Some(id)) = (division, division_id) {
            queries::divisions::get(conn, id)?.ok_or_else(|| unknown(d))?;
        }
    }
    if let Some(w) = wanted {
        items.retain(|i| {
            status_of(
                &i.deadline_kind,
                i.deadline_due,
                &i.deadline_detail,
                i.completed_on,
                clock,
            ) == w
        });
    }
    views_in_plan(conn, plan_id, division_id, items, clock)
}

/// One item.
pub fn get_item(conn: &mut DbConnection, id: i32) -> Result<ItemView, AppError> {
    get_item_on(conn, id, &Clock::default())
}

/// One item, its status computed on the clock's date.
pub fn get_item_on(conn: &mut DbConnection, id: i32, clock: &Clock) -> Result<ItemView, AppError> {
    let item = queries::items::get(conn, id)?.ok_or(AppError::NotFound("事项"))?;
    let assignments = queries::items::assignments_of_item(conn, id)?;
    Ok(view(ListedItem::from(&item), &assignments, clock))
}

/// Resolves names to directory entries; unknown names are kept as placeholders.
fn resolve(
    conn: &mut DbConnection,
    agency_id: i32,
    names: &[String],
) -> Result<Vec<(Option<i32>, String)>, AppError> {
    let mut out = Vec::new();
    for n in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let id = queries::divisions::by_name_or_alias(conn, agency_id, n)?.map(|d| d.id);
        if !out
            .iter()
            .any(|(i, t): &(Option<i32>, String)| (id.is_some() && *i == id) || t == n)
        {
            out.push((id, n.to_string()));
        }
    }
    Ok(out)
}

fn write_assignments(
    tx: &mut WriteTx<'_>,
    item_id: i32,
    lead: &[String],
    support: &[String],
) -> Result<(), AppError> {
    // Names are read in the directory of the agency whose plan holds the item.
    let agency = queries::agency::owner_of_item(tx, item_id)?.unwrap_or(queries::agency::FIRST);
    let lead = resolve(tx, agency, lead)?;
    let support = resolve(tx, agency, support)?;
    let mut rows = Vec::new();
    for (part, list) in [(Part::Lead, &lead), (Part::Support, &support)] {
        for (i, (id, text)) in list.iter().enumerate() {
            rows.push(NewAssignment {
                item_id,
                role: part.as_str(),
                division_id: *id,
                placeholder: if id.is_some() {
                    None
                } else {
                    Some(text.as_str())
                },
                position: i as i32,
            });
        }
    }
    queries::items::replace_assignments(tx, item_id, &rows)?;
    Ok(())
}

/// The divisions as the office typed them, kept like an imported plan's written names.
fn written_json(lead: &[String], support: &[String]) -> String {
    let clean = |v: &[String]| {
        v.iter()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect()
    };
    serde_json::to_string(&super::imports::Written {
        lead: clean(lead),
        support: clean(support),
    })
    .unwrap_or_else(|_| "{}".to_string())
}

/// The parts an item's divisions play, as the access rules read them.
pub fn parts_of(
    conn: &mut DbConnection,
    item_id: i32,
) -> Result<Vec<(Part, Option<i32>)>, AppError> {
    Ok(queries::items::assignments_of(conn, &[item_id])?
        .iter()
        .filter_map(|a| Part::parse(&a.role).map(|p| (p, a.division_id)))
        .collect())
}

/// Checks a write on an item through the one access rule; returns the division acted for.
pub fn authorise_item(
    conn: &mut DbConnection,
    caller: &Caller,
    item_id: i32,
    write: ItemWrite,
) -> Result<Option<i32>, AppError> {
    let parts = parts_of(conn, item_id)?;
    match access::item_write(caller.actor(), &parts, write) {
        Decision::Allowed { acting_for } => Ok(acting_for),
        Decision::Denied(why) => Err(AppError::Forbidden(why.to_string())),
    }
}

/// What the office fills in to add an item by hand.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewItemInput {
    pub number: String,
    pub task: String,
    #[serde(default)]
    pub requirement: String,
    #[serde(default)]
    pub lead: Vec<String>,
    #[serde(default)]
    pub support: Vec<String>,
}

fn check_text(field: &'static str, label: &str, value: &str, max: usize) -> Result<(), AppError> {
    if value.trim().is_empty() || value.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("{label}不能为空，且不超过 {max} 字"),
        ));
    }
    Ok(())
}

/// Adds an item at the end of a plan.
pub fn create_item(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    plan_id: i32,
    input: &NewItemInput,
) -> Result<ItemView, AppError> {
    caller.require_office()?;
    let plan = get(tx, plan_id)?;
    check_text("number", "序号", &input.number, 20)?;
    check_text("task", "工作任务", &input.task, 2000)?;
    let now = queries::now();
    let position = queries::items::next_position(tx, plan_id)?;
    let due = chrono::NaiveDate::from_ymd_opt(plan.year, 12, 31);
    let written = written_json(&input.lead, &input.support);
    let item = queries::items::insert(
        tx,
        &NewItem {
            plan_id,
            section_id: None,
            position,
            number: input.number.trim(),
            task: input.task.trim(),
            requirement: input.requirement.trim(),
            deadline_raw: "",
            deadline_kind: "unspecified",
            deadline_due: due,
            deadline_detail: "{}",
            deadline_inferred: true,
            source_sheet: None,
            source_row: None,
            origin_item_id: None,
            version: 1,
            created_at: now,
            updated_at: now,
            divisions_written: &written,
            upper_item_id: None,
            upper_version: None,
        },
    )?;
    write_assignments(tx, item.id, &input.lead, &input.support)?;
    super::supervision::notify_assigned(tx, item.id)?;
    let view = get_item(tx, item.id)?;
    Audit::of("item", item.id, "create").record_after(tx, caller, &view)?;
    Ok(view)
}

/// What may change about an item; `version` is the one the editor read.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ItemPatch {
    pub version: i32,
    pub number: Option<String>,
    pub task: Option<String>,
    pub requirement: Option<String>,
    /// Replaces the lead divisions (names; unknown names stay as placeholders).
    pub lead: Option<Vec<String>>,
    /// Replaces the supporting divisions.
    pub support: Option<Vec<String>>,
    /// For a deadline set by a higher authority: the date the office has learnt.
    pub due_on: Option<chrono::NaiveDate>,
    /// For a relative deadline (文件公开后3个工作日内): the event's date; the due date then
    /// follows in working days.
    pub event_date: Option<chrono::NaiveDate>,
}

/// The working-day calendar, read once.
pub fn calendar() -> &'static Calendar {
    static CALENDAR: std::sync::OnceLock<Calendar> = std::sync::OnceLock::new();
    CALENDAR.get_or_init(Calendar::builtin)
}

/// The due date an office-set date or event date gives an item, with any warning.
fn office_dates(
    item: &Item,
    patch: &ItemPatch,
) -> Result<(Option<chrono::NaiveDate>, Option<String>), AppError> {
    for (field, date) in [("event_date", patch.event_date), ("due_on", patch.due_on)] {
        if date.is_some_and(|d| !crate::domain::deadline::plausible(d)) {
            return Err(AppError::invalid(
                field,
                "日期超出合理范围，请检查年份是否填写正确",
            ));
        }
    }
    let kind = DeadlineKind::parse(&item.deadline_kind).unwrap_or(DeadlineKind::Unspecified);
    if let Some(event) = patch.event_date {
        if kind != DeadlineKind::Relative {
            return Err(AppError::invalid(
                "event_date",
                "只有“…后N个工作日内”这类时限需要填写事件日期",
            ));
        }
        let detail: serde_json::Value = super::stored_json(&item.deadline_detail, "事项时限详情")?;
        // 印发之日起30日内 counts calendar days; the others working days.
        if let Some(days) = detail["days"].as_u64() {
            return Ok((event.checked_add_days(chrono::Days::new(days)), None));
        }
        let n = detail["workdays"].as_u64().unwrap_or(0) as u32;
        let counted = calendar().add_workdays(event, n);
        return Ok((Some(counted.date), counted.warning()));
    }
    if let Some(due) = patch.due_on {
        if matches!(kind, DeadlineKind::Relative | DeadlineKind::Recurring) {
            return Err(AppError::invalid(
                "due_on",
                "该时限按事件或周期计算，请填写事件日期",
            ));
        }
        return Ok((Some(due), None));
    }
    Ok((item.deadline_due, None))
}

/// Changes an item, refusing a stale version and anyone the access rule refuses.
pub fn update_item(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    id: i32,
    patch: &ItemPatch,
) -> Result<ItemView, AppError> {
    update_item_as(tx, caller, id, patch, "update")
}

/// [`update_item`], recorded in the audit trail as `action` (`assign`, `set_due` …), so the
/// trail says what the office did. The one path every change of an item's divisions and
/// dates takes: a division that stops leading loses its 签收 (a dispute of it counts as
/// answered by the change, `reassigned`); new leads are told; reports and contributions
/// stay with the item and period whoever leads it.
pub fn update_item_as(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    id: i32,
    patch: &ItemPatch,
    action: &str,
) -> Result<ItemView, AppError> {
    let before = get_item(tx, id)?;
    let acting_for = authorise_item(tx, caller, id, ItemWrite::Edit)?;
    if let Some(n) = &patch.number {
        check_text("number", "序号", n, 20)?;
    }
    if let Some(t) = &patch.task {
        check_text("task", "工作任务", t, 2000)?;
    }
    let names = |v: &[Responsible]| v.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
    let lead = patch.lead.clone().unwrap_or_else(|| names(&before.lead));
    let support = patch
        .support
        .clone()
        .unwrap_or_else(|| names(&before.support));
    let written =
        (patch.lead.is_some() || patch.support.is_some()).then(|| written_json(&lead, &support));
    let stored = queries::items::get(tx, id)?.ok_or(AppError::NotFound("事项"))?;
    let (due, calendar_warning) = office_dates(&stored, patch)?;
    if let Some(w) = calendar_warning {
        tracing::warn!(item = id, "{w}");
    }
    let now = queries::now();
    let change = ItemChange {
        number: patch.number.as_deref().map(str::trim),
        task: patch.task.as_deref().map(str::trim),
        requirement: patch.requirement.as_deref().map(str::trim),
        divisions_written: written.as_deref(),
        deadline_due: (patch.due_on.is_some() || patch.event_date.is_some()).then_some(due),
        event_date: patch.event_date.map(Some),
        // A date typed in is the office's: say so, and when (an event date is not).
        due_set_at: patch.due_on.map(|_| Some(now)),
        due_set_by: patch.due_on.map(|_| caller.user_id),
        updated_at: Some(now),
    };
    queries::items::update(tx, id, patch.version, &change)?
        .ok_or_else(|| AppError::stale("该事项"))?;
    if written.is_some() {
        write_assignments(tx, id, &lead, &support)?;
        reassigned(tx, caller, &before, now)?;
    }
    let after = get_item(tx, id)?;
    Audit::of("item", id, action)
        .acting_for_opt(acting_for)
        .record_change(tx, caller, &before, &after)?;
    Ok(after)
}

/// After an item's divisions changed: the 签收 of a division that no longer leads is
/// withdrawn (an open dispute of it becomes `reassigned`, keeping its reason; an earlier
/// reassignment stays on record), and each division that now leads and did not before is
/// told to acknowledge it.
fn reassigned(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    before: &ItemView,
    now: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    use crate::domain::lifecycle::AcknowledgementState as Ack;
    let leads: Vec<i32> = parts_of(tx, before.id)?
        .into_iter()
        .filter_map(|(p, d)| (p == Part::Lead).then_some(d).flatten())
        .collect();
    for a in queries::supervision::acknowledgements_of(tx, &[before.id])? {
        if leads.contains(&a.division_id) {
            continue;
        }
        match a.state {
            Ack::Disputed => queries::supervision::set_acknowledgement(
                tx,
                a.item_id,
                a.division_id,
                Ack::Reassigned,
                None,
                None,
                None,
                caller.user_id,
                now,
            )?,
            Ack::Acknowledged | Ack::Kept => {
                queries::supervision::delete_acknowledgement(tx, a.id)?
            }
            Ack::Reassigned => {}
        }
    }
    let new_leads: Vec<i32> = leads
        .into_iter()
        .filter(|d| !before.lead.iter().any(|r| r.division_id == Some(*d)))
        .collect();
    if !new_leads.is_empty() {
        let label = format!("{}. {}", before.number, before.task);
        super::supervision::notify_assigned_many(
            tx,
            before.plan_id,
            &[(before.id, label, new_leads)],
        )?;
    }
    Ok(())
}
