//! Connections and statement execution for both dialects: binding [`SqlValue`]s, fetching the JSON
//! rows the engine's SELECTs produce, and transactions that carry the auth context for RLS.

use policy::{Dialect, SqlValue};
use serde_json::Value;
use sqlx::postgres::{PgArguments, PgPoolOptions};
use sqlx::sqlite::{SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{AssertSqlSafe, Postgres, Row, Sqlite};
use std::str::FromStr;

use crate::error::{Result, StoreError};

/// A connection pool of either dialect.
#[derive(Debug, Clone)]
pub enum Pool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Pool {
    /// Connects to `url` (`sqlite:…` or `postgres://…`). SQLite files are created, in WAL mode,
    /// with foreign keys on.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Pool> {
        if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .foreign_keys(true)
                .journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(std::time::Duration::from_secs(10));
            // No ping before each acquire (a round trip to sqlx's worker thread per query): a SQLite
            // connection does not drop.
            let pool = SqlitePoolOptions::new()
                .max_connections(max_connections)
                .test_before_acquire(false)
                .connect_with(opts)
                .await?;
            Ok(Pool::Sqlite(pool))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // No ping before each acquire: it costs a network round trip per query. A connection the
            // server dropped is detected by the statement itself instead, and the engine retries
            // once on a fresh connection where that is safe (see [`connection_lost`]).
            let pool = PgPoolOptions::new()
                .max_connections(max_connections)
                .test_before_acquire(false)
                .idle_timeout(std::time::Duration::from_secs(300))
                .connect(url)
                .await?;
            Ok(Pool::Postgres(pool))
        } else {
            Err(StoreError::invalid(format!(
                "unsupported database URL (expected sqlite: or postgres://): {}",
                redact(url)
            )))
        }
    }

    pub fn dialect(&self) -> Dialect {
        match self {
            Pool::Sqlite(_) => Dialect::Sqlite,
            Pool::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Starts a transaction — again on another connection while the server had dropped the ones
    /// met (nothing ran on them yet); see [`Pool::begin_once`].
    pub async fn begin(&self, auth: Option<&str>) -> Result<Tx> {
        let mut tries = self.max_size();
        loop {
            match self.begin_once(auth).await {
                Err(e) if connection_lost(&e) && tries > 0 => tries -= 1,
                r => return r,
            }
        }
    }

    /// How many connections the pool may hold: how many dead idle ones a retry may meet (sqlx
    /// closes a connection that fails, so each is met once).
    pub fn max_size(&self) -> u32 {
        match self {
            Pool::Sqlite(p) => p.options().get_max_connections(),
            Pool::Postgres(p) => p.options().get_max_connections(),
        }
    }

    /// Starts a transaction; on PostgreSQL with `auth` given, sets `manzil.auth` transaction-locally
    /// first (never a session-wide SET, which would leak across pooled connections).
    async fn begin_once(&self, auth: Option<&str>) -> Result<Tx> {
        match self {
            // IMMEDIATE: a deferred transaction that reads and then writes cannot wait for another
            // writer (SQLite answers "database is locked" at once when the read snapshot is stale);
            // taking the write lock up front lets the busy timeout queue writers instead.
            Pool::Sqlite(p) => Ok(Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?)),
            Pool::Postgres(p) => {
                let mut tx = p.begin().await?;
                if let Some(a) = auth {
                    sqlx::query("SELECT set_config('manzil.auth', $1, true)").bind(a).execute(&mut *tx).await?;
                }
                Ok(Tx::Postgres(tx))
            }
        }
    }

    /// A connection for a read: a plain pooled connection, except on PostgreSQL with row-level
    /// security on, where the auth context needs a transaction.
    pub async fn reader(&self, auth: Option<&str>, rls: bool) -> Result<Tx> {
        match self {
            Pool::Sqlite(p) => Ok(Tx::SqliteConn(p.acquire().await?)),
            Pool::Postgres(p) if !rls => Ok(Tx::PostgresConn(p.acquire().await?)),
            Pool::Postgres(_) => self.begin(auth).await,
        }
    }

    /// Runs a script of statements (DDL) one by one, outside the policy engine.
    pub async fn execute_script(&self, statements: &[String]) -> Result<()> {
        for s in statements {
            match self {
                Pool::Sqlite(p) => {
                    sqlx::raw_sql(AssertSqlSafe(s.clone())).execute(p).await?;
                }
                Pool::Postgres(p) => {
                    sqlx::raw_sql(AssertSqlSafe(s.clone())).execute(p).await?;
                }
            }
        }
        Ok(())
    }

    /// Open and idle connections.
    pub fn stats(&self) -> crate::bootstrap::PoolStats {
        match self {
            Pool::Sqlite(p) => crate::bootstrap::PoolStats { size: p.size(), idle: p.num_idle() },
            Pool::Postgres(p) => crate::bootstrap::PoolStats { size: p.size(), idle: p.num_idle() },
        }
    }

    pub async fn close(&self) {
        match self {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

/// Whether `e` says the connection itself is gone (the server restarted or dropped it, the socket
/// broke) rather than that the statement failed: the same statement may then run again on a
/// fresh connection, if it had no effect yet.
pub fn connection_lost(e: &StoreError) -> bool {
    match e {
        StoreError::Db(sqlx::Error::Io(_) | sqlx::Error::Protocol(_) | sqlx::Error::WorkerCrashed) => true,
        // 57P01–57P03: administrator / crash shutdown, cannot connect now; class 08: connection
        // exceptions.
        StoreError::Db(sqlx::Error::Database(db)) => {
            db.code().is_some_and(|c| c.starts_with("57P0") || c.starts_with("08"))
        }
        _ => false,
    }
}

/// Hides the password in a database URL for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}://{}:***{}", &url[..s], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// An open transaction, or a plain pooled connection for reads that need none.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
    SqliteConn(sqlx::pool::PoolConnection<Sqlite>),
    PostgresConn(sqlx::pool::PoolConnection<Postgres>),
}

fn sqlite_args(params: Vec<SqlValue>) -> Result<SqliteArguments> {
    use sqlx::Arguments;
    let mut a = SqliteArguments::default();
    for p in params {
        let r = match p {
            SqlValue::Null => a.add(Option::<String>::None),
            SqlValue::Bool(b) => a.add(i64::from(b)),
            SqlValue::Int(i) => a.add(i),
            SqlValue::Float(f) => a.add(f),
            SqlValue::Decimal(d) => match d.parse::<f64>() {
                Ok(f) => a.add(f),
                Err(_) => a.add(d),
            },
            SqlValue::Text(s) | SqlValue::Timestamp(s) | SqlValue::Json(s) => a.add(s),
            SqlValue::Bytes(b) => a.add(b),
            SqlValue::TextArray(v) => a.add(serde_json::to_string(&v).unwrap_or_default()),
            SqlValue::IntArray(v) => a.add(serde_json::to_string(&v).unwrap_or_default()),
        };
        r.map_err(|e| StoreError::invalid(format!("cannot bind parameter: {e}")))?;
    }
    Ok(a)
}

fn pg_args(params: Vec<SqlValue>) -> Result<PgArguments> {
    use sqlx::Arguments;
    let mut a = PgArguments::default();
    for p in params {
        let r = match p {
            SqlValue::Null => a.add(Option::<String>::None),
            SqlValue::Bool(b) => a.add(b),
            SqlValue::Int(i) => a.add(i),
            SqlValue::Float(f) => a.add(f),
            SqlValue::Text(s) | SqlValue::Decimal(s) | SqlValue::Timestamp(s) | SqlValue::Json(s) => a.add(s),
            SqlValue::Bytes(b) => a.add(b),
            SqlValue::TextArray(v) => a.add(v),
            SqlValue::IntArray(v) => a.add(v),
        };
        r.map_err(|e| StoreError::invalid(format!("cannot bind parameter: {e}")))?;
    }
    Ok(a)
}

macro_rules! on_tx {
    ($tx:expr, $sql:expr, $params:expr, |$q:ident, $conn:ident| $body:expr) => {
        match $tx {
            Tx::Sqlite(t) => {
                let $q = sqlx::query_with(AssertSqlSafe($sql), sqlite_args($params)?);
                let $conn = &mut **t;
                $body
            }
            Tx::Postgres(t) => {
                let $q = sqlx::query_with(AssertSqlSafe($sql), pg_args($params)?);
                let $conn = &mut **t;
                $body
            }
            Tx::SqliteConn(t) => {
                let $q = sqlx::query_with(AssertSqlSafe($sql), sqlite_args($params)?);
                let $conn = &mut **t;
                $body
            }
            Tx::PostgresConn(t) => {
                let $q = sqlx::query_with(AssertSqlSafe($sql), pg_args($params)?);
                let $conn = &mut **t;
                $body
            }
        }
    };
}

impl Tx {
    /// Runs a statement; returns the number of rows affected.
    pub async fn execute(&mut self, sql: String, params: Vec<SqlValue>) -> Result<u64> {
        tracing::trace!(%sql, "execute");
        on_tx!(self, sql, params, |q, c| Ok(q.execute(c).await?.rows_affected()))
    }

    /// Runs a query whose single column is JSON text; returns the parsed values.
    pub async fn fetch_json(&mut self, sql: String, params: Vec<SqlValue>) -> Result<Vec<Value>> {
        self.fetch_decoded(sql, params, |text| text.map_or(Ok(Value::Null), serde_json::from_str)).await
    }

    /// Runs a query whose single column is JSON text; decodes each row's text (None for NULL)
    /// with `decode` as the row arrives, where it lies, without copying it first (and drops the
    /// row before the next: only the decoded values are kept).
    pub async fn fetch_decoded<T: Send + Unpin>(
        &mut self,
        sql: String,
        params: Vec<SqlValue>,
        decode: impl Fn(Option<&str>) -> serde_json::Result<T> + Sync,
    ) -> Result<Vec<T>> {
        tracing::trace!(%sql, "fetch_json");
        let decoded = |text: Option<&str>| decode(text).map_err(|e| sqlx::Error::Decode(Box::new(e)));
        on_tx!(self, sql, params, |q, c| Ok(q.try_map(|r| decoded(r.try_get(0)?)).fetch_all(c).await?))
    }

    /// Runs a query returning one integer (COUNT, EXISTS as 0/1).
    pub async fn fetch_i64(&mut self, sql: String, params: Vec<SqlValue>) -> Result<i64> {
        tracing::trace!(%sql, "fetch_i64");
        on_tx!(self, sql, params, |q, c| {
            let row = q.fetch_one(c).await?;
            // COUNT(*) is bigint, a bare integer literal is int4 on PostgreSQL.
            match row.try_get::<i64, _>(0) {
                Ok(v) => Ok(v),
                Err(_) => Ok(i64::from(row.try_get::<i32, _>(0)?)),
            }
        })
    }

    /// Runs a script that may hold several statements (a migration file), without parameters.
    pub async fn execute_raw(&mut self, sql: String) -> Result<()> {
        match self {
            Tx::Sqlite(t) => {
                sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut **t).await?;
            }
            Tx::Postgres(t) => {
                sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut **t).await?;
            }
            Tx::SqliteConn(t) => {
                sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut **t).await?;
            }
            Tx::PostgresConn(t) => {
                sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut **t).await?;
            }
        }
        Ok(())
    }

    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
            Tx::SqliteConn(_) | Tx::PostgresConn(_) => {}
        }
        Ok(())
    }
}
