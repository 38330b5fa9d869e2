//! Twilio Programmable Messaging inbound webhooks: `X-Twilio-Signature` verification, the inbound-message and
//! status-callback forms, and the STOP/START opt-out keywords.
//!
//! Handlers pass the form exactly as received, as `(name, value)` pairs in any order and with repeats kept, and the
//! public URL Twilio requested (scheme, host, path and query, as configured in Twilio, not as seen behind a proxy).
//! For a webhook configured as GET, pass an empty form: the parameters are then part of the signed URL.

mod form;
mod keywords;
mod signature;
mod status;

pub use form::{FormError, InboundSms, SmsMedia, parse_inbound};
pub use keywords::{OptKeyword, opt_keyword};
pub use signature::{SIGNATURE_HEADER, SignatureError, verify_json_signature, verify_signature};
pub use status::{MessageStatus, SmsStatus, parse_status};
