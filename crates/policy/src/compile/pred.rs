//! A folded predicate ([`Pred`]) and what rendering it needs ([`RenderEnv`]).

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::ir::Schema;
use crate::sql::{Dialect, SqlValue, SqlWriter};

use super::node::{self, Node};
use super::{Auth, fold, render};

/// Values a predicate may need besides the row itself.
#[derive(Debug, Clone, Copy)]
pub struct RenderEnv<'a> {
    /// Alias of the row the predicate is about (scope 0 / `this`).
    pub alias: &'a str,
    /// Pre-update values for `before().x` (post-update checks): JSON keyed by field name.
    pub before: Option<&'a Map<String, Value>>,
}

impl<'a> RenderEnv<'a> {
    /// The row aliased `alias`, no `before()` values.
    pub fn new(alias: &'a str) -> Self {
        Self { alias, before: None }
    }
}

/// A folded predicate, ready to render.
#[derive(Debug, Clone)]
pub struct Pred {
    pub(super) node: Node,
    pub(super) schema: Arc<Schema>,
}

impl PartialEq for Pred {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl Pred {
    /// Always allowed (render would add nothing).
    pub fn is_true(&self) -> bool {
        self.node.as_const_bool() == Some(Some(true))
    }

    /// Never allowed.
    pub fn is_false(&self) -> bool {
        self.node.as_const_bool().is_some_and(|v| v != Some(true))
    }

    /// Both predicates (for combining a model filter with field filters).
    #[must_use]
    pub fn and(self, other: &Pred) -> Pred {
        Pred { node: node::and(vec![self.node, other.node.clone()]), schema: self.schema }
    }

    /// The predicate with the `before()` values of a post-update check substituted and folded (so
    /// `is_true`/`is_false` can decide without SQL when the rule only compares pre-update values).
    #[must_use]
    pub fn with_before(&self, before: &Map<String, Value>) -> Pred {
        let anonymous = Auth::anonymous();
        let mut f = fold::Fold::new(&self.schema, &anonymous);
        f.before = Some(before);
        Pred { node: f.fold(&self.node), schema: self.schema.clone() }
    }

    /// Writes a two-valued SQL boolean expression (parenthesised) into `w`. With `env.before`, the
    /// `before()` values are folded in first.
    pub fn render(&self, w: &mut SqlWriter, env: &RenderEnv<'_>) {
        self.with_renderer(w, env, |r, n| r.pred(n));
    }

    /// Like [`Pred::render`], for a position where NULL already means "no" (`WHERE`, `ON`,
    /// `CASE WHEN`, `EXISTS (… WHERE …)`): the top-level `IS TRUE` tests are left out, so
    /// `assigneeId = $1` can use an index. Never use it under `NOT` or as a value.
    pub fn render_where(&self, w: &mut SqlWriter, env: &RenderEnv<'_>) {
        self.with_renderer(w, env, |r, n| r.pred_where(n));
    }

    fn with_renderer(
        &self,
        w: &mut SqlWriter,
        env: &RenderEnv<'_>,
        f: impl FnOnce(&mut render::Render<'_, '_>, &Node),
    ) {
        let folded;
        let node = match env.before {
            Some(before) => {
                folded = self.with_before(before);
                &folded.node
            }
            None => &self.node,
        };
        let mut r = render::Render {
            schema: &self.schema,
            w,
            before: env.before,
            aliases: vec![env.alias.to_owned()],
            rls: false,
        };
        f(&mut r, node);
    }

    /// Renders into a fresh writer (aliases `t1…` for subqueries): the SQL and its parameters.
    pub fn to_sql(&self, dialect: Dialect, env: &RenderEnv<'_>) -> (String, Vec<SqlValue>) {
        let mut w = SqlWriter::new(dialect);
        self.render(&mut w, env);
        w.finish()
    }

    /// Decides the predicate in memory for a candidate row given as JSON keyed by field name (used
    /// for create checks that need no database). `None` when the predicate reads relations or other
    /// rows and must go to SQL.
    pub fn eval(&self, row: &Map<String, Value>, env: &RenderEnv<'_>) -> Option<bool> {
        if let Some(v) = self.node.as_const_bool() {
            return Some(v == Some(true));
        }
        let anonymous = Auth::anonymous();
        let mut f = fold::Fold::new(&self.schema, &anonymous);
        f.row = Some(row);
        f.before = env.before;
        f.fold(&self.node).as_const_bool().map(|v| v == Some(true))
    }
}
