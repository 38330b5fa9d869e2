//! `manzil policy check | explain | exec`: tools for people who write rules.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use policy::{Auth, Operation, PolicySet, RenderEnv, SqlWriter};
use store::cases::{Target, check, parse_cases, run_case};

use super::{DialectArg, load_schema};

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Check a schema: diagnostics with line:column; exits non-zero on errors.
    Check {
        #[arg(default_value = "schema.zmodel")]
        schema: PathBuf,
    },
    /// Print the SQL predicate the engine adds for a model, operation and caller, after folding.
    Explain {
        #[arg(long, default_value = "schema.zmodel")]
        schema: PathBuf,
        #[arg(long)]
        model: String,
        /// create, read, update, post-update or delete.
        #[arg(long)]
        op: String,
        /// The caller as JSON (`null` for anonymous).
        #[arg(long, default_value = "null")]
        auth: String,
        #[arg(long, value_enum, default_value = "sqlite")]
        dialect: DialectArg,
    },
    /// Print PostgreSQL row-level-security statements generated from the same rules.
    Rls {
        #[arg(default_value = "schema.zmodel")]
        schema: PathBuf,
    },
    /// Run policy test cases, each on a fresh database, printing one JSON result per case.
    Exec {
        /// Files holding a case object or an array of cases.
        #[arg(required = true)]
        cases: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "sqlite")]
        dialect: DialectArg,
        /// PostgreSQL database to create per-case schemas in (for `--dialect postgres`).
        #[arg(long, env = "MANZIL_TEST_DATABASE_URL")]
        database_url: Option<String>,
        /// Compare with each case's `expect`; print a summary and exit non-zero on a mismatch.
        #[arg(long)]
        check: bool,
    },
}

pub async fn run(cmd: PolicyCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        PolicyCommand::Check { schema } => {
            let loaded = load_schema(&schema)?;
            let lints = policy::lint::tenant_wall(&loaded.schema);
            for d in &lints {
                eprintln!("{}:{d}", schema.display());
            }
            if !lints.is_empty() {
                eprintln!("{}: {} error(s)", schema.display(), lints.len());
                return Ok(ExitCode::FAILURE);
            }
            println!(
                "{}: ok ({} models, {} warnings)",
                schema.display(),
                loaded.schema.models.len(),
                loaded.warnings.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::Rls { schema } => {
            let loaded = load_schema(&schema)?;
            let set = PolicySet::new(std::sync::Arc::new(loaded.schema));
            match policy::rls::emit_rls(&set) {
                Ok(script) => {
                    for w in &script.warnings {
                        eprintln!("{}:{w}", schema.display());
                    }
                    println!("{}", script.sql);
                    Ok(ExitCode::SUCCESS)
                }
                Err(diags) => {
                    for d in &diags {
                        eprintln!("{}:{d}", schema.display());
                    }
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        PolicyCommand::Explain { schema, model, op, auth, dialect } => {
            let loaded = load_schema(&schema)?;
            let op = parse_op(&op)?;
            let auth: serde_json::Value =
                serde_json::from_str(&auth).map_err(|e| anyhow::anyhow!("--auth is not valid JSON: {e}"))?;
            let schema = std::sync::Arc::new(loaded.schema);
            let mi = schema.model_index(&model).ok_or_else(|| anyhow::anyhow!("unknown model `{model}`"))?;
            let set = PolicySet::new(schema);
            let pred = set.filter(mi, op, &Auth(Some(auth).filter(|a| !a.is_null())));
            let mut w = SqlWriter::new(dialect.into());
            if pred.is_true() {
                println!("TRUE  -- no predicate: every row passes");
            } else if pred.is_false() {
                println!("FALSE -- nothing passes");
            } else {
                pred.render(&mut w, &RenderEnv { alias: "t0", before: None });
                let (sql, params) = w.finish();
                println!("{sql}");
                for (i, p) in params.iter().enumerate() {
                    println!("-- ${} = {p:?}", i + 1);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::Exec { cases, dialect, database_url, check: do_check } => {
            let target = match (dialect, database_url) {
                (DialectArg::Sqlite, _) => Target::Sqlite,
                (DialectArg::Postgres, Some(url)) => Target::Postgres { url },
                (DialectArg::Postgres, None) => {
                    anyhow::bail!("--dialect postgres needs --database-url (or MANZIL_TEST_DATABASE_URL)")
                }
            };
            let (mut passed, mut failed) = (0usize, 0usize);
            for path in &cases {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
                let list = parse_cases(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                for case in list {
                    let mut out = run_case(&case, &target).await;
                    if let serde_json::Value::Object(o) = &mut out {
                        o.insert("name".to_owned(), case.name.clone().into());
                        if do_check {
                            let verdict = check(&case, &serde_json::Value::Object(o.clone()));
                            o.insert("ok".to_owned(), verdict.is_ok().into());
                            match verdict {
                                Ok(()) => passed += 1,
                                Err(why) => {
                                    failed += 1;
                                    o.insert("mismatch".to_owned(), why.into());
                                }
                            }
                        }
                    }
                    println!("{out}");
                }
            }
            if do_check {
                eprintln!("{passed} passed, {failed} failed");
                if failed > 0 {
                    return Ok(ExitCode::FAILURE);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn parse_op(op: &str) -> anyhow::Result<Operation> {
    Operation::ALL
        .into_iter()
        .find(|o| o.as_str() == op)
        .ok_or_else(|| anyhow::anyhow!("unknown operation `{op}` (create, read, update, post-update, delete)"))
}
