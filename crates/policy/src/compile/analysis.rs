//! Static facts about compiled nodes: the column type a value has, and whether a node can be NULL
//! (a two-valued node renders without `IS TRUE` tests and collection predicates without the NULL
//! branch).

use serde_json::Value;

use crate::ir::Schema;
use crate::value::{self, Kind};

use super::node::Node;

/// The static type of a value node (column, `before()`, `now()`), with its list flag.
pub(crate) fn kind_of(n: &Node, schema: &Schema) -> Option<(Kind, bool)> {
    match n {
        Node::Column(c) => value::field_kind(schema.models.get(c.model)?.fields.get(c.field)?),
        Node::Before { model, field } => value::field_kind(schema.models.get(*model)?.fields.get(*field)?),
        Node::Now => Some((Kind::DateTime, false)),
        _ => None,
    }
}

/// Whether a node can be NULL in SQL (conservative: `true` when unsure).
pub(crate) fn nullable(n: &Node, schema: &Schema) -> bool {
    let any = |xs: &[&Node]| xs.iter().any(|x| nullable(x, schema));
    match n {
        Node::Const(v) => v.is_null(),
        Node::Column(c) => {
            !c.hops.is_empty()
                || schema.models.get(c.model).and_then(|m| m.fields.get(c.field)).is_none_or(|f| f.optional)
        }
        Node::Auth(_) | Node::AuthElement { .. } | Node::Before { .. } | Node::AuthCollection { .. } => true,
        Node::Now | Node::IsNull(_) | Node::ToOneNull { .. } | Node::Truth(..) | Node::Related { .. } => false,
        Node::Collection { nullable, .. } => *nullable,
        Node::Compare { lhs, rhs, .. } => {
            let kind = kind_of(lhs, schema).or_else(|| kind_of(rhs, schema));
            let unreadable = |n: &Node| matches!(n, Node::Const(v) if read(v, kind).is_none());
            any(&[lhs, rhs]) || unreadable(lhs) || unreadable(rhs)
        }
        Node::In { lhs, rhs } => match &**rhs {
            Node::Const(Value::Array(items)) => nullable(lhs, schema) || items.iter().any(Value::is_null),
            Node::Const(_) => true,
            other => any(&[lhs, other]),
        },
        Node::And(xs) | Node::Or(xs) => xs.iter().any(|x| nullable(x, schema)),
        Node::Not(x) | Node::IsEmpty(x) => nullable(x, schema),
        Node::Str { target, value, .. } => any(&[target, value]),
        Node::List { list, value, .. } => {
            any(&[list, value]) || matches!(&**value, Node::Const(Value::Array(a)) if a.iter().any(Value::is_null))
        }
    }
}

/// Reads a JSON value as the type of the other side of a comparison (`None`: NULL/unreadable).
pub(crate) fn read(v: &Value, hint: Option<(Kind, bool)>) -> Option<value::Scalar> {
    match hint {
        Some((_, true)) => None,
        Some((k, false)) => value::coerce(v, k),
        None => value::untyped(v),
    }
}
