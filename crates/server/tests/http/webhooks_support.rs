//! What the webhook tests share: servers configured for inbound deliveries (no background
//! workers: the test drains the queue itself), provider signatures computed the way Meta and
//! Twilio do, channel accounts made through the API, and row counts read as the system.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};

use crate::support::TestApp;

/// The public base URL SMS signatures are computed against.
pub const PUBLIC_URL: &str = "https://crm.example.com";
/// The app-level WhatsApp verify token.
pub const VERIFY_TOKEN: &str = "server-verify-token";
/// The phone number id of the WhatsApp fixtures.
pub const FIXTURE_NUMBER: &str = "106540352242922";

/// Runs `$name(&app)` on SQLite and PostgreSQL with inbound settings and no job workers.
#[macro_export]
macro_rules! webhook_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let app = $crate::support::TestApp::sqlite_with($crate::webhooks_support::configure).await;
                    super::$name(&app).await;
                    app.stop().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let app = $crate::support::TestApp::postgres_with($crate::webhooks_support::configure).await;
                    super::$name(&app).await;
                    app.stop().await;
                }
            )*
        }
    };
}

pub fn configure(c: &mut manzil::config::Config) {
    c.jobs.workers = 0;
    c.server.public_url = Some(PUBLIC_URL.to_owned());
    c.channels.whatsapp.verify_token = Some(manzil::config::Secret::new(VERIFY_TOKEN.to_owned()));
    c.channels.max_webhook_bytes = 256 * 1024;
    // Nothing leaves the machine: media downloads find no Graph API unless a test starts one.
    c.channels.whatsapp.graph_base_url = "http://127.0.0.1:9/v21.0".to_owned();
}

/// A fixture of `crates/channels/tests/fixtures`.
pub fn fixture(path: &str) -> Vec<u8> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../channels/tests/fixtures/");
    std::fs::read(format!("{dir}{path}")).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

/// `sha256=<hex HMAC-SHA256>` of `body` under `secret`, as Meta signs.
pub fn meta_signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    format!("sha256={}", digest.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// Twilio's `X-Twilio-Signature` of a form posted to `url`.
pub fn twilio_signature(url: &str, form: &[(&str, &str)], token: &str) -> String {
    let mut pairs: Vec<_> = form.to_vec();
    pairs.sort();
    let mut signed = url.to_owned();
    for (k, v) in pairs {
        signed.push_str(k);
        signed.push_str(v);
    }
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(token.as_bytes()).unwrap();
    mac.update(signed.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// A form body.
pub fn form_body(form: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in form.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&encode(k));
        out.push('=');
        out.push_str(&encode(v));
    }
    out
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Creates a channel account through the API as `host`'s admin; returns its view.
pub async fn channel(app: &TestApp, host: &str, body: Value) -> Value {
    let admin = if host == "dar" { &app.dar.admin } else { &app.harbor.admin };
    let token = app.token(host, admin).await;
    let res = app.post(host, "/api/v1/channels").bearer(&token).json(&body).send().await;
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

/// A WhatsApp account for `number` with `app_secret` (and an access token).
pub async fn whatsapp_channel(app: &TestApp, host: &str, number: &str, app_secret: &str) -> Value {
    channel(
        app,
        host,
        json!({"kind": "WHATSAPP", "name": "WhatsApp", "phoneNumberId": number, "address": "+97142345678",
               "appSecret": app_secret, "accessToken": "graph-token", "verifyToken": format!("verify-{host}")}),
    )
    .await
}

/// Routes new leads of `slug` round robin (the seeded agencies have one agent each).
pub async fn round_robin(app: &TestApp, tenant_id: &str) {
    app.app
        .db
        .as_system("test: agency routing")
        .update("Tenant", json!({"where": {"id": tenant_id}, "data": {"routingMode": "ROUND_ROBIN"}}))
        .await
        .unwrap();
}

/// Runs every due job to the end (retries that come due within a second included); returns
/// the finished rows.
pub async fn drain(app: &TestApp) -> Vec<jobs::JobRecord> {
    let config = jobs::WorkerConfig {
        workers: 1,
        backoff_base: Duration::from_millis(10),
        backoff_max: Duration::from_millis(50),
        ..jobs::WorkerConfig::default()
    };
    let runner = Arc::new(app::jobs::runner(app.app.clone(), config));
    let mut done = Vec::new();
    let mut idle = 0;
    while idle < 10 {
        match runner.run_next().await.unwrap() {
            Some(rec) => {
                idle = 0;
                done.push(rec);
            }
            None => {
                idle += 1;
                tokio::time::sleep(Duration::from_millis(30)).await;
            }
        }
    }
    done
}

/// Rows of `model` matching `filter`, read as the system.
pub async fn rows(app: &TestApp, model: &str, filter: Value) -> Vec<Value> {
    let res = app
        .app
        .db
        .as_system("test: read rows")
        .run(model, "findMany", &json!({"where": filter, "orderBy": {"createdAt": "asc"}}))
        .await
        .unwrap();
    res.as_array().cloned().unwrap_or_default()
}

/// Jobs in the queue, any status.
pub async fn job_count(app: &TestApp) -> usize {
    let mut n = 0;
    for agency in [&app.dar, &app.harbor] {
        let scope = jobs::JobScope { tenant_id: agency.tenant.id.clone(), actor: None };
        n += app.app.db.queue().list(&scope, None, 100).await.unwrap().len();
    }
    n
}
