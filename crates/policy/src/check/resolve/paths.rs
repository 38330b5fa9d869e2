//! Names and paths: bare names (element fields, bindings, enum values), member access through
//! to-one relations, `before()` / `future()` / auth paths, and the create-rule ownership check.

use super::{Mode, Opd, Resolver, ScopeKind, Ty, Val, auth_expr};
use crate::ast::Ident;
use crate::check::names;
use crate::diag::Span;
use crate::expr::{Expr, Hop, ScopeIdx};
use crate::ir::{AuthField, FieldIdx, FieldKind, FieldType, Literal, ModelIdx, RelationKind};

impl Resolver<'_, '_, '_> {
    /// A bare name.
    pub(super) fn name(&mut self, name: &str, span: Span) -> Option<Opd> {
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
            return Some(Opd::Val(Val {
                expr: Expr::Lit(Literal::Enum(name.to_owned())),
                ty: Ty::EnumLit(name.to_owned()),
                list: false,
            }));
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
                self.ctx
                    .shapes
                    .get(shape)
                    .map(|s| s.fields.iter().map(|f| f.name.clone()).collect())
                    .unwrap_or_default(),
            ),
            None => (String::new(), Vec::new()),
        };
        cands.extend(self.scopes.iter().filter_map(|s| s.binding.clone()));
        cands.extend(self.ctx.enums.iter().flat_map(|e| e.values.iter().cloned()));
        let outer_has = self.scopes.len() > 1 && self.model_ref(self.model).and_then(|m| m.field_index(name)).is_some();
        let hint = if outer_has {
            format!(
                "inside a collection predicate, names refer to the element; write `this.{name}` for the outer model's field"
            )
        } else {
            names::did_you_mean(name, cands.iter().map(String::as_str), || {
                format!("declare `{name}` on {what}, or check the spelling")
            })
        };
        self.err(span, format!("unknown field `{name}` on {what}"), hint);
    }

    /// Field `name` of the model or type `shape` (as seen through `auth()`).
    pub(crate) fn shape_field(&self, shape: &str, name: &str) -> Option<AuthField> {
        self.ctx.shapes.get(shape)?.fields.iter().find(|f| f.name == name).cloned()
    }

    /// A field of `model` reached from `scope` through `hops`.
    pub(super) fn field(
        &mut self,
        scope: ScopeIdx,
        hops: Vec<Hop>,
        model: ModelIdx,
        fidx: FieldIdx,
        span: Span,
        rewrite: bool,
    ) -> Option<Opd> {
        let f = self.model_ref(model)?.fields.get(fidx)?;
        let ty = match &f.kind {
            FieldKind::Scalar(s) => Ty::Scalar(*s),
            FieldKind::Enum(e) => Ty::Enum(*e),
            FieldKind::Relation(rel) => {
                // The row being created has no id yet, so nothing can point to it: relations of
                // this row that it does not own are empty. Relations of other rows are fine.
                let own_row = scope == 0 && hops.is_empty();
                if self.create && own_row && !matches!(rel.kind, RelationKind::Owned { .. }) {
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
    pub(super) fn member(&mut self, base: Opd, member: &Ident) -> Option<Opd> {
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
                    self.err(
                        member.span,
                        "relation fields cannot be accessed from `before()`",
                        "use a scalar field (e.g. the foreign key) with `before()`",
                    );
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
                    self.err(
                        member.span,
                        format!("`{}` is a list in the auth value", path.last().map_or("auth()", String::as_str)),
                        "use a collection predicate, e.g. `auth().items?[…]`",
                    );
                    return None;
                }
                let Some(af) = self.shape_field(&shape, name) else {
                    let cands: Vec<String> = self
                        .ctx
                        .shapes
                        .get(&shape)
                        .map(|s| s.fields.iter().map(|f| f.name.clone()).collect())
                        .unwrap_or_default();
                    let hint = names::did_you_mean(name, cands.iter().map(String::as_str), || {
                        format!("add a field `{name}` to `{shape}`")
                    });
                    self.err(member.span, format!("unknown field `{name}` on auth type `{shape}`"), hint);
                    return None;
                };
                let mut path = path;
                path.push(name.to_owned());
                Some(auth_field(base, path, &af))
            }
            Opd::ToMany { name: rel, .. } => {
                self.err(
                    member.span,
                    format!("`{rel}` is a to-many relation; `.{name}` needs a collection predicate"),
                    format!("write e.g. `{rel}?[{name} == …]`"),
                );
                None
            }
            Opd::Val(_) => {
                self.err(
                    member.span,
                    format!("member access `.{name}` on a scalar value"),
                    "only relations, `this`, `auth()` and bindings have fields",
                );
                None
            }
        }
    }

    fn lookup_field(&mut self, model: ModelIdx, member: &Ident) -> Option<FieldIdx> {
        let m = self.model_ref(model)?;
        if let Some(f) = m.field_index(&member.name) {
            return Some(f);
        }
        let hint = names::did_you_mean(&member.name, m.fields.iter().map(|f| f.name.as_str()), || {
            format!("declare `{}` on model `{}`", member.name, m.name)
        });
        self.err(member.span, format!("unknown field `{}` on model `{}`", member.name, m.name), hint);
        None
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
