//! The audit log: the history the engine's audit hook wrote for every create, update and delete,
//! read under the caller's rules (which show it to admins only: anyone else reads an empty log).

use serde::Serialize;
use serde_json::{Value, json};
use store::{Db, StoreError};
use utoipa::ToSchema;

use crate::actor::Actor;
use crate::page::{Limit, PageError, Sort, split_page};

/// Newest first; the only order offered.
const SORT: Sort = Sort { field: "createdAt", desc: true };

/// Which events to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListAudit {
    /// The model's name as in `schema.zmodel`, e.g. `Lead`.
    pub model: Option<String>,
    pub record_id: Option<String>,
    pub actor_id: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEventView {
    pub id: String,
    /// The user who made the change; `null` for the system.
    pub actor_id: Option<String>,
    /// `create`, `update` or `delete`.
    #[schema(example = "update")]
    pub action: String,
    #[schema(example = "Lead")]
    pub model: String,
    pub record_id: String,
    /// What changed (secrets excluded).
    #[schema(value_type = Option<Object>)]
    pub changes: Option<Value>,
    pub created_at: String,
}

impl AuditEventView {
    fn from_row(row: &Value) -> Option<AuditEventView> {
        let s = |k: &str| row.get(k).and_then(Value::as_str).map(str::to_owned);
        Some(AuditEventView {
            id: s("id")?,
            actor_id: s("actorId"),
            action: s("action")?,
            model: s("model")?,
            record_id: s("recordId")?,
            changes: row.get("changes").filter(|v| !v.is_null()).cloned(),
            created_at: s("createdAt")?,
        })
    }
}

/// One page of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    pub items: Vec<AuditEventView>,
    pub next_cursor: Option<String>,
}

/// Why listing the audit log failed.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(transparent)]
    Page(#[from] PageError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One page of the events the caller may read, newest first.
pub async fn list(db: &Db, actor: &Actor, query: ListAudit) -> Result<AuditPage, AuditError> {
    let limit = Limit::parse(query.limit)?;
    let mut all = Vec::new();
    for (key, value) in [("model", &query.model), ("recordId", &query.record_id), ("actorId", &query.actor_id)] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            all.push(json!({ key: v }));
        }
    }
    if let Some(cursor) = query.cursor.as_deref().filter(|c| !c.is_empty()) {
        all.push(SORT.after(&SORT.decode(cursor)?));
    }
    let args = json!({"where": {"AND": all}, "orderBy": SORT.order_by(), "take": limit.get() + 1});
    let rows = match actor.db(db).run("AuditEvent", "findMany", &args).await? {
        Value::Array(rows) => rows,
        _ => Vec::new(),
    };
    let (rows, next_cursor) = split_page(rows, limit, &SORT);
    Ok(AuditPage { items: rows.iter().filter_map(AuditEventView::from_row).collect(), next_cursor })
}
