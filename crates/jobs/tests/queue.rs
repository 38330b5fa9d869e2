//! The queue and the runner on SQLite and PostgreSQL: exclusive claims with two workers, retries
//! with backoff, a crashed worker's lease running out, and jobs that fail closed when their user
//! was deactivated or belongs to another tenant, or their payload names another tenant's record.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, reason = "tests fail loudly on broken fixtures")]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jobs::{Job, JobActor, JobCtx, JobError, JobRecord, JobScope, JobStatus, Registry, Runner, WorkerConfig, new_job};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use store::{Auth, Db, DbOptions};

const SCHEMA: &str = r#"
abstract model TenantOwned {
  tenantId String @default(auth().tenantId)
  @@deny('all', tenantId != auth().tenantId)
}
model User extends TenantOwned {
  id     String  @id
  active Boolean @default(true)
  @@allow('read', true)
}
model Note extends TenantOwned {
  id   String @id
  text String
  @@allow('all', true)
}
"#;

fn pg_url() -> String {
    std::env::var("MANZIL_TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

struct Fresh {
    db: Db,
    /// The database's URL (to connect again, as a restarted server does).
    url: String,
    pg_schema: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl Fresh {
    async fn new(postgres: bool) -> Fresh {
        let schema = policy::load(SCHEMA).expect("schema").schema;
        let (url, dir, pg_schema) = if postgres {
            let name = format!("jobs_{}", uuid_like());
            let admin = sqlx::PgPool::connect(&pg_url()).await.expect("postgres");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA \"{name}\"")))
                .execute(&admin)
                .await
                .expect("schema");
            admin.close().await;
            let sep = if pg_url().contains('?') { '&' } else { '?' };
            (format!("{}{sep}options=-c%20search_path%3D{name}", pg_url()), None, Some(name))
        } else {
            let dir = tempfile::tempdir().expect("tempdir");
            (format!("sqlite:{}", dir.path().join("q.db").display()), Some(dir), None)
        };
        let db = Db::connect(&url, schema, DbOptions::default()).await.expect("connect");
        db.create_tables().await.expect("tables");
        db.queue().ensure_table().await.expect("queue table");
        let sys = db.as_system("test seed");
        for (id, tenant) in [("u1", "t1"), ("u2", "t2")] {
            sys.create("User", json!({"data": {"id": id, "tenantId": tenant}})).await.expect("user");
        }
        for (id, tenant) in [("n1", "t1"), ("n2", "t2")] {
            sys.create("Note", json!({"data": {"id": id, "tenantId": tenant, "text": "new"}})).await.expect("note");
        }
        Fresh { db, url, pg_schema, _dir: dir }
    }

    async fn close(self) {
        self.db.close().await;
        if let Some(name) = self.pg_schema {
            let admin = sqlx::PgPool::connect(&pg_url()).await.expect("postgres");
            sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE")))
                .execute(&admin)
                .await
                .expect("drop");
            admin.close().await;
        }
    }
}

fn uuid_like() -> String {
    format!("{:x}{:x}", std::process::id(), rand_u64())
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
}

/// What a job runs with: a client under its user's rules, and a log of the jobs run.
struct Env {
    client: store::Client,
    log: Arc<Mutex<Vec<String>>>,
}

/// Re-enters the policy context like the application does: the user must still exist and be
/// active in the job's tenant.
fn registry(db: &Db, log: Arc<Mutex<Vec<String>>>) -> Registry<Env> {
    let db = db.clone();
    Registry::new(move |rec: JobRecord| {
        let db = db.clone();
        let log = log.clone();
        async move {
            let tenant = rec.tenant_id.clone().ok_or_else(|| JobError::fatal("no tenant"))?;
            let user = rec.actor.user_id().ok_or_else(|| JobError::fatal("no user"))?.to_owned();
            let row = db
                .as_system("test: re-read the job's user")
                .run("User", "findFirst", &json!({"where": {"id": user, "tenantId": tenant, "active": true}}))
                .await?;
            if row.is_null() {
                return Err(JobError::fatal("the acting user no longer exists or is inactive in the job's tenant"));
            }
            let client = db.for_auth(Auth(Some(json!({"id": user, "tenantId": tenant}))));
            Ok(Env { client, log })
        }
    })
    .register::<Touch>()
    .register::<Flaky>()
}

/// Marks a note as touched, under the job's user's rules.
#[derive(Serialize, Deserialize)]
struct Touch {
    note: String,
}

impl Job for Touch {
    const KIND: &'static str = "test.touch";
    type Env = Env;

    async fn run(self, ctx: JobCtx<Env>) -> Result<Value, JobError> {
        let found = ctx.env.client.run("Note", "findUnique", &json!({"where": {"id": self.note}})).await?;
        if found.is_null() {
            return Err(JobError::fatal(format!("note {} is not visible to the job's user", self.note)));
        }
        ctx.progress_rows(1, 1).await?;
        ctx.env.client.update("Note", json!({"where": {"id": self.note}, "data": {"text": "touched"}})).await?;
        ctx.env.log.lock().unwrap().push(ctx.record().id.clone());
        Ok(json!({"touched": self.note}))
    }

    /// Settles a job whose worker died on the last attempt: marks the note, under the job's
    /// user's rules.
    async fn abandoned(self, env: Env, record: JobRecord) -> Result<(), JobError> {
        env.client.update("Note", json!({"where": {"id": self.note}, "data": {"text": "abandoned"}})).await?;
        env.log.lock().unwrap().push(format!("abandoned {}", record.id));
        Ok(())
    }
}

/// Always fails with a passing error.
#[derive(Serialize, Deserialize)]
struct Flaky;

impl Job for Flaky {
    const KIND: &'static str = "test.flaky";
    const MAX_ATTEMPTS: u32 = 3;
    type Env = Env;

    async fn run(self, _ctx: JobCtx<Env>) -> Result<Value, JobError> {
        Err(JobError::retry("the mail server is away"))
    }
}

fn config(backoff: Duration) -> WorkerConfig {
    WorkerConfig {
        workers: 2,
        poll_min: Duration::from_millis(5),
        poll_max: Duration::from_millis(20),
        lease: Duration::from_secs(30),
        backoff_base: backoff,
        backoff_max: backoff,
    }
}

fn user(id: &str) -> JobActor {
    JobActor::User(id.to_owned())
}

async fn touch(db: &Db, note: &str, tenant: &str, actor: &str) -> JobRecord {
    let job = new_job(&Touch { note: note.to_owned() }, Some(tenant.to_owned()), user(actor)).unwrap();
    db.queue().enqueue(&job).await.unwrap()
}

async fn two_workers_claim_each_job_once(f: &Fresh) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut ids = Vec::new();
    for _ in 0..24 {
        ids.push(touch(&f.db, "n1", "t1", "u1").await.id);
    }
    let runner = Arc::new(Runner::new(f.db.queue(), registry(&f.db, log.clone()), config(Duration::ZERO)));
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let workers = runner.clone().spawn(shutdown);
    assert_eq!(workers.len(), 2);
    let scope = JobScope { tenant_id: "t1".into(), actor: None };
    for _ in 0..2000 {
        let done = f.db.queue().list(&scope, Some(JobStatus::Done), 100).await.unwrap().len();
        if done == ids.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    stop.send(true).unwrap();
    for w in workers {
        w.await.unwrap();
    }
    let mut seen = log.lock().unwrap().clone();
    assert_eq!(seen.len(), ids.len(), "every job ran exactly once");
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), ids.len(), "no job ran twice");
    for id in &ids {
        let rec = f.db.queue().get_any(id).await.unwrap().unwrap();
        // A second attempt is possible (SQLite may answer a concurrent write with `busy`, a
        // passing error), a second run is not: the log above holds each job once.
        assert_eq!(rec.status, JobStatus::Done, "{:?}", rec.last_error);
        assert!(rec.attempts == 1 || rec.last_error.is_some(), "{rec:?}");
        assert_eq!(rec.result, Some(json!({"touched": "n1"})));
        assert_eq!(rec.progress, Some(json!({"done": 1, "total": 1})));
    }
}

async fn passing_errors_are_retried_with_backoff_then_failed(f: &Fresh) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let job = f.db.queue().enqueue(&new_job(&Flaky, Some("t1".into()), user("u1")).unwrap()).await.unwrap();

    let slow = Runner::new(f.db.queue(), registry(&f.db, log.clone()), config(Duration::from_secs(3600)));
    let before = jobs::now_ms();
    let rec = slow.run_next().await.unwrap().unwrap();
    assert_eq!((rec.id.as_str(), rec.status, rec.attempts), (job.id.as_str(), JobStatus::Queued, 1));
    assert_eq!(rec.last_error.as_deref(), Some("the mail server is away"));
    assert!(rec.run_at >= before + 1_800_000, "backoff of at least half the base: {}", rec.run_at - before);
    assert!(slow.run_next().await.unwrap().is_none(), "not due before its backoff");

    // With no backoff, the attempts run out: failed, with the reason.
    let fast = Runner::new(f.db.queue(), registry(&f.db, log), config(Duration::ZERO));
    let job = f.db.queue().enqueue(&new_job(&Flaky, Some("t1".into()), user("u1")).unwrap()).await.unwrap();
    let mut statuses = Vec::new();
    while let Some(rec) = fast.run_next().await.unwrap() {
        assert_eq!(rec.id, job.id);
        statuses.push((rec.status, rec.attempts));
    }
    assert_eq!(statuses, vec![(JobStatus::Queued, 1), (JobStatus::Queued, 2), (JobStatus::Failed, 3)]);
    let rec = f.db.queue().get_any(&job.id).await.unwrap().unwrap();
    assert!(rec.last_error.as_deref().unwrap().contains("gave up after 3 attempts"), "{:?}", rec.last_error);

    // An admin puts it back: fresh attempts, queued, due now.
    let scope = JobScope { tenant_id: "t1".into(), actor: None };
    assert!(f.db.queue().retry(&job.id, &scope).await.unwrap());
    let rec = f.db.queue().get(&job.id, &scope).await.unwrap().unwrap();
    assert_eq!((rec.status, rec.attempts), (JobStatus::Queued, 0));
    let other = JobScope { tenant_id: "t2".into(), actor: None };
    assert!(f.db.queue().get(&job.id, &other).await.unwrap().is_none(), "another tenant does not see it");
    assert!(!f.db.queue().retry(&job.id, &scope).await.unwrap(), "only failed jobs are retried");
}

async fn a_crashed_workers_job_is_retried_after_its_lease(f: &Fresh) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let job = touch(&f.db, "n1", "t1", "u1").await;
    // A worker claims it and dies: its lease runs out (here: at once).
    let crashed = f.db.queue().claim(&["test.touch"], "dead-worker", -1).await.unwrap().unwrap();
    assert_eq!((crashed.id.as_str(), crashed.status), (job.id.as_str(), JobStatus::Running));

    let runner = Runner::new(f.db.queue(), registry(&f.db, log.clone()), config(Duration::ZERO));
    let rec = runner.run_next().await.unwrap().unwrap();
    assert_eq!((rec.id.as_str(), rec.status, rec.attempts), (job.id.as_str(), JobStatus::Done, 2));
    assert_eq!(log.lock().unwrap().len(), 1);
    // The dead worker's late write is fenced off.
    assert!(
        !f.db.queue().finish(&job.id, "dead-worker", store::queue::Finish::Done { result: json!(1) }).await.unwrap()
    );

    // On its last attempt, an expired lease fails the job with the reason.
    let mut last = new_job(&Touch { note: "n1".into() }, Some("t1".into()), user("u1")).unwrap();
    last.max_attempts = 1;
    let last = f.db.queue().enqueue(&last).await.unwrap();
    f.db.queue().claim(&["test.touch"], "dead-worker", -1).await.unwrap().unwrap();
    assert!(runner.run_next().await.unwrap().is_none());
    let rec = f.db.queue().get_any(&last.id).await.unwrap().unwrap();
    assert_eq!(rec.status, JobStatus::Failed);
    assert!(rec.last_error.unwrap().contains("lease expired"));
    // …and its kind settles it once, in the job's environment (the user's rules).
    assert_eq!(log.lock().unwrap().last(), Some(&format!("abandoned {}", last.id)));
    let note = f.db.as_system("test: check").find_unique("Note", json!({"where": {"id": "n1"}})).await.unwrap();
    assert_eq!(note["text"], "abandoned");
    assert!(runner.run_next().await.unwrap().is_none());
    assert_eq!(log.lock().unwrap().iter().filter(|l| l.starts_with("abandoned")).count(), 1, "settled once");
}

async fn jobs_fail_closed(f: &Fresh) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let runner = Runner::new(f.db.queue(), registry(&f.db, log.clone()), config(Duration::ZERO));
    let mut reasons = HashMap::new();

    // The user belongs to another tenant than the job.
    let foreign_user = touch(&f.db, "n1", "t1", "u2").await;
    // The payload names another tenant's record.
    let foreign_note = touch(&f.db, "n2", "t1", "u1").await;
    for id in [&foreign_user.id, &foreign_note.id] {
        let rec = runner.run_next().await.unwrap().unwrap();
        assert_eq!(&rec.id, id);
        assert_eq!((rec.status, rec.attempts), (JobStatus::Failed, 1), "failed at once, not retried");
        reasons.insert(rec.id.clone(), rec.last_error.unwrap());
    }
    assert!(reasons[&foreign_user.id].contains("no longer exists or is inactive"), "{reasons:?}");
    assert!(reasons[&foreign_note.id].contains("not visible"), "{reasons:?}");

    // The user was deactivated after enqueueing.
    let job = touch(&f.db, "n1", "t1", "u1").await;
    f.db.as_system("test: deactivate")
        .update("User", json!({"where": {"id": "u1"}, "data": {"active": false}}))
        .await
        .unwrap();
    let rec = runner.run_next().await.unwrap().unwrap();
    assert_eq!((rec.id.as_str(), rec.status), (job.id.as_str(), JobStatus::Failed));
    assert!(rec.last_error.unwrap().contains("inactive"));

    assert!(log.lock().unwrap().is_empty(), "no refused job ran");
    let n2 = f.db.as_system("test: check").find_unique("Note", json!({"where": {"id": "n2"}})).await.unwrap();
    assert_eq!(n2["text"], "new", "the other tenant's record is untouched");
}

async fn unknown_kinds_are_left_for_workers_that_know_them(f: &Fresh) {
    let mut job = new_job(&Touch { note: "n1".into() }, Some("t1".into()), user("u1")).unwrap();
    job.kind = "test.unknown".into();
    let rec = f.db.queue().enqueue(&job).await.unwrap();
    let runner = Runner::new(f.db.queue(), registry(&f.db, Arc::default()), config(Duration::ZERO));
    assert!(runner.run_next().await.unwrap().is_none());
    assert_eq!(f.db.queue().get_any(&rec.id).await.unwrap().unwrap().status, JobStatus::Queued);
}

async fn run_now_runs_here_with_progress(f: &Fresh) {
    let runner = Runner::new(f.db.queue(), registry(&f.db, Arc::default()), config(Duration::ZERO));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let observer: jobs::Observer = {
        let seen = seen.clone();
        Arc::new(move |v: &Value| seen.lock().unwrap().push(v.clone()))
    };
    let job = new_job(&Touch { note: "n1".into() }, Some("t1".into()), user("u1")).unwrap();
    let rec = runner.run_now(&job, Some(observer)).await.unwrap();
    assert_eq!((rec.status, rec.attempts), (JobStatus::Done, 1));
    assert_eq!(*seen.lock().unwrap(), vec![json!({"done": 1, "total": 1})]);
}

/// A delivery key queues one job however often the delivery comes, a record created with a taken
/// key still commits, and a table of an earlier version gains the key on the next start.
async fn a_delivery_key_queues_one_job(f: &Fresh) {
    let queue = f.db.queue();
    let job = || new_job(&Touch { note: "n1".into() }, Some("t1".into()), user("u1")).unwrap();
    let first = queue.enqueue_once(&job().deduped("wa:1")).await.unwrap().expect("queued");
    assert_eq!(first.dedupe_key.as_deref(), Some("wa:1"));
    assert!(queue.enqueue_once(&job().deduped("wa:1")).await.unwrap().is_none(), "a duplicate");
    assert_eq!(queue.enqueue(&job().deduped("wa:1")).await.unwrap().id, first.id, "the existing job");
    assert!(queue.enqueue_once(&job().deduped("wa:2")).await.unwrap().is_some());
    // Jobs without a key never collide.
    assert!(queue.enqueue_once(&job()).await.unwrap().is_some());
    assert!(queue.enqueue_once(&job()).await.unwrap().is_some());
    let (note, queued) =
        f.db.as_system("test seed")
            .create_and_enqueue("Note", &json!({"data": {"id": "n3", "tenantId": "t1", "text": "x"}}), |_| {
                vec![job().deduped("wa:1")]
            })
            .await
            .unwrap();
    assert_eq!((note["id"].as_str(), queued.len()), (Some("n3"), 0));
    let scope = JobScope { tenant_id: "t1".into(), actor: None };
    assert_eq!(queue.list(&scope, None, 100).await.unwrap().len(), 4);

    // An earlier table, without the column: `ensure_table` adds it (and its unique index).
    f.db.execute_script(&[
        "DROP TABLE \"_manzil_jobs\"".to_owned(),
        "CREATE TABLE \"_manzil_jobs\" (\"id\" TEXT NOT NULL PRIMARY KEY, \"kind\" TEXT NOT NULL, \
         \"payload\" TEXT NOT NULL, \"tenant_id\" TEXT, \"actor\" TEXT NOT NULL, \"status\" TEXT NOT NULL, \
         \"attempts\" INTEGER NOT NULL DEFAULT 0, \"max_attempts\" INTEGER NOT NULL, \"run_at\" BIGINT NOT NULL, \
         \"locked_until\" BIGINT, \"locked_by\" TEXT, \"last_error\" TEXT, \"progress\" TEXT, \"result\" TEXT, \
         \"created_at\" BIGINT NOT NULL, \"updated_at\" BIGINT NOT NULL)"
            .to_owned(),
    ])
    .await
    .unwrap();
    // The upgrade happens when a server starts: on a new pool, whose connections hold no
    // statement prepared against the table this test just replaced under the old pool.
    let restarted = Db::connect(&f.url, policy::load(SCHEMA).expect("schema").schema, DbOptions::default())
        .await
        .expect("connect again");
    let queue = restarted.queue();
    queue.ensure_table().await.unwrap();
    queue.ensure_table().await.unwrap();
    assert!(queue.enqueue_once(&job().deduped("wa:1")).await.unwrap().is_some());
    assert!(queue.enqueue_once(&job().deduped("wa:1")).await.unwrap().is_none());
    restarted.close().await;
}

macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let f = super::Fresh::new(false).await;
                    super::$name(&f).await;
                    f.close().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let f = super::Fresh::new(true).await;
                    super::$name(&f).await;
                    f.close().await;
                }
            )*
        }
    };
}

on_both_databases!(
    two_workers_claim_each_job_once,
    passing_errors_are_retried_with_backoff_then_failed,
    a_crashed_workers_job_is_retried_after_its_lease,
    jobs_fail_closed,
    unknown_kinds_are_left_for_workers_that_know_them,
    run_now_runs_here_with_progress,
    a_delivery_key_queues_one_job,
);
