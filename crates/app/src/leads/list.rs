//! Listing leads: filters, folded search, a whitelisted order and cursor pages, all read under the
//! caller's rules (an agent sees their leads, a manager their team's and the unassigned ones).

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Value, json};
use store::Db;
use utoipa::ToSchema;

use domain::fold_search;

use super::LeadError;
use super::fields::{LeadSource, LeadStatus};
use super::view::LeadView;
use crate::actor::Actor;
use crate::page::{Limit, Sort, split_page};
use crate::records::{RecordError, time_range};

/// The names of the creation-time bounds in the query.
const FIELDS: (&str, &str) = ("createdFrom", "createdTo");

/// The orders a caller may ask for.
pub const SORT_FIELDS: &[&str] = &["createdAt", "updatedAt", "name", "status"];
/// Newest first.
pub const DEFAULT_SORT: Sort = Sort { field: "createdAt", desc: true };

/// What to list. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListLeads {
    /// Any of these statuses.
    pub status: Vec<LeadStatus>,
    /// Any of these sources.
    pub source: Vec<LeadSource>,
    pub assignee_id: Option<String>,
    /// Only leads without an assignee (`assignee_id` is then ignored).
    pub unassigned: bool,
    pub tag: Option<String>,
    /// RFC 3339 or a date (`2026-03-01`, the start of that day, UTC).
    pub created_from: Option<String>,
    /// RFC 3339 (inclusive) or a date (the whole day included).
    pub created_to: Option<String>,
    /// Searched, folded, in name, phones, e-mail and notes.
    pub q: Option<String>,
    /// `createdAt`, `-createdAt`, `updatedAt`, `name`, `status` (each with or without `-`).
    pub sort: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// One page of leads.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LeadPage {
    pub items: Vec<LeadView>,
    /// Pass as `cursor` to read the next page; `null` on the last one.
    pub next_cursor: Option<String>,
}

/// One page of the leads the caller may read.
pub async fn list(db: &Db, actor: &Actor, query: ListLeads) -> Result<LeadPage, LeadError> {
    let limit = Limit::parse(query.limit)?;
    let sort = Sort::parse(query.sort.as_deref(), SORT_FIELDS, DEFAULT_SORT)?;
    let mut all = filters(&query)?;
    if let Some(cursor) = query.cursor.as_deref().filter(|c| !c.is_empty()) {
        all.push(sort.after(&sort.decode(cursor)?));
    }
    let args = json!({
        "where": {"AND": all},
        "orderBy": sort.order_by(),
        "take": limit.get() + 1,
    });
    let rows = match actor.db(db).run("Lead", "findMany", &args).await? {
        Value::Array(rows) => rows,
        _ => Vec::new(),
    };
    let (rows, next_cursor) = split_page(rows, limit, &sort);
    let items = rows.into_iter().map(LeadView::from_row).collect::<Result<_, _>>()?;
    Ok(LeadPage { items, next_cursor })
}

fn filters(q: &ListLeads) -> Result<Vec<Value>, LeadError> {
    let mut all = Vec::new();
    if !q.status.is_empty() {
        all.push(json!({"status": {"in": q.status.iter().map(|s| s.as_str()).collect::<Vec<_>>()}}));
    }
    if !q.source.is_empty() {
        all.push(json!({"source": {"in": q.source.iter().map(|s| s.as_str()).collect::<Vec<_>>()}}));
    }
    if q.unassigned {
        all.push(json!({"assigneeId": null}));
    } else if let Some(id) = q.assignee_id.as_deref().filter(|s| !s.is_empty()) {
        all.push(json!({"assigneeId": id}));
    }
    if let Some(tag) = q.tag.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        all.push(json!({"tags": {"has": tag}}));
    }
    let created =
        time_range("createdAt", q.created_from.as_deref(), q.created_to.as_deref(), FIELDS).map_err(|e| match e {
            RecordError::Invalid { field: Cow::Borrowed(field), .. } => LeadError::InvalidDate(field),
            _ => LeadError::InvalidDate(FIELDS.0),
        })?;
    all.extend(created);
    if let Some(folded) = q.q.as_deref().map(fold_search).filter(|s| !s.is_empty()) {
        all.push(json!({"searchText": {"contains": folded}}));
    }
    Ok(all)
}
