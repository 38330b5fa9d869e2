//! Differential test of the policy compiler: for random rows (with NULLs) and random auth values
//! (anonymous, empty, members missing or of the wrong type), the rows an SQL predicate rendered by
//! `policy::PolicySet` selects on SQLite must be exactly the rows the in-memory evaluator
//! (`policy::eval`) allows. Both are derived independently from the checked rules.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests and benchmarks fail loudly on broken fixtures"
)]

mod data;
mod db;
mod rows;

use std::sync::Arc;

use policy::eval::{EvalEnv, allowed, field_allowed};
use policy::{Auth, Dialect, Operation, PolicySet, RenderEnv};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Map, Value};
use sqlx::sqlite::SqlitePoolOptions;
use sqlx::{AssertSqlSafe, SqlitePool};

use data::{Db, auth, before, db};
use db::{exec, load};
use rows::{now, row, scalars};

const SCHEMA: &str = r#"
datasource db { provider = "sqlite" }

type Grant {
  orgId Int
  level Int?
}

type Me {
  id     Int @id
  age    Int?
  name   String?
  admin  Boolean?
  tags   String[]
  since  DateTime?
  grants Grant[]
  @@auth
}

model Org {
  id    Int     @id
  name  String?
  tier  Int?
  users User[]
  @@allow('create', true)
  @@allow('read', tier > 1 || name == auth().name || users?[level > 2])
  @@allow('update', users?[age > 30])
  @@allow('delete', users![admin] || users![level < 2] || users^[level >= 3])
  @@allow('post-update', users^[score < 1.5])
  @@deny('update', name == null)
}

model User {
  id     Int       @id
  orgId  Int?
  org    Org?      @relation(fields: [orgId], references: [id])
  name   String?
  age    Int?
  admin  Boolean?
  score  Float?
  tags   String[]
  born   DateTime?
  level  Int
  posts  Post[]
  @@allow('read', age > auth().age || admin)
  @@deny('read', !(name in auth().tags))
  @@allow('update', org.tier >= 2 && org.name != null)
  @@allow('create', auth() == this || auth().grants?[orgId == this.orgId && level > 1])
  @@allow('delete', born < now() && contains(name, 'a'))
  @@allow('post-update', before().age <= age || auth().admin)
  @@deny('post-update', before().name != name && !admin)
}

model Post {
  id        Int       @id
  authorId  Int?
  author    User?     @relation(fields: [authorId], references: [id])
  title     String?
  stars     Int?
  published Boolean?
  at        DateTime?
  labels    String[]
  rank      Int
  tagged    Tag[]
  secret    String?   @allow('read', stars > 2) @deny('update', published)
  @@deny('read', rank > 4)
  @@allow('read', tagged?[name == auth().name] || tagged![name != null])
  @@allow('read', check(author) && published)
  @@allow('read', author.org.tier == 3)
  @@allow('create', author == null || startsWith(title, 'x') || endsWith(title, auth().name, true))
  @@allow('update', !(rank < 2) || hasSome(labels, auth().tags) || hasEvery(labels, ['a', 'b']) || isEmpty(labels))
  @@deny('update', at > auth().since)
  @@allow('delete', auth().grants![level != null] && 'b' in labels)
  @@allow('delete', stars in [1, 2, 3] && !(author.posts?[stars > 4]))
  @@deny('delete', author.admin == true && auth().admin != true)
}

model Tag {
  id    Int     @id
  name  String?
  posts Post[]
  @@allow('read', posts?[stars > 3] && !(posts^[rank == 0]))
}
"#;

struct Fixture {
    policies: PolicySet,
    pool: SqlitePool,
}

async fn compare(fx: &Fixture, db: &Db, auth: &Auth, before: &Map<String, Value>) -> Result<(), TestCaseError> {
    let schema = fx.policies.schema();
    let now = now();
    load(&fx.pool, db).await?;
    let models = [("Org", db.orgs.len()), ("User", db.users.len()), ("Post", db.posts.len()), ("Tag", db.tags.len())];
    for (name, count) in models {
        let Some(mi) = schema.model_index(name) else {
            return Err(TestCaseError::fail("model"));
        };
        let table = &schema.models[mi].table;
        for op in Operation::ALL {
            let before_env = (op == Operation::PostUpdate).then_some(before);
            let pred = fx.policies.filter(mi, op, auth);
            let env = RenderEnv { alias: "t0", before: before_env };
            let (cond, params) = pred.to_sql(Dialect::Sqlite, &env);
            let sql = format!("SELECT \"id\" FROM \"{table}\" AS t0 WHERE {cond} ORDER BY \"id\"");
            let got = exec(&fx.pool, &sql, &params).await?;
            let mut w = policy::SqlWriter::new(Dialect::Sqlite);
            pred.render_where(&mut w, &env);
            let (cond_where, params_where) = w.finish();
            let sql_where = format!("SELECT \"id\" FROM \"{table}\" AS t0 WHERE {cond_where} ORDER BY \"id\"");
            let got_where = exec(&fx.pool, &sql_where, &params_where).await?;
            let eval_env = EvalEnv { auth, before: before_env, now: &now };
            let mut expected = Vec::new();
            for id in 1..=count as i64 {
                let r = row(db, name, id);
                let ok = allowed(schema, mi, op, &r, &eval_env);
                if ok {
                    expected.push(id);
                }
                if let Some(decided) = pred.eval(&scalars(schema, mi, &r), &env) {
                    prop_assert_eq!(decided, ok, "Pred::eval {} {} row {}", name, op.as_str(), id);
                }
            }
            prop_assert_eq!(&got, &expected, "{} {}: {}\n{:?}", name, op.as_str(), sql, params);
            prop_assert_eq!(&got_where, &expected, "render_where {} {}: {}", name, op.as_str(), sql_where);
        }
        // Field-level rules.
        for (fi, field) in schema.models[mi].fields.iter().enumerate() {
            if field.rules.is_empty() {
                continue;
            }
            for op in [Operation::Read, Operation::Update] {
                let pred = fx.policies.field_filter(mi, fi, op, auth);
                let (cond, params) = pred.to_sql(Dialect::Sqlite, &RenderEnv::new("t0"));
                let sql = format!("SELECT \"id\" FROM \"{table}\" AS t0 WHERE {cond} ORDER BY \"id\"");
                let got = exec(&fx.pool, &sql, &params).await?;
                let eval_env = EvalEnv { auth, before: None, now: &now };
                let expected: Vec<i64> = (1..=count as i64)
                    .filter(|id| field_allowed(schema, mi, fi, op, &row(db, name, *id), &eval_env))
                    .collect();
                prop_assert_eq!(&got, &expected, "field {}.{} {}: {}", name, field.name, op.as_str(), sql);
            }
        }
    }
    Ok(())
}

#[test]
fn sql_and_evaluator_agree() {
    let loaded = match policy::load(SCHEMA) {
        Ok(l) => l,
        Err(d) => panic!("schema: {d:?}"),
    };
    let schema = Arc::new(loaded.schema);
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => panic!("runtime: {e}"),
    };
    let fixture = rt.block_on(async {
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap_or_else(|e| panic!("sqlite: {e}"));
        for stmt in policy::ddl::create_tables(&schema, Dialect::Sqlite) {
            sqlx::query(AssertSqlSafe(stmt.clone())).execute(&pool).await.unwrap_or_else(|e| panic!("{stmt}: {e}"));
        }
        Fixture { policies: PolicySet::new(schema.clone()), pool }
    });
    assert!(fixture.policies.diagnostics().is_empty(), "{:?}", fixture.policies.diagnostics());
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(200);
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let result =
        runner.run(&(db(), auth(), before()), |(db, auth, before)| rt.block_on(compare(&fixture, &db, &auth, &before)));
    if let Err(e) = result {
        panic!("{e}");
    }
}
