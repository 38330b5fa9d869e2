//! Loading a random database into SQLite and running rendered predicates, binding `SqlValue`s.

use policy::SqlValue;
use proptest::test_runner::TestCaseError;
use serde_json::json;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Arguments, AssertSqlSafe, Row, SqlitePool};

use crate::data::Db;

pub(crate) fn bind(args: &mut SqliteArguments, v: &SqlValue) -> Result<(), TestCaseError> {
    let r = match v {
        SqlValue::Null => args.add(None::<i64>),
        SqlValue::Bool(b) => args.add(*b),
        SqlValue::Int(i) => args.add(*i),
        SqlValue::Float(f) => args.add(*f),
        SqlValue::Text(s) | SqlValue::Decimal(s) | SqlValue::Timestamp(s) | SqlValue::Json(s) => args.add(s.clone()),
        SqlValue::Bytes(b) => args.add(b.clone()),
        SqlValue::TextArray(items) => args.add(json!(items).to_string()),
        SqlValue::IntArray(items) => args.add(json!(items).to_string()),
    };
    r.map_err(|e| TestCaseError::fail(format!("bind: {e}")))
}

pub(crate) async fn exec(pool: &SqlitePool, sql: &str, params: &[SqlValue]) -> Result<Vec<i64>, TestCaseError> {
    let mut args = SqliteArguments::default();
    for p in params {
        bind(&mut args, p)?;
    }
    let rows = sqlx::query_with(AssertSqlSafe(sql.to_owned()), args)
        .fetch_all(pool)
        .await
        .map_err(|e| TestCaseError::fail(format!("{e}\n{sql}\n{params:?}")))?;
    Ok(rows.iter().filter_map(|r| r.try_get::<i64, _>(0).ok()).collect())
}

pub(crate) fn opt_text(v: &Option<String>) -> SqlValue {
    v.clone().map_or(SqlValue::Null, SqlValue::Text)
}
pub(crate) fn opt_int(v: Option<i64>) -> SqlValue {
    v.map_or(SqlValue::Null, SqlValue::Int)
}
pub(crate) fn opt_bool(v: Option<bool>) -> SqlValue {
    v.map_or(SqlValue::Null, |b| SqlValue::Int(i64::from(b)))
}

pub(crate) async fn load(pool: &SqlitePool, db: &Db) -> Result<(), TestCaseError> {
    for t in ["_PostToTag", "Tag", "Post", "User", "Org"] {
        exec(pool, &format!("DELETE FROM \"{t}\""), &[]).await?;
    }
    for (i, o) in db.orgs.iter().enumerate() {
        let params = [SqlValue::Int(i as i64 + 1), opt_text(&o.name), opt_int(o.tier)];
        exec(pool, r#"INSERT INTO "Org" ("id", "name", "tier") VALUES (?, ?, ?)"#, &params).await?;
    }
    for (i, u) in db.users.iter().enumerate() {
        let params = [
            SqlValue::Int(i as i64 + 1),
            opt_int(u.org),
            opt_text(&u.name),
            opt_int(u.age),
            opt_bool(u.admin),
            u.score.map_or(SqlValue::Null, SqlValue::Float),
            SqlValue::Text(json!(u.tags).to_string()),
            opt_text(&u.born),
            SqlValue::Int(u.level),
        ];
        let sql = r#"INSERT INTO "User" ("id", "orgId", "name", "age", "admin", "score", "tags", "born", "level") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"#;
        exec(pool, sql, &params).await?;
    }
    for (i, p) in db.posts.iter().enumerate() {
        let params = [
            SqlValue::Int(i as i64 + 1),
            opt_int(p.author),
            opt_text(&p.title),
            opt_int(p.stars),
            opt_bool(p.published),
            opt_text(&p.at),
            SqlValue::Text(json!(p.labels).to_string()),
            SqlValue::Int(p.rank),
            opt_text(&p.secret),
        ];
        let sql = r#"INSERT INTO "Post" ("id", "authorId", "title", "stars", "published", "at", "labels", "rank", "secret") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"#;
        exec(pool, sql, &params).await?;
    }
    for (i, t) in db.tags.iter().enumerate() {
        let params = [SqlValue::Int(i as i64 + 1), opt_text(t)];
        exec(pool, r#"INSERT INTO "Tag" ("id", "name") VALUES (?, ?)"#, &params).await?;
    }
    for (p, t) in &db.links {
        let params = [SqlValue::Int(*p), SqlValue::Int(*t)];
        exec(pool, r#"INSERT INTO "_PostToTag" ("A", "B") VALUES (?, ?)"#, &params).await?;
    }
    Ok(())
}
