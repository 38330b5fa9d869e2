//! Lints beyond the language's own checks, run by `manzil policy check`.
//!
//! **Tenant wall:** a model that holds a `tenantId` column must have, for every operation it allows
//! at all (create, read, update, delete), a rule of that operation that reads its `tenantId` — so no
//! model can be added to the schema and forget the tenant wall.

use crate::diag::Diagnostic;
use crate::expr::Expr;
use crate::ir::{FieldIdx, Operation, RuleKind, Schema};

/// The field that marks a tenant-owned model.
pub const TENANT_FIELD: &str = "tenantId";

/// Errors for tenant-owned models whose rules never look at `tenantId` for an allowed operation.
pub fn tenant_wall(schema: &Schema) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for model in &schema.models {
        let Some(tenant) = model.field_index(TENANT_FIELD) else { continue };
        let missing: Vec<&str> = [Operation::Create, Operation::Read, Operation::Update, Operation::Delete]
            .into_iter()
            .filter(|op| {
                let allowed = model.rules_for(RuleKind::Allow, *op).next().is_some();
                let walled = model.rules.iter().any(|r| r.applies_to(*op) && mentions(&r.expr, tenant));
                allowed && !walled
            })
            .map(Operation::as_str)
            .collect();
        if !missing.is_empty() {
            out.push(
                Diagnostic::error(
                    model.span,
                    format!(
                        "model `{}` holds `{TENANT_FIELD}` but no rule for {} reads it: other agencies' rows would be reachable",
                        model.name,
                        missing.join(", ")
                    ),
                )
                .with_hint("extend the shared tenant base, or add `@@deny('all', tenantId != auth().tenantId)`"),
            );
        }
    }
    out
}

/// Whether `expr` reads this model's own column `field` (scope 0, no relation hops).
fn mentions(expr: &Expr, field: FieldIdx) -> bool {
    match expr {
        Expr::Column { scope: 0, hops, field: f, .. } => hops.is_empty() && *f == field,
        Expr::Before { field: f } => *f == field,
        Expr::Compare { lhs, rhs, .. } | Expr::In { lhs, rhs } | Expr::And(lhs, rhs) | Expr::Or(lhs, rhs) => {
            mentions(lhs, field) || mentions(rhs, field)
        }
        Expr::Not(e) | Expr::IsEmpty(e) => mentions(e, field),
        Expr::Collection { body, .. } | Expr::AuthCollection { body, .. } => mentions(body, field),
        Expr::StringFn { target, value, .. } => mentions(target, field) || mentions(value, field),
        Expr::ListFn { list, value, .. } => mentions(list, field) || mentions(value, field),
        Expr::Lit(_)
        | Expr::Column { .. }
        | Expr::ToOne { .. }
        | Expr::Auth { .. }
        | Expr::AuthElement { .. }
        | Expr::Now
        | Expr::Check { .. }
        | Expr::CurrentModel(_)
        | Expr::CurrentOperation(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::tenant_wall;

    fn lint(src: &str) -> Vec<String> {
        match crate::load(src) {
            Ok(l) => tenant_wall(&l.schema).iter().map(|d| d.message.clone()).collect(),
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn a_tenant_owned_model_without_a_tenant_rule_fails() {
        let msgs = lint(
            "type Auth { id String @id tenantId String @@auth }\n\
             model Note { id Int @id tenantId String body String @@allow('read', true) @@allow('create', tenantId == auth().tenantId) }",
        );
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].contains("`Note`") && msgs[0].contains("read") && !msgs[0].contains("create"), "{msgs:?}");
    }

    #[test]
    fn a_shared_base_satisfies_the_lint() {
        let msgs = lint(
            "type Auth { id String @id tenantId String @@auth }\n\
             abstract model Owned { tenantId String @@deny('all', tenantId != auth().tenantId) }\n\
             model Note extends Owned { id Int @id @@allow('all', true) }\n\
             model Free { id Int @id @@allow('read', true) }",
        );
        assert!(msgs.is_empty(), "{msgs:?}");
    }

    #[test]
    fn operations_nobody_may_do_need_no_wall() {
        let msgs = lint(
            "type Auth { id String @id tenantId String @@auth }\n\
             model Log { id Int @id tenantId String @@allow('read', tenantId == auth().tenantId) }",
        );
        assert!(msgs.is_empty(), "{msgs:?}");
    }

    #[test]
    fn the_crm_schema_passes() {
        let src = include_str!("../../../schema.zmodel");
        assert!(lint(src).is_empty());
    }
}
