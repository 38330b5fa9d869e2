//! Agencies (tenants): creating one, and finding one by the subdomain a request came in on.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{Value, json};
use store::{Client, Db, StoreError};

use domain::{CountryCode, Locale, TenantSlug, TimeZone};

use crate::actor::Actor;
use crate::records::{RecordError, Records};

/// An agency, as the rest of the server sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub default_locale: Locale,
    pub currency: String,
    /// Every time the pages show, and their "today" and "this week", are in this zone.
    pub time_zone: TimeZone,
    pub country: String,
}

impl Tenant {
    fn from_row(row: &Value) -> Option<Tenant> {
        let s = |k: &str| row.get(k).and_then(Value::as_str).map(str::to_owned);
        Some(Tenant {
            id: s("id")?,
            slug: s("slug")?,
            name: s("name")?,
            default_locale: s("defaultLocale").and_then(|l| Locale::parse(&l).ok()).unwrap_or(Locale::Ar),
            currency: s("currency")?,
            time_zone: zone_of(&s("id")?, s("timeZone").as_deref()),
            country: s("country")?,
        })
    }
}

/// A stored zone; UTC when it is missing or not a zone the database knows (the column defaults to
/// `Asia/Dubai` and the settings refuse unknown names, so only a hand-edited row gets here).
fn zone_of(tenant_id: &str, stored: Option<&str>) -> TimeZone {
    match stored.map(TimeZone::parse) {
        Some(Ok(zone)) => zone,
        _ => {
            tracing::warn!(tenant_id, stored = ?stored, "agency time zone unreadable; using UTC");
            TimeZone::UTC
        }
    }
}

const TENANTS: Records = Records::new("Tenant");

/// Sets the caller's agency's time zone (an IANA name such as `Asia/Dubai`), under the rules:
/// only an admin may (else [`RecordError::Forbidden`]). An unknown name is
/// `tenant.invalid_time_zone` on field `timeZone`, and nothing changes.
pub async fn set_time_zone(db: &Db, actor: &Actor, name: &str) -> Result<TimeZone, RecordError> {
    let zone = TimeZone::parse(name).map_err(|_| RecordError::invalid("tenant.invalid_time_zone", "timeZone"))?;
    let current = TENANTS.row(db, actor, &actor.tenant_id).await?;
    let mut data = serde_json::Map::new();
    data.insert("timeZone".into(), json!(zone.name()));
    let row: Value = TENANTS.update(db, actor, &actor.tenant_id, current, data, None).await?;
    Ok(zone_of(&actor.tenant_id, row.get("timeZone").and_then(Value::as_str)))
}

/// What `manzil tenant create` asks for.
#[derive(Debug, Clone)]
pub struct NewTenant {
    pub slug: String,
    pub name: String,
    pub default_locale: Locale,
    pub currency: String,
    pub country: String,
}

/// Why a tenant use case failed.
#[derive(Debug, thiserror::Error)]
pub enum TenantError {
    #[error("no agency with this subdomain")]
    NotFound,
    #[error("the subdomain `{0}` is taken")]
    SlugTaken(String),
    #[error("`{0}` is not a valid subdomain: {1}")]
    InvalidSlug(String, domain::TenantSlugError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Creates an agency (sign-up and the CLI; runs as system: no caller exists yet).
/// The agency settings the use cases need (phones, prices, new users, routing), as stored.
/// [`Default`] is what a use case assumes of an agency whose row it cannot read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencySettings {
    /// For reading local phone numbers; an unusable country reads as `AE` (international
    /// numbers still parse).
    pub country: CountryCode,
    /// The stored ISO 4217 code, unchecked: each use case decides what to do with a bad one.
    pub currency: Option<String>,
    pub default_locale: Option<Locale>,
    /// New leads are routed round robin.
    pub round_robin: bool,
}

impl Default for AgencySettings {
    fn default() -> Self {
        AgencySettings { country: CountryCode::AE, currency: None, default_locale: None, round_robin: false }
    }
}

/// The settings of agency `tenant_id`, read through `client` (under its caller's rules); `None`
/// when the row is missing or hidden.
pub async fn settings(client: &Client, tenant_id: &str) -> Result<Option<AgencySettings>, StoreError> {
    let args = json!({"where": {"id": tenant_id},
                      "select": {"country": true, "currency": true, "defaultLocale": true, "routingMode": true}});
    let row = client.run("Tenant", "findUnique", &args).await?;
    if !row.is_object() {
        return Ok(None);
    }
    let text = |k: &str| row.get(k).and_then(Value::as_str);
    Ok(Some(AgencySettings {
        country: text("country").and_then(|c| CountryCode::parse(c).ok()).unwrap_or(CountryCode::AE),
        currency: text("currency").map(str::to_owned),
        default_locale: text("defaultLocale").and_then(|l| Locale::parse(l).ok()),
        round_robin: text("routingMode") == Some("ROUND_ROBIN"),
    }))
}

pub async fn create(db: &Db, new: NewTenant) -> Result<Tenant, TenantError> {
    let slug = TenantSlug::parse(&new.slug).map_err(|e| TenantError::InvalidSlug(new.slug.clone(), e))?;
    let row = db
        .as_system("tenants: create an agency")
        .create(
            "Tenant",
            json!({"data": {
                "slug": slug.as_str(),
                "name": new.name,
                "defaultLocale": new.default_locale.as_str(),
                "currency": new.currency,
                "country": new.country,
            }}),
        )
        .await
        .map_err(|e| match e {
            StoreError::UniqueViolation { .. } => TenantError::SlugTaken(slug.to_string()),
            e => TenantError::Store(e),
        })?;
    Tenant::from_row(&row).ok_or(TenantError::NotFound)
}

/// Finds agencies by subdomain, remembering answers for a few seconds (found ones only: a new
/// agency is reachable at once, a removed one at most `ttl` later).
pub struct TenantDirectory {
    db: Db,
    ttl: Duration,
    cache: Mutex<HashMap<String, (Instant, Tenant)>>,
}

impl TenantDirectory {
    pub fn new(db: Db, ttl: Duration) -> Self {
        Self { db, ttl, cache: Mutex::new(HashMap::new()) }
    }

    /// The agency at `slug`, or [`TenantError::NotFound`].
    pub async fn by_slug(&self, slug: &str) -> Result<Tenant, TenantError> {
        let Ok(slug) = TenantSlug::parse(slug) else { return Err(TenantError::NotFound) };
        let slug = slug.as_str();
        if let Some(t) = self.cached(slug) {
            return Ok(t);
        }
        let row = self
            .db
            .as_system("tenants: resolve the request's subdomain")
            .run("Tenant", "findUnique", &json!({"where": {"slug": slug}}))
            .await?;
        let tenant = Tenant::from_row(&row).ok_or(TenantError::NotFound)?;
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() > 10_000 {
                cache.clear();
            }
            cache.insert(slug.to_owned(), (Instant::now(), tenant.clone()));
        }
        Ok(tenant)
    }

    /// Drops the remembered answer for `slug`, after its settings changed (other server
    /// processes still answer from their copy for at most `ttl`).
    pub fn forget(&self, slug: &str) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.remove(slug);
        }
    }

    fn cached(&self, slug: &str) -> Option<Tenant> {
        let cache = self.cache.lock().ok()?;
        let (at, t) = cache.get(slug)?;
        (at.elapsed() < self.ttl).then(|| t.clone())
    }
}
