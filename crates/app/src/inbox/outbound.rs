//! Replying to a customer: `POST /conversations/{id}/messages` records the OUT message as
//! `QUEUED` and enqueues its delivery in the same transaction (`store::Client::create_and_enqueue`),
//! so a message accepted is a message that will be sent, however the process dies. What cannot
//! go out is refused up front: WhatsApp free text after the customer's 24-hour window
//! (`whatsapp.window_closed`, send a template), an opted-out customer, an inactive channel.

use chrono::{DateTime, Utc};
use jobs::JobActor;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::conversations::{CONVERSATIONS, InboxError, MessageView, text};
use super::delivery::Deliver;
use super::events::{self, EventKind};
use crate::App;
use crate::actor::Actor;
use crate::records::{RecordError, trimmed};

/// A reply: text, or a WhatsApp template; optionally in reply to one of the conversation's
/// messages.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewMessage {
    /// Free text (WhatsApp: only while the customer's 24-hour window is open).
    #[schema(example = "أهلًا، الشقة ما زالت متاحة")]
    pub text: Option<String>,
    /// A WhatsApp template configured on the channel.
    pub template: Option<TemplateRef>,
    /// E-mail: the subject (default: `Re:` and the customer's last subject).
    pub subject: Option<String>,
    /// One of this conversation's messages.
    pub reply_to_message_id: Option<String>,
    /// A file the caller may read (`GET /files/{id}`), sent with `text` as its caption:
    /// WhatsApp uploads it and sends it as an image, audio, video or document by its type;
    /// e-mail attaches it; SMS refuses it (`sms.media_unsupported`).
    pub media_file_id: Option<String>,
}

/// A template by name; the language defaults to the lead's preferred one among those the
/// template is configured in.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TemplateRef {
    #[schema(example = "property_follow_up")]
    pub name: String,
    /// `ar` or `en` (or a provider code such as `en_US`).
    pub language: Option<String>,
}

/// What a reply is, once checked.
enum Body {
    Text(String),
    Template {
        name: String,
        language: String,
    },
    /// A file, with an optional caption (the message body).
    Media {
        caption: Option<String>,
        file: crate::files::FileView,
    },
}

/// The preview length of the conversations list.
const PREVIEW_CHARS: usize = 120;

/// Records a reply as `QUEUED` with its delivery job (one transaction) and answers it.
pub async fn send(
    app: &App,
    actor: &Actor,
    conversation_id: &str,
    input: NewMessage,
) -> Result<MessageView, InboxError> {
    let args = json!({
        "where": {"id": conversation_id},
        "include": {
            "channelAccount": {"select": {"kind": true, "active": true, "templates": true}},
            "identity": {"select": {"optedOut": true}},
            "lead": {"select": {"preferredLanguage": true}},
        },
    });
    let conversation = match actor.db(&app.db).run("Conversation", "findUnique", &args).await? {
        row @ Value::Object(_) => row,
        _ => return Err(RecordError::NotFound("Conversation").into()),
    };
    let account = &conversation["channelAccount"];
    let kind = text(account, "kind").unwrap_or_default().to_owned();
    let media_file_id = trimmed(input.media_file_id);
    let body = match (trimmed(input.text), input.template) {
        // A template carries no file of its own choosing.
        (_, Some(_)) if media_file_id.is_some() => {
            return Err(RecordError::invalid("message.invalid_media", "mediaFileId").into());
        }
        (caption, None) if media_file_id.is_some() => {
            if kind == "SMS" {
                return Err(RecordError::invalid("sms.media_unsupported", "mediaFileId").into());
            }
            let id = media_file_id.as_deref().unwrap_or_default();
            let file = readable_file(app, actor, id).await?;
            check_media(&kind, &file.content_type, usize::try_from(file.size).unwrap_or(usize::MAX))?;
            Body::Media { caption, file }
        }
        (Some(text), None) => Body::Text(text),
        (None, Some(t)) if kind == "WHATSAPP" => {
            let preferred = text(&conversation["lead"], "preferredLanguage");
            let language = pick_language(&account["templates"], &t.name, t.language.as_deref(), preferred)
                .ok_or_else(|| RecordError::invalid("message.unknown_template", "template"))?;
            Body::Template { name: t.name, language }
        }
        (None, Some(_)) => return Err(RecordError::invalid("message.template_not_supported", "template").into()),
        _ => return Err(RecordError::invalid("message.body_required", "text").into()),
    };
    if account["active"] != json!(true) {
        return Err(InboxError::ChannelInactive);
    }
    if conversation["identity"]["optedOut"] == json!(true) {
        return Err(InboxError::OptedOut);
    }
    if kind == "WHATSAPP"
        && !matches!(body, Body::Template { .. })
        && !window_open(text(&conversation, "windowClosesAt"))
    {
        return Err(InboxError::WindowClosed);
    }
    let reply_to = match trimmed(input.reply_to_message_id) {
        Some(id) => Some(reply_target(app, actor, conversation_id, &id).await?),
        None => None,
    };
    let (type_, body_text, content) = match &body {
        Body::Text(t) => ("TEXT", t.clone(), json!(null)),
        Body::Media { caption, file } => (
            media_type(&file.content_type),
            caption.clone().unwrap_or_default(),
            json!({"media": {"name": file.name, "contentType": file.content_type, "size": file.size}}),
        ),
        Body::Template { name, language } => {
            ("TEMPLATE", format!("[{name}]"), json!({"template": {"name": name, "language": language}}))
        }
    };
    let content = match (content, trimmed(input.subject)) {
        (Value::Null, Some(subject)) => json!({ "subject": subject }),
        (Value::Object(mut c), Some(subject)) => {
            c.insert("subject".into(), json!(subject));
            Value::Object(c)
        }
        (c, _) => c,
    };
    let media_file_id = match &body {
        Body::Media { file, .. } => Some(file.id.clone()),
        _ => None,
    };
    let data = json!({
        "tenantId": actor.tenant_id,
        "conversationId": conversation_id,
        "channelAccountId": text(&conversation, "channelAccountId"),
        "channel": kind,
        "direction": "OUT",
        "type": type_,
        "body": body_text,
        "content": content,
        "replyToProviderId": reply_to,
        "mediaFileId": media_file_id,
        "status": "QUEUED",
        "authorId": actor.user_id,
    });
    let tenant = actor.tenant_id.clone();
    let author = actor.user_id.clone();
    let mut encode_error = None;
    let (row, _jobs) = actor
        .db(&app.db)
        .create_and_enqueue("Message", &json!({ "data": data }), |row| {
            let id = row.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
            match jobs::new_job(&Deliver { message_id: id }, Some(tenant), JobActor::User(author)) {
                Ok(job) => vec![job],
                Err(e) => {
                    encode_error = Some(e);
                    Vec::new()
                }
            }
        })
        .await?;
    if let Some(e) = encode_error {
        return Err(RecordError::Unreadable(e.to_string()).into());
    }
    app.job_wake.notify_one();
    let message = MessageView::from_row(row)?;
    // The message and its delivery are committed: a failure to move the list's preview must not
    // turn the answer into an error (the client would send the reply twice).
    if let Err(e) = touch(app, actor, conversation_id, &message).await {
        tracing::warn!(error = %e, conversation = %conversation_id, "cannot update the conversation's preview");
    }
    events::record(
        &app.db,
        &app.events,
        &actor.tenant_id,
        EventKind::MessageReceived,
        conversation_id,
        Some(&message.id),
    )
    .await?;
    Ok(message)
}

/// The largest file WhatsApp takes of this type, in bytes (Meta's outbound limits: photos 5 MB,
/// audio and video 16 MB, documents 100 MB); `None` where the channel sets no limit of its own.
pub fn media_limit(channel: &str, content_type: &str) -> Option<usize> {
    const MB: usize = 1024 * 1024;
    if channel != "WHATSAPP" {
        return None;
    }
    let media = super::senders::Media { name: String::new(), content_type: content_type.to_owned(), bytes: Vec::new() };
    Some(match media.whatsapp_type() {
        "image" => 5 * MB,
        "audio" | "video" => 16 * MB,
        _ => 100 * MB,
    })
}

/// Whether a file of this type and size may go out on the channel: SMS carries none
/// (`sms.media_unsupported`), WhatsApp refuses files above its limits (`message.media_too_large`,
/// with the limit as `maxBytes`). Checked before a reply is queued, and by the web composer before
/// it stores an upload.
pub fn check_media(channel: &str, content_type: &str, size: usize) -> Result<(), InboxError> {
    if channel == "SMS" {
        return Err(RecordError::invalid("sms.media_unsupported", "mediaFileId").into());
    }
    match media_limit(channel, content_type) {
        Some(max) if size > max => Err(RecordError::invalid("message.media_too_large", "mediaFileId").into()),
        _ => Ok(()),
    }
}

/// An e-mail reply's subject: `Re:` and the customer's subject (kept as it is when it already
/// starts with `Re:`); empty when the customer's had none.
pub fn reply_subject(customer_subject: &str) -> String {
    let subject = customer_subject.trim();
    if subject.is_empty() {
        String::new()
    } else if subject.to_lowercase().starts_with("re:") {
        subject.to_owned()
    } else {
        format!("Re: {subject}")
    }
}

/// The subject a reply in this e-mail conversation gets by default: [`reply_subject`] of the
/// customer's last message that has one (read under the caller's rules; `None` when there is
/// none). The composer shows it for the agent to keep or change.
pub async fn default_subject(app: &App, actor: &Actor, conversation_id: &str) -> Result<Option<String>, InboxError> {
    let rows = actor
        .db(&app.db)
        .run(
            "Message",
            "findMany",
            &json!({
                "where": {"conversationId": conversation_id, "direction": "IN"},
                "orderBy": [{"createdAt": "desc"}, {"id": "desc"}],
                "select": {"content": true},
                "take": 1,
            }),
        )
        .await?;
    let subject = rows
        .as_array()
        .and_then(|r| r.first())
        .and_then(|r| r["content"].get("subject"))
        .and_then(Value::as_str)
        .map(reply_subject)
        .filter(|s| !s.is_empty());
    Ok(subject)
}

/// The file `id`, if the caller may read it (and the record it is attached to); else
/// `400 message.invalid_media` — a hidden file reads exactly like a missing one.
async fn readable_file(app: &App, actor: &Actor, id: &str) -> Result<crate::files::FileView, InboxError> {
    match crate::files::download(app, actor, id).await {
        Ok(download) => Ok(download.view),
        Err(crate::files::FileError::NotFound) => {
            Err(RecordError::invalid("message.invalid_media", "mediaFileId").into())
        }
        Err(e) => Err(RecordError::Unreadable(e.to_string()).into()),
    }
}

/// The message type of a file by its content type (the same split WhatsApp sends by).
fn media_type(content_type: &str) -> &'static str {
    let media = super::senders::Media { name: String::new(), content_type: content_type.to_owned(), bytes: Vec::new() };
    match media.whatsapp_type() {
        "image" => "IMAGE",
        "audio" => "AUDIO",
        "video" => "VIDEO",
        _ => "DOCUMENT",
    }
}

/// Whether the customer's 24-hour window is still open at this instant.
fn window_open(closes_at: Option<&str>) -> bool {
    closes_at.and_then(|t| DateTime::parse_from_rfc3339(t).ok()).is_some_and(|t| t.with_timezone(&Utc) > Utc::now())
}

/// The language to send template `name` in: the one asked for, else the lead's preferred one
/// (`ar`/`en`), else the first configured — each only if the channel's templates list it
/// (`[{"name", "languages": ["ar", "en_US"]}]`; `en` matches `en_US`).
pub fn pick_language(templates: &Value, name: &str, asked: Option<&str>, preferred: Option<&str>) -> Option<String> {
    let template = templates.as_array()?.iter().find(|t| t.get("name").and_then(Value::as_str) == Some(name))?;
    let languages: Vec<&str> = template.get("languages")?.as_array()?.iter().filter_map(Value::as_str).collect();
    let find = |want: &str| {
        languages
            .iter()
            .find(|l| l.eq_ignore_ascii_case(want))
            .or_else(|| {
                languages.iter().find(|l| l.split(['_', '-']).next().is_some_and(|p| p.eq_ignore_ascii_case(want)))
            })
            .map(|l| (*l).to_owned())
    };
    match asked.map(str::trim).filter(|a| !a.is_empty()) {
        Some(asked) => find(asked),
        None => preferred.and_then(find).or_else(|| languages.first().map(|l| (*l).to_owned())),
    }
}

/// The provider id of `message_id`, which must be a message of this conversation with one.
async fn reply_target(app: &App, actor: &Actor, conversation_id: &str, message_id: &str) -> Result<String, InboxError> {
    let row = actor
        .db(&app.db)
        .run(
            "Message",
            "findFirst",
            &json!({"where": {"id": message_id, "conversationId": conversation_id}, "select": {"providerMessageId": true}}),
        )
        .await?;
    text(&row, "providerMessageId")
        .map(str::to_owned)
        .ok_or_else(|| RecordError::invalid("message.invalid_reply_to", "replyToMessageId").into())
}

/// Moves the conversation's last-message time and preview to the new message.
async fn touch(app: &App, actor: &Actor, conversation_id: &str, message: &MessageView) -> Result<(), InboxError> {
    let preview: String = message.body.as_deref().unwrap_or_default().chars().take(PREVIEW_CHARS).collect();
    let data = json!({"lastMessageAt": message.created_at, "lastMessagePreview": preview});
    let current = CONVERSATIONS.row(&app.db, actor, conversation_id).await?;
    let data = data.as_object().cloned().unwrap_or_default();
    CONVERSATIONS.update::<Value>(&app.db, actor, conversation_id, current, data, None).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_pick_the_leads_language_among_the_configured_ones() {
        let t = json!([{"name": "follow_up", "languages": ["ar", "en_US"]}, {"name": "only_en", "languages": ["en"]}]);
        assert_eq!(pick_language(&t, "follow_up", None, Some("ar")).as_deref(), Some("ar"));
        assert_eq!(pick_language(&t, "follow_up", None, Some("en")).as_deref(), Some("en_US"));
        assert_eq!(pick_language(&t, "only_en", None, Some("ar")).as_deref(), Some("en"));
        assert_eq!(pick_language(&t, "follow_up", Some("en"), Some("ar")).as_deref(), Some("en_US"));
        assert_eq!(pick_language(&t, "only_en", Some("ar"), None), None);
        assert_eq!(pick_language(&t, "missing", None, None), None);
        assert_eq!(pick_language(&json!(null), "follow_up", None, None), None);
    }

    #[test]
    fn whatsapp_limits_files_by_type_and_sms_takes_none() {
        const MB: usize = 1024 * 1024;
        assert!(check_media("WHATSAPP", "image/png", 5 * MB).is_ok());
        assert!(check_media("WHATSAPP", "image/png", 5 * MB + 1).is_err());
        assert!(check_media("WHATSAPP", "audio/ogg", 6 * MB).is_ok());
        assert!(check_media("WHATSAPP", "application/pdf", 20 * MB).is_ok());
        assert!(check_media("EMAIL", "image/png", 20 * MB).is_ok());
        assert!(check_media("SMS", "image/png", 1).is_err());
        assert_eq!(reply_subject("استفسار عن شقة"), "Re: استفسار عن شقة");
        assert_eq!(reply_subject("RE: flat"), "RE: flat");
        assert_eq!(reply_subject("  "), "");
    }

    #[test]
    fn the_window_is_open_only_before_it_closes() {
        assert!(!window_open(None));
        assert!(!window_open(Some("2020-01-01T00:00:00.000Z")));
        assert!(window_open(Some("2999-01-01T00:00:00.000Z")));
    }
}
