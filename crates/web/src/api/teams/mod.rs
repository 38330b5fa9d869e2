//! `/api/v1/teams`: thin handlers over `app::teams`, one operation per file.

pub mod create;
pub mod delete;
pub mod get;
pub mod list;
pub mod update;
