//! Signing in and staying signed in: login, refresh, logout, and the caller of each request.
//!
//! Every failure of a credential is reported the same way (`InvalidCredentials` for a login,
//! `InvalidToken` for a token), whatever the reason, so an attacker learns nothing from it.

pub mod jwt;
pub mod password;
pub mod rate_limit;
pub mod refresh;

use std::time::Duration;

use serde_json::{Value, json};
use store::{Db, StoreError};

use crate::actor::Actor;
use crate::tenants::Tenant;
use crate::users::UserView;
use jwt::TokenKeys;
use rate_limit::{LoginLimiter, LoginLimits};

/// Why an auth use case failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Unknown e-mail, wrong password, deactivated or invited user: one answer for all.
    #[error("invalid e-mail or password")]
    InvalidCredentials,
    /// Missing, malformed, expired, forged, revoked or foreign token, or its user is gone.
    #[error("invalid or expired token")]
    InvalidToken,
    /// Too many failed logins for the account or the address.
    #[error("too many failed logins; retry after {0:?}")]
    RateLimited(Duration),
    #[error("token signing failed: {0}")]
    Signing(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Auth settings from the config tree.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    pub limits: LoginLimits,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            access_ttl: Duration::from_secs(15 * 60),
            refresh_ttl: Duration::from_secs(30 * 24 * 3600),
            limits: LoginLimits::default(),
        }
    }
}

/// What a successful login or refresh hands out.
#[derive(Debug, Clone)]
pub struct Session {
    pub access_token: String,
    pub expires_in: Duration,
    pub refresh_token: String,
    pub user: UserView,
}

/// Login, refresh, logout and per-request authentication over one database.
pub struct AuthService {
    db: Db,
    keys: TokenKeys,
    limiter: LoginLimiter,
    refresh_ttl: Duration,
}

impl AuthService {
    /// `secret` signs access tokens (at least 32 bytes; the config checks it).
    pub fn new(db: Db, secret: &[u8], settings: AuthSettings) -> Self {
        password::warm_up();
        Self {
            db,
            keys: TokenKeys::new(secret, settings.access_ttl),
            limiter: LoginLimiter::new(settings.limits),
            refresh_ttl: settings.refresh_ttl,
        }
    }

    /// Loads a user row with the password hash (as system: it is never readable otherwise).
    async fn user_row(&self, filter: Value) -> Result<Option<Value>, StoreError> {
        let row = self
            .db
            .as_system("auth: load a user with the password hash")
            .run("User", "findFirst", &json!({"where": filter, "omit": {"passwordHash": false}}))
            .await?;
        Ok((!row.is_null()).then_some(row))
    }

    /// Checks e-mail and password on the agency's host and opens a session. `ip` feeds the
    /// per-address rate limit.
    pub async fn login(
        &self,
        tenant: &Tenant,
        email: &str,
        password: String,
        ip: Option<&str>,
    ) -> Result<Session, AuthError> {
        let email =
            domain::Email::parse(email).map_or_else(|_| email.trim().to_lowercase(), |e| e.normalized().to_owned());
        let account = format!("{}:{email}", tenant.id);
        self.limiter.check(&account, ip).map_err(AuthError::RateLimited)?;
        let row = self.user_row(json!({"tenantId": tenant.id, "email": email})).await?;
        let stored = row.as_ref().and_then(|r| r.get("passwordHash")).and_then(Value::as_str).map(str::to_owned);
        let password_ok = password::verify(password, stored).await;
        let user = row.as_ref().and_then(UserView::from_row).filter(|u| u.active);
        let Some(user) = user.filter(|_| password_ok) else {
            self.limiter.record_failure(&account, ip);
            return Err(AuthError::InvalidCredentials);
        };
        self.limiter.record_success(&account);
        let family = uuid::Uuid::new_v4().to_string();
        self.open(user, &family).await
    }

    /// Checks the signed-in caller's password (before a password change), under the same rate
    /// limit as logins: a wrong one is `InvalidCredentials` and counts as a failed login.
    pub async fn verify_password(&self, actor: &Actor, password: String, ip: Option<&str>) -> Result<(), AuthError> {
        let row = self.user_row(json!({"id": actor.user_id, "tenantId": actor.tenant_id})).await?;
        let email = row.as_ref().and_then(|r| r.get("email")).and_then(Value::as_str).unwrap_or_default();
        let account = format!("{}:{email}", actor.tenant_id);
        self.limiter.check(&account, ip).map_err(AuthError::RateLimited)?;
        let stored = row.as_ref().and_then(|r| r.get("passwordHash")).and_then(Value::as_str).map(str::to_owned);
        if password::verify(password, stored).await {
            self.limiter.record_success(&account);
            Ok(())
        } else {
            self.limiter.record_failure(&account, ip);
            Err(AuthError::InvalidCredentials)
        }
    }

    /// Opens a new login for a user who has just proved who they are (after a password change
    /// revoked all their logins), with a fresh refresh-token family.
    pub async fn start_session(&self, user: UserView) -> Result<Session, AuthError> {
        let family = uuid::Uuid::new_v4().to_string();
        self.open(user, &family).await
    }

    /// Issues an access token and a new refresh token of `family`.
    async fn open(&self, user: UserView, family: &str) -> Result<Session, AuthError> {
        self.open_with_id(user, family, &uuid::Uuid::new_v4().to_string()).await
    }

    async fn open_with_id(&self, user: UserView, family: &str, token_id: &str) -> Result<Session, AuthError> {
        let refresh_token =
            refresh::insert(&self.db, token_id, &user.tenant_id, &user.id, family, self.refresh_ttl).await?;
        let access_token =
            self.keys.issue(&user.id, &user.tenant_id, chrono::Utc::now().timestamp()).map_err(AuthError::Signing)?;
        Ok(Session { access_token, expires_in: self.keys.ttl(), refresh_token, user })
    }

    /// Rotates a refresh token: the old one is revoked and points at its successor. Showing a
    /// token that was already rotated revokes the whole login. `host` is the agency whose host
    /// the request came to (`None` on the bare host).
    pub async fn refresh(&self, plain: &str, host: Option<&Tenant>) -> Result<Session, AuthError> {
        let stored = refresh::find(&self.db, plain).await?.ok_or(AuthError::InvalidToken)?;
        if host.is_some_and(|t| t.id != stored.tenant_id) {
            return Err(AuthError::InvalidToken);
        }
        if stored.rotated {
            tracing::warn!(family = %stored.family, "refresh token reuse: revoking the login");
            refresh::revoke_family(&self.db, &stored.family).await?;
            return Err(AuthError::InvalidToken);
        }
        if stored.revoked || stored.expired() {
            return Err(AuthError::InvalidToken);
        }
        let user = self.active_user(&stored.user_id, &stored.tenant_id).await?;
        let Some(user) = user else {
            refresh::revoke_family(&self.db, &stored.family).await?;
            return Err(AuthError::InvalidToken);
        };
        let new_id = uuid::Uuid::new_v4().to_string();
        if !refresh::mark_rotated(&self.db, &stored, &new_id).await? {
            tracing::warn!(family = %stored.family, "concurrent refresh: revoking the login");
            refresh::revoke_family(&self.db, &stored.family).await?;
            return Err(AuthError::InvalidToken);
        }
        self.open_with_id(user, &stored.family, &new_id).await
    }

    /// Ends the login the refresh token belongs to. Unknown tokens are ignored (logging out
    /// twice is not an error).
    pub async fn logout(&self, plain: &str, host: Option<&Tenant>) -> Result<(), AuthError> {
        if let Some(stored) = refresh::find(&self.db, plain).await?
            && host.is_none_or(|t| t.id == stored.tenant_id)
        {
            refresh::revoke_family(&self.db, &stored.family).await?;
        }
        Ok(())
    }

    /// The caller behind an access token, built from the user's row as it is now. `host` is the
    /// agency whose host the request came to; a token of another agency is an invalid token.
    pub async fn current_actor(&self, token: &str, host: Option<&Tenant>) -> Result<Actor, AuthError> {
        let claims = self.keys.verify(token).ok_or(AuthError::InvalidToken)?;
        if host.is_some_and(|t| t.id != claims.tid) {
            return Err(AuthError::InvalidToken);
        }
        let user = self.active_user(&claims.sub, &claims.tid).await?.ok_or(AuthError::InvalidToken)?;
        Ok(Actor::from(&user))
    }

    /// The caller a background job runs as: user `id` of `tenant_id`, if they still exist and are
    /// active (read like a request's caller, from the row as it is now).
    pub async fn actor_of(&self, id: &str, tenant_id: &str) -> Result<Option<Actor>, StoreError> {
        Ok(self.active_user(id, tenant_id).await?.as_ref().map(Actor::from))
    }

    /// The user `id` of `tenant_id`, if they exist and are active.
    async fn active_user(&self, id: &str, tenant_id: &str) -> Result<Option<UserView>, StoreError> {
        let row = self
            .db
            .as_system("auth: load the caller's user row")
            .run("User", "findFirst", &json!({"where": {"id": id, "tenantId": tenant_id}}))
            .await?;
        Ok(UserView::from_row(&row).filter(|u| u.active))
    }
}
