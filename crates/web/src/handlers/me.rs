//! `/api/v1/me`: the caller's own profile (read, edit name and language) and password, under
//! their own rules.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, Uri, header};
use axum::response::Response;

use app::users::{ChangePassword, MePatch, UserView};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::{CurrentActor, is_secure};
use crate::client_ip::ClientIp;
use crate::error::ApiError;
use crate::handlers::auth::{TokenResponse, cookie_body, token_body};
use crate::json::ApiJson;

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

/// Edits the caller's own name and interface language (other fields: `PATCH /users/{id}`, by
/// an admin).
#[utoipa::path(
    patch,
    path = "/api/v1/me",
    tag = "users",
    request_body = MePatch,
    responses(
        (status = 200, description = "The caller's profile", body = UserView),
        (status = 400, description = "`user.name_required`, `request.invalid` (e.g. a field other than `name` and `locale`)", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn update_me(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<MePatch>,
) -> Result<Json<UserView>, ApiError> {
    Ok(Json(app::users::update_me(&state.app.db, &actor, body).await?))
}

/// Changes the caller's password. Every login of the user is revoked (all refresh tokens, on
/// every device) and a new one is opened for this caller: tokens in the body for a bearer
/// client, fresh session cookies (and CSRF token) for the web UI.
#[utoipa::path(
    post,
    path = "/api/v1/me/password",
    tag = "users",
    request_body = ChangePassword,
    responses(
        (status = 200, description = "The caller's new login", body = TokenResponse),
        (status = 400, description = "`user.wrong_password`, `user.weak_password`, `request.invalid`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 429, description = "`auth.rate_limited`: too many wrong passwords, with `Retry-After`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn change_password(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    uri: Uri,
    ApiJson(body): ApiJson<ChangePassword>,
) -> Result<Response, ApiError> {
    let session = app::users::change_password(&state.app.db, &state.app.auth, &actor, body, ip.as_deref()).await?;
    tracing::info!(user_id = %actor.user_id, "password changed; every other login revoked");
    Ok(if headers.contains_key(header::AUTHORIZATION) {
        token_body(&session)
    } else {
        cookie_body(&session, is_secure(&state, &headers, &uri), state.settings.refresh_ttl)
    })
}
