//! CSV exports of leads and listings, read under the caller's rules with the list's filters:
//! UTF-8 with a BOM (so Excel shows Arabic), CRLF line ends, and every cell a spreadsheet would
//! run as a formula escaped. The columns are the import's, so an export imports back.

use std::collections::HashMap;

use serde_json::{Value, json};
use store::StoreError;

use domain::fold_search;

use crate::App;
use crate::actor::Actor;
use crate::csv_file::{CsvError, CsvWriter};
use crate::leads::{LeadError, ListLeads};

/// The most rows one export holds.
pub const MAX_EXPORT_ROWS: usize = 50_000;
const PAGE: u32 = 100;

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Lead(#[from] LeadError),
    #[error("`{0}` is not a valid filter value")]
    InvalidFilter(&'static str),
    #[error(transparent)]
    Csv(#[from] CsvError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The lead export's columns (also the import's names).
pub const LEAD_COLUMNS: &[&str] = &[
    "id",
    "name",
    "phones",
    "email",
    "preferredLanguage",
    "source",
    "sourceDetail",
    "status",
    "intent",
    "propertyTypes",
    "cities",
    "communities",
    "minBedrooms",
    "budgetMin",
    "budgetMax",
    "budgetCurrency",
    "assigneeEmail",
    "tags",
    "notes",
    "createdAt",
];

/// A JSON value as a cell: strings as they are, lists joined with `; `, null empty.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

/// The e-mails of users `ids`, read under the caller's rules.
async fn emails(client: &store::Client, ids: Vec<String>) -> Result<HashMap<String, String>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = client
        .run("User", "findMany", &json!({"where": {"id": {"in": ids}}, "select": {"id": true, "email": true}}))
        .await?;
    Ok(rows
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| Some((r.get("id")?.as_str()?.to_owned(), r.get("email")?.as_str()?.to_owned())))
        .collect())
}

/// The leads the caller may read that match `query` (its `limit` and `cursor` are ignored), as CSV.
pub async fn leads(app: &App, actor: &Actor, mut query: ListLeads) -> Result<Vec<u8>, ExportError> {
    query.limit = Some(PAGE);
    query.cursor = None;
    let mut rows = Vec::new();
    loop {
        let page = crate::leads::list(&app.db, actor, query.clone()).await?;
        rows.extend(page.items);
        match page.next_cursor {
            Some(c) if rows.len() < MAX_EXPORT_ROWS => query.cursor = Some(c),
            _ => break,
        }
    }
    rows.truncate(MAX_EXPORT_ROWS);
    let client = actor.db(&app.db);
    let mut ids: Vec<String> = rows.iter().filter_map(|l| l.assignee_id.clone()).collect();
    ids.sort();
    ids.dedup();
    let emails = emails(&client, ids).await?;
    let mut out = CsvWriter::new(LEAD_COLUMNS)?;
    for lead in rows {
        let v = serde_json::to_value(&lead).unwrap_or(Value::Null);
        let assignee = lead.assignee_id.as_ref().and_then(|id| emails.get(id)).cloned().unwrap_or_default();
        let cells: Vec<String> =
            LEAD_COLUMNS.iter().map(|c| if *c == "assigneeEmail" { assignee.clone() } else { cell(&v[*c]) }).collect();
        out.row(&cells)?;
    }
    Ok(out.finish()?)
}

/// Filters of the listing export (empty fields do not filter).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListProperties {
    pub status: Vec<String>,
    pub purpose: Option<String>,
    pub kind: Option<String>,
    pub city: Option<String>,
    pub listing_agent_id: Option<String>,
    /// Searched, folded, in reference, titles, city and community.
    pub q: Option<String>,
}

/// The listing export's columns (also the import's names).
pub const PROPERTY_COLUMNS: &[&str] = &[
    "id",
    "reference",
    "titleEn",
    "titleAr",
    "purpose",
    "type",
    "city",
    "community",
    "bedrooms",
    "bathrooms",
    "areaSqm",
    "price",
    "currency",
    "status",
    "listingAgentEmail",
    "ownerName",
    "ownerPhone",
    "permitNumber",
    "permitExpiresAt",
    "descriptionEn",
    "descriptionAr",
    "createdAt",
];

const LISTING_STATUSES: &[&str] = &["DRAFT", "AVAILABLE", "RESERVED", "SOLD", "RENTED", "WITHDRAWN"];

fn property_filter(q: &ListProperties) -> Result<Value, ExportError> {
    let mut all = Vec::new();
    if !q.status.is_empty() {
        let status: Vec<String> = q.status.iter().map(|s| s.trim().to_ascii_uppercase()).collect();
        if status.iter().any(|s| !LISTING_STATUSES.contains(&s.as_str())) {
            return Err(ExportError::InvalidFilter("status"));
        }
        all.push(json!({"status": {"in": status}}));
    }
    if let Some(p) = q.purpose.as_deref().filter(|p| !p.is_empty()) {
        let p = p.to_ascii_uppercase();
        if p != "SALE" && p != "RENT" {
            return Err(ExportError::InvalidFilter("purpose"));
        }
        all.push(json!({"purpose": p}));
    }
    if let Some(t) = q.kind.as_deref().filter(|t| !t.is_empty()) {
        all.push(json!({"type": t.to_ascii_uppercase()}));
    }
    if let Some(c) = q.city.as_deref().filter(|c| !c.is_empty()) {
        all.push(json!({"city": c}));
    }
    if let Some(a) = q.listing_agent_id.as_deref().filter(|a| !a.is_empty()) {
        all.push(json!({"listingAgentId": a}));
    }
    if let Some(s) = q.q.as_deref().map(fold_search).filter(|s| !s.is_empty()) {
        all.push(json!({"searchText": {"contains": s}}));
    }
    Ok(json!({"AND": all}))
}

/// The listings the caller may read that match `query`, as CSV (the owner's contact stays empty
/// where the rules hide it).
pub async fn properties(app: &App, actor: &Actor, query: ListProperties) -> Result<Vec<u8>, ExportError> {
    let filter = property_filter(&query)?;
    let client = actor.db(&app.db);
    let mut rows: Vec<Value> = Vec::new();
    loop {
        let args = json!({
            "where": filter,
            "orderBy": [{"createdAt": "desc"}, {"id": "desc"}],
            "skip": rows.len(),
            "take": PAGE,
        });
        let page = client.run("Property", "findMany", &args).await?;
        let page = page.as_array().cloned().unwrap_or_default();
        let more = page.len() == PAGE as usize;
        rows.extend(page);
        if !more || rows.len() >= MAX_EXPORT_ROWS {
            break;
        }
    }
    rows.truncate(MAX_EXPORT_ROWS);
    let mut ids: Vec<String> =
        rows.iter().filter_map(|r| r.get("listingAgentId").and_then(Value::as_str).map(str::to_owned)).collect();
    ids.sort();
    ids.dedup();
    let emails = emails(&client, ids).await?;
    let mut out = CsvWriter::new(PROPERTY_COLUMNS)?;
    for row in rows {
        let agent = row.get("listingAgentId").and_then(Value::as_str).and_then(|id| emails.get(id)).cloned();
        let cells: Vec<String> = PROPERTY_COLUMNS
            .iter()
            .map(|c| if *c == "listingAgentEmail" { agent.clone().unwrap_or_default() } else { cell(&row[*c]) })
            .collect();
        out.row(&cells)?;
    }
    Ok(out.finish()?)
}
