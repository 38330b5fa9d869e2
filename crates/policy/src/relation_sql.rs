//! SQL for walking a relation from an outer row to related rows, shared by the predicate compiler
//! (collection predicates, to-one traversals) and the query engine (relation filters, includes).

use crate::ir::{FieldIdx, ModelIdx, RelationKind, Schema};
use crate::sql::SqlWriter;

/// Writes `FROM "<target>" AS <inner> … WHERE <join>` for relation field `field` of `model`, joining
/// to the row aliased `outer`, and returns the target's alias. The caller may continue with
/// ` AND …`. For implicit many-to-many relations the join table is joined in.
///
/// # Panics
/// Never for a checked schema: `field` must be a relation field of `model`.
pub fn related_from(w: &mut SqlWriter, schema: &Schema, model: ModelIdx, field: FieldIdx, outer: &str) -> String {
    let inner = w.fresh_alias();
    related_from_as(w, schema, model, field, outer, &inner);
    inner
}

/// As [`related_from`], with the target's alias chosen by the caller (who may have written a select
/// list that uses it already).
pub fn related_from_as(w: &mut SqlWriter, schema: &Schema, model: ModelIdx, field: FieldIdx, outer: &str, inner: &str) {
    let m = schema.model(model);
    let Some(rel) = m.field(field).relation() else {
        // A checked schema never asks this; keep SQL valid and empty rather than panic.
        w.push("FROM (SELECT 1) AS ").push(inner).push(" WHERE 1 = 0");
        return;
    };
    let target = schema.model(rel.target);
    w.push("FROM ").ident(&target.table).push(" AS ").push(inner);
    match &rel.kind {
        RelationKind::Owned { fields, references, .. } => {
            w.push(" WHERE ");
            join_pairs(w, inner, target, references, outer, m, fields);
        }
        RelationKind::Inverse { fields, references } => {
            w.push(" WHERE ");
            join_pairs(w, inner, target, fields, outer, m, references);
        }
        RelationKind::ManyToMany { join, column, other_column } => {
            let jt = &schema.join_tables[*join];
            let j = w.fresh_alias();
            let target_id = &target.fields[target.id[0]].column;
            let own_id = &m.fields[m.id[0]].column;
            w.push(" INNER JOIN ").ident(&jt.name).push(" AS ").push(&j);
            w.push(" ON ").column(&j, other_column).push(" = ").column(inner, target_id);
            w.push(" WHERE ").column(&j, column).push(" = ").column(outer, own_id);
        }
    }
}

/// `a.x1 = b.y1 AND a.x2 = b.y2 …`
fn join_pairs(
    w: &mut SqlWriter,
    a: &str,
    a_model: &crate::ir::Model,
    a_fields: &[FieldIdx],
    b: &str,
    b_model: &crate::ir::Model,
    b_fields: &[FieldIdx],
) {
    for (i, (fa, fb)) in a_fields.iter().zip(b_fields).enumerate() {
        if i > 0 {
            w.push(" AND ");
        }
        w.column(a, &a_model.fields[*fa].column).push(" = ").column(b, &b_model.fields[*fb].column);
    }
}
