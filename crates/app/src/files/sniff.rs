//! Which uploads are accepted: an allow-list of content types, and for images, PDFs, Office files
//! and audio the first bytes must say the same thing as the declared type (a script named
//! `photo.jpg` is refused).

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
    // Audio (voice notes and recordings; WhatsApp sends these as audio messages).
    "audio/mpeg",
    "audio/ogg",
    "audio/mp4",
    "audio/aac",
    "audio/amr",
];

/// The declared type in its canonical form: [`essence`], with the other names browsers give the
/// same audio formats (`audio/x-m4a` → `audio/mp4`, `audio/mp3` → `audio/mpeg`…).
pub fn canonical(content_type: &str) -> String {
    let e = essence(content_type);
    match e.as_str() {
        "audio/x-m4a" | "audio/m4a" => "audio/mp4".to_owned(),
        "audio/mp3" | "audio/x-mp3" | "audio/x-mpeg" => "audio/mpeg".to_owned(),
        "audio/opus" | "audio/x-opus+ogg" => "audio/ogg".to_owned(),
        "audio/x-aac" | "audio/aacp" => "audio/aac".to_owned(),
        _ => e,
    }
}

/// The declared type, lower-cased and without parameters (`image/PNG; x=y` → `image/png`).
pub fn essence(content_type: &str) -> String {
    content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// Whether `bytes` may be stored as `content_type` (its essence): allowed, and the magic bytes
/// match for images, PDFs and Office files.
pub fn acceptable(content_type: &str, bytes: &[u8]) -> bool {
    let ct = canonical(content_type);
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
        // An ID3 tag, or an MPEG audio frame's sync bits.
        "audio/mpeg" => bytes.starts_with(b"ID3") || (bytes.len() >= 2 && bytes[0] == 0xFF && bytes[1] & 0xE0 == 0xE0),
        "audio/ogg" => bytes.starts_with(b"OggS"),
        // An ISO media file (M4A): its first box is `ftyp`.
        "audio/mp4" => bytes.len() >= 8 && &bytes[4..8] == b"ftyp",
        // ADTS frames, or an ADIF header.
        "audio/aac" => bytes.starts_with(b"ADIF") || (bytes.len() >= 2 && bytes[0] == 0xFF && bytes[1] & 0xF6 == 0xF0),
        "audio/amr" => bytes.starts_with(b"#!AMR"),
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

    #[test]
    fn audio_by_its_own_bytes_under_any_of_its_names() {
        assert!(acceptable("audio/ogg; codecs=opus", b"OggS\0\x02"));
        assert!(acceptable("audio/mpeg", b"ID3\x04\0"));
        assert!(acceptable("audio/mp3", &[0xFF, 0xFB, 0x90, 0x64]));
        assert!(acceptable("audio/x-m4a", b"\0\0\0\x20ftypM4A "));
        assert!(acceptable("audio/amr", b"#!AMR\n"));
        assert!(acceptable("audio/aac", &[0xFF, 0xF1, 0x50, 0x80]));
        assert!(!acceptable("audio/ogg", b"%PDF-1.7"), "a PDF declared as audio");
        assert!(!acceptable("audio/wav", b"RIFF\0\0\0\0WAVE"), "not on the list");
        assert_eq!(canonical("Audio/X-M4A"), "audio/mp4");
        assert_eq!(canonical("image/png; x=y"), "image/png");
    }
}
