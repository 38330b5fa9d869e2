//! A small SQL text writer shared by the predicate compiler and the query engine.
//!
//! Everything the engine sends to the database is rendered through [`SqlWriter`]: identifiers are
//! always quoted, values are always bound parameters (`?` on SQLite, `$n` on PostgreSQL, with a cast
//! where PostgreSQL cannot infer the type). Pure string building: no I/O.

use std::fmt::Write as _;

/// The SQL dialects Manzil speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A bound parameter value. The variant decides the PostgreSQL cast written next to the placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    /// A decimal number as text (`numeric` on PostgreSQL, TEXT-compared REAL on SQLite).
    Decimal(String),
    /// RFC 3339 timestamp `YYYY-MM-DDTHH:MM:SS.sssZ` (`timestamptz` on PostgreSQL, TEXT on SQLite).
    Timestamp(String),
    /// JSON document (`jsonb` on PostgreSQL, TEXT on SQLite).
    Json(String),
    Bytes(Vec<u8>),
    /// A text array (`text[]` on PostgreSQL; JSON text on SQLite).
    TextArray(Vec<String>),
    /// An integer array (`bigint[]` on PostgreSQL; JSON text on SQLite).
    IntArray(Vec<i64>),
}

/// Accumulates SQL text and its parameters.
#[derive(Debug, Clone)]
pub struct SqlWriter {
    pub dialect: Dialect,
    sql: String,
    params: Vec<SqlValue>,
    next_alias: u32,
}

impl SqlWriter {
    pub fn new(dialect: Dialect) -> Self {
        Self { dialect, sql: String::with_capacity(256), params: Vec::new(), next_alias: 0 }
    }

    /// Appends raw SQL text (keywords, operators). Never pass user input here.
    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Appends a double-quoted identifier.
    pub fn ident(&mut self, name: &str) -> &mut Self {
        self.sql.push('"');
        for c in name.chars() {
            if c == '"' {
                self.sql.push('"');
            }
            self.sql.push(c);
        }
        self.sql.push('"');
        self
    }

    /// Appends `alias."column"`.
    pub fn column(&mut self, alias: &str, column: &str) -> &mut Self {
        self.sql.push_str(alias);
        self.sql.push('.');
        self.ident(column)
    }

    /// Appends a placeholder and records the value (`NULL` is written inline: an untyped NULL
    /// parameter would confuse PostgreSQL's type inference).
    pub fn param(&mut self, value: SqlValue) -> &mut Self {
        if value == SqlValue::Null {
            self.sql.push_str("NULL");
            return self;
        }
        self.params.push(value);
        match self.dialect {
            Dialect::Sqlite => self.sql.push('?'),
            Dialect::Postgres => {
                let n = self.params.len();
                let cast = match self.params.last() {
                    Some(SqlValue::Bool(_)) => "::boolean",
                    Some(SqlValue::Int(_)) => "::bigint",
                    Some(SqlValue::Float(_)) => "::float8",
                    Some(SqlValue::Decimal(_)) => "::numeric",
                    Some(SqlValue::Timestamp(_)) => "::timestamptz",
                    Some(SqlValue::Json(_)) => "::jsonb",
                    Some(SqlValue::Bytes(_)) => "::bytea",
                    Some(SqlValue::TextArray(_)) => "::text[]",
                    Some(SqlValue::IntArray(_)) => "::bigint[]",
                    Some(SqlValue::Text(_)) => "::text",
                    Some(SqlValue::Null) | None => "",
                };
                let _ = write!(self.sql, "${n}{cast}");
            }
        }
        self
    }

    /// A fresh table alias (`t1`, `t2`, …) for a subquery.
    pub fn fresh_alias(&mut self) -> String {
        self.next_alias += 1;
        format!("t{}", self.next_alias)
    }

    /// Starts alias numbering after `n` (so aliases allocated later never clash with `t0..=tn`).
    pub fn reserve_aliases(&mut self, n: u32) {
        self.next_alias = self.next_alias.max(n);
    }

    /// The SQL text so far.
    pub fn sql(&self) -> &str {
        &self.sql
    }

    pub fn params(&self) -> &[SqlValue] {
        &self.params
    }

    /// Consumes the writer.
    pub fn finish(self) -> (String, Vec<SqlValue>) {
        (self.sql, self.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_dialect() {
        let mut w = SqlWriter::new(Dialect::Postgres);
        w.column("t0", "tenantId").push(" = ").param(SqlValue::Text("a".into()));
        w.push(" AND ").column("t0", "n").push(" > ").param(SqlValue::Int(3));
        assert_eq!(w.sql(), r#"t0."tenantId" = $1::text AND t0."n" > $2::bigint"#);
        let mut w = SqlWriter::new(Dialect::Sqlite);
        w.column("t0", "tenantId").push(" = ").param(SqlValue::Text("a".into()));
        assert_eq!(w.sql(), r#"t0."tenantId" = ?"#);
    }

    #[test]
    fn identifiers_escape_quotes() {
        let mut w = SqlWriter::new(Dialect::Sqlite);
        w.ident(r#"we"ird"#);
        assert_eq!(w.sql(), r#""we""ird""#);
    }
}
