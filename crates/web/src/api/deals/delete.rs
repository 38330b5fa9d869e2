//! `DELETE /api/v1/deals/{id}`.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;

/// Deletes a deal. The rules allow it to admins only; a manager or agent who can read the deal
/// gets 403 (they close it as `CLOSED_LOST`), anyone else 404.
#[utoipa::path(
    delete,
    path = "/api/v1/deals/{id}",
    tag = "deals",
    params(("id" = String, Path, description = "The deal's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`", body = ErrorBody),
        (status = 404, description = "`deal.not_found`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn delete_deal(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    app::deals::delete(&state.app.db, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
