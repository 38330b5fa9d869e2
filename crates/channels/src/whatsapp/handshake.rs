//! The GET verification handshake Meta performs when the callback URL or verify token is set in the App Dashboard.

use crate::digest::secrets_equal;

/// Why a verification request was refused. Answer every variant with 403 (Meta treats anything but 200 as "not
/// verified").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandshakeError {
    /// The server has no verify token configured; an empty token must never verify anything.
    #[error("no WhatsApp verify token is configured")]
    NotConfigured,
    /// A required `hub.*` query parameter is absent or empty.
    #[error("query parameter `{0}` is missing")]
    MissingParam(&'static str),
    /// A `hub.*` parameter appears more than once, so it is ambiguous which one to trust.
    #[error("query parameter `{0}` appears more than once")]
    DuplicateParam(&'static str),
    /// `hub.mode` is something other than `subscribe`.
    #[error("unexpected hub.mode `{0}`")]
    WrongMode(String),
    /// `hub.verify_token` does not match the configured token.
    #[error("verify token does not match")]
    TokenMismatch,
}

const MODE: &str = "hub.mode";
const CHALLENGE: &str = "hub.challenge";
const VERIFY_TOKEN: &str = "hub.verify_token";

/// Checks Meta's `GET ?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…` request and returns the challenge to
/// send back as the 200 body, byte for byte (it is opaque: never parse it as a number).
///
/// `params` are the decoded query pairs in any shape (`&HashMap<String, String>`, `Vec<(String, String)>`, …).
/// The token comparison runs in constant time.
pub fn verify_handshake<I, K, V>(params: I, expected_verify_token: &str) -> Result<String, HandshakeError>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    if expected_verify_token.is_empty() {
        return Err(HandshakeError::NotConfigured);
    }
    let (mut mode, mut challenge, mut token) = (None, None, None);
    for (key, value) in params {
        let slot = match key.as_ref() {
            MODE => (&mut mode, MODE),
            CHALLENGE => (&mut challenge, CHALLENGE),
            VERIFY_TOKEN => (&mut token, VERIFY_TOKEN),
            _ => continue,
        };
        if slot.0.replace(value.as_ref().to_owned()).is_some() {
            return Err(HandshakeError::DuplicateParam(slot.1));
        }
    }
    let mode = mode.filter(|m| !m.is_empty()).ok_or(HandshakeError::MissingParam(MODE))?;
    if mode != "subscribe" {
        return Err(HandshakeError::WrongMode(mode));
    }
    let token = token.filter(|t| !t.is_empty()).ok_or(HandshakeError::MissingParam(VERIFY_TOKEN))?;
    let challenge = challenge.filter(|c| !c.is_empty()).ok_or(HandshakeError::MissingParam(CHALLENGE))?;
    if !secrets_equal(token.as_bytes(), expected_verify_token.as_bytes()) {
        return Err(HandshakeError::TokenMismatch);
    }
    Ok(challenge)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn query(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn returns_the_challenge_verbatim() {
        let params =
            query(&[("hub.mode", "subscribe"), ("hub.challenge", "01158201444"), ("hub.verify_token", "s3cret")]);
        assert_eq!(verify_handshake(params, "s3cret"), Ok("01158201444".to_owned()));
    }

    #[test]
    fn accepts_a_hash_map() {
        let params: HashMap<String, String> =
            query(&[("hub.mode", "subscribe"), ("hub.challenge", "abc"), ("hub.verify_token", "t")])
                .into_iter()
                .collect();
        assert_eq!(verify_handshake(&params, "t"), Ok("abc".to_owned()));
    }

    #[test]
    fn refuses_wrong_token_mode_and_missing_params() {
        let wrong = query(&[("hub.mode", "subscribe"), ("hub.challenge", "1"), ("hub.verify_token", "nope")]);
        assert_eq!(verify_handshake(wrong, "s3cret"), Err(HandshakeError::TokenMismatch));
        let mode = query(&[("hub.mode", "unsubscribe"), ("hub.challenge", "1"), ("hub.verify_token", "s3cret")]);
        assert_eq!(verify_handshake(mode, "s3cret"), Err(HandshakeError::WrongMode("unsubscribe".into())));
        let missing = query(&[("hub.mode", "subscribe"), ("hub.verify_token", "s3cret")]);
        assert_eq!(verify_handshake(missing, "s3cret"), Err(HandshakeError::MissingParam("hub.challenge")));
        let php_style = query(&[("hub_mode", "subscribe"), ("hub_challenge", "1"), ("hub_verify_token", "s3cret")]);
        assert_eq!(verify_handshake(php_style, "s3cret"), Err(HandshakeError::MissingParam("hub.mode")));
    }

    #[test]
    fn refuses_duplicates_and_an_unconfigured_token() {
        let twice = query(&[
            ("hub.mode", "subscribe"),
            ("hub.verify_token", "x"),
            ("hub.verify_token", "s3cret"),
            ("hub.challenge", "1"),
        ]);
        assert_eq!(verify_handshake(twice, "s3cret"), Err(HandshakeError::DuplicateParam("hub.verify_token")));
        let empty = query(&[("hub.mode", "subscribe"), ("hub.challenge", "1"), ("hub.verify_token", "")]);
        assert_eq!(verify_handshake(empty, ""), Err(HandshakeError::NotConfigured));
    }
}
