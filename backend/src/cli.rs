//! The command line. Every server setting is a flag here, a `CAIRN_*` variable (read by
//! clap, below the flag) and a key of the optional TOML file (below both; see `config`).

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "cairn-server",
    version,
    about = "Cairn backend: accounts, conversations, analysis, rate limits and operations",
    long_about = "Cairn backend. With nothing configured it listens on 127.0.0.1:8080 and keeps \
                  SQLite and a generated JWT secret in its data directory. Settings come from \
                  flags, then CAIRN_* environment variables, then the TOML file named by \
                  --config / CAIRN_CONFIG."
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: SettingArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the migrations, then serve the API (the default).
    Serve,
    /// Run the database migrations and exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account (the password is read from standard input).
    Create(CreateUserArgs),
}

#[derive(Debug, Args)]
pub struct CreateUserArgs {
    #[arg(long)]
    pub username: String,
    #[arg(long)]
    pub email: String,
    /// Give the account the admin role.
    #[arg(long)]
    pub admin: bool,
    /// Read the password from the first line of standard input (required: passwords never
    /// go on the command line).
    #[arg(long, required = true)]
    pub password_stdin: bool,
}

/// All optional: what is not given falls through to the TOML file, then to the default.
#[derive(Debug, Default, Args)]
pub struct SettingArgs {
    /// TOML configuration file.
    #[arg(long, env = "CAIRN_CONFIG", global = true, value_name = "FILE")]
    pub config: Option<String>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "CAIRN_BIND", global = true, value_name = "ADDR")]
    pub bind: Option<String>,
    /// Where SQLite and the generated secret live [default: the platform data directory].
    #[arg(long, env = "CAIRN_DATA_DIR", global = true, value_name = "DIR")]
    pub data_dir: Option<String>,
    /// `postgres://…` or `sqlite://…` [default: sqlite in the data directory].
    #[arg(long, env = "CAIRN_DATABASE_URL", global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Maximum database connections [default: 16 for PostgreSQL, 8 for SQLite].
    #[arg(
        long,
        env = "CAIRN_DB_MAX_CONNECTIONS",
        global = true,
        value_name = "N"
    )]
    pub db_max_connections: Option<String>,
    /// `redis://…`: rate limits and caches shared by every replica [default: in process].
    #[arg(long, env = "CAIRN_REDIS_URL", global = true, value_name = "URL")]
    pub redis_url: Option<String>,
    /// Prefix of every Redis key [default: cairn:].
    #[arg(long, env = "CAIRN_REDIS_PREFIX", global = true, value_name = "PREFIX")]
    pub redis_prefix: Option<String>,
    /// HMAC key for access tokens, at least 32 bytes [default: generated and kept in the
    /// data directory with mode 0600].
    #[arg(
        long,
        env = "CAIRN_JWT_SECRET",
        global = true,
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub jwt_secret: Option<String>,
    /// The URL users reach this server at, for device sign-in links [default: http://BIND].
    #[arg(long, env = "CAIRN_PUBLIC_URL", global = true, value_name = "URL")]
    pub public_url: Option<String>,
    /// `open` or `invite` (after the first user, who is always admin) [default: open].
    #[arg(long, env = "CAIRN_REGISTRATION", global = true, value_name = "MODE")]
    pub registration: Option<String>,
    /// Access token lifetime, e.g. `15m` [default: 15m].
    #[arg(
        long,
        env = "CAIRN_ACCESS_TOKEN_TTL",
        global = true,
        value_name = "DURATION"
    )]
    pub access_token_ttl: Option<String>,
    /// Refresh token (session) lifetime [default: 30d].
    #[arg(
        long,
        env = "CAIRN_REFRESH_TOKEN_TTL",
        global = true,
        value_name = "DURATION"
    )]
    pub refresh_token_ttl: Option<String>,
    /// API requests per user or token, `N/PERIOD` or `off` [default: 600/1m].
    #[arg(long, env = "CAIRN_RATE_LIMIT_API", global = true, value_name = "RATE")]
    pub rate_limit_api: Option<String>,
    /// Sign-in and sign-up attempts per client IP [default: 20/1m].
    #[arg(
        long,
        env = "CAIRN_RATE_LIMIT_LOGIN_IP",
        global = true,
        value_name = "RATE"
    )]
    pub rate_limit_login_ip: Option<String>,
    /// Sign-in attempts per account [default: 10/10m].
    #[arg(
        long,
        env = "CAIRN_RATE_LIMIT_LOGIN_ACCOUNT",
        global = true,
        value_name = "RATE"
    )]
    pub rate_limit_login_account: Option<String>,
    /// Largest request body in bytes [default: 1048576].
    #[arg(long, env = "CAIRN_BODY_LIMIT", global = true, value_name = "BYTES")]
    pub body_limit: Option<String>,
    /// Longest time a request may take before it is answered 503 [default: 30s].
    #[arg(
        long,
        env = "CAIRN_REQUEST_TIMEOUT",
        global = true,
        value_name = "DURATION"
    )]
    pub request_timeout: Option<String>,
    /// How long GET answers are cached per user (`0s` turns the cache off) [default: 5m].
    #[arg(
        long,
        env = "CAIRN_API_CACHE_TTL",
        global = true,
        value_name = "DURATION"
    )]
    pub api_cache_ttl: Option<String>,
    /// Take the client address from the last `X-Forwarded-For` hop (behind one proxy)
    /// [default: false].
    #[arg(long, env = "CAIRN_TRUST_PROXY", global = true, value_name = "BOOL")]
    pub trust_proxy: Option<String>,
    /// Comma-separated origins allowed by CORS [default: none].
    #[arg(
        long,
        env = "CAIRN_CORS_ORIGINS",
        global = true,
        value_name = "ORIGINS"
    )]
    pub cors_origins: Option<String>,
    /// `json` or `pretty` [default: json].
    #[arg(long, env = "CAIRN_LOG_FORMAT", global = true, value_name = "FORMAT")]
    pub log_format: Option<String>,
}
