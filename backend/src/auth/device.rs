//! Device-code sign-in (RFC 8628) for editors: the editor asks for a code pair, shows the
//! user code, and polls; the user signs in on the web (or any client with a session) and
//! approves the code; the next poll gets a token pair for a new session.

use std::net::IpAddr;

use cairn_protocol::auth::{
    DEVICE_CODE_GRANT_TYPE, DeviceApproveRequest, DeviceCodeRequest, DeviceCodeResponse,
    DeviceTokenRequest, TokenResponse,
};
use uuid::Uuid;

use super::accounts::start_session;
use super::principal::{Credential, Principal};
use super::secrets;
use crate::app::AppState;
use crate::audit::{self, Event};
use crate::error::{AppError, AppResult};
use crate::store::{self, DeviceStatus, NewDevice, StoreError};
use crate::validate;

/// How long a code pair is valid.
pub const EXPIRES_IN_SECS: u64 = 600;
/// RFC 8628 §3.5: each `slow_down` adds 5 seconds to the interval.
const SLOW_DOWN_STEP_SECS: i32 = 5;

fn grant(code: &'static str, message: &str) -> AppError {
    AppError::Grant {
        code,
        message: message.to_string(),
    }
}

pub async fn start(
    state: &AppState,
    req: DeviceCodeRequest,
    ip: IpAddr,
) -> AppResult<DeviceCodeResponse> {
    state.limits.check_ip(ip).await?;
    if let Some(name) = &req.client_name {
        validate::name("client_name", name, 1, 100)?;
    }
    let device_code = secrets::random_token("cairn_dc_");
    let digest = secrets::digest(&device_code);
    let now = store::now();
    let interval = i32::try_from(state.settings.device_poll_interval.as_secs().max(1)).unwrap_or(5);
    // A user code is short, so it may collide with a live one: draw again.
    for _ in 0..5 {
        let user_code = secrets::user_code();
        let created = state
            .store
            .create_device(NewDevice {
                id: Uuid::now_v7(),
                device_code_hash: &digest,
                user_code: &user_code,
                client_name: req.client_name.as_deref(),
                interval_secs: interval,
                now,
                expires_at: now + chrono::Duration::seconds(EXPIRES_IN_SECS as i64),
            })
            .await;
        match created {
            Ok(()) => {
                let verification_uri = format!("{}/device", state.settings.public_url);
                return Ok(DeviceCodeResponse {
                    verification_uri_complete: format!("{verification_uri}?user_code={user_code}"),
                    verification_uri,
                    device_code,
                    user_code,
                    expires_in: EXPIRES_IN_SECS,
                    interval: interval as u64,
                });
            }
            Err(StoreError::Duplicate(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::internal("no free device user code after 5 draws"))
}

pub async fn poll(state: &AppState, req: DeviceTokenRequest) -> AppResult<TokenResponse> {
    if let Some(grant_type) = &req.grant_type
        && grant_type != DEVICE_CODE_GRANT_TYPE
    {
        return Err(grant(
            "unsupported_grant_type",
            &format!("grant_type must be {DEVICE_CODE_GRANT_TYPE}"),
        ));
    }
    validate::text("device_code", &req.device_code, 1, 200)?;
    let record = state
        .store
        .device_by_code(&secrets::digest(&req.device_code))
        .await?
        .ok_or_else(|| grant("invalid_grant", "unknown device code"))?;
    let now = store::now();
    if record.expires_at <= now {
        return Err(grant(
            "expired_token",
            "the device code has expired; start the sign-in again",
        ));
    }
    match record.status {
        DeviceStatus::Consumed => {
            return Err(grant("invalid_grant", "this device code was already used"));
        }
        DeviceStatus::Denied => {
            return Err(grant("access_denied", "the sign-in request was denied"));
        }
        DeviceStatus::Pending | DeviceStatus::Approved => {}
    }
    let too_soon = record.last_polled_at.is_some_and(|last| {
        now - last < chrono::Duration::seconds(i64::from(record.interval_secs))
    });
    if too_soon {
        let interval = record.interval_secs.saturating_add(SLOW_DOWN_STEP_SECS);
        state
            .store
            .record_device_poll(record.id, now, interval)
            .await?;
        return Err(grant(
            "slow_down",
            &format!("polling too fast; wait {interval} s between requests"),
        ));
    }
    state
        .store
        .record_device_poll(record.id, now, record.interval_secs)
        .await?;
    if record.status == DeviceStatus::Pending {
        return Err(grant(
            "authorization_pending",
            "waiting for the user to approve the code",
        ));
    }
    let user_id = state
        .store
        .consume_device(record.id)
        .await?
        .ok_or_else(|| grant("invalid_grant", "this device code was already used"))?;
    if !state.store.user(user_id).await?.is_some_and(|u| u.active) {
        return Err(grant(
            "access_denied",
            "the approving account is deactivated",
        ));
    }
    let tokens = start_session(state, user_id, record.client_name.as_deref()).await?;
    audit::record(
        state,
        Event::new("device_login")
            .actor(user_id)
            .detail(serde_json::json!({ "client": record.client_name })),
    )
    .await;
    Ok(tokens)
}

/// Approves (or denies) a device's request. Only a signed-in session may: a personal access
/// token must not be able to mint sessions with more rights than it has.
pub async fn approve(
    state: &AppState,
    principal: &Principal,
    req: DeviceApproveRequest,
) -> AppResult<()> {
    if !matches!(principal.credential, Credential::Session { .. }) {
        return Err(AppError::Forbidden(
            "approving a device sign-in needs a signed-in session, not a personal access token"
                .into(),
        ));
    }
    let code = secrets::normalize_user_code(&req.user_code)
        .ok_or_else(|| AppError::validation("user_code", "is not a code such as WDJB-MJHT"))?;
    let decided = state
        .store
        .decide_device(&code, principal.id(), req.approve, store::now())
        .await?;
    if !decided {
        return Err(AppError::NotFound("pending device code"));
    }
    let action = if req.approve {
        "device_approved"
    } else {
        "device_denied"
    };
    audit::record(
        state,
        Event::new(action).actor(principal.id()).target(&code),
    )
    .await;
    Ok(())
}
