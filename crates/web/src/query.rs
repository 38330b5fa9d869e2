//! Query strings with Manzil's error code: 400 `request.invalid_query` for a parameter of the
//! wrong type or one the endpoint does not know (query structs use `deny_unknown_fields`).

use axum::extract::{FromRequestParts, Query};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A parsed query string.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| ApiQuery(q))
            .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "request.invalid_query"))
    }
}

/// A comma-separated list of enum names (`NEW,contacted`, case-insensitive) as `T`s; an unknown
/// name is 400 `request.invalid_query` on `field`. Absent or empty: no names.
pub fn names<T: DeserializeOwned>(input: Option<&str>, field: &'static str) -> Result<Vec<T>, ApiError> {
    let Some(input) = input else { return Ok(Vec::new()) };
    input
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            serde_json::from_value(serde_json::Value::String(s.to_ascii_uppercase()))
                .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "request.invalid_query").with("field", field))
        })
        .collect()
}
