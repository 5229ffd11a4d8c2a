//! `cairn-server`, the Cairn backend, as a library (the binary is `main.rs`; tests and
//! benchmarks drive the same code).
//!
//! Layout, by capability: `config` (settings) · `store` (PostgreSQL/SQLite) · `auth`
//! (passwords, JWTs, sessions, personal access tokens, device sign-in, permissions) ·
//! `conversations`, `chat` · `analyze` · `admin` · `audit` · `limits` (rate limits) ·
//! `cache` · `ops` (metrics, readiness, timeouts) · `openapi` · `routes` (thin handlers) ·
//! `app` (state and middleware) · `server` (serving and shutdown).

pub mod admin;
pub mod analyze;
pub mod app;
pub mod audit;
pub mod auth;
pub mod cache;
pub mod chat;
pub mod cli;
pub mod config;
pub mod conversations;
pub mod error;
pub mod extract;
pub mod limits;
pub mod openapi;
pub mod ops;
mod routes;
pub mod server;
pub mod store;
pub mod telemetry;
pub mod validate;

pub use app::{AppState, StartError};
pub use config::Settings;
pub use error::{AppError, AppResult};
