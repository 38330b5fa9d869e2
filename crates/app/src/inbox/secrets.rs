//! Channel secrets at rest: the `*Enc` columns of `ChannelAccount` hold each secret sealed with
//! ChaCha20-Poly1305 under the server's key (`inbox.secret_key`, or the generated
//! `{data_dir}/inbox.key`).
//!
//! The stored form is versioned: `v1:` + base64(12-byte random nonce ‖ ciphertext ‖ tag). The
//! column's name is the associated data, so a value copied into another column (an app secret
//! pasted where a verify token goes) does not open. A tampered value, or one sealed under another
//! key, fails to open — never decrypts to garbage.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

/// The prefix of the current format.
const V1: &str = "v1:";
const NONCE_LEN: usize = 12;

/// Why a key or a sealed value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// The configured key is not base64 of exactly 32 bytes.
    #[error("the secret key must be base64 of exactly 32 bytes")]
    BadKey,
    /// The stored value is not in a format this server knows (`v1:…`).
    #[error("the stored secret is not in a known format")]
    UnknownFormat,
    /// The value was changed, sealed for another column, or sealed under another key.
    #[error("the stored secret does not open with this server's key")]
    CannotOpen,
}

/// Seals and opens channel secrets. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: ChaCha20Poly1305,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(…)")
    }
}

impl SecretBox {
    /// A box over a 32-byte key.
    pub fn new(key: [u8; 32]) -> SecretBox {
        SecretBox { cipher: ChaCha20Poly1305::new(&Key::from(key)) }
    }

    /// A box over a key given as base64 (standard or URL-safe, padded or not) of 32 bytes.
    pub fn from_base64(key: &str) -> Result<SecretBox, SecretError> {
        let key = key.trim();
        let bytes = STANDARD
            .decode(key)
            .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(key.trim_end_matches('=')))
            .map_err(|_| SecretError::BadKey)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| SecretError::BadKey)?;
        Ok(SecretBox::new(key))
    }

    /// A box over a fresh random key (tests, and an `App` the composition root has not configured:
    /// what it seals does not survive a restart).
    pub fn random() -> SecretBox {
        SecretBox::new(rand::random())
    }

    /// A new random key as base64, for a key file.
    pub fn generate_key() -> String {
        STANDARD.encode(rand::random::<[u8; 32]>())
    }

    /// Seals `plaintext` for the column `column` (e.g. `appSecretEnc`).
    pub fn seal(&self, column: &str, plaintext: &str) -> String {
        let nonce_bytes: [u8; NONCE_LEN] = rand::random();
        let nonce = Nonce::from(nonce_bytes);
        // Encrypting into a Vec fails only when the plaintext exceeds the cipher's limit (≈ 256 GiB).
        let sealed = self.cipher.encrypt(&nonce, Payload { msg: plaintext.as_bytes(), aad: column.as_bytes() });
        let mut out = nonce_bytes.to_vec();
        out.extend(sealed.unwrap_or_default());
        format!("{V1}{}", STANDARD.encode(out))
    }

    /// Opens a value sealed for `column`.
    pub fn open(&self, column: &str, sealed: &str) -> Result<String, SecretError> {
        let body = sealed.strip_prefix(V1).ok_or(SecretError::UnknownFormat)?;
        let bytes = STANDARD.decode(body).map_err(|_| SecretError::CannotOpen)?;
        if bytes.len() < NONCE_LEN + 16 {
            return Err(SecretError::CannotOpen);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| SecretError::CannotOpen)?;
        let plain = self
            .cipher
            .decrypt(&Nonce::from(nonce), Payload { msg: ciphertext, aad: column.as_bytes() })
            .map_err(|_| SecretError::CannotOpen)?;
        String::from_utf8(plain).map_err(|_| SecretError::CannotOpen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_a_fresh_nonce_each_time() {
        let b = SecretBox::random();
        let a1 = b.seal("appSecretEnc", "s3cr3t-مفتاح");
        let a2 = b.seal("appSecretEnc", "s3cr3t-مفتاح");
        assert!(a1.starts_with("v1:"));
        assert_ne!(a1, a2, "a random nonce per seal");
        assert!(!a1.contains("s3cr3t"));
        assert_eq!(b.open("appSecretEnc", &a1).unwrap(), "s3cr3t-مفتاح");
        assert_eq!(b.open("appSecretEnc", &a2).unwrap(), "s3cr3t-مفتاح");
    }

    #[test]
    fn tampering_another_column_and_another_key_never_open() {
        let b = SecretBox::random();
        let sealed = b.seal("appSecretEnc", "token");
        // Flip one bit of the ciphertext.
        let mut raw = STANDARD.decode(&sealed[3..]).unwrap();
        let last = raw.len() - 1;
        raw[last] ^= 1;
        let tampered = format!("v1:{}", STANDARD.encode(raw));
        assert_eq!(b.open("appSecretEnc", &tampered), Err(SecretError::CannotOpen));
        assert_eq!(b.open("verifyTokenEnc", &sealed), Err(SecretError::CannotOpen));
        assert_eq!(SecretBox::random().open("appSecretEnc", &sealed), Err(SecretError::CannotOpen));
        assert_eq!(b.open("appSecretEnc", "token"), Err(SecretError::UnknownFormat));
        assert_eq!(b.open("appSecretEnc", "v1:AAAA"), Err(SecretError::CannotOpen));
        assert_eq!(b.open("appSecretEnc", "v1:%%%"), Err(SecretError::CannotOpen));
    }

    #[test]
    fn keys_from_configuration() {
        let key = SecretBox::generate_key();
        let a = SecretBox::from_base64(&key).unwrap();
        let b = SecretBox::from_base64(&format!("  {key}\n")).unwrap();
        assert_eq!(b.open("x", &a.seal("x", "v")).unwrap(), "v");
        assert_eq!(SecretBox::from_base64("c2hvcnQ=").unwrap_err(), SecretError::BadKey);
        assert_eq!(SecretBox::from_base64("not base64!").unwrap_err(), SecretError::BadKey);
        assert_eq!(format!("{a:?}"), "SecretBox(…)");
    }
}
