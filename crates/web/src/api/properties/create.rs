//! `POST /api/v1/properties`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use app::properties::{NewProperty, PropertyView};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::json::ApiJson;

/// Creates a listing. The currency defaults to the agency's; the owner's phone is stored in
/// E.164; an agent who names no listing agent becomes it (and may name no one else).
#[utoipa::path(
    post,
    path = "/api/v1/properties",
    tag = "properties",
    request_body = NewProperty,
    responses(
        (status = 201, description = "The new listing", body = PropertyView),
        (status = 400, description = "`property.required`, `property.invalid_price`, `property.invalid_currency`, `property.invalid_number`, `property.invalid_date`, `property.invalid_phone`, `property.invalid_agent`, `property.invalid_photo` (each with `field`), `request.invalid`, `request.malformed_json`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied` (e.g. an agent listing for someone else, a manager for another team)", body = ErrorBody),
        (status = 409, description = "`property.reference_taken` (`field`: `reference`)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn create_property(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<NewProperty>,
) -> Result<Response, ApiError> {
    let property = app::properties::create(&state.app.db, &actor, body).await?;
    let mut res = (StatusCode::CREATED, Json(&property)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/properties/{}", property.id)) {
        res.headers_mut().insert(header::LOCATION, location);
    }
    Ok(res)
}
