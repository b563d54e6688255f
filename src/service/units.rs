//! Where a caller stands: in their own agency, or in the plan of an agency above or below
//! (the rules are `domain::unit`'s). Every request about one plan, item, report, piece of
//! evidence, urging, extension, division or account is scoped here before anything is read,
//! so no use case can forget it: a caller who does not see the owner gets "not found".

use super::Caller;
use crate::db::queries::{self, agency as q};
use crate::db::DbConnection;
use crate::domain::unit::{self, Node, Relation};
use crate::error::AppError;

/// The first agency: a deployment's only one until agencies are added below it.
pub const FIRST_AGENCY: i32 = q::FIRST;

/// A record a request is about, as its route names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Plan(i32),
    Item(i32),
    Report(i32),
    Evidence(i32),
    Extension(i32),
    Urging(i32),
    Division(i32),
    User(i32),
}

impl Resource {
    /// The record a route's path or query names: `kind` is the path segment before `{id}`
    /// (`plans`, `items`, …) or `plan` for a page's `?plan=`.
    pub fn named(kind: &str, id: i32) -> Option<Resource> {
        Some(match kind {
            "plans" | "plan" | "from_plan" => Resource::Plan(id),
            "items" => Resource::Item(id),
            "reports" => Resource::Report(id),
            "evidence" => Resource::Evidence(id),
            "extensions" => Resource::Extension(id),
            "urgings" => Resource::Urging(id),
            "divisions" => Resource::Division(id),
            "users" => Resource::User(id),
            _ => return None,
        })
    }
}

/// The agency that owns `resource`; `None` when the record does not exist (the use case then
/// answers "not found" itself).
fn owner(conn: &mut DbConnection, resource: Resource) -> Result<Option<i32>, AppError> {
    let item = |conn: &mut DbConnection, id: Option<i32>| -> Result<Option<i32>, AppError> {
        Ok(match id {
            Some(id) => q::owner_of_item(conn, id)?,
            None => None,
        })
    };
    Ok(match resource {
        Resource::Plan(id) => q::owner_of_plan(conn, id)?,
        Resource::Item(id) => q::owner_of_item(conn, id)?,
        Resource::Report(id) => {
            let of = q::item_of_report(conn, id)?;
            item(conn, of)?
        }
        Resource::Evidence(id) => match q::report_of_evidence(conn, id)? {
            Some(report) => {
                let of = q::item_of_report(conn, report)?;
                item(conn, of)?
            }
            None => None,
        },
        Resource::Extension(id) => {
            let of = q::item_of_extension(conn, id)?;
            item(conn, of)?
        }
        Resource::Urging(id) => {
            let of = q::item_of_urging(conn, id)?;
            item(conn, of)?
        }
        Resource::Division(id) => q::owner_of_division(conn, id)?,
        Resource::User(id) => q::owner_of_user(conn, id)?,
    })
}

/// The agency tree.
pub fn tree(conn: &mut DbConnection) -> Result<Vec<Node>, AppError> {
    Ok(q::nodes(conn)?
        .into_iter()
        .map(|(id, parent_id)| Node { id, parent_id })
        .collect())
}

/// What the caller's own agency is to `owner`.
pub fn relation_to(
    conn: &mut DbConnection,
    caller: &Caller,
    owner: i32,
) -> Result<Relation, AppError> {
    if owner == caller.home_agency_id {
        return Ok(Relation::Own);
    }
    let nodes = tree(conn)?;
    let unit = q::unit_of(conn, caller.home_agency_id)?;
    Ok(unit::relation(&nodes, caller.home_agency_id, owner, unit))
}

/// The caller as they act in the agency that owns `owner`, or "not found" when they do not
/// see it at all.
pub fn in_agency(
    conn: &mut DbConnection,
    caller: &Caller,
    owner: i32,
    what: &'static str,
) -> Result<Caller, AppError> {
    let home = caller.home();
    let relation = relation_to(conn, &home, owner)?;
    let actor = unit::actor_in(home.actor(), relation).ok_or(AppError::NotFound(what))?;
    Ok(Caller {
        role: actor.role,
        division_id: actor.division_id,
        agency_id: owner,
        ..home
    })
}

/// The caller scoped to the record a request is about.
pub fn scope(
    conn: &mut DbConnection,
    caller: &Caller,
    resource: Resource,
) -> Result<Caller, AppError> {
    let what = match resource {
        Resource::Plan(_) => "计划",
        Resource::Item(_) => "事项",
        Resource::Report(_) => "报告",
        Resource::Evidence(_) => "佐证材料",
        Resource::Extension(_) => "延期申请",
        Resource::Urging(_) => "督办",
        Resource::Division(_) => "处室",
        Resource::User(_) => "用户",
    };
    match owner(conn, resource)? {
        Some(owner) => in_agency(conn, caller, owner, what),
        None => Ok(caller.clone()),
    }
}

/// The agencies whose plans the caller sees, their own first: their own agency; the agency
/// directly above, when they are its office and their agency is one of its units; and every
/// agency below theirs, unless they are division staff.
pub fn plan_agencies(conn: &mut DbConnection, caller: &Caller) -> Result<Vec<i32>, AppError> {
    let nodes = tree(conn)?;
    let me = caller.home();
    let home = me.home_agency_id;
    let mut seen = vec![home];
    if nodes.len() <= 1 {
        return Ok(seen);
    }
    let unit = q::unit_of(conn, home)?;
    for n in &nodes {
        if n.id == home {
            continue;
        }
        let actor = unit::actor_in(me.actor(), unit::relation(&nodes, home, n.id, unit));
        if actor.is_some() {
            seen.push(n.id);
        }
    }
    Ok(seen)
}

/// The agency whose unit `division_id` stands for, if it stands for one.
pub fn agency_of_unit(conn: &mut DbConnection, division_id: i32) -> Result<Option<i32>, AppError> {
    Ok(queries::divisions::get(conn, division_id)?.and_then(|d| d.unit_agency_id))
}
