//! Settings: flags over `CAIRN_*` variables (both through clap) over the TOML file over the
//! defaults. Everything is checked here, before anything connects, so a bad value stops the
//! start with a message that names the setting.

mod secret;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cli::SettingArgs;

pub use secret::{create_private_dir, load_or_create_jwt_secret};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{setting}: {message}")]
    Invalid { setting: String, message: String },
    #[error("config file {path}: {message}")]
    File { path: String, message: String },
    #[error("{0}")]
    Io(String),
}

pub type Result<T, E = ConfigError> = std::result::Result<T, E>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatabaseKind {
    Postgres,
    Sqlite,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Registration {
    /// Anyone may sign up (the first account is admin).
    Open,
    /// Only with an invitation an admin created (the first account needs none).
    Invite,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

/// `burst` requests per `period`, refilled evenly (GCRA).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub burst: u32,
    pub period: Duration,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimits {
    pub api: Option<Rate>,
    pub login_ip: Option<Rate>,
    pub login_account: Option<Rate>,
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub database_kind: DatabaseKind,
    pub db_max_connections: u32,
    pub redis_url: Option<String>,
    pub redis_prefix: String,
    /// Given explicitly; otherwise generated into the data directory at start.
    pub jwt_secret: Option<String>,
    pub public_url: String,
    pub registration: Registration,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub rate_limits: RateLimits,
    pub body_limit: usize,
    pub request_timeout: Duration,
    pub api_cache_ttl: Duration,
    pub trust_proxy: bool,
    pub cors_origins: Vec<String>,
    pub log_format: LogFormat,
    /// RFC 8628 polling interval handed to devices (not a user setting; tests shorten it).
    pub device_poll_interval: Duration,
}

/// Every key the TOML file may hold, with its flag and variable, for messages and checks.
const KEYS: &[(&str, &str, &str)] = &[
    ("bind", "--bind", "CAIRN_BIND"),
    ("data_dir", "--data-dir", "CAIRN_DATA_DIR"),
    ("database_url", "--database-url", "CAIRN_DATABASE_URL"),
    (
        "db_max_connections",
        "--db-max-connections",
        "CAIRN_DB_MAX_CONNECTIONS",
    ),
    ("redis_url", "--redis-url", "CAIRN_REDIS_URL"),
    ("redis_prefix", "--redis-prefix", "CAIRN_REDIS_PREFIX"),
    ("jwt_secret", "--jwt-secret", "CAIRN_JWT_SECRET"),
    ("public_url", "--public-url", "CAIRN_PUBLIC_URL"),
    ("registration", "--registration", "CAIRN_REGISTRATION"),
    (
        "access_token_ttl",
        "--access-token-ttl",
        "CAIRN_ACCESS_TOKEN_TTL",
    ),
    (
        "refresh_token_ttl",
        "--refresh-token-ttl",
        "CAIRN_REFRESH_TOKEN_TTL",
    ),
    ("rate_limit_api", "--rate-limit-api", "CAIRN_RATE_LIMIT_API"),
    (
        "rate_limit_login_ip",
        "--rate-limit-login-ip",
        "CAIRN_RATE_LIMIT_LOGIN_IP",
    ),
    (
        "rate_limit_login_account",
        "--rate-limit-login-account",
        "CAIRN_RATE_LIMIT_LOGIN_ACCOUNT",
    ),
    ("body_limit", "--body-limit", "CAIRN_BODY_LIMIT"),
    (
        "request_timeout",
        "--request-timeout",
        "CAIRN_REQUEST_TIMEOUT",
    ),
    ("api_cache_ttl", "--api-cache-ttl", "CAIRN_API_CACHE_TTL"),
    ("trust_proxy", "--trust-proxy", "CAIRN_TRUST_PROXY"),
    ("cors_origins", "--cors-origins", "CAIRN_CORS_ORIGINS"),
    ("log_format", "--log-format", "CAIRN_LOG_FORMAT"),
];

/// Tables the TOML file may hold for later parts of the server (AI providers and models);
/// read by them, accepted here.
const TABLES: &[&str] = &["providers", "models", "routes"];

impl Settings {
    /// Resolves the settings from the command line (flags and variables) and the TOML file
    /// it names, if any.
    pub fn load(args: &SettingArgs) -> Result<Settings> {
        let file = match &args.config {
            Some(path) => read_file(Path::new(path))?,
            None => BTreeMap::new(),
        };
        Layers { args, file: &file }.resolve()
    }

    /// Settings for tests and embedding: the defaults with a data directory.
    pub fn with_data_dir(data_dir: &Path) -> Settings {
        let args = SettingArgs {
            data_dir: Some(data_dir.to_string_lossy().into_owned()),
            ..SettingArgs::default()
        };
        Layers {
            args: &args,
            file: &BTreeMap::new(),
        }
        .resolve()
        .expect("the defaults are valid")
    }
}

fn read_file(path: &Path) -> Result<BTreeMap<String, String>> {
    let file_error = |message: String| ConfigError::File {
        path: path.display().to_string(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| file_error(e.to_string()))?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| file_error(e.to_string()))?;
    let mut values = BTreeMap::new();
    for (key, value) in table {
        if TABLES.contains(&key.as_str()) {
            continue;
        }
        if !KEYS.iter().any(|(k, _, _)| *k == key) {
            let known: Vec<&str> = KEYS.iter().map(|(k, _, _)| *k).collect();
            return Err(file_error(format!(
                "unknown key `{key}` (known: {})",
                known.join(", ")
            )));
        }
        let text = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::Array(items) => items
                .into_iter()
                .map(|item| match item {
                    toml::Value::String(s) => Ok(s),
                    other => Err(file_error(format!(
                        "`{key}`: expected strings, got {other}"
                    ))),
                })
                .collect::<Result<Vec<_>>>()?
                .join(","),
            other => {
                return Err(file_error(format!(
                    "`{key}`: expected a string, number or boolean, got {other}"
                )));
            }
        };
        values.insert(key, text);
    }
    Ok(values)
}

struct Layers<'a> {
    args: &'a SettingArgs,
    file: &'a BTreeMap<String, String>,
}

impl Layers<'_> {
    fn flag(&self, key: &str) -> Option<&String> {
        let a = self.args;
        match key {
            "bind" => a.bind.as_ref(),
            "data_dir" => a.data_dir.as_ref(),
            "database_url" => a.database_url.as_ref(),
            "db_max_connections" => a.db_max_connections.as_ref(),
            "redis_url" => a.redis_url.as_ref(),
            "redis_prefix" => a.redis_prefix.as_ref(),
            "jwt_secret" => a.jwt_secret.as_ref(),
            "public_url" => a.public_url.as_ref(),
            "registration" => a.registration.as_ref(),
            "access_token_ttl" => a.access_token_ttl.as_ref(),
            "refresh_token_ttl" => a.refresh_token_ttl.as_ref(),
            "rate_limit_api" => a.rate_limit_api.as_ref(),
            "rate_limit_login_ip" => a.rate_limit_login_ip.as_ref(),
            "rate_limit_login_account" => a.rate_limit_login_account.as_ref(),
            "body_limit" => a.body_limit.as_ref(),
            "request_timeout" => a.request_timeout.as_ref(),
            "api_cache_ttl" => a.api_cache_ttl.as_ref(),
            "trust_proxy" => a.trust_proxy.as_ref(),
            "cors_origins" => a.cors_origins.as_ref(),
            "log_format" => a.log_format.as_ref(),
            _ => None,
        }
    }

    /// The value of a setting, flag/variable first, then the file; empty means unset.
    fn get(&self, key: &str) -> Option<&str> {
        self.flag(key)
            .or_else(|| self.file.get(key))
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }

    fn parse<T>(
        &self,
        key: &str,
        default: T,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T> {
        match self.get(key) {
            None => Ok(default),
            Some(text) => parse(text).map_err(|message| invalid(key, message)),
        }
    }

    fn resolve(&self) -> Result<Settings> {
        let bind: SocketAddr = self.parse("bind", ([127, 0, 0, 1], 8080).into(), |s| {
            s.parse()
                .map_err(|_| format!("`{s}` is not an address such as 127.0.0.1:8080"))
        })?;
        let data_dir = match self.get("data_dir") {
            Some(dir) => PathBuf::from(dir),
            None => default_data_dir()?,
        };
        let database_url = match self.get("database_url") {
            Some(url) => url.to_string(),
            None => format!("sqlite://{}", data_dir.join("cairn.db").display()),
        };
        let database_kind = database_kind(&database_url)
            .ok_or_else(|| invalid("database_url", "expected postgres://… or sqlite://…"))?;
        let default_connections = match database_kind {
            DatabaseKind::Postgres => 16,
            DatabaseKind::Sqlite => 8,
        };
        let db_max_connections = self.parse("db_max_connections", default_connections, |s| {
            match s.parse::<u32>() {
                Ok(n @ 1..=1000) => Ok(n),
                _ => Err(format!("`{s}` is not a number from 1 to 1000")),
            }
        })?;
        let redis_url = self.get("redis_url").map(str::to_string);
        if let Some(url) = &redis_url
            && !(url.starts_with("redis://")
                || url.starts_with("rediss://")
                || url.starts_with("redis+unix://")
                || url.starts_with("unix://"))
        {
            return Err(invalid("redis_url", "expected redis://…"));
        }
        let jwt_secret = self.get("jwt_secret").map(str::to_string);
        if let Some(secret) = &jwt_secret
            && secret.len() < 32
        {
            return Err(invalid(
                "jwt_secret",
                "must be at least 32 bytes (or leave it unset to have one generated)",
            ));
        }
        let public_url = self
            .get("public_url")
            .map(|s| s.trim_end_matches('/').to_string())
            .unwrap_or_else(|| format!("http://{bind}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(invalid("public_url", "expected http://… or https://…"));
        }
        let registration = self.parse("registration", Registration::Open, |s| match s {
            "open" => Ok(Registration::Open),
            "invite" | "invite-only" => Ok(Registration::Invite),
            _ => Err(format!("`{s}`: expected `open` or `invite`")),
        })?;
        let access_token_ttl = self.parse("access_token_ttl", minutes(15), |s| {
            duration(s, Duration::from_secs(10), days(1))
        })?;
        let refresh_token_ttl = self.parse("refresh_token_ttl", days(30), |s| {
            duration(s, minutes(1), days(365))
        })?;
        let rate_limits = RateLimits {
            api: self.parse("rate_limit_api", Some(rate(600, minutes(1))), parse_rate)?,
            login_ip: self.parse(
                "rate_limit_login_ip",
                Some(rate(20, minutes(1))),
                parse_rate,
            )?,
            login_account: self.parse(
                "rate_limit_login_account",
                Some(rate(10, minutes(10))),
                parse_rate,
            )?,
        };
        let body_limit = self.parse("body_limit", 1 << 20, |s| match s.parse::<usize>() {
            Ok(n @ 1024..=1_073_741_824) => Ok(n),
            _ => Err(format!("`{s}` is not a byte count from 1024 to 1073741824")),
        })?;
        let request_timeout = self.parse("request_timeout", Duration::from_secs(30), |s| {
            duration(s, Duration::from_millis(100), minutes(60))
        })?;
        let api_cache_ttl = self.parse("api_cache_ttl", minutes(5), |s| {
            duration(s, Duration::ZERO, days(1))
        })?;
        let trust_proxy = self.parse("trust_proxy", false, |s| match s {
            "true" | "1" | "yes" => Ok(true),
            "false" | "0" | "no" => Ok(false),
            _ => Err(format!("`{s}`: expected true or false")),
        })?;
        let cors_origins = self
            .get("cors_origins")
            .map(|s| {
                s.split(',')
                    .map(|o| o.trim().trim_end_matches('/').to_string())
                    .filter(|o| !o.is_empty())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        if let Some(bad) = cors_origins
            .iter()
            .find(|o| !(o.starts_with("http://") || o.starts_with("https://")))
        {
            return Err(invalid(
                "cors_origins",
                format!("`{bad}` is not an origin such as https://cairn.example"),
            ));
        }
        let log_format = self.parse("log_format", LogFormat::Json, |s| match s {
            "json" => Ok(LogFormat::Json),
            "pretty" | "text" => Ok(LogFormat::Pretty),
            _ => Err(format!("`{s}`: expected `json` or `pretty`")),
        })?;
        Ok(Settings {
            bind,
            data_dir,
            database_url,
            database_kind,
            db_max_connections,
            redis_url,
            redis_prefix: self.get("redis_prefix").unwrap_or("cairn:").to_string(),
            jwt_secret,
            public_url,
            registration,
            access_token_ttl,
            refresh_token_ttl,
            rate_limits,
            body_limit,
            request_timeout,
            api_cache_ttl,
            trust_proxy,
            cors_origins,
            log_format,
            device_poll_interval: Duration::from_secs(5),
        })
    }
}

fn invalid(key: &str, message: impl Into<String>) -> ConfigError {
    let setting = match KEYS.iter().find(|(k, _, _)| *k == key) {
        Some((key, flag, env)) => format!("{flag} / {env} / `{key}`"),
        None => key.to_string(),
    };
    ConfigError::Invalid {
        setting,
        message: message.into(),
    }
}

fn database_kind(url: &str) -> Option<DatabaseKind> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Some(DatabaseKind::Postgres)
    } else if url.starts_with("sqlite:") {
        Some(DatabaseKind::Sqlite)
    } else {
        None
    }
}

fn default_data_dir() -> Result<PathBuf> {
    directories::ProjectDirs::from("dev", "cairn", "cairn-server")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or_else(|| {
            invalid(
                "data_dir",
                "no home directory to put the data directory in; set it",
            )
        })
}

const fn minutes(n: u64) -> Duration {
    Duration::from_secs(n * 60)
}

const fn days(n: u64) -> Duration {
    Duration::from_secs(n * 86_400)
}

const fn rate(burst: u32, period: Duration) -> Rate {
    Rate { burst, period }
}

/// `15m`, `30d`, `900s`, `1h 30m` (humantime), or a bare number of seconds.
fn duration(text: &str, min: Duration, max: Duration) -> Result<Duration, String> {
    let value = match text.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => humantime::parse_duration(text)
            .map_err(|_| format!("`{text}` is not a duration such as 30s, 15m or 7d"))?,
    };
    if value < min || value > max {
        return Err(format!(
            "`{text}` is outside {} … {}",
            humantime::format_duration(min),
            humantime::format_duration(max)
        ));
    }
    Ok(value)
}

/// `N/PERIOD` (`600/1m`, `10/10m`, `5/s`) or `off`.
fn parse_rate(text: &str) -> Result<Option<Rate>, String> {
    if matches!(text, "off" | "none" | "0") {
        return Ok(None);
    }
    let bad = || format!("`{text}` is not a rate such as 600/1m, 10/10m or off");
    let (count, period) = text.split_once('/').ok_or_else(bad)?;
    let burst: u32 = count.trim().parse().map_err(|_| bad())?;
    let period = period.trim();
    let period = match period {
        "s" | "sec" | "second" => Duration::from_secs(1),
        "m" | "min" | "minute" => minutes(1),
        "h" | "hour" => minutes(60),
        "d" | "day" => days(1),
        other => humantime::parse_duration(other).map_err(|_| bad())?,
    };
    if burst == 0 || burst > 10_000_000 || period.is_zero() || period > days(1) {
        return Err(bad());
    }
    Ok(Some(Rate { burst, period }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(args: SettingArgs, file: &[(&str, &str)]) -> Result<Settings> {
        let file = file
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Layers {
            args: &args,
            file: &file,
        }
        .resolve()
    }

    #[test]
    fn defaults_are_the_embedded_setup() {
        let s = settings(
            SettingArgs {
                data_dir: Some("/tmp/cairn-test".into()),
                ..SettingArgs::default()
            },
            &[],
        )
        .unwrap();
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.database_kind, DatabaseKind::Sqlite);
        assert_eq!(s.database_url, "sqlite:///tmp/cairn-test/cairn.db");
        assert_eq!(s.redis_url, None);
        assert_eq!(s.body_limit, 1 << 20);
        assert_eq!(s.access_token_ttl, minutes(15));
        assert_eq!(s.public_url, "http://127.0.0.1:8080");
    }

    #[test]
    fn flags_and_variables_win_over_the_file() {
        let s = settings(
            SettingArgs {
                data_dir: Some("/tmp/x".into()),
                bind: Some("127.0.0.1:9000".into()),
                ..SettingArgs::default()
            },
            &[("bind", "0.0.0.0:1"), ("registration", "invite")],
        )
        .unwrap();
        assert_eq!(s.bind.to_string(), "127.0.0.1:9000");
        assert_eq!(s.registration, Registration::Invite);
    }

    #[test]
    fn invalid_values_name_the_setting() {
        let err = settings(
            SettingArgs {
                data_dir: Some("/tmp/x".into()),
                database_url: Some("mysql://db".into()),
                ..SettingArgs::default()
            },
            &[],
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("CAIRN_DATABASE_URL"), "{err}");
        let err = settings(
            SettingArgs {
                data_dir: Some("/tmp/x".into()),
                jwt_secret: Some("short".into()),
                ..SettingArgs::default()
            },
            &[],
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("CAIRN_JWT_SECRET") && err.contains("32 bytes"),
            "{err}"
        );
        let err = settings(SettingArgs::default(), &[("rate_limit_api", "lots")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("rate_limit_api"), "{err}");
    }

    #[test]
    fn rates_and_durations_parse() {
        assert_eq!(
            parse_rate("600/1m").unwrap(),
            Some(rate(600, Duration::from_secs(60)))
        );
        assert_eq!(
            parse_rate("5/s").unwrap(),
            Some(rate(5, Duration::from_secs(1)))
        );
        assert_eq!(parse_rate("off").unwrap(), None);
        assert!(parse_rate("0/1m").is_err());
        assert_eq!(
            duration("900", Duration::ZERO, days(1)).unwrap(),
            minutes(15)
        );
        assert_eq!(
            duration("2h", Duration::ZERO, days(1)).unwrap(),
            minutes(120)
        );
        assert!(duration("3d", Duration::ZERO, days(1)).is_err());
    }

    #[test]
    fn the_file_rejects_unknown_keys_and_reads_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cairn.toml");
        std::fs::write(
            &path,
            "body_limit = 2048\n[providers.openai]\nkind = \"x\"\n",
        )
        .unwrap();
        let values = read_file(&path).unwrap();
        assert_eq!(values.get("body_limit").map(String::as_str), Some("2048"));
        std::fs::write(&path, "bnid = \"127.0.0.1:1\"\n").unwrap();
        let err = read_file(&path).unwrap_err().to_string();
        assert!(err.contains("unknown key `bnid`"), "{err}");
    }
}
