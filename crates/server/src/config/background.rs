//! Config sections for background work and stored files: `jobs.*` (the in-process workers),
//! `imports.*` and `files.s3.*`, and what the composition root builds from them.

use std::time::Duration;

use serde::Deserialize;

use super::{Config, Secret};

/// `[jobs]`: the durable queue's in-process workers.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobsConfig {
    /// Jobs run at once by `manzil serve` (0: this process runs none).
    pub workers: usize,
    /// The first wait of an idle worker; it doubles up to `max_poll_interval_ms`.
    pub poll_interval_ms: u64,
    pub max_poll_interval_ms: u64,
    /// How long a claimed job stays a worker's without a sign of life.
    pub lease_secs: u64,
    /// The first retry delay (doubling per attempt, jittered) and its cap.
    pub retry_base_secs: u64,
    pub retry_max_secs: u64,
}

impl Default for JobsConfig {
    fn default() -> Self {
        Self {
            workers: 2,
            poll_interval_ms: 200,
            max_poll_interval_ms: 5_000,
            lease_secs: 300,
            retry_base_secs: 5,
            retry_max_secs: 3_600,
        }
    }
}

/// `[imports]`: CSV uploads.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImportsConfig {
    /// The largest CSV file accepted, in bytes.
    pub max_bytes: usize,
}

impl Default for ImportsConfig {
    fn default() -> Self {
        Self { max_bytes: 10 * 1024 * 1024 }
    }
}

/// `[files.s3]`: an S3-compatible bucket instead of the local directory.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct S3Config {
    pub bucket: String,
    pub region: Option<String>,
    /// For MinIO, R2 and the like, e.g. `http://127.0.0.1:9000`.
    pub endpoint: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<Secret<String>>,
    /// Allow a plain-http endpoint.
    pub allow_http: bool,
}

impl Config {
    /// The workers' settings.
    pub fn worker_config(&self) -> jobs::WorkerConfig {
        let j = &self.jobs;
        jobs::WorkerConfig {
            workers: j.workers,
            poll_min: Duration::from_millis(j.poll_interval_ms.max(1)),
            poll_max: Duration::from_millis(j.max_poll_interval_ms.max(j.poll_interval_ms.max(1))),
            lease: Duration::from_secs(j.lease_secs.max(1)),
            backoff_base: Duration::from_secs(j.retry_base_secs),
            backoff_max: Duration::from_secs(j.retry_max_secs.max(j.retry_base_secs)),
        }
    }

    /// Where uploaded files go: the S3 bucket when `files.s3.bucket` is set, else the directory.
    pub fn files_backend(&self) -> app::files::Backend {
        match &self.files.s3 {
            Some(s3) if !s3.bucket.is_empty() => app::files::Backend::S3(app::files::S3Settings {
                bucket: s3.bucket.clone(),
                region: s3.region.clone(),
                endpoint: s3.endpoint.clone(),
                access_key_id: s3.access_key_id.clone(),
                secret_access_key: s3.secret_access_key.as_ref().map(|s| s.expose().clone()),
                allow_http: s3.allow_http,
            }),
            _ => app::files::Backend::Local(self.files_dir()),
        }
    }

    /// Problems of these sections, for [`Config::validate`].
    pub(super) fn background_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.jobs.lease_secs < 10 {
            problems.push("jobs.lease_secs (MANZIL__JOBS__LEASE_SECS): at least 10".to_owned());
        }
        if self.files.max_bytes < 1024 {
            problems.push("files.max_bytes (MANZIL__FILES__MAX_BYTES): at least 1024".to_owned());
        }
        if self.imports.max_bytes < 1024 {
            problems.push("imports.max_bytes (MANZIL__IMPORTS__MAX_BYTES): at least 1024".to_owned());
        }
        if let Some(s3) = &self.files.s3
            && s3.bucket.is_empty()
            && (s3.endpoint.is_some() || s3.access_key_id.is_some())
        {
            problems
                .push("files.s3.bucket (MANZIL__FILES__S3__BUCKET): name the bucket, or remove [files.s3]".to_owned());
        }
        problems
    }
}
