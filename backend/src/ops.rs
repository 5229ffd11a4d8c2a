//! Operations: readiness, Prometheus metrics (requests by route and status, latency
//! histograms, pool statistics), the request timeout, JSON 404/405 answers, and the
//! `RateLimit-*` headers of limited routes.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use serde::Serialize;

use crate::app::AppState;
use crate::auth::RateLimitSlot;
use crate::error::AppError;

const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The process-wide Prometheus recorder (metrics macros write to one global recorder, so
/// every app in a process — tests start many — shares it).
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("http_request_duration_seconds".into()),
                    LATENCY_BUCKETS,
                )
                .expect("non-empty buckets")
                .build_recorder();
            let handle = recorder.handle();
            // Another recorder may already be installed (an embedding program's): then
            // this handle renders nothing, which is better than failing to start.
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("a metrics recorder was already installed; /metrics will be empty");
            }
            metrics::gauge!("cairn_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
            handle
        })
        .clone()
}

pub fn render_metrics(state: &AppState) -> String {
    let pool = state.store.pool_stats();
    metrics::gauge!("cairn_db_pool_connections").set(f64::from(pool.size));
    metrics::gauge!("cairn_db_pool_idle_connections").set(f64::from(pool.idle));
    metrics::gauge!("cairn_db_pool_max_connections").set(f64::from(pool.max));
    metrics::gauge!("cairn_analysis_slots_free")
        .set(state.analysis_permits.available_permits() as f64);
    state.metrics.run_upkeep();
    state.metrics.render()
}

/// Counts and times every routed request by method, route template and status.
pub async fn track(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(req.method());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    let elapsed = started.elapsed().as_secs_f64();
    metrics::counter!("http_requests_total", "method" => method, "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route)
        .record(elapsed);
    response
}

/// A method as a label: a fixed set, so odd methods cannot grow the metrics without bound.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PATCH => "PATCH",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Answers 503 `timeout` when the handler takes longer than the configured limit.
pub async fn timeout(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => AppError::Timeout(limit).into_response(),
    }
}

/// Gives the request a slot for the API limit's state and copies it into the headers.
pub async fn rate_limit_headers(mut req: Request, next: Next) -> Response {
    let slot = RateLimitSlot::default();
    req.extensions_mut().insert(slot.clone());
    let mut response = next.run(req).await;
    if let Some(decision) = slot.0.get()
        && !response.headers().contains_key("ratelimit-limit")
    {
        decision.write_headers(response.headers_mut());
    }
    response
}

pub async fn not_found() -> AppError {
    metrics::counter!("http_requests_total", "method" => "any", "route" => "unmatched", "status" => "404")
        .increment(1);
    AppError::RouteNotFound
}

pub async fn method_not_allowed() -> AppError {
    metrics::counter!("http_requests_total", "method" => "any", "route" => "unmatched", "status" => "405")
        .increment(1);
    AppError::MethodNotAllowed
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Readiness {
    pub ready: bool,
    /// `ok` or what is wrong.
    pub database: String,
    /// `ok`, `not configured`, or what is wrong.
    pub redis: String,
}

const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn readiness(state: &AppState) -> Readiness {
    let database = match tokio::time::timeout(CHECK_TIMEOUT, state.store.ping()).await {
        Ok(Ok(())) => "ok".to_string(),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: database");
            "unavailable".to_string()
        }
        Err(_) => "timed out".to_string(),
    };
    let redis = match &state.redis {
        None => "not configured".to_string(),
        Some(connection) => {
            let mut connection = connection.clone();
            let ping = redis::cmd("PING");
            match tokio::time::timeout(CHECK_TIMEOUT, ping.query_async::<String>(&mut connection))
                .await
            {
                Ok(Ok(_)) => "ok".to_string(),
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "readiness: redis");
                    "unavailable".to_string()
                }
                Err(_) => "timed out".to_string(),
            }
        }
    };
    Readiness {
        ready: database == "ok" && (redis == "ok" || redis == "not configured"),
        database,
        redis,
    }
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    #[tokio::test]
    async fn a_slow_handler_is_answered_503_timeout() {
        let app = Router::new()
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    "late"
                }),
            )
            .route("/fast", get(|| async { "ok" }))
            .layer(axum::middleware::from_fn_with_state(
                Duration::from_millis(50),
                timeout,
            ));
        let slow = app
            .clone()
            .oneshot(Request::get("/slow").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(slow.status(), 503);
        let body = axum::body::to_bytes(slow.into_body(), 1 << 16)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"]["code"], "timeout");
        let fast = app
            .oneshot(Request::get("/fast").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(fast.status(), 200);
    }
}
