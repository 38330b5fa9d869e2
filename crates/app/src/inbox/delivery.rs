//! The delivery worker: the `inbox.deliver` job sends one queued OUT message through its
//! channel's [`Sender`] and records the outcome (the provider's id and `SENT`, or `FAILED` with
//! the provider's code and a message in the author's language); `inbox.mark_read` tells WhatsApp
//! that an agent read the customer's message. Both run as the acting agent (`app::jobs::enter`):
//! the message must be one the author may still read, else the job fails closed. Status columns
//! are written as the system (the rules leave status changes to the server).
//!
//! Transient provider errors retry with the queue's exponential backoff and jitter; after the
//! last attempt the message is `FAILED` (`provider:unavailable`, or `provider:uncertain` when an
//! attempt may have reached the provider). A message no longer `QUEUED` is never sent again.
//!
//! An attempt may end **uncertain**: the provider may or may not have the message. Two ways:
//! - it died in the provider call. Before the call the attempt writes `{"phase": "sending",
//!   "attempt": n}` as the job's progress (which also fences it: a worker that lost its lease
//!   stops before sending); every attempt that ends in-process overwrites it (`SENT`/`FAILED` end
//!   the job, a retryable error writes `"phase": "retry"`), so an attempt that finds `sending`
//!   knows its predecessor died between that write and recording the outcome;
//! - the provider did not answer ([`SendError::Uncertain`]: a timeout after connecting, a
//!   connection cut mid-request, a gateway's bare 5xx, a success without an id). A refusal the
//!   provider answered (429, a 5xx with its error body, a throttling code) or a provider never
//!   reached ([`SendError::Transient`]) is certain: it does not have the message.
//!
//! Uncertainty is sticky: the progress record carries `"uncertain": true` from then on (a later
//! refusal does not clear it). The rule is to **send again** (at-least-once: for a customer, a
//! duplicate WhatsApp or SMS is better than a silently lost one; e-mail keeps its `Message-ID`,
//! so mail clients show it once) and to mark the message `content.possibleDuplicate = true` when
//! it is finally sent, so the agent can see it. Neither the Graph API nor the Messages API takes
//! an idempotency key, so nothing narrower is possible.

use std::sync::Arc;

use jobs::{Job, JobCtx, JobError};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::conversations::text;
use super::events::{self, EventKind};
use super::senders::{
    Content, Credentials, EmailSender, Media, Outgoing, SendError, Sender, SmsSender, WhatsAppSender, agent_message,
    http_client,
};
use crate::App;
use crate::jobs::JobEnv;

/// Sends one queued message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deliver {
    pub message_id: String,
}

/// Marks one inbound WhatsApp message read on the customer's phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkRead {
    pub message_id: String,
}

impl Job for Deliver {
    const KIND: &'static str = "inbox.deliver";
    const MAX_ATTEMPTS: u32 = 8;
    type Env = JobEnv;

    async fn run(self, ctx: JobCtx<JobEnv>) -> Result<Value, JobError> {
        let env = &ctx.env;
        let message = env
            .client
            .run(
                "Message",
                "findFirst",
                &json!({"where": {"id": self.message_id, "direction": "OUT"},
                        "include": {"conversation": {"include": {"identity": {"select": {"address": true}}}}}}),
            )
            .await?;
        if !message.is_object() {
            return Err(JobError::fatal("the message does not exist or its author may no longer read it"));
        }
        if text(&message, "status") != Some("QUEUED") {
            // Sent (or failed) by an earlier attempt: never send twice from here.
            return Ok(json!({"status": text(&message, "status")}));
        }
        let account_id = text(&message, "channelAccountId").unwrap_or_default();
        let creds = credentials(&env.app, account_id).await?;
        let out = outgoing(env, &message).await?;
        // A sandbox account (the demo's) sends to the sandbox, never to a real API.
        let settings = &match super::sandbox::sender_settings(&env.app, creds.sandbox) {
            Ok(settings) => settings,
            Err(code) => {
                fail(env, &self.message_id, text(&message, "conversationId").unwrap_or_default(), code).await?;
                return Err(JobError::fatal(format!("{code}: a sandbox account while the sandbox is off")));
            }
        };
        let interrupted = in_flight(ctx.record());
        let uncertain = interrupted || was_uncertain(ctx.record());
        let attempt = ctx.record().attempts;
        ctx.progress(json!({"phase": "sending", "attempt": attempt, "uncertain": uncertain})).await?;
        let result = match text(&message, "channel") {
            Some("WHATSAPP") => {
                WhatsAppSender { settings: settings.clone(), http: http_client(settings) }.send(&creds, &out).await
            }
            Some("SMS") => {
                SmsSender { settings: settings.clone(), http: http_client(settings) }.send(&creds, &out).await
            }
            Some("EMAIL") if creds.sandbox => super::sandbox::provider::email_sent(&creds, &out),
            Some("EMAIL") => EmailSender { settings: settings.clone() }.send(&creds, &out).await,
            other => Err(SendError::permanent("config:channel", format!("unknown channel {other:?}"))),
        };
        let conversation_id = text(&message, "conversationId").unwrap_or_default();
        match result {
            Ok(provider_id) => {
                let mut data =
                    json!({"status": "SENT", "providerMessageId": provider_id, "sentAt": super::conversations::now()});
                if uncertain {
                    let why = if interrupted { "an attempt died mid-send" } else { "the provider did not answer" };
                    tracing::warn!(message = %self.message_id, "sent again after {why}: possibly a duplicate");
                    data["content"] = possible_duplicate(&message["content"]);
                }
                set_status(env, &self.message_id, conversation_id, data).await?;
                Ok(json!({"status": "SENT", "providerMessageId": provider_id, "possibleDuplicate": uncertain}))
            }
            Err(e @ (SendError::Transient(_) | SendError::Uncertain(_))) => {
                // This attempt ended here, so the next is no recovery; whether the provider may
                // have the message is carried on.
                let uncertain = uncertain || matches!(e, SendError::Uncertain(_));
                if ctx.record().attempts < ctx.record().max_attempts {
                    ctx.progress(json!({"phase": "retry", "attempt": attempt, "uncertain": uncertain})).await?;
                    return Err(JobError::retry(e.to_string()));
                }
                let code = if uncertain { "provider:uncertain" } else { "provider:unavailable" };
                fail(env, &self.message_id, conversation_id, code).await?;
                Err(JobError::fatal(format!("gave up: {e}")))
            }
            Err(SendError::Permanent { code, detail }) => {
                fail(env, &self.message_id, conversation_id, &code).await?;
                Err(JobError::fatal(format!("{code}: {detail}")))
            }
        }
    }

    /// The worker died during the last attempt: the message must not stay `QUEUED` for ever.
    /// It is marked `FAILED` (`delivery:interrupted`: it may or may not have reached the customer)
    /// so the agent sees it and can send it again.
    async fn abandoned(self, env: JobEnv, _record: jobs::JobRecord) -> Result<(), JobError> {
        let message = env
            .client
            .run("Message", "findFirst", &json!({"where": {"id": self.message_id, "direction": "OUT"}}))
            .await?;
        if text(&message, "status") != Some("QUEUED") {
            return Ok(());
        }
        let conversation_id = text(&message, "conversationId").unwrap_or_default().to_owned();
        fail(&env, &self.message_id, &conversation_id, "delivery:interrupted").await
    }
}

impl Job for MarkRead {
    const KIND: &'static str = "inbox.mark_read";
    type Env = JobEnv;

    async fn run(self, ctx: JobCtx<JobEnv>) -> Result<Value, JobError> {
        let env = &ctx.env;
        let message = env
            .client
            .run(
                "Message",
                "findFirst",
                &json!({"where": {"id": self.message_id, "direction": "IN", "channel": "WHATSAPP"},
                        "select": {"providerMessageId": true, "channelAccountId": true}}),
            )
            .await?;
        let (Some(wamid), Some(account)) = (text(&message, "providerMessageId"), text(&message, "channelAccountId"))
        else {
            return Err(JobError::fatal("the message does not exist or its reader may no longer read it"));
        };
        let creds = credentials(&env.app, account).await?;
        let settings = &super::sandbox::sender_settings(&env.app, creds.sandbox).map_err(JobError::fatal)?;
        let sender = WhatsAppSender { settings: settings.clone(), http: http_client(settings) };
        match sender.mark_read(&creds, wamid).await {
            Ok(_) => Ok(json!({"read": wamid})),
            Err(e @ (SendError::Transient(_) | SendError::Uncertain(_))) => Err(JobError::retry(e.to_string())),
            // Too old (30 days) or unknown: nothing to do about it.
            Err(SendError::Permanent { code, detail }) => Err(JobError::fatal(format!("{code}: {detail}"))),
        }
    }
}

/// Whether the job's previous attempt died inside the provider call (its progress still says
/// `sending`): the provider may already have the message.
fn in_flight(record: &jobs::JobRecord) -> bool {
    record.progress.as_ref().and_then(|p| p.get("phase")).and_then(Value::as_str) == Some("sending")
}

/// Whether an earlier attempt may have reached the provider (recorded `"uncertain": true`).
fn was_uncertain(record: &jobs::JobRecord) -> bool {
    record.progress.as_ref().and_then(|p| p.get("uncertain")).and_then(Value::as_bool) == Some(true)
}

/// The message's `content` with `possibleDuplicate: true` (the customer may have it twice).
fn possible_duplicate(content: &Value) -> Value {
    let mut map = content.as_object().cloned().unwrap_or_default();
    map.insert("possibleDuplicate".to_owned(), Value::Bool(true));
    Value::Object(map)
}

/// What the sender needs from the message row (read under the author's rules).
async fn outgoing(env: &JobEnv, message: &Value) -> Result<Outgoing, JobError> {
    let conversation = &message["conversation"];
    let to = text(&conversation["identity"], "address")
        .ok_or_else(|| JobError::fatal("the conversation has no customer address"))?
        .to_owned();
    let id = text(message, "id").unwrap_or_default().to_owned();
    let body = text(message, "body").unwrap_or_default().to_owned();
    let content = match (text(message, "type"), message["content"].get("template")) {
        (Some("TEMPLATE"), Some(t)) => Content::Template {
            name: text(t, "name").unwrap_or_default().to_owned(),
            language: text(t, "language").unwrap_or_default().to_owned(),
        },
        _ => Content::Text(body),
    };
    let mut out = Outgoing {
        message_id: id,
        to,
        content,
        reply_to: text(message, "replyToProviderId").map(str::to_owned),
        references: Vec::new(),
        subject: message["content"].get("subject").and_then(Value::as_str).map(str::to_owned),
        conversation_id: text(message, "conversationId").map(str::to_owned),
        media: match text(message, "mediaFileId") {
            Some(file_id) => Some(media(env, file_id).await?),
            None => None,
        },
    };
    if text(message, "channel") == Some("EMAIL") {
        thread(env, message, &mut out).await?;
    }
    Ok(out)
}

/// The file of an outgoing message, read as its author (a file they may no longer read, or one
/// gone from storage, fails the message: nothing else could be sent in its place).
async fn media(env: &JobEnv, file_id: &str) -> Result<Media, JobError> {
    use futures_util::TryStreamExt as _;
    let download = match crate::files::download(&env.app, &env.actor, file_id).await {
        Ok(d) => d,
        Err(crate::files::FileError::NotFound) => return Err(JobError::fatal("the message's file is gone")),
        Err(e) => return Err(JobError::retry(format!("cannot read the message's file: {e}"))),
    };
    let chunks: Vec<_> =
        download.body.try_collect().await.map_err(|e| JobError::retry(format!("cannot read the file: {e}")))?;
    Ok(Media { name: download.view.name, content_type: download.view.content_type, bytes: chunks.concat() })
}

/// E-mail threading: `References` are the thread's earlier Message-IDs (oldest first),
/// `In-Reply-To` the one answered (default: the customer's last message), and the subject
/// `Re:` the customer's last subject unless the agent gave one.
async fn thread(env: &JobEnv, message: &Value, out: &mut Outgoing) -> Result<(), JobError> {
    let conversation_id = text(message, "conversationId").unwrap_or_default();
    let rows = env
        .client
        .run(
            "Message",
            "findMany",
            &json!({
                "where": {"conversationId": conversation_id, "providerMessageId": {"not": null}, "private": false},
                "orderBy": [{"createdAt": "asc"}, {"id": "asc"}],
                "select": {"providerMessageId": true, "direction": true, "content": true},
                "take": 50,
            }),
        )
        .await?;
    let rows = rows.as_array().cloned().unwrap_or_default();
    out.references = rows.iter().filter_map(|r| text(r, "providerMessageId")).map(str::to_owned).collect();
    let last_in = rows.iter().rev().find(|r| text(r, "direction") == Some("IN"));
    if out.reply_to.is_none() {
        out.reply_to = last_in.and_then(|r| text(r, "providerMessageId")).map(str::to_owned);
    }
    if out.subject.is_none() {
        let subject = last_in.and_then(|r| r["content"].get("subject")).and_then(Value::as_str).unwrap_or_default();
        out.subject = Some(super::outbound::reply_subject(subject));
    }
    Ok(())
}

/// The channel account's credentials, its secrets opened (read as the system: the `*Enc`
/// columns are never readable under the rules).
async fn credentials(app: &Arc<App>, account_id: &str) -> Result<Credentials, JobError> {
    let row = app
        .db
        .as_system("inbox: read a channel's credentials to send")
        .run(
            "ChannelAccount",
            "findUnique",
            &json!({"where": {"id": account_id}, "select": {
                "phoneNumberId": true, "address": true, "smsAccountSid": true, "inboundAddress": true,
                "smtpHost": true, "smtpPort": true, "smtpUsername": true,
                "accessTokenEnc": true, "authTokenEnc": true, "smtpPasswordEnc": true, "sandbox": true,
            }}),
        )
        .await?;
    if !row.is_object() {
        return Err(JobError::fatal("the channel account no longer exists"));
    }
    let secret = |column: &str| -> Result<Option<String>, JobError> {
        text(&row, column).map(|sealed| open_secret(app, column, sealed)).transpose()
    };
    let owned = |f: &str| text(&row, f).map(str::to_owned);
    Ok(Credentials {
        phone_number_id: owned("phoneNumberId"),
        access_token: secret("accessTokenEnc")?,
        account_sid: owned("smsAccountSid"),
        auth_token: secret("authTokenEnc")?,
        from: owned("address").or_else(|| owned("inboundAddress")),
        inbound_address: owned("inboundAddress"),
        smtp_host: owned("smtpHost"),
        smtp_port: row.get("smtpPort").and_then(Value::as_u64).and_then(|p| u16::try_from(p).ok()),
        smtp_username: owned("smtpUsername"),
        smtp_password: secret("smtpPasswordEnc")?,
        sandbox: row.get("sandbox").and_then(Value::as_bool).unwrap_or(false),
    })
}

/// Opens a sealed `*Enc` column with the server's key (`app::inbox::secrets`).
fn open_secret(app: &App, column: &str, sealed: &str) -> Result<String, JobError> {
    app.channels.secrets.open(column, sealed).map_err(|e| JobError::fatal(format!("{column}: {e}")))
}

/// Writes a status change as the system and records its `message.status` event.
async fn set_status(env: &JobEnv, message_id: &str, conversation_id: &str, data: Value) -> Result<(), JobError> {
    env.app
        .db
        .as_system("inbox: record a delivery status")
        .run("Message", "update", &json!({"where": {"id": message_id}, "data": data, "select": {"id": true}}))
        .await?;
    events::record(
        &env.app.db,
        &env.app.events,
        &env.actor.tenant_id,
        EventKind::MessageStatus,
        conversation_id,
        Some(message_id),
    )
    .await?;
    Ok(())
}

/// Marks the message `FAILED` with the provider's code and words the author reads.
async fn fail(env: &JobEnv, message_id: &str, conversation_id: &str, code: &str) -> Result<(), JobError> {
    let data = json!({
        "status": "FAILED",
        "errorCode": code,
        "errorMessage": agent_message(code, env.actor.locale),
        "failedAt": super::conversations::now(),
    });
    set_status(env, message_id, conversation_id, data).await
}
