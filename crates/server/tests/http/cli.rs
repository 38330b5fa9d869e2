//! The `manzil` binary's commands that set up data, run as a user would run them (the built
//! binary, a fresh data directory, SQLite).

use std::path::Path;
use std::process::{Command, Output};

fn manzil(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_manzil"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("MANZIL__DATABASE__URL")
        .output()
        .expect("run manzil")
}

fn text(out: &Output) -> (String, String) {
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn seed_needs_the_demo_flag_and_creates_nothing_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = manzil(dir.path(), &["seed"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--demo"), "{err}");
    assert!(!dir.path().join("manzil.db").exists(), "no database is created without --demo");
}

#[test]
fn seed_demo_loads_both_agencies_once_and_prints_the_logins() {
    let dir = tempfile::tempdir().unwrap();
    let first = manzil(dir.path(), &["seed", "--demo"]);
    let (out, err) = text(&first);
    assert!(first.status.success(), "{out}\n{err}");
    for login in ["admin@dar.demo", "agent1@dar.demo", "manager@harbor.demo", "demo1234", "http://dar.localhost:8080/"]
    {
        assert!(out.contains(login), "missing {login} in:\n{out}");
    }
    // Seeding again leaves the agencies as they are; creating the same agency by hand is refused.
    let again = manzil(dir.path(), &["seed", "--demo"]);
    assert!(again.status.success(), "{}", text(&again).1);
    let dup = manzil(dir.path(), &["tenant", "create", "--slug", "dar", "--name", "Dar again"]);
    assert!(!dup.status.success(), "a second `dar` agency was created: {}", text(&dup).0);
    // The seeded agency takes new users from the CLI.
    let created = manzil(
        dir.path(),
        &["user", "create", "--tenant", "dar", "--email", "new@dar.demo", "--name", "New", "--role", "agent"],
    );
    assert!(created.status.success(), "{}", text(&created).1);
}
