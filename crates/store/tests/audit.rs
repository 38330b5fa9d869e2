//! The audit hook: every create, update and delete through the engine leaves an audit event in
//! the same transaction; secrets never enter it; a rejected write leaves none.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, reason = "tests fail loudly on broken fixtures")]

use serde_json::json;
use store::{Auth, Db, DbOptions};

const SCHEMA: &str = r#"
type Auth { id String @id  tenantId String  role String  @@auth }
model Account {
  id String @id
  tenantId String @default(auth().tenantId)
  name String
  secret String @omit @deny('read', true)
  @@allow('all', tenantId == auth().tenantId)
  @@deny('update', name == 'frozen')
}
model AuditEvent {
  id String @id
  tenantId String?
  actorId String?
  action String
  model String
  recordId String
  changes Json?
  createdAt DateTime
  @@allow('read', auth().role == 'ADMIN' && tenantId == auth().tenantId)
}
"#;

async fn events(db: &Db) -> Vec<serde_json::Value> {
    let sys = db.as_system("test check");
    let rows = sys.find_many("AuditEvent", json!({ "orderBy": { "createdAt": "asc" } })).await.expect("events");
    rows.as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn every_write_is_audited_in_its_transaction() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("a.db").display());
    let opts = DbOptions { audit_model: Some("AuditEvent".to_owned()), ..DbOptions::default() };
    let db = Db::connect(&url, policy::load(SCHEMA).expect("schema").schema, opts).await.expect("db");
    db.create_tables().await.expect("tables");
    let user = db.for_auth(Auth(Some(json!({ "id": "u1", "tenantId": "t1", "role": "AGENT" }))));

    user.create("Account", json!({ "data": { "id": "a1", "name": "first", "secret": "hunter2" } }))
        .await
        .expect("create");
    user.update("Account", json!({ "where": { "id": "a1" }, "data": { "name": "frozen" } })).await.expect("update");
    let err = user.update("Account", json!({ "where": { "id": "a1" }, "data": { "name": "thawed" } })).await;
    assert!(err.is_err(), "frozen accounts may not be updated");
    user.delete("Account", json!({ "where": { "id": "a1" } })).await.expect("delete");

    let ev = events(&db).await;
    let mut actions: Vec<&str> = ev.iter().filter_map(|e| e["action"].as_str()).collect();
    actions.sort_unstable();
    assert_eq!(actions, vec!["create", "delete", "update"], "one event per write, none for the rejected one: {ev:?}");
    for e in &ev {
        assert_eq!(e["actorId"], "u1");
        assert_eq!(e["tenantId"], "t1");
        assert_eq!(e["model"], "Account");
        assert_eq!(e["recordId"], "a1");
        assert!(!e.to_string().contains("hunter2"), "secrets never enter the audit log: {e}");
    }
    let update = ev.iter().find(|e| e["action"] == "update").expect("update event");
    assert_eq!(update["changes"], json!({ "name": { "from": "first", "to": "frozen" } }));

    // Agents cannot read the audit log; the tenant's admin can.
    assert_eq!(user.count("AuditEvent", json!({})).await.expect("count"), json!(0));
    let admin = db.for_auth(Auth(Some(json!({ "id": "u9", "tenantId": "t1", "role": "ADMIN" }))));
    assert_eq!(admin.count("AuditEvent", json!({})).await.expect("count"), json!(3));

    // Many-row writes leave one event per row.
    for i in 0..3 {
        user.create("Account", json!({ "data": { "id": format!("m{i}"), "name": "n", "secret": "s" } }))
            .await
            .expect("c");
    }
    let n = user.run("Account", "updateMany", &json!({ "data": { "name": "renamed" } })).await.expect("updateMany");
    assert_eq!(n, json!({ "count": 3 }));
    let n = user.run("Account", "deleteMany", &json!({})).await.expect("deleteMany");
    assert_eq!(n, json!({ "count": 3 }));
    let ev = events(&db).await;
    let count = |a: &str| ev.iter().filter(|e| e["action"] == a).count();
    assert_eq!((count("create"), count("update"), count("delete")), (4, 4, 4), "{ev:?}");
}
