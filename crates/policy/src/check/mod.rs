//! Checker: resolves a parsed [`SchemaAst`] into the IR [`Schema`], reporting every problem with
//! `line:col` and a hint.
//!
//! Phases: symbols and inheritance ([`decls`]), the auth type ([`auth`]), models and fields
//! ([`fields`], with `@default` values in [`defaults`]), relation pairing ([`relations`]), then
//! access rules ([`rules`], which uses the expression resolver in [`resolve`]). Rules are checked
//! even when earlier phases failed, so that one run reports as many problems as possible.

mod auth;
mod decls;
mod defaults;
mod fields;
mod names;
mod relations;
mod resolve;
mod rules;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};

use crate::ast::{ModelDecl, SchemaAst};
use crate::diag::{Diagnostic, Span};
use crate::ir::{AuthField, AuthType, Enum, EnumIdx, ModelIdx, Provider, Schema};

pub use names::{closest, edit_distance};

/// Collected diagnostics, without duplicates (inherited rules are checked once per concrete model).
#[derive(Debug, Default)]
pub(crate) struct Diags {
    list: Vec<Diagnostic>,
    seen: HashSet<(u32, u32, String)>,
}

impl Diags {
    /// Adds a diagnostic unless the same one (span and message) is already there.
    pub fn push(&mut self, d: Diagnostic) {
        if self.seen.insert((d.span.start, d.span.end, d.message.clone())) {
            self.list.push(d);
        }
    }

    /// Adds an error with a hint.
    pub fn error(&mut self, span: Span, msg: impl Into<String>, hint: impl Into<String>) {
        self.push(Diagnostic::error(span, msg).with_hint(hint));
    }

    /// Adds a warning with a hint.
    pub fn warning(&mut self, span: Span, msg: impl Into<String>, hint: impl Into<String>) {
        self.push(Diagnostic::warning(span, msg).with_hint(hint));
    }

    /// Whether any error was reported.
    pub fn has_errors(&self) -> bool {
        self.list.iter().any(Diagnostic::is_error)
    }

    /// All diagnostics, in the order reported.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.list
    }
}

/// A field list of a model or type as `auth()` paths see it, plus its id field names.
#[derive(Debug, Clone, Default)]
pub(crate) struct Shape {
    pub fields: Vec<AuthField>,
    pub ids: Vec<String>,
}

/// Everything the phases share.
pub(crate) struct Ctx<'a> {
    pub src: &'a str,
    pub diags: Diags,
    pub enums: Vec<Enum>,
    pub enum_idx: HashMap<String, EnumIdx>,
    /// Every `model`, `abstract model` and `type` by name.
    pub decls: HashMap<String, &'a ModelDecl>,
    /// Concrete models, in declaration order (their position is the `ModelIdx`).
    pub concrete: Vec<&'a ModelDecl>,
    pub model_idx: HashMap<String, ModelIdx>,
    /// Field shapes of every model and type, for type-checking `auth().a.b`.
    pub shapes: HashMap<String, Shape>,
    pub auth: Option<AuthType>,
}

impl Ctx<'_> {
    /// The source text of a span.
    pub fn text(&self, span: Span) -> &str {
        self.src.get(span.start as usize..span.end as usize).unwrap_or_default()
    }
}

/// Checks a parsed file. Returns the schema when there were no errors, and all diagnostics.
pub fn check(ast: &SchemaAst, src: &str) -> (Option<Schema>, Vec<Diagnostic>) {
    let mut ctx = Ctx {
        src,
        diags: Diags::default(),
        enums: Vec::new(),
        enum_idx: HashMap::new(),
        decls: HashMap::new(),
        concrete: Vec::new(),
        model_idx: HashMap::new(),
        shapes: HashMap::new(),
        auth: None,
    };
    let provider = decls::collect(&mut ctx, ast).unwrap_or(Provider::Sqlite);
    let merged = decls::merge_all(&mut ctx);
    auth::build(&mut ctx, &merged);
    let mut models = fields::build_models(&mut ctx, &merged);
    let join_tables = relations::resolve(&mut ctx, &merged, &mut models);
    // Rules are checked even after earlier errors, to report as much as possible at once.
    rules::resolve_all(&mut ctx, &merged, &mut models);
    if ctx.diags.has_errors() {
        return (None, ctx.diags.into_vec());
    }
    let auth = ctx.auth.clone().unwrap_or_else(|| AuthType {
        name: String::new(),
        model: None,
        fields: Vec::new(),
        id_fields: Vec::new(),
    });
    let schema = Schema { provider, enums: ctx.enums.clone(), models, join_tables, auth };
    (Some(schema), ctx.diags.into_vec())
}
