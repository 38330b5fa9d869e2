//! Builds the IR models: fields, column names, ids, unique constraints, indexes and defaults.
//! Relation fields get a placeholder [`Relation`] that [`super::relations`] fills in.

use super::decls::Merged;
use super::{Ctx, names};
use crate::ast::{AExpr, AExprKind, AttrApp, ModelKind};
use crate::diag::Span;
use crate::ir::{Field, FieldIdx, FieldKind, Model, Relation, RelationKind, ScalarType};

/// The scalar type a built-in type name denotes.
pub(crate) fn scalar_type(name: &str) -> Option<ScalarType> {
    Some(match name {
        "String" => ScalarType::String,
        "Int" => ScalarType::Int,
        "BigInt" => ScalarType::BigInt,
        "Float" => ScalarType::Float,
        "Decimal" => ScalarType::Decimal,
        "Boolean" => ScalarType::Boolean,
        "DateTime" => ScalarType::DateTime,
        "Json" => ScalarType::Json,
        "Bytes" => ScalarType::Bytes,
        _ => return None,
    })
}

const FIELD_ATTRS: [&str; 9] = ["id", "default", "unique", "updatedAt", "relation", "map", "omit", "allow", "deny"];
const MODEL_ATTRS: [&str; 7] = ["id", "unique", "index", "map", "auth", "allow", "deny"];

/// Warns about an attribute this implementation does not know (`@db.*` is accepted silently).
pub(crate) fn warn_unknown_attr(ctx: &mut Ctx<'_>, a: &AttrApp) {
    let known: &[&str] = if a.model_level { &MODEL_ATTRS } else { &FIELD_ATTRS };
    if a.name.starts_with("db.") || known.contains(&a.name.as_str()) {
        return;
    }
    let at = if a.model_level { "@@" } else { "@" };
    let hint = names::did_you_mean(&a.name, known.iter().copied(), || {
        "it has no effect here; remove it if it is not needed".into()
    });
    ctx.diags.warning(a.name_span, format!("unknown attribute `{at}{}` is ignored", a.name), hint);
}

/// Builds one IR model per concrete model (the first `ctx.concrete.len()` entries of `merged`).
pub(crate) fn build_models(ctx: &mut Ctx<'_>, merged: &[Merged<'_>]) -> Vec<Model> {
    let n = ctx.concrete.len();
    merged.iter().take(n).map(|m| build_model(ctx, m)).collect()
}

fn build_model(ctx: &mut Ctx<'_>, m: &Merged<'_>) -> Model {
    let mut model = Model {
        name: m.decl.name.name.clone(),
        table: m.decl.name.name.clone(),
        fields: Vec::new(),
        id: Vec::new(),
        uniques: Vec::new(),
        indexes: Vec::new(),
        rules: Vec::new(),
        span: m.decl.span,
    };
    let mut id_spans: Vec<Span> = Vec::new();
    for (fd, _) in &m.fields {
        if let Some(prev) = model.fields.iter().find(|f| f.name == fd.name.name) {
            ctx.diags.error(
                fd.name.span,
                format!("duplicate field `{}` in model `{}`", fd.name.name, model.name),
                format!(
                    "`{}` is already declared at {}:{}; rename or remove one",
                    fd.name.name, prev.span.line, prev.span.col
                ),
            );
            continue;
        }
        let idx = model.fields.len();
        let Some(kind) = field_kind(ctx, &fd.ty.name) else {
            continue;
        };
        let mut field = Field {
            name: fd.name.name.clone(),
            column: fd.name.name.clone(),
            kind,
            optional: fd.ty.optional,
            list: fd.ty.list,
            default: None,
            updated_at: false,
            omit: false,
            rules: Vec::new(),
            span: fd.span,
        };
        for a in &fd.attrs {
            match a.name.as_str() {
                "id" => {
                    model.id.push(idx);
                    id_spans.push(a.span);
                }
                "unique" => model.uniques.push(vec![idx]),
                "updatedAt" => field.updated_at = true,
                "omit" => field.omit = true,
                "map" => match a.arg(0, "name").and_then(AExpr::as_str) {
                    Some(col) => field.column = col.to_owned(),
                    None => ctx.diags.error(a.span, "`@map` needs a column name", "write `@map(\"column_name\")`"),
                },
                "default" => match a.arg(0, "value") {
                    Some(v) => field.default = super::defaults::default_value(ctx, &field, v),
                    None => ctx.diags.error(a.span, "`@default` needs a value", "write e.g. `@default(now())`"),
                },
                _ => warn_unknown_attr(ctx, a),
            }
        }
        model.fields.push(field);
    }
    if let [_, second, ..] = id_spans.as_slice() {
        ctx.diags.error(
            *second,
            format!("model `{}` has more than one `@id` field", model.name),
            "for a composite id use `@@id([a, b])` on the model",
        );
    }
    for (a, _) in &m.attrs {
        match a.name.as_str() {
            "id" | "unique" | "index" => {
                let Some(list) = field_list(ctx, &model, a) else {
                    continue;
                };
                match a.name.as_str() {
                    "id" if model.id.is_empty() => model.id = list,
                    "id" => ctx.diags.error(
                        a.span,
                        format!("model `{}` declares its id twice", model.name),
                        "use either `@id` on a field or `@@id([…])`, not both",
                    ),
                    "unique" => model.uniques.push(list),
                    _ => model.indexes.push(list),
                }
            }
            "map" => match a.arg(0, "name").and_then(AExpr::as_str) {
                Some(t) => model.table = t.to_owned(),
                None => ctx.diags.error(a.span, "`@@map` needs a table name", "write `@@map(\"table_name\")`"),
            },
            "auth" | "allow" | "deny" => {}
            _ => warn_unknown_attr(ctx, a),
        }
    }
    if model.id.is_empty() && m.decl.kind == ModelKind::Model && !m.incomplete {
        ctx.diags.error(
            m.decl.name.span,
            format!("model `{}` has no id", model.name),
            "mark a field with `@id` (e.g. `id String @id @default(uuid())`) or add `@@id([a, b])`",
        );
    }
    model
}

/// The kind of a field from its type name; `None` (after an error) when the type is unknown.
fn field_kind(ctx: &mut Ctx<'_>, ty: &crate::ast::Ident) -> Option<FieldKind> {
    if let Some(s) = scalar_type(&ty.name) {
        return Some(FieldKind::Scalar(s));
    }
    if let Some(&e) = ctx.enum_idx.get(&ty.name) {
        return Some(FieldKind::Enum(e));
    }
    if let Some(&target) = ctx.model_idx.get(&ty.name) {
        let placeholder = RelationKind::Inverse { fields: Vec::new(), references: Vec::new() };
        return Some(FieldKind::Relation(Relation { target, name: None, opposite: 0, kind: placeholder }));
    }
    match ctx.decls.get(&ty.name).map(|d| d.kind) {
        // A typed JSON field.
        Some(ModelKind::Type) => return Some(FieldKind::Scalar(ScalarType::Json)),
        Some(_) => {
            ctx.diags.error(
                ty.span,
                format!("`{}` is an abstract model and cannot be a field type", ty.name),
                "refer to a concrete model that extends it",
            );
            return None;
        }
        None => {}
    }
    let builtins = ["String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime", "Json", "Bytes"];
    let cands: Vec<&str> = builtins
        .into_iter()
        .chain(ctx.enum_idx.keys().map(String::as_str))
        .chain(ctx.decls.keys().map(String::as_str))
        .collect();
    let hint = names::did_you_mean(&ty.name, cands, || {
        "use a built-in type, an enum, a model or a type declared in this file".into()
    });
    ctx.diags.error(ty.span, format!("unknown type `{}`", ty.name), hint);
    None
}

/// The fields named in `@@id([…])`, `@@unique([…])`, `@@index([…])` (also `fields: […]`).
pub(crate) fn field_list(ctx: &mut Ctx<'_>, model: &Model, a: &AttrApp) -> Option<Vec<FieldIdx>> {
    let Some(arg) = a.arg(0, "fields") else {
        ctx.diags.error(
            a.span,
            format!("`@@{}` needs a field list", a.name),
            format!("write `@@{}([field1, field2])`", a.name),
        );
        return None;
    };
    let AExprKind::Array(items) = &arg.unparen().kind else {
        ctx.diags.error(arg.span, "expected a field list", format!("write `@@{}([field1, field2])`", a.name));
        return None;
    };
    let mut out = Vec::new();
    for item in items {
        let (name, span) = match &item.unparen().kind {
            AExprKind::Ref(n) => (n.as_str(), item.span),
            AExprKind::Call { name, .. } => (name.name.as_str(), name.span),
            _ => {
                ctx.diags.error(item.span, "expected a field name", "list field names, e.g. `[tenantId, email]`");
                return None;
            }
        };
        out.push(scalar_field_ref(ctx, model, name, span)?);
    }
    if out.is_empty() {
        ctx.diags.error(arg.span, "the field list is empty", "name at least one field");
        return None;
    }
    Some(out)
}

/// Resolves a field name of `model` that must be a column (not a relation).
pub(crate) fn scalar_field_ref(ctx: &mut Ctx<'_>, model: &Model, name: &str, span: Span) -> Option<FieldIdx> {
    let Some(idx) = model.field_index(name) else {
        let hint = names::did_you_mean(name, model.fields.iter().map(|f| f.name.as_str()), || {
            format!("declare the field in model `{}`", model.name)
        });
        ctx.diags.error(span, format!("unknown field `{name}` on model `{}`", model.name), hint);
        return None;
    };
    if !model.fields.get(idx).is_some_and(Field::is_column) {
        ctx.diags.error(
            span,
            format!("`{name}` is a relation field, not a column"),
            "list scalar (column) fields here, e.g. the foreign key field",
        );
        return None;
    }
    Some(idx)
}
