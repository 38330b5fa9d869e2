//! `PATCH /api/v1/properties/{id}`.

use axum::Json;
use axum::extract::{Path, State};

use app::properties::{PropertyPatch, PropertyView};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::json::ApiJson;

/// Edits a listing: absent fields stay, `null` clears. Agents edit the listings they list,
/// managers their team's (and those without an agent), admins all; only admins and managers
/// change `listingAgentId`.
#[utoipa::path(
    patch,
    path = "/api/v1/properties/{id}",
    tag = "properties",
    params(("id" = String, Path, description = "The listing's id")),
    request_body = PropertyPatch,
    responses(
        (status = 200, description = "The edited listing", body = PropertyView),
        (status = 400, description = "as on create, with `field`; `request.invalid`, `request.malformed_json`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`: readable, but the rules refuse the change", body = ErrorBody),
        (status = 404, description = "`property.not_found`", body = ErrorBody),
        (status = 409, description = "`property.reference_taken`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn update_property(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PropertyPatch>,
) -> Result<Json<PropertyView>, ApiError> {
    Ok(Json(app::properties::update(&state.app.db, &actor, &id, body).await?))
}
