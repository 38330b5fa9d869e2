//! Every diagnostic, with its exact `line:col`, message and hint.

use super::exprs::{RULE_LINE, base, col_of};
use super::{errs, ok, one_error, render};

/// Asserts that `rule` (placed in model `Post`) gives one error at the column of `at`.
fn rule_error(rule: &str, at: &str, msg: &str) -> Option<String> {
    one_error(&base(rule), RULE_LINE, col_of(rule, at), msg).hint
}

fn hint_has(hint: Option<String>, part: &str) {
    assert!(hint.as_deref().is_some_and(|h| h.contains(part)), "hint {hint:?} lacks `{part}`");
}

#[test]
fn unknown_field_suggests_a_name() {
    let h = rule_error("@@allow('read', titel == 'x')", "titel", "unknown field `titel` on model `Post`");
    hint_has(h, "did you mean `title`?");
    let h = rule_error("@@allow('read', author.rol == ADMIN)", "rol", "unknown field `rol` on model `User`");
    hint_has(h, "`role`");
}

#[test]
fn outer_field_inside_predicate_hints_this() {
    let h = rule_error(
        "@@allow('read', author.memberships?[userId == 'x' && color == RED])",
        "color",
        "unknown field `color` on model `Membership`",
    );
    hint_has(h, "`this.color`");
}

#[test]
fn unknown_enum_value_and_function() {
    let h = rule_error("@@allow('read', color == GREN)", "GREN", "unknown field `GREN`");
    hint_has(h, "`GREEN`");
    let h = rule_error("@@allow('read', contain(title, 'x'))", "contain", "unknown function `contain`");
    hint_has(h, "`contains`");
}

#[test]
fn unknown_type_and_model() {
    let src = "model User {\n  id String @id\n  posts Pst[]\n}";
    let d = one_error(src, 3, 9, "unknown type `Pst`");
    assert!(d.hint.as_deref().is_some_and(|h| h.contains("did you mean")) || d.hint.is_some());
    let src = "model Post extends Bse {\n  id String @id\n}\nabstract model Base {\n  x Int\n}";
    let d = one_error(src, 1, 20, "unknown abstract model `Bse`");
    hint_has(d.hint, "`Base`");
}

#[test]
fn member_access_on_scalar() {
    rule_error("@@allow('read', title.size == 1)", "size", "member access `.size` on a scalar value");
}

#[test]
fn collection_predicate_on_non_list() {
    rule_error("@@allow('read', author?[age > 1])", "author", "collection predicate on a non-list relation");
    rule_error("@@allow('read', author.tags?[true])", "author", "collection predicate on a scalar list");
}

#[test]
fn to_many_used_as_scalar() {
    let h =
        rule_error("@@allow('read', author.posts == null)", "author", "to-many relation `posts` cannot be compared");
    hint_has(h, "posts?[");
    rule_error("@@allow('read', author.posts.title == 'x')", "title", "needs a collection predicate");
}

#[test]
fn comparing_two_models() {
    rule_error("@@allow('read', author == author.profile.user)", "==", "comparing two models is not supported");
    rule_error("@@allow('read', author == 'x')", "==", "cannot be compared with a value");
}

#[test]
fn before_and_future_placement() {
    let h = rule_error(
        "@@allow('update', before().title == title)",
        "before",
        "`before()` is only allowed in `post-update` rules",
    );
    hint_has(h, "post-update");
    rule_error(
        "@@allow('read', future().title == title)",
        "future",
        "`future()` is only allowed in model-level `update` rules",
    );
    rule_error(
        "@@allow('post-update', before().author == null)",
        "author ==",
        "relation fields cannot be accessed from `before()`",
    );
}

#[test]
fn non_owned_relation_in_create_rule() {
    // Rules of User (line 13, after `memberships`).
    let in_user = |rule: &str| {
        base("").replace("  memberships Membership[]\n", &format!("  memberships Membership[]\n  {rule}\n"))
    };
    let rule = "@@allow('create', posts?[title == 'x'])";
    let d = one_error(
        &in_user(rule),
        13,
        col_of(rule, "posts"),
        r#"non-owned relation fields are not allowed in "create" rules"#,
    );
    assert!(d.hint.is_some());
    // `all` includes create; `this.` is the same row.
    let rule = "@@allow('all', this.profile != null)";
    one_error(&in_user(rule), 13, col_of(rule, "profile"), "non-owned");
    // Owned relations, relations of other rows and auth() paths are fine.
    ok(&base("@@allow('create', author.role == ADMIN && author.posts?[title == 'x'] && auth().posts?[title == 'x'])"));
}

#[test]
fn type_mismatches() {
    rule_error("@@allow('read', title == 1)", "==", "type mismatch: cannot compare String with Int");
    rule_error("@@allow('read', color == ADMIN)", "==", "type mismatch");
    rule_error("@@allow('read', author.age > 'x')", ">", "type mismatch");
    rule_error("@@allow('read', color in [ADMIN])", "in", "type mismatch");
    rule_error("@@allow('read', color in [RED, ADMIN])", "in", "`ADMIN` is not a value of enum `Color`");
    rule_error("@@allow('read', title)", "title", "expected a boolean condition");
}

#[test]
fn lone_binding() {
    let h =
        rule_error("@@allow('read', author.posts?[p, p == auth()])", "p ==", "binding `p` cannot be used on its own");
    hint_has(h, "p.id");
}

#[test]
fn unknown_auth_field() {
    let h = rule_error(
        "@@allow('read', auth().tenantid == 'x')",
        "tenantid",
        "unknown field `tenantid` on auth type `User`",
    );
    hint_has(h, "did you mean `tenantId`?");
    let src = base("").replace("  tenantId    String\n", "  tenantId    String @default(auth().tenant)\n");
    let d = one_error(&src, 5, 38, "unknown field `tenant` on auth type `User`");
    hint_has(d.hint, "`tenantId`");
}

#[test]
fn auth_without_auth_model() {
    let src = "model Post {\n  id String @id\n  @@allow('read', auth() != null)\n}";
    let d = one_error(src, 3, 19, "`auth()` is used but there is no auth model");
    hint_has(d.hint, "@@auth");
}

#[test]
fn field_rule_restrictions() {
    let rule = "summary String @allow('create', true)";
    one_error(&base(rule), RULE_LINE, col_of(rule, "'create'"), "invalid operation `create` in field-level rule");
    let src = base("").replace(
        "  author   User   @relation(fields: [authorId], references: [id])",
        "  author   User   @relation(fields: [authorId], references: [id]) @allow('read', true)",
    );
    one_error(&src, 29, 67, "field-level rules are not allowed on relation fields");
    let rule = "@@allow('raed', true)";
    let d = one_error(&base(rule), RULE_LINE, col_of(rule, "'raed'"), "invalid operation `raed`");
    hint_has(d.hint, "`read`");
}

#[test]
fn duplicates() {
    let src = "model A {\n  id String @id\n  id Int\n}\nmodel A {\n  id String @id\n}";
    let e = errs(src);
    assert_eq!(e.len(), 2, "{}", render(&e));
    assert_eq!((e[0].span.line, e[0].span.col), (3, 3));
    assert!(e[0].message.contains("duplicate field `id`"));
    assert_eq!((e[1].span.line, e[1].span.col), (5, 7));
    assert!(e[1].message.contains("duplicate declaration `A`"));
}

#[test]
fn relations_need_an_opposite_and_names() {
    let src = "model User {\n  id String @id\n}\nmodel Post {\n  id String @id\n  ownerId String\n  owner User @relation(fields: [ownerId], references: [id])\n}";
    let d = one_error(src, 7, 9, "relation field `Post.owner` has no opposite field on model `User`");
    hint_has(d.hint, "posts Post[]");
    let src = "model User {\n  id String @id\n  posts Post[]\n}\nmodel Post {\n  id String @id\n  aId String\n  a User @relation(fields: [aId], references: [id])\n  bId String\n  b User @relation(fields: [bId], references: [id])\n}";
    let e = errs(src);
    assert!(!e.is_empty());
    assert_eq!((e[0].span.line, e[0].span.col), (3, 9));
    assert!(e[0].message.contains("ambiguous relation"), "{}", render(&e));
    assert!(e[0].hint.as_deref().is_some_and(|h| h.contains("@relation(\"name\")")));
}

#[test]
fn one_to_one_needs_a_foreign_key() {
    let src = "model User {\n  id String @id\n  profile Profile?\n}\nmodel Profile {\n  id String @id\n  user User\n}";
    let e = errs(src);
    assert_eq!((e[0].span.line, e[0].span.col), (3, 11), "{}", render(&e));
    assert!(e[0].message.contains("has no foreign key"));
}

#[test]
fn model_needs_an_id() {
    let src = "model Thing {\n  name String\n}";
    let d = one_error(src, 1, 7, "model `Thing` has no id");
    hint_has(d.hint, "@id");
}

#[test]
fn syntax_errors_have_positions() {
    let src = "model User {\n  id String @id\n  @@allow('read', (id == 'x')\n}";
    let e = errs(src);
    assert_eq!((e[0].span.line, e[0].span.col), (4, 1), "{}", render(&e));
    assert!(e[0].message.contains("expected `)`"));
    let src = "model User {\n  id String @id $\n}";
    let d = one_error(src, 2, 17, "unexpected character `$`");
    assert!(d.hint.is_some());
    let src = "modle User {}";
    one_error(src, 1, 1, "expected a declaration");
}

#[test]
fn several_errors_are_reported_together() {
    let src = "model User {\n  id String @id\n  a Strin\n  b Itn\n  @@allow('read', c == 1)\n}";
    let e = errs(src);
    let pos: Vec<(u32, u32)> = e.iter().map(|d| (d.span.line, d.span.col)).collect();
    assert_eq!(pos, vec![(3, 5), (4, 5), (5, 19)], "{}", render(&e));
}

#[test]
fn default_values_are_checked() {
    let src = base("").replace("  color    Color\n", "  color    Color @default(BLUE)\n");
    let d = one_error(&src, 30, 27, "`BLUE` is not a value of enum `Color`");
    assert!(d.hint.is_some());
    let src = base("").replace("  title    String\n", "  title    String @default(1)\n");
    one_error(&src, 27, 28, "default value does not match");
}
