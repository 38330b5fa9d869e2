//! Engine vs hand-written SQL: `findMany take 50` over 100 tenants × 1,000 leads, as an agent and
//! as an admin, on SQLite and PostgreSQL in the same run; plus the planning cost per query.
//!
//! Run: `cargo bench -p store --bench engine` (PostgreSQL from `MANZIL_TEST_DATABASE_URL`, default
//! `postgres://postgres@127.0.0.1:5432/test`; set `MANZIL_BENCH_SKIP_PG=1` to skip it, and
//! `MANZIL_BENCH_SHOW_SQL=1` to print the engine's SQL for each case).
//!
//! Baselines, both written by hand with the same meaning as the engine's query, and both ending,
//! like the engine, with the page as a list of JSON values (what a service returns):
//! * "hand SQL (JSON)": the same rows as JSON text built by the database (on PostgreSQL paged
//!   before the JSON is built, as a careful author would), parsed with serde_json;
//! * "hand SQL (columns)": plain columns decoded by sqlx into a struct, then turned into JSON
//!   values — what a hand-written service would do.
//!
//! And, to tell the database's share from the engine's: "engine's SQL run raw" — the SQL the
//! engine plans, run once per query through the same raw pool as the baselines and parsed. And
//! "hand SQL (JSON), rows dropped": the first baseline dropping each parsed row at once instead of
//! keeping the page — what keeping fifty records costs (the allocator's work, see
//! docs/benchmarks.md).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests and benchmarks fail loudly on broken fixtures"
)]

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, Row};
use store::{Auth, Db, DbOptions};

const TENANTS: usize = 100;
const LEADS_PER_TENANT: usize = 1000;
const AGENTS_PER_TENANT: usize = 10;

const SCHEMA: &str = r#"
enum Role { ADMIN MANAGER AGENT }
abstract model TenantOwned {
  tenantId String @default(auth().tenantId)
  @@deny('all', tenantId != auth().tenantId)
}
model User extends TenantOwned {
  id String @id
  email String @unique
  role Role @default(AGENT)
  leads Lead[]
  @@allow('read', true)
}
model Lead extends TenantOwned {
  id Int @id @default(autoincrement())
  name String
  phone String?
  email String?
  status String @default("NEW")
  assignee User? @relation(fields: [assigneeId], references: [id])
  assigneeId String?
  createdAt DateTime @default(now())
  @@index([tenantId, assigneeId])
  @@allow('all', auth().role == ADMIN)
  @@allow('read,update', assigneeId == auth().id)
}
"#;

struct Measure {
    label: String,
    per_query: Duration,
}

#[derive(sqlx::FromRow)]
struct LeadRow {
    #[sqlx(rename = "tenantId")]
    tenant_id: String,
    id: i64,
    name: String,
    phone: Option<String>,
    email: Option<String>,
    status: String,
    #[sqlx(rename = "assigneeId")]
    assignee_id: Option<String>,
    #[sqlx(rename = "createdAt")]
    created_at: String,
}

fn lead_json(r: LeadRow) -> Value {
    json!({
        "tenantId": r.tenant_id, "id": r.id, "name": r.name, "phone": r.phone, "email": r.email,
        "status": r.status, "assigneeId": r.assignee_id, "createdAt": r.created_at,
    })
}

async fn seed(db: &Db) {
    db.create_tables().await.expect("create tables");
    let system = db.as_system("benchmark seed");
    let mut stmts = Vec::new();
    for t in 0..TENANTS {
        let mut users = Vec::new();
        users.push(format!("('t{t}', 'admin{t}', 'admin{t}@x', 'ADMIN')"));
        for a in 0..AGENTS_PER_TENANT {
            users.push(format!("('t{t}', 'agent{t}_{a}', 'agent{t}_{a}@x', 'AGENT')"));
        }
        stmts.push(format!(
            "INSERT INTO \"User\" (\"tenantId\", \"id\", \"email\", \"role\") VALUES {}",
            users.join(", ")
        ));
        let mut leads = Vec::new();
        for l in 0..LEADS_PER_TENANT {
            leads.push(format!(
                "('t{t}', 'Lead {t}-{l}', '+97150{l:07}', 'lead{l}@t{t}.example', 'NEW', 'agent{t}_{}', '2026-01-01T00:00:00.000Z')",
                l % AGENTS_PER_TENANT
            ));
        }
        stmts.push(format!(
            "INSERT INTO \"Lead\" (\"tenantId\", \"name\", \"phone\", \"email\", \"status\", \"assigneeId\", \"createdAt\") VALUES {}",
            leads.join(", ")
        ));
    }
    db.execute_script(&stmts).await.expect("seed");
    let n = system.count("Lead", json!({})).await.expect("count");
    assert_eq!(n, json!(TENANTS * LEADS_PER_TENANT));
}

/// The ways of answering the same question.
#[derive(Clone, Copy, PartialEq)]
enum Variant {
    Engine,
    EngineSqlRaw,
    HandJson,
    HandColumns,
    HandJsonDropped,
}

impl Variant {
    fn label(self) -> &'static str {
        match self {
            Variant::Engine => "engine findMany",
            Variant::EngineSqlRaw => "engine's SQL run raw",
            Variant::HandJson => "hand SQL (JSON)",
            Variant::HandColumns => "hand SQL (columns)",
            Variant::HandJsonDropped => "hand SQL (JSON), rows dropped",
        }
    }
}

enum Raw {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

struct Queries {
    /// The SQL the engine plans for the caller, and its parameters (texts here).
    engine_sql: String,
    engine_binds: Vec<String>,
    json_sql: String,
    columns_sql: String,
    binds: Vec<&'static str>,
}

async fn run_once(v: Variant, client: &store::Client, args: &Value, raw: &Raw, q: &Queries) -> usize {
    macro_rules! bound {
        ($query:expr) => {{
            let mut query = $query;
            for b in &q.binds {
                query = query.bind(*b);
            }
            query
        }};
    }
    match (v, raw) {
        (Variant::Engine, _) => {
            client.run("Lead", "findMany", args).await.map(|v| v.as_array().map_or(0, Vec::len)).unwrap_or(0)
        }
        (Variant::EngineSqlRaw, Raw::Sqlite(pool)) => {
            let mut query = sqlx::query(AssertSqlSafe(q.engine_sql.clone()));
            for b in &q.engine_binds {
                query = query.bind(b.as_str());
            }
            let rows = query.fetch_all(pool).await.expect("query");
            // SQLite: one row, the page as a JSON array.
            let page: Vec<Value> =
                rows.iter().map(|r| serde_json::from_str(r.get::<&str, _>(0)).expect("json")).collect();
            page.len()
        }
        (Variant::EngineSqlRaw, Raw::Postgres(pool)) => {
            let mut query = sqlx::query(AssertSqlSafe(q.engine_sql.clone()));
            for b in &q.engine_binds {
                query = query.bind(b.as_str());
            }
            let rows = query.fetch_all(pool).await.expect("query");
            // SQLite: one row, the page as a JSON array.
            let page: Vec<Value> =
                rows.iter().map(|r| serde_json::from_str(r.get::<&str, _>(0)).expect("json")).collect();
            page.len()
        }
        (Variant::HandJson | Variant::HandJsonDropped, Raw::Sqlite(pool)) => {
            let rows = bound!(sqlx::query(AssertSqlSafe(q.json_sql.clone()))).fetch_all(pool).await.expect("query");
            if v == Variant::HandJsonDropped {
                return rows.iter().map(|r| serde_json::from_str::<Value>(r.get::<&str, _>(0)).map_or(0, |_| 1)).sum();
            }
            let page: Vec<Value> =
                rows.iter().map(|r| serde_json::from_str(r.get::<&str, _>(0)).expect("json")).collect();
            page.len()
        }
        (Variant::HandJson | Variant::HandJsonDropped, Raw::Postgres(pool)) => {
            let rows = bound!(sqlx::query(AssertSqlSafe(q.json_sql.clone()))).fetch_all(pool).await.expect("query");
            if v == Variant::HandJsonDropped {
                return rows.iter().map(|r| serde_json::from_str::<Value>(r.get::<&str, _>(0)).map_or(0, |_| 1)).sum();
            }
            let page: Vec<Value> =
                rows.iter().map(|r| serde_json::from_str(r.get::<&str, _>(0)).expect("json")).collect();
            page.len()
        }
        (Variant::HandColumns, Raw::Sqlite(pool)) => {
            let rows = bound!(sqlx::query_as::<_, LeadRow>(AssertSqlSafe(q.columns_sql.clone())))
                .fetch_all(pool)
                .await
                .expect("query");
            let page: Vec<Value> = rows.into_iter().map(lead_json).collect();
            page.len()
        }
        (Variant::HandColumns, Raw::Postgres(pool)) => {
            let rows = bound!(sqlx::query_as::<_, LeadRow>(AssertSqlSafe(q.columns_sql.clone())))
                .fetch_all(pool)
                .await
                .expect("query");
            let page: Vec<Value> = rows.into_iter().map(lead_json).collect();
            page.len()
        }
    }
}

/// Runs the variants interleaved (round after round, in turn), so a change in machine load
/// affects them alike, each round starting one variant later (none always runs first or after the
/// same other); reports each variant's median round.
async fn measure(
    name: &str,
    role: &str,
    iterations: u32,
    client: &store::Client,
    args: &Value,
    raw: &Raw,
    q: &Queries,
) -> Vec<Measure> {
    let variants =
        [Variant::Engine, Variant::EngineSqlRaw, Variant::HandJson, Variant::HandColumns, Variant::HandJsonDropped];
    for v in variants {
        for _ in 0..iterations / 20 {
            std::hint::black_box(run_once(v, client, args, raw, q).await);
        }
    }
    const ROUNDS: u32 = 20;
    let per_round = (iterations / ROUNDS).max(1);
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); variants.len()];
    for round in 0..ROUNDS as usize {
        for i in (0..variants.len()).map(|k| (round + k) % variants.len()) {
            let start = Instant::now();
            for _ in 0..per_round {
                std::hint::black_box(run_once(variants[i], client, args, raw, q).await);
            }
            samples[i].push(start.elapsed() / per_round);
        }
    }
    variants
        .iter()
        .zip(samples)
        .map(|(v, mut s)| {
            s.sort();
            Measure { label: format!("{name} {role}: {}", v.label()), per_query: s[s.len() / 2] }
        })
        .collect()
}

async fn bench_dialect(name: &str, url: &str, iterations: u32) -> Vec<Measure> {
    let db = Db::connect(
        url,
        policy::load(SCHEMA).expect("schema").schema,
        DbOptions { max_connections: 4, ..DbOptions::default() },
    )
    .await
    .expect("connect");
    seed(&db).await;
    let pg = url.starts_with("postgres");
    // The baselines' pools are set up like the engine's (no ping before each acquire), so the
    // comparison is of the query paths alone.
    let raw = if pg {
        Raw::Postgres(
            sqlx::postgres::PgPoolOptions::new()
                .max_connections(4)
                .test_before_acquire(false)
                .connect(url)
                .await
                .expect("pg"),
        )
    } else {
        Raw::Sqlite(
            sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(4)
                .test_before_acquire(false)
                .connect(url)
                .await
                .expect("sqlite"),
        )
    };
    let args = json!({ "take": 50, "orderBy": { "id": "asc" } });
    let mut out = Vec::new();
    for (role, auth, filter, binds) in [
        (
            "agent",
            json!({"id": "agent42_3", "tenantId": "t42", "role": "AGENT"}),
            "\"tenantId\" = $1 AND \"assigneeId\" = $2",
            vec!["t42", "agent42_3"],
        ),
        ("admin", json!({"id": "admin42", "tenantId": "t42", "role": "ADMIN"}), "\"tenantId\" = $1", vec!["t42"]),
    ] {
        let client = db.for_auth(Auth(Some(auth)));
        if std::env::var("MANZIL_BENCH_SHOW_SQL").is_ok() {
            let (sql, params) = client.plan_find("Lead", &args).expect("plan");
            eprintln!("{name} {role}: {sql}\n  params: {params:?}");
        }
        let expected = client.find_many("Lead", args.clone()).await.expect("engine");
        assert_eq!(expected.as_array().map(Vec::len), Some(50));
        let (engine_sql, params) = client.plan_find("Lead", &args).expect("plan");
        let engine_binds: Vec<String> = params
            .into_iter()
            .map(|p| match p {
                policy::SqlValue::Text(t) => t,
                other => panic!("the benchmark binds texts only, not {other:?}"),
            })
            .collect();
        let q = if pg {
            Queries {
                engine_sql,
                engine_binds,
                columns_sql: format!(
                    "SELECT \"tenantId\", \"id\"::int8 AS \"id\", \"name\", \"phone\", \"email\", \"status\", \"assigneeId\", to_char(\"createdAt\" AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS \"createdAt\" FROM \"Lead\" WHERE {filter} ORDER BY \"id\" LIMIT 50"
                ),
                json_sql: format!(
                    "SELECT json_build_object('tenantId', \"tenantId\", 'id', \"id\", 'name', \"name\", 'phone', \"phone\", 'email', \"email\", 'status', \"status\", 'assigneeId', \"assigneeId\", 'createdAt', \"createdAt\")::text FROM (SELECT * FROM \"Lead\" WHERE {filter} ORDER BY \"id\" LIMIT 50) AS l ORDER BY \"id\""
                ),
                binds,
            }
        } else {
            let filter = filter.replace("$1", "?").replace("$2", "?");
            Queries {
                engine_sql,
                engine_binds,
                columns_sql: format!(
                    "SELECT \"tenantId\", \"id\", \"name\", \"phone\", \"email\", \"status\", \"assigneeId\", \"createdAt\" FROM \"Lead\" WHERE {filter} ORDER BY \"id\" LIMIT 50"
                ),
                json_sql: format!(
                    "SELECT json_object('tenantId', \"tenantId\", 'id', \"id\", 'name', \"name\", 'phone', \"phone\", 'email', \"email\", 'status', \"status\", 'assigneeId', \"assigneeId\", 'createdAt', \"createdAt\") FROM \"Lead\" WHERE {filter} ORDER BY \"id\" LIMIT 50"
                ),
                binds,
            }
        };
        out.extend(measure(name, role, iterations, &client, &args, &raw, &q).await);
        // Planning only: fold the rules and write the SQL, no database.
        let start = Instant::now();
        let n = 20_000;
        for _ in 0..n {
            std::hint::black_box(client.plan_find("Lead", &args).map(|(s, _)| s.len()).unwrap_or(0));
        }
        out.push(Measure { label: format!("{name} {role}: planning only"), per_query: start.elapsed() / n });
    }
    db.close().await;
    out
}

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let dir = tempfile::tempdir().expect("tempdir");
        let sqlite_url = format!("sqlite:{}", dir.path().join("bench.db").display());
        let mut results = bench_dialect("sqlite", &sqlite_url, 2000).await;
        if std::env::var("MANZIL_BENCH_SKIP_PG").is_err() {
            let base = std::env::var("MANZIL_TEST_DATABASE_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
            let schema = format!("bench_{}", std::process::id());
            let admin = sqlx::PgPool::connect(&base).await.expect("postgres");
            sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA \"{schema}\""))).execute(&admin).await.expect("schema");
            let sep = if base.contains('?') { '&' } else { '?' };
            let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
            results.extend(bench_dialect("postgres", &url, 2000).await);
            sqlx::query(AssertSqlSafe(format!("DROP SCHEMA \"{schema}\" CASCADE")))
                .execute(&admin)
                .await
                .expect("drop");
        }
        println!("| measurement | µs per query | vs hand SQL (JSON) | vs hand SQL (columns) |");
        println!("|---|---:|---:|---:|");
        for chunk in results.chunks(6) {
            let base_json = chunk.iter().find(|m| m.label.ends_with("(JSON)")).map(|m| m.per_query);
            let base_cols = chunk.iter().find(|m| m.label.ends_with("(columns)")).map(|m| m.per_query);
            for m in chunk {
                let ratio = |b: Option<Duration>| match b {
                    Some(b) if !m.label.ends_with("planning only") => {
                        format!("{:.2}×", m.per_query.as_secs_f64() / b.as_secs_f64())
                    }
                    _ => "—".to_owned(),
                };
                println!(
                    "| {} | {:.1} | {} | {} |",
                    m.label,
                    m.per_query.as_secs_f64() * 1e6,
                    ratio(base_json),
                    ratio(base_cols)
                );
            }
        }
    });
}
