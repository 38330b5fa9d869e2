//! `POST /webhooks/email/{mailbox}`: raw MIME per mailbox with a bearer secret; Arabic subjects
//! and windows-1256 bodies decoded; replies threaded by In-Reply-To; Message-ID dedupe;
//! attachments stored as files of the lead; bad input refused with nothing stored.

use serde_json::{Value, json};

use crate::support::TestApp;
use crate::webhook_tests;
use crate::webhooks_support::{channel, drain, fixture, job_count, rows};

const MAILBOX: &str = "sales@agency.manzil.example";
const INBOUND_SECRET: &str = "inbound-secret-of-dar-0123456789";

async fn mailbox(app: &TestApp) -> Value {
    channel(
        app,
        "dar",
        json!({"kind": "EMAIL", "name": "Sales", "inboundAddress": MAILBOX, "address": "sales@dar.example",
               "inboundSecret": INBOUND_SECRET, "smtpHost": "127.0.0.1", "smtpPort": 2525, "smtpPassword": "pw"}),
    )
    .await
}

async fn post(app: &TestApp, mailbox: &str, bearer: Option<&str>, raw: Vec<u8>) -> crate::support::Res {
    let mut req = app.post("", &format!("/webhooks/email/{mailbox}")).body("message/rfc822", raw);
    if let Some(b) = bearer {
        req = req.header("authorization", &format!("Bearer {b}"));
    }
    req.send().await
}

async fn arabic_mail_and_a_threaded_reply(app: &TestApp) {
    let account = mailbox(app).await;
    let res = post(app, MAILBOX, Some(INBOUND_SECRET), fixture("email/03-windows-1256.eml")).await;
    assert_eq!(res.status, 200, "{}", res.body);
    drain(app).await;
    let lead = &rows(app, "Lead", json!({})).await[0];
    assert_eq!(lead["email"], "ahmed@example.eg");
    assert_eq!((lead["source"].as_str(), lead["sourceDetail"].as_str()), (Some("OTHER"), Some("EMAIL")));
    assert_eq!(lead["name"], "أحمد", "the RFC 2047 windows-1256 display name");
    let m = &rows(app, "Message", json!({})).await[0];
    assert_eq!(m["providerMessageId"], "cp1256-003@outlook.example.eg");
    assert_eq!(m["channel"], "EMAIL");
    let body = m["body"].as_str().unwrap();
    assert!(body.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)) && !body.contains('\u{FFFD}'), "{body}");
    assert_eq!(m["content"]["subject"], "سعر الشقة");

    // A reply from another address, threaded by In-Reply-To into the same conversation.
    let reply = "Message-ID: <reply-2@mail.example.com>\r\nIn-Reply-To: <cp1256-003@outlook.example.eg>\r\n\
                 From: Sara <sara@example.com>\r\nTo: sales@agency.manzil.example\r\n\
                 Subject: =?UTF-8?B?2LHYrzog2LPYudixINin2YTYtNmC2Kk=?=\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
                 نعم، ما زالت متاحة.\r\n";
    assert_eq!(post(app, MAILBOX, Some(INBOUND_SECRET), reply.as_bytes().to_vec()).await.status, 200);
    // The mailbox may also be named by the account id; the same message again is stored once.
    let id = account["id"].as_str().unwrap();
    assert_eq!(post(app, id, Some(INBOUND_SECRET), reply.as_bytes().to_vec()).await.status, 200);
    drain(app).await;
    let messages = rows(app, "Message", json!({})).await;
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert_eq!(messages[1]["conversationId"], messages[0]["conversationId"]);
    assert_eq!(messages[1]["replyToProviderId"], "cp1256-003@outlook.example.eg");
    assert_eq!(rows(app, "Conversation", json!({})).await.len(), 1);
    assert_eq!(rows(app, "Lead", json!({})).await.len(), 1, "a threaded reply makes no new lead");
}

async fn attachments_become_files_of_the_lead(app: &TestApp) {
    mailbox(app).await;
    assert_eq!(post(app, MAILBOX, Some(INBOUND_SECRET), fixture("email/06-attachment.eml")).await.status, 200);
    drain(app).await;
    let m = &rows(app, "Message", json!({})).await[0];
    let attachments = m["content"]["attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), 2, "{m}");
    let lead = &rows(app, "Lead", json!({})).await[0];
    let files = rows(app, "File", json!({"ownerId": lead["id"]})).await;
    assert_eq!(files.len(), 2);
    assert!(
        files.iter().all(|f| f["storageKey"].as_str().unwrap().starts_with(&format!("{}/media/", app.dar.tenant.id)))
    );
    let pdf = files.iter().find(|f| f["contentType"] == "application/pdf").unwrap();
    assert_eq!(pdf["name"], "عقد.pdf");
    assert_eq!(m["mediaFileId"], pdf["id"], "the first non-inline attachment");
    let admin = app.token("dar", &app.dar.admin).await;
    let res = app.get("dar", &format!("/api/v1/files/{}", pdf["id"].as_str().unwrap())).bearer(&admin).send().await;
    assert_eq!(res.status, 200);
    assert!(res.body.starts_with("%PDF-1.4"));
}

/// An HTML mail keeps its HTML for display only through the sanitiser: no script, handler or
/// tracking image reaches the stored message; the text part is derived for the inbox.
async fn html_is_kept_sanitized(app: &TestApp) {
    mailbox(app).await;
    let raw = "Message-ID: <html-hostile@mail.example.com>\r\nFrom: Portal <info@portal.example.com>\r\n\
               To: sales@agency.manzil.example\r\nSubject: New lead\r\nMIME-Version: 1.0\r\n\
               Content-Type: text/html; charset=utf-8\r\n\r\n\
               <html><body dir=\"rtl\" onload=\"steal()\"><script>steal()</script><h1>عميل جديد</h1>\
               <p>Name: Omar</p><img src=\"https://tracker.example/pixel.gif\"></body></html>\r\n";
    assert_eq!(post(app, MAILBOX, Some(INBOUND_SECRET), raw.as_bytes().to_vec()).await.status, 200);
    drain(app).await;
    let m = &rows(app, "Message", json!({})).await[0];
    let html = m["content"]["html"].as_str().expect("sanitized html");
    assert!(html.contains("عميل جديد") && html.contains("Name: Omar"), "{html}");
    for gone in ["script", "steal", "onload", "tracker", "<img"] {
        assert!(!html.contains(gone), "`{gone}` survived: {html}");
    }
    assert!(m["body"].as_str().unwrap_or_default().contains("Omar"), "{m}");
}

async fn bad_mail_is_refused(app: &TestApp) {
    mailbox(app).await;
    let raw = fixture("email/01-arabic-subject-b.eml");
    let res = post(app, MAILBOX, None, raw.clone()).await;
    assert_eq!((res.status, res.code().as_str()), (401, "webhook.unauthorized"));
    assert_eq!(post(app, MAILBOX, Some("wrong"), raw.clone()).await.status, 401);
    let res = post(app, "nobody@agency.manzil.example", Some(INBOUND_SECRET), raw.clone()).await;
    assert_eq!((res.status, res.code().as_str()), (404, "webhook.unknown_account"));
    let res = post(app, MAILBOX, Some(INBOUND_SECRET), b"  \r\n".to_vec()).await;
    assert_eq!((res.status, res.code().as_str()), (400, "webhook.malformed"));
    assert_eq!(job_count(app).await, 0);
    drain(app).await;
    assert!(rows(app, "Message", json!({})).await.is_empty());
    assert!(rows(app, "Lead", json!({})).await.is_empty());
}

webhook_tests!(
    arabic_mail_and_a_threaded_reply,
    attachments_become_files_of_the_lead,
    html_is_kept_sanitized,
    bad_mail_is_refused
);
