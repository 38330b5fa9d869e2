//! The zmodel policy language: lexer, parser, checker, IR, in-memory evaluator, SQL predicate
//! compiler and RLS emitter. Pure: no I/O, no async.

pub mod ast;
pub mod check;
pub mod compile;
pub mod ddl;
pub mod diag;
pub mod eval;
pub mod expr;
pub mod ir;
pub mod lexer;
pub mod lint;
pub mod parser;
pub mod relation_sql;
pub mod rls;
pub mod sql;
mod value;

pub use compile::{Auth, PolicySet, Pred, RenderEnv};
pub use diag::{Diagnostic, Severity, Span};
pub use ir::{Operation, Schema};
pub use sql::{Dialect, SqlValue, SqlWriter};

/// A checked schema and the warnings found while checking it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub schema: Schema,
    pub warnings: Vec<Diagnostic>,
}

/// Parses and checks a `schema.zmodel` source. Errors carry `line:column` and a hint.
///
/// Returns all errors (sorted by position) when there is at least one; otherwise the schema and
/// the warnings. Never panics, whatever the input.
pub fn load(src: &str) -> Result<Loaded, Vec<Diagnostic>> {
    let (ast, mut diags) = parser::parse(src);
    let (schema, more) = check::check(&ast, src);
    diags.extend(more);
    diags.sort_by_key(|d| (d.span.start, d.span.end));
    match schema {
        Some(schema) if !diags.iter().any(Diagnostic::is_error) => Ok(Loaded { schema, warnings: diags }),
        _ => Err(diags.into_iter().filter(Diagnostic::is_error).collect()),
    }
}
