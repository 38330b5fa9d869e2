//! `GET /api/v1/activities/{id}`.

use axum::Json;
use axum::extract::{Path, State};

use app::activities::ActivityView;

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;

/// One activity. An activity the caller may not read answers exactly like a missing one.
#[utoipa::path(
    get,
    path = "/api/v1/activities/{id}",
    tag = "activities",
    params(("id" = String, Path, description = "The activity's id")),
    responses(
        (status = 200, description = "The activity", body = ActivityView),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 404, description = "`activity.not_found` (missing or hidden by the rules)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn get_activity(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
) -> Result<Json<ActivityView>, ApiError> {
    Ok(Json(app::activities::get(&state.app.db, &actor, &id).await?))
}
