//! Symbols (enums, models, types, the datasource) and inheritance: `abstract model` + `extends` (v2)
//! and `type` + `with` (v3) are flattened into each concrete model, base fields first.

use std::collections::HashMap;

use super::{Ctx, names};
use crate::ast::{AttrApp, Decl, FieldDecl, ModelDecl, ModelKind, SchemaAst};
use crate::ir::{Enum, Provider};

/// A model or type with everything it inherits, in order: bases' fields, mixins' fields, own fields.
#[derive(Debug, Clone)]
pub(crate) struct Merged<'a> {
    pub decl: &'a ModelDecl,
    /// Each field and the name of the model/type that declares it.
    pub fields: Vec<(&'a FieldDecl, &'a str)>,
    /// Model-level attributes and the name of the declaring model/type. Inherited ones exclude
    /// `@@map` and `@@auth`, which belong to the declaring block only.
    pub attrs: Vec<(&'a AttrApp, &'a str)>,
    /// A base or mixin could not be resolved (follow-up errors such as "no id" are suppressed).
    pub incomplete: bool,
}

/// Registers enums, models and types; returns the datasource provider if one is given.
pub(crate) fn collect<'a>(ctx: &mut Ctx<'a>, ast: &'a SchemaAst) -> Option<Provider> {
    let mut provider = None;
    let mut names_seen: HashMap<String, crate::diag::Span> = HashMap::new();
    let mut dup = |ctx: &mut Ctx<'a>, name: &crate::ast::Ident| -> bool {
        if let Some(prev) = names_seen.get(&name.name) {
            ctx.diags.error(
                name.span,
                format!("duplicate declaration `{}`", name.name),
                format!("`{}` is already declared at {}:{}; rename one of them", name.name, prev.line, prev.col),
            );
            true
        } else {
            names_seen.insert(name.name.clone(), name.span);
            false
        }
    };
    for d in &ast.decls {
        match d {
            Decl::Datasource(ds) => {
                let Some((p, span)) = &ds.provider else {
                    continue;
                };
                provider = match p.as_str() {
                    "sqlite" => Some(Provider::Sqlite),
                    "postgresql" | "postgres" => Some(Provider::Postgresql),
                    _ => {
                        ctx.diags.error(
                            *span,
                            format!("unsupported provider `{p}`"),
                            "use \"sqlite\" or \"postgresql\"",
                        );
                        None
                    }
                };
            }
            Decl::Enum(e) => {
                if dup(ctx, &e.name) {
                    continue;
                }
                let mut values: Vec<String> = Vec::new();
                for v in &e.values {
                    if values.contains(&v.name) {
                        ctx.diags.error(
                            v.span,
                            format!("duplicate value `{}` in enum `{}`", v.name, e.name.name),
                            "remove one of them",
                        );
                    } else {
                        values.push(v.name.clone());
                    }
                }
                ctx.enum_idx.insert(e.name.name.clone(), ctx.enums.len());
                ctx.enums.push(Enum { name: e.name.name.clone(), values, span: e.span });
            }
            Decl::Model(m) => {
                if dup(ctx, &m.name) {
                    continue;
                }
                ctx.decls.insert(m.name.name.clone(), m);
                if m.kind == ModelKind::Model {
                    ctx.model_idx.insert(m.name.name.clone(), ctx.concrete.len());
                    ctx.concrete.push(m);
                }
            }
        }
    }
    provider
}

/// Flattens every model and type; the first `ctx.concrete.len()` entries are the concrete models in
/// `ModelIdx` order, followed by abstract models and types (used for auth shapes).
pub(crate) fn merge_all<'a>(ctx: &mut Ctx<'a>) -> Vec<Merged<'a>> {
    let mut out: Vec<Merged<'a>> = Vec::new();
    let concrete = ctx.concrete.clone();
    for m in concrete {
        let mut stack = Vec::new();
        out.push(merge(ctx, m, &mut stack));
    }
    let mut others: Vec<&'a ModelDecl> = ctx.decls.values().copied().filter(|d| d.kind != ModelKind::Model).collect();
    others.sort_by_key(|d| d.span.start);
    for d in others {
        let mut stack = Vec::new();
        out.push(merge(ctx, d, &mut stack));
    }
    out
}

fn merge<'a>(ctx: &mut Ctx<'a>, decl: &'a ModelDecl, stack: &mut Vec<String>) -> Merged<'a> {
    let mut merged = Merged { decl, fields: Vec::new(), attrs: Vec::new(), incomplete: false };
    if stack.len() > 32 || stack.contains(&decl.name.name) {
        ctx.diags.error(
            decl.name.span,
            format!("`{}` inherits from itself", decl.name.name),
            "remove the cycle in `extends` / `with`",
        );
        merged.incomplete = true;
        return merged;
    }
    stack.push(decl.name.name.clone());
    let parents = decl.extends.iter().map(|i| (i, true)).chain(decl.mixins.iter().map(|i| (i, false)));
    for (parent, is_extends) in parents {
        let Some(&base) = ctx.decls.get(&parent.name) else {
            let cands: Vec<&str> = ctx
                .decls
                .values()
                .filter(|d| if is_extends { d.kind == ModelKind::Abstract } else { d.kind == ModelKind::Type })
                .map(|d| d.name.name.as_str())
                .collect();
            let what = if is_extends { "abstract model" } else { "type" };
            let hint = names::did_you_mean(&parent.name, cands, || format!("declare `{what} {} {{ … }}`", parent.name));
            ctx.diags.error(parent.span, format!("unknown {what} `{}`", parent.name), hint);
            merged.incomplete = true;
            continue;
        };
        let ok = if is_extends { base.kind == ModelKind::Abstract } else { base.kind == ModelKind::Type };
        if !ok {
            let msg = if is_extends {
                format!("`{}` is not an abstract model and cannot be extended", parent.name)
            } else {
                format!("`{}` is not a `type` and cannot be mixed in with `with`", parent.name)
            };
            let hint = if is_extends {
                format!("declare it as `abstract model {}`, or use `type` + `with`", parent.name)
            } else {
                format!("declare it as `type {} {{ … }}`", parent.name)
            };
            ctx.diags.error(parent.span, msg, hint);
            merged.incomplete = true;
            continue;
        }
        let inner = merge(ctx, base, stack);
        merged.incomplete |= inner.incomplete;
        merged.fields.extend(inner.fields);
        merged.attrs.extend(inner.attrs.into_iter().filter(|(a, _)| a.name != "map" && a.name != "auth"));
    }
    stack.pop();
    let own = decl.name.name.as_str();
    merged.fields.extend(decl.fields.iter().map(|f| (f, own)));
    merged.attrs.extend(decl.attrs.iter().map(|a| (a, own)));
    merged
}
