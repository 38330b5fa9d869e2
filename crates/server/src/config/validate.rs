//! Start-up checks of the config tree: every problem found, each with what to change.

use super::Config;

/// Where the config is used: a real server refuses port 0; tests bind an ephemeral port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Serve,
    Test,
}

impl Config {
    /// Checks the values; the error lists every problem, one per line, with the key to fix.
    pub fn validate(&self, mode: Mode) -> Result<(), String> {
        let mut problems = Vec::new();
        let url = self.database_url();
        let url = url.expose();
        if !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            let scheme = url.split(':').next().unwrap_or_default();
            problems.push(format!(
                "database.url (MANZIL__DATABASE__URL): use sqlite:PATH or postgres://USER@HOST/DB, not a `{scheme}:` URL"
            ));
        }
        if self.database.max_connections == 0 {
            problems
                .push("database.max_connections (MANZIL__DATABASE__MAX_CONNECTIONS): must be at least 1".to_owned());
        }
        if self.server.port == 0 && mode == Mode::Serve {
            problems.push("server.port (MANZIL__SERVER__PORT or --port): choose a port from 1 to 65535".to_owned());
        }
        let domain = &self.server.base_domain;
        if domain.is_empty() || domain.contains(['/', ':', ' ']) || domain.starts_with('.') || domain.ends_with('.') {
            problems.push(format!(
                "server.base_domain (MANZIL__SERVER__BASE_DOMAIN): a bare host name such as `manzil.example` \
                 (no scheme, port or path), not `{domain}`"
            ));
        }
        if let Err(entry) = web::client_ip::TrustedProxies::parse(&self.server.trusted_proxies) {
            problems.push(format!(
                "server.trusted_proxies (MANZIL__SERVER__TRUSTED_PROXIES): `{entry}` is neither an IP address nor a \
                 network such as `10.0.0.0/8`"
            ));
        }
        if self.server.json_limit_bytes < 1024 {
            problems.push("server.json_limit_bytes: at least 1024".to_owned());
        }
        if let Some(secret) = &self.auth.jwt_secret
            && secret.expose().len() < 32
        {
            problems.push(
                "auth.jwt_secret (MANZIL__AUTH__JWT_SECRET): at least 32 bytes, e.g. `openssl rand -base64 48`; \
                 or leave it unset to use a generated key in the data directory"
                    .to_owned(),
            );
        }
        if !(60..=24 * 3600).contains(&self.auth.access_token_ttl_secs) {
            problems.push("auth.access_token_ttl_secs: between 60 and 86400".to_owned());
        }
        if self.auth.refresh_token_ttl_days == 0 || self.auth.refresh_token_ttl_days > 365 {
            problems.push("auth.refresh_token_ttl_days: between 1 and 365".to_owned());
        }
        if self.auth.refresh_grace_secs > 300 {
            problems.push("auth.refresh_grace_secs: at most 300 (a long window weakens reuse detection)".to_owned());
        }
        if self.auth.max_failed_logins_per_account == 0 || self.auth.max_failed_logins_per_ip == 0 {
            problems.push("auth.max_failed_logins_per_account / _per_ip: at least 1".to_owned());
        }
        problems.extend(self.background_problems());
        problems.extend(self.inbox_problems());
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!("the configuration needs fixing:\n  - {}", problems.join("\n  - ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Config, Secret};
    use super::Mode;

    #[test]
    fn defaults_are_valid() {
        Config::default().validate(Mode::Serve).unwrap();
    }

    #[test]
    fn says_what_to_fix() {
        let mut c = Config::default();
        c.database.url = Some(Secret::new("mysql://root@db/x".into()));
        c.server.port = 0;
        c.auth.jwt_secret = Some(Secret::new("short".into()));
        c.server.base_domain = "https://manzil.ae".into();
        let e = c.validate(Mode::Serve).unwrap_err();
        for needle in ["database.url", "server.port", "auth.jwt_secret", "server.base_domain"] {
            assert!(e.contains(needle), "{needle} in {e}");
        }
        assert!(!e.contains("short"), "secrets never print");
        c.server.port = 0;
        assert!(!c.validate(Mode::Test).unwrap_err().contains("server.port"));
    }
}
