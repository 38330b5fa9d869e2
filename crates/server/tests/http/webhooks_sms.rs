//! `POST /webhooks/sms` and `/webhooks/sms/status`: Twilio-signed forms routed by number; an
//! inbound text becomes a lead and a message; STOP and START opt the sender out and in; status
//! callbacks move forward only; bad signatures and unknown numbers store nothing.

use serde_json::json;

use crate::support::TestApp;
use crate::webhook_tests;
use crate::webhooks_support::{PUBLIC_URL, channel, drain, form_body, job_count, rows, twilio_signature};

const NUMBER: &str = "+971500000001";
const TOKEN: &str = "twilio-auth-token";
const CUSTOMER: &str = "+971501112233";

async fn sms_channel(app: &TestApp) -> serde_json::Value {
    channel(
        app,
        "dar",
        json!({"kind": "SMS", "name": "SMS line", "address": NUMBER, "smsAccountSid": "AC123", "authToken": TOKEN}),
    )
    .await
}

async fn post(app: &TestApp, path: &str, form: &[(&str, &str)], token: &str) -> crate::support::Res {
    let signature = twilio_signature(&format!("{PUBLIC_URL}{path}"), form, token);
    app.post("", path)
        .body("application/x-www-form-urlencoded", form_body(form))
        .header("X-Twilio-Signature", &signature)
        .send()
        .await
}

fn inbound<'a>(sid: &'a str, body: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("ToCountry", "AE"),
        ("SmsMessageSid", sid),
        ("NumMedia", "0"),
        ("SmsSid", sid),
        ("SmsStatus", "received"),
        ("Body", body),
        ("To", NUMBER),
        ("NumSegments", "1"),
        ("MessageSid", sid),
        ("AccountSid", "AC123"),
        ("From", CUSTOMER),
        ("ApiVersion", "2010-04-01"),
    ]
}

async fn a_text_then_stop_and_start(app: &TestApp) {
    sms_channel(app).await;
    let res = post(app, "/webhooks/sms", &inbound("SM0001", "مرحبا، أريد شقة"), TOKEN).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(res.body.contains("<Response/>"), "{}", res.body);
    // Twilio retries: the same sid is stored once.
    assert_eq!(post(app, "/webhooks/sms", &inbound("SM0001", "مرحبا، أريد شقة"), TOKEN).await.status, 200);
    drain(app).await;
    let lead = &rows(app, "Lead", json!({})).await[0];
    assert_eq!(lead["primaryPhone"], CUSTOMER);
    assert_eq!(lead["sourceDetail"], "SMS");
    let messages = rows(app, "Message", json!({})).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["body"], "مرحبا، أريد شقة");
    assert_eq!(messages[0]["channel"], "SMS");
    let c = &rows(app, "Conversation", json!({})).await[0];
    assert_eq!(c["windowClosesAt"], serde_json::Value::Null, "no 24-hour window on SMS");

    assert_eq!(post(app, "/webhooks/sms", &inbound("SM0002", " stop "), TOKEN).await.status, 200);
    drain(app).await;
    let identity = &rows(app, "ChannelIdentity", json!({})).await[0];
    assert_eq!((identity["address"].as_str(), identity["optedOut"].as_bool()), (Some(CUSTOMER), Some(true)));
    assert_eq!(post(app, "/webhooks/sms", &inbound("SM0003", "START"), TOKEN).await.status, 200);
    drain(app).await;
    assert_eq!(rows(app, "ChannelIdentity", json!({})).await[0]["optedOut"], false);
    assert_eq!(rows(app, "Message", json!({})).await.len(), 3);
}

async fn status_callbacks_move_forward(app: &TestApp) {
    sms_channel(app).await;
    post(app, "/webhooks/sms", &inbound("SM0001", "hello"), TOKEN).await;
    drain(app).await;
    let c = &rows(app, "Conversation", json!({})).await[0];
    let out = app
        .app
        .db
        .as_system("test: an outbound text")
        .create(
            "Message",
            json!({"data": {"tenantId": c["tenantId"], "conversationId": c["id"], "channelAccountId": c["channelAccountId"],
                            "channel": "SMS", "direction": "OUT", "type": "TEXT", "body": "Hi", "status": "QUEUED",
                            "providerMessageId": "SM9999", "authorId": null}}),
        )
        .await
        .unwrap();
    let status = |s: &'static str| {
        vec![
            ("MessageSid", "SM9999"),
            ("MessageStatus", s),
            ("From", NUMBER),
            ("To", CUSTOMER),
            ("AccountSid", "AC123"),
        ]
    };
    assert_eq!(post(app, "/webhooks/sms/status", &status("delivered"), TOKEN).await.status, 200);
    assert_eq!(post(app, "/webhooks/sms/status", &status("sent"), TOKEN).await.status, 200);
    drain(app).await;
    let m = &rows(app, "Message", json!({"id": out["id"]})).await[0];
    assert_eq!(m["status"], "DELIVERED");
    let mut failed = status("undelivered");
    failed.push(("ErrorCode", "30003"));
    assert_eq!(post(app, "/webhooks/sms/status", &failed, TOKEN).await.status, 200);
    drain(app).await;
    let m = &rows(app, "Message", json!({"id": out["id"]})).await[0];
    assert_eq!((m["status"].as_str(), m["errorCode"].as_str()), (Some("FAILED"), Some("30003")));
    assert!(m["errorMessage"].as_str().unwrap().contains("unreachable"));
}

async fn bad_forms_are_refused(app: &TestApp) {
    sms_channel(app).await;
    let form = inbound("SM0001", "hello");
    let res = post(app, "/webhooks/sms", &form, "not-the-token").await;
    assert_eq!((res.status, res.code().as_str()), (401, "webhook.unauthorized"));
    let res = app.post("", "/webhooks/sms").body("application/x-www-form-urlencoded", form_body(&form)).send().await;
    assert_eq!(res.status, 401, "no signature");
    // Signed for another URL (a proxy's internal address).
    let sig = twilio_signature("http://10.0.0.5:8080/webhooks/sms", &form, TOKEN);
    let res = app
        .post("", "/webhooks/sms")
        .body("application/x-www-form-urlencoded", form_body(&form))
        .header("X-Twilio-Signature", &sig)
        .send()
        .await;
    assert_eq!(res.status, 401);
    let mut unknown = form.clone();
    unknown.retain(|(k, _)| *k != "To");
    unknown.push(("To", "+971500009999"));
    let res = post(app, "/webhooks/sms", &unknown, TOKEN).await;
    assert_eq!((res.status, res.code().as_str()), (404, "webhook.unknown_account"));
    let res = post(app, "/webhooks/sms", &[("Body", "no sid")], TOKEN).await;
    assert_eq!((res.status, res.code().as_str()), (400, "webhook.malformed"));
    assert_eq!(job_count(app).await, 0);
    assert!(rows(app, "Message", json!({})).await.is_empty());
}

webhook_tests!(a_text_then_stop_and_start, status_callbacks_move_forward, bad_forms_are_refused);
