//! Inbound provider deliveries for the unified inbox: verify that a webhook really comes from the provider, then
//! parse it into typed values.
//!
//! Three channels, one module each:
//! - [`whatsapp`]: WhatsApp Cloud API (GET handshake, `X-Hub-Signature-256`, the `messages` webhook body);
//! - [`sms`]: Twilio Programmable Messaging (`X-Twilio-Signature`, inbound and status-callback forms, STOP/START);
//! - [`email`]: raw RFC 822 messages from any inbound-mail provider (headers, bodies, attachments, reply tokens).
//!
//! The crate is pure: no I/O, no async, no database and no HTTP framework. Handlers extract the raw bytes (or the
//! form pairs) and the header, call `verify_*`, then `parse*`, and store what comes back.

#![warn(missing_docs)]

pub mod email;
pub mod sms;
pub mod whatsapp;

mod digest;
