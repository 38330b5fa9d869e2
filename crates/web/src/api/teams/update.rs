//! `PATCH /api/v1/teams/{id}`.

use axum::Json;
use axum::extract::{Path, State};

use app::teams::{TeamPatch, TeamView};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::json::ApiJson;

/// Renames a team or changes its manager (admins); `managerId: null` removes the manager.
/// Members join and leave through `PATCH /api/v1/users/{id}` (`teamId`).
#[utoipa::path(
    patch,
    path = "/api/v1/teams/{id}",
    tag = "teams",
    params(("id" = String, Path, description = "The team's id")),
    request_body = TeamPatch,
    responses(
        (status = 200, description = "The edited team", body = TeamView),
        (status = 400, description = "`team.name_required`, `team.invalid_manager`, `request.invalid`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`: not an admin", body = ErrorBody),
        (status = 404, description = "`team.not_found`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn update_team(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TeamPatch>,
) -> Result<Json<TeamView>, ApiError> {
    Ok(Json(app::teams::update(&state.app.db, &actor, &id, body).await?))
}
