//! Inbound WhatsApp media (MMS media: [`super::mms`]): a job, enqueued with the message that names it, fetches the file in
//! Meta's two steps (`GET {graph}/{media-id}` for a short-lived URL, then `GET` that URL, both
//! with the account's access token), checks its SHA-256, stores it under
//! `{tenantId}/media/{uuid}-{name}` as a `File` of the lead, and links it to the message.
//! Webhook media ids expire after 7 days: transient failures (timeouts, 5xx, 429) are retried
//! with backoff well within that; 4xx answers fail the job with the provider's reason. The
//! lookup takes the provider call timeout (`channels.send_timeout_ms`), the download at least
//! two minutes.

use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use jobs::{Job, JobCtx, JobError, NewJob, new_job};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::job_actor;
use super::receive::job_error;
use crate::files::storage_key;
use crate::inbox::channels::{Secret, lookup};
use crate::jobs::JobEnv;

/// WhatsApp's inbound size limit (larger files arrive as error 131052 instead); MMS files are far
/// smaller (Twilio: 5 MB a message).
pub(super) const MAX_MEDIA_BYTES: usize = 100 * 1024 * 1024;
/// The least time the download itself (up to 100 MB) may take; the lookup takes the provider
/// call timeout (`channels.send_timeout_ms`).
pub(super) const MIN_DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(120);

/// Media an inbound message names, fetched by a job enqueued with the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaFetch {
    /// A WhatsApp media id ([`DownloadMedia`]).
    Whatsapp(MediaRef),
    /// An MMS's media URLs ([`super::mms::DownloadMms`]).
    Mms(Vec<super::mms::MmsMedia>),
}

impl MediaFetch {
    /// The job row that fetches this media for the stored message `message_id`.
    pub fn job(&self, tenant_id: &str, account_id: &str, message_id: &str) -> Option<NewJob> {
        match self {
            MediaFetch::Whatsapp(media) => download_job(tenant_id, account_id, message_id, media),
            MediaFetch::Mms(media) => super::mms::download_job(tenant_id, account_id, message_id, media),
        }
    }
}

/// The media of an inbound message, as the webhook names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaRef {
    pub media_id: String,
    pub mime_type: Option<String>,
    pub filename: Option<String>,
    /// Base64 of the file's SHA-256, when Meta sends it.
    pub sha256: Option<String>,
}

/// Downloads one message's media (`inbox.media.download`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DownloadMedia {
    pub account_id: String,
    pub message_id: String,
    pub media: MediaRef,
}

/// The job row that downloads `media` for the stored message `message_id`.
pub fn download_job(tenant_id: &str, account_id: &str, message_id: &str, media: &MediaRef) -> Option<NewJob> {
    let job =
        DownloadMedia { account_id: account_id.to_owned(), message_id: message_id.to_owned(), media: media.clone() };
    new_job(&job, Some(tenant_id.to_owned()), job_actor()).ok()
}

/// The answer of `GET {graph}/{media-id}`.
#[derive(Debug, Deserialize)]
struct MediaInfo {
    url: String,
    mime_type: Option<String>,
    sha256: Option<String>,
}

/// A provider answer as a job error: 429 and 5xx are retried, other 4xx fail for good.
pub(super) fn http_error(step: &str, status: reqwest::StatusCode) -> JobError {
    let message = format!("{step}: the provider answered {status}");
    if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        JobError::retry(message)
    } else {
        JobError::fatal(message)
    }
}

pub(super) fn transport_error(step: &str, e: reqwest::Error) -> JobError {
    JobError::retry(format!("{step}: {}", if e.is_timeout() { "timed out".to_owned() } else { e.to_string() }))
}

/// A name for the stored file: the document's own, else `{media-id}.{ext}`.
fn file_name(media: &MediaRef, mime: &str) -> String {
    if let Some(name) = media.filename.as_deref().filter(|n| !n.trim().is_empty()) {
        return name.to_owned();
    }
    format!("{}.{}", media.media_id, extension(mime))
}

/// The usual file extension of a media type (`bin` for the rest).
pub(super) fn extension(mime: &str) -> &'static str {
    match mime.split(';').next().unwrap_or_default().trim() {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/webp" => "webp",
        "audio/ogg" => "ogg",
        "audio/mpeg" => "mp3",
        "audio/aac" => "aac",
        "audio/mp4" => "m4a",
        "video/mp4" => "mp4",
        "video/3gpp" => "3gp",
        "image/gif" => "gif",
        "application/pdf" => "pdf",
        _ => "bin",
    }
}

/// Stores downloaded media under `{tenantId}/media/…` as a file of lead `lead_id`; its id.
pub(super) async fn store_file(
    env: &JobEnv,
    lead_id: &str,
    name: &str,
    mime: &str,
    bytes: Bytes,
) -> Result<String, JobError> {
    let tenant = &env.actor.tenant_id;
    let key = storage_key(tenant, "media", name);
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    env.app.files.put(&key, bytes).await.map_err(|e| JobError::retry(format!("cannot store the media: {e}")))?;
    let file = env
        .client
        .run(
            "File",
            "create",
            &json!({"data": {
                "tenantId": tenant,
                "ownerType": "lead",
                "ownerId": lead_id,
                "name": name,
                "contentType": crate::files::essence(mime),
                "size": size,
                "storageKey": key,
                "createdById": null,
            }, "select": {"id": true}}),
        )
        .await
        .map_err(job_error)?;
    Ok(file.get("id").and_then(Value::as_str).unwrap_or_default().to_owned())
}

/// Writes `data` on message `message_id` and records `message.updated` (receivers re-read it;
/// `message.received` again would read as a second message).
pub(super) async fn update_message(
    env: &JobEnv,
    message_id: &str,
    conversation_id: &str,
    data: Value,
) -> Result<(), JobError> {
    env.client
        .run("Message", "update", &json!({"where": {"id": message_id}, "data": data, "select": {"id": true}}))
        .await
        .map_err(job_error)?;
    crate::inbox::events::record(
        &env.app.db,
        &env.app.events,
        &env.actor.tenant_id,
        crate::inbox::events::EventKind::MessageUpdated,
        conversation_id,
        Some(message_id),
    )
    .await
    .map_err(job_error)?;
    Ok(())
}

impl Job for DownloadMedia {
    const KIND: &'static str = "inbox.media.download";
    const MAX_ATTEMPTS: u32 = 8;
    type Env = JobEnv;

    async fn run(self, ctx: JobCtx<JobEnv>) -> Result<Value, JobError> {
        let env = &ctx.env;
        let tenant = &env.actor.tenant_id;
        let message = env
            .client
            .run(
                "Message",
                "findFirst",
                &json!({"where": {"id": self.message_id, "channelAccountId": self.account_id},
                        "select": {"id": true, "mediaFileId": true, "conversationId": true,
                                   "conversation": {"select": {"leadId": true}}}}),
            )
            .await
            .map_err(job_error)?;
        if message.is_null() {
            return Err(JobError::fatal("the message is not in the job's agency"));
        }
        if message.get("mediaFileId").is_some_and(|v| !v.is_null()) {
            return Ok(json!({"alreadyStored": true}));
        }
        let lead_id = message.pointer("/conversation/leadId").and_then(Value::as_str).unwrap_or_default().to_owned();
        let account = lookup::by_id(&env.app.db, tenant, &self.account_id)
            .await
            .map_err(job_error)?
            .ok_or_else(|| JobError::fatal("the channel account is not in the job's agency"))?;
        let token = account
            .secret(&env.app.channels.secrets, Secret::AccessToken)
            .ok_or_else(|| JobError::fatal("the channel account has no access token"))?;

        let timeout = env.app.outbound.timeout;
        let http = reqwest::Client::builder()
            .build()
            .map_err(|e| JobError::fatal(format!("cannot build the HTTP client: {e}")))?;
        let base = env.app.channels.graph_base_url.trim_end_matches('/');
        let mut info_url = format!("{base}/{}", self.media.media_id);
        if let Some(pnid) = &account.phone_number_id {
            info_url.push_str(&format!("?phone_number_id={pnid}"));
        }
        let res = http
            .get(&info_url)
            .bearer_auth(&token)
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| transport_error("media lookup", e))?;
        if !res.status().is_success() {
            return Err(http_error("media lookup", res.status()));
        }
        let info: MediaInfo =
            res.json().await.map_err(|e| JobError::retry(format!("media lookup: unreadable answer: {e}")))?;
        let res = http
            .get(&info.url)
            .bearer_auth(&token)
            .timeout(timeout.max(MIN_DOWNLOAD_TIMEOUT))
            .send()
            .await
            .map_err(|e| transport_error("media download", e))?;
        if !res.status().is_success() {
            return Err(http_error("media download", res.status()));
        }
        if res.content_length().is_some_and(|n| n > MAX_MEDIA_BYTES as u64) {
            return Err(JobError::fatal("the media is larger than WhatsApp's 100 MB limit"));
        }
        let bytes: Bytes = res.bytes().await.map_err(|e| transport_error("media download", e))?;
        if bytes.len() > MAX_MEDIA_BYTES {
            return Err(JobError::fatal("the media is larger than WhatsApp's 100 MB limit"));
        }
        let expected = info.sha256.or(self.media.sha256.clone());
        if let Some(expected) = expected {
            let digest = Sha256::digest(&bytes);
            let b64 = base64::engine::general_purpose::STANDARD.encode(digest);
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            if expected != b64 && !expected.eq_ignore_ascii_case(&hex) {
                return Err(JobError::retry("the downloaded media does not match its SHA-256"));
            }
        }
        let mime = info.mime_type.or(self.media.mime_type.clone()).unwrap_or_else(|| "application/octet-stream".into());
        let name = file_name(&self.media, &mime);
        let size = bytes.len();
        let file_id = store_file(env, &lead_id, &name, &mime, bytes).await?;
        // The message changed (it has its file now): receivers re-read it (`message_updated`).
        let conversation_id = message.get("conversationId").and_then(Value::as_str).unwrap_or_default();
        update_message(env, &self.message_id, conversation_id, json!({"mediaFileId": file_id})).await?;
        Ok(json!({"fileId": file_id, "size": size}))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_for_stored_media() {
        let m = MediaRef { media_id: "123".into(), mime_type: None, filename: None, sha256: None };
        assert_eq!(file_name(&m, "image/jpeg"), "123.jpg");
        assert_eq!(file_name(&m, "audio/ogg; codecs=opus"), "123.ogg");
        let doc = MediaRef { filename: Some("عقد.pdf".into()), ..m };
        assert_eq!(file_name(&doc, "application/pdf"), "عقد.pdf");
    }
}
