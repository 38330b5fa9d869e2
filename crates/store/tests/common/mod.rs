//! Shared fixtures for the store tests: a fresh database per test, on either dialect.

#![allow(dead_code, reason = "each test binary uses a different subset")]
#![allow(clippy::expect_used, reason = "fixtures fail loudly")]

use store::{Db, DbOptions};

/// The PostgreSQL server tests use (a superuser; per-test schemas are created in it).
pub fn pg_url() -> String {
    std::env::var("MANZIL_TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A fresh database with `schema`'s tables. Keep the returned guard alive for the test's length.
pub struct Fresh {
    pub db: Db,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_schema: Option<String>,
}

impl Fresh {
    pub async fn sqlite(schema: &str) -> Fresh {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite:{}", dir.path().join("t.db").display());
        let db = Db::connect(&url, policy::load(schema).expect("schema").schema, DbOptions::default())
            .await
            .expect("connect");
        db.create_tables().await.expect("tables");
        Fresh { db, url, _dir: Some(dir), pg_schema: None }
    }

    pub async fn postgres(schema: &str) -> Fresh {
        let name = format!("t_{}", uuid::Uuid::new_v4().simple());
        let admin = sqlx::PgPool::connect(&pg_url()).await.expect("postgres");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA \"{name}\""))).execute(&admin).await.expect("schema");
        admin.close().await;
        let url = with_search_path(&pg_url(), &name);
        let db = Db::connect(&url, policy::load(schema).expect("schema").schema, DbOptions::default())
            .await
            .expect("connect");
        db.create_tables().await.expect("tables");
        Fresh { db, url, _dir: None, pg_schema: Some(name) }
    }

    pub async fn drop_pg(self) {
        self.db.close().await;
        if let Some(name) = self.pg_schema {
            let admin = sqlx::PgPool::connect(&pg_url()).await.expect("postgres");
            sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE")))
                .execute(&admin)
                .await
                .expect("drop");
            admin.close().await;
        }
    }
}

pub fn with_search_path(url: &str, schema: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-c%20search_path%3D{schema}")
}
