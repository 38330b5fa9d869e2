//! The status-callback form Twilio posts when an outbound message changes state.

use serde::Serialize;

use super::form::{FormError, optional_number, param, required};

/// A status callback for a message we sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SmsStatus {
    /// `MessageSid` of our outbound message.
    pub message_sid: String,
    /// `AccountSid`.
    pub account_sid: Option<String>,
    /// `MessageStatus` (falling back to the older `SmsStatus`).
    pub status: MessageStatus,
    /// `ErrorCode` on `failed`/`undelivered` (e.g. 30003 unreachable handset, 21610 recipient opted out).
    pub error_code: Option<u32>,
}

/// A Twilio message status. Callbacks repeat and arrive out of order: use [`MessageStatus::advances`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    /// Accepted by a Messaging Service, sender not yet chosen.
    Accepted,
    /// Scheduled for later sending.
    Scheduled,
    /// Waiting to be sent.
    Queued,
    /// Being sent to the carrier.
    Sending,
    /// Handed to the carrier.
    Sent,
    /// Some parts of a multi-part message were delivered.
    PartiallyDelivered,
    /// The carrier confirmed delivery.
    Delivered,
    /// Read (channels with read receipts only, not SMS).
    Read,
    /// The carrier could not deliver it; final.
    Undelivered,
    /// Twilio could not send it; final.
    Failed,
    /// Cancelled before sending; final.
    Canceled,
    /// Inbound: being received.
    Receiving,
    /// Inbound: received.
    Received,
    /// A value this crate does not know yet, kept verbatim.
    Other(String),
}

impl MessageStatus {
    /// Parses Twilio's lower-case status value.
    pub fn parse(value: &str) -> Self {
        match value {
            "accepted" => Self::Accepted,
            "scheduled" => Self::Scheduled,
            "queued" => Self::Queued,
            "sending" => Self::Sending,
            "sent" => Self::Sent,
            "partially_delivered" => Self::PartiallyDelivered,
            "delivered" => Self::Delivered,
            "read" => Self::Read,
            "undelivered" => Self::Undelivered,
            "failed" => Self::Failed,
            "canceled" => Self::Canceled,
            "receiving" => Self::Receiving,
            "received" => Self::Received,
            other => Self::Other(other.to_owned()),
        }
    }

    /// Whether nothing can follow this status (`delivered` can still become `read` on rich channels, so it is not
    /// final here).
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Undelivered | Self::Failed | Self::Canceled)
    }

    /// The outbound progress rank; `None` for inbound and unknown statuses, which never replace a stored one.
    pub fn rank(&self) -> Option<u8> {
        Some(match self {
            Self::Accepted | Self::Scheduled => 0,
            Self::Queued => 1,
            Self::Sending => 2,
            Self::Sent => 3,
            Self::PartiallyDelivered => 4,
            Self::Delivered => 5,
            Self::Read => 6,
            Self::Undelivered | Self::Failed | Self::Canceled => 7,
            Self::Receiving | Self::Received | Self::Other(_) => return None,
        })
    }

    /// Whether moving from the stored `from` to `self` is progress: ranks only go up and final statuses stay.
    pub fn advances(&self, from: &MessageStatus) -> bool {
        match (self.rank(), from.rank()) {
            (Some(next), Some(current)) => !from.is_final() && next > current,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }
}

/// Reads a status-callback form.
pub fn parse_status(form: &[(String, String)]) -> Result<SmsStatus, FormError> {
    let message_sid = param(form, "MessageSid").or_else(|| param(form, "SmsSid"));
    let status = param(form, "MessageStatus").or_else(|| param(form, "SmsStatus"));
    Ok(SmsStatus {
        message_sid: message_sid.ok_or_else(|| FormError::Missing("MessageSid".to_owned()))?,
        account_sid: required(form, "AccountSid").ok(),
        status: MessageStatus::parse(&status.ok_or_else(|| FormError::Missing("MessageStatus".to_owned()))?),
        error_code: optional_number(form, "ErrorCode")?,
    })
}

#[cfg(test)]
mod tests {
    use super::MessageStatus::{self, *};

    #[test]
    fn statuses_move_forward_only() {
        assert!(Delivered.advances(&Sent));
        assert!(Sent.advances(&Queued));
        assert!(!Sent.advances(&Delivered), "late sent after delivered");
        assert!(Undelivered.advances(&Sent));
        assert!(!Delivered.advances(&Failed), "failed is final");
        assert!(!Received.advances(&Queued));
        assert!(Queued.advances(&MessageStatus::Other("new".into())));
        assert_eq!(MessageStatus::parse("partially_delivered"), PartiallyDelivered);
        assert_eq!(MessageStatus::parse("teleported"), MessageStatus::Other("teleported".into()));
    }
}
