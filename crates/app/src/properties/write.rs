//! One listing: creating, reading, editing and deleting it under the caller's rules.
//!
//! Agents create and edit the listings they list; managers those of their team's agents and
//! those without an agent; admins all. Only admins delete (the others withdraw a listing).

use serde_json::{Map, Value, json};
use store::Db;

use domain::Role;

use super::fields::{search_text, type_key};
use super::input::{self, agency};
use super::view::{NewProperty, PropertyPatch, PropertyView};
use super::{LISTINGS, reference_taken};
use crate::actor::Actor;
use crate::records::{RecordError, trimmed};

/// Creates a listing in the caller's agency. Without `listingAgentId`, an agent becomes the
/// listing agent.
pub async fn create(db: &Db, actor: &Actor, new: NewProperty) -> Result<PropertyView, RecordError> {
    let reference = input::required(&new.reference, "reference")?;
    let title_en = input::required(&new.title_en, "titleEn")?;
    let title_ar = input::required(&new.title_ar, "titleAr")?;
    let kind = type_key(&input::required(&new.kind, "type")?);
    let city = input::required(&new.city, "city")?;
    let price = input::price(&new.price)?;
    let bedrooms = input::count(new.bedrooms, "bedrooms")?;
    let bathrooms = input::count(new.bathrooms, "bathrooms")?;
    let area = input::area(new.area_sqm)?;
    let permit_expires = input::permit_expiry(new.permit_expires_at.as_deref())?;
    let settings = agency(&actor.db(db), actor).await?;
    let currency = match new.currency.as_deref() {
        Some(c) => input::currency(c)?,
        None => settings.currency,
    };
    let owner_phone = input::owner_phone(new.owner_phone.as_deref(), settings.country)?;
    let agent = match trimmed(new.listing_agent_id) {
        Some(id) => Some(input::agent(db, actor, &id).await?),
        None if actor.role == Role::Agent => Some(actor.user_id.clone()),
        None => None,
    };
    let photos = input::photos(db, actor, &new.photos).await?;
    let community = trimmed(new.community);
    let mut data = json!({
        "searchText": search_text(&reference, &title_en, &title_ar, &city, community.as_deref()),
        "reference": reference,
        "titleEn": title_en,
        "titleAr": title_ar,
        "descriptionEn": trimmed(new.description_en),
        "descriptionAr": trimmed(new.description_ar),
        "purpose": new.purpose,
        "type": kind,
        "city": city,
        "community": community,
        "bedrooms": bedrooms,
        "bathrooms": bathrooms,
        "areaSqm": area,
        "price": price,
        "currency": currency,
        "listingAgentId": agent,
        "ownerName": trimmed(new.owner_name),
        "ownerPhone": owner_phone,
        "permitNumber": trimmed(new.permit_number),
        "permitExpiresAt": permit_expires,
        "photos": photos,
    });
    // Left out unless given, so the column's default (DRAFT) applies.
    if let Some(status) = new.status {
        data["status"] = json!(status.as_str());
    }
    LISTINGS.create(db, actor, data, Some(reference_taken())).await
}

/// The listing, if the caller may read it (every member of the agency may).
pub async fn get(db: &Db, actor: &Actor, id: &str) -> Result<PropertyView, RecordError> {
    LISTINGS.get(db, actor, id).await
}

fn text(row: &Value, key: &str) -> Option<String> {
    row.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Applies a partial edit; the search column is recomputed when a searched field changes.
pub async fn update(db: &Db, actor: &Actor, id: &str, patch: PropertyPatch) -> Result<PropertyView, RecordError> {
    let current = LISTINGS.row(db, actor, id).await?;
    let mut data = Map::new();
    let mut set = |k: &str, v: Value| {
        data.insert(k.to_owned(), v);
    };

    let reference = patch.reference.as_deref().map(|r| input::required(r, "reference")).transpose()?;
    let title_en = patch.title_en.as_deref().map(|t| input::required(t, "titleEn")).transpose()?;
    let title_ar = patch.title_ar.as_deref().map(|t| input::required(t, "titleAr")).transpose()?;
    let city = patch.city.as_deref().map(|c| input::required(c, "city")).transpose()?;
    let community = patch.community.map(trimmed);
    if reference.is_some() || title_en.is_some() || title_ar.is_some() || city.is_some() || community.is_some() {
        let or_current = |new: &Option<String>, key| new.clone().or_else(|| text(&current, key)).unwrap_or_default();
        let community = match &community {
            Some(c) => c.clone(),
            None => text(&current, "community"),
        };
        let key = search_text(
            &or_current(&reference, "reference"),
            &or_current(&title_en, "titleEn"),
            &or_current(&title_ar, "titleAr"),
            &or_current(&city, "city"),
            community.as_deref(),
        );
        set("searchText", json!(key));
    }
    for (key, value) in [("reference", reference), ("titleEn", title_en), ("titleAr", title_ar), ("city", city)] {
        if let Some(v) = value {
            set(key, json!(v));
        }
    }
    if let Some(v) = community {
        set("community", json!(v));
    }
    if let Some(v) = patch.description_en {
        set("descriptionEn", json!(trimmed(v)));
    }
    if let Some(v) = patch.description_ar {
        set("descriptionAr", json!(trimmed(v)));
    }
    if let Some(v) = patch.purpose {
        set("purpose", json!(v));
    }
    if let Some(v) = patch.kind {
        set("type", json!(type_key(&input::required(&v, "type")?)));
    }
    if let Some(v) = patch.bedrooms {
        set("bedrooms", json!(input::count(v, "bedrooms")?));
    }
    if let Some(v) = patch.bathrooms {
        set("bathrooms", json!(input::count(v, "bathrooms")?));
    }
    if let Some(v) = patch.area_sqm {
        set("areaSqm", json!(input::area(v)?));
    }
    if let Some(v) = &patch.price {
        set("price", json!(input::price(v)?));
    }
    if let Some(v) = &patch.currency {
        set("currency", json!(input::currency(v)?));
    }
    if let Some(v) = patch.status {
        set("status", json!(v.as_str()));
    }
    if let Some(v) = patch.permit_number {
        set("permitNumber", json!(trimmed(v)));
    }
    if let Some(v) = patch.permit_expires_at {
        set("permitExpiresAt", json!(input::permit_expiry(v.as_deref())?));
    }
    if let Some(v) = patch.owner_name {
        set("ownerName", json!(trimmed(v)));
    }
    if let Some(v) = patch.owner_phone {
        let country = agency(&actor.db(db), actor).await?.country;
        set("ownerPhone", json!(input::owner_phone(v.as_deref(), country)?));
    }
    if let Some(v) = patch.listing_agent_id {
        let agent = match trimmed(v) {
            Some(agent) => Some(input::agent(db, actor, &agent).await?),
            None => None,
        };
        set("listingAgentId", json!(agent));
    }
    if let Some(v) = patch.photos {
        set("photos", json!(input::photos(db, actor, &v).await?));
    }
    LISTINGS.update(db, actor, id, current, data, Some(reference_taken())).await
}

/// Deletes the listing: admins only; another member who can read it is refused (403).
pub async fn delete(db: &Db, actor: &Actor, id: &str) -> Result<(), RecordError> {
    LISTINGS.delete(db, actor, id).await
}
