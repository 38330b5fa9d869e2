//! Which uploads are accepted: an allow-list of content types, and for images and PDFs the first
//! bytes must say the same thing as the declared type (a script named `photo.jpg` is refused).

/// The accepted content types.
pub const ALLOWED: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/webp",
    "application/pdf",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "text/csv",
];

/// The declared type, lower-cased and without parameters (`image/PNG; x=y` → `image/png`).
pub fn essence(content_type: &str) -> String {
    content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// Whether `bytes` may be stored as `content_type` (its essence): allowed, and the magic bytes
/// match for images, PDFs and Office files.
pub fn acceptable(content_type: &str, bytes: &[u8]) -> bool {
    let ct = essence(content_type);
    if !ALLOWED.contains(&ct.as_str()) {
        return false;
    }
    match ct.as_str() {
        "image/jpeg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        "image/png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/webp" => bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP",
        "application/pdf" => bytes.starts_with(b"%PDF-"),
        // OOXML files are ZIP archives; the legacy ones are OLE compound files.
        c if c.starts_with("application/vnd.openxmlformats") => bytes.starts_with(b"PK\x03\x04"),
        "application/msword" | "application/vnd.ms-excel" | "application/vnd.ms-powerpoint" => {
            bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        }
        // Text: must be UTF-8.
        _ => std::str::from_utf8(bytes).is_ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_must_match_the_declared_type() {
        assert!(acceptable("image/png", b"\x89PNG\r\n\x1a\n...."));
        assert!(acceptable("IMAGE/JPEG; q=1", &[0xFF, 0xD8, 0xFF, 0xE0]));
        assert!(acceptable("application/pdf", b"%PDF-1.7\n"));
        assert!(acceptable("image/webp", b"RIFF\x10\0\0\0WEBPVP8 "));
        assert!(!acceptable("image/png", b"%PDF-1.7"), "a PDF declared as PNG");
        assert!(!acceptable("image/jpeg", b"<script>alert(1)</script>"));
        assert!(!acceptable("text/html", b"<html>"), "not on the list");
        assert!(!acceptable("application/x-msdownload", b"MZ\x90\0"));
    }
}
