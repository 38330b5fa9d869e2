//! The demo's offline loop: a sandbox provider served by Manzil itself, and the signed inbound
//! deliveries `manzil simulate` posts.
//!
//! - [`provider`]: accepts sends the way the WhatsApp Cloud API and Twilio's Messages API do (same
//!   paths, same authentication, same answers), then posts *signed* status webhooks (sent →
//!   delivered → read) back to this server's own `/webhooks/…` endpoints, a [`SandboxSettings::step`]
//!   apart. E-mail is not sent at all: a sandbox mailbox's reply is marked `SENT` with the
//!   `Message-ID` it would have carried ([`provider::email_sent`]).
//! - [`simulate`]: builds what a provider would post for a customer's message (WhatsApp JSON,
//!   Twilio form, MIME mail), signed with the channel's own secret, for the CLI and the tests.
//!
//! The sandbox exists only when [`crate::App::sandbox`] is set (`serve --demo` or
//! `channels.sandbox = true`), and only accounts with `sandbox = true` use it: [`sender_settings`]
//! sends a sandbox account's messages there and never a real account's.

pub mod provider;
pub mod simulate;

use std::time::Duration;

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};

use super::senders::SenderSettings;

/// Where the sandbox is (set by the composition root once the listener is bound).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxSettings {
    /// Where senders reach the sandbox: `server.public_url`, else this server's loopback address
    /// (`http://127.0.0.1:8080`), without a trailing slash.
    pub base_url: String,
    /// Where the sandbox posts its status webhooks: this server's loopback address.
    pub callback_url: String,
    /// The wait before each status webhook (sent, delivered, read).
    pub step: Duration,
}

/// The Graph API version the sandbox's WhatsApp path carries.
pub const GRAPH_VERSION: &str = "v21.0";

/// The path prefix of the sandbox's WhatsApp Cloud API (`{base}/sandbox/whatsapp/{version}`).
pub const WHATSAPP_PREFIX: &str = "/sandbox/whatsapp";
/// The path prefix of the sandbox's Twilio-compatible API (`{base}/sandbox/twilio`).
pub const TWILIO_PREFIX: &str = "/sandbox/twilio";

/// The provider settings a message of an account is sent with: the configured real APIs for a
/// real account; the sandbox for a sandbox account. A sandbox account while the sandbox is off
/// gets `Err("config:sandbox")` (its message fails; it is never sent to a real API).
pub fn sender_settings(app: &crate::App, sandbox_account: bool) -> Result<SenderSettings, &'static str> {
    let real = SenderSettings::of(app);
    if !sandbox_account {
        return Ok(real);
    }
    let sandbox = app.sandbox.as_ref().ok_or("config:sandbox")?;
    Ok(SenderSettings {
        graph_base_url: format!("{}{WHATSAPP_PREFIX}/{GRAPH_VERSION}", sandbox.base_url),
        sms_base_url: format!("{}{TWILIO_PREFIX}", sandbox.base_url),
        ..real
    })
}

/// `sha256=<hex>`: the `X-Hub-Signature-256` Meta puts on a webhook `body` for `app_secret`.
pub fn meta_signature(app_secret: &str, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(app_secret.as_bytes()) else {
        return String::new();
    };
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    format!("sha256={}", digest.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// The `X-Twilio-Signature` Twilio puts on a form posted to `url`: base64 HMAC-SHA1 of the URL
/// followed by every `name value`, sorted by name.
pub fn twilio_signature(url: &str, form: &[(String, String)], auth_token: &str) -> String {
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(auth_token.as_bytes()) else {
        return String::new();
    };
    let mut pairs: Vec<&(String, String)> = form.iter().collect();
    pairs.sort();
    mac.update(url.as_bytes());
    for (name, value) in pairs {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// A form body (`application/x-www-form-urlencoded`).
pub fn form_body(form: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish()
}

/// JSON with every non-ASCII character escaped as `\uXXXX`, the way Meta sends it.
pub fn ascii_json(value: &serde_json::Value) -> String {
    let mut out = String::new();
    for c in value.to_string().chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_with_the_channel_checks() {
        let body = ascii_json(&serde_json::json!({"text": "مرحبا 👋"}));
        assert!(body.is_ascii() && body.contains("\\u0645") && body.contains("\\ud83d\\udc4b"), "{body}");
        let parsed: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        assert_eq!(parsed["text"], "مرحبا 👋");
        let header = meta_signature("s3cret", body.as_bytes());
        assert!(channels::whatsapp::verify_signature(body.as_bytes(), Some(&header), b"s3cret").is_ok());

        let form = vec![("To".to_owned(), "+97145550102".to_owned()), ("Body".to_owned(), "مرحبا".to_owned())];
        let url = "http://127.0.0.1:8080/webhooks/sms";
        let sig = twilio_signature(url, &form, "tok");
        assert!(channels::sms::verify_signature(url, &form, Some(&sig), "tok").is_ok());
        assert_eq!(form_body(&form), "To=%2B97145550102&Body=%D9%85%D8%B1%D8%AD%D8%A8%D8%A7");
    }
}
