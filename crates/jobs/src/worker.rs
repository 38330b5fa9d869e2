//! The [`Runner`]: claims due jobs, runs them under a renewed lease, and records how each attempt
//! ended — done, retried later with exponential backoff and jitter, or failed with the reason.

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use store::StoreError;
use store::queue::Finish;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use tracing::Instrument as _;

use crate::registry::Registry;
use crate::{JobCtx, JobError, JobRecord, NewJob, Observer, ProgressSink, Queue, now_ms};

/// How workers poll, lease and retry.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// How many jobs run at once in this process.
    pub workers: usize,
    /// The first wait when the queue is empty; it doubles up to `poll_max`.
    pub poll_min: Duration,
    pub poll_max: Duration,
    /// How long a claim holds without renewal; a worker that dies loses its job after this.
    pub lease: Duration,
    /// The first retry delay; it doubles per attempt up to `backoff_max` (then jittered).
    pub backoff_base: Duration,
    pub backoff_max: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            workers: 2,
            poll_min: Duration::from_millis(200),
            poll_max: Duration::from_secs(5),
            lease: Duration::from_secs(300),
            backoff_base: Duration::from_secs(5),
            backoff_max: Duration::from_secs(3600),
        }
    }
}

/// The delay before retry number `attempt` (1 after the first failure): `base · 2^(attempt-1)`,
/// capped at `max`, then a random point in its upper half (jitter spreads retries of jobs that
/// failed together).
pub fn backoff(attempt: i64, base: Duration, max: Duration) -> Duration {
    let exp = u32::try_from(attempt.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    let full = base.saturating_mul(2u32.saturating_pow(exp)).min(max);
    let half = full / 2;
    let jitter_ms = u64::try_from(half.as_millis()).unwrap_or(u64::MAX);
    half + Duration::from_millis(rand::rng().random_range(0..=jitter_ms))
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Runs the jobs of one [`Registry`] from one [`Queue`].
pub struct Runner<E> {
    queue: Queue,
    registry: Arc<Registry<E>>,
    config: WorkerConfig,
    wake: Arc<Notify>,
}

impl<E: Send + Sync + 'static> Runner<E> {
    pub fn new(queue: Queue, registry: Registry<E>, config: WorkerConfig) -> Self {
        Runner { queue, registry: Arc::new(registry), config, wake: Arc::new(Notify::new()) }
    }

    /// Shares `wake` with enqueuers: `wake.notify_one()` after an enqueue starts an idle worker at
    /// once instead of at its next poll.
    #[must_use]
    pub fn with_wake(mut self, wake: Arc<Notify>) -> Self {
        self.wake = wake;
        self
    }

    pub fn queue(&self) -> &Queue {
        &self.queue
    }

    /// Starts `config.workers` worker tasks; they stop when `shutdown` turns true (a running job
    /// is finished first).
    pub fn spawn(self: Arc<Self>, shutdown: watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
        (0..self.config.workers.max(1))
            .map(|_| {
                let runner = self.clone();
                let shutdown = shutdown.clone();
                tokio::spawn(async move { runner.work(shutdown).await })
            })
            .collect()
    }

    async fn work(&self, mut shutdown: watch::Receiver<bool>) {
        let mut idle = self.config.poll_min;
        loop {
            if *shutdown.borrow() {
                return;
            }
            match self.run_next().await {
                Ok(Some(_)) => {
                    idle = self.config.poll_min;
                    continue;
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "job queue poll failed"),
            }
            tokio::select! {
                () = tokio::time::sleep(idle) => {}
                () = self.wake.notified() => idle = self.config.poll_min,
                _ = shutdown.changed() => {}
            }
            idle = (idle * 2).min(self.config.poll_max);
        }
    }

    /// Claims the oldest due job and runs it; returns its row afterwards, or `None` when nothing
    /// is due. Jobs whose worker died on their last attempt are failed first.
    pub async fn run_next(&self) -> Result<Option<JobRecord>, StoreError> {
        let kinds = self.registry.kinds();
        let (due, expired) = self.queue.peek(&kinds).await?;
        if expired {
            for rec in self.queue.fail_expired().await? {
                self.settle_abandoned(rec).await;
            }
        }
        if !due {
            return Ok(None);
        }
        let lock = uuid::Uuid::new_v4().to_string();
        let Some(rec) = self.queue.claim(&kinds, &lock, millis(self.config.lease)).await? else { return Ok(None) };
        self.run_claimed(rec, &lock, None).await.map(Some)
    }

    /// Lets a job's kind settle a job the queue failed because its worker died on the last
    /// attempt (in the job's environment; a refusal to enter is logged, the job stays failed).
    async fn settle_abandoned(&self, rec: JobRecord) {
        let span = tracing::warn_span!("abandoned job", id = %rec.id, kind = %rec.kind);
        async {
            tracing::warn!("the worker died during the job's last attempt");
            let Some(settle) = self.registry.abandoned.get(rec.kind.as_str()).cloned() else { return };
            let env = match (self.registry.enter)(rec.clone()).await {
                Ok(env) => env,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot enter the abandoned job's environment");
                    return;
                }
            };
            if let Err(e) = settle(rec, env).await {
                tracing::warn!(error = %e, "settling the abandoned job failed");
            }
        }
        .instrument(span)
        .await;
    }

    /// Enqueues `job` already claimed by this process and runs it to the end here (the CLI);
    /// `observer` sees each progress report. Returns the final row.
    pub async fn run_now(&self, job: &NewJob, observer: Option<Observer>) -> Result<JobRecord, StoreError> {
        let lock = uuid::Uuid::new_v4().to_string();
        let rec = self.queue.enqueue_claimed(job, &lock, now_ms() + millis(self.config.lease)).await?;
        self.run_claimed(rec, &lock, observer).await
    }

    /// Runs one attempt of a job claimed under `lock` and records its end.
    async fn run_claimed(
        &self,
        rec: JobRecord,
        lock: &str,
        observer: Option<Observer>,
    ) -> Result<JobRecord, StoreError> {
        let span = tracing::info_span!("job", id = %rec.id, kind = %rec.kind, attempt = rec.attempts);
        let _guard = span.enter();
        let outcome = self.attempt(&rec, lock, observer).await;
        let finish = match outcome {
            Ok(result) => Some(Finish::Done { result }),
            Err(JobError::LeaseLost) => None,
            Err(JobError::Fatal { message, result }) => Some(Finish::Failed { error: message, result }),
            Err(JobError::Retry(message)) if rec.attempts < rec.max_attempts => {
                let delay = backoff(rec.attempts, self.config.backoff_base, self.config.backoff_max);
                tracing::info!(error = %message, ?delay, "job attempt failed; retrying later");
                Some(Finish::Retry { error: message, run_at: now_ms() + millis(delay) })
            }
            Err(JobError::Retry(message)) => Some(Finish::Failed {
                error: format!("{message} (gave up after {} attempts)", rec.attempts),
                result: None,
            }),
        };
        if let Some(finish) = finish {
            if let Finish::Failed { error, .. } = &finish {
                tracing::warn!(%error, "job failed");
            }
            if !self.queue.finish(&rec.id, lock, finish).await? {
                tracing::warn!("job was taken over by another worker before it finished here");
            }
        }
        Ok(self.queue.get_any(&rec.id).await?.unwrap_or(rec))
    }

    async fn attempt(
        &self,
        rec: &JobRecord,
        lock: &str,
        observer: Option<Observer>,
    ) -> Result<serde_json::Value, JobError> {
        let Some(handler) = self.registry.handlers.get(rec.kind.as_str()).cloned() else {
            return Err(JobError::fatal(format!("no handler for jobs of kind `{}`", rec.kind)));
        };
        let env = (self.registry.enter)(rec.clone()).await?;
        let lease_ms = millis(self.config.lease);
        let sink = ProgressSink { queue: self.queue.clone(), lock: lock.to_owned(), lease_ms, observer };
        let ctx = JobCtx { env, record: rec.clone(), sink };
        // A panicking job must not take the worker down: run it as its own task.
        let mut task = tokio::spawn(handler(rec.payload.clone(), ctx));
        let mut beat = tokio::time::interval((self.config.lease / 3).max(Duration::from_millis(10)));
        beat.tick().await;
        loop {
            tokio::select! {
                joined = &mut task => {
                    return joined.unwrap_or_else(|e| Err(JobError::retry(format!("the job stopped abnormally: {e}"))));
                }
                _ = beat.tick() => {
                    if let Ok(false) = self.queue.heartbeat(&rec.id, lock, lease_ms).await {
                        task.abort();
                        return Err(JobError::LeaseLost);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let base = Duration::from_secs(10);
        let max = Duration::from_secs(100);
        for _ in 0..50 {
            let first = backoff(1, base, max);
            assert!(first >= Duration::from_secs(5) && first <= Duration::from_secs(10), "{first:?}");
            let third = backoff(3, base, max);
            assert!(third >= Duration::from_secs(20) && third <= Duration::from_secs(40), "{third:?}");
            let late = backoff(40, base, max);
            assert!(late >= Duration::from_secs(50) && late <= max, "{late:?}");
        }
    }
}
