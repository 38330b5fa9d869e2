//! `manzil seed --demo`: loads the demo agencies into the configured database (migrating it
//! first), without starting the server — for a PostgreSQL deployment's showroom, or to reset a
//! trial. Seeding is idempotent: an agency that exists is left as it is.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;

use crate::serve::{build_app, open_db};

/// Flags of `manzil seed`.
#[derive(Debug, Args)]
pub struct SeedArgs {
    /// Load the demo agencies (`dar`, Arabic; `harbor`, English). Required: demo data is never
    /// created by accident.
    #[arg(long)]
    pub demo: bool,
}

pub async fn run(args: SeedArgs, global: &super::GlobalArgs) -> anyhow::Result<ExitCode> {
    if !args.demo {
        eprintln!("manzil seed: nothing to seed; pass --demo to load the demo agencies");
        return Ok(ExitCode::from(2));
    }
    let config = global.config(None)?;
    crate::telemetry::init(&config.log);
    let db = open_db(&config).await?;
    // The app only for the inbox key that seals the demo channels' secrets.
    let app = build_app(&config, db.clone())?;
    let agencies = app::demo::seed(&db, &app.channels.secrets).await.context("cannot load the demo data");
    db.close().await;
    print_logins(&agencies?, &config.server.base_domain, config.server.port);
    Ok(ExitCode::SUCCESS)
}

/// Prints each demo agency's address and logins, and a first API call to try.
pub fn print_logins(agencies: &[app::demo::DemoAgency], domain: &str, port: u16) {
    for agency in agencies {
        println!("  {} — http://{}.{domain}:{port}/", agency.name, agency.slug);
        println!("    logins (password `{}`): {}", app::demo::DEMO_PASSWORD, agency.logins.join(", "));
    }
    let first = agencies.first().map(|a| a.slug).unwrap_or("dar");
    println!();
    println!("  try the API:");
    println!(
        "    curl -s http://{first}.{domain}:{port}/api/v1/auth/login -H 'content-type: application/json' \\\n      -d '{{\"email\":\"agent1@{first}.demo\",\"password\":\"{}\"}}'",
        app::demo::DEMO_PASSWORD
    );
}
