//! Migrations: the committed files under `migrations/{sqlite,postgres}` build exactly the database
//! `schema.zmodel` describes (so a schema change without a migration fails here), they apply once,
//! and a changed applied migration is refused.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, reason = "tests fail loudly on broken fixtures")]

mod common;

use std::collections::BTreeSet;

use common::{pg_url, with_search_path};
use policy::Dialect;
use sqlx::{AssertSqlSafe, Row};
use store::{Db, DbOptions, Migration};

const SCHEMA: &str = include_str!("../../../schema.zmodel");

/// The committed migration files of a dialect, in order (leaked to get `&'static str`).
fn migrations(dialect: &str) -> Vec<Migration> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations").join(dialect);
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).expect("migrations dir").map(|e| e.expect("entry").path()).collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            let file = p.file_stem().and_then(|s| s.to_str()).expect("name").to_owned();
            let (version, name) = file.split_once('_').expect("NNNN_name.sql");
            Migration {
                version: version.parse().expect("version"),
                name: Box::leak(name.to_owned().into_boxed_str()),
                sql: Box::leak(std::fs::read_to_string(p).expect("read").into_boxed_str()),
            }
        })
        .collect()
}

type Catalog = BTreeSet<String>;

async fn sqlite_catalog(url: &str) -> Catalog {
    let pool = sqlx::SqlitePool::connect(url).await.expect("sqlite");
    let rows = sqlx::query(
        "SELECT m.name || '.' || p.name || ':' || p.type || ':' || p.\"notnull\" || ':' || p.pk FROM sqlite_master m \
         JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE '\\_manzil%' ESCAPE '\\' AND m.name NOT LIKE 'sqlite%' \
         UNION ALL SELECT 'index ' || name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite%' AND tbl_name NOT LIKE '\\_manzil%' ESCAPE '\\'",
    )
    .fetch_all(&pool)
    .await
    .expect("catalog");
    pool.close().await;
    rows.iter().map(|r| r.get::<String, _>(0)).collect()
}

async fn pg_catalog(url: &str) -> Catalog {
    let pool = sqlx::PgPool::connect(url).await.expect("pg");
    let rows = sqlx::query(
        "SELECT table_name || '.' || column_name || ':' || data_type || ':' || is_nullable || ':' || coalesce(column_default, '') \
         FROM information_schema.columns WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_manzil%' \
         UNION ALL SELECT 'index ' || indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename NOT LIKE '\\_manzil%' \
         UNION ALL SELECT 'constraint ' || conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = current_schema() AND conname NOT LIKE '\\_manzil%'",
    )
    .fetch_all(&pool)
    .await
    .expect("catalog");
    pool.close().await;
    rows.iter().map(|r| r.get::<String, _>(0)).collect()
}

async fn connect(url: &str) -> Db {
    Db::connect(
        url,
        policy::load(SCHEMA).expect("schema").schema,
        DbOptions { max_connections: 1, ..DbOptions::default() },
    )
    .await
    .expect("connect")
}

#[tokio::test]
async fn sqlite_migrations_build_the_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let migrated = format!("sqlite:{}", dir.path().join("m.db").display());
    let generated = format!("sqlite:{}", dir.path().join("g.db").display());
    let db = connect(&migrated).await;
    // A database of the first release upgrades to this one.
    let all = migrations("sqlite");
    assert_eq!(db.migrate(&all[..1]).await.expect("first release").applied, vec![1]);
    let report = db.migrate(&all).await.expect("migrate");
    assert_eq!(report.applied, all[1..].iter().map(|m| m.version).collect::<Vec<_>>());
    let again = db.migrate(&migrations("sqlite")).await.expect("migrate again");
    assert!(again.applied.is_empty(), "applied migrations are not applied twice");
    db.close().await;
    let g = connect(&generated).await;
    g.create_tables().await.expect("generated");
    g.close().await;
    let (m, g) = (sqlite_catalog(&migrated).await, sqlite_catalog(&generated).await);
    assert!(!m.is_empty());
    assert_eq!(
        m.symmetric_difference(&g).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "schema.zmodel changed without a migration: write migrations/sqlite/NNNN_*.sql (see `manzil schema sql`)"
    );

    // An applied migration that changed is refused.
    let db = connect(&migrated).await;
    let mut changed = migrations("sqlite");
    changed[0].sql = "CREATE TABLE x (y INT);";
    let err = db.migrate(&changed).await.expect_err("changed migration");
    assert!(err.to_string().contains("changed after it was applied"), "{err}");
    db.close().await;
}

#[tokio::test]
async fn postgres_migrations_build_the_schema() {
    let admin = sqlx::PgPool::connect(&pg_url()).await.expect("pg");
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    let (ms, gs) = (format!("mig_{suffix}"), format!("gen_{suffix}"));
    for s in [&ms, &gs] {
        sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA \"{s}\""))).execute(&admin).await.expect("schema");
    }
    let (mu, gu) = (with_search_path(&pg_url(), &ms), with_search_path(&pg_url(), &gs));
    let db = connect(&mu).await;
    let all = migrations("postgres");
    assert_eq!(db.migrate(&all[..1]).await.expect("first release").applied, vec![1]);
    let later: Vec<i64> = all[1..].iter().map(|m| m.version).collect();
    assert_eq!(db.migrate(&all).await.expect("migrate").applied, later);
    assert!(db.migrate(&migrations("postgres")).await.expect("again").applied.is_empty());
    db.close().await;
    let g = connect(&gu).await;
    g.create_tables().await.expect("generated");
    g.close().await;
    let (m, g) = (pg_catalog(&mu).await, pg_catalog(&gu).await);
    assert!(!m.is_empty());
    assert_eq!(
        m.symmetric_difference(&g).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "schema.zmodel changed without a migration: write migrations/postgres/NNNN_*.sql (see `manzil schema sql`)"
    );
    for s in [&ms, &gs] {
        sqlx::query(AssertSqlSafe(format!("DROP SCHEMA \"{s}\" CASCADE"))).execute(&admin).await.expect("drop");
    }
    admin.close().await;
    let _ = Dialect::Postgres;
}
