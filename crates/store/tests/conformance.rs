//! The policy conformance suite: every case under `conformance/cases/` runs on a fresh SQLite
//! database and on a fresh PostgreSQL schema, and must produce what it expects.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests and benchmarks fail loudly on broken fixtures"
)]

use std::path::PathBuf;

use store::cases::{Case, Target, check, parse_cases, run_case};

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../conformance/cases")
}

fn load_all() -> Vec<(String, Case)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let file = f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        for c in parse_cases(&text).unwrap_or_else(|e| panic!("{file}: {e}")) {
            out.push((file.clone(), c));
        }
    }
    out
}

async fn run_all(target: Target) {
    let cases = load_all();
    assert!(cases.len() >= 150, "the suite should hold at least 150 cases, found {}", cases.len());
    let mut names = std::collections::HashSet::new();
    for (file, c) in &cases {
        assert!(!c.name.is_empty(), "{file}: a case has no name");
        assert!(names.insert(c.name.clone()), "{file}: duplicate case name `{}`", c.name);
        assert!(c.expect.is_some(), "{file}: case `{}` has no `expect`", c.name);
    }
    // Cases are independent (a fresh database each): run several at once.
    let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(6));
    let mut tasks = tokio::task::JoinSet::new();
    for (file, case) in cases.iter().cloned() {
        let target = target.clone();
        let permits = permits.clone();
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await.expect("semaphore");
            let out = run_case(&case, &target).await;
            check(&case, &out).map_err(|why| format!("{file} :: {} — {why}\n    output: {out}", case.name))
        });
    }
    let mut failures = Vec::new();
    while let Some(done) = tasks.join_next().await {
        if let Err(msg) = done.expect("case task") {
            failures.push(msg);
        }
    }
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed on {:?}:\n{}",
        failures.len(),
        cases.len(),
        target.dialect(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn conformance_sqlite() {
    run_all(Target::Sqlite).await;
}

#[tokio::test]
async fn conformance_postgres() {
    let url = std::env::var("MANZIL_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    run_all(Target::Postgres { url }).await;
}
