//! Value semantics shared by constant folding, the in-memory evaluators and parameter typing:
//! how a JSON value (from `auth()`, a literal, a row or `before()`) is read as a column type, how two
//! values compare in SQL three-valued logic, and the string/list functions. Keeping this in one place
//! makes the SQL renderer and the evaluators agree.

use std::cmp::Ordering;

use serde_json::Value;

use crate::expr::{Casing, CmpOp, ListFn, StringFn};
use crate::ir::{Field, FieldKind, Literal, ScalarType};

mod time;

pub(crate) use time::normalize_timestamp;

/// The type a column (or `before()` value, or `now()`) has, as far as comparisons care.
/// Enums are `Text`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    Int,
    Float,
    Decimal,
    Bool,
    DateTime,
    Json,
    Bytes,
}

/// A column's kind and whether it is a scalar list. `None` for relation fields.
pub(crate) fn field_kind(field: &Field) -> Option<(Kind, bool)> {
    let kind = match field.kind {
        FieldKind::Scalar(s) => scalar_kind(s),
        FieldKind::Enum(_) => Kind::Text,
        FieldKind::Relation(_) => return None,
    };
    Some((kind, field.list))
}

pub(crate) fn scalar_kind(s: ScalarType) -> Kind {
    match s {
        ScalarType::String => Kind::Text,
        ScalarType::Int | ScalarType::BigInt => Kind::Int,
        ScalarType::Float => Kind::Float,
        ScalarType::Decimal => Kind::Decimal,
        ScalarType::Boolean => Kind::Bool,
        ScalarType::DateTime => Kind::DateTime,
        ScalarType::Json => Kind::Json,
        ScalarType::Bytes => Kind::Bytes,
    }
}

/// A value read as a type, ready to compare. `None` means SQL NULL (absent, null or not readable as
/// the type: "unknown").
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    /// Normalised `YYYY-MM-DDTHH:MM:SS.sssZ`.
    Time(String),
    Json(Value),
}

/// Reads `v` as `kind`. Strict: a string is not a number and a number is not a string.
pub(crate) fn coerce(v: &Value, kind: Kind) -> Option<Scalar> {
    match (kind, v) {
        (_, Value::Null) => None,
        (Kind::Text, Value::String(s)) => Some(Scalar::Text(s.clone())),
        (Kind::Int | Kind::Float, Value::Number(n)) => number(n),
        (Kind::Decimal, Value::Number(n)) => n.as_f64().map(Scalar::Float),
        (Kind::Decimal, Value::String(s)) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()).map(Scalar::Float),
        (Kind::Bool, Value::Bool(b)) => Some(Scalar::Bool(*b)),
        // SQLite hands booleans back as 0/1.
        (Kind::Bool, Value::Number(n)) => match n.as_i64() {
            Some(0) => Some(Scalar::Bool(false)),
            Some(1) => Some(Scalar::Bool(true)),
            _ => None,
        },
        (Kind::DateTime, Value::String(s)) => normalize_timestamp(s).map(Scalar::Time),
        (Kind::Json, v) => Some(Scalar::Json(v.clone())),
        _ => None,
    }
}

/// Reads `v` without a known column type (auth value compared with a literal).
pub(crate) fn untyped(v: &Value) -> Option<Scalar> {
    match v {
        Value::Null => None,
        Value::Bool(b) => Some(Scalar::Bool(*b)),
        Value::Number(n) => number(n),
        Value::String(s) => Some(Scalar::Text(s.clone())),
        Value::Array(_) | Value::Object(_) => Some(Scalar::Json(v.clone())),
    }
}

/// Reads `v` as `kind` when known, else untyped.
pub(crate) fn read(v: &Value, kind: Option<Kind>) -> Option<Scalar> {
    match kind {
        Some(k) => coerce(v, k),
        None => untyped(v),
    }
}

fn number(n: &serde_json::Number) -> Option<Scalar> {
    if let Some(i) = n.as_i64() { Some(Scalar::Int(i)) } else { n.as_f64().map(Scalar::Float) }
}

/// `a <op> b` in SQL three-valued logic: `None` when either side is NULL or the types do not compare.
pub(crate) fn compare(op: CmpOp, a: &Scalar, b: &Scalar) -> Option<bool> {
    if let (Scalar::Json(x), Scalar::Json(y)) = (a, b) {
        return match op {
            CmpOp::Eq => Some(x == y),
            CmpOp::Ne => Some(x != y),
            _ => None,
        };
    }
    let ord = order(a, b)?;
    Some(match op {
        CmpOp::Eq => ord == Ordering::Equal,
        CmpOp::Ne => ord != Ordering::Equal,
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::Le => ord != Ordering::Greater,
        CmpOp::Gt => ord == Ordering::Greater,
        CmpOp::Ge => ord != Ordering::Less,
    })
}

/// Compares two optional scalars (three-valued).
pub(crate) fn compare_opt(op: CmpOp, a: Option<&Scalar>, b: Option<&Scalar>) -> Option<bool> {
    compare(op, a?, b?)
}

fn order(a: &Scalar, b: &Scalar) -> Option<Ordering> {
    use Scalar::*;
    match (a, b) {
        (Int(x), Int(y)) => Some(x.cmp(y)),
        (Int(x), Float(y)) => (*x as f64).partial_cmp(y),
        (Float(x), Int(y)) => x.partial_cmp(&(*y as f64)),
        (Float(x), Float(y)) => x.partial_cmp(y),
        (Text(x), Text(y)) | (Time(x), Time(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        (Time(x), Text(y)) => normalize_timestamp(y).map(|y| x.as_bytes().cmp(y.as_bytes())),
        (Text(x), Time(y)) => normalize_timestamp(x).map(|x| x.as_bytes().cmp(y.as_bytes())),
        (Bool(x), Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// SQL `a IN (items…)`: TRUE if some item equals `a`; NULL if `a` is NULL or an item is NULL (and
/// none matched); FALSE otherwise (also for an empty list).
pub(crate) fn in_list(a: Option<&Scalar>, items: &[Option<Scalar>]) -> Option<bool> {
    if items.is_empty() {
        return Some(false);
    }
    let a = a?;
    let mut unknown = false;
    for item in items {
        match compare_opt(CmpOp::Eq, Some(a), item.as_ref()) {
            Some(true) => return Some(true),
            Some(false) => {}
            None => unknown = true,
        }
    }
    if unknown { None } else { Some(false) }
}

/// `contains` / `startsWith` / `endsWith` (NULL when either side is NULL or not a string).
pub(crate) fn string_fn(func: StringFn, target: &Value, value: &Value, case_insensitive: bool) -> Option<bool> {
    let (Value::String(t), Value::String(v)) = (target, value) else {
        return None;
    };
    let (t, v) = if case_insensitive { (t.to_lowercase(), v.to_lowercase()) } else { (t.clone(), v.clone()) };
    Some(match func {
        StringFn::Contains => t.contains(&v),
        StringFn::StartsWith => t.starts_with(&v),
        StringFn::EndsWith => t.ends_with(&v),
    })
}

/// `has` / `hasSome` / `hasEvery` on a list value (NULL when the list or the argument is NULL, or
/// when the argument list holds a NULL).
pub(crate) fn list_fn(func: ListFn, list: &Value, value: &Value, elem: Option<Kind>) -> Option<bool> {
    let Value::Array(items) = list else {
        return None;
    };
    let items: Vec<Scalar> = items.iter().filter_map(|i| read(i, elem)).collect();
    let contains = |v: &Scalar| items.iter().any(|i| compare(CmpOp::Eq, i, v) == Some(true));
    match func {
        ListFn::Has => Some(contains(&read(value, elem)?)),
        ListFn::HasSome | ListFn::HasEvery => {
            let Value::Array(vals) = value else {
                return None;
            };
            let vals: Option<Vec<Scalar>> = vals.iter().map(|v| read(v, elem)).collect();
            let vals = vals?;
            Some(if func == ListFn::HasSome { vals.iter().any(contains) } else { vals.iter().all(contains) })
        }
    }
}

/// `isEmpty(list)`.
pub(crate) fn is_empty(list: &Value) -> Option<bool> {
    match list {
        Value::Array(a) => Some(a.is_empty()),
        _ => None,
    }
}

/// A literal as JSON (enum values become strings).
pub(crate) fn literal_json(lit: &Literal) -> Value {
    match lit {
        Literal::Null => Value::Null,
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Int(i) => Value::from(*i),
        Literal::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Literal::String(s) | Literal::Enum(s) => Value::String(s.clone()),
        Literal::Array(items) => Value::Array(items.iter().map(literal_json).collect()),
    }
}

/// Applies the casing argument of `currentModel()` / `currentOperation()`.
pub(crate) fn apply_casing(s: &str, casing: Casing) -> String {
    match casing {
        Casing::Original => s.to_owned(),
        Casing::Upper => s.to_uppercase(),
        Casing::Lower => s.to_lowercase(),
        Casing::Capitalize | Casing::Uncapitalize => {
            let mut chars = s.chars();
            match chars.next() {
                None => String::new(),
                Some(c) => {
                    let head: String = if casing == Casing::Capitalize {
                        c.to_uppercase().collect()
                    } else {
                        c.to_lowercase().collect()
                    };
                    head + chars.as_str()
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_are_three_valued_and_typed() {
        let i = Scalar::Int(3);
        let f = Scalar::Float(3.5);
        assert_eq!(compare(CmpOp::Lt, &i, &f), Some(true));
        assert_eq!(compare(CmpOp::Eq, &i, &Scalar::Text("3".into())), None);
        assert_eq!(compare_opt(CmpOp::Eq, None, Some(&i)), None);
        assert_eq!(coerce(&Value::from("3"), Kind::Int), None);
        assert_eq!(coerce(&Value::from(1), Kind::Bool), Some(Scalar::Bool(true)));
        assert_eq!(in_list(None, &[]), Some(false));
        assert_eq!(in_list(Some(&i), &[None, Some(Scalar::Int(4))]), None);
        assert_eq!(in_list(Some(&i), &[None, Some(Scalar::Int(3))]), Some(true));
    }

    #[test]
    fn casing() {
        assert_eq!(apply_casing("post-update", Casing::Upper), "POST-UPDATE");
        assert_eq!(apply_casing("Lead", Casing::Uncapitalize), "lead");
        assert_eq!(apply_casing("read", Casing::Capitalize), "Read");
    }
}
