//! Sign-in sessions and their refresh tokens. A session is one refresh-token *family*: every
//! refresh marks the presented token used and adds its successor; presenting a used token
//! again is theft or a bug, and revokes the whole family.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Result, Store, with_pool, with_writer};

/// One INSERT for both pools and for a pool or a transaction (a macro: sqlx's executor
/// bounds spelled out generically would say less than this).
macro_rules! insert_refresh {
    ($executor:expr, $token:expr) => {{
        let token = $token;
        sqlx::query(
            "INSERT INTO refresh_tokens (id, family_id, user_id, token_hash, created_at, \
             expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token.id)
        .bind(token.family_id)
        .bind(token.user_id)
        .bind(token.token_hash)
        .bind(token.now)
        .bind(token.expires_at)
        .execute($executor)
        .await
        .map(|_| ())
    }};
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRecord {
    pub id: Uuid,
    pub user_id: Uuid,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub struct NewRefreshToken<'a> {
    pub id: Uuid,
    pub family_id: Uuid,
    pub user_id: Uuid,
    pub token_hash: &'a [u8],
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefreshClaim {
    /// The token was live and is now used: issue its successor in `family_id`.
    Claimed { family_id: Uuid, user_id: Uuid },
    /// The token had already been used: the family is now revoked.
    Reused { family_id: Uuid, user_id: Uuid },
    /// Unknown, expired or revoked.
    Invalid,
}

#[derive(sqlx::FromRow)]
struct TokenState {
    family_id: Uuid,
    user_id: Uuid,
    used_at: Option<DateTime<Utc>>,
}

impl Store {
    /// Starts a session with its first refresh token.
    pub async fn create_session(
        &self,
        client: Option<&str>,
        token: NewRefreshToken<'_>,
    ) -> Result<()> {
        with_writer!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO sessions (id, user_id, client, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(token.family_id)
            .bind(token.user_id)
            .bind(client)
            .bind(token.now)
            .execute(&mut *tx)
            .await?;
            insert_refresh!(&mut *tx, &token)?;
            tx.commit().await?;
            Ok(())
        })
    }

    pub async fn add_refresh_token(&self, token: NewRefreshToken<'_>) -> Result<()> {
        Ok(with_writer!(self, pool => insert_refresh!(pool, &token))?)
    }

    /// Marks a live refresh token used, atomically (one UPDATE: of two concurrent refreshes
    /// with the same token exactly one wins, the other is a reuse).
    pub async fn claim_refresh_token(
        &self,
        token_hash: &[u8],
        now: DateTime<Utc>,
    ) -> Result<RefreshClaim> {
        let claimed: Option<(Uuid, Uuid)> = with_writer!(self, pool => sqlx::query_as(
            "UPDATE refresh_tokens SET used_at = $2 \
             WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL \
             AND expires_at > $2 RETURNING family_id, user_id",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(pool)
        .await)?;
        if let Some((family_id, user_id)) = claimed {
            return Ok(RefreshClaim::Claimed { family_id, user_id });
        }
        let state: Option<TokenState> = with_pool!(self, pool => sqlx::query_as(
            "SELECT family_id, user_id, used_at FROM refresh_tokens WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(pool)
        .await)?;
        match state {
            Some(state) if state.used_at.is_some() => {
                self.revoke_session(state.family_id, now).await?;
                Ok(RefreshClaim::Reused {
                    family_id: state.family_id,
                    user_id: state.user_id,
                })
            }
            _ => Ok(RefreshClaim::Invalid),
        }
    }

    /// The session a refresh token belongs to, whatever its state (for logout).
    pub async fn refresh_token_session(&self, token_hash: &[u8]) -> Result<Option<Uuid>> {
        let row: Option<(Uuid,)> = with_pool!(self, pool => sqlx::query_as(
            "SELECT family_id FROM refresh_tokens WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(pool)
        .await)?;
        Ok(row.map(|(id,)| id))
    }

    pub async fn session(&self, id: Uuid) -> Result<Option<SessionRecord>> {
        Ok(with_pool!(self, pool => sqlx::query_as(
            "SELECT id, user_id, revoked_at FROM sessions WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await)?)
    }

    /// Revokes a session and every refresh token of its family; true when it was live.
    pub async fn revoke_session(&self, id: Uuid, now: DateTime<Utc>) -> Result<bool> {
        with_writer!(self, pool => {
            let mut tx = pool.begin().await?;
            let done = sqlx::query(
                "UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            )
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            sqlx::query(
                "UPDATE refresh_tokens SET revoked_at = $2 \
                 WHERE family_id = $1 AND revoked_at IS NULL",
            )
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(done > 0)
        })
    }

    /// Revokes every live session of a user; returns their ids (to drop cached copies).
    pub async fn revoke_user_sessions(
        &self,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Vec<Uuid>> {
        with_writer!(self, pool => {
            let mut tx = pool.begin().await?;
            let ids: Vec<(Uuid,)> = sqlx::query_as(
                "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL \
                 RETURNING id",
            )
            .bind(user_id)
            .bind(now)
            .fetch_all(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE refresh_tokens SET revoked_at = $2 \
                 WHERE user_id = $1 AND revoked_at IS NULL",
            )
            .bind(user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(ids.into_iter().map(|(id,)| id).collect())
        })
    }
}

impl Store {
    /// Drops refresh tokens that expired more than a day ago, and sessions left with none
    /// (their access tokens expired long before); returns how many tokens went.
    pub async fn purge_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64> {
        let cutoff = now - chrono::Duration::days(1);
        with_writer!(self, pool => {
            let mut tx = pool.begin().await?;
            let tokens = sqlx::query("DELETE FROM refresh_tokens WHERE expires_at < $1")
                .bind(cutoff)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            sqlx::query(
                "DELETE FROM sessions WHERE created_at < $1 AND NOT EXISTS \
                 (SELECT 1 FROM refresh_tokens r WHERE r.family_id = sessions.id)",
            )
            .bind(cutoff)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(tokens)
        })
    }
}
