//! `X-Twilio-Signature`: base64 of HMAC-SHA1 over the URL followed by the sorted form parameters, keyed with the
//! account's Auth Token.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::digest::{encode_hex, secrets_equal};

/// The header Twilio puts the signature in.
pub const SIGNATURE_HEADER: &str = "X-Twilio-Signature";

const DIGEST_LEN: usize = 20;

/// Why a Twilio request's signature was refused. Answer every variant with 403.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The Auth Token is empty: a configuration error, never a pass.
    #[error("no Twilio auth token is configured")]
    NotConfigured,
    /// The request has no `X-Twilio-Signature` header.
    #[error("the X-Twilio-Signature header is missing")]
    Missing,
    /// The header is not base64 of a 20-byte digest.
    #[error("the X-Twilio-Signature header is malformed")]
    Malformed,
    /// A JSON request's URL lacks `bodySHA256`, or the body does not hash to it.
    #[error("the request body does not match its bodySHA256 parameter")]
    BodyHashMismatch,
    /// The header is well formed but matches neither the URL as given nor its default-port variant.
    #[error("the X-Twilio-Signature signature does not match the request")]
    Mismatch,
}

/// Verifies a form-encoded Twilio webhook (inbound message, status callback) in constant time.
///
/// The signed string is `url` followed by, for each parameter name in byte order, `name + value` (values of a
/// repeated name sorted, exact duplicate pairs counted once, as Twilio's own validators do). Because Twilio is
/// inconsistent about default ports, the URL is also tried without its port and with the scheme's default port
/// (`:443`/`:80`) added, exactly like Twilio's reference validator.
pub fn verify_signature(
    url: &str,
    form_params: &[(String, String)],
    header: Option<&str>,
    auth_token: &str,
) -> Result<(), SignatureError> {
    let expected = decode_header(header, auth_token)?;
    let mut pairs: Vec<(&str, &str)> = form_params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    pairs.sort_unstable();
    pairs.dedup();
    check_candidates(url, &pairs, &expected, auth_token)
}

/// Verifies a Twilio request with a JSON body: the URL carries `bodySHA256=<hex SHA-256 of the raw body>`, and the
/// signature covers the URL alone. Both the body hash and the signature must match.
pub fn verify_json_signature(
    url: &str,
    raw_body: &[u8],
    header: Option<&str>,
    auth_token: &str,
) -> Result<(), SignatureError> {
    let expected = decode_header(header, auth_token)?;
    let claimed = query_param(url, "bodySHA256").ok_or(SignatureError::BodyHashMismatch)?;
    let actual = encode_hex(&Sha256::digest(raw_body));
    if !secrets_equal(claimed.to_ascii_lowercase().as_bytes(), actual.as_bytes()) {
        return Err(SignatureError::BodyHashMismatch);
    }
    check_candidates(url, &[], &expected, auth_token)
}

fn decode_header(header: Option<&str>, auth_token: &str) -> Result<Vec<u8>, SignatureError> {
    if auth_token.is_empty() {
        return Err(SignatureError::NotConfigured);
    }
    let header = header.map(str::trim).filter(|h| !h.is_empty()).ok_or(SignatureError::Missing)?;
    STANDARD.decode(header).ok().filter(|bytes| bytes.len() == DIGEST_LEN).ok_or(SignatureError::Malformed)
}

fn check_candidates(
    url: &str,
    sorted_pairs: &[(&str, &str)],
    expected: &[u8],
    auth_token: &str,
) -> Result<(), SignatureError> {
    let mut candidates = vec![url.to_owned()];
    candidates.extend(port_variants(url));
    // Every candidate is computed and checked, so the time taken does not depend on which one matched.
    let matched = candidates.iter().fold(false, |matched, candidate| {
        let mut mac = match Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()) {
            Ok(mac) => mac,
            Err(_) => return matched,
        };
        mac.update(candidate.as_bytes());
        for (name, value) in sorted_pairs {
            mac.update(name.as_bytes());
            mac.update(value.as_bytes());
        }
        mac.verify_slice(expected).is_ok() | matched
    });
    if matched { Ok(()) } else { Err(SignatureError::Mismatch) }
}

/// The URL without its port and with the scheme's default port, when those differ from the URL itself.
fn port_variants(url: &str) -> Vec<String> {
    let Some((scheme, rest)) = url.split_once("://") else { return Vec::new() };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let host_start = authority.rfind('@').map_or(0, |at| at + 1);
    let (userinfo, host_port) = authority.split_at(host_start);
    // A colon after the last `]` (IPv6 literal) separates the port.
    let bracket_end = host_port.rfind(']').map_or(0, |b| b + 1);
    let port_colon = host_port[bracket_end..].rfind(':').map(|c| c + bracket_end);
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "https" => "443",
        _ => "80",
    };
    let variant = match port_colon {
        Some(colon) => format!("{scheme}://{userinfo}{}{tail}", &host_port[..colon]),
        None => format!("{scheme}://{userinfo}{host_port}:{default_port}{tail}"),
    };
    if variant == url { Vec::new() } else { vec![variant] }
}

/// The raw (still percent-encoded) value of a query parameter.
fn query_param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    query.split('&').filter_map(|pair| pair.split_once('=')).find(|(key, _)| *key == name).map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_variants_add_or_remove_the_port() {
        assert_eq!(port_variants("https://example.com/a?b=1"), ["https://example.com:443/a?b=1"]);
        assert_eq!(port_variants("http://example.com"), ["http://example.com:80"]);
        assert_eq!(port_variants("https://example.com:1234/a"), ["https://example.com/a"]);
        assert_eq!(port_variants("https://user:pw@[::1]:8443/x"), ["https://user:pw@[::1]/x"]);
        assert!(port_variants("not a url").is_empty());
    }

    #[test]
    fn query_param_reads_the_raw_value() {
        assert_eq!(query_param("https://x/y?a=1&bodySHA256=ab#f", "bodySHA256"), Some("ab"));
        assert_eq!(query_param("https://x/y", "bodySHA256"), None);
    }
}
