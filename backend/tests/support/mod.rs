//! Test support: real databases (a SQLite file in a temporary directory, or a fresh
//! PostgreSQL database per test, dropped afterwards), a Redis key prefix per test, and the
//! server over real HTTP on 127.0.0.1:0.
//!
//! PostgreSQL and Redis come from `CAIRN_TEST_POSTGRES_URL` / `CAIRN_TEST_REDIS_URL`
//! (default: the standard local ports). When one cannot be reached the tests that need it
//! print `skipped: no PostgreSQL at …` and pass — unless `CAIRN_REQUIRE_SERVICES=1` (CI),
//! where they fail.

#![allow(dead_code)]

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use cairn_server::config::{DatabaseKind, Rate, RateLimits};
use cairn_server::store::Store;
use cairn_server::{AppState, Settings};
use serde_json::{Value, json};
use sqlx::Connection;
use tempfile::TempDir;

pub const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";
pub const DEFAULT_REDIS: &str = "redis://127.0.0.1:6379";
pub const PASSWORD: &str = "correct horse battery";

pub fn postgres_url() -> String {
    std::env::var("CAIRN_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| DEFAULT_POSTGRES.to_string())
}

pub fn redis_url() -> String {
    std::env::var("CAIRN_TEST_REDIS_URL")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| DEFAULT_REDIS.to_string())
}

fn services_required() -> bool {
    std::env::var("CAIRN_REQUIRE_SERVICES").is_ok_and(|v| v == "1")
}

/// Says once per test binary that a service is missing — on the real standard error, past
/// the test harness's capture, so `cargo test` shows it — or fails when services are
/// required.
fn skip(service: &str, variable: &str, url: &str, error: &str) {
    if services_required() {
        panic!("CAIRN_REQUIRE_SERVICES=1 but there is no {service} at {url}: {error}");
    }
    static SAID: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut said = SAID.lock().unwrap_or_else(|e| e.into_inner());
    if !said.iter().any(|s| s == service) {
        said.push(service.to_string());
        let _ = writeln!(
            std::io::stderr(),
            "skipped: no {service} at {url} ({error}); set {variable} or start it"
        );
    }
}

pub fn random_suffix() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("randomness");
    hex::encode(bytes)
}

/// A database for one test.
pub struct TestDb {
    pub url: String,
    pub kind: DatabaseKind,
    dir: Option<TempDir>,
    postgres: Option<(String, String)>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("cairn.db").display());
        TestDb {
            url,
            kind: DatabaseKind::Sqlite,
            dir: Some(dir),
            postgres: None,
        }
    }

    /// A fresh `cairn_test_<random>` database, or `None` (after saying so) when PostgreSQL
    /// is not reachable.
    pub async fn postgres() -> Option<TestDb> {
        let admin_url = postgres_url();
        let connect = tokio::time::timeout(
            Duration::from_secs(5),
            sqlx::PgConnection::connect(&admin_url),
        )
        .await;
        let mut admin = match connect {
            Ok(Ok(connection)) => connection,
            Ok(Err(e)) => {
                skip(
                    "PostgreSQL",
                    "CAIRN_TEST_POSTGRES_URL",
                    &admin_url,
                    &e.to_string(),
                );
                return None;
            }
            Err(_) => {
                skip(
                    "PostgreSQL",
                    "CAIRN_TEST_POSTGRES_URL",
                    &admin_url,
                    "timed out",
                );
                return None;
            }
        };
        let name = format!("cairn_test_{}", random_suffix());
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("CREATE DATABASE");
        let _ = admin.close().await;
        let url = with_database(&admin_url, &name);
        Some(TestDb {
            url,
            kind: DatabaseKind::Postgres,
            dir: None,
            postgres: Some((admin_url, name)),
        })
    }

    pub async fn store(&self) -> Store {
        let store = Store::connect(&self.url, self.kind, 4)
            .await
            .expect("connect");
        store.migrate().await.expect("migrate");
        store
    }
}

/// The same server URL with another database name.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.postgres.take() {
            // Drop runs outside any runtime we may block: use a thread with its own.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                runtime.block_on(async {
                    if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .execute(&mut admin)
                        .await;
                    }
                });
            })
            .join();
        }
    }
}

/// A Redis key prefix for one test (its keys are deleted afterwards), or `None` when Redis
/// is not reachable.
pub struct TestRedis {
    pub url: String,
    pub prefix: String,
}

impl TestRedis {
    pub async fn new() -> Option<TestRedis> {
        let url = redis_url();
        let reachable = async {
            let client = redis::Client::open(url.as_str())?;
            let mut connection = client.get_multiplexed_async_connection().await?;
            redis::cmd("PING")
                .query_async::<String>(&mut connection)
                .await
        };
        match tokio::time::timeout(Duration::from_secs(5), reachable).await {
            Ok(Ok(_)) => Some(TestRedis {
                url,
                prefix: format!("cairn_test_{}:", random_suffix()),
            }),
            Ok(Err(e)) => {
                skip("Redis", "CAIRN_TEST_REDIS_URL", &url, &e.to_string());
                None
            }
            Err(_) => {
                skip("Redis", "CAIRN_TEST_REDIS_URL", &url, "timed out");
                None
            }
        }
    }
}

impl Drop for TestRedis {
    fn drop(&mut self) {
        let (url, prefix) = (self.url.clone(), self.prefix.clone());
        let _ = std::thread::spawn(move || {
            let Ok(client) = redis::Client::open(url.as_str()) else {
                return;
            };
            let Ok(mut connection) = client.get_connection() else {
                return;
            };
            let keys: Vec<String> = redis::cmd("KEYS")
                .arg(format!("{prefix}*"))
                .query(&mut connection)
                .unwrap_or_default();
            if !keys.is_empty() {
                let _: redis::RedisResult<()> = redis::cmd("DEL").arg(keys).query(&mut connection);
            }
        })
        .join();
    }
}

/// Settings for a test: the given database, a temporary data directory, limits high enough
/// not to interfere (tests of limits set their own), short device polling.
pub fn settings(db: &TestDb, data_dir: &std::path::Path) -> Settings {
    let mut settings = Settings::with_data_dir(data_dir);
    settings.database_url = db.url.clone();
    settings.database_kind = db.kind;
    settings.db_max_connections = 4;
    let generous = Some(Rate {
        burst: 100_000,
        period: Duration::from_secs(60),
    });
    settings.rate_limits = RateLimits {
        api: generous,
        login_ip: generous,
        login_account: generous,
    };
    settings.device_poll_interval = Duration::from_secs(1);
    settings
}

/// An application (state and router) on a test database.
pub struct TestApp {
    pub state: AppState,
    pub db: TestDb,
    pub data: TempDir,
}

impl TestApp {
    pub async fn new(db: TestDb) -> TestApp {
        TestApp::with(db, |_| {}).await
    }

    pub async fn with(db: TestDb, configure: impl FnOnce(&mut Settings)) -> TestApp {
        let data = tempfile::tempdir().expect("temporary directory");
        let mut settings = settings(&db, data.path());
        configure(&mut settings);
        let state = AppState::connect(settings).await.expect("the app starts");
        TestApp { state, db, data }
    }
}

/// The server over real HTTP on an ephemeral port.
pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    pub state: AppState,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestServer {
    pub async fn start(state: AppState) -> TestServer {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(cairn_server::server::serve_on(
            listener,
            state.clone(),
            async {
                let _ = rx.await;
            },
        ));
        TestServer {
            base,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
            state,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server task").expect("server ran");
        }
    }

    /// A request with an optional bearer token and JSON body; the status and the JSON body
    /// (`Null` when empty).
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let response = self.send(method, path, token, body).await;
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
        };
        (status, json)
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> reqwest::Response {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request")
    }

    pub async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        self.call("GET", path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
        self.call("POST", path, token, Some(body)).await
    }

    pub async fn register(&self, username: &str) -> Value {
        let (status, body) = self
            .post(
                "/api/v1/auth/register",
                None,
                json!({"username": username, "email": format!("{username}@example.com"), "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, 201, "register {username}: {body}");
        body
    }

    /// Signs in; the whole token answer.
    pub async fn login(&self, login: &str) -> Value {
        let (status, body) = self
            .post(
                "/api/v1/auth/login",
                None,
                json!({"login": login, "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, 200, "login {login}: {body}");
        body
    }

    /// Registers and signs in; the access token.
    pub async fn user(&self, username: &str) -> String {
        self.register(username).await;
        self.login(username).await["access_token"]
            .as_str()
            .expect("access token")
            .to_string()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Runs a test body against SQLite and against PostgreSQL: `both_databases!(name, …)`
/// makes `name::sqlite` and `name::postgres` from `async fn name(db: TestDb)`.
#[macro_export]
macro_rules! both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::support::TestDb::sqlite().await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = $crate::support::TestDb::postgres().await {
                    super::$name(db).await;
                }
            }
        }
    )*};
}
