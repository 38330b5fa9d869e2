//! Prisma-style `where` filters rendered to SQL, with the rules of every model they reach.
//!
//! Scalar filters read columns through their field-level read rules (an unreadable value is NULL to
//! a filter too, so filters cannot probe hidden values). Relation filters (`some`/`every`/`none`,
//! `is`/`isNot`) only see related rows the caller may read.
mod relation;
mod scalar;

pub use relation::fk_read_guard;

use policy::Operation;
use policy::SqlWriter;
use policy::ir::{FieldIdx, FieldKind, ModelIdx};
use serde_json::{Map, Value};

use crate::ctx::Ctx;
use crate::error::{Result, StoreError};
use crate::value::to_sql;
use relation::relation_filter;
use scalar::scalar_filter;

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
