//! The HTTP test suite: the real server, in-process, on SQLite and on PostgreSQL.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, reason = "tests fail loudly on broken fixtures")]

mod support;

mod cookies;
mod health;
mod hosts;
mod login;
mod refresh;
mod requests;
mod tokens;
