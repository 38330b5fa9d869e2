//! `PATCH /api/v1/activities/{id}`.

use axum::Json;
use axum::extract::{Path, State};

use app::activities::{ActivityPatch, ActivityView};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::json::ApiJson;

/// Edits an activity: absent fields stay, `null` clears an optional one. `leadId` and
/// `assigneeId` are for admins and managers; done and reopen have their own operations.
#[utoipa::path(
    patch,
    path = "/api/v1/activities/{id}",
    tag = "activities",
    params(("id" = String, Path, description = "The activity's id")),
    request_body = ActivityPatch,
    responses(
        (status = 200, description = "The edited activity", body = ActivityView),
        (status = 400, description = "`activity.invalid_lead`, `activity.invalid_property`, `activity.invalid_deal`, `activity.invalid_assignee`, `activity.title_required`, `activity.invalid_date`, `request.invalid`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`: readable, but the rules refuse the change", body = ErrorBody),
        (status = 404, description = "`activity.not_found`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn update_activity(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ActivityPatch>,
) -> Result<Json<ActivityView>, ApiError> {
    Ok(Json(app::activities::update(&state.app.db, &actor, &id, body).await?))
}
