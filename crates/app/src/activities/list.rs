//! Listing activities: filters (kind, lead, deal, listing, assignee, mine, open, due window), a
//! whitelisted order and cursor pages, read under the caller's rules. Sorting by `dueAt` pages
//! the activities without a due time last, in either direction.

use serde_json::{Value, json};
use store::Db;

use super::ACTIVITIES;
use super::view::{ActivityType, ActivityView};
use crate::actor::Actor;
use crate::page::Sort;
use crate::records::{Page, PageQuery, RecordError, time_range};

/// The orders a caller may ask for.
pub const SORT_FIELDS: &[&str] = &["dueAt", "createdAt"];
/// Newest first.
pub const DEFAULT_SORT: Sort = Sort { field: "createdAt", desc: true };

/// What to list. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListActivities {
    /// Any of these kinds.
    pub kind: Vec<ActivityType>,
    pub lead_id: Option<String>,
    pub deal_id: Option<String>,
    pub property_id: Option<String>,
    pub assignee_id: Option<String>,
    /// Only the caller's (assigned to them).
    pub mine: bool,
    /// `Some(true)`: not done yet; `Some(false)`: done.
    pub open: Option<bool>,
    /// RFC 3339 or a date (its start, UTC).
    pub due_from: Option<String>,
    /// RFC 3339 (inclusive) or a date (the whole day included).
    pub due_to: Option<String>,
    pub page: PageQuery,
}

/// One page of the activities the caller may read.
pub async fn list(db: &Db, actor: &Actor, query: ListActivities) -> Result<Page<ActivityView>, RecordError> {
    let filters = filters(actor, &query)?;
    ACTIVITIES.page(db, actor, filters, query.page, SORT_FIELDS, DEFAULT_SORT).await
}

fn filters(actor: &Actor, q: &ListActivities) -> Result<Vec<Value>, RecordError> {
    let mut all = Vec::new();
    if !q.kind.is_empty() {
        all.push(json!({"type": {"in": q.kind.iter().map(|k| k.as_str()).collect::<Vec<_>>()}}));
    }
    for (column, value) in
        [("leadId", &q.lead_id), ("dealId", &q.deal_id), ("propertyId", &q.property_id), ("assigneeId", &q.assignee_id)]
    {
        if let Some(id) = value.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            all.push(json!({ column: id }));
        }
    }
    if q.mine {
        all.push(json!({"assigneeId": actor.user_id}));
    }
    match q.open {
        Some(true) => all.push(json!({"doneAt": null})),
        Some(false) => all.push(json!({"doneAt": {"not": null}})),
        None => {}
    }
    all.extend(time_range("dueAt", q.due_from.as_deref(), q.due_to.as_deref(), ("dueFrom", "dueTo"))?);
    Ok(all)
}
