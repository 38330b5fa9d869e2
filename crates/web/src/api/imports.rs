//! `POST /api/v1/imports/leads` and `POST /api/v1/imports/properties`: a CSV file (multipart part
//! `file`, or the raw body as `text/csv`) becomes an import job; `202` with the job, whose
//! progress and report `GET /api/v1/jobs/{id}` shows.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;

use app::csv_file::CsvError;
use app::imports::{ImportError, ImportKind};
use app::jobs::JobView;

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::api::uploads;
use crate::auth::CurrentActor;
use crate::error::ApiError;

/// Raw bodies taken as CSV.
const CSV_TYPES: &[&str] = &["text/csv", "application/csv", "text/plain", "application/vnd.ms-excel"];

impl From<ImportError> for ApiError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Csv(CsvError::NotUtf8) => ApiError::new(StatusCode::BAD_REQUEST, "import.not_utf8"),
            ImportError::Csv(CsvError::NoHeader | CsvError::Malformed(_)) => {
                ApiError::new(StatusCode::BAD_REQUEST, "import.malformed")
            }
            ImportError::Csv(CsvError::MissingColumn(c)) => {
                ApiError::new(StatusCode::BAD_REQUEST, "import.missing_column").with("column", c)
            }
            ImportError::Csv(CsvError::TooManyRows(n)) => {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "import.too_many_rows").with("maxRows", n)
            }
            e @ ImportError::Job(_) => ApiError::internal(&e),
            ImportError::Store(e) => e.into(),
        }
    }
}

fn too_large() -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "request.too_large")
}

async fn start(
    state: AppState,
    actor: app::Actor,
    kind: ImportKind,
    req: Request,
) -> Result<(StatusCode, Json<JobView>), ApiError> {
    let upload = uploads::read(&state, req, state.settings.import_limit, CSV_TYPES, too_large).await?;
    let job = app::imports::start(&state.app, &actor, kind, &upload.bytes).await?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

/// Imports leads from a CSV file (UTF-8, with or without BOM; columns in `docs/server.md`).
#[utoipa::path(
    post,
    path = "/api/v1/imports/leads",
    tag = "imports",
    request_body(content = String, description = "The CSV file: raw (`text/csv`) or the `file` part of a multipart form", content_type = "text/csv"),
    responses(
        (status = 202, description = "The import job; poll `GET /api/v1/jobs/{id}`", body = JobView),
        (status = 400, description = "`import.not_utf8`, `import.malformed`, `import.missing_column`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 413, description = "`request.too_large`, `import.too_many_rows`", body = ErrorBody),
        (status = 415, description = "`request.unsupported_media_type`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn import_leads(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    req: Request,
) -> Result<(StatusCode, Json<JobView>), ApiError> {
    start(state, actor, ImportKind::Leads, req).await
}

/// Imports listings from a CSV file (UTF-8, with or without BOM; columns in `docs/server.md`).
#[utoipa::path(
    post,
    path = "/api/v1/imports/properties",
    tag = "imports",
    request_body(content = String, description = "The CSV file: raw (`text/csv`) or the `file` part of a multipart form", content_type = "text/csv"),
    responses(
        (status = 202, description = "The import job; poll `GET /api/v1/jobs/{id}`", body = JobView),
        (status = 400, description = "`import.not_utf8`, `import.malformed`, `import.missing_column`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 413, description = "`request.too_large`, `import.too_many_rows`", body = ErrorBody),
        (status = 415, description = "`request.unsupported_media_type`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn import_properties(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    req: Request,
) -> Result<(StatusCode, Json<JobView>), ApiError> {
    start(state, actor, ImportKind::Properties, req).await
}
