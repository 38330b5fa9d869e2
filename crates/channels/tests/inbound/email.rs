//! Inbound email: `.eml` fixtures with Arabic headers and bodies in UTF-8 and windows-1256, multipart messages,
//! attachments and threading headers.

use channels::email::{self, ParseError};
use chrono::DateTime;

use crate::fixture;

const REPLY_UUID: &str = "3f2a9c1e-7b4d-4e8a-9f01-2c3d4e5f6a7b";

fn parse(name: &str) -> email::InboundEmail {
    email::parse(&fixture(&format!("email/{name}"))).unwrap_or_else(|err| panic!("{name}: {err}"))
}

#[test]
fn arabic_subject_in_utf8_base64_words() {
    let mail = parse("01-arabic-subject-b.eml");
    assert_eq!(mail.subject.as_deref(), Some("طلب معاينة فيلا في نخلة جميرا"));
    assert_eq!(mail.from.address, "khalid@example.ae");
    assert_eq!(mail.from.name.as_deref(), Some("خالد العتيبي"));
    assert_eq!(mail.message_id.as_deref(), Some("CAF7x1=arabic-b-001@mail.example.ae"));
    assert_eq!(mail.date, DateTime::from_timestamp(1_767_248_100, 0), "10:15 +04:00 is 06:15 UTC");
    let text = mail.text.as_deref().unwrap();
    assert!(text.starts_with("مرحباً،"), "{text}");
    assert!(text.contains("نخلة جميرا يوم السبت"));
    assert_eq!(mail.reply_token("reply+"), Some(REPLY_UUID));
    assert!(mail.html.is_none() && mail.attachments.is_empty() && !mail.auto_submitted);
}

#[test]
fn adjacent_q_words_join_without_the_space_between_them() {
    let mail = parse("02-arabic-subject-q-adjacent.eml");
    assert_eq!(mail.subject.as_deref(), Some("استفسار عن شقة للإيجار"));
    let text = mail.text.as_deref().unwrap();
    assert!(text.contains("دبي مارينا ما زالت متاحة للإيجار السنوي"), "soft line breaks joined: {text}");
    assert!(text.contains("120000 درهم"));
    assert_eq!(mail.reply_token("reply+"), None);
}

#[test]
fn windows_1256_body_and_subject() {
    let raw = fixture("email/03-windows-1256.eml");
    assert!(std::str::from_utf8(&raw).is_err(), "the fixture really is windows-1256, not UTF-8");
    let marhaba_cp1256 = [0xE3, 0xD1, 0xCD, 0xC8, 0xC7];
    assert!(raw.windows(5).any(|w| w == marhaba_cp1256), "مرحبا encoded in windows-1256");
    let mail = email::parse(&raw).unwrap();
    assert_eq!(mail.subject.as_deref(), Some("سعر الشقة"));
    assert_eq!(mail.from.name.as_deref(), Some("أحمد"));
    assert_eq!(mail.text.as_deref(), Some("مرحبا،\nنود الاستفسار عن سعر الشقة رقم 12 في برج الخليج.\nمع التحية"));
}

#[test]
fn multipart_alternative_prefers_plain_text_and_keeps_html_untrusted() {
    let mail = parse("04-multipart-alternative.eml");
    assert_eq!(mail.text.as_deref(), Some("Hello,\nPlease send the floor plan for unit 1204.\nThanks, Maria"));
    let html = mail.html.as_ref().expect("html part");
    assert!(html.as_untrusted_str().contains("<script>"), "kept verbatim, for a sanitiser to deal with");
    let cc: Vec<_> = mail.cc.iter().map(|m| (m.address.as_str(), m.name.as_deref())).collect();
    assert_eq!(
        cc,
        [("team@agency.manzil.example", Some("Team")), (&*format!("reply+{REPLY_UUID}@inbox.manzil.example"), None)]
    );
    assert_eq!(mail.reply_token("reply+"), Some(REPLY_UUID), "found in Cc");
    assert!(mail.attachments.is_empty());
}

#[test]
fn html_only_messages_get_text_derived_from_the_html() {
    let mail = parse("05-html-only.eml");
    let text = mail.text.unwrap();
    assert!(text.contains("Name: Omar") && text.contains("Phone: +971501112233"), "{text}");
    assert!(!text.contains('<'));
    assert!(mail.html.unwrap().as_untrusted_str().starts_with("<html>"));
    assert_eq!(mail.from.address, "info@portal.example.com");
    assert_eq!(mail.from.name, None);
}

#[test]
fn attachments_with_arabic_file_names() {
    let mail = parse("06-attachment.eml");
    assert_eq!(mail.subject.as_deref(), Some("العقد الموقع"));
    assert_eq!(mail.text.as_deref(), Some("مرفق العقد الموقع وصورة الهوية."));
    let [pdf, png] = <[_; 2]>::try_from(mail.attachments).unwrap();
    assert_eq!(pdf.filename.as_deref(), Some("عقد.pdf"), "RFC 2231 filename* wins over name=");
    assert_eq!(pdf.content_type, "application/pdf");
    assert_eq!(pdf.bytes, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
    assert!(!pdf.inline);
    assert_eq!(png.filename.as_deref(), Some("هوية.png"));
    assert_eq!(png.content_type, "image/png");
    assert_eq!(png.content_id.as_deref(), Some("id-card@mail.example.ae"));
    assert!(png.inline);
    assert!(png.bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
}

#[test]
fn reply_threading_headers() {
    let mail = parse("07-reply.eml");
    let parent = format!("conversation/{REPLY_UUID}/messages/42@agency.manzil.example");
    assert_eq!(mail.in_reply_to, std::slice::from_ref(&parent));
    assert_eq!(mail.references, ["first-001@mail.example.com".to_owned(), parent]);
    assert_eq!(mail.to[0].name.as_deref(), Some("Manzil"));
    assert_eq!(mail.reply_token("reply+"), Some(REPLY_UUID));
    assert_eq!(mail.date, DateTime::from_timestamp(1_767_822_300, 0), "16:45 -05:00 is 21:45 UTC");
    assert!(!mail.auto_submitted);
}

#[test]
fn auto_replies_are_flagged() {
    assert!(parse("08-auto-reply.eml").auto_submitted);
}

#[test]
fn unusable_input() {
    assert_eq!(email::parse(b""), Err(ParseError::Empty));
    assert_eq!(email::parse(b" \r\n"), Err(ParseError::Empty));
    assert_eq!(email::parse(b"Subject: hi\r\nTo: a@b.example\r\n\r\nno sender\r\n"), Err(ParseError::MissingFrom));
}
