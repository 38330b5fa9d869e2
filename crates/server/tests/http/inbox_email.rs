//! E-mail replies against a real SMTP server (aiosmtpd, `crates/server/tests/smtp/capture.py`):
//! the captured message has the agency's From, the customer's To, an RFC 2047 Arabic subject, a
//! UTF-8 body, our Message-ID, In-Reply-To/References of the thread and `Reply-To:
//! reply+{conversation}@…`; the customer's answer threads back into the same conversation (by
//! In-Reply-To, and by the reply address alone); a closed port is retried, a 550 fails the
//! message with words an agent understands.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use crate::inbox_support::{StandIn, message_row, run_job};
use crate::support::TestApp;
use crate::webhooks_support::{channel, drain, rows};

pub const MAILBOX: &str = "sales@agency.manzil.example";
pub const INBOUND_SECRET: &str = "inbound-secret-of-dar-0123456789";

crate::inbox_tests!(a_reply_goes_out_threaded_and_the_answer_comes_back, refusals_retry_or_fail_with_a_reason);

/// aiosmtpd on a free port, writing each message to a temporary directory; killed on drop.
pub struct Smtp {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

impl Smtp {
    pub fn start() -> Smtp {
        let dir = tempfile::tempdir().unwrap();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp/capture.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 with aiosmtpd (test.sh installs it)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line.trim().parse().unwrap_or_else(|_| panic!("aiosmtpd did not start: {line:?}"));
        Smtp { port, dir, child }
    }

    /// The raw messages received so far, in order.
    pub fn received(&self) -> Vec<Vec<u8>> {
        read_all(self.dir.path())
    }
}

fn read_all(dir: &Path) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    files.sort_by_key(|p| p.file_stem().and_then(|s| s.to_str()).and_then(|s| s.parse::<u32>().ok()));
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An e-mail channel sending through `smtp_port` (plain SMTP on a local port).
pub async fn mailbox(app: &TestApp, smtp_port: u16) -> Value {
    channel(
        app,
        "dar",
        json!({"kind": "EMAIL", "name": "Sales", "inboundAddress": MAILBOX, "address": "sales@dar.example",
               "inboundSecret": INBOUND_SECRET, "smtpHost": "127.0.0.1", "smtpPort": smtp_port}),
    )
    .await
}

/// Posts raw MIME to the mailbox's webhook.
pub async fn deliver(app: &TestApp, raw: &str) {
    let res = app
        .post("", &format!("/webhooks/email/{MAILBOX}"))
        .body("message/rfc822", raw.as_bytes().to_vec())
        .header("authorization", &format!("Bearer {INBOUND_SECRET}"))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    drain(app).await;
}

/// A customer's first mail, with an Arabic subject.
pub fn first_mail(from: &str, message_id: &str) -> String {
    format!(
        "Message-ID: <{message_id}>\r\nFrom: Ahmed <{from}>\r\nTo: {MAILBOX}\r\n\
         Subject: =?UTF-8?B?2LPYudixINin2YTYtNmC2Kk=?=\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         هل الشقة متاحة؟\r\n"
    )
}

async fn send(app: &TestApp, token: &str, conversation: &str, body: Value) -> crate::support::Res {
    app.post("dar", &format!("/api/v1/conversations/{conversation}/messages")).bearer(token).json(&body).send().await
}

/// A raw header's value (unfolded), as it went over the wire.
fn raw_header(raw: &str, name: &str) -> Option<String> {
    let head = raw.split("\r\n\r\n").next().unwrap_or_default();
    let mut value: Option<String> = None;
    for line in head.split("\r\n") {
        if let Some(v) = value.as_mut()
            && (line.starts_with(' ') || line.starts_with('\t'))
        {
            v.push_str(line);
            continue;
        }
        if value.is_some() {
            break;
        }
        if let Some((n, v)) = line.split_once(':')
            && n.eq_ignore_ascii_case(name)
        {
            value = Some(v.trim().to_owned());
        }
    }
    value
}

async fn a_reply_goes_out_threaded_and_the_answer_comes_back(app: &TestApp, _provider: &StandIn) {
    let smtp = Smtp::start();
    mailbox(app, smtp.port).await;
    deliver(app, &first_mail("ahmed@example.ae", "first-1@example.ae")).await;
    let conversation = rows(app, "Conversation", json!({})).await[0].clone();
    let conversation_id = conversation["id"].as_str().unwrap();
    let admin = app.token("dar", &app.dar.admin).await;

    let res = send(app, &admin, conversation_id, json!({"text": "أهلًا أحمد،\nنعم، الشقة متاحة."})).await;
    assert_eq!(res.status, 202, "{}", res.body);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let job = run_job(app).await;
    assert_eq!(job.status.as_str(), "done", "{job:?}");

    let received = smtp.received();
    assert_eq!(received.len(), 1);
    let raw = String::from_utf8(received[0].clone()).expect("a 7-bit/UTF-8 message");
    // The subject is RFC 2047-encoded on the wire and decodes back.
    let subject = raw_header(&raw, "Subject").unwrap();
    assert!(subject.is_ascii() && subject.to_lowercase().contains("=?utf-8?b?"), "{subject}");
    let mail = channels::email::parse(&received[0]).unwrap();
    assert_eq!(mail.subject.as_deref(), Some("Re: سعر الشقة"));
    assert_eq!(mail.from.address, "sales@dar.example");
    assert_eq!(mail.to.iter().map(|m| m.address.as_str()).collect::<Vec<_>>(), ["ahmed@example.ae"]);
    assert_eq!(mail.text.as_deref().map(str::trim_end), Some("أهلًا أحمد،\nنعم، الشقة متاحة."));
    assert!(raw_header(&raw, "Content-Type").unwrap().to_lowercase().contains("charset=utf-8"), "{raw}");
    let our_id = format!("{id}@dar.example");
    assert_eq!(mail.message_id.as_deref(), Some(our_id.as_str()));
    assert_eq!(raw_header(&raw, "Message-ID").unwrap(), format!("<{our_id}>"));
    assert_eq!(mail.in_reply_to, ["first-1@example.ae"]);
    assert_eq!(mail.references, ["first-1@example.ae"]);
    let reply_address = format!("reply+{conversation_id}@agency.manzil.example");
    assert_eq!(mail.reply_to.iter().map(|m| m.address.as_str()).collect::<Vec<_>>(), [reply_address.as_str()]);

    // Stored as sent, with the Message-ID (no brackets) as the provider id.
    let row = message_row(app, &id).await;
    assert_eq!((row["status"].clone(), row["providerMessageId"].clone()), (json!("SENT"), json!(our_id)));

    // The customer answers from their client: In-Reply-To names our message.
    let answer = format!(
        "Message-ID: <answer-2@example.ae>\r\nIn-Reply-To: <{our_id}>\r\nReferences: <first-1@example.ae> <{our_id}>\r\n\
         From: Ahmed <ahmed@example.ae>\r\nTo: {reply_address}\r\nSubject: =?UTF-8?B?UmU6INiz2LnYsSDYp9mE2LTZgtip?=\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nممتاز، متى يمكنني زيارتها؟\r\n"
    );
    deliver(app, &answer).await;
    let messages = rows(app, "Message", json!({"direction": "IN"})).await;
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[1]["conversationId"], json!(conversation_id));
    assert_eq!(messages[1]["replyToProviderId"], json!(our_id));

    // A client that drops the threading headers still lands by the reply address.
    let bare = format!(
        "Message-ID: <answer-3@example.ae>\r\nFrom: Ahmed <ahmed.other@example.ae>\r\nTo: {reply_address}\r\n\
         Subject: new subject\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nوأيضًا سؤال آخر\r\n"
    );
    deliver(app, &bare).await;
    let messages = rows(app, "Message", json!({"direction": "IN"})).await;
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[2]["conversationId"], json!(conversation_id));
    assert_eq!(rows(app, "Conversation", json!({})).await.len(), 1);

    // The next reply carries the whole thread in References, oldest first.
    let res = send(app, &admin, conversation_id, json!({"text": "يوم الأحد؟", "subject": "موعد الزيارة"})).await;
    assert_eq!(res.status, 202);
    assert_eq!(run_job(app).await.status.as_str(), "done");
    let mail = channels::email::parse(&smtp.received()[1]).unwrap();
    assert_eq!(mail.subject.as_deref(), Some("موعد الزيارة"));
    assert_eq!(mail.in_reply_to, ["answer-3@example.ae"]);
    assert_eq!(mail.references, ["first-1@example.ae", our_id.as_str(), "answer-2@example.ae", "answer-3@example.ae"]);
}

async fn refusals_retry_or_fail_with_a_reason(app: &TestApp, _provider: &StandIn) {
    let smtp = Smtp::start();
    let account = mailbox(app, smtp.port).await;
    deliver(app, &first_mail("reject-me@example.ae", "first-9@example.ae")).await;
    let conversation_id = rows(app, "Conversation", json!({})).await[0]["id"].as_str().unwrap().to_owned();
    let admin = app.token("dar", &app.dar.admin).await;

    // A permanent refusal (550 unknown user): FAILED at once, in the author's language.
    let id =
        send(app, &admin, &conversation_id, json!({"text": "مرحبا"})).await.json()["id"].as_str().unwrap().to_owned();
    let job = run_job(app).await;
    assert_eq!(job.status.as_str(), "failed", "{job:?}");
    let row = message_row(app, &id).await;
    assert_eq!((row["status"].clone(), row["errorCode"].clone()), (json!("FAILED"), json!("smtp:550")));
    assert_eq!(row["errorMessage"], "رفض خادم بريد العميل الرسالة: تحقّق من عنوان البريد الإلكتروني.");
    assert!(smtp.received().is_empty());

    // A server that does not answer (the port is closed): retried, the message stays queued.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let res = app
        .request(reqwest::Method::PATCH, "dar", &format!("/api/v1/channels/{}", account["id"].as_str().unwrap()))
        .bearer(&admin)
        .json(&json!({"smtpPort": closed}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let id = send(app, &admin, &conversation_id, json!({"text": "مرة أخرى"})).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let job = run_job(app).await;
    assert_eq!(job.status.as_str(), "queued", "retried later: {job:?}");
    assert!(job.last_error.is_some());
    assert_eq!(message_row(app, &id).await["status"], "QUEUED");
    tokio::time::sleep(Duration::from_millis(5)).await;
}
