//! Items and their assignments.

use diesel::prelude::*;

use crate::db::models::{Assignment, Item, NewAssignment, NewItem, NewTarget};
use crate::db::schema::{assignments, items};
use crate::db::{DbConnection, WriteTx};

/// Adds an item and returns it.
pub fn insert(tx: &mut WriteTx<'_>, new: &NewItem) -> QueryResult<Item> {
    let conn = tx.conn();
    diesel::insert_into(items::table)
        .values(new)
        .execute(conn)?;
    let id = crate::db::last_insert_id(conn)?;
    items::table.find(id).select(Item::as_select()).first(conn)
}

/// Rows per multi-row INSERT: well under SQLite's and PostgreSQL's bound-parameter limits
/// for the widest of these rows (an item: 18 columns).
const BATCH_ROWS: usize = 500;

/// Adds many items in few statements (a plan's import).
pub fn insert_many(tx: &mut WriteTx<'_>, new: &[NewItem]) -> QueryResult<usize> {
    let conn = tx.conn();
    Ok(crate::insert_rows!(conn, items::table, new, BATCH_ROWS))
}

/// The highest item id so far (0 when there is none): rows inserted after it have larger ids.
pub fn max_id(conn: &mut DbConnection) -> QueryResult<i32> {
    Ok(items::table
        .select(diesel::dsl::max(items::id))
        .first::<Option<i32>>(conn)?
        .unwrap_or(0))
}

/// Ids of a plan's items added after `after_id`, by position.
pub fn ids_by_position_after(
    conn: &mut DbConnection,
    plan_id: i32,
    after_id: i32,
) -> QueryResult<std::collections::HashMap<i32, i32>> {
    Ok(items::table
        .filter(items::plan_id.eq(plan_id))
        .filter(items::id.gt(after_id))
        .select((items::position, items::id))
        .load::<(i32, i32)>(conn)?
        .into_iter()
        .collect())
}

/// Adds many assignments in few statements.
pub fn insert_assignments(tx: &mut WriteTx<'_>, new: &[NewAssignment]) -> QueryResult<usize> {
    let conn = tx.conn();
    Ok(crate::insert_rows!(
        conn,
        assignments::table,
        new,
        BATCH_ROWS
    ))
}

/// Adds many countable targets in few statements.
pub fn insert_targets(tx: &mut WriteTx<'_>, new: &[NewTarget]) -> QueryResult<usize> {
    let conn = tx.conn();
    use crate::db::schema::targets;
    Ok(crate::insert_rows!(conn, targets::table, new, BATCH_ROWS))
}

/// An item by id.
pub fn get(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Item>> {
    items::table
        .find(id)
        .select(Item::as_select())
        .first(conn)
        .optional()
}

/// The next free position at the end of a plan.
pub fn next_position(conn: &mut DbConnection, plan_id: i32) -> QueryResult<i32> {
    let max: Option<i32> = items::table
        .filter(items::plan_id.eq(plan_id))
        .select(diesel::dsl::max(items::position))
        .first(conn)?;
    Ok(max.map_or(1, |m| m + 1))
}

/// A plan's items in plan order, optionally only those a division leads or supports.
pub fn list(
    conn: &mut DbConnection,
    plan_id: i32,
    division_id: Option<i32>,
) -> QueryResult<Vec<Item>> {
    // Two fixed statements rather than one boxed query: fixed SQL stays in the prepared
    // statement cache, which the busiest read (a division's list) relies on.
    let of_plan = items::table.filter(items::plan_id.eq(plan_id));
    let order = (items::position.asc(), items::id.asc());
    match division_id {
        None => of_plan.order(order).select(Item::as_select()).load(conn),
        // Driven from the division's assignments (an index), not from every item of the
        // plan: a division has a few dozen items of many hundreds. An item the division both
        // leads and supports comes twice, side by side in this order: kept once.
        Some(d) => {
            let mut rows: Vec<Item> = assignments::table
                .inner_join(items::table)
                .filter(assignments::division_id.eq(d))
                .filter(items::plan_id.eq(plan_id))
                .select(Item::as_select())
                .order(order)
                .load(conn)?;
            rows.dedup_by_key(|i| i.id);
            Ok(rows)
        }
    }
}

/// The same items as `list`, as lists show them (`ListedItem`).
pub fn listed(
    conn: &mut DbConnection,
    plan_id: i32,
    division_id: Option<i32>,
) -> QueryResult<Vec<ListedItem>> {
    // Two fixed statements rather than one boxed query: fixed SQL stays in the prepared
    // statement cache, which the busiest read (a division's list) relies on.
    let of_plan = items::table.filter(items::plan_id.eq(plan_id));
    let order = (items::position.asc(), items::id.asc());
    match division_id {
        None => of_plan
            .order(order)
            .select(ListedItem::as_select())
            .load(conn),
        // Driven from the division's assignments (an index), not from every item of the
        // plan: a division has a few dozen items of many hundreds. Sorted here, not by an
        // ORDER BY, which would copy every wide row through SQLite's sorter. An item the
        // division both leads and supports comes twice, side by side once sorted: kept once.
        Some(d) => {
            let mut rows: Vec<ListedItem> = crate::on_backend!(conn, c => assignments::table
                .inner_join(items::table)
                .filter(assignments::division_id.eq(d))
                .filter(items::plan_id.eq(plan_id))
                .select(ListedItem::as_select())
                .load(c))?;
            rows.sort_unstable_by_key(|i| (i.position, i.id));
            rows.dedup_by_key(|i| i.id);
            Ok(rows)
        }
    }
}

/// An item as lists show it: what the API's item view and the status need, without the
/// columns only an item's own page or the ledger read (timestamps cost a parse each).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = items)]
pub struct ListedItem {
    pub id: i32,
    pub plan_id: i32,
    /// The place in the plan, for the list's order.
    pub position: i32,
    pub number: String,
    pub task: String,
    pub requirement: String,
    pub deadline_raw: String,
    pub deadline_kind: String,
    pub deadline_due: Option<chrono::NaiveDate>,
    pub deadline_detail: String,
    pub deadline_inferred: bool,
    pub completed_on: Option<chrono::NaiveDate>,
    pub origin_item_id: Option<i32>,
    pub version: i32,
    pub section_id: Option<i32>,
    pub due_set_at: Option<chrono::NaiveDateTime>,
}

impl From<&Item> for ListedItem {
    fn from(i: &Item) -> Self {
        ListedItem {
            id: i.id,
            plan_id: i.plan_id,
            position: i.position,
            number: i.number.clone(),
            task: i.task.clone(),
            requirement: i.requirement.clone(),
            deadline_raw: i.deadline_raw.clone(),
            deadline_kind: i.deadline_kind.clone(),
            deadline_due: i.deadline_due,
            deadline_detail: i.deadline_detail.clone(),
            deadline_inferred: i.deadline_inferred,
            completed_on: i.completed_on,
            origin_item_id: i.origin_item_id,
            version: i.version,
            section_id: i.section_id,
            due_set_at: i.due_set_at,
        }
    }
}

/// An assignment with its division's name (none for a placeholder).
pub type NamedAssignment = (Assignment, Option<String>);

/// The assignments, with the divisions' names, of the items `list` gives for the same plan
/// and division, by item and written order: one query, binding no list of ids.
pub fn assignments_of_list(
    conn: &mut DbConnection,
    plan_id: i32,
    division_id: Option<i32>,
) -> QueryResult<Vec<NamedAssignment>> {
    use crate::db::schema::divisions;
    let of_plan = assignments::table
        .inner_join(items::table)
        .left_join(divisions::table)
        .filter(items::plan_id.eq(plan_id));
    let order = (assignments::item_id.asc(), assignments::position.asc());
    let fields = (Assignment::as_select(), divisions::name.nullable());
    match division_id {
        None => of_plan.order(order).select(fields).load(conn),
        // Driven from the division's own assignments, as `list` is.
        Some(d) => {
            let mine = diesel::alias!(assignments as mine);
            let mut rows: Vec<NamedAssignment> = crate::on_backend!(conn, c => mine
                .inner_join(
                    assignments::table
                        .on(assignments::item_id.eq(mine.field(assignments::item_id))),
                )
                .inner_join(items::table.on(items::id.eq(assignments::item_id)))
                .left_join(
                    divisions::table.on(assignments::division_id.eq(divisions::id.nullable())),
                )
                .filter(mine.field(assignments::division_id).eq(d))
                .filter(items::plan_id.eq(plan_id))
                .select((Assignment::as_select(), divisions::name.nullable()))
                .load(c))?;
            // Sorted here rather than through SQLite's sorter (see `listed`); an assignment
            // comes twice when the division both leads and supports its item.
            rows.sort_unstable_by_key(|(a, _)| (a.item_id, a.position, a.id));
            rows.dedup_by_key(|(a, _)| a.id);
            Ok(rows)
        }
    }
}

/// The assignments of one item with the divisions' names, in their written order.
pub fn assignments_of_item(
    conn: &mut DbConnection,
    item_id: i32,
) -> QueryResult<Vec<NamedAssignment>> {
    use crate::db::schema::divisions;
    assignments::table
        .left_join(divisions::table)
        .filter(assignments::item_id.eq(item_id))
        .order(assignments::position.asc())
        .select((Assignment::as_select(), divisions::name.nullable()))
        .load(conn)
}

/// The assignments of some items, in their written order.
pub fn assignments_of(conn: &mut DbConnection, item_ids: &[i32]) -> QueryResult<Vec<Assignment>> {
    let mut all = Vec::new();
    for ids in item_ids.chunks(super::IDS_PER_STATEMENT) {
        all.extend(
            assignments::table
                .filter(assignments::item_id.eq_any(ids))
                .order((assignments::item_id.asc(), assignments::position.asc()))
                .select(Assignment::as_select())
                .load(conn)?,
        );
    }
    if item_ids.len() > super::IDS_PER_STATEMENT {
        all.sort_by_key(|a| (a.item_id, a.position));
    }
    Ok(all)
}

/// Replaces an item's assignments.
pub fn replace_assignments(
    tx: &mut WriteTx<'_>,
    item_id: i32,
    new: &[NewAssignment],
) -> QueryResult<()> {
    let conn = tx.conn();
    diesel::delete(assignments::table.filter(assignments::item_id.eq(item_id))).execute(conn)?;
    // One row at a time: batch inserts are not portable across the two backends.
    for a in new {
        diesel::insert_into(assignments::table)
            .values(a)
            .execute(conn)?;
    }
    Ok(())
}

/// The text fields of an item that the office may edit.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = items)]
pub struct ItemChange<'a> {
    pub number: Option<&'a str>,
    pub task: Option<&'a str>,
    pub requirement: Option<&'a str>,
    pub divisions_written: Option<&'a str>,
    pub deadline_due: Option<Option<chrono::NaiveDate>>,
    pub event_date: Option<Option<chrono::NaiveDate>>,
    pub due_set_at: Option<Option<chrono::NaiveDateTime>>,
    pub due_set_by: Option<Option<i32>>,
    pub updated_at: Option<chrono::NaiveDateTime>,
}

/// Applies a change if the item is still at `version` (`None`: someone changed it first).
pub fn update(
    tx: &mut WriteTx<'_>,
    id: i32,
    version: i32,
    change: &ItemChange,
) -> QueryResult<Option<Item>> {
    let conn = tx.conn();
    let changed = diesel::update(
        items::table
            .filter(items::id.eq(id))
            .filter(items::version.eq(version)),
    )
    .set((change, items::version.eq(version + 1)))
    .execute(conn)?;
    if changed == 0 {
        return Ok(None);
    }
    get(conn, id)
}

/// Adds an item and returns only its id (bulk imports need no read-back).
pub fn insert_id(tx: &mut WriteTx<'_>, new: &NewItem) -> QueryResult<i32> {
    let conn = tx.conn();
    diesel::insert_into(items::table)
        .values(new)
        .execute(conn)?;
    crate::db::last_insert_id(conn)
}

/// Adds a section heading and returns its id.
pub fn insert_section(
    tx: &mut WriteTx<'_>,
    plan_id: i32,
    parent_id: Option<i32>,
    position: i32,
    heading: &str,
) -> QueryResult<i32> {
    let conn = tx.conn();
    use crate::db::schema::sections;
    diesel::insert_into(sections::table)
        .values((
            sections::plan_id.eq(plan_id),
            sections::parent_id.eq(parent_id),
            sections::position.eq(position),
            sections::heading.eq(heading),
        ))
        .execute(conn)?;
    crate::db::last_insert_id(conn)
}

/// Adds a countable target of an item.
pub fn insert_target(
    tx: &mut WriteTx<'_>,
    item_id: i32,
    raw: &str,
    min_count: i32,
    unit: &str,
    per: Option<&str>,
) -> QueryResult<()> {
    let conn = tx.conn();
    use crate::db::schema::targets;
    diesel::insert_into(targets::table)
        .values((
            targets::item_id.eq(item_id),
            targets::raw.eq(raw),
            targets::min_count.eq(min_count),
            targets::unit.eq(unit),
            targets::per.eq(per),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Adds one assignment.
pub fn insert_assignment(tx: &mut WriteTx<'_>, new: &NewAssignment) -> QueryResult<()> {
    let conn = tx.conn();
    diesel::insert_into(assignments::table)
        .values(new)
        .execute(conn)
        .map(|_| ())
}

/// Whether any work was written for an item — a report, or a supporting division's part
/// (written before any report) — so that a revision keeps it.
pub fn has_work(conn: &mut DbConnection, item_id: i32) -> QueryResult<bool> {
    use crate::db::schema::{contributions, reports};
    let reported: bool = diesel::select(diesel::dsl::exists(
        reports::table.filter(reports::item_id.eq(item_id)),
    ))
    .get_result(conn)?;
    if reported {
        return Ok(true);
    }
    diesel::select(diesel::dsl::exists(
        contributions::table.filter(contributions::item_id.eq(item_id)),
    ))
    .get_result(conn)
}

/// Deletes an item (its assignments and targets go with it).
pub fn delete(tx: &mut WriteTx<'_>, item_id: i32) -> QueryResult<()> {
    let conn = tx.conn();
    diesel::delete(items::table.find(item_id))
        .execute(conn)
        .map(|_| ())
}

/// The fields a plan revision rewrites.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = items)]
pub struct RevisedItem<'a> {
    pub section_id: Option<i32>,
    pub position: i32,
    pub task: &'a str,
    pub requirement: &'a str,
    pub deadline_raw: &'a str,
    pub deadline_kind: &'a str,
    pub deadline_due: Option<chrono::NaiveDate>,
    pub deadline_detail: &'a str,
    pub deadline_inferred: bool,
    pub source_sheet: Option<&'a str>,
    pub source_row: Option<i32>,
    pub divisions_written: &'a str,
    pub updated_at: chrono::NaiveDateTime,
}

/// Rewrites an item from a revised plan; its version moves on only when its content changed.
pub fn apply_revision(
    tx: &mut WriteTx<'_>,
    id: i32,
    r: &RevisedItem,
    content_changed: bool,
) -> QueryResult<()> {
    let conn = tx.conn();
    let bump = if content_changed { 1 } else { 0 };
    diesel::update(items::table.find(id))
        .set((r, items::version.eq(items::version + bump)))
        .execute(conn)
        .map(|_| ())
}

/// Removes an item's targets that have no logged occurrences (those stay with their log).
pub fn replace_unlogged_targets(tx: &mut WriteTx<'_>, item_id: i32) -> QueryResult<()> {
    let conn = tx.conn();
    use crate::db::schema::{target_occurrences, targets};
    let logged = target_occurrences::table.select(target_occurrences::target_id);
    diesel::delete(
        targets::table
            .filter(targets::item_id.eq(item_id))
            .filter(targets::id.ne_all(logged)),
    )
    .execute(conn)
    .map(|_| ())
}

/// Marks an item done on a date (or not done, with `None`).
pub fn set_completed(
    tx: &mut WriteTx<'_>,
    item_id: i32,
    on: Option<chrono::NaiveDate>,
) -> QueryResult<()> {
    let conn = tx.conn();
    diesel::update(items::table.find(item_id))
        .set((
            items::completed_on.eq(on),
            items::version.eq(items::version + 1),
        ))
        .execute(conn)
        .map(|_| ())
}

/// A target and how many occurrences were logged for it.
#[derive(Debug, Clone)]
pub struct TargetCount {
    pub raw: String,
    pub min_count: i32,
    pub unit: String,
    pub per: Option<String>,
    pub logged: i64,
}

/// An item's targets with how many occurrences were logged for each.
pub fn targets_with_counts(conn: &mut DbConnection, item_id: i32) -> QueryResult<Vec<TargetCount>> {
    use crate::db::schema::{target_occurrences, targets};
    let rows: Vec<(i32, String, i32, String, Option<String>)> = targets::table
        .filter(targets::item_id.eq(item_id))
        .order(targets::id.asc())
        .select((
            targets::id,
            targets::raw,
            targets::min_count,
            targets::unit,
            targets::per,
        ))
        .load(conn)?;
    let mut out = Vec::new();
    for (id, raw, min, unit, per) in rows {
        let n: i64 = target_occurrences::table
            .filter(target_occurrences::target_id.eq(id))
            .count()
            .get_result(conn)?;
        out.push(TargetCount {
            raw,
            min_count: min,
            unit,
            per,
            logged: n,
        });
    }
    Ok(out)
}

/// Every item a division leads or supports, across plans, with the part it plays.
pub fn for_division(conn: &mut DbConnection, division_id: i32) -> QueryResult<Vec<(Item, String)>> {
    items::table
        .inner_join(assignments::table)
        .filter(assignments::division_id.eq(division_id))
        .order((items::plan_id.asc(), items::position.asc()))
        .select((Item::as_select(), assignments::role))
        .load(conn)
}

/// Moves an item's due date (an approved extension).
pub fn set_due(tx: &mut WriteTx<'_>, item_id: i32, due: chrono::NaiveDate) -> QueryResult<()> {
    let conn = tx.conn();
    diesel::update(items::table.find(item_id))
        .set((
            items::deadline_due.eq(Some(due)),
            items::version.eq(items::version + 1),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Links an item to the upper item it carries out and the upper version it agrees with.
pub fn set_upper(
    tx: &mut WriteTx<'_>,
    item_id: i32,
    upper_item_id: Option<i32>,
    upper_version: Option<i32>,
) -> QueryResult<()> {
    let conn = tx.conn();
    diesel::update(items::table.find(item_id))
        .set((
            items::upper_item_id.eq(upper_item_id),
            items::upper_version.eq(upper_version),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The items of `agency_id`'s plans linked to the upper item `upper_item_id`, by plan and
/// position.
pub fn linked_below(
    conn: &mut DbConnection,
    upper_item_id: i32,
    agency_id: i32,
) -> QueryResult<Vec<Item>> {
    use crate::db::schema::plans;
    items::table
        .inner_join(plans::table)
        .filter(items::upper_item_id.eq(upper_item_id))
        .filter(plans::agency_id.eq(agency_id))
        .order((items::plan_id.asc(), items::position.asc()))
        .select(Item::as_select())
        .load(conn)
}

/// The upper item's text and deadline copied into an item that carries it out.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = items)]
pub struct TakenFromUpper<'a> {
    pub number: &'a str,
    pub task: &'a str,
    pub requirement: &'a str,
    pub deadline_raw: &'a str,
    pub deadline_kind: &'a str,
    pub deadline_due: Option<chrono::NaiveDate>,
    pub deadline_detail: &'a str,
    pub deadline_inferred: bool,
    pub upper_item_id: Option<i32>,
    pub upper_version: Option<i32>,
    pub updated_at: chrono::NaiveDateTime,
}

/// Copies the upper item's text into an item still at `version` (`None`: someone changed it
/// first); the item's version moves on.
pub fn take_upper(
    tx: &mut WriteTx<'_>,
    id: i32,
    version: i32,
    taken: &TakenFromUpper,
) -> QueryResult<Option<Item>> {
    let conn = tx.conn();
    let changed = diesel::update(
        items::table
            .filter(items::id.eq(id))
            .filter(items::version.eq(version)),
    )
    .set((taken, items::version.eq(version + 1)))
    .execute(conn)?;
    if changed == 0 {
        return Ok(None);
    }
    get(conn, id)
}
