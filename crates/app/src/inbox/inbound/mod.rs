//! Inbound deliveries: provider webhooks (WhatsApp Cloud API, Twilio-compatible SMS, raw MIME
//! e-mail) are authenticated per channel account, recorded durably as a job carrying the raw
//! delivery, and answered at once; the job then turns every message into a lead, an identity, a
//! conversation and a `Message`, moves statuses forward, and emits the inbox events.
//!
//! Jobs run as the tenant's named system actor [`SYSTEM_ACTOR`] ([`system_actor`]): an ADMIN-role
//! principal of that one agency, so every write still passes the rules (no tenant can be
//! crossed) without any user's identity.
//!
//! Parts: [`whatsapp`], [`sms`], [`email`] (accepting each provider's webhook and its job),
//! [`receive`] (what all channels share: identity → lead → conversation → message → event),
//! [`media`] (downloading WhatsApp media into file storage), [`mms`] (the same for MMS media).

pub mod email;
pub mod media;
pub mod mms;
pub mod receive;
pub mod sms;
pub mod whatsapp;

use domain::{Locale, Role};
use jobs::JobActor;

use crate::actor::Actor;

/// The name of the system actor inbound jobs run as (`system:inbox` in the job table and the
/// audit log).
pub const SYSTEM_ACTOR: &str = "inbox";

/// The acting identity of inbound jobs in `tenant_id`: ADMIN rights within that agency only.
pub fn system_actor(tenant_id: &str) -> Actor {
    Actor {
        user_id: format!("system:{SYSTEM_ACTOR}"),
        tenant_id: tenant_id.to_owned(),
        role: Role::Admin,
        team_id: None,
        locale: Locale::En,
    }
}

/// The job actor of inbound jobs.
pub fn job_actor() -> JobActor {
    JobActor::System(SYSTEM_ACTOR.to_owned())
}

/// The queue's dedupe key of a delivery to `account_id`: the provider's ids of what it carries
/// (sorted, hashed), so a retried delivery does not queue a second job; `None` when it names
/// nothing to key on. Processing stays idempotent either way — this only spares the work.
pub fn delivery_key(channel: &str, account_id: &str, ids: impl IntoIterator<Item = String>) -> Option<String> {
    use sha2::{Digest, Sha256};
    let mut ids: Vec<String> = ids.into_iter().collect();
    if ids.is_empty() {
        return None;
    }
    ids.sort();
    ids.dedup();
    let digest = Sha256::digest(ids.join("\n").as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    Some(format!("inbox.{channel}:{account_id}:{hex}"))
}

/// Why a webhook was refused. Each has one HTTP answer (see `docs/inbox.md`).
#[derive(Debug, thiserror::Error)]
pub enum InboundError {
    /// Missing or wrong signature / credentials: 401. Nothing is stored.
    #[error("the delivery's signature or credentials are missing or wrong")]
    Unauthorized,
    /// The verify token of a handshake matches nothing: 403.
    #[error("the verify token matches no channel")]
    HandshakeRefused,
    /// The body cannot be read at all: 400.
    #[error("the delivery is malformed: {0}")]
    Malformed(String),
    /// No active channel account receives this delivery: 404 (the provider retries, so the
    /// delivery arrives once the account is configured).
    #[error("no channel account receives this delivery")]
    UnknownAccount,
    /// The server has no public URL configured, so Twilio signatures cannot be checked: 503.
    #[error("server.public_url is not configured")]
    NoPublicUrl,
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Job(#[from] jobs::JobError),
}
