//! The sandbox provider: what the WhatsApp Cloud API and Twilio's Messages API answer to a send,
//! for sandbox accounts only, followed by the status webhooks they would post — signed with the
//! account's own secret, so they go through exactly the checks a real provider's do.
//!
//! | call | authenticates | answers |
//! |---|---|---|
//! | `POST /sandbox/whatsapp/{version}/{phone_number_id}/messages` | `Authorization: Bearer` = the account's access token | `200 {"messaging_product":"whatsapp","contacts":[…],"messages":[{"id":"wamid.…"}]}`; a read mark `{"success":true}`; `401` code 190; `404` code 100 (no sandbox account); `400` code 100; `400` code 131026 (`#fail`) |
//! | `POST /sandbox/whatsapp/{version}/{phone_number_id}/media` | as above | `200 {"id": "…"}` (a media id for the send that follows); `401`, `404` as above |
//! | `POST /sandbox/twilio/2010-04-01/Accounts/{sid}/Messages.json` | basic auth `sid:auth token` | `201` a message resource (`status: queued`); `401` 20003; `404` 20404; `400` 21602/21603/21604; `400` 21211 (`#fail`) |
//!
//! Failures on demand: a text (or a file's caption) containing [`FAIL_MARKER`] (`#fail`) is refused
//! the way the provider refuses an undeliverable message — Graph `400` code 131026 "Message
//! Undeliverable"; Twilio `400` code 21211 (invalid `To`) — and no status webhook follows.
//!
//! After a WhatsApp send: `sent`, `delivered`, `read` to `/webhooks/whatsapp`; after an SMS:
//! `sent`, `delivered` to `/webhooks/sms/status` (SMS has no read receipts), each a
//! [`super::SandboxSettings::step`] after the previous one.

use std::sync::Arc;

use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use super::{SandboxSettings, ascii_json, form_body, meta_signature, twilio_signature};
use crate::App;
use crate::inbox::channels::lookup::{self, Account, Secret};
use crate::inbox::senders::{Credentials, EmailSender, Outgoing, SendError, Sent};

/// A provider-shaped answer: the status and the JSON body the real API would give.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

/// Why the sandbox cannot answer as a provider.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The sandbox is off: the route does not exist.
    #[error("the sandbox is not enabled")]
    Disabled,
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

fn graph_error(status: u16, code: i64, kind: &str, message: &str) -> Answer {
    Answer { status, body: json!({"error": {"message": message, "type": kind, "code": code, "fbtrace_id": "sandbox"}}) }
}

fn twilio_error(status: u16, code: i64, message: &str) -> Answer {
    Answer {
        status,
        body: json!({"code": code, "message": message, "more_info": format!("https://www.twilio.com/docs/errors/{code}"), "status": status}),
    }
}

fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

fn random_hex() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// The sandbox WhatsApp account of `phone_number_id` when `bearer` is its access token; else
/// Graph's answer (`404` code 100, `401` code 190).
async fn whatsapp_account(
    app: &Arc<App>,
    phone_number_id: &str,
    bearer: Option<&str>,
) -> Result<Result<Account, Answer>, SandboxError> {
    let account = lookup::by_phone_number_id(&app.db, phone_number_id).await?.filter(|a| a.sandbox);
    let Some(account) = account else {
        let message = format!("Unsupported post request. Object with ID '{phone_number_id}' does not exist");
        return Ok(Err(graph_error(404, 100, "GraphMethodException", &message)));
    };
    let token = account.secret(&app.channels.secrets, Secret::AccessToken);
    if !matches!((bearer, token.as_deref()), (Some(given), Some(token)) if same(given, token)) {
        return Ok(Err(graph_error(
            401,
            190,
            "OAuthException",
            "Invalid OAuth access token - Cannot parse access token",
        )));
    }
    Ok(Ok(account))
}

/// A media upload to the sandbox's WhatsApp Cloud API (`POST /{phone_number_id}/media`): the
/// account is checked as for a send and the file is taken as given; the answer is a media id
/// (`{"id": …}`), which the send that follows refers to.
pub async fn whatsapp_media(
    app: &Arc<App>,
    phone_number_id: &str,
    bearer: Option<&str>,
) -> Result<Answer, SandboxError> {
    if app.sandbox.is_none() {
        return Err(SandboxError::Disabled);
    }
    if let Err(refused) = whatsapp_account(app, phone_number_id, bearer).await? {
        return Ok(refused);
    }
    let id: String = uuid::Uuid::new_v4().as_u128().to_string().chars().take(16).collect();
    Ok(Answer { status: 200, body: json!({"id": id}) })
}

/// A send (or a read mark) to the sandbox's WhatsApp Cloud API.
pub async fn whatsapp_send(
    app: &Arc<App>,
    phone_number_id: &str,
    bearer: Option<&str>,
    body: &[u8],
) -> Result<Answer, SandboxError> {
    let sandbox = app.sandbox.clone().ok_or(SandboxError::Disabled)?;
    let account = match whatsapp_account(app, phone_number_id, bearer).await? {
        Ok(account) => account,
        Err(refused) => return Ok(refused),
    };
    let invalid = |what: &str| Ok(graph_error(400, 100, "OAuthException", &format!("(#100) {what}")));
    let Ok(request) = serde_json::from_slice::<Value>(body) else {
        return invalid("The request body is not valid JSON.");
    };
    if request["messaging_product"] != "whatsapp" {
        return invalid("The parameter messaging_product is required.");
    }
    if request["status"] == "read" {
        return Ok(Answer { status: 200, body: json!({"success": true}) });
    }
    let to = request["to"].as_str().map(str::trim).filter(|t| !digits(t).is_empty());
    let Some(to) = to else { return invalid("The parameter to is required.") };
    match request["type"].as_str() {
        Some("text") if request["text"]["body"].as_str().is_none_or(str::is_empty) => {
            return invalid("The parameter text['body'] is required.");
        }
        None => return invalid("The parameter type is required."),
        _ => {}
    }
    // A text's body, or a file's caption (`{"type": "image", "image": {"caption": …}}`).
    let kind = request["type"].as_str().unwrap_or_default();
    let text = request["text"]["body"].as_str().or(request[kind]["caption"].as_str());
    if text.is_some_and(fails_on_demand) {
        return Ok(Answer {
            status: 400,
            body: json!({"error": {"message": "(#131026) Message Undeliverable", "type": "OAuthException",
                                   "code": 131026,
                                   "error_data": {"messaging_product": "whatsapp", "details": "Message Undeliverable."},
                                   "fbtrace_id": "sandbox"}}),
        });
    }
    let wamid = format!("wamid.SANDBOX{}", random_hex().to_uppercase());
    let recipient = digits(to);
    if let Some(secret) = account.secret(&app.channels.secrets, Secret::AppSecret) {
        tokio::spawn(whatsapp_statuses(sandbox, account, secret, wamid.clone(), recipient.clone()));
    }
    Ok(Answer {
        status: 200,
        body: json!({"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": recipient}],
                     "messages": [{"id": wamid}]}),
    })
}

/// A send to the sandbox's Twilio-compatible Messages API (`form` as posted).
pub async fn twilio_send(
    app: &Arc<App>,
    account_sid: &str,
    basic: Option<(&str, &str)>,
    form: &[(String, String)],
) -> Result<Answer, SandboxError> {
    let sandbox = app.sandbox.clone().ok_or(SandboxError::Disabled)?;
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty());
    let Some((user, password)) = basic.filter(|(user, _)| same(user, account_sid)) else {
        return Ok(twilio_error(401, 20003, "Authenticate"));
    };
    let Some(from) = field("From") else {
        return Ok(twilio_error(400, 21603, "A 'From' phone number is required."));
    };
    let accounts = lookup::sms_by_address(&app.db, from).await?;
    let account = accounts.into_iter().find(|a| a.sandbox && a.sms_account_sid.as_deref() == Some(account_sid));
    let Some(account) = account else {
        let message = format!("The requested resource /2010-04-01/Accounts/{account_sid}/Messages.json was not found");
        return Ok(twilio_error(404, 20404, &message));
    };
    let token = account.secret(&app.channels.secrets, Secret::AuthToken);
    if !token.as_deref().is_some_and(|token| same(password, token) && user == account_sid) {
        return Ok(twilio_error(401, 20003, "Authenticate"));
    }
    let Some(to) = field("To") else { return Ok(twilio_error(400, 21604, "A 'To' phone number is required.")) };
    let Some(body) = field("Body") else { return Ok(twilio_error(400, 21602, "Message body is required.")) };
    if fails_on_demand(body) {
        return Ok(twilio_error(400, 21211, &format!("The 'To' number {to} is not a valid phone number.")));
    }
    let sid = format!("SM{}", random_hex());
    let now = chrono::Utc::now().to_rfc2822();
    let uri = format!("/2010-04-01/Accounts/{account_sid}/Messages/{sid}");
    let answer = json!({
        "account_sid": account_sid, "api_version": "2010-04-01", "body": body, "date_created": now,
        "date_sent": null, "date_updated": now, "direction": "outbound-api", "error_code": null,
        "error_message": null, "from": from, "messaging_service_sid": null, "num_media": "0",
        "num_segments": segments(body).to_string(), "price": null, "price_unit": "USD", "sid": sid,
        "status": "queued", "subresource_uris": {"media": format!("{uri}/Media.json")}, "to": to,
        "uri": format!("{uri}.json"),
    });
    if let (Some(token), Some(public_url)) = (token, app.channels.public_url.clone()) {
        let status = SmsStatus { from: from.to_owned(), to: to.to_owned(), sid, account_sid: account_sid.to_owned() };
        tokio::spawn(sms_statuses(sandbox, public_url, token, status));
    }
    Ok(Answer { status: 201, body: answer })
}

/// The marker that makes the sandbox refuse a send, as the provider refuses a message it cannot
/// deliver, so a demo can show the failure path.
pub const FAIL_MARKER: &str = "#fail";

/// Whether a send's text asks the sandbox to fail it (`#fail` anywhere, any case).
fn fails_on_demand(text: &str) -> bool {
    text.to_lowercase().contains(FAIL_MARKER)
}

/// How many SMS segments `body` takes (GSM-7 text: 160, else UCS-2: 70; concatenated: 153 / 67).
fn segments(body: &str) -> usize {
    let (single, part) = if body.is_ascii() { (160, 153) } else { (70, 67) };
    let n = body.chars().count();
    if n <= single { 1 } else { n.div_ceil(part) }
}

/// A sandbox mailbox's reply: nothing is sent (no SMTP in the demo); the message counts as sent
/// with the `Message-ID` it would have carried (without `<>`).
pub fn email_sent(creds: &Credentials, out: &Outgoing) -> Sent {
    let from = creds.from.as_deref().ok_or_else(|| SendError::permanent("config:from", "no sender address"))?;
    Ok(EmailSender::message_id(&out.message_id, from).trim_matches(['<', '>']).to_owned())
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap_or_default()
}

async fn whatsapp_statuses(sandbox: SandboxSettings, account: Account, secret: String, wamid: String, to: String) {
    let http = client();
    let url = format!("{}/webhooks/whatsapp", sandbox.callback_url);
    let number = account.phone_number_id.clone().unwrap_or_default();
    let display = digits(account.address.as_deref().unwrap_or_default());
    for status in ["sent", "delivered", "read"] {
        tokio::time::sleep(sandbox.step).await;
        let value = json!({
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": display, "phone_number_id": number},
            "statuses": [{"id": wamid, "status": status, "timestamp": chrono::Utc::now().timestamp().to_string(),
                          "recipient_id": to}],
        });
        let body = ascii_json(&json!({"object": "whatsapp_business_account",
            "entry": [{"id": "0", "changes": [{"value": value, "field": "messages"}]}]}));
        let request = http
            .post(&url)
            .header("content-type", "application/json")
            .header(channels::whatsapp::SIGNATURE_HEADER, meta_signature(&secret, body.as_bytes()))
            .body(body);
        report("whatsapp", status, request.send().await);
    }
}

struct SmsStatus {
    from: String,
    to: String,
    sid: String,
    account_sid: String,
}

async fn sms_statuses(sandbox: SandboxSettings, public_url: String, token: String, m: SmsStatus) {
    let http = client();
    let path = "/webhooks/sms/status";
    for status in ["sent", "delivered"] {
        tokio::time::sleep(sandbox.step).await;
        let form: Vec<(String, String)> = [
            ("AccountSid", m.account_sid.as_str()),
            ("ApiVersion", "2010-04-01"),
            ("From", m.from.as_str()),
            ("MessageSid", m.sid.as_str()),
            ("MessageStatus", status),
            ("SmsSid", m.sid.as_str()),
            ("SmsStatus", status),
            ("To", m.to.as_str()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let signature = twilio_signature(&format!("{public_url}{path}"), &form, &token);
        let request = http
            .post(format!("{}{path}", sandbox.callback_url))
            .header("content-type", "application/x-www-form-urlencoded")
            .header(channels::sms::SIGNATURE_HEADER, signature)
            .body(form_body(&form));
        report("sms", status, request.send().await);
    }
}

fn report(channel: &str, status: &str, result: Result<reqwest::Response, reqwest::Error>) {
    match result {
        Ok(res) if res.status().is_success() => tracing::debug!(channel, status, "sandbox status webhook delivered"),
        Ok(res) => tracing::warn!(channel, status, http = res.status().as_u16(), "sandbox status webhook refused"),
        Err(e) => tracing::warn!(channel, status, error = %e.without_url(), "sandbox status webhook not delivered"),
    }
}

#[cfg(test)]
mod tests {
    use super::segments;

    #[test]
    fn segments_count_like_twilio() {
        assert_eq!(segments("hello"), 1);
        assert_eq!(segments(&"a".repeat(161)), 2);
        assert_eq!(segments(&"م".repeat(70)), 1);
        assert_eq!(segments(&"م".repeat(71)), 2);
    }
}
