//! Rules compiled once per (model, operation), folded per request, rendered to SQL.
//!
//! The query engine in `store` uses this API:
//!
//! * [`PolicySet::new`] runs once when the schema loads: for every model and operation it combines the
//!   allow and deny rules into one tree (with `check()` inlined, `currentModel()`/`currentOperation()`
//!   resolved), and for every field its field-level read/update rules.
//! * [`PolicySet::filter`] folds that tree for one auth value (about a microsecond): auth-only
//!   sub-expressions become constants (three-valued), auth collections are decided in memory or
//!   expanded over their elements, `&&`/`||`/`!` simplify, so an admin's `role == ADMIN || …`
//!   becomes TRUE and adds no predicate ([`Pred::is_true`]).
//! * [`Pred::render`] writes the folded predicate as a two-valued SQL boolean (TRUE exactly when the
//!   operation is allowed; never NULL), against the row aliased `env.alias`; [`Pred::render_where`]
//!   is the same for `WHERE` positions, without the top-level `IS TRUE` tests (index-friendly).
//!   [`Pred::eval`] decides in memory when only the row's own columns are read.
//!
//! Semantics ("unknown is never permission"): allowed iff `(allow1 OR allow2 …) IS TRUE` and every
//! `deny IS FALSE`. No allow rule → FALSE, except `post-update`, which is TRUE without allow rules
//! (and `update` when a v2 `future()` allow rule exists). ZenStack v3 lets a deny whose condition is
//! NULL pass; here it denies. Field level: allowed when the field has no allow rule for the operation
//! and no deny fires, else some allow must be TRUE too.
//!
//! Other NULL decisions (all "unknown"): a comparison with a missing `auth()` member is NULL (ZenStack
//! v3 turns `x == auth().missing` into `x IS NULL`); `contains(x, NULL)` is NULL (v3: matches
//! everything); `NULL in [...]` is NULL (v3: false); a value of the wrong JSON type is NULL.
//! Collection predicates are three-valued like SQL `ANY`/`ALL` (v3 counts NULL elements as not
//! matching): `?[c]` is TRUE if some element's `c` is TRUE, else NULL if some is NULL; `![c]` is FALSE
//! if some is FALSE, else NULL if some is NULL; `^[c]` is `!(?[c])`. A comparison with the `null`
//! *literal* is `IS NULL` / `IS NOT NULL`, and `auth() == null` is TRUE exactly for anonymous callers.

mod analysis;
mod fold;
mod lower;
mod lower_refs;
mod node;
mod pred;
mod render;
mod render_fns;
mod render_rel;
mod render_rls;
mod rules;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use serde_json::Value;

use crate::diag::Diagnostic;
use crate::expr::Expr;
use crate::ir::{FieldIdx, ModelIdx, Operation, Rule, RuleKind, Schema};
use crate::sql::SqlWriter;

pub(crate) use node::{Node, Truth, and as node_and, not as node_not, or as node_or, truth as node_truth};
pub use pred::{Pred, RenderEnv};
pub(crate) use rules::{default_allow, visit};

/// Combines (already lowered) allow and deny conditions of `model` for `op` like the engine does.
pub(crate) fn combine_rules(model: &crate::ir::Model, op: Operation, allows: Vec<Node>, denies: Vec<Node>) -> Node {
    rules::combine(allows, denies, default_allow(model, op))
}

/// Renders a compiled (unfolded) node as an RLS policy expression for PostgreSQL: `auth()` from the
/// `manzil.auth` setting, literals inline, the row as `alias`.
pub(crate) fn render_rls(schema: &Schema, n: &Node, alias: &str, w: &mut SqlWriter) {
    let mut r = render::Render { schema, w, before: None, aliases: vec![alias.to_owned()], rls: true };
    r.pred(n);
}

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
    /// Each rule applying to the operation: (index in `Model::rules`, its raw condition).
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
        let mut c = rules::Compiler::new(&schema);
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
                    .map(|(i, r)| (i, c.rule(mi, op, r)))
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
            models.push(ModelPolicies { ops, has_rules, rules, fields, has_field_rules, before_fields });
        }
        let diagnostics = std::mem::take(&mut c.diagnostics);
        drop(c);
        Self { schema, models, diagnostics }
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
        Pred { node, schema: self.schema.clone() }
    }

    fn fold(&self, n: &Node, auth: &Auth) -> Pred {
        let mut f = fold::Fold::new(&self.schema, auth);
        self.pred(f.fold(n))
    }

    /// The compiled (unfolded) combined filter of `model` for `op`.
    pub(crate) fn compiled(&self, model: ModelIdx, op: Operation) -> Option<&Node> {
        self.models.get(model).map(|m| &*m.ops[op_index(op)])
    }

    /// The raw (unfolded) condition of each rule of `model` for `op`, with its index in
    /// `Model::rules`.
    pub(crate) fn compiled_rules(&self, model: ModelIdx, op: Operation) -> &[(usize, Node)] {
        self.models.get(model).map_or(&[], |m| m.rules[op_index(op)].as_slice())
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
            .filter_map(|(i, n)| {
                let rule = m.rules.get(*i)?;
                let t = match rule.kind {
                    RuleKind::Allow => Truth::IsTrue,
                    RuleKind::Deny => Truth::IsNotFalse,
                };
                let mut f = fold::Fold::new(&self.schema, auth);
                Some((rule, self.pred(node::truth(f.fold(n), t))))
            })
            .collect()
    }
}
