//! Reads: `findMany`/`findFirst`/`findUnique`, `count`, `aggregate`, `groupBy` — every one filtered
//! by the read rule of every model it touches.

mod aggregate;
mod order;

pub use aggregate::{aggregate_sql, count_sql, group_by_sql, normalize_aggregate, normalize_group};
pub use order::{render_order_and_page, render_order_only};

use policy::ir::ModelIdx;
use policy::{Dialect, Operation, SqlWriter};
use serde_json::{Map, Value};

use crate::ctx::Ctx;
use crate::error::{Result, StoreError};
use crate::filter::{is_unique_filter, render_where};
use crate::select::{Shape, render_object};

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
    let pg = ctx.dialect == Dialect::Postgres;
    // On SQLite a findMany answers ONE row: the page as a JSON array, aggregated in its order by
    // the database — one value to cross sqlx's worker thread and parse instead of a row per
    // record (measured 10–25 % faster). The rows are selected and paged first (inner query), so
    // the JSON is built only for the page. On PostgreSQL rows stream over the wire anyway, and the
    // aggregated form measured slower through sqlx (docs/benchmarks.md): a row per record there.
    let many = aggregates(ctx.dialect, kind);
    w.push("SELECT ");
    if pg {
        w.push("(");
    }
    if many {
        w.push("json_group_array(");
    }
    let shape = render_object(ctx, &mut w, model, "t0", args)?;
    if many {
        render_order_only(ctx, &mut w, model, "t0", &find)?;
        w.push(")");
    }
    if pg {
        w.push(")::text");
    }
    // PostgreSQL computes the select list before sorting, so a page is cut first there too.
    let paged = many || (find.take.is_some() && pg);
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
        if !many {
            render_order_only(ctx, &mut w, model, "t0", &find)?;
        }
    }
    Ok((w, shape, find.take.is_some_and(|t| t < 0)))
}

/// Whether [`find_sql`] answers `kind` as one aggregated row (see there).
pub fn aggregates(dialect: Dialect, kind: FindKind) -> bool {
    kind == FindKind::Many && dialect == Dialect::Sqlite
}

/// Post-processing of decoded find results (see [`crate::decode`]): backwards pages, `distinct`.
pub fn finish_rows(mut rows: Vec<Value>, reversed: bool, args: &Map<String, Value>) -> Result<Vec<Value>> {
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
