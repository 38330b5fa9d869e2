//! Sending files: `mediaFileId` (+ caption) of a file the caller may read. WhatsApp uploads the
//! bytes to the Graph media endpoint (multipart) and sends by media id with the type of the
//! file; e-mail attaches it (checked on a real SMTP server); SMS refuses it up front; a file the
//! caller may not read is refused like a missing one.

use serde_json::{Value, json};

use crate::imports::multipart;
use crate::inbox_email::{Smtp, deliver, first_mail, mailbox};
use crate::inbox_support::{StandIn, ThreadSpec, message_row, no_job_due, reply, run_job, seed_thread};
use crate::support::TestApp;
use crate::webhooks_support::rows;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

crate::inbox_tests!(whatsapp_uploads_then_sends_by_media_id, email_attaches_and_sms_refuses);

async fn upload(app: &TestApp, host: &str, token: &str, lead: &str, name: &str, ct: &str, bytes: &[u8]) -> String {
    let (content_type, body) = multipart(&[("ownerType", "lead"), ("ownerId", lead)], name, ct, bytes);
    let res = app.post(host, "/api/v1/files").bearer(token).body(&content_type, body).send().await;
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()["id"].as_str().unwrap().to_owned()
}

async fn lead_of(app: &TestApp, conversation: &str) -> String {
    rows(app, "Conversation", json!({"id": conversation})).await[0]["leadId"].as_str().unwrap().to_owned()
}

async fn send(app: &TestApp, token: &str, conversation: &str, body: Value) -> crate::support::Res {
    app.post("dar", &format!("/api/v1/conversations/{conversation}/messages")).bearer(token).json(&body).send().await
}

async fn whatsapp_uploads_then_sends_by_media_id(app: &TestApp, provider: &StandIn) {
    let agent = app.token("dar", &app.dar.agent).await;
    let admin = app.token("dar", &app.dar.admin).await;
    let spec = ThreadSpec {
        assignee: Some(&app.dar.agent.id),
        account: json!({"phoneNumberId": "106540352242922", "accessToken": "EAAG-test-token"}),
        ..Default::default()
    };
    let t = seed_thread(app, &app.dar, spec).await;
    let lead = lead_of(app, &t.conversation_id).await;
    let photo = upload(app, "dar", &admin, &lead, "الصالة.png", "image/png", PNG).await;

    provider.script([reply(200, json!({"id": "1037543291543636"}))]);
    let res = send(app, &agent, &t.conversation_id, json!({"mediaFileId": photo, "text": "صورة الصالة"})).await;
    assert_eq!(res.status, 202, "{}", res.body);
    let queued = res.json();
    assert_eq!((queued["type"].clone(), queued["mediaFileId"].clone()), (json!("IMAGE"), json!(photo)));
    assert_eq!(run_job(app).await.status.as_str(), "done");
    let seen = provider.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].path, "/v21.0/106540352242922/media");
    assert_eq!(seen[0].authorization.as_deref(), Some("Bearer EAAG-test-token"));
    assert!(seen[0].body.contains("name=\"messaging_product\"\r\n\r\nwhatsapp\r\n"), "{}", seen[0].body);
    assert!(seen[0].body.contains("name=\"type\"\r\n\r\nimage/png\r\n"));
    assert!(seen[0].body.contains("name=\"file\"; filename=\"الصالة.png\"\r\nContent-Type: image/png\r\n\r\n"));
    assert!(seen[0].body.contains("IHDR"), "the bytes");
    assert_eq!(seen[1].path, "/v21.0/106540352242922/messages");
    assert_eq!(
        seen[1].json(),
        json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "+971501234567",
               "type": "image", "image": {"id": "1037543291543636", "caption": "صورة الصالة"}})
    );
    assert_eq!(message_row(app, queued["id"].as_str().unwrap()).await["status"], "SENT");

    // A PDF is a document, with its file name; no caption is fine.
    let contract = upload(app, "dar", &admin, &lead, "عقد.pdf", "application/pdf", PDF).await;
    provider.script([reply(200, json!({"id": "2222"}))]);
    let res = send(app, &agent, &t.conversation_id, json!({"mediaFileId": contract})).await;
    assert_eq!((res.status, res.json()["type"].clone()), (202, json!("DOCUMENT")));
    run_job(app).await;
    assert_eq!(provider.seen()[3].json()["document"], json!({"id": "2222", "filename": "عقد.pdf"}));

    // An upload refused for good fails the message with Graph's code; nothing is sent after it.
    provider.script([reply(
        400,
        json!({"error": {"message": "(#131053) Media upload error", "code": 131053,
                         "error_data": {"messaging_product": "whatsapp", "details": "Unsupported file type"}}}),
    )]);
    let id = send(app, &agent, &t.conversation_id, json!({"mediaFileId": contract})).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(run_job(app).await.status.as_str(), "failed");
    let row = message_row(app, &id).await;
    assert_eq!((row["status"].clone(), row["errorCode"].clone()), (json!("FAILED"), json!("whatsapp:131053")));
    assert_eq!(provider.seen().len(), 5);

    // A file the caller may not read reads like a missing one; both are refused before queueing.
    let harbor_admin = app.token("harbor", &app.harbor.admin).await;
    let harbor_thread = seed_thread(app, &app.harbor, ThreadSpec::default()).await;
    let harbor_lead = lead_of(app, &harbor_thread.conversation_id).await;
    let foreign = upload(app, "harbor", &harbor_admin, &harbor_lead, "x.pdf", "application/pdf", PDF).await;
    for file in [foreign.as_str(), "no-such-file"] {
        let res = send(app, &agent, &t.conversation_id, json!({"mediaFileId": file, "text": "x"})).await;
        assert_eq!((res.status, res.code().as_str()), (400, "message.invalid_media"), "{file}");
    }
    let res = send(app, &agent, &t.conversation_id, json!({"mediaFileId": contract, "template": {"name": "x"}})).await;
    assert_eq!((res.status, res.code().as_str()), (400, "message.invalid_media"));
    assert!(no_job_due(app).await);
}

async fn email_attaches_and_sms_refuses(app: &TestApp, _provider: &StandIn) {
    let smtp = Smtp::start();
    mailbox(app, smtp.port).await;
    deliver(app, &first_mail("ahmed@example.ae", "first-1@example.ae")).await;
    let conversation = rows(app, "Conversation", json!({})).await[0]["id"].as_str().unwrap().to_owned();
    let admin = app.token("dar", &app.dar.admin).await;
    let lead = lead_of(app, &conversation).await;
    let contract = upload(app, "dar", &admin, &lead, "عقد الإيجار.pdf", "application/pdf", PDF).await;
    let res = send(app, &admin, &conversation, json!({"mediaFileId": contract, "text": "العقد مرفق."})).await;
    assert_eq!(res.status, 202, "{}", res.body);
    assert_eq!(run_job(app).await.status.as_str(), "done");
    let mail = channels::email::parse(&smtp.received()[0]).unwrap();
    assert_eq!(mail.text.as_deref().map(str::trim_end), Some("العقد مرفق."));
    assert_eq!(mail.attachments.len(), 1);
    let file = &mail.attachments[0];
    assert_eq!((file.filename.as_deref(), file.content_type.as_str()), (Some("عقد الإيجار.pdf"), "application/pdf"));
    assert_eq!(file.bytes, PDF);
    assert_eq!(mail.in_reply_to, ["first-1@example.ae"], "still threaded");

    let sms =
        seed_thread(app, &app.dar, ThreadSpec { kind: "SMS", assignee: Some(&app.dar.agent.id), ..Default::default() })
            .await;
    let res = send(app, &admin, &sms.conversation_id, json!({"mediaFileId": contract, "text": "x"})).await;
    assert_eq!((res.status, res.code().as_str()), (400, "sms.media_unsupported"));
    assert!(no_job_due(app).await);
}
