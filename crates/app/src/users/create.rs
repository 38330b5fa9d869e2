//! Creating users: by the system for the CLI and sign-up ([`create`]), and by an agency's admin
//! through the API ([`add`], under the caller's rules).

use serde::Deserialize;
use serde_json::{Map, json};
use store::{Db, StoreError};
use utoipa::ToSchema;

use domain::{Email, Locale, Role};

use super::view::UserView;
use super::{MIN_PASSWORD_CHARS, UserError, fields};
use crate::actor::Actor;
use crate::auth::password;
use crate::records::{RecordError, trimmed};
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

/// Creates a user in an agency (CLI and sign-up: runs as system).
pub async fn create(db: &Db, tenants: &TenantDirectory, new: NewUser) -> Result<UserView, UserError> {
    let tenant: Tenant = tenants.by_slug(&new.tenant_slug).await.map_err(|e| match e {
        TenantError::Store(e) => UserError::Store(e),
        _ => UserError::TenantNotFound(new.tenant_slug.clone()),
    })?;
    let email = Email::parse(&new.email).map_err(|e| UserError::InvalidEmail(new.email.clone(), e))?;
    let hash = match new.password {
        Some(pw) if pw.chars().count() < MIN_PASSWORD_CHARS => return Err(UserError::WeakPassword),
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

/// A user an admin adds through the API. Without a password the user is invited: they cannot
/// sign in until one is set.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AddUser {
    /// Unique in the agency (case-insensitive); stored lower-cased.
    #[schema(example = "sara@dar.demo")]
    pub email: String,
    #[schema(example = "سارة المنصوري")]
    pub name: String,
    /// `AGENT` when absent.
    #[schema(value_type = Option<String>, example = "AGENT")]
    pub role: Option<Role>,
    /// A team of the agency.
    pub team_id: Option<String>,
    /// The interface language; the agency's default when absent.
    #[schema(value_type = Option<String>, example = "ar")]
    pub locale: Option<Locale>,
    /// ISO 639 codes of the languages spoken with clients.
    #[serde(default)]
    #[schema(example = json!(["ar", "en"]))]
    pub languages: Vec<String>,
    /// An initial password, at least 10 characters (stored as an argon2id hash, never shown).
    pub password: Option<String>,
}

/// Adds a user to the caller's agency under the caller's rules (admins only).
pub async fn add(db: &Db, actor: &Actor, new: AddUser) -> Result<UserView, UserError> {
    let mut data = Map::new();
    data.insert("email".into(), json!(fields::email(&new.email)?));
    data.insert("name".into(), json!(fields::name(&new.name)?));
    data.insert("role".into(), json!(new.role.unwrap_or(Role::Agent).as_str()));
    data.insert("languages".into(), json!(fields::languages(&new.languages)?));
    if let Some(locale) = new.locale {
        data.insert("locale".into(), json!(locale.as_str()));
    } else {
        data.insert("locale".into(), json!(agency_locale(db, actor).await?.as_str()));
    }
    if let Some(team) = trimmed(new.team_id) {
        data.insert("teamId".into(), json!(fields::team(db, actor, &team).await?));
    }
    if let Some(plain) = new.password {
        // `passwordHash` has no create rule: the admin's create carries it, in one statement.
        data.insert("passwordHash".into(), json!(fields::hash_password(plain, "password").await?));
    }
    let row = actor.db(db).run("User", "create", &json!({ "data": data })).await.map_err(|e| match e {
        StoreError::UniqueViolation { .. } => {
            UserError::Record(RecordError::Conflict { code: "user.email_taken", field: "email" })
        }
        StoreError::RejectedByPolicy { .. } => UserError::Record(RecordError::Forbidden),
        e => UserError::Store(e),
    })?;
    UserView::from_row(&row).ok_or_else(|| UserError::Record(RecordError::Unreadable("User".into())))
}

/// The agency's default interface language (new users start with it).
async fn agency_locale(db: &Db, actor: &Actor) -> Result<Locale, UserError> {
    let settings = crate::tenants::settings(&actor.db(db), &actor.tenant_id).await?;
    Ok(settings.and_then(|s| s.default_locale).unwrap_or(Locale::Ar))
}
