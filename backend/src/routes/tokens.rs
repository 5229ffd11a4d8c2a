use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use cairn_protocol::ErrorBody;
use cairn_protocol::tokens::{CreateTokenRequest, CreatedToken, TokenInfo};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::auth::{self, Principal};
use crate::error::AppResult;
use crate::extract::{IdPath, JsonBody};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}

/// The caller's personal access tokens (never the secrets), with their last use.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "account", security(("bearer" = [])),
    responses((status = 200, description = "Live tokens, newest first", body = Vec<TokenInfo>)))]
async fn list_tokens(
    axum::extract::State(state): State<AppState>,
    principal: Principal,
) -> AppResult<Json<Vec<TokenInfo>>> {
    Ok(Json(auth::tokens::list(&state, &principal).await?))
}

/// Create a personal access token (`cairn_pat_…`). The token is in this answer only.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "account", security(("bearer" = [])),
    request_body = CreateTokenRequest,
    responses(
        (status = 201, description = "Created; `token` is shown this once", body = CreatedToken),
        (status = 422, description = "A field is invalid (e.g. a scope above the account's)", body = ErrorBody),
    ))]
async fn create_token(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(req): JsonBody<CreateTokenRequest>,
) -> AppResult<impl IntoResponse> {
    let created = auth::tokens::create(&state, &principal, req).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Revoke one of the caller's tokens; it stops working at once.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "account", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Token id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "No such token of the caller's", body = ErrorBody),
    ))]
async fn revoke_token(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> AppResult<StatusCode> {
    auth::tokens::revoke(&state, &principal, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
