//! Authentication and authorization: who is calling (a session's access JWT or a personal
//! access token) and what they may do (the role's permissions, narrowed by a token's scopes).

pub mod accounts;
pub mod device;
pub mod jwt;
pub mod password;
mod principal;
pub mod secrets;
pub mod tokens;

use cairn_protocol::users::Role;

pub use principal::{
    Credential, Principal, RateLimitSlot, authenticate, bearer_token, public_user,
};

/// Cache keys of what authentication reads, for the modules that invalidate them.
pub mod principal_keys {
    pub use super::principal::{pat_key, session_key, user_key};
}

/// What a route needs. `*` (admin) grants everything; `read:all` includes `read:public`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    ReadPublic,
    ReadAll,
    WriteOwn,
    FeatureAdvanced,
    /// `*`: administration.
    All,
}

impl Permission {
    pub const ALL: [Permission; 5] = [
        Permission::ReadPublic,
        Permission::ReadAll,
        Permission::WriteOwn,
        Permission::FeatureAdvanced,
        Permission::All,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Permission::ReadPublic => "read:public",
            Permission::ReadAll => "read:all",
            Permission::WriteOwn => "write:own",
            Permission::FeatureAdvanced => "feature:advanced",
            Permission::All => "*",
        }
    }

    pub fn parse(text: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

/// Whether holding `held` grants `wanted`.
fn grants(held: &str, wanted: Permission) -> bool {
    held == "*"
        || held == wanted.as_str()
        || (wanted == Permission::ReadPublic && held == "read:all")
}

pub fn role_grants(role: Role, wanted: Permission) -> bool {
    role.permissions().iter().any(|held| grants(held, wanted))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_grant_exactly_the_seed_permissions() {
        use Permission::*;
        let table = [
            (Role::Guest, [true, false, false, false, false]),
            (Role::User, [true, true, true, false, false]),
            (Role::Premium, [true, true, true, true, false]),
            (Role::Admin, [true, true, true, true, true]),
        ];
        for (role, expected) in table {
            for (permission, want) in [ReadPublic, ReadAll, WriteOwn, FeatureAdvanced, All]
                .into_iter()
                .zip(expected)
            {
                assert_eq!(
                    role_grants(role, permission),
                    want,
                    "{role:?} {permission:?}"
                );
            }
        }
    }
}
