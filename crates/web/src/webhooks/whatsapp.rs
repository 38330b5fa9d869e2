//! `GET /webhooks/whatsapp` (Meta's verification handshake) and `POST /webhooks/whatsapp` (signed
//! notifications).

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use channels::whatsapp::SIGNATURE_HEADER;

use super::{pairs, read_body};
use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::error::ApiError;

/// Meta's verification handshake: answers `hub.challenge` as plain text when `hub.verify_token`
/// matches the server's token (`channels.whatsapp.verify_token`) or an active account's.
#[utoipa::path(
    get,
    path = "/webhooks/whatsapp",
    tag = "webhooks",
    params(
        ("hub.mode" = String, Query, description = "`subscribe`"),
        ("hub.verify_token" = String, Query, description = "The verify token set in Meta's App Dashboard"),
        ("hub.challenge" = String, Query, description = "Echoed back byte for byte"),
    ),
    responses(
        (status = 200, description = "The challenge", content_type = "text/plain", body = String),
        (status = 403, description = "`webhook.handshake_refused`", body = ErrorBody),
    )
)]
pub async fn whatsapp_handshake(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = pairs(query.unwrap_or_default().as_bytes());
    let challenge = app::inbox::inbound::whatsapp::handshake(&state.app, &params).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], challenge).into_response())
}

/// A WhatsApp Cloud API notification. The `X-Hub-Signature-256` HMAC is checked over the raw
/// body with the app secret of the account its `phone_number_id` names; the delivery is then
/// recorded (a job per agency) and answered 200 before any processing.
#[utoipa::path(
    post,
    path = "/webhooks/whatsapp",
    tag = "webhooks",
    request_body(content = Object, content_type = "application/json", description = "Meta's `whatsapp_business_account` notification"),
    params(("X-Hub-Signature-256" = String, Header, description = "`sha256=<hex HMAC-SHA256 of the raw body>`")),
    responses(
        (status = 200, description = "Recorded (or nothing to route)"),
        (status = 400, description = "`webhook.malformed`", body = ErrorBody),
        (status = 401, description = "`webhook.unauthorized`: missing or bad signature", body = ErrorBody),
        (status = 404, description = "`webhook.unknown_account`: no agency has this phone_number_id (Meta retries for 7 days)", body = ErrorBody),
        (status = 413, description = "`webhook.too_large`", body = ErrorBody),
    )
)]
pub async fn whatsapp_notification(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, ApiError> {
    let raw = read_body(body, state.app.channels.max_webhook_bytes).await?;
    let signature = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
    app::inbox::inbound::whatsapp::accept(&state.app, &raw, signature).await?;
    Ok(StatusCode::OK)
}
