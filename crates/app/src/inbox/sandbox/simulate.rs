//! `manzil simulate`: a customer's message as the provider would post it to this server — the
//! WhatsApp Cloud API's JSON (non-ASCII escaped as Meta does), Twilio's inbound form, a MIME
//! e-mail — signed with the agency's channel secret exactly as the provider signs, so it passes
//! the same checks a real delivery does. Works for sandbox and real accounts alike (a sandbox
//! account is preferred when an agency has both).

use serde_json::{Value, json};

use super::{ascii_json, form_body, meta_signature, twilio_signature};
use crate::App;
use crate::inbox::channels::ChannelKind;
use crate::inbox::channels::lookup::{Account, Secret, with_secrets};

/// What the customer sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbound {
    Whatsapp { from: String, text: String, name: Option<String> },
    Sms { from: String, text: String },
    Email { from: String, subject: String, text: String, name: Option<String> },
}

impl Inbound {
    fn kind(&self) -> ChannelKind {
        match self {
            Inbound::Whatsapp { .. } => ChannelKind::Whatsapp,
            Inbound::Sms { .. } => ChannelKind::Sms,
            Inbound::Email { .. } => ChannelKind::Email,
        }
    }
}

fn kind_name(kind: ChannelKind) -> &'static str {
    match kind {
        ChannelKind::Whatsapp => "WHATSAPP",
        ChannelKind::Sms => "SMS",
        ChannelKind::Email => "EMAIL",
    }
}

/// A signed provider delivery, ready to post.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The webhook path on the server (`/webhooks/whatsapp`, …).
    pub path: String,
    /// Content type and signature / authorization headers.
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
    /// The channel account it goes to (for the message printed after a 200).
    pub channel_name: String,
    pub agency_name: String,
}

/// Why a delivery cannot be built or posted.
#[derive(Debug, thiserror::Error)]
pub enum SimulateError {
    #[error("no agency with the slug `{0}` (the demo agencies, `dar` and `harbor`, come with `manzil serve --demo`)")]
    UnknownTenant(String),
    #[error("agency `{tenant}` has no active {kind} channel (an admin adds one under /api/v1/channels)")]
    NoChannel { tenant: String, kind: &'static str },
    #[error("the {0} of the channel is not set or cannot be opened with this server's inbox key")]
    MissingSecret(&'static str),
    #[error("`{0}` is not a phone number in international form, such as +971501234567")]
    BadPhone(String),
    #[error("`{0}` is not an e-mail address")]
    BadEmail(String),
    #[error("cannot reach the server at {server}: {reason} (is `manzil serve` running? pass --server)")]
    Unreachable { server: String, reason: String },
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

/// The server's answer to a posted delivery.
#[derive(Debug, Clone)]
pub struct Posted {
    pub status: u16,
    pub body: String,
}

/// Reads `tenant`'s channel of the message's kind (as the system: a CLI has no user) and builds
/// the provider's signed delivery. `public_url` is the base Twilio signs against
/// (`server.public_url`, else the server's address).
pub async fn build(app: &App, tenant: &str, inbound: &Inbound, public_url: &str) -> Result<Delivery, SimulateError> {
    let system = app.db.as_system("inbox: simulate a customer's message (manzil simulate)");
    let agency = system.run("Tenant", "findUnique", &json!({"where": {"slug": tenant}})).await?;
    let Some(tenant_id) = agency["id"].as_str() else { return Err(SimulateError::UnknownTenant(tenant.to_owned())) };
    let kind = inbound.kind();
    let rows = system
        .run(
            "ChannelAccount",
            "findMany",
            &json!({"where": {"tenantId": tenant_id, "kind": kind_name(kind), "active": true},
                    "omit": with_secrets(), "orderBy": [{"sandbox": "desc"}, {"createdAt": "asc"}]}),
        )
        .await?;
    let row = rows.as_array().and_then(|rows| rows.first()).cloned().unwrap_or_default();
    let channel_name = row["name"].as_str().unwrap_or_default().to_owned();
    let Some(account) = Account::from_row(row) else {
        return Err(SimulateError::NoChannel { tenant: tenant.to_owned(), kind: kind_name(kind) });
    };
    let secret = |s: Secret, what: &'static str| {
        account.secret(&app.channels.secrets, s).ok_or(SimulateError::MissingSecret(what))
    };
    let phone =
        |from: &str| domain::PhoneE164::parse_international(from).map_err(|_| SimulateError::BadPhone(from.to_owned()));
    let (path, headers, body) = match inbound {
        Inbound::Whatsapp { from, text, name } => {
            let from = phone(from)?;
            let body = ascii_json(&whatsapp_payload(&account, from.digits(), text, name.as_deref()));
            let signature = meta_signature(&secret(Secret::AppSecret, "app secret")?, body.as_bytes());
            let headers = vec![
                ("content-type", "application/json".to_owned()),
                (channels::whatsapp::SIGNATURE_HEADER, signature),
            ];
            ("/webhooks/whatsapp".to_owned(), headers, body.into_bytes())
        }
        Inbound::Sms { from, text } => {
            let from = phone(from)?;
            let form = sms_form(&account, from.as_str(), text);
            let path = "/webhooks/sms";
            let url = format!("{}{path}", public_url.trim_end_matches('/'));
            let signature = twilio_signature(&url, &form, &secret(Secret::AuthToken, "auth token")?);
            let headers = vec![
                ("content-type", "application/x-www-form-urlencoded".to_owned()),
                (channels::sms::SIGNATURE_HEADER, signature),
            ];
            (path.to_owned(), headers, form_body(&form).into_bytes())
        }
        Inbound::Email { from, subject, text, name } => {
            let to = account.inbound_address.clone().unwrap_or_else(|| account.id.clone());
            let mime = email_message(from, name.as_deref(), &to, subject, text)?;
            let headers = vec![
                ("content-type", "message/rfc822".to_owned()),
                ("authorization", format!("Bearer {}", secret(Secret::InboundSecret, "inbound secret")?)),
            ];
            (format!("/webhooks/email/{to}"), headers, mime)
        }
    };
    let agency_name = agency["name"].as_str().unwrap_or(tenant).to_owned();
    Ok(Delivery { path, headers, body, channel_name, agency_name })
}

/// Posts `delivery` to the server at `server` (`http://127.0.0.1:8080`).
pub async fn post(server: &str, delivery: &Delivery) -> Result<Posted, SimulateError> {
    let http =
        reqwest::Client::builder().timeout(std::time::Duration::from_secs(30)).no_proxy().build().unwrap_or_default();
    let mut request = http.post(format!("{}{}", server.trim_end_matches('/'), delivery.path));
    for (name, value) in &delivery.headers {
        request = request.header(*name, value);
    }
    let unreachable = |e: reqwest::Error| SimulateError::Unreachable {
        server: server.to_owned(),
        reason: e.without_url().to_string(),
    };
    let res = request.body(delivery.body.clone()).send().await.map_err(unreachable)?;
    let status = res.status().as_u16();
    let body = res.text().await.unwrap_or_default();
    Ok(Posted { status, body })
}

/// A WhatsApp Cloud API `messages` notification with one text message, as Meta sends it.
fn whatsapp_payload(account: &Account, wa_id: &str, text: &str, name: Option<&str>) -> Value {
    let mut contact = json!({"wa_id": wa_id});
    if let Some(name) = name {
        contact["profile"] = json!({"name": name});
    }
    let display: String = account.address.as_deref().unwrap_or_default().chars().filter(char::is_ascii_digit).collect();
    let value = json!({
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": display, "phone_number_id": account.phone_number_id},
        "contacts": [contact],
        "messages": [{"from": wa_id, "id": format!("wamid.SIM{}", uuid::Uuid::new_v4().simple()),
                      "timestamp": chrono::Utc::now().timestamp().to_string(), "type": "text", "text": {"body": text}}],
    });
    json!({"object": "whatsapp_business_account", "entry": [{"id": "0", "changes": [{"value": value, "field": "messages"}]}]})
}

/// Twilio's inbound message form.
fn sms_form(account: &Account, from: &str, text: &str) -> Vec<(String, String)> {
    let sid = format!("SM{}", uuid::Uuid::new_v4().simple());
    let account_sid = account.sms_account_sid.clone().unwrap_or_default();
    let to = account.address.clone().unwrap_or_default();
    [
        ("ToCountry", "AE"),
        ("SmsMessageSid", sid.as_str()),
        ("NumMedia", "0"),
        ("SmsSid", sid.as_str()),
        ("SmsStatus", "received"),
        ("Body", text),
        ("To", to.as_str()),
        ("NumSegments", "1"),
        ("MessageSid", sid.as_str()),
        ("AccountSid", account_sid.as_str()),
        ("From", from),
        ("ApiVersion", "2010-04-01"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// A plain-text MIME message (lettre writes non-ASCII subjects as RFC 2047 words).
fn email_message(
    from: &str,
    name: Option<&str>,
    to: &str,
    subject: &str,
    text: &str,
) -> Result<Vec<u8>, SimulateError> {
    use lettre::message::Mailbox;
    use lettre::message::header::ContentType;
    let from_address = from.parse().map_err(|_| SimulateError::BadEmail(from.to_owned()))?;
    let to_address = to.parse().map_err(|_| SimulateError::BadEmail(to.to_owned()))?;
    let domain = from.rsplit_once('@').map(|(_, d)| d).unwrap_or("example.com");
    let message = lettre::Message::builder()
        .from(Mailbox::new(name.map(str::to_owned), from_address))
        .to(Mailbox::new(None, to_address))
        .subject(subject)
        .message_id(Some(format!("<sim-{}@{domain}>", uuid::Uuid::new_v4().simple())))
        .date_now()
        .header(ContentType::TEXT_PLAIN)
        .body(text.to_owned())
        .map_err(|_| SimulateError::BadEmail(from.to_owned()))?;
    Ok(message.formatted())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_subjects_are_encoded_words_and_parse_back() {
        let raw = email_message("buyer@example.com", Some("مريم"), "inbox@dar.demo", "استفسار عن شقة", "مرحبا")
            .unwrap_or_default();
        let head = String::from_utf8_lossy(&raw);
        assert!(head.contains("Subject: =?utf-8?"), "{head}");
        let parsed = channels::email::parse(&raw);
        let parsed = parsed.as_ref().ok();
        assert_eq!(parsed.map(|m| m.subject.clone()), Some(Some("استفسار عن شقة".to_owned())));
        assert_eq!(parsed.and_then(|m| m.text.as_deref()).map(str::trim), Some("مرحبا"));
    }
}
