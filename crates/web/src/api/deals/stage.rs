//! `POST /api/v1/deals/{id}/stage`.

use axum::Json;
use axum::extract::{Path, State};

use app::deals::{DealView, MoveStage};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::json::ApiJson;

/// Moves a deal through OFFER → RESERVATION → CONTRACT → CLOSED_WON / CLOSED_LOST. Open stages
/// move either way (skipping ahead, or back to correct a mistake); a closed deal is reopened or
/// re-closed only by an admin or a manager. Every move is in the audit log
/// (`GET /api/v1/audit?model=Deal&recordId=…`).
#[utoipa::path(
    post,
    path = "/api/v1/deals/{id}/stage",
    tag = "deals",
    params(("id" = String, Path, description = "The deal's id")),
    request_body = MoveStage,
    responses(
        (status = 200, description = "The deal in its new stage", body = DealView),
        (status = 400, description = "`request.invalid` (an unknown stage)", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`: e.g. an agent leaving a closed stage", body = ErrorBody),
        (status = 404, description = "`deal.not_found`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn move_deal_stage(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MoveStage>,
) -> Result<Json<DealView>, ApiError> {
    Ok(Json(app::deals::move_stage(&state.app.db, &actor, &id, body).await?))
}
