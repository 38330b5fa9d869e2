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
mod paths;

use super::Ctx;
use crate::ast::{AExpr, AExprKind, BinOp, Ident};
use crate::diag::Span;
use crate::expr::{Expr, Hop, ScopeIdx};
use crate::ir::{EnumIdx, Literal, Model, ModelIdx, ScalarType};

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
    Row {
        scope: ScopeIdx,
        hops: Vec<Hop>,
        model: ModelIdx,
        binding: Option<String>,
    },
    /// A to-many or many-to-many relation.
    ToMany {
        scope: ScopeIdx,
        hops: Vec<Hop>,
        relation: Hop,
        target: ModelIdx,
        name: String,
    },
    /// An object (or object list) inside the auth value: `auth()`, `auth().team`, an auth element.
    Auth {
        base: Option<ScopeIdx>,
        path: Vec<String>,
        shape: String,
        list: bool,
        binding: Option<String>,
    },
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
    /// A resolver for a rule of `model` (scope 0) in `mode`.
    pub fn new(ctx: &'c mut Ctx<'a>, models: &'m [Model], model: ModelIdx, mode: Mode) -> Self {
        let scopes = vec![Scope { kind: ScopeKind::Row(model), binding: None }];
        Self { ctx, models, model, mode, create: false, scopes }
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
                self.err(
                    span,
                    format!("expected a boolean condition, found {}", ops::ty_name(self, &v.ty, v.list)),
                    "compare the value, e.g. `x == …`",
                );
                None
            }
            Opd::ToMany { name, .. } => {
                self.err(
                    span,
                    format!("to-many relation `{name}` used as a condition"),
                    format!("use a collection predicate, e.g. `{name}?[…]`"),
                );
                None
            }
            Opd::Row { binding: Some(b), .. } | Opd::Auth { binding: Some(b), .. } => {
                self.err(
                    span,
                    format!("binding `{b}` cannot be used on its own"),
                    format!("access one of its fields, e.g. `{b}.id`"),
                );
                None
            }
            Opd::Row { .. } | Opd::Auth { .. } => {
                self.err(
                    span,
                    "a model or object cannot be used as a condition",
                    "compare it, e.g. `rel != null` or `auth() == this`",
                );
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
        let lit =
            |l: Literal, t: ScalarType| Some(Opd::Val(Val { expr: Expr::Lit(l), ty: Ty::Scalar(t), list: false }));
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

    /// `base?[…]`, `base![…]`, `base^[…]`.
    fn collection(
        &mut self,
        base: &AExpr,
        quant: crate::ast::Quant,
        binding: Option<&Ident>,
        body: &AExpr,
    ) -> Option<Expr> {
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
                self.err(
                    base.span,
                    "collection predicate on a scalar list",
                    "use `has(list, value)`, `hasSome`, `hasEvery` or `value in list`",
                );
                None
            }
            _ => {
                self.err(
                    base.span,
                    "collection predicate on a value that is not a relation list",
                    "write `rel?[…]` where `rel` is a to-many relation",
                );
                None
            }
        }
    }
}
