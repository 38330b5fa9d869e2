//! The generated JWT signing key: made once on first start, kept in the data directory with
//! mode 0600, reused afterwards (so sessions survive restarts).

use std::io::Write;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::Secret;

/// Reads the key at `path`, or creates it (48 random bytes, base64url) when missing.
pub fn load_or_create_jwt_key(path: &Path) -> Result<Secret<String>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let key = text.trim().to_owned();
            if key.len() < 32 {
                return Err(format!(
                    "{} holds a key shorter than 32 bytes: delete it to have a new one generated \
                     (signed-in users will have to sign in again)",
                    path.display()
                ));
            }
            Ok(Secret::new(key))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create(path),
        Err(e) => Err(format!("cannot read the JWT key {}: {e}", path.display())),
    }
}

/// Reads the key sealing channel secrets at `path`, or creates it (32 random bytes, base64) when
/// missing.
pub fn load_or_create_inbox_key(path: &Path) -> Result<Secret<String>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Secret::new(text.trim().to_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            write_new(path, &app::inbox::secrets::SecretBox::generate_key(), "inbox key")
        }
        Err(e) => Err(format!("cannot read the inbox key {}: {e}", path.display())),
    }
}

fn write_new(path: &Path, key: &str, what: &str) -> Result<Secret<String>, String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| format!("cannot create the {what} {}: {e}", path.display()))?;
    file.write_all(key.as_bytes()).map_err(|e| format!("cannot write the {what} {}: {e}", path.display()))?;
    tracing::info!(path = %path.display(), "generated a new {what}");
    Ok(Secret::new(key.to_owned()))
}

fn create(path: &Path) -> Result<Secret<String>, String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let key = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>()) + &URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>());
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| format!("cannot create the JWT key {}: {e}", path.display()))?;
    file.write_all(key.as_bytes()).map_err(|e| format!("cannot write the JWT key {}: {e}", path.display()))?;
    tracing::info!(path = %path.display(), "generated a new JWT signing key");
    Ok(Secret::new(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_once_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/jwt.key");
        let a = load_or_create_jwt_key(&path).unwrap();
        let b = load_or_create_jwt_key(&path).unwrap();
        assert_eq!(a.expose(), b.expose());
        assert!(a.expose().len() >= 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn the_inbox_key_is_created_once_and_opens_what_it_sealed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("inbox.key");
        let a = load_or_create_inbox_key(&path).unwrap();
        let b = load_or_create_inbox_key(&path).unwrap();
        assert_eq!(a.expose(), b.expose());
        let sealed = app::inbox::secrets::SecretBox::from_base64(a.expose()).unwrap().seal("c", "v");
        assert_eq!(app::inbox::secrets::SecretBox::from_base64(b.expose()).unwrap().open("c", &sealed).unwrap(), "v");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }
}
