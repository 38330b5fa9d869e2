//! Nested writes on relations whose foreign key lives on the other side (to-many, inverse to-one)
//! or in an implicit many-to-many join table. Whichever table a statement touches, its rules apply:
//! connecting a child updates the child (its update rule); linking through a join table needs both
//! ends updatable; disconnecting what may not be updated silently does nothing.

use policy::ir::{FieldIdx, ModelIdx, RelationKind};
use policy::{Operation, SqlValue, SqlWriter};
use serde_json::Value;

use super::create::where_and;
use super::{Row, Writer};
use crate::error::{RejectReason, Result, StoreError};
use crate::value::to_sql;

/// How children of one parent are found.
enum Link {
    /// Child columns that must equal the parent's values (child column, value, child field name).
    Fk(Vec<(String, SqlValue, String)>),
    /// Join table, the parent's column there, the child's column there, the parent's id value,
    /// the child's id column.
    Join { table: String, own: String, other: String, parent_id: SqlValue, child_id_col: String },
}

impl Link {
    /// Writes the condition "child `t0` belongs to the parent".
    fn write(&self, w: &mut SqlWriter) {
        match self {
            Link::Fk(cols) => {
                w.push("(");
                for (i, (c, v, _)) in cols.iter().enumerate() {
                    if i > 0 {
                        w.push(" AND ");
                    }
                    w.column("t0", c).push(" = ").param(v.clone());
                }
                w.push(")");
            }
            Link::Join { table, own, other, parent_id, child_id_col } => {
                w.push("EXISTS (SELECT 1 FROM ").ident(table).push(" AS j WHERE j.").ident(other);
                w.push(" = ")
                    .column("t0", child_id_col)
                    .push(" AND j.")
                    .ident(own)
                    .push(" = ")
                    .param(parent_id.clone())
                    .push(")");
            }
        }
    }
}

fn items(arg: &Value) -> Vec<&Value> {
    match arg {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    }
}

impl Writer<'_, '_> {
    fn link_for(&self, model: ModelIdx, parent: &Row, fi: FieldIdx) -> Result<(ModelIdx, Link)> {
        let ctx = self.ctx;
        let m = ctx.model(model);
        let rel = m.fields[fi].relation().ok_or_else(|| StoreError::invalid("not a relation"))?;
        let t = ctx.model(rel.target);
        let link = match &rel.kind {
            RelationKind::Inverse { fields, references } => Link::Fk(
                fields
                    .iter()
                    .zip(references)
                    .map(|(f, r)| {
                        let pf = &m.fields[*r];
                        let v = parent.get(&pf.name).unwrap_or(&Value::Null);
                        Ok((t.fields[*f].column.clone(), to_sql(ctx.schema, pf, v)?, t.fields[*f].name.clone()))
                    })
                    .collect::<Result<_>>()?,
            ),
            RelationKind::ManyToMany { join, column, other_column } => {
                let idf = &m.fields[m.id[0]];
                Link::Join {
                    table: ctx.schema.join_tables[*join].name.clone(),
                    own: column.clone(),
                    other: other_column.clone(),
                    parent_id: to_sql(ctx.schema, idf, parent.get(&idf.name).unwrap_or(&Value::Null))?,
                    child_id_col: t.fields[t.id[0]].column.clone(),
                }
            }
            RelationKind::Owned { .. } => {
                return Err(StoreError::invalid("internal: owned relation in nested_for_parent"));
            }
        };
        Ok((rel.target, link))
    }

    /// Runs the nested operations `ops` of relation `fi` for the stored `parent` row.
    pub(super) async fn nested_for_parent(
        &mut self,
        model: ModelIdx,
        parent: &Row,
        fi: FieldIdx,
        ops: &Value,
        creating: bool,
    ) -> Result<()> {
        let ctx = self.ctx;
        let field = &ctx.model(model).fields[fi];
        let Value::Object(ops) = ops else {
            return Err(StoreError::invalid(format!(
                "relation `{}` expects an object of nested operations",
                field.name
            )));
        };
        let (target, link) = self.link_for(model, parent, fi)?;
        let to_one = !field.list;
        let forced: Row = match &link {
            Link::Fk(cols) => cols.iter().map(|(_, v, name)| (name.clone(), crate::value::sql_to_json(v))).collect(),
            Link::Join { .. } => Row::new(),
        };
        let scope = |w: &mut SqlWriter| link.write(w);
        for (op, arg) in ops {
            if creating && !matches!(op.as_str(), "create" | "createMany" | "connect" | "connectOrCreate") {
                return Err(StoreError::invalid(format!("`{op}` is not allowed when creating")));
            }
            match op.as_str() {
                "create" => {
                    for item in items(arg) {
                        let d =
                            item.as_object().ok_or_else(|| StoreError::invalid("nested `create` expects objects"))?;
                        let child = Box::pin(self.create_row(target, d, &forced, false))
                            .await?
                            .ok_or_else(|| StoreError::invalid("nested create conflicted"))?;
                        if let Link::Join { .. } = link {
                            self.join_link(model, parent, target, &child, &link).await?;
                        }
                    }
                }
                "createMany" => {
                    if let Link::Join { .. } = link {
                        return Err(StoreError::invalid("`createMany` is not supported on many-to-many relations"));
                    }
                    let skip = arg.get("skipDuplicates").and_then(Value::as_bool).unwrap_or(false);
                    let data = arg.get("data").map(items).unwrap_or_default();
                    for item in data {
                        let d =
                            item.as_object().ok_or_else(|| StoreError::invalid("`createMany.data` expects objects"))?;
                        super::create::reject_nested(ctx, target, d)?;
                        Box::pin(self.create_row(target, d, &forced, skip)).await?;
                    }
                }
                "connect" => {
                    for item in items(arg) {
                        self.connect_child(model, parent, target, &link, item, to_one).await?;
                    }
                }
                "connectOrCreate" => {
                    for item in items(arg) {
                        let (w, d) = where_and(item, "create")?;
                        if self.find_readable_opt(target, w).await?.is_some() {
                            self.connect_child(model, parent, target, &link, w, to_one).await?;
                        } else {
                            let child = Box::pin(self.create_row(target, d, &forced, false))
                                .await?
                                .ok_or_else(|| StoreError::invalid("nested create conflicted"))?;
                            if let Link::Join { .. } = link {
                                self.join_link(model, parent, target, &child, &link).await?;
                            }
                        }
                    }
                }
                "disconnect" => {
                    if to_one {
                        if arg.as_bool() != Some(false) {
                            self.disconnect_children(model, parent, target, &link, None).await?;
                        }
                    } else {
                        for item in items(arg) {
                            self.disconnect_children(model, parent, target, &link, Some(item)).await?;
                        }
                    }
                }
                "set" => {
                    self.disconnect_children(model, parent, target, &link, None).await?;
                    for item in items(arg) {
                        self.connect_child(model, parent, target, &link, item, false).await?;
                    }
                }
                "update" => {
                    for item in items(arg) {
                        let (filter, data) = match (item.get("where"), item.get("data")) {
                            (w, Some(Value::Object(d))) => (w, d),
                            (None, _) if to_one => (
                                None,
                                item.as_object()
                                    .ok_or_else(|| StoreError::invalid("nested `update` expects an object"))?,
                            ),
                            _ => return Err(StoreError::invalid("nested `update` expects {where, data}")),
                        };
                        let guard = ctx.guard(target, Operation::Update);
                        let child = self
                            .select_raw(target, filter, &guard, Some(&scope), None)
                            .await?
                            .into_iter()
                            .next()
                            .ok_or_else(|| StoreError::not_found(&ctx.model(target).name))?;
                        Box::pin(self.update_row(target, &child, data)).await?;
                    }
                }
                "updateMany" => {
                    for item in items(arg) {
                        let data = item
                            .get("data")
                            .and_then(Value::as_object)
                            .ok_or_else(|| StoreError::invalid("`updateMany` expects {where, data}"))?;
                        Box::pin(self.update_many(target, item.get("where"), data, Some(&scope))).await?;
                    }
                }
                "delete" => {
                    let filters: Vec<Option<&Value>> = if to_one {
                        if arg.as_bool() == Some(false) { Vec::new() } else { vec![None] }
                    } else {
                        items(arg).into_iter().map(Some).collect()
                    };
                    for filter in filters {
                        let guard = ctx.guard(target, Operation::Delete);
                        let child = self
                            .select_raw(target, filter, &guard, Some(&scope), None)
                            .await?
                            .into_iter()
                            .next()
                            .ok_or_else(|| StoreError::not_found(&ctx.model(target).name))?;
                        self.delete_row(target, &child).await?;
                    }
                }
                "deleteMany" => {
                    for item in items(arg) {
                        self.delete_many(target, Some(item), Some(&scope)).await?;
                    }
                }
                "upsert" => {
                    for item in items(arg) {
                        let create = item
                            .get("create")
                            .and_then(Value::as_object)
                            .ok_or_else(|| StoreError::invalid("`upsert` needs `create`"))?;
                        let update = item
                            .get("update")
                            .and_then(Value::as_object)
                            .ok_or_else(|| StoreError::invalid("`upsert` needs `update`"))?;
                        let guard = ctx.guard(target, Operation::Update);
                        let existing = self
                            .select_raw(target, item.get("where"), &guard, Some(&scope), None)
                            .await?
                            .into_iter()
                            .next();
                        match existing {
                            Some(child) => {
                                Box::pin(self.update_row(target, &child, update)).await?;
                            }
                            None => {
                                let child = Box::pin(self.create_row(target, create, &forced, false))
                                    .await?
                                    .ok_or_else(|| StoreError::invalid("nested create conflicted"))?;
                                if let Link::Join { .. } = link {
                                    self.join_link(model, parent, target, &child, &link).await?;
                                }
                            }
                        }
                    }
                }
                other => return Err(StoreError::invalid(format!("unknown nested operation `{other}`"))),
            }
        }
        Ok(())
    }

    /// Connects the child matching the unique `filter` to the parent.
    async fn connect_child(
        &mut self,
        model: ModelIdx,
        parent: &Row,
        target: ModelIdx,
        link: &Link,
        filter: &Value,
        to_one: bool,
    ) -> Result<()> {
        let ctx = self.ctx;
        match link {
            Link::Fk(cols) => {
                if !crate::filter::is_unique_filter(ctx, target, filter) {
                    return Err(StoreError::invalid("`connect` needs a unique `where`"));
                }
                if to_one {
                    // One-to-one: the previous child lets go first (where its rule allows).
                    self.disconnect_children(model, parent, target, link, None).await.ok();
                }
                let m = ctx.model(target);
                let guard = ctx.guard(target, Operation::Update);
                let mut w = ctx.writer();
                w.push("UPDATE ").ident(&m.table).push(" SET ");
                for (i, (c, v, _)) in cols.iter().enumerate() {
                    if i > 0 {
                        w.push(", ");
                    }
                    w.ident(c).push(" = ").param(v.clone());
                }
                w.push(" WHERE ");
                self.write_ids_in(&mut w, target, Some(filter), &guard, None)?;
                let (sql, params) = w.finish();
                if self.tx.execute(sql, params).await? == 0 {
                    return Err(StoreError::not_found(&m.name));
                }
                Ok(())
            }
            Link::Join { .. } => {
                let child = self.find_readable(target, filter).await?;
                self.join_link(model, parent, target, &child, link).await
            }
        }
    }

    /// Inserts a join-table row; both ends must be updatable.
    async fn join_link(
        &mut self,
        model: ModelIdx,
        parent: &Row,
        target: ModelIdx,
        child: &Row,
        link: &Link,
    ) -> Result<()> {
        let Link::Join { table, own, other, parent_id, .. } = link else { return Ok(()) };
        let ctx = self.ctx;
        let pids = self.ids_of(model, parent);
        let cids = self.ids_of(target, child);
        for (m, ids) in [(model, &pids), (target, &cids)] {
            let guard = ctx.guard(m, Operation::Update);
            if !self.row_passes(m, ids, &guard, None).await? {
                return Err(StoreError::rejected(
                    &ctx.model(m).name,
                    RejectReason::NoAccess,
                    format!("many-to-many relation participant model \"{}\" not updatable", ctx.model(m).name),
                ));
            }
        }
        let t = ctx.model(target);
        let idf = &t.fields[t.id[0]];
        let child_id = to_sql(ctx.schema, idf, child.get(&idf.name).unwrap_or(&Value::Null))?;
        let mut w = ctx.writer();
        w.push("INSERT INTO ").ident(table).push(" (").ident(own).push(", ").ident(other).push(") VALUES (");
        w.param(parent_id.clone()).push(", ").param(child_id).push(") ON CONFLICT DO NOTHING");
        let (sql, params) = w.finish();
        self.tx.execute(sql, params).await?;
        Ok(())
    }

    /// Detaches the parent's children matching `filter` (all when `None`) that may be updated;
    /// the others stay, silently.
    async fn disconnect_children(
        &mut self,
        model: ModelIdx,
        parent: &Row,
        target: ModelIdx,
        link: &Link,
        filter: Option<&Value>,
    ) -> Result<()> {
        let ctx = self.ctx;
        let m = ctx.model(target);
        let guard = ctx.guard(target, Operation::Update);
        match link {
            Link::Fk(cols) => {
                for (c, _, name) in cols {
                    let f = m.field_index(name).map(|i| &m.fields[i]);
                    if f.is_some_and(|f| !f.optional) {
                        let _ = c;
                        return Err(StoreError::invalid(format!(
                            "`{name}` of `{}` is required: children cannot be disconnected",
                            m.name
                        )));
                    }
                }
                let mut w = ctx.writer();
                w.push("UPDATE ").ident(&m.table).push(" SET ");
                for (i, (c, _, _)) in cols.iter().enumerate() {
                    if i > 0 {
                        w.push(", ");
                    }
                    w.ident(c).push(" = NULL");
                }
                w.push(" WHERE ");
                self.write_ids_in(&mut w, target, filter, &guard, Some(&|w: &mut SqlWriter| link.write(w)))?;
                let (sql, params) = w.finish();
                self.tx.execute(sql, params).await?;
            }
            Link::Join { table, own, other, parent_id, child_id_col } => {
                // The parent must be updatable too; otherwise nothing happens.
                let pids = self.ids_of(model, parent);
                let pguard = ctx.guard(model, Operation::Update);
                if !self.row_passes(model, &pids, &pguard, None).await? {
                    return Ok(());
                }
                let mut w = ctx.writer();
                w.push("DELETE FROM ").ident(table).push(" WHERE ").ident(own).push(" = ").param(parent_id.clone());
                w.push(" AND ").ident(other).push(" IN (SELECT ").column("t0", child_id_col);
                w.push(" FROM ").ident(&m.table).push(" AS t0 WHERE ");
                crate::filter::render_where(ctx, &mut w, target, "t0", filter)?;
                w.push(" AND ");
                guard.render(&mut w, "t0");
                w.push(")");
                let (sql, params) = w.finish();
                self.tx.execute(sql, params).await?;
            }
        }
        Ok(())
    }
}
