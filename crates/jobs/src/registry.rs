//! The [`Registry`]: which job kinds a runner knows, and the enter hook that builds each job's
//! environment from its tenant and actor.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde_json::Value;

use crate::{Job, JobCtx, JobError, JobRecord};

pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;
pub(crate) type Enter<E> = Arc<dyn Fn(JobRecord) -> BoxFuture<Result<E, JobError>> + Send + Sync>;
pub(crate) type Handler<E> = Arc<dyn Fn(Value, JobCtx<E>) -> BoxFuture<Result<Value, JobError>> + Send + Sync>;
pub(crate) type Abandon<E> = Arc<dyn Fn(JobRecord, E) -> BoxFuture<Result<(), JobError>> + Send + Sync>;

/// The job kinds a runner handles, all sharing one environment type `E`.
pub struct Registry<E> {
    pub(crate) enter: Enter<E>,
    pub(crate) handlers: HashMap<&'static str, Handler<E>>,
    pub(crate) abandoned: HashMap<&'static str, Abandon<E>>,
}

impl<E: Send + Sync + 'static> Registry<E> {
    /// A registry whose jobs run in the environment `enter` builds from each job's row. `enter`
    /// decides whether the job may run at all: its refusal fails the job (closed).
    pub fn new<F, Fut>(enter: F) -> Self
    where
        F: Fn(JobRecord) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<E, JobError>> + Send + 'static,
    {
        Registry {
            enter: Arc::new(move |rec| Box::pin(enter(rec))),
            handlers: HashMap::new(),
            abandoned: HashMap::new(),
        }
    }

    /// Adds the job type `J`.
    #[must_use]
    pub fn register<J: Job<Env = E>>(mut self) -> Self {
        let handler: Handler<E> = Arc::new(|payload, ctx| {
            Box::pin(async move {
                let job: J = serde_json::from_value(payload)
                    .map_err(|e| JobError::fatal(format!("the payload of a `{}` job does not decode: {e}", J::KIND)))?;
                job.run(ctx).await
            })
        });
        self.handlers.insert(J::KIND, handler);
        let abandon: Abandon<E> = Arc::new(|record, env| {
            Box::pin(async move {
                let job: J = serde_json::from_value(record.payload.clone())
                    .map_err(|e| JobError::fatal(format!("the payload of a `{}` job does not decode: {e}", J::KIND)))?;
                job.abandoned(env, record).await
            })
        });
        self.abandoned.insert(J::KIND, abandon);
        self
    }

    /// The registered kinds.
    pub fn kinds(&self) -> Vec<&'static str> {
        let mut k: Vec<_> = self.handlers.keys().copied().collect();
        k.sort_unstable();
        k
    }
}
