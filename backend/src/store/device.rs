//! RFC 8628 device authorization requests.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Result, Store, StoreError, sql, with_pool, with_writer};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceStatus {
    Pending,
    Approved,
    Denied,
    Consumed,
}

impl DeviceStatus {
    fn as_str(self) -> &'static str {
        match self {
            DeviceStatus::Pending => "pending",
            DeviceStatus::Approved => "approved",
            DeviceStatus::Denied => "denied",
            DeviceStatus::Consumed => "consumed",
        }
    }
}

impl TryFrom<String> for DeviceStatus {
    type Error = StoreError;
    fn try_from(text: String) -> Result<DeviceStatus> {
        Ok(match text.as_str() {
            "pending" => DeviceStatus::Pending,
            "approved" => DeviceStatus::Approved,
            "denied" => DeviceStatus::Denied,
            "consumed" => DeviceStatus::Consumed,
            _ => return Err(StoreError::Corrupt(format!("device status `{text}`"))),
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct DeviceRecord {
    pub id: Uuid,
    pub user_code: String,
    pub client_name: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: DeviceStatus,
    pub user_id: Option<Uuid>,
    pub interval_secs: i32,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_polled_at: Option<DateTime<Utc>>,
}

pub struct NewDevice<'a> {
    pub id: Uuid,
    pub device_code_hash: &'a [u8],
    pub user_code: &'a str,
    pub client_name: Option<&'a str>,
    pub interval_secs: i32,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

const DEVICE_COLUMNS: &str = "id, user_code, client_name, status, user_id, interval_secs, \
                              created_at, expires_at, last_polled_at";

impl Store {
    pub async fn create_device(&self, new: NewDevice<'_>) -> Result<()> {
        with_writer!(self, pool => sqlx::query(
            "INSERT INTO device_codes (id, device_code_hash, user_code, client_name, status, \
             interval_secs, created_at, expires_at) VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7)",
        )
        .bind(new.id)
        .bind(new.device_code_hash)
        .bind(new.user_code)
        .bind(new.client_name)
        .bind(new.interval_secs)
        .bind(new.now)
        .bind(new.expires_at)
        .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn device_by_code(&self, device_code_hash: &[u8]) -> Result<Option<DeviceRecord>> {
        let sql_text =
            format!("SELECT {DEVICE_COLUMNS} FROM device_codes WHERE device_code_hash = $1");
        Ok(with_pool!(self, pool => sqlx::query_as(sql(sql_text))
            .bind(device_code_hash)
            .fetch_optional(pool)
            .await)?)
    }

    /// Records a poll, with the interval the client must keep from now on.
    pub async fn record_device_poll(
        &self,
        id: Uuid,
        now: DateTime<Utc>,
        interval_secs: i32,
    ) -> Result<()> {
        with_writer!(self, pool => sqlx::query(
            "UPDATE device_codes SET last_polled_at = $2, interval_secs = $3 WHERE id = $1",
        )
        .bind(id)
        .bind(now)
        .bind(interval_secs)
        .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Approves or denies a pending, unexpired request by its user code; false when there
    /// is none.
    pub async fn decide_device(
        &self,
        user_code: &str,
        user_id: Uuid,
        approve: bool,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let status = if approve {
            DeviceStatus::Approved
        } else {
            DeviceStatus::Denied
        };
        let done = with_writer!(self, pool => sqlx::query(
            "UPDATE device_codes SET status = $3, user_id = $4 \
             WHERE user_code = $1 AND status = 'pending' AND expires_at > $2",
        )
        .bind(user_code)
        .bind(now)
        .bind(status.as_str())
        .bind(user_id)
        .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }

    /// Takes an approved request's grant, once: the approving user's id, or `None` if it was
    /// not (or no longer) approved.
    pub async fn consume_device(&self, id: Uuid) -> Result<Option<Uuid>> {
        let row: Option<(Option<Uuid>,)> = with_writer!(self, pool => sqlx::query_as(
            "UPDATE device_codes SET status = 'consumed' WHERE id = $1 AND status = 'approved' \
             RETURNING user_id",
        )
        .bind(id)
        .fetch_optional(pool)
        .await)?;
        Ok(row.and_then(|(user,)| user))
    }

    /// Drops requests that expired more than a day ago.
    pub async fn purge_devices(&self, now: DateTime<Utc>) -> Result<u64> {
        let cutoff = now - chrono::Duration::days(1);
        let done = with_writer!(self, pool => sqlx::query("DELETE FROM device_codes WHERE expires_at < $1")
            .bind(cutoff)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(done)
    }
}
