//! Sending a message to the assistant: `POST /api/v1/conversations/{id}/messages`.
//!
//! Today this stores the user's message and answers `501 no_provider`: the AI providers
//! (OpenAI-compatible, Anthropic, Gemini), model routing per task and the SSE stream
//! (`delta`, `usage`, `done`, `error` events) are the next issue. They plug in at
//! [`send`]: after the user message is stored, pick the provider for `req.task`/`req.model`,
//! stream its answer (as SSE when the client sent `Accept: text/event-stream`), then store
//! the assistant message with model, provider, tokens and latency through
//! `conversations::add_message` and the usage through `Store::record_usage`.

use cairn_protocol::conversations::SendMessage;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::{Permission, Principal};
use crate::conversations::{self, MAX_CONTENT};
use crate::error::{AppError, AppResult};
use crate::store::{self, NewMessage};
use crate::validate;

/// The tasks a message may name (DESIGN §4's routing keys).
pub const TASKS: [&str; 7] = [
    "chat",
    "explain",
    "fix",
    "tests",
    "docs",
    "refactor",
    "completion",
];

pub async fn send(
    state: &AppState,
    principal: &Principal,
    conversation_id: Uuid,
    req: SendMessage,
) -> AppResult<()> {
    principal.require(Permission::WriteOwn)?;
    validate::text("content", &req.content, 1, MAX_CONTENT)?;
    if let Some(task) = &req.task
        && !TASKS.contains(&task.as_str())
    {
        return Err(AppError::validation(
            "task",
            format!("must be one of {}", TASKS.join(", ")),
        ));
    }
    if let Some(model) = &req.model {
        validate::name("model", model, 1, 200)?;
    }
    let stored = conversations::add_message(
        state,
        principal,
        NewMessage {
            id: Uuid::now_v7(),
            conversation_id,
            owner: principal.id(),
            role: "user",
            content: &req.content,
            model: None,
            provider: None,
            tokens_in: None,
            tokens_out: None,
            latency_ms: None,
            now: store::now(),
        },
    )
    .await?;
    Err(AppError::NoProvider(format!(
        "no AI provider is configured on this server yet; your message was stored as {}",
        stored.id
    )))
}
