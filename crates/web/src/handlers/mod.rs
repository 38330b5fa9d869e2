//! The JSON API handlers: thin — extract, call a use case, map the error.

pub mod auth;
pub mod health;
pub mod me;
