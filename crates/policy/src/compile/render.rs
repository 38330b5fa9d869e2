//! Rendering a folded predicate as SQL for SQLite or PostgreSQL: the boolean structure, values and
//! parameters, comparisons and `in`. Traversals and collection predicates live in `render_rel`,
//! string and list functions in `render_fns`, the RLS flavour in `render_rls`.

use serde_json::{Map, Value};

use crate::expr::{CmpOp, ScopeIdx};
use crate::ir::Schema;
use crate::sql::{Dialect, SqlValue, SqlWriter};
use crate::value::{self, Kind, Scalar};

use super::fold::{kind_of, nullable};
use super::node::{self, Node, Truth};
use super::render_rel::Source;

pub(crate) struct Render<'a, 'w> {
    pub schema: &'a Schema,
    pub w: &'w mut SqlWriter,
    pub before: Option<&'a Map<String, Value>>,
    /// Table alias of each row scope.
    pub aliases: Vec<String>,
    /// Row-level-security mode: `auth()` is read from the `manzil.auth` setting and values are
    /// inlined as literals (see `render_rls`).
    pub rls: bool,
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
        Scalar::Int(i) if kind == Some(Kind::Decimal) && dialect == Dialect::Postgres => {
            SqlValue::Decimal(i.to_string())
        }
        Scalar::Int(i) => SqlValue::Int(i),
        Scalar::Float(f) if kind == Some(Kind::Decimal) && dialect == Dialect::Postgres => SqlValue::Decimal(match v {
            Value::String(s) => s.trim().to_owned(),
            _ => f.to_string(),
        }),
        Scalar::Float(f) => SqlValue::Float(f),
        Scalar::Text(s) => SqlValue::Text(s),
        Scalar::Time(t) => SqlValue::Timestamp(t),
        Scalar::Json(j) => SqlValue::Json(j.to_string()),
    })
}

/// The type a literal suggests when nothing else types a comparison (`auth().role == 'ADMIN'` in
/// RLS mode).
pub(crate) fn const_kind(n: &Node) -> Option<Kind> {
    match n {
        Node::Const(Value::String(_)) => Some(Kind::Text),
        Node::Const(Value::Number(_)) => Some(Kind::Float),
        Node::Const(Value::Bool(_)) => Some(Kind::Bool),
        _ => None,
    }
}

impl Render<'_, '_> {
    pub(crate) fn dialect(&self) -> Dialect {
        self.w.dialect
    }

    /// The predicate for a `WHERE`/`ON`/`CASE WHEN` position, where NULL already counts as FALSE: the
    /// `IS TRUE` tests reachable through `AND`/`OR` alone are dropped (so indexes stay usable).
    pub(crate) fn pred_where(&mut self, n: &Node) {
        match n {
            Node::Truth(x, Truth::IsTrue) => self.pred_where(x),
            Node::And(xs) | Node::Or(xs) => {
                let sep = if matches!(n, Node::And(_)) { " AND " } else { " OR " };
                self.w.push("(");
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        self.w.push(sep);
                    }
                    self.pred_where(x);
                }
                self.w.push(")");
            }
            Node::Const(_) | Node::Column(_) | Node::Before { .. } => {
                self.w.push("(");
                self.boolean(n);
                self.w.push(")");
            }
            other => self.boolean(other),
        }
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

    /// `(n) IS TRUE` etc., without the test when `n` is never NULL.
    pub(crate) fn truth(&mut self, n: &Node, t: Truth) {
        if let Some(v) = n.as_const_bool() {
            self.w.push(if t.apply(v) { "TRUE" } else { "FALSE" });
        } else if n.two_valued() || !nullable(n, self.schema) {
            match t {
                Truth::IsTrue | Truth::IsNotFalse => self.boolean(n),
                Truth::IsFalse => self.boolean(&node::not(n.clone())),
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
            Node::Auth(_) | Node::AuthElement { .. } if self.rls => self.value(n, Some(Kind::Bool)),
            Node::AuthCollection { base, path, quantifier, element_scope, body } if self.rls => {
                self.auth_collection(*base, path, *quantifier, *element_scope, body)
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
            Node::Collection { scope, hops, relation, quantifier, element_scope, body, nullable } => {
                let source = Source::Relation { scope: *scope, hops, relation: *relation };
                self.collection(&source, *quantifier, *element_scope, body, *nullable);
            }
            Node::Str { func, target, value, case_insensitive } => {
                self.string_fn(*func, target, value, *case_insensitive)
            }
            Node::List { func, list, value } => self.list_fn(*func, list, value),
            Node::IsEmpty(list) => {
                self.w.push(match self.dialect() {
                    Dialect::Sqlite => "(json_array_length(",
                    Dialect::Postgres => "(cardinality(",
                });
                self.array_value(list, None);
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
            Node::Auth(path) if self.rls => self.auth_value(None, path, kind),
            Node::AuthElement { scope, path } if self.rls => self.auth_value(Some(*scope), path, kind),
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
            Some(p) => self.bind(p),
            None => {
                self.w.push("NULL");
            }
        }
    }

    /// A parameter (a literal in RLS mode).
    pub(crate) fn bind(&mut self, v: SqlValue) {
        if self.rls {
            self.w.push(&super::render_rls::literal(&v));
        } else {
            self.w.param(v);
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

    fn compare(&mut self, op: CmpOp, lhs: &Node, rhs: &Node) {
        let kind = kind_of(lhs, self.schema)
            .or_else(|| kind_of(rhs, self.schema))
            .map(|(k, _)| k)
            .or_else(|| const_kind(lhs))
            .or_else(|| const_kind(rhs));
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
                let kind = kind_of(lhs, self.schema)
                    .map(|(k, _)| k)
                    .or_else(|| items.first().and_then(|i| const_kind(&Node::Const(i.clone()))));
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
}
