//! Listing deals: filters, a whitelisted order and cursor pages, read under the caller's rules
//! (an agent sees their deals, a manager their team's and the unassigned ones, an admin all).

use serde_json::{Value, json};
use store::Db;

use super::DEALS;
use super::stage::DealStage;
use super::view::DealView;
use crate::actor::Actor;
use crate::page::Sort;
use crate::records::{Page, PageQuery, RecordError, time_range};

/// The orders a caller may ask for (`expectedCloseAt` pages deals without a date last).
pub const SORT_FIELDS: &[&str] = &["createdAt", "updatedAt", "value", "expectedCloseAt"];
/// Newest first.
pub const DEFAULT_SORT: Sort = Sort { field: "createdAt", desc: true };

/// What to list. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListDeals {
    /// Any of these stages.
    pub stage: Vec<DealStage>,
    pub agent_id: Option<String>,
    pub lead_id: Option<String>,
    pub property_id: Option<String>,
    /// RFC 3339 or a date (its start, UTC).
    pub expected_close_from: Option<String>,
    /// RFC 3339 (inclusive) or a date (the whole day included).
    pub expected_close_to: Option<String>,
    pub page: PageQuery,
}

/// One page of the deals the caller may read.
pub async fn list(db: &Db, actor: &Actor, query: ListDeals) -> Result<Page<DealView>, RecordError> {
    let filters = filters(&query)?;
    DEALS.page(db, actor, filters, query.page, SORT_FIELDS, DEFAULT_SORT).await
}

fn filters(q: &ListDeals) -> Result<Vec<Value>, RecordError> {
    let mut all = Vec::new();
    if !q.stage.is_empty() {
        all.push(json!({"stage": {"in": q.stage.iter().map(|s| s.as_str()).collect::<Vec<_>>()}}));
    }
    for (column, value) in [("agentId", &q.agent_id), ("leadId", &q.lead_id), ("propertyId", &q.property_id)] {
        if let Some(id) = value.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            all.push(json!({ column: id }));
        }
    }
    let fields = ("expectedCloseFrom", "expectedCloseTo");
    all.extend(time_range(
        "expectedCloseAt",
        q.expected_close_from.as_deref(),
        q.expected_close_to.as_deref(),
        fields,
    )?);
    Ok(all)
}
