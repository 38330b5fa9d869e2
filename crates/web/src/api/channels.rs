//! `/api/v1/channels`: the agency's channel accounts (WhatsApp numbers, SMS numbers, e-mail
//! mailboxes). Admins create, edit and delete them; every member lists and reads them. Secrets
//! are write-only: an admin's view says which are set (`secrets`), nobody's shows their values.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

use app::inbox::channels::{ChannelPatch, ChannelView, NewChannel};
use app::records::{Page, PageQuery};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::query::ApiQuery;

/// The query string of the channel list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ChannelListQuery {
    /// `name` or `createdAt`; `-` in front for descending. Default `name`.
    pub sort: Option<String>,
    /// Page size, 1–100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists the agency's channel accounts (secret flags for admins only).
#[utoipa::path(
    get,
    path = "/api/v1/channels",
    tag = "channels",
    params(ChannelListQuery),
    responses(
        (status = 200, description = "One page of channel accounts", body = Page<ChannelView>),
        (status = 400, description = "`request.invalid_query`, `request.invalid_cursor`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn list_channels(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(q): ApiQuery<ChannelListQuery>,
) -> Result<Json<Page<ChannelView>>, ApiError> {
    let page = PageQuery { sort: q.sort, limit: q.limit, cursor: q.cursor };
    Ok(Json(app::inbox::channels::list(&state.app.db, &actor, page).await?))
}

/// Creates a channel account (admins). WHATSAPP needs `phoneNumberId` and `appSecret`; SMS
/// `address` (E.164), `smsAccountSid` and `authToken`; EMAIL `inboundAddress` and `inboundSecret`.
#[utoipa::path(
    post,
    path = "/api/v1/channels",
    tag = "channels",
    request_body = NewChannel,
    responses(
        (status = 201, description = "The new account (secrets never shown)", body = ChannelView),
        (status = 400, description = "`channel.required`, `channel.field_not_for_kind`, `channel.invalid_address`, `channel.invalid_phone_number_id`, `channel.invalid_port`, `channel.invalid_templates`, `request.invalid`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`: not an admin", body = ErrorBody),
        (status = 409, description = "`channel.phone_number_id_taken`, `channel.address_taken`, `channel.inbound_address_taken`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn create_channel(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<NewChannel>,
) -> Result<Response, ApiError> {
    let channel = app::inbox::channels::create(&state.app.db, &state.app.channels, &actor, body).await?;
    let mut res = (StatusCode::CREATED, Json(&channel)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/channels/{}", channel.id)) {
        res.headers_mut().insert(header::LOCATION, location);
    }
    Ok(res)
}

/// One channel account.
#[utoipa::path(
    get,
    path = "/api/v1/channels/{id}",
    tag = "channels",
    params(("id" = String, Path, description = "The account's id")),
    responses(
        (status = 200, description = "The account", body = ChannelView),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 404, description = "`channel_account.not_found` (missing, or of another agency)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn get_channel(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
) -> Result<Json<ChannelView>, ApiError> {
    Ok(Json(app::inbox::channels::get(&state.app.db, &actor, &id).await?))
}

/// Edits a channel account (admins). Absent fields stay; `null` clears (a secret too); the kind
/// never changes.
#[utoipa::path(
    patch,
    path = "/api/v1/channels/{id}",
    tag = "channels",
    params(("id" = String, Path, description = "The account's id")),
    request_body = ChannelPatch,
    responses(
        (status = 200, description = "The edited account", body = ChannelView),
        (status = 400, description = "as for create", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`: not an admin", body = ErrorBody),
        (status = 404, description = "`channel_account.not_found`", body = ErrorBody),
        (status = 409, description = "as for create", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn update_channel(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ChannelPatch>,
) -> Result<Json<ChannelView>, ApiError> {
    Ok(Json(app::inbox::channels::update(&state.app.db, &state.app.channels, &actor, &id, body).await?))
}

/// Deletes a channel account (admins), with its identities, conversations and messages.
#[utoipa::path(
    delete,
    path = "/api/v1/channels/{id}",
    tag = "channels",
    params(("id" = String, Path, description = "The account's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`: not an admin", body = ErrorBody),
        (status = 404, description = "`channel_account.not_found`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn delete_channel(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    app::inbox::channels::delete(&state.app.db, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
