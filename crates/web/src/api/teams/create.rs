//! `POST /api/v1/teams`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use app::teams::{NewTeam, TeamView};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::json::ApiJson;

/// Creates a team (admins). The manager must be an active MANAGER or ADMIN of the agency.
#[utoipa::path(
    post,
    path = "/api/v1/teams",
    tag = "teams",
    request_body = NewTeam,
    responses(
        (status = 201, description = "The new team", body = TeamView),
        (status = 400, description = "`team.name_required`, `team.invalid_manager`, `request.invalid`, `request.malformed_json`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`: not an admin", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn create_team(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<NewTeam>,
) -> Result<Response, ApiError> {
    let team = app::teams::create(&state.app.db, &actor, body).await?;
    let mut res = (StatusCode::CREATED, Json(&team)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/teams/{}", team.id)) {
        res.headers_mut().insert(header::LOCATION, location);
    }
    Ok(res)
}
