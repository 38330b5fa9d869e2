//! Twilio-compatible SMS inbound: the inbound-message webhook and the status callback, both
//! verified with `X-Twilio-Signature` against the configured public URL (`server.public_url` +
//! the path and query Twilio requested) and the auth token of the account the number belongs
//! to; recorded as a job carrying the form. STOP/START keywords mark the sender's identity opted
//! out or in. An MMS's media (`NumMedia`, `MediaUrl{N}`) is downloaded by [`super::mms`].

use jobs::{Job, JobCtx, JobError, new_job};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use channels::sms::{self, MessageStatus, OptKeyword};
use domain::PhoneE164;

use super::media::MediaFetch;
use super::mms::{self, MmsMedia};
use super::receive::{self, Incoming, OutStatus, Sender, StatusChange, job_account, job_error};
use super::{InboundError, job_actor};
use crate::App;
use crate::inbox::channels::{ChannelKind, Secret, lookup};
use crate::jobs::JobEnv;

fn param<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// Which webhook a form came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmsHook {
    /// An inbound message (`POST /webhooks/sms`): routed by `To`.
    Inbound,
    /// A status callback (`POST /webhooks/sms/status`): routed by `From` (our number).
    Status,
}

/// Authenticates a Twilio form and records it. `path_and_query` is the request's path and query
/// as received; `signature` the `X-Twilio-Signature` header.
pub async fn accept(
    app: &App,
    hook: SmsHook,
    path_and_query: &str,
    form: Vec<(String, String)>,
    signature: Option<&str>,
) -> Result<(), InboundError> {
    let base = app.channels.public_url.as_deref().ok_or(InboundError::NoPublicUrl)?;
    let url = format!("{}{path_and_query}", base.trim_end_matches('/'));
    let number = match hook {
        SmsHook::Inbound => sms::parse_inbound(&form).map_err(|e| InboundError::Malformed(e.to_string()))?.to,
        SmsHook::Status => {
            sms::parse_status(&form).map_err(|e| InboundError::Malformed(e.to_string()))?;
            param(&form, "From").ok_or_else(|| InboundError::Malformed("`From` is missing".into()))?.to_owned()
        }
    };
    // Accounts keep their number in E.164; accept what Twilio sends in any equivalent spelling.
    let number = PhoneE164::parse_international(number.trim()).map(|p| p.as_str().to_owned()).unwrap_or(number);
    let accounts = lookup::sms_by_address(&app.db, &number).await?;
    if accounts.is_empty() {
        tracing::warn!("an SMS webhook for a number no agency has");
        return Err(InboundError::UnknownAccount);
    }
    for account in accounts {
        let Some(token) = account.secret(&app.channels.secrets, Secret::AuthToken) else { continue };
        if sms::verify_signature(&url, &form, signature, &token).is_err() {
            continue;
        }
        // A retried callback: the same MessageSid (and, for a status, the same status).
        let sid = param(&form, "MessageSid").or_else(|| param(&form, "SmsSid")).map(str::to_owned);
        let ids = match hook {
            SmsHook::Inbound => sid.map(|s| format!("{s}:received")),
            SmsHook::Status => sid
                .zip(param(&form, "MessageStatus").or_else(|| param(&form, "SmsStatus")))
                .map(|(s, status)| format!("{s}:{status}")),
        };
        let channel = match hook {
            SmsHook::Inbound => "sms",
            SmsHook::Status => "sms.status",
        };
        let key = super::delivery_key(channel, &account.id, ids);
        let job = ProcessSms { account_id: account.id.clone(), hook, form };
        let mut row = new_job(&job, Some(account.tenant_id.clone()), job_actor())?;
        if let Some(key) = key {
            row = row.deduped(key);
        }
        if app.db.queue().enqueue_once(&row).await?.is_none() {
            tracing::info!("an SMS webhook already recorded");
        }
        app.job_wake.notify_one();
        return Ok(());
    }
    Err(InboundError::Unauthorized)
}

/// Processes one verified SMS form (`inbox.sms.inbound`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessSms {
    pub account_id: String,
    pub hook: SmsHook,
    /// The form exactly as received.
    pub form: Vec<(String, String)>,
}

impl Job for ProcessSms {
    const KIND: &'static str = "inbox.sms.inbound";
    const MAX_ATTEMPTS: u32 = 8;
    type Env = JobEnv;

    async fn run(self, ctx: JobCtx<JobEnv>) -> Result<Value, JobError> {
        let env = &ctx.env;
        job_account(env, &self.account_id, ChannelKind::Sms).await?;
        match self.hook {
            SmsHook::Inbound => inbound(env, &self.account_id, &self.form).await,
            SmsHook::Status => status(env, &self.account_id, &self.form).await,
        }
    }
}

async fn inbound(env: &JobEnv, account_id: &str, form: &[(String, String)]) -> Result<Value, JobError> {
    let msg = sms::parse_inbound(form).map_err(|e| JobError::fatal(e.to_string()))?;
    let phone = PhoneE164::parse_international(&msg.from).ok().map(|p| p.as_str().to_owned());
    let address = phone.clone().unwrap_or_else(|| msg.from.trim().to_owned());
    let media: Vec<MmsMedia> =
        msg.media.iter().map(|m| MmsMedia { url: m.url.clone(), content_type: m.content_type.clone() }).collect();
    // An MMS is of its (first) file's type, its text the caption, as a WhatsApp file's is.
    let kind = if media.is_empty() { "TEXT" } else { mms::message_type(&media) };
    let incoming = Incoming {
        account_id: account_id.to_owned(),
        channel: ChannelKind::Sms,
        sender: Sender { address_type: "PHONE", address: address.clone(), display_name: None, phone, email: None },
        provider_id: msg.message_sid.clone(),
        at: chrono::Utc::now(),
        kind,
        body: Some(msg.body.clone()).filter(|b| !b.is_empty()),
        content: (!media.is_empty()).then(|| json!({"media": media})),
        reply_to: None,
        thread_ids: Vec::new(),
        thread_conversation: None,
        media: (!media.is_empty()).then(|| MediaFetch::Mms(media.clone())),
    };
    let stored = receive::receive(env, incoming).await?;
    let mut opted = Value::Null;
    if let Some(keyword) = msg.opt_keyword() {
        let out = keyword == OptKeyword::OptOut;
        env.client
            .run(
                "ChannelIdentity",
                "updateMany",
                &json!({"where": {"channelAccountId": account_id, "addressType": "PHONE", "address": address},
                        "data": {"optedOut": out}}),
            )
            .await
            .map_err(job_error)?;
        opted = json!(out);
    }
    Ok(json!({"stored": stored.is_some(), "optedOut": opted}))
}

/// An agent-readable reason for a failed SMS, by the provider's error code.
pub fn failure_text(code: Option<u32>) -> String {
    match code {
        Some(21610) => "The customer replied STOP: they cannot be texted until they send START.".to_owned(),
        Some(21211 | 21614) => "The number cannot receive text messages.".to_owned(),
        Some(30003 | 30005 | 30006) => "The phone is unreachable or the number does not exist.".to_owned(),
        Some(30004 | 30007) => "The carrier blocked or filtered the message.".to_owned(),
        _ => "The text message could not be delivered.".to_owned(),
    }
}

async fn status(env: &JobEnv, account_id: &str, form: &[(String, String)]) -> Result<Value, JobError> {
    let s = sms::parse_status(form).map_err(|e| JobError::fatal(e.to_string()))?;
    let status = match s.status {
        MessageStatus::Sent => OutStatus::Sent,
        MessageStatus::Delivered | MessageStatus::PartiallyDelivered => OutStatus::Delivered,
        MessageStatus::Read => OutStatus::Read,
        MessageStatus::Undelivered | MessageStatus::Failed | MessageStatus::Canceled => OutStatus::Failed,
        _ => return Ok(json!({"ignored": true})),
    };
    let change = StatusChange {
        account_id: account_id.to_owned(),
        provider_id: s.message_sid.clone(),
        status,
        at: chrono::Utc::now(),
        error_code: s.error_code.map(|c| c.to_string()),
        error_message: (status == OutStatus::Failed).then(|| failure_text(s.error_code)),
    };
    let outcome = receive::apply_status(env, &change).await?;
    if status == OutStatus::Failed && s.error_code == Some(21610) {
        // The provider refuses this number until it texts START: the identity is opted out.
        let to = param(form, "To").unwrap_or_default();
        env.client
            .run(
                "ChannelIdentity",
                "updateMany",
                &json!({"where": {"channelAccountId": account_id, "addressType": "PHONE", "address": to},
                        "data": {"optedOut": true}}),
            )
            .await
            .map_err(job_error)?;
    }
    Ok(json!({"outcome": format!("{outcome:?}")}))
}
