//! Listing listings: filters, folded search, a whitelisted order and cursor pages. Every member
//! of the agency reads every listing; the owner's contact stays hidden field by field.

use serde_json::{Value, json};
use store::Db;

use domain::fold_search;

use super::LISTINGS;
use super::fields::{ListingStatus, type_key};
use super::view::PropertyView;
use crate::actor::Actor;
use crate::leads::{Budget, Purpose};
use crate::page::Sort;
use crate::records::{Page, PageQuery, RecordError};

/// The orders a caller may ask for.
pub const SORT_FIELDS: &[&str] = &["createdAt", "updatedAt", "price", "reference"];
/// Newest first.
pub const DEFAULT_SORT: Sort = Sort { field: "createdAt", desc: true };

/// What to list. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListProperties {
    /// Any of these statuses.
    pub status: Vec<ListingStatus>,
    /// Any of these purposes.
    pub purpose: Vec<Purpose>,
    /// Any of these types (`villa`, `APARTMENT`: compared as stored keys).
    pub types: Vec<String>,
    /// The city, exactly as stored (the values a filter menu offers).
    pub city: Option<String>,
    /// The community, exactly as stored.
    pub community: Option<String>,
    pub listing_agent_id: Option<String>,
    /// At least this many bedrooms.
    pub min_bedrooms: Option<u32>,
    /// Decimal strings, inclusive.
    pub min_price: Option<String>,
    pub max_price: Option<String>,
    /// Searched, folded, in the reference, both titles, the city and the community.
    pub q: Option<String>,
    pub page: PageQuery,
}

/// One page of the agency's listings.
pub async fn list(db: &Db, actor: &Actor, query: ListProperties) -> Result<Page<PropertyView>, RecordError> {
    let filters = filters(&query)?;
    LISTINGS.page(db, actor, filters, query.page, SORT_FIELDS, DEFAULT_SORT).await
}

fn amount(input: Option<&str>, field: &'static str) -> Result<Option<String>, RecordError> {
    match input.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => Budget::parse(s)
            .map(|b| Some(String::from(b)))
            .ok_or_else(|| RecordError::invalid("request.invalid_query", field)),
    }
}

fn filters(q: &ListProperties) -> Result<Vec<Value>, RecordError> {
    let nonempty = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let mut all = Vec::new();
    if !q.status.is_empty() {
        all.push(json!({"status": {"in": q.status.iter().map(|s| s.as_str()).collect::<Vec<_>>()}}));
    }
    if !q.purpose.is_empty() {
        all.push(json!({"purpose": {"in": q.purpose}}));
    }
    let types: Vec<String> = q.types.iter().map(|t| type_key(t)).filter(|t| !t.is_empty()).collect();
    if !types.is_empty() {
        all.push(json!({"type": {"in": types}}));
    }
    if let Some(city) = nonempty(&q.city) {
        all.push(json!({"city": city}));
    }
    if let Some(community) = nonempty(&q.community) {
        all.push(json!({"community": community}));
    }
    if let Some(agent) = nonempty(&q.listing_agent_id) {
        all.push(json!({"listingAgentId": agent}));
    }
    if let Some(n) = q.min_bedrooms {
        all.push(json!({"bedrooms": {"gte": n}}));
    }
    if let Some(min) = amount(q.min_price.as_deref(), "minPrice")? {
        all.push(json!({"price": {"gte": min}}));
    }
    if let Some(max) = amount(q.max_price.as_deref(), "maxPrice")? {
        all.push(json!({"price": {"lte": max}}));
    }
    if let Some(folded) = q.q.as_deref().map(fold_search).filter(|s| !s.is_empty()) {
        all.push(json!({"searchText": {"contains": folded}}));
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_engine_conditions() {
        let q = ListProperties {
            status: vec![ListingStatus::Available],
            types: vec!["villa".into()],
            min_price: Some("100".into()),
            q: Some("الإمارات".into()),
            ..ListProperties::default()
        };
        let f = filters(&q).unwrap();
        assert_eq!(f[0], json!({"status": {"in": ["AVAILABLE"]}}));
        assert_eq!(f[1], json!({"type": {"in": ["VILLA"]}}));
        assert_eq!(f[2], json!({"price": {"gte": "100"}}));
        assert_eq!(f[3], json!({"searchText": {"contains": "الامارات"}}));
        let bad = ListProperties { max_price: Some("cheap".into()), ..ListProperties::default() };
        assert!(matches!(filters(&bad), Err(RecordError::Invalid { field, .. }) if field == "maxPrice"));
    }
}
