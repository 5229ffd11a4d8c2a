//! Invitations for invite-only registration (claimed in `register_user`).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Result, Store, with_writer};

impl Store {
    pub async fn create_invite(
        &self,
        id: Uuid,
        code_hash: &[u8],
        created_by: Uuid,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        with_writer!(self, pool => sqlx::query(
            "INSERT INTO invites (id, code_hash, created_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(code_hash)
        .bind(created_by)
        .bind(now)
        .bind(expires_at)
        .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }
}
