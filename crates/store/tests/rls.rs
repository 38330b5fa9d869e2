//! PostgreSQL row-level security from the same rules, as a second wall: with the engine's own
//! filters switched off (a test-only switch), RLS alone still hides every other tenant's row and
//! refuses writes into another tenant. The application role is neither table owner nor BYPASSRLS,
//! and the auth context is transaction-local (nothing leaks to the next user of a pooled
//! connection).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests and benchmarks fail loudly on broken fixtures"
)]

mod common;

use common::{pg_url, with_search_path};
use serde_json::json;
use sqlx::AssertSqlSafe;
use store::{Auth, Db, DbOptions};

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
  tags Tag[]
  @@allow('read', true)
  @@allow('all', auth().role == ADMIN)
}
model Lead extends TenantOwned {
  id Int @id @default(autoincrement())
  name String
  phone String? @allow('read', auth().role == ADMIN || assigneeId == auth().id)
  assignee User? @relation(fields: [assigneeId], references: [id])
  assigneeId String?
  @@allow('all', auth().role == ADMIN)
  @@allow('read,update', assigneeId == auth().id)
  @@allow('create', assigneeId == auth().id)
}
model Tag extends TenantOwned {
  id Int @id
  label String
  users User[]
  @@allow('all', true)
}
"#;

async fn exec(pool: &sqlx::PgPool, sql: &str) {
    sqlx::raw_sql(AssertSqlSafe(sql.to_owned())).execute(pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

#[tokio::test]
async fn rls_stands_alone_without_engine_filters() {
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    let schema_name = format!("rls_{suffix}");
    let role = format!("manzil_app_{suffix}");
    let owner_url = with_search_path(&pg_url(), &schema_name);
    let admin = sqlx::PgPool::connect(&pg_url()).await.expect("postgres");
    exec(&admin, &format!("CREATE SCHEMA \"{schema_name}\"")).await;
    exec(&admin, &format!("CREATE ROLE \"{role}\" LOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT")).await;

    // Tables and policies are created by the owner (the superuser here), never by the app role.
    let loaded = policy::load(SCHEMA).expect("schema");
    let owner = Db::connect(&owner_url, loaded.schema.clone(), DbOptions::default()).await.expect("owner");
    owner.create_tables().await.expect("tables");
    let set = policy::PolicySet::new(std::sync::Arc::new(loaded.schema.clone()));
    let rls = policy::rls::emit_rls(&set).expect("rls");
    owner.execute_script(std::slice::from_ref(&rls.sql)).await.expect("install rls");
    let sys = owner.as_system("test seed as table owner");
    for (t, u, r) in [("t1", "a1", "AGENT"), ("t1", "a2", "AGENT"), ("t2", "b1", "AGENT"), ("t2", "b2", "ADMIN")] {
        sys.create("User", json!({ "data": { "id": u, "tenantId": t, "role": r } })).await.expect("user");
    }
    for (id, t, a) in [(1, "t1", "a1"), (2, "t1", "a2"), (3, "t2", "b1"), (4, "t2", "b1")] {
        sys.create("Lead", json!({ "data": { "id": id, "tenantId": t, "assigneeId": a, "name": format!("lead {id}"), "phone": "+971500000000" } }))
            .await
            .expect("lead");
    }
    exec(&admin, &format!("GRANT USAGE ON SCHEMA \"{schema_name}\" TO \"{role}\"")).await;
    exec(
        &admin,
        &format!("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \"{schema_name}\" TO \"{role}\""),
    )
    .await;
    exec(&admin, &format!("GRANT USAGE ON ALL SEQUENCES IN SCHEMA \"{schema_name}\" TO \"{role}\"")).await;

    // The application connects as the restricted role, RLS on, engine filters off.
    let app_url = with_search_path(&pg_url().replacen("postgres@", &format!("{role}@"), 1), &schema_name);
    let app = Db::connect(
        &app_url,
        loaded.schema.clone(),
        DbOptions { max_connections: 1, rls: true, ..DbOptions::default() },
    )
    .await
    .expect("app");
    let bare = app.without_engine_filters();

    let a1 = bare.for_auth(Auth(Some(json!({ "id": "a1", "tenantId": "t1", "role": "AGENT" }))));
    let rows = a1.find_many("Lead", json!({ "orderBy": { "id": "asc" } })).await.expect("read");
    let ids: Vec<i64> = rows.as_array().into_iter().flatten().filter_map(|r| r["id"].as_i64()).collect();
    assert_eq!(ids, vec![1], "RLS alone shows agent a1 only their own lead");

    let b2 = bare.for_auth(Auth(Some(json!({ "id": "b2", "tenantId": "t2", "role": "ADMIN" }))));
    let rows = b2.find_many("Lead", json!({ "orderBy": { "id": "asc" } })).await.expect("read");
    let ids: Vec<i64> = rows.as_array().into_iter().flatten().filter_map(|r| r["id"].as_i64()).collect();
    assert_eq!(ids, vec![3, 4], "RLS alone shows tenant t2's admin only t2's leads");
    let users = b2.count("User", json!({})).await.expect("count");
    assert_eq!(users, json!(2), "other tenants' users are invisible");

    // Writes into another tenant are refused by the database itself.
    let n = b2.run("Lead", "updateMany", &json!({ "data": { "name": "pwned" } })).await.expect("update");
    assert_eq!(n, json!({ "count": 2 }), "only t2's rows are reachable");
    let err = b2
        .create("Lead", json!({ "data": { "name": "x", "tenantId": "t1" } }))
        .await
        .expect_err("insert into another tenant");
    assert_eq!(err.kind(), "db-error", "{err:?}");
    let anon = bare.for_auth(Auth(None));
    assert_eq!(anon.count("Lead", json!({})).await.expect("count"), json!(0), "anonymous sees nothing");

    // The engine's named system actor passes the wall (every policy admits manzil_is_system()).
    let system_via_app = app.as_system("test: system actor under RLS");
    assert_eq!(system_via_app.count("Lead", json!({})).await.expect("count"), json!(4));
    // …and nobody else can claim to be it by auth value alone through the engine.
    let pretender =
        bare.for_auth(Auth(Some(json!({ "$system": true, "tenantId": "t1", "id": "a1", "role": "AGENT" }))));
    assert_eq!(pretender.count("Lead", json!({})).await.expect("count"), json!(1));

    // Victim data is unchanged.
    let t1_names = sys
        .find_many("Lead", json!({ "where": { "tenantId": "t1" }, "orderBy": { "id": "asc" } }))
        .await
        .expect("read");
    assert_eq!(t1_names[0]["name"], "lead 1");
    assert_eq!(t1_names[1]["name"], "lead 2");

    // The auth context was transaction-local: the pooled connection carries none afterwards.
    assert_eq!(app.auth_setting_outside_transaction().await.expect("setting"), None);

    app.close().await;
    owner.close().await;
    exec(&admin, &format!("DROP SCHEMA \"{schema_name}\" CASCADE")).await;
    exec(&admin, &format!("DROP ROLE \"{role}\"")).await;
    admin.close().await;
}
