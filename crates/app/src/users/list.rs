//! Listing colleagues: filters by role, team, activity and a folded name/e-mail search, a
//! whitelisted order and cursor pages, all read under the caller's rules (everyone in the agency
//! sees everyone in it).
//!
//! Users have no stored search column: the search reads the id, name and e-mail of the users
//! the other filters select (an agency has tens or hundreds of users, not millions), folds them
//! in Rust with [`fold_search`] — so `احمد` finds `أحمد` on both databases — and pages over the
//! matching ids.

use serde_json::{Value, json};
use store::Db;

use domain::{Role, fold_search};

use super::UserError;
use super::view::UserView;
use crate::actor::Actor;
use crate::page::Sort;
use crate::records::{Page, PageQuery, Records};

/// The orders a caller may ask for.
pub const SORT_FIELDS: &[&str] = &["name", "createdAt", "email"];
/// Alphabetical.
pub const DEFAULT_SORT: Sort = Sort { field: "name", desc: false };

const USERS: Records = Records::new("User");

/// What to list. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListUsers {
    /// Any of these roles.
    pub role: Vec<Role>,
    pub team_id: Option<String>,
    pub active: Option<bool>,
    /// Searched, folded, in name and e-mail.
    pub q: Option<String>,
    pub page: PageQuery,
}

/// One page of the agency's users.
pub async fn list(db: &Db, actor: &Actor, query: ListUsers) -> Result<Page<UserView>, UserError> {
    let mut filters = Vec::new();
    if !query.role.is_empty() {
        filters.push(json!({"role": {"in": query.role.iter().map(|r| r.as_str()).collect::<Vec<_>>()}}));
    }
    if let Some(team) = query.team_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        filters.push(json!({"teamId": team}));
    }
    if let Some(active) = query.active {
        filters.push(json!({"active": active}));
    }
    if let Some(folded) = query.q.as_deref().map(fold_search).filter(|s| !s.is_empty()) {
        let ids = matching_ids(db, actor, &filters, &folded).await?;
        filters.push(json!({"id": {"in": ids}}));
    }
    Ok(USERS.page(db, actor, filters, query.page, SORT_FIELDS, DEFAULT_SORT).await?)
}

/// The ids of the users selected by `filters` whose folded name or e-mail contains `folded`.
async fn matching_ids(db: &Db, actor: &Actor, filters: &[Value], folded: &str) -> Result<Vec<String>, UserError> {
    let args = json!({"where": {"AND": filters}, "select": {"id": true, "name": true, "email": true}});
    let rows = actor.db(db).run("User", "findMany", &args).await?;
    let text = |row: &Value, key: &str| row.get(key).and_then(Value::as_str).map(fold_search).unwrap_or_default();
    Ok(rows
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|row| text(row, "name").contains(folded) || text(row, "email").contains(folded))
        .filter_map(|row| row.get("id").and_then(Value::as_str).map(str::to_owned))
        .collect())
}
