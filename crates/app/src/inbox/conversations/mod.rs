//! The inbox API's use cases: conversations listed with the caller's unread counts, one
//! conversation and its messages, assignment, open/snooze/close, read marks and private notes.
//! Every statement runs under the caller's rules (`model Conversation` and `model Message` in
//! `schema.zmodel`): an agent sees the conversations of the leads they may read, and a
//! conversation of another agent or agency answers exactly like a missing one.

mod actions;
mod list;
mod view;

pub use actions::{AssignConversation, NewNote, SetStatus, add_note, assign, mark_read, set_status};
pub use list::{ListConversations, MESSAGE_SORTS, get, list, message, message_by_provider_id, messages};
pub use view::{ChannelKind, ConversationStatus, ConversationView, MessageView};

use chrono::{SecondsFormat, Utc};
use serde_json::Value;
use store::StoreError;

use crate::records::{RecordError, Records};

/// The conversation records, read and written under the caller's rules.
pub(crate) const CONVERSATIONS: Records = Records::new("Conversation");

/// Why an inbox use case failed. The web layer maps each variant to one status and code.
#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    /// Not found, forbidden, invalid input: as for every record.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// WhatsApp free text after the customer's 24-hour window: only a template may go out.
    #[error("the customer's 24-hour WhatsApp window is closed: send a template")]
    WindowClosed,
    /// The customer opted out of this channel (SMS STOP).
    #[error("the customer opted out of this channel")]
    OptedOut,
    /// The conversation's channel account is switched off.
    #[error("the channel is not active")]
    ChannelInactive,
}

impl From<StoreError> for InboxError {
    fn from(e: StoreError) -> Self {
        InboxError::Record(match e {
            StoreError::RejectedByPolicy { .. } => RecordError::Forbidden,
            e => RecordError::Store(e),
        })
    }
}

/// Now, in the engine's timestamp format.
pub(crate) fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A text column of a row.
pub(crate) fn text<'a>(row: &'a Value, field: &str) -> Option<&'a str> {
    row.get(field).and_then(Value::as_str)
}
