//! Channel accounts (`ChannelAccount`): an agency's WhatsApp numbers, SMS numbers and e-mail
//! mailboxes. Admins create, edit and delete them; every member reads them (the inbox shows which
//! channels exist). Secrets are write-only: accepted on create and edit, sealed
//! ([`super::secrets`]), never returned — an admin's view says only which ones are set.
//!
//! The server's own lookups (a webhook routed by `phone_number_id`, `To` number or inbound
//! address, with the secret that authenticates it) run as the system: see [`lookup`].

mod input;
pub mod lookup;
pub mod templates;
mod view;
mod write;

pub use lookup::{Account, Secret};
pub use view::{ChannelKind, ChannelPatch, ChannelView, NewChannel, SecretFlags};
pub use write::{create, delete, get, list, update};

use crate::records::Records;

use super::secrets::SecretBox;

/// The record use cases of channel accounts.
pub(crate) const ACCOUNTS: Records = Records::new("ChannelAccount");

/// The server-wide channel settings the use cases need (from the config tree).
#[derive(Debug, Clone)]
pub struct ChannelSettings {
    /// Seals and opens the accounts' secrets.
    pub secrets: SecretBox,
    /// An app-level WhatsApp verify token (`channels.whatsapp.verify_token`): one Meta app serving
    /// every agency has one callback URL and one token. Accounts' own verify tokens are accepted too.
    pub whatsapp_verify_token: Option<String>,
    /// Where the WhatsApp Cloud API (Graph API) lives, with its version, e.g.
    /// `https://graph.facebook.com/v21.0` (`channels.whatsapp.graph_base_url`).
    pub graph_base_url: String,
    /// The public base URL providers call (`server.public_url`), e.g. `https://crm.example.com`:
    /// Twilio signs the URL it requested, not the one a proxy forwards.
    pub public_url: Option<String>,
    /// The largest inbound webhook body, in bytes (WhatsApp sends up to 3 MB).
    pub max_webhook_bytes: usize,
    /// The largest raw inbound e-mail, in bytes (attachments included).
    pub max_email_bytes: usize,
}

/// Meta's Graph API (the default of `channels.whatsapp.graph_base_url`).
pub const DEFAULT_GRAPH_BASE_URL: &str = "https://graph.facebook.com/v21.0";

impl Default for ChannelSettings {
    fn default() -> Self {
        ChannelSettings {
            secrets: SecretBox::random(),
            whatsapp_verify_token: None,
            graph_base_url: DEFAULT_GRAPH_BASE_URL.to_owned(),
            public_url: None,
            max_webhook_bytes: 4 * 1024 * 1024,
            max_email_bytes: 25 * 1024 * 1024,
        }
    }
}
