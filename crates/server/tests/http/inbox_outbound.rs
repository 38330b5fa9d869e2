//! Replies through the channels: queued with their delivery job, sent by the worker against
//! local stand-ins of the Graph API and a Twilio-compatible API (and a real SMTP server), retried
//! on transient errors, failed with the provider's code on permanent ones; the 24-hour window,
//! template languages and opt-outs checked up front.

use std::time::Duration;

use serde_json::{Value, json};

use crate::inbox_support::{Reply, StandIn, ThreadSpec, inbound, message_row, no_job_due, reply, run_job, seed_thread};
use crate::support::TestApp;

crate::inbox_tests!(
    whatsapp_text_is_sent_with_the_token,
    a_server_error_is_retried,
    a_timeout_is_retried_and_flagged,
    a_throttled_send_is_retried_unflagged,
    an_unanswered_send_stays_uncertain_to_the_end,
    a_permanent_error_fails_the_message,
    free_text_after_the_window_is_refused_and_templates_follow_the_lead,
    opted_out_and_inactive_channels_are_refused,
    sms_goes_through_the_twilio_api
);

fn whatsapp() -> ThreadSpec<'static> {
    ThreadSpec {
        account: json!({"phoneNumberId": "106540352242922", "accessToken": "EAAG-test-token"}),
        ..Default::default()
    }
}

async fn send(app: &TestApp, token: &str, conversation: &str, body: Value) -> crate::support::Res {
    app.post("dar", &format!("/api/v1/conversations/{conversation}/messages")).bearer(token).json(&body).send().await
}

async fn whatsapp_text_is_sent_with_the_token(app: &TestApp, provider: &StandIn) {
    let agent = app.token("dar", &app.dar.agent).await;
    let t = seed_thread(app, &app.dar, ThreadSpec { assignee: Some(&app.dar.agent.id), ..whatsapp() }).await;
    inbound(app, &app.dar, &t, "WHATSAPP", "wamid.CUSTOMER", "مرحبا", json!(null)).await;
    let res = send(app, &agent, &t.conversation_id, json!({"text": "أهلًا بك", "replyToMessageId": null})).await;
    assert_eq!(res.status, 202);
    let queued = res.json();
    assert_eq!((queued["status"].clone(), queued["direction"].clone()), (json!("QUEUED"), json!("OUT")));
    assert!(provider.seen().is_empty(), "nothing is sent inside the request");

    let job = run_job(app).await;
    assert_eq!(job.status.as_str(), "done", "{job:?}");
    let seen = provider.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/v21.0/106540352242922/messages");
    assert_eq!(seen[0].authorization.as_deref(), Some("Bearer EAAG-test-token"));
    assert_eq!(
        seen[0].json(),
        json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "+971501234567",
               "type": "text", "text": {"preview_url": false, "body": "أهلًا بك"}})
    );
    let row = message_row(app, queued["id"].as_str().unwrap()).await;
    assert_eq!((row["status"].clone(), row["providerMessageId"].clone()), (json!("SENT"), json!("wamid.TEST1")));
    assert!(row["sentAt"].is_string());
    let listed = app.get("dar", "/api/v1/conversations?mine=true").bearer(&agent).send().await.json();
    assert_eq!(listed["items"][0]["lastMessagePreview"], "أهلًا بك");
    let events = app::inbox::events::replay(&app.app.db.as_system("test fixture"), 0, 100).await.unwrap();
    assert!(events.iter().any(|e| e.kind == app::inbox::events::EventKind::MessageStatus));

    // A reply quotes the customer's message by its provider id.
    let customer = app
        .get("dar", &format!("/api/v1/conversations/{}/messages?sort=createdAt", t.conversation_id))
        .bearer(&agent)
        .send()
        .await
        .json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = send(app, &agent, &t.conversation_id, json!({"text": "نعم", "replyToMessageId": customer})).await;
    assert_eq!(res.status, 202);
    run_job(app).await;
    assert_eq!(provider.seen()[1].json()["context"], json!({"message_id": "wamid.CUSTOMER"}));
    let bad = send(app, &agent, &t.conversation_id, json!({"text": "x", "replyToMessageId": "nope"})).await;
    assert_eq!((bad.status, bad.code().as_str()), (400, "message.invalid_reply_to"));
    let empty = send(app, &agent, &t.conversation_id, json!({"text": " "})).await;
    assert_eq!((empty.status, empty.code().as_str()), (400, "message.body_required"));
}

async fn a_server_error_is_retried(app: &TestApp, provider: &StandIn) {
    let agent = app.token("dar", &app.dar.agent).await;
    let t = seed_thread(app, &app.dar, ThreadSpec { assignee: Some(&app.dar.agent.id), ..whatsapp() }).await;
    provider.script([reply(500, json!({"error": {"message": "boom", "code": 1}}))]);
    let id =
        send(app, &agent, &t.conversation_id, json!({"text": "hello"})).await.json()["id"].as_str().unwrap().to_owned();
    let first = run_job(app).await;
    assert_eq!(first.status.as_str(), "queued", "retried later: {first:?}");
    assert_eq!(message_row(app, &id).await["status"], "QUEUED");
    let second = run_job(app).await;
    assert_eq!(second.status.as_str(), "done");
    assert_eq!(message_row(app, &id).await["status"], "SENT");
    assert_eq!(provider.seen().len(), 2);
}

/// A send that timed out may have reached the provider (it answers after the 500 ms timeout):
/// the retry that succeeds marks the message a possible duplicate.
async fn a_timeout_is_retried_and_flagged(app: &TestApp, provider: &StandIn) {
    let agent = app.token("dar", &app.dar.agent).await;
    let t = seed_thread(app, &app.dar, ThreadSpec { assignee: Some(&app.dar.agent.id), ..whatsapp() }).await;
    provider.script([Reply { status: 200, body: json!({}), delay: Duration::from_secs(3) }]);
    let id =
        send(app, &agent, &t.conversation_id, json!({"text": "hello"})).await.json()["id"].as_str().unwrap().to_owned();
    let first = run_job(app).await;
    assert_eq!(first.status.as_str(), "queued", "{first:?}");
    assert!(first.last_error.clone().unwrap_or_default().to_lowercase().contains("time"), "a timeout");
    assert_eq!(first.progress.as_ref().unwrap()["uncertain"], true, "{first:?}");
    let second = run_job(app).await;
    assert_eq!(second.result.as_ref().unwrap()["possibleDuplicate"], true, "{second:?}");
    let row = message_row(app, &id).await;
    assert_eq!(row["status"], "SENT");
    assert_eq!(row["content"]["possibleDuplicate"], true, "{row}");
    assert_eq!(provider.seen().len(), 2);
}

/// A 429 is a refusal the provider answered: it does not have the message, nothing is flagged.
/// A timeout before a 429 still is: the flag survives the refusal.
async fn a_throttled_send_is_retried_unflagged(app: &TestApp, provider: &StandIn) {
    let agent = app.token("dar", &app.dar.agent).await;
    let t = seed_thread(app, &app.dar, ThreadSpec { assignee: Some(&app.dar.agent.id), ..whatsapp() }).await;
    let throttled = || {
        reply(
            429,
            json!({"error": {"message": "(#130429) Rate limit hit", "type": "OAuthException", "code": 130429,
                             "error_data": {"messaging_product": "whatsapp",
                                            "details": "Cloud API message throughput has been reached."}}}),
        )
    };
    provider.script([throttled()]);
    let id =
        send(app, &agent, &t.conversation_id, json!({"text": "hello"})).await.json()["id"].as_str().unwrap().to_owned();
    let first = run_job(app).await;
    assert_eq!(first.status.as_str(), "queued", "{first:?}");
    assert_eq!(first.progress.as_ref().unwrap()["uncertain"], false, "{first:?}");
    let second = run_job(app).await;
    assert_eq!(second.result.as_ref().unwrap()["possibleDuplicate"], false, "{second:?}");
    let row = message_row(app, &id).await;
    assert_eq!(row["status"], "SENT");
    assert!(row["content"].get("possibleDuplicate").is_none(), "{row}");

    provider.script([Reply { status: 200, body: json!({}), delay: Duration::from_secs(3) }, throttled()]);
    let id =
        send(app, &agent, &t.conversation_id, json!({"text": "again"})).await.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(run_job(app).await.status.as_str(), "queued");
    let refused = run_job(app).await;
    assert_eq!(refused.progress.as_ref().unwrap()["uncertain"], true, "{refused:?}");
    run_job(app).await;
    let row = message_row(app, &id).await;
    assert_eq!((row["status"].clone(), row["content"]["possibleDuplicate"].clone()), (json!("SENT"), json!(true)));
}

/// A gateway's bare 502 may have passed the send on: after the last attempt the message fails
/// as `provider:uncertain` (it may have arrived), not `provider:unavailable`.
async fn an_unanswered_send_stays_uncertain_to_the_end(app: &TestApp, provider: &StandIn) {
    let agent = app.token("dar", &app.dar.agent).await;
    let t = seed_thread(app, &app.dar, ThreadSpec { assignee: Some(&app.dar.agent.id), ..whatsapp() }).await;
    provider.script((0..8).map(|_| reply(502, Value::Null)));
    let id =
        send(app, &agent, &t.conversation_id, json!({"text": "hello"})).await.json()["id"].as_str().unwrap().to_owned();
    for _ in 0..7 {
        assert_eq!(run_job(app).await.status.as_str(), "queued");
    }
    let last = run_job(app).await;
    assert_eq!(last.status.as_str(), "failed", "{last:?}");
    let row = message_row(app, &id).await;
    assert_eq!((row["status"].clone(), row["errorCode"].clone()), (json!("FAILED"), json!("provider:uncertain")));
    assert!(row["errorMessage"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(provider.seen().len(), 8);
}

async fn a_permanent_error_fails_the_message(app: &TestApp, provider: &StandIn) {
    let agent = app.token("dar", &app.dar.agent).await;
    let t = seed_thread(app, &app.dar, ThreadSpec { assignee: Some(&app.dar.agent.id), ..whatsapp() }).await;
    provider.script([reply(
        400,
        json!({"error": {"message": "(#131026) Message Undeliverable", "type": "OAuthException", "code": 131026,
                         "error_data": {"messaging_product": "whatsapp", "details": "Message Undeliverable."},
                         "fbtrace_id": "Az8or2yhqkZfEZ-_4Qn_Bam"}}),
    )]);
    let id =
        send(app, &agent, &t.conversation_id, json!({"text": "hello"})).await.json()["id"].as_str().unwrap().to_owned();
    let job = run_job(app).await;
    assert_eq!(job.status.as_str(), "failed");
    let row = message_row(app, &id).await;
    assert_eq!((row["status"].clone(), row["errorCode"].clone()), (json!("FAILED"), json!("whatsapp:131026")));
    // The agent of `dar` works in Arabic (the agency's default language).
    let text = row["errorMessage"].as_str().unwrap();
    assert!(!text.is_empty() && !text.contains("131026"), "{text}");
    assert!(no_job_due(app).await, "not retried");
    assert_eq!(provider.seen().len(), 1);
}

async fn free_text_after_the_window_is_refused_and_templates_follow_the_lead(app: &TestApp, provider: &StandIn) {
    let agent = app.token("dar", &app.dar.agent).await;
    let templates = json!([{"name": "follow_up", "languages": ["ar", "en_US"]}]);
    let mut spec = ThreadSpec { assignee: Some(&app.dar.agent.id), window_open: false, ..whatsapp() };
    spec.account["templates"] = templates.clone();
    let t = seed_thread(app, &app.dar, spec).await;
    let res = send(app, &agent, &t.conversation_id, json!({"text": "hello"})).await;
    assert_eq!((res.status, res.code().as_str()), (409, "whatsapp.window_closed"));
    assert_eq!(res.json()["error"]["hint"], "template");
    let res = send(app, &agent, &t.conversation_id, json!({"template": {"name": "nope"}})).await;
    assert_eq!((res.status, res.code().as_str()), (400, "message.unknown_template"));

    let res = send(app, &agent, &t.conversation_id, json!({"template": {"name": "follow_up"}})).await;
    assert_eq!(res.status, 202, "{:?}", res.json());
    assert_eq!(res.json()["type"], "TEMPLATE");
    run_job(app).await;
    assert_eq!(provider.seen()[0].json()["template"], json!({"name": "follow_up", "language": {"code": "ar"}}));

    let mut english = ThreadSpec {
        assignee: Some(&app.dar.agent.id),
        window_open: false,
        language: Some("en"),
        address: "+971509999999",
        ..whatsapp()
    };
    english.account["templates"] = templates;
    english.account["phoneNumberId"] = json!("222");
    let t = seed_thread(app, &app.dar, english).await;
    send(app, &agent, &t.conversation_id, json!({"template": {"name": "follow_up"}})).await;
    run_job(app).await;
    assert_eq!(provider.seen()[1].json()["template"]["language"], json!({"code": "en_US"}));
}

async fn opted_out_and_inactive_channels_are_refused(app: &TestApp, provider: &StandIn) {
    let agent = app.token("dar", &app.dar.agent).await;
    let out = seed_thread(
        app,
        &app.dar,
        ThreadSpec { kind: "SMS", assignee: Some(&app.dar.agent.id), opted_out: true, ..Default::default() },
    )
    .await;
    let res = send(app, &agent, &out.conversation_id, json!({"text": "hello"})).await;
    assert_eq!((res.status, res.code().as_str()), (409, "channel.opted_out"));
    let mut off =
        ThreadSpec { kind: "SMS", assignee: Some(&app.dar.agent.id), address: "+971500000001", ..Default::default() };
    off.account = json!({"active": false});
    let off = seed_thread(app, &app.dar, off).await;
    let res = send(app, &agent, &off.conversation_id, json!({"text": "hello"})).await;
    assert_eq!((res.status, res.code().as_str()), (409, "channel.inactive"));
    let res = send(app, &agent, &off.conversation_id, json!({"template": {"name": "x"}})).await;
    assert_eq!(res.code(), "message.template_not_supported");
    assert!(no_job_due(app).await);
    assert!(provider.seen().is_empty());
}

async fn sms_goes_through_the_twilio_api(app: &TestApp, provider: &StandIn) {
    let agent = app.token("dar", &app.dar.agent).await;
    let mut spec = ThreadSpec { kind: "SMS", assignee: Some(&app.dar.agent.id), ..Default::default() };
    spec.account = json!({"smsAccountSid": "AC123", "authToken": "tw-secret", "address": "+15005550006"});
    let t = seed_thread(app, &app.dar, spec).await;
    provider.script([
        reply(201, json!({"sid": "SM0001", "status": "queued", "direction": "outbound-api", "error_code": null})),
        reply(400, json!({"code": 21610, "message": "Attempt to send to unsubscribed recipient", "status": 400})),
    ]);
    let id = send(app, &agent, &t.conversation_id, json!({"text": "موعدك غدًا"})).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    run_job(app).await;
    let seen = provider.seen();
    assert_eq!(seen[0].path, "/2010-04-01/Accounts/AC123/Messages.json");
    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode("AC123:tw-secret");
    assert_eq!(seen[0].authorization.as_deref(), Some(format!("Basic {basic}").as_str()));
    let form = form_fields(&seen[0].body);
    assert!(form.contains(&("To".into(), "+971501234567".into())), "{form:?}");
    assert!(form.contains(&("From".into(), "+15005550006".into())));
    assert!(form.contains(&("Body".into(), "موعدك غدًا".into())));
    assert_eq!(message_row(app, &id).await["providerMessageId"], "SM0001");

    let id =
        send(app, &agent, &t.conversation_id, json!({"text": "again"})).await.json()["id"].as_str().unwrap().to_owned();
    run_job(app).await;
    let row = message_row(app, &id).await;
    assert_eq!((row["status"].clone(), row["errorCode"].clone()), (json!("FAILED"), json!("sms:21610")));
}

/// The fields of an `application/x-www-form-urlencoded` body.
fn form_fields(body: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let bytes = s.replace('+', " ").into_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' && i + 2 < bytes.len() {
                out.push(u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap(), 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    };
    body.split('&').filter_map(|kv| kv.split_once('=')).map(|(k, v)| (decode(k), decode(v))).collect()
}
