//! `POST /api/v1/activities/{id}/done`.

use axum::Json;
use axum::extract::{Path, State};

use app::activities::ActivityView;

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;

/// Marks an activity done now (one already done keeps its time). Allowed to whoever may edit
/// the activity; no body.
#[utoipa::path(
    post,
    path = "/api/v1/activities/{id}/done",
    tag = "activities",
    params(("id" = String, Path, description = "The activity's id")),
    responses(
        (status = 200, description = "The activity, done", body = ActivityView),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`: readable, but the rules refuse the change", body = ErrorBody),
        (status = 404, description = "`activity.not_found`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn done_activity(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
) -> Result<Json<ActivityView>, ApiError> {
    Ok(Json(app::activities::done(&state.app.db, &actor, &id).await?))
}
