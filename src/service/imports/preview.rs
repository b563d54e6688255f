//! The dry run: a file read and reported against the directory, and what it would change
//! in the plan it revises.

use serde::Serialize;

use super::commit::{
    current_facts, draft_facts_one, file_hash, target_plan, title_of, CommitOptions,
};
use super::names::{name_reports, NameReport};
use crate::db::models::Division;
use crate::db::queries;
use crate::db::DbConnection;
use crate::domain::revision::{self, Change, ItemFacts};
use crate::error::AppError;
use crate::import::{self, ImportError, ImportOptions, PlanDraft};

/// The dry-run document plus how the plan's division names meet the directory.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Preview {
    #[serde(flatten)]
    pub draft: PlanDraft,
    pub divisions: Vec<NameReport>,
    /// When the plan exists already: what committing this file would change in it.
    pub revision: Option<RevisionPreview>,
    /// When the plan revised was handed down from a plan above: how the file's items meet
    /// the upper items given to the agency.
    pub upper: Option<crate::service::cascade::UpperMatchPreview>,
}

/// What a commit would do to an existing plan.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RevisionPreview {
    pub plan_id: i32,
    pub title: String,
    /// The same file was imported before: committing changes nothing.
    pub identical: bool,
    pub changes: Vec<Change>,
}

/// Reads a file and reports it against the directory (empty when there is none).
pub fn preview(
    bytes: &[u8],
    file_name: &str,
    opts: &ImportOptions,
    directory: &[Division],
) -> Result<Preview, ImportError> {
    // Names the directory knows are never doubted in the preview's warnings.
    let mut opts = opts.clone();
    opts.known_names = directory
        .iter()
        .flat_map(|d| std::iter::once(d.name.clone()).chain(d.alias_list().iter().cloned()))
        .collect();
    let draft = import::read_plan(bytes, file_name, &opts)?;
    let divisions = name_reports(&draft, directory);
    Ok(Preview {
        draft,
        divisions,
        revision: None,
        upper: None,
    })
}

/// Previews against the database: the directory, and the plan this file would revise.
pub fn preview_in_db(
    conn: &mut DbConnection,
    agency_id: i32,
    bytes: &[u8],
    file_name: &str,
    opts: &ImportOptions,
    commit: &CommitOptions,
) -> Result<Preview, AppError> {
    let directory = queries::divisions::of_agency(conn, agency_id)?;
    let mut p = preview(bytes, file_name, opts, &directory)?;
    let title = title_of(&p.draft, opts.year, commit);
    if let Some(plan) = target_plan(conn, agency_id, opts.year, &title, commit.plan_id)? {
        let sha = file_hash(bytes);
        let current: Vec<ItemFacts> = current_facts(conn, plan.id)?
            .into_iter()
            .map(|(_, f)| f)
            .collect();
        let revised: Vec<ItemFacts> = p.draft.items.iter().map(draft_facts_one).collect();
        p.revision = Some(RevisionPreview {
            plan_id: plan.id,
            title: plan.title.clone(),
            identical: plan.source_sha256.as_deref() == Some(sha.as_str()),
            changes: revision::diff(&current, &revised),
        });
        p.upper = crate::service::cascade::match_import(conn, &plan, &revised)?;
    }
    Ok(p)
}
