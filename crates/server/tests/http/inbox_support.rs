//! Fixtures of the inbox tests: a channel account, a lead, their identity and conversation
//! inserted as the system (the channel-account API and webhooks are tested on their own); a
//! local stand-in for the providers' HTTP APIs that records each request and answers from a
//! script; and a job runner driven step by step.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::IntoResponse;
use serde_json::{Value, json};

use crate::support::{Agency, TestApp};

/// Runs `$name(&app, &provider)` on SQLite and PostgreSQL, with the channels' base URLs pointed
/// at a fresh provider stand-in and no background workers (the test drives the jobs).
#[macro_export]
macro_rules! inbox_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let provider = $crate::inbox_support::StandIn::start().await;
                    let app = $crate::support::TestApp::sqlite_with(|c| $crate::inbox_support::configure(c, &provider)).await;
                    super::$name(&app, &provider).await;
                    app.stop().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let provider = $crate::inbox_support::StandIn::start().await;
                    let app = $crate::support::TestApp::postgres_with(|c| $crate::inbox_support::configure(c, &provider)).await;
                    super::$name(&app, &provider).await;
                    app.stop().await;
                }
            )*
        }
    };
}

/// Points the providers at `provider`, with a short timeout and no background job workers.
pub fn configure(c: &mut manzil::config::Config, provider: &StandIn) {
    c.channels.whatsapp.graph_base_url = format!("{}/v21.0", provider.url);
    c.channels.sms.base_url = provider.url.clone();
    c.channels.send_timeout_ms = 500;
    c.jobs.workers = 0;
}

/// One request the stand-in saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub authorization: Option<String>,
    pub body: String,
}

impl Seen {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// A scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub delay: Duration,
}

#[derive(Default)]
struct Shared {
    seen: Mutex<Vec<Seen>>,
    script: Mutex<VecDeque<Reply>>,
}

/// A provider API on 127.0.0.1:0: records requests, answers the scripted replies in order, then
/// Graph's documented success (`{"messaging_product","contacts","messages":[{"id":"wamid.…"}]}`).
pub struct StandIn {
    pub url: String,
    shared: Arc<Shared>,
}

async fn answer(State(shared): State<Arc<Shared>>, uri: Uri, headers: HeaderMap, body: Bytes) -> impl IntoResponse {
    let n = {
        let mut seen = shared.seen.lock().unwrap();
        seen.push(Seen {
            path: uri.path().to_owned(),
            authorization: headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned),
            body: String::from_utf8_lossy(&body).into_owned(),
        });
        seen.len()
    };
    let reply = shared.script.lock().unwrap().pop_front();
    let reply = reply.unwrap_or_else(|| Reply {
        status: 200,
        body: json!({
            "messaging_product": "whatsapp",
            "contacts": [{"input": "+971501234567", "wa_id": "971501234567"}],
            "messages": [{"id": format!("wamid.TEST{n}")}],
        }),
        delay: Duration::ZERO,
    });
    tokio::time::sleep(reply.delay).await;
    (StatusCode::from_u16(reply.status).unwrap(), axum::Json(reply.body))
}

impl StandIn {
    pub async fn start() -> StandIn {
        let shared = Arc::new(Shared::default());
        let router = axum::Router::new().fallback(answer).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await });
        StandIn { url, shared }
    }

    /// Queues the next answers.
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.shared.script.lock().unwrap().extend(replies);
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().unwrap().clone()
    }
}

pub fn reply(status: u16, body: Value) -> Reply {
    Reply { status, body, delay: Duration::ZERO }
}

/// What a seeded conversation is made of.
pub struct Thread {
    pub account_id: String,
    pub conversation_id: String,
}

/// How to seed it.
pub struct ThreadSpec<'a> {
    pub kind: &'a str,
    /// The customer's address on the channel.
    pub address: &'a str,
    pub assignee: Option<&'a str>,
    pub language: Option<&'a str>,
    /// Whether WhatsApp's 24-hour window is still open.
    pub window_open: bool,
    pub opted_out: bool,
    /// Extra `ChannelAccount` columns (secrets in plain text under `accessToken`, `authToken`,
    /// `smtpPassword`: sealed here).
    pub account: Value,
}

impl Default for ThreadSpec<'_> {
    fn default() -> Self {
        ThreadSpec {
            kind: "WHATSAPP",
            address: "+971501234567",
            assignee: None,
            language: Some("ar"),
            window_open: true,
            opted_out: false,
            account: json!({}),
        }
    }
}

fn iso(offset_secs: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::seconds(offset_secs)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Inserts an account, a lead, an identity and a conversation in `agency` (as the system).
pub async fn seed_thread(app: &TestApp, agency: &Agency, spec: ThreadSpec<'_>) -> Thread {
    let system = app.app.db.as_system("test fixture");
    let tenant = agency.tenant.id.clone();
    let boxed = &app.app.channels.secrets;
    let mut account = json!({"tenantId": tenant, "kind": spec.kind, "name": format!("{} line", spec.kind)});
    if let Value::Object(extra) = &spec.account {
        for (k, v) in extra {
            let sealed = |col: &str| json!(boxed.seal(col, v.as_str().unwrap()));
            match k.as_str() {
                "accessToken" => account["accessTokenEnc"] = sealed("accessTokenEnc"),
                "authToken" => account["authTokenEnc"] = sealed("authTokenEnc"),
                "smtpPassword" => account["smtpPasswordEnc"] = sealed("smtpPasswordEnc"),
                _ => account[k] = v.clone(),
            }
        }
    }
    let account = system.create("ChannelAccount", json!({ "data": account })).await.unwrap();
    let lead = system
        .create(
            "Lead",
            json!({"data": {"tenantId": tenant, "name": "أحمد المنصوري", "assigneeId": spec.assignee,
                            "preferredLanguage": spec.language}}),
        )
        .await
        .unwrap();
    let address_type = match spec.kind {
        "WHATSAPP" => "WA_ID",
        "SMS" => "PHONE",
        _ => "EMAIL",
    };
    let identity = system
        .create(
            "ChannelIdentity",
            json!({"data": {"tenantId": tenant, "channelAccountId": account["id"], "kind": spec.kind,
                            "addressType": address_type, "address": spec.address, "leadId": lead["id"],
                            "optedOut": spec.opted_out}}),
        )
        .await
        .unwrap();
    let window = if spec.window_open { iso(3600) } else { iso(-3600) };
    let conversation = system
        .create(
            "Conversation",
            json!({"data": {"tenantId": tenant, "leadId": lead["id"], "channelAccountId": account["id"],
                            "identityId": identity["id"], "assigneeId": spec.assignee,
                            "windowClosesAt": if spec.kind == "WHATSAPP" { json!(window) } else { json!(null) },
                            "lastMessageAt": iso(0)}}),
        )
        .await
        .unwrap();
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    Thread { account_id: id(&account), conversation_id: id(&conversation) }
}

/// Stores an inbound message on the thread (as a webhook would), `ago_secs` in the past.
pub async fn inbound(
    app: &TestApp,
    agency: &Agency,
    thread: &Thread,
    kind: &str,
    provider_id: &str,
    body: &str,
    content: Value,
) -> String {
    let row = app
        .app
        .db
        .as_system("test fixture")
        .create(
            "Message",
            json!({"data": {"tenantId": agency.tenant.id, "conversationId": thread.conversation_id,
                            "channelAccountId": thread.account_id, "channel": kind, "direction": "IN",
                            "body": body, "content": content, "providerMessageId": provider_id, "status": "RECEIVED",
                            "authorId": null}}),
        )
        .await
        .unwrap();
    row["id"].as_str().unwrap().to_owned()
}

/// The app's job runner, with retries due at once.
pub fn runner(app: &TestApp) -> jobs::Runner<app::jobs::JobEnv> {
    let config = jobs::WorkerConfig {
        backoff_base: Duration::from_millis(1),
        backoff_max: Duration::from_millis(2),
        ..jobs::WorkerConfig::default()
    };
    app::jobs::runner(app.app.clone(), config)
}

/// Runs the next due job (waiting briefly for a retry's backoff); panics when none comes.
pub async fn run_job(app: &TestApp) -> jobs::JobRecord {
    let runner = runner(app);
    for _ in 0..200 {
        if let Some(rec) = runner.run_next().await.unwrap() {
            return rec;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("no job became due");
}

/// Whether a job is due now.
pub async fn no_job_due(app: &TestApp) -> bool {
    runner(app).run_next().await.unwrap().is_none()
}

/// A message as the system sees it.
pub async fn message_row(app: &TestApp, id: &str) -> Value {
    app.app.db.as_system("test fixture").run("Message", "findUnique", &json!({"where": {"id": id}})).await.unwrap()
}

/// Creates another user in `agency`, returning their token and id.
pub async fn another_user(app: &TestApp, agency: &Agency, who: &str, role: domain::Role) -> (String, String) {
    let slug = &agency.tenant.slug;
    let user = app::users::create(
        &app.app.db,
        &app.app.tenants,
        app::users::NewUser {
            tenant_slug: slug.clone(),
            email: format!("{who}@{slug}.example"),
            name: who.to_owned(),
            role,
            locale: None,
            password: Some(crate::support::PASSWORD.to_owned()),
        },
    )
    .await
    .unwrap();
    (app.token(slug, &user).await, user.id)
}
