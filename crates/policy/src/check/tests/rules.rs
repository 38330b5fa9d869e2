//! Blocks and rule plumbing: auth types, inheritance, operation lists, literals, attributes.

use super::exprs::{POST, RULE_LINE, USER, author_hop, base, c, cmp, post_expr, s};
use super::{errs, ok, one_error, render};
use crate::expr::{CmpOp, Expr};
use crate::ir::{DefaultValue, Literal, Operation, RuleKind};

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
    assert_eq!(*e, Expr::and(c(0, 1), cmp(CmpOp::Eq, c(0, 2), Expr::Lit(Literal::Enum("live".into())))));
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
    assert_eq!(u.fields[1].default, Some(DefaultValue::Auth(vec!["tenantId".into()])));
    assert_eq!(u.rules[0].expr, cmp(CmpOp::Eq, Expr::Auth { path: vec!["userId".into()] }, c(0, 0)));
    assert_eq!(
        u.rules[1].expr,
        Expr::In { lhs: Box::new(s("admin")), rhs: Box::new(Expr::Auth { path: vec!["roles".into()] }) }
    );
}

#[test]
fn auth_path_through_relations() {
    let (_, e) = post_expr("@@allow('read', auth().profile.bio == title)");
    assert_eq!(e, cmp(CmpOp::Eq, Expr::Auth { path: vec!["profile".into(), "bio".into()] }, c(POST, 1)));
}

#[test]
fn v2_future_in_all_rule_splits() {
    let (s, _) = post_expr("@@allow('all', future().title == title)");
    let rules = &s.model(POST).rules;
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[0].ops, [Operation::PostUpdate]);
    assert_eq!(rules[0].expr, cmp(CmpOp::Eq, c(POST, 1), Expr::Before { field: 1 }));
    assert_eq!(rules[1].ops, [Operation::Create, Operation::Read, Operation::Delete]);
    assert_eq!(rules[1].expr, cmp(CmpOp::Eq, c(POST, 1), c(POST, 1)));
    assert_eq!(rules[0].source, rules[1].source);
}

#[test]
fn operation_lists() {
    let (s, _) = post_expr("@@deny('create, update ,delete', title == '')");
    assert_eq!(s.model(POST).rules[0].ops, [Operation::Create, Operation::Update, Operation::Delete]);
    let l =
        ok(&base("title String @allow('all', auth() != null) @deny('update', true)")
            .replace("  title    String\n", ""));
    let f = &l.schema.model(POST).fields;
    let t = f.iter().find(|f| f.name == "title").unwrap_or_else(|| panic!("title"));
    assert_eq!(t.rules[0].ops, [Operation::Read, Operation::Update]);
    assert_eq!(t.rules[1].ops, [Operation::Update]);
}

#[test]
fn escapes_and_literals() {
    let (_, e) = post_expr(r#"@@allow('read', title == "a\"b" || title == 'c\'d' || author.age >= -3)"#);
    let Expr::Or(l, r) = e else { panic!() };
    assert_eq!(
        *r,
        cmp(
            CmpOp::Ge,
            Expr::Column { scope: 0, hops: vec![author_hop()], model: USER, field: 3 },
            Expr::Lit(Literal::Int(-3))
        )
    );
    let Expr::Or(a, b) = *l else { panic!() };
    assert_eq!(*a, cmp(CmpOp::Eq, c(POST, 1), s("a\"b")));
    assert_eq!(*b, cmp(CmpOp::Eq, c(POST, 1), s("c'd")));
}

#[test]
fn unknown_attributes_warn_but_db_attributes_do_not() {
    let l = ok(&base("@@schema(\"crm\")\n  summary String @db.Text @length(1, 10)"));
    let msgs: Vec<(u32, u32, &str)> =
        l.warnings.iter().map(|w| (w.span.line, w.span.col, w.message.as_str())).collect();
    assert_eq!(
        msgs,
        vec![
            (RULE_LINE, 3, "unknown attribute `@@schema` is ignored"),
            (RULE_LINE + 1, 27, "unknown attribute `@length` is ignored"),
        ]
    );
}

#[test]
fn type_mixins_bring_fields_and_rules() {
    let src = "type Owned {
  ownerId String
  @@allow('read', ownerId == auth().id)
  @@index([ownerId])
}
type Stamped with Owned {
  at DateTime @default(now())
}
model User {
  id String @id
}
model Doc with Stamped {
  id String @id
  @@map(\"docs\")
  @@deny('delete', true)
}";
    let sch = ok(src).schema;
    let doc = &sch.models[1];
    let names: Vec<&str> = doc.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["ownerId", "at", "id"]);
    assert_eq!(doc.table, "docs");
    assert_eq!(doc.indexes, vec![vec![0]]);
    assert_eq!(doc.rules.len(), 2);
    assert_eq!((doc.rules[0].declared_in.as_str(), doc.rules[0].kind), ("Owned", RuleKind::Allow));
    assert_eq!(doc.rules[1].declared_in, "Doc");
    assert_eq!(doc.id, vec![2]);
}

#[test]
fn inheritance_errors() {
    let src = "abstract model A extends B {\n  x Int\n}\nabstract model B extends A {\n  y Int\n}\nmodel M extends A {\n  id Int @id\n}";
    let e = errs(src);
    assert!(e.iter().any(|d| d.message.contains("inherits from itself")), "{}", render(&e));
    let src = "model Base {\n  id Int @id\n}\nmodel M extends Base {\n  x Int\n}";
    let d = one_error(src, 4, 17, "`Base` is not an abstract model");
    assert!(d.hint.as_deref().is_some_and(|h| h.contains("abstract model Base")));
    let src = "abstract model Base {\n  id Int @id\n}\nmodel M with Base {\n  x Int\n}";
    one_error(src, 4, 14, "`Base` is not a `type`");
}

#[test]
fn several_auth_declarations_are_an_error() {
    let src = "type A {\n  id String\n  @@auth\n}\ntype B {\n  id String\n  @@auth\n}\nmodel M {\n  id Int @id\n}";
    let d = one_error(src, 5, 6, "more than one `@@auth`");
    assert!(d.hint.is_some());
}

#[test]
fn current_model_only_in_rules_and_check_needs_a_relation() {
    let src = base("").replace("  title    String\n", "  title    String @default(currentModel())\n");
    one_error(&src, 27, 28, "`currentModel()` is only allowed in access rules");
    let rule = "@@allow('read', check(this))";
    one_error(&base(rule), RULE_LINE, super::exprs::col_of(rule, "this"), "`check()` needs a to-one relation");
    let rule = "@@allow('read', author.posts?[p, p])";
    one_error(&base(rule), RULE_LINE, super::exprs::col_of(rule, "p]"), "binding `p` cannot be used on its own");
}

#[test]
fn unnamed_self_relation_pairs() {
    let src = "model User {
  id        String  @id
  managerId String?
  manager   User?   @relation(fields: [managerId], references: [id])
  reports   User[]
}";
    let sch = ok(src).schema;
    let u = &sch.models[0];
    assert_eq!(u.fields[2].relation().map(|r| r.opposite), Some(3));
    assert_eq!(u.fields[3].relation().map(|r| r.opposite), Some(2));
    assert!(matches!(
        u.fields[3].relation().map(|r| &r.kind),
        Some(crate::ir::RelationKind::Inverse { fields, references }) if fields == &vec![1] && references == &vec![0]
    ));
}

#[test]
fn constraints_maps_and_provider() {
    let src = "datasource db { provider = \"sqlite\" }
enum E { A B @@map(\"e\") }
model M {
  id   Int      @id @default(autoincrement())
  a    String
  b    Int      @map(\"b_col\")
  tags String[] @default([])
  @@index([a(sort: Desc), b])
  @@unique(fields: [a, b], name: \"ab\")
  @@map(\"m_table\")
  @@allow('read', true) // all
}";
    let sch = ok(src).schema;
    assert_eq!(sch.provider, crate::ir::Provider::Sqlite);
    let m = &sch.models[0];
    assert_eq!((m.table.as_str(), m.fields[2].column.as_str()), ("m_table", "b_col"));
    assert_eq!(m.indexes, vec![vec![1, 2]]);
    assert_eq!(m.uniques, vec![vec![1, 2]]);
    assert_eq!(m.fields[3].default, Some(DefaultValue::Literal(Literal::Array(vec![]))));
    assert_eq!(m.rules[0].expr, Expr::Lit(Literal::Bool(true)));
    assert_eq!(m.rules[0].source, "@@allow('read', true)");
}
