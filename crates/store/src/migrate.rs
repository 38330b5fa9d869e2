//! Migrations: ordered SQL files per dialect, each applied once in its own transaction and
//! recorded with a checksum (an applied file that changed afterwards is an error, not a surprise);
//! plus installing PostgreSQL row-level security and checking the application role.
//!
//! The files are the application's (`migrations/{sqlite,postgres}/NNNN_name.sql`, written from
//! `manzil schema sql` and embedded by `app::schema`); this module only runs them.

use policy::{Dialect, SqlValue};

use crate::engine::Db;
use crate::error::{Result, StoreError};

/// One migration file.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// What [`Db::migrate`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    pub applied: Vec<i64>,
    pub current: i64,
}

/// How the connected role stands towards row-level security (PostgreSQL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleCheck {
    pub role: String,
    /// Superuser or BYPASSRLS: policies never apply to it.
    pub bypasses_rls: bool,
    /// Owns the tables (FORCE ROW LEVEL SECURITY still applies, but the owner may turn it off).
    pub owns_tables: bool,
    /// The RLS policies are installed (the `manzil_is_system` function exists).
    pub rls_installed: bool,
}

/// FNV-1a: a stable checksum of a migration's text (not a security measure).
fn checksum(sql: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in sql.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

impl Db {
    /// Applies the migrations not applied yet, in version order, each in one transaction
    /// (serialised by an advisory lock on PostgreSQL, so two starting servers do not race).
    pub async fn migrate(&self, migrations: &[Migration]) -> Result<MigrationReport> {
        let pool = self.pool();
        // Look before creating: the server's own role may read the table but not create tables.
        let exists_sql = match self.dialect() {
            Dialect::Sqlite => {
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_manzil_migrations'"
            }
            Dialect::Postgres => {
                "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = '_manzil_migrations'"
            }
        };
        let mut probe = pool.reader(None, false).await?;
        let exists = probe.fetch_i64(exists_sql.to_owned(), vec![]).await? > 0;
        drop(probe);
        if !exists {
            pool.execute_script(&[
                "CREATE TABLE IF NOT EXISTS \"_manzil_migrations\" (\"version\" BIGINT PRIMARY KEY, \"name\" TEXT NOT NULL, \"checksum\" TEXT NOT NULL, \"applied_at\" TEXT NOT NULL)".to_owned(),
            ])
            .await?;
        }
        let mut sorted = migrations.to_vec();
        sorted.sort_by_key(|m| m.version);
        let mut applied = Vec::new();
        let mut current = 0;
        for m in sorted {
            let mut tx = pool.begin(None).await?;
            let (select, insert) = match self.dialect() {
                Dialect::Sqlite => (
                    "SELECT json_object('checksum', \"checksum\") FROM \"_manzil_migrations\" WHERE \"version\" = ?",
                    "INSERT INTO \"_manzil_migrations\" (\"version\", \"name\", \"checksum\", \"applied_at\") VALUES (?, ?, ?, ?)",
                ),
                Dialect::Postgres => (
                    "SELECT json_build_object('checksum', \"checksum\")::text FROM \"_manzil_migrations\" WHERE \"version\" = $1",
                    "INSERT INTO \"_manzil_migrations\" (\"version\", \"name\", \"checksum\", \"applied_at\") VALUES ($1, $2, $3, $4)",
                ),
            };
            let found = tx.fetch_json(select.to_owned(), vec![SqlValue::Int(m.version)]).await?;
            let sum = checksum(m.sql);
            match found.first().and_then(|v| v.get("checksum")).and_then(|c| c.as_str()) {
                Some(existing) if existing == sum => {
                    tx.commit().await?;
                }
                Some(_) => {
                    return Err(StoreError::invalid(format!(
                        "migration {} ({}) was changed after it was applied; add a new migration instead",
                        m.version, m.name
                    )));
                }
                None => {
                    if self.dialect() == Dialect::Postgres {
                        // Serialise concurrent migrators, then look again.
                        tx.fetch_i64("SELECT 1 FROM (SELECT pg_advisory_xact_lock(727274)) AS l".to_owned(), vec![])
                            .await?;
                        let again = tx.fetch_json(select.to_owned(), vec![SqlValue::Int(m.version)]).await?;
                        if !again.is_empty() {
                            tx.commit().await?;
                            current = m.version;
                            continue;
                        }
                    }
                    tx.execute_raw(m.sql.to_owned()).await?;
                    tx.execute(
                        insert.to_owned(),
                        vec![
                            SqlValue::Int(m.version),
                            SqlValue::Text(m.name.to_owned()),
                            SqlValue::Text(sum),
                            SqlValue::Text(crate::value::now_string()),
                        ],
                    )
                    .await?;
                    tx.commit().await?;
                    applied.push(m.version);
                }
            }
            current = m.version;
        }
        // The job queue's internal table (not in `schema.zmodel`; `store::queue`): every run.
        self.queue().ensure_table().await?;
        Ok(MigrationReport { applied, current })
    }

    /// Installs the RLS script (PostgreSQL; idempotent) and grants `app_role` what the engine
    /// needs on the current schema's tables and sequences — nothing more (no ownership, no
    /// BYPASSRLS).
    pub async fn install_rls(&self, script: &str, app_role: Option<&str>) -> Result<()> {
        if self.dialect() != Dialect::Postgres {
            return Ok(());
        }
        let mut tx = self.pool().begin(None).await?;
        tx.execute_raw(script.to_owned()).await?;
        if let Some(role) = app_role {
            let role = format!("\"{}\"", role.replace('"', "\"\""));
            tx.execute_raw(format!(
                "DO $g$ BEGIN EXECUTE format('GRANT USAGE ON SCHEMA %I TO {r}', current_schema()); \
                 EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO {r}', current_schema()); \
                 EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %I TO {r}', current_schema()); END $g$;",
                r = role.replace('\'', "''")
            ))
            .await?;
        }
        tx.commit().await
    }

    /// How the connected role stands towards RLS (PostgreSQL only; `None` on SQLite).
    pub async fn check_role(&self) -> Result<Option<RoleCheck>> {
        if self.dialect() != Dialect::Postgres {
            return Ok(None);
        }
        let mut conn = self.pool().reader(None, false).await?;
        let v = conn
            .fetch_json(
                "SELECT json_build_object(
                    'role', current_user,
                    'bypasses', (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user),
                    'owns', EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tableowner = current_user),
                    'rls', EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'manzil_is_system')
                 )::text"
                    .to_owned(),
                vec![],
            )
            .await?;
        let v = v.into_iter().next().unwrap_or_default();
        Ok(Some(RoleCheck {
            role: v.get("role").and_then(|r| r.as_str()).unwrap_or_default().to_owned(),
            bypasses_rls: v.get("bypasses").and_then(serde_json::Value::as_bool).unwrap_or(false),
            owns_tables: v.get("owns").and_then(serde_json::Value::as_bool).unwrap_or(false),
            rls_installed: v.get("rls").and_then(serde_json::Value::as_bool).unwrap_or(false),
        }))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn checksums_are_stable_and_sensitive() {
        assert_eq!(super::checksum("CREATE TABLE a (x INT);"), super::checksum("CREATE TABLE a (x INT);"));
        assert_ne!(super::checksum("CREATE TABLE a (x INT);"), super::checksum("CREATE TABLE a (x BIGINT);"));
    }
}
