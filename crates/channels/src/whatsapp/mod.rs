//! WhatsApp Cloud API inbound webhooks: the GET verification handshake, the `X-Hub-Signature-256` check over the raw
//! body, and the parser that turns a `whatsapp_business_account` notification into typed messages and statuses.
//!
//! The order in a handler is always: take the body as raw bytes, [`verify_signature`], then [`parse`]. Never parse
//! and re-serialise before verifying: Meta signs the bytes it sent (with non-ASCII escaped as `\uXXXX`), and any
//! re-encoding changes them.

mod handshake;
mod parse;
mod signature;
mod types;
mod wire;

pub use handshake::{HandshakeError, verify_handshake};
pub use parse::{ParseError, parse};
pub use signature::{SIGNATURE_HEADER, SignatureError, verify_signature};
pub use types::{
    Conversation, Delivery, DeliveryStatus, InboundMessage, InteractiveKind, InteractiveReply, Location, Media,
    MessageKind, OtherChange, Pricing, ProviderError, Referral, SharedContact, SharedPhone, SkippedItem, StatusUpdate,
    ValueError,
};
