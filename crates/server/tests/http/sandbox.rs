//! The demo's offline loop: a customer's message simulated as the provider would post it (signed
//! with the channel's secret), an agent's reply sent to the sandbox provider, and the sandbox's
//! signed status webhooks moving the reply to SENT, DELIVERED and READ — on SQLite and PostgreSQL.
//! Also: the sandbox refuses bad credentials and real accounts, is absent unless enabled, and a
//! real account is never sent to it; `manzil simulate`'s errors.

use std::future::Future;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use app::demo::DemoChannels;
use app::inbox::sandbox::simulate::{self, Inbound, Posted};
use serde_json::{Value, json};

use crate::inbox_support::{StandIn, message_row};
use crate::support::TestApp;
use crate::webhooks_support::{rows, whatsapp_channel};

macro_rules! sandbox_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let app = $crate::support::TestApp::sqlite_with(super::configure).await;
                    super::$name(&app).await;
                    app.stop().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let app = $crate::support::TestApp::postgres_with(super::configure).await;
                    super::$name(&app).await;
                    app.stop().await;
                }
            )*
        }
    };
}

sandbox_tests!(
    whatsapp_reply_goes_sent_delivered_read,
    sms_and_email_close_the_loop,
    sandbox_refuses_bad_credentials_and_real_accounts,
    a_reply_marked_fail_fails_in_the_agents_language
);

/// The sandbox on, statuses 50 ms apart, workers that poll often.
pub fn configure(c: &mut manzil::config::Config) {
    c.channels.sandbox = true;
    c.channels.sandbox_step_ms = 50;
    c.jobs.poll_interval_ms = 20;
    c.jobs.max_poll_interval_ms = 100;
}

/// Waits (30 s at most) until `check` returns something.
async fn until<F, Fut>(what: &str, mut check: F) -> Value
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<Value>>,
{
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

pub async fn sandbox_channels(app: &TestApp) -> DemoChannels {
    let channels = DemoChannels::of("dar", 1);
    app::demo::sandbox_channels(&app.app.db, &app.app.channels.secrets, &app.dar.tenant.id, &channels)
        .await
        .unwrap()
        .expect("created");
    channels
}

/// What `manzil simulate` does: build the signed delivery, post it.
pub async fn simulate(app: &TestApp, tenant: &str, inbound: &Inbound) -> Posted {
    let server = format!("http://{}", app.addr);
    let public_url = app.app.channels.public_url.clone().unwrap_or_else(|| server.clone());
    let delivery = simulate::build(&app.app, tenant, inbound, &public_url).await.unwrap();
    simulate::post(&server, &delivery).await.unwrap()
}

async fn inbound_message(app: &TestApp, body: &str) -> Value {
    until("the inbound message", || async {
        rows(app, "Message", json!({"direction": "IN", "body": body})).await.into_iter().next()
    })
    .await
}

/// The admin's reply to `conversation`; returns the queued message's id.
async fn reply(app: &TestApp, conversation: &str, text: &str) -> String {
    let admin = app.token("dar", &app.dar.admin).await;
    let res = app
        .post("dar", &format!("/api/v1/conversations/{conversation}/messages"))
        .bearer(&admin)
        .json(&json!({"text": text}))
        .send()
        .await;
    assert_eq!(res.status, 202, "{}", res.body);
    res.json()["id"].as_str().unwrap().to_owned()
}

fn rank(status: &str) -> u8 {
    ["QUEUED", "SENT", "DELIVERED", "READ"].iter().position(|s| *s == status).map_or(9, |p| p as u8)
}

/// Waits until message `id` is at least `status`; returns its row.
async fn reaches(app: &TestApp, id: &str, status: &str) -> Value {
    until(status, || async {
        let m = message_row(app, id).await;
        let now = m["status"].as_str().unwrap_or_default().to_owned();
        assert_ne!(now, "FAILED", "the send failed: {m}");
        (rank(&now) >= rank(status) && rank(&now) != 9).then_some(m)
    })
    .await
}

async fn whatsapp_reply_goes_sent_delivered_read(app: &TestApp) {
    sandbox_channels(app).await;
    let text = "مرحبا، هل الشقة في دبي مارينا متاحة؟";
    let customer = Inbound::Whatsapp { from: "+971501112233".into(), text: text.into(), name: Some("مريم".into()) };
    let posted = simulate(app, "dar", &customer).await;
    assert_eq!(posted.status, 200, "{}", posted.body);
    let received = inbound_message(app, text).await;
    assert_eq!(received["channel"], "WHATSAPP");
    assert!(received["providerMessageId"].as_str().unwrap().starts_with("wamid."));
    let conversation = received["conversationId"].as_str().unwrap();

    let id = reply(app, conversation, "أهلًا مريم، نعم ما زالت متاحة.").await;
    let sent = reaches(app, &id, "SENT").await;
    assert!(sent["providerMessageId"].as_str().unwrap().starts_with("wamid.SANDBOX"), "{sent}");
    reaches(app, &id, "DELIVERED").await;
    let read = reaches(app, &id, "READ").await;
    for at in ["sentAt", "deliveredAt", "readAt"] {
        assert!(read[at].is_string(), "{at} unset: {read}");
    }
    // Each step was recorded as it happened: the job's SENT, then the webhooks' DELIVERED and READ.
    // (The event follows the status change's commit: wait for it.)
    until("three status events", || async {
        let events = rows(app, "InboxEvent", json!({"kind": "message.status", "messageId": id})).await;
        (events.len() >= 3).then_some(Value::Null)
    })
    .await;
}

async fn sms_and_email_close_the_loop(app: &TestApp) {
    sandbox_channels(app).await;
    let sms = Inbound::Sms { from: "+971502223344".into(), text: "Is the villa still available?".into() };
    let posted = simulate(app, "dar", &sms).await;
    assert_eq!(posted.status, 200, "{}", posted.body);
    let received = inbound_message(app, "Is the villa still available?").await;
    assert_eq!(received["channel"], "SMS");
    let id = reply(app, received["conversationId"].as_str().unwrap(), "Yes, it is.").await;
    let sent = reaches(app, &id, "SENT").await;
    assert!(sent["providerMessageId"].as_str().unwrap().starts_with("SM"), "{sent}");
    let delivered = reaches(app, &id, "DELIVERED").await;
    assert!(delivered["deliveredAt"].is_string(), "{delivered}");

    let mail = Inbound::Email {
        from: "buyer@example.com".into(),
        subject: "استفسار عن شقة".into(),
        text: "هل يمكن ترتيب معاينة؟".into(),
        name: Some("مريم".into()),
    };
    let posted = simulate(app, "dar", &mail).await;
    assert_eq!(posted.status, 200, "{}", posted.body);
    let received = inbound_message(app, "هل يمكن ترتيب معاينة؟").await;
    assert_eq!(received["content"]["subject"], "استفسار عن شقة", "{received}");
    let id = reply(app, received["conversationId"].as_str().unwrap(), "بالتأكيد").await;
    let sent = reaches(app, &id, "SENT").await;
    assert!(sent["providerMessageId"].as_str().unwrap().ends_with("@dar.demo"), "no SMTP, a Message-ID: {sent}");
}

/// Waits until message `id` is FAILED; returns its row.
async fn fails(app: &TestApp, id: &str) -> Value {
    until("FAILED", || async {
        let m = message_row(app, id).await;
        assert!(!["SENT", "DELIVERED", "READ"].contains(&m["status"].as_str().unwrap_or_default()), "sent: {m}");
        (m["status"] == "FAILED").then_some(m)
    })
    .await
}

/// `#fail` in a reply: the sandbox refuses it as the provider refuses an undeliverable message
/// (Graph 131026, Twilio 21211); the message fails with the words for that code in the author's
/// language (dar works in Arabic).
async fn a_reply_marked_fail_fails_in_the_agents_language(app: &TestApp) {
    sandbox_channels(app).await;
    let customer = Inbound::Whatsapp { from: "+971501112233".into(), text: "مرحبا".into(), name: None };
    assert_eq!(simulate(app, "dar", &customer).await.status, 200);
    let received = inbound_message(app, "مرحبا").await;
    let id = reply(app, received["conversationId"].as_str().unwrap(), "موعدك غدًا #fail").await;
    let failed = fails(app, &id).await;
    assert_eq!(failed["errorCode"], "whatsapp:131026", "{failed}");
    let arabic = app::inbox::senders::agent_message("whatsapp:131026", domain::Locale::Ar);
    assert_eq!(failed["errorMessage"], arabic);
    assert!(failed["providerMessageId"].is_null(), "{failed}");

    let sms = Inbound::Sms { from: "+971502223344".into(), text: "hello".into() };
    assert_eq!(simulate(app, "dar", &sms).await.status, 200);
    let received = inbound_message(app, "hello").await;
    let id = reply(app, received["conversationId"].as_str().unwrap(), "#FAIL this one").await;
    let failed = fails(app, &id).await;
    assert_eq!(failed["errorCode"], "sms:21211", "{failed}");
    assert_eq!(failed["errorMessage"], app::inbox::senders::agent_message("sms:21211", domain::Locale::Ar));

    // Without the marker the same conversation's reply goes through.
    let id = reply(app, received["conversationId"].as_str().unwrap(), "a normal reply").await;
    reaches(app, &id, "SENT").await;
}

async fn sandbox_refuses_bad_credentials_and_real_accounts(app: &TestApp) {
    let channels = sandbox_channels(app).await;
    let account = app::inbox::channels::lookup::by_phone_number_id(&app.app.db, &channels.whatsapp_phone_number_id)
        .await
        .unwrap()
        .unwrap();
    let token = account.secret(&app.app.channels.secrets, app::inbox::channels::Secret::AccessToken).unwrap();
    let path = format!("/sandbox/whatsapp/v21.0/{}/messages", channels.whatsapp_phone_number_id);
    let send = json!({"messaging_product": "whatsapp", "to": "+971501234567", "type": "text", "text": {"body": "hi"}});

    let res = app.post("", &path).json(&send).send().await;
    assert_eq!((res.status, res.json()["error"]["code"].clone()), (401, json!(190)), "no token");
    let res = app.post("", &path).bearer("not-the-token").json(&send).send().await;
    assert_eq!(res.status, 401, "a wrong token");
    let res = app.post("", &path).bearer(&token).body("application/json", "{not json").send().await;
    assert_eq!((res.status, res.json()["error"]["code"].clone()), (400, json!(100)));
    let res =
        app.post("", &path).bearer(&token).json(&json!({"messaging_product": "whatsapp", "type": "text"})).send().await;
    assert_eq!(res.status, 400, "no recipient");
    let res = app.post("", &path).bearer(&token).json(&send).send().await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["contacts"][0]["wa_id"], "971501234567");
    assert!(res.json()["messages"][0]["id"].as_str().unwrap().starts_with("wamid."));

    // A media upload (multipart, before its send): the same credentials, a media id back.
    let media = format!("/sandbox/whatsapp/v21.0/{}/media", channels.whatsapp_phone_number_id);
    let (content_type, body) = crate::imports::multipart(
        &[("messaging_product", "whatsapp"), ("type", "image/png")],
        "a.png",
        "image/png",
        b"x",
    );
    let res = app.post("", &media).bearer("not-the-token").body(&content_type, body.clone()).send().await;
    assert_eq!((res.status, res.json()["error"]["code"].clone()), (401, json!(190)), "a wrong token");
    let res = app.post("", &media).bearer(&token).body(&content_type, body).send().await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(res.json()["id"].as_str().is_some_and(|id| !id.is_empty()), "{}", res.body);

    // A real account's number is unknown to the sandbox, even with its own token.
    whatsapp_channel(app, "harbor", "555000111", "harbor-app-secret").await;
    let res = app.post("", "/sandbox/whatsapp/v21.0/555000111/messages").bearer("graph-token").json(&send).send().await;
    assert_eq!((res.status, res.json()["error"]["code"].clone()), (404, json!(100)));

    // Twilio: basic auth with the account sid and the auth token.
    let sms = app::inbox::channels::lookup::sms_by_address(&app.app.db, &channels.sms_number).await.unwrap();
    let auth_token = sms[0].secret(&app.app.channels.secrets, app::inbox::channels::Secret::AuthToken).unwrap();
    let sid = &channels.sms_account_sid;
    let twilio = format!("/sandbox/twilio/2010-04-01/Accounts/{sid}/Messages.json");
    let basic = |user: &str, password: &str| {
        use base64::Engine as _;
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
    };
    let form = format!("To=%2B971501234567&From={}&Body=hello", channels.sms_number.replace('+', "%2B"));
    let post = |auth: Option<String>, path: String, body: String| {
        let mut req = app.post("", &path);
        if let Some(auth) = auth {
            req = req.header("authorization", &auth);
        }
        req.body("application/x-www-form-urlencoded", body).send()
    };
    let res = post(None, twilio.clone(), form.clone()).await;
    assert_eq!((res.status, res.json()["code"].clone()), (401, json!(20003)), "no auth");
    let res = post(Some(basic(sid, "wrong")), twilio.clone(), form.clone()).await;
    assert_eq!(res.status, 401, "a wrong auth token");
    let other = "AC00000000000000000000000000000bad";
    let res = post(
        Some(basic(other, &auth_token)),
        format!("/sandbox/twilio/2010-04-01/Accounts/{other}/Messages.json"),
        form.clone(),
    )
    .await;
    assert_eq!((res.status, res.json()["code"].clone()), (404, json!(20404)), "another account sid");
    let no_to = format!("From={}&Body=hello", channels.sms_number.replace('+', "%2B"));
    let res = post(Some(basic(sid, &auth_token)), twilio.clone(), no_to).await;
    assert_eq!((res.status, res.json()["code"].clone()), (400, json!(21604)));
    let res = post(Some(basic(sid, &auth_token)), twilio.clone(), form).await;
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(res.json()["status"], "queued");
    assert!(res.json()["sid"].as_str().unwrap().starts_with("SM"));
}

#[tokio::test]
async fn without_the_sandbox_nothing_is_served_and_sandbox_accounts_fail() {
    let app = TestApp::sqlite_with(|c| {
        c.jobs.poll_interval_ms = 20;
        c.jobs.max_poll_interval_ms = 100;
    })
    .await;
    let channels = sandbox_channels(&app).await;
    let path = format!("/sandbox/whatsapp/v21.0/{}/messages", channels.whatsapp_phone_number_id);
    let res = app.post("", &path).bearer("x").json(&json!({})).send().await;
    assert_eq!((res.status, res.code()), (404, "route.not_found".to_owned()));

    // Inbound still works (it is a signed webhook like any other); a reply is never sent anywhere.
    let customer = Inbound::Whatsapp { from: "+971501112233".into(), text: "hello".into(), name: None };
    let posted = simulate(&app, "dar", &customer).await;
    assert_eq!(posted.status, 200, "{}", posted.body);
    let received = inbound_message(&app, "hello").await;
    let id = reply(&app, received["conversationId"].as_str().unwrap(), "hi").await;
    let failed = until("FAILED", || async {
        let m = message_row(&app, &id).await;
        (m["status"] == "FAILED").then_some(m)
    })
    .await;
    assert_eq!(failed["errorCode"], "config:sandbox");
    app.stop().await;
}

#[tokio::test]
async fn a_real_account_is_never_sent_to_the_sandbox() {
    let provider = StandIn::start().await;
    let url = provider.url.clone();
    let app = TestApp::sqlite_with(|c| {
        configure(c);
        c.channels.whatsapp.graph_base_url = format!("{url}/v21.0");
    })
    .await;
    sandbox_channels(&app).await;
    // harbor has only a real account.
    whatsapp_channel(&app, "harbor", "106540352242922", "harbor-app-secret").await;
    let customer = Inbound::Whatsapp { from: "+971503334455".into(), text: "real hello".into(), name: None };
    let posted = simulate(&app, "harbor", &customer).await;
    assert_eq!(posted.status, 200, "{}", posted.body);
    let received = inbound_message(&app, "real hello").await;
    let admin = app.token("harbor", &app.harbor.admin).await;
    let conversation = received["conversationId"].as_str().unwrap();
    let res = app
        .post("harbor", &format!("/api/v1/conversations/{conversation}/messages"))
        .bearer(&admin)
        .json(&json!({"text": "real reply"}))
        .send()
        .await;
    assert_eq!(res.status, 202, "{}", res.body);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let sent = reaches(&app, &id, "SENT").await;
    assert!(sent["providerMessageId"].as_str().unwrap().starts_with("wamid.TEST"), "sent to the real API: {sent}");
    let seen = provider.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].path, "/v21.0/106540352242922/messages");
    assert_eq!(seen[0].authorization.as_deref(), Some("Bearer graph-token"));
    app.stop().await;
}

fn manzil(data_dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_manzil"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("MANZIL__DATABASE__URL")
        .env_remove("MANZIL_CONFIG")
        .output()
        .expect("run manzil")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn the_cli_simulates_a_message_into_a_running_server() {
    let app = TestApp::sqlite_with(configure).await;
    sandbox_channels(&app).await;
    let dir = app.data_dir().to_path_buf();
    let server = format!("http://{}", app.addr);
    let out = tokio::task::spawn_blocking(move || {
        let args = [
            "simulate",
            "whatsapp",
            "--tenant",
            "dar",
            "--from",
            "+971506667788",
            "--name",
            "خالد",
            "--text",
            "أريد شقة بغرفتين",
            "--server",
            &server,
        ];
        manzil(&dir, &args)
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}\n{}", stderr(&out));
    assert!(stdout.contains("delivered; it will appear in the inbox of"), "{stdout}");
    let received = inbound_message(&app, "أريد شقة بغرفتين").await;
    assert_eq!(received["channel"], "WHATSAPP");
    app.stop().await;
}

#[test]
fn the_cli_says_clearly_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let text = ["--from", "+971501234567", "--text", "hi"];
    let out = manzil(dir.path(), &[&["simulate", "whatsapp", "--tenant", "nope"][..], &text].concat());
    assert!(!out.status.success());
    assert!(stderr(&out).contains("no agency with the slug `nope`"), "{}", stderr(&out));

    let made = manzil(dir.path(), &["tenant", "create", "--slug", "acme", "--name", "Acme"]);
    assert!(made.status.success(), "{}", stderr(&made));
    let out = manzil(dir.path(), &[&["simulate", "sms", "--tenant", "acme"][..], &text].concat());
    assert!(!out.status.success());
    assert!(stderr(&out).contains("agency `acme` has no active SMS channel"), "{}", stderr(&out));

    // With the demo's channels but no server listening.
    let seeded = manzil(dir.path(), &["seed", "--demo"]);
    assert!(seeded.status.success(), "{}", stderr(&seeded));
    let out = manzil(
        dir.path(),
        &[&["simulate", "whatsapp", "--tenant", "dar", "--server", "http://127.0.0.1:9"][..], &text].concat(),
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("cannot reach the server at http://127.0.0.1:9") && err.contains("manzil serve"), "{err}");
    let out = manzil(dir.path(), &["simulate", "sms", "--tenant", "dar", "--from", "12", "--text", "hi"]);
    assert!(stderr(&out).contains("`12` is not a phone number"), "{}", stderr(&out));
    let out = manzil(
        dir.path(),
        &["simulate", "email", "--tenant", "dar", "--from", "nobody", "--subject", "s", "--text", "t"],
    );
    assert!(stderr(&out).contains("`nobody` is not an e-mail address"), "{}", stderr(&out));
}
