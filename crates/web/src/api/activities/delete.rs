//! `DELETE /api/v1/activities/{id}`.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;

/// Deletes an activity. The rules allow it to its creator and to admins; anyone else who can
/// read it gets 403, the rest 404.
#[utoipa::path(
    delete,
    path = "/api/v1/activities/{id}",
    tag = "activities",
    params(("id" = String, Path, description = "The activity's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`", body = ErrorBody),
        (status = 404, description = "`activity.not_found`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn delete_activity(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    app::activities::delete(&state.app.db, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
