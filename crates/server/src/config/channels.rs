//! `[channels]`: where the messaging providers are. Real defaults; tests and the demo point them
//! at local stand-ins.

use serde::Deserialize;

use super::Secret;

/// The messaging providers' settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChannelsConfig {
    pub whatsapp: WhatsAppConfig,
    pub sms: SmsConfig,
    /// How long one provider call (a send, a read mark) may take before it is retried later.
    pub send_timeout_ms: u64,
    /// The largest WhatsApp or SMS webhook body, in bytes (Meta sends up to 3 MB).
    pub max_webhook_bytes: usize,
    /// The largest raw inbound e-mail, in bytes.
    pub max_email_bytes: usize,
    /// Serve the demo's sandbox provider (`/sandbox/…`) and send sandbox accounts' messages to it.
    /// Off unless set here or by `serve --demo`; real accounts never use it.
    pub sandbox: bool,
    /// The sandbox's wait before each status webhook (sent, delivered, read).
    pub sandbox_step_ms: u64,
}

/// `[channels.whatsapp]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WhatsAppConfig {
    /// The Graph API with its version (`https://graph.facebook.com/v21.0`).
    pub graph_base_url: String,
    /// The app-level verify token of Meta's GET handshake (one Meta app, one callback URL, one
    /// token). Accounts may also carry their own.
    pub verify_token: Option<Secret<String>>,
}

/// `[channels.sms]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmsConfig {
    /// A Twilio-compatible REST API (`https://api.twilio.com`).
    pub base_url: String,
}

impl Default for ChannelsConfig {
    fn default() -> Self {
        Self {
            whatsapp: WhatsAppConfig::default(),
            sms: SmsConfig::default(),
            send_timeout_ms: 15_000,
            max_webhook_bytes: 4 * 1024 * 1024,
            max_email_bytes: 25 * 1024 * 1024,
            sandbox: false,
            sandbox_step_ms: 1_500,
        }
    }
}

impl Default for WhatsAppConfig {
    fn default() -> Self {
        Self { graph_base_url: app::inbox::channels::DEFAULT_GRAPH_BASE_URL.to_owned(), verify_token: None }
    }
}

impl Default for SmsConfig {
    fn default() -> Self {
        Self { base_url: app::inbox::senders::DEFAULT_SMS_BASE_URL.to_owned() }
    }
}

impl ChannelsConfig {
    /// The sandbox provider's settings for a server listening on `addr` (`None` when it is off):
    /// senders reach it at `public_url` (else the loopback address), it calls back on loopback.
    pub fn sandbox(
        &self,
        public_url: Option<&str>,
        addr: std::net::SocketAddr,
    ) -> Option<app::inbox::sandbox::SandboxSettings> {
        if !self.sandbox {
            return None;
        }
        let callback_url = loopback_url(addr);
        Some(app::inbox::sandbox::SandboxSettings {
            base_url: public_url.map(|u| u.trim_end_matches('/').to_owned()).unwrap_or_else(|| callback_url.clone()),
            callback_url,
            step: std::time::Duration::from_millis(self.sandbox_step_ms),
        })
    }

    /// The outbound settings of the app.
    pub fn outbound(&self) -> app::inbox::senders::OutboundSettings {
        app::inbox::senders::OutboundSettings {
            sms_base_url: self.sms.base_url.trim_end_matches('/').to_owned(),
            timeout: std::time::Duration::from_millis(self.send_timeout_ms.max(1)),
        }
    }
}

/// `http://127.0.0.1:{port}` for a server listening on `addr` (any address: its loopback).
pub fn loopback_url(addr: std::net::SocketAddr) -> String {
    match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv6() => format!("http://[::1]:{}", addr.port()),
        ip if ip.is_unspecified() => format!("http://127.0.0.1:{}", addr.port()),
        _ => format!("http://{addr}"),
    }
}

impl super::Config {
    /// Problems of the inbound settings (`server.public_url`, `inbox.secret_key`, body limits).
    pub(super) fn inbox_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(url) = &self.server.public_url {
            let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
            if rest.is_none_or(|r| r.is_empty() || r.trim_end_matches('/').contains('/')) {
                problems.push(format!(
                    "server.public_url (MANZIL__SERVER__PUBLIC_URL): the public base URL providers call, such as \
                     `https://crm.example.com` (scheme and host, no path), not `{url}`"
                ));
            }
        }
        if let Some(key) = &self.inbox.secret_key
            && app::inbox::secrets::SecretBox::from_base64(key.expose()).is_err()
        {
            problems.push(
                "inbox.secret_key (MANZIL__INBOX__SECRET_KEY): base64 of exactly 32 bytes, e.g. \
                 `openssl rand -base64 32`; or leave it unset to use a generated key in the data directory"
                    .to_owned(),
            );
        }
        if self.channels.max_webhook_bytes < 64 * 1024 || self.channels.max_email_bytes < 64 * 1024 {
            problems.push("channels.max_webhook_bytes / max_email_bytes: at least 65536".to_owned());
        }
        problems
    }
}

/// `[inbox]`: the key that seals channel secrets at rest.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InboxConfig {
    /// Base64 of 32 bytes. When unset, one is generated once and kept in `{data_dir}/inbox.key`
    /// (mode 0600). Losing it makes the stored channel secrets unreadable (re-enter them).
    pub secret_key: Option<Secret<String>>,
}

#[cfg(test)]
mod tests {
    use super::super::{Config, Mode, Secret};

    #[test]
    fn inbound_settings_are_checked() {
        let mut c = Config::default();
        c.server.public_url = Some("https://crm.example.com/".to_owned());
        assert!(c.validate(Mode::Test).is_ok());
        c.server.public_url = Some("crm.example.com/webhooks".to_owned());
        c.inbox.secret_key = Some(Secret::new("too-short".to_owned()));
        let e = c.validate(Mode::Test).unwrap_err();
        assert!(e.contains("server.public_url") && e.contains("inbox.secret_key"), "{e}");
        assert!(!e.contains("too-short"), "the key is never printed");
    }
}
