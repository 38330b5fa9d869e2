//! Probing the database for readiness, and pool figures for metrics. (Migrations live in
//! `migrate.rs`.)

use crate::engine::Db;
use crate::error::Result;

/// Open and idle connections of the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    pub size: u32,
    pub idle: usize,
}

impl Db {
    /// Answers when the database does (`SELECT 1`): the readiness probe.
    pub async fn ping(&self) -> Result<()> {
        let mut tx = self.pool().reader(None, false).await?;
        tx.fetch_i64("SELECT 1".to_owned(), vec![]).await?;
        Ok(())
    }

    /// How many connections the pool holds, and how many of them are idle.
    pub fn pool_stats(&self) -> PoolStats {
        self.pool().stats()
    }
}
