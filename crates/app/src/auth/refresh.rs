//! Refresh tokens: 32 bytes (base64url) handed to the client once, stored only as their SHA-256.
//! Each login starts a `family` with a random token; every refresh rotates the token within it,
//! and showing a rotated token again (a stolen copy) revokes the whole family — unless it comes
//! back within the grace window just after its rotation (two tabs or parallel requests holding
//! the same cookie), when it is answered with the same successor.
//!
//! A successor is not random: it is `HMAC-SHA256(successor key, token)`, the key derived from the
//! server's signing secret. So every server node can answer a repeat with the very token the first
//! rotation issued without storing any token in clear, and two concurrent rotations of one token
//! collide on the unique `tokenHash` instead of forking the login.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use store::{Db, StoreError};

/// A stored refresh token, as the auth flows need it.
#[derive(Debug, Clone)]
pub struct StoredToken {
    pub id: String,
    pub tenant_id: String,
    pub user_id: String,
    pub family: String,
    pub expires_at: String,
    pub revoked: bool,
    /// When it was revoked or rotated (`YYYY-MM-DDTHH:MM:SS.sssZ`).
    pub revoked_at: Option<String>,
    pub rotated: bool,
}

impl StoredToken {
    fn from_row(row: &Value) -> Option<StoredToken> {
        let s = |k: &str| row.get(k).and_then(Value::as_str).map(str::to_owned);
        Some(StoredToken {
            id: s("id")?,
            tenant_id: s("tenantId")?,
            user_id: s("userId")?,
            family: s("family")?,
            expires_at: s("expiresAt")?,
            revoked: row.get("revokedAt").is_some_and(|v| !v.is_null()),
            revoked_at: s("revokedAt"),
            rotated: row.get("replacedBy").is_some_and(|v| !v.is_null()),
        })
    }

    /// Past its expiry (timestamps are all `YYYY-MM-DDTHH:MM:SS.sssZ`, so text order is time order).
    pub fn expired(&self) -> bool {
        self.expires_at <= store::now_string()
    }
}

/// The key successors are derived with: `HMAC-SHA256(secret, purpose)`, so it is not the key that
/// signs access tokens.
pub fn successor_key(secret: &[u8]) -> [u8; 32] {
    mac(secret, b"manzil refresh-token successor v1")
}

/// The token that rotating `plain` issues: the same on every node, unguessable without the key.
pub fn successor(key: &[u8; 32], plain: &str) -> String {
    URL_SAFE_NO_PAD.encode(mac(key, plain.as_bytes()))
}

fn mac(key: &[u8], message: &[u8]) -> [u8; 32] {
    use hmac::{Hmac, KeyInit, Mac};
    // HMAC takes a key of any length, so this cannot fail; the fallback keeps it total anyway.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else { return Sha256::digest(message).into() };
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// A new random token: `(the client's copy, the stored hash)`.
pub fn generate() -> (String, String) {
    let bytes: [u8; 32] = rand::random();
    let plain = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash(&plain);
    (plain, hash)
}

/// The stored form of a token: hex SHA-256.
pub fn hash(plain: &str) -> String {
    Sha256::digest(plain.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Stores token `plain` of `family` for the user. A token already stored (its successor issued
/// by a concurrent rotation) is `StoreError::UniqueViolation`.
pub async fn insert(
    db: &Db,
    id: &str,
    tenant_id: &str,
    user_id: &str,
    family: &str,
    plain: &str,
    ttl: std::time::Duration,
) -> Result<(), StoreError> {
    let token_hash = hash(plain);
    let expires = chrono::Utc::now() + chrono::Duration::seconds(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2));
    db.as_system("auth: store a refresh token")
        .create(
            "RefreshToken",
            json!({"data": {
                "id": id,
                "tenantId": tenant_id,
                "userId": user_id,
                "tokenHash": token_hash,
                "family": family,
                "expiresAt": expires.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            }}),
        )
        .await?;
    Ok(())
}

/// The stored token whose hash matches the client's copy.
pub async fn find(db: &Db, plain: &str) -> Result<Option<StoredToken>, StoreError> {
    let row = db
        .as_system("auth: look up a refresh token")
        .run("RefreshToken", "findUnique", &json!({"where": {"tokenHash": hash(plain)}}))
        .await?;
    Ok(StoredToken::from_row(&row))
}

/// Marks `old` rotated into `new_id`; `false` when it was revoked meanwhile (logout, reuse
/// detected elsewhere).
pub async fn mark_rotated(db: &Db, old: &StoredToken, new_id: &str) -> Result<bool, StoreError> {
    let out = db
        .as_system("auth: rotate a refresh token")
        .run(
            "RefreshToken",
            "updateMany",
            &json!({"where": {"id": old.id, "revokedAt": null},
                    "data": {"revokedAt": store::now_string(), "replacedBy": new_id}}),
        )
        .await?;
    Ok(out.get("count").and_then(Value::as_u64) == Some(1))
}

/// Revokes every live token of a login (logout, reuse detection).
pub async fn revoke_family(db: &Db, family: &str) -> Result<(), StoreError> {
    db.as_system("auth: revoke a login's refresh tokens")
        .run(
            "RefreshToken",
            "updateMany",
            &json!({"where": {"family": family, "revokedAt": null}, "data": {"revokedAt": store::now_string()}}),
        )
        .await?;
    Ok(())
}

/// Revokes every live token of every login of a user (password change, deactivation).
pub async fn revoke_user(db: &Db, user_id: &str) -> Result<(), StoreError> {
    db.as_system("auth: revoke a user's refresh tokens")
        .run(
            "RefreshToken",
            "updateMany",
            &json!({"where": {"userId": user_id, "revokedAt": null}, "data": {"revokedAt": store::now_string()}}),
        )
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, ha) = generate();
        let (b, _) = generate();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(ha, hash(&a));
        assert_eq!(ha.len(), 64);
    }

    #[test]
    fn successors_are_stable_per_key() {
        let key = successor_key(b"0123456789abcdef0123456789abcdef");
        let other = successor_key(b"another secret, another server!!");
        let (a, _) = generate();
        assert_eq!(successor(&key, &a), successor(&key, &a));
        assert_eq!(successor(&key, &a).len(), 43);
        assert_ne!(successor(&key, &a), a);
        assert_ne!(successor(&key, &a), successor(&other, &a));
        assert_ne!(successor(&key, &successor(&key, &a)), successor(&key, &a));
    }
}
