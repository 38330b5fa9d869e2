//! Rules compiled once per (model, operation), folded per request, rendered to SQL.
//!
//! INTERFACE CONTRACT (bodies to be implemented): the query engine in `store` uses exactly this API.
//!
//! * [`PolicySet::new`] runs once when the schema loads: for every model and operation it combines the
//!   allow and deny rules into one expression, and for every field its field-level read/update rules.
//! * [`PolicySet::filter`] folds that expression for one auth value: auth-only sub-expressions become
//!   constants (three-valued), `&&`/`||` with constants simplify, so an admin's
//!   `role == ADMIN || …` becomes TRUE and adds no predicate.
//! * [`Pred::render`] writes the folded predicate as a two-valued SQL boolean (TRUE exactly when the
//!   operation is allowed; never NULL), against the row aliased `env.alias`.
//!
//! Semantics ("unknown is never permission"): allowed iff `(allow1 OR allow2 …) IS TRUE` and every
//! `deny IS FALSE`. No allow rule → FALSE, except `post-update`, which is TRUE without allow rules.
//! (ZenStack v3 lets a deny whose condition is NULL pass; here it denies.) Field level: allowed when
//! the field has no allow rule for the operation and no deny fires, else some allow must be TRUE.
//!
//! Other NULL decisions (all "unknown"): a comparison with a missing `auth()` member is NULL (ZenStack
//! v3 turns `x == auth().missing` into `x IS NULL`); `contains(x, NULL)` is NULL (v3: matches
//! everything); `NULL in [...]` is NULL (v3: false). A comparison with the `null` *literal* is
//! `IS NULL` / `IS NOT NULL`, and `auth() == null` is TRUE exactly for anonymous callers.

mod fold;
mod lower;
mod node;
mod render;
mod render_fns;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::diag::Diagnostic;
use crate::expr::Expr;
use crate::ir::{FieldIdx, ModelIdx, Operation, Rule, RuleKind, Schema};
use crate::sql::{Dialect, SqlValue, SqlWriter};

pub(crate) use lower::visit;
pub(crate) use node::{Node, Truth};

/// The caller's identity as `auth()` sees it: `None` = anonymous; otherwise a JSON object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Auth(pub Option<Value>);

impl Auth {
    pub fn anonymous() -> Self {
        Auth(None)
    }

    /// `auth().a.b` as a JSON value (`None` when anonymous or missing).
    pub fn get(&self, path: &[String]) -> Option<&Value> {
        let mut v = self.0.as_ref()?;
        for p in path {
            v = v.get(p)?;
        }
        Some(v)
    }
}

/// Every rule of a schema, compiled.
#[derive(Debug)]
pub struct PolicySet {
    schema: Arc<Schema>,
    models: Vec<ModelPolicies>,
    diagnostics: Vec<Diagnostic>,
}

/// The compiled rules of one model.
#[derive(Debug)]
struct ModelPolicies {
    /// Combined filter per operation (indexed by [`op_index`]).
    ops: [Arc<Node>; 5],
    has_rules: [bool; 5],
    /// Each rule applying to the operation: (index in `Model::rules`, "allow holds" / "deny fires").
    rules: [Vec<(usize, Node)>; 5],
    /// Per field: combined `read` and `update` filters (`None`: no rule for that operation).
    fields: Vec<[Option<Node>; 2]>,
    has_field_rules: [bool; 2],
    before_fields: Vec<FieldIdx>,
}

fn op_index(op: Operation) -> usize {
    match op {
        Operation::Create => 0,
        Operation::Read => 1,
        Operation::Update => 2,
        Operation::PostUpdate => 3,
        Operation::Delete => 4,
    }
}

fn field_op_index(op: Operation) -> Option<usize> {
    match op {
        Operation::Read => Some(0),
        Operation::Update => Some(1),
        _ => None,
    }
}

impl PolicySet {
    /// Compiles every (model, operation) and every field rule. Cheap to share (`Arc`).
    pub fn new(schema: Arc<Schema>) -> Self {
        let mut c = lower::Compiler::new(&schema);
        let mut models = Vec::with_capacity(schema.models.len());
        for (mi, model) in schema.models.iter().enumerate() {
            let ops = Operation::ALL.map(|op| c.model_filter(mi, op));
            let has_rules = Operation::ALL.map(|op| model.rules.iter().any(|r| r.applies_to(op)));
            let rules = Operation::ALL.map(|op| {
                model
                    .rules
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.applies_to(op))
                    .map(|(i, r)| {
                        let raw = c.rule(mi, op, r);
                        let t = match r.kind {
                            RuleKind::Allow => Truth::IsTrue,
                            RuleKind::Deny => Truth::IsNotFalse,
                        };
                        (i, node::truth(raw, t))
                    })
                    .collect()
            });
            let fields: Vec<[Option<Node>; 2]> = (0..model.fields.len())
                .map(|fi| {
                    [Operation::Read, Operation::Update].map(|op| {
                        let f = &model.fields[fi];
                        f.rules.iter().any(|r| r.applies_to(op)).then(|| c.field_filter(mi, fi, op))
                    })
                })
                .collect();
            let has_field_rules = [0, 1].map(|i| fields.iter().any(|f| f[i].is_some()));
            let mut before_fields = Vec::new();
            for rule in model.rules.iter().filter(|r| r.applies_to(Operation::PostUpdate)) {
                visit(&rule.expr, &mut |e| {
                    if let Expr::Before { field } = e
                        && !before_fields.contains(field)
                    {
                        before_fields.push(*field);
                    }
                });
            }
            before_fields.sort_unstable();
            models.push(ModelPolicies {
                ops,
                has_rules,
                rules,
                fields,
                has_field_rules,
                before_fields,
            });
        }
        let diagnostics = std::mem::take(&mut c.diagnostics);
        drop(c);
        Self {
            schema,
            models,
            diagnostics,
        }
    }

    pub fn schema(&self) -> &Arc<Schema> {
        &self.schema
    }

    /// Warnings found while compiling (a `check()` cycle or an unusable `check()`, each compiled to
    /// FALSE).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    fn pred(&self, node: Node) -> Pred {
        Pred {
            node,
            schema: self.schema.clone(),
        }
    }

    fn fold(&self, n: &Node, auth: &Auth) -> Pred {
        let mut f = fold::Fold::new(&self.schema, auth);
        self.pred(f.fold(n))
    }

    /// The compiled (unfolded) combined filter of `model` for `op`.
    pub(crate) fn compiled(&self, model: ModelIdx, op: Operation) -> Option<&Node> {
        self.models.get(model).map(|m| &*m.ops[op_index(op)])
    }

    /// The compiled (unfolded) field filter, `None` when the field has no rule for `op`.
    pub(crate) fn compiled_field(&self, model: ModelIdx, field: FieldIdx, op: Operation) -> Option<&Node> {
        let i = field_op_index(op)?;
        self.models.get(model)?.fields.get(field)?[i].as_ref()
    }

    /// The model-level predicate for `op`, folded for `auth`.
    pub fn filter(&self, model: ModelIdx, op: Operation, auth: &Auth) -> Pred {
        match self.compiled(model, op) {
            Some(n) => self.fold(n, auth),
            None => self.pred(node::FALSE),
        }
    }

    /// The field-level predicate for `op` (`Read` or `Update`) on one field, folded for `auth`.
    /// TRUE when the field has no rule for `op`.
    pub fn field_filter(&self, model: ModelIdx, field: FieldIdx, op: Operation, auth: &Auth) -> Pred {
        match self.compiled_field(model, field, op) {
            Some(n) => self.fold(n, auth),
            None => self.pred(node::TRUE),
        }
    }

    /// Whether any field of `model` has a field-level rule for `op` (lets the engine skip work).
    pub fn has_field_rules(&self, model: ModelIdx, op: Operation) -> bool {
        match (self.models.get(model), field_op_index(op)) {
            (Some(m), Some(i)) => m.has_field_rules[i],
            _ => false,
        }
    }

    /// Whether `model` has any model-level rule (allow or deny) for `op`.
    pub fn has_rules(&self, model: ModelIdx, op: Operation) -> bool {
        self.models.get(model).is_some_and(|m| m.has_rules[op_index(op)])
    }

    /// Fields of `model` read through `before()` in its post-update rules (the engine loads them
    /// before the update and passes them in [`RenderEnv::before`]).
    pub fn before_fields(&self, model: ModelIdx) -> &[FieldIdx] {
        self.models.get(model).map_or(&[], |m| m.before_fields.as_slice())
    }

    /// Each rule of `model` for `op` on its own, folded for `auth` — as the *raw condition* of the
    /// rule rendered two-valued as "condition IS TRUE" for allows and "condition IS NOT FALSE" for
    /// denies (i.e. the pred is TRUE when the allow holds / the deny fires). Used to name the rule
    /// that denied an operation.
    pub fn rule_filters(&self, model: ModelIdx, op: Operation, auth: &Auth) -> Vec<(&Rule, Pred)> {
        let (Some(m), Some(mp)) = (self.schema.models.get(model), self.models.get(model)) else {
            return Vec::new();
        };
        mp.rules[op_index(op)]
            .iter()
            .filter_map(|(i, n)| Some((m.rules.get(*i)?, self.fold(n, auth))))
            .collect()
    }
}

/// Values a predicate may need besides the row itself.
#[derive(Debug, Clone, Copy)]
pub struct RenderEnv<'a> {
    /// Alias of the row the predicate is about (scope 0 / `this`).
    pub alias: &'a str,
    /// Pre-update values for `before().x` (post-update checks): JSON keyed by field name.
    pub before: Option<&'a Map<String, Value>>,
}

impl<'a> RenderEnv<'a> {
    /// The row aliased `alias`, no `before()` values.
    pub fn new(alias: &'a str) -> Self {
        Self { alias, before: None }
    }
}

/// A folded predicate, ready to render.
#[derive(Debug, Clone)]
pub struct Pred {
    node: Node,
    schema: Arc<Schema>,
}

impl PartialEq for Pred {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl Pred {
    /// Always allowed (render would add nothing).
    pub fn is_true(&self) -> bool {
        self.node.as_const_bool() == Some(Some(true))
    }

    /// Never allowed.
    pub fn is_false(&self) -> bool {
        self.node.as_const_bool().is_some_and(|v| v != Some(true))
    }

    /// Both predicates (for combining a model filter with field filters).
    #[must_use]
    pub fn and(self, other: &Pred) -> Pred {
        Pred {
            node: node::and(vec![self.node, other.node.clone()]),
            schema: self.schema,
        }
    }

    /// The predicate with the `before()` values of a post-update check substituted and folded (so
    /// `is_true`/`is_false` can decide without SQL when the rule only compares pre-update values).
    #[must_use]
    pub fn with_before(&self, before: &Map<String, Value>) -> Pred {
        let anonymous = Auth::anonymous();
        let mut f = fold::Fold::new(&self.schema, &anonymous);
        f.before = Some(before);
        Pred {
            node: f.fold(&self.node),
            schema: self.schema.clone(),
        }
    }

    /// Writes a two-valued SQL boolean expression (parenthesised) into `w`. With `env.before`, the
    /// `before()` values are folded in first.
    pub fn render(&self, w: &mut SqlWriter, env: &RenderEnv<'_>) {
        let folded;
        let node = match env.before {
            Some(before) => {
                folded = self.with_before(before);
                &folded.node
            }
            None => &self.node,
        };
        let mut r = render::Render {
            schema: &self.schema,
            w,
            before: env.before,
            aliases: vec![env.alias.to_owned()],
        };
        r.pred(node);
    }

    /// Renders into a fresh writer (aliases `t1…` for subqueries): the SQL and its parameters.
    pub fn to_sql(&self, dialect: Dialect, env: &RenderEnv<'_>) -> (String, Vec<SqlValue>) {
        let mut w = SqlWriter::new(dialect);
        self.render(&mut w, env);
        w.finish()
    }

    /// Decides the predicate in memory for a candidate row given as JSON keyed by field name (used
    /// for create checks that need no database). `None` when the predicate reads relations or other
    /// rows and must go to SQL.
    pub fn eval(&self, row: &Map<String, Value>, env: &RenderEnv<'_>) -> Option<bool> {
        if let Some(v) = self.node.as_const_bool() {
            return Some(v == Some(true));
        }
        let anonymous = Auth::anonymous();
        let mut f = fold::Fold::new(&self.schema, &anonymous);
        f.row = Some(row);
        f.before = env.before;
        f.fold(&self.node).as_const_bool().map(|v| v == Some(true))
    }
}
