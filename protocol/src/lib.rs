//! Types of the Cairn backend HTTP API, shared by the language server's client and the
//! backend so the two cannot drift. Field names here *are* the wire contract of
//! `../shared/DESIGN.md` §4; renaming one is a breaking change of the API.
//!
//! With the `openapi` feature every type also describes itself for the backend's generated
//! OpenAPI document (utoipa); clients leave the feature off.

pub mod admin;
pub mod auth;
pub mod check;
pub mod conversations;
pub mod error;
pub mod tokens;
pub mod users;

pub use error::{ErrorBody, ErrorDetail};

/// A page of results, newest first. `next_cursor` is opaque: pass it back as `?cursor=` to
/// get the following page; it is absent on the last page.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}
