//! `POST /api/v1/leads/{id}/status`.

use axum::Json;
use axum::extract::{Path, State};

use app::leads::{ChangeStatus, LeadView};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::json::ApiJson;

/// Moves a lead through the pipeline. `LOST` needs a `lostReason`; other statuses take none and
/// clear it.
#[utoipa::path(
    post,
    path = "/api/v1/leads/{id}/status",
    tag = "leads",
    params(("id" = String, Path, description = "The lead's id")),
    request_body = ChangeStatus,
    responses(
        (status = 200, description = "The lead in its new status", body = LeadView),
        (status = 400, description = "`lead.lost_reason_required`, `lead.lost_reason_not_allowed`, `request.invalid`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`", body = ErrorBody),
        (status = 404, description = "`lead.not_found`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn change_lead_status(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ChangeStatus>,
) -> Result<Json<LeadView>, ApiError> {
    Ok(Json(app::leads::change_status(&state.app.db, &actor, &id, body).await?))
}
