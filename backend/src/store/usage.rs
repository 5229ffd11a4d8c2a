//! AI usage records (written by the provider layer of the next issue; read by admins).

use cairn_protocol::admin::UsageRow;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Result, Store, with_pool, with_writer};

#[derive(Clone, Debug)]
pub struct UsageRecord<'a> {
    pub user_id: Uuid,
    pub token_id: Option<Uuid>,
    pub provider: &'a str,
    pub model: &'a str,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub latency_ms: Option<i64>,
    pub at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct UsageSum {
    user_id: Uuid,
    username: String,
    requests: i64,
    tokens_in: i64,
    tokens_out: i64,
}

impl Store {
    pub async fn record_usage(&self, usage: &UsageRecord<'_>) -> Result<()> {
        with_writer!(self, pool => sqlx::query(
            "INSERT INTO usage (user_id, token_id, provider, model, tokens_in, tokens_out, \
             latency_ms, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(usage.user_id)
        .bind(usage.token_id)
        .bind(usage.provider)
        .bind(usage.model)
        .bind(usage.tokens_in)
        .bind(usage.tokens_out)
        .bind(usage.latency_ms)
        .bind(usage.at)
        .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Per user since `since`, the heaviest users first.
    pub async fn usage_since(&self, since: DateTime<Utc>) -> Result<Vec<UsageRow>> {
        let rows: Vec<UsageSum> = with_pool!(self, pool => sqlx::query_as(
            "SELECT u.user_id, users.username, COUNT(*) AS requests, \
             CAST(COALESCE(SUM(u.tokens_in), 0) AS BIGINT) AS tokens_in, \
             CAST(COALESCE(SUM(u.tokens_out), 0) AS BIGINT) AS tokens_out \
             FROM usage u JOIN users ON users.id = u.user_id \
             WHERE u.created_at >= $1 \
             GROUP BY u.user_id, users.username \
             ORDER BY COALESCE(SUM(u.tokens_in), 0) + COALESCE(SUM(u.tokens_out), 0) DESC, users.username",
        )
        .bind(since)
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|r| UsageRow {
                user_id: r.user_id,
                username: r.username,
                requests: r.requests,
                tokens_in: r.tokens_in,
                tokens_out: r.tokens_out,
            })
            .collect())
    }
}
