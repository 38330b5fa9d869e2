//! The CRM's `schema.zmodel`, compiled into the binary so a deployed server needs no source tree.

/// The text of the repository's `schema.zmodel` at build time.
pub const SOURCE: &str = include_str!("../../../schema.zmodel");

/// The migrations of this build, per dialect (`migrations/{sqlite,postgres}/NNNN_name.sql`).
/// A schema change adds the next file to both lists; `store`'s migration test fails while the
/// migrated database differs from the one `schema.zmodel` describes.
pub fn migrations(dialect: policy::Dialect) -> &'static [store::Migration] {
    match dialect {
        policy::Dialect::Sqlite => SQLITE,
        policy::Dialect::Postgres => POSTGRES,
    }
}

const SQLITE: &[store::Migration] = &[
    store::Migration { version: 1, name: "init", sql: include_str!("../../../migrations/sqlite/0001_init.sql") },
    store::Migration { version: 2, name: "inbox", sql: include_str!("../../../migrations/sqlite/0002_inbox.sql") },
];

const POSTGRES: &[store::Migration] = &[
    store::Migration { version: 1, name: "init", sql: include_str!("../../../migrations/postgres/0001_init.sql") },
    store::Migration { version: 2, name: "inbox", sql: include_str!("../../../migrations/postgres/0002_inbox.sql") },
];

/// The schema could not be loaded (a build from a broken `schema.zmodel`).
#[derive(Debug, thiserror::Error)]
#[error("schema.zmodel does not load: {0}")]
pub struct SchemaError(String);

/// Parses and checks the built-in schema.
pub fn load() -> Result<policy::Schema, SchemaError> {
    policy::load(SOURCE).map(|l| l.schema).map_err(|diags| {
        SchemaError(diags.iter().filter(|d| d.is_error()).map(ToString::to_string).collect::<Vec<_>>().join("; "))
    })
}
