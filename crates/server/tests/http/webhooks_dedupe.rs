//! Retried webhook deliveries queue one processing job: the delivery key (WhatsApp: the
//! account's wamids and statuses; SMS: `MessageSid` and status; e-mail: `Message-ID`) is unique
//! in the job table. A different delivery carrying an already-stored message still gets its job,
//! and storage stores the message once.

use serde_json::{Value, json};

use crate::support::TestApp;
use crate::webhook_tests;
use crate::webhooks_support::{
    FIXTURE_NUMBER, PUBLIC_URL, channel, drain, fixture, form_body, job_count, meta_signature, rows, twilio_signature,
    whatsapp_channel,
};

const SECRET: &str = "dar-app-secret";

async fn whatsapp(app: &TestApp, body: &[u8]) -> u16 {
    app.post("", "/webhooks/whatsapp")
        .body("application/json", body.to_vec())
        .header("X-Hub-Signature-256", &meta_signature(SECRET, body))
        .send()
        .await
        .status
}

async fn whatsapp_retries_queue_one_job(app: &TestApp) {
    whatsapp_channel(app, "dar", FIXTURE_NUMBER, SECRET).await;
    let body = fixture("whatsapp/01-text.json");
    for _ in 0..3 {
        assert_eq!(whatsapp(app, &body).await, 200);
    }
    // The same notification re-serialised (other bytes, same ids) is the same delivery.
    let same: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(whatsapp(app, serde_json::to_string(&same).unwrap().as_bytes()).await, 200);
    assert_eq!(job_count(app).await, 1);

    // A batch carrying the stored message and a new one is another delivery: its job stores the
    // new message only.
    let mut batch = same.clone();
    let mut second = batch["entry"][0]["changes"][0]["value"]["messages"][0].clone();
    second["id"] = json!("wamid.SECOND");
    second["text"]["body"] = json!("هل السعر قابل للتفاوض؟");
    batch["entry"][0]["changes"][0]["value"]["messages"].as_array_mut().unwrap().push(second);
    assert_eq!(whatsapp(app, serde_json::to_string(&batch).unwrap().as_bytes()).await, 200);
    assert_eq!(job_count(app).await, 2);
    let done = drain(app).await;
    assert_eq!(done.len(), 2, "{done:?}");
    assert_eq!(done[1].result.as_ref().unwrap()["duplicates"], 1, "{done:?}");
    assert_eq!(rows(app, "Message", json!({})).await.len(), 2);

    // A status of a message is keyed on (wamid, status): a new status is a new delivery.
    let sent = fixture("whatsapp/20-status-sent.json");
    assert_eq!(whatsapp(app, &sent).await, 200);
    assert_eq!(whatsapp(app, &sent).await, 200);
    assert_eq!(whatsapp(app, &fixture("whatsapp/21-status-read.json")).await, 200);
    assert_eq!(job_count(app).await, 4);
}

const SMS_NUMBER: &str = "+971500000001";
const SMS_TOKEN: &str = "twilio-auth-token";

async fn sms(app: &TestApp, path: &str, form: &[(&str, &str)]) -> u16 {
    let signature = twilio_signature(&format!("{PUBLIC_URL}{path}"), form, SMS_TOKEN);
    app.post("", path)
        .body("application/x-www-form-urlencoded", form_body(form))
        .header("X-Twilio-Signature", &signature)
        .send()
        .await
        .status
}

async fn sms_retries_queue_one_job(app: &TestApp) {
    channel(
        app,
        "dar",
        json!({"kind": "SMS", "name": "SMS", "address": SMS_NUMBER, "smsAccountSid": "AC123", "authToken": SMS_TOKEN}),
    )
    .await;
    let inbound = |sid: &'static str| {
        vec![
            ("MessageSid", sid),
            ("SmsSid", sid),
            ("AccountSid", "AC123"),
            ("From", "+971501112233"),
            ("To", SMS_NUMBER),
            ("Body", "مرحبا"),
            ("NumMedia", "0"),
        ]
    };
    assert_eq!(sms(app, "/webhooks/sms", &inbound("SM0001")).await, 200);
    assert_eq!(sms(app, "/webhooks/sms", &inbound("SM0001")).await, 200);
    assert_eq!(job_count(app).await, 1);
    assert_eq!(sms(app, "/webhooks/sms", &inbound("SM0002")).await, 200);
    assert_eq!(job_count(app).await, 2);

    let status = |status: &'static str| {
        vec![("MessageSid", "SM9999"), ("MessageStatus", status), ("AccountSid", "AC123"), ("From", SMS_NUMBER)]
    };
    for s in ["sent", "sent", "delivered", "delivered"] {
        assert_eq!(sms(app, "/webhooks/sms/status", &status(s)).await, 200);
    }
    assert_eq!(job_count(app).await, 4, "one job per (sid, status)");
    drain(app).await;
    assert_eq!(rows(app, "Message", json!({})).await.len(), 2);
}

const MAILBOX: &str = "sales@agency.manzil.example";
const INBOUND_SECRET: &str = "inbound-secret-of-dar-0123456789";

async fn email(app: &TestApp, mailbox: &str, raw: &[u8]) -> u16 {
    app.post("", &format!("/webhooks/email/{mailbox}"))
        .body("message/rfc822", raw.to_vec())
        .header("authorization", &format!("Bearer {INBOUND_SECRET}"))
        .send()
        .await
        .status
}

async fn email_retries_queue_one_job(app: &TestApp) {
    let account = channel(
        app,
        "dar",
        json!({"kind": "EMAIL", "name": "Sales", "inboundAddress": MAILBOX, "inboundSecret": INBOUND_SECRET}),
    )
    .await;
    let raw = fixture("email/01-arabic-subject-b.eml");
    assert_eq!(email(app, MAILBOX, &raw).await, 200);
    // By the account id too: the same mailbox, the same Message-ID.
    assert_eq!(email(app, account["id"].as_str().unwrap(), &raw).await, 200);
    assert_eq!(job_count(app).await, 1);
    // Without a Message-ID the bytes are the key.
    let bare = "From: a@example.com\r\nTo: sales@agency.manzil.example\r\nSubject: x\r\n\r\nhello\r\n";
    assert_eq!(email(app, MAILBOX, bare.as_bytes()).await, 200);
    assert_eq!(email(app, MAILBOX, bare.as_bytes()).await, 200);
    assert_eq!(job_count(app).await, 2);
    let other = bare.replace("hello", "hello again");
    assert_eq!(email(app, MAILBOX, other.as_bytes()).await, 200);
    assert_eq!(job_count(app).await, 3);
    drain(app).await;
    assert_eq!(rows(app, "Message", json!({})).await.len(), 3);
}

webhook_tests!(whatsapp_retries_queue_one_job, sms_retries_queue_one_job, email_retries_queue_one_job);
