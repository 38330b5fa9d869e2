//! Rendering a folded predicate as SQL for SQLite or PostgreSQL: columns, parameters, comparisons,
//! to-one traversals (correlated scalar subqueries), `EXISTS` collection predicates and `check()`.
//! String and list functions live in `render_fns`.

use serde_json::{Map, Value};

use crate::expr::{CmpOp, Hop, Quantifier, ScopeIdx};
use crate::ir::{RelationKind, Schema};
use crate::relation_sql::related_from;
use crate::sql::{Dialect, SqlValue, SqlWriter};
use crate::value::{self, Kind, Scalar};

use super::fold::kind_of;
use super::node::{ColRef, Node, Truth};

pub(crate) struct Render<'a, 'w> {
    pub schema: &'a Schema,
    pub w: &'w mut SqlWriter,
    pub before: Option<&'a Map<String, Value>>,
    /// Table alias of each row scope.
    pub aliases: Vec<String>,
}

/// A JSON value as a bound parameter of a column type (`None`: NULL or not readable as the type).
pub(crate) fn sql_value(v: &Value, kind: Option<Kind>, dialect: Dialect) -> Option<SqlValue> {
    let scalar = value::read(v, kind)?;
    Some(match scalar {
        Scalar::Bool(b) => match dialect {
            // SQLite stores booleans as 0/1.
            Dialect::Sqlite => SqlValue::Int(i64::from(b)),
            Dialect::Postgres => SqlValue::Bool(b),
        },
        Scalar::Int(i) if kind == Some(Kind::Decimal) && dialect == Dialect::Postgres => SqlValue::Decimal(i.to_string()),
        Scalar::Int(i) => SqlValue::Int(i),
        Scalar::Float(f) if kind == Some(Kind::Decimal) && dialect == Dialect::Postgres => {
            SqlValue::Decimal(match v {
                Value::String(s) => s.trim().to_owned(),
                _ => f.to_string(),
            })
        }
        Scalar::Float(f) => SqlValue::Float(f),
        Scalar::Text(s) => SqlValue::Text(s),
        Scalar::Time(t) => SqlValue::Timestamp(t),
        Scalar::Json(j) => SqlValue::Json(j.to_string()),
    })
}

impl Render<'_, '_> {
    pub(crate) fn dialect(&self) -> Dialect {
        self.w.dialect
    }

    /// The top-level predicate: parenthesised and two-valued.
    pub(crate) fn pred(&mut self, n: &Node) {
        if n.two_valued() && !matches!(n, Node::Const(_)) {
            self.boolean(n);
        } else {
            self.w.push("(");
            self.truth(n, Truth::IsTrue);
            self.w.push(")");
        }
    }

    /// `(n) IS TRUE` etc., without the test when `n` is already two-valued.
    pub(crate) fn truth(&mut self, n: &Node, t: Truth) {
        if let Some(v) = n.as_const_bool() {
            self.w.push(if t.apply(v) { "TRUE" } else { "FALSE" });
        } else if n.two_valued() {
            match t {
                Truth::IsTrue | Truth::IsNotFalse => self.boolean(n),
                Truth::IsFalse | Truth::IsNotTrue => {
                    self.w.push("(NOT ");
                    self.boolean(n);
                    self.w.push(")");
                }
            }
        } else {
            self.w.push("(");
            self.boolean(n);
            self.w.push(t.sql());
            self.w.push(")");
        }
    }

    pub(crate) fn null_bool(&mut self) {
        self.w.push(match self.dialect() {
            Dialect::Sqlite => "NULL",
            Dialect::Postgres => "CAST(NULL AS BOOLEAN)",
        });
    }

    /// A (three-valued) SQL boolean.
    pub(crate) fn boolean(&mut self, n: &Node) {
        match n {
            Node::Const(Value::Bool(b)) => {
                self.w.push(if *b { "TRUE" } else { "FALSE" });
            }
            Node::Const(_) | Node::Auth(_) | Node::AuthElement { .. } | Node::AuthCollection { .. } | Node::Now => {
                self.null_bool()
            }
            Node::Column(_) | Node::Before { .. } => self.value(n, Some(Kind::Bool)),
            Node::IsNull(x) => {
                self.w.push("(");
                self.value(x, None);
                self.w.push(" IS NULL)");
            }
            Node::ToOneNull { scope, hops } => {
                self.w.push("(NOT EXISTS (SELECT 1 ");
                let outer = self.alias(*scope);
                let aliases = self.alloc(hops.len());
                self.chain(&outer, hops, &aliases);
                self.w.push("))");
            }
            Node::Compare { op, lhs, rhs } => self.compare(*op, lhs, rhs),
            Node::In { lhs, rhs } => self.in_(lhs, rhs),
            Node::And(xs) | Node::Or(xs) => {
                let sep = if matches!(n, Node::And(_)) { " AND " } else { " OR " };
                self.w.push("(");
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        self.w.push(sep);
                    }
                    self.boolean(x);
                }
                self.w.push(")");
            }
            Node::Not(x) => {
                self.w.push("(NOT ");
                self.boolean(x);
                self.w.push(")");
            }
            Node::Truth(x, t) => self.truth(x, *t),
            Node::Collection {
                scope,
                hops,
                relation,
                quantifier,
                element_scope,
                body,
            } => self.collection(*scope, hops, *relation, *quantifier, *element_scope, body),
            Node::Str {
                func,
                target,
                value,
                case_insensitive,
            } => self.string_fn(*func, target, value, *case_insensitive),
            Node::List { func, list, value } => self.list_fn(*func, list, value),
            Node::IsEmpty(list) => {
                self.w.push(match self.dialect() {
                    Dialect::Sqlite => "(json_array_length(",
                    Dialect::Postgres => "(cardinality(",
                });
                self.value(list, None);
                self.w.push(") = 0)");
            }
            Node::Related { scope, hops, body } => {
                self.w.push("(EXISTS (SELECT 1 ");
                let outer = self.alias(*scope);
                let aliases = self.alloc(hops.len());
                self.chain(&outer, hops, &aliases);
                if body.as_const_bool() != Some(Some(true)) {
                    let inner = aliases.last().cloned().unwrap_or(outer);
                    let saved = std::mem::replace(&mut self.aliases, vec![inner]);
                    self.w.push(" AND ");
                    self.truth(body, Truth::IsTrue);
                    self.aliases = saved;
                }
                self.w.push("))");
            }
        }
    }

    /// A scalar value: a column, a parameter, `before()`, `now()`, or a boolean expression.
    pub(crate) fn value(&mut self, n: &Node, kind: Option<Kind>) {
        match n {
            Node::Column(c) => self.column(c),
            Node::Const(v) => self.param(v, kind),
            Node::Before { model, field } => {
                let f = self.schema.models.get(*model).and_then(|m| m.fields.get(*field));
                let v = f.and_then(|f| self.before?.get(&f.name));
                let kind = f.and_then(value::field_kind).map(|(k, _)| k);
                match v {
                    Some(v) => self.param(v, kind),
                    None => {
                        self.w.push("NULL");
                    }
                }
            }
            Node::Now => {
                self.w.push(match self.dialect() {
                    Dialect::Sqlite => "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                    Dialect::Postgres => "CURRENT_TIMESTAMP",
                });
            }
            other => self.boolean(other),
        }
    }

    /// A bound parameter typed as `kind`, or `NULL`.
    pub(crate) fn param(&mut self, v: &Value, kind: Option<Kind>) {
        match sql_value(v, kind, self.dialect()) {
            Some(p) => {
                self.w.param(p);
            }
            None => {
                self.w.push("NULL");
            }
        }
    }

    pub(crate) fn alias(&self, scope: ScopeIdx) -> String {
        self.aliases
            .get(usize::from(scope))
            .or_else(|| self.aliases.first())
            .cloned()
            .unwrap_or_else(|| "t0".to_owned())
    }

    pub(crate) fn set_alias(&mut self, scope: ScopeIdx, alias: String) {
        let idx = usize::from(scope);
        if self.aliases.len() <= idx {
            self.aliases.resize(idx + 1, String::new());
        }
        self.aliases[idx] = alias;
    }

    pub(crate) fn alloc(&mut self, n: usize) -> Vec<String> {
        (0..n).map(|_| self.w.fresh_alias()).collect()
    }

    /// `alias."column"`, or a correlated scalar subquery following to-one hops.
    fn column(&mut self, c: &ColRef) {
        let outer = self.alias(c.scope);
        let col = self
            .schema
            .models
            .get(c.model)
            .and_then(|m| m.fields.get(c.field))
            .map_or("", |f| f.column.as_str());
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
            self.to_one_join(*hop, &prev, alias);
            prev.clone_from(alias);
        }
    }

    /// The join condition of a to-one hop from the row `outer` to the related row `inner`.
    fn to_one_join(&mut self, hop: Hop, outer: &str, inner: &str) {
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
            RelationKind::Owned {
                fields, references, ..
            } => (fields, references),
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

    fn compare(&mut self, op: CmpOp, lhs: &Node, rhs: &Node) {
        let kind = kind_of(lhs, self.schema)
            .or_else(|| kind_of(rhs, self.schema))
            .map(|(k, _)| k);
        let op = match op {
            CmpOp::Eq => " = ",
            CmpOp::Ne => " <> ",
            CmpOp::Lt => " < ",
            CmpOp::Le => " <= ",
            CmpOp::Gt => " > ",
            CmpOp::Ge => " >= ",
        };
        self.w.push("(");
        self.operand(lhs, kind);
        self.w.push(op);
        self.operand(rhs, kind);
        self.w.push(")");
    }

    /// A comparison operand; SQLite keeps decimals as TEXT, so they compare as REAL there.
    pub(crate) fn operand(&mut self, n: &Node, kind: Option<Kind>) {
        if kind == Some(Kind::Decimal) && self.dialect() == Dialect::Sqlite {
            self.w.push("CAST(");
            self.value(n, kind);
            self.w.push(" AS REAL)");
        } else {
            self.value(n, kind);
        }
    }

    fn in_(&mut self, lhs: &Node, rhs: &Node) {
        match rhs {
            Node::Const(Value::Array(items)) if !items.is_empty() => {
                let kind = kind_of(lhs, self.schema).map(|(k, _)| k);
                self.w.push("(");
                self.operand(lhs, kind);
                self.w.push(" IN (");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.w.push(", ");
                    }
                    self.operand(&Node::Const(item.clone()), kind);
                }
                self.w.push("))");
            }
            Node::Const(Value::Array(_)) => {
                self.w.push("FALSE");
            }
            Node::Const(_) => self.null_bool(),
            list => self.list_contains(list, lhs),
        }
    }

    fn collection(
        &mut self,
        scope: ScopeIdx,
        hops: &[Hop],
        relation: Hop,
        quantifier: Quantifier,
        element_scope: ScopeIdx,
        body: &Node,
    ) {
        let outer = self.alias(scope);
        self.w.push(match quantifier {
            Quantifier::Some => "(EXISTS (SELECT 1 ",
            Quantifier::Every | Quantifier::None => "(NOT EXISTS (SELECT 1 ",
        });
        let from = if hops.is_empty() {
            outer
        } else {
            let aliases = self.alloc(hops.len());
            self.chain(&outer, hops, &aliases);
            self.w.push(" AND EXISTS (SELECT 1 ");
            aliases.last().cloned().unwrap_or(outer)
        };
        let elem = related_from(self.w, self.schema, relation.model, relation.field, &from);
        self.set_alias(element_scope, elem);
        let test = match quantifier {
            Quantifier::Some | Quantifier::None => Truth::IsTrue,
            Quantifier::Every => Truth::IsNotTrue,
        };
        if body.as_const_bool() != Some(Some(true)) || test == Truth::IsNotTrue {
            self.w.push(" AND ");
            self.truth(body, test);
        }
        if !hops.is_empty() {
            self.w.push(")");
        }
        self.w.push("))");
    }
}
