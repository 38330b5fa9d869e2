//! The browser files the pages use, compiled into the binary: our stylesheet and script, and the
//! vendored third-party files (htmx, the official socket.io client, the Arabic and Latin fonts;
//! see `assets/vendor.sh`). Nothing is loaded from another host.
//!
//! Each file is served at `/assets/{name}`; pages link it as `/assets/{name}?v={hash}` (the first
//! 16 hex digits of its SHA-256) so a browser may cache it for a year and still sees a new build.

use std::sync::LazyLock;

use sha2::{Digest, Sha256};

/// One embedded file.
#[derive(Debug)]
pub struct Asset {
    pub name: &'static str,
    pub bytes: &'static [u8],
    pub content_type: &'static str,
    /// Content hash, the `?v=` of its URL.
    pub hash: String,
}

macro_rules! asset {
    ($name:literal, $ty:literal) => {
        ($name, include_bytes!(concat!("../assets/", $name)).as_slice(), $ty)
    };
}

const FILES: &[(&str, &[u8], &str)] = &[
    asset!("app.css", "text/css; charset=utf-8"),
    asset!("app.js", "text/javascript; charset=utf-8"),
    asset!("inbox.js", "text/javascript; charset=utf-8"),
    asset!("pipeline.js", "text/javascript; charset=utf-8"),
    asset!("vendor/htmx.min.js", "text/javascript; charset=utf-8"),
    asset!("vendor/socket.io.min.js", "text/javascript; charset=utf-8"),
    asset!("vendor/fonts/noto-sans-arabic-arabic-wght.woff2", "font/woff2"),
    asset!("vendor/fonts/inter-latin-wght.woff2", "font/woff2"),
    asset!("vendor/fonts/inter-latin-ext-wght.woff2", "font/woff2"),
];

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|(name, bytes, content_type)| {
            let digest = Sha256::digest(bytes);
            let hash = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
            Asset { name, bytes, content_type, hash }
        })
        .collect()
});

/// The embedded file `name` (`app.css`, `vendor/htmx.min.js`…).
pub fn get(name: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.name == name)
}

/// The versioned URL of an embedded file; an unknown name is a bug caught by the page tests.
pub fn url(name: &str) -> String {
    match get(name) {
        Some(a) => format!("/assets/{}?v={}", a.name, a.hash),
        None => format!("/assets/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_is_served_with_a_content_hash() {
        for (name, ..) in FILES {
            let a = get(name).expect("listed");
            assert_eq!(a.hash.len(), 16);
            assert!(url(name).ends_with(&a.hash));
        }
        assert!(get("../Cargo.toml").is_none());
    }

    /// The committed copies under `assets/vendor/` are the files of the versions pinned in
    /// `assets/package-lock.json` (`./vendor.sh` refreshes them; `test.sh` installs the packages).
    #[test]
    fn vendored_files_match_the_pinned_packages() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
        let list = std::fs::read_to_string(dir.join("vendor.list")).expect("vendor.list");
        let modules = dir.join("node_modules");
        assert!(modules.is_dir(), "{} is missing: run `npm ci` in crates/ui/assets (test.sh does)", modules.display());
        let mut checked = 0;
        for line in list.lines().filter(|l| !l.trim().is_empty()) {
            let (from, to) = line.split_once(' ').expect("`from to` per line");
            let source = std::fs::read(modules.join(from)).unwrap_or_else(|e| panic!("{from}: {e}"));
            let copy = std::fs::read(dir.join("vendor").join(to)).unwrap_or_else(|e| panic!("vendor/{to}: {e}"));
            assert!(source == copy, "vendor/{to} differs from {from}: run crates/ui/assets/vendor.sh");
            checked += 1;
        }
        assert!(checked >= 5);
    }
}
