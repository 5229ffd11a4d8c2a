//! Accounts and roles.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A role and its permissions, exactly as the seed architecture defines them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Guest,
    User,
    Premium,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Guest, Role::User, Role::Premium, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Guest => "guest",
            Role::User => "user",
            Role::Premium => "premium",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }

    /// guest `read:public`; user `read:all write:own`; premium adds `feature:advanced`;
    /// admin `*`.
    pub fn permissions(self) -> &'static [&'static str] {
        match self {
            Role::Guest => &["read:public"],
            Role::User => &["read:all", "write:own"],
            Role::Premium => &["read:all", "write:own", "feature:advanced"],
            Role::Admin => &["*"],
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub email: String,
    pub role: Role,
    /// A deactivated account cannot sign in and its tokens stop working at once.
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// `GET /api/v1/me`: the account and what the credential used may do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    #[serde(flatten)]
    pub user: User,
    /// The role's permissions, narrowed to the token's scopes for a personal access token.
    pub permissions: Vec<String>,
    /// `session` (an access token from sign-in) or `personal_access_token`.
    pub credential: String,
}
