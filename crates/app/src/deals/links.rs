//! What a deal (and an activity) points at, checked before the write: a lead or a listing the
//! caller may read, an active user of the agency. A reference the caller cannot read is refused
//! as invalid input (400), never told apart from a missing one. Also the input helpers both
//! features share: instants given as a date or RFC 3339, and fields that may be left out but
//! not cleared.

use serde::Deserialize;
use serde_json::{Value, json};
use store::Db;

use crate::actor::Actor;
use crate::records::{RecordError, instant};

/// The row of `model` with this id (only the columns in `select`) if the caller may read it.
pub(crate) async fn readable(
    db: &Db,
    actor: &Actor,
    model: &'static str,
    id: &str,
    select: &[&str],
) -> Result<Option<Value>, RecordError> {
    let mut fields = serde_json::Map::new();
    fields.insert("id".into(), json!(true));
    for f in select {
        fields.insert((*f).into(), json!(true));
    }
    let row = actor
        .db(db)
        .run(model, "findFirst", &json!({"where": {"id": id}, "select": fields}))
        .await
        .map_err(RecordError::Store)?;
    Ok(row.is_object().then_some(row))
}

/// Whether `id` is an active user of the caller's agency (every member sees their colleagues).
pub(crate) async fn active_user(db: &Db, actor: &Actor, id: &str) -> Result<bool, RecordError> {
    let row = actor
        .db(db)
        .run("User", "findFirst", &json!({"where": {"id": id, "active": true}, "select": {"id": true}}))
        .await
        .map_err(RecordError::Store)?;
    Ok(row.is_object())
}

/// An instant given as RFC 3339 or a date (its midnight, UTC), in the engine's format; anything
/// else is `code` on `field`.
pub(crate) fn instant_field(input: &str, code: &'static str, field: &'static str) -> Result<String, RecordError> {
    instant(input).ok_or_else(|| RecordError::invalid(code, field))
}

/// For a patch field that may be left out but not cleared: absent stays `None` (through
/// `#[serde(default)]`), a value is `Some`, and `null` is refused as a malformed body.
pub(crate) fn not_null<'de, T: Deserialize<'de>, D: serde::Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}
