//! The demo seed: two agencies with predictable logins, ~200 leads and ~50 listings each, valid
//! for the rules (an agent sees only their own leads), seeded once.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, reason = "tests fail loudly on broken fixtures")]

use serde_json::json;
use store::{Auth, Db, DbOptions};

#[tokio::test]
async fn demo_seeds_two_agencies_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("demo.db").display());
    let schema = policy::load(include_str!("../../../schema.zmodel")).expect("schema").schema;
    let opts = DbOptions { audit_model: Some("AuditEvent".to_owned()), ..DbOptions::default() };
    let db = Db::connect(&url, schema, opts).await.expect("db");
    db.create_tables().await.expect("tables");

    let secrets = app::inbox::secrets::SecretBox::random();
    let agencies = app::demo::seed(&db, &secrets).await.expect("seed");
    assert_eq!(agencies.iter().map(|a| a.slug).collect::<Vec<_>>(), vec!["dar", "harbor"]);
    assert!(agencies[0].logins.contains(&"agent1@dar.demo".to_owned()));
    assert!(agencies[1].logins.contains(&"admin@harbor.demo".to_owned()));

    let sys = db.as_system("test check");
    for slug in ["dar", "harbor"] {
        let tenant = sys.run("Tenant", "findUnique", &json!({ "where": { "slug": slug } })).await.expect("tenant");
        let tid = tenant["id"].as_str().expect("id");
        let count = |model: &'static str| {
            let sys = sys.clone();
            let tid = tid.to_owned();
            async move { sys.count(model, json!({ "where": { "tenantId": tid } })).await.expect("count") }
        };
        assert_eq!(count("User").await, json!(5));
        assert_eq!(count("Lead").await, json!(200));
        assert_eq!(count("Property").await, json!(50));
        assert!(count("Deal").await.as_i64().unwrap_or(0) >= 15);
        assert!(count("Activity").await.as_i64().unwrap_or(0) >= 90);
    }
    let dar = sys.run("Tenant", "findUnique", &json!({ "where": { "slug": "dar" } })).await.expect("dar");
    assert_eq!(dar["defaultLocale"], "ar");
    let agent = sys
        .run(
            "User",
            "findFirst",
            &json!({ "where": { "email": "agent1@dar.demo" }, "select": { "id": true, "name": true, "locale": true } }),
        )
        .await
        .expect("agent");
    assert_eq!(agent["locale"], "ar");
    assert!(
        agent["name"].as_str().is_some_and(|n| n.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))),
        "Arabic name: {agent}"
    );

    // The demo respects the rules: an agent sees only the leads assigned to them.
    let as_agent = db.for_auth(Auth(Some(json!({ "id": agent["id"], "tenantId": dar["id"], "role": "AGENT" }))));
    let mine = as_agent.count("Lead", json!({})).await.expect("count").as_i64().unwrap_or(0);
    assert!(mine > 0 && mine < 200, "agent sees {mine} leads");

    // Listings are searchable as users type, in either language (folded search column).
    for (q, what) in
        [("جزيره الريم", "an Arabic community, typed without hamza or ta marbuta"), ("reem island", "English")]
    {
        let found = as_agent
            .count("Property", json!({ "where": { "searchText": { "contains": domain::fold_search(q) } } }))
            .await
            .expect("search");
        assert!(found.as_i64().unwrap_or(0) > 0, "no demo listing found by {what}: {q}");
    }

    // The demo password works: an argon2id hash that verifies, and no caller can read it.
    let stored = sys
        .run(
            "User",
            "findFirst",
            &json!({ "where": { "email": "agent1@dar.demo" }, "select": { "passwordHash": true } }),
        )
        .await
        .expect("hash");
    let hash = stored["passwordHash"].as_str().expect("hash").to_owned();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(app::auth::password::verify(app::demo::DEMO_PASSWORD.to_owned(), Some(hash)).await);
    let admin = db.for_auth(Auth(Some(json!({ "id": "x", "tenantId": dar["id"], "role": "ADMIN" }))));
    let seen = admin
        .run(
            "User",
            "findFirst",
            &json!({ "where": { "email": "agent1@dar.demo" }, "select": { "passwordHash": true } }),
        )
        .await
        .expect("admin read");
    assert!(seen["passwordHash"].is_null(), "not even an admin reads a password hash: {seen}");

    // Sandbox channels with predictable numbers and sealed secrets, and agent1's conversations.
    assert_eq!(agencies[0].channels.whatsapp_phone_number_id, "990000000000001");
    assert_eq!(agencies[1].channels.inbound_address, "inbox@harbor.demo");
    let accounts = sys
        .run(
            "ChannelAccount",
            "findMany",
            &json!({ "where": { "tenantId": dar["id"] }, "omit": { "appSecretEnc": false, "authTokenEnc": false } }),
        )
        .await
        .expect("accounts");
    let accounts = accounts.as_array().expect("list");
    let kinds: Vec<&str> = accounts.iter().filter_map(|a| a["kind"].as_str()).collect();
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    assert!(["WHATSAPP", "SMS", "EMAIL"].iter().all(|k| kinds.contains(k)), "{kinds:?}");
    assert!(accounts.iter().all(|a| a["sandbox"] == true), "demo channels are sandbox channels");
    let whatsapp = accounts.iter().find(|a| a["kind"] == "WHATSAPP").expect("whatsapp");
    assert_eq!(whatsapp["phoneNumberId"], "990000000000001");
    assert_eq!(whatsapp["templates"][0]["name"], "viewing_reminder", "templates for a closed window");
    let sealed = whatsapp["appSecretEnc"].as_str().expect("sealed app secret");
    assert!(sealed.starts_with("v1:") && secrets.open("appSecretEnc", sealed).is_ok(), "sealed with the key");
    let mine =
        as_agent.run("Conversation", "findMany", &json!({ "include": { "messages": true } })).await.expect("mine");
    let mine = mine.as_array().expect("list");
    assert_eq!(mine.len(), 3, "agent1 has demo conversations");
    let arabic = |s: &str| s.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c));
    assert!(
        mine.iter().all(|c| c["messages"]
            .as_array()
            .is_some_and(|m| !m.is_empty() && m.iter().all(|m| m["body"].as_str().is_some_and(arabic)))),
        "dar's demo messages are Arabic"
    );

    // Seeding again changes nothing.
    app::demo::seed(&db, &secrets).await.expect("seed again");
    assert_eq!(sys.count("Tenant", json!({})).await.expect("count"), json!(2));
    assert_eq!(sys.count("Lead", json!({})).await.expect("count"), json!(400));
    assert_eq!(sys.count("ChannelAccount", json!({})).await.expect("count"), json!(6));
    assert_eq!(sys.count("Conversation", json!({})).await.expect("count"), json!(6));
}
