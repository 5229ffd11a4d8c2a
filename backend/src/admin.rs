//! Administration (the `*` permission): accounts, invitations, usage and the audit log.

use cairn_protocol::Page;
use cairn_protocol::admin::{AuditEntry, CreateInvite, Invite, UpdateUser, UsageRow};
use cairn_protocol::users::{Role, User};
use serde::Deserialize;
use uuid::Uuid;

use crate::app::AppState;
use crate::audit::{self, Event};
use crate::auth::principal_keys::{session_key, user_key};
use crate::auth::{Permission, Principal, secrets};
use crate::cache::Namespace;
use crate::conversations::PageQuery;
use crate::error::{AppError, AppResult};
use crate::store::{self, PageRequest};
use crate::validate;

/// `GET /api/v1/admin/audit?limit=&cursor=&action=`
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    pub limit: Option<u32>,
    pub cursor: Option<String>,
    /// Only this action (`login_failed`, `role_changed`, …).
    pub action: Option<String>,
}

/// `GET /api/v1/admin/usage?days=`
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UsageQuery {
    /// The window, 1–366 days back from now (default 30).
    pub days: Option<u32>,
}

pub async fn users(
    state: &AppState,
    principal: &Principal,
    query: PageQuery,
) -> AppResult<Page<User>> {
    principal.require(Permission::All)?;
    let request = validate::page(query.limit, query.cursor.as_deref())?;
    let (rows, more) = state.store.users(request).await?;
    let next_cursor = more
        .then(|| rows.last().map(|r| r.id.to_string()))
        .flatten();
    Ok(Page {
        items: rows.iter().map(crate::auth::public_user).collect(),
        next_cursor,
    })
}

pub async fn update_user(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
    req: UpdateUser,
) -> AppResult<User> {
    principal.require(Permission::All)?;
    if req.role.is_none() && req.active.is_none() {
        return Err(AppError::validation("role", "give `role` and/or `active`"));
    }
    let before = state
        .store
        .user(id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    let loses_admin = before.role() == Role::Admin
        && before.active
        && (req.role.is_some_and(|r| r != Role::Admin) || req.active == Some(false));
    if loses_admin && state.store.active_admins().await? <= 1 {
        return Err(AppError::Conflict {
            code: "last_admin",
            message: "this is the last active admin; make another admin first".into(),
        });
    }
    let now = store::now();
    let after = state
        .store
        .update_user(id, req.role, req.active, now)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    state
        .cache
        .remove(Namespace::Session, &user_key(id))
        .await?;
    if before.active && !after.active {
        for session in state.store.revoke_user_sessions(id, now).await? {
            state
                .cache
                .remove(Namespace::Session, &session_key(session))
                .await?;
        }
        audit::record(
            state,
            Event::new("user_deactivated")
                .actor(principal.id())
                .target(id),
        )
        .await;
    } else if !before.active && after.active {
        audit::record(
            state,
            Event::new("user_reactivated")
                .actor(principal.id())
                .target(id),
        )
        .await;
    }
    if before.role() != after.role() {
        audit::record(
            state,
            Event::new("role_changed")
                .actor(principal.id())
                .target(id)
                .detail(serde_json::json!({
                    "from": before.role().as_str(),
                    "to": after.role().as_str(),
                })),
        )
        .await;
    }
    Ok(crate::auth::public_user(&after))
}

pub async fn create_invite(
    state: &AppState,
    principal: &Principal,
    req: CreateInvite,
) -> AppResult<Invite> {
    principal.require(Permission::All)?;
    let days = match req.expires_in_days {
        None => 7,
        Some(d @ 1..=90) => d,
        Some(_) => {
            return Err(AppError::validation(
                "expires_in_days",
                "must be from 1 to 90",
            ));
        }
    };
    let code = secrets::random_token("cairn_inv_");
    let id = Uuid::now_v7();
    let now = store::now();
    let expires_at = now + chrono::Duration::days(i64::from(days));
    state
        .store
        .create_invite(id, &secrets::digest(&code), principal.id(), now, expires_at)
        .await?;
    audit::record(
        state,
        Event::new("invite_created")
            .actor(principal.id())
            .target(id),
    )
    .await;
    Ok(Invite { code, expires_at })
}

pub async fn audit_log(
    state: &AppState,
    principal: &Principal,
    query: AuditQuery,
) -> AppResult<Page<AuditEntry>> {
    principal.require(Permission::All)?;
    let before = match query.cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => Some(
            c.parse::<i64>()
                .map_err(|_| AppError::validation("cursor", "is not a cursor this API returned"))?,
        ),
        None => None,
    };
    if let Some(action) = &query.action {
        validate::name("action", action, 1, 100)?;
    }
    let request = PageRequest {
        before,
        limit: validate::page_size(query.limit)?,
    };
    let (rows, more) = state.store.audit(query.action.as_deref(), request).await?;
    let next_cursor = more
        .then(|| rows.last().map(|r| r.id.to_string()))
        .flatten();
    Ok(Page {
        items: rows
            .into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                at: r.at,
                actor_id: r.actor_id,
                action: r.action,
                target: r.target,
                ip: r.ip,
                detail: r.detail.0,
            })
            .collect(),
        next_cursor,
    })
}

pub async fn usage(
    state: &AppState,
    principal: &Principal,
    query: UsageQuery,
) -> AppResult<Vec<UsageRow>> {
    principal.require(Permission::All)?;
    let days = match query.days {
        None => 30,
        Some(d @ 1..=366) => d,
        Some(_) => return Err(AppError::validation("days", "must be from 1 to 366")),
    };
    let since = store::now() - chrono::Duration::days(i64::from(days));
    Ok(state.store.usage_since(since).await?)
}
