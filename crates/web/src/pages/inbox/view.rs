//! From the inbox use cases' views to the page's view models: list items, bubbles (ticks, the
//! failure in the reader's language, files, the quoted message) and the composer (free text, or
//! WhatsApp templates once the customer's 24-hour window has closed).

use std::collections::HashMap;

use serde_json::Value;

use app::inbox::conversations::{ConversationView, MessageView};
use app::inbox::senders::agent_message;
use ui::Tr;
use ui::format;
use ui::pages::Opt;
use ui::pages::inbox::{
    Attach, Attachment, Bubble, Channel, Composer, ComposerMode, ConversationItem, ReplyTarget, Ticks, Window,
};

/// How much of a quoted message a reply shows.
const QUOTE_CHARS: usize = 140;

pub(super) fn channel(c: &ConversationView) -> Channel {
    Channel::parse(c.channel.as_str()).unwrap_or(Channel::Whatsapp)
}

/// The customer's address as people write it: WhatsApp identifies a customer by their number's
/// digits (`971502223344`), shown with its `+` like every other phone number.
pub(super) fn customer_address(c: &ConversationView) -> Option<String> {
    let raw = c.customer_address.as_deref()?;
    let digits = !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit());
    Some(if digits && channel(c) == Channel::Whatsapp { format!("+{raw}") } else { raw.to_owned() })
}

/// One conversation of the list.
pub(super) fn item(c: &ConversationView, tr: Tr, href: String, open: Option<&str>) -> ConversationItem {
    ConversationItem {
        id: c.id.clone(),
        href,
        lead_name: c.lead_name.clone().or_else(|| customer_address(c)).unwrap_or_default(),
        channel: channel(c),
        preview: c.last_message_preview.clone().filter(|p| !p.trim().is_empty()),
        time: c.last_message_at.as_deref().map(|t| format::date_time(t, tr.locale, tr.zone)),
        time_iso: c.last_message_at.clone(),
        unread: c.unread_count,
        current: open == Some(c.id.as_str()),
    }
}

/// The words for a failed message, in the reader's language: the code's own words when it has
/// them; else what was stored when it failed (in its author's language); else a general text.
pub(super) fn failure(m: &MessageView, tr: Tr) -> String {
    let code = m.error_code.as_deref().unwrap_or_default();
    // Status webhooks store the provider's bare code (`131047`), the delivery job a prefixed one.
    let code = if code.contains(':') || code.is_empty() {
        code.to_owned()
    } else {
        format!("{}:{code}", m.channel.as_str().to_ascii_lowercase())
    };
    let words = agent_message(&code, tr.locale);
    let general = agent_message("", tr.locale);
    match m.error_message.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(stored) if words == general => stored.to_owned(),
        _ => words.to_owned(),
    }
}

fn content_str<'a>(content: Option<&'a Value>, path: &[&str]) -> Option<&'a str> {
    let mut v = content?;
    for key in path {
        v = v.get(key)?;
    }
    v.as_str()
}

const MEDIA_TYPES: [&str; 5] = ["IMAGE", "AUDIO", "VIDEO", "DOCUMENT", "STICKER"];

/// The message's files: the linked one, then an e-mail's other attachments.
fn attachments(m: &MessageView, tr: Tr) -> Vec<Attachment> {
    let content = m.content.as_ref();
    let mut out = Vec::new();
    if let Some(id) = &m.media_file_id {
        let content_type = content_str(content, &["media", "contentType"])
            .or_else(|| content_str(content, &["media", "mimeType"]))
            .unwrap_or_default();
        let attached = content
            .and_then(|c| c.get("attachments"))
            .and_then(Value::as_array)
            .and_then(|all| all.iter().find(|a| a.get("fileId").and_then(Value::as_str) == Some(id.as_str())));
        let name = content_str(content, &["media", "name"])
            .or_else(|| content_str(content, &["media", "filename"]))
            .or_else(|| attached.and_then(|a| a.get("name")).and_then(Value::as_str))
            .map(str::to_owned)
            .unwrap_or_else(|| media_label(&m.r#type, tr));
        let image = matches!(m.r#type.as_str(), "IMAGE" | "STICKER")
            || content_type.starts_with("image/")
            || attached
                .and_then(|a| a.get("contentType"))
                .and_then(Value::as_str)
                .is_some_and(|t| t.starts_with("image/"));
        out.push(Attachment { href: format!("/api/v1/files/{id}"), name, image });
    }
    let others = content.and_then(|c| c.get("attachments")).and_then(Value::as_array);
    for a in others.into_iter().flatten() {
        let Some(id) = a.get("fileId").and_then(Value::as_str) else { continue };
        if a.get("inline") == Some(&Value::Bool(true)) || m.media_file_id.as_deref() == Some(id) {
            continue;
        }
        let name = a.get("name").and_then(Value::as_str).map_or_else(|| tr.t("inbox-file"), str::to_owned);
        let image = a.get("contentType").and_then(Value::as_str).is_some_and(|t| t.starts_with("image/"));
        out.push(Attachment { href: format!("/api/v1/files/{id}"), name, image });
    }
    out
}

fn media_label(kind: &str, tr: Tr) -> String {
    if MEDIA_TYPES.contains(&kind) { tr.label("inbox-kind", kind) } else { tr.t("inbox-file") }
}

/// What the message is, when its body does not say it: a template, a location, a file still
/// downloading, an unsupported type.
fn kind_label(m: &MessageView, tr: Tr, has_files: bool) -> Option<String> {
    match m.r#type.as_str() {
        "TEXT" => None,
        "TEMPLATE" => {
            let name = content_str(m.content.as_ref(), &["template", "name"]).unwrap_or_default();
            let language = content_str(m.content.as_ref(), &["template", "language"]).unwrap_or_default();
            Some(tr.with("inbox-template-label", "name", &format!("{name} ({language})")))
        }
        t if MEDIA_TYPES.contains(&t) => (!has_files).then(|| tr.label("inbox-kind", t)),
        t @ ("LOCATION" | "CONTACTS" | "INTERACTIVE" | "REACTION" | "UNSUPPORTED") => Some(tr.label("inbox-kind", t)),
        _ => None,
    }
}

/// A message as a bubble. `quote` is the start of the message it replies to, when known.
pub(super) fn bubble(m: &MessageView, tr: Tr, authors: &HashMap<String, String>, quote: Option<String>) -> Bubble {
    let attachments = attachments(m, tr);
    let outgoing = m.direction == "OUT" && !m.private;
    let ticks = if outgoing { Ticks::of(&m.status) } else { None };
    let body = match m.r#type.as_str() {
        // A template's body is its `[name]`: the label says it better.
        "TEMPLATE" => None,
        _ => m.body.clone().filter(|b| !b.trim().is_empty()),
    };
    let time_iso = if m.direction == "IN" { m.sent_at.clone() } else { None }.unwrap_or_else(|| m.created_at.clone());
    let kind_label = kind_label(m, tr, !attachments.is_empty());
    let snippet = body
        .as_deref()
        .map(shorten)
        .or_else(|| attachments.first().map(|a| a.name.clone()))
        .or_else(|| kind_label.clone())
        .unwrap_or_default();
    // Only a message the provider has taken can be answered (the reply names its provider id).
    let reply_href = (!m.private && m.provider_message_id.is_some()).then(|| {
        let qs = form_urlencoded::Serializer::new(String::new()).append_pair("reply_to", &m.id).finish();
        format!("/inbox/{}?{qs}#composer", m.conversation_id)
    });
    Bubble {
        id: m.id.clone(),
        direction: m.direction.clone(),
        status: m.status.clone(),
        note: m.private,
        body,
        kind_label,
        subject: content_str(m.content.as_ref(), &["subject"]).filter(|s| !s.is_empty()).map(str::to_owned),
        media_pending: m.direction == "IN"
            && m.media_file_id.is_none()
            && m.channel.as_str() == "WHATSAPP"
            && MEDIA_TYPES.contains(&m.r#type.as_str()),
        attachments,
        quote: quote.map(|q| shorten(&q)),
        author: if m.direction == "OUT" { m.author_id.as_ref().and_then(|a| authors.get(a)).cloned() } else { None },
        time: format::date_time(&time_iso, tr.locale, tr.zone),
        time_iso,
        ticks,
        error: (ticks == Some(Ticks::Failed)).then(|| failure(m, tr)),
        possible_duplicate: m.content.as_ref().and_then(|c| c.get("possibleDuplicate")) == Some(&Value::Bool(true)),
        reply_href,
        snippet,
    }
}

/// What a reply quotes of message `m`: the start of its text, else its file's name or what it
/// is (a photo, a location…); `None` for a note or an empty message.
pub(super) fn snippet(m: &MessageView, tr: Tr) -> Option<String> {
    if m.private {
        return None;
    }
    Some(bubble(m, tr, &HashMap::new(), None).snippet).filter(|s| !s.is_empty())
}

fn shorten(text: &str) -> String {
    let mut out: String = text.chars().take(QUOTE_CHARS).collect();
    if text.chars().count() > QUOTE_CHARS {
        out.push('…');
    }
    out
}

/// What the loaded messages' replies quote of them, by provider id.
pub(super) fn quotes(messages: &[MessageView], tr: Tr) -> HashMap<String, String> {
    messages.iter().filter_map(|m| Some((m.provider_message_id.clone()?, snippet(m, tr)?))).collect()
}

/// WhatsApp's window as of now: `None` for the other channels.
pub(super) fn window(c: &ConversationView, tr: Tr) -> Option<Window> {
    (channel(c) == Channel::Whatsapp).then(|| Window::now(&tr, c.window_closes_at.as_deref()))
}

/// The templates of a channel as picker options (`name|language`), one per language, with the
/// language's name when the interface knows it.
pub(super) fn template_options(templates: Option<&Value>, tr: Tr) -> Vec<Opt> {
    let mut out = Vec::new();
    for t in templates.and_then(Value::as_array).into_iter().flatten() {
        let Some(name) = t.get("name").and_then(Value::as_str).filter(|n| !n.is_empty()) else { continue };
        let languages = t.get("languages").and_then(Value::as_array);
        for language in languages.into_iter().flatten().filter_map(Value::as_str) {
            let base = language.split(['_', '-']).next().unwrap_or(language).to_ascii_lowercase();
            let spoken = match base.as_str() {
                "ar" | "en" => tr.label("language", &base),
                _ => language.to_owned(),
            };
            out.push(Opt::new(format!("{name}|{language}"), format!("{name} · {spoken}"), false));
        }
    }
    out
}

/// What the composer shows besides the channel's own: a refusal's words and what was typed
/// (kept when a send was refused), the e-mail subject, the message being replied to.
#[derive(Debug, Default)]
pub(super) struct Draft {
    pub error: Option<String>,
    pub text: String,
    /// E-mail: the subject typed, else the default (`Re:` the customer's last subject).
    pub subject: Option<String>,
    pub reply: Option<ReplyTarget>,
}

/// The `accept` list of WhatsApp's file input: photos, PDF and the audio WhatsApp plays.
const WHATSAPP_ACCEPT: &str = "image/jpeg,image/png,application/pdf,audio/mpeg,audio/ogg,audio/mp4,audio/aac,audio/amr,.mp3,.ogg,.opus,.m4a,.aac,.amr";
/// E-mail takes every file the agency stores.
const EMAIL_ACCEPT: &str = concat!(
    "image/jpeg,image/png,image/webp,application/pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.csv,",
    "audio/mpeg,audio/ogg,audio/mp4,audio/aac,audio/amr,.mp3,.ogg,.opus,.m4a,.aac,.amr"
);

/// `n` bytes as the composer writes sizes: kilobytes below a megabyte, whole megabytes (MiB)
/// when exact, else one decimal.
pub(super) fn megabytes(n: usize) -> String {
    const MB: usize = 1024 * 1024;
    if n < MB {
        format!("{} KB", n.div_ceil(1024))
    } else if n.is_multiple_of(MB) {
        format!("{} MB", n / MB)
    } else {
        #[expect(clippy::cast_precision_loss, reason = "a size shown to one decimal")]
        let mb = n as f64 / MB as f64;
        format!("{mb:.1} MB")
    }
}

/// The file input for the channel: WhatsApp and e-mail take files (within `max_bytes`, the
/// agency's upload limit, and WhatsApp's own per type); SMS none.
fn attach(channel: Channel, tr: Tr, max_bytes: usize) -> Option<Attach> {
    let limit = |content_type: &str| {
        app::inbox::outbound::media_limit(channel.code(), content_type).map_or(max_bytes, |l| l.min(max_bytes))
    };
    let (accept, hint) = match channel {
        Channel::Sms => return None,
        Channel::Whatsapp => (
            WHATSAPP_ACCEPT,
            format!(
                "{} {}",
                tr.with("inbox-attach-photos", "name", &megabytes(limit("image/jpeg"))),
                tr.with("inbox-attach-files", "name", &megabytes(limit("audio/mpeg").min(limit("application/pdf"))))
            ),
        ),
        Channel::Email => (EMAIL_ACCEPT, tr.with("inbox-attach-any", "name", &megabytes(max_bytes))),
    };
    Some(Attach {
        accept: accept.to_owned(),
        max_bytes,
        hint,
        too_large: tr.with("inbox-error-file-too-large", "name", &megabytes(max_bytes)),
    })
}

/// The composer: free text while it may go out, else the channel's templates. `max_bytes` is the
/// agency's upload limit.
pub(super) fn composer(
    c: &ConversationView,
    tr: Tr,
    templates: Option<&Value>,
    draft: Draft,
    max_bytes: usize,
) -> Composer {
    let window = window(c, tr);
    let mode = match &window {
        Some(w) if w.closed => ComposerMode::Templates(template_options(templates, tr)),
        _ => ComposerMode::Text,
    };
    let channel = channel(c);
    Composer {
        conversation_id: c.id.clone(),
        mode,
        window,
        error: draft.error,
        text: draft.text,
        subject: (channel == Channel::Email).then(|| draft.subject.unwrap_or_default()),
        reply: draft.reply,
        attach: attach(channel, tr, max_bytes),
        cancel_href: format!("/inbox/{}#composer", c.id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Locale;
    use serde_json::json;

    fn message(v: Value) -> MessageView {
        let mut base = json!({
            "id": "m1", "conversationId": "c1", "channel": "WHATSAPP", "direction": "OUT", "type": "TEXT",
            "body": "hello", "content": null, "mediaFileId": null, "replyToProviderId": null,
            "providerMessageId": null, "status": "SENT", "errorCode": null, "errorMessage": null,
            "private": false, "authorId": null, "sentAt": null, "deliveredAt": null, "readAt": null,
            "failedAt": null, "createdAt": "2026-03-15T10:00:00.000Z",
        });
        if let (Value::Object(b), Value::Object(extra)) = (&mut base, v) {
            b.extend(extra);
        }
        serde_json::from_value(base).unwrap()
    }

    #[test]
    fn a_failure_speaks_the_readers_language_and_keeps_unknown_details() {
        let ar = Tr::new(Locale::Ar);
        let m = message(json!({"status": "FAILED", "errorCode": "131047", "errorMessage": "More than 24 hours…"}));
        assert!(failure(&m, ar).contains("24 ساعة"), "{}", failure(&m, ar));
        let m = message(json!({"status": "FAILED", "errorCode": "whatsapp:131026", "errorMessage": "x"}));
        assert!(failure(&m, Tr::new(Locale::En)).contains("may not use WhatsApp"));
        let m = message(json!({"status": "FAILED", "errorCode": "131999", "errorMessage": "Meta says no"}));
        assert_eq!(failure(&m, ar), "Meta says no");
        let b = bubble(&m, ar, &HashMap::new(), None);
        assert_eq!(b.ticks, Some(Ticks::Failed));
        assert!(b.error.is_some());
    }

    #[test]
    fn notes_and_received_messages_have_no_ticks() {
        let en = Tr::new(Locale::En);
        let note = bubble(&message(json!({"private": true, "status": "NOTE"})), en, &HashMap::new(), None);
        assert_eq!((note.ticks, note.side()), (None, "note"));
        let inbound = bubble(&message(json!({"direction": "IN", "status": "RECEIVED"})), en, &HashMap::new(), None);
        assert_eq!((inbound.ticks, inbound.side()), (None, "in"));
    }

    #[test]
    fn images_are_thumbnails_and_other_files_links() {
        let en = Tr::new(Locale::En);
        let m = message(json!({"type": "IMAGE", "mediaFileId": "f1", "body": null,
                               "content": {"media": {"name": "flat.jpg", "contentType": "image/jpeg"}}}));
        let b = bubble(&m, en, &HashMap::new(), None);
        assert_eq!(b.attachments.len(), 1);
        assert!(b.attachments[0].image);
        assert_eq!(b.attachments[0].href, "/api/v1/files/f1");
        let m = message(json!({"type": "TEXT", "channel": "EMAIL", "content": {"attachments": [
            {"fileId": "f2", "name": "عقد.pdf", "contentType": "application/pdf", "inline": false},
            {"fileId": "f3", "name": "logo.png", "contentType": "image/png", "inline": true}]}}));
        let b = bubble(&m, en, &HashMap::new(), None);
        assert_eq!(b.attachments.len(), 1);
        assert_eq!((b.attachments[0].name.as_str(), b.attachments[0].image), ("عقد.pdf", false));
        let pending = message(json!({"direction": "IN", "type": "IMAGE", "status": "RECEIVED", "body": null}));
        assert!(bubble(&pending, en, &HashMap::new(), None).media_pending);
    }

    #[test]
    fn only_what_the_provider_took_can_be_replied_to() {
        let en = Tr::new(Locale::En);
        let taken =
            bubble(&message(json!({"providerMessageId": "wamid.1", "body": "Is it free?"})), en, &HashMap::new(), None);
        assert_eq!(taken.reply_href.as_deref(), Some("/inbox/c1?reply_to=m1#composer"));
        assert_eq!(taken.snippet, "Is it free?");
        let queued = bubble(&message(json!({"status": "QUEUED"})), en, &HashMap::new(), None);
        assert_eq!(queued.reply_href, None);
        let note = message(json!({"private": true, "status": "NOTE", "providerMessageId": "x"}));
        assert_eq!((bubble(&note, en, &HashMap::new(), None).reply_href, snippet(&note, en)), (None, None));
        let photo = message(json!({"type": "IMAGE", "body": null, "mediaFileId": "f1", "providerMessageId": "w",
                                   "content": {"media": {"name": "flat.jpg", "contentType": "image/jpeg"}}}));
        assert_eq!(snippet(&photo, en).as_deref(), Some("flat.jpg"), "a file without text is quoted by its name");
    }

    #[test]
    fn sizes_read_in_kilobytes_or_megabytes() {
        assert_eq!(megabytes(64 * 1024), "64 KB");
        assert_eq!(megabytes(10 * 1024 * 1024), "10 MB");
        assert_eq!(megabytes(5 * 1024 * 1024 + 512 * 1024), "5.5 MB");
    }

    #[test]
    fn templates_become_one_option_per_language() {
        let t = json!([{"name": "follow_up", "languages": ["ar", "en_US"]}, {"name": "", "languages": ["en"]}]);
        let opts = template_options(Some(&t), Tr::new(Locale::En));
        let values: Vec<&str> = opts.iter().map(|o| o.value.as_str()).collect();
        assert_eq!(values, ["follow_up|ar", "follow_up|en_US"]);
        assert_eq!(opts[1].label, "follow_up · English");
        assert!(template_options(None, Tr::new(Locale::En)).is_empty());
    }
}
