//! Inbound MMS media (Twilio): a job, enqueued with the message that names it, downloads each
//! `MediaUrl{N}` of the webhook — whatever URL Twilio gave — with the account's HTTP basic auth
//! (account SID : auth token; redirects are followed, and the credentials are not sent to another
//! host), stores it under `{tenantId}/media/…` as a file of the lead, links the first as the
//! message's `mediaFileId` and records every file's id as `content.media[N].fileId`.
//!
//! Files stored by an attempt are kept in the job's progress, so a retry fetches only the rest.
//! Timeouts, 429 and 5xx are retried with backoff; when the job gives up (a 4xx, or the last
//! attempt) the message records why as `content.mediaError` — it keeps its media URLs, and the
//! failed job stays in the queue to be retried from the jobs API.

use bytes::Bytes;
use jobs::{Job, JobCtx, JobError, NewJob, new_job};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::job_actor;
use super::media::{
    MAX_MEDIA_BYTES, MIN_DOWNLOAD_TIMEOUT, extension, http_error, store_file, transport_error, update_message,
};
use super::receive::job_error;
use crate::inbox::channels::{Secret, lookup};
use crate::jobs::JobEnv;

/// One media item of an MMS, as the webhook names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MmsMedia {
    /// `MediaUrl{N}`.
    pub url: String,
    /// `MediaContentType{N}`.
    pub content_type: Option<String>,
}

/// Downloads one MMS's media (`inbox.mms.download`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DownloadMms {
    pub account_id: String,
    pub message_id: String,
    pub media: Vec<MmsMedia>,
}

/// The job row that downloads `media` for the stored message `message_id` (none without media).
pub fn download_job(tenant_id: &str, account_id: &str, message_id: &str, media: &[MmsMedia]) -> Option<NewJob> {
    if media.is_empty() {
        return None;
    }
    let job =
        DownloadMms { account_id: account_id.to_owned(), message_id: message_id.to_owned(), media: media.to_vec() };
    new_job(&job, Some(tenant_id.to_owned()), job_actor()).ok()
}

/// The message type of an MMS by its first item's content type.
pub fn message_type(media: &[MmsMedia]) -> &'static str {
    let essence = media.first().and_then(|m| m.content_type.as_deref()).map(crate::files::essence);
    match essence.as_deref().and_then(|e| e.split_once('/')).map(|(t, _)| t) {
        Some("image") => "IMAGE",
        Some("video") => "VIDEO",
        Some("audio") => "AUDIO",
        _ => "DOCUMENT",
    }
}

/// A file name for item `index`: the URL's last segment (Twilio's media sid), else `mms-{index}`,
/// with the type's extension.
fn file_name(item: &MmsMedia, index: usize, mime: &str) -> String {
    let last = item.url.split(['?', '#']).next().unwrap_or_default().rsplit('/').next().unwrap_or_default();
    let stem: String = last.chars().filter(char::is_ascii_alphanumeric).take(64).collect();
    let stem = if stem.is_empty() { format!("mms-{index}") } else { stem };
    format!("{stem}.{}", extension(mime))
}

/// The file ids an earlier attempt stored (`progress.files`), one slot per item.
fn stored(ctx: &JobCtx<JobEnv>, n: usize) -> Vec<Option<String>> {
    let files = ctx.record().progress.as_ref().and_then(|p| p.get("files")).and_then(Value::as_array);
    (0..n).map(|i| files.and_then(|f| f.get(i)).and_then(Value::as_str).map(str::to_owned)).collect()
}

impl Job for DownloadMms {
    const KIND: &'static str = "inbox.mms.download";
    const MAX_ATTEMPTS: u32 = 8;
    type Env = JobEnv;

    async fn run(self, ctx: JobCtx<JobEnv>) -> Result<Value, JobError> {
        let message = ctx
            .env
            .client
            .run(
                "Message",
                "findFirst",
                &json!({"where": {"id": self.message_id, "channelAccountId": self.account_id},
                        "select": {"id": true, "mediaFileId": true, "content": true, "conversationId": true,
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
        let outcome = self.fetch(&ctx, &message).await;
        let gives_up = match &outcome {
            Err(JobError::Fatal { .. }) => true,
            Err(JobError::Retry(_)) => ctx.record().attempts >= ctx.record().max_attempts,
            _ => false,
        };
        if let (true, Err(e)) = (gives_up, &outcome) {
            // Not lost: the message keeps its URLs and says why its media is missing.
            let mut content = message["content"].as_object().cloned().unwrap_or_default();
            content.insert("mediaError".into(), json!(e.to_string()));
            let conversation_id = message["conversationId"].as_str().unwrap_or_default();
            update_message(&ctx.env, &self.message_id, conversation_id, json!({"content": content})).await?;
        }
        outcome
    }
}

impl DownloadMms {
    async fn fetch(&self, ctx: &JobCtx<JobEnv>, message: &Value) -> Result<Value, JobError> {
        let env = &ctx.env;
        let account = lookup::by_id(&env.app.db, &env.actor.tenant_id, &self.account_id)
            .await
            .map_err(job_error)?
            .ok_or_else(|| JobError::fatal("the channel account is not in the job's agency"))?;
        let (Some(sid), Some(token)) =
            (account.sms_account_sid.clone(), account.secret(&env.app.channels.secrets, Secret::AuthToken))
        else {
            return Err(JobError::fatal("the channel account has no account sid or auth token"));
        };
        let http = reqwest::Client::builder()
            .timeout(env.app.outbound.timeout.max(MIN_DOWNLOAD_TIMEOUT))
            .build()
            .map_err(|e| JobError::fatal(format!("cannot build the HTTP client: {e}")))?;
        let lead_id = message.pointer("/conversation/leadId").and_then(Value::as_str).unwrap_or_default();
        let mut files = stored(ctx, self.media.len());
        for (i, item) in self.media.iter().enumerate() {
            if files[i].is_some() {
                continue;
            }
            let step = format!("media {i}");
            if !(item.url.starts_with("https://") || item.url.starts_with("http://")) {
                return Err(JobError::fatal(format!("{step}: not an http(s) URL")));
            }
            let res = http
                .get(&item.url)
                .basic_auth(&sid, Some(&token))
                .send()
                .await
                .map_err(|e| transport_error(&step, e))?;
            if !res.status().is_success() {
                return Err(http_error(&step, res.status()));
            }
            let too_large = || JobError::fatal(format!("{step}: larger than {MAX_MEDIA_BYTES} bytes"));
            if res.content_length().is_some_and(|n| n > MAX_MEDIA_BYTES as u64) {
                return Err(too_large());
            }
            let header = res.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
            let mime = header
                .map(str::to_owned)
                .or_else(|| item.content_type.clone())
                .unwrap_or_else(|| "application/octet-stream".into());
            let bytes: Bytes = res.bytes().await.map_err(|e| transport_error(&step, e))?;
            if bytes.len() > MAX_MEDIA_BYTES {
                return Err(too_large());
            }
            files[i] = Some(store_file(env, lead_id, &file_name(item, i, &mime), &mime, bytes).await?);
            ctx.progress(json!({ "files": files })).await?;
        }
        let mut content = message["content"].as_object().cloned().unwrap_or_default();
        if let Some(Value::Array(items)) = content.get_mut("media") {
            for (item, file) in items.iter_mut().zip(&files) {
                if let (Value::Object(item), Some(file)) = (item, file) {
                    item.insert("fileId".into(), json!(file));
                }
            }
        }
        content.remove("mediaError");
        let conversation_id = message["conversationId"].as_str().unwrap_or_default();
        let data = json!({"mediaFileId": files.first().cloned().flatten(), "content": content});
        update_message(env, &self.message_id, conversation_id, data).await?;
        Ok(json!({ "files": files }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(url: &str, content_type: Option<&str>) -> MmsMedia {
        MmsMedia { url: url.into(), content_type: content_type.map(str::to_owned) }
    }

    #[test]
    fn names_and_types_of_mms_media() {
        let url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME0123abc";
        assert_eq!(file_name(&item(url, None), 0, "image/jpeg"), "ME0123abc.jpg");
        assert_eq!(file_name(&item("https://x/../", None), 2, "video/mp4"), "mms-2.mp4");
        assert_eq!(message_type(&[item(url, Some("image/png"))]), "IMAGE");
        assert_eq!(message_type(&[item(url, Some("video/3gpp; codecs=x"))]), "VIDEO");
        assert_eq!(message_type(&[item(url, Some("text/vcard"))]), "DOCUMENT");
        assert!(download_job("t", "a", "m", &[]).is_none());
    }
}
