//! WhatsApp Cloud API: every fixture parses to the expected values; signatures are checked over the raw bytes.

use channels::whatsapp::{
    self, DeliveryStatus, InboundMessage, InteractiveKind, MessageKind, ParseError, SignatureError, StatusUpdate,
};
use chrono::DateTime;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::fixture;

const PNID: &str = "106540352242922";
const WA_ID: &str = "971501234567";
const SECRET: &[u8] = b"manzil-test-app-secret";

fn load(name: &str) -> Vec<u8> {
    fixture(&format!("whatsapp/{name}"))
}

fn delivery(name: &str) -> whatsapp::Delivery {
    let delivery = whatsapp::parse(&load(name)).unwrap_or_else(|err| panic!("{name}: {err}"));
    assert!(delivery.skipped.is_empty(), "{name}: skipped {:?}", delivery.skipped);
    delivery
}

/// The only message of a single-message fixture.
fn message(name: &str) -> InboundMessage {
    let delivery = delivery(name);
    assert!(delivery.statuses.is_empty());
    let [message] = <[_; 1]>::try_from(delivery.messages).expect("exactly one message");
    assert_eq!(message.phone_number_id, PNID);
    assert_eq!(message.display_phone.as_deref(), Some("15550783881"));
    message
}

fn status(name: &str) -> StatusUpdate {
    let [status] = <[_; 1]>::try_from(delivery(name).statuses).expect("exactly one status");
    assert_eq!(status.phone_number_id, PNID);
    status
}

fn header_for(body: &[u8], secret: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    format!("sha256={}", digest.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

#[test]
fn text() {
    let m = message("01-text.json");
    assert_eq!(m.wa_id.as_deref(), Some(WA_ID));
    assert_eq!(m.business_scoped_user_id, None);
    assert_eq!(m.profile_name.as_deref(), Some("Layla Haddad"));
    assert_eq!(m.provider_id, "wamid.HBgMOTcxNTAxMjM0NTY3FQIAEhgUM0VCMDRGN0E5QjY2QjA4N0I2QTcA01");
    assert_eq!(m.timestamp, DateTime::from_timestamp(1_767_225_600, 0).unwrap());
    assert_eq!(m.kind, MessageKind::Text { body: "Hi, is the 2-bedroom in Dubai Marina still available?".into() });
    assert_eq!((m.reply_to, m.forwarded, m.referral), (None, false, None));
}

#[test]
fn arabic_text_arrives_escaped_and_parses_to_arabic() {
    let raw = load("02-text-arabic-escaped.json");
    assert!(raw.is_ascii(), "Meta escapes non-ASCII as \\uXXXX");
    assert!(std::str::from_utf8(&raw).unwrap().contains(r"\u0645\u0631\u062d\u0628\u0627"));
    let m = message("02-text-arabic-escaped.json");
    assert_eq!(m.profile_name.as_deref(), Some("ليلى حداد"));
    assert_eq!(
        m.kind,
        MessageKind::Text {
            body: "مرحبا، هل الشقة في دبي مارينا ما زالت متاحة؟".into()
        }
    );
}

#[test]
fn image_with_caption_and_url() {
    let MessageKind::Image(media) = message("03-image.json").kind else { panic!("not an image") };
    assert_eq!(media.id, "1479537139650973");
    assert_eq!(media.mime_type.as_deref(), Some("image/jpeg"));
    assert_eq!(media.sha256.as_deref(), Some("xGsBgbEVbNp4+SjbI5gUHwyMvV8b4Wz9m0o2q3n7U9Y="));
    assert_eq!(media.caption.as_deref(), Some("صورة المطبخ"));
    assert!(media.url.unwrap().starts_with("https://"));
}

#[test]
fn voice_note() {
    let MessageKind::Audio { media, voice } = message("04-audio-voice.json").kind else { panic!("not audio") };
    assert!(voice);
    assert_eq!(media.id, "1003383421387256");
    assert_eq!(media.mime_type.as_deref(), Some("audio/ogg; codecs=opus"));
}

#[test]
fn forwarded_video() {
    let m = message("05-video.json");
    assert!(m.forwarded && !m.frequently_forwarded);
    let MessageKind::Video(media) = m.kind else { panic!("not a video") };
    assert_eq!((media.id.as_str(), media.caption.as_deref()), ("765756756012345", Some("Walkthrough")));
}

#[test]
fn document_keeps_its_filename() {
    let MessageKind::Document(media) = message("06-document.json").kind else { panic!("not a document") };
    assert_eq!(media.filename.as_deref(), Some("passport.pdf"));
    assert_eq!(media.mime_type.as_deref(), Some("application/pdf"));
    assert_eq!(media.caption.as_deref(), Some("Passport copy"));
    assert_eq!(media.sha256.as_deref(), Some("grwfwe/ZPx0wAbdfbdeFUNItPZ0RylL8gGUvdt3YFqc="));
}

#[test]
fn animated_sticker() {
    let MessageKind::Sticker { media, animated } = message("07-sticker.json").kind else { panic!("not a sticker") };
    assert!(animated);
    assert_eq!(media.mime_type.as_deref(), Some("image/webp"));
}

#[test]
fn location() {
    let MessageKind::Location(place) = message("08-location.json").kind else { panic!("not a location") };
    assert_eq!((place.latitude, place.longitude), (25.080_542_2, 55.140_342_6));
    assert_eq!(place.name.as_deref(), Some("Dubai Marina Mall"));
    assert_eq!(place.address.as_deref(), Some("Sheikh Zayed Rd, Dubai Marina, Dubai"));
}

#[test]
fn shared_contacts() {
    let MessageKind::Contacts(cards) = message("09-contacts.json").kind else { panic!("not contacts") };
    let [card] = <[_; 1]>::try_from(cards).unwrap();
    assert_eq!(card.formatted_name.as_deref(), Some("Omar Khalil"));
    assert_eq!((card.first_name.as_deref(), card.last_name.as_deref()), (Some("Omar"), Some("Khalil")));
    assert_eq!(card.phones[0].phone, "+971 50 765 4321");
    assert_eq!(card.phones[0].wa_id.as_deref(), Some("971507654321"));
    assert_eq!(card.phones[0].label.as_deref(), Some("CELL"));
    assert_eq!(card.emails, ["omar@example.com"]);
    assert_eq!(card.company.as_deref(), Some("Khalil Properties"));
}

#[test]
fn interactive_replies_point_at_the_business_message() {
    let m = message("10-interactive-button-reply.json");
    assert_eq!(m.reply_to.as_deref(), Some("wamid.HBgMOTcxNTAxMjM0NTY3FQIAERgSQjUxRUQ1MTE0OEE2NzNBRjIwAA=="));
    let MessageKind::InteractiveReply(reply) = m.kind else { panic!("not interactive") };
    assert_eq!(reply.kind, InteractiveKind::ButtonReply);
    assert_eq!((reply.id.as_str(), reply.title.as_str()), ("book_viewing", "Book a viewing"));

    let MessageKind::InteractiveReply(row) = message("11-interactive-list-reply.json").kind else { panic!() };
    assert_eq!(row.kind, InteractiveKind::ListReply);
    assert_eq!((row.id.as_str(), row.title.as_str()), ("budget_2m", "AED 1-2M"));
    assert_eq!(row.description.as_deref(), Some("Apartments and townhouses"));
}

#[test]
fn template_quick_reply_button() {
    let m = message("12-button.json");
    assert!(m.reply_to.is_some());
    assert_eq!(m.kind, MessageKind::Button { payload: Some("NOT_INTERESTED".into()), text: "Not interested".into() });
}

#[test]
fn reactions_and_their_removal() {
    let original = "wamid.HBgMOTcxNTAxMjM0NTY3FQIAERgSQjUxRUQ1MTE0OEE2NzNBRjIwAA==";
    let added = message("13-reaction.json").kind;
    assert_eq!(added, MessageKind::Reaction { message_id: original.into(), emoji: Some("\u{1F44D}".into()) });
    let removed = message("14-reaction-removed.json").kind;
    assert_eq!(removed, MessageKind::Reaction { message_id: original.into(), emoji: None });
}

#[test]
fn unsupported_order_and_system_are_kept_not_errors() {
    let m = message("15-unsupported.json");
    assert_eq!(m.kind, MessageKind::Unsupported { message_type: "unsupported".into(), detail: Some("poll".into()) });
    assert_eq!(m.errors[0].code, Some(131_051));
    assert_eq!(m.errors[0].details.as_deref(), Some("Message type is currently not supported."));
    for (name, kind) in [("16-order.json", "order"), ("17-system.json", "system")] {
        assert_eq!(message(name).kind, MessageKind::Unsupported { message_type: kind.into(), detail: None });
    }
}

#[test]
fn reply_context_and_click_to_whatsapp_referral() {
    let m = message("18-text-reply-with-referral.json");
    assert_eq!(m.reply_to.as_deref(), Some("wamid.HBgMOTcxNTAxMjM0NTY3FQIAERgSQUJDREVGMDEyMzQ1Njc4OQA="));
    let referral = m.referral.expect("referral");
    assert_eq!(referral.source_type.as_deref(), Some("ad"));
    assert_eq!(referral.source_id.as_deref(), Some("120212345678901234"));
    assert_eq!(referral.headline.as_deref(), Some("Marina View 2BR"));
    assert!(referral.ctwa_clid.unwrap().starts_with("ARAk"));
}

#[test]
fn sent_status_with_conversation_and_pricing() {
    let s = status("20-status-sent.json");
    assert_eq!(s.status, DeliveryStatus::Sent);
    assert_eq!(s.provider_id, "wamid.HBgMOTcxNTAxMjM0NTY3FQIAERgSOUQ0RjNBMjFDMTc5NzAzQTk5AA==");
    assert_eq!(s.recipient_id.as_deref(), Some(WA_ID));
    assert_eq!(s.timestamp, DateTime::from_timestamp(1_767_226_700, 0).unwrap());
    let conversation = s.conversation.expect("conversation");
    assert_eq!(conversation.origin_type.as_deref(), Some("service"));
    assert_eq!(conversation.expires_at, DateTime::from_timestamp(1_767_313_100, 0));
    let pricing = s.pricing.expect("pricing");
    assert_eq!(pricing.pricing_model.as_deref(), Some("PMP"));
    assert_eq!(pricing.pricing_type.as_deref(), Some("free_customer_service"));
    assert_eq!(pricing.category.as_deref(), Some("service"));
    assert_eq!(pricing.billable, Some(false));
    assert!(s.errors.is_empty());
}

#[test]
fn read_status_without_conversation() {
    let s = status("21-status-read.json");
    assert_eq!(s.status, DeliveryStatus::Read);
    assert_eq!((&s.conversation, &s.pricing), (&None, &None));
    assert!(s.advances(Some(DeliveryStatus::Sent)), "read may skip delivered");
    assert!(s.advances(None));
    assert!(!s.advances(Some(DeliveryStatus::Failed)));
}

#[test]
fn failed_status_carries_the_re_engagement_error() {
    let s = status("22-status-failed-131047.json");
    assert_eq!(s.status, DeliveryStatus::Failed);
    let [error] = <[_; 1]>::try_from(s.errors).unwrap();
    assert_eq!(error.code, Some(131_047));
    assert_eq!(error.title.as_deref(), Some("Re-engagement message"));
    assert_eq!(error.message.as_deref(), Some("Re-engagement message"));
    assert!(error.details.unwrap().contains("more than 24 hours"));
    assert!(error.href.is_some());
}

#[test]
fn batch_walks_every_entry_and_change() {
    let d = delivery("23-batch.json");
    let ids: Vec<_> = d.messages.iter().map(|m| (m.phone_number_id.as_str(), m.wa_id.as_deref().unwrap())).collect();
    assert_eq!(ids, [(PNID, WA_ID), (PNID, WA_ID), ("208877665544332", "966501234567")]);
    assert_eq!(d.messages[2].profile_name.as_deref(), Some("Faisal"));
    assert_eq!(d.messages[2].display_phone.as_deref(), Some("966115550100"));
    assert!(matches!(d.messages[2].kind, MessageKind::Image(_)));
    let statuses: Vec<_> = d.statuses.iter().map(|s| s.status).collect();
    assert_eq!(statuses, [DeliveryStatus::Delivered, DeliveryStatus::Read]);
    assert_eq!(d.other_changes.len(), 1);
    assert_eq!(d.other_changes[0].field, "account_update");
    assert_eq!(d.other_changes[0].waba_id.as_deref(), Some("102290129340398"));
}

#[test]
fn bsuid_only_sender() {
    let m = message("24-bsuid-only.json");
    assert_eq!(m.wa_id, None);
    assert_eq!(m.business_scoped_user_id.as_deref(), Some("AE.1502576394655843"));
    assert_eq!(m.profile_name.as_deref(), Some("Sara"));
    assert_eq!(m.username.as_deref(), Some("@sara.homes"));
}

#[test]
fn value_level_errors_and_other_fields() {
    let d = delivery("25-value-errors.json");
    assert!(d.messages.is_empty() && d.statuses.is_empty());
    assert_eq!(d.errors[0].phone_number_id.as_deref(), Some(PNID));
    assert_eq!(d.errors[0].error.code, Some(131_052));

    let d = delivery("26-template-status-update.json");
    assert!(d.messages.is_empty() && d.errors.is_empty());
    assert_eq!(d.other_changes[0].field, "message_template_status_update");
}

#[test]
fn one_broken_item_does_not_sink_the_batch() {
    let d = whatsapp::parse(&load("27-partly-broken.json")).unwrap();
    assert_eq!(d.messages.len(), 1);
    assert_eq!(d.messages[0].kind, MessageKind::Text { body: "still parsed".into() });
    let locations: Vec<_> = d.skipped.iter().map(|s| s.location.as_str()).collect();
    assert_eq!(locations, ["entry[0].changes[0].value.messages[0]", "entry[0].changes[0].value.messages[2]"]);
    assert!(d.skipped[0].reason.contains("id"));
    assert!(d.skipped[1].reason.contains("timestamp"));
}

#[test]
fn unknown_types_fields_and_statuses_are_tolerated() {
    let body = br#"{"object":"whatsapp_business_account","future":1,"entry":[{"id":"1","changes":[{"field":"messages",
        "value":{"metadata":{"phone_number_id":"9"},"new_thing":{},"messages":[
          {"from":"1","id":"wamid.a","timestamp":1767225600,"type":"hologram","hologram":{"x":1}},
          {"from":"1","id":"wamid.b","timestamp":"1767225600","type":"text","text":{"body":42}}],
        "statuses":[{"id":"wamid.c","status":"deleted","timestamp":"1"}]}}]}]}"#;
    let d = whatsapp::parse(body).unwrap();
    assert_eq!(d.messages[0].kind, MessageKind::Unsupported { message_type: "hologram".into(), detail: None });
    assert_eq!(d.messages[0].wa_id.as_deref(), Some("1"));
    assert_eq!(d.messages[0].profile_name, None);
    // A known type with a body of the wrong shape keeps the message, as unsupported.
    assert_eq!(d.messages[1].kind, MessageKind::Unsupported { message_type: "text".into(), detail: None });
    assert_eq!(d.skipped.len(), 1);
    assert!(d.skipped[0].reason.contains("deleted"));
}

#[test]
fn malformed_bodies_are_errors() {
    assert!(matches!(whatsapp::parse(b"{not json"), Err(ParseError::Json(_))));
    assert!(matches!(whatsapp::parse(b""), Err(ParseError::Json(_))));
    assert!(
        matches!(whatsapp::parse(br#"{"object":"page","entry":[]}"#), Err(ParseError::UnexpectedObject(o)) if o == "page")
    );
    assert!(matches!(
        whatsapp::parse(br#"{"object":"whatsapp_business_account","entry":{}}"#),
        Err(ParseError::Json(_))
    ));
}

#[test]
fn signature_known_answer_over_the_escaped_bytes() {
    let raw = load("02-text-arabic-escaped.json");
    // Computed independently: `openssl dgst -sha256 -hmac manzil-test-app-secret 02-text-arabic-escaped.json`.
    let header = "sha256=0bbb6935c5657849c16d11dc0b80d678c5135755f796827c76c883c3730a7b60";
    assert_eq!(header_for(&raw, SECRET), header);
    assert_eq!(whatsapp::verify_signature(&raw, Some(header), SECRET), Ok(()));
    assert_eq!(
        whatsapp::verify_signature(&raw, Some(&header.to_uppercase().replace("SHA256=", "sha256=")), SECRET),
        Ok(())
    );
    assert_eq!(whatsapp::verify_signature(&raw, Some(header), b"another-secret"), Err(SignatureError::Mismatch));
}

#[test]
fn re_serialising_the_json_breaks_the_signature() {
    let raw = load("02-text-arabic-escaped.json");
    let header = header_for(&raw, SECRET);
    let value: serde_json::Value = serde_json::from_slice(&raw).unwrap();
    let reserialised = serde_json::to_vec(&value).unwrap();
    assert_ne!(reserialised, raw, "serde_json writes the Arabic as UTF-8, not as \\u escapes");
    assert_eq!(value, serde_json::from_slice::<serde_json::Value>(&reserialised).unwrap(), "same JSON value");
    assert_eq!(whatsapp::verify_signature(&reserialised, Some(&header), SECRET), Err(SignatureError::Mismatch));
    assert_eq!(whatsapp::verify_signature(&raw, Some(&header), SECRET), Ok(()));
}

#[test]
fn every_fixture_verifies_with_its_own_signature_only() {
    let text = load("01-text.json");
    let header = header_for(&text, SECRET);
    assert_eq!(whatsapp::verify_signature(&text, Some(&header), SECRET), Ok(()));
    let mut tampered = text.clone();
    tampered[10] ^= 1;
    assert_eq!(whatsapp::verify_signature(&tampered, Some(&header), SECRET), Err(SignatureError::Mismatch));
}

#[test]
fn missing_or_garbled_headers() {
    let raw = load("01-text.json");
    let good = header_for(&raw, SECRET);
    assert_eq!(whatsapp::verify_signature(&raw, None, SECRET), Err(SignatureError::Missing));
    assert_eq!(whatsapp::verify_signature(&raw, Some("  "), SECRET), Err(SignatureError::Missing));
    for garbled in [
        good.trim_start_matches("sha256="),
        "sha1=0bbb6935c5657849c16d11dc0b80d678c5135755",
        "sha256=",
        "sha256=xyz",
        &good[..good.len() - 2],
        &format!("{good}00"),
    ] {
        assert_eq!(
            whatsapp::verify_signature(&raw, Some(garbled), SECRET),
            Err(SignatureError::Malformed),
            "{garbled}"
        );
    }
    assert_eq!(whatsapp::verify_signature(&raw, Some(&good), b""), Err(SignatureError::NotConfigured));
}
