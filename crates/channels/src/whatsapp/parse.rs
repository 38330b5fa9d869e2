//! Walks a notification (every entry, change, message and status) into a [`Delivery`].

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::types::{
    Conversation, Delivery, DeliveryStatus, InboundMessage, InteractiveKind, InteractiveReply, Location, Media,
    MessageKind, OtherChange, Pricing, ProviderError, Referral, SharedContact, SharedPhone, SkippedItem, StatusUpdate,
    ValueError,
};
use super::wire;

/// The `object` of WhatsApp Business Account notifications.
const OBJECT: &str = "whatsapp_business_account";

/// Why a body could not be parsed at all. Individual bad items do not fail the parse; they land in
/// [`Delivery::skipped`].
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// The body is not JSON, or its envelope (`object`, `entry`, `changes`) has the wrong shape.
    #[error("the notification body is not valid JSON of the expected shape: {0}")]
    Json(#[from] serde_json::Error),
    /// The notification is for another product (`object` is not `whatsapp_business_account`).
    #[error("unexpected notification object `{0}`")]
    UnexpectedObject(String),
}

/// Parses a verified notification body (the raw bytes, after [`verify_signature`](super::verify_signature)).
///
/// Unknown fields are ignored, unknown message types become [`MessageKind::Unsupported`], changes for other webhook
/// fields are listed in [`Delivery::other_changes`], and items missing what they need (an id, a timestamp, a sender)
/// are listed in [`Delivery::skipped`].
pub fn parse(raw_body: &[u8]) -> Result<Delivery, ParseError> {
    let notification: wire::Notification = serde_json::from_slice(raw_body)?;
    let object = notification.object.unwrap_or_default();
    if object != OBJECT {
        return Err(ParseError::UnexpectedObject(object));
    }
    let mut delivery = Delivery::default();
    for (e, entry) in notification.entry.into_iter().enumerate() {
        for (c, change) in entry.changes.into_iter().enumerate() {
            let location = format!("entry[{e}].changes[{c}]");
            let field = change.field.unwrap_or_default();
            if field != "messages" {
                delivery.other_changes.push(OtherChange { waba_id: entry.id.clone(), field });
                continue;
            }
            match change.value.map(serde_json::from_value::<wire::ChangeValue>) {
                Some(Ok(value)) => walk_value(value, &format!("{location}.value"), &mut delivery),
                Some(Err(err)) => delivery.skip(&location, format!("unreadable value: {err}")),
                None => delivery.skip(&location, "change without a value"),
            }
        }
    }
    Ok(delivery)
}

impl Delivery {
    fn skip(&mut self, location: &str, reason: impl Into<String>) {
        self.skipped.push(SkippedItem { location: location.to_owned(), reason: reason.into() });
    }
}

fn walk_value(value: wire::ChangeValue, location: &str, delivery: &mut Delivery) {
    let (phone_number_id, display_phone) = match value.metadata {
        Some(meta) => (meta.phone_number_id, meta.display_phone_number),
        None => (None, None),
    };
    for (i, raw) in value.errors.into_iter().enumerate() {
        match provider_error(raw) {
            Ok(error) => delivery.errors.push(ValueError { phone_number_id: phone_number_id.clone(), error }),
            Err(reason) => delivery.skip(&format!("{location}.errors[{i}]"), reason),
        }
    }
    let Some(phone_number_id) = phone_number_id else {
        if !value.messages.is_empty() || !value.statuses.is_empty() {
            delivery.skip(location, "messages or statuses without metadata.phone_number_id");
        }
        return;
    };
    let business = Business { phone_number_id: &phone_number_id, display_phone: display_phone.as_deref() };
    for (i, raw) in value.messages.into_iter().enumerate() {
        match inbound_message(raw, &business, &value.contacts) {
            Ok(message) => delivery.messages.push(message),
            Err(reason) => delivery.skip(&format!("{location}.messages[{i}]"), reason),
        }
    }
    for (i, raw) in value.statuses.into_iter().enumerate() {
        match status_update(raw, &phone_number_id) {
            Ok(status) => delivery.statuses.push(status),
            Err(reason) => delivery.skip(&format!("{location}.statuses[{i}]"), reason),
        }
    }
}

struct Business<'a> {
    phone_number_id: &'a str,
    display_phone: Option<&'a str>,
}

fn inbound_message(raw: Value, business: &Business<'_>, contacts: &[wire::Contact]) -> Result<InboundMessage, String> {
    let mut message: wire::Message = decode(raw)?;
    let provider_id = message.id.take().filter(|id| !id.is_empty()).ok_or("message without an id")?;
    let timestamp = unix_time(message.timestamp.as_ref()).ok_or("message without a valid timestamp")?;
    let contact = matching_contact(contacts, message.from.as_deref(), message.from_user_id.as_deref());
    let wa_id = message.from.take().or_else(|| contact.and_then(|c| c.wa_id.clone()));
    let business_scoped_user_id = message.from_user_id.take().or_else(|| contact.and_then(|c| c.user_id.clone()));
    if wa_id.is_none() && business_scoped_user_id.is_none() {
        return Err("message without a sender (no from, from_user_id or contact)".to_owned());
    }
    let profile = contact.and_then(|c| c.profile.as_ref());
    let context = message.context.take();
    let errors = message.errors.drain(..).filter_map(|raw| provider_error(raw).ok()).collect();
    Ok(InboundMessage {
        phone_number_id: business.phone_number_id.to_owned(),
        display_phone: business.display_phone.map(str::to_owned),
        wa_id,
        business_scoped_user_id,
        profile_name: profile.and_then(|p| p.name.clone()),
        username: profile.and_then(|p| p.username.clone()),
        provider_id,
        timestamp,
        reply_to: context.as_ref().and_then(|c| c.id.clone()),
        forwarded: context.as_ref().is_some_and(|c| c.forwarded),
        frequently_forwarded: context.as_ref().is_some_and(|c| c.frequently_forwarded),
        referral: message.referral.take().map(|r| Referral {
            source_url: r.source_url,
            source_id: r.source_id,
            source_type: r.source_type,
            headline: r.headline,
            body: r.body,
            ctwa_clid: r.ctwa_clid,
        }),
        errors,
        kind: message_kind(message),
    })
}

/// The contact entry describing the sender: matched by phone or BSUID, else the only contact of the value.
fn matching_contact<'a>(
    contacts: &'a [wire::Contact],
    from: Option<&str>,
    from_user_id: Option<&str>,
) -> Option<&'a wire::Contact> {
    let matched = contacts.iter().find(|c| {
        (from.is_some() && c.wa_id.as_deref() == from)
            || (from_user_id.is_some() && c.user_id.as_deref() == from_user_id)
    });
    match (matched, contacts) {
        (Some(contact), _) => Some(contact),
        (None, [only]) => Some(only),
        (None, _) => None,
    }
}

fn message_kind(mut message: wire::Message) -> MessageKind {
    let message_type = message.kind.take().unwrap_or_default();
    let body = message.rest.remove(&message_type);
    if message_type == "unsupported" {
        let detail = body.and_then(|v| decode::<wire::Unsupported>(v).ok()).and_then(|d| d.kind);
        return MessageKind::Unsupported { message_type, detail };
    }
    known_kind(&message_type, body).unwrap_or(MessageKind::Unsupported { message_type, detail: None })
}

/// The typed content for the types this crate models; `None` for other types and for malformed bodies, which then
/// become [`MessageKind::Unsupported`] rather than losing the message.
fn known_kind(message_type: &str, body: Option<Value>) -> Option<MessageKind> {
    let body = body?;
    Some(match message_type {
        "text" => MessageKind::Text { body: decode::<wire::Text>(body).ok()?.body },
        "image" => MessageKind::Image(media(decode(body).ok()?)),
        "video" => MessageKind::Video(media(decode(body).ok()?)),
        "document" => MessageKind::Document(media(decode(body).ok()?)),
        "audio" => {
            let raw: wire::Media = decode(body).ok()?;
            MessageKind::Audio { voice: raw.voice, media: media(raw) }
        }
        "sticker" => {
            let raw: wire::Media = decode(body).ok()?;
            MessageKind::Sticker { animated: raw.animated, media: media(raw) }
        }
        "location" => {
            let raw: wire::Location = decode(body).ok()?;
            MessageKind::Location(Location {
                latitude: raw.latitude,
                longitude: raw.longitude,
                name: raw.name,
                address: raw.address,
                url: raw.url,
            })
        }
        "contacts" => {
            let raw: Vec<wire::SharedContact> = decode(body).ok()?;
            MessageKind::Contacts(raw.into_iter().map(shared_contact).collect())
        }
        "interactive" => {
            let raw: wire::Interactive = decode(body).ok()?;
            let (kind, choice) = match raw.kind.as_deref() {
                Some("button_reply") => (InteractiveKind::ButtonReply, raw.button_reply?),
                Some("list_reply") => (InteractiveKind::ListReply, raw.list_reply?),
                _ => return None,
            };
            MessageKind::InteractiveReply(InteractiveReply {
                kind,
                id: choice.id,
                title: choice.title,
                description: choice.description,
            })
        }
        "button" => {
            let raw: wire::Button = decode(body).ok()?;
            MessageKind::Button { payload: raw.payload, text: raw.text }
        }
        "reaction" => {
            let raw: wire::Reaction = decode(body).ok()?;
            MessageKind::Reaction { message_id: raw.message_id, emoji: raw.emoji.filter(|e| !e.is_empty()) }
        }
        _ => return None,
    })
}

fn media(raw: wire::Media) -> Media {
    Media {
        id: raw.id,
        mime_type: raw.mime_type,
        sha256: raw.sha256,
        caption: raw.caption,
        filename: raw.filename,
        url: raw.url,
    }
}

fn shared_contact(raw: wire::SharedContact) -> SharedContact {
    let name = raw.name;
    SharedContact {
        formatted_name: name.as_ref().and_then(|n| n.formatted_name.clone()),
        first_name: name.as_ref().and_then(|n| n.first_name.clone()),
        last_name: name.and_then(|n| n.last_name),
        phones: raw
            .phones
            .into_iter()
            .filter_map(|p| Some(SharedPhone { phone: p.phone?, wa_id: p.wa_id, label: p.label }))
            .collect(),
        emails: raw.emails.into_iter().filter_map(|e| e.email).collect(),
        company: raw.org.and_then(|o| o.company),
    }
}

fn status_update(raw: Value, phone_number_id: &str) -> Result<StatusUpdate, String> {
    let raw: wire::Status = decode(raw)?;
    let provider_id = raw.id.filter(|id| !id.is_empty()).ok_or("status without an id")?;
    let status_text = raw.status.unwrap_or_default();
    let status = DeliveryStatus::parse(&status_text).ok_or_else(|| format!("unknown status `{status_text}`"))?;
    let timestamp = unix_time(raw.timestamp.as_ref()).ok_or("status without a valid timestamp")?;
    Ok(StatusUpdate {
        phone_number_id: phone_number_id.to_owned(),
        provider_id,
        status,
        timestamp,
        recipient_id: raw.recipient_id,
        recipient_user_id: raw.recipient_user_id,
        errors: raw.errors.into_iter().filter_map(|e| provider_error(e).ok()).collect(),
        conversation: raw.conversation.map(|c| Conversation {
            id: c.id,
            origin_type: c.origin.and_then(|o| o.kind),
            expires_at: unix_time(c.expiration_timestamp.as_ref()),
        }),
        pricing: raw.pricing.map(|p| Pricing {
            billable: p.billable,
            pricing_model: p.pricing_model,
            pricing_type: p.kind,
            category: p.category,
        }),
        callback_data: raw.biz_opaque_callback_data,
    })
}

fn provider_error(raw: Value) -> Result<ProviderError, String> {
    let raw: wire::Error = decode(raw)?;
    Ok(ProviderError {
        code: raw.code,
        title: raw.title,
        message: raw.message,
        details: raw.error_data.and_then(|d| d.details),
        href: raw.href,
    })
}

fn unix_time(raw: Option<&wire::Scalar>) -> Option<DateTime<Utc>> {
    let seconds = match raw? {
        wire::Scalar::Text(text) => text.trim().parse::<i64>().ok()?,
        wire::Scalar::Int(seconds) => *seconds,
    };
    DateTime::from_timestamp(seconds, 0)
}

fn decode<T: DeserializeOwned>(raw: Value) -> Result<T, String> {
    serde_json::from_value(raw).map_err(|err| err.to_string())
}
