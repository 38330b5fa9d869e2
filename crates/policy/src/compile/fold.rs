//! Per-request folding: with the auth value known, every auth-only sub-expression becomes a constant
//! (three-valued), auth collections are evaluated or expanded over their elements, and `AND`/`OR`/
//! `NOT` simplify. With a row (and `before()` values) known too, the same pass decides a predicate in
//! memory.

use serde_json::{Map, Value};

use crate::expr::{ListFn, Quantifier, ScopeIdx};
use crate::ir::Schema;
use crate::value::{self, Kind};

use super::Auth;
use super::analysis::read;
pub(crate) use super::analysis::{kind_of, nullable};
use super::node::{self, Node};

pub(crate) struct Fold<'a> {
    pub schema: &'a Schema,
    pub auth: &'a Auth,
    /// The element bound to each auth-collection scope.
    pub elems: Vec<Option<&'a Value>>,
    /// This row's columns, keyed by field name (in-memory decisions only).
    pub row: Option<&'a Map<String, Value>>,
    pub before: Option<&'a Map<String, Value>>,
}

fn path_get<'v>(mut v: &'v Value, path: &[String]) -> Option<&'v Value> {
    for p in path {
        v = v.get(p)?;
    }
    Some(v)
}

impl<'a> Fold<'a> {
    pub(crate) fn new(schema: &'a Schema, auth: &'a Auth) -> Self {
        Self { schema, auth, elems: Vec::new(), row: None, before: None }
    }

    fn field_name(&self, model: usize, field: usize) -> Option<&'a str> {
        Some(self.schema.models.get(model)?.fields.get(field)?.name.as_str())
    }

    pub(crate) fn fold(&mut self, n: &'a Node) -> Node {
        match n {
            Node::Const(_) | Node::Now | Node::ToOneNull { .. } => n.clone(),
            Node::Column(c) => match self.row {
                Some(row) if c.scope == 0 && c.hops.is_empty() => {
                    let v = self.field_name(c.model, c.field).and_then(|f| row.get(f));
                    Node::Const(v.cloned().unwrap_or(Value::Null))
                }
                _ => n.clone(),
            },
            Node::Auth(path) => Node::Const(self.auth.get(path).cloned().unwrap_or(Value::Null)),
            Node::AuthElement { scope, path } => {
                let v = self.elem(*scope).and_then(|e| path_get(e, path));
                Node::Const(v.cloned().unwrap_or(Value::Null))
            }
            Node::Before { model, field } => match self.before {
                Some(before) => {
                    let v = self.field_name(*model, *field).and_then(|f| before.get(f));
                    Node::Const(v.cloned().unwrap_or(Value::Null))
                }
                None => n.clone(),
            },
            Node::IsNull(x) => match self.fold(x) {
                Node::Const(v) => Node::boolean(Some(v.is_null())),
                other => Node::IsNull(Box::new(other)),
            },
            Node::Compare { op, lhs, rhs } => {
                let hint = kind_of(lhs, self.schema).or_else(|| kind_of(rhs, self.schema));
                let (l, r) = (self.fold(lhs), self.fold(rhs));
                match (&l, &r) {
                    (Node::Const(a), Node::Const(b)) => {
                        let (a, b) = (read(a, hint), read(b, hint));
                        Node::boolean(value::compare_opt(*op, a.as_ref(), b.as_ref()))
                    }
                    (Node::Const(c), _) | (_, Node::Const(c)) if read(c, hint).is_none() => node::NULL,
                    _ => Node::Compare { op: *op, lhs: Box::new(l), rhs: Box::new(r) },
                }
            }
            Node::In { lhs, rhs } => {
                let hint =
                    kind_of(lhs, self.schema).map(|(k, _)| k).or_else(|| kind_of(rhs, self.schema).map(|(k, _)| k));
                let (l, r) = (self.fold(lhs), self.fold(rhs));
                fold_in(l, r, hint)
            }
            Node::And(xs) => node::and(xs.iter().map(|x| self.fold(x)).collect()),
            Node::Or(xs) => node::or(xs.iter().map(|x| self.fold(x)).collect()),
            Node::Not(x) => node::not(self.fold(x)),
            Node::Truth(x, t) => node::truth(self.fold(x), *t),
            Node::Collection { scope, hops, relation, quantifier, element_scope, body, .. } => {
                let body = self.fold(body);
                // A body that is TRUE for every element makes `!` true; FALSE makes `?` false and `^`
                // true (even for no elements).
                match (quantifier, body.as_const_bool()) {
                    (Quantifier::Every, Some(Some(true))) | (Quantifier::None, Some(Some(false))) => {
                        return node::TRUE;
                    }
                    (Quantifier::Some, Some(Some(false))) => return node::FALSE,
                    _ => {}
                }
                Node::Collection {
                    scope: *scope,
                    hops: hops.clone(),
                    relation: *relation,
                    quantifier: *quantifier,
                    element_scope: *element_scope,
                    nullable: nullable(&body, self.schema),
                    body: Box::new(body),
                }
            }
            Node::AuthCollection { base, path, quantifier, element_scope, body } => {
                self.auth_collection(*base, path, *quantifier, *element_scope, body)
            }
            Node::Str { func, target, value: v, case_insensitive } => {
                let (t, v) = (self.fold(target), self.fold(v));
                match (&t, &v) {
                    (Node::Const(a), Node::Const(b)) => Node::boolean(value::string_fn(*func, a, b, *case_insensitive)),
                    (Node::Const(c), _) | (_, Node::Const(c)) if !c.is_string() => node::NULL,
                    _ => Node::Str {
                        func: *func,
                        target: Box::new(t),
                        value: Box::new(v),
                        case_insensitive: *case_insensitive,
                    },
                }
            }
            Node::List { func, list, value: v } => {
                let elem = kind_of(list, self.schema).or_else(|| kind_of(v, self.schema)).map(|(k, _)| k);
                let (l, v) = (self.fold(list), self.fold(v));
                fold_list(*func, l, v, elem)
            }
            Node::IsEmpty(x) => match self.fold(x) {
                Node::Const(v) => Node::boolean(value::is_empty(&v)),
                other => Node::IsEmpty(Box::new(other)),
            },
            Node::Related { scope, hops, body } => {
                let mut inner = Fold::new(self.schema, self.auth);
                let body = inner.fold(body);
                if body.as_const_bool().is_some_and(|v| v != Some(true)) {
                    return node::FALSE;
                }
                Node::Related { scope: *scope, hops: hops.clone(), body: std::sync::Arc::new(body) }
            }
        }
    }

    fn elem(&self, scope: ScopeIdx) -> Option<&'a Value> {
        self.elems.get(usize::from(scope)).copied().flatten()
    }

    fn auth_collection(
        &mut self,
        base: Option<ScopeIdx>,
        path: &[String],
        quantifier: Quantifier,
        element_scope: ScopeIdx,
        body: &'a Node,
    ) -> Node {
        let list = match base {
            None => self.auth.get(path),
            Some(s) => self.elem(s).and_then(|e| path_get(e, path)),
        };
        let Some(Value::Array(items)) = list else {
            // Absent, null or not a list: unknown.
            return node::NULL;
        };
        let idx = usize::from(element_scope);
        if self.elems.len() <= idx {
            self.elems.resize(idx + 1, None);
        }
        let mut parts = Vec::with_capacity(items.len());
        for item in items {
            self.elems[idx] = Some(item);
            let b = self.fold(body);
            let part = match quantifier {
                Quantifier::Some | Quantifier::Every => b,
                Quantifier::None => node::not(b),
            };
            // Short-circuit on a decisive constant.
            match (quantifier, part.as_const_bool()) {
                (Quantifier::Some, Some(Some(true))) => {
                    self.elems[idx] = None;
                    return node::TRUE;
                }
                (Quantifier::Every | Quantifier::None, Some(Some(false))) => {
                    self.elems[idx] = None;
                    return node::FALSE;
                }
                _ => parts.push(part),
            }
        }
        self.elems[idx] = None;
        // Three-valued: `?` is the OR of the bodies, `!` their AND, `^` the AND of their negations.
        match quantifier {
            Quantifier::Some => node::or(parts),
            Quantifier::Every | Quantifier::None => node::and(parts),
        }
    }
}

fn fold_in(l: Node, r: Node, hint: Option<Kind>) -> Node {
    match (&l, &r) {
        (_, Node::Const(Value::Array(items))) if items.is_empty() => node::FALSE,
        (Node::Const(a), Node::Const(Value::Array(items))) => {
            let a = value::read(a, hint);
            let items: Vec<_> = items.iter().map(|i| value::read(i, hint)).collect();
            Node::boolean(value::in_list(a.as_ref(), &items))
        }
        (_, Node::Const(Value::Array(_))) => Node::In { lhs: Box::new(l), rhs: Box::new(r) },
        (_, Node::Const(_)) => node::NULL,
        (Node::Const(a), _) if value::read(a, hint).is_none() => node::NULL,
        _ => Node::In { lhs: Box::new(l), rhs: Box::new(r) },
    }
}

fn fold_list(func: ListFn, l: Node, v: Node, elem: Option<Kind>) -> Node {
    if let (Node::Const(a), Node::Const(b)) = (&l, &v) {
        return Node::boolean(value::list_fn(func, a, b, elem));
    }
    // A NULL list, a NULL argument or a NULL element in an argument list is unknown.
    let unknown = |n: &Node, want_list: bool| match n {
        Node::Const(Value::Array(items)) => !want_list || items.iter().any(Value::is_null),
        Node::Const(c) => want_list || c.is_null(),
        _ => false,
    };
    let value_is_list = func != ListFn::Has;
    if unknown(&l, true) || unknown(&v, value_is_list) {
        return node::NULL;
    }
    match (func, &l) {
        // has(constList, x) is `x in constList`.
        (ListFn::Has, Node::Const(_)) => fold_in(v, l, elem),
        // hasSome is symmetric: keep the column on the left.
        (ListFn::HasSome, Node::Const(_)) => Node::List { func, list: Box::new(v), value: Box::new(l) },
        (ListFn::HasSome | ListFn::HasEvery, _) if matches!(&v, Node::Const(Value::Array(a)) if a.is_empty()) => {
            if func == ListFn::HasSome {
                node::FALSE
            } else {
                // Every element of nothing: TRUE for a list, NULL for a NULL list.
                node::or(vec![node::not(Node::IsNull(Box::new(l))), node::NULL])
            }
        }
        _ => Node::List { func, list: Box::new(l), value: Box::new(v) },
    }
}
