//! Rendering what crosses rows: to-one traversals (correlated scalar subqueries joined on the keys,
//! one subquery per traversal), `rel == null` as `NOT EXISTS`, and collection predicates as
//! `EXISTS` over the related rows (or over an auth list in RLS mode).

use crate::expr::{Hop, Quantifier, ScopeIdx};
use crate::ir::RelationKind;
use crate::relation_sql::related_from;

use super::node::{ColRef, Node, Truth};
use super::render::Render;

/// Where a collection predicate's elements come from.
pub(crate) enum Source<'n> {
    /// A to-many relation reached from a row scope through to-one hops.
    Relation { scope: ScopeIdx, hops: &'n [Hop], relation: Hop },
    /// A list in the auth value (RLS mode).
    AuthList { base: Option<ScopeIdx>, path: &'n [String] },
}

impl Render<'_, '_> {
    /// `alias."column"`, or a correlated scalar subquery following to-one hops.
    pub(crate) fn column(&mut self, c: &ColRef) {
        let outer = self.alias(c.scope);
        let col = self.schema.models.get(c.model).and_then(|m| m.fields.get(c.field)).map_or("", |f| f.column.as_str());
        if c.hops.is_empty() {
            self.w.column(&outer, col);
            return;
        }
        let aliases = self.alloc(c.hops.len());
        let last = aliases.last().cloned().unwrap_or_default();
        self.w.push("(SELECT ").column(&last, col).push(" ");
        self.chain(&outer, &c.hops, &aliases);
        self.w.push(")");
    }

    /// `FROM "T1" AS a1, "T2" AS a2 WHERE <join outer→a1> AND <join a1→a2>` for to-one hops.
    pub(crate) fn chain(&mut self, outer: &str, hops: &[Hop], aliases: &[String]) {
        self.w.push("FROM ");
        for (i, (hop, alias)) in hops.iter().zip(aliases).enumerate() {
            if i > 0 {
                self.w.push(", ");
            }
            let table = self
                .schema
                .models
                .get(hop.model)
                .and_then(|m| m.fields.get(hop.field)?.relation())
                .and_then(|r| self.schema.models.get(r.target))
                .map_or("", |t| t.table.as_str());
            self.w.ident(table).push(" AS ").push(alias);
        }
        self.w.push(" WHERE ");
        let mut prev = outer.to_owned();
        for (i, (hop, alias)) in hops.iter().zip(aliases).enumerate() {
            if i > 0 {
                self.w.push(" AND ");
            }
            self.hop_join(*hop, &prev, alias);
            prev.clone_from(alias);
        }
    }

    /// The join condition of a to-one hop from the row `outer` to the related row `inner`.
    pub(crate) fn hop_join(&mut self, hop: Hop, outer: &str, inner: &str) {
        let schema = self.schema;
        let Some(m) = schema.models.get(hop.model) else {
            self.w.push("1 = 0");
            return;
        };
        let Some(rel) = m.fields.get(hop.field).and_then(|f| f.relation()) else {
            self.w.push("1 = 0");
            return;
        };
        let Some(t) = schema.models.get(rel.target) else {
            self.w.push("1 = 0");
            return;
        };
        let (ours, theirs) = match &rel.kind {
            RelationKind::Owned { fields, references, .. } => (fields, references),
            RelationKind::Inverse { fields, references } => (references, fields),
            RelationKind::ManyToMany { .. } => {
                self.w.push("1 = 0");
                return;
            }
        };
        for (i, (o, t_f)) in ours.iter().zip(theirs).enumerate() {
            if i > 0 {
                self.w.push(" AND ");
            }
            let (Some(of), Some(tf)) = (m.fields.get(*o), t.fields.get(*t_f)) else {
                self.w.push("1 = 0");
                continue;
            };
            self.w.column(inner, &tf.column).push(" = ").column(outer, &of.column);
        }
    }

    /// A collection predicate: one `EXISTS` when the body is never NULL, else a three-valued `CASE`
    /// over two (`… IS TRUE`/`IS FALSE`, then `… IS NULL`), so an unknown element is never taken as
    /// permission. Never `COUNT(*)`.
    pub(crate) fn collection(
        &mut self,
        source: &Source<'_>,
        quantifier: Quantifier,
        element_scope: ScopeIdx,
        body: &Node,
        nullable: bool,
    ) {
        let exists = |r: &mut Self, test: Option<Truth>| r.exists(source, element_scope, body, test);
        if !nullable {
            self.w.push(match quantifier {
                Quantifier::Some => "(",
                Quantifier::Every | Quantifier::None => "(NOT ",
            });
            let test = match quantifier {
                Quantifier::Every => Truth::IsFalse,
                Quantifier::Some | Quantifier::None => Truth::IsTrue,
            };
            exists(self, Some(test));
            self.w.push(")");
            return;
        }
        let (first, then, otherwise) = match quantifier {
            Quantifier::Some => (Truth::IsTrue, "TRUE", "FALSE"),
            Quantifier::Every => (Truth::IsFalse, "FALSE", "TRUE"),
            Quantifier::None => (Truth::IsTrue, "FALSE", "TRUE"),
        };
        self.w.push("(CASE WHEN ");
        exists(self, Some(first));
        self.w.push(&format!(" THEN {then} WHEN "));
        exists(self, None);
        self.w.push(&format!(" THEN NULL ELSE {otherwise} END)"));
    }

    /// `EXISTS (SELECT 1 FROM <elements> WHERE <joins> AND <body test>)`; `test` `None` means
    /// `(body) IS NULL`.
    pub(crate) fn exists(&mut self, source: &Source<'_>, element_scope: ScopeIdx, body: &Node, test: Option<Truth>) {
        self.w.push("EXISTS (SELECT 1 ");
        let mut close = 1;
        match source {
            Source::Relation { scope, hops, relation } => {
                let outer = self.alias(*scope);
                let from = if hops.is_empty() {
                    outer
                } else {
                    let aliases = self.alloc(hops.len());
                    self.chain(&outer, hops, &aliases);
                    self.w.push(" AND EXISTS (SELECT 1 ");
                    close += 1;
                    aliases.last().cloned().unwrap_or(outer)
                };
                let elem = related_from(self.w, self.schema, relation.model, relation.field, &from);
                self.set_alias(element_scope, elem);
            }
            Source::AuthList { base, path } => {
                let elem = self.w.fresh_alias();
                self.w.push("FROM jsonb_array_elements(CASE WHEN jsonb_typeof(");
                self.auth_json(*base, path);
                self.w.push(") = 'array' THEN ");
                self.auth_json(*base, path);
                self.w.push(&format!(" ELSE '[]'::jsonb END) AS {elem} WHERE TRUE"));
                self.set_alias(element_scope, elem);
            }
        }
        match test {
            Some(t) if body.as_const_bool().is_some_and(|v| t.apply(v)) => {}
            Some(t) => {
                self.w.push(" AND ");
                self.truth(body, t);
            }
            None => {
                self.w.push(" AND (");
                self.boolean(body);
                self.w.push(" IS NULL)");
            }
        }
        for _ in 0..close {
            self.w.push(")");
        }
    }
}
