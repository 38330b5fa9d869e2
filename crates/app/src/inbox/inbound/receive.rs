//! What every channel does with an inbound message, once its delivery is authenticated: find or
//! make the sender's identity and lead (a new lead is routed like any other), find or open the
//! conversation, insert the message once (a provider id seen again is skipped) together with the
//! conversation's last-message time, preview and WhatsApp window (one transaction), and emit
//! `message.received`.
//! Also: moving an outbound message's status forward.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use jobs::JobError;
use serde_json::{Value, json};
use store::{Client, StoreError};

use super::media::MediaFetch;
use crate::inbox::channels::ChannelKind;
use crate::inbox::events::{self, EventKind};
use crate::jobs::JobEnv;
use crate::leads::{self, LeadError, LeadSource, NewLead};

/// How long WhatsApp's customer-service window stays open after the customer's last message.
pub const WHATSAPP_WINDOW: Duration = Duration::hours(24);
/// The longest conversation preview, in characters.
const PREVIEW_CHARS: usize = 120;

/// Who sent an inbound message, as the channel knows them.
#[derive(Debug, Clone, PartialEq)]
pub struct Sender {
    /// `WA_ID`, `BSUID`, `PHONE` or `EMAIL`.
    pub address_type: &'static str,
    /// The wa_id, business-scoped user id, E.164 phone or lower-cased e-mail address.
    pub address: String,
    pub display_name: Option<String>,
    /// Their phone in E.164, when the channel shows it (matches an existing lead).
    pub phone: Option<String>,
    /// Their e-mail address, lower-cased.
    pub email: Option<String>,
}

/// One inbound message, channel-neutral.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub account_id: String,
    pub channel: ChannelKind,
    pub sender: Sender,
    /// Unique per channel account: the wamid, the message SID, the e-mail `Message-ID`.
    pub provider_id: String,
    /// When the customer sent it.
    pub at: DateTime<Utc>,
    /// A `MessageType` (`TEXT`, `IMAGE`, …).
    pub kind: &'static str,
    pub body: Option<String>,
    pub content: Option<Value>,
    pub reply_to: Option<String>,
    /// E-mail threading, in order: provider ids this message answers (In-Reply-To, then
    /// References), then a conversation named by a `reply+{token}@` address.
    pub thread_ids: Vec<String>,
    pub thread_conversation: Option<String>,
    /// Media to download after the message is stored (enqueued in the same transaction).
    pub media: Option<MediaFetch>,
}

/// A stored inbound message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub message_id: String,
    pub conversation_id: String,
    pub lead_id: String,
}

pub(crate) fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse_time(v: Option<&Value>) -> Option<DateTime<Utc>> {
    v.and_then(Value::as_str).and_then(|s| DateTime::parse_from_rfc3339(s).ok()).map(|t| t.with_timezone(&Utc))
}

fn id_of(row: &Value) -> Option<String> {
    row.get("id").and_then(Value::as_str).map(str::to_owned)
}

fn first(rows: Value) -> Option<Value> {
    match rows {
        Value::Array(rows) => rows.into_iter().next(),
        Value::Object(_) => Some(rows),
        _ => None,
    }
}

/// A store failure as a job error (a database away is retried; anything else is fatal).
/// The channel account a processing job names, if it is an account of `kind` in the job's agency
/// (read under the job's rules); anything else fails the job for good.
pub(crate) async fn job_account(env: &JobEnv, id: &str, kind: ChannelKind) -> Result<Value, JobError> {
    let row = env
        .client
        .run("ChannelAccount", "findFirst", &json!({"where": {"id": id, "kind": kind.as_str()}}))
        .await
        .map_err(job_error)?;
    if row.is_object() {
        Ok(row)
    } else {
        Err(JobError::fatal(format!("the channel account is not a {} account of the job's agency", kind.as_str())))
    }
}

pub(crate) fn job_error(e: StoreError) -> JobError {
    JobError::from(e)
}

/// Stores `m` once. `None`: the provider id was already stored for this account (a retried or
/// duplicated delivery).
pub async fn receive(env: &JobEnv, m: Incoming) -> Result<Option<Received>, JobError> {
    let client = &env.client;
    let seen = client
        .run(
            "Message",
            "findFirst",
            &json!({"where": {"channelAccountId": m.account_id, "providerMessageId": m.provider_id}, "select": {"id": true}}),
        )
        .await
        .map_err(job_error)?;
    if seen.is_object() {
        return Ok(None);
    }
    let target = match threaded(client, &m).await? {
        Some(row) => Target::Stored { row, reopen: false },
        None => {
            let (identity_id, lead) = identity(env, &m).await?;
            conversation_of(env, &m, &identity_id, &lead).await?
        }
    };

    // The message and the conversation's last-message time, preview and WhatsApp window are one
    // write: no reader sees the message without the window it opens (a reply then would be
    // refused), nor a new conversation without its window; a crash leaves both or neither.
    let message_id = uuid::Uuid::new_v4().to_string();
    let message = json!({
        "id": message_id,
        "tenantId": env.actor.tenant_id,
        "channelAccountId": m.account_id,
        "channel": m.channel.as_str(),
        "direction": "IN",
        "type": m.kind,
        "body": m.body,
        "content": m.content,
        "replyToProviderId": m.reply_to,
        "providerMessageId": m.provider_id,
        "status": "RECEIVED",
        "authorId": null,
        "sentAt": iso(m.at),
    });
    let preview = preview(m.kind, m.body.as_deref());
    let media_jobs = |_: &serde_json::Map<String, Value>| -> Vec<jobs::NewJob> {
        let media = m.media.as_ref();
        media.and_then(|media| media.job(&env.actor.tenant_id, &m.account_id, &message_id)).into_iter().collect()
    };
    let select = json!({"id": true, "leadId": true});
    let written = match &target {
        Target::Stored { row, reopen } => {
            let mut data = touched(Some(row), &m.channel, m.at, preview);
            if *reopen {
                data.insert("status".into(), json!("OPEN"));
                data.insert("snoozedUntil".into(), Value::Null);
            }
            data.insert("messages".into(), json!({"create": message}));
            let args = json!({"where": {"id": id_of(row)}, "data": data, "select": select});
            client.update_and_enqueue("Conversation", &args, media_jobs).await
        }
        Target::New(fields) => {
            let mut data = fields.clone();
            data.extend(touched(None, &m.channel, m.at, preview));
            data.insert("messages".into(), json!({"create": message}));
            client.create_and_enqueue("Conversation", &json!({"data": data, "select": select}), media_jobs).await
        }
    };
    let (conversation, queued) = match written {
        Ok(done) => done,
        // Another worker stored the same delivery a moment ago (the whole write is undone).
        Err(StoreError::UniqueViolation { .. }) => return Ok(None),
        Err(e) => return Err(job_error(e)),
    };
    if !queued.is_empty() {
        env.app.job_wake.notify_one();
    }
    let conversation_id = id_of(&conversation).ok_or_else(|| JobError::fatal("a conversation without an id"))?;
    let lead_id = conversation.get("leadId").and_then(Value::as_str).unwrap_or_default().to_owned();
    let first_event = match &target {
        Target::Stored { reopen: true, .. } => Some(EventKind::ConversationStatus),
        // Born assigned (the lead's agent): the agent learns of it as of any assignment.
        Target::New(fields) if fields.get("assigneeId").is_some_and(|a| !a.is_null()) => {
            Some(EventKind::ConversationAssigned)
        }
        _ => None,
    };
    let to_emit =
        first_event.map(|kind| (kind, None)).into_iter().chain([(EventKind::MessageReceived, Some(&message_id))]);
    for (kind, message) in to_emit {
        events::record(
            &env.app.db,
            &env.app.events,
            &env.actor.tenant_id,
            kind,
            &conversation_id,
            message.map(String::as_str),
        )
        .await
        .map_err(job_error)?;
    }
    Ok(Some(Received { message_id, conversation_id, lead_id }))
}

/// Where an inbound message goes.
enum Target {
    /// A stored conversation; `reopen` when it is closed or snoozed.
    Stored { row: Value, reopen: bool },
    /// A new conversation's fields: it is created with its first message.
    New(serde_json::Map<String, Value>),
}

/// The conversation an e-mail answers: the one holding a message it replies to, else the one its
/// reply address names (of the same account).
async fn threaded(client: &Client, m: &Incoming) -> Result<Option<Value>, JobError> {
    for provider_id in &m.thread_ids {
        let hit = client
            .run(
                "Message",
                "findFirst",
                &json!({"where": {"channelAccountId": m.account_id, "providerMessageId": provider_id},
                        "select": {"conversationId": true}}),
            )
            .await
            .map_err(job_error)?;
        if let Some(cid) = hit.get("conversationId").and_then(Value::as_str) {
            return conversation_by_id(client, cid, &m.account_id).await;
        }
    }
    match &m.thread_conversation {
        Some(cid) => conversation_by_id(client, cid, &m.account_id).await,
        None => Ok(None),
    }
}

async fn conversation_by_id(client: &Client, id: &str, account_id: &str) -> Result<Option<Value>, JobError> {
    let row = client
        .run("Conversation", "findFirst", &json!({"where": {"id": id, "channelAccountId": account_id}}))
        .await
        .map_err(job_error)?;
    Ok(row.is_object().then_some(row))
}

/// The sender's identity on this account and its lead (both made when new).
async fn identity(env: &JobEnv, m: &Incoming) -> Result<(String, Value), JobError> {
    let client = &env.client;
    let key =
        json!({"channelAccountId": m.account_id, "addressType": m.sender.address_type, "address": m.sender.address});
    let found = client
        .run("ChannelIdentity", "findFirst", &json!({"where": key, "include": {"lead": true}}))
        .await
        .map_err(job_error)?;
    if let (Some(id), Some(lead)) = (id_of(&found), found.get("lead").filter(|l| l.is_object())) {
        return Ok((id, lead.clone()));
    }
    let (lead, created) = match existing_lead(client, &m.sender).await? {
        Some(lead) => (lead, false),
        None => new_lead(env, m).await?,
    };
    let lead_id = id_of(&lead).ok_or_else(|| JobError::fatal("a lead without an id"))?;
    let data = json!({
        "tenantId": env.actor.tenant_id,
        "channelAccountId": m.account_id,
        "kind": m.channel.as_str(),
        "addressType": m.sender.address_type,
        "address": m.sender.address,
        "displayName": m.sender.display_name,
        "leadId": lead_id,
    });
    match client.run("ChannelIdentity", "create", &json!({"data": data, "select": {"id": true}})).await {
        Ok(row) => Ok((id_of(&row).unwrap_or_default(), lead)),
        // Made by a concurrent delivery of the same sender: use theirs, and take back the lead
        // this delivery created for the same person a moment ago (else it would stay behind,
        // an orphan twin without identity or messages).
        Err(StoreError::UniqueViolation { .. }) => {
            let row = client
                .run("ChannelIdentity", "findFirst", &json!({"where": key, "include": {"lead": true}}))
                .await
                .map_err(job_error)?;
            let winner = row.get("lead").filter(|l| l.is_object()).cloned();
            let winner_id = winner.as_ref().and_then(id_of);
            if created && winner_id.as_deref() != Some(lead_id.as_str()) {
                match client.run("Lead", "delete", &json!({"where": {"id": lead_id}, "select": {"id": true}})).await {
                    Ok(_) | Err(StoreError::NotFound { .. }) => {}
                    Err(e) => return Err(job_error(e)),
                }
            }
            Ok((id_of(&row).ok_or_else(|| JobError::retry("the identity vanished"))?, winner.unwrap_or(lead)))
        }
        Err(e) => Err(job_error(e)),
    }
}

/// A lead of the agency with the sender's phone or e-mail.
async fn existing_lead(client: &Client, sender: &Sender) -> Result<Option<Value>, JobError> {
    let mut any = Vec::new();
    if let Some(p) = &sender.phone {
        any.push(json!({"phones": {"has": p}}));
        any.push(json!({"primaryPhone": p}));
    }
    if let Some(e) = &sender.email {
        any.push(json!({"emailNormalized": e}));
    }
    if any.is_empty() {
        return Ok(None);
    }
    let row = client
        .run("Lead", "findFirst", &json!({"where": {"OR": any}, "orderBy": {"createdAt": "asc"}}))
        .await
        .map_err(job_error)?;
    Ok(row.is_object().then_some(row))
}

/// The namespace of the ids of leads made for unknown senders (UUID v5).
const SENDER_LEADS: uuid::Uuid = uuid::Uuid::from_u128(0x6d61_6e7a_696c_4c65_6164_5365_6e64_6572);

/// A new lead for an unknown sender, routed like any new lead (round robin when the agency
/// routes so); `true` when this call created it (`false`: a concurrent delivery had).
async fn new_lead(env: &JobEnv, m: &Incoming) -> Result<(Value, bool), JobError> {
    let s = &m.sender;
    let name = s.display_name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| s.address.clone());
    let (source, detail) = match m.channel {
        ChannelKind::Whatsapp => (LeadSource::Whatsapp, None),
        ChannelKind::Sms => (LeadSource::Other, Some("SMS".to_owned())),
        ChannelKind::Email => (LeadSource::Other, Some("EMAIL".to_owned())),
    };
    let new = NewLead {
        name,
        phones: s.phone.iter().cloned().collect(),
        email: s.email.clone(),
        source: Some(source),
        source_detail: detail,
        ..NewLead::default()
    };
    // One id per sender and account: a twin delivery of the same new sender (concurrent, or
    // retried after a crash) meets this lead's key instead of creating a second lead.
    let name = format!("{}/{}/{}/{}", env.actor.tenant_id, m.account_id, s.address_type, s.address);
    let id = uuid::Uuid::new_v5(&SENDER_LEADS, name.as_bytes()).to_string();
    match leads::create_with_id(&env.app.db, &env.actor, new, Some(id.clone())).await {
        Ok(lead) => {
            let row =
                env.client.run("Lead", "findUnique", &json!({"where": {"id": lead.id}})).await.map_err(job_error)?;
            Ok((row, true))
        }
        // Created a moment ago by a concurrent delivery (or the e-mail matched differently).
        Err(LeadError::Duplicate { .. }) => {
            let mine = env.client.run("Lead", "findUnique", &json!({"where": {"id": id}})).await.map_err(job_error)?;
            let lead = match mine {
                row @ Value::Object(_) => Some(row),
                _ => existing_lead(&env.client, s).await?,
            };
            Ok((lead.ok_or_else(|| JobError::retry("a duplicate lead that cannot be found"))?, false))
        }
        Err(LeadError::Store(e)) => Err(job_error(e)),
        Err(e) => Err(JobError::fatal(format!("cannot create the sender's lead: {e}"))),
    }
}

/// The identity's latest conversation (to reopen when closed or snoozed), else a new one
/// assigned to the lead's assignee.
async fn conversation_of(env: &JobEnv, m: &Incoming, identity_id: &str, lead: &Value) -> Result<Target, JobError> {
    let latest = env
        .client
        .run(
            "Conversation",
            "findMany",
            &json!({"where": {"identityId": identity_id, "channelAccountId": m.account_id},
                    "orderBy": [{"createdAt": "desc"}, {"id": "desc"}], "take": 1}),
        )
        .await
        .map_err(job_error)?;
    if let Some(row) = first(latest) {
        let reopen = row.get("status").and_then(Value::as_str) != Some("OPEN");
        return Ok(Target::Stored { row, reopen });
    }
    let data = json!({
        "tenantId": env.actor.tenant_id,
        "leadId": id_of(lead),
        "channelAccountId": m.account_id,
        "identityId": identity_id,
        "assigneeId": lead.get("assigneeId").cloned().unwrap_or(Value::Null),
        "status": "OPEN",
    });
    match data {
        Value::Object(fields) => Ok(Target::New(fields)),
        _ => Err(JobError::fatal("conversation fields are not an object")),
    }
}

/// What a message at `at` changes on its conversation (`None`: a new one): the last-message time
/// and preview (never backwards) and, for WhatsApp, the customer-service window.
fn touched(
    conversation: Option<&Value>,
    channel: &ChannelKind,
    at: DateTime<Utc>,
    preview: String,
) -> serde_json::Map<String, Value> {
    let mut data = serde_json::Map::new();
    let last = parse_time(conversation.and_then(|c| c.get("lastMessageAt")));
    if last.is_none_or(|l| at >= l) {
        data.insert("lastMessageAt".into(), json!(iso(at)));
        data.insert("lastMessagePreview".into(), json!(preview));
    }
    if *channel == ChannelKind::Whatsapp {
        let closes = at + WHATSAPP_WINDOW;
        if parse_time(conversation.and_then(|c| c.get("windowClosesAt"))).is_none_or(|w| closes > w) {
            data.insert("windowClosesAt".into(), json!(iso(closes)));
        }
    }
    data
}

/// The list preview of a message: its text, else its type in brackets.
pub fn preview(kind: &str, body: Option<&str>) -> String {
    match body.map(str::trim).filter(|b| !b.is_empty()) {
        Some(b) => b.chars().take(PREVIEW_CHARS).collect(),
        None => format!("[{}]", kind.to_lowercase()),
    }
}

/// A delivery status of an outbound message, channel-neutral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutStatus {
    Sent,
    Delivered,
    Read,
    Failed,
}

impl OutStatus {
    fn as_str(self) -> &'static str {
        match self {
            OutStatus::Sent => "SENT",
            OutStatus::Delivered => "DELIVERED",
            OutStatus::Read => "READ",
            OutStatus::Failed => "FAILED",
        }
    }

    fn rank(status: &str) -> Option<u8> {
        match status {
            "QUEUED" => Some(0),
            "SENT" => Some(1),
            "DELIVERED" => Some(2),
            "READ" => Some(3),
            "FAILED" => Some(9),
            _ => None,
        }
    }

    /// Whether `self` is progress over the stored `current` (forward only; FAILED is final).
    pub fn advances(self, current: &str) -> bool {
        match Self::rank(current) {
            Some(9) | None => false,
            Some(r) => Self::rank(self.as_str()).is_some_and(|n| n > r),
        }
    }

    fn stamp(self) -> &'static str {
        match self {
            OutStatus::Sent => "sentAt",
            OutStatus::Delivered => "deliveredAt",
            OutStatus::Read => "readAt",
            OutStatus::Failed => "failedAt",
        }
    }
}

/// A status update for an outbound message.
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub account_id: String,
    pub provider_id: String,
    pub status: OutStatus,
    pub at: DateTime<Utc>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

/// What became of a status update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusOutcome {
    Applied,
    /// Not progress (a duplicate, a late `delivered` after `read`, anything after `failed`).
    Stale,
    /// No message of this account has the provider id (yet).
    Unknown,
}

/// Moves the message with the change's provider id forward (compare-and-set on its current
/// status, so concurrent updates cannot move it back) and emits `message.status`.
pub async fn apply_status(env: &JobEnv, change: &StatusChange) -> Result<StatusOutcome, JobError> {
    let client = &env.client;
    let row = client
        .run(
            "Message",
            "findFirst",
            &json!({"where": {"channelAccountId": change.account_id, "providerMessageId": change.provider_id, "direction": "OUT"},
                    "select": {"id": true, "status": true, "conversationId": true}}),
        )
        .await
        .map_err(job_error)?;
    let (Some(id), Some(current)) = (id_of(&row), row.get("status").and_then(Value::as_str)) else {
        return Ok(StatusOutcome::Unknown);
    };
    if !change.status.advances(current) {
        return Ok(StatusOutcome::Stale);
    }
    let mut data = json!({"status": change.status.as_str(), change.status.stamp(): iso(change.at)});
    if change.status == OutStatus::Failed {
        data["errorCode"] = json!(change.error_code);
        data["errorMessage"] = json!(change.error_message);
    }
    let moved = client
        .run("Message", "updateMany", &json!({"where": {"id": id, "status": current}, "data": data}))
        .await
        .map_err(job_error)?;
    if moved.get("count").and_then(Value::as_i64) != Some(1) {
        // Someone else moved it meanwhile: decide again from the new status.
        return Err(JobError::retry("the message's status changed meanwhile"));
    }
    let conversation_id = row.get("conversationId").and_then(Value::as_str).unwrap_or_default();
    events::record(
        &env.app.db,
        &env.app.events,
        &env.actor.tenant_id,
        EventKind::MessageStatus,
        conversation_id,
        Some(&id),
    )
    .await
    .map_err(job_error)?;
    Ok(StatusOutcome::Applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_move_forward_only() {
        assert!(OutStatus::Sent.advances("QUEUED"));
        assert!(OutStatus::Read.advances("SENT"));
        assert!(!OutStatus::Delivered.advances("READ"));
        assert!(!OutStatus::Sent.advances("SENT"));
        assert!(OutStatus::Failed.advances("DELIVERED"));
        assert!(!OutStatus::Read.advances("FAILED"));
        assert!(!OutStatus::Sent.advances("RECEIVED"));
    }

    #[test]
    fn previews() {
        assert_eq!(preview("TEXT", Some("  مرحبا  ")), "مرحبا");
        assert_eq!(preview("IMAGE", None), "[image]");
        assert_eq!(preview("TEXT", Some(&"x".repeat(500))).chars().count(), 120);
    }
}
