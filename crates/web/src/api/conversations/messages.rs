//! `GET` and `POST /api/v1/conversations/{id}/messages`, `POST …/notes`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use app::inbox::conversations::{MessageView, NewNote};
use app::inbox::outbound::NewMessage;
use app::records::{Page, PageQuery};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::query::ApiQuery;

/// The query string of a conversation's messages.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct MessageListQuery {
    /// `-createdAt` (newest first, the default: a chat view loads backwards) or `createdAt`.
    #[param(example = "-createdAt")]
    pub sort: Option<String>,
    /// Page size, 1–100 (default 25).
    pub limit: Option<u32>,
    /// The previous page's `nextCursor`.
    pub cursor: Option<String>,
}

/// The conversation's messages and notes, newest first, in cursor pages.
#[utoipa::path(
    get,
    path = "/api/v1/conversations/{id}/messages",
    tag = "inbox",
    params(("id" = String, Path, description = "The conversation's id"), MessageListQuery),
    responses(
        (status = 200, description = "One page of messages", body = Page<MessageView>),
        (status = 400, description = "`request.invalid_query`, `request.invalid_cursor`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 404, description = "`conversation.not_found`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn list_messages(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<MessageListQuery>,
) -> Result<Json<Page<MessageView>>, ApiError> {
    let page = PageQuery { sort: q.sort, limit: q.limit, cursor: q.cursor };
    Ok(Json(app::inbox::conversations::messages(&state.app.db, &actor, &id, page).await?))
}

/// Replies to the customer through the conversation's channel: the message is stored as
/// `QUEUED` together with its delivery job and answered at once (202); a worker sends it and
/// moves it to `SENT` (or `FAILED` with the provider's code and a message an agent understands).
/// WhatsApp free text after the customer's 24-hour window is refused: send a template.
#[utoipa::path(
    post,
    path = "/api/v1/conversations/{id}/messages",
    tag = "inbox",
    params(("id" = String, Path, description = "The conversation's id")),
    request_body = NewMessage,
    responses(
        (status = 202, description = "The queued message", body = MessageView),
        (status = 400, description = "`message.body_required`, `message.unknown_template`, `message.template_not_supported`, `message.invalid_reply_to`, `message.invalid_media`, `message.media_too_large`, `sms.media_unsupported`, `request.invalid`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 404, description = "`conversation.not_found`", body = ErrorBody),
        (status = 409, description = "`whatsapp.window_closed` (with `hint: template`), `channel.opted_out`, `channel.inactive`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn send_message(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewMessage>,
) -> Result<(StatusCode, Json<MessageView>), ApiError> {
    let message = app::inbox::outbound::send(&state.app, &actor, &id, body).await?;
    Ok((StatusCode::ACCEPTED, Json(message)))
}

/// Adds a private note for the agents: stored with the messages, never sent to the customer.
#[utoipa::path(
    post,
    path = "/api/v1/conversations/{id}/notes",
    tag = "inbox",
    params(("id" = String, Path, description = "The conversation's id")),
    request_body = NewNote,
    responses(
        (status = 201, description = "The note", body = MessageView),
        (status = 400, description = "`message.body_required`, `request.invalid`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 404, description = "`conversation.not_found`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn add_note(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewNote>,
) -> Result<(StatusCode, Json<MessageView>), ApiError> {
    let note = app::inbox::conversations::add_note(&state.app, &actor, &id, body).await?;
    Ok((StatusCode::CREATED, Json(note)))
}
