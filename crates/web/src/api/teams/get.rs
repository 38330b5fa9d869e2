//! `GET /api/v1/teams/{id}`.

use axum::Json;
use axum::extract::{Path, State};

use app::teams::TeamView;

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;

/// One team with its members (id, name, role, active), by name.
#[utoipa::path(
    get,
    path = "/api/v1/teams/{id}",
    tag = "teams",
    params(("id" = String, Path, description = "The team's id")),
    responses(
        (status = 200, description = "The team", body = TeamView),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 404, description = "`team.not_found` (missing, or of another agency)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn get_team(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
) -> Result<Json<TeamView>, ApiError> {
    Ok(Json(app::teams::get(&state.app.db, &actor, &id).await?))
}
