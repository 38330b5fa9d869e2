//! Checks on a listing's input, shared by create and edit: required text, the price, the
//! currency, counts and the area, the permit's expiry, the owner's phone (E.164, read with the
//! agency's country), the listing agent and the photos. Each refusal names its field.

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};
use store::{Client, Db};

use domain::{CountryCode, PhoneE164};

use super::fields::AmountInput;
use crate::actor::Actor;
use crate::files::OwnerType;
use crate::leads::Budget;
use crate::records::{RecordError, instant};

/// The most photos one listing holds.
pub const MAX_PHOTOS: usize = 50;

/// The agency settings a listing write needs, read under the caller's rules.
pub(crate) struct Agency {
    pub country: CountryCode,
    pub currency: String,
}

pub(crate) async fn agency(client: &Client, actor: &Actor) -> Result<Agency, RecordError> {
    let settings = crate::tenants::settings(client, &actor.tenant_id).await.map_err(RecordError::Store)?;
    let settings = settings.unwrap_or_default();
    let currency = settings.currency.filter(|c| is_currency(c));
    Ok(Agency { country: settings.country, currency: currency.unwrap_or_else(|| "AED".to_owned()) })
}

/// Trimmed text that must not be empty.
pub(super) fn required(value: &str, field: &'static str) -> Result<String, RecordError> {
    let v = value.trim();
    if v.is_empty() { Err(RecordError::invalid("property.required", field)) } else { Ok(v.to_owned()) }
}

/// A non-negative decimal (`1250000`, `1250000.50`; at most 4 decimals).
pub(super) fn price(input: &AmountInput) -> Result<String, RecordError> {
    Budget::parse(&input.text())
        .map(String::from)
        .ok_or_else(|| RecordError::invalid("property.invalid_price", "price"))
}

fn is_currency(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// Three upper-case letters.
pub(super) fn currency(input: &str) -> Result<String, RecordError> {
    let code = input.trim();
    if is_currency(code) {
        Ok(code.to_owned())
    } else {
        Err(RecordError::invalid("property.invalid_currency", "currency"))
    }
}

/// Bedrooms and bathrooms: zero or more (a studio has no bedroom).
pub(super) fn count(value: Option<i64>, field: &'static str) -> Result<Option<i64>, RecordError> {
    match value {
        Some(n) if !(0..=1000).contains(&n) => Err(RecordError::invalid("property.invalid_number", field)),
        v => Ok(v),
    }
}

/// The area in square metres: more than zero.
pub(super) fn area(value: Option<f64>) -> Result<Option<f64>, RecordError> {
    match value {
        Some(a) if !(a.is_finite() && a > 0.0) => Err(RecordError::invalid("property.invalid_number", "areaSqm")),
        v => Ok(v),
    }
}

/// The permit's expiry: RFC 3339 or a date; empty is none.
pub(super) fn permit_expiry(input: Option<&str>) -> Result<Option<String>, RecordError> {
    match input.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => instant(s).map(Some).ok_or_else(|| RecordError::invalid("property.invalid_date", "permitExpiresAt")),
    }
}

/// The owner's phone in E.164; empty is none.
pub(super) fn owner_phone(input: Option<&str>, country: CountryCode) -> Result<Option<String>, RecordError> {
    match input.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(p) => PhoneE164::parse(p, country)
            .map(|p| Some(String::from(p)))
            .map_err(|_| RecordError::invalid("property.invalid_phone", "ownerPhone")),
    }
}

/// The id of an active user of the caller's agency (every member reads their colleagues), else
/// `property.invalid_agent`.
pub(super) async fn agent(db: &Db, actor: &Actor, id: &str) -> Result<String, RecordError> {
    let args = json!({"where": {"id": id.trim(), "active": true}, "select": {"id": true}});
    let row = actor.db(db).run("User", "findFirst", &args).await.map_err(RecordError::Store)?;
    row.get("id")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| RecordError::invalid("property.invalid_agent", "listingAgentId"))
}

/// Photo ids in display order, repeats removed. Each must be a file of the agency the caller
/// may read — its row and the record it is attached to, as for a download — else
/// `property.invalid_photo` on `photos[i]`.
pub(super) async fn photos(db: &Db, actor: &Actor, ids: &[String]) -> Result<Vec<String>, RecordError> {
    let mut out: Vec<String> = Vec::with_capacity(ids.len());
    for id in ids.iter().map(|s| s.trim().to_owned()) {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    if out.is_empty() {
        return Ok(out);
    }
    if out.len() > MAX_PHOTOS {
        return Err(RecordError::invalid("property.invalid_photo", "photos"));
    }
    let client = actor.db(db);
    let args = json!({"where": {"id": {"in": out}}, "select": {"id": true, "ownerType": true, "ownerId": true}});
    let rows = client.run("File", "findMany", &args).await.map_err(RecordError::Store)?;
    let mut owners: HashMap<&str, (OwnerType, &str)> = HashMap::new();
    for row in rows.as_array().into_iter().flatten() {
        let s = |k: &str| row.get(k).and_then(Value::as_str);
        if let (Some(id), Some(kind), Some(owner)) = (s("id"), s("ownerType").and_then(OwnerType::parse), s("ownerId"))
        {
            owners.insert(id, (kind, owner));
        }
    }
    let mut readable: HashSet<(&'static str, String)> = HashSet::new();
    for kind in [OwnerType::Lead, OwnerType::Property, OwnerType::Deal, OwnerType::Activity] {
        let wanted: Vec<&str> = owners.values().filter(|(k, _)| *k == kind).map(|(_, id)| *id).collect();
        if wanted.is_empty() {
            continue;
        }
        let args = json!({"where": {"id": {"in": wanted}}, "select": {"id": true}});
        let found = client.run(model_of(kind), "findMany", &args).await.map_err(RecordError::Store)?;
        for id in found.as_array().into_iter().flatten().filter_map(|r| r.get("id").and_then(Value::as_str)) {
            readable.insert((kind.as_str(), id.to_owned()));
        }
    }
    for (i, id) in out.iter().enumerate() {
        let visible = owners
            .get(id.as_str())
            .is_some_and(|(kind, owner)| readable.contains(&(kind.as_str(), (*owner).to_owned())));
        if !visible {
            return Err(RecordError::invalid("property.invalid_photo", format!("photos[{i}]")));
        }
    }
    Ok(out)
}

fn model_of(kind: OwnerType) -> &'static str {
    match kind {
        OwnerType::Lead => "Lead",
        OwnerType::Property => "Property",
        OwnerType::Deal => "Deal",
        OwnerType::Activity => "Activity",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(r: Result<impl std::fmt::Debug, RecordError>) -> (String, String) {
        match r {
            Err(RecordError::Invalid { code, field }) => (code.to_owned(), field.into_owned()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn values_are_checked_on_their_field() {
        assert_eq!(price(&AmountInput::Text("1250000.50".into())).unwrap(), "1250000.50");
        assert_eq!(field(price(&AmountInput::Text("-5".into()))).0, "property.invalid_price");
        assert_eq!(field(price(&AmountInput::Text("1e9".into()))).0, "property.invalid_price");
        assert_eq!(currency(" USD ").unwrap(), "USD");
        assert_eq!(field(currency("usd")), ("property.invalid_currency".into(), "currency".into()));
        assert_eq!(field(currency("DIRHAM")).0, "property.invalid_currency");
        assert_eq!(count(Some(0), "bedrooms").unwrap(), Some(0));
        assert_eq!(field(count(Some(-1), "bathrooms")).1, "bathrooms");
        assert_eq!(field(area(Some(0.0))).1, "areaSqm");
        assert_eq!(permit_expiry(Some("2027-01-31")).unwrap().as_deref(), Some("2027-01-31T00:00:00.000Z"));
        assert_eq!(field(permit_expiry(Some("next year"))).0, "property.invalid_date");
        assert_eq!(owner_phone(Some("050 123 4567"), CountryCode::AE).unwrap().as_deref(), Some("+971501234567"));
        assert_eq!(field(owner_phone(Some("12"), CountryCode::AE)).1, "ownerPhone");
        assert_eq!(field(required("  ", "titleAr")), ("property.required".into(), "titleAr".into()));
    }
}
