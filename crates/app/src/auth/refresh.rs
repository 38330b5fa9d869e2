//! Refresh tokens: 32 random bytes (base64url) handed to the client once, stored only as their
//! SHA-256. Each login starts a `family`; every refresh rotates the token within it, and showing
//! a rotated token again (a stolen copy) revokes the whole family.

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
            rotated: row.get("replacedBy").is_some_and(|v| !v.is_null()),
        })
    }

    /// Past its expiry (timestamps are all `YYYY-MM-DDTHH:MM:SS.sssZ`, so text order is time order).
    pub fn expired(&self) -> bool {
        self.expires_at <= store::now_string()
    }
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

/// Stores a new token of `family` for the user and returns the client's copy.
pub async fn insert(
    db: &Db,
    id: &str,
    tenant_id: &str,
    user_id: &str,
    family: &str,
    ttl: std::time::Duration,
) -> Result<String, StoreError> {
    let (plain, token_hash) = generate();
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
    Ok(plain)
}

/// The stored token whose hash matches the client's copy.
pub async fn find(db: &Db, plain: &str) -> Result<Option<StoredToken>, StoreError> {
    let row = db
        .as_system("auth: look up a refresh token")
        .run("RefreshToken", "findUnique", &json!({"where": {"tokenHash": hash(plain)}}))
        .await?;
    Ok(StoredToken::from_row(&row))
}

/// Marks `old` rotated into `new_id`; `false` when it was revoked or rotated meanwhile (a race
/// with another refresh of the same token, treated as reuse).
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
}
