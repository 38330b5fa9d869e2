//! Policy test cases (`manzil policy exec` and the conformance suite): each case gets a fresh
//! database built from its own schema, seed rows inserted bypassing the rules, one operation run
//! under the case's auth, and optional reads afterwards.
//!
//! Case format: `{"name", "source", "schema", "setup": [{"model", "data"}], "auth", "op": {"model",
//! "action", "args"}, "after": [{"model", "where"}], "expect", "expect_after"}`. DateTime strings
//! `"$now"`, `"$now-1h"`, `"$now+1h"` in setup mean the current time (± one hour).

use chrono::{Duration, SecondsFormat, Utc};
use policy::{Auth, Dialect, SqlValue};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::engine::{Db, DbOptions};
use crate::error::StoreError;

/// One case.
#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub source: String,
    pub schema: String,
    #[serde(default)]
    pub setup: Vec<Seed>,
    #[serde(default)]
    pub auth: Option<Value>,
    pub op: CaseOp,
    #[serde(default)]
    pub after: Vec<AfterRead>,
    #[serde(default)]
    pub expect: Option<Value>,
    #[serde(default)]
    pub expect_after: Option<Vec<Value>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Seed {
    pub model: String,
    pub data: Map<String, Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CaseOp {
    pub model: String,
    pub action: String,
    #[serde(default)]
    pub args: Value,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AfterRead {
    pub model: String,
    #[serde(default)]
    pub r#where: Value,
}

/// Where cases run.
#[derive(Debug, Clone)]
pub enum Target {
    /// A private in-memory SQLite database per case.
    Sqlite,
    /// A fresh schema per case in this PostgreSQL database (dropped afterwards).
    Postgres { url: String },
}

impl Target {
    pub fn dialect(&self) -> Dialect {
        match self {
            Target::Sqlite => Dialect::Sqlite,
            Target::Postgres { .. } => Dialect::Postgres,
        }
    }
}

/// Parses a file's contents: one case object or an array of them.
pub fn parse_cases(text: &str) -> Result<Vec<Case>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let items = match v {
        Value::Array(a) => a,
        other => vec![other],
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, c)| serde_json::from_value(c).map_err(|e| format!("case {i}: {e}")))
        .collect()
}

/// Runs one case; returns `{"result": …}` or `{"error", "reason"?, "message"}`, plus `"after"`.
/// Setup failures (bad schema, bad seed) are reported as `{"error": "setup", …}`.
pub async fn run_case(case: &Case, target: &Target) -> Value {
    let loaded = match policy::load(&case.schema) {
        Ok(l) => l,
        Err(diags) => {
            let msgs: Vec<String> = diags.iter().map(ToString::to_string).collect();
            return json!({ "error": "setup", "message": format!("schema: {}", msgs.join("; ")) });
        }
    };
    let (db, cleanup) = match open(target, loaded.schema).await {
        Ok(x) => x,
        Err(e) => return json!({ "error": "setup", "message": format!("database: {e}") }),
    };
    let out = run_on(case, &db).await;
    db.close().await;
    if let Some((url, schema)) = cleanup
        && let Ok(admin) = crate::exec::Pool::connect(&url, 1).await
    {
        let _ = admin.execute_script(&[format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE")]).await;
        admin.close().await;
    }
    out
}

async fn open(target: &Target, schema: policy::Schema) -> Result<(Db, Option<(String, String)>), StoreError> {
    match target {
        Target::Sqlite => {
            let db = Db::connect("sqlite::memory:", schema, DbOptions { max_connections: 1, ..DbOptions::default() })
                .await?;
            db.create_tables().await?;
            Ok((db, None))
        }
        Target::Postgres { url } => {
            let name = format!("case_{}", uuid::Uuid::new_v4().simple());
            let admin = crate::exec::Pool::connect(url, 1).await?;
            admin.execute_script(&[format!("CREATE SCHEMA \"{name}\"")]).await?;
            admin.close().await;
            let sep = if url.contains('?') { '&' } else { '?' };
            let scoped = format!("{url}{sep}options=-c%20search_path%3D{name}");
            let db = Db::connect(&scoped, schema, DbOptions { max_connections: 2, ..DbOptions::default() }).await?;
            db.create_tables().await?;
            Ok((db, Some((url.clone(), name))))
        }
    }
}

async fn run_on(case: &Case, db: &Db) -> Value {
    let system = db.as_system("policy test case setup");
    for (i, seed) in case.setup.iter().enumerate() {
        let data = Value::Object(resolve_now(&seed.data));
        let res = if db.schema().model_index(&seed.model).is_none() && seed.model.starts_with('_') {
            insert_join_row(db, &seed.model, &data).await
        } else {
            system.run(&seed.model, "create", &json!({ "data": data })).await.map(|_| ())
        };
        if let Err(e) = res {
            return json!({ "error": "setup", "message": format!("setup[{i}] ({}): {e}", seed.model) });
        }
    }
    let client = db.for_auth(Auth(case.auth.clone().filter(|a| !a.is_null())));
    let mut out = match client.run(&case.op.model, &case.op.action, &case.op.args).await {
        Ok(result) => json!({ "result": result }),
        Err(e) => error_json(&e),
    };
    if !case.after.is_empty() {
        let mut reads = Vec::new();
        for a in &case.after {
            let filter = if a.r#where.is_null() { json!({}) } else { a.r#where.clone() };
            let count = system.run(&a.model, "count", &json!({ "where": filter })).await;
            let first = system.run(&a.model, "findFirst", &json!({ "where": filter })).await;
            reads.push(match (count, first) {
                (Ok(c), Ok(f)) => json!({ "count": c, "first": f }),
                (Err(e), _) | (_, Err(e)) => json!({ "error": e.kind(), "message": e.to_string() }),
            });
        }
        if let Value::Object(o) = &mut out {
            o.insert("after".to_owned(), Value::Array(reads));
        }
    }
    out
}

/// The JSON form of an engine error.
pub fn error_json(e: &StoreError) -> Value {
    match e {
        StoreError::RejectedByPolicy { reason, message, denied_by, .. } => {
            let mut v = json!({ "error": e.kind(), "reason": reason.as_str(), "message": message });
            if let (Some(d), Value::Object(o)) = (denied_by, &mut v) {
                o.insert("deniedBy".to_owned(), serde_json::to_value(d).unwrap_or(Value::Null));
            }
            v
        }
        _ => json!({ "error": e.kind(), "message": e.to_string() }),
    }
}

/// Inserts a row of an implicit many-to-many join table (`_AToB`).
async fn insert_join_row(db: &Db, table: &str, data: &Value) -> Result<(), StoreError> {
    if !db.schema().join_tables.iter().any(|j| j.name == table) {
        return Err(StoreError::InvalidInput(format!("unknown model `{table}`")));
    }
    let mut w = policy::SqlWriter::new(db.dialect());
    w.push("INSERT INTO ").ident(table).push(" (\"A\", \"B\") VALUES (");
    for (i, col) in ["A", "B"].iter().enumerate() {
        if i > 0 {
            w.push(", ");
        }
        match data.get(*col) {
            Some(Value::Number(n)) => w.param(SqlValue::Int(n.as_i64().unwrap_or_default())),
            Some(Value::String(s)) => w.param(SqlValue::Text(s.clone())),
            _ => return Err(StoreError::InvalidInput(format!("join row needs `{col}`"))),
        };
    }
    w.push(")");
    db.execute_bound(w).await
}

fn resolve_now(data: &Map<String, Value>) -> Map<String, Value> {
    data.iter()
        .map(|(k, v)| {
            let v = match v.as_str() {
                Some("$now") => shifted(0),
                Some("$now-1h") => shifted(-1),
                Some("$now+1h") => shifted(1),
                _ => v.clone(),
            };
            (k.clone(), v)
        })
        .collect()
}

fn shifted(hours: i64) -> Value {
    Value::String((Utc::now() + Duration::hours(hours)).to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// Partial match: expected objects may omit keys, arrays match element-wise and by length, and
/// `"$any"` matches any non-null value. Returns the path of the first mismatch.
pub fn matches(expected: &Value, actual: &Value) -> Result<(), String> {
    match_at("$", expected, actual)
}

fn match_at(path: &str, expected: &Value, actual: &Value) -> Result<(), String> {
    match (expected, actual) {
        (Value::String(s), a) if s == "$any" => {
            if a.is_null() {
                Err(format!("{path}: expected a value, got null"))
            } else {
                Ok(())
            }
        }
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let av = a.get(k).unwrap_or(&Value::Null);
                if !a.contains_key(k) && !ev.is_null() {
                    return Err(format!("{path}.{k}: missing (expected {ev})"));
                }
                match_at(&format!("{path}.{k}"), ev, av)?;
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return Err(format!("{path}: expected {} items, got {}: {actual}", e.len(), a.len()));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                match_at(&format!("{path}[{i}]"), ev, av)?;
            }
            Ok(())
        }
        (Value::Number(e), Value::Number(a)) if e.as_f64() == a.as_f64() => Ok(()),
        (e, a) if e == a => Ok(()),
        (e, a) => Err(format!("{path}: expected {e}, got {a}")),
    }
}

/// Checks a case's output against its `expect` / `expect_after`.
pub fn check(case: &Case, output: &Value) -> Result<(), String> {
    if let Some(exp) = &case.expect {
        if exp.get("error").is_some() {
            match_at("$", exp, output).map_err(|e| format!("{e} (output: {output})"))?;
        } else {
            let result = output.get("result").ok_or_else(|| format!("expected a result, got {output}"))?;
            match_at("$.result", exp.get("result").unwrap_or(&Value::Null), result)?;
        }
    }
    if let Some(exp_after) = &case.expect_after {
        let after = output.get("after").and_then(Value::as_array).cloned().unwrap_or_default();
        if after.len() != exp_after.len() {
            return Err(format!("expected {} after-reads, got {}", exp_after.len(), after.len()));
        }
        for (i, (e, a)) in exp_after.iter().zip(&after).enumerate() {
            match_at(&format!("$.after[{i}]"), e, a)?;
        }
    }
    Ok(())
}
