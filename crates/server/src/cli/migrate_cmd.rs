//! `manzil migrate`: applies pending migrations and, on PostgreSQL, installs the row-level
//! security policies generated from `schema.zmodel` and grants the application role what it needs.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::Args;

/// Flags of `manzil migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The role the server connects as (PostgreSQL): granted table privileges, never ownership or
    /// BYPASSRLS. Default: the user of `database.url` when `database.migrate_url` is set.
    #[arg(long)]
    pub app_role: Option<String>,
}

pub async fn run(args: MigrateArgs, global: &super::GlobalArgs) -> anyhow::Result<ExitCode> {
    let config = global.config(None)?;
    crate::telemetry::init(&config.log);
    let app_url = config.database_url();
    let owner_url = config.database.migrate_url.clone().unwrap_or_else(|| app_url.clone());
    let owner_url = owner_url.expose();
    let schema = app::schema::load()?;
    let db =
        store::Db::connect(owner_url, schema.clone(), store::DbOptions { max_connections: 1, ..Default::default() })
            .await
            .with_context(|| format!("cannot connect to the database {}", store::redact(owner_url)))?;
    let report = db.migrate(app::schema::migrations(db.dialect())).await.context("migration failed")?;
    println!("migrations: applied {:?}, now at version {}", report.applied, report.current);
    if db.dialect() == policy::Dialect::Postgres {
        let set = policy::PolicySet::new(Arc::new(schema));
        let script = policy::rls::emit_rls(&set).map_err(|d| {
            anyhow::anyhow!("cannot generate RLS: {}", d.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
        })?;
        let app_role = args
            .app_role
            .clone()
            .or_else(|| config.database.migrate_url.as_ref().and_then(|_| url_user(app_url.expose())));
        db.install_rls(&script.sql, app_role.as_deref()).await.context("cannot install row-level security")?;
        println!(
            "row-level security: installed ({} rules enforced more permissively by the database than by the engine; see `manzil policy rls`){}",
            script.warnings.len(),
            app_role.map(|r| format!("; privileges granted to `{r}`")).unwrap_or_default()
        );
    }
    db.close().await;
    Ok(ExitCode::SUCCESS)
}

/// The user name of a `postgres://user:pass@host/db` URL.
fn url_user(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let (creds, _) = rest.split_once('@')?;
    let user = creds.split(':').next()?;
    (!user.is_empty()).then(|| user.to_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn url_user_reads_the_user_name() {
        assert_eq!(super::url_user("postgres://manzil_app:secret@db:5432/crm"), Some("manzil_app".to_owned()));
        assert_eq!(super::url_user("postgres://db/crm"), None);
    }
}
