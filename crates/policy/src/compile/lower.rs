//! Lowering one rule: `Expr` → [`Node`] (literals as JSON, `currentModel()`/`currentOperation()`
//! resolved, `== null` made explicit, `owner.id` shortened to the foreign key). Entity comparisons
//! and `check()` live in `lower_refs`.

use std::sync::Arc;

use crate::expr::{CmpOp, Expr, Hop, ScopeIdx};
use crate::ir::{FieldIdx, Literal, ModelIdx, Operation, RelationKind, Rule, Schema};
use crate::value::{apply_casing, literal_json};

use super::fold::nullable;
use super::node::{self, ColRef, Node};
use super::rules::Compiler;

/// Lowers the expressions of one rule.
pub(super) struct Lower<'c, 'a> {
    pub(super) c: &'c mut Compiler<'a>,
    /// The model carrying the rule (scope 0).
    pub(super) model: ModelIdx,
    pub(super) op: Operation,
    pub(super) rule: &'c Rule,
    /// The model of each scope (`None` for auth-collection scopes).
    pub(super) scopes: Vec<Option<ModelIdx>>,
}

impl<'c, 'a> Lower<'c, 'a> {
    pub(super) fn new(c: &'c mut Compiler<'a>, model: ModelIdx, op: Operation, rule: &'c Rule) -> Self {
        Self { c, model, op, rule, scopes: vec![Some(model)] }
    }

    pub(super) fn schema(&self) -> &Schema {
        self.c.schema
    }

    pub(super) fn lower(&mut self, e: &Expr) -> Node {
        match e {
            Expr::Lit(l) => Node::Const(literal_json(l)),
            Expr::Column { scope, hops, model, field } => self.column(*scope, hops, *model, *field),
            // A to-one relation is only meaningful compared with null (handled in `compare`).
            Expr::ToOne { .. } => node::NULL,
            Expr::Auth { path } => Node::Auth(Arc::from(path.as_slice())),
            Expr::AuthElement { scope, path } => Node::AuthElement { scope: *scope, path: Arc::from(path.as_slice()) },
            Expr::Before { field } => Node::Before { model: self.model, field: *field },
            Expr::Compare { op, lhs, rhs } => self.compare(*op, lhs, rhs),
            Expr::In { lhs, rhs } => Node::In { lhs: Box::new(self.lower(lhs)), rhs: Box::new(self.lower(rhs)) },
            Expr::And(a, b) => node::and(vec![self.lower(a), self.lower(b)]),
            Expr::Or(a, b) => node::or(vec![self.lower(a), self.lower(b)]),
            Expr::Not(a) => node::not(self.lower(a)),
            Expr::Collection { scope, hops, relation, quantifier, element_scope, body } => {
                let target = self
                    .schema()
                    .models
                    .get(relation.model)
                    .and_then(|m| m.fields.get(relation.field)?.relation().map(|r| r.target));
                self.set_scope(*element_scope, target);
                let body = self.lower(body);
                Node::Collection {
                    scope: *scope,
                    hops: Arc::from(hops.as_slice()),
                    relation: *relation,
                    quantifier: *quantifier,
                    element_scope: *element_scope,
                    nullable: nullable(&body, self.schema()),
                    body: Box::new(body),
                }
            }
            Expr::AuthCollection { base, path, quantifier, element_scope, body } => {
                self.set_scope(*element_scope, None);
                Node::AuthCollection {
                    base: *base,
                    path: Arc::from(path.as_slice()),
                    quantifier: *quantifier,
                    element_scope: *element_scope,
                    body: Box::new(self.lower(body)),
                }
            }
            Expr::StringFn { func, target, value, case_insensitive } => Node::Str {
                func: *func,
                target: Box::new(self.lower(target)),
                value: Box::new(self.lower(value)),
                case_insensitive: *case_insensitive,
            },
            Expr::ListFn { func, list, value } => {
                Node::List { func: *func, list: Box::new(self.lower(list)), value: Box::new(self.lower(value)) }
            }
            Expr::IsEmpty(list) => Node::IsEmpty(Box::new(self.lower(list))),
            Expr::Now => Node::Now,
            Expr::Check { scope, hops, op } => self.check(*scope, hops, *op),
            Expr::CurrentModel(casing) => {
                let name = self.schema().models.get(self.model).map_or("", |m| m.name.as_str());
                Node::Const(apply_casing(name, *casing).into())
            }
            Expr::CurrentOperation(casing) => Node::Const(apply_casing(self.op.as_str(), *casing).into()),
        }
    }

    fn set_scope(&mut self, idx: ScopeIdx, model: Option<ModelIdx>) {
        let idx = usize::from(idx);
        if self.scopes.len() <= idx {
            self.scopes.resize(idx + 1, None);
        }
        self.scopes[idx] = model;
    }

    /// A column read; `owner.id` where `owner` is held by a foreign key becomes the key column itself
    /// (repeatedly, so `a.b.id` may lose both hops).
    pub(super) fn column(&self, scope: ScopeIdx, hops: &[Hop], model: ModelIdx, field: FieldIdx) -> Node {
        let mut hops = hops.to_vec();
        let (mut model, mut field) = (model, field);
        while let Some(last) = hops.last() {
            let rel =
                self.schema().models.get(last.model).and_then(|m| m.fields.get(last.field)).and_then(|f| f.relation());
            let Some(RelationKind::Owned { fields, references, .. }) = rel.map(|r| &r.kind) else {
                break;
            };
            let Some(fk) = references.iter().position(|r| *r == field).and_then(|j| fields.get(j)) else {
                break;
            };
            field = *fk;
            model = last.model;
            hops.pop();
        }
        Node::Column(ColRef { scope, hops: Arc::from(hops), model, field })
    }

    fn compare(&mut self, op: CmpOp, lhs: &Expr, rhs: &Expr) -> Node {
        let is_null = |e: &Expr| matches!(e, Expr::Lit(Literal::Null));
        if is_null(lhs) || is_null(rhs) {
            let other = if is_null(lhs) { rhs } else { lhs };
            let test = match other {
                Expr::ToOne { scope, hops } => Node::ToOneNull { scope: *scope, hops: Arc::from(hops.as_slice()) },
                e => Node::IsNull(Box::new(self.lower(e))),
            };
            return match op {
                CmpOp::Eq => test,
                CmpOp::Ne => node::not(test),
                // Ordering against null is unknown.
                _ => node::NULL,
            };
        }
        if matches!(op, CmpOp::Eq | CmpOp::Ne)
            && let (Some(a), Some(b)) = (self.entity(lhs), self.entity(rhs))
        {
            let eq = node::and(self.entity_pairs(a, b));
            return if op == CmpOp::Eq { eq } else { node::not(eq) };
        }
        Node::Compare { op, lhs: Box::new(self.lower(lhs)), rhs: Box::new(self.lower(rhs)) }
    }
}
