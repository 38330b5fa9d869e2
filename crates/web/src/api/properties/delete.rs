//! `DELETE /api/v1/properties/{id}`.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;

/// Deletes a listing. The rules allow it to admins only; every other member of the agency can
/// read the listing, so they get 403 (withdraw it instead: `status` `WITHDRAWN`).
#[utoipa::path(
    delete,
    path = "/api/v1/properties/{id}",
    tag = "properties",
    params(("id" = String, Path, description = "The listing's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`", body = ErrorBody),
        (status = 404, description = "`property.not_found`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn delete_property(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    app::properties::delete(&state.app.db, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
