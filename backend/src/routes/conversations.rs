use axum::Json;
use axum::extract::{OriginalUri, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cairn_protocol::conversations::{
    Conversation, CreateConversation, Message, SendMessage, UpdateConversation,
};
use cairn_protocol::{ErrorBody, Page};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::cached;
use crate::app::AppState;
use crate::auth::{Permission, Principal};
use crate::conversations::{self, ListQuery, PageQuery};
use crate::error::AppResult;
use crate::extract::{IdPath, JsonBody, OptionalJsonBody, QueryParams};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_conversations, create_conversation))
        .routes(routes!(
            get_conversation,
            rename_conversation,
            delete_conversation
        ))
        .routes(routes!(list_messages, send_message))
}

/// The caller's conversations, newest first; with `q`, those whose title or messages contain
/// every word of it.
#[utoipa::path(get, path = "/api/v1/conversations", tag = "conversations", security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "A page of conversations", body = Page<Conversation>),
        (status = 422, description = "A bad parameter", body = ErrorBody),
    ))]
async fn list_conversations(
    State(state): State<AppState>,
    principal: Principal,
    OriginalUri(uri): OriginalUri,
    QueryParams(query): QueryParams<ListQuery>,
) -> AppResult<Response> {
    principal.require(Permission::ReadAll)?;
    cached(
        &state,
        principal.id(),
        &uri,
        conversations::list(&state, &principal, query),
    )
    .await
}

/// Start a conversation.
#[utoipa::path(post, path = "/api/v1/conversations", tag = "conversations", security(("bearer" = [])),
    request_body(content = Option<CreateConversation>),
    responses(
        (status = 201, description = "Created", body = Conversation),
        (status = 422, description = "A field is invalid", body = ErrorBody),
    ))]
async fn create_conversation(
    State(state): State<AppState>,
    principal: Principal,
    OptionalJsonBody(req): OptionalJsonBody<CreateConversation>,
) -> AppResult<impl IntoResponse> {
    let created = conversations::create(&state, &principal, req.unwrap_or_default()).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// One of the caller's conversations.
#[utoipa::path(get, path = "/api/v1/conversations/{id}", tag = "conversations", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Conversation id")),
    responses(
        (status = 200, description = "The conversation", body = Conversation),
        (status = 404, description = "The caller has no such conversation", body = ErrorBody),
    ))]
async fn get_conversation(
    State(state): State<AppState>,
    principal: Principal,
    OriginalUri(uri): OriginalUri,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    principal.require(Permission::ReadAll)?;
    cached(
        &state,
        principal.id(),
        &uri,
        conversations::get(&state, &principal, id),
    )
    .await
}

/// Rename a conversation.
#[utoipa::path(patch, path = "/api/v1/conversations/{id}", tag = "conversations", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Conversation id")),
    request_body = UpdateConversation,
    responses(
        (status = 200, description = "Renamed", body = Conversation),
        (status = 404, description = "The caller has no such conversation", body = ErrorBody),
        (status = 422, description = "A field is invalid", body = ErrorBody),
    ))]
async fn rename_conversation(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    JsonBody(req): JsonBody<UpdateConversation>,
) -> AppResult<Json<Conversation>> {
    Ok(Json(
        conversations::rename(&state, &principal, id, req).await?,
    ))
}

/// Delete a conversation and its messages.
#[utoipa::path(delete, path = "/api/v1/conversations/{id}", tag = "conversations", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Conversation id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "The caller has no such conversation", body = ErrorBody),
    ))]
async fn delete_conversation(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> AppResult<StatusCode> {
    conversations::delete(&state, &principal, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A conversation's messages, newest first.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/messages", tag = "conversations", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Conversation id"), PageQuery),
    responses(
        (status = 200, description = "A page of messages", body = Page<Message>),
        (status = 404, description = "The caller has no such conversation", body = ErrorBody),
    ))]
async fn list_messages(
    State(state): State<AppState>,
    principal: Principal,
    OriginalUri(uri): OriginalUri,
    IdPath(id): IdPath,
    QueryParams(query): QueryParams<PageQuery>,
) -> AppResult<Response> {
    principal.require(Permission::ReadAll)?;
    cached(
        &state,
        principal.id(),
        &uri,
        conversations::messages(&state, &principal, id, query),
    )
    .await
}

/// Send a message to the assistant. Not available yet: the message is stored, and the
/// answer is `501` with code `no_provider` until AI providers are configured (next release:
/// streaming with `Accept: text/event-stream`).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/messages", tag = "conversations", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Conversation id")),
    request_body = SendMessage,
    responses(
        (status = 501, description = "Stored; no AI provider is configured (`no_provider`)", body = ErrorBody),
        (status = 404, description = "The caller has no such conversation", body = ErrorBody),
        (status = 422, description = "A field is invalid", body = ErrorBody),
    ))]
async fn send_message(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    JsonBody(req): JsonBody<SendMessage>,
) -> AppResult<StatusCode> {
    crate::chat::send(&state, &principal, id, req).await?;
    Ok(StatusCode::NO_CONTENT)
}
