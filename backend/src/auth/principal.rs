//! Resolving `Authorization: Bearer …` to a [`Principal`] on every request, through the
//! session cache (24 h) so the hot path is a signature check and cache reads: JWT → its
//! session (live?) → its account (active? role?); personal access token → its digest → the
//! token (live? scopes?) → its account. Every entry is deleted when what it says changes,
//! so revocation, role changes and deactivation take effect on the next request.

use std::sync::{Arc, OnceLock};

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use cairn_protocol::tokens::PERSONAL_ACCESS_TOKEN_PREFIX;
use cairn_protocol::users::User;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::jwt::JwtError;
use super::{Permission, grants, role_grants, secrets};
use crate::app::AppState;
use crate::cache::{Cache, Namespace};
use crate::error::{AppError, AppResult};
use crate::limits::{Decision, Kind};
use crate::store::{self, UserRecord};

/// Who is calling, with what.
#[derive(Clone, Debug)]
pub struct Principal {
    pub user: User,
    pub credential: Credential,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credential {
    /// An access token from sign-in (or the device flow), in session `session_id`.
    Session {
        session_id: Uuid,
    },
    PersonalAccessToken {
        token_id: Uuid,
        scopes: Vec<String>,
    },
}

impl Principal {
    pub fn allows(&self, wanted: Permission) -> bool {
        role_grants(self.user.role, wanted)
            && match &self.credential {
                Credential::Session { .. } => true,
                Credential::PersonalAccessToken { scopes, .. } => {
                    scopes.iter().any(|held| grants(held, wanted))
                }
            }
    }

    pub fn require(&self, wanted: Permission) -> AppResult<()> {
        if self.allows(wanted) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "this needs the `{}` permission",
                wanted.as_str()
            )))
        }
    }

    /// The permissions in effect: the role's, narrowed to the token's scopes.
    pub fn permissions(&self) -> Vec<String> {
        match &self.credential {
            Credential::Session { .. } => self
                .user
                .role
                .permissions()
                .iter()
                .map(|p| p.to_string())
                .collect(),
            Credential::PersonalAccessToken { scopes, .. } => scopes
                .iter()
                .filter(|s| Permission::parse(s).is_some_and(|p| role_grants(self.user.role, p)))
                .cloned()
                .collect(),
        }
    }

    pub fn id(&self) -> Uuid {
        self.user.id
    }

    /// Whose allowance an API request draws on: the user's for sessions, the token's for a
    /// personal access token.
    fn limit_key(&self) -> String {
        match &self.credential {
            Credential::Session { .. } => format!("u:{}", self.user.id),
            Credential::PersonalAccessToken { token_id, .. } => format!("t:{token_id}"),
        }
    }
}

/// A live session as cached.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct CachedSession {
    user_id: Uuid,
}

/// A live personal access token as cached.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct CachedPat {
    id: Uuid,
    user_id: Uuid,
    scopes: Vec<String>,
    expires_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
}

pub fn session_key(id: Uuid) -> String {
    format!("session:{id}")
}

pub fn user_key(id: Uuid) -> String {
    format!("user:{id}")
}

pub fn pat_key(digest_hex: &str) -> String {
    format!("pat:{digest_hex}")
}

/// The token of an `Authorization: Bearer` header; `None` when there is no such header.
pub fn bearer_token(headers: &HeaderMap) -> AppResult<Option<&str>> {
    let Some(value) = headers.get(axum::http::header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| AppError::invalid_token("the Authorization header is not text"))?;
    let (scheme, token) = value
        .split_once(' ')
        .ok_or_else(|| AppError::invalid_token("expected `Authorization: Bearer <token>`"))?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(AppError::invalid_token(
            "expected `Authorization: Bearer <token>`",
        ));
    }
    Ok(Some(token.trim()))
}

pub async fn authenticate(state: &AppState, token: &str) -> AppResult<Principal> {
    if token.starts_with(PERSONAL_ACCESS_TOKEN_PREFIX) {
        authenticate_pat(state, token).await
    } else {
        authenticate_jwt(state, token).await
    }
}

async fn authenticate_jwt(state: &AppState, token: &str) -> AppResult<Principal> {
    let claims = state.jwt.verify(token).map_err(|e| match e {
        JwtError::Expired => AppError::Unauthorized {
            code: "token_expired",
            message: "the access token has expired; refresh it".into(),
        },
        JwtError::Invalid => AppError::invalid_token("the access token is invalid"),
    })?;
    // The session and the account in one cache round trip.
    let key = session_key(claims.sid);
    let account_key = user_key(claims.sub);
    let mut cached = state
        .cache
        .get_many(Namespace::Session, &[&key, &account_key])
        .await
        .into_iter();
    let cached_session = Cache::decode::<CachedSession>(cached.next().flatten());
    let cached_user = Cache::decode::<User>(cached.next().flatten());
    let session = match cached_session {
        Some(session) => session,
        None => {
            let record = state.store.session(claims.sid).await?;
            match record {
                Some(s) if s.revoked_at.is_none() => {
                    let session = CachedSession { user_id: s.user_id };
                    state
                        .cache
                        .put_json(Namespace::Session, &key, &session)
                        .await;
                    session
                }
                _ => {
                    return Err(AppError::invalid_token(
                        "the session has ended; sign in again",
                    ));
                }
            }
        }
    };
    if session.user_id != claims.sub {
        return Err(AppError::invalid_token("the access token is invalid"));
    }
    let user = match cached_user {
        Some(user) => require_active(user)?,
        None => active_user(state, claims.sub).await?,
    };
    Ok(Principal {
        user,
        credential: Credential::Session {
            session_id: claims.sid,
        },
    })
}

async fn authenticate_pat(state: &AppState, token: &str) -> AppResult<Principal> {
    let digest_hex = secrets::digest_hex(token);
    let key = pat_key(&digest_hex);
    let now = store::now();
    let pat = match state
        .cache
        .get_json::<CachedPat>(Namespace::Session, &key)
        .await
    {
        Some(pat) => pat,
        None => {
            let record = state.store.pat_by_hash(&secrets::digest(token)).await?;
            match record {
                Some(r) if r.revoked_at.is_none() => {
                    let pat = CachedPat {
                        id: r.id,
                        user_id: r.user_id,
                        scopes: r.scopes.split_whitespace().map(str::to_string).collect(),
                        expires_at: r.expires_at,
                        last_used_at: r.last_used_at,
                    };
                    state.cache.put_json(Namespace::Session, &key, &pat).await;
                    pat
                }
                _ => {
                    return Err(AppError::invalid_token(
                        "the personal access token is invalid",
                    ));
                }
            }
        }
    };
    if pat.expires_at.is_some_and(|at| at <= now) {
        return Err(AppError::Unauthorized {
            code: "token_expired",
            message: "the personal access token has expired".into(),
        });
    }
    let user = active_user(state, pat.user_id).await?;
    // Last use is recorded at most once a minute per token, off the request's path.
    if pat
        .last_used_at
        .is_none_or(|at| now - at > chrono::Duration::seconds(60))
    {
        let touched = CachedPat {
            last_used_at: Some(now),
            ..pat.clone()
        };
        state
            .cache
            .put_json(Namespace::Session, &key, &touched)
            .await;
        let store = state.store.clone();
        tokio::spawn(async move {
            if let Err(e) = store.touch_pat(pat.id, now).await {
                tracing::warn!(error = %e, "recording a token's last use failed");
            }
        });
    }
    Ok(Principal {
        user,
        credential: Credential::PersonalAccessToken {
            token_id: pat.id,
            scopes: pat.scopes,
        },
    })
}

/// The account as authentication sees it; deactivated accounts are refused here.
async fn active_user(state: &AppState, id: Uuid) -> AppResult<User> {
    let key = user_key(id);
    let user = match state.cache.get_json::<User>(Namespace::Session, &key).await {
        Some(user) => user,
        None => {
            let record = state
                .store
                .user(id)
                .await?
                .ok_or_else(|| AppError::invalid_token("the account no longer exists"))?;
            let user = public_user(&record);
            state.cache.put_json(Namespace::Session, &key, &user).await;
            user
        }
    };
    require_active(user)
}

fn require_active(user: User) -> AppResult<User> {
    if !user.active {
        return Err(AppError::Unauthorized {
            code: "account_disabled",
            message: "this account has been deactivated".into(),
        });
    }
    Ok(user)
}

pub fn public_user(record: &UserRecord) -> User {
    User {
        id: record.id,
        username: record.username.clone(),
        email: record.email.clone(),
        role: record.role(),
        active: record.active,
        created_at: record.created_at,
    }
}

/// Where the API limit's state is left for the response headers (see `app`'s middleware).
#[derive(Clone, Default)]
pub struct RateLimitSlot(pub Arc<OnceLock<Decision>>);

impl FromRequestParts<AppState> for Principal {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Principal> {
        let token = bearer_token(&parts.headers)?.ok_or_else(|| AppError::Unauthorized {
            code: "unauthorized",
            message: "sign in: this needs `Authorization: Bearer <token>`".into(),
        })?;
        let principal = authenticate(state, token).await?;
        tracing::Span::current().record("user_id", tracing::field::display(principal.user.id));
        let decision = state
            .limits
            .check(Kind::Api, &principal.limit_key())
            .await?;
        if let (Some(decision), Some(slot)) = (decision, parts.extensions.get::<RateLimitSlot>()) {
            let _ = slot.0.set(decision);
        }
        Ok(principal)
    }
}
