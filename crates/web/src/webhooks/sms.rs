//! `POST /webhooks/sms` (inbound texts) and `POST /webhooks/sms/status` (status callbacks), the
//! Twilio-compatible form webhooks.

use axum::body::Body;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};

use app::inbox::inbound::sms::{SmsHook, accept};
use channels::sms::SIGNATURE_HEADER;

use super::{pairs, read_body};
use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::error::ApiError;

/// The empty TwiML answer: nothing is sent back through the webhook (replies go through the API,
/// so they are stored).
const EMPTY_TWIML: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Response/>"#;

async fn handle(
    state: AppState,
    hook: SmsHook,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let raw = read_body(body, state.app.channels.max_webhook_bytes).await?;
    let form = pairs(&raw);
    let signature = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
    let path = uri.0.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| uri.0.path().to_owned());
    accept(&state.app, hook, &path, form, signature).await?;
    Ok(([(header::CONTENT_TYPE, "text/xml")], EMPTY_TWIML).into_response())
}

/// An inbound text, routed by `To` (an SMS account's `address`) and verified with that account's
/// auth token against `server.public_url` + this path. STOP/START opt the sender out or in.
#[utoipa::path(
    post,
    path = "/webhooks/sms",
    tag = "webhooks",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "Twilio's inbound message form"),
    params(("X-Twilio-Signature" = String, Header, description = "base64 HMAC-SHA1 of the URL and the sorted parameters")),
    responses(
        (status = 200, description = "Recorded; empty TwiML", content_type = "text/xml", body = String),
        (status = 400, description = "`webhook.malformed`", body = ErrorBody),
        (status = 401, description = "`webhook.unauthorized`", body = ErrorBody),
        (status = 404, description = "`webhook.unknown_account`", body = ErrorBody),
        (status = 413, description = "`webhook.too_large`", body = ErrorBody),
        (status = 503, description = "`webhook.not_configured`: `server.public_url` is unset", body = ErrorBody),
    )
)]
pub async fn sms_inbound(
    State(state): State<AppState>,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    handle(state, SmsHook::Inbound, uri, headers, body).await
}

/// A delivery status callback, routed by `From` (the account's number). Statuses only move
/// forward.
#[utoipa::path(
    post,
    path = "/webhooks/sms/status",
    tag = "webhooks",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "Twilio's status callback form"),
    params(("X-Twilio-Signature" = String, Header, description = "as for inbound texts")),
    responses(
        (status = 200, description = "Recorded; empty TwiML", content_type = "text/xml", body = String),
        (status = 400, description = "`webhook.malformed`", body = ErrorBody),
        (status = 401, description = "`webhook.unauthorized`", body = ErrorBody),
        (status = 404, description = "`webhook.unknown_account`", body = ErrorBody),
        (status = 503, description = "`webhook.not_configured`", body = ErrorBody),
    )
)]
pub async fn sms_status(
    State(state): State<AppState>,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    handle(state, SmsHook::Status, uri, headers, body).await
}
