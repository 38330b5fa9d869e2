//! Sending through the providers: one [`Sender`] per channel — the WhatsApp Cloud API, a
//! Twilio-compatible SMS API, SMTP — and what their answers mean ([`SendError`]: retry later, or
//! a permanent failure with the provider's code and a message an agent understands, in Arabic
//! and English). Base URLs are configuration ([`SenderSettings`]), so tests and the demo point
//! them at a local stand-in.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use domain::Locale;
use serde_json::{Value, json};

/// Where the providers are and how long to wait for them (built from [`super::channels::ChannelSettings`]
/// and [`OutboundSettings`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SenderSettings {
    /// The Graph API's base URL with its version (`https://graph.facebook.com/v21.0`).
    pub graph_base_url: String,
    /// The Twilio-compatible API's base URL (`https://api.twilio.com`).
    pub sms_base_url: String,
    /// How long one provider call may take before it counts as a (transient) timeout.
    pub timeout: Duration,
}

impl SenderSettings {
    /// The settings of `app`'s configuration.
    pub fn of(app: &crate::App) -> SenderSettings {
        SenderSettings {
            graph_base_url: app.channels.graph_base_url.clone(),
            sms_base_url: app.outbound.sms_base_url.clone(),
            timeout: app.outbound.timeout,
        }
    }
}

/// The outbound side's own configuration (`channels.sms.base_url`, `channels.send_timeout_ms`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundSettings {
    /// The Twilio-compatible API's base URL.
    pub sms_base_url: String,
    /// How long one provider call may take.
    pub timeout: Duration,
}

/// Twilio's REST API (the default of `channels.sms.base_url`).
pub const DEFAULT_SMS_BASE_URL: &str = "https://api.twilio.com";

impl Default for OutboundSettings {
    fn default() -> Self {
        OutboundSettings { sms_base_url: DEFAULT_SMS_BASE_URL.into(), timeout: Duration::from_secs(15) }
    }
}

/// What to send: one message of a conversation, with what the channel needs to address it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    /// Our message id (e-mail derives its `Message-ID` from it).
    pub message_id: String,
    /// The customer's address: wa_id / E.164 phone / e-mail address.
    pub to: String,
    pub content: Content,
    /// The provider id of the message this one answers (WhatsApp context, e-mail `In-Reply-To`).
    pub reply_to: Option<String>,
    /// E-mail: the thread's earlier `Message-ID`s, oldest first (`References`).
    pub references: Vec<String>,
    /// E-mail: the subject line.
    pub subject: Option<String>,
    /// E-mail: the conversation, named in `Reply-To: reply+{id}@…` so a reply threads even when
    /// the customer's client drops the threading headers.
    pub conversation_id: Option<String>,
    /// A file to send (WhatsApp: uploaded, then sent by media id with the text as its caption;
    /// e-mail: attached).
    pub media: Option<Media>,
}

/// A file sent with a message, read from storage by the delivery job.
#[derive(Clone, PartialEq)]
pub struct Media {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Media {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Media")
            .field("name", &self.name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

impl Media {
    /// The WhatsApp message type of this file: image, audio, video, or document for the rest.
    pub fn whatsapp_type(&self) -> &'static str {
        let essence = self.content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        match essence.split_once('/').map(|(t, _)| t) {
            Some("image") if matches!(essence.as_str(), "image/jpeg" | "image/png") => "image",
            Some("audio") => "audio",
            Some("video") => "video",
            _ => "document",
        }
    }
}

/// The body of an outgoing message.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    Text(String),
    /// A WhatsApp template by name and language code (`ar`, `en_US`).
    Template {
        name: String,
        language: String,
    },
}

/// A channel account's credentials, opened from their sealed columns (never logged).
#[derive(Clone, Default)]
pub struct Credentials {
    /// WhatsApp: the business number's id.
    pub phone_number_id: Option<String>,
    /// WhatsApp: the bearer token.
    pub access_token: Option<String>,
    /// SMS: the account sid; with `auth_token`, basic auth.
    pub account_sid: Option<String>,
    pub auth_token: Option<String>,
    /// The sender: the SMS number, the e-mail address.
    pub from: Option<String>,
    /// E-mail: the address customers write to (its domain takes the `reply+{conversation}@`
    /// replies).
    pub inbound_address: Option<String>,
    pub smtp_host: Option<String>,
    pub smtp_port: Option<u16>,
    pub smtp_username: Option<String>,
    pub smtp_password: Option<String>,
    /// A sandbox account (the demo's): sent to the sandbox provider, never to a real API.
    pub sandbox: bool,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("phone_number_id", &self.phone_number_id).finish_non_exhaustive()
    }
}

/// Why a send did not go through.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later, and the provider does not have the message: it answered a
    /// refusal (a 429, a 5xx with its own error body, a throttling code) or was never reached
    /// (connection refused, connect timeout).
    #[error("transient: {0}")]
    Transient(String),
    /// Worth trying again later, but the request may have reached the provider: no answer came
    /// (a timeout after connecting, a connection cut mid-request), a 5xx without the provider's
    /// error body (a gateway's), or a success without a message id. The attempt that finally
    /// sends it marks the message `possibleDuplicate`.
    #[error("uncertain: {0}")]
    Uncertain(String),
    /// Trying again cannot help: the provider's `code` (`whatsapp:131047`) and its detail.
    #[error("permanent: {code}: {detail}")]
    Permanent { code: String, detail: String },
}

impl SendError {
    /// The permanent failure for `code`, e.g. a missing credential (`config:access_token`).
    pub fn permanent(code: impl Into<String>, detail: impl Into<String>) -> SendError {
        SendError::Permanent { code: code.into(), detail: detail.into() }
    }

    /// The same error of a step that sends no message (a media upload): an unanswered upload
    /// cannot make the customer receive anything twice.
    fn sends_nothing(self) -> SendError {
        match self {
            SendError::Uncertain(reason) => SendError::Transient(reason),
            other => other,
        }
    }
}

/// What a provider answered to an accepted send: its message id.
pub type Sent = Result<String, SendError>;

/// A boxed send future (the trait is used as `dyn Sender`).
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Sent> + Send + 'a>>;

/// Sends on one channel.
pub trait Sender: Send + Sync {
    fn send<'a>(&'a self, creds: &'a Credentials, out: &'a Outgoing) -> SendFuture<'a>;
}

/// The HTTP client every provider call goes through (one timeout, no redirects). Connecting has
/// its own timeout so that a provider never reached is told apart from one that did not answer.
pub fn http_client(settings: &SenderSettings) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default()
}

fn transport_error(e: reqwest::Error) -> SendError {
    // All may pass; only a request never sent is known not to have arrived. The URL is left out.
    if e.is_connect() {
        return SendError::Transient(format!("cannot reach the provider: {}", e.without_url()));
    }
    if e.is_timeout() {
        return SendError::Uncertain("the provider timed out".into());
    }
    SendError::Uncertain(format!("no answer from the provider: {}", e.without_url()))
}

/// A non-success answer: `code` is the provider's own (`whatsapp:131026`), or `None` when the body
/// was not the provider's error document (then `http:{status}`).
fn status_error(status: reqwest::StatusCode, code: Option<String>, detail: String) -> SendError {
    let retry = status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS;
    match code {
        // A bare 5xx comes from a gateway, which may have passed the request on.
        None if status.is_server_error() => SendError::Uncertain(format!("{status} without the provider's error")),
        Some(code) if retry => SendError::Transient(format!("{status}: {code} {detail}")),
        None if retry => SendError::Transient(format!("{status} {detail}")),
        code => SendError::Permanent { code: code.unwrap_or_else(|| format!("http:{}", status.as_u16())), detail },
    }
}

/// The WhatsApp Cloud API: `POST {graph}/{version}/{phone_number_id}/messages`, bearer token.
pub struct WhatsAppSender {
    pub settings: SenderSettings,
    pub http: reqwest::Client,
}

impl WhatsAppSender {
    /// The request body for `out` (the documented shapes: text, template, with a reply context).
    pub fn payload(out: &Outgoing) -> Value {
        let mut body = json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": out.to});
        match &out.content {
            Content::Text(text) => {
                body["type"] = json!("text");
                body["text"] = json!({"preview_url": false, "body": text});
            }
            Content::Template { name, language } => {
                body["type"] = json!("template");
                body["template"] = json!({"name": name, "language": {"code": language}});
            }
        }
        if let Some(reply_to) = &out.reply_to {
            body["context"] = json!({"message_id": reply_to});
        }
        body
    }

    /// The request body sending uploaded media `media_id` (type by the file's content type; the
    /// text, if any, as the caption — audio takes none).
    pub fn media_payload(out: &Outgoing, media: &Media, media_id: &str) -> Value {
        let kind = media.whatsapp_type();
        let mut object = json!({ "id": media_id });
        if let Content::Text(caption) = &out.content
            && !caption.is_empty()
            && kind != "audio"
        {
            object["caption"] = json!(caption);
        }
        if kind == "document" {
            object["filename"] = json!(media.name);
        }
        let mut body = json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": out.to,
                              "type": kind});
        body[kind] = object;
        if let Some(reply_to) = &out.reply_to {
            body["context"] = json!({"message_id": reply_to});
        }
        body
    }

    /// Uploads `media` (`POST {graph}/{phone_number_id}/media`, multipart: `messaging_product`,
    /// `type`, `file`); returns the media id.
    pub async fn upload(&self, creds: &Credentials, media: &Media) -> Result<String, SendError> {
        let pnid = creds.phone_number_id.as_deref().ok_or_else(|| missing("phone_number_id"))?;
        let token = creds.access_token.as_deref().ok_or_else(|| missing("access_token"))?;
        let url = format!("{}/{pnid}/media", self.settings.graph_base_url.trim_end_matches('/'));
        let (content_type, body) = multipart(media);
        let res = self
            .http
            .post(url)
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .map_err(transport_error)?;
        let answer = Self::answer(res).await?;
        answer["id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| SendError::Transient("the Graph API answered an upload without a media id".into()))
    }

    /// Marks an inbound message read on the customer's phone.
    pub async fn mark_read(&self, creds: &Credentials, provider_message_id: &str) -> Sent {
        let body = json!({"messaging_product": "whatsapp", "status": "read", "message_id": provider_message_id});
        self.post(creds, &body).await.map(|_| provider_message_id.to_owned())
    }

    async fn post(&self, creds: &Credentials, body: &Value) -> Result<Value, SendError> {
        let pnid = creds.phone_number_id.as_deref().ok_or_else(|| missing("phone_number_id"))?;
        let token = creds.access_token.as_deref().ok_or_else(|| missing("access_token"))?;
        let url = format!("{}/{pnid}/messages", self.settings.graph_base_url.trim_end_matches('/'));
        let res = self.http.post(url).bearer_auth(token).json(body).send().await.map_err(transport_error)?;
        Self::answer(res).await
    }

    /// The Graph API's answer: its JSON, or what its error means.
    async fn answer(res: reqwest::Response) -> Result<Value, SendError> {
        let status = res.status();
        let answer: Value = res.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(answer);
        }
        let err = &answer["error"];
        let code = err["code"].as_i64().map(|c| format!("whatsapp:{c}"));
        let detail = err["error_data"]["details"].as_str().or(err["message"].as_str()).unwrap_or_default().to_owned();
        // Graph answers throttling (130429, 131056, 80007, 4) and temporary faults (1, 2, 131000,
        // 131016) with 4xx/5xx alike: retry those whatever the status.
        let retryable = matches!(err["code"].as_i64(), Some(1 | 2 | 4 | 80007 | 130429 | 131000 | 131016 | 131056));
        if retryable {
            return Err(SendError::Transient(format!("{} {detail}", code.unwrap_or_default())));
        }
        Err(status_error(status, code, detail))
    }
}

impl Sender for WhatsAppSender {
    fn send<'a>(&'a self, creds: &'a Credentials, out: &'a Outgoing) -> SendFuture<'a> {
        Box::pin(async move {
            let payload = match &out.media {
                Some(media) => {
                    let id = self.upload(creds, media).await.map_err(SendError::sends_nothing)?;
                    Self::media_payload(out, media, &id)
                }
                None => Self::payload(out),
            };
            let answer = self.post(creds, &payload).await?;
            answer["messages"][0]["id"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| SendError::Uncertain("the Graph API answered without a message id".into()))
        })
    }
}

/// A `multipart/form-data` body of the Graph media upload: `(content type, bytes)`.
fn multipart(media: &Media) -> (String, Vec<u8>) {
    let boundary = format!("manzil-{}", uuid::Uuid::new_v4().simple());
    // Quotes and line breaks cannot end the parameter early; the name is informative only.
    let name: String =
        media.name.chars().map(|c| if c == '"' || c == '\\' || c.is_control() { '_' } else { c }).collect();
    let mut body = Vec::with_capacity(media.bytes.len() + 512);
    for (field, value) in [("messaging_product", "whatsapp"), ("type", media.content_type.as_str())] {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: {}\r\n\r\n",
            media.content_type
        )
        .as_bytes(),
    );
    body.extend_from_slice(&media.bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A Twilio-compatible SMS API: `POST {base}/2010-04-01/Accounts/{sid}/Messages.json`, basic auth.
pub struct SmsSender {
    pub settings: SenderSettings,
    pub http: reqwest::Client,
}

impl Sender for SmsSender {
    fn send<'a>(&'a self, creds: &'a Credentials, out: &'a Outgoing) -> SendFuture<'a> {
        Box::pin(async move {
            let sid = creds.account_sid.as_deref().ok_or_else(|| missing("account_sid"))?;
            let token = creds.auth_token.as_deref().ok_or_else(|| missing("auth_token"))?;
            let from = creds.from.as_deref().ok_or_else(|| missing("from"))?;
            let Content::Text(body) = &out.content else {
                return Err(SendError::permanent("sms:template", "templates are a WhatsApp feature"));
            };
            if out.media.is_some() {
                // Refused up front (`sms.media_unsupported`); a row that got here anyway fails.
                return Err(SendError::permanent("sms:media", "MMS needs a public media URL"));
            }
            let url =
                format!("{}/2010-04-01/Accounts/{sid}/Messages.json", self.settings.sms_base_url.trim_end_matches('/'));
            let form = [("To", out.to.as_str()), ("From", from), ("Body", body.as_str())];
            let res =
                self.http.post(url).basic_auth(sid, Some(token)).form(&form).send().await.map_err(transport_error)?;
            let status = res.status();
            let answer: Value = res.json().await.unwrap_or(Value::Null);
            if status.is_success() {
                return answer["sid"]
                    .as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| SendError::Uncertain("the SMS API answered without a sid".into()));
            }
            let code = answer["code"].as_i64().map(|c| format!("sms:{c}"));
            let detail = answer["message"].as_str().unwrap_or_default().to_owned();
            Err(status_error(status, code, detail))
        })
    }
}

/// SMTP, with `Message-ID`, `In-Reply-To` and `References` so the customer's client threads the
/// reply. Port 465 is implicit TLS, 587 STARTTLS; any other port (a local relay) is plain.
pub struct EmailSender {
    pub settings: SenderSettings,
}

impl EmailSender {
    /// Our `Message-ID` of message `id` sent from `from` (stable: a resend carries the same one,
    /// so the customer's mail client shows a duplicate once).
    /// Ids are stored without angle brackets (as the inbound side stores the customer's), so a
    /// reply's `In-Reply-To` finds this message.
    pub fn message_id(id: &str, from: &str) -> String {
        format!("{id}@{}", domain_of(from).unwrap_or("manzil.local"))
    }

    /// `reply+{conversation}@{domain of the inbound address}`, the address a reply threads by.
    pub fn reply_address(creds: &Credentials, out: &Outgoing) -> Option<String> {
        let conversation = out.conversation_id.as_deref()?;
        let domain = domain_of(creds.inbound_address.as_deref()?)?;
        Some(format!("{}{conversation}@{domain}", super::inbound::email::REPLY_PREFIX))
    }

    /// The message as it goes out: UTF-8 text (and the file, attached), the subject RFC 2047
    /// encoded by lettre, threading headers with their brackets.
    pub fn build(creds: &Credentials, out: &Outgoing) -> Result<lettre::Message, SendError> {
        use lettre::message::header::{ContentType, InReplyTo, MessageId, References};
        use lettre::message::{Attachment, MultiPart, SinglePart};
        let from = creds.from.as_deref().ok_or_else(|| missing("from"))?;
        let bad = |what: &str| SendError::permanent("email:address", format!("not a valid {what} address"));
        let Content::Text(body) = &out.content else {
            return Err(SendError::permanent("email:template", "templates are a WhatsApp feature"));
        };
        let bracketed = |id: &str| format!("<{}>", id.trim_start_matches('<').trim_end_matches('>'));
        let mut builder = lettre::Message::builder()
            .from(from.parse().map_err(|_| bad("sender"))?)
            .to(out.to.parse().map_err(|_| bad("recipient"))?)
            .subject(out.subject.clone().unwrap_or_default())
            .header(MessageId::from(bracketed(&Self::message_id(&out.message_id, from))));
        if let Some(reply) = Self::reply_address(creds, out) {
            builder = builder.reply_to(reply.parse().map_err(|_| bad("reply"))?);
        }
        if let Some(parent) = &out.reply_to {
            builder = builder.header(InReplyTo::from(bracketed(parent)));
        }
        if !out.references.is_empty() {
            let refs: Vec<String> = out.references.iter().map(|r| bracketed(r)).collect();
            builder = builder.header(References::from(refs.join(" ")));
        }
        let text = SinglePart::plain(body.clone());
        let built = match &out.media {
            None => builder.singlepart(text),
            Some(media) => {
                let content_type = ContentType::parse(&media.content_type).unwrap_or_else(|_| {
                    ContentType::parse("application/octet-stream").unwrap_or(ContentType::TEXT_PLAIN)
                });
                let file = Attachment::new(media.name.clone()).body(media.bytes.clone(), content_type);
                builder.multipart(MultiPart::mixed().singlepart(text).singlepart(file))
            }
        };
        built.map_err(|e| SendError::permanent("email:build", e.to_string()))
    }
}

impl Sender for EmailSender {
    fn send<'a>(&'a self, creds: &'a Credentials, out: &'a Outgoing) -> SendFuture<'a> {
        Box::pin(async move {
            use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
            let message = Self::build(creds, out)?;
            let host = creds.smtp_host.as_deref().ok_or_else(|| missing("smtp_host"))?;
            let port = creds.smtp_port.unwrap_or(587);
            // Built here, inside the runtime: a transport dropped outside tokio aborts the process.
            let builder = match port {
                465 => AsyncSmtpTransport::<Tokio1Executor>::relay(host),
                587 => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host),
                _ => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)),
            }
            .map_err(|e| SendError::permanent("email:tls", e.to_string()))?;
            let mut builder = builder.port(port).timeout(Some(self.settings.timeout));
            if let (Some(user), Some(password)) = (&creds.smtp_username, &creds.smtp_password) {
                builder = builder.credentials(lettre::transport::smtp::authentication::Credentials::new(
                    user.clone(),
                    password.clone(),
                ));
            }
            let transport = builder.build();
            let id = Self::message_id(&out.message_id, creds.from.as_deref().unwrap_or_default());
            match transport.send(message).await {
                Ok(_) => Ok(id),
                Err(e) if e.is_permanent() => {
                    let code = e.status().map(|c| format!("smtp:{c}")).unwrap_or_else(|| "smtp:permanent".into());
                    Err(SendError::Permanent { code, detail: e.to_string() })
                }
                // No answer in time: the server may have taken the message (the resend keeps its
                // Message-ID, so mail clients show it once).
                Err(e) if e.is_timeout() => Err(SendError::Uncertain(e.to_string())),
                Err(e) => Err(SendError::Transient(e.to_string())),
            }
        })
    }
}

/// The domain of an e-mail address.
fn domain_of(address: &str) -> Option<&str> {
    address.rsplit_once('@').map(|(_, d)| d.trim_end_matches('>')).filter(|d| !d.is_empty())
}

fn missing(what: &str) -> SendError {
    SendError::permanent(format!("config:{what}"), format!("the channel account has no {what}"))
}

/// What a provider's error code means to an agent, in `locale`: a few codes have their own
/// words (WhatsApp 131047/131026/131051/132000/132001, SMS 21610/21211), the rest a general text.
pub fn agent_message(code: &str, locale: Locale) -> &'static str {
    let (en, ar) = match code {
        "whatsapp:131047" => (
            "More than 24 hours have passed since the customer last wrote: send an approved template instead.",
            "مرّت أكثر من 24 ساعة منذ آخر رسالة من العميل: أرسل قالبًا معتمدًا بدلًا من ذلك.",
        ),
        "whatsapp:131026" => (
            "The message could not be delivered: the number may not use WhatsApp.",
            "تعذّر توصيل الرسالة: قد لا يستخدم هذا الرقم واتساب.",
        ),
        "whatsapp:131051" => ("WhatsApp does not support this type of message.", "واتساب لا يدعم هذا النوع من الرسائل."),
        "whatsapp:132000" => {
            ("The template's parameters do not match its approved text.", "معاملات القالب لا تطابق نصه المعتمد.")
        }
        "whatsapp:132001" => (
            "This template does not exist in this language (or is not approved yet).",
            "هذا القالب غير موجود بهذه اللغة (أو لم تتم الموافقة عليه بعد).",
        ),
        "whatsapp:190" | "whatsapp:0" => (
            "The WhatsApp access token is invalid or expired: an admin must update the channel.",
            "رمز الوصول إلى واتساب غير صالح أو منتهي: يجب على المسؤول تحديث القناة.",
        ),
        "sms:21610" => (
            "The customer has unsubscribed from SMS (replied STOP).",
            "ألغى العميل اشتراكه في الرسائل النصية (ردّ بكلمة STOP).",
        ),
        "sms:21211" => ("The phone number is not valid.", "رقم الهاتف غير صالح."),
        "delivery:interrupted" => (
            "Sending was interrupted (the server stopped): the message may not have arrived. Send it again if needed.",
            "انقطع الإرسال (توقف الخادم): ربما لم تصل الرسالة. أعد إرسالها إذا لزم الأمر.",
        ),
        "sms:media" => (
            "SMS cannot carry files: send a link, or use WhatsApp or e-mail.",
            "لا يمكن إرسال الملفات عبر الرسائل النصية: أرسل رابطًا أو استخدم واتساب أو البريد الإلكتروني.",
        ),
        c if c.starts_with("smtp:5") => (
            "The customer's mail server refused the message: check the e-mail address.",
            "رفض خادم بريد العميل الرسالة: تحقّق من عنوان البريد الإلكتروني.",
        ),
        "provider:unavailable" => {
            ("The provider did not answer after several attempts.", "لم يستجب مزوّد الخدمة بعد عدة محاولات.")
        }
        "provider:uncertain" => (
            "The provider did not confirm the message after several attempts: it may or may not have arrived.",
            "لم يؤكّد مزوّد الخدمة الرسالة بعد عدة محاولات: ربما وصلت وربما لم تصل.",
        ),
        c if c.starts_with("config:") => (
            "The channel is not fully configured: an admin must complete it.",
            "القناة غير مكتملة الإعداد: يجب على المسؤول إكمالها.",
        ),
        _ => ("The provider refused the message.", "رفض مزوّد الخدمة الرسالة."),
    };
    match locale {
        Locale::Ar => ar,
        Locale::En => en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(content: Content) -> Outgoing {
        Outgoing {
            message_id: "m1".into(),
            to: "+971501234567".into(),
            content,
            reply_to: None,
            references: Vec::new(),
            subject: None,
            conversation_id: None,
            media: None,
        }
    }

    #[test]
    fn whatsapp_payloads_have_the_documented_shapes() {
        let mut text = out(Content::Text("مرحبا".into()));
        text.reply_to = Some("wamid.X".into());
        assert_eq!(
            WhatsAppSender::payload(&text),
            json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "+971501234567",
                   "type": "text", "text": {"preview_url": false, "body": "مرحبا"}, "context": {"message_id": "wamid.X"}})
        );
        let template = out(Content::Template { name: "welcome".into(), language: "ar".into() });
        assert_eq!(
            WhatsAppSender::payload(&template)["template"],
            json!({"name": "welcome", "language": {"code": "ar"}})
        );
    }

    #[test]
    fn provider_codes_read_in_both_languages() {
        for code in [
            "whatsapp:131047",
            "whatsapp:131026",
            "whatsapp:131051",
            "whatsapp:132000",
            "whatsapp:132001",
            "sms:21610",
            "sms:21211",
            "provider:uncertain",
            "x",
        ] {
            assert_ne!(agent_message(code, Locale::En), agent_message(code, Locale::Ar));
        }
    }

    #[test]
    fn only_an_answered_refusal_is_certain() {
        use reqwest::StatusCode as S;
        let graph = || Some("whatsapp:2".to_owned());
        assert!(matches!(status_error(S::INTERNAL_SERVER_ERROR, graph(), String::new()), SendError::Transient(_)));
        assert!(matches!(status_error(S::TOO_MANY_REQUESTS, None, String::new()), SendError::Transient(_)));
        // A gateway's bare 502/504: the provider behind it may have taken the message.
        assert!(matches!(status_error(S::BAD_GATEWAY, None, String::new()), SendError::Uncertain(_)));
        assert!(matches!(status_error(S::GATEWAY_TIMEOUT, None, String::new()), SendError::Uncertain(_)));
        assert_eq!(
            status_error(S::BAD_REQUEST, None, "x".into()),
            SendError::Permanent { code: "http:400".into(), detail: "x".into() }
        );
        assert_eq!(SendError::Uncertain("t".into()).sends_nothing(), SendError::Transient("t".into()));
    }

    #[test]
    fn message_ids_take_the_sender_domain() {
        assert_eq!(EmailSender::message_id("abc", "sales@dar.example"), "abc@dar.example");
    }

    #[test]
    fn credentials_never_print_secrets() {
        let c = Credentials { access_token: Some("SECRET".into()), ..Credentials::default() };
        assert!(!format!("{c:?}").contains("SECRET"));
    }
}
