//! The audit log: sign-ins (and failed ones), sign-outs, refresh-token reuse, role changes,
//! deactivations, token creation and revocation, device approvals, invitations. Each event
//! is written to the database (admins read it at `GET /api/v1/admin/audit`) and to the log.

use std::net::IpAddr;

use serde_json::Value;
use uuid::Uuid;

use crate::app::AppState;
use crate::store::{self, AuditEvent};

pub struct Event {
    pub actor: Option<Uuid>,
    pub action: &'static str,
    pub target: Option<String>,
    pub ip: Option<IpAddr>,
    pub detail: Value,
}

impl Event {
    pub fn new(action: &'static str) -> Event {
        Event {
            actor: None,
            action,
            target: None,
            ip: None,
            detail: Value::Object(Default::default()),
        }
    }

    pub fn actor(mut self, actor: Uuid) -> Event {
        self.actor = Some(actor);
        self
    }

    pub fn target(mut self, target: impl ToString) -> Event {
        self.target = Some(target.to_string());
        self
    }

    pub fn ip(mut self, ip: IpAddr) -> Event {
        self.ip = Some(ip);
        self
    }

    pub fn detail(mut self, detail: Value) -> Event {
        self.detail = detail;
        self
    }
}

/// Records an event. A failure to write it is logged, not returned: the action it describes
/// has already happened.
pub async fn record(state: &AppState, event: Event) {
    tracing::info!(
        target: "cairn::audit",
        action = event.action,
        actor = event.actor.map(|a| a.to_string()),
        target = event.target.as_deref(),
        ip = event.ip.map(|ip| ip.to_string()),
        "audit"
    );
    let stored = AuditEvent {
        actor_id: event.actor,
        action: event.action,
        target: event.target,
        ip: event.ip.map(|ip| ip.to_string()),
        detail: event.detail,
    };
    if let Err(e) = state.store.record_audit(&stored, store::now()).await {
        tracing::error!(error = %e, action = stored.action, "writing the audit log failed");
    }
}
