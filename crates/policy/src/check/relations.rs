//! Relation pairing: matches the two sides of every relation by target model and relation name,
//! decides which side owns the foreign key, and creates implicit many-to-many join tables.

use super::Ctx;
use super::decls::Merged;
use super::fields::scalar_field_ref;
use crate::ast::{AExpr, AExprKind, AttrApp, FieldDecl};
use crate::diag::Span;
use crate::ir::{FieldIdx, FieldKind, JoinTable, Model, ModelIdx, RefAction, RelationKind};

/// One relation field, as declared.
struct Side {
    model: ModelIdx,
    field: FieldIdx,
    target: ModelIdx,
    name: Option<String>,
    list: bool,
    /// `fields:` (ours) and `references:` (the target's), when this side owns the foreign key.
    fk: Option<(Vec<FieldIdx>, Vec<FieldIdx>)>,
    on_delete: RefAction,
    on_update: RefAction,
    span: Span,
}

/// Fills in every relation field of `models`; returns the implicit join tables.
pub(crate) fn resolve(ctx: &mut Ctx<'_>, merged: &[Merged<'_>], models: &mut [Model]) -> Vec<JoinTable> {
    let mut sides = Vec::new();
    for (mi, model) in models.iter().enumerate() {
        for (fi, field) in model.fields.iter().enumerate() {
            let FieldKind::Relation(rel) = &field.kind else {
                continue;
            };
            let decl =
                merged.get(mi).and_then(|m| m.fields.iter().find(|(f, _)| f.name.name == field.name)).map(|(f, _)| *f);
            let Some(decl) = decl else { continue };
            if let Some(side) = read_side(ctx, models, mi, fi, rel.target, field.list, decl) {
                sides.push(side);
            }
        }
    }
    let mut joins: Vec<JoinTable> = Vec::new();
    let mut updates: Vec<(ModelIdx, FieldIdx, Option<String>, FieldIdx, RelationKind)> = Vec::new();
    // A side that declares `fields` is owned even if its pairing fails below, so that later checks
    // (e.g. "non-owned relation in create rule") do not report follow-up errors.
    for s in &sides {
        if let Some((fields, references)) = &s.fk {
            let kind = RelationKind::Owned {
                fields: fields.clone(),
                references: references.clone(),
                on_delete: s.on_delete,
                on_update: s.on_update,
            };
            updates.push((s.model, s.field, s.name.clone(), 0, kind));
        }
    }
    for (si, s) in sides.iter().enumerate() {
        let cands: Vec<usize> = sides
            .iter()
            .enumerate()
            .filter(|(ti, t)| *ti != si && t.model == s.target && t.target == s.model && t.name == s.name)
            .map(|(ti, _)| ti)
            .collect();
        let (mname, tname) = (model_name(models, s.model), model_name(models, s.target));
        let fname = models.get(s.model).and_then(|m| m.fields.get(s.field)).map_or("", |f| f.name.as_str());
        let t = match cands.as_slice() {
            [ti] => match sides.get(*ti) {
                Some(t) => t,
                None => continue,
            },
            [] => {
                let named = s.name.as_ref().map_or(String::new(), |n| format!(" with `@relation(\"{n}\")`"));
                let low = lower_first(mname);
                let example = if s.list {
                    format!("`{low} {mname} @relation(fields: [{low}Id], references: [id])` (plus the `{low}Id` field)")
                } else {
                    format!("`{low}s {mname}[]`")
                };
                ctx.diags.error(
                    s.span,
                    format!("relation field `{mname}.{fname}` has no opposite field on model `{tname}`"),
                    format!("ZenStack needs both sides of a relation: add e.g. {example} to model `{tname}`{named}"),
                );
                continue;
            }
            _ => {
                ctx.diags.error(
                    s.span,
                    format!("ambiguous relation: `{mname}.{fname}` could pair with several fields of `{tname}`"),
                    "name both sides of each relation with `@relation(\"name\")`",
                );
                continue;
            }
        };
        let kind = match (&s.fk, &t.fk) {
            (Some(_), Some(_)) => {
                ctx.diags.error(
                    s.span,
                    format!("both sides of the relation `{mname}.{fname}` declare `fields`"),
                    "keep `@relation(fields: […], references: […])` on one side only (the side holding the foreign key)",
                );
                continue;
            }
            (Some((fields, references)), None) => {
                if s.list {
                    ctx.diags.error(
                        s.span,
                        format!("`{mname}.{fname}` is a list but declares `fields`"),
                        "the side with `@relation(fields: …)` must be a to-one field; move it to the other side",
                    );
                    continue;
                }
                RelationKind::Owned {
                    fields: fields.clone(),
                    references: references.clone(),
                    on_delete: s.on_delete,
                    on_update: s.on_update,
                }
            }
            (None, Some((fields, references))) => {
                RelationKind::Inverse { fields: fields.clone(), references: references.clone() }
            }
            (None, None) if s.list && t.list => {
                let Some(kind) = many_to_many(ctx, models, s, t, &mut joins) else {
                    continue;
                };
                kind
            }
            (None, None) => {
                let (owner, owner_field) = if s.list { (tname, "the to-one side") } else { (mname, fname) };
                ctx.diags.error(
                    s.span,
                    format!("relation between `{mname}` and `{tname}` has no foreign key"),
                    format!(
                        "add `@relation(fields: [{}Id], references: [id])` to `{owner}.{}` and a matching foreign key field",
                        lower_first(if s.list { mname } else { tname }),
                        if s.list { owner_field } else { fname },
                    ),
                );
                continue;
            }
        };
        updates.push((s.model, s.field, s.name.clone(), t.field, kind));
    }
    for (mi, fi, name, opposite, kind) in updates {
        if let Some(FieldKind::Relation(rel)) =
            models.get_mut(mi).and_then(|m| m.fields.get_mut(fi)).map(|f| &mut f.kind)
        {
            rel.name = name;
            rel.opposite = opposite;
            rel.kind = kind;
        }
    }
    joins
}

fn model_name(models: &[Model], idx: ModelIdx) -> &str {
    models.get(idx).map_or("", |m| m.name.as_str())
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| f.to_lowercase().chain(c).collect())
}

fn many_to_many(
    ctx: &mut Ctx<'_>,
    models: &[Model],
    s: &Side,
    t: &Side,
    joins: &mut Vec<JoinTable>,
) -> Option<RelationKind> {
    for m in [s.model, t.model] {
        if models.get(m).is_some_and(|m| m.id.len() != 1) {
            ctx.diags.error(
                s.span,
                format!("implicit many-to-many relations need a single-field id on `{}`", model_name(models, m)),
                "give the model a single `@id` field, or model the join table explicitly",
            );
            return None;
        }
    }
    let (sn, tn) = (model_name(models, s.model), model_name(models, t.model));
    let field_name = |x: &Side| models.get(x.model).and_then(|m| m.fields.get(x.field)).map_or("", |f| f.name.as_str());
    // Which side is "A": the model whose name sorts first; for a self-relation the field that does.
    let s_is_a = if s.model == t.model { field_name(s) <= field_name(t) } else { sn <= tn };
    let (a, b) = if s_is_a { (s.model, t.model) } else { (t.model, s.model) };
    let name = match &s.name {
        Some(n) => format!("_{n}"),
        None => format!("_{}To{}", model_name(models, a), model_name(models, b)),
    };
    let join = match joins.iter().position(|j| j.name == name) {
        Some(j) => j,
        None => {
            joins.push(JoinTable { name, a, b });
            joins.len() - 1
        }
    };
    let (column, other_column) = if s_is_a { ("A", "B") } else { ("B", "A") };
    Some(RelationKind::ManyToMany { join, column: column.into(), other_column: other_column.into() })
}

fn read_side(
    ctx: &mut Ctx<'_>,
    models: &[Model],
    model: ModelIdx,
    field: FieldIdx,
    target: ModelIdx,
    list: bool,
    decl: &FieldDecl,
) -> Option<Side> {
    let mut side = Side {
        model,
        field,
        target,
        name: None,
        list,
        fk: None,
        on_delete: RefAction::default(),
        on_update: RefAction::default(),
        span: decl.ty.name.span,
    };
    let Some(a) = decl.attrs.iter().find(|a| a.name == "relation") else {
        return Some(side);
    };
    if let Some(n) = a.arg(0, "name") {
        match n.as_str() {
            Some(s) => side.name = Some(s.to_owned()),
            None => ctx.diags.error(n.span, "relation name must be a string", "write `@relation(\"name\")`"),
        }
    }
    let fields = a.named("fields");
    let references = a.named("references");
    match (fields, references) {
        (None, None) => {}
        (Some(f), Some(r)) => {
            let own = names_of(ctx, f)?;
            let refs = names_of(ctx, r)?;
            if own.len() != refs.len() {
                ctx.diags.error(
                    a.span,
                    "`fields` and `references` have different lengths",
                    "list one referenced field per foreign key field",
                );
                return None;
            }
            let this = models.get(model)?;
            let other = models.get(target)?;
            let own: Option<Vec<_>> = own.iter().map(|(n, sp)| scalar_field_ref(ctx, this, n, *sp)).collect();
            let refs: Option<Vec<_>> = refs.iter().map(|(n, sp)| scalar_field_ref(ctx, other, n, *sp)).collect();
            side.fk = Some((own?, refs?));
        }
        _ => {
            ctx.diags.error(
                a.span,
                "`@relation` needs both `fields` and `references`",
                "write `@relation(fields: [ownerId], references: [id])`",
            );
            return None;
        }
    }
    side.on_delete = ref_action(ctx, a, "onDelete");
    side.on_update = ref_action(ctx, a, "onUpdate");
    Some(side)
}

fn names_of(ctx: &mut Ctx<'_>, e: &AExpr) -> Option<Vec<(String, Span)>> {
    let AExprKind::Array(items) = &e.unparen().kind else {
        ctx.diags.error(e.span, "expected a field list", "write e.g. `[ownerId]`");
        return None;
    };
    let mut out = Vec::new();
    for i in items {
        match i.as_ref_name() {
            Some(n) => out.push((n.to_owned(), i.span)),
            None => {
                ctx.diags.error(i.span, "expected a field name", "write e.g. `[ownerId]`");
                return None;
            }
        }
    }
    if out.is_empty() {
        ctx.diags.error(e.span, "the field list is empty", "name at least one field");
        return None;
    }
    Some(out)
}

fn ref_action(ctx: &mut Ctx<'_>, a: &AttrApp, key: &str) -> RefAction {
    let Some(v) = a.named(key) else {
        return RefAction::default();
    };
    match v.as_ref_name() {
        Some("Cascade") => RefAction::Cascade,
        Some("Restrict") => RefAction::Restrict,
        Some("NoAction") => RefAction::NoAction,
        Some("SetNull") => RefAction::SetNull,
        Some("SetDefault") => RefAction::SetDefault,
        _ => {
            ctx.diags.error(
                v.span,
                format!("invalid `{key}` action"),
                "use one of `Cascade`, `Restrict`, `NoAction`, `SetNull`, `SetDefault`",
            );
            RefAction::default()
        }
    }
}
