//! `POST /api/v1/activities`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use app::activities::{ActivityView, NewActivity};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::json::ApiJson;

/// Logs an activity on a lead the caller may read (optionally on one of its deals and a
/// listing). The caller is its creator, and its assignee unless `assigneeId` says otherwise
/// (`null`: nobody; an agent may name only themselves).
#[utoipa::path(
    post,
    path = "/api/v1/activities",
    tag = "activities",
    request_body = NewActivity,
    responses(
        (status = 201, description = "The new activity (`Location` names it)", body = ActivityView),
        (status = 400, description = "`activity.invalid_lead` (missing or not readable by the caller), `activity.invalid_property`, `activity.invalid_deal`, `activity.invalid_assignee`, `activity.title_required`, `activity.invalid_date`, `request.invalid`, `request.malformed_json`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`: e.g. an agent assigning it to someone else", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn create_activity(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<NewActivity>,
) -> Result<Response, ApiError> {
    let activity = app::activities::create(&state.app.db, &actor, body).await?;
    let mut res = (StatusCode::CREATED, Json(&activity)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/activities/{}", activity.id)) {
        res.headers_mut().insert(header::LOCATION, location);
    }
    Ok(res)
}
