//! The durable job queue's table and statements: `_manzil_jobs`, created like the bootstrap table,
//! and the few statements a worker needs (enqueue, claim, heartbeat, progress, finish, retry).
//!
//! The table is internal: it is not in `schema.zmodel` and no rule guards it. Callers scope what
//! they read with a [`JobScope`] (a tenant, and optionally one actor); the worker re-enters the
//! acting user's rules itself before it touches CRM data (crate `jobs`, `app::jobs`).
//!
//! Claiming is the one place where the dialects differ: PostgreSQL picks the oldest due row with
//! `FOR UPDATE SKIP LOCKED`; SQLite serialises writers, so one `UPDATE … RETURNING` over the oldest
//! due row (re-checked in the outer `WHERE`) is exclusive. Times are epoch milliseconds.

use policy::{Dialect, SqlValue};
use serde_json::Value;

use crate::engine::Db;
use crate::error::{Result, StoreError};
use crate::exec::Tx;

const TABLE_DDL: &str = "CREATE TABLE IF NOT EXISTS \"_manzil_jobs\" (\
    \"id\" TEXT NOT NULL PRIMARY KEY, \
    \"kind\" TEXT NOT NULL, \
    \"payload\" TEXT NOT NULL, \
    \"tenant_id\" TEXT, \
    \"actor\" TEXT NOT NULL, \
    \"status\" TEXT NOT NULL, \
    \"attempts\" INTEGER NOT NULL DEFAULT 0, \
    \"max_attempts\" INTEGER NOT NULL, \
    \"run_at\" BIGINT NOT NULL, \
    \"locked_until\" BIGINT, \
    \"locked_by\" TEXT, \
    \"last_error\" TEXT, \
    \"progress\" TEXT, \
    \"result\" TEXT, \
    \"created_at\" BIGINT NOT NULL, \
    \"updated_at\" BIGINT NOT NULL, \
    \"dedupe_key\" TEXT)";

const INDEX_DDL: [&str; 3] = [
    "CREATE INDEX IF NOT EXISTS \"_manzil_jobs_due\" ON \"_manzil_jobs\" (\"status\", \"run_at\")",
    "CREATE INDEX IF NOT EXISTS \"_manzil_jobs_tenant\" ON \"_manzil_jobs\" (\"tenant_id\", \"created_at\")",
    DEDUPE_INDEX_DDL,
];

/// At most one job per delivery key (NULL keys never collide, on both dialects).
const DEDUPE_INDEX_DDL: &str =
    "CREATE UNIQUE INDEX IF NOT EXISTS \"_manzil_jobs_dedupe\" ON \"_manzil_jobs\" (\"dedupe_key\")";

/// Brings a table made before `dedupe_key` existed up to date.
const DEDUPE_COLUMN_DDL: &str = "ALTER TABLE \"_manzil_jobs\" ADD COLUMN \"dedupe_key\" TEXT";

const COLUMNS: [&str; 17] = [
    "id",
    "kind",
    "payload",
    "tenant_id",
    "actor",
    "status",
    "attempts",
    "max_attempts",
    "run_at",
    "locked_until",
    "locked_by",
    "last_error",
    "progress",
    "result",
    "created_at",
    "updated_at",
    "dedupe_key",
];

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    Queued,
    Running,
    Done,
    Failed,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<JobStatus> {
        match s {
            "queued" => Some(JobStatus::Queued),
            "running" => Some(JobStatus::Running),
            "done" => Some(JobStatus::Done),
            "failed" => Some(JobStatus::Failed),
            _ => None,
        }
    }
}

/// On whose behalf a job runs: a user of the job's tenant, or a named system actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobActor {
    User(String),
    System(String),
}

impl JobActor {
    /// The stored form: `user:<id>` or `system:<name>`.
    pub fn encode(&self) -> String {
        match self {
            JobActor::User(id) => format!("user:{id}"),
            JobActor::System(name) => format!("system:{name}"),
        }
    }

    fn decode(s: &str) -> JobActor {
        match s.split_once(':') {
            Some(("user", id)) => JobActor::User(id.to_owned()),
            Some((_, name)) => JobActor::System(name.to_owned()),
            None => JobActor::System(s.to_owned()),
        }
    }

    /// The user id, for a user actor.
    pub fn user_id(&self) -> Option<&str> {
        match self {
            JobActor::User(id) => Some(id),
            JobActor::System(_) => None,
        }
    }
}

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: String,
    pub payload: Value,
    pub tenant_id: Option<String>,
    pub actor: JobActor,
    /// Attempts before the job is failed for good (at least 1).
    pub max_attempts: u32,
    /// Not before this time (epoch ms); `None` = now.
    pub run_at: Option<i64>,
    /// A delivery key (e.g. a webhook's message ids): while a job with the same key exists, this
    /// one is not queued (`None` = always queued).
    pub dedupe_key: Option<String>,
}

impl NewJob {
    /// The same job, queued at most once per `key`.
    pub fn deduped(self, key: impl Into<String>) -> NewJob {
        NewJob { dedupe_key: Some(key.into()), ..self }
    }
}

/// A row of `_manzil_jobs`.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRecord {
    pub id: String,
    pub kind: String,
    pub payload: Value,
    pub tenant_id: Option<String>,
    pub actor: JobActor,
    pub status: JobStatus,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: i64,
    pub locked_until: Option<i64>,
    /// The claim token of the worker holding the job (fences late writes of a worker whose lease
    /// expired).
    pub locked_by: Option<String>,
    pub last_error: Option<String>,
    pub progress: Option<Value>,
    pub result: Option<Value>,
    pub created_at: i64,
    pub updated_at: i64,
    pub dedupe_key: Option<String>,
}

/// Whose jobs a read may see: one tenant's, and optionally only one actor's.
#[derive(Debug, Clone)]
pub struct JobScope {
    pub tenant_id: String,
    pub actor: Option<JobActor>,
}

/// How a finished attempt ends.
#[derive(Debug, Clone)]
pub enum Finish {
    Done {
        result: Value,
    },
    /// Back to `queued`, due at `run_at` (epoch ms).
    Retry {
        error: String,
        run_at: i64,
    },
    Failed {
        error: String,
        result: Option<Value>,
    },
}

/// The current time in epoch milliseconds.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The job queue over one database. Cheap to clone.
#[derive(Clone)]
pub struct Queue {
    db: Db,
}

impl Db {
    /// The durable job queue in this database.
    pub fn queue(&self) -> Queue {
        Queue { db: self.clone() }
    }
}

/// A statement written with `?` placeholders, numbered for PostgreSQL.
fn sql(dialect: Dialect, text: &str) -> String {
    match dialect {
        Dialect::Sqlite => text.to_owned(),
        Dialect::Postgres => {
            let mut out = String::with_capacity(text.len() + 16);
            let mut n = 0;
            for c in text.chars() {
                if c == '?' {
                    n += 1;
                    out.push('$');
                    out.push_str(&n.to_string());
                } else {
                    out.push(c);
                }
            }
            out
        }
    }
}

/// The JSON object expression of a whole row.
fn row_json(dialect: Dialect) -> String {
    let pairs = COLUMNS.iter().map(|c| format!("'{c}', \"{c}\"")).collect::<Vec<_>>().join(", ");
    match dialect {
        Dialect::Sqlite => format!("json_object({pairs})"),
        Dialect::Postgres => format!("json_build_object({pairs})::text"),
    }
}

fn text(s: impl Into<String>) -> SqlValue {
    SqlValue::Text(s.into())
}

fn opt_text(s: Option<String>) -> SqlValue {
    s.map_or(SqlValue::Null, SqlValue::Text)
}

fn decode(v: &Value) -> Result<JobRecord> {
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let i = |k: &str| v.get(k).and_then(Value::as_i64);
    let json = |k: &str| s(k).and_then(|t| serde_json::from_str::<Value>(&t).ok());
    let bad = || StoreError::invalid(format!("malformed job row: {v}"));
    Ok(JobRecord {
        id: s("id").ok_or_else(bad)?,
        kind: s("kind").ok_or_else(bad)?,
        payload: json("payload").unwrap_or(Value::Null),
        tenant_id: s("tenant_id"),
        actor: JobActor::decode(&s("actor").ok_or_else(bad)?),
        status: s("status").as_deref().and_then(JobStatus::parse).ok_or_else(bad)?,
        attempts: i("attempts").ok_or_else(bad)?,
        max_attempts: i("max_attempts").ok_or_else(bad)?,
        run_at: i("run_at").ok_or_else(bad)?,
        locked_until: i("locked_until"),
        locked_by: s("locked_by"),
        last_error: s("last_error"),
        progress: json("progress"),
        result: json("result"),
        created_at: i("created_at").ok_or_else(bad)?,
        updated_at: i("updated_at").ok_or_else(bad)?,
        dedupe_key: s("dedupe_key"),
    })
}

impl Queue {
    fn dialect(&self) -> Dialect {
        self.db.dialect()
    }

    async fn fetch(&self, text: &str, params: Vec<SqlValue>) -> Result<Vec<JobRecord>> {
        let mut tx = self.db.pool().begin(None).await?;
        let rows = tx.fetch_json(sql(self.dialect(), text), params).await?;
        tx.commit().await?;
        rows.iter().map(decode).collect()
    }

    async fn execute(&self, text: &str, params: Vec<SqlValue>) -> Result<u64> {
        let mut tx = self.db.pool().begin(None).await?;
        let n = tx.execute(sql(self.dialect(), text), params).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Creates `_manzil_jobs` and its indexes when missing (run by `Db::migrate`; idempotent).
    /// Looks first: the server's own role may use the table but not create tables.
    pub async fn ensure_table(&self) -> Result<()> {
        let exists_sql = match self.dialect() {
            Dialect::Sqlite => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_manzil_jobs'",
            Dialect::Postgres => {
                "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = '_manzil_jobs'"
            }
        };
        let column_sql = match self.dialect() {
            Dialect::Sqlite => "SELECT COUNT(*) FROM pragma_table_info('_manzil_jobs') WHERE name = 'dedupe_key'",
            Dialect::Postgres => {
                "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() \
                 AND table_name = '_manzil_jobs' AND column_name = 'dedupe_key'"
            }
        };
        let mut probe = self.db.pool().reader(None, false).await?;
        let exists = probe.fetch_i64(exists_sql.to_owned(), vec![]).await? > 0;
        let has_key = exists && probe.fetch_i64(column_sql.to_owned(), vec![]).await? > 0;
        drop(probe);
        if has_key {
            return Ok(());
        }
        if exists {
            // A table of an earlier version: add the delivery key (NULL for every existing job).
            return self.db.execute_script(&[DEDUPE_COLUMN_DDL.to_owned(), DEDUPE_INDEX_DDL.to_owned()]).await;
        }
        let mut ddl = vec![TABLE_DDL.to_owned()];
        ddl.extend(INDEX_DDL.iter().map(|s| (*s).to_owned()));
        self.db.execute_script(&ddl).await
    }

    /// Enqueues a job in its own transaction; returns the stored row — for a job with a
    /// [`NewJob::dedupe_key`] already queued, the existing job's row.
    pub async fn enqueue(&self, job: &NewJob) -> Result<JobRecord> {
        let mut tx = self.db.pool().begin(None).await?;
        let rec = match insert(&mut tx, self.dialect(), job, None).await? {
            Some(rec) => rec,
            None => by_key(&mut tx, self.dialect(), job.dedupe_key.as_deref().unwrap_or_default()).await?,
        };
        tx.commit().await?;
        Ok(rec)
    }

    /// Enqueues a job unless one with the same [`NewJob::dedupe_key`] exists (whatever its
    /// status); `None` when it did (a duplicate delivery).
    pub async fn enqueue_once(&self, job: &NewJob) -> Result<Option<JobRecord>> {
        let mut tx = self.db.pool().begin(None).await?;
        let rec = insert(&mut tx, self.dialect(), job, None).await?;
        tx.commit().await?;
        Ok(rec)
    }

    /// Enqueues a job already claimed by the caller (`running`, leased until `lease_until` under
    /// the claim token `lock`): for running a job synchronously (the CLI) without a worker
    /// picking it up first.
    pub async fn enqueue_claimed(&self, job: &NewJob, lock: &str, lease_until: i64) -> Result<JobRecord> {
        let mut tx = self.db.pool().begin(None).await?;
        let rec = match insert(&mut tx, self.dialect(), job, Some((lock, lease_until))).await? {
            Some(rec) => rec,
            None => return Err(StoreError::invalid("a job with this dedupe key is already queued")),
        };
        tx.commit().await?;
        Ok(rec)
    }

    /// Whether a claim or [`Queue::fail_expired`] would find anything: one read, so idle workers
    /// never take the write lock (SQLite has one for the whole database). Returns `(due, expired)`.
    pub async fn peek(&self, kinds: &[&str]) -> Result<(bool, bool)> {
        if kinds.is_empty() {
            return Ok((false, false));
        }
        let now = now_ms();
        let kind_list = vec!["?"; kinds.len()].join(", ");
        let statement = format!(
            "SELECT (CASE WHEN EXISTS (SELECT 1 FROM \"_manzil_jobs\" WHERE ((\"status\" = 'queued' \
             AND \"run_at\" <= ?) OR (\"status\" = 'running' AND \"locked_until\" < ?)) \
             AND \"attempts\" < \"max_attempts\" AND \"kind\" IN ({kind_list})) THEN 2 ELSE 0 END) \
             + (CASE WHEN EXISTS (SELECT 1 FROM \"_manzil_jobs\" WHERE \"status\" = 'running' \
             AND \"locked_until\" < ? AND \"attempts\" >= \"max_attempts\") THEN 1 ELSE 0 END)"
        );
        let mut params = vec![SqlValue::Int(now), SqlValue::Int(now)];
        params.extend(kinds.iter().map(|k| text(*k)));
        params.push(SqlValue::Int(now));
        let mut tx = self.db.pool().reader(None, false).await?;
        let n = tx.fetch_i64(sql(self.dialect(), &statement), params).await?;
        Ok((n >= 2, n % 2 == 1))
    }

    /// Fails the jobs whose lease ran out on their last attempt (the worker died); returns their
    /// rows, so their kinds can settle what the job left unfinished.
    pub async fn fail_expired(&self) -> Result<Vec<JobRecord>> {
        let now = now_ms();
        let returning = row_json(self.dialect());
        self.fetch(
            &format!(
                "UPDATE \"_manzil_jobs\" SET \"status\" = 'failed', \"last_error\" = ?, \"locked_until\" = NULL, \
                 \"locked_by\" = NULL, \"updated_at\" = ? \
                 WHERE \"status\" = 'running' AND \"locked_until\" < ? AND \"attempts\" >= \"max_attempts\" \
                 RETURNING {returning}"
            ),
            vec![
                text("the worker stopped during the last attempt (lease expired)"),
                SqlValue::Int(now),
                SqlValue::Int(now),
            ],
        )
        .await
    }

    /// Claims the oldest due job of one of `kinds` — queued and due, or running with an expired
    /// lease (its worker died) and attempts left — for `lease_ms` under the claim token `lock`.
    /// Counts an attempt.
    pub async fn claim(&self, kinds: &[&str], lock: &str, lease_ms: i64) -> Result<Option<JobRecord>> {
        if kinds.is_empty() {
            return Ok(None);
        }
        let now = now_ms();
        let kind_list = vec!["?"; kinds.len()].join(", ");
        let due = format!(
            "((\"status\" = 'queued' AND \"run_at\" <= ?) OR (\"status\" = 'running' AND \"locked_until\" < ?)) \
             AND \"attempts\" < \"max_attempts\" AND \"kind\" IN ({kind_list})"
        );
        let mut params = vec![SqlValue::Int(now + lease_ms), text(lock), SqlValue::Int(now)];
        let due_params = || {
            let mut p = vec![SqlValue::Int(now), SqlValue::Int(now)];
            p.extend(kinds.iter().map(|k| text(*k)));
            p
        };
        let statement = match self.dialect() {
            Dialect::Postgres => {
                params.extend(due_params());
                format!(
                    "UPDATE \"_manzil_jobs\" SET \"status\" = 'running', \"attempts\" = \"attempts\" + 1, \
                     \"locked_until\" = ?, \"locked_by\" = ?, \"updated_at\" = ? \
                     WHERE \"id\" = (SELECT \"id\" FROM \"_manzil_jobs\" WHERE {due} \
                     ORDER BY \"run_at\", \"created_at\", \"id\" LIMIT 1 FOR UPDATE SKIP LOCKED) \
                     RETURNING {}",
                    row_json(Dialect::Postgres)
                )
            }
            Dialect::Sqlite => {
                params.extend(due_params());
                params.extend(due_params());
                format!(
                    "UPDATE \"_manzil_jobs\" SET \"status\" = 'running', \"attempts\" = \"attempts\" + 1, \
                     \"locked_until\" = ?, \"locked_by\" = ?, \"updated_at\" = ? \
                     WHERE \"id\" = (SELECT \"id\" FROM \"_manzil_jobs\" WHERE {due} \
                     ORDER BY \"run_at\", \"created_at\", \"id\" LIMIT 1) AND {due} \
                     RETURNING {}",
                    row_json(Dialect::Sqlite)
                )
            }
        };
        Ok(self.fetch(&statement, params).await?.pop())
    }

    /// Extends the lease of a job still held under `lock`; `false` when the job is no longer
    /// ours (the lease expired and another worker took it, or it was finished).
    pub async fn heartbeat(&self, id: &str, lock: &str, lease_ms: i64) -> Result<bool> {
        let now = now_ms();
        let n = self
            .execute(
                "UPDATE \"_manzil_jobs\" SET \"locked_until\" = ?, \"updated_at\" = ? \
                 WHERE \"id\" = ? AND \"locked_by\" = ? AND \"status\" = 'running'",
                vec![SqlValue::Int(now + lease_ms), SqlValue::Int(now), text(id), text(lock)],
            )
            .await?;
        Ok(n == 1)
    }

    /// Records progress (and extends the lease) of a job held under `lock`; `false` when it is
    /// no longer ours.
    pub async fn progress(&self, id: &str, lock: &str, progress: &Value, lease_ms: i64) -> Result<bool> {
        let now = now_ms();
        let n = self
            .execute(
                "UPDATE \"_manzil_jobs\" SET \"progress\" = ?, \"locked_until\" = ?, \"updated_at\" = ? \
                 WHERE \"id\" = ? AND \"locked_by\" = ? AND \"status\" = 'running'",
                vec![
                    text(progress.to_string()),
                    SqlValue::Int(now + lease_ms),
                    SqlValue::Int(now),
                    text(id),
                    text(lock),
                ],
            )
            .await?;
        Ok(n == 1)
    }

    /// Ends the attempt of a job held under `lock`; `false` when it is no longer ours (nothing is
    /// written then). A job done after a failed attempt keeps that attempt's error for the record.
    pub async fn finish(&self, id: &str, lock: &str, finish: Finish) -> Result<bool> {
        let now = now_ms();
        let (status, run_at, error, result) = match finish {
            Finish::Done { result } => ("done", None, None, Some(result)),
            Finish::Retry { error, run_at } => ("queued", Some(run_at), Some(error), None),
            Finish::Failed { error, result } => ("failed", None, Some(error), result),
        };
        let run_at_sql = if run_at.is_some() { "?" } else { "\"run_at\"" };
        let statement = format!(
            "UPDATE \"_manzil_jobs\" SET \"status\" = ?, \"run_at\" = {run_at_sql}, \"last_error\" = COALESCE(?, \"last_error\"), \
             \"result\" = COALESCE(?, \"result\"), \"locked_until\" = NULL, \"locked_by\" = NULL, \"updated_at\" = ? \
             WHERE \"id\" = ? AND \"locked_by\" = ? AND \"status\" = 'running'"
        );
        let mut params = vec![text(status)];
        params.extend(run_at.map(SqlValue::Int));
        params.extend([
            opt_text(error),
            opt_text(result.map(|r| r.to_string())),
            SqlValue::Int(now),
            text(id),
            text(lock),
        ]);
        Ok(self.execute(&statement, params).await? == 1)
    }

    /// One job, if `scope` may see it.
    pub async fn get(&self, id: &str, scope: &JobScope) -> Result<Option<JobRecord>> {
        let (filter, mut params) = scope_filter(scope);
        params.insert(0, text(id));
        let statement =
            format!("SELECT {} FROM \"_manzil_jobs\" WHERE \"id\" = ? AND {filter}", row_json(self.dialect()));
        Ok(self.fetch(&statement, params).await?.pop())
    }

    /// One job by id, whoever it belongs to (the worker and tests).
    pub async fn get_any(&self, id: &str) -> Result<Option<JobRecord>> {
        let statement = format!("SELECT {} FROM \"_manzil_jobs\" WHERE \"id\" = ?", row_json(self.dialect()));
        Ok(self.fetch(&statement, vec![text(id)]).await?.pop())
    }

    /// The newest jobs `scope` may see, optionally of one status; at most `limit`.
    pub async fn list(&self, scope: &JobScope, status: Option<JobStatus>, limit: u32) -> Result<Vec<JobRecord>> {
        let (mut filter, mut params) = scope_filter(scope);
        if let Some(s) = status {
            filter.push_str(" AND \"status\" = ?");
            params.push(text(s.as_str()));
        }
        params.push(SqlValue::Int(i64::from(limit)));
        let statement = format!(
            "SELECT {} FROM \"_manzil_jobs\" WHERE {filter} ORDER BY \"created_at\" DESC, \"id\" DESC LIMIT ?",
            row_json(self.dialect())
        );
        self.fetch(&statement, params).await
    }

    /// Puts a failed job `scope` may see back in the queue with fresh attempts; `false` when there
    /// is no such failed job.
    pub async fn retry(&self, id: &str, scope: &JobScope) -> Result<bool> {
        let now = now_ms();
        let (filter, scope_params) = scope_filter(scope);
        let statement = format!(
            "UPDATE \"_manzil_jobs\" SET \"status\" = 'queued', \"attempts\" = 0, \"run_at\" = ?, \"updated_at\" = ? \
             WHERE \"id\" = ? AND \"status\" = 'failed' AND {filter}"
        );
        let mut params = vec![SqlValue::Int(now), SqlValue::Int(now), text(id)];
        params.extend(scope_params);
        Ok(self.execute(&statement, params).await? == 1)
    }
}

fn scope_filter(scope: &JobScope) -> (String, Vec<SqlValue>) {
    let mut filter = "\"tenant_id\" = ?".to_owned();
    let mut params = vec![text(scope.tenant_id.clone())];
    if let Some(actor) = &scope.actor {
        filter.push_str(" AND \"actor\" = ?");
        params.push(text(actor.encode()));
    }
    (filter, params)
}

/// The job holding delivery key `key`.
async fn by_key(tx: &mut Tx, dialect: Dialect, key: &str) -> Result<JobRecord> {
    let statement = format!("SELECT {} FROM \"_manzil_jobs\" WHERE \"dedupe_key\" = ?", row_json(dialect));
    let rows = tx.fetch_json(sql(dialect, &statement), vec![text(key)]).await?;
    rows.first().map(decode).transpose()?.ok_or_else(|| StoreError::invalid("the deduplicated job vanished"))
}

/// Inserts `job`; `None` when its [`NewJob::dedupe_key`] is already taken (nothing is written,
/// and the transaction stays usable: `ON CONFLICT DO NOTHING` raises no error).
pub(crate) async fn insert(
    tx: &mut Tx,
    dialect: Dialect,
    job: &NewJob,
    claimed: Option<(&str, i64)>,
) -> Result<Option<JobRecord>> {
    let now = now_ms();
    // Time-ordered (v7): jobs due at the same millisecond are claimed in the order they were queued.
    let id = uuid::Uuid::now_v7().to_string();
    let (status, attempts, locked_until, locked_by) = match claimed {
        Some((lock, until)) => ("running", 1, SqlValue::Int(until), text(lock)),
        None => ("queued", 0, SqlValue::Int(0), SqlValue::Null),
    };
    // A bound NULL is typed `text` on PostgreSQL: an unclaimed job writes the literal instead.
    let locked_until_sql = if claimed.is_some() { "?" } else { "NULL" };
    let (key_sql, on_conflict) = match job.dedupe_key {
        Some(_) => ("?", " ON CONFLICT (\"dedupe_key\") DO NOTHING"),
        None => ("NULL", ""),
    };
    let statement = format!(
        "INSERT INTO \"_manzil_jobs\" (\"id\", \"kind\", \"payload\", \"tenant_id\", \"actor\", \"status\", \
         \"attempts\", \"max_attempts\", \"run_at\", \"locked_until\", \"locked_by\", \"created_at\", \"updated_at\", \
         \"dedupe_key\") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, {locked_until_sql}, ?, ?, ?, {key_sql}){on_conflict} RETURNING {}",
        row_json(dialect)
    );
    let mut params = vec![
        text(id),
        text(job.kind.clone()),
        text(job.payload.to_string()),
        opt_text(job.tenant_id.clone()),
        text(job.actor.encode()),
        text(status),
        SqlValue::Int(attempts),
        SqlValue::Int(i64::from(job.max_attempts.max(1))),
        SqlValue::Int(job.run_at.unwrap_or(now)),
    ];
    if claimed.is_some() {
        params.push(locked_until);
    }
    params.extend([locked_by, SqlValue::Int(now), SqlValue::Int(now)]);
    params.extend(job.dedupe_key.clone().map(SqlValue::Text));
    let row = tx.fetch_json(sql(dialect, &statement), params).await?;
    row.first().map(decode).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres() {
        assert_eq!(sql(Dialect::Postgres, "a = ? AND b IN (?, ?)"), "a = $1 AND b IN ($2, $3)");
        assert_eq!(sql(Dialect::Sqlite, "a = ?"), "a = ?");
    }

    #[test]
    fn actors_round_trip() {
        for a in [JobActor::User("u-1".into()), JobActor::System("nightly".into())] {
            assert_eq!(JobActor::decode(&a.encode()), a);
        }
    }
}
