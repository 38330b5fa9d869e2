//! `manzil serve`: runs the HTTP server until Ctrl-C or SIGTERM.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;

use crate::config::Mode;
use crate::serve;

/// Flags of `manzil serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on (overrides `server.port`).
    #[arg(long)]
    pub port: Option<u16>,
    /// Load the demo agencies (`dar`, Arabic; `harbor`, English) with users, leads, listings,
    /// deals and activities, once, and print their logins; their channels use the sandbox provider
    /// this server then serves (`channels.sandbox`). Never without this flag.
    #[arg(long)]
    pub demo: bool,
}

pub async fn run(args: ServeArgs, global: &super::GlobalArgs) -> anyhow::Result<ExitCode> {
    let mut config = global.config(args.port)?;
    if args.demo {
        config.channels.sandbox = true;
    }
    crate::telemetry::init(&config.log);
    let running = serve::start(&config, Mode::Serve).await?;
    let port = running.addr.port();
    let domain = &config.server.base_domain;
    println!("Manzil is listening on http://{}", running.addr);
    if args.demo {
        let app = &running.app;
        let agencies = app::demo::seed(&app.db, &app.channels.secrets).await.context("cannot load the demo data")?;
        println!();
        super::seed_cmd::print_logins(&agencies, domain, port);
        super::simulate_cmd::print_try_the_inbox(&agencies, domain, port);
    } else {
        println!("  agencies:  http://<slug>.{domain}:{port}/  (create one with `manzil tenant create`)");
    }
    println!("  API docs:  http://{domain}:{port}/api/v1/docs  (OpenAPI: /api/v1/openapi.json)");
    println!("  health:    http://{domain}:{port}/healthz   metrics: http://{domain}:{port}/metrics");
    shutdown_signal().await;
    tracing::info!("shutting down");
    running.stop().await;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = ctrl_c.await;
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
