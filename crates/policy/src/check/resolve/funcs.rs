//! Function calls in rules (`auth()`, `now()`, `before()`, `future()`, string and list functions,
//! `check()`, `currentModel()`, `currentOperation()`) and `@default(auth().…)` paths.

use super::{Mode, Opd, Resolver, Ty, Val};
use crate::ast::{AExpr, AExprKind, Arg, Ident};
use crate::check::names;
use crate::diag::Span;
use crate::expr::{Casing, Expr, ListFn, StringFn};
use crate::ir::{Operation, ScalarType};

const FUNCTIONS: [&str; 14] = [
    "auth",
    "now",
    "before",
    "future",
    "contains",
    "startsWith",
    "endsWith",
    "has",
    "hasSome",
    "hasEvery",
    "isEmpty",
    "check",
    "currentModel",
    "currentOperation",
];

fn boolean(expr: Expr) -> Option<Opd> {
    Some(Opd::Val(Val { expr, ty: Ty::Scalar(ScalarType::Boolean), list: false }))
}

impl Resolver<'_, '_, '_> {
    fn arity(&mut self, name: &Ident, args: &[Arg], min: usize, max: usize) -> bool {
        if args.len() < min || args.len() > max {
            let n = if min == max { format!("{min}") } else { format!("{min} to {max}") };
            self.err(
                name.span,
                format!("`{}()` takes {n} argument(s), found {}", name.name, args.len()),
                format!("check the arguments of `{}`", name.name),
            );
            return false;
        }
        true
    }

    fn value_arg(&mut self, a: &AExpr) -> Option<Val> {
        match self.resolve(a)? {
            Opd::Val(v) => Some(v),
            _ => {
                self.err(a.span, "expected a value here", "pass a field, a literal or an `auth()` field");
                None
            }
        }
    }

    fn bool_literal(&mut self, a: &AExpr) -> Option<bool> {
        match &a.unparen().kind {
            AExprKind::Bool(b) => Some(*b),
            _ => {
                self.err(a.span, "expected `true` or `false`", "pass a boolean literal");
                None
            }
        }
    }

    /// A function call.
    pub(super) fn call(&mut self, name: &Ident, args: &[Arg], span: Span) -> Option<Opd> {
        let values: Vec<&AExpr> = args.iter().map(|a| &a.value).collect();
        match name.name.as_str() {
            "auth" => {
                if !self.arity(name, args, 0, 0) {
                    return None;
                }
                let Some(auth) = &self.ctx.auth else {
                    self.err(
                        span,
                        "`auth()` is used but there is no auth model",
                        "mark a model or type with `@@auth`, or declare a model named `User`",
                    );
                    return None;
                };
                Some(Opd::Auth { base: None, path: Vec::new(), shape: auth.name.clone(), list: false, binding: None })
            }
            "now" => {
                self.arity(name, args, 0, 0).then_some(())?;
                Some(Opd::Val(Val { expr: Expr::Now, ty: Ty::Scalar(ScalarType::DateTime), list: false }))
            }
            "before" => {
                self.arity(name, args, 0, 0).then_some(())?;
                if self.mode != Mode::PostUpdate {
                    self.err(
                        span,
                        "`before()` is only allowed in `post-update` rules",
                        "use it in `@@allow('post-update', …)` / `@@deny('post-update', …)`",
                    );
                    return None;
                }
                Some(Opd::Before)
            }
            "future" => {
                self.arity(name, args, 0, 0).then_some(())?;
                match self.mode {
                    Mode::Future => Some(Opd::Future),
                    Mode::FutureAsThis => {
                        Some(Opd::Row { scope: 0, hops: Vec::new(), model: self.model, binding: None })
                    }
                    _ => {
                        self.err(
                            span,
                            "`future()` is only allowed in model-level `update` rules",
                            "use it in `@@allow('update', …)`, or write a `post-update` rule with `before()`",
                        );
                        None
                    }
                }
            }
            "contains" | "startsWith" | "endsWith" => {
                self.arity(name, args, 2, 3).then_some(())?;
                let func = match name.name.as_str() {
                    "contains" => StringFn::Contains,
                    "startsWith" => StringFn::StartsWith,
                    _ => StringFn::EndsWith,
                };
                let (t, v) = (values.first()?, values.get(1)?);
                let target = self.value_arg(t);
                let value = self.value_arg(v);
                let ci = match values.get(2) {
                    Some(c) => self.bool_literal(c)?,
                    None => false,
                };
                let (target, value) = (target?, value?);
                for (x, e) in [(&target, t), (&value, v)] {
                    if x.list || !matches!(x.ty, Ty::Scalar(ScalarType::String) | Ty::Any | Ty::Null) {
                        self.err(
                            e.span,
                            format!("`{}()` needs strings", name.name),
                            "pass a String field or a string value",
                        );
                        return None;
                    }
                }
                boolean(Expr::StringFn {
                    func,
                    target: Box::new(target.expr),
                    value: Box::new(value.expr),
                    case_insensitive: ci,
                })
            }
            "has" | "hasSome" | "hasEvery" => {
                self.arity(name, args, 2, 2).then_some(())?;
                let func = match name.name.as_str() {
                    "has" => ListFn::Has,
                    "hasSome" => ListFn::HasSome,
                    _ => ListFn::HasEvery,
                };
                let (l, v) = (values.first()?, values.get(1)?);
                let list = self.value_arg(l);
                let value = self.value_arg(v);
                let (list, value) = (list?, value?);
                if !list.list {
                    self.err(
                        l.span,
                        format!("`{}()` needs a list field as its first argument", name.name),
                        "pass a scalar list field, e.g. `tags`",
                    );
                    return None;
                }
                let want_list = func != ListFn::Has;
                if value.list != want_list && value.ty != Ty::Null {
                    let hint = if want_list { "pass a list, e.g. `['a', 'b']`" } else { "pass a single value" };
                    self.err(v.span, format!("wrong second argument for `{}()`", name.name), hint);
                    return None;
                }
                if !super::ops::compatible(self.ctx, &list.ty, &value.ty) {
                    self.err(
                        v.span,
                        "type mismatch between the list and the value",
                        "use values of the list's element type",
                    );
                    return None;
                }
                boolean(Expr::ListFn { func, list: Box::new(list.expr), value: Box::new(value.expr) })
            }
            "isEmpty" => {
                self.arity(name, args, 1, 1).then_some(())?;
                let l = values.first()?;
                let list = self.value_arg(l)?;
                if !list.list {
                    self.err(l.span, "`isEmpty()` needs a list field", "pass a scalar list field, e.g. `tags`");
                    return None;
                }
                boolean(Expr::IsEmpty(Box::new(list.expr)))
            }
            "check" => self.check_call(name, &values),
            "currentModel" | "currentOperation" => {
                self.arity(name, args, 0, 1).then_some(())?;
                let casing = match values.first() {
                    None => Casing::Original,
                    Some(c) => self.casing(c)?,
                };
                let expr = if name.name == "currentModel" {
                    Expr::CurrentModel(casing)
                } else {
                    Expr::CurrentOperation(casing)
                };
                Some(Opd::Val(Val { expr, ty: Ty::Scalar(ScalarType::String), list: false }))
            }
            other => {
                let hint =
                    names::did_you_mean(other, FUNCTIONS, || format!("available functions: {}", FUNCTIONS.join(", ")));
                self.err(name.span, format!("unknown function `{other}`"), hint);
                None
            }
        }
    }

    fn casing(&mut self, c: &AExpr) -> Option<Casing> {
        let casing = match c.as_str() {
            Some("original") => Casing::Original,
            Some("upper") => Casing::Upper,
            Some("lower") => Casing::Lower,
            Some("capitalize") => Casing::Capitalize,
            Some("uncapitalize") => Casing::Uncapitalize,
            _ => {
                self.err(c.span, "invalid casing", "use 'original', 'upper', 'lower', 'capitalize' or 'uncapitalize'");
                return None;
            }
        };
        Some(casing)
    }

    fn check_call(&mut self, name: &Ident, values: &[&AExpr]) -> Option<Opd> {
        if values.is_empty() || values.len() > 2 {
            self.err(
                name.span,
                "`check()` takes a relation and an optional operation",
                "write `check(owner)` or `check(owner, 'read')`",
            );
            return None;
        }
        let rel = values.first()?;
        let op = match values.get(1) {
            None => None,
            Some(o) => Some(match o.as_str() {
                Some("create") => Operation::Create,
                Some("read") => Operation::Read,
                Some("update") => Operation::Update,
                Some("post-update") => Operation::PostUpdate,
                Some("delete") => Operation::Delete,
                _ => {
                    self.err(o.span, "invalid operation for `check()`", "use 'create', 'read', 'update' or 'delete'");
                    return None;
                }
            }),
        };
        match self.resolve(rel)? {
            Opd::Row { scope, hops, binding: None, .. } if !hops.is_empty() => boolean(Expr::Check { scope, hops, op }),
            _ => {
                self.err(
                    rel.span,
                    "`check()` needs a to-one relation",
                    "pass a to-one relation field, e.g. `check(owner)`",
                );
                None
            }
        }
    }
}
