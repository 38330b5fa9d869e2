//! `PATCH /api/v1/leads/{id}`.

use axum::Json;
use axum::extract::{Path, State};

use app::leads::{LeadPatch, LeadView};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::json::ApiJson;

/// Edits a lead: absent fields stay, `null` clears. Phones and e-mail are normalised and checked
/// for duplicates as on create. The assignee and the status have their own operations.
#[utoipa::path(
    patch,
    path = "/api/v1/leads/{id}",
    tag = "leads",
    params(("id" = String, Path, description = "The lead's id")),
    request_body = LeadPatch,
    responses(
        (status = 200, description = "The edited lead", body = LeadView),
        (status = 400, description = "`lead.name_required`, `lead.invalid_phone`, `lead.invalid_email`, `request.invalid`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`: readable, but the rules refuse the change", body = ErrorBody),
        (status = 404, description = "`lead.not_found`", body = ErrorBody),
        (status = 409, description = "`lead.duplicate`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn update_lead(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<LeadPatch>,
) -> Result<Json<LeadView>, ApiError> {
    Ok(Json(app::leads::update(&state.app.db, &actor, &id, body).await?))
}
