//! Mutations: create, update, delete and nested writes, each statement under the rules of the
//! table it touches, all inside one transaction.
//!
//! Rows travel between steps as "raw rows": JSON objects keyed by field name holding every column
//! in output form, read without field-level rules (internal only; callers get rows read back
//! through the read rules).

mod audit;
mod create;
mod delete;
mod nested;
mod update;

use policy::ir::{FieldIdx, ModelIdx};
use policy::{Dialect, Operation, SqlValue, SqlWriter};
use serde_json::{Map, Value};

use crate::ctx::{Ctx, Guard};
use crate::error::{DeniedBy, RejectReason, Result, StoreError};
use crate::exec::Tx;
use crate::filter::{render_id_match, render_where};
use crate::value::normalize_output;

pub use audit::AuditAction;

/// A raw row: every column by field name.
pub type Row = Map<String, Value>;

/// An extra condition on the row aliased `t0` (e.g. "is a child of this parent").
pub type Scope<'s> = &'s (dyn Fn(&mut SqlWriter) + Sync);

/// `"id"` or `t0."id"`, comma-separated for compound keys.
pub(crate) fn id_columns(w: &mut SqlWriter, m: &policy::ir::Model, alias: Option<&str>) {
    for (i, f) in m.id.iter().enumerate() {
        if i > 0 {
            w.push(", ");
        }
        match alias {
            Some(a) => w.column(a, &m.fields[*f].column),
            None => w.ident(&m.fields[*f].column),
        };
    }
}

/// Runs mutations for one caller inside one transaction.
pub struct Writer<'c, 'a> {
    pub ctx: &'c Ctx<'a>,
    pub tx: &'c mut Tx,
}

impl<'c, 'a> Writer<'c, 'a> {
    pub fn new(ctx: &'c Ctx<'a>, tx: &'c mut Tx) -> Self {
        Self { ctx, tx }
    }

    /// Writes a JSON object of every column of `model` (no rules), for `RETURNING` (`alias` None)
    /// or a SELECT (`alias` Some).
    fn raw_json(&self, w: &mut SqlWriter, model: ModelIdx, alias: Option<&str>) {
        let m = self.ctx.model(model);
        w.push(match self.ctx.dialect {
            Dialect::Sqlite => "json_object(",
            Dialect::Postgres => "jsonb_build_object(",
        });
        // PostgreSQL caps function arguments at 100: chain objects every 40 columns. (SQLite's
        // bundled build allows 1000 arguments.)
        for (n, f) in m.fields.iter().filter(|f| f.is_column()).enumerate() {
            if n > 0 && n % 40 == 0 && self.ctx.dialect == Dialect::Postgres {
                w.push(") || jsonb_build_object(");
            } else if n > 0 {
                w.push(", ");
            }
            w.push("'").push(&f.name).push("', ");
            crate::select::column_json(w, self.ctx.dialect, f, |w| match alias {
                Some(a) => {
                    w.column(a, &f.column);
                }
                None => {
                    w.ident(&f.column);
                }
            });
        }
        w.push(")");
        if self.ctx.dialect == Dialect::Postgres {
            w.push("::text");
        }
    }

    fn normalize_raw(&self, model: ModelIdx, v: Value) -> Row {
        let m = self.ctx.model(model);
        let Value::Object(mut obj) = v else { return Row::new() };
        let mut out = Row::new();
        for f in m.fields.iter().filter(|f| f.is_column()) {
            let v = obj.remove(&f.name).unwrap_or(Value::Null);
            out.insert(f.name.clone(), normalize_output(f, v));
        }
        out
    }

    /// Rows of `model` matching `filter` AND `guard` (AND `scope`, a condition on `t0`), raw (no
    /// read rules), at most `limit`.
    pub async fn select_raw(
        &mut self,
        model: ModelIdx,
        filter: Option<&Value>,
        guard: &Guard,
        scope: Option<Scope<'_>>,
        limit: Option<u32>,
    ) -> Result<Vec<Row>> {
        let mut w = self.ctx.writer();
        w.push("SELECT ");
        self.raw_json(&mut w, model, Some("t0"));
        w.push(" FROM ").ident(&self.ctx.model(model).table).push(" AS t0 WHERE ");
        render_where(self.ctx, &mut w, model, "t0", filter)?;
        w.push(" AND ");
        guard.render(&mut w, "t0");
        if let Some(s) = scope {
            w.push(" AND ");
            s(&mut w);
        }
        if let Some(l) = limit {
            w.push(&format!(" LIMIT {l}"));
        }
        let (sql, params) = w.finish();
        let rows = self.tx.fetch_json(sql, params).await?;
        Ok(rows.into_iter().map(|r| self.normalize_raw(model, r)).collect())
    }

    /// The raw row with these ids, whatever the rules say (after a write, to continue with it).
    pub async fn reload(&mut self, model: ModelIdx, ids: &Row) -> Result<Row> {
        self.select_raw(model, Some(&Value::Object(ids.clone())), &Guard::True, None, Some(1))
            .await?
            .pop()
            .ok_or_else(|| StoreError::not_found(&self.ctx.model(model).name))
    }

    /// Writes `(<id columns>) IN (SELECT t0.<id columns> FROM "T" AS t0 WHERE <filter> AND <guard>
    /// [AND <scope>])`: the rows an `UPDATE`/`DELETE` may touch.
    pub fn write_ids_in(
        &self,
        w: &mut SqlWriter,
        model: ModelIdx,
        filter: Option<&Value>,
        guard: &Guard,
        scope: Option<Scope<'_>>,
    ) -> Result<()> {
        let m = self.ctx.model(model);
        w.push("(");
        id_columns(w, m, None);
        w.push(") IN (SELECT ");
        id_columns(w, m, Some("t0"));
        w.push(" FROM ").ident(&m.table).push(" AS t0 WHERE ");
        render_where(self.ctx, w, model, "t0", filter)?;
        w.push(" AND ");
        guard.render(w, "t0");
        if let Some(s) = scope {
            w.push(" AND ");
            s(w);
        }
        w.push(")");
        Ok(())
    }

    /// Whether the row with `ids` passes `guard` (TRUE/FALSE guards need no query).
    pub async fn row_passes(
        &mut self,
        model: ModelIdx,
        ids: &Row,
        guard: &Guard,
        before: Option<&Row>,
    ) -> Result<bool> {
        match guard {
            Guard::True => return Ok(true),
            Guard::False => return Ok(false),
            Guard::Pred(_) => {}
        }
        let mut w = self.ctx.writer();
        w.push("SELECT COUNT(*) FROM ").ident(&self.ctx.model(model).table).push(" AS t0 WHERE ");
        render_id_match(self.ctx, &mut w, model, "t0", ids)?;
        w.push(" AND ");
        guard.render_with(&mut w, "t0", before);
        let (sql, params) = w.finish();
        Ok(self.tx.fetch_i64(sql, params).await? > 0)
    }

    /// A policy rejection, naming the rule when the caller asked (`explain`).
    pub async fn reject(&mut self, model: ModelIdx, op: Operation, subject: Subject<'_>, message: &str) -> StoreError {
        let denied_by =
            if self.ctx.explain { self.explain(model, op, subject).await.ok().flatten().map(Box::new) } else { None };
        StoreError::RejectedByPolicy {
            model: self.ctx.model(model).name.clone(),
            reason: RejectReason::NoAccess,
            message: message.to_owned(),
            denied_by,
        }
    }

    /// Finds the deny rule that fired, or else the first allow rule (none held).
    async fn explain(&mut self, model: ModelIdx, op: Operation, subject: Subject<'_>) -> Result<Option<DeniedBy>> {
        let ctx = self.ctx;
        let rules = ctx.policies.rule_filters(model, op, ctx.auth);
        let mut first_allow = None;
        for (rule, pred) in rules {
            let guard = if pred.is_true() {
                Guard::True
            } else if pred.is_false() {
                Guard::False
            } else {
                Guard::Pred(pred)
            };
            let holds = match subject {
                Subject::Candidate(row) => self.candidate_passes(model, row, &guard).await?,
                Subject::Stored(ids, before) => self.row_passes(model, ids, &guard, before).await?,
            };
            let info = DeniedBy {
                model: ctx.model(model).name.clone(),
                kind: match rule.kind {
                    policy::ir::RuleKind::Allow => "allow".to_owned(),
                    policy::ir::RuleKind::Deny => "deny".to_owned(),
                },
                line: rule.span.line,
                source: rule.source.clone(),
            };
            match rule.kind {
                policy::ir::RuleKind::Deny if holds => return Ok(Some(info)),
                policy::ir::RuleKind::Allow if first_allow.is_none() && !holds => first_allow = Some(info),
                _ => {}
            }
        }
        Ok(first_allow)
    }

    /// Evaluates `guard` against a row that is not stored yet (create checks): in memory when the
    /// rule reads only the row's own columns, else against a one-row derived table.
    pub async fn candidate_passes(&mut self, model: ModelIdx, row: &Row, guard: &Guard) -> Result<bool> {
        let pred = match guard {
            Guard::True => return Ok(true),
            Guard::False => return Ok(false),
            Guard::Pred(p) => p,
        };
        if let Some(b) = pred.eval(row, &policy::RenderEnv { alias: "t0", before: None }) {
            return Ok(b);
        }
        let m = self.ctx.model(model);
        let mut w = self.ctx.writer();
        w.push("SELECT CASE WHEN ");
        guard.render(&mut w, "t0");
        w.push(" THEN 1 ELSE 0 END FROM (SELECT ");
        let mut first = true;
        for f in m.fields.iter().filter(|f| f.is_column()) {
            if !first {
                w.push(", ");
            }
            first = false;
            let v = row.get(&f.name).unwrap_or(&Value::Null);
            let sql_value = crate::value::to_sql(self.ctx.schema, f, v)?;
            if sql_value == SqlValue::Null && self.ctx.dialect == Dialect::Postgres {
                w.push("CAST(NULL AS ").push(&policy::ddl::column_type(f, Dialect::Postgres)).push(")");
            } else {
                w.param(sql_value);
            }
            w.push(" AS ").ident(&f.column);
        }
        w.push(") AS t0");
        let (sql, params) = w.finish();
        Ok(self.tx.fetch_i64(sql, params).await? == 1)
    }

    /// The id values of a raw row.
    pub fn ids_of(&self, model: ModelIdx, row: &Row) -> Row {
        let m = self.ctx.model(model);
        m.id.iter()
            .map(|f| {
                let name = &m.fields[*f].name;
                (name.clone(), row.get(name).cloned().unwrap_or(Value::Null))
            })
            .collect()
    }
}

/// What a rule is checked against when explaining a denial.
#[derive(Clone, Copy)]
pub enum Subject<'r> {
    /// A row about to be created.
    Candidate(&'r Row),
    /// A stored row (by ids), with pre-update values for post-update rules.
    Stored(&'r Row, Option<&'r Row>),
}

/// The id-or-unique `where` of a unique mutation, checked.
pub fn unique_where<'v>(ctx: &Ctx<'_>, model: ModelIdx, args: &'v Map<String, Value>) -> Result<&'v Value> {
    let w = args.get("where").ok_or_else(|| StoreError::invalid("`where` is required"))?;
    if !crate::filter::is_unique_filter(ctx, model, w) {
        return Err(StoreError::invalid(format!(
            "`where` must name the id or a unique field of `{}`",
            ctx.model(model).name
        )));
    }
    Ok(w)
}

/// `data` as an object.
pub fn data_of(args: &Map<String, Value>) -> Result<&Map<String, Value>> {
    match args.get("data") {
        Some(Value::Object(d)) => Ok(d),
        _ => Err(StoreError::invalid("`data` must be an object")),
    }
}

/// Field index by name or an invalid-input error.
pub fn field_of(ctx: &Ctx<'_>, model: ModelIdx, name: &str) -> Result<FieldIdx> {
    let m = ctx.model(model);
    m.field_index(name).ok_or_else(|| StoreError::invalid(format!("unknown field `{name}` on model `{}`", m.name)))
}
