//! The auth type (`@@auth` model or type, else `User`) and the field shapes of every model and type,
//! used to type-check `auth().a.b` paths.

use super::decls::Merged;
use super::fields::scalar_type;
use super::{Ctx, Shape};
use crate::ast::{AExprKind, ModelKind};
use crate::ir::{AuthField, AuthType, FieldType};

/// Fills `ctx.shapes` and `ctx.auth`.
pub(crate) fn build(ctx: &mut Ctx<'_>, merged: &[Merged<'_>]) {
    for m in merged {
        let shape = shape_of(ctx, m);
        ctx.shapes.insert(m.decl.name.name.clone(), shape);
    }
    let marked: Vec<&Merged<'_>> = merged
        .iter()
        .filter(|m| m.decl.kind != ModelKind::Abstract)
        .filter(|m| m.attrs.iter().any(|(a, _)| a.name == "auth"))
        .collect();
    if let [first, rest @ ..] = marked.as_slice() {
        for other in rest {
            ctx.diags.error(
                other.decl.name.span,
                format!(
                    "more than one `@@auth` declaration (`{}` and `{}`)",
                    first.decl.name.name, other.decl.name.name
                ),
                "keep `@@auth` on exactly one model or type",
            );
        }
    }
    let chosen = marked.first().copied().or_else(|| {
        let user = |k: ModelKind| merged.iter().find(|m| m.decl.kind == k && m.decl.name.name == "User");
        user(ModelKind::Model).or_else(|| user(ModelKind::Type))
    });
    let Some(m) = chosen else { return };
    let name = m.decl.name.name.clone();
    let shape = ctx.shapes.get(&name).cloned().unwrap_or_default();
    ctx.auth =
        Some(AuthType { model: ctx.model_idx.get(&name).copied(), name, fields: shape.fields, id_fields: shape.ids });
}

/// The fields and id field names of a flattened model or type.
fn shape_of(ctx: &Ctx<'_>, m: &Merged<'_>) -> Shape {
    let mut shape = Shape::default();
    for (f, _) in &m.fields {
        if shape.fields.iter().any(|x| x.name == f.name.name) {
            continue;
        }
        let tname = &f.ty.name.name;
        let ty = if let Some(s) = scalar_type(tname) {
            FieldType::Scalar(s)
        } else if let Some(&e) = ctx.enum_idx.get(tname) {
            FieldType::Enum(e)
        } else {
            FieldType::Named(tname.clone())
        };
        shape.fields.push(AuthField { name: f.name.name.clone(), ty, list: f.ty.list, optional: f.ty.optional });
        if f.attrs.iter().any(|a| a.name == "id") {
            shape.ids.push(f.name.name.clone());
        }
    }
    if shape.ids.is_empty() {
        for (a, _) in &m.attrs {
            if a.name != "id" {
                continue;
            }
            if let Some(AExprKind::Array(items)) = a.arg(0, "fields").map(|e| &e.unparen().kind) {
                shape.ids = items.iter().filter_map(|i| i.as_ref_name().map(str::to_owned)).collect();
            }
        }
    }
    if shape.ids.is_empty() && shape.fields.iter().any(|f| f.name == "id") {
        shape.ids.push("id".into());
    }
    shape
}
