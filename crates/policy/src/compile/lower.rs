//! Compiling rules: `Expr` → [`Node`], combining a model's allow/deny rules per operation, and
//! inlining `check()` (with a cycle guard).

use std::collections::HashMap;
use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::expr::{CmpOp, Expr, Hop, ScopeIdx};
use crate::ir::{FieldIdx, Literal, ModelIdx, Operation, RelationKind, Rule, RuleKind, Schema};
use crate::value::{apply_casing, literal_json};

use super::node::{self, ColRef, Node, Truth};

/// Compiles filters on demand, memoising per (model, operation).
pub(crate) struct Compiler<'a> {
    schema: &'a Schema,
    memo: HashMap<(ModelIdx, Operation), Arc<Node>>,
    in_progress: Vec<(ModelIdx, Operation)>,
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

impl<'a> Compiler<'a> {
    pub(crate) fn new(schema: &'a Schema) -> Self {
        Self {
            schema,
            memo: HashMap::new(),
            in_progress: Vec::new(),
            diagnostics: Vec::new(),
        }
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
        let n = Arc::new(combine(allows, denies, op == Operation::PostUpdate));
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
        let mut l = Lower {
            c: self,
            model,
            op,
            rule,
            scopes: vec![Some(model)],
        };
        l.lower(&rule.expr)
    }
}

struct Lower<'c, 'a> {
    c: &'c mut Compiler<'a>,
    /// The model carrying the rule (scope 0).
    model: ModelIdx,
    op: Operation,
    rule: &'c Rule,
    /// The model of each scope (`None` for auth-collection scopes).
    scopes: Vec<Option<ModelIdx>>,
}

/// One side of an entity comparison (`auth() == owner`).
enum Entity {
    Auth(Vec<String>),
    Row {
        scope: ScopeIdx,
        hops: Vec<Hop>,
        model: ModelIdx,
    },
}

impl Lower<'_, '_> {
    fn schema(&self) -> &Schema {
        self.c.schema
    }

    fn lower(&mut self, e: &Expr) -> Node {
        match e {
            Expr::Lit(l) => Node::Const(literal_json(l)),
            Expr::Column {
                scope,
                hops,
                model,
                field,
            } => self.column(*scope, hops, *model, *field),
            // A to-one relation is only meaningful compared with null (handled in `compare`).
            Expr::ToOne { .. } => node::NULL,
            Expr::Auth { path } => Node::Auth(Arc::from(path.as_slice())),
            Expr::AuthElement { scope, path } => Node::AuthElement {
                scope: *scope,
                path: Arc::from(path.as_slice()),
            },
            Expr::Before { field } => Node::Before {
                model: self.model,
                field: *field,
            },
            Expr::Compare { op, lhs, rhs } => self.compare(*op, lhs, rhs),
            Expr::In { lhs, rhs } => Node::In {
                lhs: Box::new(self.lower(lhs)),
                rhs: Box::new(self.lower(rhs)),
            },
            Expr::And(a, b) => node::and(vec![self.lower(a), self.lower(b)]),
            Expr::Or(a, b) => node::or(vec![self.lower(a), self.lower(b)]),
            Expr::Not(a) => node::not(self.lower(a)),
            Expr::Collection {
                scope,
                hops,
                relation,
                quantifier,
                element_scope,
                body,
            } => {
                let target = self.schema().models.get(relation.model).and_then(|m| {
                    m.fields.get(relation.field)?.relation().map(|r| r.target)
                });
                self.set_scope(*element_scope, target);
                let body = self.lower(body);
                Node::Collection {
                    scope: *scope,
                    hops: Arc::from(hops.as_slice()),
                    relation: *relation,
                    quantifier: *quantifier,
                    element_scope: *element_scope,
                    body: Box::new(body),
                }
            }
            Expr::AuthCollection {
                base,
                path,
                quantifier,
                element_scope,
                body,
            } => {
                self.set_scope(*element_scope, None);
                Node::AuthCollection {
                    base: *base,
                    path: Arc::from(path.as_slice()),
                    quantifier: *quantifier,
                    element_scope: *element_scope,
                    body: Box::new(self.lower(body)),
                }
            }
            Expr::StringFn {
                func,
                target,
                value,
                case_insensitive,
            } => Node::Str {
                func: *func,
                target: Box::new(self.lower(target)),
                value: Box::new(self.lower(value)),
                case_insensitive: *case_insensitive,
            },
            Expr::ListFn { func, list, value } => Node::List {
                func: *func,
                list: Box::new(self.lower(list)),
                value: Box::new(self.lower(value)),
            },
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
    fn column(&self, scope: ScopeIdx, hops: &[Hop], model: ModelIdx, field: FieldIdx) -> Node {
        let mut hops = hops.to_vec();
        let (mut model, mut field) = (model, field);
        while let Some(last) = hops.last() {
            let rel = self
                .schema()
                .models
                .get(last.model)
                .and_then(|m| m.fields.get(last.field))
                .and_then(|f| f.relation());
            let Some(RelationKind::Owned {
                fields, references, ..
            }) = rel.map(|r| &r.kind)
            else {
                break;
            };
            let Some(fk) = references.iter().position(|r| *r == field).and_then(|j| fields.get(j)) else {
                break;
            };
            field = *fk;
            model = last.model;
            hops.pop();
        }
        Node::Column(ColRef {
            scope,
            hops: Arc::from(hops),
            model,
            field,
        })
    }

    fn compare(&mut self, op: CmpOp, lhs: &Expr, rhs: &Expr) -> Node {
        let is_null = |e: &Expr| matches!(e, Expr::Lit(Literal::Null));
        if is_null(lhs) || is_null(rhs) {
            let other = if is_null(lhs) { rhs } else { lhs };
            let test = match other {
                Expr::ToOne { scope, hops } => Node::ToOneNull {
                    scope: *scope,
                    hops: Arc::from(hops.as_slice()),
                },
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
        Node::Compare {
            op,
            lhs: Box::new(self.lower(lhs)),
            rhs: Box::new(self.lower(rhs)),
        }
    }

    fn entity(&self, e: &Expr) -> Option<Entity> {
        match e {
            Expr::Auth { path } if path.is_empty() => Some(Entity::Auth(Vec::new())),
            Expr::ToOne { scope, hops } => {
                let model = match hops.last() {
                    Some(h) => self.schema().models.get(h.model)?.fields.get(h.field)?.relation()?.target,
                    None => (*self.scopes.get(usize::from(*scope))?)?,
                };
                Some(Entity::Row {
                    scope: *scope,
                    hops: hops.clone(),
                    model,
                })
            }
            _ => None,
        }
    }

    /// The id-wise equalities of an entity comparison.
    fn entity_pairs(&self, a: Entity, b: Entity) -> Vec<Node> {
        let schema = self.schema();
        let auth_ids = &schema.auth.id_fields;
        let auth_id = |path: &[String], name: &str| {
            let mut p = path.to_vec();
            p.push(name.to_owned());
            Node::Auth(Arc::from(p))
        };
        let eq = |l: Node, r: Node| Node::Compare {
            op: CmpOp::Eq,
            lhs: Box::new(l),
            rhs: Box::new(r),
        };
        match (a, b) {
            (Entity::Auth(p), Entity::Auth(q)) => {
                auth_ids.iter().map(|n| eq(auth_id(&p, n), auth_id(&q, n))).collect()
            }
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
            (
                Entity::Row {
                    scope: s1,
                    hops: h1,
                    model: m1,
                },
                Entity::Row {
                    scope: s2,
                    hops: h2,
                    model: m2,
                },
            ) => {
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

    fn check(&mut self, scope: ScopeIdx, hops: &[Hop], op: Option<Operation>) -> Node {
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
            self.diag(&format!(
                "check() cycle through the `{}` policy of `{name}`; compiled to false",
                op.as_str()
            ));
            return node::FALSE;
        }
        let body = self.c.model_filter(target, op);
        if body.as_const_bool() == Some(Some(false)) {
            return node::FALSE;
        }
        Node::Related {
            scope,
            hops: Arc::from(hops),
            body,
        }
    }

    fn diag(&mut self, msg: &str) {
        let d = Diagnostic::warning(
            self.rule.span,
            format!("{msg} (in `{}` of `{}`)", self.rule.source, self.rule.declared_in),
        );
        if !self.c.diagnostics.contains(&d) {
            self.c.diagnostics.push(d);
        }
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
