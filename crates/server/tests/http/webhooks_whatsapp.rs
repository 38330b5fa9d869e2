//! `GET/POST /webhooks/whatsapp`: the handshake; a signed text becoming a lead, an identity, a
//! conversation, a message and an event, readable by the assigned agent only; duplicates stored
//! once; statuses forward only (131047 explained); a batch for two agencies; media fetched from
//! a stand-in Graph API; and every bad input answered without storing anything.

use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use base64::Engine as _;
use serde_json::{Value, json};
use sha2::Digest;

use crate::support::TestApp;
use crate::webhook_tests;
use crate::webhooks_support::{
    FIXTURE_NUMBER, VERIFY_TOKEN, drain, fixture, job_count, meta_signature, round_robin, rows, whatsapp_channel,
};

const SECRET: &str = "dar-app-secret";

async fn post(app: &TestApp, body: &[u8], signature: Option<&str>) -> crate::support::Res {
    let mut req = app.post("", "/webhooks/whatsapp").body("application/json", body.to_vec());
    if let Some(s) = signature {
        req = req.header("X-Hub-Signature-256", s);
    }
    req.send().await
}

async fn signed(app: &TestApp, body: &[u8]) -> crate::support::Res {
    post(app, body, Some(&meta_signature(SECRET, body))).await
}

async fn a_text_becomes_a_lead_a_conversation_and_a_message(app: &TestApp) {
    round_robin(app, &app.dar.tenant.id).await;
    let account = whatsapp_channel(app, "dar", FIXTURE_NUMBER, SECRET).await;
    let body = fixture("whatsapp/01-text.json");
    let res = signed(app, &body).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let done = drain(app).await;
    assert!(done.iter().all(|j| j.status == jobs::JobStatus::Done), "{done:?}");

    let leads = rows(app, "Lead", json!({"tenantId": app.dar.tenant.id})).await;
    assert_eq!(leads.len(), 1, "{leads:?}");
    let lead = &leads[0];
    assert_eq!(lead["name"], "Layla Haddad");
    assert_eq!(lead["source"], "WHATSAPP");
    assert_eq!(lead["primaryPhone"], "+971501234567");
    assert_eq!(lead["assigneeId"], json!(app.dar.agent.id), "routed round robin to the agency's agent");

    let identities = rows(app, "ChannelIdentity", json!({"leadId": lead["id"]})).await;
    assert_eq!(identities.len(), 1);
    assert_eq!(
        (identities[0]["addressType"].as_str(), identities[0]["address"].as_str()),
        (Some("WA_ID"), Some("971501234567"))
    );

    let conversations = rows(app, "Conversation", json!({"leadId": lead["id"]})).await;
    assert_eq!(conversations.len(), 1);
    let c = &conversations[0];
    assert_eq!(c["assigneeId"], json!(app.dar.agent.id));
    assert_eq!(c["channelAccountId"], account["id"]);
    assert_eq!(c["status"], "OPEN");
    // The fixture's timestamp 1767225600 = 2026-01-01T00:00:00Z; the window closes 24 h later.
    assert_eq!(c["windowClosesAt"], "2026-01-02T00:00:00.000Z");
    assert_eq!(c["lastMessageAt"], "2026-01-01T00:00:00.000Z");
    assert!(c["lastMessagePreview"].as_str().is_some_and(|p| !p.is_empty()));

    let messages = rows(app, "Message", json!({"conversationId": c["id"]})).await;
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert_eq!(
        (m["direction"].as_str(), m["status"].as_str(), m["type"].as_str()),
        (Some("IN"), Some("RECEIVED"), Some("TEXT"))
    );
    assert_eq!(m["providerMessageId"], "wamid.HBgMOTcxNTAxMjM0NTY3FQIAEhgUM0VCMDRGN0E5QjY2QjA4N0I2QTcA01");
    assert_eq!(m["authorId"], Value::Null);
    assert_eq!(m["tenantId"], json!(app.dar.tenant.id));

    // Born assigned (round robin): `conversation.assigned`, then the message.
    let mut events = rows(app, "InboxEvent", json!({"conversationId": c["id"]})).await;
    events.sort_by_key(|e| e["seq"].as_i64());
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0]["kind"], "conversation.assigned");
    assert_eq!((events[0]["messageId"].clone(), events[1]["kind"].clone()), (Value::Null, json!("message.received")));
    assert_eq!(events[1]["messageId"], m["id"]);

    // The assigned agent reads it; another agent of the agency and the other agency do not.
    let other = app::users::create(
        &app.app.db,
        &app.app.tenants,
        app::users::NewUser {
            tenant_slug: "dar".into(),
            email: "agent2@dar.example".into(),
            name: "agent2".into(),
            role: app::Role::Agent,
            locale: None,
            password: Some(crate::support::PASSWORD.into()),
        },
    )
    .await
    .unwrap();
    let read_as = |user: &app::users::UserView, tenant: &str| app::Actor {
        user_id: user.id.clone(),
        tenant_id: tenant.to_owned(),
        role: user.role,
        team_id: None,
        locale: app::Locale::En,
    };
    let find = json!({"where": {"id": c["id"]}});
    let agent = read_as(&app.dar.agent, &app.dar.tenant.id).db(&app.app.db);
    assert!(agent.run("Conversation", "findUnique", &find).await.unwrap().is_object());
    let second = read_as(&other, &app.dar.tenant.id).db(&app.app.db);
    assert!(second.run("Conversation", "findUnique", &find).await.unwrap().is_null());
    assert!(second.run("Message", "findMany", &json!({})).await.unwrap().as_array().unwrap().is_empty());
    let harbor = read_as(&app.harbor.admin, &app.harbor.tenant.id).db(&app.app.db);
    assert!(harbor.run("Conversation", "findUnique", &find).await.unwrap().is_null());
    // And through the inbox API.
    let path = format!("/api/v1/conversations/{}", c["id"].as_str().unwrap());
    let agent_token = app.token("dar", &app.dar.agent).await;
    assert_eq!(app.get("dar", &path).bearer(&agent_token).send().await.status, 200);
    let other_token = app.token("dar", &other).await;
    assert_eq!(app.get("dar", &path).bearer(&other_token).send().await.status, 404);

    // A second message from the same customer joins the same conversation.
    let arabic = fixture("whatsapp/02-text-arabic-escaped.json");
    assert_eq!(signed(app, &arabic).await.status, 200);
    drain(app).await;
    let messages = rows(app, "Message", json!({"conversationId": c["id"]})).await;
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[1]["body"], "مرحبا، هل الشقة في دبي مارينا ما زالت متاحة؟");
    assert_eq!(rows(app, "Lead", json!({"tenantId": app.dar.tenant.id})).await.len(), 1);
}

/// Database triggers that refuse (so roll back) what a reader must never see: a WhatsApp
/// conversation without its 24-hour window, or an inbound WhatsApp message whose conversation's
/// window does not yet cover it (window ≥ sent + 24 h). A write in which either is visible, even
/// for a moment, fails.
fn window_guards(postgres: bool) -> Vec<String> {
    const BORN: &str = "a WhatsApp conversation without its window";
    const OUTSIDE: &str = "an inbound WhatsApp message outside its conversation's window";
    let whatsapp = r#"(SELECT "kind" FROM "ChannelAccount" WHERE "id" = NEW."channelAccountId") = 'WHATSAPP'"#;
    if !postgres {
        return vec![
            format!(
                r#"CREATE TRIGGER born_with_window AFTER INSERT ON "Conversation"
                   WHEN NEW."windowClosesAt" IS NULL AND {whatsapp}
                   BEGIN SELECT RAISE(ABORT, '{BORN}'); END"#
            ),
            format!(
                r#"CREATE TRIGGER inside_window BEFORE INSERT ON "Message"
                   WHEN NEW."direction" = 'IN' AND NEW."channel" = 'WHATSAPP' AND NOT EXISTS (
                     SELECT 1 FROM "Conversation" c WHERE c."id" = NEW."conversationId"
                       AND julianday(c."windowClosesAt") >= julianday(NEW."sentAt") + 1 - 0.00001)
                   BEGIN SELECT RAISE(ABORT, '{}'); END"#,
                OUTSIDE.replace('\'', "''")
            ),
        ];
    }
    vec![
        format!(
            r#"CREATE FUNCTION born_with_window() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN
                 IF NEW."windowClosesAt" IS NULL AND {whatsapp} THEN RAISE EXCEPTION '{BORN}'; END IF;
                 RETURN NEW;
               END $$"#
        ),
        r#"CREATE TRIGGER born_with_window AFTER INSERT ON "Conversation"
           FOR EACH ROW EXECUTE FUNCTION born_with_window()"#
            .to_owned(),
        format!(
            r#"CREATE FUNCTION inside_window() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN
                 IF NEW."direction" = 'IN' AND NEW."channel" = 'WHATSAPP' AND NOT EXISTS (
                   SELECT 1 FROM "Conversation" c WHERE c."id" = NEW."conversationId"
                     AND c."windowClosesAt" >= NEW."sentAt" + interval '24 hours')
                 THEN RAISE EXCEPTION '{}'; END IF;
                 RETURN NEW;
               END $$"#,
            OUTSIDE.replace('\'', "''")
        ),
        r#"CREATE TRIGGER inside_window BEFORE INSERT ON "Message"
           FOR EACH ROW EXECUTE FUNCTION inside_window()"#
            .to_owned(),
    ]
}

/// The message and its conversation's window are one write: a new conversation is born with its
/// window, and a later message (to a closed conversation too) extends the window before it is
/// itself visible. The triggers of [`window_guards`] make any other order fail the job.
async fn no_reader_sees_a_conversation_without_its_window(app: &TestApp) {
    let postgres = app.app.db.dialect() == policy::Dialect::Postgres;
    app.app.db.execute_script(&window_guards(postgres)).await.unwrap();
    whatsapp_channel(app, "dar", FIXTURE_NUMBER, SECRET).await;
    assert_eq!(signed(app, &fixture("whatsapp/01-text.json")).await.status, 200);
    let done = drain(app).await;
    assert!(done.iter().all(|j| j.status == jobs::JobStatus::Done), "{done:?}");
    let conversations = rows(app, "Conversation", json!({"tenantId": app.dar.tenant.id})).await;
    assert_eq!(conversations.len(), 1, "{conversations:?}");
    assert_eq!(conversations[0]["windowClosesAt"], "2026-01-02T00:00:00.000Z");

    // Closed meanwhile: the next message reopens it and moves its window in the same write.
    let id = conversations[0]["id"].as_str().unwrap();
    let system = app.app.db.as_system("test: close a conversation");
    system.update("Conversation", json!({"where": {"id": id}, "data": {"status": "CLOSED"}})).await.unwrap();
    assert_eq!(signed(app, &fixture("whatsapp/02-text-arabic-escaped.json")).await.status, 200);
    let done = drain(app).await;
    assert!(done.iter().all(|j| j.status == jobs::JobStatus::Done), "{done:?}");
    let c = &rows(app, "Conversation", json!({"id": id})).await[0];
    // 1767225660 = 2026-01-01T00:01:00Z.
    assert_eq!((c["status"].as_str(), c["windowClosesAt"].as_str()), (Some("OPEN"), Some("2026-01-02T00:01:00.000Z")));
    assert_eq!(rows(app, "Message", json!({"conversationId": id})).await.len(), 2);
}

async fn duplicate_deliveries_are_stored_once(app: &TestApp) {
    whatsapp_channel(app, "dar", FIXTURE_NUMBER, SECRET).await;
    let body = fixture("whatsapp/01-text.json");
    for _ in 0..3 {
        assert_eq!(signed(app, &body).await.status, 200);
    }
    drain(app).await;
    // And once more after processing (Meta retries for days): acknowledged, no second job (the
    // delivery key; storage-level dedupe is in `webhooks_dedupe`).
    assert_eq!(signed(app, &body).await.status, 200);
    let done = drain(app).await;
    assert!(done.is_empty(), "{done:?}");
    assert_eq!(rows(app, "Message", json!({})).await.len(), 1);
    assert_eq!(rows(app, "Lead", json!({})).await.len(), 1);
    assert_eq!(rows(app, "Conversation", json!({})).await.len(), 1);
    let received = rows(app, "InboxEvent", json!({"kind": "message.received"})).await;
    assert_eq!(received.len(), 1);
}

/// An OUT message with `wamid` in the fixture customer's conversation, as the send job stores it.
async fn sent_message(app: &TestApp, wamid: &str) -> String {
    let c = &rows(app, "Conversation", json!({})).await[0];
    let row = app
        .app
        .db
        .as_system("test: an outbound message")
        .create(
            "Message",
            json!({"data": {
                "tenantId": c["tenantId"], "conversationId": c["id"], "channelAccountId": c["channelAccountId"],
                "channel": "WHATSAPP", "direction": "OUT", "type": "TEXT", "body": "Hello", "status": "QUEUED",
                "providerMessageId": wamid, "authorId": null,
            }}),
        )
        .await
        .unwrap();
    row["id"].as_str().unwrap().to_owned()
}

async fn message(app: &TestApp, id: &str) -> Value {
    rows(app, "Message", json!({"id": id})).await.remove(0)
}

async fn statuses_only_move_forward(app: &TestApp) {
    whatsapp_channel(app, "dar", FIXTURE_NUMBER, SECRET).await;
    signed(app, &fixture("whatsapp/01-text.json")).await;
    drain(app).await;
    let out = sent_message(app, "wamid.HBgMOTcxNTAxMjM0NTY3FQIAERgSOUQ0RjNBMjFDMTc5NzAzQTk5AA==").await;
    let failing = sent_message(app, "wamid.HBgMOTcxNTAxMjM0NTY3FQIAERgSMTMxMDQ3RkFJTEVEMDAwMDAwAA==").await;

    // read arrives before sent (Meta may skip delivered, and order is not guaranteed).
    assert_eq!(signed(app, &fixture("whatsapp/21-status-read.json")).await.status, 200);
    drain(app).await;
    assert_eq!(message(app, &out).await["status"], "READ");
    assert_eq!(signed(app, &fixture("whatsapp/20-status-sent.json")).await.status, 200);
    drain(app).await;
    let m = message(app, &out).await;
    assert_eq!(m["status"], "READ", "a late `sent` never moves it back");
    assert!(m["readAt"].is_string());

    assert_eq!(signed(app, &fixture("whatsapp/22-status-failed-131047.json")).await.status, 200);
    drain(app).await;
    let f = message(app, &failing).await;
    assert_eq!(f["status"], "FAILED");
    assert_eq!(f["errorCode"], "131047");
    assert!(f["errorMessage"].as_str().unwrap().contains("template"), "{f}");
    assert!(f["errorMessage"].as_str().unwrap().contains("whatsapp.window_closed"), "{f}");

    let kinds: Vec<Value> = rows(app, "InboxEvent", json!({})).await.iter().map(|e| e["kind"].clone()).collect();
    assert_eq!(kinds, ["conversation.assigned", "message.received", "message.status", "message.status"]);

    // A status for a message nobody stored changes nothing (and does not fail the job).
    let c = &rows(app, "Conversation", json!({})).await[0];
    app.app
        .db
        .as_system("test: forget a message")
        .run("Message", "deleteMany", &json!({"where": {"direction": "OUT", "conversationId": c["id"]}}))
        .await
        .unwrap();
    // (`delivered` of the same wamid: the `sent` seen before is a duplicate delivery, not queued again.)
    let mut late: Value = serde_json::from_slice(&fixture("whatsapp/20-status-sent.json")).unwrap();
    late["entry"][0]["changes"][0]["value"]["statuses"][0]["status"] = json!("delivered");
    assert_eq!(signed(app, serde_json::to_string(&late).unwrap().as_bytes()).await.status, 200);
    let done = drain(app).await;
    assert_eq!(done[0].status, jobs::JobStatus::Done);
    assert_eq!(done[0].result.as_ref().unwrap()["unknownStatuses"], 1);
}

async fn a_batch_reaches_each_agency(app: &TestApp) {
    // One Meta app serves both agencies: one app secret, two numbers.
    whatsapp_channel(app, "dar", FIXTURE_NUMBER, SECRET).await;
    whatsapp_channel(app, "harbor", "208877665544332", SECRET).await;
    let res = signed(app, &fixture("whatsapp/23-batch.json")).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let done = drain(app).await;
    let processed: Vec<_> = done.iter().filter(|j| j.kind == "inbox.whatsapp.inbound").collect();
    assert_eq!(processed.len(), 2, "one job per agency: {done:?}");
    assert!(processed.iter().all(|j| j.tenant_id.is_some() && j.status == jobs::JobStatus::Done));
    let dar = rows(app, "Message", json!({"tenantId": app.dar.tenant.id})).await;
    let harbor = rows(app, "Message", json!({"tenantId": app.harbor.tenant.id})).await;
    assert_eq!(dar.len(), 2, "{dar:?}");
    assert_eq!(harbor.len(), 1, "{harbor:?}");
    let harbor_lead = &rows(app, "Lead", json!({"tenantId": app.harbor.tenant.id})).await[0];
    assert_eq!(harbor_lead["primaryPhone"], "+966501234567");
}

async fn bad_deliveries_are_refused_and_store_nothing(app: &TestApp) {
    whatsapp_channel(app, "dar", FIXTURE_NUMBER, SECRET).await;
    let body = fixture("whatsapp/01-text.json");
    let missing = post(app, &body, None).await;
    assert_eq!((missing.status, missing.code().as_str()), (401, "webhook.unauthorized"));
    let wrong = post(app, &body, Some(&meta_signature("another-secret", &body))).await;
    assert_eq!(wrong.status, 401);
    assert_eq!(post(app, &body, Some("sha256=zz")).await.status, 401);
    // Signed over a re-encoded body (what a parse-then-serialise handler would verify): refused.
    let arabic = fixture("whatsapp/02-text-arabic-escaped.json");
    let reencoded = serde_json::to_vec(&serde_json::from_slice::<Value>(&arabic).unwrap()).unwrap();
    assert_eq!(post(app, &arabic, Some(&meta_signature(SECRET, &reencoded))).await.status, 401);

    let malformed = b"{\"object\": \"whatsapp_business_account\", \"entry\": [";
    let res = post(app, malformed, Some(&meta_signature(SECRET, malformed))).await;
    assert_eq!((res.status, res.code().as_str()), (400, "webhook.malformed"));
    let other = br#"{"object": "page", "entry": []}"#;
    assert_eq!(post(app, other, Some(&meta_signature(SECRET, other))).await.status, 400);

    // A number no agency has: 404, so Meta keeps retrying until it is configured.
    let unknown = String::from_utf8(body.clone()).unwrap().replace(FIXTURE_NUMBER, "999999999999999");
    let res = post(app, unknown.as_bytes(), Some(&meta_signature(SECRET, unknown.as_bytes()))).await;
    assert_eq!((res.status, res.code().as_str()), (404, "webhook.unknown_account"));

    // Larger than channels.max_webhook_bytes (256 KiB in these tests).
    let mut big = String::from_utf8(body.clone()).unwrap();
    big.insert_str(1, &format!("\"pad\": \"{}\",", "x".repeat(300 * 1024)));
    let res = post(app, big.as_bytes(), Some(&meta_signature(SECRET, big.as_bytes()))).await;
    assert_eq!((res.status, res.code().as_str()), (413, "webhook.too_large"));

    // An inactive account receives nothing.
    let dar_admin = app.token("dar", &app.dar.admin).await;
    let account = &rows(app, "ChannelAccount", json!({})).await[0];
    let res = app
        .request(reqwest::Method::PATCH, "dar", &format!("/api/v1/channels/{}", account["id"].as_str().unwrap()))
        .bearer(&dar_admin)
        .json(&json!({"active": false}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(signed(app, &body).await.status, 404);

    // Nothing of it was recorded or stored.
    assert_eq!(job_count(app).await, 0);
    drain(app).await;
    for model in ["Lead", "ChannelIdentity", "Conversation", "Message", "InboxEvent"] {
        assert!(rows(app, model, json!({})).await.is_empty(), "{model}");
    }
    // A notification with nothing to route (a template status update) is acknowledged.
    assert_eq!(post(app, &fixture("whatsapp/26-template-status-update.json"), None).await.status, 200);
}

async fn the_handshake_echoes_the_challenge(app: &TestApp) {
    whatsapp_channel(app, "dar", FIXTURE_NUMBER, SECRET).await;
    let get = |q: String| app.get("", &format!("/webhooks/whatsapp?{q}")).send();
    let res = get(format!("hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token={VERIFY_TOKEN}")).await;
    assert_eq!((res.status, res.body.as_str()), (200, "1158201444"));
    // An account's own verify token works too.
    let res = get("hub.mode=subscribe&hub.challenge=abc-XYZ&hub.verify_token=verify-dar".into()).await;
    assert_eq!((res.status, res.body.as_str()), (200, "abc-XYZ"));
    let res = get("hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong".into()).await;
    assert_eq!((res.status, res.code().as_str()), (403, "webhook.handshake_refused"));
    assert_eq!(get(format!("hub.challenge=1&hub.verify_token={VERIFY_TOKEN}")).await.status, 403);
    assert_eq!(get(String::new()).await.status, 403);
}

/// A stand-in Graph API: the media lookup and the download, both checking the bearer token.
#[derive(Clone, Default)]
struct Graph {
    url: Arc<Mutex<String>>,
    seen: Arc<Mutex<Vec<String>>>,
}

const IMAGE: &[u8] = b"\xff\xd8\xff\xe0 a tiny jpeg of the kitchen";

async fn media_info(
    State(g): State<Graph>,
    Path((_, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> impl IntoResponse {
    g.seen.lock().unwrap().push(format!("info {id}"));
    match id.as_str() {
        "slow" => tokio::time::sleep(std::time::Duration::from_secs(3)).await,
        "gone" => return (StatusCode::NOT_FOUND, axum::Json(json!({"error": {"code": 100}}))).into_response(),
        "busy" => return (StatusCode::SERVICE_UNAVAILABLE, axum::Json(json!({"error": {"code": 2}}))).into_response(),
        _ => {}
    }
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer graph-token") {
        return (StatusCode::UNAUTHORIZED, axum::Json(json!({"error": {"code": 190}}))).into_response();
    }
    let sha = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(IMAGE));
    let url = format!("{}/download/{id}", g.url.lock().unwrap());
    axum::Json(json!({"messaging_product": "whatsapp", "url": url, "mime_type": "image/jpeg", "sha256": sha,
                      "file_size": IMAGE.len(), "id": id}))
    .into_response()
}

async fn media_bytes(State(g): State<Graph>, Path(id): Path<String>, headers: HeaderMap) -> impl IntoResponse {
    g.seen.lock().unwrap().push(format!("download {id}"));
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer graph-token") {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    ([("content-type", "image/jpeg")], IMAGE).into_response()
}

/// Starts the stand-in Graph API; returns it and its base URL.
async fn graph() -> (Graph, String) {
    let graph = Graph::default();
    let router = axum::Router::new()
        .route("/{version}/{id}", axum::routing::get(media_info))
        .route("/download/{id}", axum::routing::get(media_bytes))
        .with_state(graph.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    *graph.url.lock().unwrap() = base.clone();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (graph, base)
}

async fn media_is_downloaded_into_file_storage(app: &TestApp, graph: &Graph) {
    whatsapp_channel(app, "dar", FIXTURE_NUMBER, SECRET).await;
    assert_eq!(signed(app, &fixture("whatsapp/03-image.json")).await.status, 200);
    let runner = app::jobs::runner(app.app.clone(), jobs::WorkerConfig::default());
    let first = runner.run_next().await.unwrap().unwrap();
    assert_eq!((first.kind.as_str(), first.status), ("inbox.whatsapp.inbound", jobs::JobStatus::Done));
    let second = runner.run_next().await.unwrap().unwrap();
    assert_eq!(second.kind, "inbox.media.download");
    assert_eq!(second.status, jobs::JobStatus::Done, "{:?}", second.last_error);
    assert_eq!(*graph.seen.lock().unwrap(), ["info 1479537139650973", "download 1479537139650973"]);

    let m = &rows(app, "Message", json!({})).await[0];
    assert_eq!(m["type"], "IMAGE");
    assert_eq!(m["body"], "صورة المطبخ");
    let file_id = m["mediaFileId"].as_str().expect("media linked");
    // Linking the file is a change receivers hear of (`message.updated` → `message_updated`).
    let updated = rows(app, "InboxEvent", json!({"kind": "message.updated"})).await;
    assert_eq!((updated.len(), updated[0]["messageId"].clone()), (1, m["id"].clone()));
    let file = &rows(app, "File", json!({"id": file_id})).await[0];
    assert!(file["storageKey"].as_str().unwrap().starts_with(&format!("{}/media/", app.dar.tenant.id)), "{file}");
    assert_eq!(file["contentType"], "image/jpeg");
    let admin = app.token("dar", &app.dar.admin).await;
    let res = app.get("dar", &format!("/api/v1/files/{file_id}")).bearer(&admin).send().await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(res.body.ends_with(" a tiny jpeg of the kitchen"), "the bytes as downloaded");

    // A provider that times out or answers 5xx: retried later; one that answers 4xx: failed with
    // the reason. The message stays, without media.
    let image = String::from_utf8(fixture("whatsapp/03-image.json")).unwrap();
    for (media_id, retried, reason) in [("slow", true, "timed out"), ("busy", true, "503"), ("gone", false, "404")] {
        let body = image.replace("1479537139650973", media_id).replace("QTcA03", &format!("QTcA{media_id}"));
        assert_eq!(signed(app, body.as_bytes()).await.status, 200);
        let processed = runner.run_next().await.unwrap().unwrap();
        assert_eq!(processed.status, jobs::JobStatus::Done);
        let media = runner.run_next().await.unwrap().unwrap();
        assert_eq!(media.kind, "inbox.media.download");
        let expected = if retried { jobs::JobStatus::Queued } else { jobs::JobStatus::Failed };
        assert_eq!(media.status, expected, "{media_id}: {:?}", media.last_error);
        assert!(media.last_error.as_deref().unwrap_or_default().contains(reason), "{media_id}: {:?}", media.last_error);
    }
    assert_eq!(rows(app, "Message", json!({"mediaFileId": null})).await.len(), 3);
}

webhook_tests!(
    a_text_becomes_a_lead_a_conversation_and_a_message,
    no_reader_sees_a_conversation_without_its_window,
    duplicate_deliveries_are_stored_once,
    statuses_only_move_forward,
    a_batch_reaches_each_agency,
    bad_deliveries_are_refused_and_store_nothing,
    the_handshake_echoes_the_challenge,
);

/// The media test needs the stand-in's URL in the server's configuration before it starts.
mod media {
    use super::*;

    fn with_graph(base: &str) -> impl FnOnce(&mut manzil::config::Config) + '_ {
        move |c| {
            crate::webhooks_support::configure(c);
            c.channels.whatsapp.graph_base_url = format!("{base}/v21.0");
            c.channels.send_timeout_ms = 300;
        }
    }

    #[tokio::test]
    async fn sqlite() {
        let (g, base) = graph().await;
        let app = TestApp::sqlite_with(with_graph(&base)).await;
        media_is_downloaded_into_file_storage(&app, &g).await;
        app.stop().await;
    }

    #[tokio::test]
    async fn postgres() {
        let (g, base) = graph().await;
        let app = TestApp::postgres_with(with_graph(&base)).await;
        media_is_downloaded_into_file_storage(&app, &g).await;
        app.stop().await;
    }
}
