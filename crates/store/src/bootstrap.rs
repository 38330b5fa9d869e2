//! Bringing a database up to the schema at start-up, probing it for readiness, and pool figures
//! for metrics.
//!
//! This is the stand-in for real migrations: a `_manzil_schema` table records the version of the
//! generated DDL, and the tables are created only when the database has none yet. A later change
//! replaces it with per-dialect migrations (`migrations/sqlite`, `migrations/postgres`) that start
//! from the version recorded here.

use policy::SqlValue;

use crate::engine::Db;
use crate::error::Result;

/// What [`Db::ensure_tables`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaState {
    /// The database was empty: every table was created and `version` recorded.
    Created { version: i64 },
    /// The tables were there already, at the recorded version.
    Existing { version: i64 },
}

/// Open and idle connections of the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    pub size: u32,
    pub idle: usize,
}

impl Db {
    /// Creates the schema's tables when the database has none (no `_manzil_schema` row yet), and
    /// records `version`. Returns the version found or written.
    ///
    /// Not safe against two processes initialising the same empty database at the same instant
    /// (the second fails on `CREATE TABLE`); start one server first. Migrations will take a lock.
    pub async fn ensure_tables(&self, version: i64) -> Result<SchemaState> {
        self.execute_script(
            &["CREATE TABLE IF NOT EXISTS \"_manzil_schema\" (\"version\" BIGINT NOT NULL)".to_owned()],
        )
        .await?;
        let found = {
            let mut tx = self.pool().begin(None).await?;
            let v =
                tx.fetch_i64("SELECT COALESCE(MAX(\"version\"), 0) FROM \"_manzil_schema\"".to_owned(), vec![]).await?;
            tx.commit().await?;
            v
        };
        if found > 0 {
            return Ok(SchemaState::Existing { version: found });
        }
        self.create_tables().await?;
        let mut tx = self.pool().begin(None).await?;
        let sql = match self.dialect() {
            policy::Dialect::Sqlite => "INSERT INTO \"_manzil_schema\" (\"version\") VALUES (?)",
            policy::Dialect::Postgres => "INSERT INTO \"_manzil_schema\" (\"version\") VALUES ($1)",
        };
        tx.execute(sql.to_owned(), vec![SqlValue::Int(version)]).await?;
        tx.commit().await?;
        Ok(SchemaState::Created { version })
    }

    /// Answers when the database does (`SELECT 1`): the readiness probe.
    pub async fn ping(&self) -> Result<()> {
        let mut tx = self.pool().reader(None, false).await?;
        tx.fetch_i64("SELECT 1".to_owned(), vec![]).await?;
        Ok(())
    }

    /// How many connections the pool holds, and how many of them are idle.
    pub fn pool_stats(&self) -> PoolStats {
        self.pool().stats()
    }
}
