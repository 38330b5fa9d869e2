//! Background jobs of the CRM: the environment a job runs in (its acting user's rules, re-entered
//! by the worker), the registry of Manzil's job kinds, and the jobs API's use cases.
//!
//! A job carries its tenant and acting user. Before it runs, [`enter`] re-reads the user: they
//! must still exist and be active in that tenant, else the job fails closed with the reason. The
//! job then runs with `db.for_auth(that user)`: a payload naming another tenant's record finds
//! nothing, exactly as a request of that user would.

use std::sync::Arc;

use jobs::{JobActor, JobError, JobRecord, JobScope, JobStatus, Registry, Runner, WorkerConfig};
use serde::Serialize;
use serde_json::Value;
use store::StoreError;

use crate::App;
use crate::actor::Actor;
use domain::{CountryCode, Role};

/// What a Manzil job runs with: the acting user, a client under their rules, and their agency's
/// settings.
pub struct JobEnv {
    pub app: Arc<App>,
    pub actor: Actor,
    pub client: store::Client,
    pub country: CountryCode,
    pub currency: String,
}

/// Re-enters the policy context of `rec`: the user must still exist and be active in the job's
/// tenant. Anything else fails the job closed, with the reason.
pub async fn enter(app: Arc<App>, rec: JobRecord) -> Result<JobEnv, JobError> {
    let Some(tenant_id) = rec.tenant_id.as_deref() else {
        return Err(JobError::fatal("the job names no agency"));
    };
    let actor = match &rec.actor {
        JobActor::User(user_id) => app
            .auth
            .actor_of(user_id, tenant_id)
            .await
            .map_err(JobError::from)?
            .ok_or_else(|| JobError::fatal("the acting user no longer exists or is inactive in the job's agency"))?,
        // The inbox's named system actor: ADMIN rights within the job's agency only.
        JobActor::System(name) if name == crate::inbox::inbound::SYSTEM_ACTOR => {
            crate::inbox::inbound::system_actor(tenant_id)
        }
        JobActor::System(_) => {
            return Err(JobError::fatal("jobs of this system actor are not accepted by this worker"));
        }
    };
    let client = actor.db(&app.db);
    let Some(agency) = crate::tenants::settings(&client, tenant_id).await? else {
        return Err(JobError::fatal("the job's agency no longer exists"));
    };
    let currency = agency.currency.unwrap_or_else(|| "AED".to_owned());
    Ok(JobEnv { app, actor, client, country: agency.country, currency })
}

/// The runner of every Manzil job kind, over `app`'s database.
pub fn runner(app: Arc<App>, config: WorkerConfig) -> Runner<JobEnv> {
    let queue = app.db.queue();
    let wake = app.job_wake.clone();
    let entering = app.clone();
    let registry = Registry::new(move |rec| enter(entering.clone(), rec))
        .register::<crate::imports::ImportLeads>()
        .register::<crate::imports::ImportProperties>()
        .register::<crate::inbox::delivery::Deliver>()
        .register::<crate::inbox::delivery::MarkRead>()
        .register::<crate::inbox::inbound::whatsapp::ProcessWhatsapp>()
        .register::<crate::inbox::inbound::sms::ProcessSms>()
        .register::<crate::inbox::inbound::email::ProcessEmail>()
        .register::<crate::inbox::inbound::media::DownloadMedia>()
        .register::<crate::inbox::inbound::mms::DownloadMms>();
    Runner::new(queue, registry, config).with_wake(wake)
}

/// A job as the API shows it (never its payload, which may hold a whole file).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobView {
    pub id: String,
    #[schema(example = "import.leads")]
    pub kind: String,
    /// `queued`, `running`, `done` or `failed`.
    #[schema(example = "done")]
    pub status: String,
    /// The user who started it (`null` for a system job).
    pub started_by: Option<String>,
    pub attempts: i64,
    pub max_attempts: i64,
    /// When it runs next (queued) or ran.
    pub run_at: String,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// e.g. `{"done": 120, "total": 500}`.
    #[schema(value_type = Option<Object>)]
    pub progress: Option<Value>,
    /// The job's report (an import's counts and row errors).
    #[schema(value_type = Option<Object>)]
    pub result: Option<Value>,
    pub created_at: String,
    pub updated_at: String,
}

fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

impl From<JobRecord> for JobView {
    fn from(r: JobRecord) -> Self {
        JobView {
            id: r.id,
            kind: r.kind,
            status: r.status.as_str().to_owned(),
            started_by: r.actor.user_id().map(str::to_owned),
            attempts: r.attempts,
            max_attempts: r.max_attempts,
            run_at: iso(r.run_at),
            last_error: r.last_error,
            progress: r.progress,
            result: r.result,
            created_at: iso(r.created_at),
            updated_at: iso(r.updated_at),
        }
    }
}

/// Why a jobs use case failed.
#[derive(Debug, thiserror::Error)]
pub enum JobsError {
    /// Missing, or not the caller's to see (never told apart).
    #[error("the job was not found")]
    NotFound,
    /// Only failed jobs go back to the queue.
    #[error("only a failed job can be retried")]
    NotFailed,
    #[error("`{0}` is not a job status")]
    InvalidStatus(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Whose jobs `actor` sees: an admin, the agency's; anyone else, the ones they started.
pub fn scope(actor: &Actor) -> JobScope {
    JobScope {
        tenant_id: actor.tenant_id.clone(),
        actor: (actor.role != Role::Admin).then(|| JobActor::User(actor.user_id.clone())),
    }
}

/// The newest jobs the caller sees, optionally of one status (at most `limit`, 1–100).
pub async fn list(
    app: &App,
    actor: &Actor,
    status: Option<&str>,
    limit: Option<u32>,
) -> Result<Vec<JobView>, JobsError> {
    let status = match status.filter(|s| !s.is_empty()) {
        Some(s) => Some(JobStatus::parse(s).ok_or_else(|| JobsError::InvalidStatus(s.to_owned()))?),
        None => None,
    };
    let rows = app.db.queue().list(&scope(actor), status, limit.unwrap_or(50).clamp(1, 100)).await?;
    Ok(rows.into_iter().map(JobView::from).collect())
}

/// One job the caller sees.
pub async fn get(app: &App, actor: &Actor, id: &str) -> Result<JobView, JobsError> {
    let rec = app.db.queue().get(id, &scope(actor)).await?.ok_or(JobsError::NotFound)?;
    Ok(rec.into())
}

/// Puts a failed job the caller sees back in the queue.
pub async fn retry(app: &App, actor: &Actor, id: &str) -> Result<JobView, JobsError> {
    let queue = app.db.queue();
    let scope = scope(actor);
    if !queue.retry(id, &scope).await? {
        return match queue.get(id, &scope).await? {
            Some(_) => Err(JobsError::NotFailed),
            None => Err(JobsError::NotFound),
        };
    }
    app.job_wake.notify_one();
    get(app, actor, id).await
}
