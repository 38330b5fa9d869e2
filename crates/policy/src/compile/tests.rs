//! Folding and rendering unit tests: three-valued logic, auth handling, `check()`, parameters.

use std::sync::Arc;

use serde_json::{Value, json};

use super::{Auth, PolicySet, Pred, RenderEnv};
use crate::ir::Operation;
use crate::sql::{Dialect, SqlValue};

const SCHEMA: &str = r#"
datasource db { provider = "sqlite" }

type Grant {
  teamId String
  level  Int
}

type Me {
  id      String @id
  isAdmin Boolean
  level   Int
  teams   String[]
  since   DateTime
  grants  Grant[]
  @@auth
}

model Doc {
  id       String   @id
  teamId   String
  rank     Int
  public   Boolean
  closesAt DateTime?
  @@allow('read', true)
  @@deny('read', !auth().isAdmin)
  @@allow('update', auth().level > 1)
  @@allow('delete', auth() == null)
  @@allow('create', teamId in auth().teams)
  @@allow('post-update', public == true && closesAt > auth().since)
}

model Sheet {
  id     String @id
  teamId String
  rank   Int
  @@allow('read', auth().grants?[level > 2])
  @@allow('update', auth().grants![teamId == this.teamId])
  @@allow('delete', auth().grants^[teamId == this.teamId && level < this.rank])
  @@allow('create', currentModel() == 'Sheet' && currentOperation('upper') == 'CREATE')
}

model A {
  id  String @id
  bId String
  b   B      @relation(fields: [bId], references: [id])
  @@allow('read', check(b))
}

model B {
  id String @id
  as A[]
  @@allow('read', as?[check(b)])
}
"#;

fn policies() -> PolicySet {
    match crate::load(SCHEMA) {
        Ok(l) => PolicySet::new(Arc::new(l.schema)),
        Err(d) => panic!("test schema does not load: {d:?}"),
    }
}

fn auth(v: Value) -> Auth {
    Auth(Some(v))
}

fn model(ps: &PolicySet, name: &str) -> usize {
    ps.schema().model_index(name).unwrap_or(usize::MAX)
}

fn sql(p: &Pred, d: Dialect) -> (String, Vec<SqlValue>) {
    p.to_sql(d, &RenderEnv::new("t0"))
}

/// Constant outcome: Some(true) always, Some(false) never, None needs SQL.
fn outcome(p: &Pred) -> Option<bool> {
    if p.is_true() {
        Some(true)
    } else if p.is_false() {
        Some(false)
    } else {
        None
    }
}

#[test]
fn a_deny_that_is_null_denies() {
    let ps = policies();
    let doc = model(&ps, "Doc");
    let read = |a: Auth| outcome(&ps.filter(doc, Operation::Read, &a));
    assert_eq!(read(Auth::anonymous()), Some(false), "anonymous: !NULL is NULL, the deny fires");
    assert_eq!(read(auth(json!({"id": "1"}))), Some(false), "missing member: NULL deny fires");
    assert_eq!(read(auth(json!({"id": "1", "isAdmin": null}))), Some(false));
    assert_eq!(read(auth(json!({"id": "1", "isAdmin": false}))), Some(false));
    assert_eq!(read(auth(json!({"id": "1", "isAdmin": true}))), Some(true));
    // Not a boolean: unknown, so denied.
    assert_eq!(read(auth(json!({"id": "1", "isAdmin": "yes"}))), Some(false));
}

#[test]
fn an_allow_that_is_null_does_not_allow() {
    let ps = policies();
    let doc = model(&ps, "Doc");
    let update = |a: Auth| outcome(&ps.filter(doc, Operation::Update, &a));
    assert_eq!(update(Auth::anonymous()), Some(false));
    assert_eq!(update(auth(json!({"id": "1"}))), Some(false));
    assert_eq!(update(auth(json!({"id": "1", "level": 1}))), Some(false));
    assert_eq!(update(auth(json!({"id": "1", "level": 2}))), Some(true));
    assert_eq!(update(auth(json!({"id": "1", "level": 1.5}))), Some(true));
    assert_eq!(update(auth(json!({"id": "1", "level": "9"}))), Some(false), "a string is not a number");
}

#[test]
fn auth_eq_null_is_true_only_for_anonymous() {
    let ps = policies();
    let doc = model(&ps, "Doc");
    let delete = |a: Auth| outcome(&ps.filter(doc, Operation::Delete, &a));
    assert_eq!(delete(Auth::anonymous()), Some(true));
    assert_eq!(delete(auth(json!({}))), Some(false));
}

#[test]
fn in_auth_list_becomes_an_in_list() {
    let ps = policies();
    let doc = model(&ps, "Doc");
    let p = ps.filter(doc, Operation::Create, &auth(json!({"id": "1", "teams": ["a", "b"]})));
    assert_eq!(
        sql(&p, Dialect::Postgres),
        (
            r#"(t0."teamId" IN ($1::text, $2::text))"#.to_owned(),
            vec![SqlValue::Text("a".into()), SqlValue::Text("b".into())]
        )
    );
    assert!(ps.filter(doc, Operation::Create, &auth(json!({"id": "1", "teams": []}))).is_false());
    assert!(ps.filter(doc, Operation::Create, &auth(json!({"id": "1"}))).is_false());
    assert!(ps.filter(doc, Operation::Create, &Auth::anonymous()).is_false());
}

#[test]
fn parameters_are_typed_from_the_column() {
    let ps = policies();
    let doc = model(&ps, "Doc");
    let a = auth(json!({"id": "1", "since": "2024-05-01T10:00:00+02:00"}));
    let p = ps.filter(doc, Operation::PostUpdate, &a);
    let (s, params) = sql(&p, Dialect::Sqlite);
    assert_eq!(s, r#"(((t0."public" = ?) AND (t0."closesAt" > ?)) IS TRUE)"#);
    assert_eq!(params, vec![SqlValue::Int(1), SqlValue::Timestamp("2024-05-01T08:00:00.000Z".into())]);
    let (s, params) = sql(&p, Dialect::Postgres);
    assert_eq!(s, r#"(((t0."public" = $1::boolean) AND (t0."closesAt" > $2::timestamptz)) IS TRUE)"#);
    assert_eq!(params[0], SqlValue::Bool(true));
    // An unparseable timestamp is unknown.
    let bad = auth(json!({"id": "1", "since": "soon"}));
    assert!(ps.filter(doc, Operation::PostUpdate, &bad).is_false());
}

#[test]
fn auth_collections_evaluate_in_memory_or_expand() {
    let ps = policies();
    let sheet = model(&ps, "Sheet");
    let grants = |g: Value| auth(json!({"id": "1", "grants": g}));
    let read = |a: &Auth| outcome(&ps.filter(sheet, Operation::Read, a));
    // Body without the row: decided in memory.
    assert_eq!(read(&grants(json!([{"teamId": "a", "level": 3}]))), Some(true));
    assert_eq!(read(&grants(json!([{"teamId": "a", "level": 1}]))), Some(false));
    assert_eq!(read(&grants(json!([{"teamId": "a"}]))), Some(false), "NULL body does not count");
    assert_eq!(read(&grants(json!([]))), Some(false), "empty: ? is false");
    assert_eq!(read(&auth(json!({"id": "1"}))), Some(false), "undefined collection is NULL");
    assert_eq!(read(&grants(Value::Null)), Some(false));
    // `!` over an empty list is vacuously true; over a missing one NULL (denied).
    let update = |a: &Auth| ps.filter(sheet, Operation::Update, a);
    assert!(update(&grants(json!([]))).is_true());
    assert!(update(&auth(json!({"id": "1"}))).is_false());
    let two = grants(json!([{"teamId": "a", "level": 1}, {"teamId": "b", "level": 5}]));
    assert_eq!(sql(&update(&two), Dialect::Sqlite).0, r#"((? = t0."teamId") AND (? = t0."teamId"))"#);
    // `^`: none of the elements may hold.
    let delete = |a: &Auth| ps.filter(sheet, Operation::Delete, a);
    assert!(delete(&grants(json!([]))).is_true());
    let (s, params) = sql(&delete(&two), Dialect::Postgres);
    assert_eq!(
        s,
        r#"((($1::text <> t0."teamId") OR ($2::bigint >= t0."rank")) AND (($3::text <> t0."teamId") OR ($4::bigint >= t0."rank")))"#
    );
    assert_eq!(params.len(), 4);
}

#[test]
fn current_model_and_operation_are_literals() {
    let ps = policies();
    let sheet = model(&ps, "Sheet");
    assert!(ps.filter(sheet, Operation::Create, &Auth::anonymous()).is_true());
}

#[test]
fn check_cycles_compile_to_false_with_a_diagnostic() {
    let ps = policies();
    let a = model(&ps, "A");
    assert!(!ps.diagnostics().is_empty());
    assert!(ps.diagnostics().iter().any(|d| d.message.contains("cycle")), "{:?}", ps.diagnostics());
    assert!(ps.filter(a, Operation::Read, &Auth::anonymous()).is_false());
}

#[test]
fn truth_tables_of_combined_rules() {
    use super::node::{FALSE, NULL, Node, TRUE};
    use super::rules::combine;
    let cases: [(Node, Node, bool); 9] = [
        (TRUE, FALSE, true),
        (TRUE, TRUE, false),
        (TRUE, NULL, false),
        (FALSE, FALSE, false),
        (FALSE, TRUE, false),
        (FALSE, NULL, false),
        (NULL, FALSE, false),
        (NULL, TRUE, false),
        (NULL, NULL, false),
    ];
    for (allow, deny, expect) in cases {
        let n = combine(vec![allow.clone()], vec![deny.clone()], false);
        assert_eq!(n, Node::boolean(Some(expect)), "allow {allow:?} deny {deny:?}");
    }
    // No allow: FALSE, except post-update (TRUE unless a deny is not FALSE).
    assert_eq!(combine(vec![], vec![FALSE], false), FALSE);
    assert_eq!(combine(vec![], vec![FALSE], true), TRUE);
    assert_eq!(combine(vec![], vec![NULL], true), FALSE);
    assert_eq!(combine(vec![NULL, TRUE], vec![], false), TRUE);
}

#[test]
fn folding_is_cheap() {
    let ps = policies();
    let sheet = model(&ps, "Sheet");
    let a = auth(json!({"id": "1", "grants": [{"teamId": "a", "level": 1}, {"teamId": "b", "level": 5}]}));
    let n = 2000;
    let start = std::time::Instant::now();
    for _ in 0..n {
        for op in [Operation::Read, Operation::Update, Operation::Delete] {
            std::hint::black_box(ps.filter(sheet, op, &a));
        }
    }
    let per = start.elapsed() / (n * 3);
    // Generous for unoptimised test builds on a shared machine; release builds are far below.
    assert!(per < std::time::Duration::from_micros(200), "fold took {per:?}");
}
