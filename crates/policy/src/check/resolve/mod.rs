//! Expression resolution: binds every name in a rule to a column, relation path, auth path, scope
//! or enum value, producing an [`Expr`], and reports semantic errors.
//!
//! Names inside a collection predicate resolve first to the innermost element's fields, then to
//! binding names (innermost first), then to enum values; `this` is always scope 0.
//!
//! **v2 `future()`**: a model-level `update` rule that mentions `future()` is resolved in
//! [`Mode::Future`]: `future().f` reads the post-update row (`Expr::Column` at scope 0), while plain
//! references to this model's scalar fields (`f`, `this.f`) read the pre-update row
//! (`Expr::Before`); the caller then turns the rule into a `post-update` rule. Paths through
//! relations (`owner.x`) stay `Expr::Column`.

mod funcs;
mod ops;

use super::{Ctx, names};
use crate::ast::{AExpr, AExprKind, BinOp, Ident};
use crate::diag::Span;
use crate::expr::{Expr, Hop, ScopeIdx};
use crate::ir::{AuthField, EnumIdx, FieldIdx, FieldKind, FieldType, Literal, Model, ModelIdx, RelationKind, ScalarType};

pub(crate) use funcs::auth_default_path;
pub(crate) use ops::literal_value;

/// How `before()` / `future()` are treated in the rule being resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Neither `before()` nor `future()` is allowed.
    Plain,
    /// A v3 `post-update` rule: `before().f` is allowed.
    PostUpdate,
    /// A v2 `update` rule with `future()` (see the module docs).
    Future,
    /// The non-update operations of a v2 `all` rule with `future()`: `future()` means `this`.
    FutureAsThis,
}

/// The static type of a value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ty {
    Scalar(ScalarType),
    Enum(EnumIdx),
    /// An enum value literal (the enum is decided by what it is compared with).
    EnumLit(String),
    Null,
    /// Not known (e.g. `currentModel()` is a string, but JSON paths are untyped).
    Any,
}

/// A resolved value: an expression, its type and whether it is a list.
#[derive(Debug, Clone)]
pub(crate) struct Val {
    pub expr: Expr,
    pub ty: Ty,
    pub list: bool,
}

/// What a (sub)expression denotes before it is turned into an [`Expr`].
#[derive(Debug, Clone)]
pub(crate) enum Opd {
    Val(Val),
    /// A row: `this`, a binding, or a to-one relation reached through `hops` (non-empty).
    Row { scope: ScopeIdx, hops: Vec<Hop>, model: ModelIdx, binding: Option<String> },
    /// A to-many or many-to-many relation.
    ToMany { scope: ScopeIdx, hops: Vec<Hop>, relation: Hop, target: ModelIdx, name: String },
    /// An object (or object list) inside the auth value: `auth()`, `auth().team`, an auth element.
    Auth { base: Option<ScopeIdx>, path: Vec<String>, shape: String, list: bool, binding: Option<String> },
    Before,
    Future,
}

#[derive(Debug, Clone)]
enum ScopeKind {
    Row(ModelIdx),
    AuthElem(String),
}

#[derive(Debug, Clone)]
struct Scope {
    kind: ScopeKind,
    binding: Option<String>,
}

/// Resolution state for one rule (or one `@default`).
pub(crate) struct Resolver<'c, 'a, 'm> {
    pub ctx: &'c mut Ctx<'a>,
    pub models: &'m [Model],
    /// The model carrying the rule (scope 0).
    pub model: ModelIdx,
    pub mode: Mode,
    /// The rule applies to `create`: non-owned relations are rejected.
    pub create: bool,
    /// A model-level rule (`currentModel()` etc. are fine in both; `future()` only here).
    pub model_level: bool,
    scopes: Vec<Scope>,
}

/// `auth().a.b` (no base) or an auth-element path.
pub(crate) fn auth_expr(base: Option<ScopeIdx>, path: Vec<String>) -> Expr {
    match base {
        None => Expr::Auth { path },
        Some(scope) => Expr::AuthElement { scope, path },
    }
}

impl<'c, 'a, 'm> Resolver<'c, 'a, 'm> {
    pub fn new(ctx: &'c mut Ctx<'a>, models: &'m [Model], model: ModelIdx, mode: Mode) -> Self {
        let scopes = vec![Scope { kind: ScopeKind::Row(model), binding: None }];
        Self { ctx, models, model, mode, create: false, model_level: true, scopes }
    }

    fn err(&mut self, span: Span, msg: impl Into<String>, hint: impl Into<String>) {
        self.ctx.diags.error(span, msg, hint);
    }

    fn model_ref(&self, idx: ModelIdx) -> Option<&'m Model> {
        self.models.get(idx)
    }

    fn model_name(&self, idx: ModelIdx) -> &'m str {
        self.models.get(idx).map_or("", |m| m.name.as_str())
    }

    /// Resolves a rule condition, which must be boolean.
    pub fn condition(&mut self, e: &AExpr) -> Option<Expr> {
        let o = self.resolve(e)?;
        self.as_condition(o, e.span)
    }

    /// Turns an operand into a boolean expression.
    fn as_condition(&mut self, o: Opd, span: Span) -> Option<Expr> {
        match o {
            Opd::Val(v) if !v.list && matches!(v.ty, Ty::Scalar(ScalarType::Boolean) | Ty::Any) => Some(v.expr),
            Opd::Val(v) => {
                self.err(span, format!("expected a boolean condition, found {}", ops::ty_name(self, &v.ty, v.list)), "compare the value, e.g. `x == …`");
                None
            }
            Opd::ToMany { name, .. } => {
                self.err(span, format!("to-many relation `{name}` used as a condition"), format!("use a collection predicate, e.g. `{name}?[…]`"));
                None
            }
            Opd::Row { .. } | Opd::Auth { .. } => {
                self.err(span, "a model or object cannot be used as a condition", "compare it, e.g. `rel != null` or `auth() == this`");
                None
            }
            Opd::Before | Opd::Future => {
                self.err(span, "`before()`/`future()` must be followed by a field", "write e.g. `before().status`");
                None
            }
        }
    }

    /// Resolves any expression to an operand.
    pub fn resolve(&mut self, e: &AExpr) -> Option<Opd> {
        let lit = |l: Literal, t: ScalarType| Some(Opd::Val(Val { expr: Expr::Lit(l), ty: Ty::Scalar(t), list: false }));
        match &e.kind {
            AExprKind::Str(s) => lit(Literal::String(s.clone()), ScalarType::String),
            AExprKind::Int(i) => lit(Literal::Int(*i), ScalarType::Int),
            AExprKind::Float(f) => lit(Literal::Float(*f), ScalarType::Float),
            AExprKind::Bool(b) => lit(Literal::Bool(*b), ScalarType::Boolean),
            AExprKind::Null => Some(Opd::Val(Val { expr: Expr::Lit(Literal::Null), ty: Ty::Null, list: false })),
            AExprKind::This => Some(Opd::Row { scope: 0, hops: Vec::new(), model: self.model, binding: None }),
            AExprKind::Paren(inner) => self.resolve(inner),
            AExprKind::Ref(name) => self.name(name, e.span),
            AExprKind::Member { base, member } => {
                let b = self.resolve(base)?;
                self.member(b, member)
            }
            AExprKind::Call { name, args } => self.call(name, args, e.span),
            AExprKind::Not(inner) => {
                let x = self.condition(inner)?;
                Some(Opd::Val(Val { expr: Expr::not(x), ty: Ty::Scalar(ScalarType::Boolean), list: false }))
            }
            AExprKind::Binary { op, op_span, lhs, rhs } => self.binary(*op, *op_span, lhs, rhs),
            AExprKind::Collection { base, quant, binding, body } => {
                let expr = self.collection(base, *quant, binding.as_ref(), body)?;
                Some(Opd::Val(Val { expr, ty: Ty::Scalar(ScalarType::Boolean), list: false }))
            }
            AExprKind::Array(items) => ops::array(self, items, e.span),
        }
    }

    fn binary(&mut self, op: BinOp, op_span: Span, lhs: &AExpr, rhs: &AExpr) -> Option<Opd> {
        let boolean = |expr| Some(Opd::Val(Val { expr, ty: Ty::Scalar(ScalarType::Boolean), list: false }));
        match op {
            BinOp::And | BinOp::Or => {
                let l = self.condition(lhs);
                let r = self.condition(rhs);
                let (l, r) = (l?, r?);
                boolean(if op == BinOp::And { Expr::and(l, r) } else { Expr::or(l, r) })
            }
            BinOp::In => boolean(ops::in_expr(self, lhs, rhs, op_span)?),
            _ => boolean(ops::compare(self, op, lhs, rhs, op_span)?),
        }
    }

    /// A bare name.
    fn name(&mut self, name: &str, span: Span) -> Option<Opd> {
        let depth = self.scopes.len().saturating_sub(1);
        let inner = self.scopes.last().cloned();
        let scope = ScopeIdx::try_from(depth).ok()?;
        match inner.map(|s| s.kind) {
            Some(ScopeKind::Row(m)) => {
                if let Some(f) = self.model_ref(m).and_then(|mm| mm.field_index(name)) {
                    return self.field(scope, Vec::new(), m, f, span, true);
                }
            }
            Some(ScopeKind::AuthElem(shape)) => {
                if let Some(af) = self.shape_field(&shape, name) {
                    return Some(auth_field(Some(scope), vec![name.to_owned()], &af));
                }
            }
            None => {}
        }
        for (i, s) in self.scopes.iter().enumerate().rev() {
            if s.binding.as_deref() != Some(name) {
                continue;
            }
            let scope = ScopeIdx::try_from(i).ok()?;
            let binding = Some(name.to_owned());
            return Some(match &s.kind {
                ScopeKind::Row(m) => Opd::Row { scope, hops: Vec::new(), model: *m, binding },
                ScopeKind::AuthElem(shape) => {
                    Opd::Auth { base: Some(scope), path: Vec::new(), shape: shape.clone(), list: false, binding }
                }
            });
        }
        if self.ctx.enums.iter().any(|en| en.values.iter().any(|v| v == name)) {
            return Some(Opd::Val(Val { expr: Expr::Lit(Literal::Enum(name.to_owned())), ty: Ty::EnumLit(name.to_owned()), list: false }));
        }
        self.unknown_name(name, span);
        None
    }

    fn unknown_name(&mut self, name: &str, span: Span) {
        let (what, mut cands): (String, Vec<String>) = match self.scopes.last().map(|s| &s.kind) {
            Some(ScopeKind::Row(m)) => (
                format!("model `{}`", self.model_name(*m)),
                self.model_ref(*m).map(|mm| mm.fields.iter().map(|f| f.name.clone()).collect()).unwrap_or_default(),
            ),
            Some(ScopeKind::AuthElem(shape)) => (
                format!("`{shape}`"),
                self.ctx.shapes.get(shape).map(|s| s.fields.iter().map(|f| f.name.clone()).collect()).unwrap_or_default(),
            ),
            None => (String::new(), Vec::new()),
        };
        cands.extend(self.scopes.iter().filter_map(|s| s.binding.clone()));
        cands.extend(self.ctx.enums.iter().flat_map(|e| e.values.iter().cloned()));
        let outer_has = self.scopes.len() > 1 && self.model_ref(self.model).and_then(|m| m.field_index(name)).is_some();
        let hint = if outer_has {
            format!("inside a collection predicate, names refer to the element; write `this.{name}` for the outer model's field")
        } else {
            names::did_you_mean(name, cands.iter().map(String::as_str), || format!("declare `{name}` on {what}, or check the spelling"))
        };
        self.err(span, format!("unknown field `{name}` on {what}"), hint);
    }

    pub(crate) fn shape_field(&self, shape: &str, name: &str) -> Option<AuthField> {
        self.ctx.shapes.get(shape)?.fields.iter().find(|f| f.name == name).cloned()
    }

    /// A field of `model` reached from `scope` through `hops`.
    fn field(&mut self, scope: ScopeIdx, hops: Vec<Hop>, model: ModelIdx, fidx: FieldIdx, span: Span, rewrite: bool) -> Option<Opd> {
        let f = self.model_ref(model)?.fields.get(fidx)?;
        let ty = match &f.kind {
            FieldKind::Scalar(s) => Ty::Scalar(*s),
            FieldKind::Enum(e) => Ty::Enum(*e),
            FieldKind::Relation(rel) => {
                if self.create && !matches!(rel.kind, RelationKind::Owned { .. }) {
                    self.err(
                        span,
                        format!("non-owned relation fields are not allowed in \"create\" rules (`{}`)", f.name),
                        "refer to relations that hold the foreign key on this side, use `auth()`, or move the condition to a read/update rule",
                    );
                    return None;
                }
                let hop = Hop { model, field: fidx };
                if f.list {
                    return Some(Opd::ToMany { scope, hops, relation: hop, target: rel.target, name: f.name.clone() });
                }
                let mut hops = hops;
                hops.push(hop);
                return Some(Opd::Row { scope, hops, model: rel.target, binding: None });
            }
        };
        let expr = if rewrite && self.mode == Mode::Future && scope == 0 && hops.is_empty() {
            Expr::Before { field: fidx }
        } else {
            Expr::Column { scope, hops, model, field: fidx }
        };
        Some(Opd::Val(Val { expr, ty, list: f.list }))
    }

    /// `base.member`
    fn member(&mut self, base: Opd, member: &Ident) -> Option<Opd> {
        let name = member.name.as_str();
        match base {
            Opd::Row { scope, hops, model, .. } => {
                let f = self.lookup_field(model, member)?;
                self.field(scope, hops, model, f, member.span, true)
            }
            Opd::Future => {
                let f = self.lookup_field(self.model, member)?;
                self.field(0, Vec::new(), self.model, f, member.span, false)
            }
            Opd::Before => {
                let f = self.lookup_field(self.model, member)?;
                let is_col = self.model_ref(self.model).and_then(|m| m.fields.get(f)).is_some_and(|x| x.is_column());
                if !is_col {
                    self.err(member.span, "relation fields cannot be accessed from `before()`", "use a scalar field (e.g. the foreign key) with `before()`");
                    return None;
                }
                let ty = match self.model_ref(self.model).and_then(|m| m.fields.get(f)).map(|x| (&x.kind, x.list)) {
                    Some((FieldKind::Scalar(s), l)) => (Ty::Scalar(*s), l),
                    Some((FieldKind::Enum(e), l)) => (Ty::Enum(*e), l),
                    _ => (Ty::Any, false),
                };
                Some(Opd::Val(Val { expr: Expr::Before { field: f }, ty: ty.0, list: ty.1 }))
            }
            Opd::Auth { base, path, shape, list, .. } => {
                if list {
                    self.err(member.span, format!("`{}` is a list in the auth value", path.last().map_or("auth()", String::as_str)), "use a collection predicate, e.g. `auth().items?[…]`");
                    return None;
                }
                let Some(af) = self.shape_field(&shape, name) else {
                    let cands: Vec<String> = self.ctx.shapes.get(&shape).map(|s| s.fields.iter().map(|f| f.name.clone()).collect()).unwrap_or_default();
                    let hint = names::did_you_mean(name, cands.iter().map(String::as_str), || format!("add a field `{name}` to `{shape}`"));
                    self.err(member.span, format!("unknown field `{name}` on auth type `{shape}`"), hint);
                    return None;
                };
                let mut path = path;
                path.push(name.to_owned());
                Some(auth_field(base, path, &af))
            }
            Opd::ToMany { name: rel, .. } => {
                self.err(member.span, format!("`{rel}` is a to-many relation; `.{name}` needs a collection predicate"), format!("write e.g. `{rel}?[{name} == …]`"));
                None
            }
            Opd::Val(_) => {
                self.err(member.span, format!("member access `.{name}` on a scalar value"), "only relations, `this`, `auth()` and bindings have fields");
                None
            }
        }
    }

    fn lookup_field(&mut self, model: ModelIdx, member: &Ident) -> Option<FieldIdx> {
        let m = self.model_ref(model)?;
        if let Some(f) = m.field_index(&member.name) {
            return Some(f);
        }
        let hint = names::did_you_mean(&member.name, m.fields.iter().map(|f| f.name.as_str()), || format!("declare `{}` on model `{}`", member.name, m.name));
        self.err(member.span, format!("unknown field `{}` on model `{}`", member.name, m.name), hint);
        None
    }

    /// `base?[…]`, `base![…]`, `base^[…]`.
    fn collection(&mut self, base: &AExpr, quant: crate::ast::Quant, binding: Option<&Ident>, body: &AExpr) -> Option<Expr> {
        let quantifier = match quant {
            crate::ast::Quant::Some => crate::expr::Quantifier::Some,
            crate::ast::Quant::Every => crate::expr::Quantifier::Every,
            crate::ast::Quant::None => crate::expr::Quantifier::None,
        };
        let b = self.resolve(base)?;
        let element_scope = ScopeIdx::try_from(self.scopes.len()).ok()?;
        let binding_name = binding.map(|b| b.name.clone());
        match b {
            Opd::ToMany { scope, hops, relation, target, .. } => {
                self.scopes.push(Scope { kind: ScopeKind::Row(target), binding: binding_name });
                let body = self.condition(body);
                self.scopes.pop();
                Some(Expr::Collection { scope, hops, relation, quantifier, element_scope, body: Box::new(body?) })
            }
            Opd::Auth { base: abase, path, shape, list: true, .. } => {
                self.scopes.push(Scope { kind: ScopeKind::AuthElem(shape), binding: binding_name });
                let body = self.condition(body);
                self.scopes.pop();
                Some(Expr::AuthCollection { base: abase, path, quantifier, element_scope, body: Box::new(body?) })
            }
            Opd::Row { .. } | Opd::Auth { .. } => {
                self.err(base.span, "collection predicate on a non-list relation", "collection predicates need a to-many relation; compare fields of a to-one relation directly, e.g. `owner.id == …`");
                None
            }
            Opd::Val(v) if v.list => {
                self.err(base.span, "collection predicate on a scalar list", "use `has(list, value)`, `hasSome`, `hasEvery` or `value in list`");
                None
            }
            _ => {
                self.err(base.span, "collection predicate on a value that is not a relation list", "write `rel?[…]` where `rel` is a to-many relation");
                None
            }
        }
    }
}

/// The operand for an auth-value field.
fn auth_field(base: Option<ScopeIdx>, path: Vec<String>, af: &AuthField) -> Opd {
    let ty = match &af.ty {
        FieldType::Scalar(s) => Ty::Scalar(*s),
        FieldType::Enum(e) => Ty::Enum(*e),
        FieldType::Named(shape) => {
            return Opd::Auth { base, path, shape: shape.clone(), list: af.list, binding: None };
        }
    };
    Opd::Val(Val { expr: auth_expr(base, path), ty, list: af.list })
}
