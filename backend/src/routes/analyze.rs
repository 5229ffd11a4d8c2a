use axum::extract::State;
use axum::response::Response;
use cairn_protocol::ErrorBody;
use cairn_protocol::check::{AnalyzeRequest, CheckReport};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::json_bytes_cached;
use crate::app::AppState;
use crate::auth::Principal;
use crate::error::AppResult;
use crate::extract::JsonBody;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(analyze))
}

/// Analyse one file's text: the `cairn-lsp check --format json` report (one file), cached
/// by content hash for an hour.
#[utoipa::path(post, path = "/api/v1/analyze", tag = "analysis", security(("bearer" = [])),
    request_body = AnalyzeRequest,
    responses(
        (status = 200, description = "The check report", body = CheckReport),
        (status = 422, description = "Unknown language or invalid config", body = ErrorBody),
    ))]
async fn analyze(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(req): JsonBody<AnalyzeRequest>,
) -> AppResult<Response> {
    let (report, hit) = crate::analyze::analyze(&state, &principal, req).await?;
    Ok(json_bytes_cached(report, hit))
}
