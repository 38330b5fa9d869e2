//! `manzil schema sql`: the DDL for a dialect.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::{DialectArg, load_schema};

#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Print the CREATE TABLE statements for a dialect.
    Sql {
        /// The schema file.
        #[arg(long, default_value = "schema.zmodel")]
        schema: PathBuf,
        #[arg(long, value_enum, default_value = "sqlite")]
        dialect: DialectArg,
    },
}

pub fn run(cmd: SchemaCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        SchemaCommand::Sql { schema, dialect } => {
            let loaded = load_schema(&schema)?;
            for stmt in policy::ddl::create_tables(&loaded.schema, dialect.into()) {
                println!("{stmt};\n");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
