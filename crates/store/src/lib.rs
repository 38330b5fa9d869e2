//! Pools, DDL and the policy-enforcing query engine: **the only crate that runs SQL**.
//!
//! Every query goes through a [`Client`] bound to an auth context (`db.for_auth(auth)`), or through
//! the named bypass `db.as_system("reason")`. Rules come from the schema, compiled once
//! ([`policy::PolicySet`]), folded per request, and rendered into each statement.

mod bootstrap;
pub mod cases;
mod ctx;
mod decode;
mod engine;
mod error;
mod exec;
mod filter;
mod migrate;
pub mod queue;
mod read;
mod select;
mod value;
mod write;

pub use bootstrap::PoolStats;
pub use engine::{Client, Db, DbOptions};
pub use error::{DeniedBy, RejectReason, Result, StoreError};
pub use exec::redact;
pub use migrate::{Migration, MigrationReport, RoleCheck};
pub use policy::Auth;
pub use value::{normalize_timestamp, now_string};
