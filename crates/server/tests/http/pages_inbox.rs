//! The inbox page over HTTP: who sees which conversation (a hidden one answers the not-found
//! page), where bubbles sit and how their ticks read, a failed message's reason in the reader's
//! language, the composer turning to templates outside WhatsApp's window, the fragments the
//! script swaps in, the no-script composer, and both languages. (The live stream and the
//! script's behaviour are driven in a real browser: `browser.rs`.) The composer's e-mail subject,
//! reply target and files: `composer_*` (files with a 64 KiB upload limit).

use domain::Role;
use serde_json::{Value, json};

use crate::inbox_support::{StandIn, Thread, ThreadSpec, another_user, inbound, seed_thread};
use crate::pages::{Session, enc, sign_in};
use crate::support::{Agency, Res, TestApp};

crate::inbox_tests!(
    an_agent_sees_only_their_conversations,
    bubbles_sit_by_direction_and_a_failure_never_looks_sent,
    the_composer_offers_templates_only_outside_the_window,
    the_form_composer_sends_notes_and_shows_refusals,
    the_page_speaks_arabic_and_english,
);

/// The upload limit of the composer tests.
const MAX_FILE: usize = 64 * 1024;

/// Like `inbox_tests!`, with the upload limit at [`MAX_FILE`].
macro_rules! composer_tests {
    ($($name:ident),* $(,)?) => {
        mod composer_sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let provider = crate::inbox_support::StandIn::start().await;
                    let app = crate::support::TestApp::sqlite_with(|c| {
                        crate::inbox_support::configure(c, &provider);
                        c.files.max_bytes = super::MAX_FILE;
                    })
                    .await;
                    super::$name(&app, &provider).await;
                    app.stop().await;
                }
            )*
        }
        mod composer_postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let provider = crate::inbox_support::StandIn::start().await;
                    let app = crate::support::TestApp::postgres_with(|c| {
                        crate::inbox_support::configure(c, &provider);
                        c.files.max_bytes = super::MAX_FILE;
                    })
                    .await;
                    super::$name(&app, &provider).await;
                    app.stop().await;
                }
            )*
        }
    };
}

composer_tests!(composer_replies_by_email_with_a_subject_and_a_quote, composer_sends_a_file_or_keeps_the_draft);

async fn page(app: &TestApp, host: &str, s: &Session, path: &str) -> Res {
    app.get(host, path).header("cookie", &s.cookie).send().await
}

async fn post_form(app: &TestApp, host: &str, s: &Session, path: &str, form: &str) -> Res {
    app.post(host, path)
        .header("cookie", &s.cookie)
        .body("application/x-www-form-urlencoded", form.to_owned())
        .send()
        .await
}

/// Text without Fluent's isolation marks around placeables.
fn plain(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, '\u{2068}' | '\u{2069}')).collect()
}

/// The `data-conversation-id`s of the list's items.
fn listed(body: &str) -> Vec<String> {
    body.split(r#"data-testid="conversation" data-conversation-id=""#)
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// The `<article>` of message `id` in a page.
fn article<'a>(body: &'a str, id: &str) -> &'a str {
    let start = body.find(&format!(r#"id="m-{id}""#)).unwrap_or_else(|| panic!("message {id} not shown:\n{body}"));
    let start = body[..start].rfind("<article").unwrap();
    let end = start + body[start..].find("</article>").unwrap();
    &body[start..end]
}

/// The lead of a seeded thread.
async fn lead_of(app: &TestApp, thread: &Thread) -> Value {
    let c = app
        .app
        .db
        .as_system("test fixture")
        .run("Conversation", "findUnique", &json!({"where": {"id": thread.conversation_id}}))
        .await
        .unwrap();
    c["leadId"].clone()
}

/// An outgoing message (or note) on the thread, as the delivery left it.
async fn outgoing(app: &TestApp, agency: &Agency, thread: &Thread, body: &str, extra: Value) -> String {
    let mut data = json!({"tenantId": agency.tenant.id, "conversationId": thread.conversation_id,
        "channelAccountId": thread.account_id, "channel": "WHATSAPP", "direction": "OUT", "body": body,
        "status": "SENT", "authorId": agency.agent.id});
    if let (Value::Object(d), Value::Object(e)) = (&mut data, extra) {
        d.extend(e);
    }
    let row = app.app.db.as_system("test fixture").create("Message", json!({ "data": data })).await.unwrap();
    row["id"].as_str().unwrap().to_owned()
}

async fn an_agent_sees_only_their_conversations(app: &TestApp, _provider: &StandIn) {
    let (_, other_id) = another_user(app, &app.dar, "agent2", Role::Agent).await;
    let mine = seed_thread(app, &app.dar, ThreadSpec { assignee: Some(&app.dar.agent.id), ..Default::default() }).await;
    let theirs = seed_thread(
        app,
        &app.dar,
        ThreadSpec { kind: "SMS", address: "+971509999999", assignee: Some(&other_id), ..Default::default() },
    )
    .await;
    let unassigned =
        seed_thread(app, &app.dar, ThreadSpec { kind: "EMAIL", address: "buyer@example.com", ..Default::default() })
            .await;
    let hidden = inbound(app, &app.dar, &theirs, "SMS", "SM1", "رسالة خاصة", json!(null)).await;
    app.app
        .db
        .as_system("test fixture")
        .run(
            "Conversation",
            "update",
            &json!({"where": {"id": mine.conversation_id}, "data": {"lastMessagePreview": "Is it available?"}}),
        )
        .await
        .unwrap();

    let agent = sign_in(app, "dar", &app.dar.agent.email).await;
    let res = page(app, "dar", &agent, "/inbox").await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(listed(&res.body), vec![mine.conversation_id.clone()]);
    assert!(res.body.contains(r#"dir="auto" data-testid="conversation-preview">Is it available?</span>"#));
    assert!(res.body.contains(r#"data-testid="thread-empty""#));
    assert!(res.body.contains(r#"data-testid="live-banner""#));
    assert!(res.body.contains("/assets/vendor/socket.io.min.js?v="), "the socket.io client is loaded");
    assert!(res.body.contains("/assets/inbox.js?v="));
    // No team filter for an agent.
    assert!(res.body.contains(r#"data-testid="filter-mine""#) && !res.body.contains(r#"data-testid="filter-team""#));

    // Another agent's conversation reads exactly like one that does not exist, page and fragments.
    let missing = page(app, "dar", &agent, "/inbox/0190f5b6-0000-7000-8000-000000000000").await;
    assert_eq!(missing.status, 404);
    let hidden_page = page(app, "dar", &agent, &format!("/inbox/{}", theirs.conversation_id)).await;
    assert_eq!((hidden_page.status, hidden_page.body.as_str()), (404, missing.body.as_str()));
    assert!(!hidden_page.body.contains("رسالة خاصة"));
    for path in [
        format!("/inbox/{}/messages/{hidden}", theirs.conversation_id),
        format!("/inbox/{}/composer", theirs.conversation_id),
        format!("/inbox/{}/older?cursor=x", theirs.conversation_id),
        // A message of a hidden conversation asked for through a readable one.
        format!("/inbox/{}/messages/{hidden}", mine.conversation_id),
    ] {
        let res = page(app, "dar", &agent, &path).await;
        assert_eq!((res.status, res.body.as_str()), (404, missing.body.as_str()), "{path}");
    }
    let res = post_form(
        app,
        "dar",
        &agent,
        &format!("/inbox/{}/send", theirs.conversation_id),
        &format!("csrf={}&text=hi", agent.csrf),
    )
    .await;
    assert_eq!(res.status, 404);
    let fragment = page(app, "dar", &agent, "/inbox/list?filter=all").await;
    assert_eq!(listed(&fragment.body), vec![mine.conversation_id.clone()]);
    // Harbor's session means nothing on dar's host, and dar's conversations nothing on harbor's.
    let harbor = sign_in(app, "harbor", &app.harbor.admin.email).await;
    assert_eq!(page(app, "harbor", &harbor, &format!("/inbox/{}", mine.conversation_id)).await.status, 404);

    // The admin sees all three; the filters narrow the list.
    let admin = sign_in(app, "dar", &app.dar.admin.email).await;
    let mut all = listed(&page(app, "dar", &admin, "/inbox").await.body);
    all.sort();
    let mut expected =
        vec![mine.conversation_id.clone(), theirs.conversation_id.clone(), unassigned.conversation_id.clone()];
    expected.sort();
    assert_eq!(all, expected);
    let only = listed(&page(app, "dar", &admin, "/inbox?filter=unassigned").await.body);
    assert_eq!(only, vec![unassigned.conversation_id.clone()]);
    assert!(listed(&page(app, "dar", &admin, "/inbox?filter=mine").await.body).is_empty());
    // Each item has its channel's icon with a name for screen readers.
    let body = page(app, "dar", &admin, "/inbox").await.body;
    for (code, name) in [("WHATSAPP", "واتساب"), ("SMS", "رسائل نصية"), ("EMAIL", "البريد الإلكتروني")]
    {
        assert!(body.contains(&format!(r#"aria-label="{name}" data-channel="{code}""#)), "{code}");
    }
    // The unread customer message shows as a badge; the preview keeps its own direction.
    let item = &body[body.find(&format!(r#"data-conversation-id="{}""#, theirs.conversation_id)).unwrap()..];
    let item = &item[..item.find("</a>").unwrap()];
    assert!(item.contains(r#"data-unread="1""#) && item.contains(r#"data-testid="unread""#), "{item}");

    // A manager with a team is offered the team filter: the team's conversations.
    let manager = crate::pages::user(app, "dar", "lead", Role::Manager).await;
    let team = app
        .app
        .db
        .as_system("test: a team")
        .create("Team", json!({"data": {"tenantId": app.dar.tenant.id, "name": "Marina", "managerId": manager.id}}))
        .await
        .unwrap();
    app.update_user(&manager, json!({"teamId": team["id"]})).await;
    app.update_user(&app.dar.agent, json!({"teamId": team["id"]})).await;
    let m = sign_in(app, "dar", &manager.email).await;
    let body = page(app, "dar", &m, "/inbox?filter=team").await.body;
    assert!(body.contains(r#"data-testid="filter-team""#));
    assert_eq!(listed(&body), vec![mine.conversation_id.clone()]);

    // WhatsApp names a customer by their number's digits (as its webhooks carry them); the page
    // writes it as a phone number, with its `+`, isolated left to right. One already written
    // with `+` keeps a single one.
    let digits = seed_thread(app, &app.dar, ThreadSpec { address: "971502223344", ..Default::default() }).await;
    for (thread, shown) in [(&digits, "+971502223344"), (&mine, "+971501234567")] {
        let body = page(app, "dar", &admin, &format!("/inbox/{}", thread.conversation_id)).await.body;
        assert!(body.contains(&format!(r#"<bdi dir="ltr" class="muted">{shown}</bdi>"#)), "{shown}");
    }
}

async fn bubbles_sit_by_direction_and_a_failure_never_looks_sent(app: &TestApp, _provider: &StandIn) {
    let thread =
        seed_thread(app, &app.dar, ThreadSpec { assignee: Some(&app.dar.agent.id), ..Default::default() }).await;
    let received =
        inbound(app, &app.dar, &thread, "WHATSAPP", "wamid.IN1", "مرحبا، هل الشقة متاحة؟", json!(null)).await;
    let sent = outgoing(app, &app.dar, &thread, "نعم، متاحة", json!({"providerMessageId": "wamid.OUT1"})).await;
    let read = outgoing(app, &app.dar, &thread, "Viewing at 5?", json!({"status": "READ"})).await;
    let queued = outgoing(app, &app.dar, &thread, "on its way", json!({"status": "QUEUED"})).await;
    let failed = outgoing(
        app,
        &app.dar,
        &thread,
        "the price list",
        json!({"status": "FAILED", "errorCode": "whatsapp:131026",
               "errorMessage": "The message could not be delivered: the number may not use WhatsApp."}),
    )
    .await;
    let note = outgoing(app, &app.dar, &thread, "call after 5", json!({"status": "NOTE", "private": true})).await;
    let image =
        inbound(app, &app.dar, &thread, "WHATSAPP", "wamid.IN2", "", json!({"media": {"mimeType": "image/jpeg"}}))
            .await;
    app.app
        .db
        .as_system("test fixture")
        .run(
            "Message",
            "update",
            &json!({"where": {"id": image}, "data": {"type": "IMAGE", "replyToProviderId": "wamid.OUT1"}}),
        )
        .await
        .unwrap();

    let agent = sign_in(app, "dar", &app.dar.agent.email).await;
    let res = page(app, "dar", &agent, &format!("/inbox/{}", thread.conversation_id)).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let body = &res.body;
    assert!(body.contains(r#"data-inbox data-seq=""#));
    assert!(body.contains(&format!(r#"data-conversation-id="{}""#, thread.conversation_id)));

    let b = article(body, &received);
    assert!(b.contains(r#"class="bubble in""#) && b.contains(r#"data-direction="IN""#), "{b}");
    assert!(b.contains(r#"<p class="body" dir="auto">مرحبا، هل الشقة متاحة؟</p>"#), "{b}");
    assert!(!b.contains(r#"data-testid="ticks""#), "a received message has no ticks");

    let b = article(body, &sent);
    assert!(b.contains(r#"class="bubble out""#) && b.contains(r#"data-direction="OUT" data-status="SENT""#), "{b}");
    assert!(b.contains(r#"data-testid="ticks" data-status="sent""#) && b.contains("✓"));
    assert!(b.contains(r#"aria-label="أُرسلت""#), "the ticks are named: {b}");
    let b = article(body, &read);
    assert!(b.contains(r#"class="ticks read""#) && b.contains("✓✓"), "{b}");
    let b = article(body, &queued);
    assert!(b.contains(r#"data-status="queued""#) && !b.contains('✓'), "a queued message shows a clock: {b}");

    let b = article(body, &failed);
    assert!(b.contains(r#"class="bubble out failed""#) && b.contains(r#"data-status="FAILED""#), "{b}");
    assert!(!b.contains('✓'), "a failed message never looks sent: {b}");
    assert!(b.contains(r#"data-testid="ticks" data-status="failed""#) && b.contains("لم تُرسل"));
    // The reason in the reader's language (the agent reads Arabic), whatever it was stored in.
    assert!(b.contains("تعذّر توصيل الرسالة: قد لا يستخدم هذا الرقم واتساب."), "{b}");
    assert!(b.contains(r#"data-testid="message-error""#));

    let b = article(body, &note);
    assert!(b.contains(r#"class="bubble note""#) && b.contains("ملاحظة خاصة") && !b.contains(r#"data-testid="ticks""#));

    // The customer's photo (not downloaded yet) quotes the message it replies to.
    let b = article(body, &image);
    assert!(b.contains("ما زال الملف قيد التنزيل"), "{b}");
    assert!(b.contains(r#"<blockquote class="quote" dir="auto">نعم، متاحة</blockquote>"#), "{b}");
    // Its file arrives: a thumbnail through the files route.
    let file = app
        .app
        .db
        .as_system("test fixture")
        .create(
            "File",
            json!({"data": {"tenantId": app.dar.tenant.id, "ownerType": "lead", "ownerId": lead_of(app, &thread).await,
                "name": "flat.jpg", "contentType": "image/jpeg", "size": 3, "storageKey": "x/flat.jpg"}}),
        )
        .await
        .unwrap();
    app.app
        .db
        .as_system("test fixture")
        .run("Message", "update", &json!({"where": {"id": image}, "data": {"mediaFileId": file["id"]}}))
        .await
        .unwrap();
    let fragment = page(app, "dar", &agent, &format!("/inbox/{}/messages/{image}", thread.conversation_id)).await;
    assert_eq!(fragment.status, 200);
    assert!(fragment.body.trim_start().starts_with("<article"), "a bare fragment: {}", fragment.body);
    assert!(fragment.body.contains(&format!(r#"<img src="/api/v1/files/{}""#, file["id"].as_str().unwrap())));
    assert!(fragment.body.contains("نعم، متاحة"), "the fragment quotes too");

    // The fragment of one bubble is the page's bubble.
    let fragment = page(app, "dar", &agent, &format!("/inbox/{}/messages/{failed}", thread.conversation_id)).await;
    assert_eq!(fragment.body.trim(), format!("{}</article>", article(body, &failed)).trim());

    // Older messages come a page at a time (30), oldest first, with a control for the next page.
    for i in 0..30 {
        inbound(app, &app.dar, &thread, "WHATSAPP", &format!("wamid.B{i}"), &format!("batch {i}"), json!(null)).await;
    }
    let body = page(app, "dar", &agent, &format!("/inbox/{}", thread.conversation_id)).await.body;
    assert!(!body.contains(&format!(r#"id="m-{received}""#)), "the first message is on an older page");
    let older = body.split(r#"hx-get=""#).nth(1).and_then(|s| s.split('"').next()).unwrap().replace("&amp;", "&");
    assert!(older.starts_with(&format!("/inbox/{}/older?cursor=", thread.conversation_id)), "{older}");
    let res = page(app, "dar", &agent, &older).await;
    assert_eq!(res.status, 200);
    assert!(res.body.contains(&format!(r#"id="m-{received}""#)) && res.body.contains(&format!(r#"id="m-{note}""#)));
    assert!(!res.body.contains(r#"data-testid="load-older""#), "nothing older than the first");
}

async fn the_composer_offers_templates_only_outside_the_window(app: &TestApp, _provider: &StandIn) {
    let templates = json!({"templates": [{"name": "viewing_reminder", "languages": ["ar", "en_US"]}]});
    let closed = seed_thread(
        app,
        &app.dar,
        ThreadSpec {
            assignee: Some(&app.dar.agent.id),
            window_open: false,
            account: templates.clone(),
            ..Default::default()
        },
    )
    .await;
    let open = seed_thread(
        app,
        &app.dar,
        ThreadSpec {
            assignee: Some(&app.dar.agent.id),
            address: "+971508888888",
            account: templates,
            ..Default::default()
        },
    )
    .await;
    let sms = seed_thread(
        app,
        &app.dar,
        ThreadSpec { kind: "SMS", address: "+971507777777", assignee: Some(&app.dar.agent.id), ..Default::default() },
    )
    .await;
    let agent = sign_in(app, "dar", &app.dar.agent.email).await;

    let body = page(app, "dar", &agent, &format!("/inbox/{}", closed.conversation_id)).await.body;
    assert!(body.contains(r#"data-testid="template-picker""#), "{body}");
    assert!(!body.contains(r#"data-testid="composer-text""#), "no free text outside the window");
    assert!(body.contains(r#"<option value="viewing_reminder|ar" dir="auto">viewing_reminder · العربية</option>"#));
    assert!(body.contains(r#"value="viewing_reminder|en_US""#));
    assert!(body.contains(r#"data-testid="window-left" data-closed="true""#));
    assert!(body.contains("انتهت نافذة الـ24 ساعة"));
    assert!(body.contains(r#"data-mode="templates""#));

    let body = page(app, "dar", &agent, &format!("/inbox/{}", open.conversation_id)).await.body;
    assert!(body.contains(r#"data-testid="composer-text""#) && !body.contains(r#"data-testid="template-picker""#));
    assert!(body.contains(r#"<textarea id="composer-text" name="text" dir="auto""#));
    assert!(body.contains(r#"<label for="composer-text">"#), "the textarea is labelled");
    // The seeded window closes in an hour: the countdown says so, and gives the script its timer.
    assert!(body.contains(r#"data-testid="window-left" data-closed="false""#), "{body}");
    assert!(body.contains("الرد الحر متاح لساعة أخرى") || body.contains("دقيقة"), "{body}");
    let ms: i64 = body.split(r#"data-window-ms=""#).nth(1).and_then(|s| s.split('"').next()).unwrap().parse().unwrap();
    assert!((3_500_000..=3_600_000).contains(&ms), "{ms}");
    assert!(body.contains(r#"data-testid="composer-send""#) && body.contains(r#"data-testid="note-toggle""#));

    // Other channels have no window.
    let body = page(app, "dar", &agent, &format!("/inbox/{}", sms.conversation_id)).await.body;
    assert!(body.contains(r#"data-testid="composer-text""#) && !body.contains(r#"data-testid="window-left""#));

    // The window closes while the page is open: the composer fragment turns to templates.
    app.app
        .db
        .as_system("test fixture")
        .run(
            "Conversation",
            "update",
            &json!({"where": {"id": open.conversation_id}, "data": {"windowClosesAt": "2020-01-01T00:00:00.000Z"}}),
        )
        .await
        .unwrap();
    let res = page(app, "dar", &agent, &format!("/inbox/{}/composer", open.conversation_id)).await;
    assert_eq!(res.status, 200);
    assert!(res.body.trim_start().starts_with(r#"<section id="composer""#), "{}", res.body);
    assert!(
        res.body.contains(r#"data-testid="template-picker""#) && !res.body.contains(r#"data-testid="composer-text""#)
    );
}

async fn the_form_composer_sends_notes_and_shows_refusals(app: &TestApp, _provider: &StandIn) {
    let closed = seed_thread(
        app,
        &app.dar,
        ThreadSpec {
            assignee: Some(&app.dar.agent.id),
            window_open: false,
            account: json!({"templates": [{"name": "follow_up", "languages": ["ar"]}]}),
            ..Default::default()
        },
    )
    .await;
    let agent = sign_in(app, "dar", &app.dar.agent.email).await;
    let send = format!("/inbox/{}/send", closed.conversation_id);

    // Without the CSRF field: refused.
    assert_eq!(post_form(app, "dar", &agent, &send, "csrf=wrong&text=hi").await.status, 403);
    // Free text outside the window: refused, the thread again with the reason, nothing stored.
    let res = post_form(app, "dar", &agent, &send, &format!("csrf={}&text={}", agent.csrf, enc("hello"))).await;
    assert_eq!(res.status, 422);
    let body = res.body;
    assert!(
        body.contains(r#"data-testid="composer-error">مرّت أكثر من 24 ساعة منذ آخر رسالة من العميل"#),
        "the refusal is shown, in the reader's language: {body}"
    );
    assert!(!body.contains(r#"data-testid="message""#), "no bubble for a refused send");
    // A link carrying a refusal's code shows it the same way.
    let back = format!("/inbox/{}?error=whatsapp.window_closed", closed.conversation_id);
    assert!(page(app, "dar", &agent, &back).await.body.contains("مرّت أكثر من 24 ساعة"));

    // A template goes out (queued, a clock, never a tick yet).
    let res =
        post_form(app, "dar", &agent, &send, &format!("csrf={}&template={}", agent.csrf, enc("follow_up|ar"))).await;
    assert_eq!((res.status, res.headers["location"].to_str().unwrap()), (303, send.trim_end_matches("/send")));
    let body = page(app, "dar", &agent, &format!("/inbox/{}", closed.conversation_id)).await.body;
    assert!(body.contains(r#"data-direction="OUT" data-status="QUEUED""#), "{body}");
    assert!(plain(&body).contains("قالب: follow_up (ar)"));

    // A private note: a note bubble, never ticks.
    let res =
        post_form(app, "dar", &agent, &send, &format!("csrf={}&note=1&text={}", agent.csrf, enc("يفضل الاتصال مساءً")))
            .await;
    assert_eq!(res.status, 303);
    let body = page(app, "dar", &agent, &format!("/inbox/{}", closed.conversation_id)).await.body;
    let note = body.split(r#"class="bubble note""#).nth(1).expect("a note bubble");
    let note = &note[..note.find("</article>").unwrap()];
    assert!(note.contains("يفضل الاتصال مساءً") && note.contains(r#"data-status="NOTE""#) && !note.contains("ticks"));
}

async fn the_page_speaks_arabic_and_english(app: &TestApp, _provider: &StandIn) {
    let dar = seed_thread(app, &app.dar, ThreadSpec { assignee: Some(&app.dar.agent.id), ..Default::default() }).await;
    inbound(app, &app.dar, &dar, "WHATSAPP", "wamid.AR", "السلام عليكم", json!(null)).await;
    let harbor =
        seed_thread(app, &app.harbor, ThreadSpec { assignee: Some(&app.harbor.agent.id), ..Default::default() }).await;
    inbound(app, &app.harbor, &harbor, "WHATSAPP", "wamid.EN", "Is the flat still available?", json!(null)).await;

    let s = sign_in(app, "dar", &app.dar.agent.email).await;
    let body = page(app, "dar", &s, &format!("/inbox/{}", dar.conversation_id)).await.body;
    assert!(body.contains(r#"<html lang="ar" dir="rtl">"#));
    assert!(body.contains("<title>أحمد المنصوري · صندوق الرسائل"), "{body}");
    assert!(body.contains(r#"aria-current="page">صندوق الرسائل</a>"#), "the navigation marks the inbox");
    assert!(body.contains(r#"dir="auto">السلام عليكم</p>"#));
    assert!(body.contains(r#"data-lost="انقطع الاتصال. جارٍ إعادة الاتصال…""#));
    assert!(body.contains("رسالة واحدة غير مقروءة"), "Arabic plural of the unread badge");

    let s = sign_in(app, "harbor", &app.harbor.agent.email).await;
    let body = page(app, "harbor", &s, &format!("/inbox/{}", harbor.conversation_id)).await.body;
    assert!(body.contains(r#"<html lang="en" dir="ltr">"#));
    assert!(body.contains(r#"aria-current="page">Inbox</a>"#));
    assert!(body.contains(r#"dir="auto">Is the flat still available?</p>"#));
    assert!(body.contains("Free replies for"), "{body}");
    assert!(plain(&body).contains("1 unread message"));
    assert!(body.contains(r#"<label for="composer-text">Message</label>"#));
}

/// Posts the composer's multipart form (`fields`, then the `file` part: an empty name and no
/// bytes is the browser's empty file input).
async fn post_multipart(
    app: &TestApp,
    s: &Session,
    path: &str,
    fields: &[(&str, &str)],
    file: (&str, &str, &[u8]),
    htmx: bool,
) -> Res {
    let (content_type, body) = crate::imports::multipart(fields, file.0, file.1, file.2);
    let mut req = app.post("dar", path).header("cookie", &s.cookie);
    if htmx {
        req = req.header("hx-request", "true");
    }
    req.body(&content_type, body).send().await
}

/// The value of the element with `data-testid="{testid}"`'s attribute `attr`.
fn attr(body: &str, testid: &str, attr: &str) -> Option<String> {
    let at = body.find(&format!(r#"data-testid="{testid}""#))?;
    let tag_start = body[..at].rfind('<')?;
    let tag = &body[tag_start..tag_start + body[tag_start..].find('>')?];
    let v = tag.split(&format!(r#" {attr}=""#)).nth(1)?;
    Some(v.split('"').next()?.to_owned())
}

async fn composer_replies_by_email_with_a_subject_and_a_quote(app: &TestApp, _provider: &StandIn) {
    use crate::inbox_email::{Smtp, deliver, first_mail, mailbox};
    use crate::inbox_support::run_job;
    use crate::webhooks_support::rows;

    let smtp = Smtp::start();
    mailbox(app, smtp.port).await;
    deliver(app, &first_mail("ahmed@example.ae", "first-1@example.ae")).await;
    let conversation = rows(app, "Conversation", json!({})).await[0]["id"].as_str().unwrap().to_owned();
    let customer = rows(app, "Message", json!({"direction": "IN"})).await[0]["id"].as_str().unwrap().to_owned();
    let admin = sign_in(app, "dar", &app.dar.admin.email).await;
    let thread = format!("/inbox/{conversation}");

    // The subject field is labelled, keeps its own direction and starts as `Re:` the customer's.
    let body = page(app, "dar", &admin, &thread).await.body;
    assert!(body.contains(r#"<label for="composer-subject">الموضوع</label>"#), "{body}");
    assert!(
        body.contains(r#"<input id="composer-subject" name="subject" type="text" dir="auto" maxlength="250" value="Re: سعر الشقة""#),
        "{body}"
    );
    assert!(body.contains(r#"enctype="multipart/form-data""#), "e-mail takes files");
    assert!(body.contains(r#"data-testid="composer-reply" hidden"#), "no reply target yet");
    // The customer's message has a reply control: a link to the thread with the target.
    let b = article(&body, &customer);
    let href = attr(b, "reply-button", "href").expect("a reply control");
    assert_eq!(href, format!("/inbox/{conversation}?reply_to={customer}#composer"));
    assert!(b.contains(r#"aria-label="الرد على هذه الرسالة""#) && b.contains(r#"data-quote="هل الشقة متاحة؟""#), "{b}");

    // Without script the link opens the composer with the quote and the hidden target.
    let body = page(app, "dar", &admin, href.split('#').next().unwrap()).await.body;
    assert!(!body.contains(r#"data-testid="composer-reply" hidden"#), "{body}");
    assert!(
        body.contains(
            r#"<blockquote class="quote" dir="auto" data-testid="composer-quote">هل الشقة متاحة؟</blockquote>"#
        )
    );
    assert_eq!(attr(&body, "composer-reply-to", "value").as_deref(), Some(customer.as_str()));
    assert_eq!(attr(&body, "composer-reply-cancel", "href"), Some(format!("/inbox/{conversation}#composer")));
    // A target that is not a message of this thread is ignored.
    let body = page(app, "dar", &admin, &format!("{thread}?reply_to=nope")).await.body;
    assert!(body.contains(r#"data-testid="composer-reply" hidden"#));

    // The form (multipart, its file input left empty) sends the subject and the reply target.
    let fields = [
        ("csrf", admin.csrf.as_str()),
        ("reply_to", customer.as_str()),
        ("subject", "موعد المعاينة"),
        ("text", "نعم، متاحة. متى تناسبك المعاينة؟"),
    ];
    let res =
        post_multipart(app, &admin, &format!("{thread}/send"), &fields, ("", "application/octet-stream", b""), false)
            .await;
    assert_eq!((res.status, res.headers["location"].to_str().unwrap()), (303, thread.as_str()), "{}", res.body);
    let out = rows(app, "Message", json!({"direction": "OUT"})).await;
    assert_eq!(out.len(), 1);
    assert_eq!(out[0]["content"]["subject"], "موعد المعاينة");
    assert_eq!(out[0]["replyToProviderId"], "first-1@example.ae");
    assert_eq!(out[0]["mediaFileId"], Value::Null);
    assert_eq!(run_job(app).await.status.as_str(), "done");
    let mail = channels::email::parse(&smtp.received()[0]).unwrap();
    assert_eq!(mail.subject.as_deref(), Some("موعد المعاينة"));
    assert_eq!(mail.in_reply_to, ["first-1@example.ae"]);

    // The sent reply shows the message it answers, quoted.
    let body = page(app, "dar", &admin, &thread).await.body;
    let b = article(&body, out[0]["id"].as_str().unwrap());
    assert!(b.contains(r#"<blockquote class="quote" dir="auto">هل الشقة متاحة؟</blockquote>"#), "{b}");
    assert!(b.contains(r#"<p class="subject" dir="auto"><strong>موعد المعاينة</strong></p>"#), "{b}");
}

async fn composer_sends_a_file_or_keeps_the_draft(app: &TestApp, provider: &StandIn) {
    use crate::inbox_support::{no_job_due, reply, run_job};
    use crate::webhooks_support::rows;
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    const PDF: &[u8] = b"%PDF-1.4\n%%EOF\n";

    let spec = ThreadSpec {
        assignee: Some(&app.dar.agent.id),
        account: json!({"phoneNumberId": "106540352242922", "accessToken": "EAAG-test-token"}),
        ..Default::default()
    };
    let t = seed_thread(app, &app.dar, spec).await;
    let customer = inbound(app, &app.dar, &t, "WHATSAPP", "wamid.IN1", "أرسل صور الشقة", json!(null)).await;
    let agent = sign_in(app, "dar", &app.dar.agent.email).await;
    let thread = format!("/inbox/{}", t.conversation_id);
    let send = format!("{thread}/send");
    let nothing_sent = || async {
        assert!(rows(app, "File", json!({})).await.is_empty(), "no file stored");
        assert!(rows(app, "Message", json!({"direction": "OUT"})).await.is_empty(), "no message");
        assert!(no_job_due(app).await);
        assert!(provider.seen().is_empty());
    };

    // The file input is labelled, says what it takes, and the form posts multipart.
    let body = page(app, "dar", &agent, &thread).await.body;
    assert!(body.contains(r#"<label for="composer-file">إرفاق ملف</label>"#), "{body}");
    let accept = attr(&body, "composer-file", "accept").unwrap();
    assert!(accept.contains("image/jpeg") && accept.contains("application/pdf") && accept.contains("audio/ogg"));
    assert_eq!(attr(&body, "composer-file", "data-max-bytes"), Some(MAX_FILE.to_string()));
    assert!(plain(&body).contains("صور JPEG أو PNG حتى 64 KB. ملفات PDF أو صوت حتى 64 KB."), "{body}");
    assert!(!body.contains(r#"data-testid="composer-subject""#), "WhatsApp has no subject");

    // A wrong CSRF token: refused before anything is stored.
    let fields = [("csrf", "wrong"), ("text", "الصالة")];
    let res = post_multipart(app, &agent, &send, &fields, ("salon.png", "image/png", PNG), false).await;
    assert_eq!(res.status, 403);
    let res = post_multipart(app, &agent, &send, &[("text", "الصالة")], ("salon.png", "image/png", PNG), false).await;
    assert_eq!(res.status, 403, "no token at all");
    nothing_sent().await;

    // Too large: the page again, the reason, the text kept; nothing stored or sent.
    let mut big = PNG.to_vec();
    big.resize(MAX_FILE + 1, 0);
    let fields = [("csrf", agent.csrf.as_str()), ("text", "صورة الصالة"), ("reply_to", customer.as_str())];
    let res = post_multipart(app, &agent, &send, &fields, ("big.png", "image/png", &big), false).await;
    assert_eq!(res.status, 422, "{}", res.body);
    let error = res.body.split(r#"data-testid="composer-error">"#).nth(1).unwrap();
    let error = plain(&error[..error.find("</p>").unwrap()]);
    assert!(error.starts_with("الملف كبير جدًا") && error.contains("اختر الملف مرة أخرى"), "{error}");
    assert!(res.body.contains(">صورة الصالة</textarea>"), "the text stays in the composer");
    assert_eq!(attr(&res.body, "composer-reply-to", "value").as_deref(), Some(customer.as_str()), "and the target");
    nothing_sent().await;
    // The script's path: the reason as text.
    let res = post_multipart(app, &agent, &send, &fields, ("big.png", "image/png", &big), true).await;
    assert_eq!(res.status, 422);
    assert!(plain(&res.body).starts_with("الملف كبير جدًا"), "{}", res.body);
    // A file whose bytes are not its type.
    let res = post_multipart(app, &agent, &send, &fields, ("salon.png", "image/png", PDF), false).await;
    assert_eq!(res.status, 422);
    assert!(res.body.contains("لا يمكن إرسال هذا النوع من الملفات"), "{}", res.body);
    nothing_sent().await;

    // A photo with its caption: stored as a file of the lead, sent as WhatsApp media.
    provider.script([reply(200, json!({"id": "1037543291543636"}))]);
    let res = post_multipart(app, &agent, &send, &fields, ("الصالة.png", "image/png", PNG), false).await;
    assert_eq!((res.status, res.headers["location"].to_str().unwrap()), (303, thread.as_str()), "{}", res.body);
    let files = rows(app, "File", json!({})).await;
    assert_eq!(files.len(), 1);
    let lead = lead_of(app, &t).await;
    assert_eq!((files[0]["ownerType"].clone(), files[0]["ownerId"].clone()), (json!("lead"), lead));
    let key = files[0]["storageKey"].as_str().unwrap();
    assert!(key.starts_with(&format!("{}/lead/", app.dar.tenant.id)) && key.ends_with("-الصالة.png"), "{key}");
    let out = rows(app, "Message", json!({"direction": "OUT"})).await;
    assert_eq!(out.len(), 1);
    assert_eq!((out[0]["type"].clone(), out[0]["mediaFileId"].clone()), (json!("IMAGE"), files[0]["id"].clone()));
    assert_eq!(out[0]["replyToProviderId"], "wamid.IN1");
    assert_eq!(run_job(app).await.status.as_str(), "done");
    let seen = provider.seen();
    assert_eq!(seen[0].path, "/v21.0/106540352242922/media");
    assert!(seen[0].body.contains("IHDR"), "the bytes went up");
    let sent = seen[1].json();
    assert_eq!(sent["image"], json!({"id": "1037543291543636", "caption": "صورة الصالة"}));
    assert_eq!(sent["context"]["message_id"], "wamid.IN1", "{sent}");
    // The bubble shows the photo (through the authorised file route) and the quote.
    let body = page(app, "dar", &agent, &thread).await.body;
    let b = article(&body, out[0]["id"].as_str().unwrap());
    assert!(b.contains(&format!(r#"<img src="/api/v1/files/{}""#, files[0]["id"].as_str().unwrap())), "{b}");
    assert!(b.contains("أرسل صور الشقة"), "{b}");

    // The script's path answers the new bubble.
    let fields = [("csrf", agent.csrf.as_str()), ("text", "")];
    let res = post_multipart(app, &agent, &send, &fields, ("عقد.pdf", "application/pdf", PDF), true).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(res.body.trim_start().starts_with("<article") && res.body.contains(r#"data-direction="OUT""#));
    assert!(res.body.contains(r#"data-testid="message-file""#) && res.body.contains("عقد.pdf"), "{}", res.body);
    assert_eq!(rows(app, "Message", json!({"direction": "OUT", "type": "DOCUMENT"})).await.len(), 1);

    // Refused after the file was stored (the window closed meanwhile): the file goes again.
    app.app
        .db
        .as_system("test fixture")
        .run(
            "Conversation",
            "update",
            &json!({"where": {"id": t.conversation_id}, "data": {"windowClosesAt": "2020-01-01T00:00:00.000Z"}}),
        )
        .await
        .unwrap();
    let res = post_multipart(app, &agent, &send, &fields, ("x.png", "image/png", PNG), true).await;
    assert_eq!(res.status, 422);
    assert!(res.body.contains("24 ساعة"), "{}", res.body);
    assert_eq!(rows(app, "File", json!({})).await.len(), 2, "the refused send's file was removed");
    assert_eq!(rows(app, "Message", json!({"direction": "OUT"})).await.len(), 2);

    // SMS takes no file: no input, and a posted one is refused before it is stored.
    let sms =
        seed_thread(app, &app.dar, ThreadSpec { kind: "SMS", assignee: Some(&app.dar.agent.id), ..Default::default() })
            .await;
    let body = page(app, "dar", &agent, &format!("/inbox/{}", sms.conversation_id)).await.body;
    assert!(!body.contains(r#"data-testid="composer-file""#) && !body.contains("multipart"));
    let fields = [("csrf", agent.csrf.as_str()), ("text", "hello")];
    let res = post_multipart(
        app,
        &agent,
        &format!("/inbox/{}/send", sms.conversation_id),
        &fields,
        ("x.png", "image/png", PNG),
        true,
    )
    .await;
    assert_eq!(res.status, 422);
    assert!(res.body.contains("لا يمكن إرسال الملفات عبر الرسائل النصية"), "{}", res.body);
    assert_eq!(rows(app, "File", json!({})).await.len(), 2);
}
