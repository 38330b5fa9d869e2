//! Checker tests: a realistic schema end to end, precedence, and every diagnostic with its position.

mod diagnostics;
mod exprs;
mod rules;
mod schema;

use crate::diag::{Diagnostic, Severity};
use crate::{Loaded, load};

/// Loads `src`, failing the test with all diagnostics when it does not load.
pub(super) fn ok(src: &str) -> Loaded {
    match load(src) {
        Ok(l) => l,
        Err(d) => panic!("schema did not load:\n{}", render(&d)),
    }
}

/// Loads `src`, expecting errors; returns them.
pub(super) fn errs(src: &str) -> Vec<Diagnostic> {
    match load(src) {
        Ok(_) => panic!("schema loaded but errors were expected"),
        Err(d) => d.into_iter().filter(|d| d.severity == Severity::Error).collect(),
    }
}

pub(super) fn render(d: &[Diagnostic]) -> String {
    d.iter().map(|d| format!("{d}\n")).collect()
}

/// Asserts exactly one error, at `line:col`, whose message contains `msg`; returns it.
pub(super) fn one_error(src: &str, line: u32, col: u32, msg: &str) -> Diagnostic {
    let e = errs(src);
    assert_eq!(e.len(), 1, "expected one error, got:\n{}", render(&e));
    let d = e.into_iter().next().unwrap_or_else(|| unreachable!());
    assert!(d.message.contains(msg), "message `{}` does not contain `{msg}`", d.message);
    assert_eq!((d.span.line, d.span.col), (line, col), "wrong position for: {d}");
    assert!(d.hint.is_some(), "error without a hint: {d}");
    d
}
