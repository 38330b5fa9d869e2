//! The audit hook: every create, update and delete made through the engine writes an audit event
//! in the same transaction, so no handler can forget it.
//!
//! Enabled with [`crate::DbOptions::audit_model`]; the audit model must have the columns `id`
//! (String, generated here), `tenantId`, `actorId`, `action`, `model`, `recordId`, `changes` (Json)
//! and `createdAt`. Writes to the audit model itself are not audited.

use policy::SqlValue;
use policy::ir::ModelIdx;
use serde_json::{Map, Value};

use super::{Row, Writer};
use crate::error::Result;
use crate::value::now_string;

/// What happened to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    Create,
    Update,
    Delete,
}

impl AuditAction {
    fn as_str(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Delete => "delete",
        }
    }
}

impl Writer<'_, '_> {
    /// Records one audit event for `model`'s row (`before` and `after` raw rows; either may be
    /// absent for create and delete). Only changed columns are listed for updates.
    pub async fn audit(
        &mut self,
        model: ModelIdx,
        action: AuditAction,
        before: Option<&Row>,
        after: Option<&Row>,
    ) -> Result<()> {
        let ctx = self.ctx;
        let Some(audit) = ctx.audit else { return Ok(()) };
        if audit == model {
            return Ok(());
        }
        let m = ctx.model(model);
        let Some(row) = after.or(before) else { return Ok(()) };
        let record_id =
            m.id.iter()
                .map(|f| match row.get(&m.fields[*f].name) {
                    Some(Value::String(s)) => s.clone(),
                    Some(v) => v.to_string(),
                    None => String::new(),
                })
                .collect::<Vec<_>>()
                .join(":");
        let changes = match (action, before, after) {
            (AuditAction::Update, Some(b), Some(a)) => {
                let mut diff = Map::new();
                for (k, v) in a {
                    let old = b.get(k).unwrap_or(&Value::Null);
                    if old != v && !is_secret(m, k) {
                        diff.insert(k.clone(), serde_json::json!({ "from": old, "to": v }));
                    }
                }
                if diff.is_empty() {
                    return Ok(());
                }
                Value::Object(diff)
            }
            (AuditAction::Create, _, Some(a)) => {
                Value::Object(a.iter().filter(|(k, _)| !is_secret(m, k)).map(|(k, v)| (k.clone(), v.clone())).collect())
            }
            _ => Value::Null,
        };
        let tenant = ctx
            .auth
            .get(&["tenantId".to_owned()])
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| row.get("tenantId").and_then(Value::as_str).map(str::to_owned))
            .or_else(|| own_tenant_id(ctx.schema, audit, model, row));
        let actor = ctx.auth.get(&["id".to_owned()]).and_then(Value::as_str).map(str::to_owned);
        let am = ctx.model(audit);
        let values: [(&str, SqlValue); 8] = [
            ("id", SqlValue::Text(uuid::Uuid::new_v4().to_string())),
            ("tenantId", tenant.map_or(SqlValue::Null, SqlValue::Text)),
            ("actorId", actor.map_or(SqlValue::Null, SqlValue::Text)),
            ("action", SqlValue::Text(action.as_str().to_owned())),
            ("model", SqlValue::Text(m.name.clone())),
            ("recordId", SqlValue::Text(record_id)),
            ("changes", if changes.is_null() { SqlValue::Null } else { SqlValue::Json(changes.to_string()) }),
            ("createdAt", SqlValue::Timestamp(now_string())),
        ];
        let mut w = ctx.writer();
        w.push("INSERT INTO ").ident(&am.table).push(" (");
        let present: Vec<_> = values
            .into_iter()
            .filter_map(|(name, v)| am.field_index(name).map(|fi| (am.fields[fi].column.clone(), v)))
            .collect();
        for (i, (col, _)) in present.iter().enumerate() {
            if i > 0 {
                w.push(", ");
            }
            w.ident(col);
        }
        w.push(") VALUES (");
        for (i, (_, v)) in present.into_iter().enumerate() {
            if i > 0 {
                w.push(", ");
            }
            w.param(v);
        }
        w.push(")");
        let (sql, params) = w.finish();
        self.tx.execute(sql, params).await?;
        Ok(())
    }
}

/// For the tenant model itself (the target of the audit model's `tenantId` foreign key), the
/// record's own key is its tenant.
fn own_tenant_id(schema: &policy::ir::Schema, audit: ModelIdx, model: ModelIdx, row: &Row) -> Option<String> {
    let am = schema.model(audit);
    let tenant_field = am.field_index("tenantId")?;
    am.fields.iter().find_map(|f| {
        let rel = f.relation()?;
        let policy::ir::RelationKind::Owned { fields, references, .. } = &rel.kind else { return None };
        if rel.target != model || fields.as_slice() != [tenant_field] {
            return None;
        }
        let name = &schema.model(model).fields[*references.first()?].name;
        row.get(name).and_then(Value::as_str).map(str::to_owned)
    })
}

/// Columns whose values never go into the audit log (unreadable to everyone: `@deny('read', true)`).
fn is_secret(m: &policy::ir::Model, field: &str) -> bool {
    m.field_index(field).is_some_and(|fi| {
        m.fields[fi].rules.iter().any(|r| {
            r.kind == policy::ir::RuleKind::Deny
                && r.applies_to(policy::Operation::Read)
                && r.expr == policy::expr::Expr::Lit(policy::ir::Literal::Bool(true))
        })
    })
}
