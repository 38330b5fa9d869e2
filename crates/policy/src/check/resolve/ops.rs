//! Comparisons, `in`, array literals, literal defaults and type compatibility, including the
//! normalizations `auth() == this`, `auth() == rel`, `rel == null` and `auth() == null`.

use super::{Opd, Resolver, Ty, Val, auth_expr};
use crate::ast::{AExpr, BinOp};
use crate::check::Ctx;
use crate::diag::Span;
use crate::expr::{CmpOp, Expr, Hop, ScopeIdx};
use crate::ir::{Literal, ModelIdx, RelationKind, ScalarType};

/// A human name for a type, for messages.
pub(crate) fn ty_name(r: &Resolver<'_, '_, '_>, ty: &Ty, list: bool) -> String {
    let base = match ty {
        Ty::Scalar(s) => format!("{s:?}"),
        Ty::Enum(e) => r.ctx.enums.get(*e).map_or_else(|| "enum".into(), |e| e.name.clone()),
        Ty::EnumLit(v) => format!("enum value `{v}`"),
        Ty::Null => "null".into(),
        Ty::Any => "a value".into(),
    };
    if list { format!("{base}[]") } else { base }
}

/// Whether values of two types can be compared.
pub(crate) fn compatible(ctx: &Ctx<'_>, a: &Ty, b: &Ty) -> bool {
    use ScalarType as S;
    let numeric = |s: &S| matches!(s, S::Int | S::BigInt | S::Float | S::Decimal);
    match (a, b) {
        (Ty::Null | Ty::Any, _) | (_, Ty::Null | Ty::Any) => true,
        (Ty::Scalar(S::Json), _) | (_, Ty::Scalar(S::Json)) => true,
        (Ty::Scalar(x), Ty::Scalar(y)) => {
            x == y
                || (numeric(x) && numeric(y))
                || matches!((x, y), (S::DateTime | S::Bytes, S::String) | (S::String, S::DateTime | S::Bytes))
        }
        (Ty::Enum(x), Ty::Enum(y)) => x == y,
        (Ty::Enum(e), Ty::EnumLit(v)) | (Ty::EnumLit(v), Ty::Enum(e)) => {
            ctx.enums.get(*e).is_some_and(|en| en.values.contains(v))
        }
        (Ty::EnumLit(_), Ty::EnumLit(_)) => true,
        _ => false,
    }
}

fn cmp_op(op: BinOp) -> CmpOp {
    match op {
        BinOp::Ne => CmpOp::Ne,
        BinOp::Lt => CmpOp::Lt,
        BinOp::Le => CmpOp::Le,
        BinOp::Gt => CmpOp::Gt,
        BinOp::Ge => CmpOp::Ge,
        _ => CmpOp::Eq,
    }
}

fn is_null(o: &Opd) -> bool {
    matches!(o, Opd::Val(Val { ty: Ty::Null, .. }))
}

/// Reports a binding used on its own (`items?[e, e]`); true when it is one.
fn lone_binding(r: &mut Resolver<'_, '_, '_>, o: &Opd, span: Span) -> bool {
    let name = match o {
        Opd::Row { binding: Some(b), .. } | Opd::Auth { binding: Some(b), .. } => b,
        _ => return false,
    };
    r.err(
        span,
        format!("binding `{name}` cannot be used on its own"),
        format!("access one of its fields, e.g. `{name}.id`"),
    );
    true
}

/// `lhs op rhs` for `== != < <= > >=`.
pub(crate) fn compare(
    r: &mut Resolver<'_, '_, '_>,
    op: BinOp,
    lhs: &AExpr,
    rhs: &AExpr,
    op_span: Span,
) -> Option<Expr> {
    let l = r.resolve(lhs);
    let rr = r.resolve(rhs);
    let (l, rr) = (l?, rr?);
    if lone_binding(r, &l, lhs.span) | lone_binding(r, &rr, rhs.span) {
        return None;
    }
    let cmp = cmp_op(op);
    let equality = matches!(cmp, CmpOp::Eq | CmpOp::Ne);
    let mk = |a: Expr, b: Expr| Expr::Compare { op: cmp, lhs: Box::new(a), rhs: Box::new(b) };
    for (o, e) in [(&l, lhs), (&rr, rhs)] {
        match o {
            Opd::ToMany { name, .. } => {
                r.err(
                    e.span,
                    format!("to-many relation `{name}` cannot be compared"),
                    format!("use a collection predicate, e.g. `{name}?[…]`"),
                );
                return None;
            }
            Opd::Before | Opd::Future => {
                r.err(e.span, "`before()`/`future()` must be followed by a field", "write e.g. `before().status`");
                return None;
            }
            Opd::Row { .. } | Opd::Auth { .. } if !equality => {
                r.err(
                    op_span,
                    "models and objects can only be compared with `==` or `!=`",
                    "compare one of their fields instead",
                );
                return None;
            }
            _ => {}
        }
    }
    match (l, rr) {
        (Opd::Auth { base, path, shape, list: false, .. }, Opd::Row { scope, hops, model, .. })
        | (Opd::Row { scope, hops, model, .. }, Opd::Auth { base, path, shape, list: false, .. }) => {
            let eq = auth_eq_row(r, base, &path, &shape, scope, hops, model, op_span)?;
            Some(if cmp == CmpOp::Ne { Expr::not(eq) } else { eq })
        }
        (Opd::Auth { base, path, .. }, n) | (n, Opd::Auth { base, path, .. }) if is_null(&n) => {
            Some(mk(auth_expr(base, path), Expr::Lit(Literal::Null)))
        }
        (Opd::Row { scope, hops, .. }, n) | (n, Opd::Row { scope, hops, .. }) if is_null(&n) => {
            if hops.is_empty() {
                r.err(
                    op_span,
                    "`this` (or a binding) is never null",
                    "compare a relation field with null, e.g. `owner != null`",
                );
                return None;
            }
            Some(mk(Expr::ToOne { scope, hops }, Expr::Lit(Literal::Null)))
        }
        (Opd::Row { .. } | Opd::Auth { .. }, Opd::Row { .. } | Opd::Auth { .. }) => {
            r.err(
                op_span,
                "comparing two models is not supported",
                "compare their id fields (e.g. `a.id == b.id`), or compare a model with `auth()`",
            );
            None
        }
        (Opd::Row { .. } | Opd::Auth { .. }, Opd::Val(_)) | (Opd::Val(_), Opd::Row { .. } | Opd::Auth { .. }) => {
            r.err(
                op_span,
                "a model or object cannot be compared with a value",
                "compare one of its fields, e.g. `owner.id == …`",
            );
            None
        }
        (Opd::Val(a), Opd::Val(b)) => {
            if !compatible(r.ctx, &a.ty, &b.ty)
                || a.list != b.list && !matches!(a.ty, Ty::Null) && !matches!(b.ty, Ty::Null)
            {
                let (an, bn) = (ty_name(r, &a.ty, a.list), ty_name(r, &b.ty, b.list));
                r.err(
                    op_span,
                    format!("type mismatch: cannot compare {an} with {bn}"),
                    "compare values of the same type (check the field's type and the literal)",
                );
                return None;
            }
            Some(mk(a.expr, b.expr))
        }
        _ => None,
    }
}

/// `auth() == row`: compares the auth id fields with the row's id columns (for an owned to-one
/// relation, with this row's foreign key columns, so no join is needed).
#[expect(clippy::too_many_arguments)]
fn auth_eq_row(
    r: &mut Resolver<'_, '_, '_>,
    base: Option<ScopeIdx>,
    path: &[String],
    shape: &str,
    scope: ScopeIdx,
    hops: Vec<Hop>,
    model: ModelIdx,
    span: Span,
) -> Option<Expr> {
    let auth_ids = r.ctx.shapes.get(shape).map(|s| s.ids.clone()).unwrap_or_default();
    let target = r.model_ref(model)?;
    if auth_ids.is_empty() || auth_ids.len() != target.id.len() {
        r.err(
            span,
            format!("cannot compare `{shape}` with model `{}`: their id fields do not match", target.name),
            format!("give `{shape}` the same id fields as `{}`, or compare fields explicitly", target.name),
        );
        return None;
    }
    let auth_at = |name: &str| {
        let mut p = path.to_vec();
        p.push(name.to_owned());
        auth_expr(base, p)
    };
    let mut pairs: Vec<(Expr, Expr)> = Vec::new();
    let last = hops.last().copied();
    let owned =
        last.and_then(|h| r.model_ref(h.model)?.fields.get(h.field)?.relation()).and_then(|rel| match &rel.kind {
            RelationKind::Owned { fields, references, .. } => Some((fields.clone(), references.clone())),
            _ => None,
        });
    match (last, owned) {
        (Some(h), Some((fks, refs))) => {
            let outer = hops.get(..hops.len().saturating_sub(1)).unwrap_or_default().to_vec();
            for (fk, rf) in fks.iter().zip(&refs) {
                let pos = target.id.iter().position(|i| i == rf);
                let name = match pos.and_then(|p| auth_ids.get(p)) {
                    Some(n) => n.clone(),
                    None => target.fields.get(*rf).map_or_else(String::new, |f| f.name.clone()),
                };
                pairs.push((auth_at(&name), Expr::Column { scope, hops: outer.clone(), model: h.model, field: *fk }));
            }
        }
        _ => {
            for (id, aid) in target.id.iter().zip(&auth_ids) {
                pairs.push((auth_at(aid), Expr::Column { scope, hops: hops.clone(), model, field: *id }));
            }
        }
    }
    pairs.into_iter().map(|(a, c)| Expr::eq(a, c)).reduce(Expr::and)
}

/// `lhs in rhs`, where `rhs` is a list (array literal, list field or auth list).
pub(crate) fn in_expr(r: &mut Resolver<'_, '_, '_>, lhs: &AExpr, rhs: &AExpr, op_span: Span) -> Option<Expr> {
    let l = r.resolve(lhs);
    let rr = r.resolve(rhs);
    let (l, rr) = (l?, rr?);
    let (Opd::Val(a), Opd::Val(b)) = (l, rr) else {
        r.err(op_span, "`in` needs a value on the left and a list on the right", "write e.g. `role in [ADMIN, OWNER]`");
        return None;
    };
    if a.list || !b.list {
        r.err(
            op_span,
            "`in` needs a single value on the left and a list on the right",
            "write e.g. `role in [ADMIN, OWNER]` or `tag in tags`",
        );
        return None;
    }
    if !compatible(r.ctx, &a.ty, &b.ty) {
        let (an, bn) = (ty_name(r, &a.ty, false), ty_name(r, &b.ty, true));
        r.err(op_span, format!("type mismatch: {an} in {bn}"), "the list's elements must have the value's type");
        return None;
    }
    if let (Ty::Enum(e), Expr::Lit(Literal::Array(items))) = (&a.ty, &b.expr) {
        let bad = items.iter().find_map(|i| match i {
            Literal::Enum(v) if !compatible(r.ctx, &a.ty, &Ty::EnumLit(v.clone())) => Some(v.clone()),
            _ => None,
        });
        if let Some(v) = bad {
            let en = r.ctx.enums.get(*e).map_or_else(String::new, |x| x.name.clone());
            r.err(
                op_span,
                format!("type mismatch: `{v}` is not a value of enum `{en}`"),
                "list values of the field's enum",
            );
            return None;
        }
    }
    Some(Expr::In { lhs: Box::new(a.expr), rhs: Box::new(b.expr) })
}

/// `[a, b, …]`: a list of literals.
pub(crate) fn array(r: &mut Resolver<'_, '_, '_>, items: &[AExpr], span: Span) -> Option<Opd> {
    let mut lits = Vec::new();
    let mut ty = Ty::Null;
    for item in items {
        match r.resolve(item)? {
            Opd::Val(Val { expr: Expr::Lit(l), ty: t, list: false }) => {
                if ty == Ty::Null {
                    ty = t;
                } else if !compatible(r.ctx, &ty, &t) {
                    r.err(item.span, "array items have different types", "use values of one type");
                    return None;
                }
                lits.push(l);
            }
            _ => {
                r.err(
                    item.span,
                    "array items must be literals",
                    "write literal values (strings, numbers, enum values)",
                );
                return None;
            }
        }
    }
    let _ = span;
    Some(Opd::Val(Val { expr: Expr::Lit(Literal::Array(lits)), ty, list: true }))
}
