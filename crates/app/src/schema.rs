//! The CRM's `schema.zmodel`, compiled into the binary so a deployed server needs no source tree.

/// The text of the repository's `schema.zmodel` at build time.
pub const SOURCE: &str = include_str!("../../../schema.zmodel");

/// The version of the tables this build creates (`_manzil_schema`). Bump it with every schema
/// change once migrations exist.
pub const VERSION: i64 = 1;

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
