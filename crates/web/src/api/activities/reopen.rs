//! `POST /api/v1/activities/{id}/reopen`.

use axum::Json;
use axum::extract::{Path, State};

use app::activities::ActivityView;

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;

/// Marks a done activity open again. Allowed to whoever may edit the activity; no body.
#[utoipa::path(
    post,
    path = "/api/v1/activities/{id}/reopen",
    tag = "activities",
    params(("id" = String, Path, description = "The activity's id")),
    responses(
        (status = 200, description = "The activity, open", body = ActivityView),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`: readable, but the rules refuse the change", body = ErrorBody),
        (status = 404, description = "`activity.not_found`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn reopen_activity(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
) -> Result<Json<ActivityView>, ApiError> {
    Ok(Json(app::activities::reopen(&state.app.db, &actor, &id).await?))
}
