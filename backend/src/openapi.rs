//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]` declarations
//! and the `cairn-protocol` types, served at `/api/openapi.json`.

use std::sync::LazyLock;

use bytes::Bytes;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;

use crate::app::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Cairn API",
        description = "The Cairn backend: accounts and tokens, conversations, analysis, \
                       administration and operations. Errors are `{\"error\": {\"code\", \
                       \"message\"}}` with stable codes. Authenticate with \
                       `Authorization: Bearer <access token or personal access token>`.",
        license(name = "Apache-2.0")
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Sign-up, sign-in, refresh, sign-out, device sign-in (RFC 8628)"),
        (name = "account", description = "The signed-in account and its personal access tokens"),
        (name = "conversations", description = "Conversations and messages (owner-scoped)"),
        (name = "analysis", description = "The analysis engine over HTTP"),
        (name = "admin", description = "Administration (the `*` permission)"),
        (name = "operations", description = "Health, readiness, metrics, this document"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An access token (JWT) from sign-in, or a personal access token (cairn_pat_…)",
                    ))
                    .build(),
            ),
        );
    }
}

/// The routes with the document they declare.
pub fn router() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::<AppState>::with_openapi(ApiDoc::openapi())
        .merge(crate::routes::router())
        .split_for_parts()
}

pub fn document() -> utoipa::openapi::OpenApi {
    router().1
}

/// The document as served.
pub fn json() -> Bytes {
    static JSON: LazyLock<Bytes> = LazyLock::new(|| {
        Bytes::from(document().to_pretty_json().unwrap_or_else(|e| {
            tracing::error!(error = %e, "OpenAPI document not serializable");
            "{}".to_string()
        }))
    });
    JSON.clone()
}
