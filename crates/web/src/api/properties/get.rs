//! `GET /api/v1/properties/{id}`.

use axum::Json;
use axum::extract::{Path, State};

use app::properties::PropertyView;

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;

/// One listing. Another agency's answers exactly like a missing one; `ownerName` and
/// `ownerPhone` are `null` for an agent who is not the listing agent.
#[utoipa::path(
    get,
    path = "/api/v1/properties/{id}",
    tag = "properties",
    params(("id" = String, Path, description = "The listing's id")),
    responses(
        (status = 200, description = "The listing", body = PropertyView),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 404, description = "`property.not_found`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn get_property(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
) -> Result<Json<PropertyView>, ApiError> {
    Ok(Json(app::properties::get(&state.app.db, &actor, &id).await?))
}
