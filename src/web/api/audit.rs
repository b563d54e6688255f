//! /audit: the append-only trail (office only).

use actix_web::get;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::db::models::AuditEntry;
use crate::service::trail::{self, AuditFilter};
use crate::web::auth::ApiUser;
use crate::web::error::ApiError;
use crate::web::AppState;

/// Which entries to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// `user`, `division`, `plan`, `item`, …
    pub entity: Option<String>,
    pub entity_id: Option<i32>,
    pub actor_id: Option<i32>,
    /// Entries older than this id (for paging).
    pub before_id: Option<i32>,
    /// At most this many (default 100, at most 500).
    pub limit: Option<i64>,
}

impl From<AuditQuery> for AuditFilter {
    fn from(q: AuditQuery) -> Self {
        AuditFilter {
            entity: q.entity.filter(|s| !s.is_empty()),
            entity_id: q.entity_id,
            actor_id: q.actor_id,
            before_id: q.before_id,
            limit: q.limit.unwrap_or(100),
            ..Default::default()
        }
    }
}

/// The newest matching entries, newest first.
#[utoipa::path(operation_id = "listAuditEntries", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Vec<AuditEntry>), (status = 403, body = super::ErrorBody)),
    security(("bearer" = [])))]
#[get("/audit", name = "listAuditEntries")]
pub async fn list(
    state: web::Data<AppState>,
    user: ApiUser,
    q: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = AuditFilter::from(q.into_inner());
    let rows = state
        .db
        .read(move |c| trail::list(c, &user.caller, &filter))
        .await?;
    Ok(HttpResponse::Ok().json(rows))
}
