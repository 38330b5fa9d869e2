//! `POST /api/v1/conversations/{id}/assign`, `…/status` and `…/read`.

use axum::Json;
use axum::extract::{Path, State};

use app::inbox::conversations::{AssignConversation, ConversationView, SetStatus};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::json::ApiJson;

/// Assigns the conversation to an active user of the agency (`null` unassigns). Admins, and
/// managers within their team; an agent gets 403.
#[utoipa::path(
    post,
    path = "/api/v1/conversations/{id}/assign",
    tag = "inbox",
    params(("id" = String, Path, description = "The conversation's id")),
    request_body = AssignConversation,
    responses(
        (status = 200, description = "The conversation", body = ConversationView),
        (status = 400, description = "`conversation.invalid_assignee`, `request.invalid`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`", body = ErrorBody),
        (status = 404, description = "`conversation.not_found`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn assign_conversation(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AssignConversation>,
) -> Result<Json<ConversationView>, ApiError> {
    Ok(Json(app::inbox::conversations::assign(&state.app, &actor, &id, body).await?))
}

/// Opens, snoozes (`snoozedUntil`: a future instant) or closes the conversation.
#[utoipa::path(
    post,
    path = "/api/v1/conversations/{id}/status",
    tag = "inbox",
    params(("id" = String, Path, description = "The conversation's id")),
    request_body = SetStatus,
    responses(
        (status = 200, description = "The conversation", body = ConversationView),
        (status = 400, description = "`conversation.invalid_snooze`, `request.invalid`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 404, description = "`conversation.not_found`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn set_conversation_status(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SetStatus>,
) -> Result<Json<ConversationView>, ApiError> {
    Ok(Json(app::inbox::conversations::set_status(&state.app, &actor, &id, body).await?))
}

/// Marks the conversation read by the caller (their unread count becomes 0). On WhatsApp the
/// customer's last message is marked read on their phone too (in the background).
#[utoipa::path(
    post,
    path = "/api/v1/conversations/{id}/read",
    tag = "inbox",
    params(("id" = String, Path, description = "The conversation's id")),
    responses(
        (status = 200, description = "The conversation", body = ConversationView),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 404, description = "`conversation.not_found`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn read_conversation(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
) -> Result<Json<ConversationView>, ApiError> {
    Ok(Json(app::inbox::conversations::mark_read(&state.app, &actor, &id).await?))
}
