//! `count`, `aggregate` and `groupBy`, computed over the rows the caller may read, with columns
//! read through their field-level read rules.

use policy::ir::{FieldIdx, ModelIdx};
use policy::{Dialect, Operation, SqlWriter};
use serde_json::{Map, Value};

use super::FindArgs;
use super::order::{parse_direction, render_order_and_page};
use crate::ctx::Ctx;
use crate::error::{Result, StoreError};
use crate::filter::{column_expr, render_where};
use crate::value::normalize_output;

/// Named columns to count (`None` = `_all`).
type CountSelect = Vec<(String, Option<FieldIdx>)>;

/// `count`: a number, or `{_all, field…}` when `select` is given.
pub fn count_sql(
    ctx: &Ctx<'_>,
    model: ModelIdx,
    args: &Map<String, Value>,
) -> Result<(SqlWriter, Option<CountSelect>)> {
    let find = FindArgs::parse(args)?;
    let m = ctx.model(model);
    let select: Option<CountSelect> = match args.get("select") {
        None | Some(Value::Null) | Some(Value::Bool(true)) => None,
        Some(Value::Object(o)) => Some(
            o.iter()
                .filter(|(_, v)| v.as_bool() == Some(true))
                .map(|(k, _)| {
                    if k == "_all" {
                        Ok((k.clone(), None))
                    } else {
                        m.field_index(k)
                            .filter(|f| m.fields[*f].is_column())
                            .map(|f| (k.clone(), Some(f)))
                            .ok_or_else(|| StoreError::invalid(format!("unknown field `{k}` in count select")))
                    }
                })
                .collect::<Result<_>>()?,
        ),
        Some(_) => return Err(StoreError::invalid("count `select` must be an object")),
    };
    let mut w = ctx.writer();
    w.push("SELECT ");
    match &select {
        None => {
            w.push("COUNT(*)");
        }
        Some(cols) => {
            json_open(ctx, &mut w);
            for (i, (name, f)) in cols.iter().enumerate() {
                if i > 0 {
                    w.push(", ");
                }
                w.push("'").push(name).push("', ");
                match f {
                    None => w.push("COUNT(*)"),
                    Some(f) => w.push("COUNT(").ident(&format!("c{f}")).push(")"),
                };
            }
            w.push(")");
            if ctx.dialect == Dialect::Postgres {
                w.push("::text");
            }
        }
    }
    w.push(" FROM (SELECT 1 AS one");
    for (_, f) in select.iter().flatten() {
        if let Some(f) = f {
            w.push(", ");
            column_expr(ctx, &mut w, model, "t0", *f);
            w.push(" AS ").ident(&format!("c{f}"));
        }
    }
    write_filtered_from(ctx, &mut w, model, &find)?;
    w.push(") AS s");
    Ok((w, select))
}

fn json_open(ctx: &Ctx<'_>, w: &mut SqlWriter) {
    w.push(match ctx.dialect {
        Dialect::Sqlite => "json_object(",
        Dialect::Postgres => "json_build_object(",
    });
}

/// ` FROM "T" AS t0 WHERE <where> AND <read> ORDER BY … LIMIT …`
fn write_filtered_from(ctx: &Ctx<'_>, w: &mut SqlWriter, model: ModelIdx, find: &FindArgs<'_>) -> Result<()> {
    w.push(" FROM ").ident(&ctx.model(model).table).push(" AS t0 WHERE ");
    render_where(ctx, w, model, "t0", find.filter)?;
    w.push(" AND ");
    ctx.guard(model, Operation::Read).render(w, "t0");
    if find.take.is_some() || find.skip.is_some() || find.cursor.is_some() {
        render_order_and_page(ctx, w, model, "t0", find)?;
    }
    Ok(())
}

const AGGREGATES: [&str; 5] = ["_count", "_sum", "_avg", "_min", "_max"];

/// Parsed aggregate selections: (aggregate, [(field name, field or None for `_all`)]), or `_count: true`.
type AggSpec = Vec<(&'static str, Option<Vec<(String, Option<FieldIdx>)>>)>;

fn parse_aggregates(ctx: &Ctx<'_>, model: ModelIdx, args: &Map<String, Value>) -> Result<AggSpec> {
    let m = ctx.model(model);
    let mut out = Vec::new();
    for agg in AGGREGATES {
        match args.get(agg) {
            None | Some(Value::Null) | Some(Value::Bool(false)) => {}
            Some(Value::Bool(true)) if agg == "_count" => out.push((agg, None)),
            Some(Value::Object(o)) => {
                let mut cols = Vec::new();
                for (k, v) in o {
                    if v.as_bool() != Some(true) {
                        continue;
                    }
                    if k == "_all" && agg == "_count" {
                        cols.push((k.clone(), None));
                        continue;
                    }
                    let fi = m
                        .field_index(k)
                        .filter(|f| m.fields[*f].is_column())
                        .ok_or_else(|| StoreError::invalid(format!("unknown field `{k}` in `{agg}`")))?;
                    cols.push((k.clone(), Some(fi)));
                }
                out.push((agg, Some(cols)));
            }
            Some(_) => return Err(StoreError::invalid(format!("`{agg}` expects an object of fields"))),
        }
    }
    Ok(out)
}

fn render_aggregates(ctx: &Ctx<'_>, w: &mut SqlWriter, specs: &AggSpec) {
    for (i, (agg, cols)) in specs.iter().enumerate() {
        if i > 0 {
            w.push(", ");
        }
        w.push("'").push(agg).push("', ");
        let func = match *agg {
            "_count" => "COUNT",
            "_sum" => "SUM",
            "_avg" => "AVG",
            "_min" => "MIN",
            _ => "MAX",
        };
        match cols {
            None => {
                w.push("COUNT(*)");
            }
            Some(cols) => {
                json_open(ctx, w);
                for (j, (name, f)) in cols.iter().enumerate() {
                    if j > 0 {
                        w.push(", ");
                    }
                    w.push("'").push(name).push("', ");
                    match f {
                        None => w.push("COUNT(*)"),
                        Some(f) => w.push(func).push("(").ident(&format!("c{f}")).push(")"),
                    };
                }
                w.push(")");
            }
        }
    }
}

fn agg_fields(specs: &AggSpec) -> Vec<FieldIdx> {
    let mut v: Vec<FieldIdx> = specs.iter().filter_map(|(_, c)| c.as_ref()).flatten().filter_map(|(_, f)| *f).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// `aggregate`: `{_count, _sum, _avg, _min, _max}` over readable rows.
pub fn aggregate_sql(ctx: &Ctx<'_>, model: ModelIdx, args: &Map<String, Value>) -> Result<(SqlWriter, AggSpec)> {
    let find = FindArgs::parse(args)?;
    let specs = parse_aggregates(ctx, model, args)?;
    let mut w = ctx.writer();
    w.push("SELECT ");
    json_open(ctx, &mut w);
    render_aggregates(ctx, &mut w, &specs);
    w.push(")");
    if ctx.dialect == Dialect::Postgres {
        w.push("::text");
    }
    w.push(" FROM (SELECT 1 AS one");
    for f in agg_fields(&specs) {
        w.push(", ");
        column_expr(ctx, &mut w, model, "t0", f);
        w.push(" AS ").ident(&format!("c{f}"));
    }
    write_filtered_from(ctx, &mut w, model, &find)?;
    w.push(") AS s");
    Ok((w, specs))
}

/// `groupBy`: one object per group of readable rows.
pub fn group_by_sql(
    ctx: &Ctx<'_>,
    model: ModelIdx,
    args: &Map<String, Value>,
) -> Result<(SqlWriter, Vec<FieldIdx>, AggSpec)> {
    let m = ctx.model(model);
    let by: Vec<FieldIdx> = match args.get("by") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().map(|v| v.as_str().map(str::to_owned).unwrap_or_default()).collect(),
        _ => return Err(StoreError::invalid("groupBy needs `by`: a field name or a list of them")),
    }
    .iter()
    .map(|n| {
        m.field_index(n)
            .filter(|f| m.fields[*f].is_column())
            .ok_or_else(|| StoreError::invalid(format!("unknown field `{n}` in groupBy `by`")))
    })
    .collect::<Result<_>>()?;
    if by.is_empty() {
        return Err(StoreError::invalid("groupBy needs at least one field in `by`"));
    }
    if args.get("having").is_some_and(|h| !h.is_null()) {
        return Err(StoreError::invalid("groupBy `having` is not supported yet"));
    }
    let find = FindArgs { filter: args.get("where").filter(|v| !v.is_null()), ..FindArgs::default() };
    let specs = parse_aggregates(ctx, model, args)?;
    let mut w = ctx.writer();
    w.push("SELECT ");
    json_open(ctx, &mut w);
    for (i, f) in by.iter().enumerate() {
        if i > 0 {
            w.push(", ");
        }
        w.push("'").push(&m.fields[*f].name).push("', ").ident(&format!("c{f}"));
    }
    if !specs.is_empty() {
        w.push(", ");
        render_aggregates(ctx, &mut w, &specs);
    }
    w.push(")");
    if ctx.dialect == Dialect::Postgres {
        w.push("::text");
    }
    w.push(" FROM (SELECT 1 AS one");
    let mut cols = by.clone();
    cols.extend(agg_fields(&specs));
    cols.sort_unstable();
    cols.dedup();
    for f in &cols {
        w.push(", ");
        column_expr(ctx, &mut w, model, "t0", *f);
        w.push(" AS ").ident(&format!("c{f}"));
    }
    write_filtered_from(ctx, &mut w, model, &find)?;
    w.push(") AS s GROUP BY ");
    for (i, f) in by.iter().enumerate() {
        if i > 0 {
            w.push(", ");
        }
        w.ident(&format!("c{f}"));
    }
    // Order: by the requested `by` fields (asc/desc), then all `by` fields for a stable result.
    w.push(" ORDER BY ");
    let mut first = true;
    if let Some(ob) = args.get("orderBy").filter(|v| !v.is_null()) {
        let items: Vec<&Value> = match ob {
            Value::Array(a) => a.iter().collect(),
            v => vec![v],
        };
        for item in items {
            for (k, v) in item.as_object().into_iter().flatten() {
                let f = m
                    .field_index(k)
                    .filter(|f| by.contains(f))
                    .ok_or_else(|| StoreError::invalid(format!("groupBy can order by `by` fields only, not `{k}`")))?;
                let (desc, _) = parse_direction(v)?;
                if !first {
                    w.push(", ");
                }
                first = false;
                w.ident(&format!("c{f}")).push(if desc { " DESC NULLS LAST" } else { " ASC NULLS FIRST" });
            }
        }
    }
    for f in &by {
        if !first {
            w.push(", ");
        }
        first = false;
        w.ident(&format!("c{f}")).push(" ASC NULLS FIRST");
    }
    if let Some(t) = args.get("take").and_then(Value::as_i64) {
        w.push(&format!(" LIMIT {}", t.max(0)));
    }
    if let Some(s) = args.get("skip").and_then(Value::as_i64) {
        if args.get("take").is_none() && ctx.dialect == Dialect::Sqlite {
            w.push(" LIMIT -1");
        }
        w.push(&format!(" OFFSET {}", s.max(0)));
    }
    Ok((w, by, specs))
}

/// Normalises an aggregate object's values per field type (`_avg` stays a number; `_count` too).
pub fn normalize_aggregate(ctx: &Ctx<'_>, model: ModelIdx, specs: &AggSpec, mut v: Value) -> Value {
    let m = ctx.model(model);
    for (agg, cols) in specs {
        if matches!(*agg, "_count" | "_avg") {
            continue;
        }
        let Some(cols) = cols else { continue };
        for (name, f) in cols {
            let Some(f) = f else { continue };
            if let Some(slot) = v.get_mut(*agg).and_then(|o| o.get_mut(name)) {
                *slot = normalize_output(&m.fields[*f], slot.take());
            }
        }
    }
    v
}

/// Normalises the `by` columns of a groupBy row.
pub fn normalize_group(ctx: &Ctx<'_>, model: ModelIdx, by: &[FieldIdx], specs: &AggSpec, v: Value) -> Value {
    let m = ctx.model(model);
    let mut v = normalize_aggregate(ctx, model, specs, v);
    for f in by {
        let field = &m.fields[*f];
        if let Some(slot) = v.get_mut(&field.name) {
            *slot = normalize_output(field, slot.take());
        }
    }
    v
}
