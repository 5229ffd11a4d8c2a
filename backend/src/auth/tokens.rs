//! Personal access tokens: `cairn_pat_` + 256 random bits, shown once, stored as a SHA-256,
//! scoped to a subset of the owner's permissions, listed with their last use, revocable.

use cairn_protocol::tokens::{
    CreateTokenRequest, CreatedToken, PERSONAL_ACCESS_TOKEN_PREFIX, TokenInfo,
};
use uuid::Uuid;

use super::principal::{Principal, pat_key};
use super::{Permission, secrets};
use crate::app::AppState;
use crate::audit::{self, Event};
use crate::cache::Namespace;
use crate::error::{AppError, AppResult};
use crate::store::{self, NewPat, PatRecord};
use crate::validate;

fn info(record: PatRecord) -> TokenInfo {
    TokenInfo {
        id: record.id,
        name: record.name,
        scopes: record
            .scopes
            .split_whitespace()
            .map(str::to_string)
            .collect(),
        prefix: record.prefix,
        created_at: record.created_at,
        expires_at: record.expires_at,
        last_used_at: record.last_used_at,
    }
}

pub async fn create(
    state: &AppState,
    principal: &Principal,
    req: CreateTokenRequest,
) -> AppResult<CreatedToken> {
    principal.require(Permission::ReadPublic)?;
    validate::name("name", &req.name, 1, 100)?;
    let scopes = match req.scopes {
        Some(scopes) => {
            if scopes.is_empty() {
                return Err(AppError::validation(
                    "scopes",
                    "must name at least one permission",
                ));
            }
            let mut checked: Vec<String> = Vec::new();
            for scope in scopes {
                let permission = Permission::parse(&scope).ok_or_else(|| {
                    AppError::validation(
                        "scopes",
                        format!(
                            "`{}` is not a permission (read:public, read:all, write:own, \
                             feature:advanced, *)",
                            scope.chars().take(50).collect::<String>()
                        ),
                    )
                })?;
                // Never more than the caller has now (a token cannot widen itself).
                if !principal.allows(permission) {
                    return Err(AppError::validation(
                        "scopes",
                        format!("`{scope}` is more than this account may grant"),
                    ));
                }
                if !checked.contains(&scope) {
                    checked.push(scope);
                }
            }
            checked
        }
        None => principal.permissions(),
    };
    let expires_at = match req.expires_in_days {
        None => None,
        Some(days @ 1..=3650) => Some(store::now() + chrono::Duration::days(i64::from(days))),
        Some(_) => {
            return Err(AppError::validation(
                "expires_in_days",
                "must be from 1 to 3650",
            ));
        }
    };
    let token = secrets::random_token(PERSONAL_ACCESS_TOKEN_PREFIX);
    let digest = secrets::digest(&token);
    let prefix: String = token
        .chars()
        .take(PERSONAL_ACCESS_TOKEN_PREFIX.len() + 4)
        .collect();
    let record = state
        .store
        .create_pat(NewPat {
            id: Uuid::now_v7(),
            user_id: principal.id(),
            name: &req.name,
            token_hash: &digest,
            prefix: &prefix,
            scopes: &scopes.join(" "),
            now: store::now(),
            expires_at,
        })
        .await?;
    audit::record(
        state,
        Event::new("token_created")
            .actor(principal.id())
            .target(record.id)
            .detail(serde_json::json!({ "name": record.name, "scopes": scopes })),
    )
    .await;
    Ok(CreatedToken {
        token,
        info: info(record),
    })
}

pub async fn list(state: &AppState, principal: &Principal) -> AppResult<Vec<TokenInfo>> {
    principal.require(Permission::ReadPublic)?;
    Ok(state
        .store
        .pats(principal.id())
        .await?
        .into_iter()
        .map(info)
        .collect())
}

pub async fn revoke(state: &AppState, principal: &Principal, id: Uuid) -> AppResult<()> {
    principal.require(Permission::ReadPublic)?;
    let digest = state
        .store
        .revoke_pat(principal.id(), id, store::now())
        .await?
        .ok_or(AppError::NotFound("token"))?;
    state
        .cache
        .remove(Namespace::Session, &pat_key(&hex::encode(digest)))
        .await?;
    audit::record(
        state,
        Event::new("token_revoked").actor(principal.id()).target(id),
    )
    .await;
    Ok(())
}
