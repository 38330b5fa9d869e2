//! Manzil's use cases by feature. Nothing here knows HTTP: callers pass plain values and an
//! [`Actor`], and get feature errors ([`auth::AuthError`], [`tenants::TenantError`], …) back.

pub mod activities;
pub mod actor;
pub mod audit;
pub mod auth;
pub mod csv_file;
pub mod dashboard;
pub mod deals;
pub mod demo;
pub mod exports;
pub mod files;
pub mod imports;
pub mod inbox;
pub mod jobs;
pub mod leads;
pub mod matching;
pub mod page;
pub mod properties;
pub mod records;
pub mod schema;
pub mod teams;
pub mod tenants;
pub mod users;

use std::time::Duration;

pub use actor::{Actor, Locale, Role};

/// The service handles the web layer and the CLI share. Cheap to share behind an `Arc`.
pub struct App {
    pub db: store::Db,
    pub auth: auth::AuthService,
    pub tenants: tenants::TenantDirectory,
    /// Uploaded files' bytes (in memory until [`App::with_files`] sets the configured store).
    pub files: files::FileStore,
    /// Wakes an idle job worker after an enqueue (shared with `jobs::runner`).
    pub job_wake: std::sync::Arc<tokio::sync::Notify>,
    /// Where inbox events are published (in-process unless the composition root sets another).
    pub events: std::sync::Arc<dyn inbox::events::EventBus>,
    /// Channel settings: the key sealing channel secrets, provider base URLs, the public URL.
    pub channels: inbox::channels::ChannelSettings,
    /// Outbound delivery: the SMS provider's base URL, provider call timeout.
    pub outbound: inbox::senders::OutboundSettings,
    /// The demo's sandbox provider (`serve --demo`, `channels.sandbox`); `None`: off.
    pub sandbox: Option<inbox::sandbox::SandboxSettings>,
}

impl App {
    /// Wires the use cases over one database. `jwt_secret` signs access tokens.
    pub fn new(db: store::Db, jwt_secret: &[u8], auth: auth::AuthSettings) -> App {
        App {
            auth: auth::AuthService::new(db.clone(), jwt_secret, auth),
            tenants: tenants::TenantDirectory::new(db.clone(), Duration::from_secs(10)),
            files: files::FileStore::memory(),
            job_wake: std::sync::Arc::new(tokio::sync::Notify::new()),
            events: std::sync::Arc::new(inbox::events::LocalBus::default()),
            channels: inbox::channels::ChannelSettings::default(),
            outbound: inbox::senders::OutboundSettings::default(),
            sandbox: None,
            db,
        }
    }

    /// Uses the configured channel settings (the secret key above all).
    #[must_use]
    pub fn with_channels(mut self, channels: inbox::channels::ChannelSettings) -> App {
        self.channels = channels;
        self
    }

    /// Uses the configured outbound delivery settings.
    #[must_use]
    pub fn with_outbound(mut self, outbound: inbox::senders::OutboundSettings) -> App {
        self.outbound = outbound;
        self
    }

    /// Serves the sandbox provider, and sends sandbox accounts' messages to it.
    #[must_use]
    pub fn with_sandbox(mut self, sandbox: Option<inbox::sandbox::SandboxSettings>) -> App {
        self.sandbox = sandbox;
        self
    }

    /// Stores uploaded files in `files` (the composition root's choice: a directory or S3).
    #[must_use]
    pub fn with_files(mut self, files: files::FileStore) -> App {
        self.files = files;
        self
    }
}
