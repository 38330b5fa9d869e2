//! Updating rows: the pre-image must pass the update rule, field-level update rules reject the
//! whole operation, and post-update rules are checked after the write (the caller's transaction
//! rolls back on failure).

use policy::ir::{FieldIdx, ModelIdx, RelationKind};
use policy::{Operation, SqlValue, SqlWriter};
use serde_json::{Map, Value};

use super::create::{reject_nested, where_and};
use super::{Row, Subject, Writer, field_of};
use crate::error::{Result, StoreError};
use crate::filter::{render_id_match, render_where};
use crate::value::{now_string, to_sql};

/// One `SET` assignment.
enum Assign {
    Value(SqlValue),
    /// `col = col <op> value` (increment, decrement, multiply, divide).
    Arith(&'static str, SqlValue),
}

impl Writer<'_, '_> {
    /// Applies `data` to the stored row `pre` (already known to pass the update rule) and returns
    /// the raw row after the update and its nested writes.
    pub async fn update_row(&mut self, model: ModelIdx, pre: &Row, data: &Map<String, Value>) -> Result<Row> {
        let ctx = self.ctx;
        let m = ctx.model(model);
        let mut assigns: Vec<(FieldIdx, Assign)> = Vec::new();
        let mut fk_values = Row::new();
        let mut pending = Vec::new();
        for (key, v) in data {
            let fi = field_of(ctx, model, key)?;
            let f = &m.fields[fi];
            let Some(rel) = f.relation() else {
                assigns.push((fi, self.assignment(model, fi, v)?));
                continue;
            };
            match rel.kind {
                RelationKind::Owned { .. } => {
                    let Value::Object(ops) = v else {
                        return Err(StoreError::invalid(format!(
                            "relation `{key}` expects an object of nested operations"
                        )));
                    };
                    self.owned_nested_update(model, pre, fi, ops, &mut fk_values).await?;
                }
                _ => pending.push((fi, v)),
            }
        }
        for (name, v) in fk_values {
            let fi = field_of(ctx, model, &name)?;
            assigns.push((fi, Assign::Value(to_sql(ctx.schema, &m.fields[fi], &v)?)));
        }
        if !assigns.is_empty() {
            for (i, f) in m.fields.iter().enumerate() {
                if f.updated_at && !assigns.iter().any(|(a, _)| *a == i) {
                    assigns.push((i, Assign::Value(SqlValue::Timestamp(now_string()))));
                }
            }
        }
        let ids = self.ids_of(model, pre);
        self.check_field_updates(model, &assigns, Some(&ids), None).await?;
        let mut new_ids = ids.clone();
        if !assigns.is_empty() {
            let mut w = ctx.writer();
            w.push("UPDATE ").ident(&m.table).push(" SET ");
            write_assigns(&mut w, m, &assigns);
            w.push(" WHERE ");
            crate::filter::render_id_match_unqualified(ctx, &mut w, model, &ids)?;
            let (sql, params) = w.finish();
            self.tx.execute(sql, params).await?;
            for (fi, a) in &assigns {
                if let (true, Assign::Value(v)) = (m.id.contains(fi), a) {
                    new_ids.insert(m.fields[*fi].name.clone(), crate::value::sql_to_json(v));
                }
            }
        }
        let row = self.reload(model, &new_ids).await?;
        let touched = !assigns.is_empty() || !pending.is_empty();
        if touched {
            self.audit(model, super::AuditAction::Update, Some(pre), Some(&row)).await?;
        }
        for (fi, ops) in pending {
            self.nested_for_parent(model, &row, fi, ops, false).await?;
        }
        // Post-update rules see the row after the whole nested write (children included).
        let post = ctx.guard(model, Operation::PostUpdate);
        if touched && !self.row_passes(model, &new_ids, &post, Some(pre)).await? {
            return Err(self
                .reject(
                    model,
                    Operation::PostUpdate,
                    Subject::Stored(&new_ids, Some(pre)),
                    "post-update rules rejected the update",
                )
                .await);
        }
        Ok(row)
    }

    fn assignment(&self, model: ModelIdx, fi: FieldIdx, v: &Value) -> Result<Assign> {
        let f = &self.ctx.model(model).fields[fi];
        if let Value::Object(o) = v
            && f.relation().is_none()
            && o.len() == 1
        {
            let (op, arg) = o.iter().next().ok_or_else(|| StoreError::invalid("empty update operation"))?;
            let sym = match op.as_str() {
                "set" => return Ok(Assign::Value(to_sql(self.ctx.schema, f, arg)?)),
                "increment" => "+",
                "decrement" => "-",
                "multiply" => "*",
                "divide" => "/",
                _ if matches!(f.kind, policy::ir::FieldKind::Scalar(policy::ir::ScalarType::Json)) => {
                    return Ok(Assign::Value(to_sql(self.ctx.schema, f, v)?));
                }
                other => {
                    return Err(StoreError::invalid(format!("unknown update operation `{other}` on `{}`", f.name)));
                }
            };
            return Ok(Assign::Arith(sym, to_sql(self.ctx.schema, f, arg)?));
        }
        Ok(Assign::Value(to_sql(self.ctx.schema, f, v)?))
    }

    /// Field-level update rules: if any affected row fails the rule of a field being set, the whole
    /// operation is rejected. Rows are the one with `ids`, or those matching `filter` + update rule.
    async fn check_field_updates(
        &mut self,
        model: ModelIdx,
        assigns: &[(FieldIdx, Assign)],
        ids: Option<&Row>,
        filter: Option<&Value>,
    ) -> Result<()> {
        let ctx = self.ctx;
        for (fi, _) in assigns {
            let guard = ctx.field_guard(model, *fi, Operation::Update);
            if guard.is_true() {
                continue;
            }
            let mut w = ctx.writer();
            w.push("SELECT COUNT(*) FROM ").ident(&ctx.model(model).table).push(" AS t0 WHERE ");
            match ids {
                Some(ids) => render_id_match(ctx, &mut w, model, "t0", ids)?,
                None => {
                    render_where(ctx, &mut w, model, "t0", filter)?;
                    w.push(" AND ");
                    ctx.guard(model, Operation::Update).render(&mut w, "t0");
                }
            }
            w.push(" AND NOT ");
            guard.render_two_valued(&mut w, "t0");
            let (sql, params) = w.finish();
            if self.tx.fetch_i64(sql, params).await? > 0 {
                let name = &ctx.model(model).fields[*fi].name;
                return Err(StoreError::rejected(
                    &ctx.model(model).name,
                    crate::error::RejectReason::NoAccess,
                    format!("field `{name}` may not be updated (field-level policy)"),
                ));
            }
        }
        Ok(())
    }

    /// Nested operations on a relation whose foreign key this row holds (to-one).
    async fn owned_nested_update(
        &mut self,
        model: ModelIdx,
        pre: &Row,
        fi: FieldIdx,
        ops: &Map<String, Value>,
        fk: &mut Row,
    ) -> Result<()> {
        let ctx = self.ctx;
        let m = ctx.model(model);
        let target = crate::select::relation_target(ctx, model, fi)?;
        let Some(rel) = m.fields[fi].relation() else { return Ok(()) };
        let RelationKind::Owned { fields, references, .. } = &rel.kind else { return Ok(()) };
        let t = ctx.model(target);
        // The row this one points to now (by its referenced fields).
        let current_filter = || -> Option<Value> {
            let mut o = Map::new();
            for (f, r) in fields.iter().zip(references) {
                let v = pre.get(&m.fields[*f].name)?.clone();
                if v.is_null() {
                    return None;
                }
                o.insert(t.fields[*r].name.clone(), v);
            }
            Some(Value::Object(o))
        };
        for (op, arg) in ops {
            match op.as_str() {
                "connect" => {
                    let row = self.find_readable(target, arg).await?;
                    self.set_fk_from(model, fi, &row, fk);
                }
                "create" => {
                    let Value::Object(d) = arg else {
                        return Err(StoreError::invalid("nested `create` expects an object"));
                    };
                    let row = Box::pin(self.create_row(target, d, &Row::new(), false))
                        .await?
                        .ok_or_else(|| StoreError::invalid("nested create conflicted"))?;
                    self.set_fk_from(model, fi, &row, fk);
                }
                "connectOrCreate" => {
                    let (w, d) = where_and(arg, "create")?;
                    let row = match self.find_readable_opt(target, w).await? {
                        Some(r) => r,
                        None => Box::pin(self.create_row(target, d, &Row::new(), false))
                            .await?
                            .ok_or_else(|| StoreError::invalid("nested create conflicted"))?,
                    };
                    self.set_fk_from(model, fi, &row, fk);
                }
                "disconnect" => {
                    if arg.as_bool() == Some(false) {
                        continue;
                    }
                    if fields.iter().any(|f| !m.fields[*f].optional) {
                        return Err(StoreError::invalid(format!(
                            "`{}` is required and cannot be disconnected",
                            m.fields[fi].name
                        )));
                    }
                    for f in fields {
                        fk.insert(m.fields[*f].name.clone(), Value::Null);
                    }
                }
                "update" | "upsert" | "delete" => {
                    let current = match current_filter() {
                        Some(c) => Some(
                            self.select_raw(
                                target,
                                Some(&c),
                                &ctx.guard(target, if op == "delete" { Operation::Delete } else { Operation::Update }),
                                None,
                                Some(1),
                            )
                            .await?
                            .pop(),
                        )
                        .flatten(),
                        None => None,
                    };
                    match (op.as_str(), current) {
                        ("update", Some(row)) => {
                            let data = match arg.get("data") {
                                Some(Value::Object(d)) if arg.get("where").is_some() => d,
                                _ => arg
                                    .as_object()
                                    .ok_or_else(|| StoreError::invalid("nested `update` expects an object"))?,
                            };
                            Box::pin(self.update_row(target, &row, data)).await?;
                        }
                        ("upsert", Some(row)) => {
                            let d = arg
                                .get("update")
                                .and_then(Value::as_object)
                                .ok_or_else(|| StoreError::invalid("`update` must be an object"))?;
                            Box::pin(self.update_row(target, &row, d)).await?;
                        }
                        ("upsert", None) => {
                            let d = arg
                                .get("create")
                                .and_then(Value::as_object)
                                .ok_or_else(|| StoreError::invalid("`create` must be an object"))?;
                            let row = Box::pin(self.create_row(target, d, &Row::new(), false))
                                .await?
                                .ok_or_else(|| StoreError::invalid("nested create conflicted"))?;
                            self.set_fk_from(model, fi, &row, fk);
                        }
                        ("delete", Some(row)) => {
                            if arg.as_bool() == Some(false) {
                                continue;
                            }
                            if fields.iter().all(|f| m.fields[*f].optional) {
                                for f in fields {
                                    fk.insert(m.fields[*f].name.clone(), Value::Null);
                                }
                            }
                            self.delete_row(target, &row).await?;
                        }
                        _ => return Err(StoreError::not_found(&t.name)),
                    }
                }
                other => return Err(StoreError::invalid(format!("unknown nested operation `{other}`"))),
            }
        }
        Ok(())
    }

    /// Top-level or nested `updateMany`: rows failing the update rule are skipped; returns the count.
    /// `scope` restricts to a parent's children (extra SQL condition on `t0`).
    pub async fn update_many(
        &mut self,
        model: ModelIdx,
        filter: Option<&Value>,
        data: &Map<String, Value>,
        scope: Option<&(dyn Fn(&mut SqlWriter) + Sync)>,
    ) -> Result<u64> {
        let ctx = self.ctx;
        let m = ctx.model(model);
        reject_nested(ctx, model, data)?;
        let mut assigns = Vec::new();
        for (k, v) in data {
            let fi = field_of(ctx, model, k)?;
            assigns.push((fi, self.assignment(model, fi, v)?));
        }
        if assigns.is_empty() {
            return Ok(0);
        }
        for (i, f) in m.fields.iter().enumerate() {
            if f.updated_at && !assigns.iter().any(|(a, _)| *a == i) {
                assigns.push((i, Assign::Value(SqlValue::Timestamp(now_string()))));
            }
        }
        let guard = ctx.guard(model, Operation::Update);
        if guard.is_false() {
            return Ok(0);
        }
        if scope.is_none() {
            self.check_field_updates(model, &assigns, None, filter).await?;
        }
        let post = ctx.guard(model, Operation::PostUpdate);
        let pre_rows = if post.is_true() && ctx.audit.is_none() {
            Vec::new()
        } else {
            self.select_raw(model, filter, &guard, scope, None).await?
        };
        let mut w = ctx.writer();
        w.push("UPDATE ").ident(&m.table).push(" SET ");
        write_assigns(&mut w, m, &assigns);
        w.push(" WHERE ");
        self.write_ids_in(&mut w, model, filter, &guard, scope)?;
        let (sql, params) = w.finish();
        let n = self.tx.execute(sql, params).await?;
        for pre in &pre_rows {
            let ids = self.ids_of(model, pre);
            if ctx.audit.is_some() {
                let after = self.reload(model, &ids).await?;
                self.audit(model, super::AuditAction::Update, Some(pre), Some(&after)).await?;
            }
            if !self.row_passes(model, &ids, &post, Some(pre)).await? {
                return Err(self
                    .reject(
                        model,
                        Operation::PostUpdate,
                        Subject::Stored(&ids, Some(pre)),
                        "post-update rules rejected the update",
                    )
                    .await);
            }
        }
        Ok(n)
    }
}

fn write_assigns(w: &mut SqlWriter, m: &policy::ir::Model, assigns: &[(FieldIdx, Assign)]) {
    for (i, (fi, a)) in assigns.iter().enumerate() {
        if i > 0 {
            w.push(", ");
        }
        let col = &m.fields[*fi].column;
        w.ident(col).push(" = ");
        match a {
            Assign::Value(v) => {
                w.param(v.clone());
            }
            Assign::Arith(op, v) => {
                w.ident(col).push(&format!(" {op} ")).param(v.clone());
            }
        }
    }
}
