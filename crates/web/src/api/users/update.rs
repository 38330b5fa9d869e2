//! `PATCH /api/v1/users/{id}`.

use axum::Json;
use axum::extract::{Path, State};

use app::users::{UserPatch, UserView};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::json::ApiJson;

/// Edits a user. Admins may change everything but the password; a user may change their own
/// `name` and `locale` only (any other field → 403). `"active": false` deactivates the user —
/// there is no delete — and the agency always keeps one active admin.
#[utoipa::path(
    patch,
    path = "/api/v1/users/{id}",
    tag = "users",
    params(("id" = String, Path, description = "The user's id")),
    request_body = UserPatch,
    responses(
        (status = 200, description = "The edited user", body = UserView),
        (status = 400, description = "`user.last_admin`, `user.invalid_email`, `user.name_required`, `user.invalid_team`, `user.invalid_language`, `request.invalid`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`: a field the caller may not change", body = ErrorBody),
        (status = 404, description = "`user.not_found`", body = ErrorBody),
        (status = 409, description = "`user.email_taken`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn update_user(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UserPatch>,
) -> Result<Json<UserView>, ApiError> {
    Ok(Json(app::users::update(&state.app.db, &actor, &id, body).await?))
}
