//! The unified inbox: WhatsApp, SMS and e-mail flow into one Message table (`schema.zmodel`,
//! "The inbox"), new messages reach the right agents in real time, replies go back through the
//! same channel.
//!
//! Parts: [`events`] (what happened, recorded in `InboxEvent` and published on the event bus the
//! Socket.IO layer listens to).

pub mod channels;
pub mod conversations;
pub mod delivery;
pub mod events;
pub mod inbound;
pub mod outbound;
pub mod realtime;
pub mod sandbox;
pub mod secrets;
pub mod senders;
