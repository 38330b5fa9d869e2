//! Combining a model's rules per operation — "allowed iff (allow1 OR …) IS TRUE AND every deny IS
//! FALSE" — and the compiler that lowers them on demand, memoised per (model, operation).

use std::collections::HashMap;
use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::expr::Expr;
use crate::ir::{FieldIdx, Model, ModelIdx, Operation, Rule, RuleKind, Schema};

use super::lower::Lower;
use super::node::{self, Node, Truth};

/// Compiles filters on demand, memoising per (model, operation).
pub(crate) struct Compiler<'a> {
    pub(super) schema: &'a Schema,
    memo: HashMap<(ModelIdx, Operation), Arc<Node>>,
    pub(super) in_progress: Vec<(ModelIdx, Operation)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// "Allowed iff (allow1 OR …) IS TRUE AND every deny IS FALSE"; with no allow rule, `default_allow`.
pub(crate) fn combine(allows: Vec<Node>, denies: Vec<Node>, default_allow: bool) -> Node {
    let base = if allows.is_empty() {
        Node::boolean(Some(default_allow))
    } else {
        node::truth(node::or(allows), Truth::IsTrue)
    };
    let mut parts = vec![base];
    parts.extend(denies.into_iter().map(|d| node::truth(d, Truth::IsFalse)));
    node::and(parts)
}

/// Whether `op` is allowed when `model` has no allow rule for it: `post-update` always; `update` when
/// a v2 `future()` allow rule exists (the checker turned it into a post-update rule, which then
/// decides alone, as in ZenStack v2).
pub(crate) fn default_allow(model: &Model, op: Operation) -> bool {
    match op {
        Operation::PostUpdate => true,
        Operation::Update => model.rules.iter().any(|r| {
            r.kind == RuleKind::Allow && r.applies_to(Operation::PostUpdate) && !r.source.contains("post-update")
        }),
        _ => false,
    }
}

impl<'a> Compiler<'a> {
    pub(crate) fn new(schema: &'a Schema) -> Self {
        Self { schema, memo: HashMap::new(), in_progress: Vec::new(), diagnostics: Vec::new() }
    }

    /// The combined model-level filter of `model` for `op`.
    pub(crate) fn model_filter(&mut self, model: ModelIdx, op: Operation) -> Arc<Node> {
        if let Some(n) = self.memo.get(&(model, op)) {
            return n.clone();
        }
        let schema = self.schema;
        let Some(m) = schema.models.get(model) else {
            return Arc::new(node::FALSE);
        };
        self.in_progress.push((model, op));
        let mut allows = Vec::new();
        let mut denies = Vec::new();
        for rule in m.rules.iter().filter(|r| r.applies_to(op)) {
            let n = self.rule(model, op, rule);
            match rule.kind {
                RuleKind::Allow => allows.push(n),
                RuleKind::Deny => denies.push(n),
            }
        }
        self.in_progress.pop();
        let n = Arc::new(combine(allows, denies, default_allow(m, op)));
        // Only a top-level result is memoised: one compiled inside a `check()` chain may have had a
        // cycle cut short relative to that chain.
        if self.in_progress.is_empty() {
            self.memo.insert((model, op), n.clone());
        }
        n
    }

    /// The combined field-level filter (TRUE when the field has no rule for `op`).
    pub(crate) fn field_filter(&mut self, model: ModelIdx, field: FieldIdx, op: Operation) -> Node {
        let schema = self.schema;
        let Some(f) = schema.models.get(model).and_then(|m| m.fields.get(field)) else {
            return node::TRUE;
        };
        let mut allows = Vec::new();
        let mut denies = Vec::new();
        for rule in f.rules.iter().filter(|r| r.applies_to(op)) {
            let n = self.rule(model, op, rule);
            match rule.kind {
                RuleKind::Allow => allows.push(n),
                RuleKind::Deny => denies.push(n),
            }
        }
        combine(allows, denies, true)
    }

    /// One rule's raw condition (three-valued).
    pub(crate) fn rule(&mut self, model: ModelIdx, op: Operation, rule: &Rule) -> Node {
        Lower::new(self, model, op, rule).lower(&rule.expr)
    }
}

/// Calls `f` on `e` and every sub-expression.
pub(crate) fn visit(e: &Expr, f: &mut impl FnMut(&Expr)) {
    f(e);
    match e {
        Expr::Compare { lhs, rhs, .. } | Expr::In { lhs, rhs } | Expr::And(lhs, rhs) | Expr::Or(lhs, rhs) => {
            visit(lhs, f);
            visit(rhs, f);
        }
        Expr::Not(a) | Expr::IsEmpty(a) => visit(a, f),
        Expr::Collection { body, .. } | Expr::AuthCollection { body, .. } => visit(body, f),
        Expr::StringFn { target, value, .. } => {
            visit(target, f);
            visit(value, f);
        }
        Expr::ListFn { list, value, .. } => {
            visit(list, f);
            visit(value, f);
        }
        Expr::Lit(_)
        | Expr::Column { .. }
        | Expr::ToOne { .. }
        | Expr::Auth { .. }
        | Expr::AuthElement { .. }
        | Expr::Before { .. }
        | Expr::Now
        | Expr::Check { .. }
        | Expr::CurrentModel(_)
        | Expr::CurrentOperation(_) => {}
    }
}
