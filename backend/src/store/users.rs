//! Accounts. Usernames and emails are stored as typed; `*_key` columns hold the lower-cased
//! form that uniqueness and sign-in use.

use cairn_protocol::users::Role;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Db, PageRequest, Result, Store, StoreError, split_page, sql, with_pool, with_writer};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct UserRecord {
    pub id: Uuid,
    pub username: String,
    pub email: String,
    pub password_hash: String,
    #[sqlx(try_from = "String")]
    pub role: StoredRole,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

/// A role column, checked when read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoredRole(pub Role);

impl TryFrom<String> for StoredRole {
    type Error = StoreError;
    fn try_from(text: String) -> Result<StoredRole> {
        Role::parse(&text)
            .map(StoredRole)
            .ok_or_else(|| StoreError::Corrupt(format!("role `{text}`")))
    }
}

impl UserRecord {
    pub fn role(&self) -> Role {
        self.role.0
    }
}

pub struct NewUser<'a> {
    pub id: Uuid,
    pub username: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    /// The role unless this is the first account, which is always admin.
    pub role: Role,
    pub now: DateTime<Utc>,
    /// When set, an account other than the first needs this unused, unexpired invitation
    /// (its code hash).
    pub invite: InviteRule<'a>,
}

#[derive(Clone, Copy, Debug)]
pub enum InviteRule<'a> {
    NotRequired,
    Required(Option<&'a [u8]>),
}

#[derive(Debug)]
pub enum RegisterOutcome {
    Created(UserRecord),
    UsernameTaken,
    EmailTaken,
    InviteRequired,
    InviteInvalid,
}

pub(crate) const USER_COLUMNS: &str = "id, username, email, password_hash, role, active, \
                                       created_at, updated_at, last_login_at";

impl Store {
    /// Creates an account; the first one becomes admin. The check for "first" and the
    /// invitation are decided in the same transaction as the insert, under a lock
    /// (PostgreSQL: an advisory transaction lock; SQLite: `BEGIN IMMEDIATE`, the write lock),
    /// so two simultaneous first sign-ups cannot both become admin.
    pub async fn register_user(&self, new: NewUser<'_>) -> Result<RegisterOutcome> {
        let username_key = new.username.to_lowercase();
        let email_key = new.email.to_lowercase();
        let insert = format!(
            "INSERT INTO users (id, username, username_key, email, email_key, password_hash, \
             role, active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, $8) RETURNING {USER_COLUMNS}"
        );
        with_writer!(self, pool => {
            let mut tx = match &self.db {
                Db::Postgres(_) => pool.begin().await?,
                Db::Sqlite { .. } => pool.begin_with("BEGIN IMMEDIATE").await?,
            };
            if matches!(self.db, Db::Postgres(_)) {
                sqlx::query("SELECT pg_advisory_xact_lock(72620001)")
                    .execute(&mut *tx)
                    .await?;
            }
            let taken: Option<(String, String)> = sqlx::query_as(
                "SELECT username_key, email_key FROM users \
                 WHERE username_key = $1 OR email_key = $2 LIMIT 1",
            )
            .bind(&username_key)
            .bind(&email_key)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((taken_username, _)) = taken {
                return Ok(if taken_username == username_key {
                    RegisterOutcome::UsernameTaken
                } else {
                    RegisterOutcome::EmailTaken
                });
            }
            let (any_user,): (bool,) =
                sqlx::query_as("SELECT EXISTS (SELECT 1 FROM users)")
                    .fetch_one(&mut *tx)
                    .await?;
            let mut invite_id: Option<Uuid> = None;
            if any_user && let InviteRule::Required(code) = new.invite {
                let Some(code) = code else {
                    return Ok(RegisterOutcome::InviteRequired);
                };
                let claimed: Option<(Uuid,)> = sqlx::query_as(
                    "UPDATE invites SET used_at = $2 \
                     WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 \
                     RETURNING id",
                )
                .bind(code)
                .bind(new.now)
                .fetch_optional(&mut *tx)
                .await?;
                match claimed {
                    Some((id,)) => invite_id = Some(id),
                    None => return Ok(RegisterOutcome::InviteInvalid),
                }
            }
            let role = if any_user { new.role } else { Role::Admin };
            let user: UserRecord = match sqlx::query_as(sql(insert))
                .bind(new.id)
                .bind(new.username)
                .bind(&username_key)
                .bind(new.email)
                .bind(&email_key)
                .bind(new.password_hash)
                .bind(role.as_str())
                .bind(new.now)
                .fetch_one(&mut *tx)
                .await
                .map_err(StoreError::from)
            {
                Ok(user) => user,
                // Lost a race with a sign-up that committed between our check and insert.
                Err(StoreError::Duplicate(what)) => {
                    return Ok(if what.contains("email") {
                        RegisterOutcome::EmailTaken
                    } else {
                        RegisterOutcome::UsernameTaken
                    });
                }
                Err(e) => return Err(e),
            };
            if let Some(invite_id) = invite_id {
                sqlx::query("UPDATE invites SET used_by = $2 WHERE id = $1")
                    .bind(invite_id)
                    .bind(user.id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(RegisterOutcome::Created(user))
        })
    }

    /// By username or email, ignoring case.
    pub async fn user_by_login(&self, login: &str) -> Result<Option<UserRecord>> {
        let key = login.to_lowercase();
        let sql_text = format!(
            "SELECT {USER_COLUMNS} FROM users WHERE username_key = $1 OR email_key = $1 \
             ORDER BY (username_key = $1) DESC LIMIT 1"
        );
        Ok(
            with_pool!(self, pool => sqlx::query_as(sql(sql_text)).bind(&key).fetch_optional(pool).await)?,
        )
    }

    pub async fn user(&self, id: Uuid) -> Result<Option<UserRecord>> {
        let sql_text = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        Ok(
            with_pool!(self, pool => sqlx::query_as(sql(sql_text)).bind(id).fetch_optional(pool).await)?,
        )
    }

    /// Newest accounts first.
    pub async fn users(&self, page: PageRequest<Uuid>) -> Result<(Vec<UserRecord>, bool)> {
        let sql_text = format!(
            "SELECT {USER_COLUMNS} FROM users WHERE ($1 IS NULL OR id < $1) \
             ORDER BY id DESC LIMIT $2"
        );
        let rows: Vec<UserRecord> = with_pool!(self, pool => sqlx::query_as(sql(sql_text))
            .bind(page.before)
            .bind(page.fetch())
            .fetch_all(pool)
            .await)?;
        Ok(split_page(rows, page.limit))
    }

    /// Changes role and/or active flag; `None` when there is no such account.
    pub async fn update_user(
        &self,
        id: Uuid,
        role: Option<Role>,
        active: Option<bool>,
        now: DateTime<Utc>,
    ) -> Result<Option<UserRecord>> {
        let sql_text = format!(
            "UPDATE users SET role = COALESCE($2, role), active = COALESCE($3, active), \
             updated_at = $4 WHERE id = $1 RETURNING {USER_COLUMNS}"
        );
        Ok(with_writer!(self, pool => sqlx::query_as(sql(sql_text))
            .bind(id)
            .bind(role.map(Role::as_str))
            .bind(active)
            .bind(now)
            .fetch_optional(pool)
            .await)?)
    }

    pub async fn active_admins(&self) -> Result<i64> {
        let (n,): (i64,) = with_pool!(self, pool => sqlx::query_as(
            "SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = TRUE",
        )
        .fetch_one(pool)
        .await)?;
        Ok(n)
    }

    pub async fn record_login(&self, id: Uuid, now: DateTime<Utc>) -> Result<()> {
        with_writer!(self, pool => sqlx::query("UPDATE users SET last_login_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }
}
