//! `GET /api/v1/me`: the caller's own profile, read under their own rules.

use axum::Json;
use axum::extract::State;

use app::users::UserView;

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;

/// The signed-in user.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "users",
    responses(
        (status = 200, description = "The caller's profile", body = UserView),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn me(State(state): State<AppState>, CurrentActor(actor): CurrentActor) -> Result<Json<UserView>, ApiError> {
    Ok(Json(app::users::me(&state.app.db, &actor).await?))
}
