//! `POST /webhooks/email/{mailbox}`: a raw RFC 822 message for one mailbox.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};

use super::read_body;
use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::error::ApiError;

/// A raw message (`message/rfc822`) for the mailbox whose inbound address (or account id) is
/// `mailbox`, authenticated with `Authorization: Bearer <the mailbox's inboundSecret>`.
#[utoipa::path(
    post,
    path = "/webhooks/email/{mailbox}",
    tag = "webhooks",
    params(("mailbox" = String, Path, description = "The account's inbound address (or its id)")),
    request_body(content = String, content_type = "message/rfc822", description = "The raw message"),
    responses(
        (status = 200, description = "Recorded"),
        (status = 400, description = "`webhook.malformed` (empty or unreadable)", body = ErrorBody),
        (status = 401, description = "`webhook.unauthorized`: missing or wrong bearer secret", body = ErrorBody),
        (status = 404, description = "`webhook.unknown_account`", body = ErrorBody),
        (status = 413, description = "`webhook.too_large`", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn email_inbound(
    State(state): State<AppState>,
    Path(mailbox): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, ApiError> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim);
    let raw = read_body(body, state.app.channels.max_email_bytes).await?;
    app::inbox::inbound::email::accept(&state.app, &mailbox, bearer, &raw).await?;
    Ok(StatusCode::OK)
}
