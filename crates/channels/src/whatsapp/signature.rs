//! `X-Hub-Signature-256`: HMAC-SHA256 of the raw request body keyed with the Meta app secret.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::digest::decode_hex;

/// The header Meta puts the signature in (`sha256=<64 lowercase hex digits>`). The legacy SHA-1
/// `X-Hub-Signature` header is deliberately ignored.
pub const SIGNATURE_HEADER: &str = "X-Hub-Signature-256";

const PREFIX: &str = "sha256=";
const DIGEST_LEN: usize = 32;

/// Why a notification's signature was refused. Answer every variant with a 4xx (Meta retries; a forged request
/// never gets processed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The app secret is empty: a configuration error, never a pass.
    #[error("no WhatsApp app secret is configured")]
    NotConfigured,
    /// The request has no `X-Hub-Signature-256` header.
    #[error("the X-Hub-Signature-256 header is missing")]
    Missing,
    /// The header is not `sha256=` followed by 64 hex digits.
    #[error("the X-Hub-Signature-256 header is malformed")]
    Malformed,
    /// The header is well formed but does not match the body.
    #[error("the X-Hub-Signature-256 signature does not match the body")]
    Mismatch,
}

/// Verifies `X-Hub-Signature-256` over `raw_body` exactly as received, in constant time.
///
/// `header` is the header's value (`None` when absent). Hash the raw bytes: Meta signs its escaped-unicode JSON,
/// so a parsed-and-re-serialised body (Arabic turned back into UTF-8) no longer matches.
pub fn verify_signature(raw_body: &[u8], header: Option<&str>, app_secret: &[u8]) -> Result<(), SignatureError> {
    if app_secret.is_empty() {
        return Err(SignatureError::NotConfigured);
    }
    let header = header.map(str::trim).filter(|h| !h.is_empty()).ok_or(SignatureError::Missing)?;
    let hex = header.strip_prefix(PREFIX).ok_or(SignatureError::Malformed)?;
    let expected = decode_hex(hex).filter(|bytes| bytes.len() == DIGEST_LEN).ok_or(SignatureError::Malformed)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret).map_err(|_| SignatureError::NotConfigured)?;
    mac.update(raw_body);
    mac.verify_slice(&expected).map_err(|_| SignatureError::Mismatch)
}
