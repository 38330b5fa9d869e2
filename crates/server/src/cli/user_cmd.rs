//! `manzil user create`: adds a user to an agency, the password read from standard input.

use std::io::BufRead;
use std::process::ExitCode;
use std::time::Duration;

use clap::Subcommand;
use domain::{Locale, Role};

use crate::serve::open_db;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Creates a user (the password is hashed with argon2id).
    Create {
        /// The agency's slug.
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// ADMIN, MANAGER or AGENT.
        #[arg(long, default_value = "AGENT")]
        role: String,
        /// ar or en; default: the agency's language.
        #[arg(long)]
        locale: Option<String>,
        /// Read the password from the first line of standard input. Without it the user is
        /// created without a password (invited) and cannot sign in yet.
        #[arg(long)]
        password_stdin: bool,
    },
}

pub async fn run(cmd: UserCommand, global: &super::GlobalArgs) -> anyhow::Result<ExitCode> {
    let config = global.config(None)?;
    crate::telemetry::init(&config.log);
    match cmd {
        UserCommand::Create { tenant, email, name, role, locale, password_stdin } => {
            let role = Role::parse(&role.to_ascii_uppercase())?;
            let locale = locale.map(|l| Locale::parse(&l)).transpose()?;
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                Some(line.trim_end_matches(['\r', '\n']).to_owned())
            } else {
                None
            };
            let db = open_db(&config).await?;
            let tenants = app::tenants::TenantDirectory::new(db.clone(), Duration::ZERO);
            let new = app::users::NewUser { tenant_slug: tenant, email, name, role, locale, password };
            let user = app::users::create(&db, &tenants, new).await;
            db.close().await;
            let user = user?;
            println!("created {} user {} with id {}", user.role, user.email, user.id);
            Ok(ExitCode::SUCCESS)
        }
    }
}
