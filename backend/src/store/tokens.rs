//! Personal access tokens. Only a SHA-256 of the secret is stored (the secret is 256 random
//! bits, so a fast hash is enough: nothing to brute-force).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Result, Store, sql, with_pool, with_writer};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct PatRecord {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub prefix: String,
    /// Space-separated permissions.
    pub scopes: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub struct NewPat<'a> {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: &'a str,
    pub token_hash: &'a [u8],
    pub prefix: &'a str,
    pub scopes: &'a str,
    pub now: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

const PAT_COLUMNS: &str =
    "id, user_id, name, prefix, scopes, created_at, expires_at, last_used_at, revoked_at";

impl Store {
    pub async fn create_pat(&self, new: NewPat<'_>) -> Result<PatRecord> {
        let sql_text = format!(
            "INSERT INTO personal_access_tokens \
             (id, user_id, name, token_hash, prefix, scopes, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {PAT_COLUMNS}"
        );
        Ok(with_writer!(self, pool => sqlx::query_as(sql(sql_text))
            .bind(new.id)
            .bind(new.user_id)
            .bind(new.name)
            .bind(new.token_hash)
            .bind(new.prefix)
            .bind(new.scopes)
            .bind(new.now)
            .bind(new.expires_at)
            .fetch_one(pool)
            .await)?)
    }

    /// A user's tokens that are not revoked, newest first.
    pub async fn pats(&self, user_id: Uuid) -> Result<Vec<PatRecord>> {
        let sql_text = format!(
            "SELECT {PAT_COLUMNS} FROM personal_access_tokens \
             WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id DESC"
        );
        Ok(
            with_pool!(self, pool => sqlx::query_as(sql(sql_text)).bind(user_id).fetch_all(pool).await)?,
        )
    }

    pub async fn pat_by_hash(&self, token_hash: &[u8]) -> Result<Option<PatRecord>> {
        let sql_text =
            format!("SELECT {PAT_COLUMNS} FROM personal_access_tokens WHERE token_hash = $1");
        Ok(with_pool!(self, pool => sqlx::query_as(sql(sql_text))
            .bind(token_hash)
            .fetch_optional(pool)
            .await)?)
    }

    /// Revokes the owner's token; returns its hash (to drop cached copies), `None` when the
    /// owner has no such live token.
    pub async fn revoke_pat(
        &self,
        user_id: Uuid,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Option<Vec<u8>>> {
        let row: Option<(Vec<u8>,)> = with_writer!(self, pool => sqlx::query_as(
            "UPDATE personal_access_tokens SET revoked_at = $3 \
             WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING token_hash",
        )
        .bind(id)
        .bind(user_id)
        .bind(now)
        .fetch_optional(pool)
        .await)?;
        Ok(row.map(|(hash,)| hash))
    }

    pub async fn touch_pat(&self, id: Uuid, now: DateTime<Utc>) -> Result<()> {
        with_writer!(self, pool => sqlx::query(
            "UPDATE personal_access_tokens SET last_used_at = $2 WHERE id = $1",
        )
        .bind(id)
        .bind(now)
        .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }
}
