//! Matching leads and listings of one agency, both ways: the available listings that fit a
//! lead's requirements, and the open leads a listing fits. The hard criteria are filters in the
//! query (under the caller's rules); the survivors are scored in Rust ([`score`]) and the best
//! come first.
//!
//! Bounded: at most [`CANDIDATES`] records pass from the query to the scorer — the most
//! recently updated ones — and the answer says when more would have qualified (`truncated`).

mod score;

pub use score::{Criterion, Offer, Requirements, Score, TOLERANCE_PERCENT, scaled, score};

use serde::Serialize;
use serde_json::{Value, json};
use store::Db;
use utoipa::ToSchema;

use crate::actor::Actor;
use crate::leads::{LeadStatus, LeadView, Purpose};
use crate::properties::{self, PropertyView};
use crate::records::{RecordError, Records, view};

/// The most candidates one request scores.
pub const CANDIDATES: usize = 500;
/// Matches answered when the caller names no `limit`.
pub const DEFAULT_LIMIT: u32 = 20;
/// The largest `limit`.
pub const MAX_LIMIT: u32 = 100;

const LEADS: Records = Records::new("Lead");
const LISTINGS: Records = Records::new("Property");

/// A listing that fits a lead.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PropertyMatch {
    /// 0–100.
    #[schema(example = 85)]
    pub score: u8,
    /// The lead's stated criteria the listing meets.
    pub reasons: Vec<Criterion>,
    /// The lead's stated soft criteria (type, city, community) it does not meet.
    pub missed: Vec<Criterion>,
    pub property: PropertyView,
}

/// A lead a listing fits.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LeadMatch {
    /// 0–100.
    #[schema(example = 85)]
    pub score: u8,
    /// The lead's stated criteria the listing meets.
    pub reasons: Vec<Criterion>,
    /// The lead's stated soft criteria (type, city, community) the listing does not meet.
    pub missed: Vec<Criterion>,
    pub lead: LeadView,
}

/// The best listings for a lead, best first.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PropertyMatches {
    pub items: Vec<PropertyMatch>,
    /// More than [`CANDIDATES`] listings passed the hard criteria; only the most recently
    /// updated ones were scored.
    pub truncated: bool,
}

/// The best leads for a listing, best first.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LeadMatches {
    pub items: Vec<LeadMatch>,
    /// More than [`CANDIDATES`] leads passed the hard criteria; only the most recently updated
    /// ones were scored.
    pub truncated: bool,
}

fn limit(limit: Option<u32>) -> Result<usize, RecordError> {
    match limit.unwrap_or(DEFAULT_LIMIT) {
        n @ 1..=MAX_LIMIT => Ok(n as usize),
        _ => Err(RecordError::invalid("request.invalid_query", "limit")),
    }
}

fn purpose_name(p: Purpose) -> &'static str {
    match p {
        Purpose::Sale => "SALE",
        Purpose::Rent => "RENT",
    }
}

/// A lead's requirements; its budget is in its own currency, else the agency's.
fn requirements(lead: &LeadView, agency_currency: &str) -> Requirements {
    let amount = |a: &Option<String>| a.as_deref().and_then(scaled);
    Requirements {
        intent: lead.intent.map(|p| purpose_name(p).to_owned()),
        property_types: lead.property_types.clone(),
        cities: lead.cities.clone(),
        communities: lead.communities.clone(),
        min_bedrooms: lead.min_bedrooms,
        budget_min: amount(&lead.budget_min),
        budget_max: amount(&lead.budget_max),
        currency: lead
            .budget_currency
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .unwrap_or(agency_currency)
            .to_ascii_uppercase(),
    }
}

fn offer(p: &PropertyView) -> Result<Offer, RecordError> {
    Ok(Offer {
        purpose: purpose_name(p.purpose).to_owned(),
        kind: p.kind.clone(),
        city: p.city.clone(),
        community: p.community.clone(),
        bedrooms: p.bedrooms,
        price: scaled(&p.price).ok_or_else(|| RecordError::Unreadable(format!("price `{}`", p.price)))?,
        currency: p.currency.clone(),
    })
}

/// Up to [`CANDIDATES`] rows of `model` matching `filters`, most recently updated first, and
/// whether more exist.
async fn candidates(
    db: &Db,
    actor: &Actor,
    model: &str,
    filters: Vec<Value>,
) -> Result<(Vec<Value>, bool), RecordError> {
    let args = json!({
        "where": {"AND": filters},
        "orderBy": [{"updatedAt": "desc"}, {"id": "desc"}],
        "take": CANDIDATES + 1,
    });
    let rows = actor.db(db).run(model, "findMany", &args).await.map_err(RecordError::Store)?;
    let mut rows = match rows {
        Value::Array(rows) => rows,
        _ => Vec::new(),
    };
    let truncated = rows.len() > CANDIDATES;
    rows.truncate(CANDIDATES);
    Ok((rows, truncated))
}

/// The available listings of the agency that fit the lead (which the caller must be able to
/// read), best first.
pub async fn listings_for_lead(
    db: &Db,
    actor: &Actor,
    lead_id: &str,
    max: Option<u32>,
) -> Result<PropertyMatches, RecordError> {
    let max = limit(max)?;
    let lead: LeadView = LEADS.get(db, actor, lead_id).await?;
    let agency = properties::agency(&actor.db(db), actor).await?;
    let req = requirements(&lead, &agency.currency);

    let mut filters = vec![json!({"status": "AVAILABLE"})];
    if let Some(intent) = &req.intent {
        filters.push(json!({"purpose": intent}));
    }
    if let Some(min) = req.min_bedrooms {
        filters.push(json!({"bedrooms": {"gte": min}}));
    }
    if req.has_budget() {
        // Listing currencies are stored upper case (checked on every write).
        filters.push(json!({"currency": req.currency}));
    }
    if let Some(min) = req.budget_min {
        filters.push(json!({"price": {"gte": score::lowest_price(min)}}));
    }
    if let Some(max) = req.budget_max {
        filters.push(json!({"price": {"lte": score::highest_price(max)}}));
    }
    let (rows, truncated) = candidates(db, actor, "Property", filters).await?;

    let mut items = Vec::new();
    for row in rows {
        let property: PropertyView = view(row)?;
        if let Some(s) = score(&req, &offer(&property)?) {
            items.push(PropertyMatch { score: s.score, reasons: s.reasons, missed: s.missed, property });
        }
    }
    items.sort_by_key(|m| std::cmp::Reverse(m.score));
    items.truncate(max);
    Ok(PropertyMatches { items, truncated })
}

/// The open leads (not WON or LOST) the caller may read that the listing fits, best first.
pub async fn leads_for_listing(
    db: &Db,
    actor: &Actor,
    property_id: &str,
    max: Option<u32>,
) -> Result<LeadMatches, RecordError> {
    let max = limit(max)?;
    let property: PropertyView = LISTINGS.get(db, actor, property_id).await?;
    let agency = properties::agency(&actor.db(db), actor).await?;
    let offer = offer(&property)?;

    let closed = [LeadStatus::Won.as_str(), LeadStatus::Lost.as_str()];
    let mut filters = vec![
        json!({"status": {"notIn": closed}}),
        json!({"OR": [{"intent": null}, {"intent": offer.purpose}]}),
        match offer.bedrooms {
            Some(b) => json!({"OR": [{"minBedrooms": null}, {"minBedrooms": {"lte": b}}]}),
            None => json!({"minBedrooms": null}),
        },
        // Generous bounds (rounded outwards); the scorer applies the exact ones.
        json!({"OR": [{"budgetMin": null}, {"budgetMin": {"lte": score::largest_min_for(offer.price)}}]}),
        json!({"OR": [{"budgetMax": null}, {"budgetMax": {"gte": score::smallest_max_for(offer.price)}}]}),
    ];
    let mut currency = vec![
        json!({"budgetMin": null, "budgetMax": null}),
        // A lead's currency is stored as typed: both cases of the code.
        json!({"budgetCurrency": {"in": [offer.currency.to_ascii_uppercase(), offer.currency.to_ascii_lowercase()]}}),
    ];
    if agency.currency.eq_ignore_ascii_case(&offer.currency) {
        currency.push(json!({"budgetCurrency": null}));
    }
    filters.push(json!({ "OR": currency }));
    let (rows, truncated) = candidates(db, actor, "Lead", filters).await?;

    let mut items = Vec::new();
    for row in rows {
        let lead: LeadView = view(row)?;
        if let Some(s) = score(&requirements(&lead, &agency.currency), &offer) {
            items.push(LeadMatch { score: s.score, reasons: s.reasons, missed: s.missed, lead });
        }
    }
    items.sort_by_key(|m| std::cmp::Reverse(m.score));
    items.truncate(max);
    Ok(LeadMatches { items, truncated })
}
