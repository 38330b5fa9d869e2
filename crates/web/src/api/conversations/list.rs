//! `GET /api/v1/conversations` and `GET /api/v1/conversations/{id}`.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use utoipa::IntoParams;

use app::inbox::conversations::{ChannelKind, ConversationStatus, ConversationView, ListConversations};
use app::records::Page;

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::query::ApiQuery;

/// The query string of the conversations list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ConversationListQuery {
    /// `true`: only the conversations assigned to the caller.
    pub mine: Option<bool>,
    /// `true`: only the conversations nobody is assigned to.
    pub unassigned: Option<bool>,
    /// Conversations whose assignee is in this team.
    pub team_id: Option<String>,
    /// `WHATSAPP`, `SMS` or `EMAIL`.
    #[param(example = "WHATSAPP")]
    pub channel: Option<String>,
    /// `OPEN`, `SNOOZED` or `CLOSED`.
    #[param(example = "OPEN")]
    pub status: Option<String>,
    /// Page size, 1–100 (default 25).
    pub limit: Option<u32>,
    /// The previous page's `nextCursor`.
    pub cursor: Option<String>,
}

fn bad_query(field: &'static str) -> ApiError {
    ApiError::new(axum::http::StatusCode::BAD_REQUEST, "request.invalid_query").with("field", field)
}

/// Lists the conversations the caller may read, the latest message first (conversations without
/// messages last), each with the lead's name, the channel, the last message's preview and time,
/// the caller's own unread count and when WhatsApp's 24-hour window closes.
#[utoipa::path(
    get,
    path = "/api/v1/conversations",
    tag = "inbox",
    params(ConversationListQuery),
    responses(
        (status = 200, description = "One page of conversations", body = Page<ConversationView>),
        (status = 400, description = "`request.invalid_query`, `request.invalid_cursor`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn list_conversations(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(q): ApiQuery<ConversationListQuery>,
) -> Result<Json<Page<ConversationView>>, ApiError> {
    let channel = match q.channel.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(c) => Some(ChannelKind::parse(c).ok_or_else(|| bad_query("channel"))?),
        None => None,
    };
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(ConversationStatus::parse(s).ok_or_else(|| bad_query("status"))?),
        None => None,
    };
    let query = ListConversations {
        mine: q.mine.unwrap_or(false),
        unassigned: q.unassigned.unwrap_or(false),
        team_id: q.team_id,
        lead_id: None,
        channel,
        status,
        limit: q.limit,
        cursor: q.cursor,
    };
    Ok(Json(app::inbox::conversations::list(&state.app.db, &actor, query).await?))
}

/// One conversation. One the caller may not read answers exactly like a missing one.
#[utoipa::path(
    get,
    path = "/api/v1/conversations/{id}",
    tag = "inbox",
    params(("id" = String, Path, description = "The conversation's id")),
    responses(
        (status = 200, description = "The conversation", body = ConversationView),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 404, description = "`conversation.not_found`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn get_conversation(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
) -> Result<Json<ConversationView>, ApiError> {
    Ok(Json(app::inbox::conversations::get(&state.app.db, &actor, &id).await?))
}
