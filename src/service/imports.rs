//! Plan import: preview a file against the directory, then commit it in one transaction.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{audit, Audit, Caller};
use crate::db::models::{Division, NewAssignment, NewItem, NewPlan};
use crate::db::queries;
use crate::db::DbConnection;
use crate::domain::division::DivisionKind;
use crate::domain::responsible::NameKind;
use crate::error::AppError;
use crate::import::{self, DraftItem, ImportError, ImportOptions, PlanDraft};

impl From<ImportError> for AppError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::TooLarge { limit } => AppError::TooLarge { limit },
            other => AppError::invalid("file", other.to_string()),
        }
    }
}

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

/// The dry-run document plus how the plan's division names meet the directory.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Preview {
    #[serde(flatten)]
    pub draft: PlanDraft,
    pub divisions: Vec<NameReport>,
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

/// Reads a file and reports it against the directory (empty when there is none).
pub fn preview(
    bytes: &[u8],
    file_name: &str,
    opts: &ImportOptions,
    directory: &[Division],
) -> Result<Preview, ImportError> {
    let draft = import::read_plan(bytes, file_name, opts)?;
    let divisions = name_reports(&draft, directory);
    Ok(Preview { draft, divisions })
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

/// The commit's settings.
#[derive(Debug, Clone, Default)]
pub struct CommitOptions {
    pub title: Option<String>,
    /// Decisions per unknown name; unknown names without one are created as internal divisions.
    pub decisions: HashMap<String, NameDecision>,
}

/// What a commit did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CommitResult {
    /// The plan's id.
    pub id: i32,
    pub title: String,
    pub year: i32,
    /// False when the same file had already been imported (nothing was written).
    pub changed: bool,
    pub items_added: usize,
    /// Names added to the directory by this import.
    pub new_divisions: Vec<String>,
    /// Names kept as placeholders for the office to resolve.
    pub placeholders: Vec<String>,
    pub warnings: usize,
}

/// The file's SHA-256, which recognises a repeated import of the same file.
pub fn file_hash(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Commits a previewed draft as a new plan, all in the caller's transaction.
pub fn commit(
    conn: &mut DbConnection,
    caller: &Caller,
    draft: &PlanDraft,
    year: i32,
    sha256: &str,
    opts: &CommitOptions,
) -> Result<CommitResult, AppError> {
    caller.require_office()?;
    let title = opts
        .title
        .clone()
        .or_else(|| draft.title.clone())
        .unwrap_or_else(|| format!("{year}年政务公开工作要点"))
        .trim()
        .to_string();
    if let Some(existing) = queries::plans::by_year_and_title(conn, year, &title)? {
        if existing.source_sha256.as_deref() == Some(sha256) {
            return Ok(CommitResult {
                id: existing.id,
                title,
                year,
                changed: false,
                items_added: 0,
                new_divisions: Vec::new(),
                placeholders: Vec::new(),
                warnings: draft.warnings.len(),
            });
        }
        return Err(AppError::Conflict(format!(
            "{year} 年已有计划“{title}”（编号 {}），内容与本文件不同；请换一个标题导入为新计划",
            existing.id
        )));
    }
    let now = queries::now();
    let format = serde_json::to_value(draft.source.format)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string));
    let plan = queries::plans::insert(
        conn,
        &NewPlan {
            year,
            title: &title,
            document_number: None,
            source_file: Some(&draft.source.file),
            source_format: format.as_deref(),
            source_sha256: Some(sha256),
            version: 1,
            created_by: caller.user_id,
            created_at: now,
            updated_at: now,
        },
    )
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => AppError::Conflict(format!("{year} 年已有名为“{title}”的计划")),
        other => other,
    })?;

    // Names → directory ids (creating or aliasing as decided), or placeholders.
    let mut directory = queries::divisions::list(conn)?;
    let mut new_divisions = Vec::new();
    let mut placeholders = Vec::new();
    let mut resolved: HashMap<String, Resolved> = HashMap::new();
    for report in name_reports(draft, &directory) {
        let r = match report.status {
            NameStatus::Known { division_id, .. } => Resolved::Division(division_id),
            NameStatus::Group => Resolved::Group(group_kind(&report.name)),
            NameStatus::Placeholder => {
                placeholders.push(report.name.clone());
                Resolved::Placeholder
            }
            NameStatus::Unknown => match opts.decisions.get(&report.name) {
                Some(NameDecision::Placeholder) => {
                    placeholders.push(report.name.clone());
                    Resolved::Placeholder
                }
                Some(NameDecision::MapTo { division_id }) => {
                    let d = add_alias(conn, caller, *division_id, &report.name)?;
                    Resolved::Division(d)
                }
                Some(NameDecision::Create { kind }) => Resolved::Division(create_division(
                    conn,
                    caller,
                    &report.name,
                    *kind,
                    &mut new_divisions,
                )?),
                None => Resolved::Division(create_division(
                    conn,
                    caller,
                    &report.name,
                    DivisionKind::Internal,
                    &mut new_divisions,
                )?),
            },
        };
        resolved.insert(report.name, r);
    }
    directory = queries::divisions::list(conn)?;

    let mut section_ids: HashMap<Vec<String>, i32> = HashMap::new();
    for (position, item) in draft.items.iter().enumerate() {
        let section_id = section_for(conn, plan.id, &item.section, &mut section_ids)?;
        insert_item(
            conn,
            plan.id,
            section_id,
            position as i32 + 1,
            item,
            &resolved,
            &directory,
        )?;
    }
    let result = CommitResult {
        id: plan.id,
        title,
        year,
        changed: true,
        items_added: draft.items.len(),
        new_divisions,
        placeholders,
        warnings: draft.warnings.len(),
    };
    audit::<(), _>(
        conn,
        caller,
        Audit {
            entity: "plan",
            entity_id: Some(plan.id),
            action: "import",
            acting_for: None,
        },
        None,
        Some(&result),
    )?;
    Ok(result)
}

/// A written name after the office's decisions.
#[derive(Debug, Clone, Copy)]
enum Resolved {
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
    conn: &mut DbConnection,
    caller: &Caller,
    name: &str,
    kind: DivisionKind,
    created: &mut Vec<String>,
) -> Result<i32, AppError> {
    let d = super::directory::create(
        conn,
        caller,
        &super::directory::NewDivisionInput {
            name: name.to_string(),
            aliases: Vec::new(),
            kind,
        },
    )?;
    created.push(d.name);
    Ok(d.id)
}

fn add_alias(
    conn: &mut DbConnection,
    caller: &Caller,
    division_id: i32,
    alias: &str,
) -> Result<i32, AppError> {
    let d = queries::divisions::get(conn, division_id)?
        .ok_or_else(|| AppError::invalid("decisions", format!("“{alias}”要对应的处室不存在")))?;
    let mut aliases = d.alias_list();
    if !aliases.iter().any(|a| a == alias) && d.name != alias {
        aliases.push(alias.to_string());
        super::directory::update(
            conn,
            caller,
            division_id,
            &super::directory::DivisionPatch {
                version: d.version,
                aliases: Some(aliases),
                ..Default::default()
            },
        )?;
    }
    Ok(division_id)
}

fn section_for(
    conn: &mut DbConnection,
    plan_id: i32,
    path: &[String],
    known: &mut HashMap<Vec<String>, i32>,
) -> Result<Option<i32>, AppError> {
    let mut parent = None;
    for depth in 1..=path.len() {
        let key = path[..depth].to_vec();
        let id = match known.get(&key) {
            Some(id) => *id,
            None => {
                let id = queries::items::insert_section(
                    conn,
                    plan_id,
                    parent,
                    known.len() as i32 + 1,
                    &path[depth - 1],
                )?;
                known.insert(key, id);
                id
            }
        };
        parent = Some(id);
    }
    Ok(parent)
}

fn insert_item(
    conn: &mut DbConnection,
    plan_id: i32,
    section_id: Option<i32>,
    position: i32,
    item: &DraftItem,
    resolved: &HashMap<String, Resolved>,
    directory: &[Division],
) -> Result<(), AppError> {
    let now = queries::now();
    let deadline =
        serde_json::to_value(&item.deadline).map_err(|e| AppError::Internal(e.to_string()))?;
    let kind = deadline["kind"]
        .as_str()
        .unwrap_or("unspecified")
        .to_string();
    let raw = deadline["raw"].as_str().unwrap_or_default().to_string();
    let due = deadline["due"]
        .as_str()
        .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
    let detail = deadline.to_string();
    let id = queries::items::insert_id(
        conn,
        &NewItem {
            plan_id,
            section_id,
            position,
            number: &item.number,
            task: &item.task,
            requirement: &item.requirement,
            deadline_raw: &raw,
            deadline_kind: &kind,
            deadline_due: due,
            deadline_detail: &detail,
            deadline_inferred: item.deadline_inferred,
            source_sheet: item.source.sheet.as_deref(),
            source_row: Some(item.source.row as i32),
            origin_item_id: None,
            version: 1,
            created_at: now,
            updated_at: now,
        },
    )?;
    let mut taken: Vec<i32> = Vec::new();
    let mut position = 0;
    for (part, names) in [("lead", &item.lead), ("support", &item.support)] {
        for name in names {
            let targets: Vec<(Option<i32>, Option<&str>)> = match resolved.get(name) {
                Some(Resolved::Division(id)) => vec![(Some(*id), None)],
                Some(Resolved::Group(kind)) => {
                    let members: Vec<(Option<i32>, Option<&str>)> = directory
                        .iter()
                        .filter(|d| d.active && d.kind == kind.as_str())
                        .map(|d| (Some(d.id), None))
                        .collect();
                    if members.is_empty() {
                        vec![(None, Some(name.as_str()))]
                    } else {
                        members
                    }
                }
                Some(Resolved::Placeholder) | None => vec![(None, Some(name.as_str()))],
            };
            for (division_id, placeholder) in targets {
                if let Some(d) = division_id {
                    if taken.contains(&d) {
                        continue;
                    }
                    taken.push(d);
                }
                queries::items::insert_assignment(
                    conn,
                    &NewAssignment {
                        item_id: id,
                        role: part,
                        division_id,
                        placeholder,
                        position,
                    },
                )?;
                position += 1;
            }
        }
    }
    for t in &item.targets {
        let v = serde_json::to_value(t).map_err(|e| AppError::Internal(e.to_string()))?;
        queries::items::insert_target(
            conn,
            id,
            v["raw"].as_str().unwrap_or_default(),
            v["min_count"].as_i64().unwrap_or(1) as i32,
            v["unit"].as_str().unwrap_or("次"),
            v["per"].as_str(),
        )?;
    }
    Ok(())
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
