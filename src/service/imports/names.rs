//! How the names written in a plan meet the directory: lookup, the preview's name reports,
//! and at commit the office's decisions (create a division, map to one as an alias, or keep
//! a placeholder).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::commit::{CommitOptions, CommitResult};
use crate::db::models::Division;
use crate::db::queries;
use crate::db::WriteTx;
use crate::domain::division::DivisionKind;
use crate::domain::responsible::NameKind;
use crate::error::AppError;
use crate::import::{self, PlanDraft};
use crate::service::{directory, Caller};

/// How a name written in the plan stands against the directory.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum NameStatus {
    /// A directory entry answers to it (by name or alias).
    Known { division_id: i32, division: String },
    /// Not in the directory: the office decides (create, map, or keep as placeholder).
    Unknown,
    /// 各处室 / 局属各单位: all divisions of a kind, expanded at commit.
    Group,
    /// 各有关处室 …: kept as written until the office names real divisions.
    Placeholder,
}

/// One distinct division name of the draft and its standing.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NameReport {
    pub name: String,
    #[serde(flatten)]
    pub status: NameStatus,
    /// How many items name it.
    pub items: usize,
}

/// The directory entry a written name means: itself, an alias, or (for 甲处（乙处）) either name.
fn lookup<'a>(directory: &'a [Division], name: &str) -> Option<&'a Division> {
    let by = |n: &str| {
        directory
            .iter()
            .find(|d| d.name == n || d.alias_list().iter().any(|a| a == n))
    };
    by(name).or_else(|| {
        let (outer, inner) = split_second_name(name)?;
        by(outer).or_else(|| by(inner))
    })
}

/// 体育产业处（保卫处） → (体育产业处, 保卫处).
fn split_second_name(name: &str) -> Option<(&str, &str)> {
    let open = name.find(['（', '('])?;
    let close = name.rfind(['）', ')'])?;
    let inner = &name[open..close];
    let inner = inner.trim_start_matches(['（', '(']);
    (close > open).then(|| (name[..open].trim(), inner.trim()))
}

fn names_of(draft: &PlanDraft) -> BTreeMap<String, usize> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for item in &draft.items {
        for n in item.lead.iter().chain(&item.support) {
            *counts.entry(n.clone()).or_default() += 1;
        }
    }
    counts
}

/// Where each written name stands against `directory`.
pub fn name_reports(draft: &PlanDraft, directory: &[Division]) -> Vec<NameReport> {
    names_of(draft)
        .into_iter()
        .map(|(name, items)| {
            let status = match import::name_kind(&name) {
                NameKind::Group => NameStatus::Group,
                NameKind::Placeholder => NameStatus::Placeholder,
                NameKind::Division => match lookup(directory, &name) {
                    Some(d) => NameStatus::Known {
                        division_id: d.id,
                        division: d.name.clone(),
                    },
                    None => NameStatus::Unknown,
                },
            };
            NameReport {
                name,
                status,
                items,
            }
        })
        .collect()
}

/// What the office decided for a name the directory does not know.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum NameDecision {
    /// Add it to the directory as a division of this kind.
    Create { kind: DivisionKind },
    /// It is another name of this division (recorded as an alias).
    MapTo { division_id: i32 },
    /// Keep it as written, as a placeholder for the office to resolve later.
    Placeholder,
}

/// Turns every written name into a directory id, group or placeholder, applying the
/// office's decisions (unknown names without one become internal divisions).
pub(super) fn resolve_names(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    draft: &PlanDraft,
    opts: &CommitOptions,
    result: &mut CommitResult,
) -> Result<HashMap<String, Resolved>, AppError> {
    let directory = queries::divisions::of_agency(tx, caller.agency_id)?;
    let mut resolved: HashMap<String, Resolved> = HashMap::new();
    for report in name_reports(draft, &directory) {
        let r = match report.status {
            NameStatus::Known { division_id, .. } => Resolved::Division(division_id),
            NameStatus::Group => Resolved::Group(group_kind(&report.name)),
            NameStatus::Placeholder => {
                result.placeholders.push(report.name.clone());
                Resolved::Placeholder
            }
            NameStatus::Unknown => match opts.decisions.get(&report.name) {
                Some(NameDecision::Placeholder) => {
                    result.placeholders.push(report.name.clone());
                    Resolved::Placeholder
                }
                Some(NameDecision::MapTo { division_id }) => {
                    Resolved::Division(add_alias(tx, caller, *division_id, &report.name)?)
                }
                Some(NameDecision::Create { kind }) => Resolved::Division(create_division(
                    tx,
                    caller,
                    &report.name,
                    *kind,
                    &mut result.new_divisions,
                )?),
                None => Resolved::Division(create_division(
                    tx,
                    caller,
                    &report.name,
                    DivisionKind::Internal,
                    &mut result.new_divisions,
                )?),
            },
        };
        resolved.insert(report.name, r);
    }
    Ok(resolved)
}

/// A written name after the office's decisions.
#[derive(Debug, Clone, Copy)]
pub(super) enum Resolved {
    Division(i32),
    Group(DivisionKind),
    Placeholder,
}

fn group_kind(name: &str) -> DivisionKind {
    if name.contains("单位") {
        DivisionKind::Subordinate
    } else {
        DivisionKind::Internal
    }
}

fn create_division(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    name: &str,
    kind: DivisionKind,
    created: &mut Vec<String>,
) -> Result<i32, AppError> {
    // 体育产业处（保卫处） is one division with a second name: the name, and the other as alias.
    let (name, aliases) = match split_second_name(name) {
        Some((outer, inner)) if !outer.is_empty() && !inner.is_empty() => {
            (outer, vec![inner.to_string()])
        }
        _ => (name, Vec::new()),
    };
    let d = directory::create(
        tx,
        caller,
        &directory::NewDivisionInput {
            name: name.to_string(),
            aliases,
            kind,
        },
    )?;
    created.push(d.name);
    Ok(d.id)
}

fn add_alias(
    tx: &mut WriteTx<'_>,
    caller: &Caller,
    division_id: i32,
    alias: &str,
) -> Result<i32, AppError> {
    let d = queries::divisions::get(tx, division_id)?
        .ok_or_else(|| AppError::invalid("decisions", format!("“{alias}”要对应的处室不存在")))?;
    let mut aliases = d.alias_list().to_vec();
    if !aliases.iter().any(|a| a == alias) && d.name != alias {
        aliases.push(alias.to_string());
        directory::update(
            tx,
            caller,
            division_id,
            &directory::DivisionPatch {
                version: d.version,
                aliases: Some(aliases),
                ..Default::default()
            },
        )?;
    }
    Ok(division_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_names() {
        assert_eq!(
            split_second_name("体育产业处（保卫处）"),
            Some(("体育产业处", "保卫处"))
        );
        assert_eq!(split_second_name("办公室"), None);
    }
}
