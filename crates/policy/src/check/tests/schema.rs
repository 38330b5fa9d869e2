//! The realistic fixture schema (`tests/fixtures/crm.zmodel`) loads and its IR is right.

use super::ok;
use crate::expr::{CmpOp, Expr, Hop, Quantifier};
use crate::ir::{
    DefaultValue, FieldKind, Literal, Model, ModelIdx, Operation, Provider, RefAction, RelationKind, RuleKind,
    ScalarType, Schema,
};

const CRM: &str = include_str!("../../../tests/fixtures/crm.zmodel");

fn schema() -> Schema {
    ok(CRM).schema
}

fn mi(s: &Schema, name: &str) -> ModelIdx {
    s.model_index(name).unwrap_or_else(|| panic!("no model {name}"))
}

fn fi(m: &Model, name: &str) -> usize {
    m.field_index(name).unwrap_or_else(|| panic!("no field {name} on {}", m.name))
}

fn col(s: &Schema, model: &str, field: &str) -> Expr {
    let m = mi(s, model);
    Expr::Column { scope: 0, hops: vec![], model: m, field: fi(s.model(m), field) }
}

fn auth(path: &[&str]) -> Expr {
    Expr::Auth { path: path.iter().map(|p| p.to_string()).collect() }
}

fn cmp(op: CmpOp, a: Expr, b: Expr) -> Expr {
    Expr::Compare { op, lhs: Box::new(a), rhs: Box::new(b) }
}

fn enum_lit(v: &str) -> Expr {
    Expr::Lit(Literal::Enum(v.into()))
}

#[test]
fn loads_without_warnings_and_reads_the_datasource() {
    let l = ok(CRM);
    assert!(l.warnings.is_empty(), "{}", super::render(&l.warnings));
    let s = l.schema;
    assert_eq!(s.provider, Provider::Postgresql);
    let names: Vec<&str> = s.models.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["Tenant", "User", "Membership", "Lead", "Post", "Tag"], "only concrete models");
    assert_eq!(s.enums.len(), 2);
    assert_eq!(s.enums[0].values, ["ADMIN", "AGENT", "VIEWER"]);
}

#[test]
fn inherited_fields_come_first() {
    let s = schema();
    let tenant = s.model(mi(&s, "Tenant"));
    let f: Vec<&str> = tenant.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(&f[..4], ["createdAt", "updatedAt", "id", "name"]);
    assert!(tenant.fields[1].updated_at);
    assert_eq!(tenant.fields[0].default, Some(DefaultValue::Now));
    let user = s.model(mi(&s, "User"));
    assert_eq!(user.fields[0].name, "tenantId");
    assert_eq!(user.fields[0].default, Some(DefaultValue::Auth(vec!["tenantId".into()])));
    assert_eq!(user.fields[1].name, "tenant");
    assert_eq!(user.id, vec![fi(user, "id")]);
    assert_eq!(user.uniques, vec![vec![fi(user, "email")]]);
    assert_eq!(user.fields[fi(user, "role")].default, Some(DefaultValue::Literal(Literal::Enum("AGENT".into()))));
    assert!(user.fields[fi(user, "password")].omit);
    assert_eq!(user.fields[fi(user, "id")].default, Some(DefaultValue::Cuid));
}

#[test]
fn tables_indexes_and_column_kinds() {
    let s = schema();
    let lead = s.model(mi(&s, "Lead"));
    assert_eq!(lead.table, "leads");
    assert_eq!(lead.indexes, vec![vec![fi(lead, "tenantId"), fi(lead, "status")]]);
    let notes = &lead.fields[fi(lead, "notes")];
    assert!(notes.list && matches!(notes.kind, FieldKind::Scalar(ScalarType::String)));
    assert!(matches!(lead.fields[fi(lead, "status")].kind, FieldKind::Enum(1)));
    let m = s.model(mi(&s, "Membership"));
    assert_eq!(m.uniques, vec![vec![fi(m, "userId"), fi(m, "teamId")]]);
    assert_eq!(m.fields[fi(m, "id")].default, Some(DefaultValue::AutoIncrement));
    // Inherited from the abstract base: same table name rule, own @@map only.
    assert_eq!(s.model(mi(&s, "Post")).table, "Post");
}

#[test]
fn relation_kinds_and_opposites() {
    let s = schema();
    let (user_i, lead_i, tenant_i) = (mi(&s, "User"), mi(&s, "Lead"), mi(&s, "Tenant"));
    let (user, lead, tenant) = (s.model(user_i), s.model(lead_i), s.model(tenant_i));

    // Owned side (inherited from TenantScoped) with its referential action.
    let rel = user.fields[fi(user, "tenant")].relation().unwrap_or_else(|| panic!("relation"));
    assert_eq!(rel.target, tenant_i);
    assert_eq!(rel.opposite, fi(tenant, "users"));
    match &rel.kind {
        RelationKind::Owned { fields, references, on_delete, on_update } => {
            assert_eq!(fields, &vec![fi(user, "tenantId")]);
            assert_eq!(references, &vec![fi(tenant, "id")]);
            assert_eq!(*on_delete, RefAction::Cascade);
            assert_eq!(*on_update, RefAction::NoAction);
        }
        k => panic!("expected owned, got {k:?}"),
    }
    // Its inverse: FK fields are indices in the owner (User), references in Tenant.
    let inv = tenant.fields[fi(tenant, "users")].relation().unwrap_or_else(|| panic!("relation"));
    assert_eq!(inv.opposite, fi(user, "tenant"));
    match &inv.kind {
        RelationKind::Inverse { fields, references } => {
            assert_eq!(fields, &vec![fi(user, "tenantId")]);
            assert_eq!(references, &vec![fi(tenant, "id")]);
        }
        k => panic!("expected inverse, got {k:?}"),
    }
    // Named relations pair by name (two relations between Lead and User).
    let assignee = lead.fields[fi(lead, "assignee")].relation().unwrap_or_else(|| panic!("relation"));
    assert_eq!(assignee.name.as_deref(), Some("assigned"));
    assert_eq!(assignee.opposite, fi(user, "leads"));
    let creator = lead.fields[fi(lead, "creator")].relation().unwrap_or_else(|| panic!("relation"));
    assert_eq!(creator.opposite, fi(user, "createdLeads"));
    // Self relation.
    let manager = user.fields[fi(user, "manager")].relation().unwrap_or_else(|| panic!("relation"));
    assert_eq!((manager.target, manager.opposite), (user_i, fi(user, "reports")));
    assert!(matches!(manager.kind, RelationKind::Owned { on_delete: RefAction::SetNull, .. }));
}

#[test]
fn implicit_many_to_many_join_tables() {
    let s = schema();
    let (lead_i, tag_i, user_i) = (mi(&s, "Lead"), mi(&s, "Tag"), mi(&s, "User"));
    let names: Vec<&str> = s.join_tables.iter().map(|j| j.name.as_str()).collect();
    assert_eq!(names.len(), 2);
    let lt = s.join_tables.iter().position(|j| j.name == "_LeadToTag").unwrap_or_else(|| panic!("{names:?}"));
    assert_eq!((s.join_tables[lt].a, s.join_tables[lt].b), (lead_i, tag_i));
    let lead = s.model(lead_i);
    let tag = s.model(tag_i);
    match &lead.fields[fi(lead, "tags")].relation().map(|r| r.kind.clone()) {
        Some(RelationKind::ManyToMany { join, column, other_column }) => {
            assert_eq!((*join, column.as_str(), other_column.as_str()), (lt, "A", "B"));
        }
        k => panic!("expected m2m, got {k:?}"),
    }
    match &tag.fields[fi(tag, "leads")].relation().map(|r| r.kind.clone()) {
        Some(RelationKind::ManyToMany { join, column, .. }) => {
            assert_eq!((*join, column.as_str()), (lt, "B"))
        }
        k => panic!("expected m2m, got {k:?}"),
    }
    // Named self-relation: `_friends`; `friendOf` sorts before `friends`, so it gets column A.
    let fj = s.join_tables.iter().position(|j| j.name == "_friends").unwrap_or_else(|| panic!("{names:?}"));
    assert_eq!((s.join_tables[fj].a, s.join_tables[fj].b), (user_i, user_i));
    let user = s.model(user_i);
    let col_of = |f: &str| match user.fields[fi(user, f)].relation().map(|r| &r.kind) {
        Some(RelationKind::ManyToMany { column, .. }) => column.clone(),
        _ => String::new(),
    };
    assert_eq!((col_of("friendOf").as_str(), col_of("friends").as_str()), ("A", "B"));
}

#[test]
fn inherited_rules_keep_their_declaring_model() {
    let s = schema();
    let lead = s.model(mi(&s, "Lead"));
    let first = &lead.rules[0];
    assert_eq!(first.kind, RuleKind::Deny);
    assert_eq!(first.declared_in, "TenantScoped");
    assert_eq!(first.source, "@@deny('all', auth() == null)");
    assert_eq!(first.ops, [Operation::Create, Operation::Read, Operation::Update, Operation::Delete]);
    assert_eq!(first.expr, cmp(CmpOp::Eq, auth(&[]), Expr::Lit(Literal::Null)));
    assert_eq!((first.span.line, first.span.col), (34, 3));
    // The inherited read rule refers to Lead's own tenantId column.
    assert_eq!(lead.rules[1].expr, cmp(CmpOp::Eq, col(&s, "Lead", "tenantId"), auth(&["tenantId"])));
    assert_eq!(lead.rules[2].declared_in, "Lead");
}

#[test]
fn auth_normalizations() {
    let s = schema();
    // auth() != this → !(auth().id == this.id)
    let user = s.model(mi(&s, "User"));
    let pw = &user.fields[fi(user, "password")].rules[0];
    assert_eq!((pw.kind, pw.ops.as_slice()), (RuleKind::Deny, &[Operation::Read][..]));
    assert_eq!(pw.expr, Expr::not(cmp(CmpOp::Eq, auth(&["id"]), col(&s, "User", "id"))));
    // auth() == owned relation → FK column of this row, no hop.
    let m = s.model(mi(&s, "Membership"));
    assert_eq!(m.rules[0].expr, cmp(CmpOp::Eq, auth(&["id"]), col(&s, "Membership", "userId")));
    // Through a to-one hop: assignee.manager == auth() → assignee's managerId.
    let lead_i = mi(&s, "Lead");
    let lead = s.model(lead_i);
    let upd = &lead.rules[3];
    let Expr::Or(l, _) = &upd.expr else { panic!("{:?}", upd.expr) };
    let user_i = mi(&s, "User");
    let expected = Expr::Column {
        scope: 0,
        hops: vec![Hop { model: lead_i, field: fi(lead, "assignee") }],
        model: user_i,
        field: fi(user, "managerId"),
    };
    assert_eq!(**l, cmp(CmpOp::Eq, auth(&["id"]), expected));
}

#[test]
fn v2_future_becomes_post_update() {
    let s = schema();
    let lead = s.model(mi(&s, "Lead"));
    let r = &lead.rules[4];
    assert_eq!(r.ops, [Operation::PostUpdate]);
    let status = fi(lead, "status");
    assert_eq!(
        r.expr,
        Expr::or(
            cmp(CmpOp::Ne, col(&s, "Lead", "status"), enum_lit("LOST")),
            cmp(CmpOp::Eq, Expr::Before { field: status }, enum_lit("NEW")),
        )
    );
    // v3 post-update with before().
    let post = s.model(mi(&s, "Post"));
    let pu = &post.rules[3];
    assert_eq!(pu.ops, [Operation::PostUpdate]);
    let published = fi(post, "published");
    assert_eq!(
        pu.expr,
        Expr::or(
            cmp(CmpOp::Eq, Expr::Before { field: published }, Expr::Lit(Literal::Bool(false))),
            col(&s, "Post", "published"),
        )
    );
}

#[test]
fn collection_scopes_and_hops() {
    let s = schema();
    let (post_i, user_i, tenant_i, lead_i, tag_i) =
        (mi(&s, "Post"), mi(&s, "User"), mi(&s, "Tenant"), mi(&s, "Lead"), mi(&s, "Tag"));
    let (post, user, tenant) = (s.model(post_i), s.model(user_i), s.model(tenant_i));
    // author.tenant.users?[u, u.id == auth().id && role == ADMIN]
    let expected = Expr::Collection {
        scope: 0,
        hops: vec![Hop { model: post_i, field: fi(post, "author") }, Hop { model: user_i, field: fi(user, "tenant") }],
        relation: Hop { model: tenant_i, field: fi(tenant, "users") },
        quantifier: Quantifier::Some,
        element_scope: 1,
        body: Box::new(Expr::and(
            cmp(
                CmpOp::Eq,
                Expr::Column { scope: 1, hops: vec![], model: user_i, field: fi(user, "id") },
                auth(&["id"]),
            ),
            cmp(
                CmpOp::Eq,
                Expr::Column { scope: 1, hops: vec![], model: user_i, field: fi(user, "role") },
                enum_lit("ADMIN"),
            ),
        )),
    };
    assert_eq!(post.rules[4].expr, expected);
    // Many-to-many predicate with `this.` in the outer expression.
    let lead = s.model(lead_i);
    let Expr::And(c, v) = &lead.rules[6].expr else { panic!("{:?}", lead.rules[6].expr) };
    let Expr::Collection { relation, element_scope, body, .. } = &**c else { panic!("{c:?}") };
    assert_eq!((*relation, *element_scope), (Hop { model: lead_i, field: fi(lead, "tags") }, 1));
    let name = fi(s.model(tag_i), "name");
    assert_eq!(
        **body,
        cmp(
            CmpOp::Eq,
            Expr::Column { scope: 1, hops: vec![], model: tag_i, field: name },
            Expr::Lit(Literal::String("vip".into()))
        )
    );
    assert_eq!(**v, cmp(CmpOp::Gt, col(&s, "Lead", "value"), Expr::Lit(Literal::Int(100))));
    // Auth collection: element fields are AuthElement, `this` is scope 0.
    let tag = s.model(tag_i);
    assert_eq!(
        tag.rules[0].expr,
        Expr::AuthCollection {
            base: None,
            path: vec!["memberships".into()],
            quantifier: Quantifier::Some,
            element_scope: 1,
            body: Box::new(cmp(
                CmpOp::Eq,
                Expr::AuthElement { scope: 1, path: vec!["teamId".into()] },
                col(&s, "Tag", "tenantId")
            )),
        }
    );
}

#[test]
fn auth_type_is_user_model() {
    let s = schema();
    assert_eq!(s.auth.name, "User");
    assert_eq!(s.auth.model, Some(mi(&s, "User")));
    assert_eq!(s.auth.id_fields, ["id"]);
    let m = s.auth.fields.iter().find(|f| f.name == "memberships").unwrap_or_else(|| panic!("memberships"));
    assert!(m.list);
    assert_eq!(m.ty, crate::ir::FieldType::Named("Membership".into()));
    let secret = {
        let lead = s.model(mi(&s, "Lead"));
        lead.fields[fi(lead, "secret")].rules.clone()
    };
    assert_eq!(secret.len(), 1);
    assert_eq!(secret[0].source, "@allow('read', assignee == auth())");
    assert_eq!(secret[0].expr, cmp(CmpOp::Eq, auth(&["id"]), col(&s, "Lead", "assigneeId")));
}
