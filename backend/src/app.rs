//! The application: shared state and the router with its middleware.

use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, Request, header};
use axum::middleware;
use metrics_exporter_prometheus::PrometheusHandle;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::Semaphore;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::auth::jwt::JwtKeys;
use crate::auth::password::Passwords;
use crate::cache::Cache;
use crate::config::{self, Settings};
use crate::error::AppError;
use crate::limits::Limits;
use crate::store::{Store, StoreError};

/// Why the server cannot start; each message says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error("cannot use the database at {url}: {detail}")]
    Database { url: String, detail: String },
    #[error("cannot reach Redis at {url}: {detail}")]
    Redis { url: String, detail: String },
}

/// Everything handlers share; cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub settings: Settings,
    pub store: Store,
    pub cache: Cache,
    pub limits: Limits,
    pub jwt: JwtKeys,
    pub passwords: Passwords,
    pub redis: Option<ConnectionManager>,
    /// Concurrent analyses (CPU-bound): one per core.
    pub analysis_permits: Semaphore,
    pub metrics: PrometheusHandle,
}

impl Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// A URL fit for a message or a log line: without its password.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

pub async fn connect_store(settings: &Settings) -> Result<Store, StartError> {
    let failed = |e: StoreError| StartError::Database {
        url: redact(&settings.database_url),
        detail: e.to_string(),
    };
    // The data directory holds the SQLite file and the generated secret: private.
    if settings.database_kind == config::DatabaseKind::Sqlite || settings.jwt_secret.is_none() {
        config::create_private_dir(&settings.data_dir).map_err(|e| StartError::Database {
            url: settings.data_dir.display().to_string(),
            detail: format!("creating the data directory: {e}"),
        })?;
    }
    let store = Store::connect(
        &settings.database_url,
        settings.database_kind,
        settings.db_max_connections,
    )
    .await
    .map_err(failed)?;
    store.migrate().await.map_err(failed)?;
    Ok(store)
}

async fn connect_redis(url: &str) -> Result<ConnectionManager, StartError> {
    let failed = |e: redis::RedisError| StartError::Redis {
        url: redact(url),
        detail: e.to_string(),
    };
    let client = redis::Client::open(url).map_err(failed)?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(3)))
        .set_response_timeout(Some(Duration::from_secs(2)))
        .set_number_of_retries(2);
    let mut connection = tokio::time::timeout(
        Duration::from_secs(5),
        ConnectionManager::new_with_config(client, config),
    )
    .await
    .map_err(|_| StartError::Redis {
        url: redact(url),
        detail: "timed out".into(),
    })?
    .map_err(failed)?;
    let _: String = redis::cmd("PING")
        .query_async(&mut connection)
        .await
        .map_err(failed)?;
    Ok(connection)
}

impl AppState {
    /// Connects to everything the settings name (and migrates the database); fails with a
    /// message naming what is unreachable or invalid.
    pub async fn connect(settings: Settings) -> Result<AppState, StartError> {
        let store = connect_store(&settings).await?;
        let redis = match &settings.redis_url {
            Some(url) => Some(connect_redis(url).await?),
            None => None,
        };
        AppState::from_parts(settings, store, redis)
    }

    pub fn from_parts(
        settings: Settings,
        store: Store,
        redis: Option<ConnectionManager>,
    ) -> Result<AppState, StartError> {
        let secret = match &settings.jwt_secret {
            Some(secret) => secret.as_bytes().to_vec(),
            None => config::load_or_create_jwt_secret(&settings.data_dir)?,
        };
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let (cache, limits) = match &redis {
            Some(connection) => (
                Cache::redis(
                    connection.clone(),
                    &settings.redis_prefix,
                    settings.api_cache_ttl,
                ),
                Limits::new(
                    settings.rate_limits,
                    Some((connection.clone(), settings.redis_prefix.as_str())),
                ),
            ),
            None => (
                Cache::memory(settings.api_cache_ttl),
                Limits::new(settings.rate_limits, None),
            ),
        };
        Ok(AppState(Arc::new(Shared {
            jwt: JwtKeys::new(&secret, settings.access_token_ttl),
            passwords: Passwords::new(cores),
            analysis_permits: Semaphore::new(cores),
            metrics: crate::ops::metrics_handle(),
            store,
            cache,
            limits,
            redis,
            settings,
        })))
    }

    /// The whole HTTP application.
    pub fn router(&self) -> Router {
        let (routes, _) = crate::openapi::router();
        let request_id = HeaderName::from_static("x-request-id");
        let routes = routes
            .route_layer(middleware::from_fn(crate::ops::track))
            .fallback(crate::ops::not_found)
            .method_not_allowed_fallback(crate::ops::method_not_allowed)
            .layer(middleware::from_fn(crate::ops::rate_limit_headers))
            .layer(middleware::from_fn_with_state(
                self.settings.request_timeout,
                crate::ops::timeout,
            ))
            .layer(DefaultBodyLimit::max(self.settings.body_limit))
            .with_state(self.clone());
        let routes = match cors(&self.settings.cors_origins) {
            Some(cors) => routes.layer(cors),
            None => routes,
        };
        routes
            .layer(CompressionLayer::new())
            .layer(CatchPanicLayer::custom(|_| {
                AppError::internal("a handler panicked").into_response_with_log()
            }))
            .layer(PropagateRequestIdLayer::new(request_id.clone()))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(|req: &Request<_>| {
                        let id = req
                            .extensions()
                            .get::<RequestId>()
                            .and_then(|id| id.header_value().to_str().ok())
                            .unwrap_or("-");
                        tracing::info_span!(
                            "request",
                            request_id = %id,
                            method = %req.method(),
                            path = %req.uri().path(),
                            user_id = tracing::field::Empty,
                        )
                    })
                    .on_request(())
                    .on_response(DefaultOnResponse::new().level(Level::INFO)),
            )
            .layer(SetSensitiveRequestHeadersLayer::new([
                header::AUTHORIZATION,
                header::COOKIE,
            ]))
            .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
    }
}

fn cors(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
            .expose_headers([
                HeaderName::from_static("x-request-id"),
                HeaderName::from_static("ratelimit-limit"),
                HeaderName::from_static("ratelimit-remaining"),
                HeaderName::from_static("ratelimit-reset"),
                header::RETRY_AFTER,
            ])
            .max_age(Duration::from_secs(600)),
    )
}
