//! Password hashing with argon2id (the crate's defaults: m = 19 MiB, t = 2, p = 1, as OWASP
//! recommends), off the async threads.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Argon2, password_hash::phc::PasswordHash};

/// Hashes `password` to a PHC string (`$argon2id$v=19$…`) with a fresh random salt.
pub async fn hash(password: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || hash_sync(&password)).await.map_err(|e| e.to_string())?
}

fn hash_sync(password: &str) -> Result<String, String> {
    Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()).map_err(|e| e.to_string())
}

/// Checks `password` against `stored`. With no stored hash (unknown user, invited user) it still
/// runs one full verification against a dummy hash, so the time taken does not tell whether the
/// account exists.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || match stored {
        Some(h) => verify_sync(&password, &h),
        None => {
            let _ = verify_sync(&password, dummy_hash());
            false
        }
    })
    .await
    .unwrap_or(false)
}

fn verify_sync(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// A hash of a random password, with the same parameters as real ones.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let pw = uuid::Uuid::new_v4().to_string();
        hash_sync(&pw).unwrap_or_else(|_| {
            // Cannot happen with default parameters; a parse failure still costs a verify attempt.
            String::from("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")
        })
    })
}

/// Computes the dummy hash now, so the first failed login is not slower than the rest.
pub fn warm_up() {
    let _ = dummy_hash();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify() {
        let h = hash("correct horse".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse".into(), Some(h.clone())).await);
        assert!(!verify("wrong horse".into(), Some(h)).await);
        assert!(!verify("anything".into(), None).await);
    }
}
