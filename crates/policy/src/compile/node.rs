//! The compiled predicate tree: what [`super::PolicySet`] stores per (model, operation) and what a
//! folded [`super::Pred`] holds. Like [`crate::expr::Expr`], but with literals as JSON, `check()`
//! inlined, `currentModel()`/`currentOperation()` resolved, `== null` made explicit, n-ary
//! `AND`/`OR`, and explicit two-valued truth tests.

use std::sync::Arc;

use serde_json::Value;

use crate::expr::{CmpOp, Hop, ListFn, Quantifier, ScopeIdx, StringFn};
use crate::ir::{FieldIdx, ModelIdx};

/// `(x) IS TRUE` and friends: turn a three-valued boolean into a two-valued one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[expect(clippy::enum_variant_names, reason = "they read as the SQL tests")]
pub(crate) enum Truth {
    IsTrue,
    IsFalse,
    IsNotFalse,
}

impl Truth {
    /// Applies the test to a three-valued constant.
    pub(crate) fn apply(self, v: Option<bool>) -> bool {
        match self {
            Truth::IsTrue => v == Some(true),
            Truth::IsFalse => v == Some(false),
            Truth::IsNotFalse => v != Some(false),
        }
    }

    pub(crate) fn sql(self) -> &'static str {
        match self {
            Truth::IsTrue => " IS TRUE",
            Truth::IsFalse => " IS FALSE",
            Truth::IsNotFalse => " IS NOT FALSE",
        }
    }
}

/// A column read: from the row of `scope`, through to-one `hops`, field `field` of `model`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ColRef {
    pub scope: ScopeIdx,
    pub hops: Arc<[Hop]>,
    pub model: ModelIdx,
    pub field: FieldIdx,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// A literal or folded value. Booleans are `Bool`; an unknown boolean is `Null`.
    Const(Value),
    Column(ColRef),
    Auth(Arc<[String]>),
    AuthElement {
        scope: ScopeIdx,
        path: Arc<[String]>,
    },
    /// `before().field` of the rule's model.
    Before {
        model: ModelIdx,
        field: FieldIdx,
    },
    Now,
    /// `x == null` (two-valued).
    IsNull(Box<Node>),
    /// The to-one relation reached from `scope` through `hops` has no row (two-valued).
    ToOneNull {
        scope: ScopeIdx,
        hops: Arc<[Hop]>,
    },
    Compare {
        op: CmpOp,
        lhs: Box<Node>,
        rhs: Box<Node>,
    },
    In {
        lhs: Box<Node>,
        rhs: Box<Node>,
    },
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Truth(Box<Node>, Truth),
    /// A collection predicate over a to-many relation, three-valued like SQL `ANY`/`ALL`: `?` is
    /// TRUE if some element's body is TRUE, else NULL if some is NULL, else FALSE; `!` is FALSE if
    /// some body is FALSE, else NULL if some is NULL, else TRUE; `^` is `NOT ?`.
    Collection {
        scope: ScopeIdx,
        hops: Arc<[Hop]>,
        relation: Hop,
        quantifier: Quantifier,
        element_scope: ScopeIdx,
        body: Box<Node>,
        /// Whether `body` can be NULL (else the predicate is two-valued and renders as one `EXISTS`).
        nullable: bool,
    },
    AuthCollection {
        base: Option<ScopeIdx>,
        path: Arc<[String]>,
        quantifier: Quantifier,
        element_scope: ScopeIdx,
        body: Box<Node>,
    },
    Str {
        func: StringFn,
        target: Box<Node>,
        value: Box<Node>,
        case_insensitive: bool,
    },
    List {
        func: ListFn,
        list: Box<Node>,
        value: Box<Node>,
    },
    IsEmpty(Box<Node>),
    /// `check(rel)`: `body` (the target model's combined, two-valued filter, with its own scope 0)
    /// holds for the row reached from `scope` through the to-one `hops`; FALSE when there is none.
    Related {
        scope: ScopeIdx,
        hops: Arc<[Hop]>,
        body: Arc<Node>,
    },
}

pub(crate) const TRUE: Node = Node::Const(Value::Bool(true));
pub(crate) const FALSE: Node = Node::Const(Value::Bool(false));
pub(crate) const NULL: Node = Node::Const(Value::Null);

impl Node {
    /// A three-valued boolean constant.
    pub(crate) fn boolean(v: Option<bool>) -> Node {
        match v {
            Some(b) => Node::Const(Value::Bool(b)),
            None => NULL,
        }
    }

    /// The constant truth value, if this is a constant. Non-boolean constants read as NULL.
    pub(crate) fn as_const_bool(&self) -> Option<Option<bool>> {
        match self {
            Node::Const(Value::Bool(b)) => Some(Some(*b)),
            Node::Const(_) => Some(None),
            _ => None,
        }
    }

    /// Whether the node is never NULL as a boolean.
    pub(crate) fn two_valued(&self) -> bool {
        match self {
            Node::Const(v) => v.is_boolean(),
            Node::IsNull(_) | Node::ToOneNull { .. } | Node::Truth(..) | Node::Related { .. } => true,
            Node::Collection { nullable, .. } => !nullable,
            Node::And(xs) | Node::Or(xs) => xs.iter().all(Node::two_valued),
            Node::Not(x) => x.two_valued(),
            _ => false,
        }
    }
}

/// `AND` with constant simplification (three-valued).
pub(crate) fn and(items: Vec<Node>) -> Node {
    let mut out = Vec::with_capacity(items.len());
    let mut saw_null = false;
    for item in items {
        match item {
            Node::And(inner) => out.extend(inner),
            other => match other.as_const_bool() {
                Some(Some(false)) => return FALSE,
                Some(Some(true)) => {}
                Some(None) => saw_null = true,
                None => out.push(other),
            },
        }
    }
    if saw_null {
        out.push(NULL);
    }
    match out.len() {
        0 => TRUE,
        1 => out.pop().unwrap_or(TRUE),
        _ => Node::And(out),
    }
}

/// `OR` with constant simplification (three-valued).
pub(crate) fn or(items: Vec<Node>) -> Node {
    let mut out = Vec::with_capacity(items.len());
    let mut saw_null = false;
    for item in items {
        match item {
            Node::Or(inner) => out.extend(inner),
            other => match other.as_const_bool() {
                Some(Some(true)) => return TRUE,
                Some(Some(false)) => {}
                Some(None) => saw_null = true,
                None => out.push(other),
            },
        }
    }
    if saw_null {
        out.push(NULL);
    }
    match out.len() {
        0 => FALSE,
        1 => out.pop().unwrap_or(FALSE),
        _ => Node::Or(out),
    }
}

/// `NOT` with constant simplification (three-valued).
pub(crate) fn not(x: Node) -> Node {
    match x {
        Node::Const(_) => Node::boolean(x.as_const_bool().flatten().map(|b| !b)),
        Node::Not(inner) => *inner,
        // De Morgan holds in three-valued logic.
        Node::And(xs) => or(xs.into_iter().map(not).collect()),
        Node::Or(xs) => and(xs.into_iter().map(not).collect()),
        // `NOT (a <> b)` is `a = b` in three-valued logic too (and keeps indexes usable).
        Node::Compare { op, lhs, rhs } => Node::Compare {
            op: match op {
                CmpOp::Eq => CmpOp::Ne,
                CmpOp::Ne => CmpOp::Eq,
                CmpOp::Lt => CmpOp::Ge,
                CmpOp::Le => CmpOp::Gt,
                CmpOp::Gt => CmpOp::Le,
                CmpOp::Ge => CmpOp::Lt,
            },
            lhs,
            rhs,
        },
        other => Node::Not(Box::new(other)),
    }
}

/// A truth test with constant simplification; a test on an already two-valued node reduces to the
/// node or its negation.
pub(crate) fn truth(x: Node, t: Truth) -> Node {
    if let Some(v) = x.as_const_bool() {
        return Node::boolean(Some(t.apply(v)));
    }
    // A NULL operand decides some tests: `x AND NULL` is never TRUE and is FALSE iff `x` is FALSE;
    // `x OR NULL` is never FALSE and is TRUE iff `x` is TRUE.
    match x {
        Node::And(xs) if xs.contains(&NULL) => {
            let rest: Vec<Node> = xs.into_iter().filter(|n| *n != NULL).collect();
            return match t {
                Truth::IsTrue => FALSE,
                Truth::IsFalse | Truth::IsNotFalse => truth(and(rest), t),
            };
        }
        Node::Or(xs) if xs.contains(&NULL) => {
            let rest: Vec<Node> = xs.into_iter().filter(|n| *n != NULL).collect();
            return match t {
                Truth::IsFalse => FALSE,
                Truth::IsNotFalse => TRUE,
                Truth::IsTrue => truth(or(rest), t),
            };
        }
        _ => {}
    }
    if x.two_valued() {
        return match t {
            Truth::IsTrue | Truth::IsNotFalse => x,
            Truth::IsFalse => not(x),
        };
    }
    Node::Truth(Box::new(x), t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col() -> Node {
        Node::Column(ColRef { scope: 0, hops: Arc::from(Vec::new()), model: 0, field: 0 })
    }

    #[test]
    fn and_or_fold_constants_three_valued() {
        assert_eq!(and(vec![TRUE, NULL]), NULL);
        assert_eq!(and(vec![FALSE, NULL]), FALSE);
        assert_eq!(and(vec![TRUE, TRUE]), TRUE);
        assert_eq!(and(vec![]), TRUE);
        assert_eq!(or(vec![FALSE, NULL]), NULL);
        assert_eq!(or(vec![TRUE, NULL]), TRUE);
        assert_eq!(or(vec![]), FALSE);
        assert_eq!(and(vec![TRUE, col()]), col());
        assert_eq!(and(vec![NULL, col()]), Node::And(vec![col(), NULL]));
        assert_eq!(not(NULL), NULL);
        assert_eq!(not(TRUE), FALSE);
    }

    #[test]
    fn truth_tests_drop_null_operands() {
        let x = || Node::Compare { op: CmpOp::Gt, lhs: Box::new(col()), rhs: Box::new(Node::Const(1.into())) };
        let and_null = || and(vec![x(), NULL]);
        let or_null = || or(vec![x(), NULL]);
        assert_eq!(truth(and_null(), Truth::IsTrue), FALSE);
        assert_eq!(truth(and_null(), Truth::IsFalse), Node::Truth(Box::new(x()), Truth::IsFalse));
        assert_eq!(truth(or_null(), Truth::IsFalse), FALSE);
        assert_eq!(truth(or_null(), Truth::IsNotFalse), TRUE);
        assert_eq!(truth(or_null(), Truth::IsTrue), Node::Truth(Box::new(x()), Truth::IsTrue));
    }

    #[test]
    fn truth_tests_on_constants() {
        for (v, t, f, nf) in [(TRUE, true, false, true), (FALSE, false, true, false), (NULL, false, false, true)] {
            assert_eq!(truth(v.clone(), Truth::IsTrue), Node::boolean(Some(t)));
            assert_eq!(truth(v.clone(), Truth::IsFalse), Node::boolean(Some(f)));
            assert_eq!(truth(v, Truth::IsNotFalse), Node::boolean(Some(nf)));
        }
    }
}
