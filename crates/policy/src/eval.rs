//! The in-memory evaluator: decides rules over a JSON row that carries its related rows, with the
//! same three-valued semantics as the SQL the compiler renders (the differential test holds the two
//! to each other). Used to explain denials and in tests.
//!
//! A row is a JSON object keyed by field name: scalar columns as stored (DateTime as a timestamp
//! string, Boolean as `true`/`false` or 0/1, scalar lists as arrays), to-one relations as a nested
//! object or `null`, to-many and many-to-many relations as arrays of objects. A relation missing from
//! the row reads as `null` / empty, so load every relation the rules traverse.

mod walk;

use serde_json::{Map, Value};

use crate::compile::Auth;
use crate::expr::Expr;
use crate::ir::{FieldIdx, ModelIdx, Operation, Rule, RuleKind, Schema};

use walk::Ev;

/// What a rule may read besides the row.
#[derive(Debug, Clone, Copy)]
pub struct EvalEnv<'a> {
    pub auth: &'a Auth,
    /// Pre-update values for `before().x`, keyed by field name.
    pub before: Option<&'a Map<String, Value>>,
    /// The value of `now()` (a timestamp string, e.g. `2026-01-01T00:00:00.000Z`).
    pub now: &'a str,
}

/// Whether `op` on `row` of `model` is allowed: some allow IS TRUE and every deny IS FALSE; with no
/// allow rule, only `post-update` is allowed.
pub fn allowed(schema: &Schema, model: ModelIdx, op: Operation, row: &Map<String, Value>, env: &EvalEnv<'_>) -> bool {
    Ev::new(schema, env, model, op, Vec::new()).allowed(row)
}

/// Whether field `field` of `model` passes its field-level rules for `op` (`read`/`update`): allowed
/// unless a deny fires when it has no allow rule, else some allow must hold too.
pub fn field_allowed(
    schema: &Schema,
    model: ModelIdx,
    field: FieldIdx,
    op: Operation,
    row: &Map<String, Value>,
    env: &EvalEnv<'_>,
) -> bool {
    let Some(f) = schema.models.get(model).and_then(|m| m.fields.get(field)) else {
        return true;
    };
    let ev = Ev::new(schema, env, model, op, Vec::new());
    combine(&f.rules, op, true, |e| ev.rule(e, row))
}

/// Each rule of `model` for `op` with its three-valued value on `row` (`None` = NULL), in source
/// order: names the rule that denied an operation.
pub fn explain<'s>(
    schema: &'s Schema,
    model: ModelIdx,
    op: Operation,
    row: &Map<String, Value>,
    env: &EvalEnv<'_>,
) -> Vec<(&'s Rule, Option<bool>)> {
    let Some(m) = schema.models.get(model) else {
        return Vec::new();
    };
    let ev = Ev::new(schema, env, model, op, Vec::new());
    m.rules.iter().filter(|r| r.applies_to(op)).map(|r| (r, ev.rule(&r.expr, row))).collect()
}

/// The three-valued value of one expression written in `model`'s rules for `op`.
pub fn eval_expr(
    schema: &Schema,
    model: ModelIdx,
    op: Operation,
    expr: &Expr,
    row: &Map<String, Value>,
    env: &EvalEnv<'_>,
) -> Option<bool> {
    Ev::new(schema, env, model, op, Vec::new()).rule(expr, row)
}

pub(crate) fn combine(
    rules: &[Rule],
    op: Operation,
    default_allow: bool,
    mut eval: impl FnMut(&Expr) -> Option<bool>,
) -> bool {
    let mut any_allow = false;
    let mut allow = false;
    for r in rules.iter().filter(|r| r.applies_to(op)) {
        match r.kind {
            RuleKind::Allow => {
                any_allow = true;
                allow = allow || eval(&r.expr) == Some(true);
            }
            RuleKind::Deny => {
                if eval(&r.expr) != Some(false) {
                    return false;
                }
            }
        }
    }
    if any_allow { allow } else { default_allow }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const SCHEMA: &str = r#"
model User {
  id    Int     @id
  posts Post[]
  @@allow('read', posts?[score > 5])
  @@allow('update', posts![score > 5])
  @@allow('delete', posts^[score > 5])
}

model Post {
  id       Int  @id
  score    Int?
  author   User @relation(fields: [authorId], references: [id])
  authorId Int
  @@allow('read', check(author))
  @@deny('read', score == 0)
}
"#;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    fn decide(op: Operation, scores: &[Option<i64>]) -> bool {
        let Ok(l) = crate::load(SCHEMA) else { panic!("schema") };
        let posts: Vec<Value> = scores.iter().map(|s| json!({"score": s})).collect();
        let row = obj(json!({"id": 1, "posts": posts}));
        let auth = Auth::anonymous();
        let env = EvalEnv { auth: &auth, before: None, now: "2026-01-01T00:00:00.000Z" };
        allowed(&l.schema, 0, op, &row, &env)
    }

    #[test]
    fn collection_predicates_are_three_valued() {
        // `?`: one TRUE element decides; unknown elements alone do not allow.
        assert!(decide(Operation::Read, &[None, Some(6)]));
        assert!(!decide(Operation::Read, &[None, Some(1)]));
        assert!(!decide(Operation::Read, &[]));
        // `!`: vacuously true, but an unknown element is not permission.
        assert!(decide(Operation::Update, &[]));
        assert!(decide(Operation::Update, &[Some(6), Some(7)]));
        assert!(!decide(Operation::Update, &[Some(6), None]));
        // `^`: none may hold, and none may be unknown.
        assert!(decide(Operation::Delete, &[Some(1)]));
        assert!(!decide(Operation::Delete, &[Some(1), None]));
        assert!(!decide(Operation::Delete, &[Some(9)]));
    }

    #[test]
    fn explain_names_each_rule_and_check_follows_the_relation() {
        let Ok(l) = crate::load(SCHEMA) else { panic!("schema") };
        let auth = Auth::anonymous();
        let env = EvalEnv { auth: &auth, before: None, now: "2026-01-01T00:00:00.000Z" };
        let author = json!({"id": 1, "posts": [{"score": 9}]});
        let post = obj(json!({"id": 1, "score": 0, "authorId": 1, "author": author}));
        let rules = explain(&l.schema, 1, Operation::Read, &post, &env);
        let values: Vec<Option<bool>> = rules.iter().map(|(_, v)| *v).collect();
        assert_eq!(values, [Some(true), Some(true)], "check(author) holds, the deny fires");
        assert!(!allowed(&l.schema, 1, Operation::Read, &post, &env));
        let unscored = obj(json!({"id": 1, "score": null, "authorId": 1, "author": author}));
        assert!(!allowed(&l.schema, 1, Operation::Read, &unscored, &env), "a NULL deny denies");
        let scored = obj(json!({"id": 1, "score": 3, "authorId": 1, "author": author}));
        assert!(allowed(&l.schema, 1, Operation::Read, &scored, &env));
    }
}
