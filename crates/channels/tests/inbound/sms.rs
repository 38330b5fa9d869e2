//! Twilio SMS: signature known answers (Twilio's docs and twilio-python's test vectors), inbound and status forms.

use channels::sms::{
    self, FormError, MessageStatus, OptKeyword, SignatureError, parse_inbound, parse_status, verify_json_signature,
    verify_signature,
};

const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
const TOKEN: &str = "12345";

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn python_params() -> Vec<(String, String)> {
    form(&[
        ("CallSid", "CA1234567890ABCDE"),
        ("Digits", "1234"),
        ("From", "+14158675309"),
        ("To", "+18005551212"),
        ("Caller", "+14158675309"),
    ])
}

#[test]
fn twilio_docs_worked_example() {
    let params = form(&[
        ("CallSid", "CA1234567890ABCDE"),
        ("Caller", "+12349013030"),
        ("Digits", "1234"),
        ("From", "+12349013030"),
        ("To", "+18005551212"),
    ]);
    assert_eq!(verify_signature(URL, &params, Some("0/KCTR6DLpKmkAf8muzZqo1nDgQ="), TOKEN), Ok(()));
    assert_eq!(
        verify_signature(URL, &params, Some("0/KCTR6DLpKmkAf8muzZqo1nDgQ="), "54321"),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn twilio_python_vectors_including_ports_and_duplicates() {
    let params = python_params();
    let check = |url: &str, signature: &str| verify_signature(url, &params, Some(signature), TOKEN);
    assert_eq!(check(URL, "RSOYDt4T1cUTdK1PDd93/VVr8B8="), Ok(()));
    // Signed with :443 added, validated against the URL without a port.
    assert_eq!(check(URL, "kvajT1Ptam85bY51eRf/AJRuM3w="), Ok(()));
    // Signed with :80 added on http.
    assert_eq!(check("http://mycompany.com/myapp.php?foo=1&bar=2", "0ZXoZLH/DfblKGATFgpif+LLRf4="), Ok(()));
    // Signed with a non-default port, validated against that URL.
    assert_eq!(check("http://mycompany.com:1234/myapp.php?foo=1&bar=2", "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="), Ok(()));
    // Signed without a port, validated against a URL carrying one.
    assert_eq!(check("https://mycompany.com:1234/myapp.php?foo=1&bar=2", "RSOYDt4T1cUTdK1PDd93/VVr8B8="), Ok(()));
    // Parameter order as received does not matter.
    let mut reversed = params.clone();
    reversed.reverse();
    assert_eq!(verify_signature(URL, &reversed, Some("RSOYDt4T1cUTdK1PDd93/VVr8B8="), TOKEN), Ok(()));
    // A changed query string does.
    assert_eq!(
        check("https://mycompany.com/myapp.php?foo=1&bar=3", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        Err(SignatureError::Mismatch)
    );

    let duplicates = form(&[("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678"), ("Digits", "1234")]);
    assert_eq!(verify_signature(URL, &duplicates, Some("IK+Dwps556ElfBT0I3Rgjkr1wJU="), TOKEN), Ok(()));
}

#[test]
fn json_body_vector() {
    let body = br#"{"property": "value", "boolean": true}"#;
    let url = format!("{URL}&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620");
    assert_eq!(verify_json_signature(&url, body, Some("a9nBmqA0ju/hNViExpshrM61xv4="), TOKEN), Ok(()));
    let tampered = br#"{"property": "value", "boolean": false}"#;
    assert_eq!(
        verify_json_signature(&url, tampered, Some("a9nBmqA0ju/hNViExpshrM61xv4="), TOKEN),
        Err(SignatureError::BodyHashMismatch)
    );
    assert_eq!(
        verify_json_signature(URL, body, Some("a9nBmqA0ju/hNViExpshrM61xv4="), TOKEN),
        Err(SignatureError::BodyHashMismatch)
    );
}

#[test]
fn missing_or_garbled_headers() {
    let params = python_params();
    assert_eq!(verify_signature(URL, &params, None, TOKEN), Err(SignatureError::Missing));
    assert_eq!(verify_signature(URL, &params, Some(""), TOKEN), Err(SignatureError::Missing));
    for garbled in ["not base64!", "AAAA", "RSOYDt4T1cUTdK1PDd93/VVr8B8=AAAA"] {
        assert_eq!(verify_signature(URL, &params, Some(garbled), TOKEN), Err(SignatureError::Malformed), "{garbled}");
    }
    assert_eq!(
        verify_signature(URL, &params, Some("RSOYDt4T1cUTdK1PDd93/VVr8B8="), ""),
        Err(SignatureError::NotConfigured)
    );
}

/// An inbound MMS as Twilio posts it (parameter order as in real captures), with an Arabic body.
fn inbound_form() -> Vec<(String, String)> {
    form(&[
        ("ToCountry", "US"),
        ("ToState", "CA"),
        ("SmsMessageSid", "MM6d2e1f7c0b0a4e8f9a1b2c3d4e5f6a7b"),
        ("NumMedia", "2"),
        ("ToCity", ""),
        ("FromZip", ""),
        ("SmsSid", "MM6d2e1f7c0b0a4e8f9a1b2c3d4e5f6a7b"),
        ("FromState", ""),
        ("SmsStatus", "received"),
        ("FromCity", ""),
        ("Body", "مرحبا، أرسلت صور الشقة"),
        ("FromCountry", "AE"),
        ("To", "+14155550100"),
        ("MediaContentType0", "image/jpeg"),
        ("MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/AC0123/Messages/MM6d/Media/ME1"),
        ("MediaContentType1", "image/png"),
        ("MediaUrl1", "https://api.twilio.com/2010-04-01/Accounts/AC0123/Messages/MM6d/Media/ME2"),
        ("ToZip", ""),
        ("NumSegments", "1"),
        ("MessageSid", "MM6d2e1f7c0b0a4e8f9a1b2c3d4e5f6a7b"),
        ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
        ("From", "+971501234567"),
        ("ApiVersion", "2010-04-01"),
    ])
}

#[test]
fn parses_an_inbound_mms() {
    let sms = parse_inbound(&inbound_form()).unwrap();
    assert_eq!(sms.message_sid, "MM6d2e1f7c0b0a4e8f9a1b2c3d4e5f6a7b");
    assert_eq!(sms.account_sid, "AC0123456789abcdef0123456789abcdef");
    assert_eq!((sms.from.as_str(), sms.to.as_str()), ("+971501234567", "+14155550100"));
    assert_eq!(sms.body, "مرحبا، أرسلت صور الشقة");
    assert_eq!((sms.num_media, sms.num_segments), (2, Some(1)));
    assert_eq!(sms.media.len(), 2);
    assert!(sms.media[1].url.ends_with("/Media/ME2"));
    assert_eq!(sms.media[1].content_type.as_deref(), Some("image/png"));
    assert_eq!(sms.opt_keyword(), None);
}

#[test]
fn inbound_forms_missing_what_they_need() {
    let without = |name: &str| inbound_form().into_iter().filter(|(k, _)| k != name).collect::<Vec<_>>();
    assert_eq!(parse_inbound(&without("From")), Err(FormError::Missing("From".into())));
    assert_eq!(parse_inbound(&without("MediaUrl1")), Err(FormError::Missing("MediaUrl1".into())));
    let no_sid: Vec<_> = without("MessageSid").into_iter().filter(|(k, _)| k != "SmsSid").collect();
    assert_eq!(parse_inbound(&no_sid), Err(FormError::Missing("MessageSid".into())));
    let mut bad = without("NumMedia");
    bad.push(("NumMedia".into(), "lots".into()));
    assert!(matches!(parse_inbound(&bad), Err(FormError::Invalid { name, .. }) if name == "NumMedia"));
    // A plain SMS with no body and no media parameters is fine.
    let minimal = form(&[("MessageSid", "SM1"), ("AccountSid", "AC1"), ("From", "+1"), ("To", "+2")]);
    let sms = parse_inbound(&minimal).unwrap();
    assert_eq!((sms.body.as_str(), sms.num_media, sms.media.len()), ("", 0, 0));
}

#[test]
fn stop_and_start_messages() {
    let with_body = |body: &str| {
        let mut form = form(&[("MessageSid", "SM1"), ("AccountSid", "AC1"), ("From", "+1"), ("To", "+2")]);
        form.push(("Body".into(), body.into()));
        parse_inbound(&form).unwrap()
    };
    assert_eq!(with_body(" stop ").opt_keyword(), Some(OptKeyword::OptOut));
    assert_eq!(with_body("Unstop").opt_keyword(), Some(OptKeyword::OptIn));
    assert_eq!(with_body("إلغاء").opt_keyword(), Some(OptKeyword::OptOut));
    assert_eq!(with_body("stop texting me about that villa").opt_keyword(), None);
    // Advanced Opt-Out tells us directly, whatever the custom keyword was.
    let mut advanced = with_body("ARRET");
    advanced.opt_out_type = Some("STOP".into());
    assert_eq!(advanced.opt_keyword(), Some(OptKeyword::OptOut));
    assert_eq!(sms::opt_keyword("START"), Some(OptKeyword::OptIn));
}

#[test]
fn status_callbacks() {
    let failed = parse_status(&form(&[
        ("SmsSid", "SM1f0e"),
        ("SmsStatus", "undelivered"),
        ("MessageStatus", "undelivered"),
        ("To", "+971501234567"),
        ("MessageSid", "SM1f0e"),
        ("AccountSid", "AC0123"),
        ("From", "+14155550100"),
        ("ApiVersion", "2010-04-01"),
        ("ErrorCode", "30003"),
    ]))
    .unwrap();
    assert_eq!(failed.message_sid, "SM1f0e");
    assert_eq!(failed.account_sid.as_deref(), Some("AC0123"));
    assert_eq!(failed.status, MessageStatus::Undelivered);
    assert_eq!(failed.error_code, Some(30003));

    let delivered = parse_status(&form(&[("MessageSid", "SM2"), ("MessageStatus", "delivered")])).unwrap();
    assert_eq!((delivered.status.clone(), delivered.error_code), (MessageStatus::Delivered, None));
    assert!(delivered.status.advances(&MessageStatus::Sent));
    assert!(!MessageStatus::Sent.advances(&delivered.status), "out-of-order sent after delivered");

    let legacy = parse_status(&form(&[("SmsSid", "SM3"), ("SmsStatus", "sent")])).unwrap();
    assert_eq!((legacy.message_sid.as_str(), legacy.status), ("SM3", MessageStatus::Sent));
    assert_eq!(parse_status(&form(&[("MessageSid", "SM4")])), Err(FormError::Missing("MessageStatus".into())));
}
