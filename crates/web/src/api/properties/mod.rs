//! `/api/v1/properties`: thin handlers over `app::properties`, one operation per file.

pub mod create;
pub mod delete;
pub mod get;
pub mod list;
pub mod update;
