//! Differential test of the policy compiler: for random rows (with NULLs) and random auth values
//! (anonymous, empty, members missing or of the wrong type), the rows an SQL predicate rendered by
//! `policy::PolicySet` selects on SQLite must be exactly the rows the in-memory evaluator
//! (`policy::eval`) allows. Both are derived independently from the checked rules.

use std::sync::Arc;

use policy::eval::{EvalEnv, allowed, field_allowed};
use policy::ir::{FieldKind, ModelIdx, Schema};
use policy::{Auth, Dialect, Operation, PolicySet, RenderEnv, SqlValue};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Map, Value, json};
use sqlx::sqlite::{SqliteArguments, SqlitePoolOptions};
use sqlx::{Arguments, AssertSqlSafe, Row, SqlitePool};

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

// ---- random data -------------------------------------------------------------------------------

fn opt<T: std::fmt::Debug + Clone + 'static>(
    s: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<Option<T>> {
    prop_oneof![1 => Just(None), 3 => s.prop_map(Some)].boxed()
}

fn name() -> BoxedStrategy<Option<String>> {
    opt(prop::sample::select(vec!["a", "ab", "B", "x1", "Xa", "bA", "x"]).prop_map(str::to_owned))
}

fn time() -> BoxedStrategy<Option<String>> {
    opt(prop::sample::select(vec![
        "2001-02-03T04:05:06.000Z",
        "2030-01-01T00:00:00.000Z",
        "2029-12-31T23:00:00.000Z",
        "2060-06-06T06:06:06.600Z",
    ])
    .prop_map(str::to_owned))
}

fn labels() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        prop::sample::select(vec!["a", "b", "c"]).prop_map(str::to_owned),
        0..3,
    )
}

#[derive(Debug, Clone)]
struct Org {
    name: Option<String>,
    tier: Option<i64>,
}

#[derive(Debug, Clone)]
struct User {
    org: Option<i64>,
    name: Option<String>,
    age: Option<i64>,
    admin: Option<bool>,
    score: Option<f64>,
    tags: Vec<String>,
    born: Option<String>,
    level: i64,
}

#[derive(Debug, Clone)]
struct Post {
    author: Option<i64>,
    title: Option<String>,
    stars: Option<i64>,
    published: Option<bool>,
    at: Option<String>,
    labels: Vec<String>,
    rank: i64,
    secret: Option<String>,
}

#[derive(Debug, Clone)]
struct Db {
    orgs: Vec<Org>,
    users: Vec<User>,
    posts: Vec<Post>,
    tags: Vec<Option<String>>,
    /// (post id, tag id) links of the implicit many-to-many relation.
    links: Vec<(i64, i64)>,
}

fn db() -> impl Strategy<Value = Db> {
    let org = (name(), opt(0i64..4)).prop_map(|(name, tier)| Org { name, tier });
    let user = (
        opt(1i64..4),
        name(),
        opt(25i64..40),
        opt(any::<bool>()),
        opt(prop::sample::select(vec![0.5f64, 1.5, 2.5])),
        labels(),
        time(),
        0i64..5,
    )
        .prop_map(|(org, name, age, admin, score, tags, born, level)| User {
            org,
            name,
            age,
            admin,
            score,
            tags,
            born,
            level,
        });
    let post = (
        opt(1i64..5),
        name(),
        opt(0i64..6),
        opt(any::<bool>()),
        time(),
        labels(),
        0i64..7,
        name(),
    )
        .prop_map(
            |(author, title, stars, published, at, labels, rank, secret)| Post {
                author,
                title,
                stars,
                published,
                at,
                labels,
                rank,
                secret,
            },
        );
    (
        prop::collection::vec(org, 3),
        prop::collection::vec(user, 4),
        prop::collection::vec(post, 1..7),
        prop::collection::vec(name(), 3),
        prop::collection::btree_set((1i64..7, 1i64..4), 0..6),
    )
        .prop_map(|(orgs, users, posts, tags, links)| {
            let links = links
                .into_iter()
                .filter(|(p, _)| *p <= posts.len() as i64)
                .collect();
            Db {
                orgs,
                users,
                posts,
                tags,
                links,
            }
        })
}

/// A member value: absent (`None`), or JSON (possibly null or of the wrong type).
fn member(good: BoxedStrategy<Value>, wrong: Value) -> BoxedStrategy<Option<Value>> {
    prop_oneof![2 => Just(None), 1 => Just(Some(Value::Null)), 1 => Just(Some(wrong)), 6 => good.prop_map(Some)]
        .boxed()
}

fn auth() -> impl Strategy<Value = Auth> {
    let grant = (1i64..4, opt(0i64..4)).prop_map(|(org, level)| match level {
        Some(l) => json!({"orgId": org, "level": l}),
        None => json!({"orgId": org}),
    });
    let fields = (
        member((1i64..5).prop_map(Value::from).boxed(), json!("1")),
        member((25i64..40).prop_map(Value::from).boxed(), json!("30")),
        member(
            name()
                .prop_map(|n| n.map_or(Value::Null, Value::from))
                .boxed(),
            json!(1),
        ),
        member(any::<bool>().prop_map(Value::from).boxed(), json!("true")),
        member(labels().prop_map(|l| json!(l)).boxed(), json!("a")),
        member(
            prop::sample::select(vec![
                "2030-01-01T00:00:00Z",
                "2030-01-01T01:30:00+02:00",
                "2001-01-01",
            ])
            .prop_map(Value::from)
            .boxed(),
            json!("soon"),
        ),
        member(
            prop::collection::vec(grant, 0..3)
                .prop_map(|g| json!(g))
                .boxed(),
            json!({"orgId": 1}),
        ),
    );
    let object = fields.prop_map(|(id, age, name, admin, tags, since, grants)| {
        let mut m = Map::new();
        for (k, v) in [
            ("id", id),
            ("age", age),
            ("name", name),
            ("admin", admin),
            ("tags", tags),
            ("since", since),
            ("grants", grants),
        ] {
            if let Some(v) = v {
                m.insert(k.to_owned(), v);
            }
        }
        Auth(Some(Value::Object(m)))
    });
    prop_oneof![1 => Just(Auth::anonymous()), 1 => Just(Auth(Some(json!({})))), 8 => object]
}

// ---- the database side -------------------------------------------------------------------------

fn bind(args: &mut SqliteArguments, v: &SqlValue) -> Result<(), TestCaseError> {
    let r = match v {
        SqlValue::Null => args.add(None::<i64>),
        SqlValue::Bool(b) => args.add(*b),
        SqlValue::Int(i) => args.add(*i),
        SqlValue::Float(f) => args.add(*f),
        SqlValue::Text(s) | SqlValue::Decimal(s) | SqlValue::Timestamp(s) | SqlValue::Json(s) => {
            args.add(s.clone())
        }
        SqlValue::Bytes(b) => args.add(b.clone()),
        SqlValue::TextArray(items) => args.add(json!(items).to_string()),
        SqlValue::IntArray(items) => args.add(json!(items).to_string()),
    };
    r.map_err(|e| TestCaseError::fail(format!("bind: {e}")))
}

async fn exec(
    pool: &SqlitePool,
    sql: &str,
    params: &[SqlValue],
) -> Result<Vec<i64>, TestCaseError> {
    let mut args = SqliteArguments::default();
    for p in params {
        bind(&mut args, p)?;
    }
    let rows = sqlx::query_with(AssertSqlSafe(sql.to_owned()), args)
        .fetch_all(pool)
        .await
        .map_err(|e| TestCaseError::fail(format!("{e}\n{sql}\n{params:?}")))?;
    Ok(rows
        .iter()
        .filter_map(|r| r.try_get::<i64, _>(0).ok())
        .collect())
}

fn opt_text(v: &Option<String>) -> SqlValue {
    v.clone().map_or(SqlValue::Null, SqlValue::Text)
}
fn opt_int(v: Option<i64>) -> SqlValue {
    v.map_or(SqlValue::Null, SqlValue::Int)
}
fn opt_bool(v: Option<bool>) -> SqlValue {
    v.map_or(SqlValue::Null, |b| SqlValue::Int(i64::from(b)))
}

async fn load(pool: &SqlitePool, db: &Db) -> Result<(), TestCaseError> {
    for t in ["_PostToTag", "Tag", "Post", "User", "Org"] {
        exec(pool, &format!("DELETE FROM \"{t}\""), &[]).await?;
    }
    for (i, o) in db.orgs.iter().enumerate() {
        let params = [
            SqlValue::Int(i as i64 + 1),
            opt_text(&o.name),
            opt_int(o.tier),
        ];
        exec(
            pool,
            r#"INSERT INTO "Org" ("id", "name", "tier") VALUES (?, ?, ?)"#,
            &params,
        )
        .await?;
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
        exec(
            pool,
            r#"INSERT INTO "Tag" ("id", "name") VALUES (?, ?)"#,
            &params,
        )
        .await?;
    }
    for (p, t) in &db.links {
        let params = [SqlValue::Int(*p), SqlValue::Int(*t)];
        exec(
            pool,
            r#"INSERT INTO "_PostToTag" ("A", "B") VALUES (?, ?)"#,
            &params,
        )
        .await?;
    }
    Ok(())
}

// ---- the evaluator side ------------------------------------------------------------------------

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn org_row(db: &Db, id: i64, depth: u8) -> Value {
    let Some(o) = db.orgs.get((id - 1) as usize) else {
        return Value::Null;
    };
    let mut m = obj(json!({"id": id, "name": o.name, "tier": o.tier}));
    if depth > 0 {
        let users: Vec<Value> = (1..=db.users.len() as i64)
            .filter(|u| db.users[(*u - 1) as usize].org == Some(id))
            .map(|u| user_row(db, u, depth - 1))
            .collect();
        m.insert("users".into(), Value::Array(users));
    }
    Value::Object(m)
}

fn user_row(db: &Db, id: i64, depth: u8) -> Value {
    let Some(u) = db.users.get((id - 1) as usize) else {
        return Value::Null;
    };
    let mut m = obj(json!({
        "id": id, "orgId": u.org, "name": u.name, "age": u.age, "admin": u.admin,
        "score": u.score, "tags": u.tags, "born": u.born, "level": u.level,
    }));
    if depth > 0 {
        m.insert(
            "org".into(),
            u.org.map_or(Value::Null, |o| org_row(db, o, depth - 1)),
        );
        let posts: Vec<Value> = (1..=db.posts.len() as i64)
            .filter(|p| db.posts[(*p - 1) as usize].author == Some(id))
            .map(|p| post_row(db, p, depth - 1))
            .collect();
        m.insert("posts".into(), Value::Array(posts));
    }
    Value::Object(m)
}

fn post_row(db: &Db, id: i64, depth: u8) -> Value {
    let Some(p) = db.posts.get((id - 1) as usize) else {
        return Value::Null;
    };
    let mut m = obj(json!({
        "id": id, "authorId": p.author, "title": p.title, "stars": p.stars, "published": p.published,
        "at": p.at, "labels": p.labels, "rank": p.rank, "secret": p.secret,
    }));
    if depth > 0 {
        m.insert(
            "author".into(),
            p.author.map_or(Value::Null, |a| user_row(db, a, depth - 1)),
        );
        let tags: Vec<Value> = db
            .links
            .iter()
            .filter(|(post, _)| *post == id)
            .map(|(_, t)| tag_row(db, *t, depth - 1))
            .collect();
        m.insert("tagged".into(), Value::Array(tags));
    }
    Value::Object(m)
}

fn tag_row(db: &Db, id: i64, depth: u8) -> Value {
    let Some(t) = db.tags.get((id - 1) as usize) else {
        return Value::Null;
    };
    let mut m = obj(json!({"id": id, "name": t}));
    if depth > 0 {
        let posts: Vec<Value> = db
            .links
            .iter()
            .filter(|(_, tag)| *tag == id)
            .map(|(p, _)| post_row(db, *p, depth - 1))
            .collect();
        m.insert("posts".into(), Value::Array(posts));
    }
    Value::Object(m)
}

fn row(db: &Db, model: &str, id: i64) -> Map<String, Value> {
    let depth = 3;
    obj(match model {
        "Org" => org_row(db, id, depth),
        "User" => user_row(db, id, depth),
        "Tag" => tag_row(db, id, depth),
        _ => post_row(db, id, depth),
    })
}

/// The row's own columns only (what an engine has for a create check).
fn scalars(schema: &Schema, model: ModelIdx, row: &Map<String, Value>) -> Map<String, Value> {
    let m = &schema.models[model];
    row.iter()
        .filter(|(k, _)| {
            m.fields
                .iter()
                .any(|f| &f.name == *k && !matches!(f.kind, FieldKind::Relation(_)))
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    // Rows' timestamps are years away from now, so a date is enough precision.
    let days = secs.div_euclid(86_400);
    let (y, m, d) = civil(days);
    format!("{y:04}-{m:02}-{d:02}T00:00:00.000Z")
}

fn civil(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

// ---- the comparison ----------------------------------------------------------------------------

struct Fixture {
    policies: PolicySet,
    pool: SqlitePool,
}

async fn compare(
    fx: &Fixture,
    db: &Db,
    auth: &Auth,
    before: &Map<String, Value>,
) -> Result<(), TestCaseError> {
    let schema = fx.policies.schema();
    let now = now();
    load(&fx.pool, db).await?;
    let models = [
        ("Org", db.orgs.len()),
        ("User", db.users.len()),
        ("Post", db.posts.len()),
        ("Tag", db.tags.len()),
    ];
    for (name, count) in models {
        let Some(mi) = schema.model_index(name) else {
            return Err(TestCaseError::fail("model"));
        };
        let table = &schema.models[mi].table;
        for op in Operation::ALL {
            let before_env = (op == Operation::PostUpdate).then_some(before);
            let pred = fx.policies.filter(mi, op, auth);
            let env = RenderEnv {
                alias: "t0",
                before: before_env,
            };
            let (cond, params) = pred.to_sql(Dialect::Sqlite, &env);
            let sql = format!("SELECT \"id\" FROM \"{table}\" AS t0 WHERE {cond} ORDER BY \"id\"");
            let got = exec(&fx.pool, &sql, &params).await?;
            let mut w = policy::SqlWriter::new(Dialect::Sqlite);
            pred.render_where(&mut w, &env);
            let (cond_where, params_where) = w.finish();
            let sql_where =
                format!("SELECT \"id\" FROM \"{table}\" AS t0 WHERE {cond_where} ORDER BY \"id\"");
            let got_where = exec(&fx.pool, &sql_where, &params_where).await?;
            let eval_env = EvalEnv {
                auth,
                before: before_env,
                now: &now,
            };
            let mut expected = Vec::new();
            for id in 1..=count as i64 {
                let r = row(db, name, id);
                let ok = allowed(schema, mi, op, &r, &eval_env);
                if ok {
                    expected.push(id);
                }
                if let Some(decided) = pred.eval(&scalars(schema, mi, &r), &env) {
                    prop_assert_eq!(
                        decided,
                        ok,
                        "Pred::eval {} {} row {}",
                        name,
                        op.as_str(),
                        id
                    );
                }
            }
            prop_assert_eq!(
                &got,
                &expected,
                "{} {}: {}\n{:?}",
                name,
                op.as_str(),
                sql,
                params
            );
            prop_assert_eq!(
                &got_where,
                &expected,
                "render_where {} {}: {}",
                name,
                op.as_str(),
                sql_where
            );
        }
        // Field-level rules.
        for (fi, field) in schema.models[mi].fields.iter().enumerate() {
            if field.rules.is_empty() {
                continue;
            }
            for op in [Operation::Read, Operation::Update] {
                let pred = fx.policies.field_filter(mi, fi, op, auth);
                let (cond, params) = pred.to_sql(Dialect::Sqlite, &RenderEnv::new("t0"));
                let sql =
                    format!("SELECT \"id\" FROM \"{table}\" AS t0 WHERE {cond} ORDER BY \"id\"");
                let got = exec(&fx.pool, &sql, &params).await?;
                let eval_env = EvalEnv {
                    auth,
                    before: None,
                    now: &now,
                };
                let expected: Vec<i64> = (1..=count as i64)
                    .filter(|id| field_allowed(schema, mi, fi, op, &row(db, name, *id), &eval_env))
                    .collect();
                prop_assert_eq!(
                    &got,
                    &expected,
                    "field {}.{} {}: {}",
                    name,
                    field.name,
                    op.as_str(),
                    sql
                );
            }
        }
    }
    Ok(())
}

fn before() -> impl Strategy<Value = Map<String, Value>> {
    (opt(25i64..40), name()).prop_map(|(age, name)| obj(json!({"age": age, "name": name})))
}

#[test]
fn sql_and_evaluator_agree() {
    let loaded = match policy::load(SCHEMA) {
        Ok(l) => l,
        Err(d) => panic!("schema: {d:?}"),
    };
    let schema = Arc::new(loaded.schema);
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
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
            sqlx::query(AssertSqlSafe(stmt.clone()))
                .execute(&pool)
                .await
                .unwrap_or_else(|e| panic!("{stmt}: {e}"));
        }
        Fixture {
            policies: PolicySet::new(schema.clone()),
            pool,
        }
    });
    assert!(
        fixture.policies.diagnostics().is_empty(),
        "{:?}",
        fixture.policies.diagnostics()
    );
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(200);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&(db(), auth(), before()), |(db, auth, before)| {
        rt.block_on(compare(&fixture, &db, &auth, &before))
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
