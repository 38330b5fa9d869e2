//! `@default(…)` values: generators (`uuid()`, `now()`, …), literals and enum values checked
//! against the field's type, and `auth().a.b` paths checked against the auth type.

use super::{Ctx, names};
use crate::ast::{AExpr, AExprKind, Ident};
use crate::ir::{DefaultValue, Field, FieldKind, FieldType, Literal, ScalarType};

/// The `@default(v)` value of `field`, or `None` after reporting a problem.
pub(crate) fn default_value(ctx: &mut Ctx<'_>, field: &Field, v: &AExpr) -> Option<DefaultValue> {
    if matches!(field.kind, FieldKind::Relation(_)) {
        ctx.diags.error(v.span, "relation fields cannot have a default", "put the default on the foreign key field");
        return None;
    }
    let e = v.unparen();
    match &e.kind {
        AExprKind::Call { name, args } => match name.name.as_str() {
            "autoincrement" => Some(DefaultValue::AutoIncrement),
            "uuid" => Some(DefaultValue::Uuid),
            "cuid" => Some(DefaultValue::Cuid),
            "now" => Some(DefaultValue::Now),
            "nanoid" | "ulid" | "dbgenerated" | "sequence" => {
                ctx.diags.warning(
                    name.span,
                    format!("`{}()` defaults are not supported and are ignored", name.name),
                    "use `uuid()`, `cuid()`, `autoincrement()` or `now()`",
                );
                None
            }
            "currentModel" | "currentOperation" => {
                ctx.diags.error(
                    name.span,
                    format!("`{}()` is only allowed in access rules", name.name),
                    "use a literal default instead",
                );
                None
            }
            "auth" if args.is_empty() => {
                ctx.diags.error(e.span, "`@default(auth())` needs a field", "write e.g. `@default(auth().id)`");
                None
            }
            other => {
                let cands = ["autoincrement", "uuid", "cuid", "now", "auth"];
                let hint = names::did_you_mean(other, cands, || {
                    "use `uuid()`, `cuid()`, `autoincrement()`, `now()` or `auth().field`".into()
                });
                ctx.diags.error(name.span, format!("unknown function `{other}` in `@default`"), hint);
                None
            }
        },
        AExprKind::Member { .. } => {
            let path = auth_default_path(ctx, e)?;
            Some(DefaultValue::Auth(path))
        }
        _ => {
            let lit = literal_value(ctx, e, &field.kind)?;
            Some(DefaultValue::Literal(lit))
        }
    }
}

/// A literal `@default` value for a field of `kind`.
pub(crate) fn literal_value(ctx: &mut Ctx<'_>, e: &AExpr, kind: &FieldKind) -> Option<Literal> {
    let lit = match &e.unparen().kind {
        AExprKind::Str(s) => Literal::String(s.clone()),
        AExprKind::Int(i) => Literal::Int(*i),
        AExprKind::Float(f) => Literal::Float(*f),
        AExprKind::Bool(b) => Literal::Bool(*b),
        AExprKind::Null => Literal::Null,
        AExprKind::Ref(name) => {
            let FieldKind::Enum(ei) = kind else {
                ctx.diags.error(
                    e.span,
                    format!("`{name}` is not a valid default for this field"),
                    "use a literal, `now()`, `uuid()`, `cuid()`, `autoincrement()` or `auth().field`",
                );
                return None;
            };
            let en = ctx.enums.get(*ei)?;
            if !en.values.contains(name) {
                let hint = names::did_you_mean(name, en.values.iter().map(String::as_str), || {
                    format!("use one of: {}", en.values.join(", "))
                });
                let msg = format!("`{name}` is not a value of enum `{}`", en.name);
                ctx.diags.error(e.span, msg, hint);
                return None;
            }
            Literal::Enum(name.clone())
        }
        AExprKind::Array(items) => {
            let mut out = Vec::new();
            for i in items {
                out.push(literal_value(ctx, i, kind)?);
            }
            Literal::Array(out)
        }
        _ => {
            ctx.diags.error(
                e.span,
                "unsupported default value",
                "use a literal, `now()`, `uuid()`, `cuid()`, `autoincrement()` or `auth().field`",
            );
            return None;
        }
    };
    if !literal_fits(&lit, kind) {
        ctx.diags.error(e.span, "default value does not match the field's type", "use a value of the field's type");
        return None;
    }
    Some(lit)
}

/// Whether a literal fits a column kind (`None` matches anything).
pub(crate) fn literal_fits(lit: &Literal, kind: &FieldKind) -> bool {
    use ScalarType as S;
    match (lit, kind) {
        (Literal::Null, _) => true,
        (Literal::Array(items), k) => items.iter().all(|i| literal_fits(i, k)),
        (Literal::Enum(v), FieldKind::Enum(_)) => !v.is_empty(),
        (_, FieldKind::Enum(_)) | (Literal::Enum(_), _) => false,
        (Literal::Bool(_), FieldKind::Scalar(s)) => matches!(s, S::Boolean | S::Json),
        (Literal::Int(_), FieldKind::Scalar(s)) => {
            matches!(s, S::Int | S::BigInt | S::Float | S::Decimal | S::Json)
        }
        (Literal::Float(_), FieldKind::Scalar(s)) => matches!(s, S::Float | S::Decimal | S::Json),
        (Literal::String(_), FieldKind::Scalar(s)) => {
            matches!(s, S::String | S::DateTime | S::Json | S::Decimal | S::BigInt | S::Bytes)
        }
        (_, FieldKind::Relation(_)) => false,
    }
}

/// `@default(auth().a.b)`: the checked path `["a", "b"]`.
pub(crate) fn auth_default_path(ctx: &mut Ctx<'_>, e: &AExpr) -> Option<Vec<String>> {
    let mut members: Vec<&Ident> = Vec::new();
    let mut cur = e.unparen();
    while let AExprKind::Member { base, member } = &cur.kind {
        members.push(member);
        cur = base.unparen();
    }
    members.reverse();
    let is_auth = matches!(&cur.kind, AExprKind::Call { name, args } if name.name == "auth" && args.is_empty());
    if !is_auth {
        ctx.diags.error(
            e.span,
            "unsupported default value",
            "only `auth().field` member access is allowed in `@default`",
        );
        return None;
    }
    let Some(auth) = &ctx.auth else {
        ctx.diags.error(
            cur.span,
            "`auth()` is used but there is no auth model",
            "mark a model or type with `@@auth`, or declare a model named `User`",
        );
        return None;
    };
    let mut shape = auth.name.clone();
    let mut path = Vec::new();
    for (i, m) in members.iter().enumerate() {
        let field = ctx.shapes.get(&shape).and_then(|s| s.fields.iter().find(|f| f.name == m.name)).cloned();
        let Some(field) = field else {
            let cands: Vec<String> =
                ctx.shapes.get(&shape).map(|s| s.fields.iter().map(|f| f.name.clone()).collect()).unwrap_or_default();
            let hint = names::did_you_mean(&m.name, cands.iter().map(String::as_str), || {
                format!("add a field `{}` to `{shape}`", m.name)
            });
            ctx.diags.error(m.span, format!("unknown field `{}` on auth type `{shape}`", m.name), hint);
            return None;
        };
        path.push(m.name.clone());
        match field.ty {
            FieldType::Named(n) if i + 1 < members.len() && !field.list => shape = n,
            FieldType::Named(_) if i + 1 == members.len() || field.list => {
                ctx.diags.error(
                    m.span,
                    format!("`{}` is not a scalar field", m.name),
                    "use a scalar field of the auth type, e.g. `auth().id`",
                );
                return None;
            }
            _ if i + 1 < members.len() => {
                ctx.diags.error(
                    m.span,
                    format!("member access on scalar field `{}`", m.name),
                    "remove the trailing member access",
                );
                return None;
            }
            _ => {}
        }
    }
    if path.is_empty() {
        ctx.diags.error(e.span, "`@default(auth())` needs a field", "write e.g. `@default(auth().id)`");
        return None;
    }
    Some(path)
}
