//! Rendering the string functions (`contains`, `startsWith`, `endsWith`) and the scalar-list
//! functions (`in` a list column, `has`, `hasSome`, `hasEvery`). Scalar lists are arrays on
//! PostgreSQL and JSON text on SQLite; both renderings are NULL exactly when the list (or a scalar
//! argument) is NULL, like the evaluator.

use serde_json::Value;

use crate::expr::{ListFn, StringFn};
use crate::sql::{Dialect, SqlValue};
use crate::value::{self, Kind};

use super::fold::kind_of;
use super::node::Node;
use super::render::{Render, sql_value};

/// Escapes `%`, `_` and `\` for `LIKE … ESCAPE '\'`.
fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Render<'_, '_> {
    pub(crate) fn string_fn(&mut self, func: StringFn, target: &Node, value: &Node, ci: bool) {
        let text = Some(Kind::Text);
        if let Node::Const(Value::String(v)) = value {
            match self.dialect() {
                Dialect::Postgres => {
                    let pattern = match func {
                        StringFn::Contains => format!("%{}%", like_escape(v)),
                        StringFn::StartsWith => format!("{}%", like_escape(v)),
                        StringFn::EndsWith => format!("%{}", like_escape(v)),
                    };
                    self.w.push("(");
                    self.value(target, text);
                    self.w.push(if ci { " ILIKE " } else { " LIKE " });
                    self.bind(SqlValue::Text(pattern));
                    self.w.push(" ESCAPE '\\')");
                }
                // SQLite's LIKE ignores ASCII case, so compare exactly with instr/substr.
                Dialect::Sqlite => {
                    let n = v.chars().count();
                    if n == 0 {
                        // Every string contains, starts and ends with '' (NULL stays NULL).
                        self.w.push("(length(");
                        self.value(target, text);
                        self.w.push(") >= 0)");
                        return;
                    }
                    self.w.push("(");
                    match func {
                        StringFn::Contains => {
                            self.w.push("instr(");
                            self.ci(target, ci);
                            self.w.push(", ");
                            self.ci(value, ci);
                            self.w.push(") > 0");
                        }
                        StringFn::StartsWith | StringFn::EndsWith => {
                            self.w.push("substr(");
                            self.ci(target, ci);
                            if func == StringFn::StartsWith {
                                self.w.push(&format!(", 1, {n}) = "));
                            } else {
                                self.w.push(&format!(", -{n}) = "));
                            }
                            self.ci(value, ci);
                        }
                    }
                    self.w.push(")");
                }
            }
            return;
        }
        // The searched-for value is a column (or a parameter searched in a column).
        self.w.push("(");
        match (self.dialect(), func) {
            (Dialect::Postgres, StringFn::Contains) => {
                self.w.push("strpos(");
                self.ci(target, ci);
                self.w.push(", ");
                self.ci(value, ci);
                self.w.push(") > 0");
            }
            (Dialect::Postgres, StringFn::StartsWith | StringFn::EndsWith) => {
                self.w.push(if func == StringFn::StartsWith { "left(" } else { "right(" });
                self.ci(target, ci);
                self.w.push(", length(");
                self.value(value, text);
                self.w.push(")) = ");
                self.ci(value, ci);
            }
            (Dialect::Sqlite, StringFn::Contains) => {
                self.w.push("instr(");
                self.ci(target, ci);
                self.w.push(", ");
                self.ci(value, ci);
                self.w.push(") > 0");
            }
            (Dialect::Sqlite, StringFn::StartsWith) => {
                self.w.push("substr(");
                self.ci(target, ci);
                self.w.push(", 1, length(");
                self.value(value, text);
                self.w.push(")) = ");
                self.ci(value, ci);
            }
            (Dialect::Sqlite, StringFn::EndsWith) => {
                // substr(t, length(t) - length(v) + 1) = v holds for every length, including ''.
                self.w.push("substr(");
                self.ci(target, ci);
                self.w.push(", length(");
                self.value(target, text);
                self.w.push(") - length(");
                self.value(value, text);
                self.w.push(") + 1) = ");
                self.ci(value, ci);
            }
        }
        self.w.push(")");
    }

    /// A text operand, lower-cased when case-insensitive.
    fn ci(&mut self, n: &Node, ci: bool) {
        if ci {
            self.w.push("LOWER(");
            self.value(n, Some(Kind::Text));
            self.w.push(")");
        } else {
            self.value(n, Some(Kind::Text));
        }
    }

    /// Whether `n` can be NULL in SQL (anything but a non-null constant).
    fn nullable(n: &Node) -> bool {
        !matches!(n, Node::Const(v) if !v.is_null())
    }

    /// `x in listColumn` / `has(listColumn, x)`.
    pub(crate) fn list_contains(&mut self, list: &Node, x: &Node) {
        let elem = kind_of(list, self.schema).or_else(|| kind_of(x, self.schema)).map(|(k, _)| k);
        let x_nullable = Self::nullable(x);
        match self.dialect() {
            Dialect::Postgres => {
                if x_nullable {
                    self.w.push("(CASE WHEN ");
                    self.value(x, elem);
                    self.w.push(" IS NULL THEN NULL ELSE ");
                } else {
                    self.w.push("(");
                }
                self.value(x, elem);
                self.w.push(" = ANY(");
                self.array_value(list, elem);
                self.w.push(if x_nullable { ") END)" } else { "))" });
            }
            Dialect::Sqlite => {
                self.w.push("(CASE WHEN ");
                self.value(list, None);
                self.w.push(" IS NULL");
                if x_nullable {
                    self.w.push(" OR ");
                    self.value(x, elem);
                    self.w.push(" IS NULL");
                }
                let j = self.w.fresh_alias();
                self.w.push(" THEN NULL ELSE EXISTS (SELECT 1 FROM json_each(");
                self.value(list, None);
                self.w.push(&format!(") AS {j} WHERE {j}.value = "));
                self.value(x, elem);
                self.w.push(") END)");
            }
        }
    }

    pub(crate) fn list_fn(&mut self, func: ListFn, list: &Node, value: &Node) {
        if func == ListFn::Has {
            return self.list_contains(list, value);
        }
        let elem = kind_of(list, self.schema).or_else(|| kind_of(value, self.schema)).map(|(k, _)| k);
        match (self.dialect(), list, value) {
            // hasEvery(constList, column): the column's elements are a subset of the constants.
            (Dialect::Postgres, Node::Const(_), _) => {
                self.w.push("(");
                self.pg_array_operand(value, elem);
                self.w.push(" <@ ");
                self.pg_array_operand(list, elem);
                self.w.push(")");
            }
            (Dialect::Postgres, _, _) => {
                self.w.push("(");
                self.pg_array_operand(list, elem);
                self.w.push(if func == ListFn::HasSome { " && " } else { " @> " });
                self.pg_array_operand(value, elem);
                self.w.push(")");
            }
            (Dialect::Sqlite, Node::Const(Value::Array(items)), col) => {
                self.sqlite_null_guard(col, None);
                if items.is_empty() {
                    self.w.push("json_array_length(");
                    self.value(col, None);
                    self.w.push(") = 0 END)");
                    return;
                }
                let j = self.w.fresh_alias();
                self.w.push("NOT EXISTS (SELECT 1 FROM json_each(");
                self.value(col, None);
                self.w.push(&format!(") AS {j} WHERE {j}.value NOT IN ("));
                self.params(items, elem);
                self.w.push(")) END)");
            }
            (Dialect::Sqlite, col, Node::Const(Value::Array(items))) => {
                self.sqlite_null_guard(col, None);
                if func == ListFn::HasSome {
                    let j = self.w.fresh_alias();
                    self.w.push("EXISTS (SELECT 1 FROM json_each(");
                    self.value(col, None);
                    self.w.push(&format!(") AS {j} WHERE {j}.value IN ("));
                    self.params(items, elem);
                    self.w.push("))");
                } else {
                    self.w.push("(");
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            self.w.push(" AND ");
                        }
                        let j = self.w.fresh_alias();
                        self.w.push("EXISTS (SELECT 1 FROM json_each(");
                        self.value(col, None);
                        self.w.push(&format!(") AS {j} WHERE {j}.value = "));
                        self.param(item, elem);
                        self.w.push(")");
                    }
                    self.w.push(")");
                }
                self.w.push(" END)");
            }
            (Dialect::Sqlite, a, b) => {
                self.sqlite_null_guard(a, Some(b));
                let (ja, jb) = (self.w.fresh_alias(), self.w.fresh_alias());
                if func == ListFn::HasSome {
                    self.w.push("EXISTS (SELECT 1 FROM json_each(");
                    self.value(a, None);
                    self.w.push(&format!(") AS {ja}, json_each("));
                    self.value(b, None);
                    self.w.push(&format!(") AS {jb} WHERE {ja}.value = {jb}.value)"));
                } else {
                    self.w.push("NOT EXISTS (SELECT 1 FROM json_each(");
                    self.value(b, None);
                    self.w.push(&format!(") AS {jb} WHERE NOT EXISTS (SELECT 1 FROM json_each("));
                    self.value(a, None);
                    self.w.push(&format!(") AS {ja} WHERE {ja}.value = {jb}.value))"));
                }
                self.w.push(" END)");
            }
        }
    }

    /// A list value: a list column, or (RLS mode) an auth list as a PostgreSQL array.
    pub(crate) fn array_value(&mut self, n: &Node, elem: Option<Kind>) {
        match n {
            Node::Auth(_) | Node::AuthElement { .. } if self.rls => self.auth_array(n, elem),
            other => self.value(other, None),
        }
    }

    /// `(CASE WHEN a IS NULL [OR b IS NULL] THEN NULL ELSE ` (the caller closes with ` END)`).
    fn sqlite_null_guard(&mut self, a: &Node, b: Option<&Node>) {
        self.w.push("(CASE WHEN ");
        self.value(a, None);
        self.w.push(" IS NULL");
        if let Some(b) = b {
            self.w.push(" OR ");
            self.value(b, None);
            self.w.push(" IS NULL");
        }
        self.w.push(" THEN NULL ELSE ");
    }

    fn params(&mut self, items: &[Value], elem: Option<Kind>) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.w.push(", ");
            }
            self.param(item, elem);
        }
    }

    /// A PostgreSQL array operand: a list column (cast to `bigint[]`/`text[]` so both sides agree)
    /// or a constant list bound as one array parameter.
    fn pg_array_operand(&mut self, n: &Node, elem: Option<Kind>) {
        let int = matches!(elem, Some(Kind::Int));
        match n {
            Node::Const(Value::Array(items)) => {
                if int {
                    let ints: Vec<i64> = items.iter().filter_map(Value::as_i64).collect();
                    self.bind(SqlValue::IntArray(ints));
                } else {
                    let texts: Vec<String> = items
                        .iter()
                        .map(|v| match sql_value(v, elem, Dialect::Sqlite) {
                            Some(SqlValue::Text(s) | SqlValue::Timestamp(s)) => s,
                            _ => match value::untyped(v) {
                                Some(value::Scalar::Text(s)) => s,
                                _ => v.to_string(),
                            },
                        })
                        .collect();
                    self.bind(SqlValue::TextArray(texts));
                }
            }
            Node::Auth(_) | Node::AuthElement { .. } if self.rls => self.auth_array(n, elem),
            other => {
                self.w.push("CAST(");
                self.value(other, None);
                self.w.push(if int { " AS bigint[])" } else { " AS text[])" });
            }
        }
    }
}
