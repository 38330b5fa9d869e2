//! WhatsApp Cloud API inbound: the GET verification handshake, accepting a signed notification
//! (verified over the raw bytes with the app secret of the account its `phone_number_id` names,
//! then recorded as one job per account carrying the raw body), and the job that walks every
//! message and status of the delivery.

use chrono::Utc;
use jobs::{Job, JobCtx, JobError, new_job};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use channels::whatsapp::{self as wa, DeliveryStatus, InboundMessage, MessageKind, StatusUpdate};
use domain::PhoneE164;

use super::media::{MediaFetch, MediaRef};
use super::receive::{self, Incoming, OutStatus, Sender, StatusChange, StatusOutcome, job_account};
use super::{InboundError, job_actor};
use crate::App;
use crate::inbox::channels::{ChannelKind, Secret, lookup};
use crate::jobs::JobEnv;

/// How long a status for a message not (yet) stored is retried: the send job records the
/// provider id right after Meta answers, and a fast status webhook may come first.
const UNKNOWN_STATUS_GRACE_SECS: i64 = 120;
/// The most distinct `phone_number_id`s one delivery may name.
const MAX_NUMBERS_PER_DELIVERY: usize = 100;
/// Attempts after which such statuses are dropped (the job then succeeds with the rest done).
const UNKNOWN_STATUS_ATTEMPTS: i64 = 3;

/// Answers Meta's verification handshake: the challenge when `hub.verify_token` matches the
/// server's token (`channels.whatsapp.verify_token`) or an active account's own verify token.
pub async fn handshake(app: &App, params: &[(String, String)]) -> Result<String, InboundError> {
    let mut refused = None;
    if let Some(token) = app.channels.whatsapp_verify_token.as_deref() {
        match wa::verify_handshake(params.iter().map(|(k, v)| (k, v)), token) {
            Ok(challenge) => return Ok(challenge),
            Err(e) => refused = Some(e),
        }
    }
    for account in lookup::whatsapp_with_verify_token(&app.db).await? {
        if let Some(token) = account.secret(&app.channels.secrets, Secret::VerifyToken) {
            match wa::verify_handshake(params.iter().map(|(k, v)| (k, v)), &token) {
                Ok(challenge) => return Ok(challenge),
                Err(e) => refused = Some(e),
            }
        }
    }
    tracing::info!(reason = ?refused, "refused a WhatsApp verification handshake");
    Err(InboundError::HandshakeRefused)
}

/// What an accepted notification became.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted {
    /// Jobs recorded (one per agency the delivery is for); 0 for a notification with nothing to
    /// route (e.g. a template status update).
    pub jobs: usize,
}

/// Authenticates a notification and records it durably (a job per receiving account, carrying
/// the raw body). `signature` is the `X-Hub-Signature-256` header.
///
/// The body is read first only to learn which accounts it is for; each account's app secret then
/// verifies the raw bytes. Accounts whose secret does not verify get nothing; when none does, the
/// answer is [`InboundError::Unauthorized`]; when no account is known, [`InboundError::UnknownAccount`].
pub async fn accept(app: &App, body: &[u8], signature: Option<&str>) -> Result<Accepted, InboundError> {
    let delivery = wa::parse(body).map_err(|e| InboundError::Malformed(e.to_string()))?;
    let text = std::str::from_utf8(body).map_err(|_| InboundError::Malformed("the body is not UTF-8".into()))?;
    let mut numbers: Vec<&str> = Vec::new();
    let ids = delivery
        .messages
        .iter()
        .map(|m| m.phone_number_id.as_str())
        .chain(delivery.statuses.iter().map(|s| s.phone_number_id.as_str()))
        .chain(delivery.errors.iter().filter_map(|e| e.phone_number_id.as_deref()));
    for id in ids {
        if !numbers.contains(&id) {
            numbers.push(id);
        }
    }
    if numbers.is_empty() {
        return Ok(Accepted { jobs: 0 });
    }
    // Each number costs a lookup before anything is authenticated: bound them.
    if numbers.len() > MAX_NUMBERS_PER_DELIVERY {
        return Err(InboundError::Malformed(format!("more than {MAX_NUMBERS_PER_DELIVERY} business numbers")));
    }
    let mut known = 0;
    let mut queued = Vec::new();
    for number in numbers {
        let Some(account) = lookup::by_phone_number_id(&app.db, number).await? else {
            tracing::warn!(phone_number_id = number, "a WhatsApp delivery for a number no agency has");
            continue;
        };
        known += 1;
        let Some(secret) = account.secret(&app.channels.secrets, Secret::AppSecret) else { continue };
        if let Err(e) = wa::verify_signature(body, signature, secret.as_bytes()) {
            tracing::warn!(account = %account.id, error = %e, "a WhatsApp delivery with a bad signature");
            continue;
        }
        let job = ProcessWhatsapp { account_id: account.id.clone(), body: text.to_owned() };
        let mut row = new_job(&job, Some(account.tenant_id.clone()), job_actor())?;
        // Meta redelivers (and sends to every subscribed app): key on this account's wamids and statuses.
        let ids =
            delivery.messages.iter().filter(|m| m.phone_number_id == number).map(|m| m.provider_id.clone()).chain(
                delivery
                    .statuses
                    .iter()
                    .filter(|s| s.phone_number_id == number)
                    .map(|s| format!("{}:{}", s.provider_id, s.status.as_str())),
            );
        if let Some(key) = super::delivery_key("whatsapp", &account.id, ids) {
            row = row.deduped(key);
        }
        queued.push(row);
    }
    if known == 0 {
        return Err(InboundError::UnknownAccount);
    }
    if queued.is_empty() {
        return Err(InboundError::Unauthorized);
    }
    let queue = app.db.queue();
    for job in &queued {
        if queue.enqueue_once(job).await?.is_none() {
            tracing::info!(key = job.dedupe_key.as_deref(), "a WhatsApp delivery already recorded");
        }
    }
    app.job_wake.notify_one();
    Ok(Accepted { jobs: queued.len() })
}

/// Processes one verified notification for one account (`inbox.whatsapp.inbound`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessWhatsapp {
    pub account_id: String,
    /// The notification exactly as received.
    pub body: String,
}

impl Job for ProcessWhatsapp {
    const KIND: &'static str = "inbox.whatsapp.inbound";
    const MAX_ATTEMPTS: u32 = 8;
    type Env = JobEnv;

    async fn run(self, ctx: JobCtx<JobEnv>) -> Result<Value, JobError> {
        let env = &ctx.env;
        let account = job_account(env, &self.account_id, ChannelKind::Whatsapp).await?;
        let Some(number) = account.get("phoneNumberId").and_then(Value::as_str) else {
            return Err(JobError::fatal("the channel account is not a WhatsApp account of the job's agency"));
        };
        let delivery = wa::parse(self.body.as_bytes()).map_err(|e| JobError::fatal(e.to_string()))?;
        let (mut stored, mut duplicates, mut skipped) = (0, 0, 0);
        for message in delivery.messages.iter().filter(|m| m.phone_number_id == number) {
            match incoming(&self.account_id, message) {
                Some(m) => match receive::receive(env, m).await? {
                    Some(_) => stored += 1,
                    None => duplicates += 1,
                },
                None => skipped += 1,
            }
        }
        let (mut applied, mut stale, mut unknown, mut waiting) = (0, 0, 0, false);
        for status in delivery.statuses.iter().filter(|s| s.phone_number_id == number) {
            match receive::apply_status(env, &change(&self.account_id, status)).await? {
                StatusOutcome::Applied => applied += 1,
                StatusOutcome::Stale => stale += 1,
                StatusOutcome::Unknown => {
                    unknown += 1;
                    let young = (Utc::now() - status.timestamp).num_seconds() < UNKNOWN_STATUS_GRACE_SECS;
                    waiting |= young && ctx.record().attempts < UNKNOWN_STATUS_ATTEMPTS;
                }
            }
        }
        for e in delivery.errors.iter().filter(|e| e.phone_number_id.as_deref() == Some(number)) {
            tracing::warn!(account = %self.account_id, code = ?e.error.code, title = ?e.error.title, "WhatsApp reported an error");
        }
        if waiting {
            return Err(JobError::retry("a status names a message not stored yet"));
        }
        skipped += delivery.skipped.len();
        Ok(json!({
            "messages": stored, "duplicates": duplicates, "skipped": skipped,
            "statuses": applied, "staleStatuses": stale, "unknownStatuses": unknown,
        }))
    }
}

/// The channel-neutral form of a WhatsApp message; `None` when it names no sender at all.
fn incoming(account_id: &str, m: &InboundMessage) -> Option<Incoming> {
    let display_name = m.profile_name.clone().or_else(|| m.username.clone());
    let sender = match (&m.wa_id, &m.business_scoped_user_id) {
        (Some(wa_id), _) => Sender {
            address_type: "WA_ID",
            address: wa_id.clone(),
            display_name,
            phone: PhoneE164::parse_international(&format!("+{wa_id}")).ok().map(|p| p.as_str().to_owned()),
            email: None,
        },
        (None, Some(bsuid)) => {
            Sender { address_type: "BSUID", address: bsuid.clone(), display_name, phone: None, email: None }
        }
        (None, None) => return None,
    };
    let (kind, body, media) = content(&m.kind);
    let mut content = serde_json::to_value(&m.kind).unwrap_or(Value::Null);
    if let (Some(referral), Value::Object(o)) = (&m.referral, &mut content) {
        o.insert("referral".into(), serde_json::to_value(referral).unwrap_or(Value::Null));
    }
    if let (true, Value::Object(o)) = (m.forwarded || m.frequently_forwarded, &mut content) {
        o.insert("forwarded".into(), json!(true));
    }
    let reply_to = match &m.kind {
        MessageKind::Reaction { message_id, .. } => Some(message_id.clone()),
        _ => m.reply_to.clone(),
    };
    Some(Incoming {
        account_id: account_id.to_owned(),
        channel: ChannelKind::Whatsapp,
        sender,
        provider_id: m.provider_id.clone(),
        at: m.timestamp,
        kind,
        body,
        content: Some(content),
        reply_to,
        thread_ids: Vec::new(),
        thread_conversation: None,
        media: media.map(MediaFetch::Whatsapp),
    })
}

fn media_ref(m: &wa::Media) -> Option<MediaRef> {
    Some(MediaRef {
        media_id: m.id.clone(),
        mime_type: m.mime_type.clone(),
        filename: m.filename.clone(),
        sha256: m.sha256.clone(),
    })
}

/// The `MessageType`, text and media of a WhatsApp message.
fn content(kind: &MessageKind) -> (&'static str, Option<String>, Option<MediaRef>) {
    match kind {
        MessageKind::Text { body } => ("TEXT", Some(body.clone()), None),
        MessageKind::Image(m) => ("IMAGE", m.caption.clone(), media_ref(m)),
        MessageKind::Audio { media, .. } => ("AUDIO", None, media_ref(media)),
        MessageKind::Video(m) => ("VIDEO", m.caption.clone(), media_ref(m)),
        MessageKind::Document(m) => ("DOCUMENT", m.caption.clone().or_else(|| m.filename.clone()), media_ref(m)),
        MessageKind::Sticker { media, .. } => ("STICKER", None, media_ref(media)),
        MessageKind::Location(l) => {
            let text = [l.name.as_deref(), l.address.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" — ");
            ("LOCATION", (!text.is_empty()).then_some(text), None)
        }
        MessageKind::Contacts(cards) => {
            let names: Vec<String> = cards
                .iter()
                .filter_map(|c| c.formatted_name.clone().or_else(|| c.phones.first().map(|p| p.phone.clone())))
                .collect();
            ("CONTACTS", (!names.is_empty()).then(|| names.join(", ")), None)
        }
        MessageKind::InteractiveReply(r) => ("INTERACTIVE", Some(r.title.clone()), None),
        MessageKind::Button { text, .. } => ("INTERACTIVE", Some(text.clone()), None),
        MessageKind::Reaction { emoji, .. } => ("REACTION", emoji.clone(), None),
        MessageKind::Unsupported { .. } => ("UNSUPPORTED", None, None),
    }
}

/// An agent-readable reason for a failed WhatsApp send, by Meta's error code.
pub fn failure_text(code: Option<i64>, fallback: Option<&str>) -> String {
    match code {
        Some(131047) => "More than 24 hours have passed since the customer last wrote: send a template message \
                         instead. (whatsapp.window_closed)"
            .to_owned(),
        Some(131026) => "The message could not be delivered: the number may not be on WhatsApp.".to_owned(),
        Some(131050) => "The customer has stopped marketing messages from this business.".to_owned(),
        Some(131049) => "Meta did not deliver this message to keep engagement healthy; wait 24 hours.".to_owned(),
        Some(130429 | 131056) => "Too many messages were sent; try again later.".to_owned(),
        _ => fallback.map(str::to_owned).unwrap_or_else(|| "WhatsApp could not deliver the message.".to_owned()),
    }
}

fn change(account_id: &str, s: &StatusUpdate) -> StatusChange {
    let status = match s.status {
        DeliveryStatus::Sent => OutStatus::Sent,
        DeliveryStatus::Delivered => OutStatus::Delivered,
        // A voice note played is read.
        DeliveryStatus::Read | DeliveryStatus::Played => OutStatus::Read,
        DeliveryStatus::Failed => OutStatus::Failed,
    };
    let error = s.errors.first();
    StatusChange {
        account_id: account_id.to_owned(),
        provider_id: s.provider_id.clone(),
        status,
        at: s.timestamp,
        error_code: error.and_then(|e| e.code).map(|c| c.to_string()),
        error_message: (status == OutStatus::Failed).then(|| {
            failure_text(error.and_then(|e| e.code), error.and_then(|e| e.details.as_deref().or(e.message.as_deref())))
        }),
    }
}
