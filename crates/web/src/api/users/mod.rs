//! `/api/v1/users`: thin handlers over `app::users`, one operation per file. There is no
//! delete: `PATCH` with `"active": false` deactivates a user and keeps their history.

pub mod create;
pub mod get;
pub mod list;
pub mod update;
