//! Scalar filters: `equals`, `not`, `in`, comparisons, string and list filters, on columns read
//! through their field-level read rules.

use policy::SqlWriter;
use policy::ir::{FieldIdx, ModelIdx, ScalarType};
use policy::{Dialect, SqlValue};
use serde_json::Value;

use super::column_expr;
use crate::ctx::Ctx;
use crate::error::{Result, StoreError};
use crate::value::{scalar_of, scalar_to_sql, to_sql};

pub(super) fn scalar_filter(
    ctx: &Ctx<'_>,
    w: &mut SqlWriter,
    model: ModelIdx,
    alias: &str,
    fi: FieldIdx,
    value: &Value,
) -> Result<()> {
    let field = &ctx.model(model).fields[fi];
    let ops = match value {
        Value::Object(ops)
            if scalar_of(field) != ScalarType::Json || ops.keys().all(|k| FILTER_OPS.contains(&k.as_str())) =>
        {
            ops
        }
        other => {
            return compare(ctx, w, model, alias, fi, "=", other);
        }
    };
    let insensitive = match ops.get("mode") {
        None => false,
        Some(Value::String(m)) if m == "insensitive" => true,
        Some(Value::String(m)) if m == "default" => false,
        Some(_) => return Err(StoreError::invalid("`mode` must be \"default\" or \"insensitive\"")),
    };
    // `mode: insensitive` also folds case for equality and membership on text columns (as in
    // Prisma): LOWER on both sides.
    let fold = insensitive && !field.list && scalar_of(field) == ScalarType::String;
    let mut first = true;
    w.push("(");
    for (op, arg) in ops {
        if op == "mode" {
            continue;
        }
        if !first {
            w.push(" AND ");
        }
        first = false;
        match op.as_str() {
            "equals" | "not" | "in" | "notIn" if fold && folds(arg) => {
                let negated = matches!(op.as_str(), "not" | "notIn");
                let items = match arg {
                    Value::Array(items) => items.as_slice(),
                    one => std::slice::from_ref(one),
                };
                if items.is_empty() {
                    w.push(if negated { "1 = 1" } else { "1 = 0" });
                    continue;
                }
                w.push("(LOWER(");
                column_expr(ctx, w, model, alias, fi);
                w.push(if negated { ") NOT IN (" } else { ") IN (" });
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        w.push(", ");
                    }
                    w.push("LOWER(").param(scalar_to_sql(ctx.schema, field, ScalarType::String, item)?).push(")");
                }
                w.push("))");
            }
            "equals" => compare(ctx, w, model, alias, fi, "=", arg)?,
            "not" => match arg {
                Value::Object(_) => {
                    w.push("NOT ");
                    scalar_filter(ctx, w, model, alias, fi, arg)?;
                }
                _ => compare(ctx, w, model, alias, fi, "<>", arg)?,
            },
            "lt" => compare(ctx, w, model, alias, fi, "<", arg)?,
            "lte" => compare(ctx, w, model, alias, fi, "<=", arg)?,
            "gt" => compare(ctx, w, model, alias, fi, ">", arg)?,
            "gte" => compare(ctx, w, model, alias, fi, ">=", arg)?,
            "in" | "notIn" => {
                let Value::Array(items) = arg else {
                    return Err(StoreError::invalid(format!("`{op}` expects an array (field `{}`)", field.name)));
                };
                if items.is_empty() {
                    w.push(if op == "in" { "1 = 0" } else { "1 = 1" });
                    continue;
                }
                w.push("(");
                column_expr(ctx, w, model, alias, fi);
                w.push(if op == "in" { " IN (" } else { " NOT IN (" });
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        w.push(", ");
                    }
                    w.param(scalar_to_sql(ctx.schema, field, scalar_of(field), item)?);
                }
                w.push("))");
            }
            "contains" | "startsWith" | "endsWith" => {
                let Value::String(s) = arg else {
                    return Err(StoreError::invalid(format!("`{op}` expects a string (field `{}`)", field.name)));
                };
                if s.is_empty() {
                    column_expr(ctx, w, model, alias, fi);
                    w.push(" IS NOT NULL");
                    continue;
                }
                let escaped = s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                let pattern = match op.as_str() {
                    "contains" => format!("%{escaped}%"),
                    "startsWith" => format!("{escaped}%"),
                    _ => format!("%{escaped}"),
                };
                if insensitive {
                    w.push("LOWER(");
                    column_expr(ctx, w, model, alias, fi);
                    w.push(") LIKE LOWER(").param(SqlValue::Text(pattern)).push(") ESCAPE '\\'");
                } else if ctx.dialect == Dialect::Sqlite {
                    // SQLite's LIKE ignores ASCII case: compare exactly with instr/substr instead.
                    let needle = SqlValue::Text(s.clone());
                    match op.as_str() {
                        "contains" => {
                            w.push("instr(");
                            column_expr(ctx, w, model, alias, fi);
                            w.push(", ").param(needle).push(") > 0");
                        }
                        "startsWith" => {
                            w.push("substr(");
                            column_expr(ctx, w, model, alias, fi);
                            w.push(&format!(", 1, {}) = ", s.chars().count())).param(needle);
                        }
                        _ => {
                            w.push("substr(");
                            column_expr(ctx, w, model, alias, fi);
                            w.push(&format!(", -{}) = ", s.chars().count().max(1))).param(needle);
                        }
                    }
                } else {
                    column_expr(ctx, w, model, alias, fi);
                    w.push(" LIKE ").param(SqlValue::Text(pattern)).push(" ESCAPE '\\'");
                }
            }
            "has" | "hasSome" | "hasEvery" | "isEmpty" => list_filter(ctx, w, model, alias, fi, op, arg)?,
            other => {
                return Err(StoreError::invalid(format!("unknown filter `{other}` on field `{}`", field.name)));
            }
        }
    }
    if first {
        w.push("1 = 1");
    }
    w.push(")");
    Ok(())
}

const FILTER_OPS: &[&str] = &[
    "equals",
    "not",
    "lt",
    "lte",
    "gt",
    "gte",
    "in",
    "notIn",
    "contains",
    "startsWith",
    "endsWith",
    "mode",
    "has",
    "hasSome",
    "hasEvery",
    "isEmpty",
];

/// Whether a case-insensitive equality or membership applies to `arg`: text, or a list of texts
/// (NULL keeps its IS NULL meaning).
fn folds(arg: &Value) -> bool {
    match arg {
        Value::String(_) => true,
        Value::Array(items) => items.iter().all(Value::is_string),
        _ => false,
    }
}

fn compare(
    ctx: &Ctx<'_>,
    w: &mut SqlWriter,
    model: ModelIdx,
    alias: &str,
    fi: FieldIdx,
    op: &str,
    arg: &Value,
) -> Result<()> {
    let field = &ctx.model(model).fields[fi];
    if arg.is_null() {
        column_expr(ctx, w, model, alias, fi);
        w.push(if op == "=" { " IS NULL" } else { " IS NOT NULL" });
        return Ok(());
    }
    let value = to_sql(ctx.schema, field, arg)?;
    if field.list && ctx.dialect == Dialect::Sqlite {
        // JSON text: compare canonical JSON.
        w.push("json(");
        column_expr(ctx, w, model, alias, fi);
        w.push(&format!(") {op} json(")).param(value).push(")");
        return Ok(());
    }
    column_expr(ctx, w, model, alias, fi);
    w.push(&format!(" {op} ")).param(value);
    Ok(())
}

fn list_filter(
    ctx: &Ctx<'_>,
    w: &mut SqlWriter,
    model: ModelIdx,
    alias: &str,
    fi: FieldIdx,
    op: &str,
    arg: &Value,
) -> Result<()> {
    let field = &ctx.model(model).fields[fi];
    if !field.list {
        return Err(StoreError::invalid(format!("`{op}` applies to list fields only (field `{}`)", field.name)));
    }
    let elem = |v: &Value| scalar_to_sql(ctx.schema, field, scalar_of(field), v);
    match (ctx.dialect, op) {
        (_, "isEmpty") => {
            let want = arg.as_bool().ok_or_else(|| StoreError::invalid("`isEmpty` expects true or false"))?;
            w.push("(");
            match ctx.dialect {
                Dialect::Sqlite => {
                    w.push("json_array_length(");
                    column_expr(ctx, w, model, alias, fi);
                    w.push(")");
                }
                Dialect::Postgres => {
                    w.push("cardinality(");
                    column_expr(ctx, w, model, alias, fi);
                    w.push(")");
                }
            }
            w.push(if want { " = 0)" } else { " > 0)" });
        }
        (Dialect::Sqlite, "has") => {
            w.push("EXISTS (SELECT 1 FROM json_each(");
            column_expr(ctx, w, model, alias, fi);
            w.push(") WHERE value = ").param(elem(arg)?).push(")");
        }
        (Dialect::Postgres, "has") => {
            w.param(elem(arg)?).push(" = ANY(");
            column_expr(ctx, w, model, alias, fi);
            w.push(")");
        }
        (_, "hasSome" | "hasEvery") => {
            let Value::Array(items) = arg else {
                return Err(StoreError::invalid(format!("`{op}` expects an array")));
            };
            if items.is_empty() {
                w.push(if op == "hasSome" { "1 = 0" } else { "1 = 1" });
                return Ok(());
            }
            let joiner = if op == "hasSome" { " OR " } else { " AND " };
            w.push("(");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    w.push(joiner);
                }
                list_filter(ctx, w, model, alias, fi, "has", item)?;
            }
            w.push(")");
        }
        _ => return Err(StoreError::invalid(format!("unknown list filter `{op}`"))),
    }
    Ok(())
}
