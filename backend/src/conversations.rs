//! Conversations and their messages, owner-scoped: every call takes the caller and every
//! store query filters on them, so another user's conversation answers 404.

use cairn_protocol::Page;
use cairn_protocol::conversations::{
    Conversation, CreateConversation, Message, MessageRole, UpdateConversation,
};
use serde::Deserialize;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::{Permission, Principal};
use crate::error::{AppError, AppResult};
use crate::store::{self, ConversationRecord, MessageRecord, NewMessage};
use crate::validate;

pub const DEFAULT_TITLE: &str = "New conversation";
pub const MAX_TITLE: usize = 200;
/// A message's content, in characters (the body limit bounds it in bytes first).
pub const MAX_CONTENT: usize = 200_000;

/// `GET /api/v1/conversations?limit=&cursor=&q=`
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Page size, 1–100 (default 20).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Full-text search over titles and messages: conversations containing every word.
    pub q: Option<String>,
}

/// `GET /api/v1/conversations/{id}/messages?limit=&cursor=`
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

pub fn conversation(record: ConversationRecord) -> Conversation {
    Conversation {
        id: record.id,
        title: record.title,
        created_at: record.created_at,
        updated_at: record.updated_at,
    }
}

pub fn message(record: MessageRecord) -> AppResult<Message> {
    Ok(Message {
        id: record.id,
        conversation_id: record.conversation_id,
        role: MessageRole::parse(&record.role)
            .ok_or_else(|| AppError::internal(format!("stored message role `{}`", record.role)))?,
        content: record.content,
        model: record.model,
        provider: record.provider,
        tokens_in: record.tokens_in,
        tokens_out: record.tokens_out,
        latency_ms: record.latency_ms,
        created_at: record.created_at,
    })
}

fn page<T, R>(
    rows: Vec<R>,
    more: bool,
    id: impl Fn(&R) -> Uuid,
    map: impl Fn(R) -> AppResult<T>,
) -> AppResult<Page<T>> {
    let next_cursor = if more {
        rows.last().map(|r| id(r).to_string())
    } else {
        None
    };
    Ok(Page {
        items: rows.into_iter().map(map).collect::<AppResult<_>>()?,
        next_cursor,
    })
}

pub async fn create(
    state: &AppState,
    principal: &Principal,
    req: CreateConversation,
) -> AppResult<Conversation> {
    principal.require(Permission::WriteOwn)?;
    let title = req.title.unwrap_or_else(|| DEFAULT_TITLE.to_string());
    validate::name("title", &title, 1, MAX_TITLE)?;
    let record = state
        .store
        .create_conversation(principal.id(), Uuid::now_v7(), &title, store::now())
        .await?;
    state.cache.bump_api_generation(principal.id()).await?;
    Ok(conversation(record))
}

pub async fn list(
    state: &AppState,
    principal: &Principal,
    query: ListQuery,
) -> AppResult<Page<Conversation>> {
    principal.require(Permission::ReadAll)?;
    let request = validate::page(query.limit, query.cursor.as_deref())?;
    let (rows, more) = match query.q.as_deref() {
        Some(q) => {
            let words = validate::search_words(q)?;
            state
                .store
                .search_conversations(principal.id(), &words, request)
                .await?
        }
        None => state.store.conversations(principal.id(), request).await?,
    };
    page(rows, more, |r| r.id, |r| Ok(conversation(r)))
}

pub async fn get(state: &AppState, principal: &Principal, id: Uuid) -> AppResult<Conversation> {
    principal.require(Permission::ReadAll)?;
    state
        .store
        .conversation(principal.id(), id)
        .await?
        .map(conversation)
        .ok_or(AppError::NotFound("conversation"))
}

pub async fn rename(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
    req: UpdateConversation,
) -> AppResult<Conversation> {
    principal.require(Permission::WriteOwn)?;
    validate::name("title", &req.title, 1, MAX_TITLE)?;
    let record = state
        .store
        .rename_conversation(principal.id(), id, &req.title, store::now())
        .await?
        .ok_or(AppError::NotFound("conversation"))?;
    state.cache.bump_api_generation(principal.id()).await?;
    Ok(conversation(record))
}

pub async fn delete(state: &AppState, principal: &Principal, id: Uuid) -> AppResult<()> {
    principal.require(Permission::WriteOwn)?;
    if !state.store.delete_conversation(principal.id(), id).await? {
        return Err(AppError::NotFound("conversation"));
    }
    state.cache.bump_api_generation(principal.id()).await?;
    Ok(())
}

pub async fn messages(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
    query: PageQuery,
) -> AppResult<Page<Message>> {
    principal.require(Permission::ReadAll)?;
    let request = validate::page(query.limit, query.cursor.as_deref())?;
    if state
        .store
        .conversation(principal.id(), id)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound("conversation"));
    }
    let (rows, more) = state.store.messages(principal.id(), id, request).await?;
    page(rows, more, |r| r.id, message)
}

/// Stores a message in the owner's conversation.
pub async fn add_message(
    state: &AppState,
    principal: &Principal,
    new: NewMessage<'_>,
) -> AppResult<Message> {
    let record = state
        .store
        .add_message(new)
        .await?
        .ok_or(AppError::NotFound("conversation"))?;
    state.cache.bump_api_generation(principal.id()).await?;
    message(record)
}
