//! Storage: one API over PostgreSQL and SQLite. Routes and capability modules call these
//! methods and never see SQL or a pool. Most statements are the same text in both dialects
//! (sqlx binds `$1` in SQLite too); where the dialects differ (full-text search, the
//! first-account lock) the method says so.
//!
//! Invariant: every query on a user's object takes the owner's id and filters on it, so
//! another user's object is indistinguishable from a missing one.

mod audit;
mod conversations;
mod device;
mod invites;
mod sessions;
mod tokens;
mod usage;
pub mod users;

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

use crate::config::DatabaseKind;

pub use audit::{AuditEvent, AuditRecord};
pub use conversations::{ConversationRecord, MessageRecord, NewMessage};
pub use device::{DeviceRecord, DeviceStatus, NewDevice};
pub use sessions::{NewRefreshToken, RefreshClaim, SessionRecord};
pub use tokens::{NewPat, PatRecord};
pub use usage::UsageRecord;
pub use users::{NewUser, RegisterOutcome, UserRecord};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached (connection refused, pool timed out).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A unique constraint refused the write; the text names the constraint or column.
    #[error("duplicate value: {0}")]
    Duplicate(String),
    #[error("database error: {0}")]
    Database(String),
    /// A stored value this code cannot read (a role it does not know, …).
    #[error("unexpected stored value: {0}")]
    Corrupt(String),
    #[error("migration failed: {0}")]
    Migration(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> StoreError {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate(
                db.constraint()
                    .map(str::to_string)
                    .unwrap_or_else(|| db.message().to_string()),
            ),
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_) => StoreError::Unavailable(error.to_string()),
            _ => StoreError::Database(error.to_string()),
        }
    }
}

#[derive(Clone)]
pub(crate) enum Db {
    Postgres(PgPool),
    /// SQLite has one writer at a time. Writes go through a pool of one connection, so they
    /// queue in order in the pool instead of spinning in SQLite's busy handler (which made
    /// write latency's tail hundreds of milliseconds under load); reads use the other pool
    /// and, with WAL, never wait for the writer.
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
    },
}

/// The database, cheap to clone (a pool handle).
#[derive(Clone)]
pub struct Store {
    pub(crate) db: Db,
}

/// Runs the same generic sqlx code on whichever pool the store has (for reads).
macro_rules! with_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.db {
            $crate::store::Db::Postgres($pool) => $body,
            $crate::store::Db::Sqlite { read: $pool, .. } => $body,
        }
    };
}
pub(crate) use with_pool;

/// Like `with_pool!`, for statements that write (SQLite: the single writer connection).
macro_rules! with_writer {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.db {
            $crate::store::Db::Postgres($pool) => $body,
            $crate::store::Db::Sqlite { write: $pool, .. } => $body,
        }
    };
}
pub(crate) use with_writer;

static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");
static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolStats {
    pub size: u32,
    pub idle: u32,
    pub max: u32,
}

impl Store {
    /// Connects (creating a SQLite file if needed) and checks the connection, so a wrong
    /// URL or an unreachable server stops the start instead of the first request.
    pub async fn connect(url: &str, kind: DatabaseKind, max_connections: u32) -> Result<Store> {
        let unavailable = |e: sqlx::Error| StoreError::Unavailable(e.to_string());
        let db = match kind {
            DatabaseKind::Postgres => {
                let options = PgConnectOptions::from_str(url).map_err(unavailable)?;
                let pool = PgPoolOptions::new()
                    .max_connections(max_connections)
                    .min_connections(1)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect_with(options)
                    .await
                    .map_err(unavailable)?;
                Db::Postgres(pool)
            }
            DatabaseKind::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)
                    .map_err(unavailable)?
                    .create_if_missing(true)
                    // WAL: readers never wait for the writer; NORMAL is durable across
                    // application crashes, which is what WAL needs.
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5))
                    .statement_cache_capacity(256);
                if let Some(path) = sqlite_path(url) {
                    create_parent_dir(&path)?;
                }
                let write = SqlitePoolOptions::new()
                    .max_connections(1)
                    .min_connections(1)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options.clone())
                    .await
                    .map_err(unavailable)?;
                let read = SqlitePoolOptions::new()
                    .max_connections(max_connections)
                    .min_connections(1)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect_with(options.read_only(true))
                    .await
                    .map_err(unavailable)?;
                Db::Sqlite { read, write }
            }
        };
        let store = Store { db };
        store.ping().await?;
        Ok(store)
    }

    pub fn kind(&self) -> DatabaseKind {
        match self.db {
            Db::Postgres(_) => DatabaseKind::Postgres,
            Db::Sqlite { .. } => DatabaseKind::Sqlite,
        }
    }

    /// Applies the migrations this binary carries that the database has not seen.
    pub async fn migrate(&self) -> Result<()> {
        let result = match &self.db {
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await,
            Db::Sqlite { write, .. } => SQLITE_MIGRATIONS.run(write).await,
        };
        result.map_err(|e| StoreError::Migration(e.to_string()))
    }

    pub async fn ping(&self) -> Result<()> {
        with_pool!(self, pool => sqlx::query("SELECT 1").execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Connections of the pool(s): for SQLite, the readers plus the one writer.
    pub fn pool_stats(&self) -> PoolStats {
        let stats = |size: u32, idle: usize, max: u32| PoolStats {
            size,
            idle: u32::try_from(idle).unwrap_or(u32::MAX),
            max,
        };
        match &self.db {
            Db::Postgres(pool) => stats(
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            ),
            Db::Sqlite { read, write } => stats(
                read.size() + write.size(),
                read.num_idle() + write.num_idle(),
                read.options().get_max_connections() + 1,
            ),
        }
    }

    pub async fn close(&self) {
        match &self.db {
            Db::Postgres(pool) => pool.close().await,
            Db::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
        }
    }
}

/// A statement assembled with `format!` from this module's constant column lists (never
/// from input: every value is a bind parameter), vouched for as sqlx 0.9 asks.
pub(crate) fn sql(statement: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(statement)
}

/// Now, at the microsecond precision both databases store, so a value read back equals the
/// value written.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// A page request: rows strictly older than `before` (an id, for newest-first order).
#[derive(Clone, Copy, Debug)]
pub struct PageRequest<C> {
    pub before: Option<C>,
    pub limit: u32,
}

impl<C> PageRequest<C> {
    /// The number of rows to fetch: one more than the page, to know whether another follows.
    pub(crate) fn fetch(&self) -> i64 {
        i64::from(self.limit) + 1
    }
}

/// Cuts the extra row `PageRequest::fetch` asked for; returns the rows and whether more follow.
pub(crate) fn split_page<T>(mut rows: Vec<T>, limit: u32) -> (Vec<T>, bool) {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    (rows, more)
}

fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(path))
}

fn create_parent_dir(path: &std::path::Path) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| StoreError::Unavailable(format!("creating {}: {e}", parent.display())))?;
    }
    Ok(())
}
