//! The RLS flavour of the renderer: PostgreSQL only, no bound parameters. `auth()` is read from the
//! transaction-local setting `manzil.auth` (JSON), each member checked for its JSON type before the
//! cast, so a member of the wrong type is NULL (unknown) exactly as in the engine, never an error.

use crate::expr::{Quantifier, ScopeIdx};
use crate::sql::SqlValue;
use crate::value::Kind;

use super::fold::nullable;
use super::node::Node;
use super::render::Render;
use super::render_rel::Source;

/// The auth value: SQL NULL when anonymous (setting unset, empty, or JSON `null`).
pub(crate) const AUTH: &str = "NULLIF(NULLIF(current_setting('manzil.auth', true), ''), 'null')::jsonb";

/// A quoted SQL string literal.
pub(crate) fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A value as an inline PostgreSQL literal.
pub(crate) fn literal(v: &SqlValue) -> String {
    match v {
        SqlValue::Null => "NULL".to_owned(),
        SqlValue::Bool(b) => (if *b { "TRUE" } else { "FALSE" }).to_owned(),
        SqlValue::Int(i) => format!("{i}::bigint"),
        SqlValue::Float(f) if f.is_finite() => format!("{f:?}::float8"),
        SqlValue::Float(_) => "NULL".to_owned(),
        SqlValue::Text(s) => format!("{}::text", quote(s)),
        SqlValue::Decimal(d) => format!("{}::numeric", quote(d)),
        SqlValue::Timestamp(t) => format!("{}::timestamptz", quote(t)),
        SqlValue::Json(j) => format!("{}::jsonb", quote(j)),
        SqlValue::Bytes(b) => {
            let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
            format!("'\\x{hex}'::bytea")
        }
        SqlValue::TextArray(items) => {
            let items: Vec<String> = items.iter().map(|s| quote(s)).collect();
            format!("ARRAY[{}]::text[]", items.join(", "))
        }
        SqlValue::IntArray(items) => {
            let items: Vec<String> = items.iter().map(i64::to_string).collect();
            format!("ARRAY[{}]::bigint[]", items.join(", "))
        }
    }
}

/// A pattern a JSON string must match before it is cast to `timestamptz`.
const TIMESTAMP_RE: &str = r"^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}(:?\d{2})?)?)?$";
/// A pattern a JSON string must match before it is cast to `numeric`.
const NUMERIC_RE: &str = r"^\s*-?\d+(\.\d+)?\s*$";

impl Render<'_, '_> {
    /// The JSON at `path` under the auth value (`base` `None`) or an auth-collection element.
    pub(crate) fn auth_json(&mut self, base: Option<ScopeIdx>, path: &[String]) {
        let root = match base {
            None => AUTH.to_owned(),
            Some(s) => format!("{}.value", self.alias(s)),
        };
        if path.is_empty() {
            self.w.push(&root);
            return;
        }
        self.w.push("jsonb_extract_path(").push(&root);
        for p in path {
            self.w.push(", ").push(&quote(p));
        }
        self.w.push(")");
    }

    /// An auth member as a value of `kind`: NULL unless its JSON type fits.
    pub(crate) fn auth_value(&mut self, base: Option<ScopeIdx>, path: &[String], kind: Option<Kind>) {
        let (json_type, cast, re) = match kind {
            None if path.is_empty() => return self.auth_json(base, path),
            None => {
                // Untyped (a NULL test, or auth compared with auth): the member's text.
                self.w.push("(");
                self.auth_json(base, path);
                self.w.push(" #>> '{}')");
                return;
            }
            Some(Kind::Text) => ("string", "", None),
            Some(Kind::Int | Kind::Float) => ("number", "::numeric", None),
            Some(Kind::Decimal) => ("number", "::numeric", Some(NUMERIC_RE)),
            Some(Kind::Bool) => ("boolean", "::boolean", None),
            Some(Kind::DateTime) => ("string", "::timestamptz", Some(TIMESTAMP_RE)),
            Some(Kind::Json) => return self.auth_json(base, path),
            Some(Kind::Bytes) => {
                self.w.push("NULL");
                return;
            }
        };
        self.w.push("(CASE WHEN jsonb_typeof(");
        self.auth_json(base, path);
        self.w.push(&format!(") = '{json_type}'"));
        if let (Some(re), "string") = (re, json_type) {
            self.w.push(" AND (");
            self.auth_json(base, path);
            self.w.push(&format!(" #>> '{{}}') ~ {}", quote(re)));
        }
        self.w.push(" THEN (");
        self.auth_json(base, path);
        self.w.push(&format!(" #>> '{{}}'){cast}"));
        if let (Some(re), "number") = (re, json_type) {
            // Decimals may also come as numeric strings.
            self.w.push(" WHEN jsonb_typeof(");
            self.auth_json(base, path);
            self.w.push(") = 'string' AND (");
            self.auth_json(base, path);
            self.w.push(&format!(" #>> '{{}}') ~ {} THEN (", quote(re)));
            self.auth_json(base, path);
            self.w.push(&format!(" #>> '{{}}'){cast}"));
        }
        self.w.push(" END)");
    }

    /// An auth list as a PostgreSQL array of `elem` (NULL unless it is a JSON array).
    pub(crate) fn auth_array(&mut self, n: &Node, elem: Option<Kind>) {
        let (base, path) = match n {
            Node::Auth(path) => (None, &path[..]),
            Node::AuthElement { scope, path } => (Some(*scope), &path[..]),
            _ => {
                self.w.push("NULL");
                return;
            }
        };
        let e = self.w.fresh_alias();
        let (typed, array) = match elem {
            Some(Kind::Int) => (format!("({e}.value #>> '{{}}')::bigint"), "bigint[]"),
            _ => (format!("{e}.value #>> '{{}}'"), "text[]"),
        };
        let want = if matches!(elem, Some(Kind::Int)) { "number" } else { "string" };
        self.w.push("(CASE WHEN jsonb_typeof(");
        self.auth_json(base, path);
        self.w.push(") = 'array' THEN ARRAY(SELECT ");
        self.w.push(&format!("CASE WHEN jsonb_typeof({e}.value) = '{want}' THEN {typed} END"));
        self.w.push(" FROM jsonb_array_elements(");
        self.auth_json(base, path);
        self.w.push(&format!(") AS {e})::{array} END)"));
    }

    /// `auth().list?[…]` (and `!`, `^`): NULL unless the list is a JSON array.
    pub(crate) fn auth_collection(
        &mut self,
        base: Option<ScopeIdx>,
        path: &[String],
        quantifier: Quantifier,
        element_scope: ScopeIdx,
        body: &Node,
    ) {
        self.w.push("(CASE WHEN jsonb_typeof(");
        self.auth_json(base, path);
        self.w.push(") = 'array' THEN ");
        let source = Source::AuthList { base, path };
        let nullable = nullable(body, self.schema);
        self.collection(&source, quantifier, element_scope, body, nullable);
        self.w.push(" END)");
    }
}
