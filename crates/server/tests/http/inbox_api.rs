//! The inbox API's rules: who sees which conversation, per-user unread counts, assignment,
//! snoozing, and private notes that are never sent.

use domain::Role;
use serde_json::json;

use crate::inbox_support::{StandIn, ThreadSpec, another_user, inbound, no_job_due, seed_thread};
use crate::support::TestApp;

crate::inbox_tests!(
    agents_see_only_their_conversations,
    unread_counts_are_per_user,
    only_admins_and_managers_assign,
    snoozing_needs_a_future_time,
    notes_are_never_sent,
    messages_page_newest_first
);

async fn agents_see_only_their_conversations(app: &TestApp, _provider: &StandIn) {
    let agent = app.token("dar", &app.dar.agent).await;
    let admin = app.token("dar", &app.dar.admin).await;
    let (other, _) = another_user(app, &app.dar, "agent2", Role::Agent).await;
    let harbor = app.token("harbor", &app.harbor.admin).await;
    let mine = seed_thread(app, &app.dar, ThreadSpec { assignee: Some(&app.dar.agent.id), ..Default::default() }).await;
    let _unassigned = seed_thread(app, &app.dar, ThreadSpec { kind: "SMS", ..Default::default() }).await;

    let list = app.get("dar", "/api/v1/conversations").bearer(&agent).send().await;
    assert_eq!(list.status, 200);
    let items = list.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["id"], mine.conversation_id.as_str());
    assert_eq!(items[0]["leadName"], "أحمد المنصوري");
    assert_eq!(items[0]["channel"], "WHATSAPP");
    assert!(items[0]["windowClosesAt"].is_string());

    let all = app.get("dar", "/api/v1/conversations").bearer(&admin).send().await.json();
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    let sms = app.get("dar", "/api/v1/conversations?channel=SMS&unassigned=true").bearer(&admin).send().await.json();
    assert_eq!(sms["items"].as_array().unwrap().len(), 1);
    assert_eq!(sms["items"][0]["channel"], "SMS");
    let paged = app.get("dar", "/api/v1/conversations?limit=1").bearer(&admin).send().await.json();
    let next = paged["nextCursor"].as_str().unwrap().to_owned();
    let rest =
        app.get("dar", &format!("/api/v1/conversations?limit=1&cursor={next}")).bearer(&admin).send().await.json();
    assert_ne!(rest["items"][0]["id"], paged["items"][0]["id"]);
    let bad = app.get("dar", "/api/v1/conversations?channel=FAX").bearer(&admin).send().await;
    assert_eq!((bad.status, bad.code().as_str()), (400, "request.invalid_query"));

    let path = format!("/api/v1/conversations/{}", mine.conversation_id);
    assert_eq!(app.get("dar", &path).bearer(&agent).send().await.status, 200);
    for (host, token) in [("dar", &other), ("harbor", &harbor)] {
        for suffix in ["", "/messages"] {
            let res = app.get(host, &format!("{path}{suffix}")).bearer(token).send().await;
            assert_eq!((res.status, res.code().as_str()), (404, "conversation.not_found"), "{host}{suffix}");
        }
        let res = app.post(host, &format!("{path}/messages")).bearer(token).json(&json!({"text": "hi"})).send().await;
        assert_eq!(res.status, 404);
        let res = app.post(host, &format!("{path}/notes")).bearer(token).json(&json!({"body": "x"})).send().await;
        assert_eq!(res.status, 404);
    }
    let theirs = app.get("dar", "/api/v1/conversations").bearer(&other).send().await.json();
    assert_eq!(theirs["items"], json!([]));
}

async fn unread_counts_are_per_user(app: &TestApp, _provider: &StandIn) {
    let agent = app.token("dar", &app.dar.agent).await;
    let admin = app.token("dar", &app.dar.admin).await;
    let t = seed_thread(app, &app.dar, ThreadSpec { assignee: Some(&app.dar.agent.id), ..Default::default() }).await;
    inbound(app, &app.dar, &t, "WHATSAPP", "wamid.IN1", "مرحبا", json!(null)).await;
    inbound(app, &app.dar, &t, "WHATSAPP", "wamid.IN2", "هل الشقة متاحة؟", json!(null)).await;
    let path = format!("/api/v1/conversations/{}", t.conversation_id);
    assert_eq!(app.get("dar", &path).bearer(&agent).send().await.json()["unreadCount"], 2);

    let read = app.post("dar", &format!("{path}/read")).bearer(&agent).send().await;
    assert_eq!(read.status, 200);
    assert_eq!(read.json()["unreadCount"], 0);
    assert_eq!(app.get("dar", &path).bearer(&admin).send().await.json()["unreadCount"], 2, "the admin has not read it");
    // Reading again moves the mark forward (no duplicate row).
    assert_eq!(app.post("dar", &format!("{path}/read")).bearer(&agent).send().await.status, 200);
    inbound(app, &app.dar, &t, "WHATSAPP", "wamid.IN3", "؟", json!(null)).await;
    let list = app.get("dar", "/api/v1/conversations?mine=true").bearer(&agent).send().await.json();
    assert_eq!(list["items"][0]["unreadCount"], 1);
}

async fn only_admins_and_managers_assign(app: &TestApp, _provider: &StandIn) {
    let agent = app.token("dar", &app.dar.agent).await;
    let admin = app.token("dar", &app.dar.admin).await;
    let t = seed_thread(app, &app.dar, ThreadSpec { assignee: Some(&app.dar.agent.id), ..Default::default() }).await;
    let path = format!("/api/v1/conversations/{}/assign", t.conversation_id);
    let res = app.post("dar", &path).bearer(&agent).json(&json!({"assigneeId": null})).send().await;
    assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"));
    let res = app.post("dar", &path).bearer(&admin).json(&json!({"assigneeId": app.harbor.agent.id})).send().await;
    assert_eq!((res.status, res.code().as_str()), (400, "conversation.invalid_assignee"));
    let res = app.post("dar", &path).bearer(&admin).json(&json!({"assigneeId": app.dar.admin.id})).send().await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["assigneeId"], app.dar.admin.id.as_str());
    let res = app.post("dar", &path).bearer(&admin).json(&json!({"assigneeId": null})).send().await;
    assert_eq!(res.json()["assigneeId"], json!(null));
    let events = app::inbox::events::replay(&app.app.db.as_system("test fixture"), 0, 100).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.kind == app::inbox::events::EventKind::ConversationAssigned).count(), 2);
}

async fn snoozing_needs_a_future_time(app: &TestApp, _provider: &StandIn) {
    let agent = app.token("dar", &app.dar.agent).await;
    let t = seed_thread(app, &app.dar, ThreadSpec { assignee: Some(&app.dar.agent.id), ..Default::default() }).await;
    let path = format!("/api/v1/conversations/{}/status", t.conversation_id);
    for body in [
        json!({"status": "SNOOZED"}),
        json!({"status": "SNOOZED", "snoozedUntil": "2001-01-01T00:00:00Z"}),
        json!({"status": "CLOSED", "snoozedUntil": "2999-01-01T00:00:00Z"}),
    ] {
        let res = app.post("dar", &path).bearer(&agent).json(&body).send().await;
        assert_eq!((res.status, res.code().as_str()), (400, "conversation.invalid_snooze"), "{body}");
    }
    let res = app
        .post("dar", &path)
        .bearer(&agent)
        .json(&json!({"status": "SNOOZED", "snoozedUntil": "2999-01-01T00:00:00Z"}))
        .send()
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["status"], "SNOOZED");
    let snoozed = app.get("dar", "/api/v1/conversations?status=SNOOZED").bearer(&agent).send().await.json();
    assert_eq!(snoozed["items"].as_array().unwrap().len(), 1);
    let res = app.post("dar", &path).bearer(&agent).json(&json!({"status": "CLOSED"})).send().await;
    assert_eq!((res.json()["status"].clone(), res.json()["snoozedUntil"].clone()), (json!("CLOSED"), json!(null)));
}

async fn notes_are_never_sent(app: &TestApp, provider: &StandIn) {
    let agent = app.token("dar", &app.dar.agent).await;
    let t = seed_thread(app, &app.dar, ThreadSpec { assignee: Some(&app.dar.agent.id), ..Default::default() }).await;
    let path = format!("/api/v1/conversations/{}/notes", t.conversation_id);
    let res = app.post("dar", &path).bearer(&agent).json(&json!({"body": "  "})).send().await;
    assert_eq!((res.status, res.code().as_str()), (400, "message.body_required"));
    let res = app.post("dar", &path).bearer(&agent).json(&json!({"body": "العميل يفضّل المساء"})).send().await;
    assert_eq!(res.status, 201);
    let note = res.json();
    assert_eq!((note["status"].clone(), note["private"].clone()), (json!("NOTE"), json!(true)));
    assert!(no_job_due(app).await, "a note enqueues nothing");
    assert!(provider.seen().is_empty());
    let messages = app
        .get("dar", &format!("/api/v1/conversations/{}/messages", t.conversation_id))
        .bearer(&agent)
        .send()
        .await
        .json();
    assert_eq!(messages["items"][0]["id"], note["id"]);
}

async fn messages_page_newest_first(app: &TestApp, _provider: &StandIn) {
    let agent = app.token("dar", &app.dar.agent).await;
    let t = seed_thread(app, &app.dar, ThreadSpec { assignee: Some(&app.dar.agent.id), ..Default::default() }).await;
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(inbound(app, &app.dar, &t, "WHATSAPP", &format!("wamid.P{i}"), &format!("m{i}"), json!(null)).await);
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    }
    let path = format!("/api/v1/conversations/{}/messages", t.conversation_id);
    let first = app.get("dar", &format!("{path}?limit=2")).bearer(&agent).send().await.json();
    let cursor = first["nextCursor"].as_str().unwrap().to_owned();
    let second = app.get("dar", &format!("{path}?limit=2&cursor={cursor}")).bearer(&agent).send().await.json();
    let mut seen: Vec<String> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(seen.len(), 3);
    assert_eq!(second["nextCursor"], json!(null));
    seen.sort();
    ids.sort();
    assert_eq!(seen, ids);
    let oldest = app.get("dar", &format!("{path}?sort=createdAt&limit=1")).bearer(&agent).send().await.json();
    assert_eq!(oldest["items"][0]["body"], "m0");
}
