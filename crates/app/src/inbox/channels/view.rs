//! What the channel accounts API takes and returns.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::records::present;

/// A channel: what an account serves and a conversation runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum ChannelKind {
    Whatsapp,
    Sms,
    Email,
}

impl ChannelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Whatsapp => "WHATSAPP",
            ChannelKind::Sms => "SMS",
            ChannelKind::Email => "EMAIL",
        }
    }

    pub fn parse(s: &str) -> Option<ChannelKind> {
        [ChannelKind::Whatsapp, ChannelKind::Sms, ChannelKind::Email].into_iter().find(|k| k.as_str() == s)
    }
}

/// Which secrets an account has (never their values). Shown to admins only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SecretFlags {
    pub access_token: bool,
    pub app_secret: bool,
    pub verify_token: bool,
    pub auth_token: bool,
    pub inbound_secret: bool,
    pub smtp_password: bool,
}

/// A channel account as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChannelView {
    pub id: String,
    pub kind: ChannelKind,
    pub name: String,
    pub active: bool,
    /// Sends go to the demo's local provider stand-in (set by `--demo` only).
    pub sandbox: bool,
    /// WhatsApp: the business number's id (routes webhooks to the agency).
    pub phone_number_id: Option<String>,
    /// WhatsApp: the WhatsApp Business Account id.
    pub waba_id: Option<String>,
    /// The number (E.164) or e-mail address customers see.
    pub address: Option<String>,
    /// SMS: the provider's account SID.
    pub sms_account_sid: Option<String>,
    /// E-mail: the address inbound mail is delivered to (routes `POST /webhooks/email/{address}`).
    pub inbound_address: Option<String>,
    pub smtp_host: Option<String>,
    pub smtp_port: Option<i64>,
    pub smtp_username: Option<String>,
    /// WhatsApp message templates: `[{"name", "category", "languages": ["ar", "en"], "bodies": {"ar": "…"}}]`
    /// (see `app::inbox::channels::templates`).
    #[schema(value_type = Option<Object>)]
    pub templates: Option<Value>,
    /// Which secrets are set (admins only; `null` for everyone else).
    #[serde(default)]
    pub secrets: Option<SecretFlags>,
    pub created_at: String,
    pub updated_at: String,
}

/// A new channel account. Which fields apply depends on `kind`; secrets are write-only.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewChannel {
    #[schema(value_type = ChannelKind)]
    pub kind: Option<ChannelKind>,
    pub name: String,
    pub active: Option<bool>,
    pub phone_number_id: Option<String>,
    pub waba_id: Option<String>,
    pub address: Option<String>,
    pub sms_account_sid: Option<String>,
    pub inbound_address: Option<String>,
    pub smtp_host: Option<String>,
    pub smtp_port: Option<i64>,
    pub smtp_username: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub templates: Option<Value>,
    /// WhatsApp: the Cloud API access token (sends, media downloads).
    pub access_token: Option<String>,
    /// WhatsApp: the Meta app secret (verifies `X-Hub-Signature-256`). Required for WHATSAPP.
    pub app_secret: Option<String>,
    /// WhatsApp: a verify token for the GET handshake (besides the server's own).
    pub verify_token: Option<String>,
    /// SMS: the auth token (verifies `X-Twilio-Signature`, sends). Required for SMS.
    pub auth_token: Option<String>,
    /// E-mail: the bearer secret of the inbound endpoint. Required for EMAIL.
    pub inbound_secret: Option<String>,
    pub smtp_password: Option<String>,
}

/// A partial edit: absent fields stay, `null` clears (a secret too), a value replaces. The kind
/// never changes.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ChannelPatch {
    pub name: Option<String>,
    pub active: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub phone_number_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub waba_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub sms_account_sid: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub inbound_address: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub smtp_host: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub smtp_port: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub smtp_username: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Object>)]
    pub templates: Option<Option<Value>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub access_token: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub app_secret: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub verify_token: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub auth_token: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub inbound_secret: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub smtp_password: Option<Option<String>>,
}
