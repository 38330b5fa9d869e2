//! `manzil import leads|properties --tenant SLUG --as EMAIL FILE.csv`: runs the same import job
//! as the API, here and now, with a progress bar, then prints the report.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

use app::imports::{ImportKind, ImportReport};

use crate::serve::{build_app, open_db};

/// What to import.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum What {
    Leads,
    Properties,
}

/// Flags of `manzil import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// `leads` or `properties`.
    pub what: What,
    /// The agency's slug.
    #[arg(long)]
    pub tenant: String,
    /// The e-mail of the user the rows are created as (their access rules apply).
    #[arg(long = "as")]
    pub as_user: String,
    /// The CSV file (UTF-8, with or without BOM).
    pub file: PathBuf,
}

pub async fn run(args: ImportArgs, global: &super::GlobalArgs) -> anyhow::Result<ExitCode> {
    let config = global.config(None)?;
    crate::telemetry::init(&config.log);
    let bytes = std::fs::read(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
    let db = open_db(&config).await?;
    let app = build_app(&config, db)?;
    let result = import(&app, &config, &args, &bytes).await;
    app.db.close().await;
    result
}

async fn import(
    app: &Arc<app::App>,
    config: &crate::config::Config,
    args: &ImportArgs,
    bytes: &[u8],
) -> anyhow::Result<ExitCode> {
    let actor = app::imports::cli_actor(app, &args.tenant, &args.as_user)
        .await?
        .with_context(|| format!("no active user {} in the agency `{}`", args.as_user, args.tenant))?;
    let kind = match args.what {
        What::Leads => ImportKind::Leads,
        What::Properties => ImportKind::Properties,
    };
    let job = app::imports::new_import(&actor, kind, bytes)?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{bar:40}] {pos}/{len} rows ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let observer: jobs::Observer = {
        let bar = bar.clone();
        Arc::new(move |p: &serde_json::Value| {
            if let (Some(done), Some(total)) = (p["done"].as_u64(), p["total"].as_u64()) {
                bar.set_length(total);
                bar.set_position(done);
            }
        })
    };
    let runner = app::jobs::runner(app.clone(), config.worker_config());
    let rec = runner.run_now(&job, Some(observer)).await?;
    bar.finish_and_clear();
    println!("job {} {}", rec.id, rec.status.as_str());
    if let Some(error) = &rec.last_error {
        println!("  error: {error}");
    }
    let Some(report) = rec.result.and_then(|r| serde_json::from_value::<ImportReport>(r).ok()) else {
        return Ok(ExitCode::FAILURE);
    };
    println!(
        "{} rows: {} created, {} not imported ({} duplicates)",
        report.total, report.created, report.failed, report.duplicates
    );
    for e in &report.errors {
        let column = e.column.as_deref().map(|c| format!(" [{c}]")).unwrap_or_default();
        println!("  row {}{column}: {} — {}", e.row, e.code, e.message);
    }
    if report.errors_truncated {
        println!("  … more errors not listed");
    }
    Ok(if rec.status == jobs::JobStatus::Done { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
