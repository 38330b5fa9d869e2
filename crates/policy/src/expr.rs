//! Resolved policy expressions: every name is bound to a model field, an auth path or a scope.
//!
//! Scopes: a rule is evaluated against a stack of rows. Scope 0 is `this` (the row of the model that
//! carries the rule). Each collection predicate `rel?[…]` pushes one scope: inside its body, scope
//! `n` (its depth) is the element row; unqualified field names refer to the innermost element, `this`
//! always to scope 0, and a v3 binding `rel?[m, …]` names that same scope. Auth collections
//! (`auth().memberships?[…]`) push an *auth* scope whose element is a JSON object from the auth value.

use crate::ir::{FieldIdx, Literal, ModelIdx, Operation};

/// Which row an expression reads from.
pub type ScopeIdx = u8;

/// One to-one relation step: relation field `field` of model `model`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hop {
    pub model: ModelIdx,
    pub field: FieldIdx,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Collection predicate quantifiers: `?[…]` some, `![…]` every, `^[…]` none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Quantifier {
    Some,
    Every,
    None,
}

/// String functions `contains`, `startsWith`, `endsWith`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum StringFn {
    Contains,
    StartsWith,
    EndsWith,
}

/// List functions on scalar-list fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum ListFn {
    /// `has(list, value)`
    Has,
    /// `hasSome(list, values)`
    HasSome,
    /// `hasEvery(list, values)`
    HasEvery,
}

/// Casing argument of `currentModel()` / `currentOperation()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub enum Casing {
    #[default]
    Original,
    Upper,
    Lower,
    Capitalize,
    Uncapitalize,
}

/// A resolved expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A literal, including `null` and array literals.
    Lit(Literal),
    /// A scalar or enum column: start at the row of `scope`, follow the to-one `hops`, read `field`
    /// of the model reached (`model` is that model, for convenience).
    Column {
        scope: ScopeIdx,
        hops: Vec<Hop>,
        model: ModelIdx,
        field: FieldIdx,
    },
    /// A to-one relation used as a value (only compared with `null`): start at `scope`, follow `hops`;
    /// the last hop is the relation itself. `hops` is never empty.
    ToOne {
        scope: ScopeIdx,
        hops: Vec<Hop>,
    },
    /// `auth()` (empty `path`) or `auth().a.b`, read from the auth value.
    Auth {
        path: Vec<String>,
    },
    /// A member of the element of an enclosing auth-collection scope: `auth().roles?[name == 'x']`
    /// gives `AuthElement { scope: 1, path: ["name"] }`.
    AuthElement {
        scope: ScopeIdx,
        path: Vec<String>,
    },
    /// `before().field` in a post-update rule (the pre-update value of this model's column).
    Before {
        field: FieldIdx,
    },
    /// `a == b`, `a < b`, …
    Compare {
        op: CmpOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `a in b`, where `b` is an array literal, a list field or an auth list.
    In {
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// `rel?[…]` / `rel![…]` / `rel^[…]` over a relation: start at `scope`, follow the to-one `hops`,
    /// then the to-many (or many-to-many) relation `relation`; `body` is evaluated with the element as
    /// scope `scope_depth` (= the number of scopes enclosing the body minus one).
    Collection {
        scope: ScopeIdx,
        hops: Vec<Hop>,
        relation: Hop,
        quantifier: Quantifier,
        /// The scope index the element gets inside `body`.
        element_scope: ScopeIdx,
        body: Box<Expr>,
    },
    /// A collection predicate over a list inside the auth value, e.g. `auth().memberships?[…]`.
    AuthCollection {
        /// The list, relative to `auth()` (or to an enclosing auth element when `base` is `Some`).
        base: Option<ScopeIdx>,
        path: Vec<String>,
        quantifier: Quantifier,
        element_scope: ScopeIdx,
        body: Box<Expr>,
    },
    /// `contains(field, value, ci?)`, `startsWith`, `endsWith`.
    StringFn {
        func: StringFn,
        target: Box<Expr>,
        value: Box<Expr>,
        case_insensitive: bool,
    },
    /// `has`, `hasSome`, `hasEvery` on a list field.
    ListFn {
        func: ListFn,
        list: Box<Expr>,
        value: Box<Expr>,
    },
    /// `isEmpty(list)`
    IsEmpty(Box<Expr>),
    /// `now()`
    Now,
    /// `check(rel, op?)`: the target model's rules for `op` (the enclosing rule's operation when
    /// `None`), evaluated on the related row reached from `scope` through `hops` (last hop = the
    /// to-one relation).
    Check {
        scope: ScopeIdx,
        hops: Vec<Hop>,
        op: Option<Operation>,
    },
    /// `currentModel(casing?)`
    CurrentModel(Casing),
    /// `currentOperation(casing?)`
    CurrentOperation(Casing),
}

impl Expr {
    /// `a && b`
    pub fn and(a: Expr, b: Expr) -> Expr {
        Expr::And(Box::new(a), Box::new(b))
    }

    /// `a || b`
    pub fn or(a: Expr, b: Expr) -> Expr {
        Expr::Or(Box::new(a), Box::new(b))
    }

    /// `!a`
    #[expect(clippy::should_implement_trait)]
    pub fn not(a: Expr) -> Expr {
        Expr::Not(Box::new(a))
    }

    /// `a == b`
    pub fn eq(a: Expr, b: Expr) -> Expr {
        Expr::Compare { op: CmpOp::Eq, lhs: Box::new(a), rhs: Box::new(b) }
    }
}
