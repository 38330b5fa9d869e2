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
    if let Some(fast) = utc_fast(s) {
        return Some(fast);
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

/// The common UTC shapes — PostgreSQL's JSON for `timestamptz` in a UTC session
/// (`2026-01-02T03:04:05.12+00:00`, `…05+00:00`) and RFC 3339 with `Z` — rewritten to the
/// canonical form without a date parser: the fraction is cut or padded to milliseconds. Any other
/// shape (another offset, a malformed date) is left to chrono.
fn utc_fast(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let head_ok = b.len() >= 20
        && b[10] == b'T'
        && [4, 7].iter().all(|&i| b[i] == b'-')
        && [13, 16].iter().all(|&i| b[i] == b':')
        && b[..19].iter().enumerate().all(|(i, c)| matches!(i, 4 | 7 | 10 | 13 | 16) || c.is_ascii_digit());
    if !head_ok {
        return None;
    }
    let rest = &s[19..];
    let (fraction, zone) = match rest.strip_prefix('.') {
        Some(r) => {
            let digits = r.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            (&r[..digits], &r[digits..])
        }
        None => ("", rest),
    };
    if !matches!(zone, "Z" | "+00:00" | "+00" | "-00:00") {
        return None;
    }
    // Calendar checks chrono would do (month 13, hour 25 …) are not needed for values the
    // database rendered, but a bad month or day must not slip through from elsewhere.
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    let (month, day, hour, minute, second) = (num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    if day > 28 && NaiveDate::from_ymd_opt(num(0..4)? as i32, month, day).is_none() {
        return None;
    }
    let mut out = String::with_capacity(24);
    out.push_str(&s[..19]);
    out.push('.');
    for i in 0..3 {
        out.push(fraction.as_bytes().get(i).map_or('0', |&c| c as char));
    }
    out.push('Z');
    Some(out)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The chrono path `utc_fast` shortcuts.
    fn slow(s: &str) -> Option<String> {
        DateTime::parse_from_rfc3339(s)
            .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%#z"))
            .ok()
            .map(|dt| dt.with_timezone(&Utc).to_rfc3339_opts(SecondsFormat::Millis, true))
    }

    #[test]
    fn the_fast_path_agrees_with_chrono() {
        for s in [
            "2026-01-02T03:04:05+00:00",
            "2026-01-02T03:04:05.1+00:00",
            "2026-01-02T03:04:05.123456+00:00",
            "2026-01-02T03:04:05.999999Z",
            "2026-01-02T03:04:05+00",
            "2024-02-29T23:59:59.5+00:00",
            "2026-12-31T00:00:00.000-00:00",
        ] {
            assert_eq!(utc_fast(s), slow(s), "{s}");
            assert!(utc_fast(s).is_some(), "{s} should take the fast path");
            assert_eq!(normalize_timestamp(s), slow(s), "{s}");
        }
        // Shapes it leaves to chrono (which may still accept them).
        for s in [
            "2026-01-02T03:04:05+04:00",
            "2025-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-01-02T24:00:00Z",
            "2026-01-02T03:04:05.Z",
            "2026-01-02 03:04:05+00:00",
            "2026-01-02T03:04:05",
        ] {
            assert_eq!(utc_fast(s), None, "{s}");
        }
        assert_eq!(normalize_timestamp("2026-01-02T03:04:05+04:00").as_deref(), Some("2026-01-01T23:04:05.000Z"));
        assert_eq!(normalize_timestamp("2026-01-02T03:04:05").as_deref(), Some("2026-01-02T03:04:05.000Z"));
        assert_eq!(normalize_timestamp("2025-02-29T00:00:00Z"), None);
    }
}
