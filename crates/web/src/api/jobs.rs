//! `GET /api/v1/jobs`, `GET /api/v1/jobs/{id}`, `POST /api/v1/jobs/{id}/retry`: background jobs
//! (imports…) with their progress and reports. An admin sees the agency's jobs; everyone else the
//! jobs they started.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use app::jobs::{JobView, JobsError};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::query::ApiQuery;

impl From<JobsError> for ApiError {
    fn from(e: JobsError) -> Self {
        match e {
            JobsError::NotFound => ApiError::not_found("Job"),
            JobsError::NotFailed => ApiError::new(StatusCode::CONFLICT, "job.not_failed"),
            JobsError::InvalidStatus(_) => {
                ApiError::new(StatusCode::BAD_REQUEST, "request.invalid_query").with("field", "status")
            }
            JobsError::Store(e) => e.into(),
        }
    }
}

/// The query string of the job list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct JobListQuery {
    /// `queued`, `running`, `done` or `failed`.
    pub status: Option<String>,
    /// At most this many, newest first (1–100, default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// The newest jobs the caller may see.
#[utoipa::path(
    get,
    path = "/api/v1/jobs",
    tag = "jobs",
    params(JobListQuery),
    responses(
        (status = 200, description = "Jobs, newest first", body = Vec<JobView>),
        (status = 400, description = "`request.invalid_query`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn list_jobs(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(q): ApiQuery<JobListQuery>,
) -> Result<Json<Vec<JobView>>, ApiError> {
    Ok(Json(app::jobs::list(&state.app, &actor, q.status.as_deref(), q.limit).await?))
}

/// One job: status, progress (`{"done", "total"}`) and, when it ended, its report.
#[utoipa::path(
    get,
    path = "/api/v1/jobs/{id}",
    tag = "jobs",
    params(("id" = String, Path, description = "The job's id")),
    responses(
        (status = 200, description = "The job", body = JobView),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 404, description = "`job.not_found` (missing, or not the caller's)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn get_job(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
) -> Result<Json<JobView>, ApiError> {
    Ok(Json(app::jobs::get(&state.app, &actor, &id).await?))
}

/// Puts a failed job back in the queue, with fresh attempts.
#[utoipa::path(
    post,
    path = "/api/v1/jobs/{id}/retry",
    tag = "jobs",
    params(("id" = String, Path, description = "The job's id")),
    responses(
        (status = 200, description = "The job, queued again", body = JobView),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 404, description = "`job.not_found`", body = ErrorBody),
        (status = 409, description = "`job.not_failed`: only failed jobs are retried", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn retry_job(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
) -> Result<Json<JobView>, ApiError> {
    Ok(Json(app::jobs::retry(&state.app, &actor, &id).await?))
}
