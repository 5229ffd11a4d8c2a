use axum::Json;
use cairn_protocol::ErrorBody;
use cairn_protocol::users::Me;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::auth::{Credential, Principal};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me))
}

/// The signed-in account and the permissions of the credential used.
#[utoipa::path(get, path = "/api/v1/me", tag = "account", security(("bearer" = [])),
    responses(
        (status = 200, description = "The account", body = Me),
        (status = 401, description = "No valid credential", body = ErrorBody),
    ))]
async fn me(principal: Principal) -> Json<Me> {
    let permissions = principal.permissions();
    let credential = match principal.credential {
        Credential::Session { .. } => "session",
        Credential::PersonalAccessToken { .. } => "personal_access_token",
    };
    Json(Me {
        user: principal.user,
        permissions,
        credential: credential.into(),
    })
}
