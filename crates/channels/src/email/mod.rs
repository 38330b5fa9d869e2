//! Inbound email: one parser for the raw RFC 822 message, whatever provider delivered it (an MTA pipe, Mailgun's
//! `body-mime`, Postmark's `RawEmail`, SES via S3…), plus the `reply+{token}@domain` routing helper.
//!
//! HTML is returned as [`UntrustedHtml`], which offers the raw markup only to a sanitiser and
//! [`UntrustedHtml::sanitized`] (an `ammonia` allow-list: no scripts, handlers, forms, frames or images); the
//! inbox lists [`InboundEmail::text`] (from `text/plain`, or derived from the HTML).

mod message;
mod reply_token;

pub use message::{Attachment, InboundEmail, Mailbox, ParseError, UntrustedHtml, parse};
pub use reply_token::reply_token;
