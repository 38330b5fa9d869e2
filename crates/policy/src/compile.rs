//! Rules compiled once per (model, operation), folded per request, rendered to SQL.
//!
//! INTERFACE CONTRACT (bodies to be implemented): the query engine in `store` uses exactly this API.
//!
//! * [`PolicySet::new`] runs once when the schema loads: for every model and operation it combines the
//!   allow and deny rules into one expression, and for every field its field-level read/update rules.
//! * [`PolicySet::filter`] folds that expression for one auth value: auth-only sub-expressions become
//!   constants (three-valued), `&&`/`||` with constants simplify, so an admin's
//!   `role == ADMIN || …` becomes TRUE and adds no predicate.
//! * [`Pred::render`] writes the folded predicate as a two-valued SQL boolean (TRUE exactly when the
//!   operation is allowed; never NULL), against the row aliased `env.alias`.
//!
//! Semantics ("unknown is never permission"): allowed iff `(allow1 OR allow2 …) IS TRUE` and every
//! `deny IS FALSE`. No allow rule → FALSE, except `post-update`, which is TRUE without allow rules.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::ir::{FieldIdx, ModelIdx, Operation, Rule, Schema};
use crate::sql::SqlWriter;

/// The caller's identity as `auth()` sees it: `None` = anonymous; otherwise a JSON object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Auth(pub Option<Value>);

impl Auth {
    pub fn anonymous() -> Self {
        Auth(None)
    }

    /// `auth().a.b` as a JSON value (`None` when anonymous or missing).
    pub fn get(&self, path: &[String]) -> Option<&Value> {
        let mut v = self.0.as_ref()?;
        for p in path {
            v = v.get(p)?;
        }
        Some(v)
    }
}

/// Every rule of a schema, compiled.
#[derive(Debug)]
pub struct PolicySet {
    schema: Arc<Schema>,
}

impl PolicySet {
    /// Compiles every (model, operation) and every field rule. Cheap to share (`Arc`).
    pub fn new(schema: Arc<Schema>) -> Self {
        Self { schema }
    }

    pub fn schema(&self) -> &Arc<Schema> {
        &self.schema
    }

    /// The model-level predicate for `op`, folded for `auth`.
    pub fn filter(&self, model: ModelIdx, op: Operation, auth: &Auth) -> Pred {
        let _ = (model, op, auth);
        unimplemented!("compile::PolicySet::filter")
    }

    /// The field-level predicate for `op` (`Read` or `Update`) on one field, folded for `auth`.
    /// TRUE when the field has no rule for `op`.
    pub fn field_filter(&self, model: ModelIdx, field: FieldIdx, op: Operation, auth: &Auth) -> Pred {
        let _ = (model, field, op, auth);
        unimplemented!("compile::PolicySet::field_filter")
    }

    /// Whether any field of `model` has a field-level rule for `op` (lets the engine skip work).
    pub fn has_field_rules(&self, model: ModelIdx, op: Operation) -> bool {
        let _ = (model, op);
        unimplemented!("compile::PolicySet::has_field_rules")
    }

    /// Whether `model` has any model-level rule (allow or deny) for `op`.
    pub fn has_rules(&self, model: ModelIdx, op: Operation) -> bool {
        let _ = (model, op);
        unimplemented!("compile::PolicySet::has_rules")
    }

    /// Fields of `model` read through `before()` in its post-update rules (the engine loads them
    /// before the update and passes them in [`RenderEnv::before`]).
    pub fn before_fields(&self, model: ModelIdx) -> &[FieldIdx] {
        let _ = model;
        unimplemented!("compile::PolicySet::before_fields")
    }

    /// Each rule of `model` for `op` on its own, folded for `auth` — as the *raw condition* of the
    /// rule rendered two-valued as "condition IS TRUE" for allows and "condition IS NOT FALSE" for
    /// denies (i.e. the pred is TRUE when the allow holds / the deny fires). Used to name the rule
    /// that denied an operation.
    pub fn rule_filters(&self, model: ModelIdx, op: Operation, auth: &Auth) -> Vec<(&Rule, Pred)> {
        let _ = (model, op, auth);
        unimplemented!("compile::PolicySet::rule_filters")
    }
}

/// Values a predicate may need besides the row itself.
#[derive(Debug, Clone, Copy)]
pub struct RenderEnv<'a> {
    /// Alias of the row the predicate is about (scope 0 / `this`).
    pub alias: &'a str,
    /// Pre-update values for `before().x` (post-update checks): JSON keyed by field name.
    pub before: Option<&'a Map<String, Value>>,
}

/// A folded predicate, ready to render.
#[derive(Debug, Clone, PartialEq)]
pub struct Pred {
    _private: (),
}

impl Pred {
    /// Always allowed (render would add nothing).
    pub fn is_true(&self) -> bool {
        unimplemented!("compile::Pred::is_true")
    }

    /// Never allowed.
    pub fn is_false(&self) -> bool {
        unimplemented!("compile::Pred::is_false")
    }

    /// Writes a two-valued SQL boolean expression (parenthesised) into `w`.
    pub fn render(&self, w: &mut SqlWriter, env: &RenderEnv<'_>) {
        let _ = (w, env);
        unimplemented!("compile::Pred::render")
    }

    /// Decides the predicate in memory for a candidate row given as JSON keyed by field name (used
    /// for create checks that need no database). `None` when the predicate reads relations or other
    /// rows and must go to SQL.
    pub fn eval(&self, row: &Map<String, Value>, env: &RenderEnv<'_>) -> Option<bool> {
        let _ = (row, env);
        unimplemented!("compile::Pred::eval")
    }
}
