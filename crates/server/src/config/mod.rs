//! The one config tree: defaults → an optional TOML file (`--config` / `MANZIL_CONFIG`) → the
//! environment (`MANZIL__SECTION__KEY`, e.g. `MANZIL__DATABASE__URL`) → command-line flags.
//! [`Config::validate`] runs at start-up and says what to fix.

mod background;
mod channels;
mod keyfile;
mod secret;
mod validate;

use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::Deserialize;

pub use background::{ImportsConfig, JobsConfig, S3Config};
pub use channels::{ChannelsConfig, InboxConfig, SmsConfig, WhatsAppConfig};
pub use keyfile::{load_or_create_inbox_key, load_or_create_jwt_key};
pub use secret::Secret;
pub use validate::Mode;

/// Everything the server can be told. Every key has a default; see the README's table.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where the SQLite database, uploaded files and the generated JWT key live by default.
    pub data_dir: PathBuf,
    pub database: DatabaseConfig,
    pub server: ServerConfig,
    pub auth: AuthConfig,
    pub files: FilesConfig,
    pub jobs: JobsConfig,
    pub imports: ImportsConfig,
    /// The messaging providers (`[channels]`).
    pub channels: ChannelsConfig,
    /// Channel secrets at rest (`[inbox]`).
    pub inbox: InboxConfig,
    pub log: LogConfig,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite:PATH` or `postgres://…`; default `sqlite:{data_dir}/manzil.db`. May hold a password.
    pub url: Option<Secret<String>>,
    /// The table owner's connection for `manzil migrate` (PostgreSQL); default: `url`. The server
    /// itself connects with `url`, as a role that neither owns the tables nor bypasses RLS.
    pub migrate_url: Option<Secret<String>>,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    pub host: IpAddr,
    pub port: u16,
    /// Agencies are served at `{slug}.{base_domain}`.
    pub base_domain: String,
    /// Mark session cookies `Secure` even on plain-http requests (set it behind a TLS proxy).
    pub secure_cookies: bool,
    /// The largest JSON request body, in bytes.
    pub json_limit_bytes: usize,
    /// Reverse proxies (addresses or networks such as `10.0.0.0/8`) whose `X-Forwarded-For`
    /// names the client for login rate limits and logs. Empty: the TCP peer is the client.
    pub trusted_proxies: Vec<String>,
    /// The public base URL providers call, e.g. `https://crm.example.com` (no trailing path):
    /// Twilio signs the URL it requested, so SMS webhooks are verified against this + the path.
    pub public_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// The HS256 signing key (≥ 32 bytes). When unset, one is generated once and kept in
    /// `{data_dir}/jwt.key` (mode 0600).
    pub jwt_secret: Option<Secret<String>>,
    pub access_token_ttl_secs: u64,
    pub refresh_token_ttl_days: u64,
    /// Seconds after its rotation during which a refresh token shown again gets the same
    /// successor instead of counting as reuse (parallel requests of one browser); 0 turns it off.
    pub refresh_grace_secs: u64,
    pub max_failed_logins_per_account: usize,
    pub max_failed_logins_per_ip: usize,
    pub failed_login_window_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FilesConfig {
    /// Uploaded files; default `{data_dir}/files`.
    pub dir: Option<PathBuf>,
    /// The largest upload, in bytes (default 10 MiB).
    pub max_bytes: usize,
    /// An S3-compatible bucket instead of `dir`.
    pub s3: Option<S3Config>,
}

impl Default for FilesConfig {
    fn default() -> Self {
        Self { dir: None, max_bytes: app::files::DEFAULT_MAX_BYTES, s3: None }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    pub format: LogFormat,
    /// A `tracing` filter (`info`, `manzil=debug,store=trace`); `RUST_LOG` wins when set.
    pub filter: String,
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Pretty,
    Json,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./data"),
            database: DatabaseConfig::default(),
            server: ServerConfig::default(),
            auth: AuthConfig::default(),
            files: FilesConfig::default(),
            jobs: JobsConfig::default(),
            imports: ImportsConfig::default(),
            channels: ChannelsConfig::default(),
            inbox: InboxConfig::default(),
            log: LogConfig::default(),
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self { url: None, migrate_url: None, max_connections: 10 }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 8080,
            base_domain: "localhost".to_owned(),
            secure_cookies: false,
            json_limit_bytes: 1024 * 1024,
            trusted_proxies: Vec::new(),
            public_url: None,
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            jwt_secret: None,
            access_token_ttl_secs: 15 * 60,
            refresh_token_ttl_days: 30,
            refresh_grace_secs: app::auth::DEFAULT_REFRESH_GRACE.as_secs(),
            max_failed_logins_per_account: 5,
            max_failed_logins_per_ip: 20,
            failed_login_window_secs: 15 * 60,
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        Self { format: LogFormat::Pretty, filter: "info".to_owned() }
    }
}

/// Command-line flags that override the file and the environment.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub port: Option<u16>,
    pub data_dir: Option<PathBuf>,
}

impl Config {
    /// Layers defaults, `file` (which must exist when given), the environment and `overrides`.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Config, String> {
        let mut figment = Figment::new();
        if let Some(path) = file {
            if !path.is_file() {
                return Err(format!("config file {} does not exist (from --config or MANZIL_CONFIG)", path.display()));
            }
            figment = figment.merge(Toml::file(path));
        }
        figment = figment.merge(Env::prefixed("MANZIL__").split("__"));
        if let Some(port) = overrides.port {
            figment = figment.merge(Serialized::default("server.port", port));
        }
        if let Some(dir) = &overrides.data_dir {
            figment = figment.merge(Serialized::default("data_dir", dir));
        }
        figment.extract::<Config>().map_err(|e| {
            format!("invalid configuration: {e} (keys are set in the TOML file or as MANZIL__SECTION__KEY)")
        })
    }

    /// The database URL, defaulted from the data directory.
    pub fn database_url(&self) -> Secret<String> {
        self.database
            .url
            .clone()
            .unwrap_or_else(|| Secret::new(format!("sqlite:{}", self.data_dir.join("manzil.db").display())))
    }

    /// Where uploaded files go.
    pub fn files_dir(&self) -> PathBuf {
        self.files.dir.clone().unwrap_or_else(|| self.data_dir.join("files"))
    }

    /// Where the generated key of channel secrets is kept.
    pub fn inbox_key_path(&self) -> PathBuf {
        self.data_dir.join("inbox.key")
    }

    /// Where the generated JWT key is kept.
    pub fn jwt_key_path(&self) -> PathBuf {
        self.data_dir.join("jwt.key")
    }

    /// The auth settings the use cases take.
    pub fn auth_settings(&self) -> app::auth::AuthSettings {
        let a = &self.auth;
        app::auth::AuthSettings {
            access_ttl: Duration::from_secs(a.access_token_ttl_secs),
            refresh_ttl: Duration::from_secs(a.refresh_token_ttl_days * 24 * 3600),
            refresh_grace: Duration::from_secs(a.refresh_grace_secs),
            limits: app::auth::rate_limit::LoginLimits {
                per_account: a.max_failed_logins_per_account,
                per_ip: a.max_failed_logins_per_ip,
                window: Duration::from_secs(a.failed_login_window_secs),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_then_flags_over_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("manzil.toml");
        std::fs::write(
            &file,
            "[server]\nport = 9000\nbase_domain = \"manzil.example\"\n[auth]\njwt_secret = \"0123456789abcdef0123456789abcdef\"\n",
        )
        .unwrap();
        let overrides = Overrides { port: Some(7000), data_dir: Some(dir.path().join("d")) };
        let c = Config::load(Some(&file), &overrides).unwrap();
        assert_eq!((c.server.port, c.server.base_domain.as_str()), (7000, "manzil.example"));
        assert_eq!(c.auth.jwt_secret.as_ref().map(|s| s.expose().len()), Some(32));
        assert!(c.database_url().expose().ends_with("d/manzil.db"), "defaults follow --data-dir");
        assert_eq!(c.files_dir(), dir.path().join("d").join("files"));
        assert!(!format!("{c:?}").contains("0123456789abcdef"), "Debug hides the secret");
    }

    #[test]
    fn unknown_keys_and_missing_files_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("manzil.toml");
        std::fs::write(&file, "[server]\nprot = 9000\n").unwrap();
        let e = Config::load(Some(&file), &Overrides::default()).unwrap_err();
        assert!(e.contains("prot"), "{e}");
        let e = Config::load(Some(&dir.path().join("absent.toml")), &Overrides::default()).unwrap_err();
        assert!(e.contains("does not exist"), "{e}");
    }
}
