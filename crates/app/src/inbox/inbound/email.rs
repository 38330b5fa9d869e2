//! Inbound e-mail: `POST /webhooks/email/{inbound address or account id}` takes the raw RFC 822
//! message (`message/rfc822`, as mail providers' raw-MIME webhooks and MTA pipes deliver it),
//! authenticated per mailbox with `Authorization: Bearer <inboundSecret>`; recorded as a job
//! carrying the raw bytes. The job threads the message (In-Reply-To, then References, then a
//! `reply+{conversation id}@` address), dedupes it by `Message-ID` per mailbox (a hash of the raw
//! bytes when it has none), and stores its attachments as files of the lead.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use jobs::{Job, JobCtx, JobError, new_job};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use channels::email;

use super::receive::{self, Incoming, Sender, job_account, job_error};
use super::{InboundError, job_actor};
use crate::App;
use crate::files::storage_key;
use crate::inbox::channels::{ChannelKind, Secret, lookup};
use crate::jobs::JobEnv;

/// The local-part prefix of reply addresses (`reply+{conversation id}@…`).
pub const REPLY_PREFIX: &str = "reply+";

/// Authenticates a raw message for the mailbox `mailbox` (its inbound address or account id) and
/// records it. `bearer` is the token of the `Authorization: Bearer` header.
pub async fn accept(app: &App, mailbox: &str, bearer: Option<&str>, raw: &[u8]) -> Result<(), InboundError> {
    let account = lookup::email_by_inbound(&app.db, mailbox).await?.ok_or(InboundError::UnknownAccount)?;
    let secret = account.secret(&app.channels.secrets, Secret::InboundSecret).ok_or(InboundError::Unauthorized)?;
    let given = bearer.unwrap_or_default();
    // Hashed first, so not even the lengths are compared in variable time.
    let same = Sha256::digest(given.as_bytes()).ct_eq(&Sha256::digest(secret.as_bytes()));
    if given.is_empty() || !bool::from(same) {
        return Err(InboundError::Unauthorized);
    }
    let parsed = email::parse(raw).map_err(|e| InboundError::Malformed(e.to_string()))?;
    // The same Message-ID (or, without one, the same bytes) is the same delivery.
    let id = parsed.message_id.clone().unwrap_or_else(|| {
        let digest = Sha256::digest(raw);
        format!("sha256:{}", digest.iter().map(|b| format!("{b:02x}")).collect::<String>())
    });
    let key = super::delivery_key("email", &account.id, [id]);
    let job = ProcessEmail { account_id: account.id.clone(), raw: STANDARD.encode(raw) };
    let mut row = new_job(&job, Some(account.tenant_id.clone()), job_actor())?;
    if let Some(key) = key {
        row = row.deduped(key);
    }
    if app.db.queue().enqueue_once(&row).await?.is_none() {
        tracing::info!(account = %account.id, "an e-mail already recorded");
    }
    app.job_wake.notify_one();
    Ok(())
}

/// Processes one authenticated raw message (`inbox.email.inbound`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessEmail {
    pub account_id: String,
    /// The raw message, base64 (it may be in any charset, 8-bit included).
    pub raw: String,
}

impl Job for ProcessEmail {
    const KIND: &'static str = "inbox.email.inbound";
    const MAX_ATTEMPTS: u32 = 8;
    type Env = JobEnv;

    async fn run(self, ctx: JobCtx<JobEnv>) -> Result<Value, JobError> {
        let env = &ctx.env;
        job_account(env, &self.account_id, ChannelKind::Email).await?;
        let raw = STANDARD.decode(&self.raw).map_err(|e| JobError::fatal(format!("the stored message: {e}")))?;
        let mail = email::parse(&raw).map_err(|e| JobError::fatal(e.to_string()))?;
        let provider_id = mail.message_id.clone().unwrap_or_else(|| {
            let digest = Sha256::digest(&raw);
            format!("sha256:{}", digest.iter().map(|b| format!("{b:02x}")).collect::<String>())
        });
        let from = mail.from.address.trim().to_lowercase();
        let mut thread_ids = mail.in_reply_to.clone();
        thread_ids.extend(mail.references.iter().rev().cloned());
        let attachments: Vec<&email::Attachment> = mail.attachments.iter().collect();
        let mut content = json!({
            "subject": mail.subject,
            "from": {"address": from, "name": mail.from.name},
            "to": mail.to.iter().map(|m| &m.address).collect::<Vec<_>>(),
            "cc": mail.cc.iter().map(|m| &m.address).collect::<Vec<_>>(),
            "autoSubmitted": mail.auto_submitted,
            // The HTML part through the allow-list sanitiser: safe to show, never the raw markup.
            "html": mail.html.as_ref().map(|h| h.sanitized()),
        });
        let incoming = Incoming {
            account_id: self.account_id.clone(),
            channel: ChannelKind::Email,
            sender: Sender {
                address_type: "EMAIL",
                address: from.clone(),
                display_name: mail.from.name.clone(),
                phone: None,
                email: Some(from.clone()),
            },
            provider_id,
            at: mail.date.unwrap_or_else(chrono::Utc::now),
            kind: "TEXT",
            body: mail.text.clone().or_else(|| mail.subject.clone()),
            content: Some(content.clone()),
            reply_to: mail.in_reply_to.first().cloned(),
            thread_ids,
            thread_conversation: mail.reply_token(REPLY_PREFIX).map(str::to_owned),
            media: None,
        };
        let Some(stored) = receive::receive(env, incoming).await? else {
            return Ok(json!({"stored": false}));
        };
        if attachments.is_empty() {
            return Ok(json!({"stored": true}));
        }
        let mut files = Vec::new();
        for a in &attachments {
            let name = a.filename.clone().unwrap_or_else(|| "attachment".to_owned());
            let key = storage_key(&env.actor.tenant_id, "media", &name);
            let size = i64::try_from(a.bytes.len()).unwrap_or(i64::MAX);
            env.app
                .files
                .put(&key, Bytes::from(a.bytes.clone()))
                .await
                .map_err(|e| JobError::retry(format!("cannot store an attachment: {e}")))?;
            let file = env
                .client
                .run(
                    "File",
                    "create",
                    &json!({"data": {
                        "tenantId": env.actor.tenant_id, "ownerType": "lead", "ownerId": stored.lead_id,
                        "name": name, "contentType": crate::files::essence(&a.content_type), "size": size,
                        "storageKey": key, "createdById": null,
                    }, "select": {"id": true}}),
                )
                .await
                .map_err(job_error)?;
            files.push(json!({
                "fileId": file.get("id"), "name": name, "contentType": a.content_type, "size": size, "inline": a.inline,
            }));
        }
        let first = files.iter().zip(&attachments).find(|(_, a)| !a.inline).map(|(f, _)| f["fileId"].clone());
        content["attachments"] = json!(files);
        env.client
            .run(
                "Message",
                "update",
                &json!({"where": {"id": stored.message_id},
                        "data": {"content": content, "mediaFileId": first.unwrap_or(Value::Null)},
                        "select": {"id": true}}),
            )
            .await
            .map_err(job_error)?;
        Ok(json!({"stored": true, "attachments": files.len()}))
    }
}
