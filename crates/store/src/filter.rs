//! Prisma-style `where` filters rendered to SQL, with the rules of every model they reach.
//!
//! Scalar filters read columns through their field-level read rules (an unreadable value is NULL to
//! a filter too, so filters cannot probe hidden values). Relation filters (`some`/`every`/`none`,
//! `is`/`isNot`) only see related rows the caller may read.

use policy::SqlWriter;
use policy::ir::{FieldIdx, FieldKind, ModelIdx, ScalarType};
use policy::relation_sql::related_from;
use policy::{Dialect, Operation, SqlValue};
use serde_json::{Map, Value};

use crate::ctx::Ctx;
use crate::error::{Result, StoreError};
use crate::value::{scalar_of, scalar_to_sql, to_sql};

/// Writes the boolean SQL for `filter` (a `where` object, or `null` for none) on `model` at `alias`.
pub fn render_where(
    ctx: &Ctx<'_>,
    w: &mut SqlWriter,
    model: ModelIdx,
    alias: &str,
    filter: Option<&Value>,
) -> Result<()> {
    match filter {
        None | Some(Value::Null) => {
            w.push("1 = 1");
            Ok(())
        }
        Some(Value::Object(obj)) => render_object(ctx, w, model, alias, obj),
        Some(_) => Err(StoreError::invalid("`where` must be an object")),
    }
}

fn render_object(
    ctx: &Ctx<'_>,
    w: &mut SqlWriter,
    model: ModelIdx,
    alias: &str,
    obj: &Map<String, Value>,
) -> Result<()> {
    if obj.is_empty() {
        w.push("1 = 1");
        return Ok(());
    }
    w.push("(");
    for (i, (key, value)) in obj.iter().enumerate() {
        if i > 0 {
            w.push(" AND ");
        }
        render_entry(ctx, w, model, alias, key, value)?;
    }
    w.push(")");
    Ok(())
}

fn each_filter(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

fn render_entry(
    ctx: &Ctx<'_>,
    w: &mut SqlWriter,
    model: ModelIdx,
    alias: &str,
    key: &str,
    value: &Value,
) -> Result<()> {
    match key {
        "AND" => join_filters(ctx, w, model, alias, &each_filter(value), " AND ", "1 = 1"),
        "OR" => {
            let Value::Array(items) = value else {
                return Err(StoreError::invalid("`OR` expects an array of filters"));
            };
            join_filters(ctx, w, model, alias, &items.iter().collect::<Vec<_>>(), " OR ", "1 = 0")
        }
        "NOT" => {
            // NOT [a, b] = NOT a AND NOT b (Prisma).
            w.push("(");
            for (i, f) in each_filter(value).into_iter().enumerate() {
                if i > 0 {
                    w.push(" AND ");
                }
                w.push("NOT ");
                render_where(ctx, w, model, alias, Some(f))?;
            }
            if value.as_array().is_some_and(Vec::is_empty) {
                w.push("1 = 1");
            }
            w.push(")");
            Ok(())
        }
        _ => {
            let m = ctx.model(model);
            let Some(fi) = m.field_index(key) else {
                return compound_key(ctx, w, model, alias, key, value);
            };
            match &m.fields[fi].kind {
                FieldKind::Relation(_) => relation_filter(ctx, w, model, alias, fi, value),
                _ => scalar_filter(ctx, w, model, alias, fi, value),
            }
        }
    }
}

fn join_filters(
    ctx: &Ctx<'_>,
    w: &mut SqlWriter,
    model: ModelIdx,
    alias: &str,
    items: &[&Value],
    sep: &str,
    empty: &str,
) -> Result<()> {
    if items.is_empty() {
        w.push(empty);
        return Ok(());
    }
    w.push("(");
    for (i, f) in items.iter().enumerate() {
        if i > 0 {
            w.push(sep);
        }
        render_where(ctx, w, model, alias, Some(f))?;
    }
    w.push(")");
    Ok(())
}

/// `a_b: { a: 1, b: 2 }` — a compound unique key.
fn compound_key(
    ctx: &Ctx<'_>,
    w: &mut SqlWriter,
    model: ModelIdx,
    alias: &str,
    key: &str,
    value: &Value,
) -> Result<()> {
    let m = ctx.model(model);
    let is_key = m.uniques.iter().chain(std::iter::once(&m.id)).any(|cols| {
        cols.len() > 1 && cols.iter().map(|f| m.fields[*f].name.as_str()).collect::<Vec<_>>().join("_") == key
    });
    match value {
        Value::Object(obj) if is_key => render_object(ctx, w, model, alias, obj),
        _ => Err(StoreError::invalid(format!("unknown field `{key}` on model `{}`", m.name))),
    }
}

/// The SQL expression for reading a column, through its field-level read rule.
pub fn column_expr(ctx: &Ctx<'_>, w: &mut SqlWriter, model: ModelIdx, alias: &str, field: FieldIdx) {
    let f = &ctx.model(model).fields[field];
    let guard = ctx.field_guard(model, field, Operation::Read);
    if guard.is_true() {
        w.column(alias, &f.column);
        return;
    }
    if guard.is_false() {
        w.push("NULL");
        return;
    }
    w.push("(CASE WHEN ");
    guard.render(w, alias);
    w.push(" THEN ").column(alias, &f.column).push(" END)");
}

fn scalar_filter(
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

fn relation_filter(
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

/// Whether `filter` pins down at most one row: it sets the id or a unique constraint by equality.
pub fn is_unique_filter(ctx: &Ctx<'_>, model: ModelIdx, filter: &Value) -> bool {
    let Value::Object(obj) = filter else { return false };
    let m = ctx.model(model);
    let pinned = |f: &FieldIdx| {
        let name = &m.fields[*f].name;
        obj.get(name).is_some_and(|v| !v.is_object() || v.get("equals").is_some())
    };
    let compound = |cols: &Vec<FieldIdx>| {
        let key = cols.iter().map(|f| m.fields[*f].name.as_str()).collect::<Vec<_>>().join("_");
        obj.get(&key).is_some_and(Value::is_object)
    };
    std::iter::once(&m.id)
        .chain(m.uniques.iter())
        .any(|cols| cols.iter().all(pinned) || (cols.len() > 1 && compound(cols)))
}

/// The SQL that pins one row by its id values (JSON keyed by field name) at `alias`.
pub fn render_id_match(
    ctx: &Ctx<'_>,
    w: &mut SqlWriter,
    model: ModelIdx,
    alias: &str,
    ids: &Map<String, Value>,
) -> Result<()> {
    let m = ctx.model(model);
    w.push("(");
    for (i, f) in m.id.iter().enumerate() {
        if i > 0 {
            w.push(" AND ");
        }
        let field = &m.fields[*f];
        let v = ids.get(&field.name).unwrap_or(&Value::Null);
        w.column(alias, &field.column).push(" = ").param(to_sql(ctx.schema, field, v)?);
    }
    w.push(")");
    Ok(())
}

/// As [`render_id_match`] with bare column names (for `UPDATE`/`DELETE … WHERE`).
pub fn render_id_match_unqualified(
    ctx: &Ctx<'_>,
    w: &mut SqlWriter,
    model: ModelIdx,
    ids: &Map<String, Value>,
) -> Result<()> {
    let m = ctx.model(model);
    w.push("(");
    for (i, f) in m.id.iter().enumerate() {
        if i > 0 {
            w.push(" AND ");
        }
        let field = &m.fields[*f];
        let v = ids.get(&field.name).unwrap_or(&Value::Null);
        w.ident(&field.column).push(" = ").param(to_sql(ctx.schema, field, v)?);
    }
    w.push(")");
    Ok(())
}
