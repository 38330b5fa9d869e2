//! The demo's sandbox provider over HTTP (`app::inbox::sandbox::provider`): the WhatsApp Cloud
//! API's and Twilio's send endpoints under `/sandbox/…`, answering in the providers' own shapes
//! (they are stand-ins for third-party APIs, so they are not in Manzil's route table or OpenAPI
//! document). With the sandbox off every path is the ordinary `404 route.not_found`.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine as _;

use app::inbox::sandbox::provider::{self, Answer, SandboxError};

use crate::AppState;
use crate::error::ApiError;

/// The sandbox's routes (server scope: any host); none while the sandbox is off.
pub fn router(state: &AppState) -> Router<AppState> {
    if state.app.sandbox.is_none() {
        return Router::new();
    }
    Router::new()
        .route("/sandbox/whatsapp/{version}/{phone_number_id}/messages", post(whatsapp_messages))
        .route(
            "/sandbox/whatsapp/{version}/{phone_number_id}/media",
            post(whatsapp_media).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/sandbox/twilio/2010-04-01/Accounts/{sid}/Messages.json", post(twilio_messages))
}

impl From<SandboxError> for ApiError {
    fn from(e: SandboxError) -> Self {
        match e {
            SandboxError::Disabled => ApiError::new(StatusCode::NOT_FOUND, "route.not_found"),
            SandboxError::Store(e) => e.into(),
        }
    }
}

fn answer(a: Answer) -> Response {
    let status = StatusCode::from_u16(a.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(a.body)).into_response()
}

fn authorization<'h>(headers: &'h HeaderMap, scheme: &str) -> Option<&'h str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (given, rest) = value.split_once(' ')?;
    given.eq_ignore_ascii_case(scheme).then_some(rest.trim())
}

/// `POST /sandbox/whatsapp/{version}/{phone_number_id}/messages`: a send or a read mark.
async fn whatsapp_messages(
    State(state): State<AppState>,
    Path((_version, phone_number_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let bearer = authorization(&headers, "Bearer");
    Ok(answer(provider::whatsapp_send(&state.app, &phone_number_id, bearer, &body).await?))
}

/// `POST /sandbox/whatsapp/{version}/{phone_number_id}/media`: a file uploaded before its send
/// (multipart). Authenticated before the body is read; the body is read (up to twice the upload
/// limit) and dropped.
async fn whatsapp_media(
    State(state): State<AppState>,
    Path((_version, phone_number_id)): Path<(String, String)>,
    req: axum::extract::Request,
) -> Result<Response, ApiError> {
    let bearer = authorization(req.headers(), "Bearer").map(str::to_owned);
    let answered = provider::whatsapp_media(&state.app, &phone_number_id, bearer.as_deref()).await?;
    if answered.status == 200 {
        let limit = state.app.files.max_bytes().saturating_mul(2).saturating_add(64 * 1024);
        if axum::body::to_bytes(req.into_body(), limit).await.is_err() {
            return Ok(answer(Answer {
                status: 413,
                body: serde_json::json!({"error": {"message": "(#131052) Media file size too big", "code": 131052}}),
            }));
        }
    }
    Ok(answer(answered))
}

/// `POST /sandbox/twilio/2010-04-01/Accounts/{sid}/Messages.json`: a send (form body, basic auth).
async fn twilio_messages(
    State(state): State<AppState>,
    Path(sid): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let decoded = authorization(&headers, "Basic")
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .and_then(|b| String::from_utf8(b).ok());
    let basic = decoded.as_deref().and_then(|d| d.split_once(':'));
    let form = crate::webhooks::pairs(&body);
    Ok(answer(provider::twilio_send(&state.app, &sid, basic, &form).await?))
}
