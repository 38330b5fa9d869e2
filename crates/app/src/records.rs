//! What the record use cases (listings, deals, activities, teams, users) share: one record read,
//! written or deleted under the caller's rules, a page of a filtered list, and one error
//! vocabulary ([`RecordError`]).
//!
//! Every write reads the record under the caller's rules first, so a record the caller cannot
//! see is [`RecordError::NotFound`] — exactly like a missing one — and one they can see but may
//! not change is [`RecordError::Forbidden`].

use std::borrow::Cow;

use chrono::{DateTime, Days, NaiveDate, SecondsFormat, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use store::{Db, StoreError};
use utoipa::ToSchema;

use crate::actor::Actor;
use crate::page::{Limit, PageError, Sort, split_page};

/// Why a record use case failed. The web layer maps each variant to one status and code.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// Missing, or hidden from the caller by the rules (never told apart). Holds the model name.
    #[error("the {0} was not found")]
    NotFound(&'static str),
    /// The rules refuse the change on a record the caller may read.
    #[error("the rules do not allow this change")]
    Forbidden,
    /// An input value is not acceptable: a stable `code` and the offending `field`.
    #[error("`{field}` is not valid ({code})")]
    Invalid { code: &'static str, field: Cow<'static, str> },
    /// The change conflicts with another record (a taken reference, e-mail, …).
    #[error("`{field}` is already taken ({code})")]
    Conflict { code: &'static str, field: &'static str },
    #[error(transparent)]
    Page(#[from] PageError),
    /// A stored row does not read as its view (schema drift): a server fault.
    #[error("a stored record does not read back: {0}")]
    Unreadable(String),
    #[error(transparent)]
    Store(StoreError),
}

impl RecordError {
    /// A 400-class input error on `field`.
    pub fn invalid(code: &'static str, field: impl Into<Cow<'static, str>>) -> RecordError {
        RecordError::Invalid { code, field: field.into() }
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to read the next page; `null` on the last one.
    pub next_cursor: Option<String>,
}

/// The paging part of a list query: order, size, and where the previous page ended.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PageQuery {
    /// A whitelisted field, `-` in front for descending.
    pub sort: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// The record use cases of one model.
#[derive(Debug, Clone, Copy)]
pub struct Records {
    model: &'static str,
}

impl Records {
    pub const fn new(model: &'static str) -> Records {
        Records { model }
    }

    fn not_found(&self) -> RecordError {
        RecordError::NotFound(self.model)
    }

    fn map_store(&self, e: StoreError) -> RecordError {
        match e {
            StoreError::NotFound { .. } => self.not_found(),
            StoreError::RejectedByPolicy { .. } => RecordError::Forbidden,
            e => RecordError::Store(e),
        }
    }

    /// Whether the model's `field` may hold NULL (per `schema.zmodel`).
    fn optional(&self, db: &Db, field: &str) -> bool {
        let schema = db.schema();
        let Some(model) = schema.model_index(self.model).map(|m| schema.model(m)) else { return false };
        model.field_index(field).is_some_and(|f| model.field(f).optional)
    }

    /// The record's row, if the caller may read it.
    pub async fn row(&self, db: &Db, actor: &Actor, id: &str) -> Result<Value, RecordError> {
        let row = actor.db(db).run(self.model, "findUnique", &json!({"where": {"id": id}})).await;
        match row.map_err(|e| self.map_store(e))? {
            row @ Value::Object(_) => Ok(row),
            _ => Err(self.not_found()),
        }
    }

    /// The record as `T`, if the caller may read it.
    pub async fn get<T: DeserializeOwned>(&self, db: &Db, actor: &Actor, id: &str) -> Result<T, RecordError> {
        view(self.row(db, actor, id).await?)
    }

    /// Inserts `data` under the caller's rules and reads the record back as `T`. A taken unique
    /// value is answered as `conflict`.
    pub async fn create<T: DeserializeOwned>(
        &self,
        db: &Db,
        actor: &Actor,
        data: Value,
        conflict: Option<RecordError>,
    ) -> Result<T, RecordError> {
        let row = actor.db(db).run(self.model, "create", &json!({ "data": data })).await;
        match row {
            Ok(row) => view(row),
            Err(e @ StoreError::UniqueViolation { .. }) => Err(conflict.unwrap_or_else(|| self.map_store(e))),
            Err(e) => Err(self.map_store(e)),
        }
    }

    /// Writes `data` to a record the caller has read as `current`; an empty change answers
    /// `current` as it is. "Not found" now means the update rules refused it.
    pub async fn update<T: DeserializeOwned>(
        &self,
        db: &Db,
        actor: &Actor,
        id: &str,
        current: Value,
        data: Map<String, Value>,
        conflict: Option<RecordError>,
    ) -> Result<T, RecordError> {
        if data.is_empty() {
            return view(current);
        }
        let row = actor.db(db).run(self.model, "update", &json!({"where": {"id": id}, "data": data})).await;
        match row {
            Ok(row) => view(row),
            Err(StoreError::NotFound { .. }) => Err(RecordError::Forbidden),
            Err(e @ StoreError::UniqueViolation { .. }) => Err(conflict.unwrap_or_else(|| self.map_store(e))),
            Err(e) => Err(self.map_store(e)),
        }
    }

    /// Deletes a record the caller may read (else not found); the rules decide whether they may.
    pub async fn delete(&self, db: &Db, actor: &Actor, id: &str) -> Result<(), RecordError> {
        self.row(db, actor, id).await?;
        let args = json!({"where": {"id": id}, "select": {"id": true}});
        actor.db(db).run(self.model, "delete", &args).await.map_err(|e| match e {
            StoreError::NotFound { .. } => RecordError::Forbidden,
            e => self.map_store(e),
        })?;
        Ok(())
    }

    /// One page of the records the caller may read that match every filter of `filters`, in the
    /// order `page.sort` (one of `sorts`, else `default`).
    pub async fn page<T: DeserializeOwned>(
        &self,
        db: &Db,
        actor: &Actor,
        filters: Vec<Value>,
        page: PageQuery,
        sorts: &[&'static str],
        default: Sort,
    ) -> Result<Page<T>, RecordError> {
        let limit = Limit::parse(page.limit)?;
        let sort = Sort::parse(page.sort.as_deref(), sorts, default)?;
        // A column that may hold NULL (a due date) pages its NULLs last, cursors included.
        let nullable = self.optional(db, sort.field);
        let mut all = filters;
        if let Some(cursor) = page.cursor.as_deref().filter(|c| !c.is_empty()) {
            let cursor = sort.decode(cursor)?;
            all.push(if nullable { sort.after_nulls_last(&cursor) } else { sort.after(&cursor) });
        }
        let order_by = if nullable { sort.order_by_nulls_last() } else { sort.order_by() };
        let args = json!({"where": {"AND": all}, "orderBy": order_by, "take": limit.get() + 1});
        let rows = match actor.db(db).run(self.model, "findMany", &args).await.map_err(|e| self.map_store(e))? {
            Value::Array(rows) => rows,
            _ => Vec::new(),
        };
        let (rows, next_cursor) = split_page(rows, limit, &sort);
        let items = rows.into_iter().map(view).collect::<Result<_, _>>()?;
        Ok(Page { items, next_cursor })
    }
}

/// A row as its view type.
pub fn view<T: DeserializeOwned>(row: Value) -> Result<T, RecordError> {
    serde_json::from_value(row).map_err(|e| RecordError::Unreadable(e.to_string()))
}

/// Text trimmed, and `None` when nothing is left.
pub fn trimmed(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// A present field (even `null`) is `Some`; an absent one stays `None` through `default`.
/// For partial edits: `#[serde(default, deserialize_with = "present")]` on an
/// `Option<Option<T>>` tells "leave it" (absent) from "clear it" (`null`).
pub fn present<'de, T: Deserialize<'de>, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Filters on a timestamp column between two bounds given as RFC 3339 or a date: `from` is the
/// start of its day, `to` includes its whole day. `fields` name the inputs in errors.
pub fn time_range(
    column: &str,
    from: Option<&str>,
    to: Option<&str>,
    fields: (&'static str, &'static str),
) -> Result<Option<Value>, RecordError> {
    let mut range = Map::new();
    if let Some(from) = from.filter(|s| !s.trim().is_empty()) {
        let start = instant(from).ok_or_else(|| RecordError::invalid("request.invalid_query", fields.0))?;
        range.insert("gte".into(), json!(start));
    }
    if let Some(to) = to.filter(|s| !s.trim().is_empty()) {
        let bad = || RecordError::invalid("request.invalid_query", fields.1);
        match date(to) {
            Some(day) => {
                let next = day.checked_add_days(Days::new(1)).and_then(day_start).ok_or_else(bad)?;
                range.insert("lt".into(), json!(next));
            }
            None => {
                range.insert("lte".into(), json!(instant(to).ok_or_else(bad)?));
            }
        }
    }
    Ok((!range.is_empty()).then(|| json!({ column: range })))
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn day_start(day: NaiveDate) -> Option<String> {
    Some(format_utc(day.and_hms_opt(0, 0, 0)?.and_utc()))
}

/// An RFC 3339 instant or a date's midnight (UTC), in the engine's timestamp format.
pub fn instant(s: &str) -> Option<String> {
    match date(s) {
        Some(day) => day_start(day),
        None => DateTime::parse_from_rfc3339(s.trim()).ok().map(|t| format_utc(t.with_timezone(&Utc))),
    }
}

fn format_utc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_ranges_include_the_whole_last_day() {
        let f = ("createdFrom", "createdTo");
        assert_eq!(
            time_range("createdAt", Some("2026-03-01"), Some("2026-03-02"), f).unwrap(),
            Some(json!({"createdAt": {"gte": "2026-03-01T00:00:00.000Z", "lt": "2026-03-03T00:00:00.000Z"}}))
        );
        assert_eq!(
            time_range("dueAt", None, Some("2026-03-02T10:00:00+04:00"), f).unwrap(),
            Some(json!({"dueAt": {"lte": "2026-03-02T06:00:00.000Z"}}))
        );
        assert_eq!(time_range("createdAt", None, None, f).unwrap(), None);
        assert!(matches!(
            time_range("createdAt", Some("yesterday"), None, f),
            Err(RecordError::Invalid { field, .. }) if field == "createdFrom"
        ));
    }
}
