//! `GET /api/v1/leads/{id}`.

use axum::Json;
use axum::extract::{Path, State};

use app::leads::LeadView;

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;

/// One lead. A lead the caller may not read answers exactly like a missing one.
#[utoipa::path(
    get,
    path = "/api/v1/leads/{id}",
    tag = "leads",
    params(("id" = String, Path, description = "The lead's id")),
    responses(
        (status = 200, description = "The lead", body = LeadView),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 404, description = "`lead.not_found` (missing or hidden by the rules)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn get_lead(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
) -> Result<Json<LeadView>, ApiError> {
    Ok(Json(app::leads::get(&state.app.db, &actor, &id).await?))
}
