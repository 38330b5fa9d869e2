//! `POST /api/v1/users`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use app::users::{AddUser, UserView};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::json::ApiJson;

/// Adds a user to the agency (admins). Without `password` the user is invited and cannot sign
/// in yet; the answer never carries the password or its hash.
#[utoipa::path(
    post,
    path = "/api/v1/users",
    tag = "users",
    request_body = AddUser,
    responses(
        (status = 201, description = "The new user", body = UserView),
        (status = 400, description = "`user.invalid_email`, `user.name_required`, `user.invalid_team`, `user.invalid_language`, `user.weak_password`, `request.invalid`, `request.malformed_json`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`: not an admin", body = ErrorBody),
        (status = 409, description = "`user.email_taken`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn create_user(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<AddUser>,
) -> Result<Response, ApiError> {
    let user = app::users::add(&state.app.db, &actor, body).await?;
    let mut res = (StatusCode::CREATED, Json(&user)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/users/{}", user.id)) {
        res.headers_mut().insert(header::LOCATION, location);
    }
    Ok(res)
}
