//! Values between JSON (the engine's interface), SQL parameters, and the rows the database returns.
//!
//! Output conventions (Prisma-like): DateTime as `YYYY-MM-DDTHH:MM:SS.sssZ`, Boolean as true/false,
//! Decimal as a string (no precision lost), BigInt as a number, Bytes as base64, Json as JSON.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use policy::SqlValue;
use policy::ir::{Field, FieldKind, ScalarType, Schema};
use serde_json::Value;

use crate::error::{Result, StoreError};

/// The current time in the engine's storage format.
pub fn now_string() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Normalises an ISO-8601 / RFC 3339 date-time (or a bare date) to `YYYY-MM-DDTHH:MM:SS.sssZ`.
pub fn normalize_timestamp(s: &str) -> Option<String> {
    if is_canonical_timestamp(s) {
        return Some(s.to_owned());
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.with_timezone(&Utc).to_rfc3339_opts(SecondsFormat::Millis, true));
    }
    // PostgreSQL's JSON rendering: `2026-01-02T03:04:05.123+00:00` parses above; `…+00` does not.
    if let Ok(dt) = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%#z") {
        return Some(dt.with_timezone(&Utc).to_rfc3339_opts(SecondsFormat::Millis, true));
    }
    if let Ok(dt) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(dt.and_utc().to_rfc3339_opts(SecondsFormat::Millis, true));
    }
    if let Ok(dt) = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f") {
        return Some(dt.and_utc().to_rfc3339_opts(SecondsFormat::Millis, true));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|dt| dt.and_utc().to_rfc3339_opts(SecondsFormat::Millis, true));
    }
    None
}

/// Whether `s` is already `YYYY-MM-DDTHH:MM:SS.sssZ` (what both databases are asked to render),
/// so reads need no parsing.
fn is_canonical_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 24
        && b[23] == b'Z'
        && b[19] == b'.'
        && b[10] == b'T'
        && [4, 7].iter().all(|&i| b[i] == b'-')
        && [13, 16].iter().all(|&i| b[i] == b':')
        && b.iter().enumerate().all(|(i, c)| matches!(i, 4 | 7 | 10 | 13 | 16 | 19 | 23) || c.is_ascii_digit())
}

/// The scalar type of a column field (enums are strings).
pub fn scalar_of(field: &Field) -> ScalarType {
    match field.kind {
        FieldKind::Scalar(s) => s,
        _ => ScalarType::String,
    }
}

/// Converts an input JSON value for `field` into a bound parameter, checking its type.
pub fn to_sql(schema: &Schema, field: &Field, v: &Value) -> Result<SqlValue> {
    if v.is_null() {
        return Ok(SqlValue::Null);
    }
    if field.list {
        let Value::Array(items) = v else {
            return Err(bad(field, "a list"));
        };
        return match scalar_of(field) {
            ScalarType::Int | ScalarType::BigInt => items
                .iter()
                .map(|i| i.as_i64().ok_or_else(|| bad(field, "a list of integers")))
                .collect::<Result<Vec<_>>>()
                .map(SqlValue::IntArray),
            ScalarType::String => items
                .iter()
                .map(|i| {
                    let s = i.as_str().ok_or_else(|| bad(field, "a list of strings"))?;
                    check_enum(schema, field, s)?;
                    Ok(s.to_owned())
                })
                .collect::<Result<Vec<_>>>()
                .map(SqlValue::TextArray),
            _ => Err(StoreError::invalid(format!("lists of this type are not supported (field `{}`)", field.name))),
        };
    }
    scalar_to_sql(schema, field, scalar_of(field), v)
}

/// Converts one scalar value (also used for list elements in filters).
pub fn scalar_to_sql(schema: &Schema, field: &Field, ty: ScalarType, v: &Value) -> Result<SqlValue> {
    Ok(match ty {
        ScalarType::String => {
            let s = v.as_str().ok_or_else(|| bad(field, "a string"))?;
            check_enum(schema, field, s)?;
            SqlValue::Text(s.to_owned())
        }
        ScalarType::Int | ScalarType::BigInt => match v {
            Value::Number(n) => SqlValue::Int(n.as_i64().ok_or_else(|| bad(field, "an integer"))?),
            Value::String(s) if ty == ScalarType::BigInt => {
                SqlValue::Int(s.parse().map_err(|_| bad(field, "an integer"))?)
            }
            _ => return Err(bad(field, "an integer")),
        },
        ScalarType::Float => SqlValue::Float(v.as_f64().ok_or_else(|| bad(field, "a number"))?),
        ScalarType::Decimal => match v {
            Value::Number(n) => SqlValue::Decimal(n.to_string()),
            Value::String(s) if s.parse::<f64>().is_ok() => SqlValue::Decimal(s.clone()),
            _ => return Err(bad(field, "a decimal number")),
        },
        ScalarType::Boolean => SqlValue::Bool(v.as_bool().ok_or_else(|| bad(field, "true or false"))?),
        ScalarType::DateTime => {
            let s = v.as_str().ok_or_else(|| bad(field, "an ISO-8601 date-time"))?;
            SqlValue::Timestamp(normalize_timestamp(s).ok_or_else(|| bad(field, "an ISO-8601 date-time"))?)
        }
        ScalarType::Json => SqlValue::Json(v.to_string()),
        ScalarType::Bytes => {
            let s = v.as_str().ok_or_else(|| bad(field, "base64 text"))?;
            SqlValue::Bytes(B64.decode(s).map_err(|_| bad(field, "base64 text"))?)
        }
    })
}

fn check_enum(schema: &Schema, field: &Field, s: &str) -> Result<()> {
    if let FieldKind::Enum(e) = field.kind {
        let en = &schema.enums[e];
        if !en.values.iter().any(|v| v == s) {
            return Err(StoreError::invalid(format!(
                "`{s}` is not a value of enum `{}` (field `{}`; expected one of {})",
                en.name,
                field.name,
                en.values.join(", ")
            )));
        }
    }
    Ok(())
}

fn bad(field: &Field, expected: &str) -> StoreError {
    StoreError::invalid(format!("field `{}` expects {expected}", field.name))
}

/// The JSON form of a bound value (for in-memory rule checks on a candidate row).
pub fn sql_to_json(v: &SqlValue) -> Value {
    match v {
        SqlValue::Null => Value::Null,
        SqlValue::Bool(b) => Value::Bool(*b),
        SqlValue::Int(i) => Value::from(*i),
        SqlValue::Float(f) => Value::from(*f),
        SqlValue::Text(s) | SqlValue::Decimal(s) | SqlValue::Timestamp(s) => Value::String(s.clone()),
        SqlValue::Json(s) => serde_json::from_str(s).unwrap_or(Value::Null),
        SqlValue::Bytes(b) => Value::String(B64.encode(b)),
        SqlValue::TextArray(v) => v.iter().map(|s| Value::String(s.clone())).collect(),
        SqlValue::IntArray(v) => v.iter().map(|i| Value::from(*i)).collect(),
    }
}

/// Converts a column value as the database's JSON rendering gave it into the engine's output form.
pub fn normalize_output(field: &Field, v: Value) -> Value {
    if v.is_null() {
        return v;
    }
    if field.list {
        return match v {
            Value::String(s) => serde_json::from_str(&s).unwrap_or(Value::Null),
            other => other,
        };
    }
    match scalar_of(field) {
        ScalarType::Boolean => match v {
            Value::Number(n) => Value::Bool(n.as_i64().unwrap_or(0) != 0),
            other => other,
        },
        ScalarType::DateTime => match &v {
            Value::String(s) if is_canonical_timestamp(s) => v,
            Value::String(s) => normalize_timestamp(s).map(Value::String).unwrap_or(v),
            _ => v,
        },
        ScalarType::Decimal => match v {
            Value::Number(n) => Value::String(n.to_string()),
            other => other,
        },
        ScalarType::Bytes => match &v {
            // SQLite renders BLOBs as hex(); PostgreSQL as base64 (see `read::column_json`).
            Value::String(s) if s.len() % 2 == 0 && s.bytes().all(|b| b.is_ascii_hexdigit()) => {
                hex_to_b64(s).map(Value::String).unwrap_or(v)
            }
            _ => v,
        },
        ScalarType::Json => match v {
            Value::String(s) => serde_json::from_str(&s).unwrap_or(Value::String(s)),
            other => other,
        },
        _ => v,
    }
}

fn hex_to_b64(s: &str) -> Option<String> {
    let bytes: Option<Vec<u8>> =
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect();
    Some(B64.encode(bytes?))
}

/// A new `cuid()`-shaped id: `c` followed by 24 lowercase base-36 characters (time prefix + random).
pub fn new_cuid() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = String::with_capacity(25);
    out.push('c');
    let mut t = Utc::now().timestamp_millis().unsigned_abs();
    let mut time = Vec::new();
    while t > 0 {
        time.push(ALPHABET[(t % 36) as usize] as char);
        t /= 36;
    }
    out.extend(time.iter().rev());
    let mut rng = rand::rng();
    while out.len() < 25 {
        out.push(ALPHABET[rng.random_range(0..36)] as char);
    }
    out
}
