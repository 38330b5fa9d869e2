//! Engine behaviour beyond the conformance cases: naming the rule that denied, the system bypass,
//! hidden-versus-missing records, the transaction-local auth setting on PostgreSQL, and a record
//! created or updated together with its jobs.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests and benchmarks fail loudly on broken fixtures"
)]

mod common;

use common::Fresh;
use serde_json::json;
use store::queue::{JobActor, JobScope, NewJob};
use store::{Auth, StoreError};

const SCHEMA: &str = r#"
enum Role { ADMIN AGENT }
abstract model TenantOwned {
  tenantId String @default(auth().tenantId)
  @@deny('all', tenantId != auth().tenantId)
}
model User extends TenantOwned {
  id String @id
  role Role @default(AGENT)
  leads Lead[]
  @@allow('read', true)
  @@allow('all', auth().role == ADMIN)
}
model Lead extends TenantOwned {
  id Int @id @default(autoincrement())
  name String
  assignee User? @relation(fields: [assigneeId], references: [id])
  assigneeId String?
  @@allow('all', auth().role == ADMIN)
  @@allow('read,update', assigneeId == auth().id)
  @@deny('update', name == 'locked')
}
"#;

fn agent(tenant: &str, id: &str) -> Auth {
    Auth(Some(json!({ "id": id, "tenantId": tenant, "role": "AGENT" })))
}

fn admin(tenant: &str) -> Auth {
    Auth(Some(json!({ "id": format!("admin-{tenant}"), "tenantId": tenant, "role": "ADMIN" })))
}

async fn seed(f: &Fresh) {
    let sys = f.db.as_system("test seed");
    for (t, u, r) in [("t1", "a1", "AGENT"), ("t1", "a2", "AGENT"), ("t2", "b1", "AGENT")] {
        sys.create("User", json!({ "data": { "id": u, "tenantId": t, "role": r } })).await.expect("user");
    }
    for (id, t, a, n) in
        [(1, "t1", "a1", "mine"), (2, "t1", "a2", "theirs"), (3, "t2", "b1", "other tenant"), (4, "t1", "a1", "locked")]
    {
        sys.create("Lead", json!({ "data": { "id": id, "tenantId": t, "assigneeId": a, "name": n } }))
            .await
            .expect("lead");
    }
}

async fn explain_names_the_deny_rule(f: &Fresh) {
    let client = f.db.for_auth(agent("t1", "a1")).explain(true);
    let err = client
        .update("Lead", json!({ "where": { "id": 4 }, "data": { "name": "x" } }))
        .await
        .expect_err("locked lead may not be updated");
    // The pre-image filter hides the row: not-found, never a hint that it exists.
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");

    let err = client
        .create("Lead", json!({ "data": { "name": "new", "tenantId": "t2" } }))
        .await
        .expect_err("agents cannot create in another tenant");
    match err {
        StoreError::RejectedByPolicy { denied_by: Some(d), .. } => {
            assert_eq!(d.kind, "deny");
            assert_eq!(d.model, "Lead");
            assert!(d.source.contains("tenantId != auth().tenantId"), "{d:?}");
            assert_eq!(d.line, 5, "the deny rule is on line 5 of the schema");
        }
        other => panic!("expected a named rejection, got {other:?}"),
    }
    // Without explain, the rule is not named (no extra queries).
    let err =
        f.db.for_auth(agent("t1", "a1"))
            .create("Lead", json!({ "data": { "name": "new" } }))
            .await
            .expect_err("agents cannot create");
    match err {
        StoreError::RejectedByPolicy { denied_by, reason, .. } => {
            assert_eq!(reason.as_str(), "no-access");
            assert!(denied_by.is_none());
        }
        other => panic!("expected rejected-by-policy, got {other:?}"),
    }
}

async fn hidden_looks_like_missing(f: &Fresh) {
    let client = f.db.for_auth(agent("t1", "a1"));
    let hidden =
        client.update("Lead", json!({ "where": { "id": 3 }, "data": { "name": "x" } })).await.expect_err("hidden");
    let missing =
        client.update("Lead", json!({ "where": { "id": 999 }, "data": { "name": "x" } })).await.expect_err("missing");
    assert_eq!(hidden.to_string(), missing.to_string());
    assert_eq!(hidden.kind(), "not-found");
    let hidden = client.find_unique("Lead", json!({ "where": { "id": 3 } })).await.expect("find");
    assert_eq!(hidden, json!(null));
    // The other tenant's row is untouched.
    let sys = f.db.as_system("test check");
    let row = sys.find_unique("Lead", json!({ "where": { "id": 3 } })).await.expect("find");
    assert_eq!(row["name"], "other tenant");
}

async fn admin_folds_to_tenant_only(f: &Fresh) {
    let client = f.db.for_auth(admin("t1"));
    let (sql, params) = client.plan_find("Lead", &json!({})).expect("plan");
    assert!(!sql.contains("assigneeId\" ="), "admin's rule folds away the assignee check: {sql}");
    assert_eq!(params.len(), 1, "only the tenant is bound: {sql}");
    let rows = client.find_many("Lead", json!({ "orderBy": { "id": "asc" } })).await.expect("rows");
    let ids: Vec<i64> = rows.as_array().into_iter().flatten().filter_map(|r| r["id"].as_i64()).collect();
    assert_eq!(ids, vec![1, 2, 4]);
}

fn delivery(row: &serde_json::Map<String, serde_json::Value>) -> Vec<NewJob> {
    vec![NewJob {
        kind: "test.deliver".to_owned(),
        payload: json!({ "leadId": row["id"] }),
        tenant_id: row["tenantId"].as_str().map(str::to_owned),
        actor: JobActor::User("admin-t1".to_owned()),
        max_attempts: 3,
        run_at: None,
        dedupe_key: None,
    }]
}

/// A record and the jobs that follow it are stored together, or not at all.
async fn create_and_enqueue_is_one_transaction(f: &Fresh) {
    f.db.queue().ensure_table().await.expect("jobs table");
    let scope = JobScope { tenant_id: "t1".to_owned(), actor: None };
    let before = f.db.queue().list(&scope, None, 100).await.expect("jobs").len();

    let client = f.db.for_auth(admin("t1"));
    let (lead, jobs) = client
        .create_and_enqueue("Lead", &json!({ "data": { "id": 10, "name": "queued" } }), delivery)
        .await
        .expect("created");
    assert_eq!(lead["id"], 10);
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].payload, json!({ "leadId": 10 }));
    assert_eq!(jobs[0].tenant_id.as_deref(), Some("t1"));
    assert_eq!(f.db.queue().list(&scope, None, 100).await.expect("jobs").len(), before + 1);

    // Refused by the rules (an agent may not create): no record, and no job either.
    let refused =
        f.db.for_auth(agent("t1", "a1"))
            .create_and_enqueue("Lead", &json!({ "data": { "id": 11, "name": "nope", "assigneeId": "a1" } }), delivery)
            .await
            .expect_err("refused");
    assert_eq!(refused.kind(), "rejected-by-policy");
    // A conflicting insert fails after nothing was queued for it.
    let conflict = client.create_and_enqueue("Lead", &json!({ "data": { "id": 10, "name": "again" } }), delivery).await;
    assert!(conflict.is_err());
    assert_eq!(f.db.queue().list(&scope, None, 100).await.expect("jobs").len(), before + 1);
    let sys = f.db.as_system("test check");
    assert_eq!(sys.find_unique("Lead", json!({ "where": { "id": 11 } })).await.expect("find"), json!(null));
}

/// An update and the jobs that follow it are stored together, or not at all (after
/// `create_and_enqueue_is_one_transaction`: lead 10 exists).
async fn update_and_enqueue_is_one_transaction(f: &Fresh) {
    let scope = JobScope { tenant_id: "t1".to_owned(), actor: None };
    let before = f.db.queue().list(&scope, None, 100).await.expect("jobs").len();
    let client = f.db.for_auth(admin("t1"));
    let (lead, jobs) = client
        .update_and_enqueue(
            "Lead",
            &json!({ "where": { "id": 10 }, "data": { "name": "requeued" }, "select": { "name": true } }),
            delivery,
        )
        .await
        .expect("updated");
    assert_eq!(lead, json!({ "name": "requeued" }));
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].payload, json!({ "leadId": 10 }));
    assert_eq!(f.db.queue().list(&scope, None, 100).await.expect("jobs").len(), before + 1);

    // Refused by the rules (a locked lead; another agent's lead): no change, and no job either.
    let locked = json!({ "where": { "id": 4 }, "data": { "name": "x" } });
    let refused = client.update_and_enqueue("Lead", &locked, delivery).await.expect_err("refused");
    assert_eq!(refused.kind(), "not-found");
    let theirs = json!({ "where": { "id": 2 }, "data": { "name": "x" } });
    let hidden = f.db.for_auth(agent("t1", "a1")).update_and_enqueue("Lead", &theirs, delivery).await;
    assert_eq!(hidden.expect_err("hidden").kind(), "not-found");
    assert_eq!(f.db.queue().list(&scope, None, 100).await.expect("jobs").len(), before + 1);
    let sys = f.db.as_system("test check");
    assert_eq!(sys.find_unique("Lead", json!({ "where": { "id": 2 } })).await.expect("find")["name"], "theirs");
}

/// Connections are not pinged before each query (a round trip saved); when PostgreSQL drops them
/// (a restart, an administrator), reads and new transactions go on over fresh connections.
#[tokio::test]
async fn postgres_dropped_connections_are_replaced() {
    let f = Fresh::postgres(SCHEMA).await;
    seed(&f).await;
    let name = format!("manzil_{}", uuid::Uuid::new_v4().simple());
    let url = format!("{}&application_name={name}", f.url);
    let schema = policy::load(SCHEMA).expect("schema").schema;
    let db = store::Db::connect(&url, schema, store::DbOptions { max_connections: 2, ..Default::default() })
        .await
        .expect("connect");
    let client = db.for_auth(admin("t1"));
    // Two connections in the pool, both about to die.
    let (a, b) = tokio::join!(client.count("Lead", json!({})), client.count("Lead", json!({})));
    assert_eq!((a.expect("count"), b.expect("count")), (json!(3), json!(3)));
    let admin_pool = sqlx::PgPool::connect(&common::pg_url()).await.expect("admin");
    let killed: Vec<bool> =
        sqlx::query_scalar("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1")
            .bind(&name)
            .fetch_all(&admin_pool)
            .await
            .expect("terminate");
    assert!(!killed.is_empty() && killed.iter().all(|k| *k), "the pool's connections were terminated: {killed:?}");
    let rows = client.find_many("Lead", json!({ "orderBy": { "id": "asc" } })).await.expect("read after the drop");
    assert_eq!(rows.as_array().map(Vec::len), Some(3));
    // A write starts on a live connection too.
    client.update("Lead", json!({ "where": { "id": 1 }, "data": { "name": "renamed" } })).await.expect("write");
    admin_pool.close().await;
    db.close().await;
    f.drop_pg().await;
}

#[tokio::test]
async fn sqlite_engine_behaviour() {
    let f = Fresh::sqlite(SCHEMA).await;
    seed(&f).await;
    explain_names_the_deny_rule(&f).await;
    hidden_looks_like_missing(&f).await;
    admin_folds_to_tenant_only(&f).await;
    create_and_enqueue_is_one_transaction(&f).await;
    update_and_enqueue_is_one_transaction(&f).await;
}

#[tokio::test]
async fn postgres_engine_behaviour() {
    let f = Fresh::postgres(SCHEMA).await;
    seed(&f).await;
    explain_names_the_deny_rule(&f).await;
    hidden_looks_like_missing(&f).await;
    admin_folds_to_tenant_only(&f).await;
    create_and_enqueue_is_one_transaction(&f).await;
    update_and_enqueue_is_one_transaction(&f).await;
    f.drop_pg().await;
}
