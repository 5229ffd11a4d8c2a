//! HTTP routes. Handlers are thin: extract, call the capability module, map the result to a
//! status. Each handler carries its `#[utoipa::path]`, and the router is built from those
//! declarations (utoipa-axum), so a route cannot exist without being in the OpenAPI document.

mod admin;
mod analyze;
mod auth;
mod conversations;
mod me;
mod ops;
mod tokens;

use std::future::Future;

use axum::http::{HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;

use crate::app::AppState;
use crate::cache::Namespace;
use crate::error::AppResult;

/// Every route, with its OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(auth::router())
        .merge(me::router())
        .merge(tokens::router())
        .merge(conversations::router())
        .merge(analyze::router())
        .merge(admin::router())
        .merge(ops::router())
}

pub(crate) fn json_bytes(body: Bytes) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// A JSON answer saying whether it came from a cache (`X-Cache: hit` or `miss`).
pub(crate) fn json_bytes_cached(body: Bytes, hit: bool) -> Response {
    let mut response = json_bytes(body);
    response.headers_mut().insert(
        HeaderName::from_static("x-cache"),
        HeaderValue::from_static(if hit { "hit" } else { "miss" }),
    );
    response
}

/// A GET answer through the per-user API cache: keyed by the user, their cache generation
/// (moved by every write of theirs) and the full path and query.
pub(crate) async fn cached<T, F>(
    state: &AppState,
    user: Uuid,
    uri: &axum::http::Uri,
    compute: F,
) -> AppResult<Response>
where
    T: Serialize,
    F: Future<Output = AppResult<T>>,
{
    let generation = if state.cache.api_enabled() {
        state.cache.api_generation(user).await
    } else {
        None
    };
    let key = generation.map(|g| format!("{user}:{g}:{uri}"));
    if let Some(key) = &key
        && let Some(hit) = state.cache.get(Namespace::Api, key).await
    {
        metrics::counter!("cairn_api_cache_total", "result" => "hit").increment(1);
        return Ok(json_bytes_cached(hit, true));
    }
    let value = compute.await?;
    let body = Bytes::from(serde_json::to_vec(&value).map_err(crate::error::AppError::internal)?);
    if let Some(key) = &key {
        metrics::counter!("cairn_api_cache_total", "result" => "miss").increment(1);
        state.cache.put(Namespace::Api, key, body.clone()).await;
        return Ok(json_bytes_cached(body, false));
    }
    Ok(json_bytes(body))
}
