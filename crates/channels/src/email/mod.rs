//! Inbound email: one parser for the raw RFC 822 message, whatever provider delivered it (an MTA pipe, Mailgun's
//! `body-mime`, Postmark's `RawEmail`, SES via S3…), plus the `reply+{token}@domain` routing helper.
//!
//! HTML is returned as [`UntrustedHtml`], not sanitised: no allow-list sanitiser is vetted for this workspace yet,
//! so the inbox shows [`InboundEmail::text`] (from `text/plain`, or derived from the HTML) and the HTML stays
//! wrapped until a sanitiser exists.

mod message;
mod reply_token;

pub use message::{Attachment, InboundEmail, Mailbox, ParseError, UntrustedHtml, parse};
pub use reply_token::reply_token;
