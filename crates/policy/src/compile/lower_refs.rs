//! Lowering what refers to other rows: entity comparisons (`auth() == owner`, compared id by id)
//! and `check(rel)` (the target's combined filter inlined, with a cycle guard).

use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::expr::{CmpOp, Expr, Hop, ScopeIdx};
use crate::ir::{ModelIdx, Operation};

use super::lower::Lower;
use super::node::{self, Node};

/// One side of an entity comparison (`auth() == owner`).
pub(super) enum Entity {
    Auth(Vec<String>),
    Row { scope: ScopeIdx, hops: Vec<Hop>, model: ModelIdx },
}

impl Lower<'_, '_> {
    pub(super) fn entity(&self, e: &Expr) -> Option<Entity> {
        match e {
            Expr::Auth { path } if path.is_empty() => Some(Entity::Auth(Vec::new())),
            Expr::ToOne { scope, hops } => {
                let model = match hops.last() {
                    Some(h) => self.schema().models.get(h.model)?.fields.get(h.field)?.relation()?.target,
                    None => (*self.scopes.get(usize::from(*scope))?)?,
                };
                Some(Entity::Row { scope: *scope, hops: hops.clone(), model })
            }
            _ => None,
        }
    }

    /// The id-wise equalities of an entity comparison.
    pub(super) fn entity_pairs(&self, a: Entity, b: Entity) -> Vec<Node> {
        let schema = self.schema();
        let auth_ids = &schema.auth.id_fields;
        let auth_id = |path: &[String], name: &str| {
            let mut p = path.to_vec();
            p.push(name.to_owned());
            Node::Auth(Arc::from(p))
        };
        let eq = |l: Node, r: Node| Node::Compare { op: CmpOp::Eq, lhs: Box::new(l), rhs: Box::new(r) };
        match (a, b) {
            (Entity::Auth(p), Entity::Auth(q)) => auth_ids.iter().map(|n| eq(auth_id(&p, n), auth_id(&q, n))).collect(),
            (Entity::Auth(p), Entity::Row { scope, hops, model })
            | (Entity::Row { scope, hops, model }, Entity::Auth(p)) => {
                let Some(m) = schema.models.get(model) else {
                    return vec![node::FALSE];
                };
                let pairs: Vec<Node> = auth_ids
                    .iter()
                    .enumerate()
                    .filter_map(|(i, name)| {
                        let f = m.field_index(name).or_else(|| m.id.get(i).copied())?;
                        Some(eq(self.column(scope, &hops, model, f), auth_id(&p, name)))
                    })
                    .collect();
                if pairs.is_empty() { vec![node::FALSE] } else { pairs }
            }
            (Entity::Row { scope: s1, hops: h1, model: m1 }, Entity::Row { scope: s2, hops: h2, model: m2 }) => {
                let (Some(a), Some(b)) = (schema.models.get(m1), schema.models.get(m2)) else {
                    return vec![node::FALSE];
                };
                a.id.iter()
                    .zip(&b.id)
                    .map(|(fa, fb)| eq(self.column(s1, &h1, m1, *fa), self.column(s2, &h2, m2, *fb)))
                    .collect()
            }
        }
    }

    pub(super) fn check(&mut self, scope: ScopeIdx, hops: &[Hop], op: Option<Operation>) -> Node {
        let target = hops.last().and_then(|h| {
            let f = self.schema().models.get(h.model)?.fields.get(h.field)?;
            let r = f.relation()?;
            (!f.list).then_some(r.target)
        });
        let Some(target) = target else {
            self.diag("check() needs a to-one relation; compiled to false");
            return node::FALSE;
        };
        let op = match op {
            Some(Operation::PostUpdate) => {
                self.diag("check() cannot delegate to a post-update policy; compiled to false");
                return node::FALSE;
            }
            Some(op) => op,
            // A related row is not being updated: delegate a post-update check to its update policy.
            None if self.op == Operation::PostUpdate => Operation::Update,
            None => self.op,
        };
        if self.c.in_progress.contains(&(target, op)) {
            let name = self.schema().models.get(target).map_or("?", |m| m.name.as_str()).to_owned();
            self.diag(&format!("check() cycle through the `{}` policy of `{name}`; compiled to false", op.as_str()));
            return node::FALSE;
        }
        let body = self.c.model_filter(target, op);
        if body.as_const_bool() == Some(Some(false)) {
            return node::FALSE;
        }
        Node::Related { scope, hops: Arc::from(hops), body }
    }

    pub(super) fn diag(&mut self, msg: &str) {
        let d = Diagnostic::warning(
            self.rule.span,
            format!("{msg} (in `{}` of `{}`)", self.rule.source, self.rule.declared_in),
        );
        if !self.c.diagnostics.contains(&d) {
            self.c.diagnostics.push(d);
        }
    }
}
