//! `DELETE /api/v1/leads/{id}`.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;

/// Deletes a lead. The rules allow it to admins only; a manager or agent who can read the lead
/// gets 403, anyone else 404.
#[utoipa::path(
    delete,
    path = "/api/v1/leads/{id}",
    tag = "leads",
    params(("id" = String, Path, description = "The lead's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`", body = ErrorBody),
        (status = 404, description = "`lead.not_found`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn delete_lead(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    app::leads::delete(&state.app.db, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
