use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use cairn_protocol::admin::{AuditEntry, CreateInvite, Invite, UpdateUser, UsageRow};
use cairn_protocol::users::User;
use cairn_protocol::{ErrorBody, Page};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::admin::{self, AuditQuery, UsageQuery};
use crate::app::AppState;
use crate::auth::Principal;
use crate::conversations::PageQuery;
use crate::error::AppResult;
use crate::extract::{IdPath, JsonBody, OptionalJsonBody, QueryParams};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users))
        .routes(routes!(update_user))
        .routes(routes!(create_invite))
        .routes(routes!(usage))
        .routes(routes!(audit))
}

/// Every account, newest first.
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin", security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of accounts", body = Page<User>),
        (status = 403, description = "Not an admin", body = ErrorBody),
    ))]
async fn list_users(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<PageQuery>,
) -> AppResult<Json<Page<User>>> {
    Ok(Json(admin::users(&state, &principal, query).await?))
}

/// Change an account's role or deactivate / reactivate it. A deactivated account's tokens
/// stop working at once.
#[utoipa::path(patch, path = "/api/v1/admin/users/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Account id")),
    request_body = UpdateUser,
    responses(
        (status = 200, description = "The account after the change", body = User),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 409, description = "The last active admin cannot lose the role", body = ErrorBody),
    ))]
async fn update_user(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    JsonBody(req): JsonBody<UpdateUser>,
) -> AppResult<Json<User>> {
    Ok(Json(admin::update_user(&state, &principal, id, req).await?))
}

/// Create an invitation for invite-only registration (the code is shown this once).
#[utoipa::path(post, path = "/api/v1/admin/invites", tag = "admin", security(("bearer" = [])),
    request_body(content = Option<CreateInvite>),
    responses(
        (status = 201, description = "Created", body = Invite),
        (status = 403, description = "Not an admin", body = ErrorBody),
    ))]
async fn create_invite(
    State(state): State<AppState>,
    principal: Principal,
    OptionalJsonBody(req): OptionalJsonBody<CreateInvite>,
) -> AppResult<impl IntoResponse> {
    let invite = admin::create_invite(&state, &principal, req.unwrap_or_default()).await?;
    Ok((StatusCode::CREATED, Json(invite)))
}

/// AI usage per account over the last `days` days.
#[utoipa::path(get, path = "/api/v1/admin/usage", tag = "admin", security(("bearer" = [])),
    params(UsageQuery),
    responses(
        (status = 200, description = "Usage per account, heaviest first", body = Vec<UsageRow>),
        (status = 403, description = "Not an admin", body = ErrorBody),
    ))]
async fn usage(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<UsageQuery>,
) -> AppResult<Json<Vec<UsageRow>>> {
    Ok(Json(admin::usage(&state, &principal, query).await?))
}

/// The audit log, newest first.
#[utoipa::path(get, path = "/api/v1/admin/audit", tag = "admin", security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of audit entries", body = Page<AuditEntry>),
        (status = 403, description = "Not an admin", body = ErrorBody),
    ))]
async fn audit(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<AuditQuery>,
) -> AppResult<Json<Page<AuditEntry>>> {
    Ok(Json(admin::audit_log(&state, &principal, query).await?))
}
