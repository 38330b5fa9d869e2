//! Set-password links (`/invite/{token}`): how an invited user (no password yet) sets one, and how
//! an admin hands a colleague a password-reset link. Nothing is stored. The token is an HS256 JWT
//! signed with a key derived from the server's signing secret (not the access-token key, and with
//! its own audience, so neither kind of token passes for the other) that names:
//!
//! * the purpose (`set-password`), the user and the agency;
//! * an expiry, [`LINK_TTL`] (7 days) after it was made;
//! * a fingerprint of the user's password hash as it was when the link was made (an HMAC under a
//!   second derived key, so it says nothing about the hash). Setting a password changes the hash,
//!   so a link works once; a link made before a later password change stops working too.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// How long a link works.
pub const LINK_TTL: Duration = Duration::from_secs(7 * 24 * 3600);
/// The audience of a set-password link, and the only one accepted back.
pub const AUDIENCE: &str = "manzil:set-password";
/// The one purpose these tokens serve.
pub const PURPOSE: &str = "set-password";

/// The claims of a set-password link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkClaims {
    /// The user id.
    pub sub: String,
    /// The tenant id.
    pub tid: String,
    pub aud: String,
    pub purpose: String,
    pub exp: i64,
    pub iat: i64,
    /// The fingerprint of the password hash when the link was made.
    pub fp: String,
}

/// The keys of set-password links.
pub struct LinkKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    fingerprint_key: [u8; 32],
}

fn mac(key: &[u8], message: &[u8]) -> [u8; 32] {
    // HMAC takes a key of any length, so this cannot fail; the fallback keeps it total anyway.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else { return [0; 32] };
    mac.update(message);
    mac.finalize().into_bytes().into()
}

impl LinkKeys {
    /// Keys derived from the server's signing secret.
    pub fn new(secret: &[u8]) -> Self {
        let signing = mac(secret, b"manzil set-password link v1");
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "aud", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(&signing),
            decoding: DecodingKey::from_secret(&signing),
            validation,
            fingerprint_key: mac(secret, b"manzil set-password fingerprint v1"),
        }
    }

    /// The fingerprint of a password hash (`None`: an invited user without one).
    pub fn fingerprint(&self, password_hash: Option<&str>) -> String {
        let message = password_hash.map_or_else(|| "none".to_owned(), |h| format!("hash:{h}"));
        URL_SAFE_NO_PAD.encode(&mac(&self.fingerprint_key, message.as_bytes())[..16])
    }

    /// Signs a link for `user_id` of `tenant_id` whose password hash is now `password_hash`,
    /// valid from `now` (Unix seconds) for [`LINK_TTL`]. Returns the token and its expiry.
    pub fn issue(
        &self,
        user_id: &str,
        tenant_id: &str,
        password_hash: Option<&str>,
        now: i64,
    ) -> Result<(String, i64), String> {
        let exp = now + i64::try_from(LINK_TTL.as_secs()).unwrap_or(604_800);
        let claims = LinkClaims {
            sub: user_id.to_owned(),
            tid: tenant_id.to_owned(),
            aud: AUDIENCE.to_owned(),
            purpose: PURPOSE.to_owned(),
            exp,
            iat: now,
            fp: self.fingerprint(password_hash),
        };
        let token =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(|e| e.to_string())?;
        Ok((token, exp))
    }

    /// The claims of a well-signed, unexpired set-password link. Every failure is the same `None`.
    pub fn verify(&self, token: &str) -> Option<LinkClaims> {
        let claims = jsonwebtoken::decode::<LinkClaims>(token, &self.decoding, &self.validation).ok()?.claims;
        (claims.purpose == PURPOSE).then_some(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::jwt::TokenKeys;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_link_names_its_user_and_its_hash() {
        let keys = LinkKeys::new(SECRET);
        let now = chrono::Utc::now().timestamp();
        let (token, exp) = keys.issue("u1", "t1", None, now).unwrap();
        assert_eq!(exp - now, 7 * 24 * 3600);
        let c = keys.verify(&token).unwrap();
        assert_eq!((c.sub.as_str(), c.tid.as_str(), c.purpose.as_str()), ("u1", "t1", PURPOSE));
        assert_eq!(c.fp, keys.fingerprint(None));
        assert_ne!(c.fp, keys.fingerprint(Some("$argon2id$v=19$…")));
        assert_ne!(keys.fingerprint(Some("a")), keys.fingerprint(Some("b")));
    }

    #[test]
    fn other_keys_expired_links_and_access_tokens_are_refused() {
        let keys = LinkKeys::new(SECRET);
        let now = chrono::Utc::now().timestamp();
        let other = LinkKeys::new(b"another secret, another server!!").issue("u1", "t1", None, now).unwrap().0;
        assert!(keys.verify(&other).is_none());
        let expired = keys.issue("u1", "t1", None, now - 8 * 24 * 3600).unwrap().0;
        assert!(keys.verify(&expired).is_none());
        // An access token signed with the raw secret is no link, and a link is no access token.
        let access = TokenKeys::new(SECRET, Duration::from_secs(900));
        assert!(keys.verify(&access.issue("u1", "t1", now).unwrap()).is_none());
        assert!(access.verify(&keys.issue("u1", "t1", None, now).unwrap().0).is_none());
        let (token, _) = keys.issue("u1", "t1", None, now).unwrap();
        let mut tampered = token.clone();
        tampered.insert(token.len() / 2, 'x');
        assert!(keys.verify(&tampered).is_none());
    }
}
