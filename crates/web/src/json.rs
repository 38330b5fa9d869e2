//! JSON request bodies with Manzil's error codes: 415 without a JSON content type, 413 over the
//! body limit, 400 `request.malformed_json` for broken JSON, 400 `request.invalid` for JSON of
//! the wrong shape (unknown fields included: bodies use `#[serde(deny_unknown_fields)]`; every
//! body is a JSON object).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::{DeserializeOwned, IgnoredAny};

use crate::error::ApiError;

/// A JSON body that must be present.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

/// A JSON body that may be absent (empty body: `None`), for endpoints that also read cookies.
#[derive(Debug)]
pub struct MaybeJson<T>(pub Option<T>);

fn is_json(req: &Request) -> bool {
    let Some(ct) = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let mime = ct.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

async fn read_body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "request.too_large")
        } else {
            ApiError::invalid_request()
        }
    })
}

fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // Every body is an object: serde would also read a struct from an array (`["CONTRACT"]`).
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(if serde_json::from_slice::<IgnoredAny>(bytes).is_ok() {
            ApiError::invalid_request()
        } else {
            ApiError::new(StatusCode::BAD_REQUEST, "request.malformed_json")
        });
    }
    serde_json::from_slice(bytes).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => ApiError::invalid_request(),
        // serde_json reports `null` where an enum is expected as a syntax error; well-formed
        // JSON of the wrong shape is `request.invalid` all the same.
        serde_json::error::Category::Syntax if serde_json::from_slice::<IgnoredAny>(bytes).is_ok() => {
            ApiError::invalid_request()
        }
        _ => ApiError::new(StatusCode::BAD_REQUEST, "request.malformed_json"),
    })
}

fn unsupported() -> ApiError {
    ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "request.unsupported_media_type")
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(&req) {
            return Err(unsupported());
        }
        let bytes = read_body(req, state).await?;
        parse(&bytes).map(ApiJson)
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for MaybeJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = is_json(&req);
        let bytes = read_body(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(MaybeJson(None));
        }
        if !json {
            return Err(unsupported());
        }
        parse(&bytes).map(|v| MaybeJson(Some(v)))
    }
}
