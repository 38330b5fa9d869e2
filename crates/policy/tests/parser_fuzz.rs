//! Fuzzing `policy::load`: arbitrary text and random mutations of a valid schema never panic, and
//! every diagnostic points inside the source.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests and benchmarks fail loudly on broken fixtures"
)]

use policy::{Diagnostic, load};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

const CRM: &str = include_str!("fixtures/crm.zmodel");

/// Loads `src` (which must not panic) and checks the diagnostics' spans and the result's shape.
fn check(src: &str) {
    let (diags, ok): (Vec<Diagnostic>, bool) = match load(src) {
        Ok(l) => (l.warnings, true),
        Err(e) => (e, false),
    };
    if !ok {
        assert!(diags.iter().any(Diagnostic::is_error), "Err without an error: {diags:?}");
    } else {
        assert!(!diags.iter().any(Diagnostic::is_error), "Ok with an error: {diags:?}");
    }
    for d in &diags {
        let s = d.span;
        assert!(s.line >= 1 && s.col >= 1, "bad position in {d}");
        assert!(s.start <= s.end && s.end as usize <= src.len(), "span out of range in {d}: {s:?}");
        assert!(src.is_char_boundary(s.start as usize), "span not on a char boundary: {d}");
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Insert(usize, char),
    Delete(usize, usize),
    Replace(usize, char),
    Truncate(usize),
}

/// Characters that matter to the grammar, so mutations hit interesting paths.
fn grammar_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::sample::select(
            "{}()[],:.=?!^<>&|@'\"/*\\ \n\t-+0123456789abcxyzAZ_é".chars().collect::<Vec<_>>()
        ),
        1 => any::<char>(),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), grammar_char()).prop_map(|(p, c)| Mutation::Insert(p, c)),
        (any::<usize>(), 1usize..40).prop_map(|(p, n)| Mutation::Delete(p, n)),
        (any::<usize>(), grammar_char()).prop_map(|(p, c)| Mutation::Replace(p, c)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(src: &str, muts: &[Mutation]) -> String {
    let mut chars: Vec<char> = src.chars().collect();
    for m in muts {
        let len = chars.len();
        match *m {
            Mutation::Insert(p, c) => chars.insert(p % (len + 1), c),
            Mutation::Delete(p, n) if len > 0 => {
                let start = p % len;
                let end = (start + n).min(len);
                chars.drain(start..end);
            }
            Mutation::Replace(p, c) if len > 0 => chars[p % len] = c,
            Mutation::Truncate(p) => chars.truncate(p % (len + 1)),
            _ => {}
        }
    }
    chars.into_iter().collect()
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..ProptestConfig::default()
    }
}

#[test]
fn the_fixture_loads() {
    let l = load(CRM).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(l.schema.models.len(), 6);
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn arbitrary_strings_never_panic(src in any::<String>()) {
        check(&src);
    }

    #[test]
    fn grammar_soup_never_panics(chars in prop::collection::vec(grammar_char(), 0..300)) {
        let src: String = chars.into_iter().collect();
        check(&src);
        check(&format!("model M {{\n  id String @id\n  @@allow('read', {src})\n}}"));
    }
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn mutated_schema_never_panics(muts in prop::collection::vec(mutation(), 1..6)) {
        check(&apply(CRM, &muts));
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for open in ["(", "!", "[", "f(", "a?["] {
        let expr = open.repeat(5000);
        let src = format!("model M {{\n  id String @id\n  @@allow('read', {expr})\n}}");
        let e = load(&src).err().unwrap_or_default();
        assert!(e.iter().any(Diagnostic::is_error), "no error for nesting `{open}`");
    }
}
