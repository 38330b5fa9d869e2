//! The typed result of parsing a WhatsApp notification: inbound messages, status updates of our outbound messages,
//! value-level errors, and the changes this crate does not model.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Everything one POST carried. A batch can hold up to 1000 updates across entries and changes; each list keeps
/// the payload's order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Delivery {
    /// Messages users sent to one of our business numbers.
    pub messages: Vec<InboundMessage>,
    /// Status updates (sent, delivered, read, played, failed) of messages we sent.
    pub statuses: Vec<StatusUpdate>,
    /// Errors Meta attached to a change value rather than to a message or status.
    pub errors: Vec<ValueError>,
    /// Changes for webhook fields other than `messages` (template updates, account updates, …), not parsed here.
    pub other_changes: Vec<OtherChange>,
    /// Items that could not be understood (for example a message without an id). Log them; the rest of the batch
    /// is still good, and a non-200 answer would only make Meta retry the whole batch for 7 days.
    pub skipped: Vec<SkippedItem>,
}

/// A message a WhatsApp user sent to a business number.
///
/// At least one of [`wa_id`](Self::wa_id) and [`business_scoped_user_id`](Self::business_scoped_user_id) is set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InboundMessage {
    /// The business number's Cloud API id (`metadata.phone_number_id`): routes the message to a tenant.
    pub phone_number_id: String,
    /// The business number as displayed (`metadata.display_phone_number`), digits without `+`.
    pub display_phone: Option<String>,
    /// The sender's WhatsApp id (phone digits, `contacts[].wa_id` or `messages[].from`); absent when the user hides
    /// their number behind a username.
    pub wa_id: Option<String>,
    /// The business-scoped user id (BSUID, e.g. `AE.1502576394655843`: `messages[].from_user_id` or
    /// `contacts[].user_id`): stable per user and business portfolio, present even when the phone is hidden.
    pub business_scoped_user_id: Option<String>,
    /// The user's profile name (`contacts[].profile.name`).
    pub profile_name: Option<String>,
    /// The user's WhatsApp username (`contacts[].profile.username`), when they adopted one.
    pub username: Option<String>,
    /// The message id (`wamid.…`): unique per inbound message, the idempotency key.
    pub provider_id: String,
    /// When the user sent it (`timestamp`, Unix seconds).
    pub timestamp: DateTime<Utc>,
    /// What the message carries.
    pub kind: MessageKind,
    /// The business message this one replies to or was tapped on (`context.id`).
    pub reply_to: Option<String>,
    /// `context.forwarded`: the user forwarded this message.
    pub forwarded: bool,
    /// `context.frequently_forwarded`: forwarded more than five times.
    pub frequently_forwarded: bool,
    /// The Click-to-WhatsApp ad the user came from, if any: a lead source.
    pub referral: Option<Referral>,
    /// Errors Meta attached to the message (typically with [`MessageKind::Unsupported`]).
    pub errors: Vec<ProviderError>,
}

/// The content of an inbound message, one variant per type Meta documents.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MessageKind {
    /// `text`.
    Text {
        /// The message text.
        body: String,
    },
    /// `image`.
    Image(Media),
    /// `audio`; voice notes have `voice: true`.
    Audio {
        /// The audio file.
        media: Media,
        /// Recorded in the app as a voice note (`audio/ogg; codecs=opus`).
        voice: bool,
    },
    /// `video`.
    Video(Media),
    /// `document`.
    Document(Media),
    /// `sticker` (`image/webp`).
    Sticker {
        /// The sticker file.
        media: Media,
        /// An animated sticker.
        animated: bool,
    },
    /// `location`: a shared pin.
    Location(Location),
    /// `contacts`: one or more shared contact cards.
    Contacts(Vec<SharedContact>),
    /// `interactive`: the user tapped a reply button or chose a list row of a business message.
    InteractiveReply(InteractiveReply),
    /// `button`: the user tapped a template's quick-reply button.
    Button {
        /// The payload set on the template button.
        payload: Option<String>,
        /// The button's label.
        text: String,
    },
    /// `reaction` to an earlier message.
    Reaction {
        /// The message reacted to.
        message_id: String,
        /// The emoji; `None` means the user removed their reaction (Meta sends `""`).
        emoji: Option<String>,
    },
    /// Anything this crate does not model (`order`, `system`, `unsupported`, types Meta adds later): kept, never an
    /// error.
    Unsupported {
        /// The raw `type` value (`order`, `system`, `unsupported`, …).
        message_type: String,
        /// For `type: unsupported`, the inner `unsupported.type` when Meta names it (e.g. `poll`).
        detail: Option<String>,
    },
}

/// A media attachment. Download it promptly: webhook media ids expire after 7 days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Media {
    /// The media id to fetch the file with.
    pub id: String,
    /// The MIME type, e.g. `image/jpeg`.
    pub mime_type: Option<String>,
    /// Base64 of the file's SHA-256, to check the download against.
    pub sha256: Option<String>,
    /// The caption the user typed (image, video, document).
    pub caption: Option<String>,
    /// The original file name (document).
    pub filename: Option<String>,
    /// A direct download URL, which newer payloads may include.
    pub url: Option<String>,
}

/// A shared location.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Location {
    /// Latitude in degrees.
    pub latitude: f64,
    /// Longitude in degrees.
    pub longitude: f64,
    /// The place's name, for a chosen place rather than the current position.
    pub name: Option<String>,
    /// The place's address.
    pub address: Option<String>,
    /// A link to the place.
    pub url: Option<String>,
}

/// A contact card shared in a `contacts` message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SharedContact {
    /// `name.formatted_name`.
    pub formatted_name: Option<String>,
    /// `name.first_name`.
    pub first_name: Option<String>,
    /// `name.last_name`.
    pub last_name: Option<String>,
    /// The card's phone numbers.
    pub phones: Vec<SharedPhone>,
    /// The card's email addresses.
    pub emails: Vec<String>,
    /// `org.company`.
    pub company: Option<String>,
}

/// A phone number on a shared contact card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SharedPhone {
    /// The number as written on the card (not normalised).
    pub phone: String,
    /// The number's WhatsApp id, when it has one.
    pub wa_id: Option<String>,
    /// The label (`CELL`, `HOME`, …).
    pub label: Option<String>,
}

/// Which interactive element the user answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InteractiveKind {
    /// A reply button (`button_reply`).
    ButtonReply,
    /// A list row (`list_reply`).
    ListReply,
}

/// The user's answer to an interactive message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InteractiveReply {
    /// Button or list.
    pub kind: InteractiveKind,
    /// The id we gave the button or row.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The row's description (lists only).
    pub description: Option<String>,
}

/// The Click-to-WhatsApp ad a conversation started from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Referral {
    /// The ad or post URL.
    pub source_url: Option<String>,
    /// The ad or post id.
    pub source_id: Option<String>,
    /// `ad` or `post`.
    pub source_type: Option<String>,
    /// The ad headline.
    pub headline: Option<String>,
    /// The ad body.
    pub body: Option<String>,
    /// The click id, for conversion reporting.
    pub ctwa_clid: Option<String>,
}

/// An error object as Meta sends it. Build logic on `code` and `details`, never on the titles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProviderError {
    /// The numeric code (e.g. 131047: more than 24 hours since the user last replied); `None` only if Meta
    /// omitted it.
    pub code: Option<i64>,
    /// The short title.
    pub title: Option<String>,
    /// The message (usually the title again).
    pub message: Option<String>,
    /// `error_data.details`: the precise reason.
    pub details: Option<String>,
    /// A documentation link.
    pub href: Option<String>,
}

/// An error attached to a change value (`entry.changes.value.errors`) rather than to a message or status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValueError {
    /// The business number the change belongs to, when the value has metadata.
    pub phone_number_id: Option<String>,
    /// The error.
    pub error: ProviderError,
}

/// A change for a webhook field this crate does not parse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OtherChange {
    /// `entry[].id`: the WhatsApp Business Account id.
    pub waba_id: Option<String>,
    /// The field name, e.g. `message_template_status_update`.
    pub field: String,
}

/// An item of the batch that was left out, with where it was and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedItem {
    /// A JSON path such as `entry[0].changes[1].value.messages[2]`.
    pub location: String,
    /// What was wrong with it.
    pub reason: String,
}

/// A status update for a message we sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusUpdate {
    /// The business number that sent the message.
    pub phone_number_id: String,
    /// The wamid of our outbound message (stored when the send was accepted).
    pub provider_id: String,
    /// The new status.
    pub status: DeliveryStatus,
    /// When it happened.
    pub timestamp: DateTime<Utc>,
    /// The recipient's WhatsApp id (phone digits or group id); absent for username-only users.
    pub recipient_id: Option<String>,
    /// The recipient's business-scoped user id (`recipient_user_id`), when Meta sends one.
    pub recipient_user_id: Option<String>,
    /// Why the message failed (on `failed`).
    pub errors: Vec<ProviderError>,
    /// The conversation (billing window) the message belongs to; omitted by Meta from v24.0 in most cases.
    pub conversation: Option<Conversation>,
    /// Pricing, on `sent` and on one of `delivered`/`read`.
    pub pricing: Option<Pricing>,
    /// `biz_opaque_callback_data`, echoed back when we set it on the send.
    pub callback_data: Option<String>,
}

/// `statuses[].conversation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conversation {
    /// The conversation id.
    pub id: String,
    /// `origin.type`, e.g. `service`, `marketing`.
    pub origin_type: Option<String>,
    /// When the conversation window expires (on `sent` only).
    pub expires_at: Option<DateTime<Utc>>,
}

/// `statuses[].pricing`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pricing {
    /// Deprecated by Meta but still sent.
    pub billable: Option<bool>,
    /// `PMP` (per message) or `CBP` (per conversation).
    pub pricing_model: Option<String>,
    /// `regular`, `free_customer_service`, `free_entry_point`.
    pub pricing_type: Option<String>,
    /// `marketing`, `utility`, `authentication`, `service`, …
    pub category: Option<String>,
}

/// The delivery state of an outbound message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Meta's servers sent it.
    Sent,
    /// It reached the user's device.
    Delivered,
    /// The user opened it. Meta may skip `delivered` and send `read` directly.
    Read,
    /// The user played a voice message for the first time.
    Played,
    /// It could not be delivered; final.
    Failed,
}

impl DeliveryStatus {
    /// Parses Meta's status string; `None` for values this crate does not know.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "sent" => Some(Self::Sent),
            "delivered" => Some(Self::Delivered),
            "read" => Some(Self::Read),
            "played" => Some(Self::Played),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }

    /// The status's place in the forward-only order `sent < delivered < read < played`; `failed` ranks above all
    /// and is final.
    pub fn rank(self) -> u8 {
        match self {
            Self::Sent => 1,
            Self::Delivered => 2,
            Self::Read => 3,
            Self::Played => 4,
            Self::Failed => 5,
        }
    }

    /// Whether moving from `from` to `self` is progress. Statuses arrive out of order and are retried, so a stored
    /// status only ever moves forward: a late `delivered` after `read` is ignored, and nothing follows `failed`.
    pub fn advances(self, from: DeliveryStatus) -> bool {
        from != Self::Failed && self.rank() > from.rank()
    }

    /// The status as Meta spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Delivered => "delivered",
            Self::Read => "read",
            Self::Played => "played",
            Self::Failed => "failed",
        }
    }
}

impl StatusUpdate {
    /// Whether this update should replace the stored status `from` (`None`: nothing stored yet, so it applies).
    pub fn advances(&self, from: Option<DeliveryStatus>) -> bool {
        from.is_none_or(|current| self.status.advances(current))
    }
}

#[cfg(test)]
mod tests {
    use super::DeliveryStatus::{self, *};

    #[test]
    fn statuses_only_move_forward() {
        assert!(Delivered.advances(Sent));
        assert!(Read.advances(Sent), "read may arrive without delivered");
        assert!(Played.advances(Read));
        assert!(!Delivered.advances(Read), "a late delivered is a downgrade");
        assert!(!Sent.advances(Sent), "a retried duplicate changes nothing");
        assert!(Failed.advances(Delivered));
        for status in [Sent, Delivered, Read, Played, Failed] {
            assert!(!status.advances(Failed), "failed is final");
            assert_eq!(DeliveryStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(DeliveryStatus::parse("deleted"), None);
    }
}
