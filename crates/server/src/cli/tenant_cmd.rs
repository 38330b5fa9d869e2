//! `manzil tenant create`: adds an agency.

use std::process::ExitCode;

use clap::Subcommand;
use domain::Locale;

use crate::serve::open_db;

#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Creates an agency reachable at `{slug}.{base_domain}`.
    Create {
        /// The subdomain (`dar` → dar.manzil.example).
        #[arg(long)]
        slug: String,
        /// The agency's name.
        #[arg(long)]
        name: String,
        /// The default language: ar or en.
        #[arg(long, default_value = "ar")]
        locale: String,
        /// ISO 4217 currency.
        #[arg(long, default_value = "AED")]
        currency: String,
        /// ISO 3166-1 alpha-2 country (for local phone numbers).
        #[arg(long, default_value = "AE")]
        country: String,
    },
}

pub async fn run(cmd: TenantCommand, global: &super::GlobalArgs) -> anyhow::Result<ExitCode> {
    let config = global.config(None)?;
    crate::telemetry::init(&config.log);
    match cmd {
        TenantCommand::Create { slug, name, locale, currency, country } => {
            let default_locale = Locale::parse(&locale)?;
            let currency = domain::Currency::parse(&currency)?.code().to_owned();
            let country = domain::CountryCode::parse(&country)?.as_str().to_owned();
            let db = open_db(&config).await?;
            let new = app::tenants::NewTenant { slug, name, default_locale, currency, country };
            let tenant = app::tenants::create(&db, new).await;
            db.close().await;
            let tenant = tenant?;
            println!("created agency {} ({}) with id {}", tenant.slug, tenant.name, tenant.id);
            Ok(ExitCode::SUCCESS)
        }
    }
}
