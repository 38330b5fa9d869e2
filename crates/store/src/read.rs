//! Reads: `findMany`/`findFirst`/`findUnique`, `count`, `aggregate`, `groupBy` — every one filtered
//! by the read rule of every model it touches.

use policy::ir::{FieldIdx, FieldKind, ModelIdx};
use policy::relation_sql::related_from_as;
use policy::{Dialect, Operation, SqlWriter};
use serde_json::{Map, Value};

use crate::ctx::Ctx;
use crate::error::{Result, StoreError};
use crate::filter::{column_expr, is_unique_filter, render_where};
use crate::select::{Shape, normalize, relation_target, render_object};
use crate::value::normalize_output;

/// The paging and filtering part of find arguments.
#[derive(Debug, Default)]
pub struct FindArgs<'v> {
    pub filter: Option<&'v Value>,
    pub order_by: Option<&'v Value>,
    pub take: Option<i64>,
    pub skip: Option<i64>,
    pub cursor: Option<&'v Value>,
}

impl<'v> FindArgs<'v> {
    pub fn parse(args: &'v Map<String, Value>) -> Result<Self> {
        let int = |k: &str| -> Result<Option<i64>> {
            match args.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v.as_i64().map(Some).ok_or_else(|| StoreError::invalid(format!("`{k}` must be an integer"))),
            }
        };
        let skip = int("skip")?;
        if skip.is_some_and(|s| s < 0) {
            return Err(StoreError::invalid("`skip` must not be negative"));
        }
        Ok(FindArgs {
            filter: args.get("where").filter(|v| !v.is_null()),
            order_by: args.get("orderBy").filter(|v| !v.is_null()),
            take: int("take")?,
            skip,
            cursor: args.get("cursor").filter(|v| !v.is_null()),
        })
    }
}

/// One `ORDER BY` term.
#[derive(Debug, Clone)]
struct OrderTerm {
    /// Relation hops (to-one) from the model, then a column — or a to-many `_count`.
    path: Vec<FieldIdx>,
    kind: OrderKind,
    desc: bool,
    nulls_first: bool,
}

#[derive(Debug, Clone, Copy)]
enum OrderKind {
    Column(FieldIdx),
    Count,
}

fn parse_direction(v: &Value) -> Result<(bool, Option<bool>)> {
    let dir = |s: &str| match s {
        "asc" => Ok(false),
        "desc" => Ok(true),
        other => Err(StoreError::invalid(format!("sort order must be \"asc\" or \"desc\", not `{other}`"))),
    };
    match v {
        Value::String(s) => Ok((dir(s)?, None)),
        Value::Object(o) => {
            let desc = dir(o.get("sort").and_then(Value::as_str).unwrap_or("asc"))?;
            let nulls = match o.get("nulls").and_then(Value::as_str) {
                None => None,
                Some("first") => Some(true),
                Some("last") => Some(false),
                Some(other) => {
                    return Err(StoreError::invalid(format!("`nulls` must be \"first\" or \"last\", not `{other}`")));
                }
            };
            Ok((desc, nulls))
        }
        _ => Err(StoreError::invalid("sort order must be \"asc\", \"desc\" or {sort, nulls}")),
    }
}

fn parse_order(ctx: &Ctx<'_>, model: ModelIdx, order_by: Option<&Value>) -> Result<Vec<OrderTerm>> {
    let mut terms = Vec::new();
    let items: Vec<&Value> = match order_by {
        None => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
    };
    for item in items {
        let Value::Object(obj) = item else {
            return Err(StoreError::invalid("`orderBy` expects objects like {field: \"asc\"}"));
        };
        for (k, v) in obj {
            parse_order_entry(ctx, model, k, v, Vec::new(), &mut terms)?;
        }
    }
    // A unique tiebreak makes the order total (stable pages and cursors).
    let m = ctx.model(model);
    for id in &m.id {
        if !terms.iter().any(|t| t.path.is_empty() && matches!(t.kind, OrderKind::Column(c) if c == *id)) {
            terms.push(OrderTerm { path: Vec::new(), kind: OrderKind::Column(*id), desc: false, nulls_first: true });
        }
    }
    Ok(terms)
}

fn parse_order_entry(
    ctx: &Ctx<'_>,
    model: ModelIdx,
    key: &str,
    v: &Value,
    path: Vec<FieldIdx>,
    out: &mut Vec<OrderTerm>,
) -> Result<()> {
    let m = ctx.model(model);
    let fi = m
        .field_index(key)
        .ok_or_else(|| StoreError::invalid(format!("unknown field `{key}` in orderBy on `{}`", m.name)))?;
    let f = &m.fields[fi];
    match (&f.kind, f.list) {
        (FieldKind::Relation(r), false) => {
            let Value::Object(o) = v else {
                return Err(StoreError::invalid(format!("orderBy on relation `{key}` expects {{field: \"asc\"}}")));
            };
            let mut p = path;
            p.push(fi);
            for (k2, v2) in o {
                parse_order_entry(ctx, r.target, k2, v2, p.clone(), out)?;
            }
            Ok(())
        }
        (FieldKind::Relation(_), true) => {
            let Some(c) = v.get("_count") else {
                return Err(StoreError::invalid(format!(
                    "orderBy on to-many `{key}` supports only {{_count: \"asc\"}}"
                )));
            };
            let (desc, nulls) = parse_direction(c)?;
            let mut p = path;
            p.push(fi);
            out.push(OrderTerm { path: p, kind: OrderKind::Count, desc, nulls_first: nulls.unwrap_or(!desc) });
            Ok(())
        }
        _ => {
            let (desc, nulls) = parse_direction(v)?;
            out.push(OrderTerm { path, kind: OrderKind::Column(fi), desc, nulls_first: nulls.unwrap_or(!desc) });
            Ok(())
        }
    }
}

/// Writes the value a term sorts by, for the row of `model` at `alias`.
fn order_expr(
    ctx: &Ctx<'_>,
    w: &mut SqlWriter,
    model: ModelIdx,
    alias: &str,
    path: &[FieldIdx],
    kind: OrderKind,
) -> Result<()> {
    match (path, kind) {
        ([], OrderKind::Column(fi)) => {
            column_expr(ctx, w, model, alias, fi);
            Ok(())
        }
        ([rel], OrderKind::Count) => crate::select::count_subquery(ctx, w, model, alias, *rel, None),
        ([rel, rest @ ..], _) => {
            let target = relation_target(ctx, model, *rel)?;
            let inner = w.fresh_alias();
            w.push("(SELECT ");
            order_expr(ctx, w, target, &inner, rest, kind)?;
            w.push(" ");
            related_from_as(w, ctx.schema, model, *rel, alias, &inner);
            w.push(" AND ");
            ctx.guard(target, Operation::Read).render(w, &inner);
            crate::filter::fk_read_guard(ctx, w, model, *rel, alias);
            w.push(")");
            Ok(())
        }
        ([], OrderKind::Count) => Err(StoreError::invalid("`_count` ordering needs a relation")),
    }
}

/// Writes the cursor condition, ` ORDER BY …` and the page clauses (`LIMIT`/`OFFSET`).
/// A negative `take` reads backwards (the caller reverses the rows).
pub fn render_order_and_page(
    ctx: &Ctx<'_>,
    w: &mut SqlWriter,
    model: ModelIdx,
    alias: &str,
    args: &FindArgs<'_>,
) -> Result<()> {
    let terms = parse_order(ctx, model, args.order_by)?;
    let backwards = args.take.is_some_and(|t| t < 0);
    if let Some(cursor) = args.cursor {
        if !is_unique_filter(ctx, model, cursor) {
            return Err(StoreError::invalid("`cursor` must name a unique field (e.g. {id: …})"));
        }
        w.push(" AND (");
        for (i, _) in terms.iter().enumerate() {
            if i > 0 {
                w.push(" OR ");
            }
            w.push("(");
            for (j, t) in terms[..=i].iter().enumerate() {
                if j > 0 {
                    w.push(" AND ");
                }
                let last = j == i;
                let forward = t.desc == backwards;
                let op = if !last {
                    " = "
                } else if i == terms.len() - 1 {
                    if forward { " >= " } else { " <= " }
                } else if forward {
                    " > "
                } else {
                    " < "
                };
                order_expr(ctx, w, model, alias, &t.path, t.kind)?;
                w.push(op);
                let c = w.fresh_alias();
                w.push("(SELECT ");
                order_expr(ctx, w, model, &c, &t.path, t.kind)?;
                w.push(" FROM ").ident(&ctx.model(model).table).push(" AS ").push(&c).push(" WHERE ");
                render_where(ctx, w, model, &c, Some(cursor))?;
                w.push(" AND ");
                ctx.guard(model, Operation::Read).render(w, &c);
                w.push(")");
            }
            w.push(")");
        }
        w.push(")");
    }
    write_order(ctx, w, model, alias, &terms, backwards)?;
    match (args.take, args.skip) {
        (Some(t), s) => {
            w.push(&format!(" LIMIT {}", t.unsigned_abs()));
            if let Some(s) = s {
                w.push(&format!(" OFFSET {s}"));
            }
        }
        (None, Some(s)) => match ctx.dialect {
            Dialect::Sqlite => {
                w.push(&format!(" LIMIT -1 OFFSET {s}"));
            }
            Dialect::Postgres => {
                w.push(&format!(" OFFSET {s}"));
            }
        },
        (None, None) => {}
    }
    Ok(())
}

fn write_order(
    ctx: &Ctx<'_>,
    w: &mut SqlWriter,
    model: ModelIdx,
    alias: &str,
    terms: &[OrderTerm],
    backwards: bool,
) -> Result<()> {
    w.push(" ORDER BY ");
    for (i, t) in terms.iter().enumerate() {
        if i > 0 {
            w.push(", ");
        }
        order_expr(ctx, w, model, alias, &t.path, t.kind)?;
        let desc = t.desc != backwards;
        let nulls_first = t.nulls_first != backwards;
        w.push(if desc { " DESC" } else { " ASC" });
        // A required column of this model is never NULL: no NULLS clause, so an index can serve
        // the order as written.
        let never_null = match (t.path.as_slice(), t.kind) {
            ([], OrderKind::Column(fi)) => {
                !ctx.model(model).fields[fi].optional && ctx.model(model).fields[fi].rules.is_empty()
            }
            _ => false,
        };
        if !never_null {
            w.push(if nulls_first { " NULLS FIRST" } else { " NULLS LAST" });
        }
    }
    Ok(())
}

/// Only the ` ORDER BY …` of a find (to restore the order of an already paged subquery).
pub fn render_order_only(
    ctx: &Ctx<'_>,
    w: &mut SqlWriter,
    model: ModelIdx,
    alias: &str,
    args: &FindArgs<'_>,
) -> Result<()> {
    let terms = parse_order(ctx, model, args.order_by)?;
    write_order(ctx, w, model, alias, &terms, args.take.is_some_and(|t| t < 0))
}

/// Which find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindKind {
    Many,
    First,
    Unique,
}

/// Builds the SQL of a find: one JSON text column per row.
pub fn find_sql(
    ctx: &Ctx<'_>,
    model: ModelIdx,
    args: &Map<String, Value>,
    kind: FindKind,
) -> Result<(SqlWriter, Shape, bool)> {
    let mut find = FindArgs::parse(args)?;
    match kind {
        FindKind::Unique => {
            if !find.filter.is_some_and(|f| is_unique_filter(ctx, model, f)) {
                return Err(StoreError::invalid(format!(
                    "findUnique needs a `where` on the id or a unique field of `{}`",
                    ctx.model(model).name
                )));
            }
            find.take = Some(1);
        }
        FindKind::First => {
            find.take = Some(match find.take {
                Some(t) if t < 0 => -1,
                _ => 1,
            });
        }
        FindKind::Many => {}
    }
    let mut w = ctx.writer();
    let read = ctx.guard(model, Operation::Read);
    w.push("SELECT ");
    if ctx.dialect == Dialect::Postgres {
        w.push("(");
    }
    let shape = render_object(ctx, &mut w, model, "t0", args)?;
    if ctx.dialect == Dialect::Postgres {
        w.push(")::text");
    }
    // With a page size, select and page the rows first and build the JSON only for the page
    // (databases may otherwise compute the projection for every row before sorting).
    // (PostgreSQL computes the select list before sorting; SQLite's planner does not need this.)
    let paged = find.take.is_some() && ctx.dialect == Dialect::Postgres;
    w.push(" FROM ");
    if paged {
        w.push("(SELECT t0.* FROM ");
    }
    w.ident(&ctx.model(model).table).push(" AS t0 WHERE ");
    render_where(ctx, &mut w, model, "t0", find.filter)?;
    if !read.is_true() {
        w.push(" AND ");
        read.render(&mut w, "t0");
    }
    render_order_and_page(ctx, &mut w, model, "t0", &find)?;
    if paged {
        w.push(") AS t0");
        render_order_only(ctx, &mut w, model, "t0", &find)?;
    }
    Ok((w, shape, find.take.is_some_and(|t| t < 0)))
}

/// Post-processing of find results: normalisation, backwards pages, `distinct`.
pub fn finish_rows(
    ctx: &Ctx<'_>,
    shape: &Shape,
    rows: Vec<Value>,
    reversed: bool,
    args: &Map<String, Value>,
) -> Result<Vec<Value>> {
    let mut rows: Vec<Value> = rows.into_iter().map(|r| normalize(ctx, shape, r)).collect();
    if reversed {
        rows.reverse();
    }
    if let Some(d) = args.get("distinct").filter(|v| !v.is_null()) {
        let fields: Vec<String> = match d {
            Value::String(s) => vec![s.clone()],
            Value::Array(a) => a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
            _ => return Err(StoreError::invalid("`distinct` expects a field name or a list of them")),
        };
        let mut seen = std::collections::HashSet::new();
        rows.retain(|r| {
            seen.insert(fields.iter().map(|f| r.get(f).cloned().unwrap_or(Value::Null).to_string()).collect::<Vec<_>>())
        });
    }
    Ok(rows)
}

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
