//! `/api/v1/deals`: thin handlers over `app::deals`, one operation per file.

pub mod create;
pub mod delete;
pub mod get;
pub mod list;
pub mod stage;
pub mod update;
