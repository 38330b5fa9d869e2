//! `POST /api/v1/deals`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use app::deals::{DealView, NewDeal};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::json::ApiJson;

/// Opens a deal on a lead the caller may read, at stage `OFFER`. Without `agentId` it is the
/// calling agent's (for an admin or a manager, the lead's assignee's); without `currency`, in
/// the agency's currency.
#[utoipa::path(
    post,
    path = "/api/v1/deals",
    tag = "deals",
    request_body = NewDeal,
    responses(
        (status = 201, description = "The new deal (`Location` names it)", body = DealView),
        (status = 400, description = "`deal.invalid_lead` (missing or not readable by the caller), `deal.invalid_property`, `deal.invalid_agent`, `deal.invalid_currency`, `deal.invalid_date`, `request.invalid` (e.g. a negative or malformed amount, an unknown field), `request.malformed_json`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`: e.g. an agent setting a commission or opening a deal for someone else", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn create_deal(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<NewDeal>,
) -> Result<Response, ApiError> {
    let deal = app::deals::create(&state.app.db, &actor, body).await?;
    let mut res = (StatusCode::CREATED, Json(&deal)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/deals/{}", deal.id)) {
        res.headers_mut().insert(header::LOCATION, location);
    }
    Ok(res)
}
