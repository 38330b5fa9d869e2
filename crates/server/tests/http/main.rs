//! The HTTP test suite: the real server, in-process, on SQLite and on PostgreSQL.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, reason = "tests fail loudly on broken fixtures")]

mod support;

mod cli;
mod cookies;
mod exports;
mod files;
mod health;
mod hosts;
mod imports;
mod isolation;
mod leads;
mod login;
mod openapi;
mod refresh;
mod requests;
mod s3;
mod tokens;
