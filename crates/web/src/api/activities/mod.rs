//! `/api/v1/activities`: thin handlers over `app::activities`, one operation per file.

pub mod create;
pub mod delete;
pub mod done;
pub mod get;
pub mod list;
pub mod reopen;
pub mod update;
