//! The public face of the engine: a [`Db`] handle, and [`Client`]s bound to an auth context.
//!
//! There is no way to run a query without choosing whose rules apply: `db.for_auth(auth)` for a
//! caller, `db.as_system("reason")` for the named, greppable bypass. The pool is not exported.

use std::sync::Arc;

use policy::{Auth, Dialect, PolicySet, Schema};
use serde_json::{Map, Value};

use crate::ctx::Ctx;
use crate::decode::{decode_many, decode_row};
use crate::error::{RejectReason, Result, StoreError};
use crate::exec::{Pool, Tx, connection_lost};
use crate::queue::{JobRecord, NewJob};
use crate::read::{
    FindKind, aggregate_sql, aggregates, count_sql, find_sql, finish_rows, group_by_sql, normalize_aggregate,
    normalize_group,
};
use crate::write::{Row, Writer, data_of, unique_where};

/// The database plus the compiled rules. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    pool: Pool,
    policies: Arc<PolicySet>,
    /// PostgreSQL row-level security is installed: every statement runs in a transaction that
    /// carries the auth context.
    rls: bool,
    /// Test-only: the engine adds no rule predicates (to prove RLS stands alone).
    engine_filters: bool,
    /// The audit model (the audit hook is on).
    audit: Option<usize>,
}

/// Options for [`Db::connect`].
#[derive(Debug, Clone)]
pub struct DbOptions {
    pub max_connections: u32,
    /// Set when the RLS policies from `manzil policy rls` are installed (PostgreSQL only).
    pub rls: bool,
    /// The model every create, update and delete is recorded in (e.g. `AuditEvent`).
    pub audit_model: Option<String>,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self { max_connections: 10, rls: false, audit_model: None }
    }
}

impl Db {
    /// Connects and compiles the rules of `schema` once.
    pub async fn connect(url: &str, schema: Schema, opts: DbOptions) -> Result<Db> {
        let audit = match &opts.audit_model {
            None => None,
            Some(name) => Some(
                schema
                    .model_index(name)
                    .ok_or_else(|| StoreError::invalid(format!("audit model `{name}` is not in the schema")))?,
            ),
        };
        let pool = Pool::connect(url, opts.max_connections).await?;
        let rls = opts.rls && pool.dialect() == Dialect::Postgres;
        Ok(Db {
            inner: Arc::new(Inner {
                pool,
                policies: Arc::new(PolicySet::new(Arc::new(schema))),
                rls,
                engine_filters: true,
                audit,
            }),
        })
    }

    pub fn dialect(&self) -> Dialect {
        self.inner.pool.dialect()
    }

    pub fn schema(&self) -> &Schema {
        self.inner.policies.schema()
    }

    pub fn policies(&self) -> &PolicySet {
        &self.inner.policies
    }

    /// A client that runs every query under `auth`'s rules. A `$system` member is removed: only
    /// [`Db::as_system`] may claim the system actor (the RLS policies admit it).
    pub fn for_auth(&self, mut auth: Auth) -> Client {
        if let Some(serde_json::Value::Object(o)) = &mut auth.0 {
            o.remove("$system");
        }
        Client { db: self.clone(), auth, system: false, explain: false }
    }

    /// A client that bypasses the rules. Every call site names its reason; grep `as_system(`.
    pub fn as_system(&self, reason: &'static str) -> Client {
        tracing::debug!(reason, "as_system");
        Client {
            db: self.clone(),
            auth: Auth(Some(serde_json::json!({ "$system": true }))),
            system: true,
            explain: false,
        }
    }

    /// Creates every table of the schema (for tests and new databases; migrations use the same DDL).
    pub async fn create_tables(&self) -> Result<()> {
        let ddl = policy::ddl::create_tables(self.schema(), self.dialect());
        self.inner.pool.execute_script(&ddl).await
    }

    /// Runs DDL or other maintenance statements (migrations, RLS scripts), outside the rules.
    pub async fn execute_script(&self, statements: &[String]) -> Result<()> {
        self.inner.pool.execute_script(statements).await
    }

    pub async fn close(&self) {
        self.inner.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &Pool {
        &self.inner.pool
    }

    /// Runs one bound statement outside the rules (seeding join tables in test cases).
    pub(crate) async fn execute_bound(&self, w: policy::SqlWriter) -> Result<()> {
        let (sql, params) = w.finish();
        let mut tx = self.inner.pool.begin(None).await?;
        tx.execute(sql, params).await?;
        tx.commit().await
    }

    /// Test-only: a handle whose clients add no rule predicates, so tests can prove the database's
    /// own row-level security stands alone.
    #[cfg(feature = "test-switches")]
    pub fn without_engine_filters(&self) -> Db {
        Db {
            inner: Arc::new(Inner {
                pool: self.inner.pool.clone(),
                policies: self.inner.policies.clone(),
                rls: true,
                engine_filters: false,
                audit: self.inner.audit,
            }),
        }
    }
}

#[cfg(feature = "test-switches")]
impl Db {
    /// Test-only: `current_setting('manzil.auth', true)` on a pooled connection outside any
    /// transaction (proves the auth context never outlives its transaction).
    pub async fn auth_setting_outside_transaction(&self) -> Result<Option<String>> {
        let mut conn = self.inner.pool.reader(None, false).await?;
        let v = conn
            .fetch_json("SELECT to_json(NULLIF(current_setting('manzil.auth', true), ''))::text".to_owned(), Vec::new())
            .await?;
        Ok(v.into_iter().next().and_then(|v| v.as_str().map(str::to_owned)))
    }
}

/// Runs queries for one caller.
#[derive(Clone)]
pub struct Client {
    db: Db,
    auth: Auth,
    system: bool,
    explain: bool,
}

impl Client {
    /// Also name the rule that denied an operation (extra queries on rejection only).
    #[must_use]
    pub fn explain(mut self, on: bool) -> Self {
        self.explain = on;
        self
    }

    fn ctx(&self) -> Ctx<'_> {
        let inner = &self.db.inner;
        Ctx {
            schema: inner.policies.schema(),
            policies: &inner.policies,
            auth: &self.auth,
            system: self.system || !inner.engine_filters,
            dialect: inner.pool.dialect(),
            explain: self.explain,
            audit: inner.audit,
        }
    }

    fn auth_setting(&self) -> String {
        match &self.auth.0 {
            Some(v) => v.to_string(),
            None => "null".to_owned(),
        }
    }

    async fn reader(&self) -> Result<Tx> {
        // The auth setting is only needed inside a transaction for row-level security.
        let rls = self.db.inner.rls && self.db.dialect() == Dialect::Postgres;
        let setting = if rls { Some(self.auth_setting()) } else { None };
        self.db.inner.pool.reader(setting.as_deref(), rls).await
    }

    /// Runs a read, decoding each row's JSON text with `decode`; while the server had dropped the
    /// pooled connections met, runs it again on another (a read has no effect to repeat).
    async fn read_rows<T: Send + Unpin>(
        &self,
        sql: String,
        params: Vec<policy::SqlValue>,
        decode: impl Fn(Option<&str>) -> serde_json::Result<T> + Sync,
    ) -> Result<Vec<T>> {
        let once = async |sql: String, params: Vec<policy::SqlValue>| -> Result<Vec<T>> {
            let mut tx = self.reader().await?;
            let rows = tx.fetch_decoded(sql, params, &decode).await?;
            tx.commit().await?;
            Ok(rows)
        };
        let mut tries = self.db.inner.pool.max_size();
        loop {
            match once(sql.clone(), params.clone()).await {
                Err(e) if connection_lost(&e) && tries > 0 => tries -= 1,
                r => return r,
            }
        }
    }

    async fn writer_tx(&self) -> Result<Tx> {
        let setting = self.auth_setting();
        let auth = if self.db.dialect() == Dialect::Postgres { Some(setting.as_str()) } else { None };
        self.db.inner.pool.begin(auth).await
    }

    /// Runs `action` (`findMany`, `create`, …) on `model` with Prisma-style `args`.
    pub async fn run(&self, model: &str, action: &str, args: &Value) -> Result<Value> {
        let ctx = self.ctx();
        let mi = ctx.model_index(model)?;
        let args = args_object(args)?;
        match action {
            "findMany" | "findFirst" | "findUnique" | "findFirstOrThrow" | "findUniqueOrThrow" => {
                let kind = match action {
                    "findMany" => FindKind::Many,
                    "findFirst" | "findFirstOrThrow" => FindKind::First,
                    _ => FindKind::Unique,
                };
                let (w, shape, reversed) = find_sql(&ctx, mi, args, kind)?;
                let (sql, params) = w.finish();
                let rows = if aggregates(ctx.dialect, kind) {
                    let page = |t: Option<&str>| t.map_or(Ok(Vec::new()), |t| decode_many(&ctx, &shape, t));
                    self.read_rows(sql, params, page).await?.pop().unwrap_or_default()
                } else {
                    self.read_rows(sql, params, |t| t.map_or(Ok(Value::Null), |t| decode_row(&ctx, &shape, t))).await?
                };
                let mut rows = finish_rows(rows, reversed, args)?;
                match (kind, action.ends_with("OrThrow")) {
                    (FindKind::Many, _) => Ok(Value::Array(rows)),
                    (_, throw) => match rows.pop() {
                        Some(r) => Ok(r),
                        None if throw => Err(StoreError::not_found(model)),
                        None => Ok(Value::Null),
                    },
                }
            }
            "count" => {
                let (w, select) = count_sql(&ctx, mi, args)?;
                let (sql, params) = w.finish();
                let mut tx = self.reader().await?;
                let out = match select {
                    None => Value::from(tx.fetch_i64(sql, params).await?),
                    Some(_) => tx.fetch_json(sql, params).await?.pop().unwrap_or(Value::Null),
                };
                tx.commit().await?;
                Ok(out)
            }
            "aggregate" => {
                let (w, specs) = aggregate_sql(&ctx, mi, args)?;
                let (sql, params) = w.finish();
                let mut tx = self.reader().await?;
                let row = tx.fetch_json(sql, params).await?.pop().unwrap_or(Value::Null);
                tx.commit().await?;
                Ok(normalize_aggregate(&ctx, mi, &specs, row))
            }
            "groupBy" => {
                let (w, by, specs) = group_by_sql(&ctx, mi, args)?;
                let (sql, params) = w.finish();
                let mut tx = self.reader().await?;
                let rows = tx.fetch_json(sql, params).await?;
                tx.commit().await?;
                Ok(Value::Array(rows.into_iter().map(|r| normalize_group(&ctx, mi, &by, &specs, r)).collect()))
            }
            "create" => {
                let data = data_of(args)?;
                let mut tx = self.writer_tx().await?;
                let row = Writer::new(&ctx, &mut tx)
                    .create_row(mi, data, &Row::new(), false)
                    .await?
                    .ok_or_else(|| StoreError::invalid("create conflicted"))?;
                self.read_back(&ctx, tx, mi, &row, args).await
            }
            "createMany" => {
                let mut tx = self.writer_tx().await?;
                let out = Writer::new(&ctx, &mut tx).create_many(mi, args).await?;
                tx.commit().await?;
                Ok(out)
            }
            "update" | "upsert" => {
                let filter = unique_where(&ctx, mi, args)?;
                let mut tx = self.writer_tx().await?;
                let mut wr = Writer::new(&ctx, &mut tx);
                let guard = ctx.guard(mi, policy::Operation::Update);
                let existing = wr.select_raw(mi, Some(filter), &guard, None, Some(1)).await?.pop();
                let row = match (existing, action) {
                    (Some(pre), "update") => wr.update_row(mi, &pre, data_of(args)?).await?,
                    (Some(pre), _) => {
                        let data = args
                            .get("update")
                            .and_then(Value::as_object)
                            .ok_or_else(|| StoreError::invalid("`update` must be an object"))?;
                        wr.update_row(mi, &pre, data).await?
                    }
                    (None, "update") => return Err(StoreError::not_found(model)),
                    (None, _) => {
                        let data = args
                            .get("create")
                            .and_then(Value::as_object)
                            .ok_or_else(|| StoreError::invalid("`create` must be an object"))?;
                        wr.create_row(mi, data, &Row::new(), false)
                            .await?
                            .ok_or_else(|| StoreError::invalid("create conflicted"))?
                    }
                };
                self.read_back(&ctx, tx, mi, &row, args).await
            }
            "updateMany" => {
                let data = data_of(args)?;
                let mut tx = self.writer_tx().await?;
                let n = Writer::new(&ctx, &mut tx).update_many(mi, args.get("where"), data, None).await?;
                tx.commit().await?;
                Ok(serde_json::json!({ "count": n }))
            }
            "delete" => {
                let filter = unique_where(&ctx, mi, args)?;
                let mut tx = self.writer_tx().await?;
                let mut wr = Writer::new(&ctx, &mut tx);
                let guard = ctx.guard(mi, policy::Operation::Delete);
                let row = wr
                    .select_raw(mi, Some(filter), &guard, None, Some(1))
                    .await?
                    .pop()
                    .ok_or_else(|| StoreError::not_found(model))?;
                let ids = wr.ids_of(mi, &row);
                // Read the result before it is gone, under the read rules.
                let readable = self.fetch_by_ids(&ctx, &mut tx, mi, &ids, args).await?;
                Writer::new(&ctx, &mut tx).delete_row(mi, &row).await?;
                tx.commit().await?;
                readable.ok_or_else(|| cannot_read_back(model))
            }
            "deleteMany" => {
                let mut tx = self.writer_tx().await?;
                let n = Writer::new(&ctx, &mut tx).delete_many(mi, args.get("where"), None).await?;
                tx.commit().await?;
                Ok(serde_json::json!({ "count": n }))
            }
            other => Err(StoreError::invalid(format!("unknown action `{other}`"))),
        }
    }

    /// Creates a record (as `run(model, "create", args)`) and, in the same transaction, enqueues
    /// the jobs `jobs` derives from the stored row (its id, its columns): both are stored, or
    /// neither is. For work that must follow a write however the process dies — an outbound
    /// message and its delivery. Returns the record as read back, and the queued jobs.
    pub async fn create_and_enqueue(
        &self,
        model: &str,
        args: &Value,
        jobs: impl FnOnce(&Map<String, Value>) -> Vec<NewJob>,
    ) -> Result<(Value, Vec<JobRecord>)> {
        let ctx = self.ctx();
        let mi = ctx.model_index(model)?;
        let args = args_object(args)?;
        let mut tx = self.writer_tx().await?;
        let row = Writer::new(&ctx, &mut tx)
            .create_row(mi, data_of(args)?, &Row::new(), false)
            .await?
            .ok_or_else(|| StoreError::invalid("create conflicted"))?;
        let queued = enqueue_all(&mut tx, self.db.dialect(), jobs(&row)).await?;
        let record = self.read_back(&ctx, tx, mi, &row, args).await?;
        Ok((record, queued))
    }

    /// Updates a record (as `run(model, "update", args)`, nested writes included) and, in the same
    /// transaction, enqueues the jobs `jobs` derives from the updated row: both are stored, or
    /// neither is. Returns the record as read back, and the queued jobs.
    pub async fn update_and_enqueue(
        &self,
        model: &str,
        args: &Value,
        jobs: impl FnOnce(&Map<String, Value>) -> Vec<NewJob>,
    ) -> Result<(Value, Vec<JobRecord>)> {
        let ctx = self.ctx();
        let mi = ctx.model_index(model)?;
        let args = args_object(args)?;
        let filter = unique_where(&ctx, mi, args)?;
        let mut tx = self.writer_tx().await?;
        let mut wr = Writer::new(&ctx, &mut tx);
        let guard = ctx.guard(mi, policy::Operation::Update);
        let pre = wr
            .select_raw(mi, Some(filter), &guard, None, Some(1))
            .await?
            .pop()
            .ok_or_else(|| StoreError::not_found(model))?;
        let row = wr.update_row(mi, &pre, data_of(args)?).await?;
        let queued = enqueue_all(&mut tx, self.db.dialect(), jobs(&row)).await?;
        let record = self.read_back(&ctx, tx, mi, &row, args).await?;
        Ok((record, queued))
    }

    /// Reads a mutated row back under the read rules, then commits (the write stays done even
    /// when the row may not be read back, as in ZenStack).
    async fn read_back(
        &self,
        ctx: &Ctx<'_>,
        mut tx: Tx,
        model: usize,
        row: &Row,
        args: &Map<String, Value>,
    ) -> Result<Value> {
        let ids = Writer::new(ctx, &mut tx).ids_of(model, row);
        let out = self.fetch_by_ids(ctx, &mut tx, model, &ids, args).await?;
        tx.commit().await?;
        out.ok_or_else(|| cannot_read_back(&ctx.model(model).name))
    }

    async fn fetch_by_ids(
        &self,
        ctx: &Ctx<'_>,
        tx: &mut Tx,
        model: usize,
        ids: &Row,
        args: &Map<String, Value>,
    ) -> Result<Option<Value>> {
        let mut find = Map::new();
        find.insert("where".to_owned(), Value::Object(ids.clone()));
        for k in ["select", "include", "omit"] {
            if let Some(v) = args.get(k) {
                find.insert(k.to_owned(), v.clone());
            }
        }
        let (w, shape, _) = find_sql(ctx, model, &find, FindKind::Unique)?;
        let (sql, params) = w.finish();
        let rows = tx.fetch_decoded(sql, params, |t| t.map_or(Ok(Value::Null), |t| decode_row(ctx, &shape, t))).await?;
        Ok(finish_rows(rows, false, &find)?.pop())
    }

    /// The SQL and parameters a find would run (for `explain` tooling and the planning benchmark).
    pub fn plan_find(&self, model: &str, args: &Value) -> Result<(String, Vec<policy::SqlValue>)> {
        let ctx = self.ctx();
        let mi = ctx.model_index(model)?;
        let empty = Map::new();
        let args = args.as_object().unwrap_or(&empty);
        let (w, _, _) = find_sql(&ctx, mi, args, FindKind::Many)?;
        Ok(w.finish())
    }

    /// Convenience wrappers.
    pub async fn find_many(&self, model: &str, args: Value) -> Result<Value> {
        self.run(model, "findMany", &args).await
    }

    pub async fn find_unique(&self, model: &str, args: Value) -> Result<Value> {
        self.run(model, "findUnique", &args).await
    }

    pub async fn create(&self, model: &str, args: Value) -> Result<Value> {
        self.run(model, "create", &args).await
    }

    pub async fn update(&self, model: &str, args: Value) -> Result<Value> {
        self.run(model, "update", &args).await
    }

    pub async fn delete(&self, model: &str, args: Value) -> Result<Value> {
        self.run(model, "delete", &args).await
    }

    pub async fn count(&self, model: &str, args: Value) -> Result<Value> {
        self.run(model, "count", &args).await
    }
}

fn cannot_read_back(model: &str) -> StoreError {
    StoreError::rejected(model, RejectReason::CannotReadBack, "result is not allowed to be read back")
}

/// Prisma-style arguments: an object, or nothing (`null`, read as `{}`).
fn args_object(args: &Value) -> Result<&Map<String, Value>> {
    static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);
    match args {
        Value::Null => Ok(&EMPTY),
        Value::Object(o) => Ok(o),
        _ => Err(StoreError::invalid("arguments must be an object")),
    }
}

/// Queues `jobs` in the writing transaction; a job whose dedupe key is taken is already queued
/// (not queued again), and the record still commits.
async fn enqueue_all(tx: &mut Tx, dialect: Dialect, jobs: Vec<NewJob>) -> Result<Vec<JobRecord>> {
    let mut queued = Vec::new();
    for job in jobs {
        queued.extend(crate::queue::insert(tx, dialect, &job, None).await?);
    }
    Ok(queued)
}

#[cfg(test)]
mod tests {
    /// Handlers run engine calls on a multi-threaded runtime: the futures must be `Send`.
    #[test]
    fn engine_futures_are_send() {
        fn assert_send<T: Send>(_: &T) {}
        let schema = match policy::load("model A { id Int @id @@allow('all', true) }") {
            Ok(l) => l.schema,
            Err(e) => panic!("{e:?}"),
        };
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        rt.block_on(async {
            let db = super::Db::connect("sqlite::memory:", schema, super::DbOptions::default()).await.expect("connect");
            let client = db.for_auth(policy::Auth::anonymous());
            let args = serde_json::json!({});
            let fut = client.run("A", "findMany", &args);
            assert_send(&fut);
        });
    }
}
