//! Manzil's HTTP face: one route table ([`router`]), the extractors that say who is calling and
//! for which agency, and the one [`ApiError`] every handler answers with.

pub mod api;
pub mod auth;
pub mod client_ip;
pub mod cookies;
pub mod error;
pub mod handlers;
pub mod host;
pub mod json;
pub mod locale;
pub mod messages;
pub mod pages;
pub mod query;
pub mod realtime;
pub mod routes;
pub mod sandbox;
pub mod telemetry;
pub mod webhooks;

use std::sync::Arc;
use std::time::Duration;

pub use error::ApiError;
pub use routes::router;
pub use telemetry::install_metrics;

/// HTTP-level settings from the config tree.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Agencies live at `{slug}.{base_domain}`.
    pub base_domain: String,
    /// Always mark session cookies `Secure` (else only for https requests).
    pub secure_cookies: bool,
    /// The largest JSON body accepted, in bytes.
    pub json_limit: usize,
    /// How long the refresh cookie lives (the refresh token's lifetime).
    pub refresh_ttl: Duration,
    /// The largest CSV upload of an import, in bytes.
    pub import_limit: usize,
    /// Reverse proxies whose `X-Forwarded-For` names the client (rate limits, logs).
    pub trusted_proxies: client_ip::TrustedProxies,
}

/// What every handler can reach: the use cases, the settings, the metrics handle.
#[derive(Clone)]
pub struct AppState {
    pub app: Arc<app::App>,
    pub settings: Arc<WebSettings>,
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
}
