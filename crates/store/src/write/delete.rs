//! Deleting rows under the delete rule.

use policy::ir::ModelIdx;
use policy::{Operation, SqlWriter};
use serde_json::Value;

use super::{Row, Writer};
use crate::error::Result;
use crate::filter::render_id_match_unqualified;

impl Writer<'_, '_> {
    /// Deletes a stored row (the caller has checked the delete rule) and records it.
    pub async fn delete_row(&mut self, model: ModelIdx, row: &Row) -> Result<u64> {
        let ids = self.ids_of(model, row);
        let n = self.delete_ids(model, &ids).await?;
        self.audit(model, super::AuditAction::Delete, Some(row), None).await?;
        Ok(n)
    }

    /// Deletes the row with `ids` (the caller has checked the delete rule; no audit event).
    async fn delete_ids(&mut self, model: ModelIdx, ids: &Row) -> Result<u64> {
        let m = self.ctx.model(model);
        let mut w = self.ctx.writer();
        w.push("DELETE FROM ").ident(&m.table).push(" WHERE ");
        render_id_match_unqualified(self.ctx, &mut w, model, ids)?;
        let (sql, params) = w.finish();
        self.tx.execute(sql, params).await
    }

    /// `deleteMany`: deletes the matching rows the delete rule allows; returns the count.
    pub async fn delete_many(
        &mut self,
        model: ModelIdx,
        filter: Option<&Value>,
        scope: Option<&(dyn Fn(&mut SqlWriter) + Sync)>,
    ) -> Result<u64> {
        let ctx = self.ctx;
        let m = ctx.model(model);
        let guard = ctx.guard(model, Operation::Delete);
        if guard.is_false() {
            return Ok(0);
        }
        if ctx.audit.is_some() {
            // One event per row: find the rows first, then delete them one by one.
            let rows = self.select_raw(model, filter, &guard, scope, None).await?;
            for row in &rows {
                self.delete_row(model, row).await?;
            }
            return Ok(rows.len() as u64);
        }
        let mut w = ctx.writer();
        w.push("DELETE FROM ").ident(&m.table).push(" WHERE ");
        self.write_ids_in(&mut w, model, filter, &guard, scope)?;
        let (sql, params) = w.finish();
        self.tx.execute(sql, params).await
    }
}
