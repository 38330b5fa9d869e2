//! Expressions: precedence, normalizations, functions, bindings, auth types, defaults.

use super::ok;
use crate::diag::Severity;
use crate::expr::{Casing, CmpOp, Expr, Hop, ListFn, Quantifier, StringFn};
use crate::ir::{DefaultValue, Literal, Operation, Schema};

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
    let at = rules
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in `{rules}`"));
    3 + at as u32
}

/// The expression of the single rule of `Post`.
fn post_expr(rule: &str) -> (Schema, Expr) {
    let s = ok(&base(rule)).schema;
    let post = s.model_index("Post").unwrap_or_else(|| panic!("Post"));
    let e = s
        .model(post)
        .rules
        .first()
        .unwrap_or_else(|| panic!("no rule"))
        .expr
        .clone();
    (s, e)
}

const POST: usize = 3;
const USER: usize = 0;
const PROFILE: usize = 1;

fn c(model: usize, field: usize) -> Expr {
    Expr::Column {
        scope: 0,
        hops: vec![],
        model,
        field,
    }
}

fn s(v: &str) -> Expr {
    Expr::Lit(Literal::String(v.into()))
}

fn cmp(op: CmpOp, a: Expr, b: Expr) -> Expr {
    Expr::Compare {
        op,
        lhs: Box::new(a),
        rhs: Box::new(b),
    }
}

fn author_hop() -> Hop {
    Hop {
        model: POST,
        field: 3,
    }
}

#[test]
fn and_or_share_one_level_left_to_right_with_a_warning() {
    let rule = "@@allow('read', title == 'a' || title == 'b' && color == RED)";
    let l = ok(&base(rule));
    let post = l.schema.model(POST);
    let a = cmp(CmpOp::Eq, c(POST, 1), s("a"));
    let b = cmp(CmpOp::Eq, c(POST, 1), s("b"));
    let red = cmp(
        CmpOp::Eq,
        c(POST, 4),
        Expr::Lit(Literal::Enum("RED".into())),
    );
    assert_eq!(post.rules[0].expr, Expr::and(Expr::or(a, b), red));
    assert_eq!(l.warnings.len(), 1);
    let w = &l.warnings[0];
    assert_eq!(w.severity, Severity::Warning);
    assert_eq!((w.span.line, w.span.col), (RULE_LINE, col_of(rule, "&&")));
    assert!(
        w.hint
            .as_deref()
            .is_some_and(|h| h.contains("add parentheses"))
    );
}

#[test]
fn parentheses_silence_the_warning_and_group() {
    let rule = "@@allow('read', title == 'a' || (title == 'b' && color == RED))";
    let l = ok(&base(rule));
    assert!(l.warnings.is_empty());
    assert!(matches!(l.schema.model(POST).rules[0].expr, Expr::Or(..)));
    // Same operator repeated: no warning.
    assert!(
        ok(&base(
            "@@allow('read', title == 'a' || title == 'b' || title == 'c')"
        ))
        .warnings
        .is_empty()
    );
}

#[test]
fn equality_binds_looser_than_comparison() {
    let (_, e) = post_expr("@@allow('read', author.age > 1 == true)");
    let age = Expr::Column {
        scope: 0,
        hops: vec![author_hop()],
        model: USER,
        field: 3,
    };
    let gt = cmp(CmpOp::Gt, age, Expr::Lit(Literal::Int(1)));
    assert_eq!(e, cmp(CmpOp::Eq, gt, Expr::Lit(Literal::Bool(true))));
}

#[test]
fn unary_not_binds_to_member_access() {
    let (_, e) = post_expr("@@allow('read', !author.active == false)");
    let active = Expr::Column {
        scope: 0,
        hops: vec![author_hop()],
        model: USER,
        field: 4,
    };
    assert_eq!(
        e,
        cmp(
            CmpOp::Eq,
            Expr::not(active),
            Expr::Lit(Literal::Bool(false))
        )
    );
}

#[test]
fn not_before_collection_predicate_warns() {
    let rule = "@@allow('read', !author.posts?[title == 'x'])";
    let l = ok(&base(rule));
    assert!(
        matches!(&l.schema.model(POST).rules[0].expr, Expr::Not(inner) if matches!(**inner, Expr::Collection { .. }))
    );
    assert_eq!(l.warnings.len(), 1);
    assert_eq!(
        (l.warnings[0].span.line, l.warnings[0].span.col),
        (RULE_LINE, col_of(rule, "!"))
    );
}

#[test]
fn null_checks_on_relations_and_auth() {
    let (_, e) = post_expr("@@allow('read', author.profile != null && auth() != null)");
    let to_one = Expr::ToOne {
        scope: 0,
        hops: vec![
            author_hop(),
            Hop {
                model: USER,
                field: 7,
            },
        ],
    };
    let null = Expr::Lit(Literal::Null);
    assert_eq!(
        e,
        Expr::and(
            cmp(CmpOp::Ne, to_one, null.clone()),
            cmp(CmpOp::Ne, Expr::Auth { path: vec![] }, null)
        )
    );
}

#[test]
fn auth_compared_with_inverse_to_one_uses_a_hop() {
    // profile is the inverse side: compare with Profile's id through the hop.
    let (_, e) =
        post_expr("@@allow('read', auth() == author.profile.user && author.profile == auth())");
    let Expr::And(a, b) = e else { panic!("{e:?}") };
    let profile_hop = Hop {
        model: USER,
        field: 7,
    };
    // user is owned by Profile → Profile.userId, reached through author.profile.
    let fk = Expr::Column {
        scope: 0,
        hops: vec![author_hop(), profile_hop],
        model: PROFILE,
        field: 1,
    };
    assert_eq!(
        *a,
        cmp(
            CmpOp::Eq,
            Expr::Auth {
                path: vec!["id".into()]
            },
            fk
        )
    );
    let pid = Expr::Column {
        scope: 0,
        hops: vec![author_hop(), profile_hop],
        model: PROFILE,
        field: 0,
    };
    assert_eq!(
        *b,
        cmp(
            CmpOp::Eq,
            Expr::Auth {
                path: vec!["id".into()]
            },
            pid
        )
    );
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
    let tags = Expr::Column {
        scope: 0,
        hops: vec![author_hop()],
        model: USER,
        field: 5,
    };
    let title = c(POST, 1);
    let sf = |func, value, ci| Expr::StringFn {
        func,
        target: Box::new(title.clone()),
        value: Box::new(value),
        case_insensitive: ci,
    };
    let lf = |func, value| Expr::ListFn {
        func,
        list: Box::new(tags.clone()),
        value: Box::new(value),
    };
    let arr = |v: &[&str]| {
        Expr::Lit(Literal::Array(
            v.iter().map(|x| Literal::String((*x).into())).collect(),
        ))
    };
    assert_eq!(
        parts,
        vec![
            sf(StringFn::Contains, s("x"), true),
            sf(
                StringFn::StartsWith,
                Expr::Auth {
                    path: vec!["tenantId".into()]
                },
                false
            ),
            sf(StringFn::EndsWith, s("z"), false),
            lf(ListFn::Has, s("a")),
            lf(ListFn::HasSome, arr(&["a", "b"])),
            lf(ListFn::HasEvery, arr(&[])),
            Expr::IsEmpty(Box::new(tags.clone())),
            Expr::Check {
                scope: 0,
                hops: vec![author_hop()],
                op: Some(Operation::Read)
            },
            Expr::Check {
                scope: 0,
                hops: vec![author_hop()],
                op: None
            },
            cmp(CmpOp::Eq, Expr::CurrentModel(Casing::Upper), s("POST")),
            cmp(
                CmpOp::Eq,
                Expr::CurrentOperation(Casing::Original),
                s("read")
            ),
        ]
    );
}

#[test]
fn in_and_now() {
    let (_, e) = post_expr(
        "@@allow('read', color in [RED, GREEN] && author.age in [1, 2] && now() > now())",
    );
    let Expr::And(l, r) = e else { panic!() };
    assert_eq!(*r, cmp(CmpOp::Gt, Expr::Now, Expr::Now));
    let Expr::And(a, _) = *l else { panic!() };
    let arr = Literal::Array(vec![
        Literal::Enum("RED".into()),
        Literal::Enum("GREEN".into()),
    ]);
    assert_eq!(
        *a,
        Expr::In {
            lhs: Box::new(c(POST, 4)),
            rhs: Box::new(Expr::Lit(arr))
        }
    );
}

#[test]
fn bindings_and_this_inside_predicates() {
    // Inner binding `p` shadows the outer one; `this` is always the Post row.
    let rule = "@@allow('read', author.posts?[p, p.author.posts?[p, p.title == this.title]])";
    let (_, e) = post_expr(rule);
    let Expr::Collection {
        element_scope: 1,
        body,
        ..
    } = e
    else {
        panic!("{e:?}")
    };
    let Expr::Collection {
        scope,
        hops,
        element_scope,
        body,
        ..
    } = *body
    else {
        panic!()
    };
    assert_eq!((scope, element_scope), (1, 2));
    assert_eq!(hops, vec![author_hop()]);
    let inner_title = Expr::Column {
        scope: 2,
        hops: vec![],
        model: POST,
        field: 1,
    };
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
            body: Box::new(cmp(
                CmpOp::Eq,
                Expr::AuthElement {
                    scope: 2,
                    path: vec!["title".into()],
                },
                c(POST, 1),
            )),
        }),
    };
    assert_eq!(e, expected);
}

#[test]
fn every_and_none_quantifiers() {
    let (_, e) =
        post_expr("@@allow('read', author.posts![title != ''] || author.posts^[color == RED])");
    let Expr::Or(a, b) = e else { panic!() };
    assert!(matches!(
        *a,
        Expr::Collection {
            quantifier: Quantifier::Every,
            ..
        }
    ));
    assert!(matches!(
        *b,
        Expr::Collection {
            quantifier: Quantifier::None,
            ..
        }
    ));
}

#[test]
fn field_wins_over_enum_value() {
    let src = "enum Kind { draft live }
model User {
  id    String @id
  draft Boolean
  kind  Kind
  @@allow('read', draft && kind == live)
}";
    let l = ok(src);
    let e = &l.schema.models[0].rules[0].expr;
    assert_eq!(
        *e,
        Expr::and(
            c(0, 1),
            cmp(CmpOp::Eq, c(0, 2), Expr::Lit(Literal::Enum("live".into())))
        )
    );
}

#[test]
fn auth_type_declared_with_type_block() {
    let src = "type Auth {
  userId   String @id
  tenantId String
  roles    String[]
  @@auth
}
model User {
  id       String @id
  tenantId String @default(auth().tenantId)
  @@allow('all', auth() == this)
  @@allow('read', 'admin' in auth().roles)
}";
    let sch = ok(src).schema;
    assert_eq!(sch.auth.name, "Auth");
    assert_eq!(sch.auth.model, None);
    assert_eq!(sch.auth.id_fields, ["userId"]);
    assert_eq!(sch.models.len(), 1, "a type is not a table");
    let u = &sch.models[0];
    assert_eq!(
        u.fields[1].default,
        Some(DefaultValue::Auth(vec!["tenantId".into()]))
    );
    assert_eq!(
        u.rules[0].expr,
        cmp(
            CmpOp::Eq,
            Expr::Auth {
                path: vec!["userId".into()]
            },
            c(0, 0)
        )
    );
    assert_eq!(
        u.rules[1].expr,
        Expr::In {
            lhs: Box::new(s("admin")),
            rhs: Box::new(Expr::Auth {
                path: vec!["roles".into()]
            })
        }
    );
}

#[test]
fn auth_path_through_relations() {
    let (_, e) = post_expr("@@allow('read', auth().profile.bio == title)");
    assert_eq!(
        e,
        cmp(
            CmpOp::Eq,
            Expr::Auth {
                path: vec!["profile".into(), "bio".into()]
            },
            c(POST, 1)
        )
    );
}

#[test]
fn v2_future_in_all_rule_splits() {
    let (s, _) = post_expr("@@allow('all', future().title == title)");
    let rules = &s.model(POST).rules;
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[0].ops, [Operation::PostUpdate]);
    assert_eq!(
        rules[0].expr,
        cmp(CmpOp::Eq, c(POST, 1), Expr::Before { field: 1 })
    );
    assert_eq!(
        rules[1].ops,
        [Operation::Create, Operation::Read, Operation::Delete]
    );
    assert_eq!(rules[1].expr, cmp(CmpOp::Eq, c(POST, 1), c(POST, 1)));
    assert_eq!(rules[0].source, rules[1].source);
}

#[test]
fn operation_lists() {
    let (s, _) = post_expr("@@deny('create, update ,delete', title == '')");
    assert_eq!(
        s.model(POST).rules[0].ops,
        [Operation::Create, Operation::Update, Operation::Delete]
    );
    let l = ok(
        &base("title String @allow('all', auth() != null) @deny('update', true)")
            .replace("  title    String\n", ""),
    );
    let f = &l.schema.model(POST).fields;
    let t = f
        .iter()
        .find(|f| f.name == "title")
        .unwrap_or_else(|| panic!("title"));
    assert_eq!(t.rules[0].ops, [Operation::Read, Operation::Update]);
    assert_eq!(t.rules[1].ops, [Operation::Update]);
}

#[test]
fn escapes_and_literals() {
    let (_, e) =
        post_expr(r#"@@allow('read', title == "a\"b" || title == 'c\'d' || author.age >= -3)"#);
    let Expr::Or(l, r) = e else { panic!() };
    assert_eq!(
        *r,
        cmp(
            CmpOp::Ge,
            Expr::Column {
                scope: 0,
                hops: vec![author_hop()],
                model: USER,
                field: 3
            },
            Expr::Lit(Literal::Int(-3))
        )
    );
    let Expr::Or(a, b) = *l else { panic!() };
    assert_eq!(*a, cmp(CmpOp::Eq, c(POST, 1), s("a\"b")));
    assert_eq!(*b, cmp(CmpOp::Eq, c(POST, 1), s("c'd")));
}

#[test]
fn unknown_attributes_warn_but_db_attributes_do_not() {
    let l = ok(&base(
        "@@schema(\"crm\")\n  summary String @db.Text @length(1, 10)",
    ));
    let msgs: Vec<(u32, u32, &str)> = l
        .warnings
        .iter()
        .map(|w| (w.span.line, w.span.col, w.message.as_str()))
        .collect();
    assert_eq!(
        msgs,
        vec![
            (RULE_LINE, 3, "unknown attribute `@@schema` is ignored"),
            (RULE_LINE + 1, 27, "unknown attribute `@length` is ignored"),
        ]
    );
}
