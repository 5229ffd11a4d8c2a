use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use cairn_protocol::ErrorBody;
use cairn_protocol::auth::{
    DeviceApproveRequest, DeviceCodeRequest, DeviceCodeResponse, DeviceTokenRequest, LoginRequest,
    LogoutRequest, RefreshRequest, RegisterRequest, TokenResponse,
};
use cairn_protocol::users::User;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::auth::{self, Principal};
use crate::error::AppResult;
use crate::extract::{ClientIp, JsonBody, OptionalJsonBody};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(logout))
        .routes(routes!(device_code))
        .routes(routes!(device_token))
        .routes(routes!(device_approve))
}

/// Create an account. The first account becomes admin; after that registration is open or
/// by invitation, as the server is configured.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created", body = User),
        (status = 403, description = "Invitation required", body = ErrorBody),
        (status = 409, description = "Username or email taken", body = ErrorBody),
        (status = 422, description = "A field is invalid", body = ErrorBody),
        (status = 429, description = "Too many attempts from this address", body = ErrorBody),
    ))]
async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    JsonBody(req): JsonBody<RegisterRequest>,
) -> AppResult<impl IntoResponse> {
    let user = auth::accounts::register(&state, req, ip).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// Sign in with username or email and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 401, description = "Wrong credentials or deactivated account", body = ErrorBody),
        (status = 429, description = "Too many attempts (per address or per account)", body = ErrorBody),
    ))]
async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    JsonBody(req): JsonBody<LoginRequest>,
) -> AppResult<Json<TokenResponse>> {
    Ok(Json(auth::accounts::login(&state, req, ip).await?))
}

/// Exchange a refresh token for a new pair. The presented token is used up; presenting it
/// again signs the whole session out.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new token pair", body = TokenResponse),
        (status = 401, description = "Unknown, expired, revoked or reused token", body = ErrorBody),
    ))]
async fn refresh(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    JsonBody(req): JsonBody<RefreshRequest>,
) -> AppResult<Json<TokenResponse>> {
    Ok(Json(auth::accounts::refresh(&state, req, ip).await?))
}

/// End a session: the one of the refresh token in the body, or of the bearer access token.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body(content = Option<LogoutRequest>),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "No valid token given", body = ErrorBody),
    ))]
async fn logout(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    OptionalJsonBody(req): OptionalJsonBody<LogoutRequest>,
) -> AppResult<StatusCode> {
    let bearer = auth::bearer_token(&headers)?;
    auth::accounts::logout(&state, bearer, req, ip).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Start a device sign-in (RFC 8628 §3.1): show `user_code` to the user and poll
/// `/api/v1/auth/device/token` every `interval` seconds.
#[utoipa::path(post, path = "/api/v1/auth/device/code", tag = "auth", request_body(content = Option<DeviceCodeRequest>),
    responses(
        (status = 200, description = "A code pair", body = DeviceCodeResponse),
        (status = 429, description = "Too many requests from this address", body = ErrorBody),
    ))]
async fn device_code(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    OptionalJsonBody(req): OptionalJsonBody<DeviceCodeRequest>,
) -> AppResult<Json<DeviceCodeResponse>> {
    Ok(Json(
        auth::device::start(&state, req.unwrap_or_default(), ip).await?,
    ))
}

/// Poll for the device's tokens (RFC 8628 §3.4). Until approved: 400 with code
/// `authorization_pending`; too fast: `slow_down` (wait 5 s longer from now on); too late:
/// `expired_token`; denied: `access_denied`.
#[utoipa::path(post, path = "/api/v1/auth/device/token", tag = "auth", request_body = DeviceTokenRequest,
    responses(
        (status = 200, description = "Approved: a token pair for a new session", body = TokenResponse),
        (status = 400, description = "authorization_pending, slow_down, expired_token, access_denied or invalid_grant", body = ErrorBody),
    ))]
async fn device_token(
    State(state): State<AppState>,
    JsonBody(req): JsonBody<DeviceTokenRequest>,
) -> AppResult<Json<TokenResponse>> {
    Ok(Json(auth::device::poll(&state, req).await?))
}

/// Approve (or deny) a device's sign-in from a signed-in session.
#[utoipa::path(post, path = "/api/v1/auth/device/approve", tag = "auth", request_body = DeviceApproveRequest,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Decided"),
        (status = 403, description = "Not a signed-in session", body = ErrorBody),
        (status = 404, description = "No pending request with this code", body = ErrorBody),
    ))]
async fn device_approve(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(req): JsonBody<DeviceApproveRequest>,
) -> AppResult<StatusCode> {
    auth::device::approve(&state, &principal, req).await?;
    Ok(StatusCode::NO_CONTENT)
}
