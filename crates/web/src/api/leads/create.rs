//! `POST /api/v1/leads`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use app::leads::{LeadView, NewLead};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::json::ApiJson;

/// Creates a lead: phones to E.164 (local formats and Arabic-Indic digits read with the agency's
/// country), duplicates by phone or e-mail refused, and without an assignee the lead is the
/// calling agent's, or routed round robin.
#[utoipa::path(
    post,
    path = "/api/v1/leads",
    tag = "leads",
    request_body = NewLead,
    responses(
        (status = 201, description = "The new lead", body = LeadView),
        (status = 400, description = "`lead.name_required`, `lead.invalid_phone`, `lead.invalid_email`, `lead.invalid_assignee`, `request.invalid`, `request.malformed_json`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied` (e.g. an agent assigning to someone else)", body = ErrorBody),
        (status = 409, description = "`lead.duplicate`, with `field` and — when the caller may read it — `existingId`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn create_lead(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<NewLead>,
) -> Result<Response, ApiError> {
    let lead = app::leads::create(&state.app.db, &actor, body).await?;
    let mut res = (StatusCode::CREATED, Json(&lead)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/leads/{}", lead.id)) {
        res.headers_mut().insert(header::LOCATION, location);
    }
    Ok(res)
}
