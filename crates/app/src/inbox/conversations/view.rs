//! A conversation and a message as the API shows them.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::text;
use crate::records::{RecordError, view};

pub use crate::inbox::channels::ChannelKind;

/// Where a conversation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConversationStatus {
    Open,
    Snoozed,
    Closed,
}

impl ConversationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConversationStatus::Open => "OPEN",
            ConversationStatus::Snoozed => "SNOOZED",
            ConversationStatus::Closed => "CLOSED",
        }
    }

    pub fn parse(s: &str) -> Option<ConversationStatus> {
        [ConversationStatus::Open, ConversationStatus::Snoozed, ConversationStatus::Closed]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A conversation, read under the caller's rules, with the caller's own unread count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConversationView {
    pub id: String,
    pub lead_id: String,
    /// The lead's name.
    #[schema(example = "أحمد المنصوري")]
    pub lead_name: Option<String>,
    pub channel_account_id: String,
    pub channel: ChannelKind,
    /// The customer's address on the channel (wa_id, phone, e-mail).
    pub customer_address: Option<String>,
    pub assignee_id: Option<String>,
    pub status: ConversationStatus,
    pub snoozed_until: Option<String>,
    pub last_message_at: Option<String>,
    /// The start of the last message to or from the customer (notes excluded).
    pub last_message_preview: Option<String>,
    /// When WhatsApp's 24-hour customer-service window closes; after it only templates go out.
    pub window_closes_at: Option<String>,
    /// Customer messages after the caller's own read mark.
    pub unread_count: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl ConversationView {
    /// The view of a row read with `list::include`, and the caller's unread count.
    pub(crate) fn from_row(row: &Value, unread_count: i64) -> Result<ConversationView, RecordError> {
        let unreadable = || RecordError::Unreadable("a conversation without its channel".into());
        let channel = row
            .get("channelAccount")
            .and_then(|a| text(a, "kind"))
            .and_then(ChannelKind::parse)
            .ok_or_else(unreadable)?;
        let status = text(row, "status").and_then(ConversationStatus::parse).ok_or_else(unreadable)?;
        let owned = |f: &str| text(row, f).map(str::to_owned);
        Ok(ConversationView {
            id: owned("id").ok_or_else(unreadable)?,
            lead_id: owned("leadId").ok_or_else(unreadable)?,
            lead_name: row.get("lead").and_then(|l| text(l, "name")).map(str::to_owned),
            channel_account_id: owned("channelAccountId").ok_or_else(unreadable)?,
            channel,
            customer_address: row.get("identity").and_then(|i| text(i, "address")).map(str::to_owned),
            assignee_id: owned("assigneeId"),
            status,
            snoozed_until: owned("snoozedUntil"),
            last_message_at: owned("lastMessageAt"),
            last_message_preview: owned("lastMessagePreview"),
            window_closes_at: owned("windowClosesAt"),
            unread_count,
            created_at: owned("createdAt").unwrap_or_default(),
            updated_at: owned("updatedAt").unwrap_or_default(),
        })
    }
}

/// One message, in or out, or a private note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageView {
    pub id: String,
    pub conversation_id: String,
    pub channel: ChannelKind,
    /// `IN` (from the customer) or `OUT` (from the agency; notes too).
    #[schema(example = "OUT")]
    pub direction: String,
    /// `TEXT`, `IMAGE`, `AUDIO`, `VIDEO`, `DOCUMENT`, `STICKER`, `LOCATION`, `CONTACTS`,
    /// `INTERACTIVE`, `REACTION`, `TEMPLATE`, `UNSUPPORTED`.
    #[schema(example = "TEXT")]
    pub r#type: String,
    pub body: Option<String>,
    /// Type-specific content (a template's name and language, a location, …).
    #[schema(value_type = Option<Object>)]
    pub content: Option<Value>,
    pub media_file_id: Option<String>,
    /// The provider id of the message this one replies to.
    pub reply_to_provider_id: Option<String>,
    pub provider_message_id: Option<String>,
    /// `RECEIVED` (IN); `QUEUED`, `SENT`, `DELIVERED`, `READ` or `FAILED` (OUT); `NOTE`.
    #[schema(example = "QUEUED")]
    pub status: String,
    /// The provider's error code of a failed message (`whatsapp:131047`, `sms:21610`).
    pub error_code: Option<String>,
    /// What went wrong, in words an agent understands (in the author's language).
    pub error_message: Option<String>,
    /// A private note between agents: never sent.
    pub private: bool,
    pub author_id: Option<String>,
    pub sent_at: Option<String>,
    pub delivered_at: Option<String>,
    pub read_at: Option<String>,
    pub failed_at: Option<String>,
    pub created_at: String,
}

impl MessageView {
    pub(crate) fn from_row(row: Value) -> Result<MessageView, RecordError> {
        view(row)
    }
}
