//! Caches, as the seed architecture lays them out: sessions (the token → account lookups of
//! every request, 24 h), API responses (per user, 5 min by default) and analysis results (by
//! content hash, 1 h). In process (moka) by default; in Redis when configured, so that every
//! replica sees the same entries and the same invalidations.
//!
//! Invalidation: session entries are deleted when what they say changes (sign-out, role
//! change, deactivation, token revocation). API responses are keyed by a per-user
//! *generation*; any write by the user moves it, which orphans every cached answer at once.
//!
//! A failed read or fill is a miss (logged): the database answers instead. A failed
//! invalidation is an error, because serving what was invalidated would be wrong.

use std::time::Duration;

use bytes::Bytes;
use redis::AsyncCommands;
use redis::aio::ConnectionManager;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
}

pub type Result<T, E = CacheError> = std::result::Result<T, E>;

/// What a cache entry is, which decides its lifetime.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Namespace {
    /// Sessions, personal access tokens and accounts as authentication reads them.
    Session,
    /// A user's GET answers.
    Api,
    /// `POST /api/v1/analyze` results by content hash.
    Analysis,
}

pub const SESSION_TTL: Duration = Duration::from_secs(24 * 3600);
pub const ANALYSIS_TTL: Duration = Duration::from_secs(3600);

impl Namespace {
    fn prefix(self) -> &'static str {
        match self {
            Namespace::Session => "s:",
            Namespace::Api => "a:",
            Namespace::Analysis => "x:",
        }
    }
}

#[derive(Clone)]
pub struct Cache {
    backend: Backend,
    api_ttl: Duration,
}

#[derive(Clone)]
enum Backend {
    Memory(Box<MemoryCaches>),
    Redis {
        connection: ConnectionManager,
        prefix: String,
    },
}

#[derive(Clone)]
struct MemoryCaches {
    session: moka::sync::Cache<String, Bytes>,
    api: moka::sync::Cache<String, Bytes>,
    analysis: moka::sync::Cache<String, Bytes>,
    /// Never evicted by size before its entries' lifetime is over (see `api_generation`).
    generations: moka::sync::Cache<Uuid, u64>,
}

fn weighed(ttl: Duration, max_bytes: u64) -> moka::sync::Cache<String, Bytes> {
    moka::sync::Cache::builder()
        .time_to_live(ttl.max(Duration::from_secs(1)))
        .weigher(|key: &String, value: &Bytes| {
            u32::try_from(key.len() + value.len()).unwrap_or(u32::MAX)
        })
        .max_capacity(max_bytes)
        .build()
}

impl Cache {
    pub fn memory(api_ttl: Duration) -> Cache {
        Cache {
            backend: Backend::Memory(Box::new(MemoryCaches {
                session: weighed(SESSION_TTL, 64 << 20),
                api: weighed(api_ttl, 64 << 20),
                analysis: weighed(ANALYSIS_TTL, 64 << 20),
                generations: moka::sync::Cache::builder()
                    .time_to_live(SESSION_TTL)
                    .max_capacity(1 << 20)
                    .build(),
            })),
            api_ttl,
        }
    }

    pub fn redis(connection: ConnectionManager, prefix: &str, api_ttl: Duration) -> Cache {
        Cache {
            backend: Backend::Redis {
                connection,
                prefix: format!("{prefix}c:"),
            },
            api_ttl,
        }
    }

    fn ttl(&self, namespace: Namespace) -> Duration {
        match namespace {
            Namespace::Session => SESSION_TTL,
            Namespace::Api => self.api_ttl,
            Namespace::Analysis => ANALYSIS_TTL,
        }
    }

    pub fn api_enabled(&self) -> bool {
        !self.api_ttl.is_zero()
    }

    pub async fn get(&self, namespace: Namespace, key: &str) -> Option<Bytes> {
        match &self.backend {
            Backend::Memory(m) => m.of(namespace).get(key),
            Backend::Redis { connection, prefix } => {
                let full = format!("{prefix}{}{key}", namespace.prefix());
                let got: redis::RedisResult<Option<Vec<u8>>> = connection.clone().get(&full).await;
                match got {
                    Ok(value) => value.map(Bytes::from),
                    Err(e) => {
                        tracing::warn!(error = %e, "cache read failed; treating it as a miss");
                        None
                    }
                }
            }
        }
    }

    pub async fn put(&self, namespace: Namespace, key: &str, value: Bytes) {
        let ttl = self.ttl(namespace);
        if ttl.is_zero() {
            return;
        }
        match &self.backend {
            Backend::Memory(m) => m.of(namespace).insert(key.to_string(), value),
            Backend::Redis { connection, prefix } => {
                let full = format!("{prefix}{}{key}", namespace.prefix());
                let ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX);
                let set: redis::RedisResult<()> = redis::cmd("SET")
                    .arg(&full)
                    .arg(value.as_ref())
                    .arg("PX")
                    .arg(ms)
                    .query_async(&mut connection.clone())
                    .await;
                if let Err(e) = set {
                    tracing::warn!(error = %e, "cache fill failed");
                }
            }
        }
    }

    pub async fn remove(&self, namespace: Namespace, key: &str) -> Result<()> {
        match &self.backend {
            Backend::Memory(m) => m.of(namespace).invalidate(key),
            Backend::Redis { connection, prefix } => {
                let full = format!("{prefix}{}{key}", namespace.prefix());
                let _: () = connection.clone().del(&full).await?;
            }
        }
        Ok(())
    }

    /// Several entries of one namespace in one round trip (Redis `MGET`); misses are `None`.
    pub async fn get_many(&self, namespace: Namespace, keys: &[&str]) -> Vec<Option<Bytes>> {
        match &self.backend {
            Backend::Memory(m) => keys.iter().map(|k| m.of(namespace).get(*k)).collect(),
            Backend::Redis { connection, prefix } => {
                let full: Vec<String> = keys
                    .iter()
                    .map(|k| format!("{prefix}{}{k}", namespace.prefix()))
                    .collect();
                let got: redis::RedisResult<Vec<Option<Vec<u8>>>> = redis::cmd("MGET")
                    .arg(&full)
                    .query_async(&mut connection.clone())
                    .await;
                match got {
                    Ok(values) if values.len() == keys.len() => {
                        values.into_iter().map(|v| v.map(Bytes::from)).collect()
                    }
                    Ok(_) => vec![None; keys.len()],
                    Err(e) => {
                        tracing::warn!(error = %e, "cache read failed; treating it as a miss");
                        vec![None; keys.len()]
                    }
                }
            }
        }
    }

    /// A JSON cache entry as `T`; an unreadable one is a miss.
    pub fn decode<T: DeserializeOwned>(bytes: Option<Bytes>) -> Option<T> {
        let bytes = bytes?;
        match serde_json::from_slice(&bytes) {
            Ok(value) => Some(value),
            Err(e) => {
                tracing::warn!(error = %e, "unreadable cache entry; ignoring it");
                None
            }
        }
    }

    pub async fn get_json<T: DeserializeOwned>(
        &self,
        namespace: Namespace,
        key: &str,
    ) -> Option<T> {
        Cache::decode(self.get(namespace, key).await)
    }

    pub async fn put_json<T: Serialize>(&self, namespace: Namespace, key: &str, value: &T) {
        match serde_json::to_vec(value) {
            Ok(bytes) => self.put(namespace, key, Bytes::from(bytes)).await,
            Err(e) => tracing::warn!(error = %e, "cache entry not serializable"),
        }
    }

    /// The user's current API-cache generation, part of every API cache key; `None` when it
    /// cannot be read (then the answer is neither read from nor written to the cache). A
    /// missing generation reads as 0; it outlives (24 h) every entry made under it (≤ 24 h),
    /// so falling back to 0 after it expires cannot resurrect a stale answer.
    pub async fn api_generation(&self, user: Uuid) -> Option<u64> {
        match &self.backend {
            Backend::Memory(m) => Some(m.generations.get(&user).unwrap_or(0)),
            Backend::Redis { connection, prefix } => {
                let key = format!("{prefix}g:{user}");
                let got: redis::RedisResult<Option<u64>> = connection.clone().get(&key).await;
                match got {
                    Ok(generation) => Some(generation.unwrap_or(0)),
                    Err(e) => {
                        tracing::warn!(error = %e, "cache generation read failed");
                        None
                    }
                }
            }
        }
    }

    /// Invalidates every cached API answer of the user.
    pub async fn bump_api_generation(&self, user: Uuid) -> Result<()> {
        if !self.api_enabled() {
            return Ok(());
        }
        match &self.backend {
            Backend::Memory(m) => {
                // Atomic per key: two concurrent writes must not both land on the same value.
                m.generations
                    .entry(user)
                    .and_upsert_with(|old| old.map_or(1, |e| e.into_value().wrapping_add(1)));
            }
            Backend::Redis { connection, prefix } => {
                let key = format!("{prefix}g:{user}");
                let ttl = i64::try_from(SESSION_TTL.as_secs()).unwrap_or(i64::MAX);
                let _: () = redis::pipe()
                    .atomic()
                    .incr(&key, 1)
                    .ignore()
                    .expire(&key, ttl)
                    .ignore()
                    .query_async(&mut connection.clone())
                    .await?;
            }
        }
        Ok(())
    }
}

impl MemoryCaches {
    fn of(&self, namespace: Namespace) -> &moka::sync::Cache<String, Bytes> {
        match namespace {
            Namespace::Session => &self.session,
            Namespace::Api => &self.api,
            Namespace::Analysis => &self.analysis,
        }
    }
}
