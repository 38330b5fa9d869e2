//! The per-operation context: schema, compiled rules, the caller's auth, and how rules fold for it.

use policy::ir::{FieldIdx, Model, ModelIdx, Schema};
use policy::{Auth, Dialect, Operation, PolicySet, Pred, RenderEnv, SqlWriter};
use serde_json::{Map, Value};

use crate::error::{Result, StoreError};

/// A folded rule ready to render: constant or a predicate.
#[derive(Debug, Clone)]
pub enum Guard {
    True,
    False,
    Pred(Pred),
}

impl Guard {
    fn from_pred(p: Pred) -> Guard {
        if p.is_true() {
            Guard::True
        } else if p.is_false() {
            Guard::False
        } else {
            Guard::Pred(p)
        }
    }

    pub fn is_true(&self) -> bool {
        matches!(self, Guard::True)
    }

    pub fn is_false(&self) -> bool {
        matches!(self, Guard::False)
    }

    /// Writes the guard against the row `alias` for a filtering position (`WHERE`, `ON`,
    /// `CASE WHEN`), where NULL already counts as false: the form indexes can serve.
    /// Never use it under `NOT` — see [`Guard::render_two_valued`].
    pub fn render(&self, w: &mut SqlWriter, alias: &str) {
        self.render_with(w, alias, None);
    }

    /// As [`Guard::render`], with pre-update values for `before()`.
    pub fn render_with(&self, w: &mut SqlWriter, alias: &str, before: Option<&Map<String, Value>>) {
        match self {
            Guard::True => {
                w.push("1 = 1");
            }
            Guard::False => {
                w.push("1 = 0");
            }
            Guard::Pred(p) => p.render_where(w, &RenderEnv { alias, before }),
        }
    }

    /// Writes the guard as a strictly two-valued boolean (TRUE or FALSE, never NULL), safe under
    /// `NOT`.
    pub fn render_two_valued(&self, w: &mut SqlWriter, alias: &str) {
        match self {
            Guard::True => {
                w.push("1 = 1");
            }
            Guard::False => {
                w.push("1 = 0");
            }
            Guard::Pred(p) => p.render(w, &RenderEnv { alias, before: None }),
        }
    }
}

/// Everything an engine operation needs besides the connection.
pub struct Ctx<'a> {
    pub schema: &'a Schema,
    pub policies: &'a PolicySet,
    pub auth: &'a Auth,
    /// `as_system`: every rule is TRUE (the named bypass).
    pub system: bool,
    pub dialect: Dialect,
    /// Find out which rule denied an operation (costs extra queries; only on request).
    pub explain: bool,
    /// The audit model, when the audit hook is on.
    pub audit: Option<ModelIdx>,
}

impl<'a> Ctx<'a> {
    pub fn model(&self, idx: ModelIdx) -> &'a Model {
        &self.schema.models[idx]
    }

    /// Resolves a model name from the caller's arguments.
    pub fn model_index(&self, name: &str) -> Result<ModelIdx> {
        self.schema.model_index(name).ok_or_else(|| StoreError::invalid(format!("unknown model `{name}`")))
    }

    /// The model-level rule for `op`, folded for this caller.
    pub fn guard(&self, model: ModelIdx, op: Operation) -> Guard {
        if self.system {
            return Guard::True;
        }
        Guard::from_pred(self.policies.filter(model, op, self.auth))
    }

    /// The field-level rule for `op` on one field.
    pub fn field_guard(&self, model: ModelIdx, field: FieldIdx, op: Operation) -> Guard {
        if self.system || self.model(model).fields[field].rules.is_empty() {
            return Guard::True;
        }
        Guard::from_pred(self.policies.field_filter(model, field, op, self.auth))
    }

    pub fn writer(&self) -> SqlWriter {
        SqlWriter::new(self.dialect)
    }
}
