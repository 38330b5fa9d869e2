//! Cursor pagination shared by the list use cases: a checked page size, a sort order from a
//! whitelist, and opaque cursors that carry the last row's sort key and id.
//!
//! A page is read with a keyset condition built here (`key > last OR (key = last AND id > last)`),
//! not with the engine's `cursor` argument: the cursor row may have been deleted or hidden since
//! the previous page, and a keyset needs nothing but the values the cursor carries.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The page size when the caller names none.
pub const DEFAULT_LIMIT: u32 = 25;
/// The largest page a caller may ask for.
pub const MAX_LIMIT: u32 = 100;

/// Why the paging arguments were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error("`limit` must be between 1 and {MAX_LIMIT}")]
    Limit,
    #[error("`sort` must be one of the listed fields, optionally prefixed with `-`")]
    Sort,
    #[error("the cursor is not valid for this list and order")]
    Cursor,
}

/// A page size between 1 and [`MAX_LIMIT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(u32);

impl Limit {
    /// `None` is the default size.
    pub fn parse(limit: Option<u32>) -> Result<Limit, PageError> {
        match limit {
            None => Ok(Limit(DEFAULT_LIMIT)),
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(Limit(n)),
            Some(_) => Err(PageError::Limit),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// A sort order: one whitelisted column, then the id to make it total. A column that may hold
/// NULL is read with [`Sort::order_by_nulls_last`] and [`Sort::after_nulls_last`]
/// (`records::Records::page` picks them from the schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub field: &'static str,
    pub desc: bool,
}

impl Sort {
    /// Parses `createdAt` / `-createdAt` against `allowed`; `None` (or empty) is `default`.
    pub fn parse(input: Option<&str>, allowed: &[&'static str], default: Sort) -> Result<Sort, PageError> {
        let Some(input) = input.map(str::trim).filter(|s| !s.is_empty()) else { return Ok(default) };
        let (desc, name) = match input.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, input.strip_prefix('+').unwrap_or(input)),
        };
        let field = allowed.iter().copied().find(|f| *f == name).ok_or(PageError::Sort)?;
        Ok(Sort { field, desc })
    }

    /// How the sort is written in a query string (and remembered in cursors).
    pub fn spec(&self) -> String {
        format!("{}{}", if self.desc { "-" } else { "" }, self.field)
    }

    fn direction(&self) -> &'static str {
        if self.desc { "desc" } else { "asc" }
    }

    /// The engine's `orderBy`: the column, then the id in the same direction.
    pub fn order_by(&self) -> Value {
        json!([{ self.field: self.direction() }, { "id": self.direction() }])
    }

    /// The `where` condition for the rows after `cursor` in this order.
    pub fn after(&self, cursor: &Cursor) -> Value {
        let cmp = if self.desc { "lt" } else { "gt" };
        if cursor.value.is_null() {
            // Only a nullable column's cursor holds NULL; see `after_nulls_last`.
            return json!({ self.field: null, "id": { cmp: cursor.id } });
        }
        json!({"OR": [
            { self.field: { cmp: cursor.value } },
            { self.field: cursor.value, "id": { cmp: cursor.id } },
        ]})
    }

    /// [`Sort::order_by`] for a column that may hold NULL (a due date): NULLs come last in
    /// either direction, on both dialects.
    pub fn order_by_nulls_last(&self) -> Value {
        json!([{ self.field: {"sort": self.direction(), "nulls": "last"} }, { "id": self.direction() }])
    }

    /// [`Sort::after`] in the [`Sort::order_by_nulls_last`] order: after a key come the greater
    /// (lesser) keys and then every NULL; after a NULL key, only NULLs with a later id.
    pub fn after_nulls_last(&self, cursor: &Cursor) -> Value {
        let cmp = if self.desc { "lt" } else { "gt" };
        if cursor.value.is_null() {
            return json!({ self.field: null, "id": { cmp: cursor.id } });
        }
        json!({"OR": [
            { self.field: { cmp: cursor.value } },
            { self.field: cursor.value, "id": { cmp: cursor.id } },
            { self.field: null },
        ]})
    }

    /// The cursor that continues after `row` (which must carry the sort field and `id`; the
    /// field may be NULL in a nullable column).
    pub fn cursor_after(&self, row: &Value) -> Option<String> {
        let cursor = Cursor {
            sort: self.spec(),
            value: row.get(self.field).cloned().unwrap_or(Value::Null),
            id: row.get("id")?.as_str()?.to_owned(),
        };
        serde_json::to_vec(&cursor).ok().map(|bytes| URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Decodes an opaque cursor, which must have been made for this same order.
    pub fn decode(&self, cursor: &str) -> Result<Cursor, PageError> {
        let bytes = URL_SAFE_NO_PAD.decode(cursor.trim()).map_err(|_| PageError::Cursor)?;
        let cursor: Cursor = serde_json::from_slice(&bytes).map_err(|_| PageError::Cursor)?;
        let scalar = matches!(cursor.value, Value::String(_) | Value::Number(_) | Value::Null);
        if cursor.sort != self.spec() || !scalar {
            return Err(PageError::Cursor);
        }
        Ok(cursor)
    }
}

/// The cursor of a newest-first page by `field` (sort `-field`) that starts strictly before
/// `value`: rows whose `field` equals `value` are skipped too (no id sorts below the empty one).
/// A list merged from several lists (a lead's timeline) pages this way, by instant.
pub fn cursor_before(field: &'static str, value: &str) -> Option<String> {
    Sort { field, desc: true }.cursor_after(&json!({ field: value, "id": "" }))
}

/// What an opaque cursor holds: the order it was made for, the last row's key and id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cursor {
    #[serde(rename = "s")]
    sort: String,
    #[serde(rename = "v")]
    value: Value,
    id: String,
}

/// Splits `rows` (read with `take = limit + 1`) into a page and the cursor of the next one.
pub fn split_page(mut rows: Vec<Value>, limit: Limit, sort: &Sort) -> (Vec<Value>, Option<String>) {
    let limit = limit.get() as usize;
    if rows.len() <= limit {
        return (rows, None);
    }
    rows.truncate(limit);
    let next = rows.last().and_then(|r| sort.cursor_after(r));
    (rows, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[&str] = &["createdAt", "name"];
    const DEFAULT: Sort = Sort { field: "createdAt", desc: true };

    #[test]
    fn limits() {
        assert_eq!(Limit::parse(None).map(Limit::get), Ok(25));
        assert_eq!(Limit::parse(Some(100)).map(Limit::get), Ok(100));
        assert_eq!(Limit::parse(Some(0)), Err(PageError::Limit));
        assert_eq!(Limit::parse(Some(101)), Err(PageError::Limit));
    }

    #[test]
    fn sorts_come_from_the_whitelist() {
        assert_eq!(Sort::parse(None, FIELDS, DEFAULT), Ok(DEFAULT));
        assert_eq!(Sort::parse(Some("name"), FIELDS, DEFAULT), Ok(Sort { field: "name", desc: false }));
        assert_eq!(Sort::parse(Some("-name"), FIELDS, DEFAULT), Ok(Sort { field: "name", desc: true }));
        assert_eq!(Sort::parse(Some("passwordHash"), FIELDS, DEFAULT), Err(PageError::Sort));
    }

    #[test]
    fn cursors_round_trip_and_are_bound_to_their_order() {
        let sort = Sort { field: "name", desc: false };
        let token = sort.cursor_after(&json!({"id": "a1", "name": "أحمد"})).unwrap();
        let cursor = sort.decode(&token).unwrap();
        assert_eq!(
            sort.after(&cursor),
            json!({"OR": [{"name": {"gt": "أحمد"}}, {"name": "أحمد", "id": {"gt": "a1"}}]})
        );
        assert_eq!(DEFAULT.decode(&token), Err(PageError::Cursor));
        assert_eq!(sort.decode("not a cursor"), Err(PageError::Cursor));
    }

    #[test]
    fn a_cursor_before_an_instant_skips_that_instant() {
        let sort = Sort { field: "createdAt", desc: true };
        let token = cursor_before("createdAt", "2026-01-02T03:04:05.000Z").unwrap();
        let cursor = sort.decode(&token).unwrap();
        assert_eq!(
            sort.after(&cursor),
            json!({"OR": [
                {"createdAt": {"lt": "2026-01-02T03:04:05.000Z"}},
                {"createdAt": "2026-01-02T03:04:05.000Z", "id": {"lt": ""}},
            ]})
        );
    }

    #[test]
    fn nullable_columns_page_their_nulls_last() {
        let sort = Sort { field: "dueAt", desc: false };
        assert_eq!(sort.order_by_nulls_last(), json!([{"dueAt": {"sort": "asc", "nulls": "last"}}, {"id": "asc"}]));
        let dated = sort.decode(&sort.cursor_after(&json!({"id": "a1", "dueAt": "t1"})).unwrap()).unwrap();
        assert_eq!(
            sort.after_nulls_last(&dated),
            json!({"OR": [{"dueAt": {"gt": "t1"}}, {"dueAt": "t1", "id": {"gt": "a1"}}, {"dueAt": null}]})
        );
        let undated = sort.decode(&sort.cursor_after(&json!({"id": "a2", "dueAt": null})).unwrap()).unwrap();
        assert_eq!(sort.after_nulls_last(&undated), json!({"dueAt": null, "id": {"gt": "a2"}}));
        assert_eq!(sort.after(&undated), json!({"dueAt": null, "id": {"gt": "a2"}}));
    }

    #[test]
    fn pages_split_with_one_extra_row() {
        let rows: Vec<Value> = (0..3).map(|i| json!({"id": format!("{i}"), "createdAt": format!("t{i}")})).collect();
        let (page, next) = split_page(rows.clone(), Limit(2), &DEFAULT);
        assert_eq!(page.len(), 2);
        assert!(next.is_some());
        let (page, next) = split_page(rows, Limit(3), &DEFAULT);
        assert_eq!((page.len(), next), (3, None));
    }
}
