//! Manzil's use cases by feature. Nothing here knows HTTP: callers pass plain values and an
//! [`Actor`], and get feature errors ([`auth::AuthError`], [`tenants::TenantError`], …) back.

pub mod actor;
pub mod auth;
pub mod demo;
pub mod schema;
pub mod tenants;
pub mod users;

use std::time::Duration;

pub use actor::{Actor, Locale, Role};

/// The service handles the web layer and the CLI share. Cheap to share behind an `Arc`.
pub struct App {
    pub db: store::Db,
    pub auth: auth::AuthService,
    pub tenants: tenants::TenantDirectory,
}

impl App {
    /// Wires the use cases over one database. `jwt_secret` signs access tokens.
    pub fn new(db: store::Db, jwt_secret: &[u8], auth: auth::AuthSettings) -> App {
        App {
            auth: auth::AuthService::new(db.clone(), jwt_secret, auth),
            tenants: tenants::TenantDirectory::new(db.clone(), Duration::from_secs(10)),
            db,
        }
    }
}
