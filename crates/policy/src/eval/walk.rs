//! The evaluator proper: three-valued truth of an expression over a row and its scopes.

use serde_json::{Map, Value};

use crate::expr::{CmpOp, Expr, Hop, Quantifier, ScopeIdx};
use crate::ir::{FieldIdx, Literal, ModelIdx, Operation, Schema};
use crate::value::{self, Kind};

use super::{EvalEnv, combine};
use crate::compile::default_allow;

/// What a scope is bound to.
#[derive(Clone, Copy)]
pub(super) enum Scope<'r> {
    Row(&'r Map<String, Value>),
    Auth(&'r Value),
    Unbound,
}

pub(super) struct Ev<'e, 'a> {
    schema: &'e Schema,
    env: &'e EvalEnv<'a>,
    model: ModelIdx,
    op: Operation,
    /// (model, operation) policies being evaluated through `check()`, for the cycle guard.
    stack: Vec<(ModelIdx, Operation)>,
}

impl<'e, 'a> Ev<'e, 'a> {
    pub(super) fn new(
        schema: &'e Schema,
        env: &'e EvalEnv<'a>,
        model: ModelIdx,
        op: Operation,
        mut stack: Vec<(ModelIdx, Operation)>,
    ) -> Self {
        stack.push((model, op));
        Self { schema, env, model, op, stack }
    }

    pub(super) fn allowed(&self, row: &Map<String, Value>) -> bool {
        let Some(m) = self.schema.models.get(self.model) else {
            return false;
        };
        combine(&m.rules, self.op, default_allow(m, self.op), |e| self.rule(e, row))
    }

    pub(super) fn rule(&self, e: &Expr, row: &Map<String, Value>) -> Option<bool> {
        let mut scopes = vec![Scope::Row(row)];
        self.truth(e, &mut scopes)
    }

    fn field_name(&self, model: ModelIdx, field: FieldIdx) -> Option<&'e str> {
        Some(self.schema.models.get(model)?.fields.get(field)?.name.as_str())
    }

    /// Follows to-one hops from a scope's row; `None` when a hop is null.
    fn walk<'r>(&self, scopes: &[Scope<'r>], scope: ScopeIdx, hops: &[Hop]) -> Option<&'r Map<String, Value>> {
        let Scope::Row(mut row) = *scopes.get(usize::from(scope))? else {
            return None;
        };
        for h in hops {
            row = row.get(self.field_name(h.model, h.field)?)?.as_object()?;
        }
        Some(row)
    }

    /// The static type of a value expression.
    fn kind(&self, e: &Expr) -> Option<(Kind, bool)> {
        match e {
            Expr::Column { model, field, .. } => value::field_kind(self.schema.models.get(*model)?.fields.get(*field)?),
            Expr::Before { field } => value::field_kind(self.schema.models.get(self.model)?.fields.get(*field)?),
            Expr::Now => Some((Kind::DateTime, false)),
            _ => None,
        }
    }

    /// The value of a value expression (NULL as `Value::Null`).
    fn value<'r>(&self, e: &Expr, scopes: &mut Vec<Scope<'r>>) -> Value
    where
        'a: 'r,
    {
        match e {
            Expr::Lit(l) => value::literal_json(l),
            Expr::Column { scope, hops, model, field } => self
                .walk(scopes, *scope, hops)
                .zip(self.field_name(*model, *field))
                .and_then(|(row, name)| row.get(name))
                .cloned()
                .unwrap_or(Value::Null),
            Expr::Auth { path } => self.env.auth.get(path).cloned().unwrap_or(Value::Null),
            Expr::AuthElement { scope, path } => match scopes.get(usize::from(*scope)) {
                Some(Scope::Auth(v)) => path.iter().try_fold(*v, |v, p| v.get(p)).cloned().unwrap_or(Value::Null),
                _ => Value::Null,
            },
            Expr::Before { field } => self
                .env
                .before
                .zip(self.field_name(self.model, *field))
                .and_then(|(b, name)| b.get(name))
                .cloned()
                .unwrap_or(Value::Null),
            Expr::Now => Value::String(self.env.now.to_owned()),
            Expr::CurrentModel(c) => {
                let name = self.schema.models.get(self.model).map_or("", |m| m.name.as_str());
                Value::String(value::apply_casing(name, *c))
            }
            Expr::CurrentOperation(c) => Value::String(value::apply_casing(self.op.as_str(), *c)),
            Expr::ToOne { .. } => Value::Null,
            other => match self.truth(other, scopes) {
                Some(b) => Value::Bool(b),
                None => Value::Null,
            },
        }
    }

    /// The three-valued truth of a boolean expression.
    fn truth<'r>(&self, e: &Expr, scopes: &mut Vec<Scope<'r>>) -> Option<bool>
    where
        'a: 'r,
    {
        match e {
            Expr::Compare { op, lhs, rhs } => self.compare(*op, lhs, rhs, scopes),
            Expr::In { lhs, rhs } => {
                let hint = self.kind(lhs).or_else(|| self.kind(rhs)).map(|(k, _)| k);
                let (l, r) = (self.value(lhs, scopes), self.value(rhs, scopes));
                if matches!(**rhs, Expr::Column { .. }) {
                    return value::list_fn(crate::expr::ListFn::Has, &r, &l, hint);
                }
                let Value::Array(items) = r else { return None };
                let items: Vec<_> = items.iter().map(|i| value::read(i, hint)).collect();
                value::in_list(value::read(&l, hint).as_ref(), &items)
            }
            Expr::And(a, b) => match (self.truth(a, scopes), self.truth(b, scopes)) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            },
            Expr::Or(a, b) => match (self.truth(a, scopes), self.truth(b, scopes)) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            },
            Expr::Not(a) => self.truth(a, scopes).map(|b| !b),
            Expr::Collection { scope, hops, relation, quantifier, element_scope, body } => {
                let items: &[Value] = self
                    .walk(scopes, *scope, hops)
                    .zip(self.field_name(relation.model, relation.field))
                    .and_then(|(row, name)| row.get(name)?.as_array())
                    .map_or(&[], Vec::as_slice);
                let elems = items.iter().filter_map(Value::as_object).map(Scope::Row);
                self.quantify(*quantifier, *element_scope, elems, body, scopes)
            }
            Expr::AuthCollection { base, path, quantifier, element_scope, body } => {
                let list = match base {
                    None => self.env.auth.get(path),
                    Some(s) => match scopes.get(usize::from(*s)) {
                        Some(Scope::Auth(v)) => path.iter().try_fold(*v, |v, p| v.get(p)),
                        _ => None,
                    },
                };
                let items = list?.as_array()?;
                self.quantify(*quantifier, *element_scope, items.iter().map(Scope::Auth), body, scopes)
            }
            Expr::StringFn { func, target, value: v, case_insensitive } => {
                let (t, v) = (self.value(target, scopes), self.value(v, scopes));
                value::string_fn(*func, &t, &v, *case_insensitive)
            }
            Expr::ListFn { func, list, value: v } => {
                let elem = self.kind(list).or_else(|| self.kind(v)).map(|(k, _)| k);
                let (l, v) = (self.value(list, scopes), self.value(v, scopes));
                value::list_fn(*func, &l, &v, elem)
            }
            Expr::IsEmpty(list) => value::is_empty(&self.value(list, scopes)),
            Expr::Check { scope, hops, op } => Some(self.check(*scope, hops, *op, scopes)),
            other => match self.value(other, scopes) {
                Value::Bool(b) => Some(b),
                v => value::coerce(&v, Kind::Bool).and_then(|s| match s {
                    value::Scalar::Bool(b) => Some(b),
                    _ => None,
                }),
            },
        }
    }

    /// Three-valued, like SQL `ANY`/`ALL`: `?` is TRUE if some body is TRUE, else NULL if some is
    /// NULL, else FALSE; `!` is FALSE if some body is FALSE, else NULL if some is NULL, else TRUE;
    /// `^` is `NOT ?`.
    fn quantify<'r>(
        &self,
        q: Quantifier,
        element_scope: ScopeIdx,
        elems: impl Iterator<Item = Scope<'r>>,
        body: &Expr,
        scopes: &mut Vec<Scope<'r>>,
    ) -> Option<bool>
    where
        'a: 'r,
    {
        let idx = usize::from(element_scope);
        if scopes.len() <= idx {
            scopes.resize(idx + 1, Scope::Unbound);
        }
        let saved = scopes[idx];
        let mut unknown = false;
        let mut decided = None;
        for elem in elems {
            scopes[idx] = elem;
            match (q, self.truth(body, scopes)) {
                (Quantifier::Some, Some(true)) => decided = Some(true),
                (Quantifier::Every, Some(false)) | (Quantifier::None, Some(true)) => decided = Some(false),
                (_, None) => unknown = true,
                _ => {}
            }
            if decided.is_some() {
                break;
            }
        }
        scopes[idx] = saved;
        match decided {
            Some(v) => Some(v),
            None if unknown => None,
            None => Some(q != Quantifier::Some),
        }
    }

    fn compare<'r>(&self, op: CmpOp, lhs: &Expr, rhs: &Expr, scopes: &mut Vec<Scope<'r>>) -> Option<bool>
    where
        'a: 'r,
    {
        let is_null = |e: &Expr| matches!(e, Expr::Lit(Literal::Null));
        if is_null(lhs) || is_null(rhs) {
            let other = if is_null(lhs) { rhs } else { lhs };
            let absent = match other {
                Expr::ToOne { scope, hops } => self.walk(scopes, *scope, hops).is_none(),
                e => self.value(e, scopes).is_null(),
            };
            return match op {
                CmpOp::Eq => Some(absent),
                CmpOp::Ne => Some(!absent),
                _ => None,
            };
        }
        let hint = self.kind(lhs).or_else(|| self.kind(rhs));
        let read = |v: &Value| match hint {
            Some((_, true)) => None,
            Some((k, false)) => value::coerce(v, k),
            None => value::untyped(v),
        };
        let (l, r) = (self.value(lhs, scopes), self.value(rhs, scopes));
        value::compare_opt(op, read(&l).as_ref(), read(&r).as_ref())
    }

    fn check<'r>(&self, scope: ScopeIdx, hops: &[Hop], op: Option<Operation>, scopes: &[Scope<'r>]) -> bool {
        let Some(target) = hops.last().and_then(|h| {
            let f = self.schema.models.get(h.model)?.fields.get(h.field)?;
            (!f.list).then_some(f.relation()?.target)
        }) else {
            return false;
        };
        let op = match op {
            Some(Operation::PostUpdate) => return false,
            Some(op) => op,
            None if self.op == Operation::PostUpdate => Operation::Update,
            None => self.op,
        };
        if self.stack.contains(&(target, op)) {
            return false;
        }
        let Some(row) = self.walk(scopes, scope, hops) else {
            return false;
        };
        let env = EvalEnv { before: None, ..*self.env };
        Ev::new(self.schema, &env, target, op, self.stack.clone()).allowed(row)
    }
}
