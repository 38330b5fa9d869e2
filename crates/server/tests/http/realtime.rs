//! Real time: the official `socket.io-client` (Node, `crates/server/tests/socket/`) against the
//! real server. A message recorded for agent A's lead reaches A (and the agency's admin) live;
//! agent B of the same agency and another agency's admin get nothing; a reconnect with `lastSeq`
//! replays exactly what was missed; bad handshakes are refused with a stable code; a deactivated
//! user gets nothing more.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use std::sync::Arc;

use app::inbox::events::{EventBus, EventKind, InboxEvent, LocalBus, record};
use app::users::{NewUser, UserView};
use domain::Role;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;

use crate::support::{Agency, PASSWORD, TestApp};

/// How long to wait for a line the client should print.
const PATIENCE: Duration = Duration::from_secs(20);

fn client_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/socket")
}

/// One Node process running `client.mjs`: what it prints, line by line.
struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::UnboundedReceiver<Value>,
}

impl Client {
    /// Starts a client for `host` (`dar` → `dar.localhost`) with the handshake's `auth`.
    async fn start(app: &TestApp, host: &str, auth: Value) -> Client {
        Client::start_with(app, host, auth, json!({})).await
    }

    /// [`Client::start`] with more client options: `transports`, `headers`.
    async fn start_with(app: &TestApp, host: &str, auth: Value, options: Value) -> Client {
        let dir = client_dir();
        assert!(
            dir.join("node_modules/socket.io-client").is_dir(),
            "the Socket.IO test client is not installed: run `npm ci` in {} (test.sh does)",
            dir.display()
        );
        let mut config = json!({
            "url": format!("http://{}/inbox", app.addr),
            "host": format!("{host}.localhost"),
            "auth": auth,
        });
        if let (Some(config), Some(options)) = (config.as_object_mut(), options.as_object()) {
            config.extend(options.clone());
        }
        let mut child = Command::new("node")
            .arg(dir.join("client.mjs"))
            .arg(config.to_string())
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs");
        let stdout = child.stdout.take().expect("stdout");
        let stdin = child.stdin.take();
        let (tx, lines) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut reader = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = reader.next_line().await {
                let value = serde_json::from_str(&line).unwrap_or_else(|_| json!({"type": "noise", "line": line}));
                if tx.send(value).is_err() {
                    break;
                }
            }
        });
        Client { child, stdin, lines }
    }

    /// Connects and waits until the server says the stream is live; returns `ready`'s data.
    async fn ready(app: &TestApp, host: &str, auth: Value) -> (Client, Value) {
        let mut client = Client::start(app, host, auth).await;
        assert_eq!(client.next().await["type"], "connect");
        let ready = client.event().await;
        assert_eq!(ready["name"], "ready", "{ready}");
        (client, ready["data"].clone())
    }

    /// The next line the client prints.
    async fn next(&mut self) -> Value {
        match tokio::time::timeout(PATIENCE, self.lines.recv()).await {
            Ok(Some(line)) => line,
            Ok(None) => panic!("the client exited"),
            Err(_) => panic!("the client printed nothing for {PATIENCE:?}"),
        }
    }

    /// The next received event (`{"name", "data"}`).
    async fn event(&mut self) -> Value {
        let line = self.next().await;
        assert_eq!(line["type"], "event", "expected an event, got {line}");
        line
    }

    async fn send(&mut self, command: Value) {
        let stdin = self.stdin.as_mut().expect("stdin");
        stdin.write_all(format!("{command}\n").as_bytes()).await.expect("write");
        stdin.flush().await.expect("flush");
    }

    async fn emit(&mut self, name: &str, data: Value) {
        self.send(json!({"emit": name, "data": data})).await;
    }

    /// Disconnects and waits for the process to end.
    async fn close(mut self) {
        drop(self.stdin.take());
        let _ = tokio::time::timeout(PATIENCE, self.child.wait()).await;
    }
}

/// A WhatsApp conversation with a new lead assigned to `assignee`, written as the inbound
/// pipeline would (as system).
struct Thread {
    tenant_id: String,
    account_id: String,
    conversation_id: String,
}

async fn thread(app: &TestApp, agency: &Agency, assignee: &UserView) -> Thread {
    let sys = app.app.db.as_system("test: inbox fixtures");
    let tenant_id = agency.tenant.id.clone();
    let id = |row: Value| row["id"].as_str().expect("id").to_owned();
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    let account = sys
        .create(
            "ChannelAccount",
            json!({"data": {"tenantId": tenant_id, "kind": "WHATSAPP", "name": "WhatsApp", "phoneNumberId": suffix}}),
        )
        .await
        .expect("account");
    let lead = sys
        .create("Lead", json!({"data": {"tenantId": tenant_id, "name": "عميل", "assigneeId": assignee.id}}))
        .await
        .expect("lead");
    let identity = sys
        .create(
            "ChannelIdentity",
            json!({"data": {
                "tenantId": tenant_id, "channelAccountId": account["id"], "kind": "WHATSAPP",
                "addressType": "WA_ID", "address": suffix, "leadId": lead["id"],
            }}),
        )
        .await
        .expect("identity");
    let conversation = sys
        .create(
            "Conversation",
            json!({"data": {
                "tenantId": tenant_id, "leadId": lead["id"], "channelAccountId": account["id"],
                "identityId": identity["id"], "assigneeId": assignee.id,
            }}),
        )
        .await
        .expect("conversation");
    Thread { tenant_id, account_id: id(account), conversation_id: id(conversation) }
}

/// Stores an inbound message on `thread` and records `message.received`; returns (id, seq).
async fn inbound(app: &TestApp, thread: &Thread, body: &str) -> (String, i64) {
    let message = app
        .app
        .db
        .as_system("test: inbox fixtures")
        .create(
            "Message",
            json!({"data": {
                "tenantId": thread.tenant_id, "conversationId": thread.conversation_id,
                "channelAccountId": thread.account_id, "channel": "WHATSAPP", "direction": "IN",
                "body": body, "status": "RECEIVED", "providerMessageId": uuid::Uuid::new_v4().to_string(),
            }}),
        )
        .await
        .expect("message");
    let id = message["id"].as_str().expect("id").to_owned();
    let event = record(
        &app.app.db,
        &app.app.events,
        &thread.tenant_id,
        EventKind::MessageReceived,
        &thread.conversation_id,
        Some(&id),
    )
    .await
    .expect("event");
    (id, event.seq)
}

/// Moves a message's status and records `message.status`; returns the seq.
async fn status(app: &TestApp, thread: &Thread, message_id: &str, status: &str) -> i64 {
    app.app
        .db
        .as_system("test: inbox fixtures")
        .update("Message", json!({"where": {"id": message_id}, "data": {"status": status}}))
        .await
        .expect("status");
    record(
        &app.app.db,
        &app.app.events,
        &thread.tenant_id,
        EventKind::MessageStatus,
        &thread.conversation_id,
        Some(message_id),
    )
    .await
    .expect("event")
    .seq
}

async fn second_agent(app: &TestApp) -> UserView {
    let new = NewUser {
        tenant_slug: "dar".into(),
        email: "agent2@dar.example".into(),
        name: "agent2 of dar".into(),
        role: Role::Agent,
        locale: None,
        password: Some(PASSWORD.to_owned()),
    };
    app::users::create(&app.app.db, &app.app.tenants, new).await.expect("agent2")
}

/// A's message reaches A and the agency's admin, never B or the other agency; statuses follow;
/// B's own replay holds only B's events.
async fn live_events_reach_only_who_may_read_them(app: &TestApp) {
    let agent_b = second_agent(app).await;
    let (token_a, token_b) = (app.token("dar", &app.dar.agent).await, app.token("dar", &agent_b).await);
    let token_admin = app.token("dar", &app.dar.admin).await;
    let token_harbor = app.token("harbor", &app.harbor.admin).await;
    let (mut a, _) = Client::ready(app, "dar", json!({"token": token_a})).await;
    let (mut b, _) = Client::ready(app, "dar", json!({"token": token_b})).await;
    let (mut admin, _) = Client::ready(app, "dar", json!({"token": token_admin})).await;
    let (mut harbor, _) = Client::ready(app, "harbor", json!({"token": token_harbor})).await;

    let thread_a = thread(app, &app.dar, &app.dar.agent).await;
    let (message, seq) = inbound(app, &thread_a, "مرحبا، هل الشقة متاحة؟").await;
    for client in [&mut a, &mut admin] {
        let e = client.event().await;
        assert_eq!(e["name"], "new_message", "{e}");
        assert_eq!(e["data"]["seq"], seq);
        assert_eq!(e["data"]["conversationId"], json!(thread_a.conversation_id));
        assert_eq!(e["data"]["message"]["id"], json!(message));
        assert_eq!(e["data"]["message"]["body"], "مرحبا، هل الشقة متاحة؟");
    }

    // Each stream is in seq order, so B's and harbor's next event being their own proves A's
    // message never reached them.
    let thread_b = thread(app, &app.dar, &agent_b).await;
    let (_, seq_b) = inbound(app, &thread_b, "for B").await;
    let thread_h = thread(app, &app.harbor, &app.harbor.agent).await;
    let (_, seq_h) = inbound(app, &thread_h, "for harbor").await;
    let e = b.event().await;
    assert_eq!((e["name"].clone(), e["data"]["seq"].clone()), (json!("new_message"), json!(seq_b)), "{e}");
    let e = harbor.event().await;
    assert_eq!((e["name"].clone(), e["data"]["seq"].clone()), (json!("new_message"), json!(seq_h)), "{e}");
    assert_eq!(admin.event().await["data"]["seq"], seq_b, "the admin reads every lead of the agency");

    // Statuses: only the status fields.
    let seq_status = status(app, &thread_a, &message, "READ").await;
    let e = a.event().await;
    assert_eq!(e["name"], "message_status");
    assert_eq!(
        e["data"],
        json!({"conversationId": thread_a.conversation_id, "messageId": message, "status": "READ", "seq": seq_status})
    );

    // A client cannot widen its stream: there is no join, and a replay is read under its rules.
    b.emit("join", json!({"room": format!("agent:{}", app.dar.agent.id)})).await;
    b.emit("replay", json!({"after": 0})).await;
    let e = b.event().await;
    assert_eq!((e["name"].clone(), e["data"]["seq"].clone()), (json!("new_message"), json!(seq_b)), "{e}");
    b.emit("replay", json!({"after": "zero"})).await;
    assert_eq!(b.event().await["data"], json!({"code": "request.invalid"}));

    // A deactivated user gets nothing more: the next delivery closes the socket instead.
    app.update_user(&agent_b, json!({"active": false})).await;
    inbound(app, &thread_b, "after deactivation").await;
    assert_eq!(b.next().await["type"], "disconnect");

    for c in [a, b, admin, harbor] {
        c.close().await;
    }
}

/// A client that reconnects with its last seen `seq` gets exactly what it missed, in order,
/// before the stream goes live; then live events follow without a duplicate.
async fn a_reconnect_replays_exactly_what_was_missed(app: &TestApp) {
    let agent_b = second_agent(app).await;
    let token_a = app.token("dar", &app.dar.agent).await;
    let thread_a = thread(app, &app.dar, &app.dar.agent).await;
    let thread_b = thread(app, &app.dar, &agent_b).await;

    let (mut a, ready) = Client::ready(app, "dar", json!({"token": token_a})).await;
    let (first, seen) = inbound(app, &thread_a, "one").await;
    assert_eq!(a.event().await["data"]["seq"], seen);
    assert!(ready["seq"].as_i64().unwrap() < seen);
    a.close().await;

    // Missed while away: two of A's, one of B's.
    let (_, two) = inbound(app, &thread_a, "two").await;
    inbound(app, &thread_b, "not for A").await;
    let three = status(app, &thread_a, &first, "READ").await;

    let (mut a, ready) =
        Client::ready_after_replay(app, json!({"token": token_a, "lastSeq": seen}), &[two, three]).await;
    assert_eq!(ready["seq"], three);
    let (_, four) = inbound(app, &thread_a, "four").await;
    let e = a.event().await;
    assert_eq!((e["name"].clone(), e["data"]["seq"].clone()), (json!("new_message"), json!(four)), "{e}");
    a.close().await;

    // Events recorded while the replay runs: each arrives once, in order, none is lost.
    let mut expected = Vec::new();
    for i in 0..15 {
        expected.push(inbound(app, &thread_a, &format!("backlog {i}")).await.1);
    }
    let mut a = Client::start(app, "dar", json!({"token": token_a, "lastSeq": four})).await;
    let burst = async {
        let mut seqs = Vec::new();
        for i in 0..15 {
            seqs.push(inbound(app, &thread_a, &format!("burst {i}")).await.1);
        }
        seqs
    };
    let receive = async {
        assert_eq!(a.next().await["type"], "connect");
        let mut got = Vec::new();
        while got.len() < 30 {
            let e = a.event().await;
            if e["name"] != "ready" {
                got.push(e["data"]["seq"].as_i64().expect("seq"));
            }
        }
        got
    };
    let (burst, got) = tokio::join!(burst, receive);
    expected.extend(burst);
    assert_eq!(got, expected, "every event once, in order");
    a.close().await;
}

impl Client {
    /// Connects with a `lastSeq` and checks that exactly `expected` seqs arrive before `ready`.
    async fn ready_after_replay(app: &TestApp, auth: Value, expected: &[i64]) -> (Client, Value) {
        // Over HTTP long-polling this time (the transport older networks fall back to).
        let mut client = Client::start_with(app, "dar", auth, json!({"transports": ["polling"]})).await;
        assert_eq!(client.next().await["type"], "connect");
        let mut got = Vec::new();
        loop {
            let e = client.event().await;
            if e["name"] == "ready" {
                assert_eq!(got, expected, "replayed seqs");
                return (client, e["data"].clone());
            }
            got.push(e["data"]["seq"].as_i64().expect("seq"));
        }
    }
}

/// A subscriber that falls behind the bus (`Lagged`) catches up from the table: nothing is lost.
async fn a_lagging_subscriber_catches_up_from_the_table(app: &TestApp) {
    let token_a = app.token("dar", &app.dar.agent).await;
    let thread_a = thread(app, &app.dar, &app.dar.agent).await;
    let (mut a, _) = Client::ready(app, "dar", json!({"token": token_a})).await;

    // Record three events without publishing them (a bus nobody listens to)…
    let silent: Arc<dyn EventBus> = Arc::new(LocalBus::new(16));
    let mut missed = Vec::new();
    for body in ["one", "two", "three"] {
        let message = app
            .app
            .db
            .as_system("test: inbox fixtures")
            .create(
                "Message",
                json!({"data": {
                    "tenantId": thread_a.tenant_id, "conversationId": thread_a.conversation_id,
                    "channelAccountId": thread_a.account_id, "channel": "WHATSAPP", "direction": "IN",
                    "body": body, "status": "RECEIVED",
                }}),
            )
            .await
            .expect("message");
        let id = message["id"].as_str().expect("id");
        let event = record(
            &app.app.db,
            &silent,
            &thread_a.tenant_id,
            EventKind::MessageReceived,
            &thread_a.conversation_id,
            Some(id),
        )
        .await
        .expect("event");
        missed.push(event);
    }
    // …then publish them followed by more of another agency's events than the bus holds, without
    // yielding: the pump's subscription overflows and loses the three.
    for event in &missed {
        app.app.events.publish(event.clone());
    }
    for i in 0..2000 {
        app.app.events.publish(InboxEvent {
            seq: 1_000_000 + i,
            tenant_id: app.harbor.tenant.id.clone(),
            kind: EventKind::ConversationRead,
            conversation_id: "elsewhere".into(),
            message_id: None,
        });
    }
    for event in &missed {
        let e = a.event().await;
        assert_eq!((e["name"].clone(), e["data"]["seq"].clone()), (json!("new_message"), json!(event.seq)), "{e}");
    }
    let (_, next) = inbound(app, &thread_a, "live again").await;
    assert_eq!(a.event().await["data"]["seq"], next);
    a.close().await;
}

/// Refused handshakes: `connect_error` with a stable code.
async fn bad_handshakes_are_refused(app: &TestApp) {
    let token_dar = app.token("dar", &app.dar.agent).await;
    for (host, auth, code) in [
        ("dar", json!({}), "auth.invalid_token"),
        ("dar", json!({"token": "not-a-token"}), "auth.invalid_token"),
        ("harbor", json!({"token": token_dar}), "auth.invalid_token"),
        ("dar", json!({"token": token_dar, "lastSeq": "ten"}), "request.invalid"),
    ] {
        let mut client = Client::start(app, host, auth.clone()).await;
        let line = client.next().await;
        assert_eq!(line, json!({"type": "connect_error", "message": code}), "{host} {auth}");
        client.close().await;
    }

    // The web UI's session cookie authenticates on the agency's host, from a page of the same
    // origin only; the bare host takes tokens only.
    let cookie = json!({"cookie": format!("manzil_access={token_dar}")});
    let same_site = json!({"headers": cookie});
    let mut client = Client::start_with(app, "dar", json!({}), same_site.clone()).await;
    assert_eq!(client.next().await["type"], "connect");
    client.close().await;
    let mut foreign = cookie.clone();
    foreign["origin"] = json!("http://evil.example");
    let mut client = Client::start_with(app, "dar", json!({}), json!({"headers": foreign})).await;
    assert_eq!(client.next().await, json!({"type": "connect_error", "message": "auth.csrf"}));
    client.close().await;
    let mut client = Client::start_with(app, "harbor", json!({}), same_site).await;
    assert_eq!(client.next().await, json!({"type": "connect_error", "message": "auth.invalid_token"}));
    client.close().await;
}

crate::on_both_databases!(
    live_events_reach_only_who_may_read_them,
    a_reconnect_replays_exactly_what_was_missed,
    a_lagging_subscriber_catches_up_from_the_table,
    bad_handshakes_are_refused
);

/// The whole inbound path, live: Meta posts a signed webhook, the processing job stores the
/// message, and the official client of the lead's agent receives `new_message` — the other agent's
/// client does not.
mod webhook_to_socket {
    use serde_json::json;

    use super::{Client, second_agent, thread};
    use crate::support::TestApp;
    use crate::webhooks_support::{FIXTURE_NUMBER, drain, fixture, meta_signature, whatsapp_channel};

    const SECRET: &str = "dar-app-secret";

    async fn a_signed_webhook_reaches_the_leads_agent_only(app: &TestApp) {
        whatsapp_channel(app, "dar", FIXTURE_NUMBER, SECRET).await;
        let admin = app.token("dar", &app.dar.admin).await;
        // The fixture's sender (+971 50 123 4567) is already a lead of agent A.
        let lead = app
            .post("dar", "/api/v1/leads")
            .bearer(&admin)
            .json(&json!({"name": "Layla", "phones": ["+971501234567"], "assigneeId": app.dar.agent.id}))
            .send()
            .await;
        assert_eq!(lead.status, 201, "{}", lead.body);
        let agent_b = second_agent(app).await;
        let (mut a, _) = Client::ready(app, "dar", json!({"token": app.token("dar", &app.dar.agent).await})).await;
        let (mut b, _) = Client::ready(app, "dar", json!({"token": app.token("dar", &agent_b).await})).await;

        let body = fixture("whatsapp/01-text.json");
        let res = app
            .post("", "/webhooks/whatsapp")
            .header("X-Hub-Signature-256", &meta_signature(SECRET, &body))
            .body("application/json", body)
            .send()
            .await;
        assert_eq!(res.status, 200, "{}", res.body);
        drain(app).await;

        // A conversation assigned at creation announces it first, then the message.
        let mut e = a.event().await;
        if e["name"] == "conversation_assigned" {
            e = a.event().await;
        }
        assert_eq!(e["name"], "new_message", "{e}");
        assert_eq!(e["data"]["message"]["direction"], "IN");
        assert_eq!(e["data"]["message"]["body"], "Hi, is the 2-bedroom in Dubai Marina still available?");
        let seen = e["data"]["seq"].as_i64().expect("seq");

        // B's stream is in seq order: its next event being a later one of its own proves the
        // webhook's events never reached B.
        let own = thread(app, &app.dar, &agent_b).await;
        let (_, seq_b) = super::inbound(app, &own, "for B").await;
        let e = b.event().await;
        assert_eq!((e["name"].clone(), e["data"]["seq"].clone()), (json!("new_message"), json!(seq_b)), "{e}");
        assert!(seq_b > seen);
        a.close().await;
        b.close().await;
    }

    crate::webhook_tests!(a_signed_webhook_reaches_the_leads_agent_only);
}
