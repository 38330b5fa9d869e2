//! Crash safety of the inbox, with the real binary: `manzil serve` is killed (SIGKILL) in the
//! middle of a burst of signed WhatsApp webhooks, and in the middle of delivering queued replies
//! to a slow stand-in of the Graph API, then started again on the same data. Every webhook that
//! was answered 200 is stored exactly once; every queued reply ends `SENT`, received exactly once
//! by the provider unless its send was in flight at the kill — then it is sent again and flagged
//! `possibleDuplicate` (the rule of `app::inbox::delivery`). The rule itself is also tested
//! deterministically, in process, by playing a dead worker's claim.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::inbox_support::{Reply, StandIn, ThreadSpec, message_row, reply, run_job, seed_thread};
use crate::support::{PASSWORD, SECRET, TestApp, pg_admin, pg_url, with_search_path};
use crate::webhooks_support::meta_signature;

const NUMBER: &str = "106540352242922";
const APP_SECRET: &str = "crash-app-secret";
/// Long enough to poll through a lease (10 s) and a restart, short enough to fail a stuck run.
const PATIENCE: Duration = Duration::from_secs(90);

crate::inbox_tests!(
    an_attempt_that_died_mid_send_is_sent_again_and_flagged,
    a_death_on_the_last_attempt_fails_the_message_visibly,
    a_refused_attempt_is_not_in_flight
);

/// One data directory and database the binary is started on, again and again, with the library
/// open on the same database to seed it and to read it as the system.
struct Data {
    dir: tempfile::TempDir,
    /// The PostgreSQL URL (a fresh schema); `None`: SQLite in `dir`.
    url: Option<String>,
    pg_schema: Option<String>,
    app: Arc<app::App>,
    tenant_id: String,
    graph_url: String,
}

impl Data {
    async fn new(postgres: bool, provider: &StandIn) -> Data {
        let dir = tempfile::tempdir().unwrap();
        let (url, pg_schema) = if postgres {
            let schema = format!("crash_{}", uuid::Uuid::new_v4().simple());
            pg_admin(format!("CREATE SCHEMA \"{schema}\"")).await;
            (Some(with_search_path(&pg_url(), &schema)), Some(schema))
        } else {
            (None, None)
        };
        let mut config = manzil::config::Config { data_dir: dir.path().to_path_buf(), ..Default::default() };
        config.database.url = url.clone().map(manzil::config::Secret::new);
        config.auth.jwt_secret = Some(manzil::config::Secret::new(SECRET.to_owned()));
        let db = manzil::serve::open_db(&config).await.unwrap();
        let app = manzil::serve::build_app(&config, db).unwrap();
        let tenant = app::tenants::create(
            &app.db,
            app::tenants::NewTenant {
                slug: "dar".into(),
                name: "Dar".into(),
                default_locale: domain::Locale::En,
                currency: "AED".into(),
                country: "AE".into(),
            },
        )
        .await
        .unwrap();
        let admin = app::users::NewUser {
            tenant_slug: "dar".into(),
            email: "admin@dar.example".into(),
            name: "Admin".into(),
            role: domain::Role::Admin,
            locale: None,
            password: Some(PASSWORD.to_owned()),
        };
        app::users::create(&app.db, &app.tenants, admin).await.unwrap();
        let graph_url = format!("{}/v21.0", provider.url);
        Data { dir, url, pg_schema, app, tenant_id: tenant.id, graph_url }
    }

    /// Starts `manzil serve` on this data; returns once it listens.
    async fn serve(&self) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_manzil"));
        cmd.arg("--data-dir").arg(self.dir.path()).args(["serve", "--port", &port.to_string()]);
        for var in ["MANZIL__DATABASE__URL", "MANZIL_CONFIG", "RUST_LOG"] {
            cmd.env_remove(var);
        }
        if let Some(url) = &self.url {
            cmd.env("MANZIL__DATABASE__URL", url);
        }
        cmd.env("MANZIL__AUTH__JWT_SECRET", SECRET)
            .env("MANZIL__SERVER__HOST", "127.0.0.1")
            .env("MANZIL__DATABASE__MAX_CONNECTIONS", "10")
            .env("MANZIL__CHANNELS__WHATSAPP__GRAPH_BASE_URL", &self.graph_url)
            .env("MANZIL__CHANNELS__SEND_TIMEOUT_MS", "5000")
            .env("MANZIL__JOBS__WORKERS", "4")
            .env("MANZIL__JOBS__POLL_INTERVAL_MS", "20")
            .env("MANZIL__JOBS__MAX_POLL_INTERVAL_MS", "200")
            .env("MANZIL__JOBS__LEASE_SECS", "10")
            .env("MANZIL__JOBS__RETRY_BASE_SECS", "1")
            .env("MANZIL__JOBS__RETRY_MAX_SECS", "2")
            .env("MANZIL__LOG__FILTER", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        let mut child = cmd.spawn().expect("start manzil serve");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let addr = tokio::time::timeout(Duration::from_secs(60), async {
            let mut before = Vec::new();
            while let Some(line) = lines.next_line().await.unwrap() {
                if let Some(addr) = line.strip_prefix("Manzil is listening on http://") {
                    return addr.trim().parse::<SocketAddr>().unwrap();
                }
                before.push(line);
            }
            panic!("manzil serve ended before listening: {before:?}");
        })
        .await
        .expect("manzil serve listens within a minute");
        // Keep reading its output (a full pipe would block the server's logging); shown on failure.
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                eprintln!("[manzil {port}] {line}");
            }
        });
        Server { child, api: Api { addr, http: reqwest::Client::builder().no_proxy().build().unwrap() } }
    }

    /// Jobs of the agency still to run (queued, or running under a live or expired lease).
    async fn pending_jobs(&self) -> usize {
        let scope = jobs::JobScope { tenant_id: self.tenant_id.clone(), actor: None };
        let mut n = 0;
        for status in [jobs::JobStatus::Queued, jobs::JobStatus::Running] {
            n += self.app.db.queue().list(&scope, Some(status), 100_000).await.unwrap().len();
        }
        n
    }

    async fn jobs(&self, status: jobs::JobStatus) -> Vec<jobs::JobRecord> {
        let scope = jobs::JobScope { tenant_id: self.tenant_id.clone(), actor: None };
        self.app.db.queue().list(&scope, Some(status), 100_000).await.unwrap()
    }

    async fn rows(&self, model: &str, filter: Value) -> Vec<Value> {
        let res =
            self.app.db.as_system("test: read rows").run(model, "findMany", &json!({"where": filter})).await.unwrap();
        res.as_array().cloned().unwrap_or_default()
    }

    async fn finish(self) {
        self.app.db.close().await;
        if let Some(schema) = &self.pg_schema {
            pg_admin(format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE")).await;
        }
    }
}

/// A running `manzil serve`.
struct Server {
    child: Child,
    api: Api,
}

impl Server {
    /// SIGKILL: no shutdown hook runs, open transactions are lost.
    async fn kill(mut self) {
        self.child.start_kill().unwrap();
        self.child.wait().await.unwrap();
    }
}

/// Requests to a server (cheap to clone into tasks).
#[derive(Clone)]
struct Api {
    addr: SocketAddr,
    http: reqwest::Client,
}

impl Api {
    fn post(&self, host: &str, path: &str) -> reqwest::RequestBuilder {
        self.http.post(format!("http://{}{path}", self.addr)).header("host", host)
    }

    async fn admin_token(&self) -> String {
        let res = self
            .post("dar.localhost", "/api/v1/auth/login")
            .json(&json!({"email": "admin@dar.example", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        res.json::<Value>().await.unwrap()["accessToken"].as_str().unwrap().to_owned()
    }

    /// The agency's WhatsApp account, made through the API.
    async fn whatsapp_account(&self, token: &str) -> String {
        let res = self
            .post("dar.localhost", "/api/v1/channels")
            .bearer_auth(token)
            .json(&json!({"kind": "WHATSAPP", "name": "WhatsApp", "phoneNumberId": NUMBER, "address": "+97142345678",
                          "appSecret": APP_SECRET, "accessToken": "graph-token"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
    }

    /// Posts a signed webhook; the status, or `None` when the server did not answer.
    async fn webhook(&self, body: Vec<u8>) -> Option<u16> {
        let signature = meta_signature(APP_SECRET, &body);
        let res = self
            .post("localhost", "/webhooks/whatsapp")
            .header("content-type", "application/json")
            .header("X-Hub-Signature-256", signature)
            .body(body)
            .send()
            .await;
        res.ok().map(|r| r.status().as_u16())
    }

    /// Queues a reply through the API; its message id, or `None` when the server did not answer.
    async fn reply(&self, token: &str, conversation: &str, text: &str) -> Option<String> {
        let res = self
            .post("dar.localhost", &format!("/api/v1/conversations/{conversation}/messages"))
            .bearer_auth(token)
            .json(&json!({"text": text}))
            .send()
            .await
            .ok()?;
        assert_eq!(res.status(), 202);
        let body = res.json::<Value>().await.ok()?;
        Some(body["id"].as_str().unwrap().to_owned())
    }
}

/// A WhatsApp text notification, as Meta sends it.
fn text_webhook(wamid: &str, from: &str, body: &str) -> Vec<u8> {
    let now = chrono::Utc::now().timestamp().to_string();
    serde_json::to_vec(&json!({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "field": "messages",
        "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "97142345678", "phone_number_id": NUMBER},
            "contacts": [{"profile": {"name": format!("Customer {from}")}, "wa_id": from}],
            "messages": [{"from": from, "id": wamid, "timestamp": now, "type": "text", "text": {"body": body}}],
        },
    }]}]}))
    .unwrap()
}

/// Polls `check` every `every` until it gives a value; panics with `what` after [`PATIENCE`].
async fn eventually<T, F: std::future::Future<Output = Option<T>>>(
    what: &str,
    every: Duration,
    mut check: impl FnMut() -> F,
) -> T {
    let start = std::time::Instant::now();
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(start.elapsed() < PATIENCE, "timed out waiting for {what}");
        tokio::time::sleep(every).await;
    }
}

#[tokio::test]
async fn inbound_burst_killed_midway_on_sqlite() {
    inbound_burst(false).await;
}

#[tokio::test]
async fn inbound_burst_killed_midway_on_postgres() {
    inbound_burst(true).await;
}

#[tokio::test]
async fn outbound_queue_killed_midway_on_sqlite() {
    outbound_queue(false).await;
}

#[tokio::test]
async fn outbound_queue_killed_midway_on_postgres() {
    outbound_queue(true).await;
}

/// 200 distinct messages from 20 customers, one in five posted a second time, 16 at a time; the
/// server is killed once 90 deliveries were acknowledged, started again and left to drain.
async fn inbound_burst(postgres: bool) {
    let provider = StandIn::start().await;
    let data = Data::new(postgres, &provider).await;
    let server = data.serve().await;
    let token = server.api.admin_token().await;
    let account = server.api.whatsapp_account(&token).await;

    let mut order = Vec::new();
    for i in 0..200usize {
        order.push(i);
        if i % 5 == 3 {
            order.push(i - 3);
        }
    }
    let total = order.len();
    let acked = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(tokio::sync::Semaphore::new(16));
    let mut tasks = Vec::new();
    for i in order {
        let (api, acked, gate) = (server.api.clone(), acked.clone(), gate.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await.unwrap();
            let body = text_webhook(&wamid(i), &format!("97150000{:02}", i % 20), &format!("m{i}"));
            let status = api.webhook(body).await;
            if status == Some(200) {
                acked.fetch_add(1, Ordering::SeqCst);
            }
            (i, status)
        }));
    }
    eventually("90 acknowledged webhooks", Duration::from_millis(1), || {
        let n = acked.load(Ordering::SeqCst);
        async move { (n >= 90).then_some(()) }
    })
    .await;
    server.kill().await;
    let pending_at_kill = data.pending_jobs().await;
    let done_at_kill = data.jobs(jobs::JobStatus::Done).await.len();
    let mut answers: BTreeMap<usize, Vec<Option<u16>>> = BTreeMap::new();
    for t in tasks {
        let (i, status) = t.await.unwrap();
        answers.entry(i).or_default().push(status);
    }
    let acked: BTreeSet<usize> = answers.iter().filter(|(_, s)| s.contains(&Some(200))).map(|(i, _)| *i).collect();
    let refused: Vec<_> = answers.values().flatten().filter(|s| s.is_some_and(|s| s != 200)).collect();
    assert!(refused.is_empty(), "the server answered only 200 or nothing: {refused:?}");
    let answered = answers.values().flatten().filter(|s| s.is_some()).count();
    assert!(answered < total, "the kill landed after the burst ({answered} of {total} answered)");

    let server = data.serve().await;
    eventually("the restarted server to drain its queue", Duration::from_millis(100), || async {
        (data.pending_jobs().await == 0).then_some(())
    })
    .await;
    let failed = data.jobs(jobs::JobStatus::Failed).await;
    assert!(failed.is_empty(), "{:?}", failed.iter().map(|j| &j.last_error).collect::<Vec<_>>());

    let stored = data.rows("Message", json!({"channelAccountId": account, "direction": "IN"})).await;
    let mut copies: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for m in &stored {
        let id = m["providerMessageId"].as_str().unwrap().to_owned();
        copies.entry(id).or_default().push(m["body"].as_str().unwrap_or_default().to_owned());
    }
    for i in &acked {
        assert_eq!(copies.get(&wamid(*i)), Some(&vec![format!("m{i}")]), "acknowledged {} stored once", wamid(*i));
    }
    let twice: Vec<_> = copies.iter().filter(|(_, c)| c.len() > 1).collect();
    assert!(twice.is_empty(), "stored twice: {twice:?}");
    let identities = data.rows("ChannelIdentity", json!({"channelAccountId": account})).await;
    let leads = data.rows("Lead", json!({"tenantId": data.tenant_id})).await;
    // Processing that died half way and ran again made no second identity either.
    let addresses: BTreeSet<_> = identities.iter().filter_map(|i| i["address"].as_str()).collect();
    assert_eq!(addresses.len(), identities.len(), "one identity per customer");
    // Two jobs of one new sender running at once may both create a lead (the duplicate-phone
    // check looks before it inserts); the identity's unique index picks one, and the losing job
    // removes the lead it made. No lead is left without its identity.
    let linked: BTreeSet<_> = identities.iter().filter_map(|i| i["leadId"].as_str()).collect();
    let orphans: Vec<_> =
        leads.iter().filter(|l| l["id"].as_str().is_some_and(|id| !linked.contains(id))).map(|l| &l["name"]).collect();
    assert!(orphans.is_empty(), "leads left without an identity by concurrent twin deliveries: {orphans:?}");
    let extra = copies.keys().filter(|k| !acked.iter().any(|i| &&wamid(*i) == k)).count();
    eprintln!(
        "{} acknowledged, {} stored ({extra} not acknowledged but stored), {done_at_kill} jobs done and {pending_at_kill} pending at the kill",
        acked.len(),
        copies.len()
    );
    server.kill().await;
    data.finish().await;
}

fn wamid(i: usize) -> String {
    format!("wamid.CRASH{i:03}")
}

/// Up to 40 replies queued through the API while a slow Graph stand-in (150 ms a send) takes them;
/// the server is killed once 8 sends reached it (cutting the queueing short or not), started again
/// and left to drain.
async fn outbound_queue(postgres: bool) {
    let provider = StandIn::start().await;
    provider.script((0..400).map(|n| Reply {
        status: 200,
        body: json!({"messaging_product": "whatsapp", "contacts": [{"input": "+971500000099", "wa_id": "971500000099"}],
                     "messages": [{"id": format!("wamid.OUT{n}")}]}),
        delay: Duration::from_millis(150),
    }));
    let data = Data::new(postgres, &provider).await;
    let server = data.serve().await;
    let token = server.api.admin_token().await;
    let account = server.api.whatsapp_account(&token).await;
    assert_eq!(server.api.webhook(text_webhook("wamid.HELLO", "971500000099", "hello")).await, Some(200));
    // The conversation is stored with its message and 24-hour window in one write, so a reply is
    // accepted as soon as the conversation can be read.
    let conversation = eventually("the customer's conversation", Duration::from_millis(50), || async {
        let rows = data.rows("Conversation", json!({"channelAccountId": account})).await;
        rows.first().and_then(|c| c["id"].as_str()).map(str::to_owned)
    })
    .await;

    // The agent keeps queueing while the workers deliver; the kill may cut the queueing short too.
    let (api, agent_token, thread) = (server.api.clone(), token.clone(), conversation.clone());
    let queueing = tokio::spawn(async move {
        let mut accepted = Vec::new();
        for i in 0..40 {
            match api.reply(&agent_token, &thread, &format!("out-{i}")).await {
                Some(id) => accepted.push(id),
                None => break,
            }
        }
        accepted
    });
    eventually("8 sends at the provider", Duration::from_millis(1), || {
        let n = sends(&provider).len();
        async move { (n >= 8).then_some(()) }
    })
    .await;
    server.kill().await;
    let accepted = queueing.await.unwrap();
    // Every reply stored, whether or not its 202 got out before the kill.
    let outbound = json!({"conversationId": conversation, "direction": "OUT"});
    let ids: Vec<String> =
        data.rows("Message", outbound.clone()).await.iter().map(|m| m["id"].as_str().unwrap().to_owned()).collect();
    assert!(accepted.iter().all(|id| ids.contains(id)), "every accepted reply is stored");

    // What was in flight at the kill: attempts that recorded `sending` and no outcome (the message
    // still `QUEUED`; a `SENT` committed just before the kill is an outcome).
    let queued: BTreeSet<String> = data
        .rows("Message", json!({"id": {"in": ids}, "status": "QUEUED"}))
        .await
        .iter()
        .filter_map(|m| m["id"].as_str().map(str::to_owned))
        .collect();
    let in_flight: BTreeSet<String> = data
        .jobs(jobs::JobStatus::Running)
        .await
        .iter()
        .filter(|j| j.kind == "inbox.deliver")
        .filter(|j| j.progress.as_ref().and_then(|p| p.get("phase")) == Some(&json!("sending")))
        .filter_map(|j| j.payload["messageId"].as_str().map(str::to_owned))
        .filter(|id| queued.contains(id))
        .collect();
    assert!(!in_flight.is_empty(), "the kill landed while sends were in flight");
    let at_kill = sends(&provider).len();
    assert!(!queued.is_empty(), "the kill landed before the queue was drained");

    let server = data.serve().await;
    let rows = eventually("every reply to leave the queue", Duration::from_millis(100), || async {
        let rows = data.rows("Message", outbound.clone()).await;
        rows.iter().all(|m| m["status"] != "QUEUED").then_some(rows)
    })
    .await;
    let received = sends(&provider);
    for m in &rows {
        let id = m["id"].as_str().unwrap();
        let text = m["body"].as_str().unwrap();
        let copies = received.iter().filter(|t| t.as_str() == text).count();
        assert_eq!(m["status"], "SENT", "{m}");
        if in_flight.contains(id) {
            assert!((1..=2).contains(&copies), "{text} was in flight: sent again once at most, got {copies}");
            assert_eq!(m["content"]["possibleDuplicate"], true, "{m}");
        } else {
            assert_eq!(copies, 1, "{text} was not in flight: exactly one send");
            assert!(m["content"].get("possibleDuplicate").is_none(), "{m}");
        }
    }
    eprintln!(
        "{} replies stored ({} accepted), {at_kill} sends before the kill, {} in flight, {} in all",
        rows.len(),
        accepted.len(),
        in_flight.len(),
        received.len()
    );
    server.kill().await;
    data.finish().await;
}

/// The texts of the sends the stand-in received, in order.
fn sends(provider: &StandIn) -> Vec<String> {
    provider
        .seen()
        .iter()
        .filter(|s| s.path.ends_with("/messages"))
        .filter_map(|s| s.json()["text"]["body"].as_str().map(str::to_owned))
        .collect()
}

/// A reply queued by the thread's agent; its message id.
async fn queued_reply(app: &TestApp) -> String {
    let agent = app.token("dar", &app.dar.agent).await;
    let spec = ThreadSpec {
        assignee: Some(&app.dar.agent.id),
        account: json!({"phoneNumberId": NUMBER, "accessToken": "EAAG-test-token"}),
        ..Default::default()
    };
    let t = seed_thread(app, &app.dar, spec).await;
    let res = app
        .post("dar", &format!("/api/v1/conversations/{}/messages", t.conversation_id))
        .bearer(&agent)
        .json(&json!({"text": "موعد المعاينة غدًا"}))
        .send()
        .await;
    assert_eq!(res.status, 202, "{}", res.body);
    res.json()["id"].as_str().unwrap().to_owned()
}

/// A worker claimed the delivery, recorded `sending` and died (its lease already expired): the
/// next attempt cannot know whether the provider has the message, sends it again and flags it.
async fn an_attempt_that_died_mid_send_is_sent_again_and_flagged(app: &TestApp, provider: &StandIn) {
    let id = queued_reply(app).await;
    let queue = app.app.db.queue();
    let dead = queue.claim(&["inbox.deliver"], "dead-worker", -60_000).await.unwrap().expect("the delivery job");
    let marked = queue.progress(&dead.id, "dead-worker", &json!({"phase": "sending", "attempt": 1}), -60_000).await;
    assert!(marked.unwrap());

    let job = run_job(app).await;
    assert_eq!((job.status.as_str(), job.attempts), ("done", 2), "{job:?}");
    assert_eq!(job.result.as_ref().unwrap()["possibleDuplicate"], true);
    let row = message_row(app, &id).await;
    assert_eq!(row["status"], "SENT");
    assert_eq!(row["content"]["possibleDuplicate"], true, "the agent can see it may have arrived twice");
    assert_eq!(provider.seen().len(), 1);
}

/// A worker died during the LAST attempt: the queue fails the job, and the delivery kind marks
/// the message `FAILED` (`delivery:interrupted`) instead of leaving it `QUEUED` for ever.
async fn a_death_on_the_last_attempt_fails_the_message_visibly(app: &TestApp, provider: &StandIn) {
    let id = queued_reply(app).await;
    let queue = app.app.db.queue();
    for attempt in 1..=8 {
        // Seven earlier attempts died too (their leases ran out); the eighth is the last.
        let dead = queue.claim(&["inbox.deliver"], "dead-worker", -60_000).await.unwrap().expect("the delivery job");
        assert_eq!(dead.attempts, attempt);
    }
    let runner = app::jobs::runner(app.app.clone(), jobs::WorkerConfig::default());
    assert!(runner.run_next().await.unwrap().is_none(), "nothing is due: the job is failed");
    let row = message_row(app, &id).await;
    assert_eq!(row["status"], "FAILED", "{row}");
    assert_eq!(row["errorCode"], "delivery:interrupted");
    assert!(row["errorMessage"].as_str().is_some_and(|m| !m.is_empty()), "{row}");
    assert!(provider.seen().is_empty(), "nothing was sent");
}

/// A refused attempt (500) ended in the process: its retry is no recovery and flags nothing.
async fn a_refused_attempt_is_not_in_flight(app: &TestApp, provider: &StandIn) {
    let id = queued_reply(app).await;
    provider.script([reply(500, json!({"error": {"message": "Service temporarily unavailable", "code": 2}}))]);
    let first = run_job(app).await;
    assert_eq!(first.status.as_str(), "queued", "{first:?}");
    assert_eq!(first.progress.as_ref().unwrap()["phase"], "retry");
    let second = run_job(app).await;
    assert_eq!(second.status.as_str(), "done", "{second:?}");
    assert_eq!(second.result.as_ref().unwrap()["possibleDuplicate"], false);
    let row = message_row(app, &id).await;
    assert_eq!(row["status"], "SENT");
    assert!(row["content"].get("possibleDuplicate").is_none(), "{row}");
    assert_eq!(provider.seen().len(), 2);
}
