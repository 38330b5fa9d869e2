//! Creating rows: defaults filled client-side, the create rule checked before the INSERT against the
//! input plus defaults (the new row never sees itself), then nested writes.

use policy::ir::{DefaultValue, FieldIdx, Literal, ModelIdx, RelationKind};
use policy::{Operation, SqlValue};
use serde_json::{Map, Value};

use super::{Row, Subject, Writer, field_of};
use crate::error::{Result, StoreError};
use crate::value::{new_cuid, now_string, to_sql};

/// A nested relation write waiting for its parent row to exist.
pub(super) type Pending<'v> = Vec<(FieldIdx, &'v Value)>;

impl Writer<'_, '_> {
    /// Creates one row of `model` from `data` (with `forced` column values from a parent), runs
    /// its nested writes, and returns the raw row. `skip_duplicates` turns a unique conflict into
    /// `Ok(None)`.
    pub async fn create_row(
        &mut self,
        model: ModelIdx,
        data: &Map<String, Value>,
        forced: &Row,
        skip_duplicates: bool,
    ) -> Result<Option<Row>> {
        let ctx = self.ctx;
        let m = ctx.model(model);
        let mut values = Row::new();
        let mut pending: Pending<'_> = Vec::new();
        for (key, v) in data {
            let fi = field_of(ctx, model, key)?;
            let f = &m.fields[fi];
            let Some(rel) = f.relation() else {
                values.insert(key.clone(), v.clone());
                continue;
            };
            match &rel.kind {
                RelationKind::Owned { .. } => {
                    let Value::Object(ops) = v else {
                        return Err(StoreError::invalid(format!(
                            "relation `{key}` expects {{create|connect|connectOrCreate: …}}"
                        )));
                    };
                    if let Some(target_row) = self.resolve_owned_for_create(model, fi, ops).await? {
                        self.set_fk_from(model, fi, &target_row, &mut values);
                    }
                }
                _ => pending.push((fi, v)),
            }
        }
        for (k, v) in forced {
            values.insert(k.clone(), v.clone());
        }
        self.fill_defaults(model, &mut values)?;
        self.check_required(model, &values)?;
        let guard = ctx.guard(model, Operation::Create);
        if !self.candidate_passes(model, &values, &guard).await? {
            return Err(self
                .reject(model, Operation::Create, Subject::Candidate(&values), "create is rejected by access policies")
                .await);
        }
        let Some(row) = self.insert(model, &values, skip_duplicates).await? else {
            return Ok(None);
        };
        self.audit(model, super::AuditAction::Create, None, Some(&row)).await?;
        for (fi, ops) in pending {
            self.nested_for_parent(model, &row, fi, ops, true).await?;
        }
        Ok(Some(row))
    }

    /// Sets this model's foreign-key columns of owned relation `fi` from the target's row.
    pub(super) fn set_fk_from(&self, model: ModelIdx, fi: FieldIdx, target_row: &Row, values: &mut Row) {
        let m = self.ctx.model(model);
        let Some(rel) = m.fields[fi].relation() else { return };
        let RelationKind::Owned { fields, references, .. } = &rel.kind else { return };
        let target = self.ctx.model(rel.target);
        for (f, r) in fields.iter().zip(references) {
            let v = target_row.get(&target.fields[*r].name).cloned().unwrap_or(Value::Null);
            values.insert(m.fields[*f].name.clone(), v);
        }
    }

    /// `create` / `connect` / `connectOrCreate` on the side that holds the foreign key: the target
    /// row must exist (and be readable) first.
    async fn resolve_owned_for_create(
        &mut self,
        model: ModelIdx,
        fi: FieldIdx,
        ops: &Map<String, Value>,
    ) -> Result<Option<Row>> {
        let ctx = self.ctx;
        let target = crate::select::relation_target(ctx, model, fi)?;
        let mut result = None;
        for (op, arg) in ops {
            result = Some(match op.as_str() {
                "create" => {
                    let Value::Object(d) = arg else {
                        return Err(StoreError::invalid("nested `create` expects an object"));
                    };
                    Box::pin(self.create_row(target, d, &Row::new(), false))
                        .await?
                        .ok_or_else(|| StoreError::invalid("nested create conflicted"))?
                }
                "connect" => self.find_readable(target, arg).await?,
                "connectOrCreate" => {
                    let (w, c) = where_and(arg, "create")?;
                    match self.find_readable_opt(target, w).await? {
                        Some(r) => r,
                        None => Box::pin(self.create_row(target, c, &Row::new(), false))
                            .await?
                            .ok_or_else(|| StoreError::invalid("nested create conflicted"))?,
                    }
                }
                other => {
                    return Err(StoreError::invalid(format!(
                        "`{other}` is not allowed here (creating `{}`)",
                        ctx.model(model).name
                    )));
                }
            });
        }
        Ok(result)
    }

    /// The readable row matching a unique `where`, or not-found.
    pub(super) async fn find_readable(&mut self, model: ModelIdx, filter: &Value) -> Result<Row> {
        self.find_readable_opt(model, filter).await?.ok_or_else(|| StoreError::not_found(&self.ctx.model(model).name))
    }

    pub(super) async fn find_readable_opt(&mut self, model: ModelIdx, filter: &Value) -> Result<Option<Row>> {
        if !crate::filter::is_unique_filter(self.ctx, model, filter) {
            return Err(StoreError::invalid(format!(
                "a unique `where` is required for `{}`",
                self.ctx.model(model).name
            )));
        }
        let guard = self.ctx.guard(model, Operation::Read);
        Ok(self.select_raw(model, Some(filter), &guard, None, Some(1)).await?.pop())
    }

    /// `@default(…)` and `@updatedAt`, filled before the create check (as ZenStack v3 does).
    fn fill_defaults(&self, model: ModelIdx, values: &mut Row) -> Result<()> {
        let m = self.ctx.model(model);
        for f in m.fields.iter().filter(|f| f.is_column()) {
            if values.contains_key(&f.name) {
                continue;
            }
            let v = match &f.default {
                Some(DefaultValue::Uuid) => Value::String(uuid::Uuid::new_v4().to_string()),
                Some(DefaultValue::Cuid) => Value::String(new_cuid()),
                Some(DefaultValue::Now) => Value::String(now_string()),
                Some(DefaultValue::Literal(l)) => literal_json(l),
                Some(DefaultValue::Auth(path)) => self.ctx.auth.get(path).cloned().unwrap_or(Value::Null),
                Some(DefaultValue::AutoIncrement) => continue,
                None if f.updated_at => Value::String(now_string()),
                None if f.list && !f.optional => Value::Array(Vec::new()),
                None => continue,
            };
            values.insert(f.name.clone(), v);
        }
        Ok(())
    }

    fn check_required(&self, model: ModelIdx, values: &Row) -> Result<()> {
        let m = self.ctx.model(model);
        for f in m.fields.iter().filter(|f| f.is_column() && !f.optional) {
            let missing = values.get(&f.name).is_none_or(Value::is_null);
            if missing && f.default != Some(DefaultValue::AutoIncrement) {
                return Err(StoreError::invalid(format!("missing required field `{}` of `{}`", f.name, m.name)));
            }
        }
        Ok(())
    }

    /// `INSERT … RETURNING` every column.
    async fn insert(&mut self, model: ModelIdx, values: &Row, skip_duplicates: bool) -> Result<Option<Row>> {
        let ctx = self.ctx;
        let m = ctx.model(model);
        let mut w = ctx.writer();
        w.push("INSERT INTO ").ident(&m.table);
        let cols: Vec<_> = m.fields.iter().filter(|f| f.is_column() && values.contains_key(&f.name)).collect();
        if cols.is_empty() {
            w.push(" DEFAULT VALUES");
        } else {
            w.push(" (");
            for (i, f) in cols.iter().enumerate() {
                if i > 0 {
                    w.push(", ");
                }
                w.ident(&f.column);
            }
            w.push(") VALUES (");
            for (i, f) in cols.iter().enumerate() {
                if i > 0 {
                    w.push(", ");
                }
                let v = values.get(&f.name).unwrap_or(&Value::Null);
                let sv = to_sql(ctx.schema, f, v)?;
                if sv == SqlValue::Null {
                    w.push("NULL");
                } else {
                    w.param(sv);
                }
            }
            w.push(")");
        }
        if skip_duplicates {
            w.push(" ON CONFLICT DO NOTHING");
        }
        w.push(" RETURNING ");
        self.raw_json(&mut w, model, None);
        let (sql, params) = w.finish();
        let mut rows = self.tx.fetch_json(sql, params).await?;
        if ctx.dialect == policy::Dialect::Postgres {
            self.bump_identity(model, values).await?;
        }
        Ok(rows.pop().map(|r| self.normalize_raw(model, r)))
    }

    /// After an explicit value went into a PostgreSQL identity column, moves its sequence past
    /// the largest id, so later generated ids do not collide (SQLite does this by itself).
    async fn bump_identity(&mut self, model: ModelIdx, values: &Row) -> Result<()> {
        let m = self.ctx.model(model);
        let [id] = m.id[..] else { return Ok(()) };
        let f = &m.fields[id];
        if f.default != Some(DefaultValue::AutoIncrement) || values.get(&f.name).is_none_or(Value::is_null) {
            return Ok(());
        }
        let mut w = self.ctx.writer();
        w.push("SELECT setval(pg_get_serial_sequence(")
            .param(SqlValue::Text(format!("\"{}\"", m.table.replace('"', "\"\""))))
            .push(", ")
            .param(SqlValue::Text(f.column.clone()))
            .push("), GREATEST((SELECT MAX(")
            .ident(&f.column)
            .push(") FROM ")
            .ident(&m.table)
            .push("), 1))");
        let (sql, params) = w.finish();
        self.tx.fetch_i64(sql, params).await?;
        Ok(())
    }

    /// Top-level `createMany`: every row checked; one rejection rejects all.
    pub async fn create_many(&mut self, model: ModelIdx, args: &Map<String, Value>) -> Result<Value> {
        let skip = args.get("skipDuplicates").and_then(Value::as_bool).unwrap_or(false);
        let rows: Vec<&Value> = match args.get("data") {
            Some(Value::Array(a)) => a.iter().collect(),
            Some(v @ Value::Object(_)) => vec![v],
            _ => return Err(StoreError::invalid("`data` must be an array of objects")),
        };
        let mut count = 0u64;
        for r in rows {
            let Value::Object(d) = r else {
                return Err(StoreError::invalid("`data` must be an array of objects"));
            };
            reject_nested(self.ctx, model, d)?;
            if self.create_row(model, d, &Row::new(), skip).await?.is_some() {
                count += 1;
            }
        }
        Ok(serde_json::json!({ "count": count }))
    }
}

/// `createMany` and `updateMany` take scalar data only.
pub(super) fn reject_nested(ctx: &crate::ctx::Ctx<'_>, model: ModelIdx, data: &Map<String, Value>) -> Result<()> {
    for k in data.keys() {
        let fi = field_of(ctx, model, k)?;
        if !ctx.model(model).fields[fi].is_column() {
            return Err(StoreError::invalid(format!("nested writes are not allowed here (`{k}`)")));
        }
    }
    Ok(())
}

/// Splits `{where, <key>}` of connectOrCreate / upsert items.
pub(super) fn where_and<'v>(arg: &'v Value, key: &str) -> Result<(&'v Value, &'v Map<String, Value>)> {
    let w = arg.get("where").ok_or_else(|| StoreError::invalid("`where` is required"))?;
    match arg.get(key) {
        Some(Value::Object(d)) => Ok((w, d)),
        _ => Err(StoreError::invalid(format!("`{key}` must be an object"))),
    }
}

pub(super) fn literal_json(l: &Literal) -> Value {
    match l {
        Literal::Null => Value::Null,
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Int(i) => Value::from(*i),
        Literal::Float(f) => Value::from(*f),
        Literal::String(s) | Literal::Enum(s) => Value::String(s.clone()),
        Literal::Array(a) => a.iter().map(literal_json).collect(),
    }
}
