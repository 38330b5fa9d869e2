//! Access tokens: short-lived JWTs signed with HS256, and only HS256 is accepted back.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// The audience every Manzil access token names, and the only one accepted.
pub const AUDIENCE: &str = "manzil";

/// The claims of an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// The tenant id.
    pub tid: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    /// A unique id per token (for logs and a future deny list).
    pub jti: String,
}

/// The signing key and the pinned validation rules.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

impl TokenKeys {
    /// Keys from a shared secret (at least 32 bytes; the config checks it) and the tokens' lifetime.
    pub fn new(secret: &[u8], ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "aud", "sub"]);
        validation.leeway = 5;
        Self { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret), validation, ttl }
    }

    /// How long an access token lives.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Signs a token for `user_id` in `tenant_id`, valid from `now` (Unix seconds) for the TTL.
    pub fn issue(&self, user_id: &str, tenant_id: &str, now: i64) -> Result<String, String> {
        let claims = Claims {
            sub: user_id.to_owned(),
            tid: tenant_id.to_owned(),
            aud: AUDIENCE.to_owned(),
            exp: now + i64::try_from(self.ttl.as_secs()).unwrap_or(900),
            iat: now,
            jti: uuid::Uuid::new_v4().to_string(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(|e| e.to_string())
    }

    /// The claims of a valid token: right signature, HS256, audience `manzil`, not expired.
    /// Every failure is the same `None`: callers must not tell them apart.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).ok().map(|d| d.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(&[7u8; 32], Duration::from_secs(900))
    }

    #[test]
    fn round_trip() {
        let now = chrono::Utc::now().timestamp();
        let t = keys().issue("u1", "t1", now).unwrap();
        let c = keys().verify(&t).unwrap();
        assert_eq!((c.sub.as_str(), c.tid.as_str(), c.aud.as_str()), ("u1", "t1", AUDIENCE));
    }

    #[test]
    fn other_algorithms_and_keys_are_refused() {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: "u1".into(),
            tid: "t1".into(),
            aud: AUDIENCE.into(),
            exp: now + 60,
            iat: now,
            jti: "j".into(),
        };
        let hs512 =
            jsonwebtoken::encode(&Header::new(Algorithm::HS512), &claims, &EncodingKey::from_secret(&[7u8; 32]))
                .unwrap();
        assert!(keys().verify(&hs512).is_none());
        let other = TokenKeys::new(&[8u8; 32], Duration::from_secs(900)).issue("u1", "t1", now).unwrap();
        assert!(keys().verify(&other).is_none());
        let expired = keys().issue("u1", "t1", now - 3600).unwrap();
        assert!(keys().verify(&expired).is_none());
    }
}
