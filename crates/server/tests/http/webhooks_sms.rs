//! `POST /webhooks/sms` and `/webhooks/sms/status`: Twilio-signed forms routed by number; an
//! inbound text becomes a lead and a message; STOP and START opt the sender out and in; status
//! callbacks move forward only; bad signatures and unknown numbers store nothing; an MMS's media
//! is downloaded into file storage with the account's basic auth.

use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
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

/// An inbound MMS: no text, one JPEG at `url`.
fn mms<'a>(sid: &'a str, url: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut form = inbound(sid, "");
    form.retain(|(k, _)| *k != "NumMedia");
    form.extend([("NumMedia", "1"), ("MediaUrl0", url), ("MediaContentType0", "image/jpeg")]);
    form
}

/// A stand-in for Twilio's media URLs: checks basic auth (account sid : auth token) and serves
/// the bytes; `flaky` fails once with a 500, `busy` always answers 503, `gone` 404.
#[derive(Clone, Default)]
struct MediaHost {
    seen: Arc<Mutex<Vec<Fetch>>>,
}

/// A media id fetched, and the `Authorization` it came with.
type Fetch = (String, Option<String>);

const PHOTO: &[u8] = b"\xff\xd8\xff\xe0 a tiny jpeg of the balcony";

async fn media(State(host): State<MediaHost>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let calls = {
        let mut seen = host.seen.lock().unwrap();
        seen.push((id.clone(), auth.clone()));
        seen.iter().filter(|(i, _)| *i == id).count()
    };
    let basic = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("AC123:{TOKEN}")));
    match id.as_str() {
        _ if auth.as_deref() != Some(basic.as_str()) => StatusCode::UNAUTHORIZED.into_response(),
        "flaky" if calls == 1 => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        "busy" => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        "gone" => StatusCode::NOT_FOUND.into_response(),
        _ => ([("content-type", "image/jpeg")], PHOTO).into_response(),
    }
}

async fn media_host() -> (MediaHost, String) {
    let host = MediaHost::default();
    let router = axum::Router::new().route("/media/{id}", axum::routing::get(media)).with_state(host.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (host, base)
}

/// An MMS with one image: stored as an IMAGE message at once, its file downloaded by a job with
/// the account's basic auth and readable through the files API; a 500 is retried; a media URL that
/// keeps failing (503 through every attempt) or is gone (404) ends recorded on the message.
async fn mms_media_is_downloaded_into_file_storage(app: &TestApp) {
    sms_channel(app).await;
    let (host, base) = media_host().await;
    let url = |id: &str| format!("{base}/media/{id}");
    let res = post(app, "/webhooks/sms", &mms("MM0001", &url("ME0001")), TOKEN).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let done = drain(app).await;
    assert!(done.iter().all(|j| j.status == jobs::JobStatus::Done), "{done:?}");
    assert_eq!(done.iter().map(|j| j.kind.as_str()).collect::<Vec<_>>(), ["inbox.sms.inbound", "inbox.mms.download"]);
    let basic = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("AC123:{TOKEN}")));
    assert_eq!(*host.seen.lock().unwrap(), [("ME0001".to_owned(), Some(basic))]);

    let m = &rows(app, "Message", json!({"providerMessageId": "MM0001"})).await[0];
    assert_eq!((m["type"].as_str(), m["body"].as_str()), (Some("IMAGE"), None));
    let file_id = m["mediaFileId"].as_str().expect("media linked");
    assert_eq!(m["content"]["media"][0]["fileId"], file_id);
    assert_eq!(m["content"]["media"][0]["url"], url("ME0001"));
    let updated = rows(app, "InboxEvent", json!({"kind": "message.updated", "messageId": m["id"]})).await;
    assert_eq!(updated.len(), 1, "receivers hear of the linked file");
    let file = &rows(app, "File", json!({"id": file_id})).await[0];
    assert!(file["storageKey"].as_str().unwrap().starts_with(&format!("{}/media/", app.dar.tenant.id)), "{file}");
    assert_eq!((file["name"].as_str(), file["contentType"].as_str()), (Some("ME0001.jpg"), Some("image/jpeg")));
    let admin = app.token("dar", &app.dar.admin).await;
    let res = app.get("dar", &format!("/api/v1/files/{file_id}")).bearer(&admin).send().await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(res.body.ends_with(" a tiny jpeg of the balcony"), "the bytes as downloaded");

    // A 500: retried, then stored.
    assert_eq!(post(app, "/webhooks/sms", &mms("MM0002", &url("flaky")), TOKEN).await.status, 200);
    drain(app).await;
    let m = &rows(app, "Message", json!({"providerMessageId": "MM0002"})).await[0];
    assert!(m["mediaFileId"].is_string(), "{m}");
    assert_eq!(host.seen.lock().unwrap().iter().filter(|(id, _)| id == "flaky").count(), 2);

    // Failing to the end, or gone: the message stays, with its URL and why its file is missing.
    for (id, sid, attempts, reason) in [("busy", "MM0003", 8, "503"), ("gone", "MM0004", 1, "404")] {
        assert_eq!(post(app, "/webhooks/sms", &mms(sid, &url(id)), TOKEN).await.status, 200);
        let done = drain(app).await;
        let job = done.iter().rfind(|j| j.kind == "inbox.mms.download").unwrap();
        assert_eq!((job.status, job.attempts), (jobs::JobStatus::Failed, attempts), "{id}: {job:?}");
        let m = &rows(app, "Message", json!({"providerMessageId": sid})).await[0];
        assert!(m["mediaFileId"].is_null(), "{m}");
        assert_eq!(m["content"]["media"][0]["url"], url(id));
        let error = m["content"]["mediaError"].as_str().unwrap_or_default();
        assert!(error.contains(reason), "{id}: {m}");
        assert_eq!(host.seen.lock().unwrap().iter().filter(|(i, _)| i == id).count(), attempts as usize);
    }
}

webhook_tests!(
    a_text_then_stop_and_start,
    status_callbacks_move_forward,
    bad_forms_are_refused,
    mms_media_is_downloaded_into_file_storage
);
