//! Access rules: `@@allow` / `@@deny` (model level, own and inherited) and `@allow` / `@deny`
//! (field level), with operation lists expanded and conditions resolved.
//!
//! v2 `future()`: a model-level rule whose operations include `update` and whose condition calls
//! `future()` becomes a `post-update` rule (resolved in [`Mode::Future`]). When the rule also names
//! other operations (`all`), those keep a second copy of the rule, where `future()` means `this`.

use super::Ctx;
use super::decls::Merged;
use super::names;
use super::resolve::{Mode, Resolver};
use crate::ast::{AExpr, AExprKind, AttrApp};
use crate::ir::{Model, ModelIdx, Operation, Rule, RuleKind};

/// Resolves every rule of every concrete model.
pub(crate) fn resolve_all(ctx: &mut Ctx<'_>, merged: &[Merged<'_>], models: &mut [Model]) {
    let mut model_rules: Vec<(ModelIdx, Vec<Rule>)> = Vec::new();
    let mut field_rules: Vec<(ModelIdx, usize, Vec<Rule>)> = Vec::new();
    for (mi, m) in merged.iter().enumerate().take(models.len()) {
        let mut rules = Vec::new();
        for (a, declared_in) in &m.attrs {
            if a.name == "allow" || a.name == "deny" {
                rules.extend(model_rule(ctx, models, mi, a, declared_in));
            }
        }
        model_rules.push((mi, rules));
        for (fd, declared_in) in &m.fields {
            let Some(fi) = models.get(mi).and_then(|mm| mm.field_index(&fd.name.name)) else {
                continue;
            };
            let mut rules = Vec::new();
            for a in fd.attrs.iter().filter(|a| a.name == "allow" || a.name == "deny") {
                let is_rel = models.get(mi).and_then(|mm| mm.fields.get(fi)).is_some_and(|f| !f.is_column());
                if is_rel {
                    ctx.diags.error(
                        a.name_span,
                        "field-level rules are not allowed on relation fields",
                        "put the rule on the foreign key field, or use a model-level rule",
                    );
                    continue;
                }
                rules.extend(field_rule(ctx, models, mi, a, declared_in));
            }
            field_rules.push((mi, fi, rules));
        }
    }
    for (mi, rules) in model_rules {
        if let Some(m) = models.get_mut(mi) {
            m.rules = rules;
        }
    }
    for (mi, fi, rules) in field_rules {
        if let Some(f) = models.get_mut(mi).and_then(|m| m.fields.get_mut(fi)) {
            f.rules = rules;
        }
    }
}

/// Parses the operation list (`'create, read'`); `field_level` restricts it to read/update/all.
fn operations(ctx: &mut Ctx<'_>, a: &AttrApp, field_level: bool) -> Option<Vec<Operation>> {
    let Some(arg) = a.arg(0, "operation") else {
        ctx.diags.error(a.span, "missing operation list", "write e.g. `@@allow('read', condition)`");
        return None;
    };
    let Some(list) = arg.as_str() else {
        ctx.diags.error(arg.span, "the operation list must be a string", "write e.g. 'read' or 'create,update'");
        return None;
    };
    let allowed: &[&str] = if field_level {
        &["read", "update", "all"]
    } else {
        &["create", "read", "update", "post-update", "delete", "all"]
    };
    let mut ops = Vec::new();
    for item in list.split(',').map(str::trim) {
        if !allowed.contains(&item) {
            let hint = names::did_you_mean(item, allowed.iter().copied(), || format!("use {}", allowed.join(", ")));
            let what = if field_level { "field-level rule" } else { "rule" };
            ctx.diags.error(arg.span, format!("invalid operation `{item}` in {what}"), hint);
            return None;
        }
        let expanded: &[Operation] = match item {
            "create" => &[Operation::Create],
            "read" => &[Operation::Read],
            "update" => &[Operation::Update],
            "post-update" => &[Operation::PostUpdate],
            "delete" => &[Operation::Delete],
            _ if field_level => &[Operation::Read, Operation::Update],
            _ => &[Operation::Create, Operation::Read, Operation::Update, Operation::Delete],
        };
        ops.extend_from_slice(expanded);
    }
    ops.sort();
    ops.dedup();
    Some(ops)
}

fn condition_arg<'x>(ctx: &mut Ctx<'_>, a: &'x AttrApp) -> Option<&'x AExpr> {
    let c = a.arg(1, "condition");
    if c.is_none() {
        ctx.diags.error(
            a.span,
            "missing condition",
            format!("write e.g. `@{}{}('read', true)`", if a.model_level { "@" } else { "" }, a.name),
        );
    }
    if a.args.len() > 2 {
        ctx.diags.warning(
            a.span,
            "the third (override) argument of field-level rules is not supported and is ignored",
            "remove it; field rules always apply together with model rules",
        );
    }
    c
}

fn kind_of(a: &AttrApp) -> RuleKind {
    if a.name == "deny" { RuleKind::Deny } else { RuleKind::Allow }
}

fn mentions_future(e: &AExpr) -> bool {
    match &e.kind {
        AExprKind::Call { name, args } => name.name == "future" || args.iter().any(|a| mentions_future(&a.value)),
        AExprKind::Member { base, .. } | AExprKind::Not(base) | AExprKind::Paren(base) => mentions_future(base),
        AExprKind::Binary { lhs, rhs, .. } => mentions_future(lhs) || mentions_future(rhs),
        AExprKind::Collection { base, body, .. } => mentions_future(base) || mentions_future(body),
        AExprKind::Array(items) => items.iter().any(mentions_future),
        _ => false,
    }
}

fn model_rule(ctx: &mut Ctx<'_>, models: &[Model], model: ModelIdx, a: &AttrApp, declared_in: &str) -> Vec<Rule> {
    let ops = operations(ctx, a, false);
    let Some(cond) = condition_arg(ctx, a) else {
        return Vec::new();
    };
    let Some(ops) = ops else { return Vec::new() };
    let mut plan: Vec<(Vec<Operation>, Mode)> = Vec::new();
    if ops.contains(&Operation::Update) && mentions_future(cond) {
        let rest: Vec<Operation> =
            ops.iter().copied().filter(|o| *o != Operation::Update && *o != Operation::PostUpdate).collect();
        plan.push((vec![Operation::PostUpdate], Mode::Future));
        if !rest.is_empty() {
            plan.push((rest, Mode::FutureAsThis));
        }
    } else if ops == [Operation::PostUpdate] {
        plan.push((ops, Mode::PostUpdate));
    } else {
        plan.push((ops, Mode::Plain));
    }
    let mut out = Vec::new();
    for (ops, mode) in plan {
        let mut r = Resolver::new(ctx, models, model, mode);
        r.create = ops.contains(&Operation::Create);
        let Some(expr) = r.condition(cond) else {
            continue;
        };
        out.push(make_rule(ctx, a, ops, expr, declared_in));
    }
    out
}

fn field_rule(ctx: &mut Ctx<'_>, models: &[Model], model: ModelIdx, a: &AttrApp, declared_in: &str) -> Vec<Rule> {
    let ops = operations(ctx, a, true);
    let Some(cond) = condition_arg(ctx, a) else {
        return Vec::new();
    };
    let Some(ops) = ops else { return Vec::new() };
    let mut r = Resolver::new(ctx, models, model, Mode::Plain);
    let Some(expr) = r.condition(cond) else {
        return Vec::new();
    };
    vec![make_rule(ctx, a, ops, expr, declared_in)]
}

fn make_rule(ctx: &Ctx<'_>, a: &AttrApp, ops: Vec<Operation>, expr: crate::expr::Expr, declared_in: &str) -> Rule {
    Rule {
        kind: kind_of(a),
        ops,
        expr,
        span: a.span,
        declared_in: declared_in.to_owned(),
        source: ctx.text(a.span).to_owned(),
    }
}
