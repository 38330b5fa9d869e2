//! `select` / `include` / `omit` / `_count`: the JSON object each result row is built as, in SQL.
//!
//! Rows come back as one JSON document per row (`json_object` on SQLite, `json_build_object` on
//! PostgreSQL), with included relations as nested subqueries filtered by the related model's read
//! rule. A [`Shape`] remembers what was selected so rows can be decoded into
//! their output form ([`crate::decode`]).

use policy::ir::{Field, FieldIdx, FieldKind, ModelIdx, ScalarType};
use policy::relation_sql::related_from_as;
use policy::{Dialect, Operation, SqlWriter};
use serde_json::{Map, Value};

use crate::ctx::Ctx;
use crate::error::{Result, StoreError};
use crate::filter::{column_expr, render_where};
use crate::read::{FindArgs, render_order_and_page};

/// What a result object holds, in output order.
#[derive(Debug, Clone)]
pub struct Shape {
    pub model: ModelIdx,
    pub entries: Vec<(String, Entry)>,
}

#[derive(Debug, Clone)]
pub enum Entry {
    Scalar(FieldIdx),
    One(Box<Shape>),
    Many(Box<Shape>),
    Count(Vec<String>),
}

/// What to select for one object: parsed from `select`/`include`/`omit`.
enum Item<'v> {
    Scalar(FieldIdx),
    Relation(FieldIdx, Option<&'v Map<String, Value>>),
    Count(Vec<(FieldIdx, Option<&'v Value>)>),
}

fn parse_items<'v>(ctx: &Ctx<'_>, model: ModelIdx, args: &'v Map<String, Value>) -> Result<Vec<Item<'v>>> {
    let m = ctx.model(model);
    let select = args.get("select").filter(|v| !v.is_null());
    let include = args.get("include").filter(|v| !v.is_null());
    if select.is_some() && include.is_some() {
        return Err(StoreError::invalid("use either `select` or `include`, not both"));
    }
    let omit = match args.get("omit") {
        None | Some(Value::Null) => None,
        Some(Value::Object(o)) => Some(o),
        Some(_) => return Err(StoreError::invalid("`omit` must be an object")),
    };
    let mut items = Vec::new();
    let (explicit, with_defaults) = match (select, include) {
        (Some(Value::Object(s)), _) => (Some(s), false),
        (_, Some(Value::Object(i))) => (Some(i), true),
        (Some(_), _) | (_, Some(_)) => return Err(StoreError::invalid("`select`/`include` must be an object")),
        (None, None) => (None, true),
    };
    if with_defaults {
        for (i, f) in m.fields.iter().enumerate() {
            if !f.is_column() {
                continue;
            }
            let omitted = match omit.and_then(|o| o.get(&f.name)) {
                Some(Value::Bool(b)) => *b,
                Some(_) => return Err(StoreError::invalid("`omit` values must be booleans")),
                None => f.omit,
            };
            if !omitted {
                items.push(Item::Scalar(i));
            }
        }
    }
    if let Some(map) = explicit {
        for (key, val) in map {
            if key == "_count" {
                items.push(Item::Count(parse_count(ctx, model, val)?));
                continue;
            }
            let fi = m
                .field_index(key)
                .ok_or_else(|| StoreError::invalid(format!("unknown field `{key}` on model `{}`", m.name)))?;
            let on = match val {
                Value::Bool(b) => *b,
                Value::Object(_) => true,
                _ => return Err(StoreError::invalid(format!("`{key}` must be true, false or an object"))),
            };
            if !on {
                continue;
            }
            match (&m.fields[fi].kind, val) {
                (FieldKind::Relation(_), Value::Object(o)) => items.push(Item::Relation(fi, Some(o))),
                (FieldKind::Relation(_), _) => items.push(Item::Relation(fi, None)),
                (_, _) if with_defaults => {
                    return Err(StoreError::invalid(format!("`include` takes relations only, `{key}` is a scalar")));
                }
                (_, Value::Object(_)) => {
                    return Err(StoreError::invalid(format!("`{key}` is a scalar: select it with true")));
                }
                _ => items.push(Item::Scalar(fi)),
            }
        }
    }
    Ok(items)
}

fn parse_count<'v>(ctx: &Ctx<'_>, model: ModelIdx, val: &'v Value) -> Result<Vec<(FieldIdx, Option<&'v Value>)>> {
    let m = ctx.model(model);
    let to_many = |fi: &FieldIdx| m.fields[*fi].list && !m.fields[*fi].is_column();
    match val {
        Value::Bool(true) => Ok((0..m.fields.len()).filter(to_many).map(|f| (f, None)).collect()),
        Value::Object(o) => {
            let Some(Value::Object(sel)) = o.get("select") else {
                return Err(StoreError::invalid("`_count` expects true or {select: {…}}"));
            };
            let mut out = Vec::new();
            for (k, v) in sel {
                let fi = m.field_index(k).filter(to_many).ok_or_else(|| {
                    StoreError::invalid(format!("`_count` of `{k}`: not a to-many relation of `{}`", m.name))
                })?;
                match v {
                    Value::Bool(false) => {}
                    Value::Bool(true) => out.push((fi, None)),
                    Value::Object(a) => out.push((fi, a.get("where"))),
                    _ => return Err(StoreError::invalid("`_count.select` values must be true or {where}")),
                }
            }
            Ok(out)
        }
        _ => Err(StoreError::invalid("`_count` expects true or {select: {…}}")),
    }
}

/// Writes the JSON object expression for the row of `model` at `alias` per `args`.
pub fn render_object(
    ctx: &Ctx<'_>,
    w: &mut SqlWriter,
    model: ModelIdx,
    alias: &str,
    args: &Map<String, Value>,
) -> Result<Shape> {
    let items = parse_items(ctx, model, args)?;
    let mut shape = Shape { model, entries: Vec::with_capacity(items.len()) };
    // PostgreSQL caps function arguments at 100: chain jsonb objects every 40 entries. (SQLite's
    // bundled build allows 1000 arguments.)
    const CHUNK: usize = 40;
    let chunks = match ctx.dialect {
        Dialect::Sqlite => 1,
        Dialect::Postgres => items.len().div_ceil(CHUNK).max(1),
    };
    let (open, sep_close) = match ctx.dialect {
        Dialect::Sqlite => ("json_object(", ")"),
        Dialect::Postgres if chunks == 1 => ("json_build_object(", ")"),
        Dialect::Postgres => ("jsonb_build_object(", ")"),
    };
    if chunks > 1 {
        w.push("(");
    }
    w.push(open);
    let m = ctx.model(model);
    for (i, item) in items.iter().enumerate() {
        if i > 0 && i % CHUNK == 0 && chunks > 1 {
            w.push(sep_close).push(" || ").push(open);
        } else if i > 0 {
            w.push(", ");
        }
        match item {
            Item::Scalar(fi) => {
                let f = &m.fields[*fi];
                w.push("'").push(&f.name).push("', ");
                scalar_json(ctx, w, model, alias, *fi);
                shape.entries.push((f.name.clone(), Entry::Scalar(*fi)));
            }
            Item::Relation(fi, rel_args) => {
                let f = &m.fields[*fi];
                w.push("'").push(&f.name).push("', ");
                let empty = Map::new();
                let sub = relation_json(ctx, w, model, alias, *fi, rel_args.unwrap_or(&empty))?;
                let entry = if f.list { Entry::Many(Box::new(sub)) } else { Entry::One(Box::new(sub)) };
                shape.entries.push((f.name.clone(), entry));
            }
            Item::Count(rels) => {
                w.push("'_count', ");
                w.push(match ctx.dialect {
                    Dialect::Sqlite => "json_object(",
                    Dialect::Postgres => "json_build_object(",
                });
                let mut names = Vec::new();
                for (j, (fi, filter)) in rels.iter().enumerate() {
                    if j > 0 {
                        w.push(", ");
                    }
                    let f = &m.fields[*fi];
                    w.push("'").push(&f.name).push("', ");
                    count_subquery(ctx, w, model, alias, *fi, *filter)?;
                    names.push(f.name.clone());
                }
                w.push(")");
                shape.entries.push(("_count".to_owned(), Entry::Count(names)));
            }
        }
    }
    w.push(sep_close);
    if ctx.dialect == Dialect::Postgres && chunks > 1 {
        w.push(")::json");
    }
    Ok(shape)
}

/// A column's value inside a JSON object.
fn scalar_json(ctx: &Ctx<'_>, w: &mut SqlWriter, model: ModelIdx, alias: &str, fi: FieldIdx) {
    let f = &ctx.model(model).fields[fi];
    column_json(w, ctx.dialect, f, |w| column_expr(ctx, w, model, alias, fi));
}

/// Writes a column's value as a JSON object member expects it: JSON text and SQLite lists through
/// `json(…)`, bytes as hex (SQLite) or base64 (PostgreSQL), anything else as is. `value` writes
/// the column itself (guarded or raw, qualified or not).
pub fn column_json(w: &mut SqlWriter, dialect: Dialect, f: &Field, value: impl Fn(&mut SqlWriter)) {
    let scalar = match f.kind {
        FieldKind::Scalar(s) => Some(s),
        _ => None,
    };
    let (open, close) = match (dialect, scalar) {
        (Dialect::Sqlite, _) if f.list || scalar == Some(ScalarType::Json) => ("json(", ")"),
        (Dialect::Sqlite, Some(ScalarType::Bytes)) => ("hex(", ")"),
        (Dialect::Postgres, Some(ScalarType::Bytes)) => ("encode(", ", 'base64')"),
        _ => ("", ""),
    };
    w.push(open);
    value(w);
    w.push(close);
}

/// `(SELECT COUNT(*) FROM related WHERE join AND readable [AND filter])`
pub fn count_subquery(
    ctx: &Ctx<'_>,
    w: &mut SqlWriter,
    model: ModelIdx,
    alias: &str,
    fi: FieldIdx,
    filter: Option<&Value>,
) -> Result<()> {
    let target = relation_target(ctx, model, fi)?;
    let inner = w.fresh_alias();
    w.push("(SELECT COUNT(*) ");
    related_from_as(w, ctx.schema, model, fi, alias, &inner);
    w.push(" AND ");
    ctx.guard(target, Operation::Read).render(w, &inner);
    if filter.is_some() {
        w.push(" AND ");
        render_where(ctx, w, target, &inner, filter)?;
    }
    w.push(")");
    Ok(())
}

pub fn relation_target(ctx: &Ctx<'_>, model: ModelIdx, fi: FieldIdx) -> Result<ModelIdx> {
    ctx.model(model).fields[fi].relation().map(|r| r.target).ok_or_else(|| StoreError::invalid("not a relation field"))
}

/// An included relation: an array (to-many) or an object or null (to-one), of readable rows only.
fn relation_json(
    ctx: &Ctx<'_>,
    w: &mut SqlWriter,
    model: ModelIdx,
    alias: &str,
    fi: FieldIdx,
    args: &Map<String, Value>,
) -> Result<Shape> {
    let target = relation_target(ctx, model, fi)?;
    let list = ctx.model(model).fields[fi].list;
    let inner = w.fresh_alias();
    let sqlite = ctx.dialect == Dialect::Sqlite;
    if !list {
        w.push(if sqlite { "json((SELECT " } else { "(SELECT " });
        let shape = render_object(ctx, w, target, &inner, args)?;
        w.push(" ");
        related_from_as(w, ctx.schema, model, fi, alias, &inner);
        w.push(" AND ");
        ctx.guard(target, Operation::Read).render(w, &inner);
        crate::filter::fk_read_guard(ctx, w, model, fi, alias);
        if let Some(f) = args.get("where").filter(|v| !v.is_null()) {
            w.push(" AND ");
            render_where(ctx, w, target, &inner, Some(f))?;
        }
        w.push(if sqlite { "))" } else { ")" });
        return Ok(shape);
    }
    let find = FindArgs::parse(args)?;
    let sub = w.fresh_alias();
    if sqlite {
        w.push("json((SELECT json_group_array(json(").push(&sub).push(".j)) FROM (SELECT ");
    } else {
        w.push("(SELECT COALESCE(json_agg(").push(&sub).push(".j), '[]'::json) FROM (SELECT ");
    }
    let shape = render_object(ctx, w, target, &inner, args)?;
    w.push(" AS j ");
    related_from_as(w, ctx.schema, model, fi, alias, &inner);
    w.push(" AND ");
    ctx.guard(target, Operation::Read).render(w, &inner);
    if find.filter.is_some() {
        w.push(" AND ");
        render_where(ctx, w, target, &inner, find.filter)?;
    }
    render_order_and_page(ctx, w, target, &inner, &find)?;
    w.push(") AS ").push(&sub).push(if sqlite { "))" } else { ")" });
    Ok(shape)
}
