//! Making a rule expressible as a PostgreSQL RLS policy: every boolean atom the database wall cannot
//! evaluate faithfully is replaced by the constant that makes the rule *more permissive* (TRUE where
//! a larger value helps the rule pass, FALSE under a negation), so the wall never blocks what the
//! engine allows. And, or and not are monotone in three-valued logic, so this is sound.

use crate::compile::{Node, Truth, node_and, node_not, node_or, node_truth};
use crate::expr::Quantifier;

/// Why an atom cannot be enforced by RLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Reason {
    /// It reads another table: PostgreSQL would filter that table by its own policies inside this
    /// one (stricter than the engine, and policies that refer to each other fail with "infinite
    /// recursion").
    OtherTable,
    /// It reads `before()`, which a policy cannot see.
    Before,
}

impl Reason {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Reason::OtherTable => {
                "it reads a related table (PostgreSQL would apply that table's own policies inside this one)"
            }
            Reason::Before => "it reads `before()`, which a policy cannot see",
        }
    }
}

/// `n` with inexpressible atoms replaced; `positive` is true where a larger truth value makes the
/// enclosing rule more permissive.
pub(crate) fn relax(n: &Node, positive: bool, why: &mut Vec<Reason>) -> Node {
    match n {
        Node::And(xs) => node_and(xs.iter().map(|x| relax(x, positive, why)).collect()),
        Node::Or(xs) => node_or(xs.iter().map(|x| relax(x, positive, why)).collect()),
        Node::Not(x) => node_not(relax(x, !positive, why)),
        Node::Truth(x, t) => {
            let inner_positive = match t {
                Truth::IsTrue | Truth::IsNotFalse => positive,
                Truth::IsFalse => !positive,
            };
            node_truth(relax(x, inner_positive, why), *t)
        }
        Node::AuthCollection { base, path, quantifier, element_scope, body } => {
            let body_positive = if *quantifier == Quantifier::None { !positive } else { positive };
            Node::AuthCollection {
                base: *base,
                path: path.clone(),
                quantifier: *quantifier,
                element_scope: *element_scope,
                body: Box::new(relax(body, body_positive, why)),
            }
        }
        atom => match blocker(atom) {
            Some(reason) => {
                why.push(reason);
                Node::boolean(Some(positive))
            }
            None => atom.clone(),
        },
    }
}

/// The reason an atom (or a value inside it) cannot be enforced by RLS.
fn blocker(n: &Node) -> Option<Reason> {
    match n {
        Node::Before { .. } => Some(Reason::Before),
        Node::Column(c) if !c.hops.is_empty() => Some(Reason::OtherTable),
        Node::ToOneNull { .. } | Node::Collection { .. } | Node::Related { .. } => Some(Reason::OtherTable),
        Node::Const(_) | Node::Column(_) | Node::Auth(_) | Node::AuthElement { .. } | Node::Now => None,
        Node::IsNull(x) | Node::Not(x) | Node::IsEmpty(x) | Node::Truth(x, _) => blocker(x),
        Node::Compare { lhs, rhs, .. } | Node::In { lhs, rhs } => blocker(lhs).or_else(|| blocker(rhs)),
        Node::Str { target, value, .. } => blocker(target).or_else(|| blocker(value)),
        Node::List { list, value, .. } => blocker(list).or_else(|| blocker(value)),
        Node::And(xs) | Node::Or(xs) => xs.iter().find_map(blocker),
        Node::AuthCollection { body, .. } => blocker(body),
    }
}
