//! Inbound parsing and verification against provider-shaped fixtures (`tests/fixtures/**`).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, reason = "tests fail loudly on broken fixtures")]

mod email;
mod sms;
mod whatsapp;

use std::path::PathBuf;

/// The raw bytes of `tests/fixtures/<relative>`.
fn fixture(relative: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(relative);
    std::fs::read(&path).unwrap_or_else(|err| panic!("reading {}: {err}", path.display()))
}
