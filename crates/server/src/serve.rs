//! Starting the HTTP server: database, schema, use cases, router, listener. `manzil serve` and
//! the HTTP tests both go through [`start`], so the tests run the real thing.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::{Config, Mode, load_or_create_inbox_key, load_or_create_jwt_key};

/// Connects to the configured database (creating the SQLite file's directory) and creates the
/// schema's tables when the database is empty. The audit hook is on.
///
/// Pending migrations are applied (`migrations/{sqlite,postgres}`); on PostgreSQL the role is
/// checked and a warning says when row-level security is missing or bypassed.
pub async fn open_db(config: &Config) -> anyhow::Result<store::Db> {
    let url = config.database_url();
    let url = url.expose();
    if let Some(path) = url.strip_prefix("sqlite:") {
        let path = path.trim_start_matches("//").split('?').next().unwrap_or_default();
        if let Some(dir) = std::path::Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
    }
    let schema = app::schema::load()?;
    let opts = store::DbOptions {
        max_connections: config.database.max_connections,
        audit_model: Some("AuditEvent".into()),
        ..store::DbOptions::default()
    };
    let db = store::Db::connect(url, schema, opts.clone())
        .await
        .with_context(|| format!("cannot connect to the database {}", store::redact(url)))?;
    let report = db.migrate(app::schema::migrations(db.dialect())).await.context("cannot migrate the database")?;
    if !report.applied.is_empty() {
        tracing::info!(applied = ?report.applied, version = report.current, "migrated the database");
    }
    if let Some(role) = db.check_role().await.context("cannot inspect the database role")? {
        if role.bypasses_rls || role.owns_tables {
            tracing::warn!(
                role = %role.role,
                superuser_or_bypassrls = role.bypasses_rls,
                owns_tables = role.owns_tables,
                "the application's database role is not restricted: connect as a role that neither owns the tables nor bypasses row-level security (see `manzil migrate --app-role`)"
            );
        }
        if !role.rls_installed {
            tracing::warn!(
                "row-level security is not installed: run `manzil migrate` (the engine still enforces every rule)"
            );
        } else {
            // The policies read the caller from a transaction-local setting: every statement,
            // reads included, must run in a transaction that carries it.
            db.close().await;
            let db = store::Db::connect(url, app::schema::load()?, store::DbOptions { rls: true, ..opts })
                .await
                .with_context(|| format!("cannot connect to the database {}", store::redact(url)))?;
            return Ok(db);
        }
    }
    Ok(db)
}

/// Builds the use cases over `db` with the configured (or generated) signing key.
pub fn build_app(config: &Config, db: store::Db) -> anyhow::Result<Arc<app::App>> {
    build_app_on(config, db, None)
}

/// [`build_app`] for a server listening on `addr`: with `channels.sandbox` on, the sandbox
/// provider is served there, and when `server.public_url` is unset the loopback address stands
/// in for it (the sandbox signs its SMS status callbacks against it).
pub fn build_app_on(config: &Config, db: store::Db, addr: Option<SocketAddr>) -> anyhow::Result<Arc<app::App>> {
    let secret = match &config.auth.jwt_secret {
        Some(s) => s.clone(),
        None => load_or_create_jwt_key(&config.jwt_key_path()).map_err(anyhow::Error::msg)?,
    };
    let files = app::files::FileStore::open(&config.files_backend(), config.files.max_bytes)
        .map_err(|e| anyhow::anyhow!("cannot open the file storage (files.dir / files.s3): {e}"))?;
    let inbox_key = match &config.inbox.secret_key {
        Some(k) => k.clone(),
        None => load_or_create_inbox_key(&config.inbox_key_path()).map_err(anyhow::Error::msg)?,
    };
    let secrets = app::inbox::secrets::SecretBox::from_base64(inbox_key.expose())
        .map_err(|e| anyhow::anyhow!("inbox.secret_key (or {}): {e}", config.inbox_key_path().display()))?;
    let sandbox = addr.and_then(|addr| config.channels.sandbox(config.server.public_url.as_deref(), addr));
    let channels = app::inbox::channels::ChannelSettings {
        secrets,
        whatsapp_verify_token: config.channels.whatsapp.verify_token.as_ref().map(|t| t.expose().clone()),
        graph_base_url: config.channels.whatsapp.graph_base_url.trim_end_matches('/').to_owned(),
        public_url: config
            .server
            .public_url
            .as_ref()
            .map(|u| u.trim_end_matches('/').to_owned())
            .or_else(|| sandbox.as_ref().map(|s| s.callback_url.clone())),
        max_webhook_bytes: config.channels.max_webhook_bytes,
        max_email_bytes: config.channels.max_email_bytes,
    };
    Ok(Arc::new(
        app::App::new(db, secret.expose().as_bytes(), config.auth_settings())
            .with_files(files)
            .with_channels(channels)
            .with_outbound(config.channels.outbound())
            .with_sandbox(sandbox),
    ))
}

/// Starts `jobs.workers` job workers in this process; they stop when `shutdown` turns true.
pub fn start_workers(
    config: &Config,
    app: &Arc<app::App>,
    shutdown: tokio::sync::watch::Receiver<bool>,
) -> Vec<JoinHandle<()>> {
    if config.jobs.workers == 0 {
        return Vec::new();
    }
    Arc::new(app::jobs::runner(app.clone(), config.worker_config())).spawn(shutdown)
}

/// A server running in this process.
pub struct Running {
    /// The address it listens on (the real port when 0 was asked for).
    pub addr: SocketAddr,
    pub app: Arc<app::App>,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
    stop_workers: tokio::sync::watch::Sender<bool>,
    workers: Vec<JoinHandle<()>>,
}

impl Running {
    /// Stops accepting, lets open requests finish (10 s at most) and closes the pool.
    pub async fn stop(self) {
        let _ = self.shutdown.send(());
        let _ = tokio::time::timeout(Duration::from_secs(10), self.task).await;
        // Workers finish the job in hand; one still running after this is retried after its lease.
        let _ = self.stop_workers.send(true);
        for w in self.workers {
            let _ = tokio::time::timeout(Duration::from_secs(10), w).await;
        }
        self.app.db.close().await;
    }
}

/// Validates the config, opens the database, binds and serves in a background task.
pub async fn start(config: &Config, mode: Mode) -> anyhow::Result<Running> {
    config.validate(mode).map_err(anyhow::Error::msg)?;
    let db = open_db(config).await?;
    std::fs::create_dir_all(config.files_dir())
        .with_context(|| format!("cannot create the files directory {}", config.files_dir().display()))?;
    let bind = SocketAddr::new(config.server.host, config.server.port);
    let listener = tokio::net::TcpListener::bind(bind).await.with_context(|| format!("cannot listen on {bind}"))?;
    let addr = listener.local_addr()?;
    let app = build_app_on(config, db, Some(addr))?;
    let state = web::AppState {
        app: app.clone(),
        settings: Arc::new(web::WebSettings {
            base_domain: config.server.base_domain.to_ascii_lowercase(),
            secure_cookies: config.server.secure_cookies,
            json_limit: config.server.json_limit_bytes,
            refresh_ttl: config.auth_settings().refresh_ttl,
            import_limit: config.imports.max_bytes,
            trusted_proxies: web::client_ip::TrustedProxies::parse(&config.server.trusted_proxies)
                .map_err(|entry| anyhow::anyhow!("server.trusted_proxies: `{entry}` is not an address or network"))?,
        }),
        metrics: web::install_metrics(),
    };
    let router = web::router(state);
    let (shutdown, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await
    });
    let (stop_workers, workers_rx) = tokio::sync::watch::channel(false);
    let workers = start_workers(config, &app, workers_rx);
    Ok(Running { addr, app, shutdown, task, stop_workers, workers })
}
