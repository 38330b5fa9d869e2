//! `/api/v1/leads`: thin handlers over `app::leads`, one operation per file.

pub mod assign;
pub mod create;
pub mod delete;
pub mod get;
pub mod list;
pub mod status;
pub mod update;
