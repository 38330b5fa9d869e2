//! `DELETE /api/v1/teams/{id}`.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;

/// Deletes a team (admins). Its members stay, without a team.
#[utoipa::path(
    delete,
    path = "/api/v1/teams/{id}",
    tag = "teams",
    params(("id" = String, Path, description = "The team's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`: not an admin", body = ErrorBody),
        (status = 404, description = "`team.not_found`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn delete_team(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    app::teams::delete(&state.app.db, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
