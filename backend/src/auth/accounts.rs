//! Sign-up, sign-in, refresh and sign-out.

use std::net::IpAddr;

use cairn_protocol::auth::{
    LoginRequest, LogoutRequest, RefreshRequest, RegisterRequest, TokenResponse,
};
use cairn_protocol::users::{Role, User};
use uuid::Uuid;

use super::principal::{public_user, session_key};
use super::secrets;
use crate::app::AppState;
use crate::audit::{self, Event};
use crate::cache::Namespace;
use crate::config::Registration;
use crate::error::{AppError, AppResult};
use crate::limits::Kind;
use crate::store::users::InviteRule;
use crate::store::{self, NewRefreshToken, NewUser, RefreshClaim, RegisterOutcome};
use crate::validate;

pub const REFRESH_TOKEN_PREFIX: &str = "cairn_rt_";

pub async fn register(state: &AppState, req: RegisterRequest, ip: IpAddr) -> AppResult<User> {
    state.limits.check_ip(ip).await?;
    validate::username(&req.username)?;
    validate::email(&req.email)?;
    validate::password(&req.password)?;
    if let Some(invite) = &req.invite {
        validate::text("invite", invite, 1, 200)?;
    }
    let invite_hash = req.invite.as_deref().map(secrets::digest);
    let invite = match state.settings.registration {
        Registration::Open => InviteRule::NotRequired,
        Registration::Invite => InviteRule::Required(invite_hash.as_deref()),
    };
    create_account(
        state,
        &req.username,
        &req.email,
        &req.password,
        Role::User,
        invite,
    )
    .await
    .inspect(|user| {
        tracing::info!(user_id = %user.id, role = user.role.as_str(), "account created");
    })
}

/// Creates an account (the first one is admin whatever `role` says); shared by sign-up and
/// `cairn-server user create`.
pub async fn create_account(
    state: &AppState,
    username: &str,
    email: &str,
    password: &str,
    role: Role,
    invite: InviteRule<'_>,
) -> AppResult<User> {
    let password_hash = state.passwords.hash(password).await?;
    let outcome = state
        .store
        .register_user(NewUser {
            id: Uuid::now_v7(),
            username,
            email,
            password_hash: &password_hash,
            role,
            now: store::now(),
            invite,
        })
        .await?;
    match outcome {
        RegisterOutcome::Created(record) => {
            let user = public_user(&record);
            audit::record(
                state,
                Event::new("user_registered")
                    .actor(user.id)
                    .target(user.id)
                    .detail(serde_json::json!({ "role": user.role.as_str() })),
            )
            .await;
            Ok(user)
        }
        RegisterOutcome::UsernameTaken => Err(AppError::Conflict {
            code: "username_taken",
            message: "this username is taken".into(),
        }),
        RegisterOutcome::EmailTaken => Err(AppError::Conflict {
            code: "email_taken",
            message: "an account with this email exists".into(),
        }),
        RegisterOutcome::InviteRequired => Err(AppError::Forbidden(
            "registration is by invitation only; ask an admin for an invite".into(),
        )),
        RegisterOutcome::InviteInvalid => Err(AppError::validation(
            "invite",
            "this invitation is unknown, used or expired",
        )),
    }
}

pub async fn login(state: &AppState, req: LoginRequest, ip: IpAddr) -> AppResult<TokenResponse> {
    validate::text("login", &req.login, 1, 254)?;
    validate::text("password", &req.password, 1, 1024)?;
    state.limits.check_ip(ip).await?;
    let account_key = secrets::digest_hex(&req.login.to_lowercase());
    state.limits.check(Kind::LoginAccount, &account_key).await?;

    let record = state.store.user_by_login(&req.login).await?;
    let matches = state
        .passwords
        .verify(
            &req.password,
            record.as_ref().map(|r| r.password_hash.as_str()),
        )
        .await?;
    let Some(record) = record.filter(|_| matches) else {
        audit::record(
            state,
            Event::new("login_failed")
                .ip(ip)
                .detail(serde_json::json!({ "login": req.login })),
        )
        .await;
        return Err(AppError::Unauthorized {
            code: "invalid_credentials",
            message: "wrong username, email or password".into(),
        });
    };
    if !record.active {
        audit::record(
            state,
            Event::new("login_refused_inactive")
                .target(record.id)
                .ip(ip),
        )
        .await;
        return Err(AppError::Unauthorized {
            code: "account_disabled",
            message: "this account has been deactivated".into(),
        });
    }
    let tokens = start_session(state, record.id, None).await?;
    state.store.record_login(record.id, store::now()).await?;
    audit::record(state, Event::new("login").actor(record.id).ip(ip)).await;
    Ok(tokens)
}

/// A new session (refresh-token family) for the user, with its first token pair.
pub async fn start_session(
    state: &AppState,
    user_id: Uuid,
    client: Option<&str>,
) -> AppResult<TokenResponse> {
    let session_id = Uuid::now_v7();
    let refresh_token = secrets::random_token(REFRESH_TOKEN_PREFIX);
    let digest = secrets::digest(&refresh_token);
    let now = store::now();
    state
        .store
        .create_session(
            client,
            NewRefreshToken {
                id: Uuid::now_v7(),
                family_id: session_id,
                user_id,
                token_hash: &digest,
                now,
                expires_at: now + refresh_ttl(state),
            },
        )
        .await?;
    token_pair(state, user_id, session_id, refresh_token)
}

fn refresh_ttl(state: &AppState) -> chrono::Duration {
    chrono::Duration::from_std(state.settings.refresh_token_ttl)
        .unwrap_or_else(|_| chrono::Duration::days(30))
}

fn token_pair(
    state: &AppState,
    user_id: Uuid,
    session_id: Uuid,
    refresh_token: String,
) -> AppResult<TokenResponse> {
    let access_token = state
        .jwt
        .issue(user_id, session_id)
        .map_err(AppError::internal)?;
    Ok(TokenResponse {
        access_token,
        refresh_token,
        token_type: "Bearer".into(),
        expires_in: state.jwt.ttl.as_secs(),
    })
}

/// Rotates: the presented refresh token is used up and a new pair returned. A token that
/// was already used signs the whole session out (its family is revoked).
pub async fn refresh(
    state: &AppState,
    req: RefreshRequest,
    ip: IpAddr,
) -> AppResult<TokenResponse> {
    validate::text("refresh_token", &req.refresh_token, 1, 200)?;
    let now = store::now();
    let claim = state
        .store
        .claim_refresh_token(&secrets::digest(&req.refresh_token), now)
        .await?;
    match claim {
        RefreshClaim::Claimed { family_id, user_id } => {
            let user = state.store.user(user_id).await?;
            if !user.is_some_and(|u| u.active) {
                return Err(AppError::Unauthorized {
                    code: "account_disabled",
                    message: "this account has been deactivated".into(),
                });
            }
            let refresh_token = secrets::random_token(REFRESH_TOKEN_PREFIX);
            let digest = secrets::digest(&refresh_token);
            state
                .store
                .add_refresh_token(NewRefreshToken {
                    id: Uuid::now_v7(),
                    family_id,
                    user_id,
                    token_hash: &digest,
                    now,
                    expires_at: now + refresh_ttl(state),
                })
                .await?;
            token_pair(state, user_id, family_id, refresh_token)
        }
        RefreshClaim::Reused { family_id, user_id } => {
            state
                .cache
                .remove(Namespace::Session, &session_key(family_id))
                .await?;
            audit::record(
                state,
                Event::new("refresh_token_reused")
                    .target(user_id)
                    .ip(ip)
                    .detail(serde_json::json!({ "session": family_id })),
            )
            .await;
            tracing::warn!(%user_id, session = %family_id, "refresh token reused; session revoked");
            Err(AppError::Unauthorized {
                code: "token_reused",
                message: "this refresh token was already used; the session has been signed out"
                    .into(),
            })
        }
        RefreshClaim::Invalid => Err(AppError::invalid_token(
            "the refresh token is unknown, expired or revoked",
        )),
    }
}

/// Ends the session named by the body's refresh token or by the bearer access token.
pub async fn logout(
    state: &AppState,
    access_token: Option<&str>,
    req: Option<LogoutRequest>,
    ip: IpAddr,
) -> AppResult<()> {
    let session_id = match req.and_then(|r| r.refresh_token) {
        Some(refresh_token) => {
            validate::text("refresh_token", &refresh_token, 1, 200)?;
            state
                .store
                .refresh_token_session(&secrets::digest(&refresh_token))
                .await?
                .ok_or_else(|| AppError::invalid_token("the refresh token is unknown"))?
        }
        None => {
            let token = access_token.ok_or_else(|| AppError::Unauthorized {
                code: "unauthorized",
                message: "send the refresh token in the body or an access token in Authorization"
                    .into(),
            })?;
            state
                .jwt
                .verify(token)
                .map_err(|_| AppError::invalid_token("the access token is invalid"))?
                .sid
        }
    };
    let session = state.store.session(session_id).await?;
    state.store.revoke_session(session_id, store::now()).await?;
    state
        .cache
        .remove(Namespace::Session, &session_key(session_id))
        .await?;
    if let Some(session) = session {
        audit::record(state, Event::new("logout").actor(session.user_id).ip(ip)).await;
    }
    Ok(())
}
