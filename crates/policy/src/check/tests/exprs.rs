//! Expressions: precedence, normalizations, functions, bindings, auth types, defaults.

use super::ok;
use crate::diag::Severity;
use crate::expr::{Casing, CmpOp, Expr, Hop, ListFn, Quantifier, StringFn};
use crate::ir::{Literal, Operation, Schema};

/// A small schema; `rules` go into model `Post` at line 31, column 3.
pub(super) fn base(rules: &str) -> String {
    format!(
        "enum Role {{ ADMIN USER }}
enum Color {{ RED GREEN }}
model User {{
  id          String @id
  tenantId    String
  role        Role
  age         Int
  active      Boolean
  tags        String[]
  posts       Post[]
  profile     Profile?
  memberships Membership[]
}}
model Profile {{
  id     String @id
  userId String @unique
  user   User   @relation(fields: [userId], references: [id])
  bio    String
}}
model Membership {{
  id     String @id
  userId String
  user   User   @relation(fields: [userId], references: [id])
}}
model Post {{
  id       String @id
  title    String
  authorId String
  author   User   @relation(fields: [authorId], references: [id])
  color    Color
  {rules}
}}
"
    )
}

pub(super) const RULE_LINE: u32 = 31;

/// Column (1-based) in the rules line where `needle` starts.
pub(super) fn col_of(rules: &str, needle: &str) -> u32 {
    let at = rules.find(needle).unwrap_or_else(|| panic!("`{needle}` not in `{rules}`"));
    3 + at as u32
}

/// The expression of the single rule of `Post`.
pub(super) fn post_expr(rule: &str) -> (Schema, Expr) {
    let s = ok(&base(rule)).schema;
    let post = s.model_index("Post").unwrap_or_else(|| panic!("Post"));
    let e = s.model(post).rules.first().unwrap_or_else(|| panic!("no rule")).expr.clone();
    (s, e)
}

pub(super) const POST: usize = 3;
pub(super) const USER: usize = 0;
pub(super) const PROFILE: usize = 1;

pub(super) fn c(model: usize, field: usize) -> Expr {
    Expr::Column { scope: 0, hops: vec![], model, field }
}

pub(super) fn s(v: &str) -> Expr {
    Expr::Lit(Literal::String(v.into()))
}

pub(super) fn cmp(op: CmpOp, a: Expr, b: Expr) -> Expr {
    Expr::Compare { op, lhs: Box::new(a), rhs: Box::new(b) }
}

pub(super) fn author_hop() -> Hop {
    Hop { model: POST, field: 3 }
}

#[test]
fn and_or_share_one_level_left_to_right_with_a_warning() {
    let rule = "@@allow('read', title == 'a' || title == 'b' && color == RED)";
    let l = ok(&base(rule));
    let post = l.schema.model(POST);
    let a = cmp(CmpOp::Eq, c(POST, 1), s("a"));
    let b = cmp(CmpOp::Eq, c(POST, 1), s("b"));
    let red = cmp(CmpOp::Eq, c(POST, 4), Expr::Lit(Literal::Enum("RED".into())));
    assert_eq!(post.rules[0].expr, Expr::and(Expr::or(a, b), red));
    assert_eq!(l.warnings.len(), 1);
    let w = &l.warnings[0];
    assert_eq!(w.severity, Severity::Warning);
    assert_eq!((w.span.line, w.span.col), (RULE_LINE, col_of(rule, "&&")));
    assert!(w.hint.as_deref().is_some_and(|h| h.contains("add parentheses")));
}

#[test]
fn parentheses_silence_the_warning_and_group() {
    let rule = "@@allow('read', title == 'a' || (title == 'b' && color == RED))";
    let l = ok(&base(rule));
    assert!(l.warnings.is_empty());
    assert!(matches!(l.schema.model(POST).rules[0].expr, Expr::Or(..)));
    // Same operator repeated: no warning.
    assert!(ok(&base("@@allow('read', title == 'a' || title == 'b' || title == 'c')")).warnings.is_empty());
}

#[test]
fn equality_binds_looser_than_comparison() {
    let (_, e) = post_expr("@@allow('read', author.age > 1 == true)");
    let age = Expr::Column { scope: 0, hops: vec![author_hop()], model: USER, field: 3 };
    let gt = cmp(CmpOp::Gt, age, Expr::Lit(Literal::Int(1)));
    assert_eq!(e, cmp(CmpOp::Eq, gt, Expr::Lit(Literal::Bool(true))));
}

#[test]
fn unary_not_binds_to_member_access() {
    let (_, e) = post_expr("@@allow('read', !author.active == false)");
    let active = Expr::Column { scope: 0, hops: vec![author_hop()], model: USER, field: 4 };
    assert_eq!(e, cmp(CmpOp::Eq, Expr::not(active), Expr::Lit(Literal::Bool(false))));
}

#[test]
fn not_before_collection_predicate_warns() {
    let rule = "@@allow('read', !author.posts?[title == 'x'])";
    let l = ok(&base(rule));
    assert!(
        matches!(&l.schema.model(POST).rules[0].expr, Expr::Not(inner) if matches!(**inner, Expr::Collection { .. }))
    );
    assert_eq!(l.warnings.len(), 1);
    assert_eq!((l.warnings[0].span.line, l.warnings[0].span.col), (RULE_LINE, col_of(rule, "!")));
}

#[test]
fn null_checks_on_relations_and_auth() {
    let (_, e) = post_expr("@@allow('read', author.profile != null && auth() != null)");
    let to_one = Expr::ToOne { scope: 0, hops: vec![author_hop(), Hop { model: USER, field: 7 }] };
    let null = Expr::Lit(Literal::Null);
    assert_eq!(e, Expr::and(cmp(CmpOp::Ne, to_one, null.clone()), cmp(CmpOp::Ne, Expr::Auth { path: vec![] }, null)));
}

#[test]
fn auth_compared_with_inverse_to_one_uses_a_hop() {
    // profile is the inverse side: compare with Profile's id through the hop.
    let (_, e) = post_expr("@@allow('read', auth() == author.profile.user && author.profile == auth())");
    let Expr::And(a, b) = e else { panic!("{e:?}") };
    let profile_hop = Hop { model: USER, field: 7 };
    // user is owned by Profile → Profile.userId, reached through author.profile.
    let fk = Expr::Column { scope: 0, hops: vec![author_hop(), profile_hop], model: PROFILE, field: 1 };
    assert_eq!(*a, cmp(CmpOp::Eq, Expr::Auth { path: vec!["id".into()] }, fk));
    let pid = Expr::Column { scope: 0, hops: vec![author_hop(), profile_hop], model: PROFILE, field: 0 };
    assert_eq!(*b, cmp(CmpOp::Eq, Expr::Auth { path: vec!["id".into()] }, pid));
}

#[test]
fn functions() {
    let rule = "@@allow('read', contains(title, 'x', true) && startsWith(title, auth().tenantId) && endsWith(title, 'z') \
                && has(author.tags, 'a') && hasSome(author.tags, ['a', 'b']) && hasEvery(author.tags, []) \
                && isEmpty(author.tags) && check(author, 'read') && check(author) \
                && currentModel('upper') == 'POST' && currentOperation() == 'read')";
    let (_, e) = post_expr(rule);
    let mut parts = Vec::new();
    let mut cur = e;
    while let Expr::And(l, r) = cur {
        parts.push(*r);
        cur = *l;
    }
    parts.push(cur);
    parts.reverse();
    let tags = Expr::Column { scope: 0, hops: vec![author_hop()], model: USER, field: 5 };
    let title = c(POST, 1);
    let sf = |func, value, ci| Expr::StringFn {
        func,
        target: Box::new(title.clone()),
        value: Box::new(value),
        case_insensitive: ci,
    };
    let lf = |func, value| Expr::ListFn { func, list: Box::new(tags.clone()), value: Box::new(value) };
    let arr = |v: &[&str]| Expr::Lit(Literal::Array(v.iter().map(|x| Literal::String((*x).into())).collect()));
    assert_eq!(
        parts,
        vec![
            sf(StringFn::Contains, s("x"), true),
            sf(StringFn::StartsWith, Expr::Auth { path: vec!["tenantId".into()] }, false),
            sf(StringFn::EndsWith, s("z"), false),
            lf(ListFn::Has, s("a")),
            lf(ListFn::HasSome, arr(&["a", "b"])),
            lf(ListFn::HasEvery, arr(&[])),
            Expr::IsEmpty(Box::new(tags.clone())),
            Expr::Check { scope: 0, hops: vec![author_hop()], op: Some(Operation::Read) },
            Expr::Check { scope: 0, hops: vec![author_hop()], op: None },
            cmp(CmpOp::Eq, Expr::CurrentModel(Casing::Upper), s("POST")),
            cmp(CmpOp::Eq, Expr::CurrentOperation(Casing::Original), s("read")),
        ]
    );
}

#[test]
fn in_and_now() {
    let (_, e) = post_expr("@@allow('read', color in [RED, GREEN] && author.age in [1, 2] && now() > now())");
    let Expr::And(l, r) = e else { panic!() };
    assert_eq!(*r, cmp(CmpOp::Gt, Expr::Now, Expr::Now));
    let Expr::And(a, _) = *l else { panic!() };
    let arr = Literal::Array(vec![Literal::Enum("RED".into()), Literal::Enum("GREEN".into())]);
    assert_eq!(*a, Expr::In { lhs: Box::new(c(POST, 4)), rhs: Box::new(Expr::Lit(arr)) });
}

#[test]
fn bindings_and_this_inside_predicates() {
    // Inner binding `p` shadows the outer one; `this` is always the Post row.
    let rule = "@@allow('read', author.posts?[p, p.author.posts?[p, p.title == this.title]])";
    let (_, e) = post_expr(rule);
    let Expr::Collection { element_scope: 1, body, .. } = e else { panic!("{e:?}") };
    let Expr::Collection { scope, hops, element_scope, body, .. } = *body else { panic!() };
    assert_eq!((scope, element_scope), (1, 2));
    assert_eq!(hops, vec![author_hop()]);
    let inner_title = Expr::Column { scope: 2, hops: vec![], model: POST, field: 1 };
    assert_eq!(*body, cmp(CmpOp::Eq, inner_title, c(POST, 1)));
}

#[test]
fn nested_auth_collections() {
    let rule = "@@allow('read', auth().memberships?[m, m.user.posts?[title == this.title]])";
    let (_, e) = post_expr(rule);
    let expected = Expr::AuthCollection {
        base: None,
        path: vec!["memberships".into()],
        quantifier: Quantifier::Some,
        element_scope: 1,
        body: Box::new(Expr::AuthCollection {
            base: Some(1),
            path: vec!["user".into(), "posts".into()],
            quantifier: Quantifier::Some,
            element_scope: 2,
            body: Box::new(cmp(CmpOp::Eq, Expr::AuthElement { scope: 2, path: vec!["title".into()] }, c(POST, 1))),
        }),
    };
    assert_eq!(e, expected);
}

#[test]
fn every_and_none_quantifiers() {
    let (_, e) = post_expr("@@allow('read', author.posts![title != ''] || author.posts^[color == RED])");
    let Expr::Or(a, b) = e else { panic!() };
    assert!(matches!(*a, Expr::Collection { quantifier: Quantifier::Every, .. }));
    assert!(matches!(*b, Expr::Collection { quantifier: Quantifier::None, .. }));
}
