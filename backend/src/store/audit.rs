//! The audit log of security-relevant actions, newest first for admins.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::{PageRequest, Result, Store, split_page, with_pool, with_writer};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct AuditRecord {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub target: Option<String>,
    pub ip: Option<String>,
    pub detail: sqlx::types::Json<Value>,
}

#[derive(Clone, Debug)]
pub struct AuditEvent {
    pub actor_id: Option<Uuid>,
    pub action: &'static str,
    pub target: Option<String>,
    pub ip: Option<String>,
    pub detail: Value,
}

impl Store {
    pub async fn record_audit(&self, event: &AuditEvent, at: DateTime<Utc>) -> Result<()> {
        with_writer!(self, pool => sqlx::query(
            "INSERT INTO audit_log (at, actor_id, action, target, ip, detail) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(at)
        .bind(event.actor_id)
        .bind(event.action)
        .bind(&event.target)
        .bind(&event.ip)
        .bind(sqlx::types::Json(&event.detail))
        .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Newest first, optionally only one action.
    pub async fn audit(
        &self,
        action: Option<&str>,
        page: PageRequest<i64>,
    ) -> Result<(Vec<AuditRecord>, bool)> {
        let rows: Vec<AuditRecord> = with_pool!(self, pool => sqlx::query_as(
            "SELECT id, at, actor_id, action, target, ip, detail FROM audit_log \
             WHERE ($1 IS NULL OR action = $1) AND ($2 IS NULL OR id < $2) \
             ORDER BY id DESC LIMIT $3",
        )
        .bind(action)
        .bind(page.before)
        .bind(page.fetch())
        .fetch_all(pool)
        .await)?;
        Ok(split_page(rows, page.limit))
    }
}
