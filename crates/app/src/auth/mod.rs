//! Signing in and staying signed in: login, refresh, logout, and the caller of each request.
//!
//! Every failure of a credential is reported the same way (`InvalidCredentials` for a login,
//! `InvalidToken` for a token), whatever the reason, so an attacker learns nothing from it.

pub mod invite;
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
    /// How long after its rotation a refresh token may be shown again and get the same successor
    /// (parallel requests of one browser); later it counts as reuse. Zero turns the window off.
    pub refresh_grace: Duration,
    pub limits: LoginLimits,
}

/// The default grace window: parallel requests arrive within milliseconds of each other and a
/// slow network or a server under load stretches that to seconds; 30 s covers them while a stolen
/// token shown later still revokes the login.
pub const DEFAULT_REFRESH_GRACE: Duration = Duration::from_secs(30);

/// How many rotations a repeat may follow to the live token (each must have happened within the
/// window, so more than a handful means something else is going on).
const MAX_GRACE_HOPS: usize = 8;

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            access_ttl: Duration::from_secs(15 * 60),
            refresh_ttl: Duration::from_secs(30 * 24 * 3600),
            refresh_grace: DEFAULT_REFRESH_GRACE,
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
    refresh_grace: Duration,
    successor_key: [u8; 32],
    links: invite::LinkKeys,
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
            refresh_grace: settings.refresh_grace,
            successor_key: refresh::successor_key(secret),
            links: invite::LinkKeys::new(secret),
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

    /// Issues an access token and a new random refresh token of `family`.
    async fn open(&self, user: UserView, family: &str) -> Result<Session, AuthError> {
        let (plain, _) = refresh::generate();
        let id = uuid::Uuid::new_v4().to_string();
        refresh::insert(&self.db, &id, &user.tenant_id, &user.id, family, &plain, self.refresh_ttl).await?;
        self.session(user, plain)
    }

    /// A fresh access token beside refresh token `refresh_token`.
    fn session(&self, user: UserView, refresh_token: String) -> Result<Session, AuthError> {
        let access_token =
            self.keys.issue(&user.id, &user.tenant_id, chrono::Utc::now().timestamp()).map_err(AuthError::Signing)?;
        Ok(Session { access_token, expires_in: self.keys.ttl(), refresh_token, user })
    }

    /// Rotates a refresh token: the old one is revoked and points at its successor. Showing a
    /// token that was already rotated revokes the whole login — unless it comes within the grace
    /// window after the rotation, when it is answered with the same successor and a new access
    /// token (see [`refresh`]). `host` is the agency whose host the request came to (`None` on
    /// the bare host).
    pub async fn refresh(&self, plain: &str, host: Option<&Tenant>) -> Result<Session, AuthError> {
        let stored = refresh::find(&self.db, plain).await?.ok_or(AuthError::InvalidToken)?;
        if host.is_some_and(|t| t.id != stored.tenant_id) {
            return Err(AuthError::InvalidToken);
        }
        if stored.rotated {
            if self.within_grace(&stored) {
                return self.repeat_rotation(plain, &stored).await;
            }
            return self.reuse(&stored).await;
        }
        if stored.revoked || stored.expired() {
            return Err(AuthError::InvalidToken);
        }
        let Some(user) = self.active_user(&stored.user_id, &stored.tenant_id).await? else {
            refresh::revoke_family(&self.db, &stored.family).await?;
            return Err(AuthError::InvalidToken);
        };
        let next = refresh::successor(&self.successor_key, plain);
        let new_id = uuid::Uuid::new_v4().to_string();
        match refresh::insert(&self.db, &new_id, &user.tenant_id, &user.id, &stored.family, &next, self.refresh_ttl)
            .await
        {
            Ok(()) => {}
            // A concurrent refresh of the same token has just stored this successor.
            // (Without a window, as before it existed: the second is taken as reuse.)
            Err(StoreError::UniqueViolation { .. }) if self.refresh_grace.is_zero() => {
                return self.reuse(&stored).await;
            }
            Err(StoreError::UniqueViolation { .. }) => return self.repeat_rotation(plain, &stored).await,
            Err(e) => return Err(e.into()),
        }
        if !refresh::mark_rotated(&self.db, &stored, &new_id).await? {
            // Revoked between the read and now (logout, reuse seen by another request).
            refresh::revoke_family(&self.db, &stored.family).await?;
            return Err(AuthError::InvalidToken);
        }
        self.session(user, next)
    }

    /// Rotated at most `refresh_grace` ago.
    fn within_grace(&self, stored: &refresh::StoredToken) -> bool {
        let Ok(grace) = chrono::Duration::from_std(self.refresh_grace) else { return false };
        if grace.is_zero() {
            return false;
        }
        let since = (chrono::Utc::now() - grace).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        stored.revoked_at.as_deref().is_some_and(|at| at >= since.as_str())
    }

    /// A rotated token shown again: the login is revoked (a stolen copy, or a client that lost
    /// its successor — the two cannot be told apart).
    async fn reuse(&self, stored: &refresh::StoredToken) -> Result<Session, AuthError> {
        tracing::warn!(family = %stored.family, "refresh token reuse: revoking the login");
        refresh::revoke_family(&self.db, &stored.family).await?;
        Err(AuthError::InvalidToken)
    }

    /// Answers a token rotated within the grace window (or being rotated right now by a parallel
    /// request) with its successor — the live end of the chain when that was rotated too — and a
    /// new access token. Nothing new is stored: the login does not fork, so if the repeat was a
    /// thief's, the thief and the owner now hold one token and whichever of them shows it second,
    /// after the window, revokes the login as before.
    async fn repeat_rotation(&self, plain: &str, stored: &refresh::StoredToken) -> Result<Session, AuthError> {
        let mut current = plain.to_owned();
        for _ in 0..MAX_GRACE_HOPS {
            let next_plain = refresh::successor(&self.successor_key, &current);
            let Some(next) = refresh::find(&self.db, &next_plain).await? else { break };
            if next.family != stored.family || next.tenant_id != stored.tenant_id {
                break;
            }
            if next.rotated {
                current = next_plain;
                continue;
            }
            if next.revoked || next.expired() {
                return Err(AuthError::InvalidToken);
            }
            let Some(user) = self.active_user(&next.user_id, &next.tenant_id).await? else {
                refresh::revoke_family(&self.db, &stored.family).await?;
                return Err(AuthError::InvalidToken);
            };
            tracing::debug!(family = %stored.family, "refresh token shown again within the grace window");
            return self.session(user, next_plain);
        }
        // No successor this rule derives (rotated before it existed, or a broken chain): as before.
        self.reuse(stored).await
    }

    /// A set-password link for `user` ([`invite`]), bound to their password hash as it is now.
    /// Whoever calls this has already checked that the caller may ask for it
    /// (`app::users::set_password_link`). Returns the token and its expiry (Unix seconds).
    pub async fn set_password_link(&self, user: &UserView) -> Result<(String, i64), AuthError> {
        let row = self.user_row(json!({"id": user.id, "tenantId": user.tenant_id})).await?;
        let hash = row.as_ref().and_then(|r| r.get("passwordHash")).and_then(Value::as_str);
        self.links.issue(&user.id, &user.tenant_id, hash, chrono::Utc::now().timestamp()).map_err(AuthError::Signing)
    }

    /// The user a set-password link is for and their password hash as it is now — if the link is
    /// well signed, unexpired, of agency `tenant`, its user active and their password unchanged
    /// since the link was made. Anything else is `InvalidToken`.
    pub async fn check_set_password_link(
        &self,
        token: &str,
        tenant: &Tenant,
    ) -> Result<(UserView, Option<String>), AuthError> {
        let claims = self.links.verify(token).ok_or(AuthError::InvalidToken)?;
        if claims.tid != tenant.id {
            return Err(AuthError::InvalidToken);
        }
        let row =
            self.user_row(json!({"id": claims.sub, "tenantId": tenant.id})).await?.ok_or(AuthError::InvalidToken)?;
        let hash = row.get("passwordHash").and_then(Value::as_str).map(str::to_owned);
        let user = UserView::from_row(&row).filter(|u| u.active).ok_or(AuthError::InvalidToken)?;
        let expected = self.links.fingerprint(hash.as_deref());
        let same = expected.len() == claims.fp.len()
            && expected.bytes().zip(claims.fp.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
        if !same {
            return Err(AuthError::InvalidToken);
        }
        Ok((user, hash))
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
