//! Parsing a raw RFC 822 message into an [`InboundEmail`] with mail-parser: RFC 2047 headers, declared body charsets
//! (windows-1256, iso-8859-6, …), transfer encodings, multipart structures and attachments.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use mail_parser::{Address, HeaderValue, Message, MessageParser, MimeHeaders, PartType};
use serde::Serialize;

use super::reply_token::reply_token;

/// Why a raw message could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The input is empty.
    #[error("the email is empty")]
    Empty,
    /// No RFC 822 header section could be found.
    #[error("the input is not an RFC 822 message")]
    NotAMessage,
    /// There is no `From` address, so the message cannot be attributed to a contact.
    #[error("the email has no From address")]
    MissingFrom,
}

/// An email as the inbox needs it. Store the raw bytes as well: this is a reading of them, not a replacement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InboundEmail {
    /// `Message-ID`, without angle brackets: the dedupe key within a tenant mailbox.
    pub message_id: Option<String>,
    /// `In-Reply-To` message ids (usually one): the first thing to thread on.
    pub in_reply_to: Vec<String>,
    /// `References` message ids, oldest first: the second thing to thread on.
    pub references: Vec<String>,
    /// The sender.
    pub from: Mailbox,
    /// `To` recipients (groups flattened).
    pub to: Vec<Mailbox>,
    /// `Cc` recipients (groups flattened).
    pub cc: Vec<Mailbox>,
    /// `Reply-To` addresses, when the sender wants answers elsewhere.
    pub reply_to: Vec<Mailbox>,
    /// The subject, RFC 2047 decoded.
    pub subject: Option<String>,
    /// The message text with `\n` line ends: the `text/plain` body, or text derived from the HTML when there is no
    /// plain part.
    pub text: Option<String>,
    /// The `text/html` body, unsanitised.
    pub html: Option<UntrustedHtml>,
    /// Attachments and inline parts that are not the body.
    pub attachments: Vec<Attachment>,
    /// The `Date` header.
    pub date: Option<DateTime<Utc>>,
    /// An auto-reply or bulk mail (`Auto-Submitted` other than `no`, `X-Autoreply`, `Precedence: bulk|junk|
    /// auto_reply|list`): never auto-respond to it.
    pub auto_submitted: bool,
}

/// A mailbox: an address with an optional display name (RFC 2047 decoded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mailbox {
    /// The address, as written.
    pub address: String,
    /// The display name.
    pub name: Option<String>,
}

/// HTML exactly as the sender wrote it. It may carry scripts, tracking pixels and hostile markup, so it offers no
/// `Display` and must go through an allow-list sanitiser before it reaches a browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct UntrustedHtml(String);

impl UntrustedHtml {
    /// The raw markup, for a sanitiser or for storage; never render it as is.
    pub fn as_untrusted_str(&self) -> &str {
        &self.0
    }

    /// The markup through an allow-list sanitiser (`ammonia`): no scripts, styles, event
    /// handlers, forms or frames; links only to `http`, `https` and `mailto`, opened without
    /// referrer; and no images at all — remote images in mail are tracking pixels, and inline
    /// (`cid:`) ones are attachments the inbox shows as files. Text, structure, tables and
    /// `dir` (right-to-left mail) stay.
    pub fn sanitized(&self) -> String {
        ammonia::Builder::default()
            .rm_tags(["img"])
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .url_relative(ammonia::UrlRelative::Deny)
            .link_rel(Some("noopener noreferrer nofollow"))
            .add_generic_attributes(["dir"])
            .clean(&self.0)
            .to_string()
    }
}

/// A file carried by the email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    /// The file name (RFC 2231 and RFC 2047 decoded), when the sender gave one.
    pub filename: Option<String>,
    /// `type/subtype`, lower-cased; `application/octet-stream` when undeclared.
    pub content_type: String,
    /// `Content-ID` without angle brackets, for inline images referenced as `cid:` from the HTML.
    pub content_id: Option<String>,
    /// `Content-Disposition: inline`.
    pub inline: bool,
    /// The decoded content (not serialised). Text attachments come out converted to UTF-8 from their declared
    /// charset.
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

impl InboundEmail {
    /// The first `{prefix}{token}@…` token among the To and then the Cc addresses (see
    /// [`reply_token`](super::reply_token)).
    pub fn reply_token(&self, prefix: &str) -> Option<&str> {
        self.to.iter().chain(&self.cc).find_map(|mailbox| reply_token(&mailbox.address, prefix))
    }
}

/// Parses a raw RFC 822 message.
pub fn parse(raw_mime: &[u8]) -> Result<InboundEmail, ParseError> {
    if raw_mime.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    let message = MessageParser::default().parse(raw_mime).ok_or(ParseError::NotAMessage)?;
    if message.headers().is_empty() {
        return Err(ParseError::NotAMessage);
    }
    let from = mailboxes(message.from()).into_iter().next().ok_or(ParseError::MissingFrom)?;
    Ok(InboundEmail {
        message_id: message.message_id().map(str::to_owned),
        in_reply_to: id_list(message.in_reply_to()),
        references: id_list(message.references()),
        from,
        to: mailboxes(message.to()),
        cc: mailboxes(message.cc()),
        reply_to: mailboxes(message.reply_to()),
        subject: message.subject().map(str::to_owned),
        text: text_body(&message),
        html: html_body(&message),
        attachments: message.attachments().map(attachment).collect(),
        date: message.date().filter(|d| d.is_valid()).and_then(|d| DateTime::from_timestamp(d.to_timestamp(), 0)),
        auto_submitted: is_auto_submitted(&message),
    })
}

fn mailboxes(address: Option<&Address<'_>>) -> Vec<Mailbox> {
    let Some(address) = address else { return Vec::new() };
    address
        .iter()
        .filter_map(|addr| {
            let address = addr.address()?.trim();
            (!address.is_empty()).then(|| Mailbox {
                address: address.to_owned(),
                name: addr.name().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned),
            })
        })
        .collect()
}

fn id_list(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => vec![id.to_string()],
        HeaderValue::TextList(ids) => ids.iter().map(Cow::to_string).collect(),
        _ => Vec::new(),
    }
}

/// All text body parts with `\n` line ends, joined; HTML-only messages get mail-parser's HTML-to-text rendering.
fn text_body(message: &Message<'_>) -> Option<String> {
    let parts: Vec<String> = (0..message.text_body_count())
        .filter_map(|i| message.body_text(i))
        .map(|text| text.replace("\r\n", "\n").trim_end().to_owned())
        .filter(|text| !text.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// The first genuine `text/html` part (not mail-parser's HTML rendering of a plain-text body).
fn html_body(message: &Message<'_>) -> Option<UntrustedHtml> {
    message.html_bodies().find_map(|part| match &part.body {
        PartType::Html(html) => Some(UntrustedHtml(html.to_string())),
        _ => None,
    })
}

fn attachment(part: &mail_parser::MessagePart<'_>) -> Attachment {
    let content_type = part
        .content_type()
        .map(|ct| match ct.subtype() {
            Some(subtype) => format!("{}/{}", ct.ctype(), subtype),
            None => ct.ctype().to_owned(),
        })
        .map_or_else(|| "application/octet-stream".to_owned(), |ct| ct.to_ascii_lowercase());
    Attachment {
        filename: part.attachment_name().map(str::to_owned),
        content_type,
        content_id: part.content_id().map(|id| id.trim_matches(['<', '>']).to_owned()),
        inline: part.content_disposition().is_some_and(|cd| cd.ctype().eq_ignore_ascii_case("inline")),
        bytes: part.contents().to_vec(),
    }
}

fn is_auto_submitted(message: &Message<'_>) -> bool {
    let header = |name: &'static str| message.header(name).and_then(|v| v.as_text()).map(str::trim);
    let auto_submitted = header("Auto-Submitted").is_some_and(|v| !v.eq_ignore_ascii_case("no"));
    let precedence = header("Precedence")
        .is_some_and(|v| ["bulk", "junk", "auto_reply", "list"].iter().any(|p| v.eq_ignore_ascii_case(p)));
    auto_submitted || precedence || message.header("X-Autoreply").is_some()
}

#[cfg(test)]
mod sanitizing {
    use super::UntrustedHtml;

    #[test]
    fn hostile_markup_is_removed_and_the_text_stays() {
        let raw = UntrustedHtml(
            r#"<div dir="rtl" onclick="steal()"><script>alert(1)</script><style>p{}</style>
            <p>مرحبا <b>Omar</b></p><img src="https://tracker.example/p.gif">
            <a href="javascript:alert(1)">x</a><a href="https://agency.example/listing">listing</a>
            <iframe src="https://evil.example"></iframe><form action="/x"><input name="q"></form></div>"#
                .to_owned(),
        );
        let clean = raw.sanitized();
        for gone in
            ["script", "alert", "onclick", "<style", "<img", "tracker", "javascript:", "iframe", "<form", "<input"]
        {
            assert!(!clean.contains(gone), "`{gone}` survived: {clean}");
        }
        for kept in ["مرحبا", "<b>Omar</b>", "dir=\"rtl\"", "href=\"https://agency.example/listing\"", "noopener"]
        {
            assert!(clean.contains(kept), "`{kept}` lost: {clean}");
        }
    }
}
