//! `orderBy`, cursors and pages: a total order (the id breaks ties), sorting through relations and
//! `_count`, and values read through field-level read rules (hidden values sort as NULL).

use policy::ir::{FieldIdx, FieldKind, ModelIdx};
use policy::relation_sql::related_from_as;
use policy::{Dialect, Operation, SqlWriter};
use serde_json::Value;

use super::FindArgs;
use crate::ctx::Ctx;
use crate::error::{Result, StoreError};
use crate::filter::{column_expr, is_unique_filter, render_where};
use crate::select::relation_target;

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

pub(super) fn parse_direction(v: &Value) -> Result<(bool, Option<bool>)> {
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
