//! Snapshots of the SQL the predicate compiler renders, for SQLite and PostgreSQL, for a fixture
//! schema that uses every construct, under several callers (admin, agent, partial auth, anonymous).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests and benchmarks fail loudly on broken fixtures"
)]

use std::fmt::Write as _;
use std::sync::Arc;

use policy::{Auth, Dialect, Operation, PolicySet, Pred, RenderEnv};
use serde_json::{Map, Value, json};

const SCHEMA: &str = include_str!("fixtures/policy.zmodel");

fn policies() -> PolicySet {
    match policy::load(SCHEMA) {
        Ok(l) => PolicySet::new(Arc::new(l.schema)),
        Err(d) => panic!("fixture does not load: {d:?}"),
    }
}

fn callers() -> [(&'static str, Auth); 4] {
    [
        (
            "admin",
            Auth(Some(json!({
                "id": "u0", "tenantId": "T1", "role": "ADMIN", "email": "boss@x.io", "skills": [],
                "memberships": [{"tenantId": "T1", "role": "ADMIN"}]
            }))),
        ),
        (
            "agent",
            Auth(Some(json!({
                "id": "u1", "tenantId": "T1", "role": "AGENT", "email": "a_1%@x.io", "skills": ["s1", "s2"],
                "memberships": [{"tenantId": "T1", "role": "AGENT"}, {"tenantId": "T2", "role": "VIEWER"}]
            }))),
        ),
        ("partial", Auth(Some(json!({"id": "u2"})))),
        ("anonymous", Auth::anonymous()),
    ]
}

fn before() -> Map<String, Value> {
    match json!({"status": "NEW", "value": 10}) {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn show(out: &mut String, label: &str, pred: &Pred, before: Option<&Map<String, Value>>) {
    let env = RenderEnv { alias: "t0", before };
    if pred.is_true() || pred.is_false() {
        let _ = writeln!(out, "{label}: {}", if pred.is_true() { "ALWAYS" } else { "NEVER" });
        return;
    }
    for dialect in [Dialect::Sqlite, Dialect::Postgres] {
        let (sql, params) = pred.to_sql(dialect, &env);
        let d = if dialect == Dialect::Sqlite { "sqlite" } else { "pg    " };
        let _ = writeln!(out, "{label} [{d}]: {sql}\n    params: {params:?}");
    }
}

fn model_snapshot(ps: &PolicySet, model: &str) -> String {
    let Some(mi) = ps.schema().model_index(model) else { panic!("no model {model}") };
    let before = before();
    let mut out = String::new();
    for op in Operation::ALL {
        let _ = writeln!(out, "== {model} {}", op.as_str());
        for (who, auth) in callers() {
            let b = (op == Operation::PostUpdate).then_some(&before);
            show(&mut out, who, &ps.filter(mi, op, &auth), b);
        }
    }
    out
}

#[test]
fn model_filters() {
    let ps = policies();
    for model in ["Org", "User", "Membership", "Team", "Lead", "Note"] {
        insta::assert_snapshot!(format!("model_{model}"), model_snapshot(&ps, model));
    }
}

#[test]
fn field_filters() {
    let ps = policies();
    let mut out = String::new();
    for (model, field) in [("User", "salary"), ("Lead", "secret"), ("Lead", "title")] {
        let mi = ps.schema().model_index(model).unwrap_or(usize::MAX);
        let fi = ps.schema().models[mi].field_index(field).unwrap_or(usize::MAX);
        for op in [Operation::Read, Operation::Update] {
            let _ = writeln!(out, "== {model}.{field} {}", op.as_str());
            for (who, auth) in callers() {
                show(&mut out, who, &ps.field_filter(mi, fi, op, &auth), None);
            }
        }
    }
    insta::assert_snapshot!("field_filters", out);
}

#[test]
fn rule_filters_name_each_rule() {
    let ps = policies();
    let mi = ps.schema().model_index("Lead").unwrap_or(usize::MAX);
    let mut out = String::new();
    for (who, auth) in callers() {
        for (rule, pred) in ps.rule_filters(mi, Operation::Delete, &auth) {
            show(&mut out, &format!("{who} line {} {}", rule.span.line, rule.source), &pred, None);
        }
    }
    insta::assert_snapshot!("rule_filters_lead_delete", out);
}

#[test]
fn key_decisions() {
    let ps = policies();
    let lead = ps.schema().model_index("Lead").unwrap_or(usize::MAX);
    let [admin, agent, partial, anon] = callers().map(|(_, a)| a);
    // The tenant deny still applies to the admin; the admin's allow folds away.
    let (sql, params) = ps.filter(lead, Operation::Read, &admin).to_sql(Dialect::Sqlite, &RenderEnv::new("t0"));
    assert_eq!(sql, r#"(t0."tenantId" = ?)"#);
    assert_eq!(params.len(), 1);
    assert!(ps.filter(lead, Operation::Read, &anon).is_false());
    assert!(ps.filter(lead, Operation::Read, &partial).is_false());
    assert!(!ps.filter(lead, Operation::Read, &agent).is_false());
    // No allow rule: never; post-update without allow rules: always (denies aside).
    let org = ps.schema().model_index("Org").unwrap_or(usize::MAX);
    assert!(ps.filter(org, Operation::Create, &admin).is_false());
    assert!(ps.filter(org, Operation::PostUpdate, &admin).is_true());
    assert!(ps.has_rules(lead, Operation::Delete));
    assert!(!ps.has_rules(org, Operation::Delete));
    assert!(ps.has_field_rules(lead, Operation::Read));
    assert!(!ps.has_field_rules(org, Operation::Read));
    let names: Vec<&str> =
        ps.before_fields(lead).iter().map(|f| ps.schema().models[lead].fields[*f].name.as_str()).collect();
    assert_eq!(names, ["status", "value"]);
    assert!(ps.diagnostics().is_empty(), "{:?}", ps.diagnostics());
}

#[test]
fn create_checks_decide_in_memory() {
    let ps = policies();
    let lead = ps.schema().model_index("Lead").unwrap_or(usize::MAX);
    let [_, agent, _, anon] = callers().map(|(_, a)| a);
    let row = |tenant: &str| match json!({"id": "l1", "tenantId": tenant, "title": "x"}) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    let env = RenderEnv::new("t0");
    assert_eq!(ps.filter(lead, Operation::Create, &agent).eval(&row("T1"), &env), Some(true));
    assert_eq!(ps.filter(lead, Operation::Create, &agent).eval(&row("T2"), &env), Some(false));
    assert_eq!(ps.filter(lead, Operation::Create, &anon).eval(&row("T1"), &env), Some(false));
    // A rule reading a relation must go to SQL.
    let note = ps.schema().model_index("Note").unwrap_or(usize::MAX);
    assert_eq!(ps.filter(note, Operation::Read, &agent).eval(&row("T1"), &env), None);
}

#[test]
fn rls_script() {
    let ps = policies();
    let script = match policy::rls::emit_rls(&ps) {
        Ok(s) => s,
        Err(d) => panic!("{d:?}"),
    };
    insta::assert_snapshot!("rls_script", script.sql);
    let warnings: String = script.warnings.iter().map(|w| format!("{w}\n")).collect();
    insta::assert_snapshot!("rls_warnings", warnings);
}

#[test]
fn where_rendering_drops_top_level_truth_tests() {
    let ps = policies();
    let lead = ps.schema().model_index("Lead").unwrap_or(usize::MAX);
    let [_, agent, _, _] = callers().map(|(_, a)| a);
    let mut out = String::new();
    for dialect in [Dialect::Sqlite, Dialect::Postgres] {
        let mut w = policy::SqlWriter::new(dialect);
        ps.filter(lead, Operation::Read, &agent).render_where(&mut w, &RenderEnv::new("t0"));
        let _ = writeln!(out, "{}", w.sql());
    }
    insta::assert_snapshot!("render_where_lead_read_agent", out);
}
