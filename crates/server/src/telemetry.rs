//! Logging set-up: JSON lines (`MANZIL__LOG__FORMAT=json`) or human-readable output, filtered by
//! `RUST_LOG` or `log.filter`. Secrets never reach a log line: config values are [`Secret`]s and
//! the request span records ids only.
//!
//! [`Secret`]: crate::config::Secret

use tracing_subscriber::EnvFilter;

use crate::config::{LogConfig, LogFormat};

/// Installs the global subscriber (a no-op when one is installed already).
pub fn init(log: &LogConfig) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&log.filter));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = match log.format {
        LogFormat::Json => builder.json().with_current_span(true).with_span_list(false).try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}
