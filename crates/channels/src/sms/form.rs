//! The inbound-message webhook form (`application/x-www-form-urlencoded`, already decoded into pairs).

use serde::Serialize;

use super::keywords::{OptKeyword, opt_keyword};

/// Twilio allows at most 10 media items on one message; anything above this is not a Twilio form.
const MAX_MEDIA: u32 = 10;

/// Why a Twilio form could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    /// A required parameter is absent or empty.
    #[error("form parameter `{0}` is missing")]
    Missing(String),
    /// A parameter has a value of the wrong shape.
    #[error("form parameter `{name}` has an invalid value `{value}`")]
    Invalid {
        /// The parameter's name.
        name: String,
        /// The value received.
        value: String,
    },
}

/// An SMS or MMS a contact sent to one of our Twilio numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InboundSms {
    /// `MessageSid` (`SM…`, or `MM…` for MMS): the idempotency key.
    pub message_sid: String,
    /// `AccountSid`: routes the message to the tenant's Twilio account.
    pub account_sid: String,
    /// `MessagingServiceSid`, when the number belongs to a Messaging Service.
    pub messaging_service_sid: Option<String>,
    /// `From`: the contact's number, E.164 for SMS.
    pub from: String,
    /// `To`: our number.
    pub to: String,
    /// `Body`: the re-assembled text (empty for a media-only MMS).
    pub body: String,
    /// `NumSegments`: how many SMS parts the text arrived in.
    pub num_segments: Option<u32>,
    /// `NumMedia`: how many media items are attached.
    pub num_media: u32,
    /// The media items (`MediaUrl{N}`, `MediaContentType{N}`).
    pub media: Vec<SmsMedia>,
    /// `OptOutType` (`STOP`, `START`, `HELP`), sent when Advanced Opt-Out is on for the Messaging Service.
    pub opt_out_type: Option<String>,
}

/// A media item of an MMS. The URL needs the account's credentials to download.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SmsMedia {
    /// `MediaUrl{N}`.
    pub url: String,
    /// `MediaContentType{N}`, e.g. `image/jpeg`.
    pub content_type: Option<String>,
}

impl InboundSms {
    /// The consent change this message asks for: Twilio's `OptOutType` when present, else the body's keyword.
    pub fn opt_keyword(&self) -> Option<OptKeyword> {
        match self.opt_out_type.as_deref().map(str::to_ascii_uppercase).as_deref() {
            Some("STOP") => Some(OptKeyword::OptOut),
            Some("START") => Some(OptKeyword::OptIn),
            _ => opt_keyword(&self.body),
        }
    }
}

/// Reads an inbound-message webhook form. Unknown parameters are ignored (Twilio adds new ones without notice).
pub fn parse_inbound(form: &[(String, String)]) -> Result<InboundSms, FormError> {
    let message_sid = param(form, "MessageSid").or_else(|| param(form, "SmsSid"));
    let num_media = optional_number(form, "NumMedia")?.unwrap_or(0);
    if num_media > MAX_MEDIA {
        return Err(invalid(form, "NumMedia"));
    }
    let media = (0..num_media)
        .map(|n| {
            let url = required(form, &format!("MediaUrl{n}"))?;
            Ok(SmsMedia { url, content_type: param(form, &format!("MediaContentType{n}")) })
        })
        .collect::<Result<_, FormError>>()?;
    Ok(InboundSms {
        message_sid: message_sid.ok_or_else(|| FormError::Missing("MessageSid".to_owned()))?,
        account_sid: required(form, "AccountSid")?,
        messaging_service_sid: param(form, "MessagingServiceSid"),
        from: required(form, "From")?,
        to: required(form, "To")?,
        body: form.iter().find(|(k, _)| k == "Body").map(|(_, v)| v.clone()).unwrap_or_default(),
        num_segments: optional_number(form, "NumSegments")?,
        num_media,
        media,
        opt_out_type: param(form, "OptOutType"),
    })
}

/// The first non-empty value of `name`.
pub(super) fn param(form: &[(String, String)], name: &str) -> Option<String> {
    form.iter().find(|(k, v)| k == name && !v.is_empty()).map(|(_, v)| v.clone())
}

pub(super) fn required(form: &[(String, String)], name: &str) -> Result<String, FormError> {
    param(form, name).ok_or_else(|| FormError::Missing(name.to_owned()))
}

pub(super) fn optional_number(form: &[(String, String)], name: &str) -> Result<Option<u32>, FormError> {
    param(form, name).map(|v| v.trim().parse::<u32>().map_err(|_| invalid(form, name))).transpose()
}

fn invalid(form: &[(String, String)], name: &str) -> FormError {
    FormError::Invalid { name: name.to_owned(), value: param(form, name).unwrap_or_default() }
}
