//! `PATCH /api/v1/deals/{id}`.

use axum::Json;
use axum::extract::{Path, State};

use app::deals::{DealPatch, DealView};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::json::ApiJson;

/// Edits a deal: absent fields stay, `null` clears an optional one. `leadId`, `agentId` and
/// `commission` are for admins and managers; a closed deal is final for an agent. The stage has
/// its own operation.
#[utoipa::path(
    patch,
    path = "/api/v1/deals/{id}",
    tag = "deals",
    params(("id" = String, Path, description = "The deal's id")),
    request_body = DealPatch,
    responses(
        (status = 200, description = "The edited deal", body = DealView),
        (status = 400, description = "`deal.invalid_lead`, `deal.invalid_property`, `deal.invalid_agent`, `deal.invalid_currency`, `deal.invalid_date`, `request.invalid`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`: readable, but the rules refuse the change", body = ErrorBody),
        (status = 404, description = "`deal.not_found`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn update_deal(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DealPatch>,
) -> Result<Json<DealView>, ApiError> {
    Ok(Json(app::deals::update(&state.app.db, &actor, &id, body).await?))
}
