//! `GET /api/v1/deals/{id}`.

use axum::Json;
use axum::extract::{Path, State};

use app::deals::DealView;

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;

/// One deal. A deal the caller may not read answers exactly like a missing one; `commission` is
/// `null` for a caller the rules hide it from.
#[utoipa::path(
    get,
    path = "/api/v1/deals/{id}",
    tag = "deals",
    params(("id" = String, Path, description = "The deal's id")),
    responses(
        (status = 200, description = "The deal", body = DealView),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 404, description = "`deal.not_found` (missing or hidden by the rules)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn get_deal(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
) -> Result<Json<DealView>, ApiError> {
    Ok(Json(app::deals::get(&state.app.db, &actor, &id).await?))
}
