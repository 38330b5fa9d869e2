//! Policies of implicit many-to-many join tables: a link is readable when both ends are readable,
//! and may be inserted or deleted when both ends pass their `update` rules.

use std::fmt::Write as _;

use crate::compile::PolicySet;
use crate::diag::Diagnostic;
use crate::ir::{JoinTable, ModelIdx, Operation, Schema};

use super::{comment_line, condition, enable, quote_ident};

/// `EXISTS (SELECT 1 FROM <end> AS a WHERE a.<id> = <join>.<column> [AND <update rule on a>])`.
fn end_exists(
    policies: &PolicySet,
    schema: &Schema,
    mi: ModelIdx,
    column: &str,
    join: &str,
    alias: &str,
    op: Option<Operation>,
) -> Result<String, Diagnostic> {
    let Some(model) = schema.models.get(mi) else {
        return Err(Diagnostic::error(crate::diag::Span::default(), format!("join table end {mi} is not a model")));
    };
    let id = model
        .id
        .first()
        .and_then(|f| model.fields.get(*f))
        .ok_or_else(|| Diagnostic::error(model.span, format!("model `{}` has no id field", model.name)))?;
    let mut s = format!(
        "EXISTS (SELECT 1 FROM {} AS {alias} WHERE {alias}.{} = {join}.{}",
        quote_ident(&model.table),
        quote_ident(&id.column),
        quote_ident(column)
    );
    if let Some(op) = op {
        let cond = condition(policies, mi, model, op, alias, &mut Vec::new());
        let _ = write!(s, " AND {cond}");
    }
    s.push(')');
    Ok(s)
}

pub(super) fn join_table_policies(policies: &PolicySet, jt: &JoinTable, out: &mut String) -> Result<(), Diagnostic> {
    let schema = policies.schema();
    let table = quote_ident(&jt.name);
    let (Some(a), Some(b)) = (schema.models.get(jt.a), schema.models.get(jt.b)) else {
        return Err(Diagnostic::error(
            crate::diag::Span::default(),
            format!("join table `{}` refers to a missing model", jt.name),
        ));
    };
    let _ = writeln!(
        out,
        "\n-- Join table {table} ({} ↔ {}): readable iff both ends are readable; insert/delete iff both\n-- ends pass their update rules (the ends' SELECT policies apply to the subqueries too).",
        comment_line(&a.name),
        comment_line(&b.name)
    );
    enable(out, &table);
    let both = |op: Option<Operation>| -> Result<String, Diagnostic> {
        Ok(format!(
            "({} AND {})",
            end_exists(policies, schema, jt.a, "A", &table, "a", op)?,
            end_exists(policies, schema, jt.b, "B", &table, "b", op)?
        ))
    };
    let read = both(None)?;
    let write = both(Some(Operation::Update))?;
    for (name, clause) in [
        ("manzil_read", format!("FOR SELECT USING (manzil_is_system() OR {read})")),
        ("manzil_create", format!("FOR INSERT WITH CHECK (manzil_is_system() OR {write})")),
        ("manzil_delete", format!("FOR DELETE USING (manzil_is_system() OR {write})")),
    ] {
        let _ = writeln!(out, "DROP POLICY IF EXISTS {} ON {table};", quote_ident(name));
        let _ = writeln!(out, "CREATE POLICY {} ON {table} {clause};", quote_ident(name));
    }
    // Join rows are never updated; without an UPDATE policy RLS refuses updates.
    let _ = writeln!(out, "DROP POLICY IF EXISTS {} ON {table};", quote_ident("manzil_update"));
    Ok(())
}
