//! Users of an agency: creating one (CLI, sign-up), and the caller's own profile.

use serde::Serialize;
use serde_json::{Value, json};
use store::{Db, StoreError};

use domain::{Email, Locale, Role};

use crate::actor::Actor;
use crate::auth::password;
use crate::tenants::{Tenant, TenantDirectory, TenantError};

/// What `manzil user create` asks for.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub tenant_slug: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub locale: Option<Locale>,
    /// Hashed with argon2id before it is stored; `None` leaves the user invited (no login yet).
    pub password: Option<String>,
}

/// A user as the API shows them (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub id: String,
    pub tenant_id: String,
    pub email: String,
    pub name: String,
    #[schema(value_type = String, example = "AGENT")]
    pub role: Role,
    pub team_id: Option<String>,
    #[schema(value_type = String, example = "ar")]
    pub locale: Locale,
    pub active: bool,
}

impl UserView {
    pub(crate) fn from_row(row: &Value) -> Option<UserView> {
        let s = |k: &str| row.get(k).and_then(Value::as_str).map(str::to_owned);
        Some(UserView {
            id: s("id")?,
            tenant_id: s("tenantId")?,
            email: s("email")?,
            name: s("name")?,
            role: Role::parse(&s("role")?).ok()?,
            team_id: s("teamId"),
            locale: s("locale").and_then(|l| Locale::parse(&l).ok()).unwrap_or(Locale::Ar),
            active: row.get("active").and_then(Value::as_bool).unwrap_or(false),
        })
    }
}

impl From<&UserView> for Actor {
    fn from(user: &UserView) -> Actor {
        Actor {
            user_id: user.id.clone(),
            tenant_id: user.tenant_id.clone(),
            role: user.role,
            team_id: user.team_id.clone(),
            locale: user.locale,
        }
    }
}

/// Why a user use case failed.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("no agency with the subdomain `{0}`")]
    TenantNotFound(String),
    #[error("`{0}` is not a valid e-mail address: {1}")]
    InvalidEmail(String, domain::EmailError),
    #[error("the password must have at least 10 characters")]
    WeakPassword,
    #[error("a user with this e-mail exists in this agency")]
    EmailTaken,
    #[error("the user was not found")]
    NotFound,
    #[error("password hashing failed: {0}")]
    Hashing(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Creates a user in an agency (CLI and sign-up: runs as system).
pub async fn create(db: &Db, tenants: &TenantDirectory, new: NewUser) -> Result<UserView, UserError> {
    let tenant: Tenant = tenants.by_slug(&new.tenant_slug).await.map_err(|e| match e {
        TenantError::Store(e) => UserError::Store(e),
        _ => UserError::TenantNotFound(new.tenant_slug.clone()),
    })?;
    let email = Email::parse(&new.email).map_err(|e| UserError::InvalidEmail(new.email.clone(), e))?;
    let hash = match new.password {
        Some(pw) if pw.chars().count() < 10 => return Err(UserError::WeakPassword),
        Some(pw) => Some(password::hash(pw).await.map_err(UserError::Hashing)?),
        None => None,
    };
    let row = db
        .as_system("users: create a user (CLI or sign-up)")
        .create(
            "User",
            json!({"data": {
                "tenantId": tenant.id,
                "email": email.normalized(),
                "name": new.name,
                "role": new.role.as_str(),
                "locale": new.locale.unwrap_or(tenant.default_locale).as_str(),
                "passwordHash": hash,
            }}),
        )
        .await
        .map_err(|e| match e {
            StoreError::UniqueViolation { .. } => UserError::EmailTaken,
            e => UserError::Store(e),
        })?;
    UserView::from_row(&row).ok_or(UserError::NotFound)
}

/// The caller's own profile, read under the caller's rules.
pub async fn me(db: &Db, actor: &Actor) -> Result<UserView, UserError> {
    let row = actor.db(db).run("User", "findUnique", &json!({"where": {"id": actor.user_id}})).await?;
    UserView::from_row(&row).ok_or(UserError::NotFound)
}
