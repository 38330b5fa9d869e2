//! Provider webhooks (server scope: providers call the bare host; the delivery itself names the
//! agency's channel account). Each handler reads the raw body within `channels.max_webhook_bytes`
//! (413 beyond), hands it to `app::inbox::inbound`, and answers as soon as the delivery is
//! recorded as a job — the heavy work runs in the worker.
//!
//! Answers: 200 recorded (or nothing to route); 400 `webhook.malformed`; 401
//! `webhook.unauthorized` (missing or bad signature or secret, nothing stored); 403
//! `webhook.handshake_refused`; 404 `webhook.unknown_account` (the provider retries, so the
//! delivery arrives once the account is configured); 413 `webhook.too_large`; 503
//! `webhook.not_configured` (`server.public_url` unset for SMS).

pub mod email;
pub mod sms;
pub mod whatsapp;

use axum::body::{Body, Bytes};
use axum::http::StatusCode;

use app::inbox::inbound::InboundError;

use crate::error::ApiError;

impl From<InboundError> for ApiError {
    fn from(e: InboundError) -> Self {
        match e {
            InboundError::Unauthorized => ApiError::new(StatusCode::UNAUTHORIZED, "webhook.unauthorized"),
            InboundError::HandshakeRefused => ApiError::new(StatusCode::FORBIDDEN, "webhook.handshake_refused"),
            InboundError::Malformed(reason) => {
                tracing::info!(%reason, "refused a malformed webhook delivery");
                ApiError::new(StatusCode::BAD_REQUEST, "webhook.malformed")
            }
            InboundError::UnknownAccount => ApiError::new(StatusCode::NOT_FOUND, "webhook.unknown_account"),
            InboundError::NoPublicUrl => {
                tracing::error!("an SMS webhook arrived but server.public_url is not configured");
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "webhook.not_configured")
            }
            InboundError::Store(e) => e.into(),
            InboundError::Job(e) => ApiError::internal(&e),
        }
    }
}

/// The whole body, or 413 `webhook.too_large` past `limit` bytes.
pub(crate) async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "webhook.too_large"))
}

/// `name=value` pairs of a form or query string, in order, repeats kept.
pub(crate) fn pairs(bytes: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(bytes).into_owned().collect()
}
