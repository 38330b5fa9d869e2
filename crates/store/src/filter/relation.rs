//! Relation filters: `some`/`every`/`none` on to-many relations, `is`/`isNot` on to-one, each
//! seeing only the related rows the caller may read.

use policy::Operation;
use policy::SqlWriter;
use policy::ir::{FieldIdx, ModelIdx};
use policy::relation_sql::related_from;
use serde_json::Value;

use super::render_where;
use crate::ctx::Ctx;
use crate::error::{Result, StoreError};

pub(super) fn relation_filter(
    ctx: &Ctx<'_>,
    w: &mut SqlWriter,
    model: ModelIdx,
    alias: &str,
    fi: FieldIdx,
    value: &Value,
) -> Result<()> {
    let field = &ctx.model(model).fields[fi];
    let Some(rel) = field.relation() else {
        return Err(StoreError::invalid("not a relation"));
    };
    let target = rel.target;
    if field.list {
        let Value::Object(ops) = value else {
            return Err(StoreError::invalid(format!(
                "relation filter on `{}` expects {{some|every|none: …}}",
                field.name
            )));
        };
        w.push("(");
        for (i, (op, arg)) in ops.iter().enumerate() {
            if i > 0 {
                w.push(" AND ");
            }
            match op.as_str() {
                "some" => exists(ctx, w, model, alias, fi, target, Some(arg), false, false)?,
                "none" => exists(ctx, w, model, alias, fi, target, Some(arg), true, false)?,
                "every" => exists(ctx, w, model, alias, fi, target, Some(arg), true, true)?,
                other => {
                    return Err(StoreError::invalid(format!("unknown relation filter `{other}` on `{}`", field.name)));
                }
            }
        }
        if ops.is_empty() {
            w.push("1 = 1");
        }
        w.push(")");
        return Ok(());
    }
    // To-one: `{is: …}`, `{isNot: …}`, `null`, or a filter on the related row directly.
    match value {
        Value::Null => exists(ctx, w, model, alias, fi, target, None, true, false),
        Value::Object(ops) if ops.keys().any(|k| k == "is" || k == "isNot") => {
            w.push("(");
            for (i, (op, arg)) in ops.iter().enumerate() {
                if i > 0 {
                    w.push(" AND ");
                }
                match (op.as_str(), arg) {
                    ("is", Value::Null) => exists(ctx, w, model, alias, fi, target, None, true, false)?,
                    ("isNot", Value::Null) => exists(ctx, w, model, alias, fi, target, None, false, false)?,
                    ("is", f) => exists(ctx, w, model, alias, fi, target, Some(f), false, false)?,
                    ("isNot", f) => exists(ctx, w, model, alias, fi, target, Some(f), true, false)?,
                    (other, _) => {
                        return Err(StoreError::invalid(format!(
                            "unknown relation filter `{other}` on `{}`",
                            field.name
                        )));
                    }
                }
            }
            w.push(")");
            Ok(())
        }
        Value::Object(_) => exists(ctx, w, model, alias, fi, target, Some(value), false, false),
        _ => Err(StoreError::invalid(format!("relation filter on `{}` expects an object", field.name))),
    }
}

/// For a relation whose foreign key this row holds, appends ` AND <read rule>` of each FK field
/// that has a field-level read rule: an unreadable foreign key hides the relation too.
pub fn fk_read_guard(ctx: &Ctx<'_>, w: &mut SqlWriter, model: ModelIdx, fi: FieldIdx, outer: &str) {
    let m = ctx.model(model);
    let Some(policy::ir::RelationKind::Owned { fields, .. }) = m.fields[fi].relation().map(|r| &r.kind) else {
        return;
    };
    for f in fields {
        let guard = ctx.field_guard(model, *f, Operation::Read);
        if !guard.is_true() {
            w.push(" AND ");
            guard.render(w, outer);
        }
    }
}

/// `[NOT] EXISTS (SELECT 1 FROM related WHERE join AND readable AND [NOT] (filter) …)`.
/// `every` = NOT EXISTS a readable related row for which the filter is not TRUE.
#[expect(clippy::too_many_arguments, reason = "internal helper; the flags read clearly at call sites")]
fn exists(
    ctx: &Ctx<'_>,
    w: &mut SqlWriter,
    model: ModelIdx,
    alias: &str,
    fi: FieldIdx,
    target: ModelIdx,
    filter: Option<&Value>,
    negate: bool,
    invert_filter: bool,
) -> Result<()> {
    w.push(if negate { "NOT EXISTS (SELECT 1 " } else { "EXISTS (SELECT 1 " });
    let inner = related_from(w, ctx.schema, model, fi, alias);
    w.push(" AND ");
    ctx.guard(target, Operation::Read).render(w, &inner);
    fk_read_guard(ctx, w, model, fi, alias);
    if let Some(f) = filter {
        w.push(if invert_filter { " AND (" } else { " AND " });
        render_where(ctx, w, target, &inner, Some(f))?;
        if invert_filter {
            w.push(") IS NOT TRUE");
        }
    }
    w.push(")");
    Ok(())
}
