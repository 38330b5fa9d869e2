//! A generic durable job queue: typed [`Job`]s, the [`Runner`] that claims and runs them (poll
//! with backoff, a lease renewed while a job runs so a crashed worker's job is retried, retries
//! with exponential backoff and jitter, failure with the reason after the last attempt), and
//! progress reporting. The rows live in the database (`store::queue`), so a job enqueued is a job
//! kept.
//!
//! It knows no CRM types: every job carries its tenant and acting user, and the application hands
//! the [`Registry`] an *enter* hook that turns them into the job's environment (for Manzil:
//! re-reading the user and opening a client under their rules). A hook that refuses fails the job
//! closed, with its reason recorded.

mod registry;
mod worker;

use std::future::Future;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

pub use registry::Registry;
pub use store::queue::{JobActor, JobRecord, JobScope, JobStatus, NewJob, Queue, now_ms};
pub use worker::{Runner, WorkerConfig, backoff};

/// A kind of job: a serde payload with a stable name, run in an environment `Env` that the
/// registry's enter hook builds from the job's tenant and actor.
pub trait Job: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The stable name stored with each job (`import.leads`). Never rename one in use.
    const KIND: &'static str;
    /// Attempts before the job is failed for good.
    const MAX_ATTEMPTS: u32 = 5;
    /// What the job runs with (for Manzil: the acting user's rule-bound client).
    type Env: Send + Sync + 'static;

    /// Does the work; the value returned is stored as the job's result.
    fn run(self, ctx: JobCtx<Self::Env>) -> impl Future<Output = Result<Value, JobError>> + Send;

    /// Settles a job failed for good without its own say: its worker died during the last attempt
    /// (the queue fails it when the lease runs out). Runs once, in the job's environment, e.g. to
    /// mark the record the job was working on as failed. By default nothing.
    fn abandoned(self, env: Self::Env, record: JobRecord) -> impl Future<Output = Result<(), JobError>> + Send {
        async move {
            let _ = (self, env, record);
            Ok(())
        }
    }
}

/// The row to enqueue for `job`, on behalf of `actor` in `tenant_id`.
pub fn new_job<J: Job>(job: &J, tenant_id: Option<String>, actor: JobActor) -> Result<NewJob, JobError> {
    let payload = serde_json::to_value(job).map_err(|e| JobError::fatal(format!("cannot encode the job: {e}")))?;
    Ok(NewJob {
        kind: J::KIND.to_owned(),
        payload,
        tenant_id,
        actor,
        max_attempts: J::MAX_ATTEMPTS,
        run_at: None,
        dedupe_key: None,
    })
}

/// Why an attempt did not succeed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum JobError {
    /// A passing problem (the database is away): try again later, until attempts run out.
    #[error("{0}")]
    Retry(String),
    /// Trying again cannot help (the user is gone, the payload names a record the user may not
    /// see): fail now, keeping `result` (e.g. a partial report) when given.
    #[error("{message}")]
    Fatal { message: String, result: Option<Value> },
    /// Another worker took the job over (this one's lease expired): write nothing more.
    #[error("the job's lease was lost to another worker")]
    LeaseLost,
}

impl JobError {
    pub fn retry(message: impl Into<String>) -> Self {
        JobError::Retry(message.into())
    }

    pub fn fatal(message: impl Into<String>) -> Self {
        JobError::Fatal { message: message.into(), result: None }
    }
}

impl From<store::StoreError> for JobError {
    fn from(e: store::StoreError) -> Self {
        match e {
            store::StoreError::Db(_) => JobError::Retry(e.to_string()),
            other => JobError::fatal(other.to_string()),
        }
    }
}

/// Sees each progress value a job reports (the CLI's progress bar).
pub type Observer = Arc<dyn Fn(&Value) + Send + Sync>;

/// What a running job gets: its environment, its row, and a way to report progress.
pub struct JobCtx<E> {
    pub env: E,
    record: JobRecord,
    sink: ProgressSink,
}

#[derive(Clone)]
struct ProgressSink {
    queue: Queue,
    lock: String,
    lease_ms: i64,
    observer: Option<Observer>,
}

impl<E> JobCtx<E> {
    /// The job's row as claimed (id, tenant, actor, attempt number…).
    pub fn record(&self) -> &JobRecord {
        &self.record
    }

    /// Stores `progress` on the job (and renews its lease). [`JobError::LeaseLost`] when another
    /// worker has taken the job over: stop then.
    pub async fn progress(&self, progress: Value) -> Result<(), JobError> {
        if let Some(observe) = &self.sink.observer {
            observe(&progress);
        }
        let s = &self.sink;
        match s.queue.progress(&self.record.id, &s.lock, &progress, s.lease_ms).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(JobError::LeaseLost),
            Err(e) => {
                tracing::warn!(job = %self.record.id, error = %e, "cannot store job progress");
                Ok(())
            }
        }
    }

    /// Progress as `{"done", "total"}`.
    pub async fn progress_rows(&self, done: u64, total: u64) -> Result<(), JobError> {
        self.progress(json!({ "done": done, "total": total })).await
    }
}
