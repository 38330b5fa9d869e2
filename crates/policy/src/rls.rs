//! PostgreSQL row-level security from the same rules: a second wall in the database, for queries
//! that do not go through the engine.
//!
//! For every table the script enables and forces RLS and creates one policy per command: `read` →
//! `FOR SELECT USING`, `create` → `FOR INSERT WITH CHECK`, `update` → `FOR UPDATE USING (update)
//! WITH CHECK (post-update)`, `delete` → `FOR DELETE USING`, each combined like the engine ("some
//! allow IS TRUE and every deny IS FALSE"). Implicit many-to-many join tables are readable when both
//! ends are readable (the subqueries on the ends are filtered by the ends' own `SELECT` policies)
//! and insertable/deletable when both ends pass their `update` rules (and, PostgreSQL being what it
//! is, are readable). The script is idempotent (`DROP POLICY IF EXISTS` first).
//!
//! `auth()` is read from the transaction-local setting `manzil.auth` (the engine runs
//! `set_config('manzil.auth', <json>, true)` at the start of each transaction); unset means
//! anonymous. The engine's system actor (`as_system`) sets `{"$system": true}`, which every policy
//! admits through `manzil_is_system()`.
//!
//! **The wall is never stricter than the engine.** A policy cannot see `before()`, and a rule that
//! reads another table (a to-one traversal, a collection predicate, `check()`) would be evaluated
//! with that table's own policies applied inside the subquery (stricter than the engine, and
//! mutually referring policies fail with "infinite recursion"). Such parts of a rule are replaced by
//! the constant that makes the rule more permissive — an allow that cannot be expressed becomes TRUE
//! (in effect), a deny that cannot be expressed becomes FALSE — and each affected rule is reported as
//! a warning with its model and source line, never dropped silently. Field-level rules are not
//! enforced by RLS.

mod join;
mod relax;

use std::fmt::Write as _;

use crate::compile::{PolicySet, combine_rules, render_rls};
use crate::diag::Diagnostic;
use crate::ir::{Model, ModelIdx, Operation, RuleKind};
use crate::sql::{Dialect, SqlWriter};

use relax::{Reason, relax};

/// The generated script and what it could not enforce exactly.
#[derive(Debug, Clone)]
pub struct RlsScript {
    /// SQL statements separated by `;` and newlines, with comments.
    pub sql: String,
    /// One warning per rule (and model) that RLS enforces more permissively than the engine.
    pub warnings: Vec<Diagnostic>,
}

/// The RLS script for every table of `policies`' schema. See the module documentation for what is
/// enforced. Fails only for a schema the checker would not produce (a join-table end without an id).
pub fn emit_rls(policies: &PolicySet) -> Result<RlsScript, Vec<Diagnostic>> {
    let schema = policies.schema();
    let mut out = String::new();
    let mut warnings = Vec::new();
    out.push_str(HEADER);
    for (mi, model) in schema.models.iter().enumerate() {
        model_policies(policies, mi, model, &mut out, &mut warnings);
    }
    let mut errors = Vec::new();
    for jt in &schema.join_tables {
        if let Err(e) = join::join_table_policies(policies, jt, &mut out) {
            errors.push(e);
        }
    }
    if errors.is_empty() { Ok(RlsScript { sql: out, warnings }) } else { Err(errors) }
}

const HEADER: &str = "\
-- Row-level security generated from the access rules in schema.zmodel (idempotent: re-run after
-- every schema change). auth() is read from the transaction-local setting manzil.auth, set by the
-- engine with set_config('manzil.auth', <json>, true); unset means anonymous. Rules that read
-- before() or another table are enforced more permissively here (see the warnings); field-level
-- rules are enforced by the engine only.

-- The engine's named bypass (`as_system(\"reason\")`) runs with {\"$system\": true} as its auth
-- context; every policy lets it through. Only the engine sets manzil.auth, and it exposes no raw SQL.
CREATE OR REPLACE FUNCTION manzil_is_system() RETURNS boolean LANGUAGE sql STABLE AS $fn$
  SELECT coalesce((NULLIF(current_setting('manzil.auth', true), '')::jsonb ->> '$system') = 'true', false)
$fn$;
";

const COMMANDS: [(Operation, &str, &str); 4] = [
    (Operation::Read, "manzil_read", "SELECT"),
    (Operation::Create, "manzil_create", "INSERT"),
    (Operation::Update, "manzil_update", "UPDATE"),
    (Operation::Delete, "manzil_delete", "DELETE"),
];

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// One line of a SQL comment (no line breaks).
fn comment_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn enable(out: &mut String, table: &str) {
    let _ = writeln!(out, "ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;");
    let _ = writeln!(out, "ALTER TABLE {table} FORCE ROW LEVEL SECURITY;");
}

/// The relaxed, combined condition of `model` for `op`, rendered against `alias`; records the
/// rules that had to be relaxed.
fn condition(
    policies: &PolicySet,
    mi: ModelIdx,
    model: &Model,
    op: Operation,
    alias: &str,
    relaxed: &mut Vec<(usize, Vec<Reason>)>,
) -> String {
    let mut allows = Vec::new();
    let mut denies = Vec::new();
    for (ri, raw) in policies.compiled_rules(mi, op) {
        let Some(rule) = model.rules.get(*ri) else {
            continue;
        };
        let mut why = Vec::new();
        let positive = rule.kind == RuleKind::Allow;
        let n = relax(raw, positive, &mut why);
        if !why.is_empty() {
            relaxed.push((*ri, why));
        }
        if positive {
            allows.push(n);
        } else {
            denies.push(n);
        }
    }
    let combined = combine_rules(model, op, allows, denies);
    let mut w = SqlWriter::new(Dialect::Postgres);
    render_rls(policies.schema(), &combined, alias, &mut w);
    w.finish().0
}

fn model_policies(policies: &PolicySet, mi: ModelIdx, model: &Model, out: &mut String, warnings: &mut Vec<Diagnostic>) {
    let table = quote_ident(&model.table);
    let _ = writeln!(out, "\n-- Model {} (table {table})", comment_line(&model.name));
    enable(out, &table);
    // (rule index, operation, reasons) of relaxed rules, reported once per rule.
    let mut relaxed_rules: Vec<(usize, Vec<Operation>, Vec<Reason>)> = Vec::new();
    for (op, name, command) in COMMANDS {
        let mut relaxed = Vec::new();
        let using = condition(policies, mi, model, op, &table, &mut relaxed);
        let mut relaxed: Vec<(usize, Operation, Vec<Reason>)> =
            relaxed.into_iter().map(|(ri, why)| (ri, op, why)).collect();
        let check = (op == Operation::Update).then(|| {
            let mut post = Vec::new();
            let c = condition(policies, mi, model, Operation::PostUpdate, &table, &mut post);
            relaxed.extend(post.into_iter().map(|(ri, why)| (ri, Operation::PostUpdate, why)));
            c
        });
        let _ = writeln!(out, "-- {}:", op.as_str());
        let ops = if op == Operation::Update { vec![Operation::Update, Operation::PostUpdate] } else { vec![op] };
        let mut any = false;
        for rule in model.rules.iter().filter(|r| ops.iter().any(|o| r.applies_to(*o))) {
            any = true;
            let from = if rule.declared_in == model.name {
                String::new()
            } else {
                format!(" (from {})", comment_line(&rule.declared_in))
            };
            let _ = writeln!(out, "--   line {}{from}: {}", rule.span.line, comment_line(&rule.source));
        }
        if !any {
            let _ = writeln!(out, "--   (no rules)");
        }
        let _ = writeln!(out, "DROP POLICY IF EXISTS {} ON {table};", quote_ident(name));
        let _ = write!(out, "CREATE POLICY {} ON {table} FOR {command}", quote_ident(name));
        match (command, check) {
            ("INSERT", _) => {
                let _ = writeln!(out, " WITH CHECK (manzil_is_system() OR {using});");
            }
            (_, Some(check)) => {
                let _ =
                    writeln!(out, " USING (manzil_is_system() OR {using}) WITH CHECK (manzil_is_system() OR {check});");
            }
            _ => {
                let _ = writeln!(out, " USING (manzil_is_system() OR {using});");
            }
        }
        for (ri, rule_op, why) in relaxed {
            match relaxed_rules.iter_mut().find(|(i, ..)| *i == ri) {
                Some((_, ops, reasons)) => {
                    if !ops.contains(&rule_op) {
                        ops.push(rule_op);
                    }
                    reasons.extend(why);
                }
                None => relaxed_rules.push((ri, vec![rule_op], why)),
            }
        }
    }
    for (ri, ops, mut reasons) in relaxed_rules {
        let Some(rule) = model.rules.get(ri) else {
            continue;
        };
        reasons.sort();
        reasons.dedup();
        let ops: Vec<&str> = ops.iter().map(|o| o.as_str()).collect();
        let why: Vec<&str> = reasons.iter().map(|r| r.describe()).collect();
        let effect = match rule.kind {
            RuleKind::Allow => "allows more",
            RuleKind::Deny => "denies less",
        };
        warnings.push(
            Diagnostic::warning(
                rule.span,
                format!(
                    "row-level security cannot fully enforce `{}` on model `{}` (line {}): {}; its RLS policy for {} {effect} than the engine, which still enforces the rule exactly",
                    comment_line(&rule.source),
                    model.name,
                    rule.span.line,
                    why.join("; "),
                    ops.join(", "),
                ),
            )
            .with_hint("rules that only compare this row's own columns with auth() and literals are enforced by RLS exactly"),
        );
    }
}
