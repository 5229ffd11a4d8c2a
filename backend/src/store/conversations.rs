//! Conversations and messages, always filtered by their owner. Ids are UUIDv7, so id order
//! is creation order and a page cursor is the last id seen.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Db, PageRequest, Result, Store, StoreError, split_page, sql, with_pool, with_writer};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ConversationRecord {
    pub id: Uuid,
    pub user_id: Uuid,
    pub title: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct MessageRecord {
    pub id: Uuid,
    pub conversation_id: Uuid,
    pub role: String,
    pub content: String,
    pub model: Option<String>,
    pub provider: Option<String>,
    pub tokens_in: Option<i64>,
    pub tokens_out: Option<i64>,
    pub latency_ms: Option<i64>,
    pub created_at: DateTime<Utc>,
}

pub struct NewMessage<'a> {
    pub id: Uuid,
    pub conversation_id: Uuid,
    pub owner: Uuid,
    pub role: &'a str,
    pub content: &'a str,
    pub model: Option<&'a str>,
    pub provider: Option<&'a str>,
    pub tokens_in: Option<i64>,
    pub tokens_out: Option<i64>,
    pub latency_ms: Option<i64>,
    pub now: DateTime<Utc>,
}

const CONVERSATION_COLUMNS: &str = "id, user_id, title, created_at, updated_at";
const MESSAGE_COLUMNS: &str = "id, conversation_id, role, content, model, provider, tokens_in, \
                               tokens_out, latency_ms, created_at";

impl Store {
    pub async fn create_conversation(
        &self,
        owner: Uuid,
        id: Uuid,
        title: &str,
        now: DateTime<Utc>,
    ) -> Result<ConversationRecord> {
        let sql_text = format!(
            "INSERT INTO conversations (id, user_id, title, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4) RETURNING {CONVERSATION_COLUMNS}"
        );
        Ok(with_writer!(self, pool => sqlx::query_as(sql(sql_text))
            .bind(id)
            .bind(owner)
            .bind(title)
            .bind(now)
            .fetch_one(pool)
            .await)?)
    }

    /// The owner's conversations, newest first.
    pub async fn conversations(
        &self,
        owner: Uuid,
        page: PageRequest<Uuid>,
    ) -> Result<(Vec<ConversationRecord>, bool)> {
        let sql_text = format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations \
             WHERE user_id = $1 AND ($2 IS NULL OR id < $2) ORDER BY id DESC LIMIT $3"
        );
        let rows: Vec<ConversationRecord> = with_pool!(self, pool => sqlx::query_as(sql(sql_text))
            .bind(owner)
            .bind(page.before)
            .bind(page.fetch())
            .fetch_all(pool)
            .await)?;
        Ok(split_page(rows, page.limit))
    }

    /// The owner's conversations whose title or any message contains every one of `words`
    /// (whole words, case-insensitive), newest first. PostgreSQL: `tsvector` columns with
    /// the 'simple' configuration; SQLite: the FTS5 tables. Each word is passed as a
    /// quoted phrase / plain lexeme, so no query syntax reaches the engine.
    pub async fn search_conversations(
        &self,
        owner: Uuid,
        words: &[String],
        page: PageRequest<Uuid>,
    ) -> Result<(Vec<ConversationRecord>, bool)> {
        if words.is_empty() {
            return Ok((Vec::new(), false));
        }
        let rows: Vec<ConversationRecord> = match &self.db {
            Db::Postgres(pool) => {
                let sql_text = format!(
                    "SELECT {CONVERSATION_COLUMNS} FROM conversations c \
                     WHERE c.user_id = $1 AND ($2 IS NULL OR c.id < $2) \
                     AND (c.search @@ plainto_tsquery('simple', $3) OR EXISTS ( \
                         SELECT 1 FROM messages m WHERE m.conversation_id = c.id \
                         AND m.search @@ plainto_tsquery('simple', $3))) \
                     ORDER BY c.id DESC LIMIT $4"
                );
                sqlx::query_as(sql(sql_text))
                    .bind(owner)
                    .bind(page.before)
                    .bind(words.join(" "))
                    .bind(page.fetch())
                    .fetch_all(pool)
                    .await?
            }
            Db::Sqlite { read: pool, .. } => {
                let query = words
                    .iter()
                    .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
                    .collect::<Vec<_>>()
                    .join(" ");
                let sql_text = format!(
                    "SELECT {CONVERSATION_COLUMNS} FROM conversations c \
                     WHERE c.user_id = $1 AND ($2 IS NULL OR c.id < $2) \
                     AND (c.seq IN (SELECT rowid FROM conversations_fts \
                                    WHERE conversations_fts MATCH $3) \
                          OR c.id IN (SELECT m.conversation_id FROM messages m \
                                      WHERE m.user_id = $1 AND m.seq IN ( \
                                          SELECT rowid FROM messages_fts \
                                          WHERE messages_fts MATCH $3))) \
                     ORDER BY c.id DESC LIMIT $4"
                );
                sqlx::query_as(sql(sql_text))
                    .bind(owner)
                    .bind(page.before)
                    .bind(query)
                    .bind(page.fetch())
                    .fetch_all(pool)
                    .await?
            }
        };
        Ok(split_page(rows, page.limit))
    }

    pub async fn conversation(&self, owner: Uuid, id: Uuid) -> Result<Option<ConversationRecord>> {
        let sql_text = format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id = $1 AND user_id = $2"
        );
        Ok(with_pool!(self, pool => sqlx::query_as(sql(sql_text))
            .bind(id)
            .bind(owner)
            .fetch_optional(pool)
            .await)?)
    }

    pub async fn rename_conversation(
        &self,
        owner: Uuid,
        id: Uuid,
        title: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ConversationRecord>> {
        let sql_text = format!(
            "UPDATE conversations SET title = $3, updated_at = $4 \
             WHERE id = $1 AND user_id = $2 RETURNING {CONVERSATION_COLUMNS}"
        );
        Ok(with_writer!(self, pool => sqlx::query_as(sql(sql_text))
            .bind(id)
            .bind(owner)
            .bind(title)
            .bind(now)
            .fetch_optional(pool)
            .await)?)
    }

    /// Deletes a conversation with its messages; false when the owner has no such one.
    pub async fn delete_conversation(&self, owner: Uuid, id: Uuid) -> Result<bool> {
        let done = with_writer!(self, pool => sqlx::query(
            "DELETE FROM conversations WHERE id = $1 AND user_id = $2",
        )
        .bind(id)
        .bind(owner)
        .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }

    /// Appends a message to the owner's conversation (and bumps its `updated_at`); `None`
    /// when the owner has no such conversation.
    pub async fn add_message(&self, new: NewMessage<'_>) -> Result<Option<MessageRecord>> {
        let sql_text = format!(
            "INSERT INTO messages (id, conversation_id, user_id, role, content, model, provider, \
             tokens_in, tokens_out, latency_ms, created_at) \
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 \
             WHERE EXISTS (SELECT 1 FROM conversations WHERE id = $2 AND user_id = $3) \
             RETURNING {MESSAGE_COLUMNS}"
        );
        with_writer!(self, pool => {
            let mut tx = pool.begin().await?;
            let message: Option<MessageRecord> = sqlx::query_as(sql(sql_text))
                .bind(new.id)
                .bind(new.conversation_id)
                .bind(new.owner)
                .bind(new.role)
                .bind(new.content)
                .bind(new.model)
                .bind(new.provider)
                .bind(new.tokens_in)
                .bind(new.tokens_out)
                .bind(new.latency_ms)
                .bind(new.now)
                .fetch_optional(&mut *tx)
                .await?;
            if message.is_some() {
                sqlx::query("UPDATE conversations SET updated_at = $2 WHERE id = $1")
                    .bind(new.conversation_id)
                    .bind(new.now)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok::<_, StoreError>(message)
        })
    }

    /// Messages of the owner's conversation, newest first (the caller has checked that the
    /// conversation is the owner's; the owner filter here is the second line of defence).
    pub async fn messages(
        &self,
        owner: Uuid,
        conversation_id: Uuid,
        page: PageRequest<Uuid>,
    ) -> Result<(Vec<MessageRecord>, bool)> {
        let sql_text = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages \
             WHERE conversation_id = $1 AND user_id = $2 AND ($3 IS NULL OR id < $3) \
             ORDER BY id DESC LIMIT $4"
        );
        let rows: Vec<MessageRecord> = with_pool!(self, pool => sqlx::query_as(sql(sql_text))
            .bind(conversation_id)
            .bind(owner)
            .bind(page.before)
            .bind(page.fetch())
            .fetch_all(pool)
            .await)?;
        Ok(split_page(rows, page.limit))
    }
}
