//! The `manzil` subcommands.

mod policy_cmd;
mod schema_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Manzil — a multi-tenant real-estate CRM whose access rules live in one `schema.zmodel`.
#[derive(Debug, Parser)]
#[command(name = "manzil", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Tools for people who write access rules.
    #[command(subcommand)]
    Policy(policy_cmd::PolicyCommand),
    /// The database schema generated from `schema.zmodel`.
    #[command(subcommand)]
    Schema(schema_cmd::SchemaCommand),
}

/// SQL dialect selector for commands that print or run SQL.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DialectArg {
    Sqlite,
    Postgres,
}

impl From<DialectArg> for policy::Dialect {
    fn from(d: DialectArg) -> Self {
        match d {
            DialectArg::Sqlite => policy::Dialect::Sqlite,
            DialectArg::Postgres => policy::Dialect::Postgres,
        }
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Policy(cmd) => policy_cmd::run(cmd).await,
        Command::Schema(cmd) => schema_cmd::run(cmd),
    }
}

/// Reads and checks a schema file, printing diagnostics to stderr.
pub fn load_schema(path: &std::path::Path) -> anyhow::Result<policy::Loaded> {
    let src = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    match policy::load(&src) {
        Ok(loaded) => {
            for w in &loaded.warnings {
                eprintln!("{}:{w}", path.display());
            }
            Ok(loaded)
        }
        Err(diags) => {
            for d in &diags {
                eprintln!("{}:{d}", path.display());
            }
            anyhow::bail!("{} has {} error(s)", path.display(), diags.iter().filter(|d| d.is_error()).count())
        }
    }
}
