//! The `manzil` composition root: the config tree, logging, and the server start-up that both
//! the binary and the HTTP tests use.

pub mod cli;
pub mod config;
pub mod serve;
pub mod telemetry;
