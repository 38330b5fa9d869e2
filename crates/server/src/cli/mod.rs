//! The `manzil` subcommands.

mod import_cmd;
mod migrate_cmd;
mod policy_cmd;
mod schema_cmd;
mod seed_cmd;
mod serve_cmd;
mod simulate_cmd;
mod tenant_cmd;
mod user_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Manzil — a multi-tenant real-estate CRM whose access rules live in one `schema.zmodel`.
#[derive(Debug, Parser)]
#[command(name = "manzil", version, about)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

/// Flags every command that touches the database understands.
#[derive(Debug, clap::Args)]
pub struct GlobalArgs {
    /// A TOML config file (layered over the defaults, under the environment).
    #[arg(long, global = true, env = "MANZIL_CONFIG")]
    config: Option<PathBuf>,
    /// The data directory (SQLite database, files, generated JWT key); default `./data`.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
}

impl GlobalArgs {
    /// The config tree with these flags (and `port`) applied.
    fn config(&self, port: Option<u16>) -> anyhow::Result<crate::config::Config> {
        let overrides = crate::config::Overrides { port, data_dir: self.data_dir.clone() };
        crate::config::Config::load(self.config.as_deref(), &overrides).map_err(anyhow::Error::msg)
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Tools for people who write access rules.
    #[command(subcommand)]
    Policy(policy_cmd::PolicyCommand),
    /// The database schema generated from `schema.zmodel`.
    #[command(subcommand)]
    Schema(schema_cmd::SchemaCommand),
    /// Runs the HTTP server.
    Serve(serve_cmd::ServeArgs),
    /// Loads the demo agencies into the database (`--demo`), without serving.
    Seed(seed_cmd::SeedArgs),
    /// Applies pending migrations; on PostgreSQL also installs row-level security.
    Migrate(migrate_cmd::MigrateArgs),
    /// Imports leads or listings from a CSV file, as a user of an agency (their rules apply).
    Import(import_cmd::ImportArgs),
    /// Manages agencies.
    #[command(subcommand)]
    Tenant(tenant_cmd::TenantCommand),
    /// Manages users.
    #[command(subcommand)]
    User(user_cmd::UserCommand),
    /// Posts a customer's message to a running server as the provider would (signed with the
    /// agency's channel secret): try the inbox without WhatsApp, Twilio or a mail server.
    #[command(subcommand)]
    Simulate(simulate_cmd::SimulateCommand),
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
        Command::Serve(args) => serve_cmd::run(args, &cli.global).await,
        Command::Seed(args) => seed_cmd::run(args, &cli.global).await,
        Command::Migrate(args) => migrate_cmd::run(args, &cli.global).await,
        Command::Import(args) => import_cmd::run(args, &cli.global).await,
        Command::Tenant(cmd) => tenant_cmd::run(cmd, &cli.global).await,
        Command::User(cmd) => user_cmd::run(cmd, &cli.global).await,
        Command::Simulate(cmd) => simulate_cmd::run(cmd, &cli.global).await,
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
